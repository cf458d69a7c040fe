// Rate limiting on Ember or Redis: four algorithms, each a few commands made
// atomic without server-side scripts (Ember has no EVAL), so each shows one of
// the two tools Redis gives a client for that:
//
//   fixed window     one counter per client per window, named by the window
//                    ("rl:fw:<id>:<window number>"):
//                      MULTI; INCR key; PEXPIRE key <until window end> NX; EXEC
//                    MULTI makes the counter and its expiry one step (a crash
//                    between them cannot leave a counter that never expires);
//                    NX sets the expiry once, on the window's first request.
//                    Cheap and exact inside a window, but a client may spend a
//                    whole window's quota at the end of one window and again
//                    at the start of the next: twice the limit in a moment.
//   sliding log      a sorted set per client, one member per admitted request,
//                    scored by its time in ms:
//                      MULTI; ZREMRANGEBYSCORE key -inf <now - window>;
//                             ZADD key <now> <unique member>; ZCARD key;
//                             PEXPIRE key <window>; EXEC
//                    then, if the count is over the limit, ZREM the member just
//                    added (a refused request does not use up quota). Exact
//                    over any window-length span; memory grows with the limit.
//   sliding counter  two fixed-window counters, the previous window's weighted
//                    by how much of it still overlaps the sliding window:
//                      MULTI; GET previous; INCR current;
//                             PEXPIRE current <until the next window ends> NX; EXEC
//                    estimate = previous * (1 - elapsed/window) + current; over
//                    the limit, the increment is undone (MULTI; DECR; PEXPIRE
//                    NX; EXEC). Two small keys; approximate, since it assumes
//                    the previous window's requests were spread evenly.
//   token bucket     a hash per client {credit, ts}: the bucket holds `limit`
//                    tokens and refills at limit/window; a request takes one.
//                    Read-compute-write, made safe by optimistic locking:
//                      WATCH key; HMGET key credit ts; (compute);
//                      MULTI; HSET key credit <c> ts <now>; PEXPIRE key <until full>; EXEC
//                    and, when EXEC answers nil because another request
//                    changed the bucket, start again (client::WatchRetry).
//                    Allows bursts of up to `limit`, then a steady rate.
//
// Time comes from a Clock the limiter is given: the server's (TIME, so that
// several service instances agree), the local one, or a manual clock in tests
// (so boundary tests are exact and never sleep). Window keys are named by the
// window number computed from that clock, and expiries are relative (PEXPIRE),
// padded by `expiry_slack_ms` so a key is never dropped while still in use
// when the clock and the server's expiry disagree a little.
//
// See docs/demos/rate-limiter.md for the races each algorithm closes and the
// measured accuracy and cost.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "client/client.h"

namespace ember::demos::ratelimit {

enum class Algorithm { kFixedWindow, kSlidingLog, kSlidingCounter, kTokenBucket };

inline constexpr std::array<Algorithm, 4> kAllAlgorithms = {
    Algorithm::kFixedWindow, Algorithm::kSlidingLog, Algorithm::kSlidingCounter,
    Algorithm::kTokenBucket};

// "fixed-window", "sliding-log", "sliding-counter", "token-bucket".
std::string_view AlgorithmName(Algorithm a);
bool ParseAlgorithm(std::string_view name, Algorithm* out);

// `limit` requests per `window_ms`. For the token bucket: a bucket of `limit`
// tokens refilled at limit per window_ms.
struct Quota {
  int64_t limit = 0;
  int64_t window_ms = 0;
};

struct Decision {
  bool allowed = false;
  int64_t limit = 0;
  // Requests still allowed now (after this one, if it was allowed).
  int64_t remaining = 0;
  // Refused: ms until a request would be allowed, if no other arrives
  // meanwhile. 0 when allowed.
  int64_t retry_after_ms = 0;
  // ms until the client is back to its full quota, if it sends nothing more.
  int64_t reset_ms = 0;
  // Round trips to the server this decision took (for the cost table).
  int round_trips = 0;
};

// Milliseconds since the Unix epoch, from wherever the clock reads them.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual client::Result<int64_t> NowMs() = 0;
};

