// Pub/Sub commands (Redis's pubsub.c): SUBSCRIBE and friends, PUBLISH, and
// the PUBSUB introspection family. The registry itself is server/pubsub.h.
//
// Every (un)subscription is confirmed by its own pushed reply,
// [kind, name, count], where count is the client's number of subscriptions
// afterwards (channels and patterns together; shard channels are counted
// apart). So SUBSCRIBE a b sends two replies, and UNSUBSCRIBE with no
// argument one per channel it drops, or a single [unsubscribe, nil, 0] if
// there was none.
#include <string>
#include <vector>

#include "protocol/errors.h"
#include "server/command_table.h"
#include "server/commands/reply_util.h"
#include "server/pubsub.h"

namespace ember::server {

namespace {

namespace errors = protocol::errors;
using Kind = PubSub::Kind;

size_t CountFor(const Client& c, Kind kind) {
  const ClientSubscriptions* s = c.subscriptions();
  if (s == nullptr) return 0;
  return kind == Kind::kShard ? s->shard_channels.size() : s->classic();
}

void ReplySubscription(CommandContext& ctx, std::string_view what, const std::string_view* name,
                       Kind kind) {
  protocol::ReplyWriter& r = ctx.reply();
  r.PushHeader(3);
  r.Bulk(what);
  name != nullptr ? r.Bulk(*name) : r.NullBulk();
  r.Integer(static_cast<int64_t>(CountFor(ctx.client(), kind)));
}

void SubscribeGeneric(CommandContext& ctx, ArgList args, Kind kind, std::string_view what) {
  for (size_t i = 1; i < args.size(); ++i) {
    ctx.server().pubsub().Subscribe(ctx.client(), kind, args[i]);
    ReplySubscription(ctx, what, &args[i], kind);
  }
}

void UnsubscribeGeneric(CommandContext& ctx, ArgList args, Kind kind, std::string_view what) {
  PubSub& pubsub = ctx.server().pubsub();
  Client& c = ctx.client();
  if (args.size() > 1) {
    for (size_t i = 1; i < args.size(); ++i) {
      pubsub.Unsubscribe(c, kind, args[i]);
      ReplySubscription(ctx, what, &args[i], kind);
    }
    return;
  }
  // No names: every subscription of this kind, one reply each.
  std::vector<std::string> names;
  if (const ClientSubscriptions* s = c.subscriptions()) {
    const OrderedNames& list = kind == Kind::kChannel   ? s->channels
                               : kind == Kind::kPattern ? s->patterns
                                                        : s->shard_channels;
    names.assign(list.names().begin(), list.names().end());
  }
  if (names.empty()) return ReplySubscription(ctx, what, nullptr, kind);
  for (const std::string& name : names) {
    pubsub.Unsubscribe(c, kind, name);
    std::string_view view = name;
    ReplySubscription(ctx, what, &view, kind);
  }
}

// SUBSCRIBE channel [channel ...]
void SubscribeCommand(CommandContext& ctx, ArgList args) {
  // A client inside EXEC normally cannot enter a mode that answers more
  // than once per command; SUBSCRIBE (and PSUBSCRIBE) in MULTI are allowed
  // for backward compatibility, as in Redis.
  SubscribeGeneric(ctx, args, Kind::kChannel, "subscribe");
}

// UNSUBSCRIBE [channel [channel ...]]
void UnsubscribeCommand(CommandContext& ctx, ArgList args) {
  UnsubscribeGeneric(ctx, args, Kind::kChannel, "unsubscribe");
}

// PSUBSCRIBE pattern [pattern ...]
void PSubscribeCommand(CommandContext& ctx, ArgList args) {
  SubscribeGeneric(ctx, args, Kind::kPattern, "psubscribe");
}

// PUNSUBSCRIBE [pattern [pattern ...]]
void PUnsubscribeCommand(CommandContext& ctx, ArgList args) {
  UnsubscribeGeneric(ctx, args, Kind::kPattern, "punsubscribe");
}

// SSUBSCRIBE shardchannel [shardchannel ...]
void SSubscribeCommand(CommandContext& ctx, ArgList args) {
  if (ctx.in_exec()) {
    return ctx.reply().Error("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
  }
  SubscribeGeneric(ctx, args, Kind::kShard, "ssubscribe");
}

// SUNSUBSCRIBE [shardchannel [shardchannel ...]]
void SUnsubscribeCommand(CommandContext& ctx, ArgList args) {
  UnsubscribeGeneric(ctx, args, Kind::kShard, "sunsubscribe");
}

// PUBLISH channel message: the number of clients that received it.
void PublishCommand(CommandContext& ctx, ArgList args) {
  ctx.reply().Integer(ctx.server().pubsub().Publish(args[1], args[2]));
}

// SPUBLISH shardchannel message
void SPublishCommand(CommandContext& ctx, ArgList args) {
  ctx.reply().Integer(ctx.server().pubsub().PublishShard(args[1], args[2]));
}

void ChannelsGeneric(CommandContext& ctx, ArgList args, Kind kind) {
  if (args.size() > 3) {
    return ctx.reply().Error(errors::UnknownSubcommandOrArity(args[1], "PUBSUB"));
  }
  std::vector<std::string> names =
      ctx.server().pubsub().ActiveChannels(kind, args.size() == 3 ? &args[2] : nullptr);
  ctx.reply().ArrayHeader(static_cast<int64_t>(names.size()));
  for (const std::string& n : names) ctx.reply().Bulk(n);
}

void NumSubGeneric(CommandContext& ctx, ArgList args, Kind kind) {
  // A flat array of name, count pairs, in RESP3 too (as Redis 7.0).
  ctx.reply().ArrayHeader(static_cast<int64_t>(args.size() - 2) * 2);
  for (size_t i = 2; i < args.size(); ++i) {
    ctx.reply().Bulk(args[i]);
    ctx.reply().Integer(static_cast<int64_t>(ctx.server().pubsub().NumSubscribers(kind, args[i])));
  }
}

// PUBSUB CHANNELS [pattern]
void PubsubChannelsCommand(CommandContext& ctx, ArgList args) {
  ChannelsGeneric(ctx, args, Kind::kChannel);
}

// PUBSUB SHARDCHANNELS [pattern]
void PubsubShardChannelsCommand(CommandContext& ctx, ArgList args) {
  ChannelsGeneric(ctx, args, Kind::kShard);
}

// PUBSUB NUMSUB [channel [channel ...]]
void PubsubNumSubCommand(CommandContext& ctx, ArgList args) {
  NumSubGeneric(ctx, args, Kind::kChannel);
}

// PUBSUB SHARDNUMSUB [shardchannel [shardchannel ...]]
void PubsubShardNumSubCommand(CommandContext& ctx, ArgList args) {
  NumSubGeneric(ctx, args, Kind::kShard);
}

// PUBSUB NUMPAT
void PubsubNumPatCommand(CommandContext& ctx, ArgList) {
  ctx.reply().Integer(static_cast<int64_t>(ctx.server().pubsub().NumPatterns()));
}

void PubsubHelpCommand(CommandContext& ctx, ArgList) {
  ReplyHelp(ctx.reply(), "PUBSUB",
            {"CHANNELS [<pattern>]",
             "    Return the currently active channels matching a <pattern> (default: '*').",
             "NUMPAT", "    Return number of subscriptions to patterns.", "NUMSUB [<channel> ...]",
             "    Return the number of subscribers for the specified channels, excluding",
             "    pattern subscriptions(default: no channels).", "SHARDCHANNELS [<pattern>]",
             "    Return the currently active shard level channels matching a <pattern> "
             "(default: '*').",
             "SHARDNUMSUB [<shardchannel> ...]",
             "    Return the number of subscribers for the specified shard level channel(s)"});
}

// Subscribing works while loading and on a stale replica, and a subscribed
// RESP2 client may still (un)subscribe.
constexpr uint32_t kSubscribeFlags =
    kCmdPubsub | kCmdNoscript | kCmdLoading | kCmdStale | kCmdSubscribedMode;
constexpr uint32_t kIntrospect = kCmdPubsub | kCmdLoading | kCmdStale;
constexpr uint32_t kPubsubAcl = kAclPubsub | kAclSlow;

}  // namespace

void RegisterPubSubCommands(CommandTable& t) {
  t.Add({"subscribe",
         -2,
         kSubscribeFlags,
         kPubsubAcl,
         {},
         SubscribeCommand,
         {"Listen for messages published to the given channels", "2.0.0", "pubsub",
          "O(N) where N is the number of channels to subscribe to.", "channel [channel ...]"}});
  t.Add({"unsubscribe",
         -1,
         kSubscribeFlags,
         kPubsubAcl,
         {},
         UnsubscribeCommand,
         {"Stop listening for messages posted to the given channels", "2.0.0", "pubsub",
          "O(N) where N is the number of clients already subscribed to a channel.",
          "[channel [channel ...]]"}});
  t.Add({"psubscribe",
         -2,
         kSubscribeFlags,
         kPubsubAcl,
         {},
         PSubscribeCommand,
         {"Listen for messages published to channels matching the given patterns", "2.0.0",
          "pubsub", "O(N) where N is the number of patterns the client is already subscribed to.",
          "pattern [pattern ...]"}});
  t.Add({"punsubscribe",
         -1,
         kSubscribeFlags,
         kPubsubAcl,
         {},
         PUnsubscribeCommand,
         {"Stop listening for messages posted to channels matching the given patterns", "2.0.0",
          "pubsub",
          "O(N+M) where N is the number of patterns the client is already subscribed and M is "
          "the number of total patterns subscribed in the system (by any client).",
          "[pattern [pattern ...]]"}});
  t.Add({"publish",
         3,
         kCmdPubsub | kCmdLoading | kCmdStale | kCmdFast | kCmdMayReplicate,
         kAclPubsub | kAclFast,
         {},
         PublishCommand,
         {"Post a message to a channel", "2.0.0", "pubsub",
          "O(N+M) where N is the number of clients subscribed to the receiving channel and M is "
          "the total number of subscribed patterns (by any client).",
          "channel message"}});
  // The shard commands name their channels as keys (cluster routing uses
  // them); the key specs say they are not keys.
  t.Add({"ssubscribe",
         -2,
         kSubscribeFlags,
         kPubsubAcl,
         {1, -1, 1},
         SSubscribeCommand,
         {"Listen for messages published to the given shard channels", "7.0.0", "pubsub",
          "O(N) where N is the number of shard channels to subscribe to.",
          "shardchannel [shardchannel ...]"}});
  t.Add({"sunsubscribe",
         -1,
         kSubscribeFlags,
         kPubsubAcl,
         {1, -1, 1},
         SUnsubscribeCommand,
         {"Stop listening for messages posted to the given shard channels", "7.0.0", "pubsub",
          "O(N) where N is the number of clients already subscribed to a shard channel.",
          "[shardchannel [shardchannel ...]]"}});
  t.Add({"spublish",
         3,
         kCmdPubsub | kCmdLoading | kCmdStale | kCmdFast | kCmdMayReplicate,
         kAclPubsub | kAclFast,
         {1, 1, 1},
         SPublishCommand,
         {"Post a message to a shard channel", "7.0.0", "pubsub",
          "O(N) where N is the number of clients subscribed to the receiving shard channel.",
          "shardchannel message"}});
  t.Add({"pubsub",
         -2,
         0,
         kAclSlow,
         {},
         nullptr,
         {"A container for Pub/Sub commands", "2.8.0", "pubsub", "Depends on subcommand.", ""},
         {
             {"channels",
              -2,
              kIntrospect,
              kPubsubAcl,
              {},
              PubsubChannelsCommand,
              {"List active channels", "2.8.0", "pubsub",
               "O(N) where N is the number of active channels, and assuming constant time "
               "pattern matching (relatively short channels and patterns)",
               "[pattern]"}},
             {"help",
              2,
              kCmdLoading | kCmdStale,
              kAclSlow,
              {},
              PubsubHelpCommand,
              {"Show helpful text about the different subcommands", "6.2.0", "pubsub", "O(1)", ""}},
             {"numpat",
              2,
              kIntrospect,
              kPubsubAcl,
              {},
              PubsubNumPatCommand,
              {"Get the count of unique patterns pattern subscriptions", "2.8.0", "pubsub", "O(1)",
               ""}},
             {"numsub",
              -2,
              kIntrospect,
              kPubsubAcl,
              {},
              PubsubNumSubCommand,
              {"Get the count of subscribers for channels", "2.8.0", "pubsub",
               "O(N) for the NUMSUB subcommand, where N is the number of requested channels",
               "[channel [channel ...]]"}},
             {"shardchannels",
              -2,
              kIntrospect,
              kPubsubAcl,
              {},
              PubsubShardChannelsCommand,
              {"List active shard channels", "7.0.0", "pubsub",
               "O(N) where N is the number of active shard channels, and assuming constant time "
               "pattern matching (relatively short shard channels).",
               "[pattern]"}},
             {"shardnumsub",
              -2,
              kIntrospect,
              kPubsubAcl,
              {},
              PubsubShardNumSubCommand,
              {"Get the count of subscribers for shard channels", "7.0.0", "pubsub",
               "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard "
               "channels",
               "[shardchannel [shardchannel ...]]"}},
         }});
}

}  // namespace ember::server
