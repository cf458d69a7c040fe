#include "demos/job_queue/app.h"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>

#include "demos/common/flags.h"
#include "demos/common/log.h"

namespace ember::demos::jobs {

namespace {

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

void Json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump() + "\n", "application/json");
}

void Unavailable(httplib::Response& res, const client::Error& e) {
  Json(res, 503, {{"error", "queue server: " + e.ToString()}});
}

}  // namespace

App::App(const AppConfig& config)
    : config_(config),
      metrics_(registry_),
      store_(Keys{config.key_prefix}, config.done_retention),
      http_(config.threads),
      queue_depth_(registry_.AddGauge("jobs_queue_depth", "Jobs waiting in the queue (LLEN)")),
      scheduled_(
          registry_.AddGauge("jobs_scheduled", "Failed jobs waiting for their retry (ZCARD)")),
      in_flight_(registry_.AddGauge("jobs_in_flight",
                                    "Jobs in the processing lists of registered workers")),
      dead_letters_(registry_.AddGauge("jobs_dead_letters", "Jobs in the dead-letter list (LLEN)")),
      workers_registered_(
          registry_.AddGauge("workers_registered", "Workers registered in the queue server")) {}

std::unique_ptr<App> App::Create(const AppConfig& config, std::string* error) {
  std::unique_ptr<App> app(new App(config));
  app->outbox_ = Outbox::Open(config.outbox_path, error);
  if (!app->outbox_) return nullptr;
  app->pool_ = std::make_unique<client::Pool>(config.redis, config.threads + 2);
  if (config.workers.workers > 0) {
    app->workers_ = std::make_unique<WorkerPool>(config.redis, &app->store_,
                                                 BuiltinHandlers(app->outbox_.get()),
                                                 config.workers, &app->metrics_);
  }
  App* a = app.get();
  app->registry_.AddComputed("jobs_done_per_second",
                             "Jobs done by this process per second, over the last 10 s",
                             [a] { return a->metrics_.throughput.PerSecond(); });
  app->registry_.AddComputed("outbox_sent_total", "Emails appended to the outbox",
                             [a] { return static_cast<double>(a->outbox_->sent()); });
  app->registry_.AddComputed("outbox_duplicates_suppressed_total",
                             "Redelivered email jobs whose message was already in the outbox",
                             [a] { return static_cast<double>(a->outbox_->duplicates()); });
  app->InstallRoutes();
  return app;
}

void App::InstallRoutes() {
  httplib::Server& s = http_.server();
  if (config_.http) {
    s.Post("/jobs", [this](const httplib::Request& req, httplib::Response& res) {
      auto body = nlohmann::json::parse(req.body, nullptr, false);
      if (body.is_discarded() || !body.is_object()) {
        return Json(res, 400, {{"error", "body must be a JSON object"}});
      }
      if (!body.contains("kind") || !body["kind"].is_string()) {
        return Json(res, 400, {{"error", "\"kind\" must be a string"}});
      }
      std::string kind = body["kind"];
      nlohmann::json payload = body.value("payload", nlohmann::json::object());
      if (std::string err = ValidatePayload(kind, payload); !err.empty()) {
        return Json(res, 400, {{"error", err}});
      }
      int64_t max_attempts = config_.max_attempts;
      if (body.contains("max_attempts")) {
        if (!body["max_attempts"].is_number_integer() || body["max_attempts"].get<int64_t>() < 1 ||
            body["max_attempts"].get<int64_t>() > 100) {
          return Json(res, 400, {{"error", "max_attempts must be an integer from 1 to 100"}});
        }
        max_attempts = body["max_attempts"];
      }
      auto lease = pool_->Acquire();
      if (!lease.ok()) return Unavailable(res, lease.error());
      auto id = store_.Enqueue(**lease, kind, payload.dump(), max_attempts);
      if (!id.ok()) return Unavailable(res, id.error());
      metrics_.enqueued.Add();
      res.set_header("Location", "/jobs/" + std::to_string(*id));
      Json(res, 201, {{"id", *id}, {"state", "queued"}});
    });
    s.Get(R"(/jobs/(\d{1,18}))", [this](const httplib::Request& req, httplib::Response& res) {
      auto lease = pool_->Acquire();
      if (!lease.ok()) return Unavailable(res, lease.error());
      auto job = store_.Get(**lease, std::stoll(req.matches[1]));
      if (!job.ok()) return Unavailable(res, job.error());
      if (!*job) return Json(res, 404, {{"error", "no such job"}});
      Json(res, 200, (*job)->ToJson());
    });
    s.Get("/dead", [this](const httplib::Request& req, httplib::Response& res) {
      int64_t limit = 100;
      if (req.has_param("limit")) {
        limit = std::clamp<int64_t>(std::atoll(req.get_param_value("limit").c_str()), 1, 1000);
      }
      auto lease = pool_->Acquire();
      if (!lease.ok()) return Unavailable(res, lease.error());
      auto dead = store_.ListDead(**lease, limit);
      if (!dead.ok()) return Unavailable(res, dead.error());
      nlohmann::json list = nlohmann::json::array();
      for (const Job& j : *dead) list.push_back(j.ToJson());
      Json(res, 200, {{"jobs", list}});
    });
    s.Post(R"(/dead/(\d{1,18})/requeue)",
           [this](const httplib::Request& req, httplib::Response& res) {
             int64_t id = std::stoll(req.matches[1]);
             auto lease = pool_->Acquire();
             if (!lease.ok()) return Unavailable(res, lease.error());
             auto moved = store_.RequeueDead(**lease, id);
             if (!moved.ok()) return Unavailable(res, moved.error());
             if (!*moved) return Json(res, 404, {{"error", "job is not in the dead-letter list"}});
             metrics_.requeued.Add();
             Json(res, 200, {{"id", id}, {"state", "queued"}});
           });
    s.Post("/dead/requeue", [this](const httplib::Request&, httplib::Response& res) {
      auto lease = pool_->Acquire();
      if (!lease.ok()) return Unavailable(res, lease.error());
      auto dead = store_.ListDead(**lease, 1000);
      if (!dead.ok()) return Unavailable(res, dead.error());
      int64_t n = 0;
      for (const Job& j : *dead) {
        auto moved = store_.RequeueDead(**lease, j.id);
        if (!moved.ok()) return Unavailable(res, moved.error());
        n += *moved ? 1 : 0;
      }
      metrics_.requeued.Add(static_cast<uint64_t>(n));
      Json(res, 200, {{"requeued", n}});
    });
  }
  s.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain");
  });
  InstallMetricsEndpoint(s, registry_, [this] { return RefreshGauges(); });
  InstallAccessLog(s);
}

