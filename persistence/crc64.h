// CRC-64 as used by Redis's RDB trailer and DUMP payloads: the "Jones"
// polynomial (0xad93d23594c935a9), reflected input and output, initial
// value 0, no final xor. Check value: Crc64(0, "123456789") ==
// 0xe9c6d914c4b8d9ca.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ember::persistence {

uint64_t Crc64(uint64_t crc, const void* data, size_t len);

}  // namespace ember::persistence
