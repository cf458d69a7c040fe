#include "storage/list_ops.h"

#include "storage/keyspace.h"

namespace ember::storage::list {

namespace {

Quicklist* ListOf(Entry* e) { return static_cast<Quicklist*>(e->external()); }

Entry::ValueSpec ListSpec(Quicklist* ql) {
  Entry::ValueSpec spec;
  spec.kind = ValueKind::kExternal;
  spec.type = ObjType::kList;
  spec.encoding = Encoding::kQuicklist;
  spec.pointer = ql;
  return spec;
}

int Fill(Database& db) { return static_cast<int>(db.keyspace().limits().list_max_listpack_size); }

// The list at `key` for a write, creating it if `create`.
OpResult<Quicklist*> FindForWrite(Database& db, std::string_view key, bool create,
                                  KeyRef* ref_out = nullptr) {
  KeyRef ref = db.LookupWrite(key);
  if (ref_out != nullptr) *ref_out = ref;
  if (ref.entry != nullptr) {
    if (ref.entry->type() != ObjType::kList) return OpStatus::kWrongType;
    Quicklist* ql = ListOf(ref.entry);
    ql->set_fill(Fill(db));
    return ql;
  }
  if (!create) return OpStatus::kNotFound;
  auto* ql = new Quicklist(Fill(db));
  db.Add(ref, key, ListSpec(ql));
  return ql;
}

// Deletes the key if its list became empty: an empty list is no list.
void DeleteIfEmpty(Database& db, std::string_view key, Quicklist* ql) {
  if (ql->size() == 0) db.Delete(key);
}

}  // namespace

OpResult<Quicklist*> Find(Database& db, std::string_view key) {
  Entry* e = db.LookupRead(key);
  if (e == nullptr) return OpStatus::kNotFound;
  if (e->type() != ObjType::kList) return OpStatus::kWrongType;
  return ListOf(e);
}

OpResult<int64_t> Push(Database& db, std::string_view key, std::span<const std::string_view> values,
                       bool head, bool only_if_exists) {
  KeyRef ref = db.LookupWrite(key);
  if (ref.entry != nullptr && ref.entry->type() != ObjType::kList) return OpStatus::kWrongType;
  if (ref.entry == nullptr && only_if_exists) return int64_t{0};
  // Build the list before adding the key, so that the key appears (and
  // blocked clients are told) only once it holds the elements.
  Quicklist* ql;
  if (ref.entry != nullptr) {
    ql = ListOf(ref.entry);
    ql->set_fill(Fill(db));
    for (std::string_view v : values) ql->Push(v, head);
  } else {
    ql = new Quicklist(Fill(db));
    for (std::string_view v : values) ql->Push(v, head);
    db.Add(ref, key, ListSpec(ql));
  }
  return static_cast<int64_t>(ql->size());
}

OpResult<std::vector<std::string>> Pop(Database& db, std::string_view key, bool head,
                                       int64_t count) {
  auto found = FindForWrite(db, key, false);
  if (!found.ok()) return found.status();
  Quicklist* ql = *found;
  std::vector<std::string> out;
  int64_t n = std::min<int64_t>(count, static_cast<int64_t>(ql->size()));
  out.resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) ql->Pop(head, &out[static_cast<size_t>(i)]);
  DeleteIfEmpty(db, key, ql);
  return out;
}

OpResult<int64_t> Length(Database& db, std::string_view key) {
  auto found = Find(db, key);
  if (found.status() == OpStatus::kNotFound) return int64_t{0};
  if (!found.ok()) return found.status();
  return static_cast<int64_t>((*found)->size());
}

OpResult<std::string> Index(Database& db, std::string_view key, int64_t index) {
  auto found = Find(db, key);
  if (!found.ok()) return found.status();
  Quicklist::Iter it = (*found)->At(index);
  if (!it) return OpStatus::kNotFound;
  return Quicklist::Get(it).ToString();
}

OpStatus Set(Database& db, std::string_view key, int64_t index, std::string_view value) {
  auto found = FindForWrite(db, key, false);
  if (!found.ok()) return found.status();
  Quicklist::Iter it = (*found)->At(index);
  if (!it) return OpStatus::kOutOfRange;
  (*found)->Replace(&it, value);
  return OpStatus::kOk;
}

