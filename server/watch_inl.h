// Template members of WatchRegistry (included by watch.h).
#pragma once

#include "server/client.h"

namespace ember::server {

template <typename ExistedFn, typename ExistsAfterFn, typename ExpiredAfterFn>
void WatchRegistry::TouchDatabase(int db, ExistedFn existed, ExistsAfterFn exists_after,
                                  ExpiredAfterFn expired_after) {
  std::vector<Client*> dirty;
  for (auto& [key, watchers] : by_key_) {
    if (key.db != db) continue;
    bool before = existed(key.key);
    bool after = exists_after(key.key);
    if (!before && !after) continue;
    for (Watcher& w : watchers) {
      if (w.expired_at_watch) {
        if (!after) {
          w.expired_at_watch = false;  // an expired key is now gone: no change
          continue;
        }
        if (expired_after(key.key)) continue;  // still expired
      } else if (!before && expired_after(key.key)) {
        w.expired_at_watch = true;  // absent, replaced by an expired key
        continue;
      }
      dirty.push_back(w.client);
    }
  }
  for (Client* c : dirty) MarkDirty(c);
}

template <typename IsExpiredFn>
bool WatchRegistry::AnyWatchedKeyExpired(const Client* client, IsExpiredFn is_expired) const {
  auto it = by_client_.find(client);
  if (it == by_client_.end()) return false;
  for (const Key& k : it->second) {
    auto w = by_key_.find(k);
    if (w == by_key_.end()) continue;
    for (const Watcher& watcher : w->second) {
      if (watcher.client == client && !watcher.expired_at_watch && is_expired(k.db, k.key)) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace ember::server
