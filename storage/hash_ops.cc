#include "storage/hash_ops.h"

#include <cmath>
#include <unordered_set>
#include <utility>

#include "storage/glob.h"
#include "storage/keyspace.h"
#include "storage/numbers.h"

namespace ember::storage::hash {

namespace {

// The hash at `key` for a write: kWrongType, or `*ref` located and `*h` the
// existing hash (ref->entry set) or a new, empty one (ref->entry null) that
// the caller must Commit (or Free).
OpStatus FindForWrite(Database& db, std::string_view key, KeyRef* ref, HashObject* h) {
  *ref = db.LookupWrite(key);
  if (ref->entry == nullptr) {
    *h = HashObject::New();
    return OpStatus::kOk;
  }
  if (ref->entry->type() != ObjType::kHash) return OpStatus::kWrongType;
  *h = HashObject::Of(ref->entry);
  return OpStatus::kOk;
}

// Stores a changed hash: back into its entry, or as a new key. A key is
// added only once it holds its fields, so it never exists empty.
void Commit(Database& db, const KeyRef& ref, std::string_view key, const HashObject& h) {
  if (ref.entry != nullptr) {
    h.StoreTo(ref.entry);
  } else {
    db.Add(ref, key, h.Spec());
  }
}

struct OwnedPair {
  std::string field;
  std::string value;
};

OwnedPair Own(const Value& f, const Value& v) { return {f.ToString(), v.ToString()}; }

}  // namespace

OpResult<HashObject> Find(Database& db, std::string_view key) {
  Entry* e = db.LookupRead(key);
  if (e == nullptr) return OpStatus::kNotFound;
  if (e->type() != ObjType::kHash) return OpStatus::kWrongType;
  return HashObject::Of(e);
}

OpResult<int64_t> Set(Database& db, std::string_view key,
                      std::span<const std::string_view> fields_and_values) {
  KeyRef ref;
  HashObject h;
  if (OpStatus s = FindForWrite(db, key, &ref, &h); s != OpStatus::kOk) return s;
  const CollectionLimits& limits = db.keyspace().limits();
  h.ConvertForArgs(fields_and_values, limits);
  int64_t created = 0;
  for (size_t i = 0; i + 1 < fields_and_values.size(); i += 2) {
    if (h.Set(fields_and_values[i], fields_and_values[i + 1], limits)) ++created;
  }
  Commit(db, ref, key, h);
  return created;
}

OpResult<bool> SetNx(Database& db, std::string_view key, std::string_view field,
                     std::string_view value) {
  KeyRef ref;
  HashObject h;
  if (OpStatus s = FindForWrite(db, key, &ref, &h); s != OpStatus::kOk) return s;
  if (ref.entry != nullptr && h.Exists(field)) return false;
  const CollectionLimits& limits = db.keyspace().limits();
  std::string_view args[] = {field, value};
  h.ConvertForArgs(args, limits);
  h.Set(field, value, limits);
  Commit(db, ref, key, h);
  return true;
}

OpResult<int64_t> Delete(Database& db, std::string_view key,
                         std::span<const std::string_view> fields) {
  KeyRef ref = db.LookupWrite(key);
  if (ref.entry == nullptr) return int64_t{0};
  if (ref.entry->type() != ObjType::kHash) return OpStatus::kWrongType;
  HashObject h = HashObject::Of(ref.entry);
  int64_t removed = 0;
  for (std::string_view f : fields) {
    if (!h.Delete(f)) continue;
    ++removed;
    if (h.size() == 0) break;
  }
  h.StoreTo(ref.entry);
  if (h.size() == 0) db.Delete(ref);
  return removed;
}

OpResult<int64_t> IncrBy(Database& db, std::string_view key, std::string_view field,
                         int64_t increment) {
  KeyRef ref;
  HashObject h;
  if (OpStatus s = FindForWrite(db, key, &ref, &h); s != OpStatus::kOk) return s;
  int64_t old = 0;
  Value v;
  if (ref.entry != nullptr && h.Get(field, &v)) {
    if (v.is_int) {
      old = v.integer;
    } else if (!StringToInt64(v.str, &old)) {
      return OpStatus::kNotInteger;
    }
  }
  if ((increment < 0 && old < 0 && increment < INT64_MIN - old) ||
      (increment > 0 && old > 0 && increment > INT64_MAX - old)) {
    if (ref.entry == nullptr) h.Free();
    return OpStatus::kOverflow;
  }
  int64_t result = old + increment;
  char buf[21];
  h.Set(field, std::string_view(buf, Int64ToChars(result, buf)), db.keyspace().limits());
  Commit(db, ref, key, h);
  return result;
}

OpResult<std::string> IncrByFloat(Database& db, std::string_view key, std::string_view field,
                                  long double increment) {
  KeyRef ref;
  HashObject h;
  if (OpStatus s = FindForWrite(db, key, &ref, &h); s != OpStatus::kOk) return s;
  long double old = 0;
  Value v;
  if (ref.entry != nullptr && h.Get(field, &v)) {
    if (v.is_int) {
      old = static_cast<long double>(v.integer);
    } else if (!StringToLongDouble(v.str, &old)) {
      return OpStatus::kNotFloat;
    }
  }
  long double result = old + increment;
  if (std::isnan(result) || std::isinf(result)) {
    if (ref.entry == nullptr) h.Free();
    return OpStatus::kNanOrInf;
  }
  std::string text = LongDoubleToString(result);
  h.Set(field, text, db.keyspace().limits());
  Commit(db, ref, key, h);
  return text;
}

void RandomFields(HashObject h, int64_t count, std::mt19937_64& rng,
                  const std::function<void(int64_t)>& header,
                  const std::function<void(const Value&, const Value&)>& fn) {
  if (count == 0) return;
  uint64_t size = h.size();
  Value f, v;
  if (count < 0 || count == 1) {
    // Independent picks: the only case where a field may come twice.
    uint64_t n = count < 0 ? 0 - static_cast<uint64_t>(count) : 1;
    header(static_cast<int64_t>(n));
    for (uint64_t i = 0; i < n; ++i) {
      h.Random(rng, &f, &v);
      fn(f, v);
    }
    return;
  }
  uint64_t want = static_cast<uint64_t>(count);
  if (want >= size) {
    header(static_cast<int64_t>(size));
    h.ForEach(fn);
    return;
  }
  header(count);
  if (want * 3 > size) {
    // Most of the hash is wanted: copy it all and drop random fields until
    // `want` remain (cheaper than drawing until `want` distinct ones).
    std::vector<OwnedPair> all;
    all.reserve(size);
    h.ForEach([&all](const Value& a, const Value& b) { all.push_back(Own(a, b)); });
    while (all.size() > want) {
      size_t i = rng() % all.size();
      std::swap(all[i], all.back());
      all.pop_back();
    }
    for (const OwnedPair& p : all) fn(Value{.str = p.field}, Value{.str = p.value});
    return;
  }
  if (h.encoding() == Encoding::kListpack) {
    // Selection sampling: one pass, each pair taken with probability
    // (still wanted) / (still to see), so exactly `want` come out, in order.
    uint64_t seen = 0, taken = 0;
    h.ForEach([&](const Value& a, const Value& b) {
      if (taken < want && rng() % (size - seen) < want - taken) {
        fn(a, b);
        ++taken;
      }
      ++seen;
    });
    return;
  }
  // A big table and a few fields: draw until `want` distinct ones came up.
  std::unordered_set<std::string> picked;
  while (picked.size() < want) {
    h.Random(rng, &f, &v);
    if (picked.insert(std::string(f.str)).second) fn(f, v);
  }
}

ScanPage Scan(HashObject h, uint64_t cursor, int64_t count,
              std::optional<std::string_view> pattern) {
  ScanPage page;
  auto keep = [&](std::string_view field, std::string_view value) {
    if (pattern && !GlobMatch(*pattern, field)) return;
    page.items.emplace_back(field);
    page.items.emplace_back(value);
  };
  if (h.encoding() == Encoding::kListpack) {
    char fbuf[21], vbuf[21];
    h.ForEach([&](const Value& f, const Value& v) { keep(f.View(fbuf), v.View(vbuf)); });
    page.cursor = 0;
    return page;
  }
  // Redis counts what it collected before filtering: a field and its value
  // are two elements of the COUNT.
  std::vector<std::pair<std::string_view, std::string_view>> visited;
  int64_t max_iterations = count * 10;
  do {
    cursor = h.map()->Scan(
        cursor, [&visited](std::string_view f, std::string_view v) { visited.emplace_back(f, v); });
  } while (cursor != 0 && max_iterations-- > 0 && static_cast<int64_t>(visited.size()) * 2 < count);
  for (const auto& [f, v] : visited) keep(f, v);
  page.cursor = cursor;
  return page;
}

}  // namespace ember::storage::hash
