// maxmemory and the eviction policies, as Redis 7.0 applies them.
//
// Before each command the server compares the memory it holds with
// `maxmemory`. Over the limit it evicts keys first, chosen by
// `maxmemory-policy`: allkeys-* choose among all keys, volatile-* only among
// keys with a TTL; *-lru take the key idle longest, *-lfu the least often
// used, volatile-ttl the nearest deadline, *-random any. The choice is
// approximated by sampling (maxmemory-samples keys into a 16-entry pool), so
// these tests check what the policy *tends* to keep, with margins far wider
// than sampling noise. When nothing can be evicted (noeviction, or no key
// has a TTL under volatile-*), commands that may grow memory (flag denyoom)
// get -OOM; reads and deletes still run.
//
// The memory counted is the real one (server/memory.h counts every malloc),
// so limits here are set relative to what the process holds at that moment.
// maxmemory-eviction-tenacity 100 lifts the per-command time budget, so an
// eviction always finishes within the command that triggered it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "server/memory.h"
#include "tests/support/command_harness.h"
#include "tests/support/matchers.h"

namespace ember::testing {
namespace {

constexpr std::string_view kOom = "OOM command not allowed when used memory > 'maxmemory'.";

std::string Key(int i) { return "key:" + std::to_string(i); }

// A value big enough that keys, not bookkeeping, dominate memory.
const std::string& Value() {
  static const std::string v(400, 'v');
  return v;
}

int64_t InfoField(CommandHarness& h, const std::string& field) {
  std::string text = h.Run({"INFO", "everything"}).str();
  size_t pos = text.find("\r\n" + field + ":");
  if (pos == std::string::npos) return -1;
  return std::stoll(text.substr(pos + field.size() + 3));
}

bool Exists(CommandHarness& h, const std::string& key) {
  return h.Run({"EXISTS", key}).integer() == 1;
}

// A harness with `policy`, no eviction time budget, and `samples`.
std::unique_ptr<CommandHarness> MakeHarness(const std::string& policy, int samples = 5) {
  auto h = std::make_unique<CommandHarness>();
  EXPECT_THAT(h->Run({"CONFIG", "SET", "maxmemory-policy", policy}), IsOk());
  EXPECT_THAT(h->Run({"CONFIG", "SET", "maxmemory-eviction-tenacity", "100"}), IsOk());
  EXPECT_THAT(h->Run({"CONFIG", "SET", "maxmemory-samples", std::to_string(samples)}), IsOk());
  return h;
}

// Sets maxmemory to what the process holds now, less `evict_bytes`: the
// next command must evict about that much.
void LimitBelowCurrent(CommandHarness& h, int64_t evict_bytes) {
  int64_t limit = static_cast<int64_t>(server::UsedMemory()) - evict_bytes;
  ASSERT_GT(limit, 0);
  ASSERT_THAT(h.Run({"CONFIG", "SET", "maxmemory", std::to_string(limit)}), IsOk());
}

// --- noeviction ---

TEST(Maxmemory, NoevictionRefusesWritesButServesReadsAndDeletes) {
  CommandHarness h;
  h.Run({"SET", "a", "1"});
  h.Run({"SET", "b", "2"});
  ASSERT_THAT(h.Run({"CONFIG", "SET", "maxmemory", "1"}), IsOk());
  EXPECT_THAT(h.Run({"SET", "c", "3"}), IsError(kOom));
  EXPECT_THAT(h.Run({"LPUSH", "l", "x"}), IsError(kOom));
  EXPECT_THAT(h.Run({"GET", "a"}), IsBulk("1"));
  EXPECT_THAT(h.Run({"DEL", "a"}), IsInt(1));
  // Nothing was evicted: under noeviction the data stays, writes stop.
  EXPECT_THAT(h.Run({"DBSIZE"}), IsInt(1));
  EXPECT_EQ(InfoField(h, "evicted_keys"), 0);
  // The refusals are counted as rejected calls and as OOM errors.
  std::string info = h.Run({"INFO", "everything"}).str();
  EXPECT_THAT(info, ::testing::HasSubstr("cmdstat_set:calls=2,"));
  EXPECT_THAT(info, ::testing::HasSubstr("errorstat_OOM:count=2"));
  ASSERT_THAT(h.Run({"CONFIG", "SET", "maxmemory", "0"}), IsOk());
  EXPECT_THAT(h.Run({"SET", "c", "3"}), IsOk());
}

TEST(Maxmemory, OverTheLimitMultiQueuesNothingAndExecAborts) {
  CommandHarness h;
  ASSERT_THAT(h.Run({"CONFIG", "SET", "maxmemory", "1"}), IsOk());
  EXPECT_THAT(h.Run({"MULTI"}), IsOk());
  // Queuing takes memory: even a read is refused inside MULTI.
  EXPECT_THAT(h.Run({"GET", "a"}), IsError(kOom));
  EXPECT_THAT(h.Run({"EXEC"}),
              IsError("EXECABORT Transaction discarded because of previous errors."));
  // DISCARD is always allowed.
  EXPECT_THAT(h.Run({"MULTI"}), IsOk());
  EXPECT_THAT(h.Run({"DISCARD"}), IsOk());
}

TEST(Maxmemory, ExecOfAWriteQueuedBeforeTheLimitIsAbortedWithTheReason) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"MULTI"}), IsOk());
  EXPECT_THAT(h.Run({"SET", "a", "1"}), IsSimple("QUEUED"));
  // Another client lowers the limit while the transaction is open.
  server::Client& admin = h.NewClient();
  ASSERT_THAT(h.RunAs(admin, {"CONFIG", "SET", "maxmemory", "1"}), IsOk());
  EXPECT_THAT(h.Run({"EXEC"}),
              IsError("EXECABORT Transaction discarded because of: OOM command not allowed when "
                      "used memory > 'maxmemory'."));
  // The transaction is over.
  EXPECT_THAT(h.Run({"EXEC"}), IsError("ERR EXEC without MULTI"));
  EXPECT_THAT(h.Run({"EXISTS", "a"}), IsInt(0));
}

