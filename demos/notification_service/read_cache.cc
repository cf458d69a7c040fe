#include "demos/notification_service/read_cache.h"

#include <algorithm>
#include <random>

#include "demos/common/log.h"

namespace ember::demos::notify {

namespace {

constexpr std::string_view kMissing = "null";

std::mt19937_64& Rng() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng;
}

int Index(CacheKind kind) { return kind == CacheKind::kProfile ? 0 : 1; }

}  // namespace

const char* CacheKindName(CacheKind kind) {
  return kind == CacheKind::kProfile ? "profile" : "template";
}

ReadCache::ReadCache(CacheOptions options, Registry* registry) : options_(std::move(options)) {
  // Series of one metric are registered together: the text format groups
  // them under one HELP line.
  for (CacheKind k : {CacheKind::kProfile, CacheKind::kTemplate}) {
    std::string label = std::string("kind=\"") + CacheKindName(k) + "\"";
    hits_[Index(k)] = &registry->AddCounter(
        "cache_hits_total", "Reads answered from the cache (negative entries included)", label);
  }
  for (CacheKind k : {CacheKind::kProfile, CacheKind::kTemplate}) {
    std::string label = std::string("kind=\"") + CacheKindName(k) + "\"";
    misses_[Index(k)] =
        &registry->AddCounter("cache_misses_total", "Reads that went to the database", label);
  }
  for (CacheKind k : {CacheKind::kProfile, CacheKind::kTemplate}) {
    std::string label = std::string("kind=\"") + CacheKindName(k) + "\"";
    errors_[Index(k)] = &registry->AddCounter(
        "cache_errors_total", "Cache commands that failed (the database answered)", label);
  }
  invalidations_ = &registry->AddCounter("cache_invalidations_total",
                                         "Cached copies deleted after a database write");
  registry->AddComputed("cache_hit_ratio", "hits / (hits + misses), all kinds",
                        [this] { return HitRatio(); });
}

std::string ReadCache::Key(CacheKind kind, const std::string& id) const {
  return options_.key_prefix + "cache:" + CacheKindName(kind) + ":" + id;
}

uint64_t ReadCache::hits(CacheKind kind) const { return hits_[Index(kind)]->value(); }
uint64_t ReadCache::misses(CacheKind kind) const { return misses_[Index(kind)]->value(); }

double ReadCache::HitRatio() const {
  double h = static_cast<double>(hits_[0]->value() + hits_[1]->value());
  double m = static_cast<double>(misses_[0]->value() + misses_[1]->value());
  return h + m == 0 ? 0 : h / (h + m);
}

int64_t ReadCache::TtlMs(std::chrono::milliseconds base) const {
  // Entries cached together (a burst of sends after a deploy) would
  // otherwise expire together and miss together.
  std::uniform_real_distribution<double> jitter(-options_.ttl_jitter, options_.ttl_jitter);
  double ms = static_cast<double>(base.count()) * (1.0 + jitter(Rng()));
  return std::max<int64_t>(1, static_cast<int64_t>(ms));
}

CacheRead ReadCache::Get(client::Connection* conn, CacheKind kind, const std::string& id,
                         const Loader& load) {
  const int k = Index(kind);
  const std::string key = Key(kind, id);
  CacheRead out;
  out.how = "BYPASS";
  if (conn != nullptr) {
    auto cached = client::AsOptionalString(conn->Command({"GET", key}));
    if (!cached.ok()) {
      errors_[k]->Add();
      LogWarn("cache read failed", {{"key", key}, {"error", cached.error().ToString()}});
      conn = nullptr;  // answer from the database, do not try to store
    } else if (cached->has_value()) {
      hits_[k]->Add();
      if (**cached == kMissing) {
        out.how = "NEGATIVE-HIT";
      } else {
        out.how = "HIT";
        out.value = std::move(**cached);
      }
      return out;
    } else {
      misses_[k]->Add();
      out.how = "MISS";
    }
  }
  out.error = load(&out.value);
  if (!out.error.empty()) {
    LogError("database read failed",
             {{"kind", CacheKindName(kind)}, {"id", id}, {"error", out.error}});
    return out;
  }
  if (conn != nullptr) {
    std::string stored = out.value ? *out.value : std::string(kMissing);
    int64_t ttl = TtlMs(out.value ? options_.ttl : options_.negative_ttl);
    client::Status s = client::AsStatus(conn->Command({"SET", key, stored, "PX", ttl}));
    if (!s.ok()) {
      errors_[k]->Add();
      LogWarn("cache store failed", {{"key", key}, {"error", s.error().ToString()}});
    }
  }
  return out;
}

client::Status ReadCache::Invalidate(client::Connection& conn, CacheKind kind,
                                     const std::string& id) {
  client::Status s = client::AsStatus(conn.Command({"DEL", Key(kind, id)}));
  if (s.ok()) {
    invalidations_->Add();
  } else {
    errors_[Index(kind)]->Add();
  }
  return s;
}

}  // namespace ember::demos::notify
