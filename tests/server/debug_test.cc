// DEBUG and SHUTDOWN: the commands that reach past the dataset into the
// server itself.
//
// DEBUG is one command that checks its own subcommands (Redis lists no
// subcommands for it), refused unless enable-debug-command allows it:
// "yes", or "local" for clients on a loopback address. DEBUG SLEEP stops
// the whole server; DEBUG SET-ACTIVE-EXPIRE 0 stops the cron from deleting
// expired keys (lazy expiry on access still works); DEBUG OBJECT describes
// a value the way Redis does.
//
// SHUTDOWN takes Redis 7.0's options; when it succeeds there is no reply:
// the server asks the process around it to stop (ServerHooks), and the
// client that asked runs nothing more.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/command_harness.h"
#include "tests/support/matchers.h"

namespace ember::testing {
namespace {

using ::testing::HasSubstr;

const char kNotAllowed[] =
    "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you "
    "can run it from a local connection, otherwise you need to set this option in the "
    "configuration file, and then restart the server.";

server::Config DebugSetting(std::string setting) {
  server::Config c = CommandHarness::DefaultConfig();
  c.enable_debug_command = std::move(setting);
  return c;
}

class FakeHooks : public server::ServerHooks {
 public:
  void RequestShutdown(int code) override {
    ++shutdowns;
    exit_code = code;
  }
  std::string Rebind() override { return ""; }
  int shutdowns = 0;
  int exit_code = -1;
};

// --- Who may run DEBUG ---

TEST(Debug, IsRefusedByDefault) {
  CommandHarness h(DebugSetting("no"));
  EXPECT_THAT(h.Run({"DEBUG", "SLEEP", "0"}), IsError(kNotAllowed));
  // Even an unknown subcommand gets the refusal, not a syntax error...
  EXPECT_THAT(h.Run({"DEBUG", "foo"}), IsError(kNotAllowed));
  // ...but the arity is checked first, by the dispatcher.
  EXPECT_THAT(h.Run({"DEBUG"}), IsError("ERR wrong number of arguments for 'debug' command"));
}

TEST(Debug, LocalAllowsOnlyLoopbackClients) {
  CommandHarness h(DebugSetting("local"));
  EXPECT_THAT(h.Run({"DEBUG", "SLEEP", "0"}), IsOk());  // 127.0.0.1
  server::Client& v6 = h.NewClient();
  v6.addr = "::1:50000";
  EXPECT_THAT(h.RunAs(v6, {"DEBUG", "SLEEP", "0"}), IsOk());
  server::Client& remote = h.NewClient();
  remote.addr = "192.168.1.20:50000";
  EXPECT_THAT(h.RunAs(remote, {"DEBUG", "SLEEP", "0"}), IsError(kNotAllowed));
}

TEST(Debug, YesAllowsEveryone) {
  CommandHarness h(DebugSetting("yes"));
  server::Client& remote = h.NewClient();
  remote.addr = "192.168.1.20:50000";
  EXPECT_THAT(h.RunAs(remote, {"DEBUG", "SLEEP", "0"}), IsOk());
}

// --- Subcommands ---

TEST(Debug, UnknownSubcommandOrWrongArityNamesItAsGiven) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"DEBUG", "foo"}),
              IsError("ERR unknown subcommand or wrong number of arguments for 'foo'. Try DEBUG "
                      "HELP."));
  EXPECT_THAT(h.Run({"DEBUG", "Sleep"}),
              IsError("ERR unknown subcommand or wrong number of arguments for 'Sleep'. Try "
                      "DEBUG HELP."));
  EXPECT_THAT(h.Run({"DEBUG", "HELP", "me"}),
              IsError("ERR unknown subcommand or wrong number of arguments for 'HELP'. Try "
                      "DEBUG HELP."));
}