OpResult<int64_t> Insert(Database& db, std::string_view key, bool after, std::string_view pivot,
                         std::string_view value) {
  auto found = FindForWrite(db, key, false);
  if (found.status() == OpStatus::kNotFound) return int64_t{0};
  if (!found.ok()) return found.status();
  Quicklist* ql = *found;
  for (Quicklist::Iter it = ql->At(0); it; ql->Next(&it)) {
    if (Quicklist::Get(it).Equals(pivot)) {
      ql->Insert(it, value, after);
      return static_cast<int64_t>(ql->size());
    }
  }
  return int64_t{-1};
}

OpResult<int64_t> Remove(Database& db, std::string_view key, int64_t count,
                         std::string_view value) {
  auto found = FindForWrite(db, key, false);
  if (found.status() == OpStatus::kNotFound) return int64_t{0};
  if (!found.ok()) return found.status();
  Quicklist* ql = *found;
  int64_t removed = 0;
  uint64_t limit = count < 0 ? 0 - static_cast<uint64_t>(count) : static_cast<uint64_t>(count);
  if (count >= 0) {
    Quicklist::Iter it = ql->At(0);
    while (it && (limit == 0 || static_cast<uint64_t>(removed) < limit)) {
      if (Quicklist::Get(it).Equals(value)) {
        ql->Erase(&it);
        ++removed;
      } else {
        ql->Next(&it);
      }
    }
  } else {
    // From the tail. Erasing may move the node's buffer, so after an
    // erase the walk resumes from the index, not from the old position.
    int64_t i = static_cast<int64_t>(ql->size()) - 1;
    Quicklist::Iter it = ql->At(i);
    while (it && static_cast<uint64_t>(removed) < limit) {
      if (Quicklist::Get(it).Equals(value)) {
        ql->Erase(&it);
        ++removed;
        --i;
        it = i >= 0 ? ql->At(i) : Quicklist::Iter{};
      } else {
        ql->Prev(&it);
        --i;
      }
    }
  }
  DeleteIfEmpty(db, key, ql);
  return removed;
}

OpStatus Trim(Database& db, std::string_view key, int64_t start, int64_t end) {
  auto found = FindForWrite(db, key, false);
  if (found.status() == OpStatus::kNotFound) return OpStatus::kOk;
  if (!found.ok()) return found.status();
  Quicklist* ql = *found;
  int64_t len = static_cast<int64_t>(ql->size());
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  int64_t ltrim, rtrim;
  if (start > end || start >= len) {
    ltrim = len;
    rtrim = 0;
  } else {
    if (end >= len) end = len - 1;
    ltrim = start;
    rtrim = len - end - 1;
  }
  ql->EraseRange(0, ltrim);
  ql->EraseRange(static_cast<int64_t>(ql->size()) - rtrim, rtrim);
  DeleteIfEmpty(db, key, ql);
  return OpStatus::kOk;
}

OpResult<std::vector<int64_t>> Pos(Database& db, std::string_view key, std::string_view element,
                                   int64_t rank, int64_t count, int64_t maxlen) {
  std::vector<int64_t> out;
  auto found = Find(db, key);
  if (found.status() == OpStatus::kNotFound) return out;
  if (!found.ok()) return found.status();
  Quicklist* ql = *found;
  int64_t len = static_cast<int64_t>(ql->size());
  bool forward = rank > 0;
  uint64_t skip = (forward ? static_cast<uint64_t>(rank) : 0 - static_cast<uint64_t>(rank)) - 1;
  Quicklist::Iter it = ql->At(forward ? 0 : -1);
  for (int64_t i = 0; it && (maxlen == 0 || i < maxlen); ++i) {
    if (Quicklist::Get(it).Equals(element)) {
      if (skip > 0) {
        --skip;
      } else {
        out.push_back(forward ? i : len - 1 - i);
        if (count != 0 && static_cast<int64_t>(out.size()) >= count) break;
      }
    }
    forward ? ql->Next(&it) : ql->Prev(&it);
  }
  return out;
}

OpResult<std::string> Move(Database& db, std::string_view src, std::string_view dst, bool from_head,
                           bool to_head) {
  auto source = FindForWrite(db, src, false);
  if (!source.ok()) return source.status();
  {
    KeyRef d = db.LookupWrite(dst);
    if (d.entry != nullptr && d.entry->type() != ObjType::kList) return OpStatus::kWrongType;
  }
  std::string value;
  (*source)->Pop(from_head, &value);
  if (src == dst) {
    // A rotation: the list never becomes empty, so the key (and its TTL)
    // stays.
    (*source)->Push(value, to_head);
    return value;
  }
  DeleteIfEmpty(db, src, *source);
  std::string_view v = value;
  Push(db, dst, std::span<const std::string_view>(&v, 1), to_head, false);
  return value;
}

}  // namespace ember::storage::list
