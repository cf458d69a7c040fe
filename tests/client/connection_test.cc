// A Connection sends a command and reads a typed reply. What a Redis user
// expects of it: an error reply is an error the caller must look at, and the
// connection stays usable after it; nil is not an empty string; a wrong
// password is refused once, not retried; a database chosen with SELECT
// survives a reconnect; a connection the server closed while idle is
// replaced before the next command; a command whose request may have reached
// the server is never sent twice; a blocking command waits as long as it
// asked to, and an ordinary read that takes too long drops the connection
// rather than reading a late reply as the next command's.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "client/client.h"
#include "tests/client/servers.h"

namespace ember::testing {
namespace {

using client::AsInteger;
using client::AsOptionalString;
using client::Connection;
using client::ErrorKind;
using client::Millis;

class ClientConnection : public BothServers {};
EMBER_BOTH_SERVERS(ClientConnection);

TEST_P(ClientConnection, SetThenGetReturnsTheValueAndMissingKeyIsNil) {
  Connection c(Opts());
  ASSERT_TRUE(c.Connect().ok());
  auto set = c.Command({"SET", "greeting", "hello", "EX", 60});
  ASSERT_TRUE(set.ok()) << set.error().ToString();
  EXPECT_EQ(set->str(), "OK");
  auto got = AsOptionalString(c.Command({"GET", "greeting"}));
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, "hello");
  auto missing = AsOptionalString(c.Command({"GET", "nope"}));
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST_P(ClientConnection, ArgumentsAreBinarySafeAndNumbersAreDecimal) {
  Connection c(Opts());
  std::string binary("a\0b\r\nc", 6);
  ASSERT_TRUE(c.Command({"SET", binary, binary}).ok());
  auto got = AsOptionalString(c.Command({"GET", binary}));
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ(**got, binary);
  ASSERT_TRUE(c.Command({"SET", "n", int64_t{-42}}).ok());
  auto n = AsInteger(c.Command({"INCRBY", "n", 2}));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, -40);
  auto f = AsOptionalString(c.Command({"INCRBYFLOAT", "f", 1.5}));
  ASSERT_TRUE(f.ok() && f->has_value());
  EXPECT_EQ(**f, "1.5");
}

TEST_P(ClientConnection, ErrorReplyIsAServerErrorAndTheConnectionStaysUsable) {
  Connection c(Opts());
  ASSERT_TRUE(c.Command({"RPUSH", "list", "x"}).ok());
  auto r = c.Command({"INCR", "list"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind(), ErrorKind::kServer);
  EXPECT_EQ(r.error().code(), "WRONGTYPE");
  EXPECT_FALSE(r.error().IsConnection());
  auto unknown = c.Command({"NOSUCHCOMMAND"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), "ERR");
  EXPECT_TRUE(c.Command({"PING"}).ok());
  EXPECT_EQ(c.reconnects(), 0u);
}

TEST_P(ClientConnection, TypedViewRefusesAReplyOfAnotherType) {
  Connection c(Opts());
  ASSERT_TRUE(c.Command({"SET", "s", "text"}).ok());
  auto n = AsInteger(c.Command({"GET", "s"}));
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().kind(), ErrorKind::kProtocol);
  auto all = client::AsStrings(c.Command({"MGET", "s", "missing"}));
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, (std::vector<std::string>{"text", ""}));
}

TEST_P(ClientConnection, SubscribeThroughCommandIsRefusedWithoutSendingIt) {
  Connection c(Opts());
  auto r = c.Command({"SUBSCRIBE", "news"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind(), ErrorKind::kUsage);
  EXPECT_TRUE(c.Command({"PING"}).ok());
}

TEST_P(ClientConnection, PasswordAndDatabaseAreAppliedOnConnect) {
  Connection admin(Opts());
  ASSERT_TRUE(admin.Command({"SELECT", 3}).ok());
  ASSERT_TRUE(admin.Command({"SET", "where", "db3"}).ok());
  ASSERT_TRUE(admin.Command({"CONFIG", "SET", "requirepass", "s3cret"}).ok());

  client::Options o = Opts();
  o.password = "s3cret";
  o.db = 3;
  Connection good(o);
  ASSERT_TRUE(good.Connect().ok());
  auto v = AsOptionalString(good.Command({"GET", "where"}));
  ASSERT_TRUE(v.ok() && v->has_value()) << (v.ok() ? "nil" : v.error().ToString());
  EXPECT_EQ(**v, "db3");

  o.password = "wrong";
  o.reconnect_attempts = 5;
  Connection bad(o);
  auto start = std::chrono::steady_clock::now();
  client::Status s = bad.Connect();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind(), ErrorKind::kServer);
  EXPECT_EQ(s.error().code(), "WRONGPASS");
  // Refused at once: the backoff loop is for connection failures.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));

  client::Options anonymous = Opts();
  Connection none(anonymous);
  auto r = none.Command({"GET", "where"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), "NOAUTH");
}

