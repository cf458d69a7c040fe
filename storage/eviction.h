// Eviction: which keys to drop when the server is over `maxmemory`.
//
// A cache that evicts the least recently used key needs, in the textbook
// version, a list of every key in access order, updated on every access: two
// pointers per key and a pointer chase per read. Redis does without. Each
// value carries 24 bits of access information (the "LRU clock": seconds,
// wrapping every 194 days), and eviction *samples*: it looks at
// maxmemory-samples random keys (5 by default) and evicts the one idle the
// longest. Sampling alone picks a mediocre victim now and then, so the
// sampled keys go through a small pool of the 16 best candidates seen so
// far, kept across evictions: a key idle for long stays a candidate until it
// is evicted or a better one pushes it out. With 5 samples this comes close
// to true LRU; with 10 it is nearly indistinguishable
// (tests/server/eviction_test.cc measures it).
//
// LFU reuses the same 24 bits differently (Redis 4.0):
//
//        16 bits             8 bits
//   +----------------+-----------------+
//   | minutes (LDT)  | log counter (C) |
//   +----------------+-----------------+
//
// C is a logarithmic access counter: an access increments it with
// probability 1 / ((C - 5) * lfu-log-factor + 1), so with the default factor
// of 10 it takes about a million hits to reach 255. New keys start at C = 5
// so that they are not the first to go. LDT is the time (in minutes, 16
// bits) the counter was last brought up to date; whenever a key is read, its
// counter first loses one point per lfu-decay-time minutes elapsed, so a key
// that was hot yesterday does not stay unevictable forever.
//
// The policies (maxmemory-policy) choose what is sampled and how it is
// ranked: allkeys-* sample every key, volatile-* only keys with a TTL
// (Database::VolatileAt); *-lru rank by idle time, *-lfu by low frequency,
// volatile-ttl by nearest deadline, *-random take any sampled key.
#pragma once

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace ember::storage {

class Database;
class Keyspace;

enum class EvictionPolicy : uint8_t {
  kNoEviction,
  kAllKeysLru,
  kAllKeysLfu,
  kAllKeysRandom,
  kVolatileLru,
  kVolatileLfu,
  kVolatileRandom,
  kVolatileTtl,
};

// "allkeys-lru" -> kAllKeysLru; false for an unknown name.
bool ParseEvictionPolicy(std::string_view name, EvictionPolicy* policy);

inline bool IsLfuPolicy(EvictionPolicy p) {
  return p == EvictionPolicy::kAllKeysLfu || p == EvictionPolicy::kVolatileLfu;
}
inline bool IsAllKeysPolicy(EvictionPolicy p) {
  return p == EvictionPolicy::kAllKeysLru || p == EvictionPolicy::kAllKeysLfu ||
         p == EvictionPolicy::kAllKeysRandom;
}
inline bool IsRandomPolicy(EvictionPolicy p) {
  return p == EvictionPolicy::kAllKeysRandom || p == EvictionPolicy::kVolatileRandom;
}

// --- The 24 access bits ---

constexpr uint8_t kLfuInitVal = 5;

// LRU: milliseconds since the access recorded in `lru`, given the current
// clock (both in seconds, 24 bits, wrapping once at most).
uint64_t LruIdleMs(uint32_t lru, uint32_t lru_clock);

// LFU: the current time as stored in LDT.
inline uint32_t LfuMinutes(int64_t now_ms) {
  return static_cast<uint32_t>(now_ms / 60000) & 0xFFFF;
}
// The counter after decay, without changing the entry (used to rank
// samples and by OBJECT FREQ).
uint8_t LfuDecayedCounter(uint32_t lfu, int64_t now_ms, int64_t decay_minutes);
// One logarithmic increment; `r` is uniform in [0, 1].
uint8_t LfuLogIncr(uint8_t counter, int64_t log_factor, double r);
// The 24 bits after an access at `now_ms`: decay, then increment.
uint32_t LfuTouch(uint32_t lfu, int64_t now_ms, int64_t log_factor, int64_t decay_minutes,
                  double r);
// The 24 bits of a new key.
inline uint32_t LfuNew(int64_t now_ms) { return (LfuMinutes(now_ms) << 8) | kLfuInitVal; }

// --- Choosing victims ---

// Redis's eviction pool (evictionPoolPopulate): up to 16 candidates, sorted
// by how good a victim each is. It outlives each eviction, and may hold
// keys that have since been deleted ("ghosts"), which PopBest skips.
class EvictionPool {
 public:
  static constexpr size_t kSize = 16;

  // Samples `samples` keys of `db` (all keys or only volatile ones, as the
  // policy says) and inserts those that beat a current candidate.
  // REQUIRES: a policy that ranks (not random, not noeviction).
  void Populate(Database& db, EvictionPolicy policy, int64_t samples, uint32_t lru_clock,
                int64_t now_ms, int64_t lfu_decay_time, std::mt19937_64& rng);
  // Takes the best candidate that still exists (in the dict for allkeys-*,
  // with a TTL for volatile-*), writing its database and key. False if
  // every candidate was a ghost (the pool is then empty).
  bool PopBest(Keyspace& keyspace, EvictionPolicy policy, int* db, std::string* key);
  void Clear();
  size_t size() const { return size_; }

 private:
  struct Candidate {
    uint64_t score = 0;  // higher is a better victim ("idle" in Redis)
    int db = 0;
    std::string key;  // its capacity is reused from one candidate to the next
  };
  void Insert(uint64_t score, int db, std::string_view key);

  // [0, size_) in ascending score.
  std::array<Candidate, kSize> pool_;
  size_t size_ = 0;
};

// A random key to evict under allkeys-random / volatile-random, taking the
// databases in turn from `*next_db` (Redis's static next_db). False if no
// database has a candidate.
bool PickRandomVictim(Keyspace& keyspace, EvictionPolicy policy, int* next_db, int* db,
                      std::string* key);

}  // namespace ember::storage