TEST(Maxmemory, ExecOfOnlyReadsRunsOverTheLimit) {
  CommandHarness h;
  h.Run({"SET", "a", "1"});
  EXPECT_THAT(h.Run({"MULTI"}), IsOk());
  EXPECT_THAT(h.Run({"GET", "a"}), IsSimple("QUEUED"));
  server::Client& admin = h.NewClient();
  ASSERT_THAT(h.RunAs(admin, {"CONFIG", "SET", "maxmemory", "1"}), IsOk());
  protocol::Value v = h.Run({"EXEC"});
  ASSERT_EQ(v.elements().size(), 1u);
  EXPECT_THAT(v.elements()[0], IsBulk("1"));
}

// --- Settings ---

TEST(MaxmemoryConfig, AcceptsUnitsAndRedisRanges) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"CONFIG", "SET", "maxmemory", "100mb"}), IsOk());
  EXPECT_THAT(h.Run({"CONFIG", "GET", "maxmemory"}),
              IsBulkArray(std::vector<std::string>{"maxmemory", "104857600"}));
  EXPECT_THAT(h.Run({"CONFIG", "SET", "maxmemory", "1gb"}), IsOk());
  EXPECT_EQ(InfoField(h, "maxmemory"), 1073741824);
  EXPECT_THAT(h.Run({"INFO", "memory"}).str(), ::testing::HasSubstr("maxmemory_human:1.00G\r\n"));
  EXPECT_THAT(h.Run({"CONFIG", "SET", "maxmemory-policy", "ALLKEYS-LRU"}), IsOk());
  EXPECT_THAT(h.Run({"CONFIG", "GET", "maxmemory-policy"}),
              IsBulkArray(std::vector<std::string>{"maxmemory-policy", "allkeys-lru"}));
  EXPECT_THAT(h.Run({"INFO", "memory"}).str(),
              ::testing::HasSubstr("maxmemory_policy:allkeys-lru\r\n"));
  EXPECT_THAT(h.Run({"CONFIG", "SET", "maxmemory-policy", "foo"}),
              IsError("ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - "
                      "argument(s) must be one of the following: volatile-lru, volatile-lfu, "
                      "volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, "
                      "noeviction"));
  EXPECT_THAT(h.Run({"CONFIG", "SET", "maxmemory-samples", "0"}),
              IsError("ERR CONFIG SET failed (possibly related to argument 'maxmemory-samples') - "
                      "argument must be between 1 and 2147483647 inclusive"));
  EXPECT_THAT(h.Run({"CONFIG", "SET", "lfu-log-factor", "-1"}),
              IsError("ERR CONFIG SET failed (possibly related to argument 'lfu-log-factor') - "
                      "argument must be between 0 and 2147483647 inclusive"));
  EXPECT_THAT(h.Run({"CONFIG", "SET", "lfu-decay-time", "5"}), IsOk());
  EXPECT_THAT(h.Run({"CONFIG", "SET", "maxmemory", "0"}), IsOk());
}