App::~App() { Stop(); }

std::string App::RefreshGauges() {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return "";
  auto d = store_.ReadDepths(**lease);
  if (!d.ok()) return "";
  queue_depth_.Set(static_cast<double>(d->queued));
  scheduled_.Set(static_cast<double>(d->scheduled));
  in_flight_.Set(static_cast<double>(d->in_flight));
  dead_letters_.Set(static_cast<double>(d->dead));
  workers_registered_.Set(static_cast<double>(d->workers));
  return "";
}

std::string App::MetricsText() {
  RefreshGauges();
  return registry_.Render();
}

void App::LogSummary() {
  RefreshGauges();
  LogInfo("stats", {{"queued", Fixed(queue_depth_.value(), 0)},
                    {"scheduled", Fixed(scheduled_.value(), 0)},
                    {"in_flight", Fixed(in_flight_.value(), 0)},
                    {"dead", Fixed(dead_letters_.value(), 0)},
                    {"done", std::to_string(metrics_.done.value())},
                    {"retried", std::to_string(metrics_.retried.value())},
                    {"redelivered", std::to_string(metrics_.redelivered.value())},
                    {"done_per_s", Fixed(metrics_.throughput.PerSecond(), 1)},
                    {"wait_p50_ms", Fixed(metrics_.wait.PercentileMicros(0.5) / 1000, 2)},
                    {"run_p99_ms", Fixed(metrics_.run.PercentileMicros(0.99) / 1000, 2)}});
}

std::string App::Start() {
  if (config_.http || config_.http_port > 0) {
    std::string err = http_.Start(config_.http_host, config_.http_port);
    if (!err.empty()) return err;
  }
  if (workers_) workers_->Start();
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
  LogInfo("started", {{"http_port", std::to_string(http_.port())},
                      {"workers", std::to_string(config_.workers.workers)},
                      {"queue", config_.redis.host + ":" + std::to_string(config_.redis.port)},
                      {"outbox", config_.outbox_path}});
  return "";
}

void App::Stop() {
  if (stopped_) return;
  stopped_ = true;
  // New jobs stop arriving first; then the workers finish what they hold.
  http_.Stop();
  if (workers_) workers_->Stop();
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (reporter_.joinable()) reporter_.join();
}

