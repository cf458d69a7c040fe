#include "demos/notification_service/app.h"

#include <atomic>
#include <csignal>
#include <cstdio>

#include "demos/common/flags.h"
#include "demos/common/log.h"

namespace ember::demos::notify {

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

int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

const char* DefaultRules() {
  return "/healthz                      unlimited\n"
         "/metrics                      unlimited\n"
         "POST /users/*/notifications   10 per 1m   sliding-log\n"
         "/users/*/preferences          30 per 1m\n"
         "GET /notifications/*          120 per 1m  token-bucket\n"
         "*                             600 per 1m\n";
}

App::App(const AppConfig& config)
    : config_(config),
      job_metrics_(registry_),
      queue_(jobs::Keys{config.queue_prefix}),
      http_(config.threads) {
  if (!config_.now_ms) config_.now_ms = SystemNowMs;
}

std::unique_ptr<App> App::Create(const AppConfig& config, std::string* error) {
  std::unique_ptr<App> app(new App(config));
  App* a = app.get();
  ratelimit::RuleSet rules;
  if (!config.rules_path.empty()) {
    if (!ratelimit::RuleSet::Load(config.rules_path, &rules, error)) {
      *error = config.rules_path + ": " + *error;
      return nullptr;
    }
  } else if (!ratelimit::RuleSet::Parse(
                 config.rules_text.empty() ? DefaultRules() : config.rules_text, &rules, error)) {
    *error = "rules: " + *error;
    return nullptr;
  }
  app->store_ = NotifyStore::Open(config.db_path, error);
  if (!app->store_) return nullptr;
  app->outbox_ = jobs::Outbox::Open(config.outbox_path, error);
  if (!app->outbox_) return nullptr;
  // One connection per HTTP thread, plus the rate limiter's clock.
  app->pool_ =
      std::make_unique<client::Pool>(config.redis, static_cast<size_t>(config.threads) + 2);

  Registry& r = app->registry_;
  app->cache_ = std::make_unique<ReadCache>(config.cache, &r);
  ratelimit::Clock* clock = config.rate_clock;
  if (clock == nullptr) {
    app->own_clock_ = std::make_unique<ratelimit::ServerClock>(app->pool_.get());
    clock = app->own_clock_.get();
  }
  app->limiter_ = std::make_unique<ratelimit::RateLimitMiddleware>(
      std::move(rules), config.rate_limit, app->pool_.get(), clock, &r);

  app->sent_ = &r.AddCounter("notifications_sent_total",
                             "Notifications appended to the outbox by this process's workers");
  app->suppressed_opt_out_ = &r.AddCounter("notifications_suppressed_total",
                                           "Requests not queued because of the user's preferences",
                                           "reason=\"opted_out\"");
  app->suppressed_quiet_ =
      &r.AddCounter("notifications_suppressed_total", "", "reason=\"quiet_hours\"");
  const char* help = "Time to answer a request, by route";
  app->send_latency_ =
      &r.AddLatency("http_request_duration_seconds", help, "route=\"send_notification\"");
  app->status_latency_ =
      &r.AddLatency("http_request_duration_seconds", help, "route=\"get_notification\"");
  app->get_prefs_latency_ =
      &r.AddLatency("http_request_duration_seconds", help, "route=\"get_preferences\"");
  app->put_prefs_latency_ =
      &r.AddLatency("http_request_duration_seconds", help, "route=\"put_preferences\"");
  app->queue_depth_ = &r.AddGauge("jobs_queue_depth", "Jobs waiting in the queue (LLEN)");
  app->in_flight_ =
      &r.AddGauge("jobs_in_flight", "Jobs in the processing lists of registered workers");
  app->scheduled_ = &r.AddGauge("jobs_scheduled", "Failed jobs waiting for their retry (ZCARD)");
  app->dead_letters_ = &r.AddGauge("jobs_dead_letters", "Jobs in the dead-letter list (LLEN)");
  app->workers_registered_ =
      &r.AddGauge("workers_registered", "Workers registered in the queue server");
  r.AddComputed("jobs_done_per_second", "Jobs done by this process per second, over the last 10 s",
                [a] { return a->job_metrics_.throughput.PerSecond(); });
  r.AddComputed("outbox_duplicates_suppressed_total",
                "Redelivered jobs whose message was already in the outbox",
                [a] { return static_cast<double>(a->outbox_->duplicates()); });
  r.AddComputed("db_reads_total", "Reads (SELECT) run on SQLite",
                [a] { return static_cast<double>(a->store_->reads()); });
  r.AddComputed("db_writes_total", "Preference updates committed to SQLite",
                [a] { return static_cast<double>(a->store_->writes()); });

  if (config.workers.workers > 0) {
    std::map<std::string, jobs::Handler> handlers;
    handlers[kJobKind] = [a](const jobs::Job& job, jobs::HandlerContext& ctx) {
      return a->Deliver(job, ctx);
    };
    app->workers_ = std::make_unique<jobs::WorkerPool>(
        config.redis, &app->queue_, std::move(handlers), config.workers, &app->job_metrics_);
  }
  app->InstallRoutes();
  return app;
}

App::~App() { Stop(); }

int App::MinuteOfDay() const {
  int64_t ms = config_.now_ms();
  return static_cast<int>((ms / 60'000) % (24 * 60));
}

CacheRead App::ReadProfile(client::Connection* conn, int64_t user_id) {
  return cache_->Get(conn, CacheKind::kProfile, std::to_string(user_id),
                     [&](std::optional<std::string>* json) {
                       std::optional<Profile> p;
                       std::string err = store_->GetProfile(user_id, &p);
                       if (err.empty() && p) *json = ProfileToJson(*p).dump();
                       return err;
                     });
}

CacheRead App::ReadTemplate(client::Connection* conn, const std::string& name) {
  return cache_->Get(conn, CacheKind::kTemplate, name, [&](std::optional<std::string>* json) {
    std::optional<Template> t;
    std::string err = store_->GetTemplate(name, &t);
    if (err.empty() && t) *json = TemplateToJson(*t).dump();
    return err;
  });
}

void App::InstallRoutes() {
  httplib::Server& s = http_.server();
  limiter_->Install(s);
  s.Post(R"(/users/(\d{1,18})/notifications)",
         [this](const httplib::Request& req, httplib::Response& res) {
           ScopedTimer t(send_latency_);
           SendNotification(req, res);
         });
  s.Get(R"(/notifications/(\d{1,18}))",
        [this](const httplib::Request& req, httplib::Response& res) {
          ScopedTimer t(status_latency_);
          GetNotification(req, res);
        });
  s.Get(R"(/users/(\d{1,18})/preferences)",
        [this](const httplib::Request& req, httplib::Response& res) {
          ScopedTimer t(get_prefs_latency_);
          GetPreferences(req, res);
        });
  s.Put(R"(/users/(\d{1,18})/preferences)",
        [this](const httplib::Request& req, httplib::Response& res) {
          ScopedTimer t(put_prefs_latency_);
          PutPreferences(req, res);
        });
  s.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain");
  });
  InstallMetricsEndpoint(s, registry_, [this] {
    RefreshGauges();
    return std::string();
  });
  InstallAccessLog(s);
}

void App::SendNotification(const httplib::Request& req, httplib::Response& res) {
  const int64_t user_id = std::stoll(req.matches[1]);
  auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("template") ||
      !body["template"].is_string()) {
    return Json(res, 400, {{"error", "body must be {\"template\": string, \"params\": object}"}});
  }
  nlohmann::json params = body.value("params", nlohmann::json::object());
  if (params.is_null()) params = nlohmann::json::object();
  if (!params.is_object()) return Json(res, 400, {{"error", "params must be an object"}});
  const std::string template_name = body["template"];

