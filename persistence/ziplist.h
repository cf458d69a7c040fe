// Readers for the compact encodings of older Redis versions, found in RDB
// files written before Redis 7: the ziplist (lists, hashes and sorted sets
// up to 6.2) and the zipmap (hashes in Redis 2.x). Ember never writes them;
// it converts them to its own representations on load, as Redis 7 does.
//
// Ziplist: <zlbytes:u32> <zltail:u32> <zllen:u16> <entry>... <0xFF>, each
// entry <prevlen: 1 byte, or 0xFE + u32> <encoding> <data>, where the
// encoding is a string length (6, 14 or 32 bits) or an integer type
// (int16, int32, int64, int24, int8, or 0..12 in the encoding byte itself).
//
// Zipmap: <count:u8> then <len> key <len> <free:u8> value <free bytes>...
// <0xFF>, lengths as one byte below 254, or 254 + u32.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace ember::persistence {

// Calls fn(element) for each element, as text. Returns false (without
// calling fn for the rest) if the blob is malformed.
bool ZiplistForEach(const uint8_t* zl, size_t size,
                    const std::function<void(std::string_view)>& fn);

// Calls fn(key, value) for each pair. False if malformed.
bool ZipmapForEach(const uint8_t* zm, size_t size,
                   const std::function<void(std::string_view, std::string_view)>& fn);

}  // namespace ember::persistence
