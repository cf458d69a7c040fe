// The data logic of Redis's sorted set commands (t_zset.c), over both
// encodings: a listpack while small (zset_listpack.h), a skiplist beside a
// hash table once large (zset.h).
//
// A sorted set key always holds at least one member: removing the last one
// deletes the key, and adding to a missing key creates it. A sorted set
// converts to the large encoding exactly when Redis converts it: when an
// addition would take it past zset-max-listpack-entries members, or adds a
// member longer than zset-max-listpack-value bytes. It never converts back,
// except that the results of ZUNIONSTORE & co. are built large and stored
// small if they fit, as in Redis.
#pragma once

#include <cstdint>
#include <memory>
#include <functional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.h"
#include "storage/keyspace.h"
#include "storage/op_result.h"
#include "storage/zset.h"
#include "storage/zset_listpack.h"

namespace ember::storage::zset {

// A sorted set value as an entry holds it: the listpack buffer itself, or a
// ZSkiplist. A null ptr means "no such key" where inputs may be missing.
struct ZValue {
  Encoding encoding = Encoding::kListpack;
  void* ptr = nullptr;

  explicit operator bool() const { return ptr != nullptr; }
  bool is_listpack() const { return encoding == Encoding::kListpack; }
  uint8_t* lp() const { return static_cast<uint8_t*>(ptr); }
  ZSkiplist* zsl() const { return static_cast<ZSkiplist*>(ptr); }
  size_t size() const;
  // The member's score; false if absent.
  bool Score(std::string_view member, double* score) const;
};

struct ScoredMember {
  std::string member;
  double score = 0;
};

// A position in a sorted set of either encoding, walked in score order.
// Invalid after any change to the set.
class ZCursor {
 public:
  explicit ZCursor(const ZValue& z) : z_(z) {}
  static ZCursor AtRank(const ZValue& z, int64_t rank);
  static ZCursor FirstInRange(const ZValue& z, const ScoreRange& r);
  static ZCursor LastInRange(const ZValue& z, const ScoreRange& r);
  static ZCursor FirstInLexRange(const ZValue& z, const LexRange& r);
  static ZCursor LastInLexRange(const ZValue& z, const LexRange& r);

  bool valid() const { return eptr_ != nullptr || node_ != nullptr; }
  // Valid until the cursor moves.
  std::string_view member();
  double score() const;
  void Next();
  void Prev();
  // Moves n >= 0 steps (backwards if `reverse`); by rank on a skiplist.
  void Skip(int64_t n, bool reverse);