  auto lease = pool_->Acquire();
  client::Connection* conn = lease.ok() ? &**lease : nullptr;
  CacheRead pr = ReadProfile(conn, user_id);
  CacheRead tr = ReadTemplate(conn, template_name);
  res.set_header("X-Cache", "profile=" + pr.how + " template=" + tr.how);
  if (!pr.error.empty() || !tr.error.empty()) {
    return Json(res, 503, {{"error", "database unavailable"}});
  }
  Profile profile;
  if (!pr.value) return Json(res, 404, {{"error", "no such user"}});
  if (!ProfileFromJson(nlohmann::json::parse(*pr.value, nullptr, false), &profile)) {
    return Json(res, 500, {{"error", "unreadable cached profile"}});
  }
  Template tmpl;
  if (!tr.value) return Json(res, 404, {{"error", "no such template"}});
  if (!TemplateFromJson(nlohmann::json::parse(*tr.value, nullptr, false), &tmpl)) {
    return Json(res, 500, {{"error", "unreadable cached template"}});
  }
  // A notification that can never render is refused here rather than
  // retried by the workers until it is dead-lettered.
  nlohmann::json vars = params;
  vars["name"] = profile.name;
  std::string rendered, missing;
  if (!Render(tmpl.subject + "\n" + tmpl.body, vars, &rendered, &missing)) {
    return Json(res, 400, {{"error", "missing template parameter \"" + missing + "\""}});
  }
  const std::string uid = std::to_string(user_id);
  if (profile.opt_out || profile.InQuietHours(MinuteOfDay())) {
    const char* reason = profile.opt_out ? "opted_out" : "quiet_hours";
    (profile.opt_out ? suppressed_opt_out_ : suppressed_quiet_)->Add();
    LogInfo("notification suppressed",
            {{"user", uid}, {"template", template_name}, {"reason", reason}});
    return Json(res, 200, {{"state", "suppressed"}, {"reason", reason}});
  }
  if (conn == nullptr) return Json(res, 503, {{"error", "queue server unavailable"}});
  // The job carries the address and channel as they were when the request
  // was accepted; the worker renders the template it reads then.
  nlohmann::json payload = {
      {"user", user_id},      {"template", template_name},  {"params", params},
      {"name", profile.name}, {"channel", profile.channel}, {"to", profile.Address()}};
  auto id = queue_.Enqueue(*conn, kJobKind, payload.dump(), config_.max_attempts);
  if (!id.ok()) {
    LogError("enqueue failed", {{"user", uid}, {"error", id.error().ToString()}});
    return Json(res, 503, {{"error", "queue server: " + id.error().ToString()}});
  }
  job_metrics_.enqueued.Add();
  LogInfo("notification queued", {{"job", std::to_string(*id)},
                                  {"user", uid},
                                  {"template", template_name},
                                  {"channel", profile.channel},
                                  {"cache", "profile=" + pr.how + ",template=" + tr.how}});
  res.set_header("Location", "/notifications/" + std::to_string(*id));
  Json(
      res, 202,
      {{"job", *id}, {"state", "queued"}, {"channel", profile.channel}, {"to", profile.Address()}});
}

