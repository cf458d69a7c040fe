#include "storage/eviction.h"

#include <limits>
#include <utility>

#include "storage/database.h"
#include "storage/keyspace.h"

namespace ember::storage {

bool ParseEvictionPolicy(std::string_view name, EvictionPolicy* policy) {
  static constexpr std::pair<std::string_view, EvictionPolicy> kNames[] = {
      {"noeviction", EvictionPolicy::kNoEviction},
      {"allkeys-lru", EvictionPolicy::kAllKeysLru},
      {"allkeys-lfu", EvictionPolicy::kAllKeysLfu},
      {"allkeys-random", EvictionPolicy::kAllKeysRandom},
      {"volatile-lru", EvictionPolicy::kVolatileLru},
      {"volatile-lfu", EvictionPolicy::kVolatileLfu},
      {"volatile-random", EvictionPolicy::kVolatileRandom},
      {"volatile-ttl", EvictionPolicy::kVolatileTtl},
  };
  for (const auto& [n, p] : kNames) {
    if (n == name) {
      *policy = p;
      return true;
    }
  }
  return false;
}

uint64_t LruIdleMs(uint32_t lru, uint32_t lru_clock) {
  uint64_t seconds = lru_clock >= lru ? lru_clock - lru : lru_clock + (Entry::kLruMax - lru);
  return seconds * 1000;
}

uint8_t LfuDecayedCounter(uint32_t lfu, int64_t now_ms, int64_t decay_minutes) {
  uint32_t ldt = (lfu >> 8) & 0xFFFF;
  uint32_t counter = lfu & 0xFF;
  if (decay_minutes <= 0) return static_cast<uint8_t>(counter);
  uint32_t now = LfuMinutes(now_ms);
  // The 16-bit minutes wrap every 45 days; assume at most one wrap.
  uint64_t elapsed = now >= ldt ? now - ldt : 65535 - ldt + now;
  uint64_t periods = elapsed / static_cast<uint64_t>(decay_minutes);
  return static_cast<uint8_t>(periods >= counter ? 0 : counter - periods);
}

uint8_t LfuLogIncr(uint8_t counter, int64_t log_factor, double r) {
  if (counter == 255) return 255;
  double base = counter > kLfuInitVal ? counter - kLfuInitVal : 0;
  double p = 1.0 / (base * static_cast<double>(log_factor) + 1);
  return r < p ? counter + 1 : counter;
}

uint32_t LfuTouch(uint32_t lfu, int64_t now_ms, int64_t log_factor, int64_t decay_minutes,
                  double r) {
  uint8_t counter = LfuDecayedCounter(lfu, now_ms, decay_minutes);
  counter = LfuLogIncr(counter, log_factor, r);
  return (LfuMinutes(now_ms) << 8) | counter;
}

void EvictionPool::Populate(Database& db, EvictionPolicy policy, int64_t samples,
                            uint32_t lru_clock, int64_t now_ms, int64_t lfu_decay_time,
                            std::mt19937_64& rng) {
  bool all_keys = IsAllKeysPolicy(policy);
  size_t volatile_count = db.volatile_count();
  for (int64_t i = 0; i < samples; ++i) {
    Entry* e;
    if (all_keys) {
      e = db.RandomEntry();
    } else {
      e = volatile_count == 0 ? nullptr : db.VolatileAt(rng() % volatile_count);
    }
    if (e == nullptr) return;
    uint64_t score;
    switch (policy) {
      case EvictionPolicy::kAllKeysLru:
      case EvictionPolicy::kVolatileLru:
        score = LruIdleMs(e->lru(), lru_clock);
        break;
      case EvictionPolicy::kAllKeysLfu:
      case EvictionPolicy::kVolatileLfu:
        // Least frequent first: invert the counter.
        score = 255 - LfuDecayedCounter(e->lru(), now_ms, lfu_decay_time);
        break;
      case EvictionPolicy::kVolatileTtl:
        // Nearest deadline first.
        score = std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(e->expire_at());
        break;
      default:
        return;
    }
    Insert(score, db.index(), e->key());
  }
}

void EvictionPool::Insert(uint64_t score, int db, std::string_view key) {
  // The first candidate scoring at least as well as this one.
  size_t k = 0;
  while (k < size_ && pool_[k].score < score) ++k;
  if (k == 0 && size_ == kSize) return;  // worse than every candidate of a full pool
  if (size_ < kSize) {
    // Shift [k, size_) right by one, rotating the unused slot (and its
    // string's capacity) into place.
    for (size_t j = size_; j > k; --j) std::swap(pool_[j], pool_[j - 1]);
    ++size_;
  } else {
    // Full: drop the worst candidate (index 0) and shift [1, k) left.
    --k;
    for (size_t j = 0; j < k; ++j) std::swap(pool_[j], pool_[j + 1]);
  }
  Candidate& c = pool_[k];
  c.score = score;
  c.db = db;
  c.key.assign(key);
}

bool EvictionPool::PopBest(Keyspace& keyspace, EvictionPolicy policy, int* db, std::string* key) {
  bool all_keys = IsAllKeysPolicy(policy);
  while (size_ > 0) {
    Candidate& c = pool_[--size_];
    Entry* e = keyspace.db(c.db).Peek(c.key);
    if (e != nullptr && (all_keys || e->has_expire())) {
      *db = c.db;
      key->swap(c.key);
      return true;
    }
  }
  return false;
}

void EvictionPool::Clear() { size_ = 0; }

bool PickRandomVictim(Keyspace& keyspace, EvictionPolicy policy, int* next_db, int* db,
                      std::string* key) {
  bool all_keys = policy == EvictionPolicy::kAllKeysRandom;
  int n = keyspace.num_databases();
  for (int i = 0; i < n; ++i) {
    int j = (*next_db = (*next_db + 1) % n);
    Database& d = keyspace.db(j);
    Entry* e = nullptr;
    if (all_keys) {
      e = d.RandomEntry();
    } else if (d.volatile_count() > 0) {
      e = d.VolatileAt(keyspace.rng()() % d.volatile_count());
    }
    if (e != nullptr) {
      *db = j;
      key->assign(e->key());
      return true;
    }
  }
  return false;
}

}  // namespace ember::storage
