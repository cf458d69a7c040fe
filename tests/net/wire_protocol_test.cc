// What a client sees on the wire. TCP carries a byte stream, not messages:
// a server must accept a command cut anywhere, run a hundred commands that
// arrive in one packet and answer them in order, and speak the "inline"
// format humans type into telnet. A malformed frame cannot be skipped (the
// server no longer knows where the next command starts), so Redis answers
// "-ERR Protocol error: ..." and closes that connection; an ordinary command
// error keeps it open. Every test here sends raw bytes to a real Ember over
// loopback and checks the raw bytes that come back.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/net/wire.h"
#include "tests/support/net_support.h"

namespace ember::testing {
namespace {

TEST(Wire, RepliesAreTheExactRedisBytes) {
  EmberThread server;
  RawClient c(server.port());
  ASSERT_TRUE(c.connected());

  c.Send(Resp({"PING"}));
  EXPECT_EQ(c.ReadReplyBytes(), "+PONG\r\n");
  c.Send(Resp({"SET", "k", "hello"}));
  EXPECT_EQ(c.ReadReplyBytes(), "+OK\r\n");
  c.Send(Resp({"GET", "k"}));
  EXPECT_EQ(c.ReadReplyBytes(), "$5\r\nhello\r\n");
  c.Send(Resp({"GET", "missing"}));
  EXPECT_EQ(c.ReadReplyBytes(), "$-1\r\n");
  c.Send(Resp({"INCR", "n"}));
  EXPECT_EQ(c.ReadReplyBytes(), ":1\r\n");
  c.Send(Resp({"MGET", "k", "missing"}));
  EXPECT_EQ(c.ReadReplyBytes(), "*2\r\n$5\r\nhello\r\n$-1\r\n");
  c.Send(Resp({"SET", "empty", ""}));
  EXPECT_EQ(c.ReadReplyBytes(), "+OK\r\n");
  c.Send(Resp({"GET", "empty"}));
  EXPECT_EQ(c.ReadReplyBytes(), "$0\r\n\r\n");
  // Binary-safe: CR, LF and NUL inside a value travel untouched.
  std::string binary("a\r\nb\0c", 6);
  c.Send(Resp({"SET", "bin", binary}));
  EXPECT_EQ(c.ReadReplyBytes(), "+OK\r\n");
  c.Send(Resp({"GET", "bin"}));
  EXPECT_EQ(c.ReadReplyBytes(), "$6\r\n" + binary + "\r\n");
}

TEST(Wire, RepliesToTenThousandPipelinedCommandsInOrder) {
  EmberThread server;
  RawClient c(server.port());
  constexpr int kCommands = 10000;
  // One write: INCR, and every tenth command a SET/GET pair whose value
  // names its position, so any reordering or loss shows.
  std::string pipeline;
  std::vector<std::string> expected;
  for (int i = 0, n = 0; i < kCommands; ++i) {
    if (i % 10 == 8) {
      pipeline += Resp({"SET", "key:" + std::to_string(i), "value:" + std::to_string(i)});
      expected.push_back("+OK\r\n");
    } else if (i % 10 == 9) {
      std::string v = "value:" + std::to_string(i - 1);
      pipeline += Resp({"GET", "key:" + std::to_string(i - 1)});
      expected.push_back("$" + std::to_string(v.size()) + "\r\n" + v + "\r\n");
    } else {
      pipeline += Resp({"INCR", "counter"});
      expected.push_back(":" + std::to_string(++n) + "\r\n");
    }
  }
  c.Send(pipeline);
  for (int i = 0; i < kCommands; ++i) {
    std::string reply = c.ReadReplyBytes();
    ASSERT_EQ(reply, expected[i]) << "reply #" << i;
  }
  c.Send(Resp({"DBSIZE"}));
  EXPECT_EQ(c.ReadReplyBytes(), ":" + std::to_string(1 + kCommands / 10) + "\r\n");
}

// The client sends one byte at a time, and the server handles each byte
// before the next is sent: every possible cut of a command is exercised.
TEST(Wire, ParsesACommandDeliveredOneByteAtATime) {
  EmberThread server;
  RawClient c(server.port());
  RawClient other(server.port());
  const std::string request =
      Resp({"SET", "key", "a value\r\nwith CRLF"}) + Resp({"GET", "key"}) + "PING\r\n";
  for (char byte : request) {
    c.Send(std::string_view(&byte, 1));
    Barrier(other);
  }
  EXPECT_EQ(c.ReadReplyBytes(), "+OK\r\n");
  EXPECT_EQ(c.ReadReplyBytes(), "$18\r\na value\r\nwith CRLF\r\n");
  EXPECT_EQ(c.ReadReplyBytes(), "+PONG\r\n");
}

TEST(Wire, ParsesTwoPipelinedCommandsSplitAtEveryByte) {
  EmberThread server;
  RawClient other(server.port());
  const std::string request = Resp({"APPEND", "k", "xyz"}) + Resp({"STRLEN", "k"});
  for (size_t cut = 1; cut < request.size(); ++cut) {
    RawClient c(server.port());
    c.Send(Resp({"DEL", "k"}));
    ASSERT_EQ(c.ReadReplyBytes().substr(0, 1), ":");
    c.Send(request.substr(0, cut));
    Barrier(other);
    c.Send(request.substr(cut));
    ASSERT_EQ(c.ReadReplyBytes(), ":3\r\n") << "cut at byte " << cut;
    ASSERT_EQ(c.ReadReplyBytes(), ":3\r\n") << "cut at byte " << cut;
  }
}

TEST(Wire, InlineCommandsAreSplitLikeRedisCliArguments) {
  EmberThread server;
  RawClient c(server.port());
  c.Send("PING\r\n");
  EXPECT_EQ(c.ReadReplyBytes(), "+PONG\r\n");
  c.Send("SET k \"a b\"\r\n");
  EXPECT_EQ(c.ReadReplyBytes(), "+OK\r\n");
  c.Send("GET k\r\n");
  EXPECT_EQ(c.ReadReplyBytes(), "$3\r\na b\r\n");
  // A bare LF ends a line too; empty lines are skipped without a reply;
  // double quotes understand escapes, single quotes only \'.
  c.Send("ECHO \"x\\x41\\n\"\n\r\n\nECHO 'it\\'s'\n");
  EXPECT_EQ(c.ReadReplyBytes(), "$3\r\nxA\n\r\n");
  EXPECT_EQ(c.ReadReplyBytes(), "$4\r\nit's\r\n");
  // Inline and multibulk mix freely on one connection.
  c.Send("INCR n\r\n" + Resp({"INCR", "n"}) + "INCR n\r\n");
  EXPECT_EQ(c.ReadReplyBytes(), ":1\r\n");
  EXPECT_EQ(c.ReadReplyBytes(), ":2\r\n");
  EXPECT_EQ(c.ReadReplyBytes(), ":3\r\n");
}

TEST(Wire, EmptyMultibulkRequestsAreSkipped) {
  EmberThread server;
  RawClient c(server.port());
  c.Send("*0\r\n*-1\r\n" + Resp({"PING"}));
  EXPECT_EQ(c.ReadReplyBytes(), "+PONG\r\n");
}

TEST(Wire, TheTwoBytesAfterABulkPayloadAreNotChecked) {
  // Redis skips them without looking: "PINGxx" is read as "PING".
  EmberThread server;
  RawClient c(server.port());
  c.Send("*1\r\n$4\r\nPINGxx" + Resp({"PING"}));
  EXPECT_EQ(c.ReadReplyBytes(), "+PONG\r\n");
  EXPECT_EQ(c.ReadReplyBytes(), "+PONG\r\n");
}

struct FramingError {
  const char* what;
  std::string bytes;
  std::string reply;
};

std::vector<FramingError> FramingErrors() {
  const std::string proto = "-ERR Protocol error: ";
  return {
      {"count not a number", "*abc\r\n", proto + "invalid multibulk length\r\n"},
      {"count above INT_MAX", "*2147483648\r\n", proto + "invalid multibulk length\r\n"},
      {"negative bulk length", "*1\r\n$-5\r\n", proto + "invalid bulk length\r\n"},
      {"bulk length not a number", "*1\r\n$x\r\n", proto + "invalid bulk length\r\n"},
      {"bulk length with a plus sign", "*1\r\n$+4\r\nPING\r\n", proto + "invalid bulk length\r\n"},
      {"bulk length above proto-max-bulk-len", "*1\r\n$536870913\r\n",
       proto + "invalid bulk length\r\n"},
      {"argument without '$'", "*3\r\n$3\r\nSET\r\nxx\r\n", proto + "expected '$', got 'x'\r\n"},
      {"unbalanced quotes", "PING \"a\r\n", proto + "unbalanced quotes in request\r\n"},
      {"quote not followed by a space", "ECHO \"a\"b\r\n",
       proto + "unbalanced quotes in request\r\n"},
      {"inline line over 64 KB", std::string(70000, 'a'), proto + "too big inline request\r\n"},
      {"count line over 64 KB", "*" + std::string(70000, '1'),
       proto + "too big mbulk count string\r\n"},
      {"bulk length line over 64 KB", "*1\r\n$" + std::string(70000, '1'),
       proto + "too big bulk count string\r\n"},
  };
}

TEST(Wire, EachFramingErrorIsAnsweredThenTheConnectionCloses) {
  EmberThread server;
  RawClient bystander(server.port());
  for (const FramingError& e : FramingErrors()) {
    SCOPED_TRACE(e.what);
    RawClient c(server.port());
    // A command before the bad frame, in the same packet, still runs.
    c.Send("PING\r\n" + e.bytes);
    EXPECT_EQ(c.ReadReplyBytes(), "+PONG\r\n");
    EXPECT_EQ(c.ReadReplyBytes(), e.reply);
    EXPECT_TRUE(c.WaitClosed());
    // The other connection never noticed.
    bystander.Send(Resp({"ECHO", e.what}));
    EXPECT_EQ(bystander.ReadReplyBytes(),
              "$" + std::to_string(std::string(e.what).size()) + "\r\n" + e.what + "\r\n");
  }
}

TEST(Wire, BytesAfterAFramingErrorAreNeverRun) {
  EmberThread server;
  RawClient c(server.port());
  c.Send("*1\r\n$x\r\n" + Resp({"SET", "k", "v"}));
  EXPECT_EQ(c.ReadReplyBytes(), "-ERR Protocol error: invalid bulk length\r\n");
  EXPECT_TRUE(c.WaitClosed());
  RawClient check(server.port());
  check.Send(Resp({"EXISTS", "k"}));
  EXPECT_EQ(check.ReadReplyBytes(), ":0\r\n");
}

TEST(Wire, UnauthenticatedClientsMaySendOnlySmallRequests) {
  server::Config config;
  config.requirepass = "secret";
  EmberThread server(config);
  {
    RawClient c(server.port());
    c.Send("*11\r\n");
    EXPECT_EQ(c.ReadReplyBytes(), "-ERR Protocol error: unauthenticated multibulk length\r\n");
    EXPECT_TRUE(c.WaitClosed());
  }
  {
    RawClient c(server.port());
    c.Send("*1\r\n$16385\r\n");
    EXPECT_EQ(c.ReadReplyBytes(), "-ERR Protocol error: unauthenticated bulk length\r\n");
    EXPECT_TRUE(c.WaitClosed());
  }
  {
    // After AUTH the same request is fine.
    RawClient c(server.port());
    c.Send(Resp({"AUTH", "secret"}));
    EXPECT_EQ(c.ReadReplyBytes(), "+OK\r\n");
    c.Send(Resp({"SET", "k", std::string(16385, 'v')}));
    EXPECT_EQ(c.ReadReplyBytes(), "+OK\r\n");
    c.Send(Resp({"STRLEN", "k"}));
    EXPECT_EQ(c.ReadReplyBytes(), ":16385\r\n");
  }
}

TEST(Wire, ACommandErrorKeepsTheConnectionOpen) {
  EmberThread server;
  RawClient c(server.port());
  c.Send(Resp({"FOO", "bar"}));
  EXPECT_EQ(c.ReadReplyBytes(), "-ERR unknown command 'FOO', with args beginning with: 'bar' \r\n");
  c.Send(Resp({"GET"}));
  EXPECT_EQ(c.ReadReplyBytes(), "-ERR wrong number of arguments for 'get' command\r\n");
  c.Send(Resp({"SET", "k", "v", "NX", "XX"}));
  EXPECT_EQ(c.ReadReplyBytes(), "-ERR syntax error\r\n");
  c.Send(Resp({"SET", "k", "notanumber"}));
  EXPECT_EQ(c.ReadReplyBytes(), "+OK\r\n");
  c.Send(Resp({"INCR", "k"}));
  EXPECT_EQ(c.ReadReplyBytes(), "-ERR value is not an integer or out of range\r\n");
  c.Send(Resp({"PING"}));
  EXPECT_EQ(c.ReadReplyBytes(), "+PONG\r\n");
}

}  // namespace
}  // namespace ember::testing
