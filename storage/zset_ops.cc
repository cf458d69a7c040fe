#include "storage/zset_ops.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "storage/object.h"
#include "storage/set_object.h"

namespace ember::storage::zset {

namespace {

// What ZsetAdd did (Redis's ZADD_OUT_* flags).
enum AddOutcome : int { kNop = 1, kAdded = 2, kUpdated = 4, kNan = 8 };

const CollectionLimits& Limits(Database& db) { return db.keyspace().limits(); }

ZValue ValueOf(const Entry* e) { return ZValue{e->encoding(), e->external()}; }

Entry::ValueSpec SpecOf(const ZValue& z) {
  Entry::ValueSpec spec;
  spec.kind = ValueKind::kExternal;
  spec.type = ObjType::kZSet;
  spec.encoding = z.encoding;
  spec.pointer = z.ptr;
  return spec;
}

ZValue NewListpack() { return ZValue{Encoding::kListpack, listpack::New()}; }

void FreeValue(const ZValue& z) { FreeObject(ObjType::kZSet, z.encoding, z.ptr); }

void ConvertToSkiplist(ZValue* z) {
  ZSkiplist* zsl = zset_lp::ToSkiplist(z->lp());
  listpack::Free(z->lp());
  *z = ZValue{Encoding::kSkiplist, zsl};
}

// Redis's zsetAdd on either encoding: adds `member` or updates its score as
// the options say, converting a listpack that would grow too large first.
// Returns AddOutcome flags; *newscore gets the resulting score.
int ZsetAdd(ZValue* z, double score, std::string_view member, const AddOptions& o,
            const CollectionLimits& limits, double* newscore) {
  double cur;
  if (z->is_listpack()) {
    const uint8_t* e = zset_lp::Find(z->lp(), member, &cur);
    if (e != nullptr) {
      if (o.nx) return kNop;
      if (o.incr) {
        score += cur;
        if (std::isnan(score)) return kNan;
      }
      if ((o.lt && score >= cur) || (o.gt && score <= cur)) return kNop;
      *newscore = score;
      if (score == cur) return 0;
      // Moving an element is deleting it and inserting it at its new place.
      uint8_t* lp = zset_lp::Delete(z->lp(), e);
      z->ptr = zset_lp::Insert(lp, member, score);
      return kUpdated;
    }
    if (o.xx) return kNop;
    if (zset_lp::Length(z->lp()) + 1 > static_cast<uint64_t>(limits.zset_max_listpack_entries) ||
        member.size() > static_cast<uint64_t>(limits.zset_max_listpack_value)) {
      ConvertToSkiplist(z);
    } else {
      z->ptr = zset_lp::Insert(z->lp(), member, score);
      *newscore = score;
      return kAdded;
    }
  }
  ZSkiplist* zsl = z->zsl();
  ZNode* node = zsl->Find(member);
  if (node != nullptr) {
    if (o.nx) return kNop;
    cur = node->score();
    if (o.incr) {
      score += cur;
      if (std::isnan(score)) return kNan;
    }
    if ((o.lt && score >= cur) || (o.gt && score <= cur)) return kNop;
    *newscore = score;
    if (score == cur) return 0;
    zsl->UpdateScore(node, score);
    return kUpdated;
  }
  if (o.xx) return kNop;
  zsl->Insert(score, member);
  *newscore = score;
  return kAdded;
}

bool ZsetDel(ZValue* z, std::string_view member) {
  if (z->is_listpack()) {
    const uint8_t* e = zset_lp::Find(z->lp(), member, nullptr);
    if (e == nullptr) return false;
    z->ptr = zset_lp::Delete(z->lp(), e);
    return true;
  }
  return z->zsl()->Erase(member);
}

// A write lookup: kNotFound, kWrongType, or the entry.
OpResult<Entry*> FindWrite(Database& db, std::string_view key, KeyRef* ref) {
  *ref = db.LookupWrite(key);
  if (ref->entry == nullptr) return OpStatus::kNotFound;
  if (ref->entry->type() != ObjType::kZSet) return OpStatus::kWrongType;
  return ref->entry;
}

// After a write: the key goes if the set emptied, else the entry learns the
// value's (possibly moved or converted) pointer.
void WriteBack(Database& db, const KeyRef& ref, ZValue z) {
  // First, even for a key about to go: deleting frees what the entry points
  // at, and a listpack may have moved.
  ref.entry->set_external(z.ptr, z.encoding);
  if (z.size() == 0) {
    db.Delete(ref);
    return;
  }
  if (!z.is_listpack()) z.zsl()->ShrinkIfSparse();
}

// Stores a freshly built value at `dst` (or deletes dst if it is empty).
StoreResult StoreValue(Database& db, std::string_view dst, ZValue z) {
  StoreResult res;
  KeyRef ref = db.LookupWrite(dst);
  if (z.size() == 0) {
    FreeValue(z);
    if (ref.entry != nullptr) {
      db.Delete(ref);
      res.modified = true;
    }
    return res;
  }
  res.length = static_cast<int64_t>(z.size());
  db.Store(ref, dst, SpecOf(z), Database::kNoExpire);
  res.modified = true;
  return res;
}

}  // namespace

// --- ZValue ---

size_t ZValue::size() const {
  if (ptr == nullptr) return 0;
  return is_listpack() ? zset_lp::Length(lp()) : zsl()->size();
}

bool ZValue::Score(std::string_view member, double* score) const {
  if (ptr == nullptr) return false;
  if (is_listpack()) return zset_lp::Find(lp(), member, score) != nullptr;
  const ZNode* n = zsl()->Find(member);
  if (n == nullptr) return false;
  *score = n->score();
  return true;
}

// --- ZCursor ---

ZCursor ZCursor::AtRank(const ZValue& z, int64_t rank) {
  ZCursor c(z);
  if (rank < 0 || static_cast<uint64_t>(rank) >= z.size()) return c;
  if (z.is_listpack()) {
    c.eptr_ = zset_lp::AtRank(z.lp(), rank);
  } else {
    c.node_ = z.zsl()->AtRank(static_cast<uint64_t>(rank));
  }
  return c;
}

ZCursor ZCursor::FirstInRange(const ZValue& z, const ScoreRange& r) {
  ZCursor c(z);
  if (z.is_listpack()) {
    c.eptr_ = zset_lp::FirstInRange(z.lp(), r);
  } else {
    c.node_ = z.zsl()->FirstInRange(r);
  }
  return c;
}

ZCursor ZCursor::LastInRange(const ZValue& z, const ScoreRange& r) {
  ZCursor c(z);
  if (z.is_listpack()) {
    c.eptr_ = zset_lp::LastInRange(z.lp(), r);
  } else {
    c.node_ = z.zsl()->LastInRange(r);
  }
  return c;
}

ZCursor ZCursor::FirstInLexRange(const ZValue& z, const LexRange& r) {
  ZCursor c(z);
  if (z.is_listpack()) {
    c.eptr_ = zset_lp::FirstInLexRange(z.lp(), r);
  } else {
    c.node_ = z.zsl()->FirstInLexRange(r);
  }
  return c;
}

ZCursor ZCursor::LastInLexRange(const ZValue& z, const LexRange& r) {
  ZCursor c(z);
  if (z.is_listpack()) {
    c.eptr_ = zset_lp::LastInLexRange(z.lp(), r);
  } else {
    c.node_ = z.zsl()->LastInLexRange(r);
  }
  return c;
}

std::string_view ZCursor::member() {
  return eptr_ != nullptr ? zset_lp::MemberAt(eptr_, scratch_) : node_->member();
}

double ZCursor::score() const {
  return eptr_ != nullptr ? zset_lp::ScoreAt(zset_lp::ScoreOf(z_.lp(), eptr_)) : node_->score();
}

void ZCursor::Next() {
  if (eptr_ != nullptr) {
    eptr_ = zset_lp::NextMember(z_.lp(), eptr_);
  } else if (node_ != nullptr) {
    node_ = ZSkiplist::Next(node_);
  }
}

void ZCursor::Prev() {
  if (eptr_ != nullptr) {
    eptr_ = zset_lp::PrevMember(z_.lp(), eptr_);
  } else if (node_ != nullptr) {
    node_ = ZSkiplist::Prev(node_);
  }
}

void ZCursor::Skip(int64_t n, bool reverse) {
  // A long skip on a skiplist is two O(log n) searches, not a walk (Redis
  // 7.0 walks; the result is the same).
  if (node_ != nullptr && n > 16) {
    uint64_t rank = z_.zsl()->Rank(node_);
    uint64_t steps = static_cast<uint64_t>(n);
    if (reverse) {
      node_ = steps > rank ? nullptr : z_.zsl()->AtRank(rank - steps);
    } else {
      node_ = steps >= z_.zsl()->size() - rank ? nullptr : z_.zsl()->AtRank(rank + steps);
    }
    return;
  }
  while (valid() && n-- > 0) reverse ? Prev() : Next();
}

bool ClampRanks(int64_t len, int64_t start, int64_t end, int64_t* first, int64_t* count) {
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (start > end || start >= len) return false;
  if (end >= len) end = len - 1;
  *first = start;
  *count = end - start + 1;
  return true;
}

// --- Lookups ---

OpResult<ZValue> FindRead(Database& db, std::string_view key) {
  Entry* e = db.LookupRead(key);
  if (e == nullptr) return OpStatus::kNotFound;
  if (e->type() != ObjType::kZSet) return OpStatus::kWrongType;
  return ValueOf(e);
}

OpResult<RankResult> Rank(Database& db, std::string_view key, std::string_view member,
                          bool reverse) {
  auto found = FindRead(db, key);
  if (!found.ok()) return found.status();
  const ZValue& z = *found;
  int64_t len = static_cast<int64_t>(z.size());
  RankResult r;
  if (z.is_listpack()) {
    const uint8_t* e = zset_lp::Find(z.lp(), member, &r.score);
    if (e == nullptr) return OpStatus::kNotFound;
    r.rank = zset_lp::RankOf(z.lp(), e);
  } else {
    const ZNode* n = z.zsl()->Find(member);
    if (n == nullptr) return OpStatus::kNotFound;
    r.score = n->score();
    r.rank = static_cast<int64_t>(z.zsl()->Rank(n));
  }
  if (reverse) r.rank = len - 1 - r.rank;
  return r;
}

OpResult<int64_t> Count(Database& db, std::string_view key, const ScoreRange& r) {
  auto found = FindRead(db, key);
  if (found.status() == OpStatus::kNotFound) return int64_t{0};
  if (!found.ok()) return found.status();
  const ZValue& z = *found;
  if (z.is_listpack()) {
    int64_t n = 0;
    ZCursor c = ZCursor::FirstInRange(z, r);
    for (; c.valid() && r.LteMax(c.score()); c.Next()) ++n;
    return n;
  }
  // Two searches: the ranks of the first and the last element in range.
  const ZSkiplist* zsl = z.zsl();
  const ZNode* first = zsl->FirstInRange(r);
  if (first == nullptr) return int64_t{0};
  const ZNode* last = zsl->LastInRange(r);
  return static_cast<int64_t>(zsl->Rank(last) - zsl->Rank(first) + 1);
}

OpResult<int64_t> LexCount(Database& db, std::string_view key, const LexRange& r) {
  auto found = FindRead(db, key);
  if (found.status() == OpStatus::kNotFound) return int64_t{0};
  if (!found.ok()) return found.status();
  const ZValue& z = *found;
  if (z.is_listpack()) {
    int64_t n = 0;
    ZCursor c = ZCursor::FirstInLexRange(z, r);
    for (; c.valid() && r.LteMax(c.member()); c.Next()) ++n;
    return n;
  }
  const ZSkiplist* zsl = z.zsl();
  const ZNode* first = zsl->FirstInLexRange(r);
  if (first == nullptr) return int64_t{0};
  const ZNode* last = zsl->LastInLexRange(r);
  if (last == nullptr) return static_cast<int64_t>(zsl->size() - zsl->Rank(first));
  return static_cast<int64_t>(zsl->Rank(last)) - static_cast<int64_t>(zsl->Rank(first)) + 1;
}

// --- Writes ---

OpResult<AddResult> Add(Database& db, std::string_view key, const AddOptions& opt,
                        std::span<const ScoreArg> items) {
  KeyRef ref = db.LookupWrite(key);
  if (ref.entry != nullptr && ref.entry->type() != ObjType::kZSet) return OpStatus::kWrongType;
  AddResult res;
  if (ref.entry == nullptr && opt.xx) return res;  // nothing to update, nothing created
  ZValue z = ref.entry != nullptr ? ValueOf(ref.entry) : NewListpack();
  const CollectionLimits& limits = Limits(db);
  for (const ScoreArg& item : items) {
    double newscore = item.score;
    int out = ZsetAdd(&z, item.score, item.member, opt, limits, &newscore);
    if (out & kNan) {
      res.nan = true;
      break;
    }
    if (out & kAdded) ++res.added;
    if (out & kUpdated) ++res.updated;
    if (!(out & kNop)) ++res.processed;
    res.score = newscore;
  }
  if (ref.entry != nullptr) {
    ref.entry->set_external(z.ptr, z.encoding);
  } else if (z.size() > 0) {
    // Added only now that it holds its members: creating a sorted set key
    // is what wakes clients blocked in BZPOPMIN.
    db.Add(ref, key, SpecOf(z));
  } else {
    FreeValue(z);
  }
  return res;
}

OpResult<int64_t> Remove(Database& db, std::string_view key,
                         std::span<const std::string_view> members) {
  KeyRef ref;
  auto found = FindWrite(db, key, &ref);
  if (found.status() == OpStatus::kNotFound) return int64_t{0};
  if (!found.ok()) return found.status();
  ZValue z = ValueOf(*found);
  int64_t deleted = 0;
  for (std::string_view m : members) {
    if (ZsetDel(&z, m)) ++deleted;
    if (z.size() == 0) break;
  }
  WriteBack(db, ref, z);
  return deleted;
}

OpResult<int64_t> RemoveRange(Database& db, std::string_view key, const RangeQuery& q) {
  KeyRef ref;
  auto found = FindWrite(db, key, &ref);
  if (found.status() == OpStatus::kNotFound) return int64_t{0};
  if (!found.ok()) return found.status();
  ZValue z = ValueOf(*found);
  size_t removed = 0;
  switch (q.kind) {
    case RangeKind::kRank: {
      int64_t first, count;
      if (!ClampRanks(static_cast<int64_t>(z.size()), q.start, q.end, &first, &count)) {
        return int64_t{0};
      }
      if (z.is_listpack()) {
        z.ptr = zset_lp::DeleteRangeByRank(z.lp(), first, first + count - 1, &removed);
      } else {
        removed = z.zsl()->EraseRangeByRank(static_cast<uint64_t>(first),
                                            static_cast<uint64_t>(first + count - 1));
      }
      break;
    }
    case RangeKind::kScore:
      if (z.is_listpack()) {
        z.ptr = zset_lp::DeleteRangeByScore(z.lp(), q.score, &removed);
      } else {
        removed = z.zsl()->EraseRangeByScore(q.score);
      }
      break;
    case RangeKind::kLex:
      if (z.is_listpack()) {
        z.ptr = zset_lp::DeleteRangeByLex(z.lp(), q.lex, &removed);
      } else {
        removed = z.zsl()->EraseRangeByLex(q.lex);
      }
      break;
  }
  WriteBack(db, ref, z);
  return static_cast<int64_t>(removed);
}

OpResult<std::vector<ScoredMember>> Pop(Database& db, std::string_view key, bool max,
                                        int64_t count) {
  KeyRef ref;
  auto found = FindWrite(db, key, &ref);
  if (!found.ok()) return found.status();
  ZValue z = ValueOf(*found);
  std::vector<ScoredMember> out;
  int64_t n = std::min<int64_t>(count, static_cast<int64_t>(z.size()));
  if (n <= 0) return out;
  out.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    ScoredMember sm;
    if (z.is_listpack()) {
      const uint8_t* e = max ? listpack::Seek(z.lp(), -2) : listpack::First(z.lp());
      sm.member = listpack::Get(e).ToString();
      sm.score = zset_lp::ScoreAt(zset_lp::ScoreOf(z.lp(), e));
      z.ptr = zset_lp::Delete(z.lp(), e);
    } else {
      ZNode* node = max ? z.zsl()->Last() : z.zsl()->First();
      sm.member.assign(node->member());
      sm.score = node->score();
      z.zsl()->Erase(sm.member);
    }
    out.push_back(std::move(sm));
  }
  WriteBack(db, ref, z);
  return out;
}

