// The four rate-limit algorithms against ember-server and redis-server, on a
// manual clock so every boundary is exact and nothing sleeps. What it
// teaches:
//   - each algorithm admits exactly `limit` requests, refuses the next, and
//     its Retry-After is exact: refused one millisecond earlier, admitted then;
//   - the fixed window admits twice its limit around a window boundary, the
//     sliding algorithms and the token bucket do not;
//   - many threads on one key through a pool get exactly `limit` admissions,
//     because every decision is one MULTI/EXEC (or a WATCHed one);
//   - refused requests use up nothing, every key carries an expiry, clients
//     have their own quotas;
//   - the sliding counter weights the previous window by its overlap, and
//     the token bucket refills one token every window/limit.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <latch>
#include <map>
#include <thread>
#include <tuple>
#include <vector>

#include "client/client.h"
#include "demos/rate_limiter/bench.h"
#include "demos/rate_limiter/rate_limiter.h"
#include "tests/client/servers.h"

namespace ember::testing {
namespace {

using client::AsInteger;
using demos::ratelimit::Algorithm;
using demos::ratelimit::AlgorithmName;
using demos::ratelimit::Decision;
using demos::ratelimit::kAllAlgorithms;
using demos::ratelimit::ManualClock;
using demos::ratelimit::PooledLimiter;
using demos::ratelimit::Quota;
using demos::ratelimit::RateLimiter;

constexpr int64_t kWindow = 60'000;
constexpr Quota kFivePerMinute{5, kWindow};
// 10 s into a window (window numbers are now / window).
constexpr int64_t kT0 = 1000 * kWindow + 10'000;

class RateLimit : public ::testing::TestWithParam<std::tuple<std::string, Algorithm>> {
 protected:
  void SetUp() override {
    server_ = StartServer(std::get<0>(GetParam()));
    ASSERT_TRUE(server_->started());
    conn_ = std::make_unique<client::Connection>(Opts());
  }

  client::Options Opts() const {
    client::Options o;
    o.port = server_->port();
    o.read_timeout = std::chrono::seconds(10);
    return o;
  }
  Algorithm algorithm() const { return std::get<1>(GetParam()); }

