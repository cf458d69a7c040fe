// Dict: the hash table under every keyspace (and, later, every large hash,
// set and sorted set), built the way Redis's dict.c is.
//
// Chaining, intrusive. Each bucket holds a singly linked list of nodes, and
// the `next` pointer lives inside the node itself, so a node costs one
// allocation and the table costs one pointer per bucket. (Redis allocates a
// separate 24-byte dictEntry per key; folding it into the node saves that.)
//
// Incremental rehashing. A table that doubled in one step would copy every
// node while all clients wait: with ten million keys, a pause of seconds.
// Instead, growing allocates the new table and moves one bucket at a time:
// each lookup, insert and delete moves one (Rehash(1)), and the server cron
// moves buckets for up to a millisecond per tick. While rehashing, lookups
// check both tables and inserts go to the new one, so the old one only
// shrinks.
//
// Size policy, as Redis: grow to the next power of two when there are as many
// nodes as buckets (load factor 1); while resizing is discouraged (a forked
// child is snapshotting and would pay copy-on-write for the moved pages),
// grow only past a load factor of 5. Shrink (from the cron) when under 10%
// full.
//
// Scan. SCAN must return every key present for the whole iteration, with a
// stateless cursor, even if the table grows or shrinks in between. Redis's
// answer is to walk bucket indexes in reverse-binary order: incrementing the
// *reversed* index visits buckets so that the high bits vary fastest, and
// those are exactly the bits a resize adds or removes. A bucket of the small
// table maps to a contiguous run of the large table's cursor sequence, so
// nothing is missed; some keys may be returned twice, which SCAN allows.
//
// Traits supplies: static std::string_view Key(const Node*),
//                  static Node* Next(const Node*), static void SetNext(Node*, Node*),
//                  static Node** NextLink(Node*) (the address of the next field).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <utility>

#include "storage/alloc.h"
#include "storage/hash.h"

namespace ember::storage {

template <typename Node, typename Traits>
class Dict {
 public:
  static constexpr size_t kInitialSize = 4;

  Dict() = default;
  Dict(const Dict&) = delete;
  Dict& operator=(const Dict&) = delete;
  Dict(Dict&& other) noexcept { *this = std::move(other); }
  Dict& operator=(Dict&& other) noexcept {
    std::swap(t_, other.t_);
    std::swap(rehash_idx_, other.rehash_idx_);
    std::swap(resize_allowed_, other.resize_allowed_);
    return *this;
  }
  ~Dict() { FreeTables(); }

  size_t size() const { return t_[0].used + t_[1].used; }
  bool empty() const { return size() == 0; }
  size_t buckets() const { return t_[0].size() + t_[1].size(); }
  bool rehashing() const { return rehash_idx_ >= 0; }

  // Where a node sits: the pointer that points at it (a bucket slot or the
  // previous node's next field) and which of the two tables holds it.
  struct Link {
    Node** ptr = nullptr;
    int table = 0;
    explicit operator bool() const { return ptr != nullptr; }
    Node* node() const { return *ptr; }
  };

  // The link of the node with `key`, or an empty Link. A link lets the
  // caller replace or unlink the node without walking the chain again.
  // REQUIRES: no other change to the dict between getting a link and using it.
  Link FindLink(std::string_view key, uint64_t hash) {
    if (size() == 0) return {};
    if (rehashing()) Rehash(1);
    for (int t = 0; t <= 1; ++t) {
      Table& table = t_[t];
      if (table.buckets != nullptr) {
        Node** link = &table.buckets[hash & table.mask];
        while (*link != nullptr) {
          if (Traits::Key(*link) == key) return Link{link, t};
          link = Traits::NextLink(*link);
        }
      }
      if (!rehashing()) break;
    }
    return {};
  }

  Node* Find(std::string_view key, uint64_t hash) {
    Link link = FindLink(key, hash);
    return link ? link.node() : nullptr;
  }
  Node* Find(std::string_view key) { return Find(key, Hash(key)); }

