#include "demos/cache_aside/cache_service.h"

#include <algorithm>
#include <cstdio>
#include <random>

#include "client/connection.h"
#include "demos/common/log.h"

namespace ember::demos {

using client::AsOptionalString;
using client::Millis;

namespace {

// The value cached for an id the database does not have.
constexpr std::string_view kMissing = "null";

std::mt19937_64& Rng() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng;
}

// 128 random bits as hex: a lock token no other request will hold.
std::string NewToken() {
  char buf[33];
  std::snprintf(buf, sizeof(buf), "%016llx%016llx", static_cast<unsigned long long>(Rng()()),
                static_cast<unsigned long long>(Rng()()));
  return buf;
}

Reply JsonError(int status, const std::string& message, const char* how) {
  return Reply{status, nlohmann::json{{"error", message}}.dump(), how};
}

}  // namespace

bool ParseStrategy(std::string_view text, Strategy* out) {
  if (text == "cache-aside") {
    *out = Strategy::kCacheAside;
  } else if (text == "write-through") {
    *out = Strategy::kWriteThrough;
  } else if (text == "write-back") {
    *out = Strategy::kWriteBack;
  } else {
    return false;
  }
  return true;
}

std::string_view StrategyName(Strategy s) {
  switch (s) {
    case Strategy::kCacheAside:
      return "cache-aside";
    case Strategy::kWriteThrough:
      return "write-through";
    case Strategy::kWriteBack:
      return "write-back";
  }
  return "?";
}

CacheService::CacheService(CacheConfig config, client::Pool* pool, ItemStore* store,
                           Registry* registry)
    : config_(std::move(config)),
      pool_(pool),
      store_(store),
      hits_(registry->AddCounter("cache_hits_total",
                                 "Reads answered from the cache on the first look")),
      negative_hits_(registry->AddCounter("cache_negative_hits_total",
                                          "Reads answered 404 from a cached 'no such item'")),
      misses_(registry->AddCounter("cache_misses_total",
                                   "Reads that did not find the item in the cache")),
      lock_acquired_(registry->AddCounter("cache_lock_acquired_total",
                                          "Misses that took the stampede lock and loaded")),
      lock_waits_(registry->AddCounter("cache_lock_waits_total",
                                       "Misses that waited for another request's load")),
      lock_timeouts_(registry->AddCounter("cache_lock_timeouts_total",
                                          "Waits that gave up and queried the database")),
      cache_errors_(registry->AddCounter("cache_errors_total",
                                         "Cache commands that failed (the database answered)")),
      flushed_(registry->AddCounter("writeback_flushed_total",
                                    "Write-back items written to the database")),
      lost_(registry->AddCounter("writeback_lost_total",
                                 "Write-back items gone from the cache before their flush")),
      get_latency_(registry->AddLatency("http_request_duration_seconds", "Time to answer a request",
                                        "route=\"get_item\"")),
      put_latency_(registry->AddLatency("http_request_duration_seconds", "Time to answer a request",
                                        "route=\"put_item\"")),
      db_latency_(registry->AddLatency("db_query_duration_seconds",
                                       "Time of one SQLite read, with the simulated latency")) {
  registry->AddComputed("cache_hit_ratio", "(hits + negative hits) / reads that used the cache",
                        [this] { return HitRatio(); });
  registry->AddComputed("db_queries_total", "Reads (SELECT) run on the database",
                        [this] { return static_cast<double>(store_->reads()); });
  registry->AddComputed("db_writes_total", "Writes (UPSERT) run on the database",
                        [this] { return static_cast<double>(store_->writes()); });
}

CacheService::~CacheService() { StopFlusher(); }

double CacheService::HitRatio() const {
  double h = static_cast<double>(hits_.value() + negative_hits_.value());
  double total = h + static_cast<double>(misses_.value());
  return total == 0 ? 0 : h / total;
}

std::string CacheService::ItemKey(int64_t id) const {
  return config_.key_prefix + "cache:item:" + std::to_string(id);
}
std::string CacheService::LockKey(int64_t id) const {
  return config_.key_prefix + "lock:item:" + std::to_string(id);
}
std::string CacheService::DirtyKey() const { return config_.key_prefix + "writeback:dirty"; }

int64_t CacheService::TtlMs(Millis base) {
  // Items cached together (a deploy, a warm-up, a stampede) would otherwise
  // all expire together and miss together.
  std::uniform_real_distribution<double> jitter(-config_.ttl_jitter, config_.ttl_jitter);
  double ms = static_cast<double>(base.count()) * (1.0 + jitter(Rng()));
  return std::max<int64_t>(1, static_cast<int64_t>(ms));
}

Reply CacheService::Served(const std::string& cached, const char* how) {
  if (cached == kMissing) return JsonError(404, "no such item", how);
  return Reply{200, cached, how};
}

