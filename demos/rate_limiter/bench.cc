#include "demos/rate_limiter/bench.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "demos/common/server_info.h"

namespace ember::demos::ratelimit {

using client::Connection;
using client::Error;
using client::Result;
using client::Status;

namespace {

constexpr int64_t kRunSlackMs = 600'000;

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

Status DeleteByPrefix(Connection& conn, const std::string& prefix) {
  std::string cursor = "0";
  do {
    auto r = conn.Command({"SCAN", cursor, "MATCH", prefix + "*", "COUNT", 1000});
    if (!r.ok()) return r.error();
    if (r->elements().size() != 2) {
      return Error(client::ErrorKind::kProtocol, "unexpected SCAN reply");
    }
    cursor = r->elements()[0].str();
    client::Args del = {"DEL"};
    for (const auto& k : r->elements()[1].elements()) del.push_back(k.str());
    if (del.size() > 1) {
      auto d = conn.Command(del);
      if (!d.ok()) return d.error();
    }
  } while (cursor != "0");
  return {};
}

Result<double> InfoField(Connection& conn, const std::string& section, const std::string& field) {
  auto info = ReadInfo(conn, section);
  if (!info.ok()) return info.error();
  return InfoNumber(*info, field, -1);
}

// Most timestamps (sorted) within any half-open span of `window` ms.
int64_t WorstSpan(const std::vector<int64_t>& ts, int64_t window) {
  int64_t best = 0;
  size_t lo = 0;
  for (size_t hi = 0; hi < ts.size(); ++hi) {
    while (ts[hi] - ts[lo] >= window) ++lo;
    best = std::max<int64_t>(best, static_cast<int64_t>(hi - lo + 1));
  }
  return best;
}

}  // namespace

Result<AccuracyRow> MeasureAccuracy(Connection& conn, Algorithm algorithm, const Quota& q,
                                    const std::string& prefix) {
  LimiterOptions opts;
  opts.key_prefix = prefix;
  // The manual clock runs far ahead of the server's, which expires keys in
  // real time: a bucket due to be full in 600 manual ms would vanish while
  // the run still needs it. Padding every expiry keeps them for the run
  // (an expiry takes the same memory whatever its value).
  opts.expiry_slack_ms = kRunSlackMs;
  RateLimiter limiter(algorithm, opts);
  const std::string id = "accuracy";
  const int64_t w = q.window_ms;
  // Far enough from 0 that the previous window exists; aligned so the burst
  // lands on the window's last ms.
  const int64_t start = 1000 * w;
  std::vector<int64_t> allowed_at;
  AccuracyRow row;
  row.algorithm = algorithm;
  row.quota = q;

  auto send_until_refused = [&](int64_t now, int64_t max) -> Result<int64_t> {
    int64_t n = 0;
    for (int64_t i = 0; i < max; ++i) {
      auto d = limiter.Check(conn, id, q, now);
      if (!d.ok()) return d.error();
      if (!d->allowed) break;
      allowed_at.push_back(now);
      ++n;
    }
    return n;
  };

  // The burst: `limit` requests in the last ms of a window.
  auto burst = send_until_refused(start + w - 1, q.limit);
  if (!burst.ok()) return burst.error();
  const int64_t tick = std::max<int64_t>(1, w / 100);
  const int64_t second_window = start + w;
  const int64_t end = second_window + 10 * w;
  int64_t steady = 0;
  for (int64_t now = second_window; now < end; now += tick) {
    // At most 2 * limit + 1 per tick: enough to find any algorithm's ceiling.
    auto n = send_until_refused(now, 2 * q.limit + 1);
    if (!n.ok()) return n.error();
    if (now == second_window) row.boundary_allowed = *burst + *n;
    if (now >= second_window + w) steady += *n;
  }
  row.worst_span = WorstSpan(allowed_at, w);
  row.per_window = static_cast<double>(steady) / 9.0;
  Status s = DeleteByPrefix(conn, prefix);
  if (!s.ok()) return s.error();
  return row;
}

Result<CostRow> MeasureCost(Connection& conn, Algorithm algorithm, const Quota& q, int clients,
                            const std::string& prefix) {
  LimiterOptions opts;
  opts.key_prefix = prefix;
  // The manual clock runs far ahead of the server's, which expires keys in
  // real time: a bucket due to be full in 600 manual ms would vanish while
  // the run still needs it. Padding every expiry keeps them for the run
  // (an expiry takes the same memory whatever its value).
  opts.expiry_slack_ms = kRunSlackMs;
  RateLimiter limiter(algorithm, opts);
  const int64_t w = q.window_ms;
  CostRow row;
  row.algorithm = algorithm;
  row.quota = q;
  row.clients = clients;

  // Commands: INFO counts itself in the next INFO, so calibrate on an empty
  // interval.
  auto commands = [&]() { return InfoField(conn, "stats", "total_commands_processed"); };
  auto c0 = commands();
  auto c1 = commands();
  if (!c0.ok()) return c0.error();
  if (!c1.ok()) return c1.error();
  const double info_cost = *c1 - *c0;
  const int64_t now = 1000 * w + w / 2;
  for (bool allowed_phase : {true, false}) {
    auto before = commands();
    if (!before.ok()) return before.error();
    int64_t round_trips = 0;
    for (int64_t i = 0; i < q.limit; ++i) {
      auto d = limiter.Check(conn, "cost", q, now);
      if (!d.ok()) return d.error();
      if (d->allowed != allowed_phase) {
        return Error(client::ErrorKind::kUsage, "cost run: unexpected decision");
      }
      round_trips += d->round_trips;
    }
    auto after = commands();
    if (!after.ok()) return after.error();
    double per = (*after - *before - info_cost) / static_cast<double>(q.limit);
    double rt = static_cast<double>(round_trips) / static_cast<double>(q.limit);
    (allowed_phase ? row.commands_allowed : row.commands_refused) = per;
    (allowed_phase ? row.round_trips_allowed : row.round_trips_refused) = rt;
  }
  Status s = DeleteByPrefix(conn, prefix);
  if (!s.ok()) return s.error();

  // Memory: every client at its limit, paced, over two windows.
  auto mem_before = InfoField(conn, "memory", "used_memory");
  if (!mem_before.ok()) return mem_before.error();
  const int64_t step = std::max<int64_t>(1, w / q.limit);
  const int64_t first = 1000 * w + step / 2;
  const int64_t last = first + (2 * q.limit - 1) * step;
  for (int c = 0; c < clients; ++c) {
    std::string id = "client:" + std::to_string(c);
    for (int64_t i = 0; i < 2 * q.limit; ++i) {
      auto d = limiter.Check(conn, id, q, first + i * step);
      if (!d.ok()) return d.error();
    }
    std::vector<std::string> live = limiter.KeysFor(id, q, last);
    for (const std::string& k : limiter.KeysFor(id, q, last - w)) {
      if (std::find(live.begin(), live.end(), k) == live.end()) {
        auto d = conn.Command({"DEL", k});
        if (!d.ok()) return d.error();
      }
    }
  }
  auto mem_after = InfoField(conn, "memory", "used_memory");
  if (!mem_after.ok()) return mem_after.error();
  row.bytes_per_client = (*mem_after - *mem_before) / clients;
  int64_t usage = 0;
  for (const std::string& k : limiter.KeysFor("client:0", q, last)) {
    auto u = conn.Command({"MEMORY", "USAGE", k, "SAMPLES", "0"});
    if (!u.ok()) {
      if (u.error().IsServer()) {
        usage = -1;
        break;
      }
      return u.error();
    }
    if (u->type() == protocol::Type::kInteger) usage += u->integer();
  }
  row.memory_usage = usage;
  s = DeleteByPrefix(conn, prefix);
  if (!s.ok()) return s.error();
  return row;
}

std::string FormatAccuracyTable(const std::vector<AccuracyRow>& rows) {
  std::string out =
      "| algorithm | limit / window | boundary double burst: admitted of 2L | worst "
      "window-length span | long-run admitted per window |\n"
      "|---|---|---:|---:|---:|\n";
  for (const AccuracyRow& r : rows) {
    out += "| " + std::string(AlgorithmName(r.algorithm)) + " | " + std::to_string(r.quota.limit) +
           " / " + std::to_string(r.quota.window_ms) + " ms | " +
           std::to_string(r.boundary_allowed) + " | " + std::to_string(r.worst_span) + " | " +
           Fixed(r.per_window, 1) + " |\n";
  }
  return out;
}

std::string FormatCostTable(const std::vector<CostRow>& rows) {
  std::string out =
      "| algorithm | limit | commands per request (allowed / refused) | round trips (allowed / "
      "refused) | bytes per client (INFO used_memory) | MEMORY USAGE per client |\n"
      "|---|---:|---:|---:|---:|---:|\n";
  for (const CostRow& r : rows) {
    out += "| " + std::string(AlgorithmName(r.algorithm)) + " | " + std::to_string(r.quota.limit) +
           " | " + Fixed(r.commands_allowed, 1) + " / " + Fixed(r.commands_refused, 1) + " | " +
           Fixed(r.round_trips_allowed, 1) + " / " + Fixed(r.round_trips_refused, 1) + " | " +
           Fixed(r.bytes_per_client, 0) + " | " +
           (r.memory_usage < 0 ? std::string("n/a") : std::to_string(r.memory_usage)) + " |\n";
  }
  return out;
}

}  // namespace ember::demos::ratelimit