TEST_P(ClientConnection, NothingListeningIsAnIoErrorAfterTheRetries) {
  client::Options o = Opts();
  o.port = FreePort();
  o.reconnect_attempts = 2;
  o.backoff_initial = Millis(5);
  Connection c(o);
  auto r = c.Command({"PING"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind(), ErrorKind::kIo);
  EXPECT_TRUE(r.error().IsConnection());
}

// CLIENT KILL from a second connection: the first finds its socket closed
// while idle and reconnects before sending, into the database it SELECTed.
TEST_P(ClientConnection, ConnectionClosedWhileIdleIsReplacedAndKeepsItsDatabase) {
  Connection c(Opts());
  ASSERT_TRUE(c.Command({"SELECT", 2}).ok());
  ASSERT_TRUE(c.Command({"SET", "k", "in2"}).ok());
  auto id = AsInteger(c.Command({"CLIENT", "ID"}));
  ASSERT_TRUE(id.ok());
  Connection killer(Opts());
  auto killed = AsInteger(killer.Command({"CLIENT", "KILL", "ID", *id}));
  ASSERT_TRUE(killed.ok());
  ASSERT_EQ(*killed, 1);
  // The FIN may take a moment to arrive; a command sent meanwhile fails
  // honestly rather than being resent, so poll with a deadline.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  client::Result<std::optional<std::string>> v = std::optional<std::string>();
  for (;;) {
    v = AsOptionalString(c.Command({"GET", "k"}));
    if (v.ok() || std::chrono::steady_clock::now() > deadline) break;
    EXPECT_TRUE(v.error().IsConnection());
  }
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  ASSERT_TRUE(v->has_value());
  EXPECT_EQ(**v, "in2");
  EXPECT_EQ(c.reconnects(), 1u);
  auto new_id = AsInteger(c.Command({"CLIENT", "ID"}));
  ASSERT_TRUE(new_id.ok());
  EXPECT_NE(*new_id, *id);
}

// A command in flight when the connection dies is reported, not resent:
// the server may already have run it.
TEST_P(ClientConnection, CommandInFlightWhenKilledFailsAndIsNotResent) {
  Connection c(Opts());
  auto id = AsInteger(c.Command({"CLIENT", "ID"}));
  ASSERT_TRUE(id.ok());
  std::thread killer([&] {
    Connection k(Opts());
    // Wait until c is blocked in BLPOP (its request reached the server),
    // then kill it.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
      auto info = AsOptionalString(k.Command({"INFO", "clients"}));
      if (info.ok() && info->has_value() &&
          (*info)->find("blocked_clients:1") != std::string::npos) {
        break;
      }
      std::this_thread::sleep_for(Millis(5));
    }
    (void)k.Command({"CLIENT", "KILL", "ID", *id});
  });
  auto r = c.BlockingCommand({"BLPOP", "never", 5}, Millis(5000));
  killer.join();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind(), ErrorKind::kIo);
  EXPECT_FALSE(c.connected());
  EXPECT_TRUE(c.Command({"PING"}).ok());
  EXPECT_EQ(c.reconnects(), 1u);
}

TEST_P(ClientConnection, BlockingCommandWaitsPastTheReadTimeoutAndReturnsNilOnTimeout) {
  client::Options o = Opts();
  o.read_timeout = Millis(100);
  Connection c(o);
  auto r = c.BlockingCommand({"BLPOP", "empty", "0.3"}, Millis(300));
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_TRUE(r->IsNull());
  EXPECT_TRUE(c.connected());
}

TEST_P(ClientConnection, BlockingCommandReturnsWhatAnotherClientPushes) {
  Connection c(Opts());
  std::thread pusher([&] {
    Connection p(Opts());
    // Push only once c is blocked, so the test covers the wake-up.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
      auto info = AsOptionalString(p.Command({"INFO", "clients"}));
      if (info.ok() && info->has_value() &&
          (*info)->find("blocked_clients:1") != std::string::npos) {
        break;
      }
      std::this_thread::sleep_for(Millis(5));
    }
    (void)p.Command({"RPUSH", "jobs", "job-1"});
  });
  auto r = client::AsStrings(c.BlockingCommand({"BLPOP", "jobs", 5}, Millis(5000)));
  pusher.join();
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(*r, (std::vector<std::string>{"jobs", "job-1"}));
}

TEST_P(ClientConnection, SlowReplyPastTheReadTimeoutDropsTheConnection) {
  client::Options o = Opts();
  o.read_timeout = Millis(100);
  Connection c(o);
  // An ordinary Command does not know BLPOP blocks: its reply is late.
  auto r = c.Command({"BLPOP", "empty", 1});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind(), ErrorKind::kTimeout);
  EXPECT_FALSE(c.connected());
  // The next command runs on a new connection and gets its own reply, not
  // the late nil of the BLPOP.
  auto pong = c.Command({"ECHO", "mine"});
  ASSERT_TRUE(pong.ok());
  EXPECT_EQ(pong->str(), "mine");
}

TEST_P(ClientConnection, PipelineReturnsEveryReplyInOrderWithErrorsInPlace) {
  Connection c(Opts());
  ASSERT_TRUE(c.Command({"RPUSH", "list", "x"}).ok());
  client::Pipeline p(&c);
  for (int i = 0; i < 100; ++i) p.Add({"INCR", "counter"});
  p.Add({"INCR", "list"}).Add({"GET", "counter"});
  EXPECT_EQ(p.size(), 102u);
  auto replies = p.Execute();
  ASSERT_TRUE(replies.ok()) << replies.error().ToString();
  ASSERT_EQ(replies->size(), 102u);
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE((*replies)[i].ok());
    EXPECT_EQ((*replies)[i]->integer(), i + 1);
  }
  ASSERT_FALSE((*replies)[100].ok());
  EXPECT_EQ((*replies)[100].error().code(), "WRONGTYPE");
  ASSERT_TRUE((*replies)[101].ok());
  EXPECT_EQ((*replies)[101]->str(), "100");
  EXPECT_EQ(p.size(), 0u);
}

}  // namespace
}  // namespace ember::testing
