#include "demos/cache_aside/app.h"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <random>

#include "demos/common/flags.h"
#include "demos/common/log.h"
#include "demos/common/server_info.h"

namespace ember::demos {

namespace {

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

void Send(httplib::Response& res, const Reply& r) {
  res.status = r.status;
  res.set_header("X-Cache", r.cache);
  res.set_content(r.body, "application/json");
}

}  // namespace

App::App(const AppConfig& config)
    : config_(config),
      http_(config.threads),
      server_hits_(registry_.AddGauge("cache_server_keyspace_hits",
                                      "keyspace_hits from the cache server's INFO stats")),
      server_misses_(registry_.AddGauge("cache_server_keyspace_misses",
                                        "keyspace_misses from the cache server's INFO stats")) {}

std::unique_ptr<App> App::Create(const AppConfig& config, std::string* error) {
  std::unique_ptr<App> app(new App(config));
  app->store_ = ItemStore::Open(config.db_path, config.db_latency, error);
  if (!app->store_) return nullptr;
  if (config.seed_items > 0) {
    std::string err = app->store_->Seed(config.seed_items);
    if (!err.empty()) {
      *error = err;
      return nullptr;
    }
  }
  // One connection per HTTP worker, plus the flusher's and /metrics'.
  app->pool_ = std::make_unique<client::Pool>(config.redis, config.threads + 2);
  app->service_ = std::make_unique<CacheService>(config.cache, app->pool_.get(), app->store_.get(),
                                                 &app->registry_);
  app->registry_.AddComputed("cache_server_keyspace_hit_ratio",
                             "keyspace_hits / (hits + misses) as the cache server counts them",
                             [a = app.get()] {
                               double h = a->server_hits_.value(), m = a->server_misses_.value();
                               return h + m == 0 ? 0 : h / (h + m);
                             });

  httplib::Server& s = app->http_.server();
  CacheService* svc = app->service_.get();
  s.Get(R"(/items/(\d{1,18}))", [svc](const httplib::Request& req, httplib::Response& res) {
    Send(res, svc->GetItem(std::stoll(req.matches[1])));
  });
  s.Put(R"(/items/(\d{1,18}))", [svc](const httplib::Request& req, httplib::Response& res) {
    Send(res, svc->PutItem(std::stoll(req.matches[1]), req.body));
  });
  s.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain");
  });
  InstallMetricsEndpoint(s, app->registry_, [a = app.get()] { return a->ServerStats(); });
  InstallAccessLog(s);
  return app;
}

App::~App() { Stop(); }

std::string App::ServerStats() {
  // Refreshes the server gauges before the registry renders them.
  auto lease = pool_->Acquire();
  if (!lease.ok()) return "";
  auto info = ReadInfo(**lease, "stats");
  if (!info.ok()) return "";
  server_hits_.Set(InfoNumber(*info, "keyspace_hits"));
  server_misses_.Set(InfoNumber(*info, "keyspace_misses"));
  return "";
}

std::string App::MetricsText() {
  ServerStats();
  return registry_.Render();
}

void App::LogSummary() {
  ServerStats();
  const LatencyHistogram& h = service_->get_latency();
  LogInfo("stats", {{"strategy", std::string(StrategyName(config_.cache.strategy))},
                    {"hits", std::to_string(service_->hits())},
                    {"negative_hits", std::to_string(service_->negative_hits())},
                    {"misses", std::to_string(service_->misses())},
                    {"hit_ratio", Fixed(service_->HitRatio(), 3)},
                    {"db_queries", std::to_string(store_->reads())},
                    {"db_writes", std::to_string(store_->writes())},
                    {"get_p50_ms", Fixed(h.PercentileMicros(0.5) / 1000, 3)},
                    {"get_p99_ms", Fixed(h.PercentileMicros(0.99) / 1000, 3)},
                    {"server_keyspace_hits", Fixed(server_hits_.value(), 0)},
                    {"server_keyspace_misses", Fixed(server_misses_.value(), 0)}});
}

std::string App::Start() {
  std::string err = http_.Start(config_.http_host, config_.http_port);
  if (!err.empty()) return err;
  service_->StartFlusher();
  if (config_.log_interval_s > 0) {
    reporter_ = std::thread([this] {
      std::unique_lock lock(stop_mu_);
      while (!stop_cv_.wait_for(lock, std::chrono::seconds(config_.log_interval_s),
                                [this] { return stopping_; })) {
        lock.unlock();
        LogSummary();
        lock.lock();
      }
    });
  }
  LogInfo("listening", {{"port", std::to_string(http_.port())},
                        {"strategy", std::string(StrategyName(config_.cache.strategy))},
                        {"cache", config_.redis.host + ":" + std::to_string(config_.redis.port)},
                        {"db", config_.db_path}});
  return "";
}

void App::Stop() {
  http_.Stop();
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (reporter_.joinable()) reporter_.join();
  // Write-back: the flusher's last round writes what is still dirty.
  if (service_) service_->StopFlusher();
}