  // Adds a node whose key is not in the dict.
  void InsertNew(Node* node, uint64_t hash) {
    if (rehashing()) Rehash(1);
    ExpandIfNeeded();
    Table& table = rehashing() ? t_[1] : t_[0];
    Node** bucket = &table.buckets[hash & table.mask];
    Traits::SetNext(node, *bucket);
    *bucket = node;
    ++table.used;
  }

  // Takes the node at `link` out of the dict and returns it.
  Node* Unlink(Link link) {
    Node* node = *link.ptr;
    *link.ptr = Traits::Next(node);
    Traits::SetNext(node, nullptr);
    --t_[link.table].used;
    return node;
  }

  // Removes and returns the node with `key`, or nullptr.
  Node* Remove(std::string_view key, uint64_t hash) {
    Link link = FindLink(key, hash);
    return link ? Unlink(link) : nullptr;
  }

  // Puts `replacement` (same key) where the node at `link` was.
  static void Replace(Link link, Node* replacement) {
    Traits::SetNext(replacement, Traits::Next(*link.ptr));
    *link.ptr = replacement;
  }

  // Moves up to `n` buckets from the old table to the new one (visiting at
  // most 10*n empty buckets). Returns true while rehashing remains.
  bool Rehash(int n) {
    if (!rehashing()) return false;
    int empty_visits = n * 10;
    Table& from = t_[0];
    Table& to = t_[1];
    while (n-- > 0 && from.used != 0) {
      while (from.buckets[rehash_idx_] == nullptr) {  // used != 0: a node lies ahead
        ++rehash_idx_;
        if (--empty_visits == 0) return true;
      }
      Node* node = from.buckets[rehash_idx_];
      while (node != nullptr) {
        Node* next = Traits::Next(node);
        uint64_t h = Hash(Traits::Key(node)) & to.mask;
        Traits::SetNext(node, to.buckets[h]);
        to.buckets[h] = node;
        --from.used;
        ++to.used;
        node = next;
      }
      from.buckets[rehash_idx_] = nullptr;
      ++rehash_idx_;
    }
    if (from.used == 0) {
      std::free(from.buckets);
      t_[0] = t_[1];
      t_[1] = Table{};
      rehash_idx_ = -1;
      return false;
    }
    return true;
  }

  // Rehashes in steps of 100 buckets until `budget_us` microseconds passed
  // (as measured by now_us). Returns buckets*100 moved.
  template <typename NowUs>
  int RehashFor(int64_t budget_us, NowUs now_us) {
    int64_t start = now_us();
    int rounds = 0;
    while (Rehash(100)) {
      rounds += 100;
      if (now_us() - start > budget_us) break;
    }
    return rounds;
  }

  // Shrinks to the smallest power of two holding size() when under 10%
  // full. Called from the cron, never from a command.
  void ShrinkIfSparse() {
    if (rehashing() || !resize_allowed_) return;
    size_t sz = t_[0].size();
    if (sz > kInitialSize && t_[0].used * 100 / sz < 10) Resize(t_[0].used);
  }

  void set_resize_allowed(bool allowed) { resize_allowed_ = allowed; }

  // One step of SCAN: calls fn(node) for each node in the buckets the cursor
  // names and returns the next cursor (0 when the iteration is complete). fn
  // must not change the dict.
  template <typename Fn>
  uint64_t Scan(uint64_t cursor, Fn&& fn) const {
    if (size() == 0) return 0;
    uint64_t v = cursor;
    if (!rehashing()) {
      const Table& t0 = t_[0];
      EmitBucket(t0, v & t0.mask, fn);
      v |= ~t0.mask;
      v = NextReversed(v);
    } else {
      const Table* small = &t_[0];
      const Table* large = &t_[1];
      if (small->size() > large->size()) std::swap(small, large);
      uint64_t m0 = small->mask, m1 = large->mask;
      EmitBucket(*small, v & m0, fn);
      do {
        EmitBucket(*large, v & m1, fn);
        v |= ~m1;
        v = NextReversed(v);
      } while (v & (m0 ^ m1));
    }
    return v;
  }

