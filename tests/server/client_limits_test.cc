// The limits Redis puts on clients, decided without sockets.
//
// Protected mode: with `protected-mode yes` and no password, only clients
// whose address is exactly 127.0.0.1 or ::1 may connect (Redis compares the
// address text, so 127.0.0.2 is refused too); a password or
// `protected-mode no` lifts it. Output buffer limits: each class of client
// (normal, replica, pubsub) has a hard limit that disconnects at once and a
// soft limit that disconnects only when exceeded continuously for longer
// than its grace period; `client-output-buffer-limit` sets them, a class at
// a time, all-or-nothing, with Redis's error texts. CLIENT LIST reports
// each connection's state in Redis 7.0's fields and flag letters.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>

#include "server/client_limits.h"
#include "server/config.h"
#include "tests/support/command_harness.h"
#include "tests/support/matchers.h"

namespace ember::testing {
namespace {

using server::ClientClass;
using server::Config;
using server::OutputBufferLimit;
using server::OutputLimitTracker;

std::map<std::string, std::string> ClientFields(const std::string& line) {
  std::map<std::string, std::string> fields;
  std::istringstream in(line);
  std::string word;
  while (in >> word) {
    size_t eq = word.find('=');
    fields[word.substr(0, eq)] = eq == std::string::npos ? "" : word.substr(eq + 1);
  }
  return fields;
}

// --- Protected mode ---

TEST(ProtectedMode, WithoutPasswordOnlyTheTwoLoopbackAddressesMayConnect) {
  Config config;
  EXPECT_FALSE(server::ProtectedModeDenies(config, "127.0.0.1"));
  EXPECT_FALSE(server::ProtectedModeDenies(config, "::1"));
  EXPECT_TRUE(server::ProtectedModeDenies(config, "192.0.2.7"));
  EXPECT_TRUE(server::ProtectedModeDenies(config, "2001:db8::7"));
  // Redis compares the address text: the rest of 127/8 is not "local".
  EXPECT_TRUE(server::ProtectedModeDenies(config, "127.0.0.2"));
}

TEST(ProtectedMode, APasswordOrProtectedModeNoLetsEveryoneConnect) {
  Config with_password;
  with_password.requirepass = "secret";
  EXPECT_FALSE(server::ProtectedModeDenies(with_password, "192.0.2.7"));
  Config off;
  off.protected_mode = false;
  EXPECT_FALSE(server::ProtectedModeDenies(off, "192.0.2.7"));
}

TEST(ProtectedMode, IsAParameterThatConfigSetChanges) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"CONFIG", "GET", "protected-mode"}),
              IsBulkArray(std::vector<std::string>{"protected-mode", "yes"}));
  EXPECT_THAT(h.Run({"CONFIG", "SET", "protected-mode", "no"}), IsOk());
  EXPECT_FALSE(h.server().config().protected_mode);
  EXPECT_THAT(h.Run({"CONFIG", "SET", "protected-mode", "maybe"}),
              IsError("ERR CONFIG SET failed (possibly related to argument 'protected-mode') - "
                      "argument must be 'yes' or 'no'"));
}

// --- Output buffer limits ---

TEST(OutputLimit, TheHardLimitIsReachedAtOnce) {
  OutputLimitTracker t;
  OutputBufferLimit limit{1000, 0, 0};
  EXPECT_FALSE(t.Reached(limit, 999, 0));
  EXPECT_TRUE(t.Reached(limit, 1000, 0));
}

