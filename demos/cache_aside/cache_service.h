// CacheService: items from SQLite, cached in Ember or Redis. The logic of
// the demo, without HTTP (app.h puts it behind routes); see
// docs/demos/cache-aside.md for the design and its trade-offs.
//
// Keys (all under CacheConfig::key_prefix, "" by default):
//   cache:item:<id>   the item as JSON text, or the text `null` for an id the
//                     database does not have (negative caching). Expires
//                     after ttl +/- jitter, or negative_ttl for `null`.
//                     Under write-back, an item written but not yet flushed
//                     has no expiry: it is the only copy of that write.
//   lock:item:<id>    the stampede lock: a random token, SET NX PX lock_ttl
//                     by the one request that loads the item.
//   writeback:dirty   write-back only: the set of ids written to the cache
//                     and not yet to the database.
//
// Reads are the same for every strategy (cache-aside). Writes:
//   cache-aside    commit to SQLite, then DEL the cached copy.
//   write-through  commit to SQLite, then SET the new copy.
//   write-back     SET the copy (no TTL) and SADD it to writeback:dirty in
//                  one MULTI; a flusher thread writes it to SQLite later.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "client/pool.h"
#include "demos/cache_aside/item_store.h"
#include "demos/common/metrics.h"

namespace ember::demos {

enum class Strategy { kCacheAside, kWriteThrough, kWriteBack };
bool ParseStrategy(std::string_view text, Strategy* out);
std::string_view StrategyName(Strategy s);

struct CacheConfig {
  Strategy strategy = Strategy::kCacheAside;
  // False: every read goes to the database (the baseline of the load mode).
  bool use_cache = true;
  // False: every request that misses loads the item itself (to show the
  // stampede the lock prevents).
  bool stampede_lock = true;
  std::string key_prefix;
  std::chrono::milliseconds ttl{300'000};
  double ttl_jitter = 0.1;  // each TTL is ttl * (1 +/- up to this)
  std::chrono::milliseconds negative_ttl{30'000};
  // The lock outlives a stuck loader by at most lock_ttl; a waiting request
  // gives up waiting after lock_wait and queries the database itself.
  std::chrono::milliseconds lock_ttl{2'000};
  std::chrono::milliseconds lock_wait{2'000};
  std::chrono::milliseconds flush_interval{500};
};

// An HTTP-shaped answer: status, JSON body, and how the cache served it
// (the X-Cache header): HIT, NEGATIVE-HIT, MISS, WAIT-HIT (missed, then
// found after another request loaded it), BYPASS (cache off or down).
struct Reply {
  int status = 200;
  std::string body;
  std::string cache;
};

class CacheService {
 public:
  // `pool`, `store` and `registry` must outlive the service.
  CacheService(CacheConfig config, client::Pool* pool, ItemStore* store, Registry* registry);
  ~CacheService();

  Reply GetItem(int64_t id);
  // `body`: {"name": "...", "price_cents": 123}.
  Reply PutItem(int64_t id, const std::string& body);

  // Write-back: writes every dirty item to the database now. Returns how
  // many were written.
  client::Result<int> FlushDirty();
  // Write-back: a thread that calls FlushDirty every flush_interval, and
  // once more when stopped.
  void StartFlusher();
  void StopFlusher();

  std::string ItemKey(int64_t id) const;
  std::string LockKey(int64_t id) const;
  std::string DirtyKey() const;
  const CacheConfig& config() const { return config_; }

  // Counters, for the load report and the tests.
  uint64_t hits() const { return hits_.value(); }
  uint64_t negative_hits() const { return negative_hits_.value(); }
  uint64_t misses() const { return misses_.value(); }
  uint64_t lock_waits() const { return lock_waits_.value(); }
  uint64_t cache_errors() const { return cache_errors_.value(); }
  double HitRatio() const;
  const LatencyHistogram& get_latency() const { return get_latency_; }

 private:
  Reply Load(client::Connection* cache, int64_t id, const char* how);
  Reply Served(const std::string& cached, const char* how);
  void ReleaseLock(client::Connection& cache, int64_t id, const std::string& token);
  int64_t TtlMs(std::chrono::milliseconds base);

  CacheConfig config_;
  client::Pool* pool_;
  ItemStore* store_;

  Counter& hits_;
  Counter& negative_hits_;
  Counter& misses_;
  Counter& lock_acquired_;
  Counter& lock_waits_;
  Counter& lock_timeouts_;
  Counter& cache_errors_;
  Counter& flushed_;
  Counter& lost_;
  LatencyHistogram& get_latency_;
  LatencyHistogram& put_latency_;
  LatencyHistogram& db_latency_;

  std::mutex flush_mu_;
  std::condition_variable flush_cv_;
  bool flush_stop_ = false;
  std::thread flusher_;
};

}  // namespace ember::demos
