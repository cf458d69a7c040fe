#include "persistence/ziplist.h"

#include "storage/numbers.h"

namespace ember::persistence {

namespace {

uint32_t Le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

}  // namespace

bool ZiplistForEach(const uint8_t* zl, size_t size,
                    const std::function<void(std::string_view)>& fn) {
  constexpr size_t kHeader = 10;
  if (size < kHeader + 1 || Le32(zl) != size || zl[size - 1] != 0xFF) return false;
  size_t pos = kHeader;
  const size_t end = size - 1;
  size_t prev_entry_len = 0;
  uint32_t count = 0;
  while (pos < end) {
    // prevlen must match the previous entry's size.
    size_t prevlen;
    if (zl[pos] < 254) {
      prevlen = zl[pos];
      pos += 1;
    } else if (zl[pos] == 254) {
      if (end - pos < 5) return false;
      prevlen = Le32(zl + pos + 1);
      pos += 5;
    } else {
      return false;
    }
    if (prevlen != prev_entry_len) return false;
    size_t entry_start = pos - (zl[pos - 1 - (prevlen < 254 ? 0 : 4)] < 254 ? 1 : 5);
    if (pos >= end) return false;
    uint8_t b = zl[pos];
    char scratch[21];
    std::string_view value;
    auto need = [&](size_t n) { return end - pos >= n; };
    switch (b >> 6) {
      case 0: {  // 00pppppp: string up to 63 bytes
        size_t len = b & 0x3f;
        if (!need(1 + len)) return false;
        value = {reinterpret_cast<const char*>(zl + pos + 1), len};
        pos += 1 + len;
        break;
      }
      case 1: {  // 01pppppp qqqqqqqq: 14-bit length, big-endian
        if (!need(2)) return false;
        size_t len = (static_cast<size_t>(b & 0x3f) << 8) | zl[pos + 1];
        if (!need(2 + len)) return false;
        value = {reinterpret_cast<const char*>(zl + pos + 2), len};
        pos += 2 + len;
        break;
      }
      case 2: {  // 10000000 + 4 bytes big-endian length
        if (!need(5)) return false;
        size_t len = static_cast<size_t>(zl[pos + 1]) << 24 |
                     static_cast<size_t>(zl[pos + 2]) << 16 |
                     static_cast<size_t>(zl[pos + 3]) << 8 | zl[pos + 4];
        if (!need(5 + len)) return false;
        value = {reinterpret_cast<const char*>(zl + pos + 5), len};
        pos += 5 + len;
        break;
      }
      default: {  // 11xxxxxx: integers
        int64_t v;
        size_t n;
        switch (b) {
          case 0xC0:
            n = 2;
            break;  // int16
          case 0xD0:
            n = 4;
            break;  // int32
          case 0xE0:
            n = 8;
            break;  // int64
          case 0xF0:
            n = 3;
            break;  // int24
          case 0xFE:
            n = 1;
            break;  // int8
          default:
            if (b >= 0xF1 && b <= 0xFD) {
              n = 0;  // 1111xxxx: the value xxxx - 1 (0..12) in the byte
            } else {
              return false;
            }
        }
        if (!need(1 + n)) return false;
        const uint8_t* p = zl + pos + 1;
        uint64_t u = 0;
        for (size_t i = 0; i < n; ++i) u |= static_cast<uint64_t>(p[i]) << (8 * i);
        if (n == 0) {
          v = (b & 0x0f) - 1;
        } else if (n == 8) {
          v = static_cast<int64_t>(u);
        } else {
          uint64_t sign = 1ULL << (8 * n - 1);
          v = static_cast<int64_t>((u ^ sign) - sign);
        }
        value = {scratch, storage::Int64ToChars(v, scratch)};
        pos += 1 + n;
        break;
      }
    }
    prev_entry_len = pos - entry_start;
    ++count;
    fn(value);
  }
  uint16_t declared = static_cast<uint16_t>(zl[8] | zl[9] << 8);
  return pos == end && (declared == 0xFFFF || declared == count);
}

bool ZipmapForEach(const uint8_t* zm, size_t size,
                   const std::function<void(std::string_view, std::string_view)>& fn) {
  if (size < 2 || zm[size - 1] != 0xFF) return false;
  size_t pos = 1;  // skip the count byte
  const size_t end = size - 1;
  auto read_len = [&](size_t* len) {
    if (pos >= end) return false;
    if (zm[pos] < 254) {
      *len = zm[pos++];
      return true;
    }
    if (zm[pos] != 254 || end - pos < 5) return false;
    *len = Le32(zm + pos + 1);
    pos += 5;
    return true;
  };
  while (pos < end) {
    size_t klen, vlen;
    if (!read_len(&klen) || end - pos < klen) return false;
    std::string_view key(reinterpret_cast<const char*>(zm + pos), klen);
    pos += klen;
    if (!read_len(&vlen) || pos >= end) return false;
    size_t free = zm[pos++];
    if (end - pos < vlen + free) return false;
    std::string_view value(reinterpret_cast<const char*>(zm + pos), vlen);
    pos += vlen + free;
    fn(key, value);
  }
  return pos == end;
}

}  // namespace ember::persistence