TEST(OutputLimit, TheSoftLimitMustBeExceededForLongerThanItsGracePeriod) {
  OutputLimitTracker t;
  OutputBufferLimit limit{0, 100, 2};
  EXPECT_FALSE(t.Reached(limit, 150, 10'000));  // the clock starts
  EXPECT_FALSE(t.Reached(limit, 150, 11'000));
  EXPECT_FALSE(t.Reached(limit, 150, 12'000));  // exactly 2 s: not more than 2
  EXPECT_TRUE(t.Reached(limit, 150, 12'001));
}

TEST(OutputLimit, DroppingBelowTheSoftLimitStartsTheGracePeriodAfresh) {
  OutputLimitTracker t;
  OutputBufferLimit limit{0, 100, 2};
  EXPECT_FALSE(t.Reached(limit, 150, 10'000));
  EXPECT_FALSE(t.Reached(limit, 50, 11'000));  // the client read some
  EXPECT_FALSE(t.Reached(limit, 150, 12'500));
  EXPECT_FALSE(t.Reached(limit, 150, 14'000));
  EXPECT_TRUE(t.Reached(limit, 150, 14'501));
}

TEST(OutputLimit, ZeroMeansNoLimit) {
  OutputLimitTracker t;
  EXPECT_FALSE(t.Reached({0, 0, 0}, size_t{1} << 40, 0));
  EXPECT_FALSE(t.Reached({0, 0, 0}, size_t{1} << 40, 1'000'000));
}

TEST(OutputLimit, SubscribedClientsAreInThePubsubClass) {
  CommandHarness h;
  EXPECT_EQ(server::ClassOf(h.client()), ClientClass::kNormal);
  h.client().set_flag(server::Client::kPubSub);
  EXPECT_EQ(server::ClassOf(h.client()), ClientClass::kPubSub);
}

TEST(OutputLimitConfig, DefaultsAreRedisOnes) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"CONFIG", "GET", "client-output-buffer-limit"}),
              IsBulkArray(std::vector<std::string>{
                  "client-output-buffer-limit",
                  "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"}));
}

TEST(OutputLimitConfig, ConfigSetChangesOnlyTheClassesItNames) {
  CommandHarness h;
  EXPECT_THAT(
      h.Run({"CONFIG", "SET", "client-output-buffer-limit", "NORMAL 1k 2mb 3 pubsub 10 20 30"}),
      IsOk());
  EXPECT_THAT(h.Run({"CONFIG", "GET", "client-output-buffer-limit"}),
              IsBulkArray(std::vector<std::string>{
                  "client-output-buffer-limit",
                  "normal 1000 2097152 3 slave 268435456 67108864 60 pubsub 10 20 30"}));
  EXPECT_THAT(h.Run({"CONFIG", "SET", "client-output-buffer-limit", "replica 5 6 7"}), IsOk());
  EXPECT_EQ(h.server().config().client_output_buffer_limit[1], (OutputBufferLimit{5, 6, 7}));
  EXPECT_THAT(h.Run({"CONFIG", "SET", "client-output-buffer-limit", ""}), IsOk());
  EXPECT_EQ(h.server().config().client_output_buffer_limit[1], (OutputBufferLimit{5, 6, 7}));
}

TEST(OutputLimitConfig, ABadQuadrupleChangesNothing) {
  CommandHarness h;
  auto failed = [](const std::string& why) {
    return IsError(
        "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - " +
        why);
  };
  EXPECT_THAT(h.Run({"CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 2mb"}),
              failed("Wrong number of arguments in buffer limit configuration."));
  EXPECT_THAT(h.Run({"CONFIG", "SET", "client-output-buffer-limit", "normal 1 2 3 master 1 2 3"}),
              failed("Invalid client class specified in buffer limit configuration."));
  EXPECT_THAT(h.Run({"CONFIG", "SET", "client-output-buffer-limit", "normal x 2 3"}),
              failed("Error in hard, soft or soft_seconds setting in buffer limit configuration."));
  EXPECT_THAT(h.Run({"CONFIG", "SET", "client-output-buffer-limit", "normal 1 2 -3"}),
              failed("Error in hard, soft or soft_seconds setting in buffer limit configuration."));
  EXPECT_EQ(h.server().config().client_output_buffer_limit, Config{}.client_output_buffer_limit);
}

TEST(OutputLimitConfig, FileLinesSetOneClassEachAndRewriteWritesThemBack) {
  Config config;
  std::string error;
  ASSERT_TRUE(server::ParseConfigText(
      "client-output-buffer-limit normal 1mb 512kb 10\nclient-output-buffer-limit pubsub 0 0 0\n",
      &config, &error))
      << error;
  EXPECT_EQ(config.client_output_buffer_limit[0], (OutputBufferLimit{1 << 20, 512 << 10, 10}));
  EXPECT_EQ(config.client_output_buffer_limit[2], (OutputBufferLimit{0, 0, 0}));
  std::string text = server::RewriteConfigText("", config);
  EXPECT_THAT(text, ::testing::HasSubstr("client-output-buffer-limit normal 1mb 512kb 10\n"));
  EXPECT_THAT(text, ::testing::HasSubstr("client-output-buffer-limit pubsub 0 0 0\n"));
  // The replica class is at its default: not written.
  EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("replica")));
  Config again;
  ASSERT_TRUE(server::ParseConfigText(text, &again, &error)) << error;
  EXPECT_EQ(again.client_output_buffer_limit, config.client_output_buffer_limit);
}

// --- CLIENT LIST fields ---

TEST(ClientList, FieldsAreRedisSevenInRedisOrder) {
  CommandHarness h;
  std::string line = h.Run({"CLIENT", "INFO"}).str();
  std::vector<std::string> names;
  std::istringstream in(line);
  std::string word;
  while (in >> word) names.push_back(word.substr(0, word.find('=')));
  EXPECT_THAT(names, ::testing::ElementsAre("id", "addr", "laddr", "fd", "name", "age", "idle",
                                            "flags", "db", "sub", "psub", "ssub", "multi", "qbuf",
                                            "qbuf-free", "argv-mem", "multi-mem", "rbs", "rbp",
                                            "obl", "oll", "omem", "tot-mem", "events", "cmd",
                                            "user", "redir", "resp", "lib-name", "lib-ver"));
}

TEST(ClientList, ArgvMemIsTheSizeOfTheCommandBeingRun) {
  CommandHarness h;
  // "client" + "info": 10 bytes, as Redis reports it.
  EXPECT_EQ(ClientFields(h.Run({"CLIENT", "INFO"}).str())["argv-mem"], "10");
  server::Client& other = h.NewClient();
  h.RunAs(other, {"PING"});
  std::string list = h.Run({"CLIENT", "LIST", "ID", std::to_string(other.id())}).str();
  EXPECT_EQ(ClientFields(list)["argv-mem"], "0");  // between commands, nothing
}

TEST(ClientList, MultiCountsTheQueuedCommandsAndFlagsShowTheTransaction) {
  CommandHarness h;
  server::Client& tx = h.NewClient();
  h.RunAs(tx, {"WATCH", "k"});
  h.RunAs(tx, {"MULTI"});
  h.RunAs(tx, {"SET", "k", "v"});
  h.RunAs(tx, {"GET", "k"});
  h.Run({"SET", "k", "other"});  // touches the WATCHed key: d
  auto f = ClientFields(h.Run({"CLIENT", "LIST", "ID", std::to_string(tx.id())}).str());
  EXPECT_EQ(f["multi"], "2");
  EXPECT_EQ(f["flags"], "xd");
  EXPECT_EQ(f["cmd"], "get");  // the last command, even queued
  EXPECT_NE(f["multi-mem"], "0");
  EXPECT_EQ(ClientFields(h.Run({"CLIENT", "INFO"}).str())["multi"], "-1");
}

TEST(ClientList, PubsubClientsHaveTheFlagPAndTheirOwnType) {
  CommandHarness h;
  server::Client& sub = h.NewClient();
  sub.set_flag(server::Client::kPubSub);
  std::string pubsub = h.Run({"CLIENT", "LIST", "TYPE", "pubsub"}).str();
  EXPECT_EQ(ClientFields(pubsub)["id"], std::to_string(sub.id()));
  EXPECT_EQ(ClientFields(pubsub)["flags"], "P");
  std::string normal = h.Run({"CLIENT", "LIST", "TYPE", "normal"}).str();
  EXPECT_EQ(normal.find("id=" + std::to_string(sub.id()) + " "), std::string::npos);
  EXPECT_NE(normal.find("id=" + std::to_string(h.client().id()) + " "), std::string::npos);
  EXPECT_EQ(h.Run({"CLIENT", "LIST", "TYPE", "replica"}).str(), "");
}

TEST(ClientKill, TypeSelectsPubsubOrNormalClients) {
  CommandHarness h;
  server::Client& sub = h.NewClient();
  sub.set_flag(server::Client::kPubSub);
  h.NewClient();
  // No transports here: the count is what Redis would answer.
  EXPECT_THAT(h.Run({"CLIENT", "KILL", "TYPE", "pubsub"}), IsInt(1));
  EXPECT_THAT(h.Run({"CLIENT", "KILL", "TYPE", "normal"}), IsInt(1));  // SKIPME yes
  EXPECT_THAT(h.Run({"CLIENT", "KILL", "TYPE", "master"}), IsInt(0));
  EXPECT_THAT(h.Run({"CLIENT", "KILL", "TYPE", "bogus"}),
              IsError("ERR Unknown client type 'bogus'"));
}

}  // namespace
}  // namespace ember::testing