OpResult<StoreResult> RangeStore(Database& db, std::string_view dst, std::string_view src,
                                 const RangeQuery& q) {
  auto found = FindRead(db, src);
  if (found.status() == OpStatus::kWrongType) return found.status();
  // Built as ZADD would build it, converting when it outgrows a listpack;
  // but a rank range knows its length up front, and if that is too long
  // for a listpack Redis 7.0 starts with a skiplist (which shows: a -0
  // score survives in a skiplist, a listpack stores it as 0).
  const CollectionLimits& limits = Limits(db);
  int64_t hint = 0, first;
  if (found.ok() && q.kind == RangeKind::kRank) {
    ClampRanks(static_cast<int64_t>(found->size()), q.start, q.end, &first, &hint);
  }
  ZValue out = hint > limits.zset_max_listpack_entries
                   ? ZValue{Encoding::kSkiplist, new ZSkiplist()}
                   : NewListpack();
  if (found.ok()) {
    AddOptions plain;
    ForEachInRange(*found, q, [&](std::string_view member, double score) {
      double ignored;
      ZsetAdd(&out, score, member, plain, limits, &ignored);
    });
  }
  return StoreValue(db, dst, out);
}

// --- Set operations ---

OpResult<std::vector<ZValue>> LookupInputs(Database& db, std::span<const std::string_view> keys,
                                           std::vector<std::unique_ptr<ZSkiplist>>* temporaries) {
  std::vector<ZValue> inputs;
  inputs.reserve(keys.size());
  for (std::string_view key : keys) {
    Entry* e = db.LookupRead(key);
    if (e == nullptr) {
      inputs.push_back(ZValue{});
      continue;
    }
    if (e->type() == ObjType::kSet) {
      auto zsl = std::make_unique<ZSkiplist>();
      SetObject::Of(e).ForEach([&zsl](const SetObject::Value& v) {
        char scratch[21];
        zsl->Insert(1.0, v.View(scratch));
      });
      inputs.push_back(ZValue{Encoding::kSkiplist, zsl.get()});
      temporaries->push_back(std::move(zsl));
      continue;
    }
    if (e->type() != ObjType::kZSet) return OpStatus::kWrongType;
    inputs.push_back(ValueOf(e));
  }
  return inputs;
}