TEST(Debug, HelpListsWhatEmberImplements) {
  CommandHarness h;
  protocol::Value help = h.Run({"DEBUG", "help"});
  ASSERT_TRUE(help.IsAggregate());
  std::vector<std::string> lines;
  for (const protocol::Value& v : help.elements()) lines.push_back(v.str());
  EXPECT_EQ(lines.front(), "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  EXPECT_THAT(lines, ::testing::Contains("OBJECT <key>"));
  EXPECT_THAT(lines, ::testing::Contains("SET-ACTIVE-EXPIRE <0|1>"));
  EXPECT_THAT(lines, ::testing::Contains("SLEEP <seconds>"));
  EXPECT_THAT(lines, ::testing::Contains("    Stop the server for <seconds>. Decimals allowed."));
  EXPECT_EQ(lines.back(), "    Prints this help.");
}

TEST(Debug, SleepAcceptsWhatStrtodAccepts) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"DEBUG", "SLEEP", "0"}), IsOk());
  EXPECT_THAT(h.Run({"DEBUG", "SLEEP", "0.001"}), IsOk());
  // As in Redis: junk reads as 0 and a negative time does not sleep.
  EXPECT_THAT(h.Run({"DEBUG", "SLEEP", "abc"}), IsOk());
  EXPECT_THAT(h.Run({"DEBUG", "SLEEP", "-5"}), IsOk());
}

TEST(Debug, SetActiveExpireZeroLeavesExpiredKeysToLazyExpiry) {
  CommandHarness h;
  h.Run({"SET", "a", "1", "PX", "100"});
  h.Run({"SET", "b", "1", "PX", "100"});
  EXPECT_THAT(h.Run({"DEBUG", "SET-ACTIVE-EXPIRE", "0"}), IsOk());
  EXPECT_FALSE(h.server().config().active_expire_enabled);
  h.AdvanceMs(200);
  h.server().Cron();
  // Nothing deleted them: both still take space.
  EXPECT_THAT(h.Run({"DBSIZE"}), IsInt(2));
  // Touching one still expires it.
  EXPECT_THAT(h.Run({"GET", "a"}), IsNil());
  EXPECT_THAT(h.Run({"DBSIZE"}), IsInt(1));

  EXPECT_THAT(h.Run({"DEBUG", "set-active-expire", "1"}), IsOk());
  h.server().Cron();
  EXPECT_THAT(h.Run({"DBSIZE"}), IsInt(0));
  EXPECT_THAT(h.Run({"INFO", "stats"}).str(), HasSubstr("expired_keys:2\r\n"));
}

TEST(Debug, SetActiveExpireReadsItsArgumentLikeAtoi) {
  CommandHarness h;
  h.Run({"DEBUG", "SET-ACTIVE-EXPIRE", "no"});  // not a number: 0
  EXPECT_FALSE(h.server().config().active_expire_enabled);
  h.Run({"DEBUG", "SET-ACTIVE-EXPIRE", "2"});
  EXPECT_TRUE(h.server().config().active_expire_enabled);
}

// DEBUG OBJECT's reply, checked for Redis's layout
//   "Value at:0x... refcount:1 encoding:E serializedlength:N lru:L lru_seconds_idle:I"
// and returned as fields ("encoding" -> "embstr", ...); empty if malformed.
std::map<std::string, std::string> DescribeObject(CommandHarness& h, std::string_view key) {
  protocol::Value v = h.Run({"DEBUG", "OBJECT", key});
  EXPECT_EQ(v.type(), protocol::Type::kSimpleString) << v.DebugString();
  std::map<std::string, std::string> f;
  std::istringstream in(v.str());
  std::string word;
  if (!(in >> word) || word != "Value") return {};
  while (in >> word) {
    size_t colon = word.find(':');
    if (colon == std::string::npos) return {};
    f[word.substr(0, colon)] = word.substr(colon + 1);
  }
  std::string rebuilt = "Value at:" + f["at"] + " refcount:" + f["refcount"] +
                        " encoding:" + f["encoding"] +
                        " serializedlength:" + f["serializedlength"] + " lru:" + f["lru"] +
                        " lru_seconds_idle:" + f["lru_seconds_idle"];
  EXPECT_EQ(v.str(), rebuilt);
  EXPECT_EQ(f.size(), 6u) << v.str();
  EXPECT_TRUE(f["at"].starts_with("0x")) << v.str();
  EXPECT_EQ(f["refcount"], "1");
  return f;
}

