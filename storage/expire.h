// Active expiry: how keys that nobody reads again still get deleted.
//
// Lazy expiry (database.h) deletes an expired key when a command touches it.
// A key written once with a TTL and never read would stay in memory forever,
// so Redis also runs activeExpireCycle from its cron, ten times a second:
//
//   for each database (resuming where the last cycle stopped):
//     repeat:
//       look at 20 keys that have a TTL, delete those whose time has passed;
//     while more than 10% of those looked at had expired
//     (stopping early when the cycle's time budget is spent).
//
// The loop adapts: if few keys are expired, one sample of 20 shows it and the
// cycle moves on at once; if many are, it keeps deleting. Memory held by
// expired keys therefore stays around 10% of volatile keys at most, and the
// cost per cycle stays bounded (25% of the cron period by default).
//
// Redis samples by walking buckets of its `expires` table with a cursor;
// Ember walks its array of volatile keys with a cursor, which visits every
// volatile key once per sweep.
#pragma once

#include <cstdint>
#include <functional>

#include "storage/keyspace.h"

namespace ember::storage {

struct ActiveExpireConfig {
  int keys_per_loop = 20;          // ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP
  int acceptable_stale_percent = 10;
  int64_t time_budget_us = 25000;  // 25% of a 100 ms cron period
};

struct ActiveExpireResult {
  uint64_t sampled = 0;
  uint64_t expired = 0;
  bool time_limit_hit = false;
};

class ActiveExpirer {
 public:
  // `elapsed_us` measures the budget; it is a real monotonic clock in the
  // server and a fake in tests, independent of the keyspace's clock.
  ActiveExpireResult RunCycle(Keyspace& keyspace, const ActiveExpireConfig& config,
                              const std::function<int64_t()>& monotonic_us);

 private:
  int next_db_ = 0;
  std::vector<size_t> cursors_;
};

}  // namespace ember::storage