namespace {

struct Source {
  ZValue z;
  double weight;
};

void AggregateInto(double* target, double value, Aggregate agg) {
  switch (agg) {
    case Aggregate::kSum:
      *target += value;
      // inf + -inf: Redis settles on 0 rather than store NaN.
      if (std::isnan(*target)) *target = 0;
      break;
    case Aggregate::kMin:
      *target = value < *target ? value : *target;
      break;
    case Aggregate::kMax:
      *target = value > *target ? value : *target;
      break;
  }
}

// Inputs ordered from the smallest, as Redis sorts them (its qsort is
// glibc's merge sort here: stable).
std::vector<Source> SortedSources(std::span<const ZValue> inputs, std::span<const double> weights,
                                  bool sort) {
  std::vector<Source> src;
  src.reserve(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    src.push_back({inputs[i], weights.empty() ? 1.0 : weights[i]});
  }
  if (sort) {
    std::stable_sort(src.begin(), src.end(),
                     [](const Source& a, const Source& b) { return a.z.size() < b.z.size(); });
  }
  return src;
}

// Walks the intersection, calling fn(member, score) for each member found
// in every input; fn returns false to stop.
template <typename Fn>
void ForEachInIntersection(const std::vector<Source>& src, Aggregate agg, Fn&& fn) {
  if (src.empty() || src[0].z.size() == 0) return;
  for (ZCursor c = ZCursor::AtRank(src[0].z, 0); c.valid(); c.Next()) {
    std::string_view member = c.member();
    double s = c.score();
    double score = src[0].weight * s;
    if (std::isnan(score)) score = 0;
    size_t j = 1;
    for (; j < src.size(); ++j) {
      double value;
      if (src[j].z.ptr == src[0].z.ptr) {
        value = s * src[j].weight;
      } else if (src[j].z.Score(member, &value)) {
        value *= src[j].weight;
      } else {
        break;
      }
      AggregateInto(&score, value, agg);
    }
    if (j == src.size() && !fn(member, score)) return;
  }
}

}  // namespace

