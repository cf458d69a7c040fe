#include "persistence/rdb_values.h"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "persistence/rdb_format.h"
#include "persistence/ziplist.h"
#include "storage/hash_object.h"
#include "storage/intset.h"
#include "storage/keyspace.h"
#include "storage/listpack.h"
#include "storage/numbers.h"
#include "storage/object.h"
#include "storage/quicklist.h"
#include "storage/set_object.h"
#include "storage/string_ops.h"
#include "storage/zset.h"
#include "storage/zset_listpack.h"

namespace ember::persistence {

namespace {

using storage::Entry;
using storage::ObjType;
using storage::Quicklist;
namespace listpack = storage::listpack;

std::string_view AsView(const uint8_t* p, size_t n) {
  return {reinterpret_cast<const char*>(p), n};
}

// --- writing ---

void WriteString(RdbEncoder& enc, const Entry* e) {
  storage::StringValue v = storage::ReadString(e);
  if (v.is_int) {
    enc.Integer(v.integer);
  } else {
    enc.String(v.bytes);
  }
}

void WriteList(RdbEncoder& enc, const Entry* e) {
  const auto* ql = static_cast<const Quicklist*>(e->external());
  enc.Length(ql->node_count());
  for (const Quicklist::Node* n = ql->head(); n != nullptr; n = n->next) {
    enc.Length(rdb::kQuicklistNodePacked);
    enc.String(AsView(n->lp, listpack::Bytes(n->lp)));
  }
}

// A listpack hash is written as its bytes; a hash table as field, value,
// field, value ... (Redis reads either).
void WriteHash(RdbEncoder& enc, const Entry* e) {
  storage::HashObject h = storage::HashObject::Of(e);
  if (h.encoding() == storage::Encoding::kListpack) {
    const auto* lp = static_cast<const uint8_t*>(h.ptr());
    enc.String(AsView(lp, listpack::Bytes(lp)));
    return;
  }
  enc.Length(h.size());
  char fbuf[21], vbuf[21];
  h.ForEach([&](const listpack::Value& f, const listpack::Value& v) {
    enc.String(f.View(fbuf));
    enc.String(v.View(vbuf));
  });
}

// An intset is written as its bytes. A listpack set is written member by
// member, like a hash-table set: its own type (20) is Redis 7.2's, and a
// file Ember writes must load into Redis 7.0.
void WriteSet(RdbEncoder& enc, const Entry* e) {
  storage::SetObject s = storage::SetObject::Of(e);
  if (s.encoding() == storage::Encoding::kIntset) {
    const auto* is = static_cast<const uint8_t*>(s.ptr());
    enc.String(AsView(is, storage::intset::Bytes(is)));
    return;
  }
  enc.Length(s.size());
  char buf[21];
  s.ForEach([&](const listpack::Value& m) { enc.String(m.View(buf)); });
}

// A listpack sorted set is written as its bytes (type 17); a skiplist as
// its length, then member and 8-byte binary score for each element (type
// 5), from the highest to the lowest as Redis writes them: Redis inserts
// what it loads into a skiplist, and in that order each insertion lands at
// the head.
void WriteZSet(RdbEncoder& enc, const Entry* e) {
  if (e->encoding() == storage::Encoding::kListpack) {
    const auto* lp = static_cast<const uint8_t*>(e->external());
    enc.String(AsView(lp, listpack::Bytes(lp)));
    return;
  }
  const auto* zsl = static_cast<const storage::ZSkiplist*>(e->external());
  enc.Length(zsl->size());
  for (const storage::ZNode* x = zsl->Last(); x != nullptr; x = storage::ZSkiplist::Prev(x)) {
    enc.String(x->member());
    enc.BinaryDouble(x->score());
  }
}

uint8_t TypeByte(const Entry* e) {
  switch (e->type()) {
    case ObjType::kString:
      return rdb::kTypeString;
    case ObjType::kList:
      return rdb::kTypeListQuicklist2;
    case ObjType::kHash:
      return e->encoding() == storage::Encoding::kListpack ? rdb::kTypeHashListpack
                                                           : rdb::kTypeHash;
    case ObjType::kSet:
      return e->encoding() == storage::Encoding::kIntset ? rdb::kTypeSetIntset : rdb::kTypeSet;
    case ObjType::kZSet:
      return e->encoding() == storage::Encoding::kListpack ? rdb::kTypeZSetListpack
                                                           : rdb::kTypeZSet2;
    default:
      return rdb::kTypeString;  // replaced as each collection type lands
  }
}

void WriteValue(RdbEncoder& enc, const Entry* e) {
  switch (e->type()) {
    case ObjType::kString:
      WriteString(enc, e);
      return;
    case ObjType::kList:
      WriteList(enc, e);
      return;
    case ObjType::kHash:
      WriteHash(enc, e);
      return;
    case ObjType::kSet:
      WriteSet(enc, e);
      return;
    case ObjType::kZSet:
      WriteZSet(enc, e);
      return;
    default:
      return;
  }
}

// --- reading ---

// Adds a finished value to the database. A key that is already there
// means the file is corrupt (Redis refuses duplicates too).
bool AddToDb(RdbDecoder& dec, storage::Database* db, const std::string& key,
             const Entry::ValueSpec& spec, int64_t expire_at) {
  storage::KeyRef ref = db->LookupWrite(key);
  if (ref.entry != nullptr) return dec.Fail("duplicate key '" + key + "'");
  db->Add(ref, key, spec, expire_at);
  return true;
}

Entry::ValueSpec ListSpec(Quicklist* ql) {
  Entry::ValueSpec spec;
  spec.kind = storage::ValueKind::kExternal;
  spec.type = ObjType::kList;
  spec.encoding = storage::Encoding::kQuicklist;
  spec.pointer = ql;
  return spec;
}

bool ReadList(RdbDecoder& dec, uint8_t type, const std::string& key, storage::Database* db,
              int64_t expire_at, LoadOutcome* outcome) {
  int fill = db != nullptr ? static_cast<int>(db->keyspace().limits().list_max_listpack_size) : -2;
  auto ql = std::make_unique<Quicklist>(fill);
  auto push = [&ql](std::string_view v) { ql->PushTail(v); };
  uint64_t n;
  if (!dec.Length(&n)) return false;
  std::string blob;
  for (uint64_t i = 0; i < n; ++i) {
    switch (type) {
      case rdb::kTypeList:
        if (!dec.String(&blob)) return false;
        push(blob);
        break;
      case rdb::kTypeListQuicklist:
        if (!dec.String(&blob)) return false;
        if (!ZiplistForEach(reinterpret_cast<const uint8_t*>(blob.data()), blob.size(), push)) {
          return dec.Fail("ziplist integrity check failed");
        }
        break;
      case rdb::kTypeListQuicklist2: {
        uint64_t container;
        if (!dec.Length(&container) || !dec.String(&blob)) return false;
        if (container == rdb::kQuicklistNodePlain) {
          push(blob);
        } else if (container == rdb::kQuicklistNodePacked) {
          const auto* lp = reinterpret_cast<const uint8_t*>(blob.data());
          if (!listpack::Validate(lp, blob.size(), /*deep=*/true)) {
            return dec.Fail("listpack integrity check failed");
          }
          for (const uint8_t* p = listpack::First(lp); p; p = listpack::Next(lp, p)) {
            char scratch[21];
            push(listpack::Get(p).View(scratch));
          }
        } else {
          return dec.Fail("unknown quicklist node container");
        }
        break;
      }
    }
  }
  if (ql->size() == 0 || db == nullptr) {
    *outcome = LoadOutcome::kSkipped;
    return true;
  }
  if (!AddToDb(dec, db, key, ListSpec(ql.get()), expire_at)) return false;
  ql.release();
  *outcome = LoadOutcome::kLoaded;
  return true;
}

const storage::CollectionLimits& LimitsOf(const storage::Database* db) {
  static const storage::CollectionLimits kDefaults;
  return db != nullptr ? db->keyspace().limits() : kDefaults;
}

// A hash or set being loaded: freed on any error, handed to the database
// (or dropped, for an expired key or an empty collection, which Redis
// skips too) at the end.
template <typename Object>
class Loading {
 public:
  explicit Loading(Object obj) : obj_(obj) {}
  ~Loading() {
    if (!handed_over_) obj_.Free();
  }
  Loading(const Loading&) = delete;
  Loading& operator=(const Loading&) = delete;

