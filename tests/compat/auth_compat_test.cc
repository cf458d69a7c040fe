// Authentication compared with Redis 7.0 byte for byte: with requirepass
// set, a new connection gets NOAUTH for everything but AUTH, HELLO, RESET
// and QUIT (unknown commands and wrong arities are still reported as
// such); a wrong password is WRONGPASS in both AUTH forms and in HELLO
// AUTH; HELLO without AUTH is refused with its own NOAUTH text; ACL WHOAMI
// names the default user. Without a password, the one-argument AUTH is an
// error and the two-argument one accepts any password for "default". Before
// authenticating, a request may have at most 10 arguments of at most 16 KB.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/compat/compat.h"

namespace ember::testing::compat {
namespace {

// Sets requirepass on both servers through connections that stay
// authenticated (a connection made before the password keeps its access).
void SetPassword(const Pair& pair, const std::string& password) {
  for (int port : {pair.redis_port(), pair.ember_port()}) {
    RawClient admin(port);
    if (!password.empty()) {
      admin.SendCommand({"CONFIG", "SET", "requirepass", password});
    } else {
      admin.SendCommand({"AUTH", "default", "secret"});
      admin.ReadReplyBytes();
      admin.SendCommand({"CONFIG", "SET", "requirepass", ""});
    }
    ASSERT_EQ(admin.ReadReplyBytes(), "+OK\r\n") << "port " << port;
  }
}

TEST(AuthCompat, BeforeAuthenticationOnlyTheHandshakeCommandsRun) {
  Pair pair;
  ASSERT_TRUE(pair.ok());
  SetPassword(pair, "secret");
  Session s(pair);
  s.Run({
      Exact("PING"),
      Exact("GET"),  // the arity error comes first
      Exact("NOSUCHCOMMAND x"),
      Exact("SET k v"),
      Exact("ACL WHOAMI"),
      Exact("CLIENT SETNAME before"),
      Exact("MULTI"),
      Exact("AUTH wrong"),
      Exact("AUTH default wrong"),
      Exact("AUTH nobody secret"),
      Exact("AUTH a b c"),
      Exact("HELLO 3"),
      Exact("HELLO 3 AUTH default wrong"),
      Exact("HELLO 2 AUTH default"),
      Exact("HELLO 4 AUTH default secret"),
      Exact("HELLO 3 SETNAME x"),
      Exact("PING"),
      Exact("AUTH secret"),
      Exact("PING"),
      Exact("ACL WHOAMI"),
      Exact("AUTH default secret"),
      Exact("AUTH default wrong"),
      Exact("PING"),  // a failed AUTH does not log out
      Exact("RESET"),
      Exact("PING"),  // RESET does
      Skip("HELLO 3 AUTH default secret"),
      Exact("ACL WHOAMI"),
      Exact("CLIENT GETNAME"),
      Skip("HELLO 2 SETNAME named"),
      Exact("CLIENT GETNAME"),
      Exact("HELLO 2 SETNAME other BADOPTION"),
      Exact("CLIENT GETNAME"),  // applied before the bad option, as in 7.0
      Exact("QUIT"),
  });
}

TEST(AuthCompat, WithoutAPasswordAuthSaysSo) {
  Pair pair;
  ASSERT_TRUE(pair.ok());
  Session s(pair);
  s.Run({
      Exact("AUTH anything"),
      Exact("AUTH default anything"),
      Exact("AUTH nobody anything"),
      Skip("HELLO 3 AUTH default anything"),
      Exact("HELLO 2 AUTH nobody anything"),
      Exact("ACL WHOAMI"),
  });
}

TEST(AuthCompat, AclSubcommandsEmberHasAnswerAsRedisDoes) {
  Pair pair;
  ASSERT_TRUE(pair.ok());
  Session s(pair);
  s.Run({
      Exact("ACL WHOAMI"),
      Exact("ACL WHOAMI extra"),
      Exact("ACL USERS"),
      Exact("ACL CAT"),
      Exact("ACL CAT nosuch"),
      Exact("ACL CAT a b"),
      Exact("ACL GENPASS 0"),
      Exact("ACL GENPASS 4097"),
      Exact("ACL GENPASS x"),
      Skip("ACL GENPASS"),
      Exact("ACL"),
  });
  // A password of `bits` random bits: as many hex digits as they need.
  for (const char* bits : {"1", "5", "256", "4096"}) {
    std::string redis = s.redis().Call({"ACL", "GENPASS", bits}).str();
    std::string ember = s.ember().Call({"ACL", "GENPASS", bits}).str();
    EXPECT_EQ(ember.size(), redis.size()) << bits;
    EXPECT_EQ(ember.find_first_not_of("0123456789abcdef"), std::string::npos) << ember;
  }
}

// Raw bytes an unauthenticated client sends, and whether the connection is
// closed afterwards, on both servers.
std::string Exchange(int port, const std::string& bytes) {
  RawClient c(port);
  c.Send(bytes);
  std::string out;
  for (std::string r = c.ReadReplyBytes(); !r.empty(); r = c.ReadReplyBytes()) out += r;
  return out + (c.WaitClosed() ? "<closed>" : "<open>");
}

TEST(AuthCompat, UnauthenticatedRequestsAreSmall) {
  Pair pair;
  ASSERT_TRUE(pair.ok());
  SetPassword(pair, "secret");
  const std::vector<std::string> cases = {
      "*11\r\n",
      Resp({"MSET", "a", "1", "b", "2", "c", "3", "d", "4", "e"}) + "QUIT\r\n",
      "*1\r\n$16385\r\n",
      "*2\r\n$4\r\nAUTH\r\n$16384\r\n" + std::string(16384, 'x') + "\r\nQUIT\r\n",
  };
  for (const std::string& bytes : cases) {
    std::string redis = Exchange(pair.redis_port(), bytes);
    std::string ember = Exchange(pair.ember_port(), bytes);
    EXPECT_EQ(Printable(ember), Printable(redis)) << "request: " << Printable(bytes, 40);
  }
}

}  // namespace
}  // namespace ember::testing::compat
