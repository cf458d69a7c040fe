// Listpack: Redis's compact encoding for small collections, byte for byte.
//
// A small hash, set, sorted set or list node does not need a hash table or
// pointers per element: it is cheaper to keep the elements one after another
// in one buffer and scan it. Redis's listpack is that buffer:
//
//   <total-bytes:u32> <count:u16> <element> ... <element> <0xFF>
//
// and each element is
//
//   <encoding+data> <backlen>
//
// The encoding's first byte says what follows: small integers fit in the
// byte itself (0xxxxxxx: 0..127), larger ones take 2, 3, 4, 5 or 9 bytes;
// strings carry a 6-, 12- or 32-bit length and their bytes. A string that is
// the canonical text of an integer ("123", not "0123") is stored as the
// integer. `backlen` is the element's size written so that it can be read
// backwards from its last byte, which lets the list be walked from the end
// (LPOP and RPOP are both cheap).
//
// The count is a u16; 65535 means "too many, count them".
//
// Ember stores the same bytes Redis does, so a listpack can be written to an
// RDB file as is, and one read from a Redis RDB file can be used directly.
//
// The API works on a malloc'd buffer. Mutations may move it and return the
// new address; positions (const uint8_t*) into the buffer are invalid after
// a mutation unless a function returns an updated one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ember::storage::listpack {

// An element's value: a string, or an integer (formatted on demand).
struct Value {
  std::string_view str;
  int64_t integer = 0;
  bool is_int = false;

  // The element as text; integers are formatted into `scratch` (>= 21 bytes).
  std::string_view View(char* scratch) const;
  std::string ToString() const;
  bool Equals(std::string_view s) const;
};

inline constexpr size_t kHeaderSize = 6;
inline constexpr uint8_t kEnd = 0xFF;

uint8_t* New();
void Free(uint8_t* lp);
uint8_t* Copy(const uint8_t* lp);

uint32_t Bytes(const uint8_t* lp);
// Number of elements (counts them if the header says "unknown").
uint32_t Length(const uint8_t* lp);

// Navigation: nullptr when there is no such element.
const uint8_t* First(const uint8_t* lp);
const uint8_t* Last(const uint8_t* lp);
const uint8_t* Next(const uint8_t* lp, const uint8_t* p);
const uint8_t* Prev(const uint8_t* lp, const uint8_t* p);
// The element at `index` (negative counts from the end).
const uint8_t* Seek(const uint8_t* lp, int64_t index);

Value Get(const uint8_t* p);

// Bytes the element would take, encoding and backlen included.
size_t EncodedSize(std::string_view s);

// Appends/prepends an element.
uint8_t* Append(uint8_t* lp, std::string_view s);
uint8_t* AppendInt(uint8_t* lp, int64_t v);
uint8_t* Prepend(uint8_t* lp, std::string_view s);
// Inserts before (or after) the element at *p; *p then points at the new
// element.
uint8_t* Insert(uint8_t* lp, const uint8_t** p, std::string_view s, bool after);
// Replaces the element at *p; *p then points at the replacement.
uint8_t* Replace(uint8_t* lp, const uint8_t** p, std::string_view s);
uint8_t* ReplaceInt(uint8_t* lp, const uint8_t** p, int64_t v);
// Deletes the element at *p; *p then points at the element that followed
// (nullptr if it was the last).
uint8_t* Delete(uint8_t* lp, const uint8_t** p);
// Deletes `count` elements starting at *p (the element's position stays
// valid as the start of what followed).
uint8_t* DeleteRange(uint8_t* lp, const uint8_t** p, uint32_t count);
// Deletes `count` elements starting at `index` (negative from the end).
uint8_t* DeleteRangeAt(uint8_t* lp, int64_t index, uint32_t count);

// Scans from `p` for an element equal to `s`, looking only at every
// (skip+1)-th element (skip = 1 finds hash fields among field/value pairs).
const uint8_t* Find(const uint8_t* lp, const uint8_t* p, std::string_view s, uint32_t skip);

// Checks that a buffer of `size` bytes from an untrusted source (an RDB
// file) is a well-formed listpack: header, every element's encoding and
// backlen, terminator. With `deep` false only the header is checked.
bool Validate(const uint8_t* lp, size_t size, bool deep, uint32_t* count = nullptr);

}  // namespace ember::storage::listpack
