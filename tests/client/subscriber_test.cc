// Pub/sub through the client: a Subscriber receives what is PUBLISHed to its
// channels and to channels matching its patterns, in order; waiting with a
// timeout that passes is not an error; after the server drops the
// subscriber's connection, the error is reported once and the next wait
// reconnects and subscribes again (messages published in between are lost:
// pub/sub is at-most-once).
//
// Ember runs these only if it has SUBSCRIBE (COMMAND INFO tells); until then
// they run against Redis alone and the Ember instances are reported skipped.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "client/client.h"
#include "tests/client/servers.h"

namespace ember::testing {
namespace {

using client::AsInteger;
using client::Connection;
using client::Millis;
using client::Subscriber;

class ClientSubscriber : public BothServers {
 protected:
  void SetUp() override {
    BothServers::SetUp();
    Connection c(Opts());
    auto info = c.Command({"COMMAND", "INFO", "SUBSCRIBE"});
    ASSERT_TRUE(info.ok());
    if (info->elements().empty() || info->elements()[0].IsNull()) {
      GTEST_SKIP() << GetParam() << " has no SUBSCRIBE";
    }
  }

  // PUBLISH until `receivers` subscribers got it: a subscription made by
  // another connection is in place once its confirmation was read, so one
  // PUBLISH is enough, but the count is what proves it.
  int64_t Publish(const std::string& channel, const std::string& message) {
    Connection c(Opts());
    auto n = AsInteger(c.Command({"PUBLISH", channel, message}));
    return n.ok() ? *n : -1;
  }
};
EMBER_BOTH_SERVERS(ClientSubscriber);

TEST_P(ClientSubscriber, ReceivesChannelAndPatternMessagesInOrder) {
  Subscriber sub(Opts());
  ASSERT_TRUE(sub.Subscribe({"news", "sport"}).ok());
  ASSERT_TRUE(sub.PSubscribe({"alerts.*"}).ok());
  EXPECT_EQ(sub.channels().size(), 2u);
  EXPECT_EQ(Publish("news", "first"), 1);
  EXPECT_EQ(Publish("alerts.fire", "hot"), 1);
  EXPECT_EQ(Publish("news", "second"), 1);
  EXPECT_EQ(Publish("weather", "nobody listens"), 0);

  auto a = sub.Next(Millis(5000));
  ASSERT_TRUE(a.ok() && *a);
  EXPECT_EQ((*a)->channel, "news");
  EXPECT_EQ((*a)->payload, "first");
  EXPECT_EQ((*a)->pattern, "");
  auto b = sub.Next(Millis(5000));
  ASSERT_TRUE(b.ok() && *b);
  EXPECT_EQ((*b)->channel, "alerts.fire");
  EXPECT_EQ((*b)->pattern, "alerts.*");
  EXPECT_EQ((*b)->payload, "hot");
  auto c = sub.Next(Millis(5000));
  ASSERT_TRUE(c.ok() && *c);
  EXPECT_EQ((*c)->payload, "second");
}

TEST_P(ClientSubscriber, WaitingPastTheTimeoutIsNotAnError) {
  Subscriber sub(Opts());
  ASSERT_TRUE(sub.Subscribe({"quiet"}).ok());
  auto r = sub.Next(Millis(50));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
  EXPECT_EQ(Publish("quiet", "now"), 1);
  auto m = sub.Next(Millis(5000));
  ASSERT_TRUE(m.ok() && *m);
  EXPECT_EQ((*m)->payload, "now");
}

TEST_P(ClientSubscriber, UnsubscribeStopsDelivery) {
  Subscriber sub(Opts());
  ASSERT_TRUE(sub.Subscribe({"a", "b"}).ok());
  ASSERT_TRUE(sub.Unsubscribe({"a"}).ok());
  EXPECT_EQ(sub.channels(), (std::set<std::string>{"b"}));
  EXPECT_EQ(Publish("a", "x"), 0);
  ASSERT_TRUE(sub.Unsubscribe().ok());
  EXPECT_TRUE(sub.channels().empty());
  EXPECT_EQ(Publish("b", "x"), 0);
}

TEST_P(ClientSubscriber, ResubscribesAfterTheServerDropsTheConnection) {
  Subscriber sub(Opts());
  ASSERT_TRUE(sub.Subscribe({"events"}).ok());
  ASSERT_TRUE(sub.PSubscribe({"ev*"}).ok());
  Connection admin(Opts());
  auto killed = AsInteger(admin.Command({"CLIENT", "KILL", "TYPE", "pubsub"}));
  ASSERT_TRUE(killed.ok());
  EXPECT_EQ(*killed, 1);
  auto lost = sub.Next(Millis(5000));
  ASSERT_FALSE(lost.ok());
  EXPECT_TRUE(lost.error().IsConnection());
  // The next Next() reconnects and resubscribes before it waits; publish
  // until the new subscription counts (both channel and pattern: 2).
  std::atomic<bool> done{false};
  std::thread publisher([&] {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!done && std::chrono::steady_clock::now() < deadline) {
      if (Publish("events", "after") == 2) return;
      std::this_thread::sleep_for(Millis(10));
    }
  });
  auto m = sub.Next(Millis(5000));
  done = true;
  publisher.join();
  ASSERT_TRUE(m.ok()) << m.error().ToString();
  ASSERT_TRUE(m->has_value());
  EXPECT_EQ((*m)->channel, "events");
  EXPECT_EQ(sub.reconnects(), 1u);
}

TEST_P(ClientSubscriber, ListenStopsWhenTheCallbackSaysSo) {
  Subscriber sub(Opts());
  ASSERT_TRUE(sub.Subscribe({"feed"}).ok());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Publish("feed", std::to_string(i)), 1);
  std::vector<std::string> got;
  std::atomic<bool> stop{false};
  client::Status s = sub.Listen(
      [&](const client::Message& m) {
        got.push_back(m.payload);
        return got.size() < 3;
      },
      stop, Millis(100));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(got, (std::vector<std::string>{"0", "1", "2"}));
}

}  // namespace
}  // namespace ember::testing