  Object& operator*() { return obj_; }
  Object* operator->() { return &obj_; }
  void Replace(Object obj) {
    obj_.Free();
    obj_ = obj;
  }

  bool Finish(RdbDecoder& dec, storage::Database* db, const std::string& key, int64_t expire_at,
              LoadOutcome* outcome) {
    if (obj_.size() == 0 || db == nullptr) {
      *outcome = LoadOutcome::kSkipped;
      return true;
    }
    if (!AddToDb(dec, db, key, obj_.Spec(), expire_at)) return false;
    handed_over_ = true;
    *outcome = LoadOutcome::kLoaded;
    return true;
  }

 private:
  Object obj_;
  bool handed_over_ = false;
};

// Hashes: field/value pairs (type 4), or a compact blob: a listpack
// (Redis 7), a ziplist (Redis 2.6-6.2) or a zipmap (Redis 2.x). Each is
// rebuilt with this server's limits, so a hash too big for a listpack here
// loads as a hash table; a duplicate field is an error, as in Redis.
bool ReadHash(RdbDecoder& dec, uint8_t type, const std::string& key, storage::Database* db,
              int64_t expire_at, LoadOutcome* outcome) {
  const storage::CollectionLimits& limits = LimitsOf(db);
  Loading<storage::HashObject> h(storage::HashObject::New());
  bool duplicate = false;
  auto add = [&](std::string_view f, std::string_view v) {
    if (!h->Set(f, v, limits)) duplicate = true;
  };
  if (type == rdb::kTypeHash) {
    uint64_t n;
    if (!dec.Length(&n)) return false;
    if (n > static_cast<uint64_t>(limits.hash_max_listpack_entries)) h->ConvertToHashtable();
    std::string f, v;
    for (uint64_t i = 0; i < n && !duplicate; ++i) {
      if (!dec.String(&f) || !dec.String(&v)) return false;
      add(f, v);
    }
  } else {
    std::string blob;
    if (!dec.String(&blob)) return false;
    const auto* p = reinterpret_cast<const uint8_t*>(blob.data());
    bool valid = true;
    const char* what = "zipmap";
    if (type == rdb::kTypeHashListpack) {
      what = "listpack";
      uint32_t count = 0;
      valid = listpack::Validate(p, blob.size(), /*deep=*/true, &count) && count % 2 == 0;
      for (const uint8_t* e = valid ? listpack::First(p) : nullptr; e != nullptr && !duplicate;) {
        const uint8_t* ve = listpack::Next(p, e);
        char fbuf[21], vbuf[21];
        add(listpack::Get(e).View(fbuf), listpack::Get(ve).View(vbuf));
        e = listpack::Next(p, ve);
      }
    } else if (type == rdb::kTypeHashZiplist) {
      what = "ziplist";
      std::string field;
      bool have_field = false;
      valid = ZiplistForEach(p, blob.size(), [&](std::string_view x) {
        if (!have_field) {
          field.assign(x);
        } else if (!duplicate) {
          add(field, x);
        }
        have_field = !have_field;
      });
      valid = valid && !have_field;
    } else {
      valid = ZipmapForEach(p, blob.size(), add);
    }
    if (!valid) return dec.Fail(std::string("hash ") + what + " integrity check failed");
  }
  if (duplicate) return dec.Fail("duplicate hash fields detected");
  return h.Finish(dec, db, key, expire_at, outcome);
}

// Sets: members one by one (type 2), an intset blob (type 11), or a listpack
// blob (type 20, Redis 7.2). Members are added with this server's limits,
// so the set gets the encoding this server would have given it; a
// duplicate member is an error, as in Redis.
bool ReadSet(RdbDecoder& dec, uint8_t type, const std::string& key, storage::Database* db,
             int64_t expire_at, LoadOutcome* outcome) {
  const storage::CollectionLimits& limits = LimitsOf(db);
  Loading<storage::SetObject> s(storage::SetObject::NewIntset());
  bool duplicate = false;
  auto add = [&](std::string_view m) {
    if (!s->Add(m, limits)) duplicate = true;
  };
  if (type == rdb::kTypeSet) {
    uint64_t n;
    if (!dec.Length(&n)) return false;
    if (n > static_cast<uint64_t>(limits.set_max_intset_entries)) s->ConvertToHashtable();
    std::string m;
    for (uint64_t i = 0; i < n && !duplicate; ++i) {
      if (!dec.String(&m)) return false;
      add(m);
    }
  } else if (type == rdb::kTypeSetIntset) {
    std::string blob;
    if (!dec.String(&blob)) return false;
    const auto* p = reinterpret_cast<const uint8_t*>(blob.data());
    // Validate checks the members are strictly ascending: no duplicates.
    if (!storage::intset::Validate(p, blob.size())) {
      return dec.Fail("intset integrity check failed");
    }
    s.Replace(storage::SetObject(storage::Encoding::kIntset, storage::intset::Copy(p)));
    if (static_cast<int64_t>(s->size()) > limits.set_max_intset_entries) s->ConvertToHashtable();
  } else {
    std::string blob;
    if (!dec.String(&blob)) return false;
    const auto* p = reinterpret_cast<const uint8_t*>(blob.data());
    if (!listpack::Validate(p, blob.size(), /*deep=*/true)) {
      return dec.Fail("set listpack integrity check failed");
    }
    // Rebuilt member by member, so that duplicates are caught and this
    // server's limits apply.
    s.Replace(storage::SetObject(storage::Encoding::kListpack, listpack::New()));
    char buf[21];
    for (const uint8_t* e = listpack::First(p); e != nullptr && !duplicate;
         e = listpack::Next(p, e)) {
      add(listpack::Get(e).View(buf));
    }
  }
  if (duplicate) return dec.Fail("duplicate set members detected");
  return s.Finish(dec, db, key, expire_at, outcome);
}

// A sorted set being loaded, in either encoding (for Loading<>).
class ZSetObject {
 public:
  ZSetObject(storage::Encoding encoding, void* ptr) : encoding_(encoding), ptr_(ptr) {}

