#include "demos/rate_limiter/service.h"

#include <unistd.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <thread>

#include "demos/common/flags.h"
#include "demos/common/log.h"
#include "demos/common/server_info.h"
#include "demos/rate_limiter/bench.h"

namespace ember::demos::ratelimit {

namespace {

// The demo's data: a fixed catalogue.
constexpr int kItems = 20;

nlohmann::json ItemJson(int id) {
  return {{"id", id}, {"name", "item " + std::to_string(id)}, {"price_cents", 100 * id}};
}

}  // namespace

Service::Service(const ServiceConfig& config) : config_(config), http_(config.threads) {}

Service::~Service() { Stop(); }

std::unique_ptr<Service> Service::Create(const ServiceConfig& config, std::string* error) {
  std::unique_ptr<Service> s(new Service(config));
  // One connection per HTTP worker, plus the server clock's.
  s->pool_ = std::make_unique<client::Pool>(config.redis, static_cast<size_t>(config.threads) + 1);
  Clock* clock = config.clock_override;
  if (clock == nullptr) {
    if (config.clock == "server") {
      s->clock_ = std::make_unique<ServerClock>(s->pool_.get());
    } else if (config.clock == "local") {
      s->clock_ = std::make_unique<SystemClock>();
    } else {
      *error = "clock must be 'server' or 'local', got '" + config.clock + "'";
      return nullptr;
    }
    clock = s->clock_.get();
  }
  s->middleware_ = std::make_unique<RateLimitMiddleware>(config.rules, config.middleware,
                                                         s->pool_.get(), clock, &s->registry_);

  httplib::Server& h = s->http_.server();
  s->middleware_->Install(h);
  h.Post("/login", [](const httplib::Request& req, httplib::Response& res) {
    nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
    std::string user = body.is_object() && body.contains("user") && body["user"].is_string()
                           ? body["user"].get<std::string>()
                           : "anonymous";
    res.set_content(nlohmann::json{{"ok", true}, {"user", user}}.dump(), "application/json");
  });
  h.Get("/api/items", [](const httplib::Request&, httplib::Response& res) {
    nlohmann::json items = nlohmann::json::array();
    for (int i = 1; i <= kItems; ++i) items.push_back(ItemJson(i));
    res.set_content(items.dump(), "application/json");
  });
  h.Get(R"(/api/items/(\d{1,9}))", [](const httplib::Request& req, httplib::Response& res) {
    int id = std::stoi(req.matches[1]);
    if (id < 1 || id > kItems) {
      res.status = 404;
      res.set_content(R"({"error":"no such item"})", "application/json");
      return;
    }
    res.set_content(ItemJson(id).dump(), "application/json");
  });
  h.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain");
  });
  InstallMetricsEndpoint(h, s->registry_);
  InstallAccessLog(h);
  return s;
}

std::string Service::Start() {
  std::string err = http_.Start(config_.http_host, config_.http_port);
  if (!err.empty()) return err;
  std::string rules;
  for (const Rule& r : config_.rules.rules()) {
    if (!rules.empty()) rules += "; ";
    rules += r.name() + " " +
             (r.quota ? std::to_string(r.quota->limit) + "/" + std::to_string(r.quota->window_ms) +
                            "ms " + std::string(AlgorithmName(middleware_->AlgorithmOf(r)))
                      : "unlimited");
  }
  LogInfo("listening", {{"port", std::to_string(http_.port())},
                        {"redis", config_.redis.host + ":" + std::to_string(config_.redis.port)},
                        {"algorithm", std::string(AlgorithmName(config_.middleware.algorithm))},
                        {"clock", config_.clock_override ? "manual" : config_.clock},
                        {"rules", rules}});
  return "";
}

void Service::Stop() { http_.Stop(); }

namespace {

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }

int RunBench(const client::Options& redis, int clients) {
  client::Connection conn(redis);
  auto info = ReadInfo(conn, "server");
  if (!info.ok()) {
    std::fprintf(stderr, "cannot reach %s:%d: %s\n", redis.host.c_str(), redis.port,
                 info.error().ToString().c_str());
    return 1;
  }
  std::string server = info->count("ember_version")
                           ? "Ember " + info->at("ember_version")
                           : "Redis " + (info->count("redis_version") ? info->at("redis_version")
                                                                      : std::string("?"));
  const std::string prefix = "rl-bench:" + std::to_string(getpid()) + ":";
  std::vector<AccuracyRow> accuracy;
  const Quota accuracy_quota{100, 60'000};
  for (Algorithm a : kAllAlgorithms) {
    auto r = MeasureAccuracy(conn, a, accuracy_quota, prefix);
    if (!r.ok()) {
      std::fprintf(stderr, "accuracy %s: %s\n", AlgorithmName(a).data(),
                   r.error().ToString().c_str());
      return 1;
    }
    accuracy.push_back(*r);
  }
  std::vector<CostRow> cost;
  for (int64_t limit : {10, 100}) {
    for (Algorithm a : kAllAlgorithms) {
      auto r = MeasureCost(conn, a, Quota{limit, 60'000}, clients, prefix);
      if (!r.ok()) {
        std::fprintf(stderr, "cost %s: %s\n", AlgorithmName(a).data(),
                     r.error().ToString().c_str());
        return 1;
      }
      cost.push_back(*r);
    }
  }
  std::printf(
      "server: %s at %s:%d\n\nAccuracy (manual clock, limit %lld per %lld ms):\n\n%s\n",
      server.c_str(), redis.host.c_str(), redis.port, static_cast<long long>(accuracy_quota.limit),
      static_cast<long long>(accuracy_quota.window_ms), FormatAccuracyTable(accuracy).c_str());
  std::printf("Cost (%d clients for memory, window 60 s):\n\n%s", clients,
              FormatCostTable(cost).c_str());
  return 0;
}

}  // namespace

int RateLimiterMain(int argc, const char* const* argv) {
  Flags flags("ember-rate-limiter",
              "An HTTP service whose routes are rate limited per client IP through Ember or\n"
              "Redis, with per-route limits from a config file; or (--bench) a measurement of\n"
              "the four algorithms' accuracy and cost on the server.");
  flags.Define("port", "8080", "HTTP port (0: any free port)");
  flags.Define("host", "127.0.0.1", "HTTP address to bind");
  flags.Define("redis", "127.0.0.1:6379", "rate-limit server host:port (Ember or Redis)");
  flags.Define("redis-password", "", "AUTH password for the server");
  flags.Define("redis-db", "0", "database number on the server");
  flags.Define("config", "", "rules file (default: built-in rules, see --help-rules)");
  flags.Define("algorithm", "sliding-log",
               "fixed-window | sliding-log | sliding-counter | token-bucket (for rules that "
               "name none)");
  flags.Define("clock", "server", "server (TIME) | local");
  flags.Define("key-prefix", "rl:", "prefix of every rate-limit key");
  flags.Define("fail-closed", "", "answer 503 when the server is unreachable (default: allow)",
               true);
  flags.Define("trust-forwarded-for", "",
               "take the client IP from X-Forwarded-For (only behind a proxy that sets it)", true);
  flags.Define("threads", "8", "HTTP worker threads");
  flags.Define("verbose", "", "log every request", true);
  flags.Define("help-rules", "", "print the rules file format and the built-in rules", true);
  flags.Define("bench", "", "measure the algorithms on the server, print tables, exit", true);
  flags.Define("bench-clients", "1000", "bench: clients for the memory measurement");
  if (int code; !flags.ParseOrExit(argc, argv, &code)) return code;
  if (flags.GetBool("help-rules")) {
    std::printf(
        "One rule a line, first match wins:\n"
        "  [METHOD] PATTERN  LIMIT per WINDOW  [ALGORITHM]\n"
        "  [METHOD] PATTERN  unlimited\n"
        "PATTERN is a glob (* ? [a-z] \\x); WINDOW like 500ms, 10s, 1m, 1h, minute.\n\n"
        "Built-in rules:\n%s",
        DefaultRulesText().data());
    return 0;
  }
  ServiceConfig cfg;
  HostPort redis;
  if (!ParseHostPort(flags.Get("redis"), &redis)) {
    std::fprintf(stderr, "--redis: expected host:port, got %s\n", flags.Get("redis").c_str());
    return 2;
  }
  cfg.redis.host = redis.host;
  cfg.redis.port = redis.port;
  cfg.redis.password = flags.Get("redis-password");
  bool ok = true;
  cfg.redis.db = static_cast<int>(flags.GetInt("redis-db", &ok));
  if (!ok) {
    std::fprintf(stderr, "--redis-db: not a number\n");
    return 2;
  }
  cfg.redis.client_name = "ember-rate-limiter";
  // A limiter sits in front of every request: it must answer (or give up
  // and fail open) quickly, not spend seconds reconnecting.
  cfg.redis.connect_timeout = client::Millis(300);
  cfg.redis.read_timeout = client::Millis(1000);
  cfg.redis.reconnect_attempts = 1;

  if (flags.GetBool("bench")) {
    int64_t clients = flags.GetInt("bench-clients", &ok);
    if (!ok || clients < 1) {
      std::fprintf(stderr, "--bench-clients: a positive integer\n");
      return 2;
    }
    cfg.redis.read_timeout = client::Millis(10'000);
    return RunBench(cfg.redis, static_cast<int>(clients));
  }

  std::string err;
  if (flags.Get("config").empty()) {
    if (!RuleSet::Parse(DefaultRulesText(), &cfg.rules, &err)) {
      std::fprintf(stderr, "built-in rules: %s\n", err.c_str());
      return 1;
    }
  } else if (!RuleSet::Load(flags.Get("config"), &cfg.rules, &err)) {
    std::fprintf(stderr, "--config: %s\n", err.c_str());
    return 2;
  }
  if (!ParseAlgorithm(flags.Get("algorithm"), &cfg.middleware.algorithm)) {
    std::fprintf(stderr,
                 "--algorithm: one of fixed-window, sliding-log, sliding-counter, token-bucket\n");
    return 2;
  }
  cfg.clock = flags.Get("clock");
  cfg.middleware.limiter.key_prefix = flags.Get("key-prefix");
  cfg.middleware.fail_open = !flags.GetBool("fail-closed");
  cfg.middleware.trust_forwarded_for = flags.GetBool("trust-forwarded-for");
  cfg.http_host = flags.Get("host");
  cfg.http_port = static_cast<int>(flags.GetInt("port", &ok));
  if (!ok || cfg.http_port < 0 || cfg.http_port > 65535) {
    std::fprintf(stderr, "--port: 0 to 65535\n");
    return 2;
  }
  cfg.threads = static_cast<int>(std::max<int64_t>(1, flags.GetInt("threads", &ok)));
  if (flags.GetBool("verbose")) SetLogLevel(LogLevel::kDebug);

  auto service = Service::Create(cfg, &err);
  if (!service) {
    LogError("cannot start", {{"error", err}});
    return 2;
  }
  err = service->Start();
  if (!err.empty()) {
    LogError("cannot start", {{"error", err}});
    return 1;
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  LogInfo("shutting down");
  service->Stop();
  return 0;
}

}  // namespace ember::demos::ratelimit