ZSkiplistPtr Combine(std::span<const ZValue> inputs, SetOp op, std::span<const double> weights,
                     Aggregate agg, size_t* max_member_len) {
  ZSkiplistPtr result(new ZSkiplist());
  size_t maxlen = 0;
  std::vector<Source> src = SortedSources(inputs, weights, op != SetOp::kDiff);
  switch (op) {
    case SetOp::kInter:
      ForEachInIntersection(src, agg, [&](std::string_view member, double score) {
        result->Insert(score, member);
        maxlen = std::max(maxlen, member.size());
        return true;
      });
      break;
    case SetOp::kUnion:
      for (const Source& s : src) {
        ForEach(s.z, [&](std::string_view member, double score) {
          double value = s.weight * score;
          if (std::isnan(value)) value = 0;
          ZNode* node = result->Find(member);
          if (node == nullptr) {
            result->Insert(value, member);
            maxlen = std::max(maxlen, member.size());
            return;
          }
          double cur = node->score();
          AggregateInto(&cur, value, agg);
          // Even when equal: -0 + 0 is 0, and the sign shows in the reply.
          result->UpdateScore(node, cur);
        });
      }
      break;
    case SetOp::kDiff: {
      if (src.empty() || src[0].z.size() == 0) break;
      // A key subtracted from itself leaves nothing.
      for (size_t j = 1; j < src.size(); ++j) {
        if (src[j].z.ptr == src[0].z.ptr) return result;
      }
      ForEach(src[0].z, [&](std::string_view member, double score) {
        double ignored;
        for (size_t j = 1; j < src.size(); ++j) {
          if (src[j].z.Score(member, &ignored)) return;
        }
        result->Insert(score, member);
        maxlen = std::max(maxlen, member.size());
      });
      break;
    }
  }
  *max_member_len = maxlen;
  return result;
}

