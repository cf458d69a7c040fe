// Pub/Sub, in-process: what a subscriber and a publisher see.
//
// Redis's Pub/Sub stores nothing. PUBLISH hands the message to whoever is
// subscribed at that moment, to the channel ("message") and to every
// matching pattern ("pmessage"), and answers how many deliveries it made.
// Each (un)subscription is confirmed by its own reply carrying the
// client's subscription count, and a RESP2 client with any subscription
// may only (un)subscribe, PING, QUIT or RESET: it could not tell a reply
// from a message. A RESP3 client gets messages as '>' pushes, so it may
// run anything.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/keyspace_events.h"
#include "tests/support/command_harness.h"
#include "tests/support/matchers.h"

namespace ember::testing {
namespace {

using protocol::Type;
using protocol::Value;
using server::Client;

// Every reply (and push) a command produced for `client`, in order.
std::vector<Value> RunAll(CommandHarness& h, Client& client, std::vector<std::string_view> args) {
  client.output().clear();
  h.server().Execute(client, args);
  std::vector<Value> out;
  while (!client.output().empty()) out.push_back(h.TakeReply(client));
  return out;
}

// Messages waiting in `client`'s output.
std::vector<Value> Pending(CommandHarness& h, Client& client) {
  std::vector<Value> out;
  while (!client.output().empty()) out.push_back(h.TakeReply(client));
  return out;
}

Value Msg(std::vector<std::string> parts, Type type = Type::kArray) {
  std::vector<Value> e;
  for (std::string& p : parts) e.push_back(Value::Bulk(std::move(p)));
  return type == Type::kPush ? Value::Push(std::move(e)) : Value::Array(std::move(e));
}

Value Confirm(const std::string& kind, const std::string& name, int64_t count) {
  return Value::Array({Value::Bulk(kind), Value::Bulk(name), Value::Integer(count)});
}

TEST(PubSub, EachSubscriptionIsConfirmedWithTheClientsCount) {
  CommandHarness h;
  std::vector<Value> r = RunAll(h, h.client(), {"SUBSCRIBE", "a", "b", "a"});
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0], Confirm("subscribe", "a", 1));
  EXPECT_EQ(r[1], Confirm("subscribe", "b", 2));
  EXPECT_EQ(r[2], Confirm("subscribe", "a", 2));  // already there: counted once
  // Patterns count with channels.
  EXPECT_EQ(RunAll(h, h.client(), {"PSUBSCRIBE", "x*"})[0], Confirm("psubscribe", "x*", 3));
}

TEST(PubSub, PublishDeliversToChannelAndMatchingPatternSubscribers) {
  CommandHarness h;
  Client& sub = h.NewClient();
  RunAll(h, sub, {"SUBSCRIBE", "news.tech"});
  RunAll(h, sub, {"PSUBSCRIBE", "news.*", "sport.*"});
  EXPECT_THAT(h.Run({"PUBLISH", "news.tech", "hello"}), IsInt(2));
  std::vector<Value> got = Pending(h, sub);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], Msg({"message", "news.tech", "hello"}));
  EXPECT_EQ(got[1], Msg({"pmessage", "news.*", "news.tech", "hello"}));
  EXPECT_THAT(h.Run({"PUBLISH", "weather", "rain"}), IsInt(0));
  EXPECT_TRUE(Pending(h, sub).empty());
}

TEST(PubSub, Resp2SubscriberMayOnlyRunSubscriptionCommands) {
  CommandHarness h;
  RunAll(h, h.client(), {"SUBSCRIBE", "c"});
  EXPECT_THAT(h.Run({"GET", "k"}),
              IsError("ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / "
                      "QUIT / RESET are allowed in this context"));
  EXPECT_THAT(h.Run({"CONFIG", "GET", "hz"}),
              IsError("ERR Can't execute 'config|get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / "
                      "PING / QUIT / RESET are allowed in this context"));
  // PING answers in the shape of a message: [pong, argument or ""].
  EXPECT_EQ(h.RunRaw({"PING"}), "*2\r\n$4\r\npong\r\n$0\r\n\r\n");
  EXPECT_EQ(h.RunRaw({"PING", "hi"}), "*2\r\n$4\r\npong\r\n$2\r\nhi\r\n");
  // The refusal is counted as Redis counts it.
  Value info = h.RunAs(h.NewClient(), {"INFO", "commandstats"});
  EXPECT_NE(info.str().find("cmdstat_get:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1"),
            std::string::npos)
      << info.str();
}

