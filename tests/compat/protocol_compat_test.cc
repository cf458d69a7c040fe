// The request format itself, compared with Redis: raw byte streams
// (inline commands, quoting, empty requests, every framing error) go to
// both servers, and the whole reply stream must be identical, including
// whether the server closed the connection afterwards.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/compat/compat.h"

namespace ember::testing::compat {
namespace {

struct Outcome {
  std::string replies;
  bool closed = false;
};

// Sends `bytes`, then a sentinel command, and collects replies until the
// sentinel's reply or the end of the connection.
Outcome Exchange(int port, const std::string& bytes) {
  static const std::string kSentinel = Resp({"ECHO", "__end_of_exchange__"});
  static const std::string kSentinelReply = "$19\r\n__end_of_exchange__\r\n";
  RawClient c(port);
  c.Send(bytes + kSentinel);
  Outcome out;
  for (;;) {
    std::string reply = c.ReadReplyBytes();
    if (reply.empty()) {
      out.closed = c.WaitClosed();
      if (!out.closed) out.replies += "<timeout>";
      return out;
    }
    if (reply == kSentinelReply) return out;
    out.replies += reply;
  }
}

TEST(ProtocolCompat, RawRequestsGetTheSameRepliesAndTheSameClosing) {
  Pair pair;
  ASSERT_TRUE(pair.ok());
  const std::vector<std::string> cases = {
      // Inline commands and their quoting.
      "PING\r\n",
      "PING\n",
      "ping hello\r\n",
      "SET k \"a b\"\r\nGET k\r\n",
      "ECHO \"\\x41\\x4a\\n\\r\\t\\b\\a\\\\\\\"\"\r\n",
      "ECHO 'single \\' quote'\r\n",
      "ECHO 'no \\n escapes'\r\n",
      "ECHO \"\\xZZ\"\r\n",
      "ECHO   spaced    words  \r\n",
      "\tECHO\ttabs\r\n",
      "SET \"\" empty-key\r\nGET \"\"\r\n",
      "ECHO \"unterminated\r\n",
      "ECHO 'unterminated\r\n",
      "ECHO \"a\"b\r\n",
      "ECHO 'a'b\r\n",
      "ECHO \"\"\r\n",
      "\r\n\r\n\n",
      "   \r\n",
      "NOSUCHCOMMAND a b\r\n",
      // Multibulk edge cases.
      "*0\r\n",
      "*-1\r\n",
      "*-10\r\n",
      "*1\r\n$4\r\nPING\r\n",
      "*1\r\n$4\r\nPINGxx",
      "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n",
      "*2\r\n$4\r\nECHO\r\n$3\r\na\r\n\r\n",
      "*1\r\n$-1\r\n",
      "*1\r\n$-5\r\n",
      "*1\r\n$+4\r\nPING\r\n",
      "*1\r\n$04\r\nPING\r\n",
      "*1\r\n$4 \r\nPING\r\n",
      "*1\r\n$x\r\n",
      "*1\r\n$\r\n",
      "*1\r\n$536870913\r\n",
      "*1\r\n$9223372036854775808\r\n",
      "*abc\r\n",
      "*\r\n",
      "*+1\r\n$4\r\nPING\r\n",
      "*01\r\n$4\r\nPING\r\n",
      "*2147483648\r\n",
      "*3\r\n$3\r\nSET\r\nxx\r\n",
      "*2\r\n$4\r\nECHO\r\n:1\r\n",
      "PING\r\n*1\r\n$x\r\nPING\r\n",
      // Lines over 64 KB without their end. Both servers check the limit
      // when a read leaves the line still unterminated, so the line must
      // stay unterminated well past 64 KB plus one read, or whether it is
      // refused depends on how the bytes were cut into reads.
      std::string(300000, 'a'),
      "*" + std::string(300000, '1'),
      "*1\r\n$" + std::string(300000, '1'),
  };
  for (const std::string& bytes : cases) {
    Outcome redis = Exchange(pair.redis_port(), bytes);
    Outcome ember = Exchange(pair.ember_port(), bytes);
    EXPECT_EQ(ember.replies, redis.replies) << "request: " << Printable(bytes, 120);
    EXPECT_EQ(ember.closed, redis.closed)
        << "request: " << Printable(bytes, 120) << "\n  redis closed: " << redis.closed
        << ", ember closed: " << ember.closed;
  }
}

}  // namespace
}  // namespace ember::testing::compat