LoadReport RunLoad(const std::string& label, App& app, const LoadConfig& load) {
  LoadReport report;
  report.label = label;
  LatencyHistogram latency;
  std::atomic<uint64_t> errors{0}, hits{0}, reads{0};
  std::atomic<int> next{0};
  uint64_t db_before = app.store().reads();
  int64_t hot = std::max<int64_t>(1, static_cast<int64_t>(load.items * load.hot_fraction));
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < load.concurrency; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(load.seed * 1000 + static_cast<uint64_t>(t));
      std::uniform_real_distribution<double> u(0, 1);
      httplib::Client http("127.0.0.1", app.port());
      http.set_keep_alive(true);
      http.set_tcp_nodelay(true);
      while (next.fetch_add(1) < load.requests) {
        bool hot_pick = u(rng) < load.hot_share;
        int64_t id =
            1 + static_cast<int64_t>(u(rng) * static_cast<double>(hot_pick ? hot : load.items));
        if (id > load.items) id = load.items;
        std::string path = "/items/" + std::to_string(id);
        auto t0 = std::chrono::steady_clock::now();
        bool write = u(rng) < load.write_ratio;
        nlohmann::json body = {{"name", "item " + std::to_string(id) + " (edited)"},
                               {"price_cents", static_cast<int64_t>(u(rng) * 10000)}};
        httplib::Result res =
            write ? http.Put(path, body.dump(), "application/json") : http.Get(path);
        latency.Record(std::chrono::steady_clock::now() - t0);
        if (!res || (res->status != 200 && res->status != 202 && res->status != 404)) {
          ++errors;
          continue;
        }
        if (!write) {
          ++reads;
          std::string how = res->get_header_value("X-Cache");
          if (how == "HIT" || how == "NEGATIVE-HIT") ++hits;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report.requests = static_cast<uint64_t>(load.requests);
  report.errors = errors;
  report.hits = hits;
  report.reads = reads;
  report.db_queries = app.store().reads() - db_before;
  report.p50_ms = latency.PercentileMicros(0.5) / 1000;
  report.p99_ms = latency.PercentileMicros(0.99) / 1000;
  return report;
}

std::string FormatLoadTable(const std::vector<LoadReport>& reports) {
  std::string out =
      "| run | requests | errors | req/s | hit ratio | DB queries | p50 ms | p99 ms |\n"
      "|---|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const LoadReport& r : reports) {
    out += "| " + r.label + " | " + std::to_string(r.requests) + " | " + std::to_string(r.errors) +
           " | " + Fixed(r.seconds > 0 ? static_cast<double>(r.requests) / r.seconds : 0, 0) +
           " | " + Fixed(r.hit_ratio(), 3) + " | " + std::to_string(r.db_queries) + " | " +
           Fixed(r.p50_ms, 3) + " | " + Fixed(r.p99_ms, 3) + " |\n";
  }
  return out;
}

namespace {

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }

}  // namespace

