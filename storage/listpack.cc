#include "storage/listpack.h"

#include <cstring>

#include "storage/alloc.h"
#include "storage/numbers.h"

namespace ember::storage::listpack {

namespace {

constexpr uint16_t kCountUnknown = 65535;

// First-byte patterns of the encodings (see the table in the header).
constexpr uint8_t k7BitUint = 0x00;  // 0xxxxxxx
constexpr uint8_t k6BitStr = 0x80;   // 10xxxxxx
constexpr uint8_t k13BitInt = 0xC0;  // 110xxxxx
constexpr uint8_t k12BitStr = 0xE0;  // 1110xxxx
constexpr uint8_t k32BitStr = 0xF0;
constexpr uint8_t k16BitInt = 0xF1;
constexpr uint8_t k24BitInt = 0xF2;
constexpr uint8_t k32BitInt = 0xF3;
constexpr uint8_t k64BitInt = 0xF4;

uint32_t Load32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}
void Store32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
  p[2] = static_cast<uint8_t>(v >> 16);
  p[3] = static_cast<uint8_t>(v >> 24);
}
uint16_t Load16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }
void Store16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
}

void SetBytes(uint8_t* lp, uint32_t n) { Store32(lp, n); }
uint16_t RawCount(const uint8_t* lp) { return Load16(lp + 4); }
void SetCount(uint8_t* lp, uint32_t n) {
  Store16(lp + 4, n < kCountUnknown ? static_cast<uint16_t>(n) : kCountUnknown);
}

// An element ready to be written: encoding+data bytes, then backlen.
struct Encoded {
  uint8_t head[9];  // encoding + integer data, or encoding + string length
  size_t head_len = 0;
  std::string_view str;  // string payload, if any
  uint8_t backlen[5];
  size_t backlen_len = 0;
  size_t total() const { return head_len + str.size() + backlen_len; }
};