TEST(MaxmemoryConfig, ComesFromTheConfigFile) {
  server::Config config = CommandHarness::DefaultConfig();
  std::string error;
  ASSERT_TRUE(server::ParseConfigText(
      "maxmemory 64mb\nmaxmemory-policy volatile-ttl\nmaxmemory-samples 10\n"
      "lfu-log-factor 2\nlfu-decay-time 0\n",
      &config, &error))
      << error;
  CommandHarness h(config);
  EXPECT_EQ(InfoField(h, "maxmemory"), 64 << 20);
  EXPECT_THAT(h.Run({"CONFIG", "GET", "maxmemory-samples"}),
              IsBulkArray(std::vector<std::string>{"maxmemory-samples", "10"}));
  EXPECT_THAT(h.Run({"CONFIG", "GET", "lfu-log-factor"}),
              IsBulkArray(std::vector<std::string>{"lfu-log-factor", "2"}));
  EXPECT_THAT(h.Run({"CONFIG", "GET", "lfu-decay-time"}),
              IsBulkArray(std::vector<std::string>{"lfu-decay-time", "0"}));
}

// --- The policies ---

TEST(Eviction, AllkeysLruEvictsUntilUnderTheLimit) {
  auto h = MakeHarness("allkeys-lru");
  for (int i = 0; i < 1000; ++i) h->Run({"SET", Key(i), Value()});
  LimitBelowCurrent(*h, 100 * 1024);
  int64_t left = h->Run({"DBSIZE"}).integer();
  EXPECT_LT(left, 1000);
  EXPECT_GT(left, 500);  // about 100 KB worth went, not everything
  EXPECT_EQ(InfoField(*h, "evicted_keys"), 1000 - left);
  // Between commands the process holds no more than the limit. (Measured
  // here, not with INFO, which allocates its own text as it measures.)
  uint64_t limit = static_cast<uint64_t>(InfoField(*h, "maxmemory"));
  EXPECT_LE(server::UsedMemory(), limit);
  // Writes go on, each making room for itself.
  for (int i = 1000; i < 1100; ++i) EXPECT_THAT(h->Run({"SET", Key(i), Value()}), IsOk());
  EXPECT_LE(h->Run({"DBSIZE"}).integer(), left + 5);
}

TEST(Eviction, EvictedKeysAreDeletedAsByDel) {
  auto h = MakeHarness("allkeys-random");
  ASSERT_THAT(h->Run({"SET", "watched", Value()}), IsOk());
  server::Client& other = h->NewClient();
  ASSERT_THAT(h->RunAs(other, {"WATCH", "watched"}), IsOk());
  ASSERT_THAT(h->RunAs(other, {"MULTI"}), IsOk());
  ASSERT_THAT(h->RunAs(other, {"SET", "x", "1"}), IsSimple("QUEUED"));
  ASSERT_THAT(h->Run({"CONFIG", "SET", "maxmemory", "1"}), IsOk());
  // With a 1-byte limit every key goes, and then writes are refused.
  EXPECT_THAT(h->Run({"DBSIZE"}), IsInt(0));
  EXPECT_THAT(h->Run({"SET", "k", "v"}), IsError(kOom));
  // The WATCHer's transaction fails, as after a DEL of the key (EXEC is not
  // refused: its queued SET may grow memory, but the limit was lifted).
  ASSERT_THAT(h->Run({"CONFIG", "SET", "maxmemory", "0"}), IsOk());
  EXPECT_THAT(h->RunAs(other, {"EXEC"}), IsNilArray());
}

// volatile-* policies never touch a key without a TTL.
class VolatilePolicy : public ::testing::TestWithParam<std::string> {};

