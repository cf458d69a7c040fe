// Intset: Redis's encoding for small sets of integers, byte for byte.
//
// A set whose members are all integers (SADD s 1 2 3) is stored as a sorted
// array of fixed-width integers:
//
//   <encoding:u32> <length:u32> <int> <int> ...     (little-endian)
//
// where encoding is the width in bytes, 2, 4 or 8: the smallest that holds
// every member. Membership is a binary search, and the whole set costs 8
// bytes plus 2 to 8 per member, against tens of bytes per member in a hash
// table. Adding a member that does not fit the width "upgrades" the array
// to the next width. Once the set grows past set-max-intset-entries, or a
// non-integer is added, it converts to a listpack or a hash table.
//
// As with listpacks, the bytes are Redis's, so an intset goes into an RDB
// file as is.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ember::storage::intset {

uint8_t* New();
void Free(uint8_t* is);
uint8_t* Copy(const uint8_t* is);

uint32_t Length(const uint8_t* is);
size_t Bytes(const uint8_t* is);
// The member at `pos` in ascending order.
int64_t Get(const uint8_t* is, uint32_t pos);
bool Contains(const uint8_t* is, int64_t v);

// Returns the (possibly moved) intset; *added tells whether v was new.
uint8_t* Add(uint8_t* is, int64_t v, bool* added);
uint8_t* Remove(uint8_t* is, int64_t v, bool* removed);

// Checks bytes from an untrusted source (RDB): width, length, strictly
// ascending members.
bool Validate(const uint8_t* is, size_t size);

}  // namespace ember::storage::intset
