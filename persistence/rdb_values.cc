#include "persistence/rdb_values.h"

#include <string_view>
#include <vector>

#include "persistence/rdb_format.h"
#include "persistence/ziplist.h"
#include "storage/keyspace.h"
#include "storage/listpack.h"
#include "storage/numbers.h"
#include "storage/quicklist.h"
#include "storage/string_ops.h"

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

uint8_t TypeByte(const Entry* e) {
  switch (e->type()) {
    case ObjType::kString:
      return rdb::kTypeString;
    case ObjType::kList:
      return rdb::kTypeListQuicklist2;
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
    default:
      return dec.Fail("unsupported value type " + std::to_string(type));
  }
}

}  // namespace ember::persistence
