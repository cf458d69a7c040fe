// The cache-aside service as a program: SQLite store, connection pool,
// CacheService, HTTP routes, /metrics and a periodic log line; and the load
// mode that measures it with and without the cache.
//
// Routes:
//   GET  /items/<id>   200 item JSON | 404 {"error"} ; header X-Cache says how
//   PUT  /items/<id>   body {"name": "...", "price_cents": 123};
//                      200 (202 under write-back: not yet in the database)
//   GET  /metrics      Prometheus text: the service's counters and latency
//                      quantiles, and the cache server's keyspace_hits /
//                      keyspace_misses from INFO stats beside them
//   GET  /healthz      200 "ok"
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "client/pool.h"
#include "demos/cache_aside/cache_service.h"
#include "demos/cache_aside/item_store.h"
#include "demos/common/http.h"
#include "demos/common/metrics.h"

namespace ember::demos {

struct AppConfig {
  CacheConfig cache;
  client::Options redis;
  std::string db_path = "items.sqlite";
  std::chrono::microseconds db_latency{0};
  int64_t seed_items = 0;  // create items 1..n if missing
  int threads = 8;         // HTTP worker threads (and cache connections)
  std::string http_host = "127.0.0.1";
  int http_port = 8080;  // 0: any free port
  int log_interval_s = 10;
};

class App {
 public:
  // Opens the database; returns nullptr and sets *error on failure.
  static std::unique_ptr<App> Create(const AppConfig& config, std::string* error);
  ~App();

  // Serves HTTP (and starts the write-back flusher and the log reporter).
  std::string Start();
  void Stop();

  int port() const { return http_.port(); }
  CacheService& service() { return *service_; }
  ItemStore& store() { return *store_; }
  client::Pool& pool() { return *pool_; }
  // What GET /metrics answers.
  std::string MetricsText();
  // The one-line summary the reporter logs.
  void LogSummary();

 private:
  explicit App(const AppConfig& config);
  std::string ServerStats();

  AppConfig config_;
  Registry registry_;
  std::unique_ptr<ItemStore> store_;
  std::unique_ptr<client::Pool> pool_;
  std::unique_ptr<CacheService> service_;
  HttpService http_;
  Gauge& server_hits_;
  Gauge& server_misses_;
  std::thread reporter_;
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
};

// Load mode: drives a running service over HTTP from `concurrency` threads.
struct LoadConfig {
  int requests = 20000;
  int concurrency = 8;
  int64_t items = 1000;
  // Skew: `hot_share` of reads go to the first `hot_fraction` of the ids.
  double hot_fraction = 0.1;
  double hot_share = 0.9;
  double write_ratio = 0.01;
  uint64_t seed = 1;
};

struct LoadReport {
  std::string label;
  uint64_t requests = 0;
  uint64_t errors = 0;
  uint64_t hits = 0;  // answered from the cache on the first look (X-Cache)
  uint64_t reads = 0;
  uint64_t db_queries = 0;
  double seconds = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double hit_ratio() const { return reads == 0 ? 0 : static_cast<double>(hits) / reads; }
};

LoadReport RunLoad(const std::string& label, App& app, const LoadConfig& load);
std::string FormatLoadTable(const std::vector<LoadReport>& reports);

// The program: parses flags, runs the service or the load mode. Returns the
// exit code.
int CacheAsideMain(int argc, const char* const* argv);

}  // namespace ember::demos