std::string App::Deliver(const jobs::Job& job, jobs::HandlerContext& ctx) {
  auto p = nlohmann::json::parse(job.payload, nullptr, false);
  if (p.is_discarded() || !p.is_object() || !p.contains("template") || !p["template"].is_string()) {
    return "payload is not a notification";
  }
  // The worker's own connection serves the cache too: a worker holds no
  // HTTP pool lease.
  CacheRead tr = ReadTemplate(&ctx.conn, p["template"].get<std::string>());
  if (!tr.error.empty()) return "template read failed: " + tr.error;
  Template tmpl;
  if (!tr.value || !TemplateFromJson(nlohmann::json::parse(*tr.value, nullptr, false), &tmpl)) {
    return "template " + p["template"].get<std::string>() + " is gone";
  }
  nlohmann::json vars = p.value("params", nlohmann::json::object());
  vars["name"] = p.value("name", "");
  std::string subject, body, missing;
  if (!Render(tmpl.subject, vars, &subject, &missing) ||
      !Render(tmpl.body, vars, &body, &missing)) {
    return "missing template parameter " + missing;
  }
  uint64_t before = outbox_->duplicates();
  std::string err = outbox_->Send(job.id, {{"user", p.value("user", int64_t{0})},
                                           {"channel", p.value("channel", "")},
                                           {"to", p.value("to", "")},
                                           {"template", tmpl.name},
                                           {"subject", subject},
                                           {"body", body},
                                           {"sent_ms", jobs::WallMs()}});
  if (!err.empty()) return err;
  if (outbox_->duplicates() == before) {
    sent_->Add();
    LogInfo("notification sent", {{"job", std::to_string(job.id)},
                                  {"user", std::to_string(p.value("user", int64_t{0}))},
                                  {"channel", p.value("channel", "")},
                                  {"to", p.value("to", "")},
                                  {"attempt", std::to_string(job.attempts)}});
  } else {
    LogInfo("notification already in the outbox; not sent again",
            {{"job", std::to_string(job.id)}});
  }
  return "";
}