// This machine's wall clock.
class SystemClock : public Clock {
 public:
  client::Result<int64_t> NowMs() override;
};

// Set by hand (tests and the accuracy bench). Thread-safe.
class ManualClock : public Clock {
 public:
  explicit ManualClock(int64_t now_ms = 0) : now_(now_ms) {}
  client::Result<int64_t> NowMs() override { return now_.load(); }
  void Set(int64_t now_ms) { now_ = now_ms; }
  void Advance(int64_t ms) { now_ += ms; }

 private:
  std::atomic<int64_t> now_;
};

// The server's clock, read with TIME every `resync` and extrapolated in
// between with this machine's monotonic clock: instances of a service agree
// on window boundaries without a TIME round trip per request.
class ServerClock : public Clock {
 public:
  ServerClock(client::Pool* pool, std::chrono::milliseconds resync = std::chrono::seconds(5))
      : pool_(pool), resync_(resync) {}
  client::Result<int64_t> NowMs() override;

 private:
  client::Pool* pool_;
  std::chrono::milliseconds resync_;
  std::mutex mu_;
  bool synced_ = false;
  int64_t server_ms_ = 0;  // the server's time at steady_at_, halfway through TIME
  std::chrono::steady_clock::time_point steady_at_;
};

// Reads TIME once: the server's time in ms.
client::Result<int64_t> ReadServerTimeMs(client::Connection& conn);

struct LimiterOptions {
  // Every key starts with this.
  std::string key_prefix = "rl:";
  // Added to every expiry (see the top of this file).
  int64_t expiry_slack_ms = 1000;
  // Token bucket: EXECs aborted by concurrent updates before giving up.
  int max_watch_attempts = 100;
};

class RateLimiter {
 public:
  RateLimiter(Algorithm algorithm, LimiterOptions options = {});

  Algorithm algorithm() const { return algorithm_; }
  const LimiterOptions& options() const { return options_; }

  // Decides whether the client `id` (e.g. "/login:203.0.113.7") may make one
  // more request under `quota` at time `now_ms`, and records it if so.
  // REQUIRES: quota.limit >= 1, quota.window_ms >= 1, now_ms >= window_ms.
  // Safe to call from many threads, each with its own connection.
  client::Result<Decision> Check(client::Connection& conn, std::string_view id, const Quota& quota,
                                 int64_t now_ms) const;

  // The keys Check uses for `id` at `now_ms` (tests, memory measurements).
  std::vector<std::string> KeysFor(std::string_view id, const Quota& quota, int64_t now_ms) const;

 private:
  client::Result<Decision> FixedWindow(client::Connection& conn, std::string_view id,
                                       const Quota& q, int64_t now) const;
  client::Result<Decision> SlidingLog(client::Connection& conn, std::string_view id, const Quota& q,
                                      int64_t now) const;
  client::Result<Decision> SlidingCounter(client::Connection& conn, std::string_view id,
                                          const Quota& q, int64_t now) const;
  client::Result<Decision> TokenBucket(client::Connection& conn, std::string_view id,
                                       const Quota& q, int64_t now) const;
  std::string Key(std::string_view kind, std::string_view id) const;

  Algorithm algorithm_;
  LimiterOptions options_;
};

// A limiter with its connection pool and clock: what a service holds.
class PooledLimiter {
 public:
  PooledLimiter(Algorithm algorithm, client::Pool* pool, Clock* clock, LimiterOptions options = {})
      : limiter_(algorithm, std::move(options)), pool_(pool), clock_(clock) {}
  client::Result<Decision> Check(std::string_view id, const Quota& quota);
  const RateLimiter& limiter() const { return limiter_; }

 private:
  RateLimiter limiter_;
  client::Pool* pool_;
  Clock* clock_;
};

// Sliding-window-counter arithmetic, pure (exposed for tests). `prev` and
// `cur` are the request counts of the previous and current fixed windows
// (cur without the request being decided), `elapsed` the ms since the
// current window began. Returns the ms until one more request fits, 0 if it
// fits now.
int64_t SlidingCounterWaitMs(int64_t prev, int64_t cur, int64_t elapsed, const Quota& q);

}  // namespace ember::demos::ratelimit