size_t BacklenSize(uint64_t l) {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

// The size is written most significant group first; every byte but the
// first has its high bit set, so reading backwards from the last byte
// knows when to stop.
void EncodeBacklen(uint64_t l, uint8_t* out, size_t* n) {
  *n = BacklenSize(l);
  for (size_t i = 0; i < *n; ++i) {
    size_t shift = 7 * (*n - 1 - i);
    uint8_t b = static_cast<uint8_t>((l >> shift) & 127);
    if (i > 0) b |= 128;
    out[i] = b;
  }
}

// Reads the backlen that ends at `p` (its last byte).
uint64_t DecodeBacklen(const uint8_t* p) {
  uint64_t v = 0;
  unsigned shift = 0;
  for (;;) {
    v |= static_cast<uint64_t>(p[0] & 127) << shift;
    if (!(p[0] & 128)) return v;
    shift += 7;
    --p;
    if (shift > 28) return UINT64_MAX;
  }
}

void EncodeInt(int64_t v, Encoded* e) {
  uint64_t u = static_cast<uint64_t>(v);
  if (v >= 0 && v <= 127) {
    e->head[0] = static_cast<uint8_t>(v);
    e->head_len = 1;
  } else if (v >= -4096 && v <= 4095) {
    uint64_t uv = v < 0 ? (1ULL << 13) + v : u;
    e->head[0] = static_cast<uint8_t>((uv >> 8) | k13BitInt);
    e->head[1] = static_cast<uint8_t>(uv & 0xff);
    e->head_len = 2;
  } else {
    int bytes;
    if (v >= -32768 && v <= 32767) {
      e->head[0] = k16BitInt;
      bytes = 2;
    } else if (v >= -8388608 && v <= 8388607) {
      e->head[0] = k24BitInt;
      bytes = 3;
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
      e->head[0] = k32BitInt;
      bytes = 4;
    } else {
      e->head[0] = k64BitInt;
      bytes = 8;
    }
    // Two's complement, little-endian, truncated to `bytes`.
    for (int i = 0; i < bytes; ++i) e->head[1 + i] = static_cast<uint8_t>(u >> (8 * i));
    e->head_len = 1 + static_cast<size_t>(bytes);
  }
}

void Encode(std::string_view s, Encoded* e) {
  int64_t v;
  if (s.size() <= 20 && StringToInt64(s, &v)) {
    EncodeInt(v, e);
  } else {
    size_t len = s.size();
    if (len < 64) {
      e->head[0] = static_cast<uint8_t>(k6BitStr | len);
      e->head_len = 1;
    } else if (len < 4096) {
      e->head[0] = static_cast<uint8_t>(k12BitStr | (len >> 8));
      e->head[1] = static_cast<uint8_t>(len & 0xff);
      e->head_len = 2;
    } else {
      e->head[0] = k32BitStr;
      Store32(e->head + 1, static_cast<uint32_t>(len));
      e->head_len = 5;
    }
    e->str = s;
  }
  EncodeBacklen(e->head_len + e->str.size(), e->backlen, &e->backlen_len);
}

void EncodeIntEntry(int64_t v, Encoded* e) {
  EncodeInt(v, e);
  EncodeBacklen(e->head_len, e->backlen, &e->backlen_len);
}

void Write(const Encoded& e, uint8_t* dst) {
  std::memcpy(dst, e.head, e.head_len);
  dst += e.head_len;
  if (!e.str.empty()) std::memcpy(dst, e.str.data(), e.str.size());
  dst += e.str.size();
  std::memcpy(dst, e.backlen, e.backlen_len);
}

// Size of encoding+data of the element at p (without backlen).
size_t PayloadSize(const uint8_t* p) {
  uint8_t b = p[0];
  if ((b & 0x80) == k7BitUint) return 1;
  if ((b & 0xC0) == k6BitStr) return 1 + (b & 0x3F);
  if ((b & 0xE0) == k13BitInt) return 2;
  if ((b & 0xF0) == k12BitStr) return 2 + ((static_cast<size_t>(b & 0x0F) << 8) | p[1]);
  switch (b) {
    case k16BitInt:
      return 3;
    case k24BitInt:
      return 4;
    case k32BitInt:
      return 5;
    case k64BitInt:
      return 9;
    case k32BitStr:
      return 5 + Load32(p + 1);
    default:
      return 0;  // kEnd or invalid
  }
}

size_t ElementSize(const uint8_t* p) {
  size_t payload = PayloadSize(p);
  return payload + BacklenSize(payload);
}

// Inserts `e` at byte offset `offset` (an element boundary or the end
// byte), growing the buffer.
uint8_t* InsertAt(uint8_t* lp, size_t offset, const Encoded& e) {
  uint32_t old_bytes = Bytes(lp);
  size_t add = e.total();
  uint32_t count = RawCount(lp) == kCountUnknown ? kCountUnknown : RawCount(lp);
  lp = static_cast<uint8_t*>(CheckedRealloc(lp, old_bytes + add));
  std::memmove(lp + offset + add, lp + offset, old_bytes - offset);
  Write(e, lp + offset);
  SetBytes(lp, static_cast<uint32_t>(old_bytes + add));
  if (count != kCountUnknown) SetCount(lp, count + 1u);
  return lp;
}

// Removes `len` bytes at `offset` holding `n` elements.
uint8_t* RemoveAt(uint8_t* lp, size_t offset, size_t len, uint32_t n) {
  uint32_t old_bytes = Bytes(lp);
  uint16_t count = RawCount(lp);
  std::memmove(lp + offset, lp + offset + len, old_bytes - offset - len);
  lp = static_cast<uint8_t*>(CheckedRealloc(lp, old_bytes - len));
  SetBytes(lp, static_cast<uint32_t>(old_bytes - len));
  if (count != kCountUnknown) {
    SetCount(lp, count - n);
  } else {
    SetCount(lp, Length(lp));
  }
  return lp;
}

}  // namespace

std::string_view Value::View(char* scratch) const {
  if (!is_int) return str;
  return {scratch, Int64ToChars(integer, scratch)};
}

std::string Value::ToString() const {
  char scratch[21];
  return std::string(View(scratch));
}

bool Value::Equals(std::string_view s) const {
  if (!is_int) return str == s;
  int64_t v;
  return s.size() <= 20 && StringToInt64(s, &v) && v == integer;
}

uint8_t* New() {
  auto* lp = static_cast<uint8_t*>(CheckedMalloc(kHeaderSize + 1));
  SetBytes(lp, kHeaderSize + 1);
  SetCount(lp, 0);
  lp[kHeaderSize] = kEnd;
  return lp;
}

void Free(uint8_t* lp) { std::free(lp); }