// Reads the database and, when `cache` is given, stores what it found.
Reply CacheService::Load(client::Connection* cache, int64_t id, const char* how) {
  std::optional<Item> item;
  std::string err;
  {
    ScopedTimer t(&db_latency_);
    err = store_->Get(id, &item);
  }
  if (!err.empty()) {
    LogError("database read failed", {{"id", std::to_string(id)}, {"error", err}});
    return JsonError(503, "database unavailable", how);
  }
  std::string value = item ? ItemToJson(*item).dump() : std::string(kMissing);
  if (cache != nullptr) {
    int64_t ttl = TtlMs(item ? config_.ttl : config_.negative_ttl);
    client::Status s = client::AsStatus(cache->Command({"SET", ItemKey(id), value, "PX", ttl}));
    if (!s.ok()) {
      cache_errors_.Add();
      LogWarn("cache store failed", {{"id", std::to_string(id)}, {"error", s.error().ToString()}});
    }
  }
  return Served(value, how);
}

void CacheService::ReleaseLock(client::Connection& cache, int64_t id, const std::string& token) {
  // Only the holder may delete the lock: if our load outlived lock_ttl, the
  // lock may now be someone else's. GET-compare-DEL must be atomic; without
  // Lua, WATCH makes it so (the DEL runs only if the lock did not change
  // after we read it).
  std::string key = LockKey(id);
  auto r = client::WatchRetry(cache, {key}, [&](client::Connection& c, client::Transaction& tx) {
    auto holder = AsOptionalString(c.Command({"GET", key}));
    if (!holder.ok()) return client::Status(holder.error());
    if (*holder == token) tx.Add({"DEL", key});
    return client::Status();
  });
  if (!r.ok()) {
    cache_errors_.Add();
    LogWarn("lock release failed (it expires by itself)",
            {{"key", key}, {"error", r.error().ToString()}});
  }
}

Reply CacheService::GetItem(int64_t id) {
  ScopedTimer timer(&get_latency_);
  if (!config_.use_cache) return Load(nullptr, id, "BYPASS");
  auto lease = pool_->Acquire();
  if (!lease.ok()) {
    cache_errors_.Add();
    LogWarn("no cache connection", {{"error", lease.error().ToString()}});
    return Load(nullptr, id, "BYPASS");
  }
  client::Connection& cache = **lease;
  std::string key = ItemKey(id);
  auto deadline = std::chrono::steady_clock::now() + config_.lock_wait;
  bool waited = false;
  Millis pause(2);
  for (;;) {
    auto cached = AsOptionalString(cache.Command({"GET", key}));
    if (!cached.ok()) {
      // The cache is down or broken: answer from the database, and do not
      // try to store into it.
      cache_errors_.Add();
      LogWarn("cache read failed", {{"key", key}, {"error", cached.error().ToString()}});
      return Load(nullptr, id, "BYPASS");
    }
    if (cached->has_value()) {
      if (!waited) (**cached == kMissing ? negative_hits_ : hits_).Add();
      return Served(**cached,
                    waited ? "WAIT-HIT" : (**cached == kMissing ? "NEGATIVE-HIT" : "HIT"));
    }
    if (!waited) misses_.Add();
    if (!config_.stampede_lock) return Load(&cache, id, "MISS");

    std::string token = NewToken();
    auto locked = cache.Command({"SET", LockKey(id), token, "NX", "PX", config_.lock_ttl.count()});
    if (!locked.ok()) {
      cache_errors_.Add();
      return Load(nullptr, id, "BYPASS");
    }
    if (!locked->IsNull()) {
      lock_acquired_.Add();
      // Another loader may have stored the item between our GET and our
      // SET NX (and released its lock): look once more before the query.
      auto again = AsOptionalString(cache.Command({"GET", key}));
      Reply r =
          again.ok() && again->has_value() ? Served(**again, "WAIT-HIT") : Load(&cache, id, "MISS");
      ReleaseLock(cache, id, token);
      return r;
    }
    // Someone else holds the lock and is loading: wait for the cache.
    if (!waited) lock_waits_.Add();
    waited = true;
    if (std::chrono::steady_clock::now() >= deadline) {
      lock_timeouts_.Add();
      LogWarn("gave up waiting for another loader", {{"key", key}});
      return Load(&cache, id, "MISS");
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, Millis(16));
  }
}

