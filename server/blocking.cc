#include "server/blocking.h"

#include <algorithm>

#include "server/client.h"

namespace ember::server {

void BlockingRegistry::Block(Client* client) {
  const BlockState& state = client->block_state();
  for (const std::string& key : state.keys) {
    std::deque<Client*>& q = waiting_[Key{state.db, key}];
    if (std::find(q.begin(), q.end(), client) == q.end()) q.push_back(client);
  }
  client->set_flag(Client::kBlocked);
  clients_.push_back(client);
  ++blocked_;
}

void BlockingRegistry::Unblock(Client* client) {
  if (!client->has_flag(Client::kBlocked)) return;
  const BlockState& state = client->block_state();
  for (const std::string& key : state.keys) {
    auto it = waiting_.find(Key{state.db, key});
    if (it == waiting_.end()) continue;
    std::erase(it->second, client);
    if (it->second.empty()) waiting_.erase(it);
  }
  std::erase(clients_, client);
  client->clear_flag(Client::kBlocked);
  --blocked_;
}

const std::deque<Client*>* BlockingRegistry::Waiters(int db, std::string_view key) const {
  auto it = waiting_.find(Key{db, std::string(key)});
  return it == waiting_.end() ? nullptr : &it->second;
}

void BlockingRegistry::SignalKeyCreated(int db, std::string_view key) {
  if (waiting_.empty()) return;
  if (waiting_.find(Key{db, std::string(key)}) == waiting_.end()) return;
  for (const auto& [d, k] : ready_) {
    if (d == db && k == key) return;
  }
  ready_.emplace_back(db, std::string(key));
}

std::vector<std::pair<int, std::string>> BlockingRegistry::TakeReadyKeys() {
  std::vector<std::pair<int, std::string>> out;
  out.swap(ready_);
  return out;
}

std::vector<Client*> BlockingRegistry::TimedOut(int64_t now_ms) const {
  std::vector<Client*> out;
  for (Client* c : clients_) {
    int64_t deadline = c->block_state().deadline_ms;
    if (deadline != 0 && deadline <= now_ms) out.push_back(c);
  }
  return out;
}

std::vector<Client*> BlockingRegistry::AllBlocked() const { return clients_; }

}  // namespace ember::server
