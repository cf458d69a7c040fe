// The 24 access bits every key carries, and the pool that picks victims
// (storage/eviction.h).
//
// Under LRU the bits are a clock in seconds; idle time is the distance to
// the current clock, across one wrap-around. Under LFU they are 16 bits of
// minutes and an 8-bit logarithmic counter: an access bumps the counter
// with probability 1 / ((counter - 5) * lfu-log-factor + 1), and each
// lfu-decay-time minutes without access take one point off. The pool keeps
// the 16 best candidates seen across samplings, best last.
#include "storage/eviction.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "storage/clock.h"
#include "storage/entry.h"
#include "storage/keyspace.h"

namespace ember::storage {
namespace {

TEST(LruBits, IdleTimeIsTheDistanceToTheClockAcrossAWrap) {
  EXPECT_EQ(LruIdleMs(100, 130), 30'000u);
  EXPECT_EQ(LruIdleMs(130, 130), 0u);
  // The clock wrapped (24 bits of seconds, every 194 days) since the access.
  EXPECT_EQ(LruIdleMs(Entry::kLruMax - 10, 5), 15'000u);
}

TEST(LfuBits, ANewKeyStartsAtFiveStampedWithTheMinute) {
  int64_t now = 90 * 60'000 + 1234;
  uint32_t bits = LfuNew(now);
  EXPECT_EQ(bits & 0xFF, 5u);
  EXPECT_EQ(bits >> 8, 90u);
  EXPECT_EQ(LfuDecayedCounter(bits, now, 1), 5);
}

TEST(LfuBits, TheIncrementGetsRarerAsTheCounterGrows) {
  // From 5 or below, every access counts.
  EXPECT_EQ(LfuLogIncr(5, 10, 0.999), 6);
  EXPECT_EQ(LfuLogIncr(0, 10, 0.999), 1);
  // At 6 the chance is 1 / (1 * 10 + 1).
  EXPECT_EQ(LfuLogIncr(6, 10, 1.0 / 11 - 0.001), 7);
  EXPECT_EQ(LfuLogIncr(6, 10, 1.0 / 11 + 0.001), 6);
  // Saturates at 255.
  EXPECT_EQ(LfuLogIncr(255, 0, 0.0), 255);
  // Factor 0: every access counts.
  EXPECT_EQ(LfuLogIncr(100, 0, 0.999), 101);
}

TEST(LfuBits, AMillionAccessesBarelyReachTheTopWithTheDefaultFactor) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  uint8_t counter = kLfuInitVal;
  for (int i = 0; i < 1000; ++i) counter = LfuLogIncr(counter, 10, uniform(rng));
  uint8_t after_thousand = counter;
  for (int i = 0; i < 999'000; ++i) counter = LfuLogIncr(counter, 10, uniform(rng));
  // Redis's table (redis.conf): factor 10 gives ~18 at 1K hits, 255 at 1M.
  EXPECT_GT(after_thousand, 10);
  EXPECT_LT(after_thousand, 30);
  EXPECT_GT(counter, 200);
}

TEST(LfuBits, TheCounterDecaysOnePointPerPeriod) {
  int64_t t0 = 1000 * 60'000;
  uint32_t bits = (LfuMinutes(t0) << 8) | 20;
  EXPECT_EQ(LfuDecayedCounter(bits, t0 + 59'999, 1), 20);
  EXPECT_EQ(LfuDecayedCounter(bits, t0 + 60'000, 1), 19);
  EXPECT_EQ(LfuDecayedCounter(bits, t0 + 7 * 60'000, 2), 17);
  EXPECT_EQ(LfuDecayedCounter(bits, t0 + 100 * 60'000, 1), 0);
  EXPECT_EQ(LfuDecayedCounter(bits, t0 + 100 * 60'000, 0), 20);  // 0: no decay
  // An access applies the decay, then the increment, and restamps.
  uint32_t touched = LfuTouch(bits, t0 + 3 * 60'000, 10, 1, 0.0);
  EXPECT_EQ(touched & 0xFF, 18u);
  EXPECT_EQ(touched >> 8, LfuMinutes(t0 + 3 * 60'000));
}

TEST(EvictionPolicyNames, ParseAsRedisSpellsThem) {
  EvictionPolicy p;
  ASSERT_TRUE(ParseEvictionPolicy("volatile-ttl", &p));
  EXPECT_EQ(p, EvictionPolicy::kVolatileTtl);
  ASSERT_TRUE(ParseEvictionPolicy("allkeys-lfu", &p));
  EXPECT_TRUE(IsLfuPolicy(p));
  EXPECT_TRUE(IsAllKeysPolicy(p));
  EXPECT_FALSE(ParseEvictionPolicy("lru", &p));
}

TEST(EvictionPool, PopsTheLongestIdleKeyFirstAndSkipsDeletedOnes) {
  ManualClock clock;
  Keyspace keyspace(&clock, 1);
  Database& db = keyspace.db(0);
  // Key i was last used i seconds after the start.
  int64_t start = clock.NowMs();
  for (int i = 0; i < 8; ++i) {
    keyspace.SetTime(start + i * 1000);
    KeyRef ref = db.LookupWrite("k" + std::to_string(i));
    db.Add(ref, "k" + std::to_string(i), Entry::ValueSpec{ValueKind::kInline, "v"},
           Database::kNoExpire);
  }
  keyspace.SetTime(start + 100'000);
  EvictionPool pool;
  // With 8 keys, 64 samples see them all (with repeats).
  pool.Populate(db, EvictionPolicy::kAllKeysLru, 64, keyspace.lru_clock(), keyspace.now_ms(), 1,
                keyspace.rng());
  ASSERT_GE(pool.size(), 8u);
  db.Delete("k0");
  int victim_db;
  std::string key;
  ASSERT_TRUE(pool.PopBest(keyspace, EvictionPolicy::kAllKeysLru, &victim_db, &key));
  EXPECT_EQ(key, "k1");  // k0 was idle longer, but is gone
  EXPECT_EQ(victim_db, 0);
  // Then the others, longest idle first. (A key sampled twice holds two
  // places; once it is deleted, its second place is a ghost too.)
  std::string previous = key;
  db.Delete(key);
  while (pool.PopBest(keyspace, EvictionPolicy::kAllKeysLru, &victim_db, &key)) {
    EXPECT_GT(key, previous);
    previous = key;
    db.Delete(key);
  }
  EXPECT_EQ(pool.size(), 0u);
}

}  // namespace
}  // namespace ember::storage