  // A random node, or nullptr if empty. Picks random non-empty buckets, then
  // a random node of the chain (as Redis's dictGetRandomKey: not perfectly
  // uniform when chains differ in length, but O(1) expected).
  template <typename Rng>
  Node* Random(Rng& rng) {
    if (size() == 0) return nullptr;
    if (rehashing()) Rehash(1);
    Node* head = nullptr;
    if (rehashing()) {
      size_t s0 = t_[0].size(), s1 = t_[1].size();
      do {
        size_t first = static_cast<size_t>(rehash_idx_);
        size_t i = first + rng() % (s0 + s1 - first);
        head = i >= s0 ? t_[1].buckets[i - s0] : t_[0].buckets[i];
      } while (head == nullptr);
    } else {
      do {
        head = t_[0].buckets[rng() & t_[0].mask];
      } while (head == nullptr);
    }
    size_t len = 0;
    for (Node* n = head; n != nullptr; n = Traits::Next(n)) ++len;
    size_t pick = rng() % len;
    while (pick-- > 0) head = Traits::Next(head);
    return head;
  }

  // Calls fn(node) for every node; fn must not change the dict.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (const Table& t : t_) {
      for (size_t i = 0; i < t.size(); ++i) {
        for (Node* n = t.buckets[i]; n != nullptr; n = Traits::Next(n)) fn(n);
      }
    }
  }

  // Removes every node, handing each to `dispose`.
  template <typename Dispose>
  void Clear(Dispose&& dispose) {
    for (Table& t : t_) {
      for (size_t i = 0; i < t.size(); ++i) {
        Node* n = t.buckets[i];
        while (n != nullptr) {
          Node* next = Traits::Next(n);
          dispose(n);
          n = next;
        }
      }
    }
    FreeTables();
  }

  // Bytes used by the bucket arrays (for INFO memory and MEMORY USAGE).
  size_t BucketBytes() const { return buckets() * sizeof(Node*); }

 private:
  struct Table {
    Node** buckets = nullptr;
    uint64_t mask = 0;
    size_t used = 0;
    size_t size() const { return buckets ? mask + 1 : 0; }
  };

  static uint64_t NextReversed(uint64_t v) {
    v = ReverseBits(v);
    ++v;
    return ReverseBits(v);
  }
  static uint64_t ReverseBits(uint64_t v) {
    v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
    v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
    return __builtin_bswap64(v);
  }

  template <typename Fn>
  static void EmitBucket(const Table& t, uint64_t index, Fn& fn) {
    for (Node* n = t.buckets[index]; n != nullptr; n = Traits::Next(n)) fn(n);
  }

 public:
  // Sizes the table for `n` entries up front (an RDB file says how many
  // keys follow), so loading does not rehash again and again as it grows.
  void Reserve(size_t n) {
    if (rehashing() || n <= t_[0].size()) return;
    if (t_[0].buckets == nullptr) {
      size_t size = kInitialSize;
      while (size < n) size <<= 1;
      Allocate(&t_[0], size);
      return;
    }
    Resize(n);
  }

 private:
  void ExpandIfNeeded() {
    if (rehashing()) return;
    Table& t = t_[0];
    if (t.buckets == nullptr) {
      Allocate(&t, kInitialSize);
      return;
    }
    if (t.used >= t.size() && (resize_allowed_ || t.used / t.size() > 5)) Resize(t.used + 1);
  }

  // Starts rehashing into a table of the smallest power of two >= n.
  void Resize(size_t n) {
    size_t size = kInitialSize;
    while (size < n) size <<= 1;
    if (size == t_[0].size()) return;
    Allocate(&t_[1], size);
    rehash_idx_ = 0;
    if (t_[0].used == 0) Rehash(1);
  }

  static void Allocate(Table* t, size_t size) {
    t->buckets = static_cast<Node**>(CheckedCalloc(size, sizeof(Node*)));
    t->mask = size - 1;
    t->used = 0;
  }

  void FreeTables() {
    for (Table& t : t_) {
      std::free(t.buckets);
      t = Table{};
    }
    rehash_idx_ = -1;
  }

  Table t_[2];
  ptrdiff_t rehash_idx_ = -1;
  bool resize_allowed_ = true;
};

}  // namespace ember::storage
