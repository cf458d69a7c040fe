// CLIENT PAUSE, as Redis 7.0 does it: for a while, commands that could
// change the data set (WRITE) or all commands (ALL) wait, their clients
// parked like blocked clients, and run when the pause ends (its timeout or
// CLIENT UNPAUSE), in the order they arrived. Other clients are served
// meanwhile. During a pause the data set holds still: no key is evicted.
//
// CLIENT NO-EVICT is accepted and shown in CLIENT LIST's flags; Ember has
// no client eviction for it to change (docs/differences.md).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/command_harness.h"
#include "tests/support/matchers.h"

namespace ember::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(ClientPause, WritePausePostponesWritesAndServesReads) {
  CommandHarness h;
  h.Run({"SET", "k", "old"});
  server::Client& writer = h.NewClient();
  server::Client& reader = h.NewClient();
  EXPECT_THAT(h.Run({"CLIENT", "PAUSE", "1000", "WRITE"}), IsOk());
  EXPECT_THAT(h.RunAs(writer, {"SET", "k", "new"}), IsError("NO REPLY"));
  EXPECT_TRUE(h.IsBlocked(writer));
  EXPECT_THAT(h.RunAs(reader, {"GET", "k"}), IsBulk("old"));
  // A parked client is not in a blocking command: INFO and CLIENT UNBLOCK
  // leave it alone.
  EXPECT_THAT(h.Run({"INFO", "clients"}).str(), HasSubstr("blocked_clients:0\r\n"));
  EXPECT_THAT(h.Run({"CLIENT", "UNBLOCK", std::to_string(writer.id())}), IsInt(0));
  h.AdvanceMs(999);
  EXPECT_TRUE(h.IsBlocked(writer));
  h.AdvanceMs(1);
  EXPECT_FALSE(h.IsBlocked(writer));
  EXPECT_THAT(h.TakeReply(writer), IsOk());
  EXPECT_THAT(h.RunAs(reader, {"GET", "k"}), IsBulk("new"));
}

TEST(ClientPause, UnpauseRunsThePostponedCommandsInArrivalOrder) {
  CommandHarness h;
  server::Client& a = h.NewClient();
  server::Client& b = h.NewClient();
  EXPECT_THAT(h.Run({"CLIENT", "PAUSE", "100000", "WRITE"}), IsOk());
  h.RunAs(a, {"RPUSH", "l", "a"});
  h.RunAs(b, {"RPUSH", "l", "b"});
  EXPECT_THAT(h.Run({"LLEN", "l"}), IsInt(0));
  EXPECT_THAT(h.Run({"CLIENT", "UNPAUSE"}), IsOk());
  EXPECT_THAT(h.TakeReply(a), IsInt(1));
  EXPECT_THAT(h.TakeReply(b), IsInt(2));
  EXPECT_THAT(h.Run({"LRANGE", "l", "0", "-1"}), IsBulkArray(std::vector<std::string>{"a", "b"}));
}

TEST(ClientPause, AllPausesEverythingEvenUnpause) {
  CommandHarness h;
  server::Client& other = h.NewClient();
  server::Client& admin = h.NewClient();
  EXPECT_THAT(h.Run({"CLIENT", "PAUSE", "500"}), IsOk());  // ALL is the default
  EXPECT_THAT(h.RunAs(other, {"GET", "k"}), IsError("NO REPLY"));
  // Only the timeout can end an ALL pause.
  EXPECT_THAT(h.RunAs(admin, {"CLIENT", "UNPAUSE"}), IsError("NO REPLY"));
  h.AdvanceMs(500);
  EXPECT_THAT(h.TakeReply(other), IsNil());
  EXPECT_THAT(h.TakeReply(admin), IsOk());
}

TEST(ClientPause, ASecondPauseExtendsAndStrengthensButNeverShortens) {
  CommandHarness h;
  server::Client& reader = h.NewClient();
  EXPECT_THAT(h.Run({"CLIENT", "PAUSE", "1000", "WRITE"}), IsOk());
  EXPECT_THAT(h.Run({"CLIENT", "PAUSE", "10", "ALL"}), IsOk());
  // Now ALL, until the later deadline.
  EXPECT_THAT(h.RunAs(reader, {"GET", "k"}), IsError("NO REPLY"));
  h.AdvanceMs(500);
  EXPECT_TRUE(h.IsBlocked(reader));
  h.AdvanceMs(500);
  EXPECT_THAT(h.TakeReply(reader), IsNil());
}