void App::GetNotification(const httplib::Request& req, httplib::Response& res) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return Json(res, 503, {{"error", "queue server unavailable"}});
  auto job = queue_.Get(**lease, std::stoll(req.matches[1]));
  if (!job.ok()) return Json(res, 503, {{"error", "queue server: " + job.error().ToString()}});
  if (!*job || (*job)->kind != kJobKind) return Json(res, 404, {{"error", "no such notification"}});
  Json(res, 200, (*job)->ToJson());
}

void App::GetPreferences(const httplib::Request& req, httplib::Response& res) {
  int64_t user_id = std::stoll(req.matches[1]);
  auto lease = pool_->Acquire();
  CacheRead pr = ReadProfile(lease.ok() ? &**lease : nullptr, user_id);
  res.set_header("X-Cache", "profile=" + pr.how);
  if (!pr.error.empty()) return Json(res, 503, {{"error", "database unavailable"}});
  if (!pr.value) return Json(res, 404, {{"error", "no such user"}});
  res.status = 200;
  res.set_content(*pr.value + "\n", "application/json");
}

void App::PutPreferences(const httplib::Request& req, httplib::Response& res) {
  int64_t user_id = std::stoll(req.matches[1]);
  auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return Json(res, 400, {{"error", "body must be a JSON object"}});
  }
  PreferencesUpdate u;
  for (const auto& [field, value] : body.items()) {
    if (field == "channel") {
      if (!value.is_string() || (value != "email" && value != "sms")) {
        return Json(res, 400, {{"error", "channel must be \"email\" or \"sms\""}});
      }
      u.channel = value.get<std::string>();
    } else if (field == "quiet_hours") {
      int start, end;
      if (!value.is_string() || !ParseQuietHours(value.get<std::string>(), &start, &end)) {
        return Json(res, 400, {{"error", "quiet_hours must be \"HH:MM-HH:MM\" or \"none\""}});
      }
      u.quiet = std::make_pair(start, end);
    } else if (field == "opt_out") {
      if (!value.is_boolean()) return Json(res, 400, {{"error", "opt_out must be a boolean"}});
      u.opt_out = value.get<bool>();
    } else {
      return Json(res, 400, {{"error", "unknown field \"" + field + "\""}});
    }
  }
  bool found = false;
  std::string err = store_->UpdatePreferences(user_id, u, &found);
  if (!err.empty()) {
    LogError("database write failed", {{"user", std::to_string(user_id)}, {"error", err}});
    return Json(res, 503, {{"error", "database unavailable"}});
  }
  if (!found) return Json(res, 404, {{"error", "no such user"}});
  // Commit first, then invalidate: the other order lets a read that runs in
  // between cache the old row again, for a whole TTL.
  auto lease = pool_->Acquire();
  client::Status s = lease.ok()
                         ? cache_->Invalidate(**lease, CacheKind::kProfile, std::to_string(user_id))
                         : client::Status(lease.error());
  if (!s.ok()) {
    LogError("cache invalidation failed; stale until TTL",
             {{"user", std::to_string(user_id)}, {"error", s.error().ToString()}});
  }
  std::optional<Profile> now;
  err = store_->GetProfile(user_id, &now);
  if (!err.empty() || !now) return Json(res, 503, {{"error", "database unavailable"}});
  LogInfo("preferences updated",
          {{"user", std::to_string(user_id)},
           {"channel", now->channel},
           {"quiet_hours", FormatQuietHours(now->quiet_start_min, now->quiet_end_min)},
           {"opt_out", now->opt_out ? "true" : "false"},
           {"invalidated", s.ok() ? "true" : "false"}});
  Json(res, 200, ProfileToJson(*now));
}