  Decision Check(const std::string& id, int64_t now, const Quota& q = kFivePerMinute) {
    auto d = limiter_.Check(*conn_, id, q, now);
    EXPECT_TRUE(d.ok()) << d.error().ToString();
    return d.ok() ? *d : Decision{};
  }
  // How many of `n` requests at `now` are admitted.
  int64_t Admitted(const std::string& id, int64_t now, int64_t n, const Quota& q = kFivePerMinute) {
    int64_t admitted = 0;
    for (int64_t i = 0; i < n; ++i) admitted += Check(id, now, q).allowed ? 1 : 0;
    return admitted;
  }

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<client::Connection> conn_;
  RateLimiter limiter_{algorithm()};
};

std::string Name(const ::testing::TestParamInfo<std::tuple<std::string, Algorithm>>& info) {
  std::string alg(AlgorithmName(std::get<1>(info.param)));
  for (char& c : alg) c = c == '-' ? '_' : c;
  return std::get<0>(info.param) + "_" + alg;
}

INSTANTIATE_TEST_SUITE_P(Servers, RateLimit,
                         ::testing::Combine(::testing::Values("ember", "redis"),
                                            ::testing::ValuesIn(kAllAlgorithms)),
                         Name);

// What the 6th request at kT0 is told, per algorithm (limit 5 per minute,
// all five admitted at kT0, 10 s into a window).
struct Expected {
  int64_t retry_after_ms;
  int64_t reset_ms;
};
Expected AfterFiveAtT0(Algorithm a) {
  switch (a) {
    case Algorithm::kFixedWindow:
      return {50'000, 50'000};  // the window ends 50 s later
    case Algorithm::kSlidingLog:
      return {60'000, 60'000};  // the five leave the log a window later
    case Algorithm::kSlidingCounter:
      // Next window, when 5 * (1 - e/60s) + 1 <= 5: e = 12 s; full quota
      // once this window stops weighing, at the end of the next.
      return {62'000, 110'000};
    case Algorithm::kTokenBucket:
      return {12'000, 60'000};  // a token every 60/5 s; five to fill it
  }
  return {};
}

TEST_P(RateLimit, AdmitsExactlyTheLimitThenRefusesTheNext) {
  for (int64_t i = 0; i < 5; ++i) {
    Decision d = Check("ip:1", kT0);
    EXPECT_TRUE(d.allowed) << "request " << i;
    EXPECT_EQ(d.limit, 5);
    EXPECT_EQ(d.remaining, 4 - i);
    EXPECT_EQ(d.retry_after_ms, 0);
  }
  Decision refused = Check("ip:1", kT0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.remaining, 0);
  EXPECT_EQ(refused.retry_after_ms, AfterFiveAtT0(algorithm()).retry_after_ms);
  EXPECT_EQ(refused.reset_ms, AfterFiveAtT0(algorithm()).reset_ms);
}

TEST_P(RateLimit, RetryAfterIsExactAndRefusedRequestsUseUpNothing) {
  EXPECT_EQ(Admitted("ip:1", kT0, 5), 5);
  // Hammering while refused must not push the retry time back.
  EXPECT_EQ(Admitted("ip:1", kT0, 20), 0);
  int64_t retry = AfterFiveAtT0(algorithm()).retry_after_ms;
  EXPECT_EQ(Admitted("ip:1", kT0 + 1000, 3), 0);
  Decision early = Check("ip:1", kT0 + retry - 1);
  EXPECT_FALSE(early.allowed);
  EXPECT_EQ(early.retry_after_ms, 1);
  EXPECT_TRUE(Check("ip:1", kT0 + retry).allowed);
}

TEST_P(RateLimit, ClientsHaveTheirOwnQuotas) {
  EXPECT_EQ(Admitted("ip:1", kT0, 7), 5);
  EXPECT_EQ(Admitted("ip:2", kT0, 7), 5);
  EXPECT_EQ(Admitted("ip:3", kT0, 1), 1);
}

TEST_P(RateLimit, OnlyTheFixedWindowAdmitsTwiceTheLimitAroundABoundary) {
  int64_t boundary = 1001 * kWindow;
  int64_t before = Admitted("ip:1", boundary - 1, 5);
  int64_t after = Admitted("ip:1", boundary, 5);
  EXPECT_EQ(before, 5);
  if (algorithm() == Algorithm::kFixedWindow) {
    EXPECT_EQ(after, 5) << "a new window, a new counter: 10 requests within 2 ms";
  } else {
    EXPECT_EQ(after, 0) << "the last window's 5 still count";
  }
}

TEST_P(RateLimit, EveryKeyExpires) {
  for (int i = 0; i < 7; ++i) (void)Check("ip:1", kT0 + i);
  for (const std::string& key : limiter_.KeysFor("ip:1", kFivePerMinute, kT0 + 6)) {
    auto exists = AsInteger(conn_->Command({"EXISTS", key}));
    ASSERT_TRUE(exists.ok());
    if (*exists == 0) continue;  // the sliding counter's previous window
    auto ttl = AsInteger(conn_->Command({"PTTL", key}));
    ASSERT_TRUE(ttl.ok());
    EXPECT_GT(*ttl, 0) << key;
    // Never longer than two windows plus the slack.
    EXPECT_LE(*ttl, 2 * kWindow + limiter_.options().expiry_slack_ms) << key;
  }
}

TEST_P(RateLimit, ManyThreadsOnOneKeyGetExactlyTheLimit) {
  constexpr int kThreads = 16;
  constexpr int kPerThread = 12;
  const Quota q{50, kWindow};
  client::Pool pool(Opts(), 8);
  ManualClock clock(kT0);
  PooledLimiter limiter(algorithm(), &pool, &clock);
  std::atomic<int> admitted{0}, refused{0}, errors{0};
  std::latch go(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      go.arrive_and_wait();
      for (int i = 0; i < kPerThread; ++i) {
        auto d = limiter.Check("hot", q);
        if (!d.ok()) {
          ++errors;
        } else if (d->allowed) {
          ++admitted;
        } else {
          ++refused;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(admitted.load(), 50);
  EXPECT_EQ(refused.load(), kThreads * kPerThread - 50);
}

TEST_P(RateLimit, AQuietClientRecoversItsQuota) {
  EXPECT_EQ(Admitted("ip:1", kT0, 5), 5);
  // Two windows later every algorithm has forgotten the burst.
  EXPECT_EQ(Admitted("ip:1", kT0 + 2 * kWindow, 6), 5);
}

// Algorithm-specific behaviour, on both servers.
class RateLimitDetails : public BothServers {
 protected:
  void SetUp() override {
    BothServers::SetUp();
    conn_ = std::make_unique<client::Connection>(Opts());
  }
  int64_t Admitted(const RateLimiter& l, const std::string& id, int64_t now, int64_t n,
                   const Quota& q = kFivePerMinute) {
    int64_t admitted = 0;
    for (int64_t i = 0; i < n; ++i) {
      auto d = l.Check(*conn_, id, q, now);
      EXPECT_TRUE(d.ok());
      admitted += d.ok() && d->allowed ? 1 : 0;
    }
    return admitted;
  }
  std::unique_ptr<client::Connection> conn_;
};
EMBER_BOTH_SERVERS(RateLimitDetails);

TEST_P(RateLimitDetails, SlidingCounterWeightsThePreviousWindowByItsOverlap) {
  RateLimiter l(Algorithm::kSlidingCounter);
  int64_t start = 1000 * kWindow;
  EXPECT_EQ(Admitted(l, "ip", start, 5), 5);
  // Halfway through the next window the previous one weighs 5 * 0.5 = 2.5,
  // so 2 more fit (2.5 + 2 <= 5 < 2.5 + 3).
  EXPECT_EQ(Admitted(l, "ip", start + kWindow + kWindow / 2, 5), 2);
}

TEST_P(RateLimitDetails, SlidingCounterIsFooledByABurstAtTheEndOfAWindow) {
  // It assumes the previous window's requests were spread evenly. Five at
  // its very end still weigh only 2.5 halfway through the next window,
  // though all five are less than a window old.
  RateLimiter l(Algorithm::kSlidingCounter);
  int64_t boundary = 1001 * kWindow;
  EXPECT_EQ(Admitted(l, "ip", boundary - 1, 5), 5);
  EXPECT_EQ(Admitted(l, "ip", boundary + kWindow / 2, 5), 2);
  // The sliding log is not fooled.
  RateLimiter log(Algorithm::kSlidingLog);
  EXPECT_EQ(Admitted(log, "ip", boundary - 1, 5), 5);
  EXPECT_EQ(Admitted(log, "ip", boundary + kWindow / 2, 5), 0);
}

TEST_P(RateLimitDetails, SlidingLogKeepsOneMemberPerAdmittedRequest) {
  RateLimiter l(Algorithm::kSlidingLog);
  EXPECT_EQ(Admitted(l, "ip", kT0, 9), 5);
  std::string key = l.KeysFor("ip", kFivePerMinute, kT0)[0];
  auto card = AsInteger(conn_->Command({"ZCARD", key}));
  ASSERT_TRUE(card.ok());
  EXPECT_EQ(*card, 5);
  // A window later, the trim leaves only the new request.
  EXPECT_EQ(Admitted(l, "ip", kT0 + kWindow, 1), 1);
  card = AsInteger(conn_->Command({"ZCARD", key}));
  ASSERT_TRUE(card.ok());
  EXPECT_EQ(*card, 1);
}

TEST_P(RateLimitDetails, TokenBucketRefillsOneTokenEveryWindowOverLimit) {
  RateLimiter l(Algorithm::kTokenBucket);
  EXPECT_EQ(Admitted(l, "ip", kT0, 6), 5);
  EXPECT_EQ(Admitted(l, "ip", kT0 + 11'999, 1), 0);
  EXPECT_EQ(Admitted(l, "ip", kT0 + 12'000, 2), 1);
  EXPECT_EQ(Admitted(l, "ip", kT0 + 36'000, 3), 2);
  // The bucket is a hash: credit = tokens * window, and its time.
  std::string key = l.KeysFor("ip", kFivePerMinute, kT0)[0];
  auto fields = client::AsStrings(conn_->Command({"HMGET", key, "credit", "ts"}));
  ASSERT_TRUE(fields.ok());
  EXPECT_EQ((*fields)[0], "0");
  EXPECT_EQ((*fields)[1], std::to_string(kT0 + 36'000));
  // Its expiry is when it would be full again: 5 tokens * 12 s, plus slack.
  auto ttl = AsInteger(conn_->Command({"PTTL", key}));
  ASSERT_TRUE(ttl.ok());
  EXPECT_GT(*ttl, 60'000);
  EXPECT_LE(*ttl, 61'000);
}

TEST_P(RateLimitDetails, FixedWindowCounterIsNamedByItsWindowAndExpiresWithIt) {
  RateLimiter l(Algorithm::kFixedWindow);
  EXPECT_EQ(Admitted(l, "ip", kT0, 3), 3);
  std::string key = l.KeysFor("ip", kFivePerMinute, kT0)[0];
  EXPECT_EQ(key, "rl:fw:ip:1000");
  auto count = client::AsOptionalString(conn_->Command({"GET", key}));
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(count->value_or(""), "3");
  // PEXPIRE ... NX: set by the first request (50 s + 1 s slack), kept by the rest.
  auto ttl = AsInteger(conn_->Command({"PTTL", key}));
  ASSERT_TRUE(ttl.ok());
  EXPECT_GT(*ttl, 50'000);
  EXPECT_LE(*ttl, 51'000);
}

TEST_P(RateLimitDetails, ServerClockReadsTime) {
  client::Pool pool(Opts(), 1);
  demos::ratelimit::ServerClock clock(&pool);
  auto a = clock.NowMs();
  ASSERT_TRUE(a.ok());
  auto local = demos::ratelimit::SystemClock().NowMs();
  ASSERT_TRUE(local.ok());
  // Same machine: the clocks agree to well within a second.
  EXPECT_LT(std::abs(*a - *local), 1000);
  auto b = clock.NowMs();
  ASSERT_TRUE(b.ok());
  EXPECT_GE(*b, *a);
}

TEST(SlidingCounterArithmetic, WaitIsWhenTheEstimateLeavesRoomForOne) {
  const Quota q{5, 60'000};
  // Room now: 5 * 0.5 + 1 + 1 <= 5.
  EXPECT_EQ(demos::ratelimit::SlidingCounterWaitMs(0, 4, 0, q), 0);
  EXPECT_EQ(demos::ratelimit::SlidingCounterWaitMs(5, 1, 30'000, q), 0);
  // Room once the previous window weighs 5 - 1 - 2 = 2: 5 * (30 - t) / 60 <= 2.
  EXPECT_EQ(demos::ratelimit::SlidingCounterWaitMs(5, 2, 30'000, q), 6'000);
  EXPECT_EQ(demos::ratelimit::SlidingCounterWaitMs(5, 3, 30'000, q), 18'000);
  // This window is full: wait for the next, where 5 * (1 - t/60) + 1 <= 5.
  EXPECT_EQ(demos::ratelimit::SlidingCounterWaitMs(0, 5, 10'000, q), 50'000 + 12'000);
}

// The accuracy/cost bench whose tables are in docs/demos/rate-limiter.md.
TEST_P(RateLimitDetails, BenchShowsTheDoubleBurstAndTheCostOfEachAlgorithm) {
  const Quota q{10, kWindow};
  for (Algorithm a : kAllAlgorithms) {
    SCOPED_TRACE(std::string(AlgorithmName(a)));
    auto acc = demos::ratelimit::MeasureAccuracy(*conn_, a, q, "bench:");
    ASSERT_TRUE(acc.ok()) << acc.error().ToString();
    EXPECT_EQ(acc->boundary_allowed, a == Algorithm::kFixedWindow ? 20 : 10);
    if (a == Algorithm::kSlidingLog) {
      EXPECT_EQ(acc->worst_span, 10);
    }
    if (a == Algorithm::kFixedWindow) {
      EXPECT_EQ(acc->worst_span, 20);
    }
    // Long run, every algorithm holds the rate (the counter a little under).
    EXPECT_GE(acc->per_window, 9.0);
    EXPECT_LE(acc->per_window, 10.0);
  }
  std::map<Algorithm, demos::ratelimit::CostRow> cost;
  for (Algorithm a : kAllAlgorithms) {
    auto c = demos::ratelimit::MeasureCost(*conn_, a, q, 200, "bench:");
    ASSERT_TRUE(c.ok()) << c.error().ToString();
    cost[a] = *c;
  }
  // Commands the server executed per request, MULTI and EXEC included:
  // the same on both servers.
  EXPECT_EQ(cost[Algorithm::kFixedWindow].commands_allowed, 4);  // MULTI INCR PEXPIRE EXEC
  EXPECT_EQ(cost[Algorithm::kFixedWindow].commands_refused, 4);
  EXPECT_EQ(cost[Algorithm::kSlidingLog].commands_allowed, 6);  // MULTI + 4 + EXEC
  EXPECT_EQ(cost[Algorithm::kSlidingLog].commands_refused, 9);  // + ZREM, 2 ZRANGE
  EXPECT_EQ(cost[Algorithm::kSlidingCounter].commands_allowed, 5);
  EXPECT_EQ(cost[Algorithm::kSlidingCounter].commands_refused, 9);  // + MULTI DECR PEXPIRE EXEC
  EXPECT_EQ(cost[Algorithm::kTokenBucket].commands_allowed,
            6);  // WATCH HMGET MULTI HSET PEXPIRE EXEC
  EXPECT_EQ(cost[Algorithm::kTokenBucket].commands_refused, 3);  // WATCH HMGET UNWATCH
  EXPECT_EQ(cost[Algorithm::kTokenBucket].round_trips_allowed, 3);
  // A log of `limit` members costs more than one counter.
  EXPECT_GT(cost[Algorithm::kSlidingLog].bytes_per_client,
            2 * cost[Algorithm::kFixedWindow].bytes_per_client);
  EXPECT_GT(cost[Algorithm::kFixedWindow].bytes_per_client, 0);
  if (GetParam() == "redis") {
    // Redis's own view of one client's keys.
    EXPECT_GT(cost[Algorithm::kFixedWindow].memory_usage, 0);
    EXPECT_GT(cost[Algorithm::kSlidingLog].memory_usage,
              2 * cost[Algorithm::kFixedWindow].memory_usage);
  }
}

}  // namespace
}  // namespace ember::testing