int64_t InterCard(std::span<const ZValue> inputs, int64_t limit) {
  std::vector<Source> src = SortedSources(inputs, {}, true);
  int64_t n = 0;
  ForEachInIntersection(src, Aggregate::kSum, [&](std::string_view, double) {
    ++n;
    return limit == 0 || n < limit;
  });
  return n;
}

StoreResult StoreCombined(Database& db, std::string_view dst, ZSkiplistPtr result,
                          size_t max_member_len) {
  const CollectionLimits& limits = Limits(db);
  ZValue z;
  if (result->size() <= static_cast<uint64_t>(limits.zset_max_listpack_entries) &&
      max_member_len <= static_cast<uint64_t>(limits.zset_max_listpack_value)) {
    z = ZValue{Encoding::kListpack, zset_lp::FromSkiplist(*result)};
  } else {
    z = ZValue{Encoding::kSkiplist, result.release()};
  }
  return StoreValue(db, dst, z);
}

// --- ZRANDMEMBER ---

ScoredMember RandomMember(const ZValue& z, std::mt19937_64& rng) {
  ScoredMember sm;
  if (z.is_listpack()) {
    std::uniform_int_distribution<int64_t> pick(0, static_cast<int64_t>(z.size()) - 1);
    ZCursor c = ZCursor::AtRank(z, pick(rng));
    sm.member.assign(c.member());
    sm.score = c.score();
  } else {
    const ZNode* n = z.zsl()->Random(rng);
    sm.member.assign(n->member());
    sm.score = n->score();
  }
  return sm;
}

