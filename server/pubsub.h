// Pub/Sub: channels, patterns and shard channels, and the messages sent to
// their subscribers.
//
// Publish/subscribe is Redis's fire-and-forget messaging. A client
// SUBSCRIBEs to channels (exact names) or PSUBSCRIBEs to patterns (globs);
// PUBLISH delivers a message to every client subscribed to the channel and,
// once per matching pattern, to every client subscribed to a pattern that
// matches it. Nothing is stored: a client that is not subscribed at the
// moment of the PUBLISH never sees the message. Sharded channels
// (SSUBSCRIBE, SPUBLISH; Redis 7.0) are a third, separate namespace, meant
// for cluster mode, where a shard channel lives on the node that owns its
// hash slot; on a single server they behave like plain channels without
// patterns.
//
// Messages are pushed: they are written into the subscriber's output
// buffer while the publisher's command runs, and the subscriber's
// connection is told to send them (ClientTransport::OutputPending). In
// RESP2 a message is an ordinary array, which is why a RESP2 client that
// subscribes can no longer run ordinary commands (it could not tell a
// reply from a message); RESP3 has a push type ('>') for them, so a RESP3
// client can subscribe and run commands on one connection.
//
// The registry keeps both directions, as Redis does: channel -> subscribers
// (to publish) and client -> its subscriptions (to reply with counts and to
// unsubscribe from everything at once). Subscribers of a channel are kept
// in subscription order, which is the order messages are delivered in.
// A client's own subscriptions are kept in the order they were made (Redis
// keeps channels in a hash table, so its UNSUBSCRIBE with no arguments
// answers in an unspecified order; Ember's order is that of the
// subscriptions).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ember::server {

class Client;

// Names in insertion order, with constant-time lookup and removal.
class OrderedNames {
 public:
  // False if already present.
  bool Insert(std::string_view name);
  // False if absent.
  bool Erase(std::string_view name);
  bool Contains(std::string_view name) const { return index_.count(name) != 0; }
  size_t size() const { return order_.size(); }
  bool empty() const { return order_.empty(); }
  const std::list<std::string>& names() const { return order_; }
  void clear() {
    index_.clear();
    order_.clear();
  }

 private:
  std::list<std::string> order_;
  std::unordered_map<std::string_view, std::list<std::string>::iterator> index_;
};

// What one client is subscribed to.
struct ClientSubscriptions {
  OrderedNames channels;
  OrderedNames patterns;
  OrderedNames shard_channels;

  // The count SUBSCRIBE, PSUBSCRIBE and their UNSUBSCRIBEs reply with.
  size_t classic() const { return channels.size() + patterns.size(); }
  size_t total() const { return classic() + shard_channels.size(); }
};

class PubSub {
 public:
  enum class Kind { kChannel, kPattern, kShard };

  // Adds a subscription; false if the client already had it.
  bool Subscribe(Client& client, Kind kind, std::string_view name);
  // Removes a subscription; false if the client did not have it.
  bool Unsubscribe(Client& client, Kind kind, std::string_view name);
  // Drops every subscription of the client without telling it (RESET, a
  // closed connection).
  void UnsubscribeAll(Client& client);

  // Delivers `message` to the subscribers of `channel` ("message") and of
  // every matching pattern ("pmessage"). Returns the number of deliveries.
  int64_t Publish(std::string_view channel, std::string_view message);
  // The same for a shard channel ("smessage"); patterns do not apply.
  int64_t PublishShard(std::string_view channel, std::string_view message);

  // PUBSUB CHANNELS / SHARDCHANNELS: the channels with at least one
  // subscriber, matching `pattern` (all of them if null).
  std::vector<std::string> ActiveChannels(Kind kind, const std::string_view* pattern) const;
  // PUBSUB NUMSUB / SHARDNUMSUB.
  size_t NumSubscribers(Kind kind, std::string_view channel) const;
  // PUBSUB NUMPAT: patterns with at least one subscriber (each counted
  // once, whatever the number of clients subscribed to it, as in 7.0).
  size_t NumPatterns() const { return patterns_.size(); }

  // Writes a pushed message ([kind, channel, message]) into `client`'s
  // output and asks its connection to send it.
  static void Deliver(Client& client, std::string_view kind, std::string_view channel,
                      std::string_view message);

 private:
  // Lookups by string_view, without building a std::string per PUBLISH.
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  using Subscribers = std::vector<Client*>;
  using Table = std::unordered_map<std::string, Subscribers, NameHash, std::equal_to<>>;

  Table& TableFor(Kind kind) {
    return kind == Kind::kChannel ? channels_ : kind == Kind::kPattern ? patterns_ : shards_;
  }
  const Table& TableFor(Kind kind) const {
    return kind == Kind::kChannel ? channels_ : kind == Kind::kPattern ? patterns_ : shards_;
  }
  void RemoveSubscriber(Table& table, std::string_view name, Client* client);

  Table channels_;
  Table patterns_;
  Table shards_;
};

}  // namespace ember::server