LoadReport RunLoad(const AppConfig& base, int workers, int64_t jobs) {
  LoadReport report;
  report.workers = workers;
  report.jobs = jobs;
  Keys keys{base.key_prefix + "load:" + std::to_string(getpid()) + ":" + std::to_string(workers) +
            ":"};
  JobStore store(keys, base.done_retention);
  // Queue everything first, so the run measures the workers alone.
  std::atomic<int64_t> next{0};
  std::vector<std::thread> producers;
  for (int t = 0; t < 4; ++t) {
    producers.emplace_back([&] {
      client::Connection conn(base.redis);
      nlohmann::json payload = {{"line", "level=info path=/load ms=3"}};
      while (next.fetch_add(1) < jobs) {
        auto id = store.Enqueue(conn, "log", payload.dump(), 3);
        if (!id.ok()) LogError("enqueue failed", {{"error", id.error().ToString()}});
      }
    });
  }
  for (auto& t : producers) t.join();

  Registry registry;
  JobMetrics metrics(registry);
  WorkerConfig wc = base.workers;
  wc.workers = workers;
  wc.fail_rate = 0;
  wc.crash_rate = 0;
  std::string err;
  auto outbox = Outbox::Open("/dev/null", &err);
  WorkerPool pool(base.redis, &store, BuiltinHandlers(outbox.get()), wc, &metrics);
  auto start = std::chrono::steady_clock::now();
  pool.Start();
  auto deadline = start + std::chrono::minutes(10);
  while (static_cast<int64_t>(metrics.done.value()) < jobs &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  pool.Stop();
  report.done = static_cast<int64_t>(metrics.done.value());
  report.run_p50_ms = metrics.run.PercentileMicros(0.5) / 1000;
  report.run_p99_ms = metrics.run.PercentileMicros(0.99) / 1000;

  // Leave the server as we found it.
  client::Connection conn(base.redis);
  std::string cursor = "0";
  do {
    auto r = conn.Command({"SCAN", cursor, "MATCH", keys.prefix + "*", "COUNT", 1000});
    if (!r.ok() || r->elements().size() != 2) break;
    cursor = r->elements()[0].str();
    client::Args del = {"DEL"};
    for (const auto& k : r->elements()[1].elements()) del.push_back(k.str());
    if (del.size() > 1) (void)conn.Command(del);
  } while (cursor != "0");
  return report;
}

std::string FormatLoadTable(const std::vector<LoadReport>& reports) {
  std::string out =
      "| workers | jobs | done | seconds | jobs/s | attempt p50 ms | attempt p99 ms |\n"
      "|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const LoadReport& r : reports) {
    out += "| " + std::to_string(r.workers) + " | " + std::to_string(r.jobs) + " | " +
           std::to_string(r.done) + " | " + Fixed(r.seconds, 2) + " | " + Fixed(r.per_second(), 0) +
           " | " + Fixed(r.run_p50_ms, 2) + " | " + Fixed(r.run_p99_ms, 2) + " |\n";
  }
  return out;
}

namespace {

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }

int Main(int argc, const char* const* argv, bool worker_only) {
  Flags flags(worker_only ? "ember-job-worker" : "ember-job-queue",
              worker_only ? "Job queue workers (no HTTP API): take jobs from Ember/Redis, run\n"
                            "them, retry failures, reap dead workers' jobs."
                          : "A job queue on Ember/Redis: HTTP API to enqueue and inspect jobs,\n"
                            "a pool of workers with reliable delivery, retries with backoff,\n"
                            "dead letters and metrics.");
  flags.Define("port", worker_only ? "0" : "8080",
               worker_only ? "HTTP port for /metrics and /healthz (0: none)"
                           : "HTTP port (0: any free port)");
  flags.Define("host", "127.0.0.1", "HTTP address to bind");
  flags.Define("redis", "127.0.0.1:6379", "queue server host:port (Ember or Redis)");
  flags.Define("redis-password", "", "AUTH password for the queue server");
  flags.Define("redis-db", "0", "database number on the queue server");
  flags.Define("key-prefix", "jq:", "prefix of every key");
  flags.Define("workers", "4", "worker threads (0: API only)");
  flags.Define("outbox", "outbox.jsonl", "file the email handler appends to");
  flags.Define("max-attempts", "5", "attempts of a job that does not say");
  flags.Define("fail-rate", "0", "share of attempts that fail (simulated), 0..1");
  flags.Define("crash-rate", "0", "share of attempts whose worker crashes after the work, 0..1");
  flags.Define("work-ms", "0", "simulated work added to every job, in ms (a slow worker)");
  flags.Define("heartbeat-ms", "5000",
               "heartbeat TTL: a silent worker's jobs are taken back after it");
  flags.Define("reap-ms", "1000", "how often to look for dead workers");
  flags.Define("block-ms", "1000", "BLMOVE timeout of an idle worker");
  flags.Define("backoff-base-ms", "500", "delay before the first retry (then doubled each time)");
  flags.Define("backoff-max-ms", "60000", "cap of the retry delay");
  flags.Define("seed", "0", "random seed for jitter and fault simulation (0: random)");
  flags.Define("threads", "8", "HTTP worker threads");
  flags.Define("log-interval", "10", "seconds between stats log lines (0: none)");
  flags.Define("verbose", "", "log every request", true);
  if (!worker_only) {
    flags.Define("load", "", "load mode: measure throughput for each --load-workers, then exit",
                 true);
    flags.Define("jobs", "20000", "load mode: jobs per run");
    flags.Define("load-workers", "1,4,16", "load mode: worker counts to measure");
  }
  if (int code; !flags.ParseOrExit(argc, argv, &code)) return code;
  bool ok = true;
  auto num = [&](const std::string& name) { return flags.GetNonNegative(name, &ok); };
  auto rate = [&](const std::string& name) {
    bool good = false;
    double v = flags.GetDouble(name, &good);
    if (!good || v < 0 || v > 1) {
      std::fprintf(stderr, "--%s: not a number from 0 to 1: %s\n", name.c_str(),
                   flags.Get(name).c_str());
      ok = false;
    }
    return v;
  };
  HostPort redis;
  if (!ParseHostPort(flags.Get("redis"), &redis)) {
    std::fprintf(stderr, "--redis: expected host:port, got %s\n", flags.Get("redis").c_str());
    return 2;
  }
  AppConfig cfg;
  cfg.redis.host = redis.host;
  cfg.redis.port = redis.port;
  cfg.redis.password = flags.Get("redis-password");
  cfg.redis.db = static_cast<int>(num("redis-db"));
  cfg.redis.client_name = worker_only ? "ember-job-worker" : "ember-job-queue";
  cfg.key_prefix = flags.Get("key-prefix");
  cfg.outbox_path = flags.Get("outbox");
  cfg.max_attempts = std::max<int64_t>(1, num("max-attempts"));
  cfg.http = !worker_only;
  cfg.http_port = static_cast<int>(num("port"));
  cfg.http_host = flags.Get("host");
  cfg.threads = static_cast<int>(std::max<int64_t>(1, num("threads")));
  cfg.log_interval_s = static_cast<int>(num("log-interval"));
  WorkerConfig& wc = cfg.workers;
  wc.workers = static_cast<int>(num("workers"));
  wc.fail_rate = rate("fail-rate");
  wc.crash_rate = rate("crash-rate");
  wc.heartbeat_ttl = Millis(std::max<int64_t>(30, num("heartbeat-ms")));
  wc.reap_interval = Millis(std::max<int64_t>(10, num("reap-ms")));
  wc.block = Millis(std::max<int64_t>(10, num("block-ms")));
  wc.backoff.base = Millis(std::max<int64_t>(1, num("backoff-base-ms")));
  wc.backoff.max = Millis(std::max<int64_t>(1, num("backoff-max-ms")));
  wc.seed = static_cast<uint64_t>(num("seed"));
  wc.extra_work = Millis(num("work-ms"));
  if (!ok) return 2;
  if (flags.GetBool("verbose")) SetLogLevel(LogLevel::kDebug);

  if (!worker_only && flags.GetBool("load")) {
    int64_t jobs = std::max<int64_t>(1, num("jobs"));
    std::vector<int> counts;
    std::string list = flags.Get("load-workers");
    for (size_t i = 0; i < list.size();) {
      size_t comma = list.find(',', i);
      if (comma == std::string::npos) comma = list.size();
      int n = std::atoi(list.substr(i, comma - i).c_str());
      if (n > 0) counts.push_back(n);
      i = comma + 1;
    }
    if (!ok || counts.empty()) return 2;
    SetLogLevel(LogLevel::kError);  // not 20,000 "job" lines per run
    std::vector<LoadReport> reports;
    for (int n : counts) reports.push_back(RunLoad(cfg, n, jobs));
    std::printf("%lld log jobs per run, queued before the workers start; queue server %s:%d\n\n%s",
                static_cast<long long>(jobs), cfg.redis.host.c_str(), cfg.redis.port,
                FormatLoadTable(reports).c_str());
    return 0;
  }

  std::string err;
  auto app = App::Create(cfg, &err);
  if (!app || !(err = app->Start()).empty()) {
    LogError("cannot start", {{"error", err}});
    return 1;
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  LogInfo("shutting down: finishing the jobs in hand");
  app->Stop();
  app->LogSummary();
  return 0;
}

}  // namespace

int JobQueueMain(int argc, const char* const* argv) { return Main(argc, argv, false); }
int JobWorkerMain(int argc, const char* const* argv) { return Main(argc, argv, true); }

}  // namespace ember::demos::jobs
