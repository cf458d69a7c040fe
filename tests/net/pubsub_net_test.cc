// Pub/Sub and MONITOR over real connections: output that arrives without
// a request.
//
// A message is written into the subscriber's output buffer while the
// publisher's command runs, and the subscriber's connection sends it on
// its own, between (RESP3) or instead of (RESP2) replies. A closed
// connection gives up its subscriptions at once, and MONITOR lines are
// pushed the same way. The byte-for-byte comparison with Redis lives in
// tests/compat/pubsub_compat_test.cc.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "tests/net/wire.h"
#include "tests/support/net_support.h"

namespace ember::testing {
namespace {

TEST(PubSubNet, MessagesReachSubscribersOnOtherConnections) {
  EmberThread server;
  RawClient sub(server.port()), pub(server.port());
  sub.Send(Resp({"SUBSCRIBE", "c"}));
  EXPECT_EQ(sub.ReadReplyBytes(), "*3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n");
  EXPECT_EQ(pub.ReadReplyBytes(std::chrono::milliseconds(0)), "");
  pub.Send(Resp({"PUBLISH", "c", "hello"}));
  EXPECT_EQ(pub.ReadReplyBytes(), ":1\r\n");
  EXPECT_EQ(sub.ReadReplyBytes(), "*3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$5\r\nhello\r\n");
}

TEST(PubSubNet, Resp3PushesArriveBetweenReplies) {
  EmberThread server;
  RawClient sub(server.port()), pub(server.port());
  sub.Call({"HELLO", "3"});
  sub.Send(Resp({"SUBSCRIBE", "c"}));
  EXPECT_EQ(sub.ReadReplyBytes(), ">3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n");
  pub.Call({"PUBLISH", "c", "m"});
  sub.Send(Resp({"GET", "k"}));
  EXPECT_EQ(sub.ReadReplyBytes(), ">3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nm\r\n");
  EXPECT_EQ(sub.ReadReplyBytes(), "_\r\n");
}

TEST(PubSubNet, AClosedConnectionGivesUpItsSubscriptions) {
  EmberThread server;
  RawClient pub(server.port());
  {
    RawClient sub(server.port());
    sub.Call({"SUBSCRIBE", "c"});
    EXPECT_EQ(pub.Call({"PUBLISH", "c", "m"}).integer(), 1);
  }
  // The server notices the close on its own thread: poll, with a deadline.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  int64_t receivers = 1;
  while (receivers != 0 && std::chrono::steady_clock::now() < deadline) {
    receivers = pub.Call({"PUBLISH", "c", "m"}).integer();
    if (receivers != 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(receivers, 0);
}

TEST(PubSubNet, MonitorLinesArriveOnTheirOwn) {
  EmberThread server;
  RawClient mon(server.port()), c(server.port());
  EXPECT_EQ(mon.Call({"MONITOR"}).str(), "OK");
  c.Call({"SET", "k", "v"});
  std::string line = mon.ReadReplyBytes();
  EXPECT_EQ(line.front(), '+');
  EXPECT_NE(line.find("] \"SET\" \"k\" \"v\"\r\n"), std::string::npos) << line;
  EXPECT_NE(line.find(" [0 127.0.0.1:"), std::string::npos) << line;
}

}  // namespace
}  // namespace ember::testing