Reply CacheService::PutItem(int64_t id, const std::string& body) {
  ScopedTimer timer(&put_latency_);
  nlohmann::json in = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!in.is_object() || !in.contains("name") || !in["name"].is_string() ||
      !in.contains("price_cents") || !in["price_cents"].is_number_integer()) {
    return JsonError(400, "body must be {\"name\": string, \"price_cents\": integer}", "BYPASS");
  }
  Item item;
  item.id = id;
  item.name = in["name"].get<std::string>();
  item.price_cents = in["price_cents"].get<int64_t>();
  std::string key = ItemKey(id);

  if (config_.strategy == Strategy::kWriteBack && config_.use_cache) {
    item.updated_at_ms =
        std::chrono::duration_cast<Millis>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    std::string json = ItemToJson(item).dump();
    auto lease = pool_->Acquire();
    if (!lease.ok()) return JsonError(503, "cache unavailable", "BYPASS");
    client::Transaction tx(&**lease);
    // No TTL: until it is flushed, this copy is the only one.
    tx.Add({"SET", key, json}).Add({"SADD", DirtyKey(), id});
    auto r = tx.Exec();
    if (!r.ok() || r->replies.size() != 2 || !r->replies[0].ok() || !r->replies[1].ok()) {
      cache_errors_.Add();
      LogError("write-back write failed", {{"key", key}});
      return JsonError(503, "cache unavailable", "BYPASS");
    }
    // 202: accepted, durable only after the flush.
    return Reply{202, json, "WRITE-BACK"};
  }

  std::string err = store_->Put(&item);
  if (!err.empty()) {
    LogError("database write failed", {{"id", std::to_string(id)}, {"error", err}});
    return JsonError(503, "database unavailable", "BYPASS");
  }
  std::string json = ItemToJson(item).dump();
  if (!config_.use_cache) return Reply{200, json, "BYPASS"};
  auto lease = pool_->Acquire();
  client::Status s = lease.ok() ? client::Status() : client::Status(lease.error());
  if (s.ok()) {
    if (config_.strategy == Strategy::kWriteThrough) {
      s = client::AsStatus((*lease)->Command({"SET", key, json, "PX", TtlMs(config_.ttl)}));
    } else {
      s = client::AsStatus((*lease)->Command({"DEL", key}));
    }
  }
  if (!s.ok()) {
    // The database has the write; the cache may serve the old copy until
    // its TTL runs out. That bound is why every entry has a TTL.
    cache_errors_.Add();
    LogError("cache update after write failed; stale until TTL",
             {{"key", key}, {"error", s.error().ToString()}});
  }
  return Reply{200, json,
               config_.strategy == Strategy::kWriteThrough ? "WRITE-THROUGH" : "INVALIDATED"};
}

client::Result<int> CacheService::FlushDirty() {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.error();
  client::Connection& cache = **lease;
  int written = 0;
  for (;;) {
    auto popped = AsOptionalString(cache.Command({"SPOP", DirtyKey()}));
    if (!popped.ok()) return popped.error();
    if (!popped->has_value()) return written;
    int64_t id = std::strtoll((*popped)->c_str(), nullptr, 10);
    std::string key = ItemKey(id);
    // WATCH the copy while writing it: if a newer write lands meanwhile, the
    // EXEC that gives the copy its TTL is aborted (the newer write is in the
    // dirty set again and keeps its copy without TTL until its own flush).
    std::string db_error;
    auto r = client::WatchRetry(cache, {key}, [&](client::Connection& c, client::Transaction& tx) {
      auto json = AsOptionalString(c.Command({"GET", key}));
      if (!json.ok()) return client::Status(json.error());
      Item item;
      if (!json->has_value() ||
          !ItemFromJson(nlohmann::json::parse(**json, nullptr, false), &item)) {
        lost_.Add();
        LogError("write-back item vanished from the cache before its flush: write lost",
                 {{"key", key}});
        return client::Status();
      }
      db_error = store_->Put(&item);
      if (!db_error.empty())
        return client::Status(client::Error(client::ErrorKind::kUsage, db_error));
      tx.Add({"PEXPIRE", key, TtlMs(config_.ttl)});
      return client::Status();
    });
    if (!r.ok()) {
      // Put the id back so the next flush tries again.
      (void)cache.Command({"SADD", DirtyKey(), id});
      return r.error();
    }
    if (!r->replies.empty()) {
      ++written;
      flushed_.Add();
    }
  }
}

void CacheService::StartFlusher() {
  if (config_.strategy != Strategy::kWriteBack || !config_.use_cache || flusher_.joinable()) return;
  flusher_ = std::thread([this] {
    std::unique_lock lock(flush_mu_);
    for (;;) {
      bool stop = flush_cv_.wait_for(lock, config_.flush_interval, [this] { return flush_stop_; });
      lock.unlock();
      auto r = FlushDirty();
      if (!r.ok()) {
        LogWarn("write-back flush failed; will retry", {{"error", r.error().ToString()}});
      } else if (*r > 0) {
        Log(LogLevel::kDebug, "write-back flush", {{"items", std::to_string(*r)}});
      }
      lock.lock();
      if (stop) return;
    }
  });
}

void CacheService::StopFlusher() {
  if (!flusher_.joinable()) return;
  {
    std::lock_guard lock(flush_mu_);
    flush_stop_ = true;
  }
  flush_cv_.notify_all();
  flusher_.join();
}

}  // namespace ember::demos
