#include "demos/rate_limiter/rate_limiter.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <random>

namespace ember::demos::ratelimit {

using client::Connection;
using client::Error;
using client::ErrorKind;
using client::Result;
using client::Transaction;
using client::Value;

std::string_view AlgorithmName(Algorithm a) {
  switch (a) {
    case Algorithm::kFixedWindow:
      return "fixed-window";
    case Algorithm::kSlidingLog:
      return "sliding-log";
    case Algorithm::kSlidingCounter:
      return "sliding-counter";
    case Algorithm::kTokenBucket:
      return "token-bucket";
  }
  return "?";
}

bool ParseAlgorithm(std::string_view name, Algorithm* out) {
  for (Algorithm a : kAllAlgorithms) {
    if (AlgorithmName(a) == name) {
      *out = a;
      return true;
    }
  }
  return false;
}

Result<int64_t> SystemClock::NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

std::optional<int64_t> ParseInt(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

Error Unexpected(std::string_view what, const Value& v) {
  return Error(ErrorKind::kProtocol,
               std::string("unexpected reply to ") + std::string(what) + ": " + v.DebugString());
}

// The integer reply of an EXEC'd command.
Result<int64_t> IntegerOf(const Result<Value>& r, std::string_view what) {
  if (!r.ok()) return r.error();
  if (r->type() != protocol::Type::kInteger) return Unexpected(what, *r);
  return r->integer();
}

// A bulk string holding a decimal integer, or nil (nullopt).
Result<std::optional<int64_t>> OptionalIntegerOf(const Value& v, std::string_view what) {
  if (v.IsNull()) return std::optional<int64_t>();
  std::optional<int64_t> n = ParseInt(v.str());
  if (!n) return Unexpected(what, v);
  return n;
}

// The score of the single member ZRANGE ... WITHSCORES returned, or nullopt
// when it returned nothing.
std::optional<int64_t> ScoreOf(const Result<Value>& r) {
  if (!r.ok() || r->elements().size() < 2) return std::nullopt;
  // Scores are the ms integers we wrote; Redis prints them without a
  // fraction, Ember too.
  return ParseInt(r->elements()[1].str());
}

int64_t CeilDiv(int64_t a, int64_t b) { return a <= 0 ? 0 : (a + b - 1) / b; }

// A member no other request shares: its time, for a reader of the set, and
// 64 random bits, so two requests in the same ms stay two members.
std::string UniqueMember(int64_t now) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[48];
  auto end = std::to_chars(buf, buf + 20, now).ptr;
  *end++ = '-';
  end = std::to_chars(end, buf + sizeof(buf), rng(), 16).ptr;
  return std::string(buf, end);
}

}  // namespace

Result<int64_t> ReadServerTimeMs(Connection& conn) {
  Result<Value> r = conn.Command({"TIME"});
  if (!r.ok()) return r.error();
  if (r->elements().size() != 2) return Unexpected("TIME", *r);
  std::optional<int64_t> sec = ParseInt(r->elements()[0].str());
  std::optional<int64_t> usec = ParseInt(r->elements()[1].str());
  if (!sec || !usec) return Unexpected("TIME", *r);
  return *sec * 1000 + *usec / 1000;
}

Result<int64_t> ServerClock::NowMs() {
  std::lock_guard lock(mu_);
  auto now = std::chrono::steady_clock::now();
  if (!synced_ || now - steady_at_ >= resync_) {
    auto lease = pool_->Acquire();
    if (!lease.ok()) return lease.error();
    auto before = std::chrono::steady_clock::now();
    Result<int64_t> t = ReadServerTimeMs(**lease);
    if (!t.ok()) return t.error();
    auto after = std::chrono::steady_clock::now();
    // The server read its clock somewhere in the round trip; the middle is
    // the best guess, off by at most half of it.
    steady_at_ = before + (after - before) / 2;
    server_ms_ = *t;
    synced_ = true;
    now = after;
  }
  return server_ms_ +
         std::chrono::duration_cast<std::chrono::milliseconds>(now - steady_at_).count();
}

RateLimiter::RateLimiter(Algorithm algorithm, LimiterOptions options)
    : algorithm_(algorithm), options_(std::move(options)) {}

