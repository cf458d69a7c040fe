// MULTI/EXEC/WATCH as Redis 7.0 does them.
//
// A transaction is a queue: between MULTI and EXEC every command answers
// QUEUED, and EXEC runs them all back to back, with nothing from other
// clients in between. There is no rollback: a command that fails at run
// time just contributes its error to EXEC's reply. A command that cannot
// even be queued (unknown, wrong arity) dooms the transaction: EXECABORT.
//
// WATCH turns EXEC into a compare-and-set: if a watched key changed between
// WATCH and EXEC (by anyone, including by expiring), EXEC runs nothing and
// answers a null array, and the client retries.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/command_harness.h"
#include "tests/support/matchers.h"

namespace ember::testing {
namespace {

using protocol::Type;

TEST(Multi, QueuesCommandsAndExecRunsThemInOrder) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"MULTI"}), IsOk());
  EXPECT_THAT(h.Run({"SET", "k", "1"}), IsSimple("QUEUED"));
  EXPECT_THAT(h.Run({"INCR", "k"}), IsSimple("QUEUED"));
  EXPECT_THAT(h.Run({"GET", "k"}), IsSimple("QUEUED"));
  protocol::Value exec = h.Run({"EXEC"});
  ASSERT_EQ(exec.type(), Type::kArray);
  ASSERT_EQ(exec.elements().size(), 3u);
  EXPECT_THAT(exec.elements()[0], IsOk());
  EXPECT_THAT(exec.elements()[1], IsInt(2));
  EXPECT_THAT(exec.elements()[2], IsBulk("2"));
}

TEST(Multi, QueuedCommandsDoNotRunBeforeExec) {
  CommandHarness h;
  server::Client& other = h.NewClient();
  h.Run({"MULTI"});
  h.Run({"SET", "k", "v"});
  EXPECT_THAT(h.RunAs(other, {"GET", "k"}), IsNil());
  h.Run({"EXEC"});
  EXPECT_THAT(h.RunAs(other, {"GET", "k"}), IsBulk("v"));
}

TEST(Multi, RuntimeErrorDoesNotRollBackTheOthers) {
  CommandHarness h;
  h.Run({"SET", "s", "text"});
  h.Run({"MULTI"});
  h.Run({"INCR", "s"});  // fails when run: not an integer
  h.Run({"SET", "k", "v"});
  protocol::Value exec = h.Run({"EXEC"});
  ASSERT_EQ(exec.elements().size(), 2u);
  EXPECT_THAT(exec.elements()[0], IsError("ERR value is not an integer or out of range"));
  EXPECT_THAT(exec.elements()[1], IsOk());
  EXPECT_THAT(h.Run({"GET", "k"}), IsBulk("v"));
}

TEST(Multi, CommandThatCannotBeQueuedAbortsExec) {
  CommandHarness h;
  h.Run({"MULTI"});
  EXPECT_THAT(h.Run({"SET", "k", "v"}), IsSimple("QUEUED"));
  EXPECT_THAT(h.Run({"NOSUCHCOMMAND"}), IsErrorContaining("unknown command"));
  EXPECT_THAT(h.Run({"GET"}), IsError("ERR wrong number of arguments for 'get' command"));
  EXPECT_THAT(h.Run({"EXEC"}),
              IsError("EXECABORT Transaction discarded because of previous errors."));
  EXPECT_THAT(h.Run({"GET", "k"}), IsNil());
}

TEST(Multi, NestedMultiIsAnErrorButDoesNotAbort) {
  CommandHarness h;
  h.Run({"MULTI"});
  EXPECT_THAT(h.Run({"MULTI"}), IsError("ERR MULTI calls can not be nested"));
  h.Run({"SET", "k", "v"});
  EXPECT_EQ(h.Run({"EXEC"}).elements().size(), 1u);
}

TEST(Multi, SomeCommandsCannotBePartOfATransaction) {
  CommandHarness h;
  h.Run({"MULTI"});
  EXPECT_THAT(h.Run({"SHUTDOWN"}), IsError("ERR Command not allowed inside a transaction"));
  EXPECT_THAT(h.Run({"EXEC"}),
              IsError("EXECABORT Transaction discarded because of previous errors."));
}

TEST(Multi, ExecAndDiscardWithoutMultiAreErrors) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"EXEC"}), IsError("ERR EXEC without MULTI"));
  EXPECT_THAT(h.Run({"DISCARD"}), IsError("ERR DISCARD without MULTI"));
}