uint8_t* Copy(const uint8_t* lp) {
  uint32_t n = Bytes(lp);
  auto* copy = static_cast<uint8_t*>(CheckedMalloc(n));
  std::memcpy(copy, lp, n);
  return copy;
}

uint32_t Bytes(const uint8_t* lp) { return Load32(lp); }

uint32_t Length(const uint8_t* lp) {
  uint16_t n = RawCount(lp);
  if (n != kCountUnknown) return n;
  uint32_t count = 0;
  for (const uint8_t* p = First(lp); p != nullptr; p = Next(lp, p)) ++count;
  // The count cannot be cached here (the buffer is const), callers that
  // mutate refresh it.
  return count;
}

const uint8_t* First(const uint8_t* lp) {
  const uint8_t* p = lp + kHeaderSize;
  return p[0] == kEnd ? nullptr : p;
}

const uint8_t* Last(const uint8_t* lp) {
  const uint8_t* end = lp + Bytes(lp) - 1;  // the end byte
  if (end == lp + kHeaderSize) return nullptr;
  return Prev(lp, end);
}

const uint8_t* Next(const uint8_t* lp, const uint8_t* p) {
  (void)lp;
  p += ElementSize(p);
  return p[0] == kEnd ? nullptr : p;
}

const uint8_t* Prev(const uint8_t* lp, const uint8_t* p) {
  if (p == lp + kHeaderSize) return nullptr;
  const uint8_t* back = p - 1;  // last byte of the previous backlen
  uint64_t payload = DecodeBacklen(back);
  return p - payload - BacklenSize(payload);
}

const uint8_t* Seek(const uint8_t* lp, int64_t index) {
  int64_t n = Length(lp);
  if (index < 0) index += n;
  if (index < 0 || index >= n) return nullptr;
  // Walk from whichever end is nearer.
  if (index <= n / 2) {
    const uint8_t* p = First(lp);
    while (index-- > 0) p = Next(lp, p);
    return p;
  }
  const uint8_t* p = Last(lp);
  for (int64_t i = n - 1; i > index; --i) p = Prev(lp, p);
  return p;
}

Value Get(const uint8_t* p) {
  Value v;
  uint8_t b = p[0];
  auto sign_extend = [](uint64_t uv, int bits) {
    uint64_t sign = 1ULL << (bits - 1);
    return static_cast<int64_t>((uv ^ sign) - sign);
  };
  if ((b & 0x80) == k7BitUint) {
    v.is_int = true;
    v.integer = b & 0x7F;
  } else if ((b & 0xC0) == k6BitStr) {
    v.str = {reinterpret_cast<const char*>(p + 1), static_cast<size_t>(b & 0x3F)};
  } else if ((b & 0xE0) == k13BitInt) {
    v.is_int = true;
    v.integer = sign_extend((static_cast<uint64_t>(b & 0x1F) << 8) | p[1], 13);
  } else if ((b & 0xF0) == k12BitStr) {
    size_t len = (static_cast<size_t>(b & 0x0F) << 8) | p[1];
    v.str = {reinterpret_cast<const char*>(p + 2), len};
  } else if (b == k32BitStr) {
    v.str = {reinterpret_cast<const char*>(p + 5), Load32(p + 1)};
  } else {
    int bytes = b == k16BitInt ? 2 : b == k24BitInt ? 3 : b == k32BitInt ? 4 : 8;
    uint64_t uv = 0;
    for (int i = 0; i < bytes; ++i) uv |= static_cast<uint64_t>(p[1 + i]) << (8 * i);
    v.is_int = true;
    v.integer = bytes == 8 ? static_cast<int64_t>(uv) : sign_extend(uv, bytes * 8);
  }
  return v;
}

size_t EncodedSize(std::string_view s) {
  Encoded e;
  Encode(s, &e);
  return e.total();
}

uint8_t* Append(uint8_t* lp, std::string_view s) {
  Encoded e;
  Encode(s, &e);
  return InsertAt(lp, Bytes(lp) - 1, e);
}

uint8_t* AppendInt(uint8_t* lp, int64_t v) {
  Encoded e;
  EncodeIntEntry(v, &e);
  return InsertAt(lp, Bytes(lp) - 1, e);
}

uint8_t* Prepend(uint8_t* lp, std::string_view s) {
  Encoded e;
  Encode(s, &e);
  return InsertAt(lp, kHeaderSize, e);
}

