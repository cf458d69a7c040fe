// MemberSet: a large set (OBJECT ENCODING "hashtable").
//
// A set of integers stays an intset, a small set a listpack (set_object.h);
// past those limits membership needs a hash table.
//
// What a member costs. Redis keeps a 24-byte dictEntry per member (its value
// slot unused) plus an sds string: for a 12-byte member, 24 + 24 malloc'd
// bytes plus bucket array. Ember puts the chain pointer and the bytes in one
// block:
//
//   offset  size  field
//   0       8     next           the bucket chain (see dict.h)
//   8       1+    length         varint (one byte below 128)
//   ..      n     member bytes
//
// "member:12345" is 8+1+12 = 21 bytes, one 32-byte malloc chunk, plus 8-16
// bytes of bucket array: 40-48 bytes per member.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "storage/dict.h"

namespace ember::storage {

class MemberNode {
 public:
  static MemberNode* Create(std::string_view member);
  static void Destroy(MemberNode* n);

  MemberNode* next() const { return next_; }
  void set_next(MemberNode* n) { next_ = n; }
  MemberNode** next_link() { return &next_; }

  std::string_view member() const;
  size_t AllocatedSize() const;

 private:
  MemberNode() = default;
  const unsigned char* Bytes() const {
    return reinterpret_cast<const unsigned char*>(this) + sizeof(MemberNode);
  }
  unsigned char* Bytes() { return reinterpret_cast<unsigned char*>(this) + sizeof(MemberNode); }

  MemberNode* next_;
};

static_assert(sizeof(MemberNode) == 8);

struct MemberNodeTraits {
  static std::string_view Key(const MemberNode* n) { return n->member(); }
  static MemberNode* Next(const MemberNode* n) { return n->next(); }
  static void SetNext(MemberNode* n, MemberNode* next) { n->set_next(next); }
  static MemberNode** NextLink(MemberNode* n) { return n->next_link(); }
};

class MemberSet {
 public:
  MemberSet() = default;
  ~MemberSet();
  MemberSet(const MemberSet&) = delete;
  MemberSet& operator=(const MemberSet&) = delete;

  size_t size() const { return dict_.size(); }

  bool Contains(std::string_view member);
  // Returns true if `member` was added (false: already there).
  bool Add(std::string_view member);
  // Adds a member that is not in the set (conversions).
  void AddNew(std::string_view member);
  // Returns true if `member` was removed. Shrinks a sparse table, as Redis
  // does after a delete.
  bool Erase(std::string_view member);

  // fn(member) for every member; fn must not change the set.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    dict_.ForEach([&fn](const MemberNode* n) { fn(n->member()); });
  }
  // One SCAN step (see dict.h).
  template <typename Fn>
  uint64_t Scan(uint64_t cursor, Fn&& fn) const {
    return dict_.Scan(cursor, [&fn](const MemberNode* n) { fn(n->member()); });
  }
  // A random member (nullptr when empty).
  template <typename Rng>
  const MemberNode* Random(Rng& rng) {
    return dict_.Random(rng);
  }

  MemberSet* Copy() const;

  // Heap bytes held: nodes, bucket arrays and this object.
  size_t AllocatedBytes() const;
  size_t buckets() const { return dict_.buckets(); }

 private:
  Dict<MemberNode, MemberNodeTraits> dict_;
};

}  // namespace ember::storage