  size_t size() const {
    if (ptr_ == nullptr) return 0;
    return encoding_ == storage::Encoding::kListpack
               ? storage::zset_lp::Length(static_cast<const uint8_t*>(ptr_))
               : static_cast<const storage::ZSkiplist*>(ptr_)->size();
  }
  Entry::ValueSpec Spec() const {
    Entry::ValueSpec spec;
    spec.kind = storage::ValueKind::kExternal;
    spec.type = ObjType::kZSet;
    spec.encoding = encoding_;
    spec.pointer = ptr_;
    return spec;
  }
  void Free() {
    if (ptr_ != nullptr) storage::FreeObject(ObjType::kZSet, encoding_, ptr_);
    ptr_ = nullptr;
  }

  storage::Encoding encoding() const { return encoding_; }
  void* ptr() const { return ptr_; }

 private:
  storage::Encoding encoding_;
  void* ptr_;
};

// A listpack that holds more members than zset-max-listpack-entries
// becomes a skiplist; the member lengths are not checked, as Redis 7.0
// does not check them for a blob either.
void ConvertIfTooLong(Loading<ZSetObject>& z, const storage::CollectionLimits& limits) {
  if (z->encoding() != storage::Encoding::kListpack ||
      static_cast<int64_t>(z->size()) <= limits.zset_max_listpack_entries) {
    return;
  }
  const auto* lp = static_cast<const uint8_t*>(z->ptr());
  z.Replace(ZSetObject(storage::Encoding::kSkiplist, storage::zset_lp::ToSkiplist(lp)));
}

// The members and scores of a compact blob, checked as they come: every
// score a number, the pairs in the order a listpack keeps them (by score,
// then member), each member once. Ember's listpack code relies on that
// order, so a blob out of order is refused rather than loaded as is.
class PairChecker {
 public:
  bool Add(std::string_view member, std::string_view score_text, double* score) {
    if (!storage::StringToDouble(score_text, score)) return false;
    return Add(member, *score);
  }
  bool Add(std::string_view member, double score) {
    if (have_prev_) {
      if (score < prev_score_) return false;
      if (score == prev_score_ && storage::CompareMembers(prev_member_, member) >= 0) return false;
    }
    if (!members_.emplace(member).second) return false;
    prev_member_.assign(member);
    prev_score_ = score;
    have_prev_ = true;
    return true;
  }

