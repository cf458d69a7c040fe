// Database: one of the numbered keyspaces (SELECT 0..15).
//
// A database is a hash table of entries (dict.h, entry.h) plus the list of
// keys that have a TTL. Redis keeps a second hash table, `expires`, mapping
// each volatile key to its deadline; Ember keeps the deadline inside the
// entry and only a flat array of pointers to volatile entries, which is all
// the active expiry cycle needs: it samples random volatile keys.
//
// Expiry has two halves, as in Redis:
//  - lazy: every lookup, read or write, first checks the key's deadline and
//    deletes it if it has passed. A client can never observe an expired key,
//    and a write (EXPIRE, APPEND, INCR...) can never bring one back to life.
//  - active: keys that are never touched again would otherwise stay in
//    memory forever, so a timer samples volatile keys and deletes the expired
//    ones (expire.h).
//
// Time is the keyspace's command time (Keyspace::now_ms), read from the
// injected clock once per command, so a command sees one consistent "now".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/dict.h"
#include "storage/entry.h"

namespace ember::storage {

class Keyspace;

struct EntryTraits {
  static std::string_view Key(const Entry* e) { return e->key(); }
  static Entry* Next(const Entry* e) { return e->next(); }
  static void SetNext(Entry* e, Entry* next) { e->set_next(next); }
  static Entry** NextLink(Entry* e) { return e->next_link(); }
};

using KeyDict = Dict<Entry, EntryTraits>;

// A key located for writing: its entry (nullptr if absent) and where it sits.
// Valid until the next change to the database.
struct KeyRef {
  Entry* entry = nullptr;
  KeyDict::Link link;
  uint64_t hash = 0;
  explicit operator bool() const { return entry != nullptr; }
};

class Database {
 public:
  enum LookupFlags : int {
    kNone = 0,
    kNoTouch = 1,  // do not update the LRU clock (TYPE, TTL, OBJECT)
    kNoStats = 2,  // do not count a keyspace hit or miss
  };

  Database(Keyspace* keyspace, int index);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  int index() const { return index_; }
  Keyspace& keyspace() const { return *keyspace_; }
  size_t size() const { return dict_.size(); }
  size_t volatile_count() const { return volatile_.size(); }

  // --- Lookups. Each deletes the key first if it has expired. ---

  // For commands that read: counts a keyspace hit or miss (INFO stats) and
  // refreshes the key's LRU clock unless told not to.
  Entry* LookupRead(std::string_view key, int flags = kNone);
  // For commands that write: no hit/miss accounting.
  KeyRef LookupWrite(std::string_view key);
  // The entry as stored, expired or not, without side effects (for
  // bookkeeping such as WATCH, never for answering commands).
  Entry* Peek(std::string_view key);

  // --- Writes. REQUIRES: `ref` came from LookupWrite, nothing changed since. ---

  // What a write does to the key's deadline.
  static constexpr int64_t kKeepTtl = -2;   // keep it (INCR, APPEND, SET KEEPTTL)
  static constexpr int64_t kNoExpire = -1;  // drop it (plain SET)
  // (A value >= 0 sets that absolute deadline in ms.)

  // Adds a key that is absent (ref.entry == nullptr).
  Entry* Add(const KeyRef& ref, std::string_view key, const Entry::ValueSpec& value,
             int64_t expire_at = kNoExpire);
  // Replaces the value of a present key, freeing the old value, and applies
  // `expire_at` as above. Returns the (possibly moved) entry.
  Entry* Overwrite(const KeyRef& ref, const Entry::ValueSpec& value, int64_t expire_at);
  // Add or Overwrite, whichever applies.
  Entry* Store(const KeyRef& ref, std::string_view key, const Entry::ValueSpec& value,
               int64_t expire_at) {
    return ref.entry ? Overwrite(ref, value, expire_at) : Add(ref, key, value, expire_at);
  }
  // Deletes a present key and frees its value.
  void Delete(const KeyRef& ref);
  // Looks up and deletes; true if the key existed (and had not expired).
  bool Delete(std::string_view key);
  // Takes a present entry out of the database without freeing it (RENAME,
  // MOVE); it keeps its deadline, which Attach honours.
  Entry* Detach(const KeyRef& ref);
  // Puts a detached entry (whose key is absent here) into this database.
  void Attach(Entry* e);

  // --- TTLs ---

  // Sets the absolute deadline of a present key; returns the (possibly
  // moved) entry.
  Entry* SetExpire(const KeyRef& ref, int64_t when_ms);
  // Removes the deadline; false if the key had none.
  bool Persist(const KeyRef& ref);
  // The deadline in ms, or -1.
  static int64_t ExpireAt(const Entry* e) { return e->has_expire() ? e->expire_at() : -1; }

  // --- Iteration ---

  // One SCAN step: appends the keys of the visited buckets.
  uint64_t Scan(uint64_t cursor, std::vector<std::string>* keys) const;
  // A random live key, or nullopt-like false when empty.
  bool RandomKey(std::string* key);
  // A random entry, expired or not, or nullptr when empty (eviction
  // samples with it).
  Entry* RandomEntry();
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    dict_.ForEach(fn);
  }

  // --- Expiry internals (expire.h) ---

  bool IsExpired(const Entry* e) const;
  int64_t now_ms() const;
  // Deletes `e` if expired (it must be in this database); true if deleted.
  bool ExpireIfNeeded(Entry* e);
  Entry* VolatileAt(size_t i) const { return volatile_[i]; }

  // --- Whole-database operations ---

  // Deletes every key (FLUSHDB).
  void Clear();
  // Exchanges contents with `other` (SWAPDB); indexes stay.
  void SwapContents(Database& other);
  // Incremental rehashing and shrinking, from the server cron.
  void Maintain(int64_t budget_us);
  void set_resize_allowed(bool allowed) { dict_.set_resize_allowed(allowed); }
  // Sizes the key table for `keys` keys ahead of a load.
  void Reserve(size_t keys) { dict_.Reserve(keys); }

  // Bytes of memory held by the key table itself (bucket arrays and the
  // volatile list), for INFO memory.
  size_t OverheadBytes() const;

 private:
  void TrackVolatile(Entry* e);
  void UntrackVolatile(Entry* e);
  void DeleteExpired(const KeyRef& ref);
  KeyRef Locate(std::string_view key);

  Keyspace* keyspace_;
  int index_;
  KeyDict dict_;
  std::vector<Entry*> volatile_;
};

}  // namespace ember::storage