TEST_P(VolatilePolicy, EvictsOnlyKeysWithATtlThenRefusesWrites) {
  auto h = MakeHarness(GetParam());
  for (int i = 0; i < 400; ++i) {
    h->Run({"SET", "persistent:" + std::to_string(i), Value()});
    h->Run({"SET", "volatile:" + std::to_string(i), Value(), "EX", std::to_string(1000 + i)});
  }
  LimitBelowCurrent(*h, 80 * 1024);
  int volatile_left = 0;
  for (int i = 0; i < 400; ++i) {
    ASSERT_TRUE(Exists(*h, "persistent:" + std::to_string(i))) << i;
    volatile_left += Exists(*h, "volatile:" + std::to_string(i)) ? 1 : 0;
  }
  EXPECT_LT(volatile_left, 400);
  EXPECT_GT(volatile_left, 100);
  // More than all the volatile keys are worth: they all go, the others
  // stay, and writes are refused.
  LimitBelowCurrent(*h, 400 * 1024);
  EXPECT_THAT(h->Run({"SET", "new", "v"}), IsError(kOom));
  EXPECT_THAT(h->Run({"DBSIZE"}), IsInt(400));
  EXPECT_EQ(InfoField(*h, "evicted_keys"), 400);
  EXPECT_THAT(h->Run({"GET", "persistent:0"}), IsBulk(Value()));
}

INSTANTIATE_TEST_SUITE_P(Policies, VolatilePolicy,
                         ::testing::Values("volatile-lru", "volatile-lfu", "volatile-random",
                                           "volatile-ttl"),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::erase(name, '-');
                           return name;
                         });

TEST(Eviction, VolatileTtlEvictsTheNearestDeadlinesFirst) {
  auto h = MakeHarness("volatile-ttl");
  // Key i expires in 1000 + i seconds.
  constexpr int kKeys = 1000;
  for (int i = 0; i < kKeys; ++i) {
    h->Run({"SET", Key(i), Value(), "EX", std::to_string(1000 + i)});
  }
  LimitBelowCurrent(*h, 300 * 512);
  int evicted_near = 0, evicted_far = 0;
  for (int i = 0; i < kKeys; ++i) {
    if (Exists(*h, Key(i))) continue;
    (i < kKeys / 2 ? evicted_near : evicted_far)++;
  }
  // Exact volatile-ttl would take only keys from the first half; sampling
  // 5 keys into the pool lets a few later ones in at most.
  EXPECT_GT(evicted_near, 150);
  EXPECT_LT(evicted_far, evicted_near / 10 + 1)
      << evicted_near << " near, " << evicted_far << " far";
}

TEST(Eviction, AllkeysPoliciesEvictKeysWithAndWithoutTtl) {
  for (const char* policy : {"allkeys-lru", "allkeys-lfu", "allkeys-random"}) {
    auto h = MakeHarness(policy);
    for (int i = 0; i < 500; ++i) {
      h->Run({"SET", "persistent:" + std::to_string(i), Value()});
      h->Run({"SET", "volatile:" + std::to_string(i), Value(), "EX", "1000"});
    }
    LimitBelowCurrent(*h, 250 * 512);
    int persistent_left = 0, volatile_left = 0;
    for (int i = 0; i < 500; ++i) {
      persistent_left += Exists(*h, "persistent:" + std::to_string(i));
      volatile_left += Exists(*h, "volatile:" + std::to_string(i));
    }
    EXPECT_LT(persistent_left, 500) << policy;
    EXPECT_LT(volatile_left, 500) << policy;
  }
}