// Letters from a fixed pseudo-random sequence: LZF cannot shorten them, so
// Redis stores them uncompressed and the sizes below are its own.
std::string Incompressible(size_t n) {
  std::string out;
  uint64_t x = 12345;
  for (size_t i = 0; i < n; ++i) {
    x = (x * 1103515245 + 12345) % (1ULL << 31);
    out.push_back(static_cast<char>('a' + (x >> 16) % 26));
  }
  return out;
}

TEST(Debug, ObjectDescribesEncodingAndRdbSize) {
  CommandHarness h;
  struct Case {
    std::string value;
    std::string encoding;
    int serialized;  // what redis-server 7.0 reports
  };
  const Case cases[] = {
      {"v", "embstr", 2},             // 1 length byte + 1
      {"123", "int", 2},              // 8-bit integer encoding
      {"-5", "int", 2},               //
      {"300", "int", 3},              // 16-bit
      {"100000", "int", 5},           // 32-bit
      {"12345678901234", "int", 15},  // too wide: written as a string
      {Incompressible(44), "embstr", 45},
      {Incompressible(64), "raw", 66},  // 2 length bytes from 64 on
      {Incompressible(100), "raw", 102},
  };
  for (const Case& c : cases) {
    h.Run({"SET", "k", c.value});
    auto f = DescribeObject(h, "k");
    EXPECT_EQ(f["encoding"], c.encoding) << c.value;
    EXPECT_EQ(f["serializedlength"], std::to_string(c.serialized)) << c.value;
  }
}

TEST(Debug, ObjectCountsLzfCompressionWhenRdbcompressionIsOn) {
  CommandHarness h;
  h.Run({"SET", "k", std::string(1000, 'x')});
  // Compressed as an RDB save would (Ember's LZF output is not byte for
  // byte Redis's, so only "much smaller" is Redis's behaviour here).
  EXPECT_LT(std::stoi(DescribeObject(h, "k")["serializedlength"]), 100);
  h.Run({"CONFIG", "SET", "rdbcompression", "no"});
  EXPECT_EQ(DescribeObject(h, "k")["serializedlength"], "1002");  // as redis-server
}

// A sorted set's serializedlength is what an RDB file holds for it: the
// listpack's bytes, or each member with an 8-byte score. The sizes are
// redis-server 7.0.15's for the same commands, with rdbcompression off.
TEST(Debug, ObjectMeasuresSortedSetsAsRedisDoes) {
  CommandHarness h;
  h.Run({"CONFIG", "SET", "rdbcompression", "no"});
  h.Run({"ZADD", "small", "1", "a", "2.5", "b", "-3", "c"});
  for (int i = 1; i <= 200; ++i) h.Run({"ZADD", "big", std::to_string(i), "m" + std::to_string(i)});
  h.Run({"ZADD", "long", "1.5", std::string(70, 'x')});
  auto small = DescribeObject(h, "small");
  EXPECT_EQ(small["encoding"], "listpack");
  EXPECT_EQ(small["serializedlength"], "27");
  auto big = DescribeObject(h, "big");
  EXPECT_EQ(big["encoding"], "skiplist");
  EXPECT_EQ(big["serializedlength"], "2494");
  auto long_member = DescribeObject(h, "long");
  EXPECT_EQ(long_member["encoding"], "skiplist");
  EXPECT_EQ(long_member["serializedlength"], "81");
}

TEST(Debug, ObjectNamesTheEncodingOfOtherTypes) {
  CommandHarness h;
  h.Run({"RPUSH", "list", "a", "b", "c"});
  auto f = DescribeObject(h, "list");
  EXPECT_EQ(f["encoding"], h.Run({"OBJECT", "ENCODING", "list"}).str());
}

