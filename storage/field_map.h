// FieldMap: a large hash (OBJECT ENCODING "hashtable"), field -> value.
//
// A hash stays a listpack while it is small (hash_object.h); past
// hash-max-listpack-entries fields, or with a field or value longer than
// hash-max-listpack-value bytes, scanning the listpack for every HGET costs
// too much and it becomes this table.
//
// What a field costs. Redis keeps a 24-byte dictEntry per field plus two
// separately allocated sds strings (header + bytes + NUL each): for a
// 12-byte field and a 16-byte value that is 32 + 24 + 32 malloc'd bytes plus
// ~8-16 bytes of bucket array, about 99 bytes of RSS per field of a large
// hash. Ember puts the chain pointer, the field and the value in one block,
// as storage/entry.h does for keys:
//
//   offset  size  field
//   0       8     next           the bucket chain (see dict.h)
//   8       1+    field length   varint (one byte below 128)
//   ..      n     field bytes
//   ..      1+    value length   varint
//   ..      m     value bytes
//
// "field:123456" with a 16-byte value is 8+1+12+1+16 = 38 bytes, one 48-byte
// malloc chunk, plus 8-16 bytes of bucket array (load factor 1 down to 0.5):
// 56-64 bytes per field.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "storage/dict.h"

namespace ember::storage {

class FieldNode {
 public:
  static FieldNode* Create(std::string_view field, std::string_view value);
  static void Destroy(FieldNode* n);
  // Bytes Create would ask malloc for.
  static size_t AllocSize(size_t field_len, size_t value_len);

  FieldNode* next() const { return next_; }
  void set_next(FieldNode* n) { next_ = n; }
  FieldNode** next_link() { return &next_; }

  std::string_view field() const;
  std::string_view value() const;
  // Writes a new value over the old one if the allocation has room for it.
  // Returns false, changing nothing, if it has not.
  bool TryRewriteValue(std::string_view value);

  size_t AllocatedSize() const;

 private:
  FieldNode() = default;
  const unsigned char* Bytes() const {
    return reinterpret_cast<const unsigned char*>(this) + sizeof(FieldNode);
  }
  unsigned char* Bytes() { return reinterpret_cast<unsigned char*>(this) + sizeof(FieldNode); }

  // The only declared member; the bytes follow it (see the table above).
  FieldNode* next_;
};

static_assert(sizeof(FieldNode) == 8);

struct FieldNodeTraits {
  static std::string_view Key(const FieldNode* n) { return n->field(); }
  static FieldNode* Next(const FieldNode* n) { return n->next(); }
  static void SetNext(FieldNode* n, FieldNode* next) { n->set_next(next); }
  static FieldNode** NextLink(FieldNode* n) { return n->next_link(); }
};

class FieldMap {
 public:
  FieldMap() = default;
  ~FieldMap();
  FieldMap(const FieldMap&) = delete;
  FieldMap& operator=(const FieldMap&) = delete;

  size_t size() const { return dict_.size(); }

  // The value of `field`; false if there is no such field. The view is
  // valid until the map changes.
  bool Get(std::string_view field, std::string_view* value);
  // Sets `field` to `value`; returns true if the field is new.
  bool Set(std::string_view field, std::string_view value);
  // Adds a field that is not in the map (conversions from a listpack).
  void AddNew(std::string_view field, std::string_view value);
  // Removes `field`; returns true if it was there. Shrinks the table when it
  // becomes sparse, as Redis does after a delete.
  bool Erase(std::string_view field);

  // fn(field, value) for every field; fn must not change the map.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    dict_.ForEach([&fn](const FieldNode* n) { fn(n->field(), n->value()); });
  }
  // One SCAN step (see dict.h): fn(field, value) for the fields of the
  // buckets under `cursor`; returns the next cursor, 0 at the end.
  template <typename Fn>
  uint64_t Scan(uint64_t cursor, Fn&& fn) const {
    return dict_.Scan(cursor, [&fn](const FieldNode* n) { fn(n->field(), n->value()); });
  }
  // A random field (nullptr when empty).
  template <typename Rng>
  const FieldNode* Random(Rng& rng) {
    return dict_.Random(rng);
  }

  FieldMap* Copy() const;

  // Heap bytes held: nodes, bucket arrays and this object.
  size_t AllocatedBytes() const;
  size_t buckets() const { return dict_.buckets(); }

 private:
  Dict<FieldNode, FieldNodeTraits> dict_;
};

}  // namespace ember::storage
