// Sorted sets: how a large ZSET is laid out in memory (Redis's t_zset.c).
//
// A sorted set answers two kinds of question. "What is the score of m?"
// (ZSCORE, ZADD's update, ZREM) wants a hash table. "What are the elements
// ranked 100 to 110?", "which scores lie between 2 and 5?" (ZRANGE,
// ZRANK, ZCOUNT) want the elements kept in order. Redis keeps both: a hash
// table from member to score, and a skiplist of the same elements ordered by
// (score, member). Small sets skip all that and live in a listpack
// (zset_listpack.h); this file is the large encoding.
//
// The skiplist (William Pugh, 1990). Picture a sorted linked list, then a
// second list above it that links only every few elements, then a third
// above that, and so on: an express lane over a local one. A search starts
// on the top lane at the header and runs forward while the next element is
// still smaller than the target, then drops one lane and continues; on the
// bottom lane it arrives at the target. Each element gets its number of
// lanes ("level") at random when inserted: level 1, then one more with
// probability p = 1/4, up to 32. So about 1/4 of the elements reach level
// 2, 1/16 level 3..., each lane skips ~4 elements of the one below, and a
// search costs O(log n) on average with ~1.33 forward links per element.
// Unlike a balanced tree nothing is ever rebalanced: insertion and deletion
// only relink the neighbours on each lane.
//
//   level 3  H ------------------------------------> 40 ----------> nil
//   level 2  H ---------------> 20 ----------------> 40 ----------> nil
//   level 1  H -----> 10 -----> 20 -----> 30 -----> 40 -----> 50 -> nil
//                     10 <----- 20 <----- 30 <----- 40 <----- 50
//                                   backward pointers
//
// Spans: ranks in O(log n). Each forward link also records how many
// elements it jumps over (its "span": H->20 on level 2 has span 2). Adding
// up the spans of the links a search follows gives the rank of where it
// lands, so ZRANK is one search, and walking down by spans finds the
// element at rank r (ZRANGE 1000 1010, ZREMRANGEBYRANK) without touching
// the elements before it. Insert and delete keep spans right by adjusting
// the links they pass on each lane.
//
// Backward pointers. Only the bottom lane is doubly linked: each element
// points back at its predecessor, so ZREVRANGE and ZPOPMAX walk from the
// tail as cheaply as ZRANGE walks from the head.
//
// The hash table beside it. The skiplist orders by score, so finding a
// member by name would mean scanning; the hash table (dict.h) maps member to
// element in O(1), which ZSCORE, ZADD, ZREM and ZRANK (to learn the score
// to search for) all need. Redis allocates a skiplist node, an sds string
// for the member and a dictEntry per element; here ONE allocation serves
// both structures: the node is also the hash table's entry (it holds the
// dict's `next` pointer), and the member bytes live inside it.
//
// A node, as laid out in memory. Its pointer addresses the middle of the
// block: the per-level links sit *below* it, growing downwards, so that
// the fixed fields and the member are at fixed offsets whatever the level:
//
//   [fwd L-1][span L-1] ... [fwd 1][span 1][fwd 0] | next | score | backward | level | len | member
//   <-------------- 16*(L-1) + 8 bytes -------------> ^ node pointer
//                                                     0      8       16         24      25    25+
//
// Level 0's span is not stored: on the bottom lane every link skips
// exactly one element. What an element costs: for a 16-byte member at level
// 1, 8 + 25 + 1 + 16 = 50 bytes, a 64-byte malloc chunk; each further level
// adds 16 bytes. With the levels' 1/4 distribution that averages ~69 bytes
// of node, plus ~8-16 bytes of bucket array. Measured for one sorted set of
// 1M members "member:<9 digits>": 77 bytes of RSS per member, against 132
// for Redis 7.0.15 with the same data (its own figure, with shorter members,
// is ~117); tests/storage/zset_skiplist_test.cc keeps it under 117.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "storage/dict.h"

namespace ember::storage {

// --- Ranges, parsed exactly as Redis parses them (zslParseRange,
// zslParseLexRange) ---

// A score interval: "(" before a bound makes it exclusive; "-inf", "+inf"
// and anything strtod accepts are bounds ("1e3", " 5", even "" meaning 0).
struct ScoreRange {
  double min = 0;
  double max = 0;
  bool minex = false;
  bool maxex = false;

