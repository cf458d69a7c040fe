// WATCH: optimistic locking for MULTI/EXEC.
//
// A client WATCHes keys, reads them, then queues writes with MULTI and runs
// EXEC. If any watched key was modified by anyone (itself included) between
// WATCH and EXEC, EXEC does nothing and answers a null array: the client
// retries. No lock is ever held, which suits Redis's one-thread model: the
// only cost is a lookup in this registry when a watched key is written.
//
// "Modified" means what Redis 7.0 means: a write that changed the key
// (a SET NX that did nothing does not count), FLUSHDB/FLUSHALL/SWAPDB of a
// database where the key exists, and expiry: a key that expires between
// WATCH and EXEC makes EXEC fail even if nobody touched it. A key that had
// already expired when it was WATCHed is treated as absent, so its deletion
// later is no change.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ember::storage {
class Keyspace;
}

namespace ember::server {

class Client;

class WatchRegistry {
 public:
  // WATCH key: `expired_now` says whether the key is logically expired at
  // this moment (it then counts as absent).
  void Watch(Client* client, int db, std::string_view key, bool expired_now);
  // UNWATCH, EXEC, DISCARD, disconnect.
  void UnwatchAll(Client* client);

  // A write changed `key` in `db` (or it expired): every client watching
  // it gets DIRTY_CAS. `exists_now` says whether the key is present after
  // the change.
  void Touch(int db, std::string_view key, bool exists_now);
  // FLUSHDB/FLUSHALL/SWAPDB: `exists_before` and `exists_after` tell, per
  // watched key, whether it existed before the change and after it.
  template <typename ExistedFn, typename ExistsAfterFn, typename ExpiredAfterFn>
  void TouchDatabase(int db, ExistedFn existed, ExistsAfterFn exists_after,
                     ExpiredAfterFn expired_after);

  // Is any watched key of `client` expired now (EXEC fails if so)?
  template <typename IsExpiredFn>
  bool AnyWatchedKeyExpired(const Client* client, IsExpiredFn is_expired) const;

  bool empty() const { return by_key_.empty(); }
  size_t watched_keys(const Client* client) const;

 private:
  struct Key {
    int db;
    std::string key;
    bool operator==(const Key& o) const { return db == o.db && key == o.key; }
  };
  struct KeyHash {
    size_t operator()(const Key& k) const {
      return std::hash<std::string>{}(k.key) ^ static_cast<size_t>(k.db);
    }
  };
  struct Watcher {
    Client* client;
    bool expired_at_watch;
  };

  void MarkDirty(Client* client);

  std::unordered_map<Key, std::vector<Watcher>, KeyHash> by_key_;
  std::unordered_map<const Client*, std::vector<Key>> by_client_;
};

}  // namespace ember::server

#include "server/watch_inl.h"