void RandomMembers(const ZValue& z, int64_t count, std::mt19937_64& rng,
                   const std::function<void(std::string_view, double)>& fn) {
  if (count == 0) return;
  uint64_t size = z.size();
  bool unique = count > 0;
  uint64_t n = unique ? static_cast<uint64_t>(count) : 0 - static_cast<uint64_t>(count);

  // Drawn with repetition (and the single pick): independent draws.
  if (!unique || n == 1) {
    while (n-- > 0) {
      ScoredMember sm = RandomMember(z, rng);
      fn(sm.member, sm.score);
    }
    return;
  }
  // Asking for at least everything: everything (Redis walks from the end).
  if (n >= size) {
    ZCursor c = ZCursor::AtRank(z, static_cast<int64_t>(size) - 1);
    for (; c.valid(); c.Prev()) fn(c.member(), c.score());
    return;
  }
  // A listpack: a random subset in listpack order (selection sampling).
  if (z.is_listpack()) {
    uint64_t needed = n, left = size;
    for (ZCursor c = ZCursor::AtRank(z, 0); c.valid() && needed > 0; c.Next(), --left) {
      if (std::uniform_int_distribution<uint64_t>(0, left - 1)(rng) < needed) {
        fn(c.member(), c.score());
        --needed;
      }
    }
    return;
  }
  ZSkiplist* zsl = z.zsl();
  if (n * 3 > size) {
    // Most of the set: drop random members from a copy of all of it.
    std::vector<const ZNode*> all;
    all.reserve(size);
    for (const ZNode* x = zsl->First(); x != nullptr; x = ZSkiplist::Next(x)) all.push_back(x);
    while (all.size() > n) {
      size_t i = std::uniform_int_distribution<size_t>(0, all.size() - 1)(rng);
      all[i] = all.back();
      all.pop_back();
    }
    for (const ZNode* x : all) fn(x->member(), x->score());
    return;
  }
  // A few of many: draw until enough distinct ones came up.
  std::unordered_set<const ZNode*> seen;
  while (seen.size() < n) {
    const ZNode* x = zsl->Random(rng);
    if (seen.insert(x).second) fn(x->member(), x->score());
  }
}

// --- ZSCAN ---

uint64_t Scan(const ZValue& z, uint64_t cursor, int64_t count, std::vector<ScanItem>* out) {
  if (z.is_listpack()) {
    // The scores as stored: integers as integers, others as their text.
    const uint8_t* lp = z.lp();
    for (const uint8_t* e = listpack::First(lp); e != nullptr; e = zset_lp::NextMember(lp, e)) {
      out->push_back(
          {listpack::Get(e).ToString(), listpack::Get(zset_lp::ScoreOf(lp, e)).ToString()});
    }
    return 0;
  }
  // Redis counts returned items, two per member, against COUNT, and gives up
  // after visiting 10*COUNT buckets.
  int64_t max_iterations = count * 10;
  size_t start = out->size();
  do {
    cursor = z.zsl()->Scan(cursor, [&](const ZNode* n) {
      char buf[32];
      out->push_back({std::string(n->member()), std::string(buf, FormatScore(n->score(), buf))});
    });
  } while (cursor != 0 && max_iterations-- > 0 &&
           static_cast<int64_t>(2 * (out->size() - start)) < count);
  return cursor;
}

}  // namespace ember::storage::zset
