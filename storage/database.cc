#include "storage/database.h"

#include <utility>

#include "storage/keyspace.h"
#include "storage/object.h"

namespace ember::storage {

Database::Database(Keyspace* keyspace, int index) : keyspace_(keyspace), index_(index) {}

Database::~Database() { Clear(); }

KeyRef Database::Locate(std::string_view key) {
  KeyRef ref;
  ref.hash = Hash(key);
  ref.link = dict_.FindLink(key, ref.hash);
  if (ref.link) ref.entry = ref.link.node();
  return ref;
}

int64_t Database::now_ms() const { return keyspace_->now_ms(); }

bool Database::IsExpired(const Entry* e) const {
  return e->has_expire() && e->expire_at() <= keyspace_->now_ms() && !keyspace_->expiry_paused();
}

void Database::DeleteExpired(const KeyRef& ref) {
  keyspace_->stats().expired_keys++;
  if (KeyspaceListener* l = keyspace_->listener()) l->OnKeyExpired(index_, ref.entry->key());
  Delete(ref);
}

Entry* Database::Peek(std::string_view key) { return Locate(key).entry; }

Entry* Database::LookupRead(std::string_view key, int flags) {
  KeyRef ref = Locate(key);
  if (ref.entry != nullptr && IsExpired(ref.entry)) {
    DeleteExpired(ref);
    ref.entry = nullptr;
  }
  if (!(flags & kNoStats)) {
    if (ref.entry != nullptr) {
      keyspace_->stats().keyspace_hits++;
    } else {
      keyspace_->stats().keyspace_misses++;
      if (KeyspaceListener* l = keyspace_->listener()) l->OnKeyMiss(index_, key);
    }
  }
  if (ref.entry != nullptr && !(flags & kNoTouch)) keyspace_->Touch(ref.entry);
  return ref.entry;
}

KeyRef Database::LookupWrite(std::string_view key) {
  KeyRef ref = Locate(key);
  if (ref.entry != nullptr) {
    if (IsExpired(ref.entry)) {
      DeleteExpired(ref);
      // The delete may have changed the chain the link points into.
      KeyRef fresh;
      fresh.hash = ref.hash;
      return fresh;
    }
    keyspace_->Touch(ref.entry);
  }
  return ref;
}

Entry* Database::Add(const KeyRef& ref, std::string_view key, const Entry::ValueSpec& value,
                     int64_t expire_at) {
  bool volatile_key = expire_at >= 0;
  Entry* e = Entry::Create(key, value, volatile_key);
  e->set_lru(keyspace_->NewEntryAccess());
  dict_.InsertNew(e, ref.hash);
  if (volatile_key) {
    e->set_expire_at(expire_at);
    TrackVolatile(e);
  }
  if (KeyspaceListener* l = keyspace_->listener()) l->OnKeyCreated(index_, key, value.type);
  return e;
}

Entry* Database::Overwrite(const KeyRef& ref, const Entry::ValueSpec& value, int64_t expire_at) {
  Entry* e = ref.entry;
  void* old_object = e->kind() == ValueKind::kExternal ? e->external() : nullptr;
  ObjType old_type = e->type();
  Encoding old_encoding = e->encoding();
  bool had_expire = e->has_expire();
  bool want_expire = expire_at == kKeepTtl ? had_expire : expire_at >= 0;
  Entry* result = e;
  if (want_expire == had_expire && e->TryRewriteValue(value)) {
    // Rewritten in place: nothing moved.
  } else {
    if (had_expire) UntrackVolatile(e);
    result = Entry::CloneWith(e, value, want_expire);
    KeyDict::Replace(ref.link, result);
    Entry::DestroyShell(e);
    if (want_expire) {
      if (!had_expire) result->set_expire_at(0);
      TrackVolatile(result);
    }
  }
  if (expire_at >= 0) result->set_expire_at(expire_at);
  if (old_object != nullptr && old_object != value.pointer) FreeObject(old_type, old_encoding, old_object);
  return result;
}

void Database::Delete(const KeyRef& ref) {
  Entry* e = dict_.Unlink(ref.link);
  if (e->has_expire()) UntrackVolatile(e);
  Entry::Destroy(e);
}

bool Database::Delete(std::string_view key) {
  KeyRef ref = LookupWrite(key);
  if (!ref) return false;
  Delete(ref);
  return true;
}

Entry* Database::Detach(const KeyRef& ref) {
  Entry* e = dict_.Unlink(ref.link);
  if (e->has_expire()) UntrackVolatile(e);
  return e;
}

void Database::Attach(Entry* e) {
  dict_.InsertNew(e, Hash(e->key()));
  if (e->has_expire()) TrackVolatile(e);
  if (KeyspaceListener* l = keyspace_->listener()) l->OnKeyCreated(index_, e->key(), e->type());
}

Entry* Database::SetExpire(const KeyRef& ref, int64_t when_ms) {
  Entry* e = ref.entry;
  if (e->has_expire()) {
    e->set_expire_at(when_ms);
    return e;
  }
  // The deadline lives in the entry's header, so adding one means a bigger
  // entry; the value moves over as is (an external value by pointer).
  Entry::ValueSpec spec = e->Spec();
  Entry* grown = Entry::CloneWith(e, spec, /*has_expire=*/true);
  grown->set_expire_at(when_ms);
  KeyDict::Replace(ref.link, grown);
  Entry::DestroyShell(e);
  TrackVolatile(grown);
  return grown;
}

bool Database::Persist(const KeyRef& ref) {
  Entry* e = ref.entry;
  if (!e->has_expire()) return false;
  UntrackVolatile(e);
  Entry::ValueSpec spec = e->Spec();
  Entry* shrunk = Entry::CloneWith(e, spec, /*has_expire=*/false);
  KeyDict::Replace(ref.link, shrunk);
  Entry::DestroyShell(e);
  return true;
}

void Database::TrackVolatile(Entry* e) {
  e->set_volatile_index(static_cast<uint32_t>(volatile_.size()));
  volatile_.push_back(e);
}

void Database::UntrackVolatile(Entry* e) {
  uint32_t i = e->volatile_index();
  Entry* last = volatile_.back();
  volatile_[i] = last;
  last->set_volatile_index(i);
  volatile_.pop_back();
}

bool Database::ExpireIfNeeded(Entry* e) {
  if (!IsExpired(e)) return false;
  KeyRef ref = Locate(e->key());
  DeleteExpired(ref);
  return true;
}

uint64_t Database::Scan(uint64_t cursor, std::vector<std::string>* keys) const {
  return dict_.Scan(cursor, [keys](const Entry* e) { keys->emplace_back(e->key()); });
}

bool Database::RandomKey(std::string* key) {
  while (dict_.size() > 0) {
    Entry* e = dict_.Random(keyspace_->rng());
    if (!IsExpired(e)) {
      key->assign(e->key());
      return true;
    }
    ExpireIfNeeded(e);
  }
  return false;
}

Entry* Database::RandomEntry() { return dict_.Random(keyspace_->rng()); }

void Database::Clear() {
  dict_.Clear([](Entry* e) { Entry::Destroy(e); });
  volatile_.clear();
  volatile_.shrink_to_fit();
}

void Database::SwapContents(Database& other) {
  std::swap(dict_, other.dict_);
  std::swap(volatile_, other.volatile_);
}

void Database::Maintain(int64_t budget_us) {
  dict_.ShrinkIfSparse();
  if (dict_.rehashing()) {
    const Clock& clock = keyspace_->clock();
    dict_.RehashFor(budget_us, [&clock] { return clock.NowUs(); });
  }
}

size_t Database::OverheadBytes() const {
  return dict_.BucketBytes() + volatile_.capacity() * sizeof(Entry*);
}

}  // namespace ember::storage
