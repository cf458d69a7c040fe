#include "storage/set_ops.h"

#include <algorithm>
#include <unordered_set>
#include <utility>

#include "storage/glob.h"
#include "storage/keyspace.h"

namespace ember::storage::set {

namespace {

// Redis's thresholds for choosing how to draw random members.
constexpr uint64_t kSpopMoveStrategyMul = 5;
constexpr uint64_t kSrandmemberSubStrategyMul = 3;

// Every key's set, in order: kWrongType if any holds another type;
// (*sets)[i] is nullptr for a missing key.
OpStatus LookupAll(Database& db, std::span<const std::string_view> keys,
                   std::vector<Entry*>* sets) {
  sets->clear();
  for (std::string_view k : keys) {
    Entry* e = db.LookupRead(k);
    if (e != nullptr && e->type() != ObjType::kSet) return OpStatus::kWrongType;
    sets->push_back(e);
  }
  return OpStatus::kOk;
}

// Calls fn(member view) for every member of `s`; integers are formatted
// into a scratch buffer, valid during the call.
template <typename Fn>
void ForEachView(const SetObject& s, Fn&& fn) {
  char buf[21];
  s.ForEach([&](const Value& v) { fn(v.View(buf)); });
}

std::vector<std::string> MembersOf(const SetObject& s) {
  std::vector<std::string> out;
  out.reserve(s.size());
  ForEachView(s, [&out](std::string_view m) { out.emplace_back(m); });
  return out;
}

// The intersection, smallest set first as Redis iterates it: fn(member)
// for each member in all sets, until fn returns false. False if a key is
// missing (the intersection is then empty).
template <typename Fn>
bool Intersect(std::vector<Entry*> sets, Fn&& fn) {
  for (Entry* e : sets) {
    if (e == nullptr) return false;
  }
  std::stable_sort(sets.begin(), sets.end(), [](const Entry* a, const Entry* b) {
    return SetObject::Of(a).size() < SetObject::Of(b).size();
  });
  SetObject first = SetObject::Of(sets[0]);
  bool go_on = true;
  ForEachView(first, [&](std::string_view m) {
    if (!go_on) return;
    for (size_t j = 1; j < sets.size(); ++j) {
      if (sets[j] == sets[0]) continue;
      if (!SetObject::Of(sets[j]).Contains(m)) return;
    }
    go_on = fn(m);
  });
  return true;
}

// SUNION/SDIFF into a new set, as Redis's sunionDiffGenericCommand.
SetObject UnionOrDiff(std::vector<Entry*> sets, SetOp op, const CollectionLimits& limits) {
  SetObject dst = SetObject::NewIntset();
  auto size_of = [](const Entry* e) { return e == nullptr ? size_t{0} : SetObject::Of(e).size(); };
  if (op == SetOp::kUnion) {
    for (Entry* e : sets) {
      if (e != nullptr)
        ForEachView(SetObject::Of(e), [&](std::string_view m) { dst.Add(m, limits); });
    }
    return dst;
  }
  if (sets[0] == nullptr) return dst;
  for (size_t j = 1; j < sets.size(); ++j) {
    if (sets[j] == sets[0]) return dst;  // A - A - ... is empty
  }
  // Algorithm 1 checks each member of the first set against the others
  // (N*M); algorithm 2 adds the first set and removes all the others (sum
  // of sizes). Redis picks by estimated work, favouring the first.
  uint64_t one = 0, two = 0;
  for (Entry* e : sets) {
    if (e == nullptr) continue;
    one += size_of(sets[0]);
    two += size_of(e);
  }
  one /= 2;
  if (one <= two) {
    // Bigger sets first: a member they hold is rejected sooner.
    std::stable_sort(sets.begin() + 1, sets.end(),
                     [&](const Entry* a, const Entry* b) { return size_of(a) > size_of(b); });
    ForEachView(SetObject::Of(sets[0]), [&](std::string_view m) {
      for (size_t j = 1; j < sets.size(); ++j) {
        if (sets[j] != nullptr && SetObject::Of(sets[j]).Contains(m)) return;
      }
      dst.Add(m, limits);
    });
    return dst;
  }
  for (size_t j = 0; j < sets.size(); ++j) {
    if (sets[j] == nullptr) continue;
    ForEachView(SetObject::Of(sets[j]),
                [&](std::string_view m) { j == 0 ? dst.Add(m, limits) : dst.Remove(m); });
    if (dst.size() == 0) break;
  }
  return dst;
}

// The result of `op` as a new set object (the caller owns it).
SetObject Compute(const std::vector<Entry*>& sets, SetOp op, const CollectionLimits& limits) {
  if (op != SetOp::kInter) return UnionOrDiff(sets, op, limits);
  SetObject dst = SetObject::NewIntset();
  Intersect(sets, [&](std::string_view m) {
    dst.Add(m, limits);
    return true;
  });
  return dst;
}

}  // namespace

OpResult<SetObject> Find(Database& db, std::string_view key) {
  Entry* e = db.LookupRead(key);
  if (e == nullptr) return OpStatus::kNotFound;
  if (e->type() != ObjType::kSet) return OpStatus::kWrongType;
  return SetObject::Of(e);
}

OpResult<int64_t> Add(Database& db, std::string_view key,
                      std::span<const std::string_view> members) {
  KeyRef ref = db.LookupWrite(key);
  if (ref.entry != nullptr && ref.entry->type() != ObjType::kSet) return OpStatus::kWrongType;
  const CollectionLimits& limits = db.keyspace().limits();
  SetObject s = ref.entry != nullptr ? SetObject::Of(ref.entry) : SetObject::NewFor(members[0]);
  // Redis 7.2 converts a listpack up front when more members are coming
  // than it may hold (for an intset it waits for the members themselves,
  // as Redis 7.0 does).
  if (s.encoding() == Encoding::kListpack &&
      static_cast<int64_t>(members.size()) > limits.set_max_listpack_entries) {
    s.ConvertToHashtable();
  }
  int64_t added = 0;
  for (std::string_view m : members) {
    if (s.Add(m, limits)) ++added;
  }
  if (ref.entry != nullptr) {
    s.StoreTo(ref.entry);
  } else {
    db.Add(ref, key, s.Spec());
  }
  return added;
}

OpResult<int64_t> Remove(Database& db, std::string_view key,
                         std::span<const std::string_view> members) {
  KeyRef ref = db.LookupWrite(key);
  if (ref.entry == nullptr) return int64_t{0};
  if (ref.entry->type() != ObjType::kSet) return OpStatus::kWrongType;
  SetObject s = SetObject::Of(ref.entry);
  int64_t removed = 0;
  for (std::string_view m : members) {
    if (!s.Remove(m)) continue;
    ++removed;
    if (s.size() == 0) break;
  }
  s.StoreTo(ref.entry);
  if (s.size() == 0) db.Delete(ref);
  return removed;
}

OpResult<MoveResult> Move(Database& db, std::string_view src, std::string_view dst,
                          std::string_view member) {
  // Entries stay where they are while other keys are looked up (a lookup
  // may rehash the key table, which relinks entries but never moves them),
  // so holding both pointers is safe; KeyRef links would not be.
  Entry* s = db.LookupWrite(src).entry;
  Entry* d = db.LookupWrite(dst).entry;
  if (s == nullptr) return OpStatus::kNotFound;
  if (s->type() != ObjType::kSet || (d != nullptr && d->type() != ObjType::kSet)) {
    return OpStatus::kWrongType;
  }
  MoveResult result;
  if (s == d) {
    result.moved = SetObject::Of(s).Contains(member);
    return result;
  }
  SetObject from = SetObject::Of(s);
  if (!from.Remove(member)) return result;
  from.StoreTo(s);
  result.moved = result.source_changed = true;
  if (from.size() == 0) db.Delete(src);
  const CollectionLimits& limits = db.keyspace().limits();
  if (d != nullptr) {
    SetObject to = SetObject::Of(d);
    result.destination_changed = to.Add(member, limits);
    to.StoreTo(d);
  } else {
    SetObject to = SetObject::NewFor(member);
    to.Add(member, limits);
    db.Add(db.LookupWrite(dst), dst, to.Spec());
    result.destination_changed = true;
  }
  return result;
}

OpResult<std::string> Pop(Database& db, std::string_view key) {
  KeyRef ref = db.LookupWrite(key);
  if (ref.entry == nullptr) return OpStatus::kNotFound;
  if (ref.entry->type() != ObjType::kSet) return OpStatus::kWrongType;
  SetObject s = SetObject::Of(ref.entry);
  std::string member = s.Random(db.keyspace().rng()).ToString();
  s.Remove(member);
  s.StoreTo(ref.entry);
  if (s.size() == 0) db.Delete(ref);
  return member;
}

OpResult<std::vector<std::string>> PopCount(Database& db, std::string_view key, uint64_t count) {
  KeyRef ref = db.LookupWrite(key);
  if (ref.entry == nullptr) return OpStatus::kNotFound;
  if (ref.entry->type() != ObjType::kSet) return OpStatus::kWrongType;
  SetObject s = SetObject::Of(ref.entry);
  uint64_t size = s.size();
  const CollectionLimits& limits = db.keyspace().limits();
  std::mt19937_64& rng = db.keyspace().rng();
  std::vector<std::string> out;
  if (count >= size) {
    // Everything goes: Redis answers with SUNION of the one set.
    SetObject all = UnionOrDiff({ref.entry}, SetOp::kUnion, limits);
    out = MembersOf(all);
    all.Free();
    db.Delete(ref);
    return out;
  }
  out.reserve(count);
  uint64_t remaining = size - count;
  if (remaining * kSpopMoveStrategyMul > count) {
    for (uint64_t i = 0; i < count; ++i) {
      out.push_back(s.Random(rng).ToString());
      s.Remove(out.back());
    }
    s.StoreTo(ref.entry);
    return out;
  }
  // Most of the set goes: draw the members that stay into a new set (typed
  // by the first of them, as Redis's setTypeCreate), and return the rest.
  SetObject kept;
  for (uint64_t i = 0; i < remaining; ++i) {
    std::string m = s.Random(rng).ToString();
    if (i == 0) kept = SetObject::NewFor(m);
    kept.Add(m, limits);
    s.Remove(m);
  }
  out = MembersOf(s);
  s.Free();
  kept.StoreTo(ref.entry);
  return out;
}

void RandomMembers(SetObject s, int64_t count, std::mt19937_64& rng,
                   const std::function<void(int64_t)>& header,
                   const std::function<void(const Value&)>& fn) {
  if (count == 0) return;
  uint64_t size = s.size();
  if (count < 0 || count == 1) {
    uint64_t n = count < 0 ? 0 - static_cast<uint64_t>(count) : 1;
    header(static_cast<int64_t>(n));
    for (uint64_t i = 0; i < n; ++i) fn(s.Random(rng));
    return;
  }
  uint64_t want = static_cast<uint64_t>(count);
  if (want >= size) {
    header(static_cast<int64_t>(size));
    s.ForEach(fn);
    return;
  }
  header(count);
  if (s.encoding() == Encoding::kListpack) {
    // Selection sampling over the listpack, one pass, in its order.
    uint64_t seen = 0, taken = 0;
    s.ForEach([&](const Value& v) {
      if (taken < want && rng() % (size - seen) < want - taken) {
        fn(v);
        ++taken;
      }
      ++seen;
    });
    return;
  }
  if (want * kSrandmemberSubStrategyMul > size) {
    std::vector<std::string> all = MembersOf(s);
    while (all.size() > want) {
      size_t i = rng() % all.size();
      std::swap(all[i], all.back());
      all.pop_back();
    }
    for (const std::string& m : all) fn(Value{.str = m});
    return;
  }
  std::unordered_set<std::string> picked;
  while (picked.size() < want) {
    Value v = s.Random(rng);
    std::string m = v.ToString();
    if (picked.insert(m).second) fn(Value{.str = m});
  }
}

OpResult<std::vector<std::string>> Combine(Database& db, std::span<const std::string_view> keys,
                                           SetOp op) {
  std::vector<Entry*> sets;
  if (OpStatus st = LookupAll(db, keys, &sets); st != OpStatus::kOk) return st;
  std::vector<std::string> out;
  if (op == SetOp::kInter) {
    Intersect(sets, [&out](std::string_view m) {
      out.emplace_back(m);
      return true;
    });
    return out;
  }
  SetObject result = UnionOrDiff(sets, op, db.keyspace().limits());
  out = MembersOf(result);
  result.Free();
  return out;
}

OpResult<int64_t> CombineStore(Database& db, std::string_view dst,
                               std::span<const std::string_view> keys, SetOp op,
                               bool* dst_changed) {
  *dst_changed = false;
  std::vector<Entry*> sets;
  if (OpStatus st = LookupAll(db, keys, &sets); st != OpStatus::kOk) return st;
  SetObject result = Compute(sets, op, db.keyspace().limits());
  int64_t size = static_cast<int64_t>(result.size());
  if (size == 0) {
    result.Free();
    *dst_changed = db.Delete(dst);
    return size;
  }
  KeyRef ref = db.LookupWrite(dst);
  db.Store(ref, dst, result.Spec(), Database::kNoExpire);
  *dst_changed = true;
  return size;
}

OpResult<int64_t> InterCard(Database& db, std::span<const std::string_view> keys, uint64_t limit) {
  std::vector<Entry*> sets;
  if (OpStatus st = LookupAll(db, keys, &sets); st != OpStatus::kOk) return st;
  uint64_t n = 0;
  Intersect(sets, [&](std::string_view) {
    ++n;
    return limit == 0 || n < limit;
  });
  return static_cast<int64_t>(n);
}

ScanPage Scan(SetObject s, uint64_t cursor, int64_t count,
              std::optional<std::string_view> pattern) {
  ScanPage page;
  auto keep = [&](std::string_view m) {
    if (!pattern || GlobMatch(*pattern, m)) page.items.emplace_back(m);
  };
  if (s.encoding() != Encoding::kHashtable) {
    ForEachView(s, keep);
    return page;
  }
  std::vector<std::string_view> visited;
  int64_t max_iterations = count * 10;
  do {
    cursor = s.table()->Scan(cursor, [&visited](std::string_view m) { visited.push_back(m); });
  } while (cursor != 0 && max_iterations-- > 0 && static_cast<int64_t>(visited.size()) < count);
  for (std::string_view m : visited) keep(m);
  page.cursor = cursor;
  return page;
}

}  // namespace ember::storage::set
