#include "storage/intset.h"

#include <cstdlib>
#include <cstring>

#include "storage/alloc.h"

namespace ember::storage::intset {

namespace {

constexpr size_t kHeader = 8;

uint32_t Load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
void Store32(uint8_t* p, uint32_t v) { std::memcpy(p, &v, 4); }

uint32_t Width(const uint8_t* is) { return Load32(is); }

int64_t GetAt(const uint8_t* is, uint32_t width, uint32_t pos) {
  const uint8_t* p = is + kHeader + static_cast<size_t>(pos) * width;
  switch (width) {
    case 2: {
      int16_t v;
      std::memcpy(&v, p, 2);
      return v;
    }
    case 4: {
      int32_t v;
      std::memcpy(&v, p, 4);
      return v;
    }
    default: {
      int64_t v;
      std::memcpy(&v, p, 8);
      return v;
    }
  }
}

void SetAt(uint8_t* is, uint32_t width, uint32_t pos, int64_t v) {
  uint8_t* p = is + kHeader + static_cast<size_t>(pos) * width;
  if (width == 2) {
    auto x = static_cast<int16_t>(v);
    std::memcpy(p, &x, 2);
  } else if (width == 4) {
    auto x = static_cast<int32_t>(v);
    std::memcpy(p, &x, 4);
  } else {
    std::memcpy(p, &v, 8);
  }
}

uint32_t WidthFor(int64_t v) {
  if (v >= INT16_MIN && v <= INT16_MAX) return 2;
  if (v >= INT32_MIN && v <= INT32_MAX) return 4;
  return 8;
}

// Binary search: true and the position if found, else the insert position.
bool Search(const uint8_t* is, int64_t v, uint32_t* pos) {
  uint32_t width = Width(is), len = Length(is);
  uint32_t lo = 0, hi = len;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    int64_t cur = GetAt(is, width, mid);
    if (cur == v) {
      *pos = mid;
      return true;
    }
    if (cur < v) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  *pos = lo;
  return false;
}

}  // namespace

uint8_t* New() {
  auto* is = static_cast<uint8_t*>(CheckedMalloc(kHeader));
  Store32(is, 2);
  Store32(is + 4, 0);
  return is;
}

void Free(uint8_t* is) { std::free(is); }

uint8_t* Copy(const uint8_t* is) {
  size_t n = Bytes(is);
  auto* copy = static_cast<uint8_t*>(CheckedMalloc(n));
  std::memcpy(copy, is, n);
  return copy;
}

uint32_t Length(const uint8_t* is) { return Load32(is + 4); }

size_t Bytes(const uint8_t* is) { return kHeader + static_cast<size_t>(Length(is)) * Width(is); }

int64_t Get(const uint8_t* is, uint32_t pos) { return GetAt(is, Width(is), pos); }

bool Contains(const uint8_t* is, int64_t v) {
  if (WidthFor(v) > Width(is)) return false;
  uint32_t pos;
  return Search(is, v, &pos);
}

uint8_t* Add(uint8_t* is, int64_t v, bool* added) {
  uint32_t width = Width(is), len = Length(is);
  uint32_t need = WidthFor(v);
  if (need > width) {
    // Upgrade: every member is re-written at the new width, back to front
    // so nothing is overwritten before it is read. A value that needed a
    // wider type is beyond every current member, so it goes at one end.
    is = static_cast<uint8_t*>(CheckedRealloc(is, kHeader + static_cast<size_t>(len + 1) * need));
    bool prepend = v < 0;
    for (uint32_t i = len; i-- > 0;) SetAt(is, need, i + (prepend ? 1 : 0), GetAt(is, width, i));
    SetAt(is, need, prepend ? 0 : len, v);
    Store32(is, need);
    Store32(is + 4, len + 1);
    *added = true;
    return is;
  }
  uint32_t pos;
  if (Search(is, v, &pos)) {
    *added = false;
    return is;
  }
  is = static_cast<uint8_t*>(CheckedRealloc(is, kHeader + static_cast<size_t>(len + 1) * width));
  uint8_t* at = is + kHeader + static_cast<size_t>(pos) * width;
  std::memmove(at + width, at, static_cast<size_t>(len - pos) * width);
  SetAt(is, width, pos, v);
  Store32(is + 4, len + 1);
  *added = true;
  return is;
}

uint8_t* Remove(uint8_t* is, int64_t v, bool* removed) {
  uint32_t width = Width(is), len = Length(is), pos;
  if (WidthFor(v) > width || !Search(is, v, &pos)) {
    *removed = false;
    return is;
  }
  uint8_t* at = is + kHeader + static_cast<size_t>(pos) * width;
  std::memmove(at, at + width, static_cast<size_t>(len - pos - 1) * width);
  Store32(is + 4, len - 1);
  *removed = true;
  return static_cast<uint8_t*>(CheckedRealloc(is, kHeader + static_cast<size_t>(len - 1) * width));
}

bool Validate(const uint8_t* is, size_t size) {
  if (size < kHeader) return false;
  uint32_t width = Width(is);
  if (width != 2 && width != 4 && width != 8) return false;
  uint32_t len = Length(is);
  if (kHeader + static_cast<uint64_t>(len) * width != size) return false;
  if (len == 0) return false;  // Redis never writes an empty intset
  for (uint32_t i = 1; i < len; ++i) {
    if (GetAt(is, width, i - 1) >= GetAt(is, width, i)) return false;
  }
  return true;
}

}  // namespace ember::storage::intset