TEST(PubSub, Resp3SubscriberRunsAnyCommandAndGetsPushes) {
  CommandHarness h;
  Client& sub = h.NewClient();
  h.RunAs(sub, {"HELLO", "3"});
  std::vector<Value> r = RunAll(h, sub, {"SUBSCRIBE", "c"});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].type(), Type::kPush);
  EXPECT_THAT(h.RunAs(sub, {"SET", "k", "v"}), IsOk());
  EXPECT_THAT(h.RunAs(sub, {"PING"}), IsSimple("PONG"));
  h.Run({"PUBLISH", "c", "m"});
  std::vector<Value> got = Pending(h, sub);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], Msg({"message", "c", "m"}, Type::kPush));
}

TEST(PubSub, UnsubscribeWithoutArgumentsDropsEveryChannelOrSaysNil) {
  CommandHarness h;
  EXPECT_EQ(h.RunRaw({"UNSUBSCRIBE"}), "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n");
  EXPECT_EQ(h.RunRaw({"PUNSUBSCRIBE"}), "*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n");
  RunAll(h, h.client(), {"SUBSCRIBE", "a", "b"});
  RunAll(h, h.client(), {"PSUBSCRIBE", "p*"});
  std::vector<Value> r = RunAll(h, h.client(), {"UNSUBSCRIBE"});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0], Confirm("unsubscribe", "a", 2));
  EXPECT_EQ(r[1], Confirm("unsubscribe", "b", 1));
  // Still subscribed to a pattern: still in subscribed mode.
  EXPECT_TRUE(h.client().has_flag(Client::kPubSub));
  RunAll(h, h.client(), {"PUNSUBSCRIBE"});
  EXPECT_FALSE(h.client().has_flag(Client::kPubSub));
  EXPECT_THAT(h.Run({"GET", "k"}), IsNil());
}

TEST(PubSub, ResetLeavesSubscribedModeSilently) {
  CommandHarness h;
  RunAll(h, h.client(), {"SUBSCRIBE", "a"});
  EXPECT_THAT(h.Run({"RESET"}), IsSimple("RESET"));
  EXPECT_EQ(h.RunRaw({"PUBSUB", "NUMSUB", "a"}), "*2\r\n$1\r\na\r\n:0\r\n");
  EXPECT_THAT(h.Run({"GET", "k"}), IsNil());
}

TEST(PubSub, IntrospectionCountsSubscribersAndPatterns) {
  CommandHarness h;
  Client& a = h.NewClient();
  Client& b = h.NewClient();
  RunAll(h, a, {"SUBSCRIBE", "x", "y"});
  RunAll(h, b, {"SUBSCRIBE", "x"});
  RunAll(h, a, {"PSUBSCRIBE", "p*"});
  RunAll(h, b, {"PSUBSCRIBE", "p*", "q*"});
  EXPECT_EQ(h.RunRaw({"PUBSUB", "NUMSUB", "x", "y", "z"}),
            "*6\r\n$1\r\nx\r\n:2\r\n$1\r\ny\r\n:1\r\n$1\r\nz\r\n:0\r\n");
  // Patterns are counted once each, however many clients use them.
  EXPECT_THAT(h.Run({"PUBSUB", "NUMPAT"}), IsInt(2));
  EXPECT_THAT(h.Run({"PUBSUB", "CHANNELS"}), IsBulkSetOf(std::vector<std::string>{"x", "y"}));
  EXPECT_THAT(h.Run({"PUBSUB", "CHANNELS", "y*"}), IsBulkArray(std::vector<std::string>{"y"}));
}

TEST(PubSub, PublishInsideMultiDeliversAtExec) {
  CommandHarness h;
  Client& sub = h.NewClient();
  RunAll(h, sub, {"SUBSCRIBE", "c"});
  h.Run({"MULTI"});
  EXPECT_THAT(h.Run({"PUBLISH", "c", "queued"}), IsSimple("QUEUED"));
  EXPECT_TRUE(Pending(h, sub).empty());
  h.Run({"EXEC"});
  std::vector<Value> got = Pending(h, sub);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], Msg({"message", "c", "queued"}));
}

TEST(PubSub, AClosedConnectionDropsItsSubscriptions) {
  CommandHarness h;
  Client& sub = h.NewClient();
  RunAll(h, sub, {"SUBSCRIBE", "c"});
  RunAll(h, sub, {"PSUBSCRIBE", "c*"});
  h.server().ClientGone(sub);
  EXPECT_THAT(h.Run({"PUBLISH", "c", "m"}), IsInt(0));
  EXPECT_THAT(h.Run({"PUBSUB", "NUMPAT"}), IsInt(0));
}

}  // namespace
}  // namespace ember::testing
