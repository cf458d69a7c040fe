// HashObject: a hash value (HSET and friends) in either of its encodings.
//
// Most hashes in a real dataset are small objects: a user's name, email and
// a few counters. For those, a hash table (a bucket array plus a node per
// field) costs more than the data, so Redis keeps a small hash as a
// listpack of alternating fields and values:
//
//   [total bytes][count] field1 value1 field2 value2 ... [end]
//
// HGET scans it, which is fast for a few dozen short elements that share
// cache lines. Two limits say when it stops being small, and Redis converts
// at exactly these points (so do we):
//
//   hash-max-listpack-entries (128): a write leaves more fields than this;
//   hash-max-listpack-value (64):    a field or value written is longer.
//
// HSET checks every argument's length before changing anything (a long
// value converts the hash even when it overwrites an existing field), and
// HINCRBY/HINCRBYFLOAT check the number they write. A hash never converts
// back: a shrinking hash table stays one, as in Redis.
//
// The large encoding is a FieldMap (field_map.h). The listpack pointer, or
// the FieldMap pointer, is the entry's external value; the entry records
// which encoding it is (Entry::encoding()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "storage/entry.h"
#include "storage/field_map.h"
#include "storage/keyspace.h"
#include "storage/listpack.h"

namespace ember::storage {

// Redis never lets a listpack grow past 1 GB (lpSafeToAdd): a write that
// could cross it converts the value to the large encoding first.
inline constexpr size_t kListpackMaxSafetySize = size_t{1} << 30;

class HashObject {
 public:
  // A field or value as stored: listpack elements that look like integers
  // are stored as integers (format them with Value::View).
  using Value = listpack::Value;

  HashObject() : encoding_(Encoding::kListpack), ptr_(nullptr) {}
  HashObject(Encoding encoding, void* ptr) : encoding_(encoding), ptr_(ptr) {}
  // A new, empty hash: a listpack.
  static HashObject New();
  // The hash an entry holds. REQUIRES: e->type() == ObjType::kHash.
  static HashObject Of(const Entry* e) { return {e->encoding(), e->external()}; }

  Encoding encoding() const { return encoding_; }
  void* ptr() const { return ptr_; }
  // The spec that stores this hash in a new entry.
  Entry::ValueSpec Spec() const;
  // Writes the (possibly moved or converted) representation back into the
  // entry it came from. Every mutation below must be followed by this.
  void StoreTo(Entry* e) const { e->set_external(ptr_, encoding_); }
  void Free();

  size_t size() const;
  // The value of `field`, or false. *value may point into the hash: valid
  // until it changes.
  bool Get(std::string_view field, Value* value) const;
  bool Exists(std::string_view field) const {
    Value v;
    return Get(field, &v);
  }

  // Converts a listpack to a hash table if any of `args` (the fields and
  // values a command is about to write) is longer than
  // hash-max-listpack-value, or if together they could push the listpack
  // past its safety size (Redis's hashTypeTryConversion).
  void ConvertForArgs(std::span<const std::string_view> args, const CollectionLimits& limits);
  // Sets `field` to `value`; returns true if the field is new. Converts to a
  // hash table when the field or value is too long for a listpack, or when
  // the listpack ends up with more than hash-max-listpack-entries fields.
  bool Set(std::string_view field, std::string_view value, const CollectionLimits& limits);
  // Returns true if `field` was there.
  bool Delete(std::string_view field);
  void ConvertToHashtable();

  // fn(field, value) for every field, in listpack order for a listpack.
  template <typename Fn>
  void ForEach(Fn&& fn) const;
  // A random field and its value. REQUIRES: size() > 0.
  template <typename Rng>
  void Random(Rng& rng, Value* field, Value* value) const;

  // Allocated bytes (MEMORY USAGE, memory tests).
  size_t AllocatedBytes() const;

  // The hash table. REQUIRES: encoding() == Encoding::kHashtable.
  FieldMap* map() const { return static_cast<FieldMap*>(ptr_); }

 private:
  uint8_t* lp() const { return static_cast<uint8_t*>(ptr_); }

  Encoding encoding_;
  void* ptr_;
};

// --- implementation of the templates ---

template <typename Fn>
void HashObject::ForEach(Fn&& fn) const {
  if (encoding_ == Encoding::kListpack) {
    const uint8_t* l = lp();
    for (const uint8_t* p = listpack::First(l); p != nullptr;) {
      const uint8_t* vp = listpack::Next(l, p);
      fn(listpack::Get(p), listpack::Get(vp));
      p = listpack::Next(l, vp);
    }
    return;
  }
  map()->ForEach(
      [&fn](std::string_view f, std::string_view v) { fn(Value{.str = f}, Value{.str = v}); });
}

template <typename Rng>
void HashObject::Random(Rng& rng, Value* field, Value* value) const {
  if (encoding_ == Encoding::kListpack) {
    const uint8_t* l = lp();
    uint32_t pairs = listpack::Length(l) / 2;
    const uint8_t* p = listpack::Seek(l, static_cast<int64_t>(rng() % pairs) * 2);
    *field = listpack::Get(p);
    *value = listpack::Get(listpack::Next(l, p));
    return;
  }
  const FieldNode* n = map()->Random(rng);
  *field = Value{.str = n->field()};
  *value = Value{.str = n->value()};
}

}  // namespace ember::storage