TEST(Multi, DiscardDropsTheQueue) {
  CommandHarness h;
  h.Run({"MULTI"});
  h.Run({"SET", "k", "v"});
  EXPECT_THAT(h.Run({"DISCARD"}), IsOk());
  EXPECT_THAT(h.Run({"GET", "k"}), IsNil());
}

TEST(Watch, ExecFailsIfAWatchedKeyChangedMeanwhile) {
  CommandHarness h;
  server::Client& other = h.NewClient();
  h.Run({"SET", "balance", "10"});
  h.Run({"WATCH", "balance"});
  h.RunAs(other, {"INCRBY", "balance", "5"});
  h.Run({"MULTI"});
  h.Run({"SET", "balance", "0"});
  EXPECT_THAT(h.Run({"EXEC"}), IsNilArray());
  EXPECT_THAT(h.Run({"GET", "balance"}), IsBulk("15"));
}

TEST(Watch, ExecSucceedsIfNothingChanged) {
  CommandHarness h;
  h.Run({"SET", "k", "1"});
  h.Run({"WATCH", "k"});
  h.Run({"MULTI"});
  h.Run({"INCR", "k"});
  EXPECT_EQ(h.Run({"EXEC"}).elements().size(), 1u);
}

TEST(Watch, AWriteThatChangesNothingIsNotAChange) {
  CommandHarness h;
  server::Client& other = h.NewClient();
  h.Run({"SET", "k", "1"});
  h.Run({"WATCH", "k"});
  h.RunAs(other, {"SET", "k", "2", "NX"});  // does nothing: k exists
  h.Run({"MULTI"});
  EXPECT_EQ(h.Run({"EXEC"}).type(), Type::kArray);
}

TEST(Watch, TheClientsOwnWritesCountToo) {
  CommandHarness h;
  h.Run({"WATCH", "k"});
  h.Run({"SET", "k", "1"});
  h.Run({"MULTI"});
  EXPECT_THAT(h.Run({"EXEC"}), IsNilArray());
}

TEST(Watch, AKeyExpiringBetweenWatchAndExecIsAChange) {
  CommandHarness h;
  h.Run({"SET", "k", "v", "PX", "100"});
  h.Run({"WATCH", "k"});
  h.AdvanceMs(200);  // nobody touches k: it is expired, not yet deleted
  h.Run({"MULTI"});
  h.Run({"PING"});
  EXPECT_THAT(h.Run({"EXEC"}), IsNilArray());
}

TEST(Watch, AKeyAlreadyExpiredWhenWatchedCountsAsAbsent) {
  CommandHarness h;
  h.Run({"SET", "k", "v", "PX", "100"});
  h.AdvanceMs(200);
  h.Run({"WATCH", "k"});
  h.Run({"GET", "k"});  // deletes it lazily: still absent, no change
  h.Run({"MULTI"});
  h.Run({"PING"});
  EXPECT_EQ(h.Run({"EXEC"}).type(), Type::kArray);
}

TEST(Watch, FlushdbIsAChangeOnlyForKeysThatExisted) {
  CommandHarness h;
  server::Client& other = h.NewClient();
  h.Run({"SET", "present", "1"});
  h.Run({"WATCH", "absent"});
  h.RunAs(other, {"FLUSHDB"});
  h.Run({"MULTI"});
  EXPECT_EQ(h.Run({"EXEC"}).type(), Type::kArray);

  h.Run({"SET", "present", "1"});
  h.Run({"WATCH", "present"});
  h.RunAs(other, {"FLUSHDB"});
  h.Run({"MULTI"});
  EXPECT_THAT(h.Run({"EXEC"}), IsNilArray());
}

TEST(Watch, WatchInsideMultiIsAnError) {
  CommandHarness h;
  h.Run({"MULTI"});
  EXPECT_THAT(h.Run({"WATCH", "k"}), IsError("ERR WATCH inside MULTI is not allowed"));
  EXPECT_EQ(h.Run({"EXEC"}).type(), Type::kArray);
}

TEST(Watch, UnwatchForgetsTheKeys) {
  CommandHarness h;
  server::Client& other = h.NewClient();
  h.Run({"WATCH", "k"});
  h.Run({"UNWATCH"});
  h.RunAs(other, {"SET", "k", "1"});
  h.Run({"MULTI"});
  EXPECT_EQ(h.Run({"EXEC"}).type(), Type::kArray);
}

}  // namespace
}  // namespace ember::testing