 private:
  ZValue z_;
  const uint8_t* eptr_ = nullptr;  // listpack: the member element
  const ZNode* node_ = nullptr;    // skiplist
  char scratch_[24];
};

// Which elements a ZRANGE-family command selects.
enum class RangeKind { kRank, kScore, kLex };
struct RangeQuery {
  RangeKind kind = RangeKind::kRank;
  bool reverse = false;
  int64_t start = 0, end = -1;  // kRank: indexes, negative from the end
  ScoreRange score;             // kScore
  LexRange lex;                 // kLex
  int64_t offset = 0;           // kScore, kLex: LIMIT offset count
  int64_t limit = -1;           // negative: no limit
};

// Redis's index rules for [start, end] over `len` elements: the first rank
// and how many; false if the range is empty.
bool ClampRanks(int64_t len, int64_t start, int64_t end, int64_t* first, int64_t* count);

// Calls fn(member, score) for each element `q` selects, in reply order,
// with Redis's semantics (LIMIT's offset skips elements without looking at
// them; a negative offset selects nothing).
template <typename Fn>
void ForEachInRange(const ZValue& z, const RangeQuery& q, Fn&& fn);

// Calls fn(member, score) for every element in score order.
template <typename Fn>
void ForEach(const ZValue& z, Fn&& fn) {
  RangeQuery all;
  ForEachInRange(z, all, fn);
}

// --- Lookups ---

// The sorted set at `key` for reading: kNotFound, kWrongType, or the value.
OpResult<ZValue> FindRead(Database& db, std::string_view key);

struct RankResult {
  int64_t rank = 0;
  double score = 0;
};
// ZRANK/ZREVRANK: kNotFound if the key or the member is missing.
OpResult<RankResult> Rank(Database& db, std::string_view key, std::string_view member,
                          bool reverse);
// ZCOUNT / ZLEXCOUNT (0 for a missing key).
OpResult<int64_t> Count(Database& db, std::string_view key, const ScoreRange& r);
OpResult<int64_t> LexCount(Database& db, std::string_view key, const LexRange& r);

// --- Writes ---

struct AddOptions {
  bool nx = false, xx = false, gt = false, lt = false, incr = false;
};
struct AddResult {
  int64_t added = 0;
  int64_t updated = 0;
  int64_t processed = 0;  // members not skipped by NX/XX/GT/LT
  double score = 0;       // INCR: the new score
  bool nan = false;       // INCR produced NaN: nothing was changed
};
struct ScoreArg {
  double score;
  std::string_view member;
};
// ZADD/ZINCRBY (REQUIRES: options already checked for conflicts).
OpResult<AddResult> Add(Database& db, std::string_view key, const AddOptions& opt,
                        std::span<const ScoreArg> items);

// ZREM: members removed (0 for a missing key).
OpResult<int64_t> Remove(Database& db, std::string_view key,
                         std::span<const std::string_view> members);

// ZREMRANGEBYRANK/SCORE/LEX (q.kind says which; offset/limit unused).
OpResult<int64_t> RemoveRange(Database& db, std::string_view key, const RangeQuery& q);

// ZPOPMIN/ZPOPMAX: up to `count` lowest (or highest) members, removed;
// kNotFound if the key is missing.
OpResult<std::vector<ScoredMember>> Pop(Database& db, std::string_view key, bool max,
                                        int64_t count);

struct StoreResult {
  int64_t length = 0;
  bool modified = false;  // the destination was written or deleted
};
// ZRANGESTORE: stores what `q` selects from `src` at `dst` (deleting dst if
// that is nothing). kWrongType if src is not a sorted set.
OpResult<StoreResult> RangeStore(Database& db, std::string_view dst, std::string_view src,
                                 const RangeQuery& q);

// --- ZUNION, ZINTER, ZDIFF and their STORE forms, ZINTERCARD ---

enum class SetOp { kUnion, kInter, kDiff };
enum class Aggregate { kSum, kMin, kMax };

// Looks up the input keys (a missing key is an empty ZValue); kWrongType if
// one holds another type. Redis checks types before parsing the options
// that follow the keys, hence a separate step.
// Plain sets are inputs too, every member scoring 1: they are copied into
// temporary sorted sets kept alive by `temporaries`.
OpResult<std::vector<ZValue>> LookupInputs(Database& db, std::span<const std::string_view> keys,
                                           std::vector<std::unique_ptr<ZSkiplist>>* temporaries);

// The result as a skiplist, and its longest member (whether the stored
// result fits a listpack). `weights` is empty or one per input.
ZSkiplistPtr Combine(std::span<const ZValue> inputs, SetOp op, std::span<const double> weights,
                     Aggregate agg, size_t* max_member_len);
// ZINTERCARD: the size of the intersection, counting stops at `limit` (0: none).
int64_t InterCard(std::span<const ZValue> inputs, int64_t limit);
// Stores a result at `dst` (small results as a listpack), or deletes dst if
// it is empty.
StoreResult StoreCombined(Database& db, std::string_view dst, ZSkiplistPtr result,
                          size_t max_member_len);

// --- ZRANDMEMBER, ZSCAN ---

// A random member (ZRANDMEMBER without a count).
ScoredMember RandomMember(const ZValue& z, std::mt19937_64& rng);
// ZRANDMEMBER with a count, as Redis picks: count >= 0 distinct members
// (the whole set if count >= size), count < 0 |count| members drawn with
// repetition. fn(member, score) for each, in reply order.
void RandomMembers(const ZValue& z, int64_t count, std::mt19937_64& rng,
                   const std::function<void(std::string_view, double)>& fn);

struct ScanItem {
  std::string member;
  std::string score;  // as Redis prints it in ZSCAN
};
// One ZSCAN step; returns the next cursor. A listpack returns everything
// and cursor 0 in one call.
uint64_t Scan(const ZValue& z, uint64_t cursor, int64_t count, std::vector<ScanItem>* out);

// --- implementation of the templates ---

template <typename Fn>
void ForEachInRange(const ZValue& z, const RangeQuery& q, Fn&& fn) {
  if (q.kind == RangeKind::kRank) {
    int64_t len = static_cast<int64_t>(z.size());
    int64_t first, count;
    if (!ClampRanks(len, q.start, q.end, &first, &count)) return;
    ZCursor c = ZCursor::AtRank(z, q.reverse ? len - 1 - first : first);
    for (int64_t i = 0; i < count && c.valid(); ++i) {
      fn(c.member(), c.score());
      q.reverse ? c.Prev() : c.Next();
    }
    return;
  }
  bool by_score = q.kind == RangeKind::kScore;
  ZCursor c =
      by_score
          ? (q.reverse ? ZCursor::LastInRange(z, q.score) : ZCursor::FirstInRange(z, q.score))
          : (q.reverse ? ZCursor::LastInLexRange(z, q.lex) : ZCursor::FirstInLexRange(z, q.lex));
  if (!c.valid() || q.offset < 0) return;
  c.Skip(q.offset, q.reverse);
  int64_t limit = q.limit;
  while (c.valid() && limit-- != 0) {
    std::string_view m = c.member();
    double s = c.score();
    bool in_range = by_score ? (q.reverse ? q.score.GteMin(s) : q.score.LteMax(s))
                             : (q.reverse ? q.lex.GteMin(m) : q.lex.LteMax(m));
    if (!in_range) break;
    fn(m, s);
    q.reverse ? c.Prev() : c.Next();
  }
}

}  // namespace ember::storage::zset