 private:
  std::unordered_set<std::string> members_;
  std::string prev_member_;
  double prev_score_ = 0;
  bool have_prev_ = false;
};

// Sorted sets: members with text scores (type 3, before Redis 3.2) or
// binary ones (type 5), loaded into a skiplist and converted to a listpack
// if small enough by both limits, as Redis does; or a compact blob: a
// listpack (type 17, Redis 7) kept as it is, or a ziplist (type 12, Redis
// 2.6-6.2) rebuilt as a listpack, either converted to a skiplist if it
// holds too many members. A NaN score, a duplicate member or a malformed
// blob is an error, as in Redis.
bool ReadZSet(RdbDecoder& dec, uint8_t type, const std::string& key, storage::Database* db,
              int64_t expire_at, LoadOutcome* outcome) {
  const storage::CollectionLimits& limits = LimitsOf(db);
  if (type == rdb::kTypeZSet || type == rdb::kTypeZSet2) {
    uint64_t n;
    if (!dec.Length(&n)) return false;
    auto* zsl = new storage::ZSkiplist();
    Loading<ZSetObject> z(ZSetObject(storage::Encoding::kSkiplist, zsl));
    size_t max_len = 0;
    std::string m;
    for (uint64_t i = 0; i < n; ++i) {
      double score;
      if (!dec.String(&m)) return false;
      if (!(type == rdb::kTypeZSet2 ? dec.BinaryDouble(&score) : dec.TextDouble(&score))) {
        return false;
      }
      if (std::isnan(score)) return dec.Fail("Zset with NAN score detected");
      if (zsl->Find(m) != nullptr) return dec.Fail("duplicate zset fields detected");
      zsl->Insert(score, m);
      max_len = std::max(max_len, m.size());
    }
    if (!zsl->empty() && static_cast<int64_t>(zsl->size()) <= limits.zset_max_listpack_entries &&
        static_cast<int64_t>(max_len) <= limits.zset_max_listpack_value) {
      z.Replace(ZSetObject(storage::Encoding::kListpack, storage::zset_lp::FromSkiplist(*zsl)));
    }
    return z.Finish(dec, db, key, expire_at, outcome);
  }

  std::string blob;
  if (!dec.String(&blob)) return false;
  const auto* p = reinterpret_cast<const uint8_t*>(blob.data());
  PairChecker checker;
  if (type == rdb::kTypeZSetListpack) {
    uint32_t count = 0;
    bool valid = listpack::Validate(p, blob.size(), /*deep=*/true, &count) && count % 2 == 0;
    for (const uint8_t* e = valid ? listpack::First(p) : nullptr; e != nullptr && valid;) {
      const uint8_t* se = listpack::Next(p, e);
      char mbuf[21];
      listpack::Value sv = listpack::Get(se);
      double score;
      valid = sv.is_int ? checker.Add(listpack::Get(e).View(mbuf), static_cast<double>(sv.integer))
                        : checker.Add(listpack::Get(e).View(mbuf), sv.str, &score);
      e = listpack::Next(p, se);
    }
    if (!valid) return dec.Fail("zset listpack integrity check failed");
    Loading<ZSetObject> z(ZSetObject(storage::Encoding::kListpack, listpack::Copy(p)));
    ConvertIfTooLong(z, limits);
    return z.Finish(dec, db, key, expire_at, outcome);
  }

  // A ziplist: the same pairs in an older container, rebuilt as a listpack.
  std::vector<std::pair<std::string, double>> pairs;
  std::string member;
  bool have_member = false, ordered = true;
  bool valid = ZiplistForEach(p, blob.size(), [&](std::string_view x) {
    if (!have_member) {
      member.assign(x);
    } else if (ordered) {
      double score;
      ordered = checker.Add(member, x, &score);
      pairs.emplace_back(member, score);
    }
    have_member = !have_member;
  });
  if (!valid || !ordered || have_member) return dec.Fail("zset ziplist integrity check failed");
  uint8_t* lp = listpack::New();
  for (const auto& [m, score] : pairs) lp = storage::zset_lp::Append(lp, m, score);
  Loading<ZSetObject> z(ZSetObject(storage::Encoding::kListpack, lp));
  ConvertIfTooLong(z, limits);
  return z.Finish(dec, db, key, expire_at, outcome);
}

}  // namespace

void WriteKeyValue(RdbEncoder& enc, const Entry* e) {
  enc.Byte(TypeByte(e));
  enc.String(e->key());
  WriteValue(enc, e);
}

std::string SerializeValue(const Entry* e, bool compress) {
  StringSink sink;
  RdbEncoder enc(&sink, compress);
  WriteValue(enc, e);
  return std::move(sink.str());
}

bool ReadValue(RdbDecoder& dec, uint8_t type, const std::string& key, storage::Database* db,
               int64_t expire_at, LoadOutcome* outcome) {
  *outcome = LoadOutcome::kSkipped;
  switch (type) {
    case rdb::kTypeString: {
      std::string value;
      if (!dec.String(&value)) return false;
      if (db == nullptr) return true;
      if (!AddToDb(dec, db, key, storage::StringSpec(value), expire_at)) return false;
      *outcome = LoadOutcome::kLoaded;
      return true;
    }
    case rdb::kTypeList:
    case rdb::kTypeListQuicklist:
    case rdb::kTypeListQuicklist2:
      return ReadList(dec, type, key, db, expire_at, outcome);
    case rdb::kTypeListZiplist: {
      std::string blob;
      if (!dec.String(&blob)) return false;
      int fill =
          db != nullptr ? static_cast<int>(db->keyspace().limits().list_max_listpack_size) : -2;
      auto ql = std::make_unique<Quicklist>(fill);
      if (!ZiplistForEach(reinterpret_cast<const uint8_t*>(blob.data()), blob.size(),
                          [&ql](std::string_view v) { ql->PushTail(v); })) {
        return dec.Fail("ziplist integrity check failed");
      }
      if (ql->size() == 0 || db == nullptr) return true;
      if (!AddToDb(dec, db, key, ListSpec(ql.get()), expire_at)) return false;
      ql.release();
      *outcome = LoadOutcome::kLoaded;
      return true;
    }
    case rdb::kTypeHash:
    case rdb::kTypeHashListpack:
    case rdb::kTypeHashZiplist:
    case rdb::kTypeHashZipmap:
      return ReadHash(dec, type, key, db, expire_at, outcome);
    case rdb::kTypeSet:
    case rdb::kTypeSetIntset:
    case rdb::kTypeSetListpack:
      return ReadSet(dec, type, key, db, expire_at, outcome);
    case rdb::kTypeZSet:
    case rdb::kTypeZSet2:
    case rdb::kTypeZSetZiplist:
    case rdb::kTypeZSetListpack:
      return ReadZSet(dec, type, key, db, expire_at, outcome);
    default:
      return dec.Fail("unsupported value type " + std::to_string(type));
  }
}

}  // namespace ember::persistence
