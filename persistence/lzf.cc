#include "persistence/lzf.h"

#include <cstdint>
#include <cstring>
#include <vector>

namespace ember::persistence {

namespace {

constexpr size_t kMaxLiteral = 32;   // a literal run holds 1..32 bytes
constexpr size_t kMaxOffset = 8192;  // 13 bits of offset, plus one
constexpr size_t kMaxRef = 264;      // 7 + 255 + 2
constexpr int kHashBits = 14;

inline uint32_t Hash3(const uint8_t* p) {
  uint32_t v = static_cast<uint32_t>(p[0]) << 16 | static_cast<uint32_t>(p[1]) << 8 | p[2];
  return (v * 2654435761u) >> (32 - kHashBits);
}

}  // namespace

size_t LzfCompress(const void* in_v, size_t in_len, void* out_v, size_t out_cap) {
  const auto* in = static_cast<const uint8_t*>(in_v);
  auto* out = static_cast<uint8_t*>(out_v);
  if (in_len == 0) return 0;
  // Position (+1) of the last occurrence of each 3-byte sequence.
  std::vector<uint32_t> table(1u << kHashBits, 0);
  size_t ip = 0, op = 0;
  size_t lit_start = 0;  // start of the pending literal run in `in`

  auto flush_literals = [&](size_t end) -> bool {
    while (lit_start < end) {
      size_t n = end - lit_start;
      if (n > kMaxLiteral) n = kMaxLiteral;
      if (op + 1 + n > out_cap) return false;
      out[op++] = static_cast<uint8_t>(n - 1);
      std::memcpy(out + op, in + lit_start, n);
      op += n;
      lit_start += n;
    }
    return true;
  };

  while (ip + 2 < in_len) {
    uint32_t h = Hash3(in + ip);
    size_t candidate = table[h];
    table[h] = static_cast<uint32_t>(ip + 1);
    if (candidate != 0) {
      size_t ref = candidate - 1;
      size_t off = ip - ref;
      if (off >= 1 && off <= kMaxOffset && std::memcmp(in + ref, in + ip, 3) == 0) {
        size_t len = 3;
        size_t max_len = in_len - ip < kMaxRef ? in_len - ip : kMaxRef;
        while (len < max_len && in[ref + len] == in[ip + len]) ++len;
        if (!flush_literals(ip)) return 0;
        size_t l = len - 2;
        size_t o = off - 1;
        if (l < 7) {
          if (op + 2 > out_cap) return 0;
          out[op++] = static_cast<uint8_t>((l << 5) | (o >> 8));
        } else {
          if (op + 3 > out_cap) return 0;
          out[op++] = static_cast<uint8_t>((7 << 5) | (o >> 8));
          out[op++] = static_cast<uint8_t>(l - 7);
        }
        out[op++] = static_cast<uint8_t>(o & 0xff);
        // Index the positions inside the match too, so later data can
        // refer to them.
        for (size_t k = ip + 1; k < ip + len && k + 2 < in_len; ++k) {
          table[Hash3(in + k)] = static_cast<uint32_t>(k + 1);
        }
        ip += len;
        lit_start = ip;
        continue;
      }
    }
    ++ip;
  }
  if (!flush_literals(in_len)) return 0;
  return op;
}

bool LzfDecompress(const void* in_v, size_t in_len, void* out_v, size_t out_len) {
  const auto* in = static_cast<const uint8_t*>(in_v);
  auto* out = static_cast<uint8_t*>(out_v);
  size_t ip = 0, op = 0;
  while (ip < in_len) {
    size_t ctrl = in[ip++];
    if (ctrl < 32) {
      size_t n = ctrl + 1;
      if (ip + n > in_len || op + n > out_len) return false;
      std::memcpy(out + op, in + ip, n);
      ip += n;
      op += n;
    } else {
      size_t len = ctrl >> 5;
      if (len == 7) {
        if (ip >= in_len) return false;
        len += in[ip++];
      }
      if (ip >= in_len) return false;
      size_t off = ((ctrl & 0x1f) << 8) + in[ip++] + 1;
      len += 2;
      if (off > op || op + len > out_len) return false;
      // Byte by byte: a reference may overlap the bytes it produces.
      for (size_t i = 0; i < len; ++i, ++op) out[op] = out[op - off];
    }
  }
  return op == out_len;
}

}  // namespace ember::persistence
