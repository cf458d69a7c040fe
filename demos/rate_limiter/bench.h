// Measuring the four algorithms against a live server: how accurately each
// holds a limit at window boundaries, and what it costs in commands, round
// trips and memory per client. `ember-rate-limiter --bench` prints these
// tables; docs/demos/rate-limiter.md shows them for Ember and Redis, and
// tests/demos/rate_limiter_test.cc checks their headline facts.
//
// Accuracy runs on a manual clock, so every run is exact and repeatable:
// one client sends `limit` requests in the last millisecond of a window,
// then from the first millisecond of the next window retries greedily
// (every window/100 ms it sends until refused) for ten windows.
//   boundary_allowed    admitted of the 2 * limit sent in the last ms of
//                       one window and the first ms of the next
//   worst_span          most admitted in any window-length span of the run
//   per_window          admitted per window over the last nine windows (the
//                       long-run rate)
//
// Cost runs on a fresh client id: `limit` requests at one instant (all
// admitted), then `limit` more (all refused).
//   commands_*          commands the server executed per request (INFO
//                       stats total_commands_processed; MULTI and EXEC count)
//   round_trips_*       network round trips per request
// and for memory, `clients` ids each send 2 * limit requests paced at the
// limit over two windows, keys the algorithm no longer needs are dropped (a
// server expires them within expiry_slack_ms), and the server's INFO memory
// used_memory grows by
//   bytes_per_client    (used_memory after - before) / clients
//   memory_usage        MEMORY USAGE of one client's keys, summed, where the
//                       server has the command (-1 otherwise)
#pragma once

#include <string>
#include <vector>

#include "client/connection.h"
#include "demos/rate_limiter/rate_limiter.h"

namespace ember::demos::ratelimit {

struct AccuracyRow {
  Algorithm algorithm = Algorithm::kFixedWindow;
  Quota quota;
  int64_t boundary_allowed = 0;
  int64_t worst_span = 0;
  double per_window = 0;
};

struct CostRow {
  Algorithm algorithm = Algorithm::kFixedWindow;
  Quota quota;
  int clients = 0;
  double commands_allowed = 0;
  double commands_refused = 0;
  double round_trips_allowed = 0;
  double round_trips_refused = 0;
  double bytes_per_client = 0;
  int64_t memory_usage = -1;
};

// Each uses keys under `prefix` (which should be unused) and removes them
// afterwards.
client::Result<AccuracyRow> MeasureAccuracy(client::Connection& conn, Algorithm algorithm,
                                            const Quota& quota, const std::string& prefix);
client::Result<CostRow> MeasureCost(client::Connection& conn, Algorithm algorithm,
                                    const Quota& quota, int clients, const std::string& prefix);

std::string FormatAccuracyTable(const std::vector<AccuracyRow>& rows);
std::string FormatCostTable(const std::vector<CostRow>& rows);

}  // namespace ember::demos::ratelimit