std::string RateLimiter::Key(std::string_view kind, std::string_view id) const {
  std::string key = options_.key_prefix;
  key.append(kind).append(":").append(id);
  return key;
}

std::vector<std::string> RateLimiter::KeysFor(std::string_view id, const Quota& q,
                                              int64_t now) const {
  int64_t window = now / q.window_ms;
  switch (algorithm_) {
    case Algorithm::kFixedWindow:
      return {Key("fw", id) + ":" + std::to_string(window)};
    case Algorithm::kSlidingLog:
      return {Key("sl", id)};
    case Algorithm::kSlidingCounter:
      return {Key("sc", id) + ":" + std::to_string(window - 1),
              Key("sc", id) + ":" + std::to_string(window)};
    case Algorithm::kTokenBucket:
      return {Key("tb", id)};
  }
  return {};
}

Result<Decision> RateLimiter::Check(Connection& conn, std::string_view id, const Quota& q,
                                    int64_t now) const {
  if (q.limit < 1 || q.window_ms < 1 || now < q.window_ms) {
    return Error(ErrorKind::kUsage, "rate limiter: need limit >= 1, window >= 1 ms, now >= window");
  }
  switch (algorithm_) {
    case Algorithm::kFixedWindow:
      return FixedWindow(conn, id, q, now);
    case Algorithm::kSlidingLog:
      return SlidingLog(conn, id, q, now);
    case Algorithm::kSlidingCounter:
      return SlidingCounter(conn, id, q, now);
    case Algorithm::kTokenBucket:
      return TokenBucket(conn, id, q, now);
  }
  return Error(ErrorKind::kUsage, "unknown algorithm");
}

// Fixed window. The key is named by the window number, so a new window is a
// new counter: no reset step, no race between "read the window start" and
// "reset the counter". INCR is atomic, so concurrent requests each get their
// own count. The expiry is set once (NX) with the counter, in one MULTI: a
// connection lost between a bare INCR and its EXPIRE would leave a key that
// never expires.
Result<Decision> RateLimiter::FixedWindow(Connection& conn, std::string_view id, const Quota& q,
                                          int64_t now) const {
  int64_t window = now / q.window_ms;
  int64_t window_end = (window + 1) * q.window_ms;
  std::string key = Key("fw", id) + ":" + std::to_string(window);
  Transaction tx(&conn);
  tx.Add({"INCR", key});
  tx.Add({"PEXPIRE", key, window_end - now + options_.expiry_slack_ms, "NX"});
  Result<client::ExecReply> r = tx.Exec();
  if (!r.ok()) return r.error();
  if (r->aborted || r->replies.size() != 2) return Error(ErrorKind::kProtocol, "EXEC aborted");
  Result<int64_t> count = IntegerOf(r->replies[0], "INCR");
  if (!count.ok()) return count.error();
  Decision d;
  d.limit = q.limit;
  d.allowed = *count <= q.limit;
  d.remaining = std::max<int64_t>(0, q.limit - *count);
  d.reset_ms = window_end - now;
  d.retry_after_ms = d.allowed ? 0 : window_end - now;
  d.round_trips = 1;
  return d;
}