void App::RefreshGauges() {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return;
  auto d = queue_.ReadDepths(**lease);
  if (!d.ok()) return;
  queue_depth_->Set(static_cast<double>(d->queued));
  scheduled_->Set(static_cast<double>(d->scheduled));
  in_flight_->Set(static_cast<double>(d->in_flight));
  dead_letters_->Set(static_cast<double>(d->dead));
  workers_registered_->Set(static_cast<double>(d->workers));
}

std::string App::MetricsText() {
  RefreshGauges();
  return registry_.Render();
}

void App::LogSummary() {
  RefreshGauges();
  LogInfo("stats", {{"queued", Fixed(queue_depth_->value(), 0)},
                    {"in_flight", Fixed(in_flight_->value(), 0)},
                    {"dead", Fixed(dead_letters_->value(), 0)},
                    {"sent", std::to_string(sent_->value())},
                    {"retried", std::to_string(job_metrics_.retried.value())},
                    {"cache_hit_ratio", Fixed(cache_->HitRatio(), 3)},
                    {"db_reads", std::to_string(store_->reads())},
                    {"send_p50_ms", Fixed(send_latency_->PercentileMicros(0.5) / 1000, 2)},
                    {"send_p99_ms", Fixed(send_latency_->PercentileMicros(0.99) / 1000, 2)}});
}

std::string App::Start() {
  std::string err = http_.Start(config_.http_host, config_.http_port);
  if (!err.empty()) return err;
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
  LogInfo("listening", {{"port", std::to_string(http_.port())},
                        {"redis", config_.redis.host + ":" + std::to_string(config_.redis.port)},
                        {"db", config_.db_path},
                        {"outbox", config_.outbox_path},
                        {"workers", std::to_string(config_.workers.workers)},
                        {"rules", std::to_string(limiter_->rules().rules().size())}});
  return "";
}

void App::Stop() {
  if (stopped_) return;
  stopped_ = true;
  // No new requests first; then the workers finish and acknowledge the jobs
  // they hold, so nothing is left in a processing list for the reaper.
  http_.Stop();
  if (workers_) workers_->Stop();
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (reporter_.joinable()) reporter_.join();
  LogSummary();
  LogInfo("stopped");
}

namespace {

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }

}  // namespace

