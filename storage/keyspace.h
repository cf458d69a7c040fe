// Keyspace: every database, the clock they share, and keyspace statistics.
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <string_view>
#include <vector>

#include "storage/clock.h"
#include "storage/database.h"
#include "storage/eviction.h"

namespace ember::storage {

// What the keyspace tells the layer above about deletions it makes on its
// own (expiry now; eviction later), so that the server can log a DEL to the
// AOF, notify subscribers and invalidate WATCHes.
class KeyspaceListener {
 public:
  virtual ~KeyspaceListener() = default;
  // Called just before an expired key is deleted.
  virtual void OnKeyExpired(int db, std::string_view key) = 0;
  // Called when a key comes into existence (created, renamed or moved
  // here): clients blocked on an empty list wait for exactly this.
  virtual void OnKeyCreated(int db, std::string_view key, ObjType type) = 0;
  // Called when a read finds no key (where a keyspace miss is counted):
  // keyspace notifications have a "keymiss" event.
  virtual void OnKeyMiss(int /*db*/, std::string_view /*key*/) {}
};

struct KeyspaceStats {
  uint64_t keyspace_hits = 0;
  uint64_t keyspace_misses = 0;
  uint64_t expired_keys = 0;
  // Active expiry's view of how stale the keyspace is (INFO stats).
  double expired_stale_perc = 0;
  uint64_t expired_time_cap_reached_count = 0;
  uint64_t expire_cycle_cpu_milliseconds = 0;
};

// When small collections stop being small: the thresholds at which Redis
// converts a compact encoding (listpack, intset) to the large one. Names
// and defaults are Redis's config parameters.
struct CollectionLimits {
  int64_t list_max_listpack_size = -2;  // per quicklist node: -2 = 8 KB
  int64_t hash_max_listpack_entries = 512;
  int64_t hash_max_listpack_value = 64;
  int64_t set_max_intset_entries = 512;
  int64_t set_max_listpack_entries = 128;
  int64_t set_max_listpack_value = 64;
  int64_t zset_max_listpack_entries = 128;
  int64_t zset_max_listpack_value = 64;
};

class Keyspace {
 public:
  Keyspace(const Clock* clock, int num_databases);
  Keyspace(const Keyspace&) = delete;
  Keyspace& operator=(const Keyspace&) = delete;

  int num_databases() const { return static_cast<int>(dbs_.size()); }
  Database& db(int i) { return *dbs_[i]; }
  const Database& db(int i) const { return *dbs_[i]; }

  const Clock& clock() const { return *clock_; }
  // Reads the clock; everything until the next refresh sees this time.
  void RefreshTime() { SetTime(clock_->NowMs()); }
  // The same with a time the caller has just read from clock(), so that one
  // clock read can serve more than one purpose.
  void SetTime(int64_t now_ms) {
    now_ms_ = now_ms;
    lru_clock_ = static_cast<uint32_t>(now_ms_ / 1000) & Entry::kLruMax;
  }
  int64_t now_ms() const { return now_ms_; }
  // While a dataset is being loaded, nothing expires: the AOF being
  // replayed decides what happens to each key, in order.
  void set_expiry_paused(bool paused) { expiry_paused_ = paused; }
  bool expiry_paused() const { return expiry_paused_; }
  uint32_t lru_clock() const { return lru_clock_; }

  // How entries record accesses in their 24 bits (eviction.h): the LRU
  // clock, or, under an LFU maxmemory policy, a decaying logarithmic counter.
  void set_access_tracking(bool lfu, int64_t lfu_log_factor, int64_t lfu_decay_time) {
    lfu_ = lfu;
    lfu_log_factor_ = lfu_log_factor;
    lfu_decay_time_ = lfu_decay_time;
  }
  bool lfu() const { return lfu_; }
  int64_t lfu_decay_time() const { return lfu_decay_time_; }
  // Records an access to `e` (a read or a write, not a mere peek).
  void Touch(Entry* e) {
    if (lfu_) {
      TouchLfu(e);
    } else {
      e->set_lru(lru_clock_);
    }
  }
  // What a new entry's access bits start as.
  uint32_t NewEntryAccess() const { return lfu_ ? LfuNew(now_ms_) : lru_clock_; }

  CollectionLimits& limits() { return limits_; }
  const CollectionLimits& limits() const { return limits_; }

  KeyspaceStats& stats() { return stats_; }
  const KeyspaceStats& stats() const { return stats_; }
  std::mt19937_64& rng() { return rng_; }

  void set_listener(KeyspaceListener* listener) { listener_ = listener; }
  KeyspaceListener* listener() const { return listener_; }

  size_t TotalKeys() const;
  void FlushAll();
  void SwapDatabases(int a, int b);

 private:
  void TouchLfu(Entry* e);

  const Clock* clock_;
  int64_t now_ms_ = 0;
  uint32_t lru_clock_ = 0;
  bool lfu_ = false;
  int64_t lfu_log_factor_ = 10;
  int64_t lfu_decay_time_ = 1;
  bool expiry_paused_ = false;
  std::vector<std::unique_ptr<Database>> dbs_;
  KeyspaceStats stats_;
  CollectionLimits limits_;
  std::mt19937_64 rng_;
  KeyspaceListener* listener_ = nullptr;
};

}  // namespace ember::storage
