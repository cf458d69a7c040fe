// Active expiry (expire.h), Redis's activeExpireCycle: the half of expiry
// that deletes keys nobody touches.
//
// Each cycle samples up to 20 keys with a deadline per database, deletes the
// expired ones, and samples again only while more than 10% of a sample had
// expired: a keyspace with few stale keys costs one sample per cycle, one
// with many is cleaned hard. The cycle stops when its time budget is spent
// and resumes there next time. Its budget is measured by a clock passed in,
// so a test can make time run out exactly when it wants.
#include "storage/expire.h"

#include <gtest/gtest.h>

#include <string>

#include "storage/string_ops.h"

namespace ember::storage {
namespace {

class ActiveExpiry : public ::testing::Test {
 protected:
  void SetWithDeadline(int db, const std::string& key, int64_t deadline) {
    SetOptions o;
    o.expire_at_ms = deadline;
    ASSERT_TRUE(Set(keyspace_.db(db), key, "v", o).ok());
  }
  void AdvanceMs(int64_t ms) {
    clock_.AdvanceMs(ms);
    keyspace_.RefreshTime();
  }
  // A budget clock that never moves: cycles are limited by staleness only.
  ActiveExpireResult RunWithoutTimeLimit() {
    return expirer_.RunCycle(keyspace_, config_, [] { return int64_t{0}; });
  }
  int64_t now() const { return keyspace_.now_ms(); }

  ManualClock clock_;
  Keyspace keyspace_{&clock_, 4};
  ActiveExpirer expirer_;
  ActiveExpireConfig config_;
};

TEST_F(ActiveExpiry, RemovesExpiredKeysThatNothingTouches) {
  for (int i = 0; i < 1000; ++i) SetWithDeadline(0, "k" + std::to_string(i), now() + 100);
  SetWithDeadline(0, "later", now() + 10'000);
  AdvanceMs(100);
  EXPECT_EQ(keyspace_.db(0).size(), 1001u);
  ActiveExpireResult r = RunWithoutTimeLimit();
  EXPECT_EQ(r.expired, 1000u);
  EXPECT_EQ(keyspace_.db(0).size(), 1u);
  EXPECT_EQ(keyspace_.db(0).volatile_count(), 1u);
  EXPECT_EQ(keyspace_.stats().expired_keys, 1000u);
}

TEST_F(ActiveExpiry, KeysWithoutDeadlinesAreNeverSampled) {
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(Set(keyspace_.db(0), "p" + std::to_string(i), "v", {}).ok());
  }
  ActiveExpireResult r = RunWithoutTimeLimit();
  EXPECT_EQ(r.sampled, 0u);
  EXPECT_EQ(keyspace_.db(0).size(), 100u);
}

TEST_F(ActiveExpiry, KeysNotYetDueStay) {
  for (int i = 0; i < 100; ++i) SetWithDeadline(0, "k" + std::to_string(i), now() + 100);
  AdvanceMs(99);
  EXPECT_EQ(RunWithoutTimeLimit().expired, 0u);
  EXPECT_EQ(keyspace_.db(0).size(), 100u);
}

TEST_F(ActiveExpiry, CleansEveryDatabase) {
  for (int db = 0; db < 4; ++db) SetWithDeadline(db, "k", now() + 1);
  AdvanceMs(1);
  RunWithoutTimeLimit();
  EXPECT_EQ(keyspace_.TotalKeys(), 0u);
}

TEST_F(ActiveExpiry, OneSampleIsEnoughWhenFewKeysAreStale) {
  for (int i = 0; i < 1000; ++i) SetWithDeadline(0, "k" + std::to_string(i), now() + 10'000);
  EXPECT_EQ(RunWithoutTimeLimit().sampled, 20u);
}

TEST_F(ActiveExpiry, SamplesAtMostEveryVolatileKeyOnce) {
  for (int i = 0; i < 5; ++i) SetWithDeadline(0, "k" + std::to_string(i), now() + 10'000);
  EXPECT_EQ(RunWithoutTimeLimit().sampled, 5u);
}

// The volatile list is sampled in order, so which keys a sample holds is
// known: here the first 20 keys hold `stale` expired ones.
TEST_F(ActiveExpiry, StopsSamplingWhenAtMostTenPercentOfASampleWasStale) {
  for (int i = 0; i < 100; ++i) {
    SetWithDeadline(0, "k" + std::to_string(i), now() + (i < 2 ? 1 : 10'000));
  }
  AdvanceMs(1);
  ActiveExpireResult r = RunWithoutTimeLimit();
  EXPECT_EQ(r.expired, 2u);
  EXPECT_EQ(r.sampled, 20u);  // 2 of 20 is 10%: good enough, stop
}

TEST_F(ActiveExpiry, KeepsSamplingWhileMoreThanTenPercentWasStale) {
  for (int i = 0; i < 100; ++i) {
    SetWithDeadline(0, "k" + std::to_string(i), now() + (i < 3 ? 1 : 10'000));
  }
  AdvanceMs(1);
  ActiveExpireResult r = RunWithoutTimeLimit();
  EXPECT_EQ(r.expired, 3u);
  EXPECT_EQ(r.sampled, 40u);  // 3 of 20 is 15%: one more sample, which is clean
}

TEST_F(ActiveExpiry, StopsWhenItsTimeBudgetIsSpentAndResumesNextCycle) {
  for (int i = 0; i < 10'000; ++i) SetWithDeadline(0, "k" + std::to_string(i), now() + 1);
  AdvanceMs(1);
  // A budget clock that jumps past the budget after its first reading. The
  // cycle reads it every 16 samples of 20 keys, so it stops after 320.
  int64_t fake_us = 0;
  auto budget_clock = [&] {
    int64_t t = fake_us;
    fake_us = config_.time_budget_us + 1;
    return t;
  };
  ActiveExpireResult r = expirer_.RunCycle(keyspace_, config_, budget_clock);
  EXPECT_TRUE(r.time_limit_hit);
  EXPECT_EQ(r.expired, 16u * 20);
  EXPECT_EQ(keyspace_.db(0).size(), 10'000u - 320);
  EXPECT_EQ(keyspace_.stats().expired_time_cap_reached_count, 1u);

  fake_us = 0;
  r = expirer_.RunCycle(keyspace_, config_, budget_clock);
  EXPECT_EQ(r.expired, 320u);
  EXPECT_EQ(keyspace_.db(0).size(), 10'000u - 640);
}

TEST_F(ActiveExpiry, WithTimeToSpareACycleCleansEverything) {
  for (int i = 0; i < 10'000; ++i) SetWithDeadline(0, "k" + std::to_string(i), now() + 1);
  AdvanceMs(1);
  int64_t fake_us = 0;
  ActiveExpireResult r = expirer_.RunCycle(keyspace_, config_, [&] { return fake_us += 10; });
  EXPECT_FALSE(r.time_limit_hit);
  EXPECT_EQ(keyspace_.db(0).size(), 0u);
}

TEST_F(ActiveExpiry, TracksHowStaleTheKeyspaceLooks) {
  for (int i = 0; i < 20; ++i) SetWithDeadline(0, "k" + std::to_string(i), now() + 1);
  AdvanceMs(1);
  RunWithoutTimeLimit();
  // All sampled keys were stale: the moving average moves 5% of the way.
  EXPECT_DOUBLE_EQ(keyspace_.stats().expired_stale_perc, 0.05);
}

}  // namespace
}  // namespace ember::storage
