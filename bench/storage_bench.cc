// The keyspace on its own: string operations on a database of a million
// keys (so lookups miss the CPU caches as they do in a real server), the
// hash table under it, and SCAN.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "storage/clock.h"
#include "storage/database.h"
#include "storage/keyspace.h"
#include "storage/string_ops.h"

namespace {

using namespace ember::storage;

constexpr int kKeys = 1'000'000;

std::string Key(int i) { return "key:" + std::to_string(i); }

// Keys visited in a random order: consecutive operations touch unrelated
// cache lines, like many clients working on a big keyspace.
const std::vector<std::string>& ShuffledKeys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k;
    k.reserve(kKeys);
    for (int i = 0; i < kKeys; ++i) k.push_back(Key(i));
    std::shuffle(k.begin(), k.end(), std::mt19937_64(42));
    return k;
  }();
  return keys;
}

// One database holding kKeys keys with 16-byte values, built once.
struct Loaded {
  ManualClock clock;
  Keyspace keyspace{&clock, 1};
  Database& db() { return keyspace.db(0); }

  Loaded() {
    keyspace.RefreshTime();
    const std::string value(16, 'v');
    for (int i = 0; i < kKeys; ++i) Set(db(), Key(i), value, SetOptions{});
    // Finish the incremental rehash (the manual clock never runs out of
    // budget) so every benchmark sees a settled table.
    db().Maintain(1);
  }
};

Loaded& Shared() {
  static Loaded* loaded = new Loaded();
  return *loaded;
}

void BM_Get(benchmark::State& state) {
  Database& db = Shared().db();
  const auto& keys = ShuffledKeys();
  size_t i = 0;
  for (auto _ : state) {
    auto v = Get(db, keys[i]);
    benchmark::DoNotOptimize(v);
    if (++i == keys.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Get);

void BM_GetMissing(benchmark::State& state) {
  Database& db = Shared().db();
  const auto& keys = ShuffledKeys();
  std::vector<std::string> missing;
  for (int i = 0; i < 4096; ++i) missing.push_back("nokey:" + keys[i]);
  size_t i = 0;
  for (auto _ : state) {
    auto v = Get(db, missing[i]);
    benchmark::DoNotOptimize(v);
    i = (i + 1) & 4095;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GetMissing);

// Overwrites an existing key with a value of the same size (in place).
void BM_SetExisting(benchmark::State& state) {
  Database& db = Shared().db();
  const auto& keys = ShuffledKeys();
  const std::string value(16, 'w');
  size_t i = 0;
  for (auto _ : state) {
    auto r = Set(db, keys[i], value, SetOptions{});
    benchmark::DoNotOptimize(r);
    if (++i == keys.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SetExisting);

// Adds new keys to a growing database, rehashing included.
void BM_SetNew(benchmark::State& state) {
  ManualClock clock;
  Keyspace keyspace(&clock, 1);
  const std::string value(16, 'v');
  std::vector<std::string> keys;
  for (int i = 0; i < kKeys; ++i) keys.push_back(Key(i));
  size_t i = 0;
  for (auto _ : state) {
    if (i == keys.size()) {
      state.PauseTiming();
      keyspace.FlushAll();
      i = 0;
      state.ResumeTiming();
    }
    auto r = Set(keyspace.db(0), keys[i++], value, SetOptions{});
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SetNew);

void BM_IncrBy(benchmark::State& state) {
  Database& db = Shared().db();
  std::vector<std::string> counters;
  for (int i = 0; i < 1000; ++i) counters.push_back("counter:" + std::to_string(i));
  size_t i = 0;
  for (auto _ : state) {
    auto r = IncrBy(db, counters[i], 1);
    benchmark::DoNotOptimize(r);
    if (++i == counters.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IncrBy);

// The bare hash table: insert and find of entries, no expiry or statistics.
void BM_DictInsert(benchmark::State& state) {
  const auto& keys = ShuffledKeys();
  const int n = static_cast<int>(state.range(0));
  Entry::ValueSpec value{ValueKind::kInt};
  for (auto _ : state) {
    KeyDict dict;
    for (int i = 0; i < n; ++i) {
      dict.InsertNew(Entry::Create(keys[i], value, false), Hash(keys[i]));
    }
    benchmark::DoNotOptimize(dict.size());
    state.PauseTiming();
    dict.Clear([](Entry* e) { Entry::Destroy(e); });
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_DictInsert)->Arg(1000)->Arg(kKeys)->Unit(benchmark::kMillisecond);

void BM_DictFind(benchmark::State& state) {
  const auto& keys = ShuffledKeys();
  const int n = static_cast<int>(state.range(0));
  Entry::ValueSpec value{ValueKind::kInt};
  KeyDict dict;
  for (int i = 0; i < n; ++i) dict.InsertNew(Entry::Create(keys[i], value, false), Hash(keys[i]));
  while (dict.Rehash(1000)) {
  }
  // Look the keys up in a different order from the one they went in.
  std::vector<std::string> order(keys.begin(), keys.begin() + n);
  std::shuffle(order.begin(), order.end(), std::mt19937_64(7));
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(dict.Find(order[i]));
    if (++i == order.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  dict.Clear([](Entry* e) { Entry::Destroy(e); });
}
BENCHMARK(BM_DictFind)->Arg(1000)->Arg(kKeys);

// A full SCAN of the million keys, ten buckets per call (SCAN's default
// COUNT), as a client iterating the keyspace would.
void BM_ScanAll(benchmark::State& state) {
  Database& db = Shared().db();
  std::vector<std::string> batch;
  for (auto _ : state) {
    uint64_t cursor = 0;
    size_t seen = 0;
    do {
      for (int step = 0; step < 10; ++step) {
        cursor = db.Scan(cursor, &batch);
        if (cursor == 0) break;
      }
      seen += batch.size();
      batch.clear();
    } while (cursor != 0);
    if (seen < db.size()) state.SkipWithError("SCAN missed keys");
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(db.size()));
}
BENCHMARK(BM_ScanAll)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
