#include "server/watch.h"

#include <algorithm>

#include "server/client.h"

namespace ember::server {

void WatchRegistry::Watch(Client* client, int db, std::string_view key, bool expired_now) {
  Key k{db, std::string(key)};
  std::vector<Watcher>& watchers = by_key_[k];
  for (const Watcher& w : watchers) {
    if (w.client == client) return;  // already watched
  }
  watchers.push_back({client, expired_now});
  by_client_[client].push_back(std::move(k));
}

void WatchRegistry::UnwatchAll(Client* client) {
  auto it = by_client_.find(client);
  if (it == by_client_.end()) return;
  for (const Key& k : it->second) {
    auto w = by_key_.find(k);
    if (w == by_key_.end()) continue;
    std::erase_if(w->second, [client](const Watcher& x) { return x.client == client; });
    if (w->second.empty()) by_key_.erase(w);
  }
  by_client_.erase(it);
}

void WatchRegistry::Touch(int db, std::string_view key, bool exists_now) {
  if (by_key_.empty()) return;
  auto it = by_key_.find(Key{db, std::string(key)});
  if (it == by_key_.end()) return;
  for (Watcher& w : it->second) {
    if (w.expired_at_watch) {
      // Watched while already expired, it counted as absent; if it is gone
      // now, it is still absent: no logical change.
      if (!exists_now) {
        w.expired_at_watch = false;
        continue;
      }
    }
    MarkDirty(w.client);
  }
}

void WatchRegistry::MarkDirty(Client* client) { client->set_flag(Client::kDirtyCas); }

size_t WatchRegistry::watched_keys(const Client* client) const {
  auto it = by_client_.find(client);
  return it == by_client_.end() ? 0 : it->second.size();
}

}  // namespace ember::server