  bool GteMin(double v) const { return minex ? v > min : v >= min; }
  bool LteMax(double v) const { return maxex ? v < max : v <= max; }
  // True if no score can be in range (min > max, or an empty open point).
  bool Empty() const { return min > max || (min == max && (minex || maxex)); }
};

// Parses ZRANGEBYSCORE-style bounds; false on "ERR min or max is not a float".
bool ParseScoreRange(std::string_view min, std::string_view max, ScoreRange* out);

// A lexicographic interval: "[a" inclusive, "(a" exclusive, "-" and "+"
// below and above every string.
struct LexBound {
  enum Kind : uint8_t { kValue, kMinusInf, kPlusInf };
  Kind kind = kValue;
  std::string value;
  bool exclusive = false;
};

struct LexRange {
  LexBound min;
  LexBound max;

  bool GteMin(std::string_view v) const;
  bool LteMax(std::string_view v) const;
  bool Empty() const;
};

// Parses ZRANGEBYLEX-style bounds; false on "ERR min or max not valid string
// range item".
bool ParseLexRange(std::string_view min, std::string_view max, LexRange* out);

// A score as Redis 7.0 prints it: "%.17g", "inf", "-inf" (buf >= 32 bytes).
// Returns the length.
size_t FormatScore(double score, char* buf);

// memcmp order, a prefix first: Redis's sdscmp, the order of equal scores.
inline int CompareMembers(std::string_view a, std::string_view b) {
  size_t n = a.size() < b.size() ? a.size() : b.size();
  int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
  if (c != 0) return c;
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

// --- The skiplist node (see the layout above) ---

class ZNode {
 public:
  // A link on level >= 1.
  struct Link {
    ZNode* forward;
    uint64_t span;
  };

  double score() const { return score_; }
  std::string_view member() const {
    const unsigned char* p = MemberStart();
    uint32_t len = ReadLen(&p);
    return {reinterpret_cast<const char*>(p), len};
  }
  int level() const { return level_; }
  ZNode* backward() const { return backward_; }
  ZNode* forward(int i) const { return i == 0 ? *Forward0() : LinkAt(i)->forward; }
  // Elements the level-i link skips (1 on level 0).
  uint64_t span(int i) const { return i == 0 ? 1 : LinkAt(i)->span; }

  // The dict's chain.
  ZNode* next() const { return next_; }
  void set_next(ZNode* n) { next_ = n; }
  ZNode** next_link() { return &next_; }

 private:
  friend class ZSkiplist;

  static ZNode* Create(int level, double score, std::string_view member);
  static void Destroy(ZNode* node);
  // Bytes of the whole block (for the memory accounting).
  static size_t AllocSize(int level, size_t member_len);

  void set_forward(int i, ZNode* n) {
    if (i == 0) {
      *Forward0() = n;
    } else {
      LinkAt(i)->forward = n;
    }
  }
  void set_span(int i, uint64_t s) {
    if (i > 0) LinkAt(i)->span = s;
  }

  ZNode* const* Forward0() const {
    return reinterpret_cast<ZNode* const*>(reinterpret_cast<const char*>(this) - 8);
  }
  ZNode** Forward0() { return reinterpret_cast<ZNode**>(reinterpret_cast<char*>(this) - 8); }
  const Link* LinkAt(int i) const {
    return reinterpret_cast<const Link*>(reinterpret_cast<const char*>(this) - 8 - 16 * i);
  }
  Link* LinkAt(int i) {
    return reinterpret_cast<Link*>(reinterpret_cast<char*>(this) - 8 - 16 * i);
  }
  const unsigned char* MemberStart() const {
    return reinterpret_cast<const unsigned char*>(this) + kMemberOffset;
  }
  static uint32_t ReadLen(const unsigned char** p);
  // Bytes below the node pointer.
  static size_t LinksSize(int level) { return 8 + 16 * static_cast<size_t>(level - 1); }

  static constexpr size_t kMemberOffset = 25;

  ZNode* next_;
  double score_;
  ZNode* backward_;
  uint8_t level_;
  // The member's length (varint) and bytes follow level_ (kMemberOffset).
};

struct ZNodeTraits {
  static std::string_view Key(const ZNode* n) { return n->member(); }
  static ZNode* Next(const ZNode* n) { return n->next(); }
  static void SetNext(ZNode* n, ZNode* next) { n->set_next(next); }
  static ZNode** NextLink(ZNode* n) { return n->next_link(); }
};

// --- The large encoding: skiplist + member -> node hash table ---

class ZSkiplist {
 public:
  static constexpr int kMaxLevel = 32;

  // `seed` drives the random levels; by default each skiplist gets a fresh
  // one from a process-wide random source (a fixed sequence would let a
  // client choose insertion orders that make searches linear).
  ZSkiplist();
  explicit ZSkiplist(uint64_t seed);
  ~ZSkiplist();
  ZSkiplist(const ZSkiplist&) = delete;
  ZSkiplist& operator=(const ZSkiplist&) = delete;

  // A deep copy (COPY), same elements in the same order.
  ZSkiplist* Copy() const;

  size_t size() const { return length_; }
  bool empty() const { return length_ == 0; }

  // --- By member (the hash table) ---

  ZNode* Find(std::string_view member) const;
  // Adds a member that is not present; returns its node.
  // REQUIRES: !Find(member), !isnan(score).
  ZNode* Insert(double score, std::string_view member);
  // Moves `node` to its place for a new score (in place when the order does
  // not change, as Redis's zslUpdateScore).
  void UpdateScore(ZNode* node, double score);
  // Removes a member; false if absent.
  bool Erase(std::string_view member);

  // --- In order (the skiplist) ---

  ZNode* First() const { return header_->forward(0); }
  ZNode* Last() const { return tail_; }
  static ZNode* Next(const ZNode* n) { return n->forward(0); }
  static ZNode* Prev(const ZNode* n) { return n->backward(); }

  // 0-based rank of a node of this skiplist.
  uint64_t Rank(const ZNode* node) const;
  // The node at 0-based `rank`, or nullptr past the end.
  ZNode* AtRank(uint64_t rank) const;

  // First/last element inside the range, or nullptr.
  ZNode* FirstInRange(const ScoreRange& r) const;
  ZNode* LastInRange(const ScoreRange& r) const;
  ZNode* FirstInLexRange(const LexRange& r) const;
  ZNode* LastInLexRange(const LexRange& r) const;

  // Remove whole ranges; each returns how many elements went.
  size_t EraseRangeByScore(const ScoreRange& r);
  size_t EraseRangeByLex(const LexRange& r);
  // 0-based, inclusive.
  size_t EraseRangeByRank(uint64_t start, uint64_t end);

  // A random element (ZRANDMEMBER); nullptr if empty.
  template <typename Rng>
  ZNode* Random(Rng& rng) {
    return dict_.Random(rng);
  }
  // One ZSCAN step over the hash table (dict.h's reverse-binary cursor).
  template <typename Fn>
  uint64_t Scan(uint64_t cursor, Fn&& fn) const {
    return dict_.Scan(cursor, fn);
  }
  // Shrinks the hash table after many deletions.
  void ShrinkIfSparse() { dict_.ShrinkIfSparse(); }

  // Bytes allocated (nodes, header, buckets), for memory accounting.
  size_t AllocatedBytes() const;

  // Checks every structural invariant (order, spans, backward links, level,
  // length, the hash table agreeing with the list). For tests: "" if all
  // hold, else what is wrong.
  std::string CheckInvariants() const;

 private:
  using MemberDict = Dict<ZNode, ZNodeTraits>;

  int RandomLevel();
  // Links a detached node (its level and score already set) into the list.
  void Link(ZNode* x);
  // Unlinks x given, for each level, the last node before x.
  void Unlink(ZNode* x, ZNode** update);
  // Fills update[] with the last node on each level before (score, member).
  void FindPredecessors(double score, std::string_view member, ZNode** update) const;
  // Removes a node already unlinked from the list from the hash table and
  // frees it.
  void DropNode(ZNode* x);

  ZNode* header_;
  ZNode* tail_ = nullptr;
  size_t length_ = 0;
  int level_ = 1;
  uint64_t rng_state_;
  mutable MemberDict dict_;
};

struct ZSkiplistDeleter {
  void operator()(ZSkiplist* z) const { delete z; }
};
using ZSkiplistPtr = std::unique_ptr<ZSkiplist, ZSkiplistDeleter>;

}  // namespace ember::storage