int CacheAsideMain(int argc, const char* const* argv) {
  Flags flags("ember-cache-aside",
              "An HTTP item service: SQLite behind an Ember/Redis cache (cache-aside,\n"
              "write-through or write-back), with stampede protection and metrics.");
  flags.Define("port", "8080", "HTTP port (0: any free port)");
  flags.Define("host", "127.0.0.1", "HTTP address to bind");
  flags.Define("cache", "127.0.0.1:6379", "cache server host:port (Ember or Redis)");
  flags.Define("cache-password", "", "AUTH password for the cache server");
  flags.Define("cache-db", "0", "database number on the cache server");
  flags.Define("db", "items.sqlite", "SQLite database file");
  flags.Define("seed", "1000", "create items 1..N in the database if missing (0: none)");
  flags.Define("strategy", "cache-aside", "cache-aside | write-through | write-back");
  flags.Define("ttl-ms", "300000", "TTL of a cached item, before jitter");
  flags.Define("ttl-jitter", "0.1", "each TTL is ttl * (1 +/- up to this fraction)");
  flags.Define("negative-ttl-ms", "30000", "TTL of a cached 'no such item'");
  flags.Define("lock-ttl-ms", "2000", "expiry of the stampede lock");
  flags.Define("lock-wait-ms", "2000", "how long a miss waits for another loader");
  flags.Define("flush-ms", "500", "write-back flush interval");
  flags.Define("no-stampede-lock", "", "every miss queries the database", true);
  flags.Define("key-prefix", "", "prefix of every cache key");
  flags.Define("db-latency-ms", "0", "simulated network latency added to each database query");
  flags.Define("threads", "8", "HTTP worker threads");
  flags.Define("log-interval", "10", "seconds between stats log lines (0: none)");
  flags.Define("verbose", "", "log every request", true);
  flags.Define("load", "", "load mode: measure with and without the cache, then exit", true);
  flags.Define("requests", "20000", "load mode: requests per run");
  flags.Define("concurrency", "8", "load mode: client threads");
  flags.Define("write-ratio", "0.01", "load mode: fraction of requests that are PUTs");
  if (int code; !flags.ParseOrExit(argc, argv, &code)) return code;
  bool ok = true;
  auto num = [&](const std::string& name) { return flags.GetNonNegative(name, &ok); };
  AppConfig cfg;
  HostPort cache;
  if (!ParseHostPort(flags.Get("cache"), &cache)) {
    std::fprintf(stderr, "--cache: expected host:port, got %s\n", flags.Get("cache").c_str());
    return 2;
  }
  if (!ParseStrategy(flags.Get("strategy"), &cfg.cache.strategy)) {
    std::fprintf(stderr, "--strategy: one of cache-aside, write-through, write-back\n");
    return 2;
  }
  cfg.redis.host = cache.host;
  cfg.redis.port = cache.port;
  cfg.redis.password = flags.Get("cache-password");
  cfg.redis.db = static_cast<int>(num("cache-db"));
  cfg.redis.client_name = "ember-cache-aside";
  // A service should answer from the database quickly when the cache is
  // down, not spend seconds reconnecting per request.
  cfg.redis.connect_timeout = client::Millis(500);
  cfg.redis.read_timeout = client::Millis(2000);
  cfg.redis.reconnect_attempts = 1;
  cfg.http_port = static_cast<int>(num("port"));
  cfg.http_host = flags.Get("host");
  cfg.db_path = flags.Get("db");
  cfg.seed_items = num("seed");
  cfg.cache.ttl = client::Millis(num("ttl-ms"));
  cfg.cache.ttl_jitter = flags.GetDouble("ttl-jitter");
  cfg.cache.negative_ttl = client::Millis(num("negative-ttl-ms"));
  cfg.cache.lock_ttl = client::Millis(num("lock-ttl-ms"));
  cfg.cache.lock_wait = client::Millis(num("lock-wait-ms"));
  cfg.cache.flush_interval = client::Millis(num("flush-ms"));
  cfg.cache.stampede_lock = !flags.GetBool("no-stampede-lock");
  cfg.cache.key_prefix = flags.Get("key-prefix");
  cfg.db_latency = std::chrono::microseconds(num("db-latency-ms") * 1000);
  cfg.threads = static_cast<int>(std::max<int64_t>(1, num("threads")));
  cfg.log_interval_s = static_cast<int>(num("log-interval"));
  if (!ok) return 2;
  if (flags.GetBool("verbose")) SetLogLevel(LogLevel::kDebug);

  if (flags.GetBool("load")) {
    LoadConfig load;
    load.requests = static_cast<int>(num("requests"));
    load.concurrency = static_cast<int>(std::max<int64_t>(1, num("concurrency")));
    load.items = std::max<int64_t>(1, cfg.seed_items);
    load.write_ratio = flags.GetDouble("write-ratio");
    if (!ok) return 2;
    cfg.http_port = 0;
    cfg.log_interval_s = 0;
    std::vector<LoadReport> reports;
    for (bool use_cache : {false, true}) {
      AppConfig run = cfg;
      run.cache.use_cache = use_cache;
      // A fresh prefix per run: the cached run starts cold.
      run.cache.key_prefix = cfg.cache.key_prefix + "load:" + std::to_string(getpid()) + ":" +
                             (use_cache ? "cache:" : "nocache:");
      std::string err;
      auto app = App::Create(run, &err);
      if (!app || !(err = app->Start()).empty()) {
        std::fprintf(stderr, "cannot start: %s\n", err.c_str());
        return 1;
      }
      std::string label = use_cache ? std::string(StrategyName(cfg.cache.strategy)) : "no cache";
      reports.push_back(RunLoad(label, *app, load));
      const LoadReport& r = reports.back();
      LogInfo("load run", {{"run", label},
                           {"requests", std::to_string(r.requests)},
                           {"errors", std::to_string(r.errors)},
                           {"hit_ratio", Fixed(r.hit_ratio(), 3)},
                           {"db_queries", std::to_string(r.db_queries)},
                           {"p50_ms", Fixed(r.p50_ms, 3)},
                           {"p99_ms", Fixed(r.p99_ms, 3)}});
      app->Stop();
    }
    std::printf(
        "%d requests, %d client threads, %lld items (90%% of reads on the hottest 10%%), "
        "%.1f%% writes, database latency %lld ms\n\n%s",
        load.requests, load.concurrency, static_cast<long long>(load.items), load.write_ratio * 100,
        static_cast<long long>(num("db-latency-ms")), FormatLoadTable(reports).c_str());
    return 0;
  }

  std::string err;
  auto app = App::Create(cfg, &err);
  if (!app) {
    LogError("cannot start", {{"error", err}});
    return 1;
  }
  err = app->Start();
  if (!err.empty()) {
    LogError("cannot start", {{"error", err}});
    return 1;
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  LogInfo("shutting down");
  app->Stop();
  app->LogSummary();
  return 0;
}

}  // namespace ember::demos
