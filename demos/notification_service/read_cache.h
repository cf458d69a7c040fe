// ReadCache: cache-aside for the service's hot reads (a user's profile and
// preferences, a template), in Ember or Redis.
//
//   key  <prefix>cache:<kind>:<id>   string: the row as JSON, or the text
//                                    `null` for an id the database lacks
//                                    (negative caching), with PX ttl
//
// A read GETs the key; on a miss it loads from SQLite and SETs the result
// with a TTL (ttl +/- jitter, or negative_ttl for `null`). A write commits to
// SQLite first and then DELs the key, so the next read loads the new row;
// the TTL bounds how long a copy can stay stale if that DEL is lost.
//
// It is the read path of demos/cache_aside (whose CacheService is tied to its
// items table) made generic over a loader, without the stampede lock: here a
// key is one user's or one template's, read a few times per second at most,
// not the single hot key a stampede needs. If the cache fails, reads go to
// the database (BYPASS) and the failure is counted.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "client/connection.h"
#include "demos/common/metrics.h"

namespace ember::demos::notify {

enum class CacheKind { kProfile, kTemplate };
const char* CacheKindName(CacheKind kind);  // "profile", "template"

struct CacheOptions {
  std::string key_prefix = "notify:";
  std::chrono::milliseconds ttl{300'000};
  double ttl_jitter = 0.1;
  std::chrono::milliseconds negative_ttl{30'000};
};

struct CacheRead {
  std::string error;                 // the database failed: no value
  std::optional<std::string> value;  // empty: the database has no such row
  // HIT, NEGATIVE-HIT, MISS, or BYPASS (cache unavailable).
  std::string how;
};

class ReadCache {
 public:
  // Returns "" and sets *json (empty for no such row), or the error.
  using Loader = std::function<std::string(std::optional<std::string>* json)>;

  ReadCache(CacheOptions options, Registry* registry);

  // `conn` may be null (no cache connection): the loader answers.
  CacheRead Get(client::Connection* conn, CacheKind kind, const std::string& id,
                const Loader& load);
  // Drops the cached copy after a write to the database.
  client::Status Invalidate(client::Connection& conn, CacheKind kind, const std::string& id);

  std::string Key(CacheKind kind, const std::string& id) const;
  uint64_t hits(CacheKind kind) const;
  uint64_t misses(CacheKind kind) const;
  double HitRatio() const;

 private:
  int64_t TtlMs(std::chrono::milliseconds base) const;

  CacheOptions options_;
  Counter* hits_[2];
  Counter* misses_[2];
  Counter* errors_[2];
  Counter* invalidations_;
};

}  // namespace ember::demos::notify
