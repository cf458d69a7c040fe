// Subscriber: a connection in pub/sub mode.
//
// After SUBSCRIBE a Redis connection only accepts (P)SUBSCRIBE,
// (P)UNSUBSCRIBE, PING and QUIT, and the server pushes messages whenever they
// are published, so it is a different object from Connection.
//
//   Subscriber sub(options);
//   Status s = sub.Subscribe({"news"});
//   auto m = sub.Next(Millis(500));   // Result<std::optional<Message>>
//   if (m.ok() && *m) Use((*m)->channel, (*m)->payload);
//
// Pub/sub is at-most-once: a message published while no connection is
// subscribed is gone. If the connection drops, Next() returns the error once;
// the next call reconnects (with backoff) and subscribes again to every
// channel and pattern.
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "client/connection.h"

namespace ember::client {

struct Message {
  std::string channel;
  std::string payload;
  std::string pattern;  // the matching pattern, for PSUBSCRIBE deliveries
};

class Subscriber {
 public:
  explicit Subscriber(Options options);

  // Each waits until the server has confirmed every channel (or pattern).
  Status Subscribe(const std::vector<std::string>& channels);
  Status PSubscribe(const std::vector<std::string>& patterns);
  // No names: from everything.
  Status Unsubscribe(const std::vector<std::string>& channels = {});
  Status PUnsubscribe(const std::vector<std::string>& patterns = {});

  // The next message; nullopt if none arrived within `timeout` (zero waits
  // forever). A timeout here is normal and keeps the connection.
  Result<std::optional<Message>> Next(Millis timeout);

  // Calls `on_message` for each message until it returns false, `stop`
  // becomes true (checked every `poll` interval), or the connection fails
  // and cannot be re-established.
  Status Listen(const std::function<bool(const Message&)>& on_message,
                const std::atomic<bool>& stop, Millis poll = Millis(100));

  const std::set<std::string>& channels() const { return channels_; }
  const std::set<std::string>& patterns() const { return patterns_; }
  uint64_t reconnects() const { return conn_.reconnects(); }

 private:
  Status Change(const char* command, const std::vector<std::string>& names);
  Status Reconnect();
  // Reads one push; true with *message filled for a delivery; confirmations
  // update the subscription sets. Returns nullopt on timeout.
  Result<std::optional<Message>> ReadOne(Millis timeout);

  Connection conn_;
  std::set<std::string> channels_;
  std::set<std::string> patterns_;
  std::deque<Message> pending_;
  bool need_resubscribe_ = false;
};

}  // namespace ember::client