TEST(ClientPause, AWriteQueuedInMultiWaitsAndSoDoesAnExecOfWrites) {
  CommandHarness h;
  server::Client& c = h.NewClient();
  EXPECT_THAT(h.RunAs(c, {"MULTI"}), IsOk());
  EXPECT_THAT(h.RunAs(c, {"GET", "k"}), IsSimple("QUEUED"));
  EXPECT_THAT(h.Run({"CLIENT", "PAUSE", "1000", "WRITE"}), IsOk());
  EXPECT_THAT(h.RunAs(c, {"SET", "k", "v"}), IsError("NO REPLY"));
  h.AdvanceMs(1000);
  EXPECT_THAT(h.TakeReply(c), IsSimple("QUEUED"));
  // The transaction now holds a write: EXEC waits for the pause too.
  EXPECT_THAT(h.Run({"CLIENT", "PAUSE", "1000", "WRITE"}), IsOk());
  EXPECT_THAT(h.RunAs(c, {"EXEC"}), IsError("NO REPLY"));
  EXPECT_THAT(h.Run({"CLIENT", "UNPAUSE"}), IsOk());
  protocol::Value v = h.TakeReply(c);
  ASSERT_EQ(v.elements().size(), 2u);
  EXPECT_THAT(v.elements()[1], IsOk());
}

TEST(ClientPause, NothingIsEvictedWhilePaused) {
  CommandHarness h;
  h.Run({"CONFIG", "SET", "maxmemory-policy", "allkeys-random"});
  for (int i = 0; i < 100; ++i) h.Run({"SET", "key:" + std::to_string(i), "v"});
  EXPECT_THAT(h.Run({"CLIENT", "PAUSE", "1000", "WRITE"}), IsOk());
  EXPECT_THAT(h.Run({"CONFIG", "SET", "maxmemory", "1"}), IsOk());
  EXPECT_THAT(h.Run({"DBSIZE"}), IsInt(100));
  EXPECT_THAT(h.Run({"CLIENT", "UNPAUSE"}), IsOk());
  EXPECT_THAT(h.Run({"DBSIZE"}), IsInt(0));
}

TEST(ClientPause, ArgumentErrorsAsRedis) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"CLIENT", "PAUSE", "abc"}),
              IsError("ERR timeout is not an integer or out of range"));
  EXPECT_THAT(h.Run({"CLIENT", "PAUSE", "-1"}), IsError("ERR timeout is negative"));
  EXPECT_THAT(h.Run({"CLIENT", "PAUSE", "10", "foo"}),
              IsError("ERR CLIENT PAUSE mode must be WRITE or ALL"));
  // The mode is checked first.
  EXPECT_THAT(h.Run({"CLIENT", "PAUSE", "abc", "foo"}),
              IsError("ERR CLIENT PAUSE mode must be WRITE or ALL"));
  EXPECT_THAT(h.Run({"CLIENT", "PAUSE", "10", "write", "x"}),
              IsError("ERR unknown subcommand or wrong number of arguments for 'pause'. Try "
                      "CLIENT HELP."));
  EXPECT_THAT(h.Run({"CLIENT", "UNPAUSE", "x"}),
              IsError("ERR wrong number of arguments for 'client|unpause' command"));
  // 0 pauses nothing.
  EXPECT_THAT(h.Run({"CLIENT", "PAUSE", "0"}), IsOk());
  server::Client& other = h.NewClient();
  EXPECT_THAT(h.RunAs(other, {"SET", "k", "v"}), IsOk());
  EXPECT_THAT(h.Run({"CLIENT", "UNPAUSE"}), IsOk());
}

TEST(ClientNoEvict, IsStoredAndShownInClientList) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"CLIENT", "NO-EVICT", "on"}), IsOk());
  EXPECT_THAT(h.Run({"CLIENT", "INFO"}).str(), HasSubstr(" flags=e "));
  EXPECT_THAT(h.Run({"CLIENT", "NO-EVICT", "OFF"}), IsOk());
  EXPECT_THAT(h.Run({"CLIENT", "INFO"}).str(), Not(HasSubstr(" flags=e ")));
  EXPECT_THAT(h.Run({"CLIENT", "NO-EVICT", "maybe"}), IsError("ERR syntax error"));
}

}  // namespace
}  // namespace ember::testing