TEST(Debug, ObjectShowsTheLruClockWithoutTouchingIt) {
  CommandHarness h;
  h.Run({"SET", "k", "v"});
  h.AdvanceMs(5000);
  auto f = DescribeObject(h, "k");
  EXPECT_EQ(f["lru_seconds_idle"], "5");
  EXPECT_EQ(f["lru"], std::to_string((h.NowMs() / 1000 - 5) & ((1 << 24) - 1)));
  h.AdvanceMs(2000);
  // DEBUG OBJECT itself did not refresh it.
  EXPECT_EQ(DescribeObject(h, "k")["lru_seconds_idle"], "7");
}

TEST(Debug, ObjectOfAMissingKey) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"DEBUG", "OBJECT", "nope"}), IsError("ERR no such key"));
  h.Run({"SET", "gone", "v", "PX", "10"});
  h.AdvanceMs(20);
  EXPECT_THAT(h.Run({"DEBUG", "OBJECT", "gone"}), IsError("ERR no such key"));
}

// --- SHUTDOWN ---

TEST(Shutdown, StopsTheServerWithoutAReply) {
  CommandHarness h;
  FakeHooks hooks;
  h.server().set_hooks(&hooks);
  EXPECT_EQ(h.RunRaw({"SHUTDOWN", "NOSAVE"}), "");
  EXPECT_EQ(hooks.shutdowns, 1);
  EXPECT_EQ(hooks.exit_code, 0);
  // The connection runs nothing it pipelined after SHUTDOWN.
  EXPECT_TRUE(h.client().has_flag(server::Client::kCloseAfterReply));
  h.server().set_hooks(nullptr);
}

TEST(Shutdown, PlainShutdownStopsEvenWithSavePointsSet) {
  // Nothing can be saved yet: the implied save is skipped (and logged).
  server::Config config = CommandHarness::DefaultConfig();
  config.save = {{3600, 1}};
  CommandHarness h(config);
  FakeHooks hooks;
  h.server().set_hooks(&hooks);
  EXPECT_EQ(h.RunRaw({"shutdown"}), "");
  EXPECT_EQ(hooks.shutdowns, 1);
  h.server().set_hooks(nullptr);
}

TEST(Shutdown, AnExplicitSaveThatCannotHappenKeepsTheServerUp) {
  CommandHarness h;
  FakeHooks hooks;
  h.server().set_hooks(&hooks);
  // A snapshot that cannot be written: its directory does not exist.
  h.server().config().dbfilename = "no-such-directory/dump.rdb";
  EXPECT_THAT(h.Run({"SHUTDOWN", "SAVE"}), IsError("ERR Errors trying to SHUTDOWN. Check logs."));
  EXPECT_EQ(hooks.shutdowns, 0);
  EXPECT_THAT(h.Run({"PING"}), IsSimple("PONG"));
  // FORCE: exit anyway.
  EXPECT_EQ(h.RunRaw({"SHUTDOWN", "SAVE", "NOW", "FORCE"}), "");
  EXPECT_EQ(hooks.shutdowns, 1);
  h.server().set_hooks(nullptr);
}

TEST(Shutdown, OptionsFollowRedis70) {
  CommandHarness h;
  FakeHooks hooks;
  h.server().set_hooks(&hooks);
  EXPECT_THAT(h.Run({"SHUTDOWN", "foo"}), IsError("ERR syntax error"));
  EXPECT_THAT(h.Run({"SHUTDOWN", "NOSAVE", "SAVE"}), IsError("ERR syntax error"));
  EXPECT_THAT(h.Run({"SHUTDOWN", "ABORT", "NOW"}), IsError("ERR syntax error"));
  // No shutdown ever waits (there are no replicas), so none can be aborted.
  EXPECT_THAT(h.Run({"SHUTDOWN", "abort"}), IsError("ERR No shutdown in progress."));
  EXPECT_THAT(h.Run({"SHUTDOWN", "ABORT", "ABORT"}), IsError("ERR No shutdown in progress."));
  EXPECT_EQ(hooks.shutdowns, 0);
  // Repeated flags are fine.
  EXPECT_EQ(h.RunRaw({"SHUTDOWN", "now", "NOW", "nosave", "force"}), "");
  EXPECT_EQ(hooks.shutdowns, 1);
  h.server().set_hooks(nullptr);
}

}  // namespace
}  // namespace ember::testing