// Sliding log. Trim, add, count in one MULTI, so the count is exactly the
// requests in (now - window, now], this one included, whatever runs
// concurrently. Over the limit, the member is removed again: refused
// requests do not use up quota. Between the EXEC and that ZREM the refused
// member is visible to others, but it can only make them refuse a request
// that would have been refused anyway (the log already held `limit` admitted
// members), so the limiter never admits more than `limit` (see the doc for
// the alternatives: counting refused requests, or WATCH).
Result<Decision> RateLimiter::SlidingLog(Connection& conn, std::string_view id, const Quota& q,
                                         int64_t now) const {
  std::string key = Key("sl", id);
  std::string member = UniqueMember(now);
  Transaction tx(&conn);
  // A request exactly one window old is out: the window is (now - W, now].
  tx.Add({"ZREMRANGEBYSCORE", key, "-inf", now - q.window_ms});
  tx.Add({"ZADD", key, now, member});
  tx.Add({"ZCARD", key});
  tx.Add({"PEXPIRE", key, q.window_ms + options_.expiry_slack_ms});
  Result<client::ExecReply> r = tx.Exec();
  if (!r.ok()) return r.error();
  if (r->aborted || r->replies.size() != 4) return Error(ErrorKind::kProtocol, "EXEC aborted");
  Result<int64_t> count = IntegerOf(r->replies[2], "ZCARD");
  if (!count.ok()) return count.error();
  Decision d;
  d.limit = q.limit;
  d.round_trips = 1;
  if (*count <= q.limit) {
    d.allowed = true;
    d.remaining = q.limit - *count;
    d.reset_ms = q.window_ms;  // this request, the newest, leaves last
    return d;
  }
  // Undo, and read when room comes back: once the limit-th newest member
  // leaves the window, limit - 1 remain and one more fits.
  client::Pipeline p(&conn);
  p.Add({"ZREM", key, member});
  p.Add({"ZRANGE", key, -q.limit, -q.limit, "WITHSCORES"});
  p.Add({"ZRANGE", key, -1, -1, "WITHSCORES"});
  auto undo = p.Execute();
  if (!undo.ok()) return undo.error();
  d.round_trips = 2;
  d.allowed = false;
  d.remaining = 0;
  std::optional<int64_t> kth = ScoreOf((*undo)[1]);
  std::optional<int64_t> newest = ScoreOf((*undo)[2]);
  d.retry_after_ms = kth ? std::max<int64_t>(1, *kth + q.window_ms - now) : 1;
  d.reset_ms = newest ? std::max<int64_t>(0, *newest + q.window_ms - now) : 0;
  return d;
}

int64_t SlidingCounterWaitMs(int64_t prev, int64_t cur, int64_t elapsed, const Quota& q) {
  const int64_t w = q.window_ms;
  // Fits when prev * (w - elapsed - t) / w + cur + 1 <= limit, i.e. (in
  // integers) prev * (w - elapsed - t) <= room * w.
  int64_t room = q.limit - 1 - cur;
  if (room >= 0) {
    if (prev * (w - elapsed) <= room * w) return 0;
    // The previous window's weight shrinks to room * w / prev before this
    // window ends (room >= 0 makes that reachable by t = w - elapsed).
    return CeilDiv(prev * (w - elapsed) - room * w, prev);
  }
  // Not in this window: in the next one, this window is the previous, and
  // cur * (w - t') <= (limit - 1) * w.
  return (w - elapsed) + CeilDiv(cur * w - (q.limit - 1) * w, cur);
}

// Sliding window counter. Reading the previous window and incrementing the
// current one happen in one MULTI, so the estimate counts every request
// that was admitted concurrently. Over the limit, the increment is undone
// (as for the sliding log; the same argument shows it never over-admits);
// the undo re-sets the expiry NX in case the key vanished meanwhile, so a
// stray counter cannot live forever.
Result<Decision> RateLimiter::SlidingCounter(Connection& conn, std::string_view id, const Quota& q,
                                             int64_t now) const {
  const int64_t w = q.window_ms;
  int64_t window = now / w;
  int64_t elapsed = now - window * w;
  std::string base = Key("sc", id) + ":";
  std::string prev_key = base + std::to_string(window - 1);
  std::string cur_key = base + std::to_string(window);
  // Kept until the next window ends: it is that window's "previous".
  int64_t ttl = 2 * w - elapsed + options_.expiry_slack_ms;
  Transaction tx(&conn);
  tx.Add({"GET", prev_key});
  tx.Add({"INCR", cur_key});
  tx.Add({"PEXPIRE", cur_key, ttl, "NX"});
  Result<client::ExecReply> r = tx.Exec();
  if (!r.ok()) return r.error();
  if (r->aborted || r->replies.size() != 3) return Error(ErrorKind::kProtocol, "EXEC aborted");
  if (!r->replies[0].ok()) return r->replies[0].error();
  Result<std::optional<int64_t>> prev_opt = OptionalIntegerOf(*r->replies[0], "GET");
  if (!prev_opt.ok()) return prev_opt.error();
  int64_t prev = std::max<int64_t>(0, prev_opt->value_or(0));
  Result<int64_t> cur = IntegerOf(r->replies[1], "INCR");
  if (!cur.ok()) return cur.error();

  Decision d;
  d.limit = q.limit;
  d.round_trips = 1;
  // estimate * w, in integers: exact, no rounding at the boundary.
  int64_t weighted = prev * (w - elapsed) + *cur * w;
  if (weighted <= q.limit * w) {
    d.allowed = true;
    d.remaining = (q.limit * w - weighted) / w;
    d.reset_ms = 2 * w - elapsed;  // this window's count weighs until the next ends
    return d;
  }
  Transaction undo(&conn);
  undo.Add({"DECR", cur_key});
  undo.Add({"PEXPIRE", cur_key, ttl, "NX"});
  Result<client::ExecReply> u = undo.Exec();
  if (!u.ok()) return u.error();
  d.round_trips = 2;
  int64_t before = *cur - 1;  // this window's count without the refused request
  d.allowed = false;
  d.remaining = 0;
  d.retry_after_ms = std::max<int64_t>(1, SlidingCounterWaitMs(prev, before, elapsed, q));
  d.reset_ms = before > 0 ? 2 * w - elapsed : (prev > 0 ? w - elapsed : 0);
  return d;
}

