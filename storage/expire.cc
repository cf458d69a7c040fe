#include "storage/expire.h"

#include <algorithm>

namespace ember::storage {

ActiveExpireResult ActiveExpirer::RunCycle(Keyspace& keyspace, const ActiveExpireConfig& config,
                                           const std::function<int64_t()>& monotonic_us) {
  ActiveExpireResult result;
  const int dbs = keyspace.num_databases();
  if (static_cast<int>(cursors_.size()) != dbs) cursors_.assign(dbs, 0);
  keyspace.RefreshTime();
  const int64_t start = monotonic_us();
  int iterations = 0;

  for (int n = 0; n < dbs && !result.time_limit_hit; ++n) {
    Database& db = keyspace.db(next_db_);
    size_t& cursor = cursors_[next_db_];
    next_db_ = (next_db_ + 1) % dbs;
    for (;;) {
      size_t count = db.volatile_count();
      if (count == 0) break;
      // A sample is at most every volatile key once: with 5 of them, looking
      // at 20 would count the same keys four times over.
      const size_t to_sample = std::min(count, static_cast<size_t>(config.keys_per_loop));
      uint64_t sampled = 0, expired = 0;
      for (size_t i = 0; i < to_sample && db.volatile_count() > 0; ++i) {
        if (cursor >= db.volatile_count()) cursor = 0;
        Entry* e = db.VolatileAt(cursor);
        ++sampled;
        // Deleting swaps the last volatile key into this slot, so the
        // cursor stays put and looks at that key next.
        if (db.ExpireIfNeeded(e)) {
          ++expired;
        } else {
          ++cursor;
        }
      }
      result.sampled += sampled;
      result.expired += expired;
      // Check the clock every 16 rounds only: reading it costs too.
      if ((++iterations & 15) == 0 && monotonic_us() - start > config.time_budget_us) {
        result.time_limit_hit = true;
        break;
      }
      if (sampled == 0 ||
          expired * 100 / sampled <= static_cast<uint64_t>(config.acceptable_stale_percent)) {
        break;
      }
    }
  }

  KeyspaceStats& stats = keyspace.stats();
  if (result.time_limit_hit) stats.expired_time_cap_reached_count++;
  double current = result.sampled ? static_cast<double>(result.expired) / result.sampled : 0;
  stats.expired_stale_perc = current * 0.05 + stats.expired_stale_perc * 0.95;
  stats.expire_cycle_cpu_milliseconds += static_cast<uint64_t>((monotonic_us() - start) / 1000);
  return result;
}

}  // namespace ember::storage