TEST(Eviction, EveryDatabaseIsACandidate) {
  auto h = MakeHarness("allkeys-lru");
  // Database 5's keys are older: they go first.
  h->Run({"SELECT", "5"});
  for (int i = 0; i < 300; ++i) h->Run({"SET", Key(i), Value()});
  h->AdvanceMs(100'000);
  h->Run({"SELECT", "0"});
  for (int i = 0; i < 300; ++i) h->Run({"SET", Key(i), Value()});
  LimitBelowCurrent(*h, 100 * 512);
  EXPECT_GT(h->Run({"DBSIZE"}).integer(), 290);
  h->Run({"SELECT", "5"});
  EXPECT_LT(h->Run({"DBSIZE"}).integer(), 250);
}

// --- How good the approximation is ---

// Redis's own experiment (https://redis.io/docs/reference/eviction/): fill
// the cache, read the first half of the keys again, then add half as many
// new keys as there were. Exact LRU evicts exactly the half not read again.
// Sampled LRU gets close, closer with more samples; random eviction, the
// baseline, cannot tell the halves apart. Typical figures (kept out of
// 1000 read again / 1000 not read / 1000 new):
//
//   allkeys-random           ~590 / ~630 / ~780  (new keys were around less)
//   allkeys-lru,  5 samples  ~800 / ~200 / 1000
//   allkeys-lru, 10 samples  ~895 / ~105 / 1000
//   exact LRU                1000 /    0 / 1000
//
// The untouched keys that survive are the tail: once few are left, a
// sample of 5 rarely finds one, and the pool's best candidate is then the
// oldest of the keys read again.
struct LruExperiment {
  int touched_survivors = 0;
  int untouched_survivors = 0;
  int new_survivors = 0;
};

LruExperiment RunLruExperiment(const std::string& policy, int samples) {
  constexpr int kKeys = 2000;
  auto h = MakeHarness(policy, samples);
  // One key per second: the LRU clock counts seconds.
  for (int i = 0; i < kKeys; ++i) {
    h->Run({"SET", Key(i), Value()});
    h->AdvanceMs(1000);
  }
  for (int i = 0; i < kKeys / 2; ++i) {
    h->Run({"GET", Key(i)});
    h->AdvanceMs(1000);
  }
  std::vector<std::string> new_keys;
  for (int i = 0; i < kKeys / 2; ++i) new_keys.push_back(Key(kKeys + i));
  LimitBelowCurrent(*h, 0);
  for (const std::string& k : new_keys) {
    h->Run({"SET", k, Value()});
    h->AdvanceMs(1000);
  }
  h->Run({"CONFIG", "SET", "maxmemory", "0"});
  LruExperiment r;
  for (int i = 0; i < kKeys; ++i) {
    bool alive = Exists(*h, Key(i));
    (i < kKeys / 2 ? r.touched_survivors : r.untouched_survivors) += alive;
  }
  for (const std::string& k : new_keys) r.new_survivors += Exists(*h, k);
  std::printf("%-14s samples %2d: kept %4d/1000 read again, %4d/1000 not read, %4d/1000 new\n",
              policy.c_str(), samples, r.touched_survivors, r.untouched_survivors, r.new_survivors);
  return r;
}

TEST(EvictionQuality, SampledLruKeepsRecentlyUsedKeysAlmostLikeExactLru) {
  LruExperiment random = RunLruExperiment("allkeys-random", 5);
  LruExperiment lru5 = RunLruExperiment("allkeys-lru", 5);
  LruExperiment lru10 = RunLruExperiment("allkeys-lru", 10);
  // Random eviction keeps both halves alike.
  EXPECT_LT(std::abs(random.touched_survivors - random.untouched_survivors), 150);
  // Sampled LRU tells them apart, and never evicts the newest keys.
  EXPECT_GT(lru5.touched_survivors, 700);
  EXPECT_LT(lru5.untouched_survivors, 300);
  EXPECT_GT(lru5.new_survivors, 990);
  // Ten samples come closer to exact LRU than five.
  EXPECT_GT(lru10.touched_survivors, 820);
  EXPECT_LT(lru10.untouched_survivors, 180);
  EXPECT_GT(lru10.touched_survivors, lru5.touched_survivors);
  EXPECT_GT(lru10.new_survivors, 990);
}

// --- LFU ---

TEST(Eviction, AllkeysLfuKeepsFrequentlyUsedKeys) {
  auto h = MakeHarness("allkeys-lfu");
  constexpr int kKeys = 2000, kHot = 200;
  for (int i = 0; i < kKeys; ++i) h->Run({"SET", Key(i), Value()});
  for (int round = 0; round < 30; ++round) {
    for (int i = 0; i < kHot; ++i) h->Run({"GET", Key(i)});
  }
  LimitBelowCurrent(*h, 1000 * 512);
  int hot_left = 0, cold_left = 0;
  for (int i = 0; i < kKeys; ++i) (i < kHot ? hot_left : cold_left) += Exists(*h, Key(i));
  EXPECT_GT(InfoField(*h, "evicted_keys"), 500);
  EXPECT_GE(hot_left, kHot * 95 / 100) << hot_left << " hot, " << cold_left << " cold left";
}

TEST(Lfu, CounterGrowsLogarithmicallyAndDecaysWithTime) {
  CommandHarness h;
  ASSERT_THAT(h.Run({"CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"}), IsOk());
  h.Run({"SET", "k", "v"});
  // New keys start at 5, so they are not the first to go.
  EXPECT_THAT(h.Run({"OBJECT", "FREQ", "k"}), IsInt(5));
  // The first access from 5 always counts.
  h.Run({"GET", "k"});
  EXPECT_THAT(h.Run({"OBJECT", "FREQ", "k"}), IsInt(6));
  // lfu-log-factor 0 makes every access count: easy to follow.
  ASSERT_THAT(h.Run({"CONFIG", "SET", "lfu-log-factor", "0"}), IsOk());
  for (int i = 0; i < 5; ++i) h.Run({"GET", "k"});
  EXPECT_THAT(h.Run({"OBJECT", "FREQ", "k"}), IsInt(11));
  // A write is an access too, and an overwrite keeps the counter.
  h.Run({"SET", "k", "v2"});
  EXPECT_THAT(h.Run({"OBJECT", "FREQ", "k"}), IsInt(12));
  // OBJECT itself is not an access.
  EXPECT_THAT(h.Run({"OBJECT", "FREQ", "k"}), IsInt(12));
  // One point lost per lfu-decay-time minutes without access.
  h.AdvanceMs(3 * 60'000);
  EXPECT_THAT(h.Run({"OBJECT", "FREQ", "k"}), IsInt(9));
  ASSERT_THAT(h.Run({"CONFIG", "SET", "lfu-decay-time", "2"}), IsOk());
  EXPECT_THAT(h.Run({"OBJECT", "FREQ", "k"}), IsInt(11));  // 3 min / 2 = 1 period
  ASSERT_THAT(h.Run({"CONFIG", "SET", "lfu-decay-time", "0"}), IsOk());
  EXPECT_THAT(h.Run({"OBJECT", "FREQ", "k"}), IsInt(12));  // 0: never decays
}

TEST(Lfu, WithTheDefaultFactorAHundredHitsAddOnlyAFewPoints) {
  CommandHarness h;
  ASSERT_THAT(h.Run({"CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"}), IsOk());
  h.Run({"SET", "k", "v"});
  for (int i = 0; i < 100; ++i) h.Run({"GET", "k"});
  // p = 1 / ((counter - 5) * 10 + 1): about 4 points for 100 hits.
  int64_t freq = h.Run({"OBJECT", "FREQ", "k"}).integer();
  EXPECT_GE(freq, 7);
  EXPECT_LE(freq, 13);
}

TEST(ObjectIdletime, IsAnErrorUnderAnLfuPolicy) {
  CommandHarness h;
  h.Run({"SET", "k", "v"});
  ASSERT_THAT(h.Run({"CONFIG", "SET", "maxmemory-policy", "volatile-lfu"}), IsOk());
  EXPECT_THAT(h.Run({"OBJECT", "IDLETIME", "k"}),
              IsError("ERR An LFU maxmemory policy is selected, idle time not tracked. Please "
                      "note that when switching between policies at runtime LRU and LFU data "
                      "will take some time to adjust."));
  EXPECT_THAT(h.Run({"OBJECT", "IDLETIME", "missing"}), IsNil());
  ASSERT_THAT(h.Run({"CONFIG", "SET", "maxmemory-policy", "allkeys-lru"}), IsOk());
  h.Run({"GET", "k"});
  h.AdvanceMs(7000);
  EXPECT_THAT(h.Run({"OBJECT", "IDLETIME", "k"}), IsInt(7));
  // OBJECT does not count as an access.
  EXPECT_THAT(h.Run({"OBJECT", "IDLETIME", "k"}), IsInt(7));
  EXPECT_THAT(h.Run({"OBJECT", "FREQ", "missing"}), IsNil());
}

// --- INFO ---

TEST(MemoryInfo, UsedMemoryFollowsWhatKeysHold) {
  CommandHarness h;
  int64_t before = InfoField(h, "used_memory");
  std::string big(1 << 20, 'x');
  for (int i = 0; i < 10; ++i) h.Run({"SET", Key(i), big});
  int64_t after = InfoField(h, "used_memory");
  // Ten 1 MB values (plus the test's own copy of one).
  EXPECT_GT(after - before, 10 << 20);
  EXPECT_LT(after - before, 13 << 20);
  h.Run({"FLUSHALL"});
  EXPECT_LT(InfoField(h, "used_memory"), before + (2 << 20));
  EXPECT_GE(InfoField(h, "used_memory_peak"), after);
}

}  // namespace
}  // namespace ember::testing
