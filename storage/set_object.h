// SetObject: a set value (SADD and friends) in any of its three encodings.
//
// Redis picks a set's representation by what it holds:
//
//   intset     every member is the canonical text of an integer ("12", not
//              "012" or "+12") and there are at most set-max-intset-entries
//              (512) of them: a sorted array of 2-, 4- or 8-byte integers
//              (intset.h). SISMEMBER is a binary search; members come out in
//              ascending order.
//   listpack   a small set with some non-integer member: at most
//              set-max-listpack-entries (128) members of at most
//              set-max-listpack-value (64) bytes, one after another in a
//              listpack, in insertion order. This is Redis 7.2's encoding;
//              Redis 7.0 goes straight from intset to hashtable.
//   hashtable  anything larger (member_set.h).
//
// Conversions happen on the write that crosses a limit, never backwards:
//
//   intset   + a non-integer   -> listpack, if the members so far and the
//                                 new one fit its limits; else hashtable
//   intset   + the 513th int   -> hashtable
//   listpack + the 129th member, or one longer than 64 bytes -> hashtable
//
// (The last two use the limits above, read at the time of the write from
// the keyspace's CollectionLimits.)
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "storage/entry.h"
#include "storage/intset.h"
#include "storage/keyspace.h"
#include "storage/listpack.h"
#include "storage/member_set.h"

namespace ember::storage {

class SetObject {
 public:
  // A member as stored: intset members, and listpack members that look
  // like integers, are integers (format them with Value::View).
  using Value = listpack::Value;

  SetObject() : encoding_(Encoding::kListpack), ptr_(nullptr) {}
  SetObject(Encoding encoding, void* ptr) : encoding_(encoding), ptr_(ptr) {}
  // An empty intset (the start of every computed set: SUNION, SDIFF ...).
  static SetObject NewIntset();
  // An empty set suited to a first member (Redis's setTypeCreate): an
  // intset for an integer, otherwise a listpack.
  static SetObject NewFor(std::string_view first_member);
  // The set an entry holds. REQUIRES: e->type() == ObjType::kSet.
  static SetObject Of(const Entry* e) { return {e->encoding(), e->external()}; }

  Encoding encoding() const { return encoding_; }
  void* ptr() const { return ptr_; }
  Entry::ValueSpec Spec() const;
  // Writes the (possibly moved or converted) representation back into its
  // entry. Every mutation below must be followed by this.
  void StoreTo(Entry* e) const { e->set_external(ptr_, encoding_); }
  void Free();

  size_t size() const;
  bool Contains(std::string_view member) const;
  // Returns true if `member` was added; converts as the header says.
  bool Add(std::string_view member, const CollectionLimits& limits);
  // Returns true if `member` was removed.
  bool Remove(std::string_view member);
  void ConvertToHashtable();

  // fn(Value) for every member: ascending for an intset, insertion order
  // for a listpack, bucket order for a hash table.
  template <typename Fn>
  void ForEach(Fn&& fn) const;
  // A random member. REQUIRES: size() > 0.
  template <typename Rng>
  Value Random(Rng& rng) const;

  size_t AllocatedBytes() const;

  // The hash table. REQUIRES: encoding() == Encoding::kHashtable.
  MemberSet* table() const { return static_cast<MemberSet*>(ptr_); }

 private:
  uint8_t* bytes() const { return static_cast<uint8_t*>(ptr_); }
  // intset + a non-integer: listpack or hashtable, as Redis 7.2 decides.
  void ConvertIntsetForString(std::string_view member, const CollectionLimits& limits);
  void ConvertIntsetToListpack();

  Encoding encoding_;
  void* ptr_;
};

// --- implementation of the templates ---

template <typename Fn>
void SetObject::ForEach(Fn&& fn) const {
  switch (encoding_) {
    case Encoding::kIntset: {
      uint32_t n = intset::Length(bytes());
      for (uint32_t i = 0; i < n; ++i)
        fn(Value{.integer = intset::Get(bytes(), i), .is_int = true});
      return;
    }
    case Encoding::kListpack:
      for (const uint8_t* p = listpack::First(bytes()); p != nullptr;
           p = listpack::Next(bytes(), p)) {
        fn(listpack::Get(p));
      }
      return;
    default:
      table()->ForEach([&fn](std::string_view m) { fn(Value{.str = m}); });
      return;
  }
}

template <typename Rng>
SetObject::Value SetObject::Random(Rng& rng) const {
  switch (encoding_) {
    case Encoding::kIntset: {
      uint32_t n = intset::Length(bytes());
      return Value{.integer = intset::Get(bytes(), static_cast<uint32_t>(rng() % n)),
                   .is_int = true};
    }
    case Encoding::kListpack: {
      uint32_t n = listpack::Length(bytes());
      return listpack::Get(listpack::Seek(bytes(), static_cast<int64_t>(rng() % n)));
    }
    default:
      return Value{.str = table()->Random(rng)->member()};
  }
}

}  // namespace ember::storage
