// Key expiry as clients see it, to the millisecond.
//
// A key set with PX 100 at time T exists at T+99 and is gone at T+100: the
// deadline is the first millisecond at which the key no longer exists. Two
// mechanisms enforce it, as in Redis. Lazy expiry deletes an expired key
// when a command touches it, so no command can observe it (or bring it back
// by writing to it). Active expiry deletes expired keys in the background,
// from the server cron, so memory is reclaimed even for keys nobody reads;
// DBSIZE, which counts without touching, shows the difference. The clock
// here is the harness's manual clock: time moves only when a test says so.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/support/command_harness.h"
#include "tests/support/matchers.h"

namespace ember::testing {
namespace {

TEST(Deadline, AKeyWithPx100ExistsAt99MsAndIsGoneAt100Ms) {
  CommandHarness h;
  h.Run({"SET", "k", "v", "PX", "100"});
  h.AdvanceMs(99);
  EXPECT_THAT(h.Run({"GET", "k"}), IsBulk("v"));
  EXPECT_THAT(h.Run({"PTTL", "k"}), IsInt(1));
  h.AdvanceMs(1);
  EXPECT_THAT(h.Run({"GET", "k"}), IsNil());
  EXPECT_THAT(h.Run({"PTTL", "k"}), IsInt(-2));
}

TEST(Deadline, EveryKindOfDeadlineIsExactToTheMillisecond) {
  CommandHarness h;
  const int64_t t0 = h.NowMs();
  h.Run({"SET", "ex", "v", "EX", "2"});
  h.Run({"SET", "px", "v", "PX", "2000"});
  h.Run({"SET", "exat", "v", "EXAT", std::to_string(t0 / 1000 + 2)});
  h.Run({"SET", "pxat", "v", "PXAT", std::to_string(t0 + 2000)});
  h.Run({"SETEX", "setex", "2", "v"});
  h.Run({"PSETEX", "psetex", "2000", "v"});
  h.Run({"SET", "expire", "v"});
  h.Run({"EXPIRE", "expire", "2"});
  h.Run({"SET", "pexpireat", "v"});
  h.Run({"PEXPIREAT", "pexpireat", std::to_string(t0 + 2000)});
  h.AdvanceMs(1999);  // the clock starts on a whole second, so EXAT agrees
  EXPECT_THAT(
      h.Run({"EXISTS", "ex", "px", "exat", "pxat", "setex", "psetex", "expire", "pexpireat"}),
      IsInt(8));
  h.AdvanceMs(1);
  EXPECT_THAT(
      h.Run({"EXISTS", "ex", "px", "exat", "pxat", "setex", "psetex", "expire", "pexpireat"}),
      IsInt(0));
}

TEST(Deadline, TtlCountsDown) {
  CommandHarness h;
  const int64_t t0 = h.NowMs();
  h.Run({"SET", "k", "v", "EX", "10"});
  h.AdvanceMs(2'400);
  EXPECT_THAT(h.Run({"TTL", "k"}), IsInt(8));  // 7.6 s, rounded
  EXPECT_THAT(h.Run({"PTTL", "k"}), IsInt(7'600));
  EXPECT_THAT(h.Run({"EXPIRETIME", "k"}), IsInt((t0 + 10'000) / 1000));
}

// --- Lazy expiry ---

TEST(LazyExpiry, AnExpiredKeyLingersUntilTouched) {
  CommandHarness h;
  h.server().config().active_expire_enabled = false;
  h.Run({"SET", "k", "v", "PX", "10"});
  h.AdvanceMs(10);
  EXPECT_THAT(h.Run({"DBSIZE"}), IsInt(1));  // DBSIZE counts without touching
  EXPECT_THAT(h.Run({"EXISTS", "k"}), IsInt(0));
  EXPECT_THAT(h.Run({"DBSIZE"}), IsInt(0));  // the lookup deleted it
}

TEST(LazyExpiry, WriteToExpiredKeyDoesNotResurrectIt) {
  CommandHarness h;
  h.Run({"SET", "k", "old", "PX", "10"});
  h.AdvanceMs(10);
  EXPECT_THAT(h.Run({"EXPIRE", "k", "100"}), IsInt(0));
  EXPECT_THAT(h.Run({"GET", "k"}), IsNil());
}

TEST(LazyExpiry, IncrOnAnExpiredKeyStartsFromZero) {
  CommandHarness h;
  h.Run({"SET", "n", "41", "PX", "10"});
  h.AdvanceMs(10);
  EXPECT_THAT(h.Run({"INCR", "n"}), IsInt(1));
  EXPECT_THAT(h.Run({"TTL", "n"}), IsInt(-1));
}

TEST(LazyExpiry, AppendOnAnExpiredKeyStartsFromEmpty) {
  CommandHarness h;
  h.Run({"SET", "s", "old", "PX", "10"});
  h.AdvanceMs(10);
  EXPECT_THAT(h.Run({"APPEND", "s", "new"}), IsInt(3));
  EXPECT_THAT(h.Run({"GET", "s"}), IsBulk("new"));
}

TEST(LazyExpiry, SetNxAndMsetnxSeeNoKey) {
  CommandHarness h;
  h.Run({"SET", "a", "old", "PX", "10"});
  h.AdvanceMs(10);
  EXPECT_THAT(h.Run({"SET", "a", "new", "NX"}), IsOk());
  h.Run({"SET", "b", "old", "PX", "10"});
  h.AdvanceMs(10);
  EXPECT_THAT(h.Run({"MSETNX", "b", "new"}), IsInt(1));
  EXPECT_THAT(h.Run({"GET", "b"}), IsBulk("new"));
}

TEST(LazyExpiry, RenameAndCopyOfAnExpiredKeySeeNoKey) {
  CommandHarness h;
  h.Run({"SET", "a", "v", "PX", "10"});
  h.Run({"SET", "b", "v", "PX", "10"});
  h.AdvanceMs(10);
  EXPECT_THAT(h.Run({"RENAME", "a", "x"}), IsError("ERR no such key"));
  EXPECT_THAT(h.Run({"COPY", "b", "y"}), IsInt(0));
  EXPECT_THAT(h.Run({"MOVE", "b", "1"}), IsInt(0));
}

TEST(LazyExpiry, AnExpiredTargetDoesNotBlockRenamenxOrCopy) {
  CommandHarness h;
  h.Run({"SET", "src", "v"});
  h.Run({"SET", "dst", "old", "PX", "10"});
  h.AdvanceMs(10);
  EXPECT_THAT(h.Run({"RENAMENX", "src", "dst"}), IsInt(1));
  EXPECT_THAT(h.Run({"COPY", "dst", "dst2"}), IsInt(1));
  h.Run({"SET", "gone", "old", "PX", "10"});
  h.AdvanceMs(10);
  EXPECT_THAT(h.Run({"COPY", "dst", "gone"}), IsInt(1));
  EXPECT_THAT(h.Run({"GET", "gone"}), IsBulk("v"));
}

TEST(LazyExpiry, TheTtlGoesWithTheKeyAndStillExpiresOnTime) {
  CommandHarness h;
  h.Run({"SET", "a", "v", "PX", "100"});
  h.AdvanceMs(50);
  h.Run({"RENAME", "a", "b"});
  h.Run({"MOVE", "b", "1"});
  h.Run({"SELECT", "1"});
  h.AdvanceMs(49);
  EXPECT_THAT(h.Run({"GET", "b"}), IsBulk("v"));
  h.AdvanceMs(1);
  EXPECT_THAT(h.Run({"GET", "b"}), IsNil());
}

TEST(LazyExpiry, PersistBeforeTheDeadlineKeepsTheKey) {
  CommandHarness h;
  h.Run({"SET", "k", "v", "PX", "100"});
  h.AdvanceMs(99);
  EXPECT_THAT(h.Run({"PERSIST", "k"}), IsInt(1));
  h.AdvanceMs(1'000'000);
  EXPECT_THAT(h.Run({"GET", "k"}), IsBulk("v"));
}

TEST(LazyExpiry, OverwritingClearsTheDeadlineUnlessKeepTtl) {
  CommandHarness h;
  h.Run({"SET", "a", "v", "PX", "100"});
  h.Run({"SET", "b", "v", "PX", "100"});
  h.Run({"SET", "a", "v2"});
  h.Run({"SET", "b", "v2", "KEEPTTL"});
  h.AdvanceMs(100);
  EXPECT_THAT(h.Run({"GET", "a"}), IsBulk("v2"));
  EXPECT_THAT(h.Run({"GET", "b"}), IsNil());
}

// --- Active expiry ---

TEST(ActiveExpiry, TheCronDeletesExpiredKeysThatNobodyTouches) {
  CommandHarness h;
  for (int i = 0; i < 100; ++i) h.Run({"SET", "k" + std::to_string(i), "v", "PX", "100"});
  h.Run({"SET", "stays", "v"});
  h.AdvanceMs(100);
  EXPECT_THAT(h.Run({"DBSIZE"}), IsInt(101));
  h.server().Cron();
  EXPECT_THAT(h.Run({"DBSIZE"}), IsInt(1));
}

TEST(ActiveExpiry, RunsAgainstEveryDatabase) {
  CommandHarness h;
  for (const char* db : {"0", "5", "15"}) {
    h.Run({"SELECT", db});
    h.Run({"SET", "k", "v", "PX", "1"});
  }
  h.AdvanceMs(1);
  h.server().RunActiveExpire([] { return int64_t{0}; });
  for (const char* db : {"0", "5", "15"}) {
    h.Run({"SELECT", db});
    EXPECT_THAT(h.Run({"DBSIZE"}), IsInt(0)) << "db " << db;
  }
}

TEST(ActiveExpiry, LeavesKeysThatAreNotDue) {
  CommandHarness h;
  h.Run({"SET", "k", "v", "PX", "100"});
  h.AdvanceMs(99);
  h.server().Cron();
  EXPECT_THAT(h.Run({"DBSIZE"}), IsInt(1));
  EXPECT_THAT(h.Run({"GET", "k"}), IsBulk("v"));
}

TEST(ActiveExpiry, CanBeSwitchedOff) {
  CommandHarness h;
  h.server().config().active_expire_enabled = false;
  h.Run({"SET", "k", "v", "PX", "1"});
  h.AdvanceMs(1);
  h.server().Cron();
  EXPECT_THAT(h.Run({"DBSIZE"}), IsInt(1));
}

}  // namespace
}  // namespace ember::testing
