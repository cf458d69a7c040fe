#include "server/pubsub.h"

#include <algorithm>

#include "server/client.h"
#include "storage/glob.h"

namespace ember::server {

bool OrderedNames::Insert(std::string_view name) {
  if (Contains(name)) return false;
  order_.emplace_back(name);
  auto it = std::prev(order_.end());
  index_.emplace(std::string_view(*it), it);
  return true;
}

bool OrderedNames::Erase(std::string_view name) {
  auto found = index_.find(name);
  if (found == index_.end()) return false;
  auto it = found->second;
  index_.erase(found);
  order_.erase(it);
  return true;
}

namespace {

OrderedNames& NamesFor(ClientSubscriptions& s, PubSub::Kind kind) {
  return kind == PubSub::Kind::kChannel   ? s.channels
         : kind == PubSub::Kind::kPattern ? s.patterns
                                          : s.shard_channels;
}

// The client is in "subscribed mode" (flag P) while it has any
// subscription.
void UpdateFlag(Client& client) {
  const ClientSubscriptions* s = client.subscriptions();
  if (s != nullptr && s->total() > 0) {
    client.set_flag(Client::kPubSub);
  } else {
    client.clear_flag(Client::kPubSub);
  }
}

}  // namespace

bool PubSub::Subscribe(Client& client, Kind kind, std::string_view name) {
  if (!NamesFor(client.EnsureSubscriptions(), kind).Insert(name)) return false;
  TableFor(kind)[std::string(name)].push_back(&client);
  client.set_flag(Client::kPubSub);
  return true;
}

bool PubSub::Unsubscribe(Client& client, Kind kind, std::string_view name) {
  ClientSubscriptions* s = client.subscriptions();
  if (s == nullptr || !NamesFor(*s, kind).Erase(name)) return false;
  RemoveSubscriber(TableFor(kind), name, &client);
  UpdateFlag(client);
  return true;
}

void PubSub::UnsubscribeAll(Client& client) {
  ClientSubscriptions* s = client.subscriptions();
  if (s == nullptr) return;
  for (Kind kind : {Kind::kChannel, Kind::kPattern, Kind::kShard}) {
    OrderedNames& names = NamesFor(*s, kind);
    for (const std::string& name : names.names()) RemoveSubscriber(TableFor(kind), name, &client);
    names.clear();
  }
  client.clear_flag(Client::kPubSub);
}

void PubSub::RemoveSubscriber(Table& table, std::string_view name, Client* client) {
  auto it = table.find(name);
  if (it == table.end()) return;
  Subscribers& subs = it->second;
  subs.erase(std::find(subs.begin(), subs.end(), client));
  // A channel without subscribers no longer exists (PUBSUB CHANNELS).
  if (subs.empty()) table.erase(it);
}

void PubSub::Deliver(Client& client, std::string_view kind, std::string_view channel,
                     std::string_view message) {
  protocol::ReplyWriter& w = client.reply();
  w.PushHeader(3);
  w.Bulk(kind);
  w.Bulk(channel);
  w.Bulk(message);
  if (client.transport() != nullptr) client.transport()->OutputPending();
}

int64_t PubSub::Publish(std::string_view channel, std::string_view message) {
  int64_t receivers = 0;
  if (!channels_.empty()) {
    auto it = channels_.find(channel);
    if (it != channels_.end()) {
      for (Client* c : it->second) Deliver(*c, "message", channel, message);
      receivers += static_cast<int64_t>(it->second.size());
    }
  }
  for (const auto& [pattern, subs] : patterns_) {
    if (!storage::GlobMatch(pattern, channel)) continue;
    for (Client* c : subs) {
      protocol::ReplyWriter& w = c->reply();
      w.PushHeader(4);
      w.Bulk("pmessage");
      w.Bulk(pattern);
      w.Bulk(channel);
      w.Bulk(message);
      if (c->transport() != nullptr) c->transport()->OutputPending();
    }
    receivers += static_cast<int64_t>(subs.size());
  }
  return receivers;
}

int64_t PubSub::PublishShard(std::string_view channel, std::string_view message) {
  auto it = shards_.find(channel);
  if (it == shards_.end()) return 0;
  for (Client* c : it->second) Deliver(*c, "smessage", channel, message);
  return static_cast<int64_t>(it->second.size());
}

std::vector<std::string> PubSub::ActiveChannels(Kind kind, const std::string_view* pattern) const {
  std::vector<std::string> out;
  for (const auto& [name, subs] : TableFor(kind)) {
    if (pattern == nullptr || storage::GlobMatch(*pattern, name)) out.push_back(name);
  }
  return out;
}

size_t PubSub::NumSubscribers(Kind kind, std::string_view channel) const {
  const Table& table = TableFor(kind);
  auto it = table.find(channel);
  return it == table.end() ? 0 : it->second.size();
}

}  // namespace ember::server