int NotifyMain(int argc, const char* const* argv) {
  Flags flags("ember-notify",
              "A notification service on Ember or Redis: the API is rate limited per client IP\n"
              "and route, users' preferences and templates are read from SQLite through a\n"
              "cache, and notifications are sent by background workers through a job queue.");
  flags.Define("port", "8080", "HTTP port (0: any free port)");
  flags.Define("host", "127.0.0.1", "HTTP address to bind");
  flags.Define("redis", "127.0.0.1:6379", "Ember or Redis host:port (limits, cache and queue)");
  flags.Define("redis-password", "", "AUTH password for the server");
  flags.Define("db", "notify.sqlite", "SQLite database (created and seeded if missing)");
  flags.Define("workers", "4", "worker threads sending notifications (0: API only)");
  flags.Define("outbox", "outbox.log", "file the workers append sent notifications to");
  flags.Define("rate-config", "", "rate-limit rules file (default: built-in rules)");
  flags.Define("algorithm", "sliding-log", "rate-limit algorithm of rules that name none");
  flags.Define("cache-ttl-ms", "300000", "TTL of cached profiles and templates");
  flags.Define("max-attempts", "5", "attempts before a notification is dead-lettered");
  flags.Define("threads", "8", "HTTP worker threads");
  flags.Define("log-interval", "10", "seconds between stats log lines (0: none)");
  flags.Define("verbose", "", "log every request", true);
  if (int code; !flags.ParseOrExit(
          argc, argv, &code, std::string("\nBuilt-in rate-limit rules:\n") + DefaultRules())) {
    return code;
  }
  AppConfig cfg;
  HostPort redis;
  if (!ParseHostPort(flags.Get("redis"), &redis)) {
    std::fprintf(stderr, "--redis: expected host:port, got %s\n", flags.Get("redis").c_str());
    return 2;
  }
  cfg.redis.host = redis.host;
  cfg.redis.port = redis.port;
  cfg.redis.password = flags.Get("redis-password");
  cfg.redis.client_name = "ember-notify";
  // Every request asks the server first (the rate limit): give up quickly
  // rather than hold requests while reconnecting.
  cfg.redis.connect_timeout = client::Millis(300);
  cfg.redis.read_timeout = client::Millis(2000);
  cfg.redis.reconnect_attempts = 1;
  cfg.db_path = flags.Get("db");
  cfg.outbox_path = flags.Get("outbox");
  cfg.rules_path = flags.Get("rate-config");
  // Every key of the service under one prefix, so it can share a server.
  cfg.rate_limit.limiter.key_prefix = "notify:rl:";
  if (!ratelimit::ParseAlgorithm(flags.Get("algorithm"), &cfg.rate_limit.algorithm)) {
    std::fprintf(stderr,
                 "--algorithm: one of fixed-window, sliding-log, sliding-counter, token-bucket\n");
    return 2;
  }
  bool ok = true;
  auto positive = [&](const char* name, int64_t min) {
    int64_t v = flags.GetInt(name, &ok);
    if (!ok || v < min) {
      std::fprintf(stderr, "--%s: an integer >= %lld\n", name, static_cast<long long>(min));
      ok = false;
    }
    return v;
  };
  cfg.workers.workers = static_cast<int>(positive("workers", 0));
  if (!ok) return 2;
  cfg.cache.ttl = client::Millis(positive("cache-ttl-ms", 1));
  if (!ok) return 2;
  cfg.max_attempts = positive("max-attempts", 1);
  if (!ok) return 2;
  cfg.threads = static_cast<int>(positive("threads", 1));
  if (!ok) return 2;
  cfg.log_interval_s = static_cast<int>(positive("log-interval", 0));
  if (!ok) return 2;
  cfg.http_port = static_cast<int>(positive("port", 0));
  if (!ok || cfg.http_port > 65535) return 2;
  cfg.http_host = flags.Get("host");
  cfg.workers.id_prefix = "";
  if (flags.GetBool("verbose")) SetLogLevel(LogLevel::kDebug);

  std::string err;
  auto app = App::Create(cfg, &err);
  if (!app) {
    LogError("cannot start", {{"error", err}});
    return 2;
  }
  err = app->Start();
  if (!err.empty()) {
    LogError("cannot start", {{"error", err}});
    return 1;
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  LogInfo("shutting down", {{"reason", "signal"}});
  app->Stop();
  return 0;
}

}  // namespace ember::demos::notify