// Token bucket, in exact integer arithmetic: the bucket's content is kept
// as `credit` = tokens * window_ms, so refilling limit tokens per window is
// adding `limit` credit per ms, and a request costs window_ms credit. A
// missing key is a full bucket, so the key expires exactly when the bucket
// would be full again, and idle clients cost no memory.
//
// The new content depends on the old, so this is read-compute-write, which
// MULTI alone cannot do (queued commands cannot see each other's replies).
// WATCH makes it safe: if another request changes the bucket between our
// HMGET and our EXEC, EXEC does nothing and answers nil, and we start again.
Result<Decision> RateLimiter::TokenBucket(Connection& conn, std::string_view id, const Quota& q,
                                          int64_t now) const {
  const int64_t w = q.window_ms;
  const int64_t capacity = q.limit * w;
  std::string key = Key("tb", id);
  Decision d;
  d.limit = q.limit;
  int attempts = 0;
  auto body = [&](Connection& c, Transaction& tx) -> client::Status {
    ++attempts;
    Result<Value> got = c.Command({"HMGET", key, "credit", "ts"});
    if (!got.ok()) return got.error();
    if (got->elements().size() != 2) return Unexpected("HMGET", *got);
    Result<std::optional<int64_t>> credit = OptionalIntegerOf(got->elements()[0], "HMGET");
    Result<std::optional<int64_t>> ts = OptionalIntegerOf(got->elements()[1], "HMGET");
    if (!credit.ok()) return credit.error();
    if (!ts.ok()) return ts.error();
    int64_t level = capacity;
    if (credit->has_value() && ts->has_value()) {
      // A clock that stepped back refills nothing; a full window refills all.
      int64_t idle = std::clamp<int64_t>(now - **ts, 0, w);
      level = std::min(capacity, std::max<int64_t>(0, **credit) + idle * q.limit);
    }
    d = Decision{};
    d.limit = q.limit;
    if (level >= w) {
      level -= w;
      d.allowed = true;
      int64_t until_full = CeilDiv(capacity - level, q.limit);
      tx.Add({"HSET", key, "credit", level, "ts", now});
      tx.Add({"PEXPIRE", key, until_full + options_.expiry_slack_ms});
    } else {
      d.retry_after_ms = CeilDiv(w - level, q.limit);
    }
    d.remaining = level / w;
    d.reset_ms = CeilDiv(capacity - level, q.limit);
    return {};
  };
  Result<client::ExecReply> r = client::WatchRetry(conn, {key}, body, options_.max_watch_attempts);
  if (!r.ok()) return r.error();
  for (const Result<Value>& reply : r->replies) {
    if (!reply.ok()) return reply.error();
  }
  // Each attempt: WATCH, HMGET, then EXEC (or UNWATCH when refused).
  d.round_trips = 3 * attempts;
  return d;
}

Result<Decision> PooledLimiter::Check(std::string_view id, const Quota& quota) {
  Result<int64_t> now = clock_->NowMs();
  if (!now.ok()) return now.error();
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.error();
  return limiter_.Check(**lease, id, quota, *now);
}

}  // namespace ember::demos::ratelimit