uint8_t* Insert(uint8_t* lp, const uint8_t** p, std::string_view s, bool after) {
  size_t offset = static_cast<size_t>(*p - lp);
  if (after) offset += ElementSize(*p);
  Encoded e;
  Encode(s, &e);
  lp = InsertAt(lp, offset, e);
  *p = lp + offset;
  return lp;
}

uint8_t* Replace(uint8_t* lp, const uint8_t** p, std::string_view s) {
  size_t offset = static_cast<size_t>(*p - lp);
  size_t old_size = ElementSize(*p);
  Encoded e;
  Encode(s, &e);
  uint32_t old_bytes = Bytes(lp);
  size_t new_size = e.total();
  if (new_size > old_size) {
    lp = static_cast<uint8_t*>(CheckedRealloc(lp, old_bytes + (new_size - old_size)));
  }
  std::memmove(lp + offset + new_size, lp + offset + old_size, old_bytes - offset - old_size);
  Write(e, lp + offset);
  uint32_t new_bytes = static_cast<uint32_t>(old_bytes + new_size - old_size);
  if (new_size < old_size) lp = static_cast<uint8_t*>(CheckedRealloc(lp, new_bytes));
  SetBytes(lp, new_bytes);
  *p = lp + offset;
  return lp;
}

uint8_t* ReplaceInt(uint8_t* lp, const uint8_t** p, int64_t v) {
  char buf[21];
  return Replace(lp, p, std::string_view(buf, Int64ToChars(v, buf)));
}

uint8_t* Delete(uint8_t* lp, const uint8_t** p) { return DeleteRange(lp, p, 1); }

uint8_t* DeleteRange(uint8_t* lp, const uint8_t** p, uint32_t count) {
  size_t offset = static_cast<size_t>(*p - lp);
  const uint8_t* q = *p;
  uint32_t n = 0;
  while (n < count && q[0] != kEnd) {
    q += ElementSize(q);
    ++n;
  }
  lp = RemoveAt(lp, offset, static_cast<size_t>(q - *p), n);
  *p = lp[offset] == kEnd ? nullptr : lp + offset;
  return lp;
}

uint8_t* DeleteRangeAt(uint8_t* lp, int64_t index, uint32_t count) {
  const uint8_t* p = Seek(lp, index);
  if (p == nullptr) return lp;
  return DeleteRange(lp, &p, count);
}

const uint8_t* Find(const uint8_t* lp, const uint8_t* p, std::string_view s, uint32_t skip) {
  // Compare as integers when `s` is one: integer elements never hold a
  // non-canonical text, so this is exact.
  int64_t as_int = 0;
  bool s_is_int = s.size() <= 20 && StringToInt64(s, &as_int);
  uint32_t to_skip = 0;
  while (p != nullptr) {
    if (to_skip == 0) {
      Value v = Get(p);
      if (v.is_int ? (s_is_int && v.integer == as_int) : v.str == s) return p;
      to_skip = skip;
    } else {
      --to_skip;
    }
    p = Next(lp, p);
  }
  return nullptr;
}

bool Validate(const uint8_t* lp, size_t size, bool deep, uint32_t* count) {
  if (size < kHeaderSize + 1) return false;
  if (Bytes(lp) != size) return false;
  if (lp[size - 1] != kEnd) return false;
  if (!deep) return true;
  const uint8_t* p = lp + kHeaderSize;
  const uint8_t* end = lp + size - 1;
  uint32_t n = 0;
  while (p < end) {
    uint8_t b = p[0];
    // The encoding header must be fully inside the buffer before its
    // length is trusted.
    size_t head = 1;
    if ((b & 0xF0) == k12BitStr || (b & 0xE0) == k13BitInt) head = 2;
    if (b == k32BitStr) head = 5;
    if (b == kEnd || (b >= 0xF5 && b != kEnd)) return false;
    if (static_cast<size_t>(end - p) < head) return false;
    size_t payload = PayloadSize(p);
    if (payload == 0) return false;
    size_t back = BacklenSize(payload);
    if (static_cast<size_t>(end - p) < payload + back) return false;
    if (DecodeBacklen(p + payload + back - 1) != payload) return false;
    p += payload + back;
    ++n;
  }
  if (p != end) return false;
  uint16_t raw = RawCount(lp);
  if (raw != kCountUnknown && raw != n) return false;
  if (count != nullptr) *count = n;
  return true;
}

}  // namespace ember::storage::listpack
