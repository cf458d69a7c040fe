// ember-notify: a notification service that puts the three other demos
// together (see docs/demos/notification-service.md for the design):
//
//   - every route is rate limited per client IP and route by the rate-limit
//     middleware (demos/rate_limiter), with rules from a file;
//   - the hot reads, a user's profile and preferences and a template, go
//     through a cache-aside layer (read_cache.h) in front of SQLite;
//   - notifications are sent by background workers through the reliable job
//     queue (demos/job_queue): the API only enqueues; a worker renders the
//     template and appends the message to the outbox file, once per job.
//
// Routes:
//   POST /users/<id>/notifications    body {"template": "welcome",
//                                           "params": {"product": "Ember"}}
//        202 {"job": n, "state": "queued", "channel", "to"}
//        200 {"state": "suppressed", "reason": "opted_out"|"quiet_hours"}
//        400 bad body or a missing template parameter; 404 no such user or
//        template; 429 rate limited; 503 queue or database unavailable
//   GET  /notifications/<job>         200 the job (state, attempts, history)
//   GET  /users/<id>/preferences      200 the profile (through the cache)
//   PUT  /users/<id>/preferences      body {"channel": "email"|"sms",
//                                           "quiet_hours": "22:00-07:00"|"none",
//                                           "opt_out": bool} (any subset)
//        200 the new profile: committed to SQLite, cached copy deleted
//   GET  /metrics                     Prometheus text
//   GET  /healthz                     200 ok
// Responses that read through the cache carry X-Cache (e.g.
// "profile=HIT template=MISS").
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "client/pool.h"
#include "demos/common/http.h"
#include "demos/common/metrics.h"
#include "demos/job_queue/handlers.h"
#include "demos/job_queue/job_store.h"
#include "demos/job_queue/workers.h"
#include "demos/notification_service/read_cache.h"
#include "demos/notification_service/store.h"
#include "demos/rate_limiter/middleware.h"

namespace ember::demos::notify {

// The job kind the API enqueues and the workers run.
inline constexpr const char* kJobKind = "notification";

struct AppConfig {
  client::Options redis;
  std::string db_path = "notify.sqlite";
  std::string outbox_path = "outbox.log";
  // Rules text (rules.h format); `rules_path` wins when set.
  std::string rules_text;
  std::string rules_path;
  ratelimit::MiddlewareOptions rate_limit;
  // Not owned; null: the server's clock (TIME), as the rate limiter's
  // service uses.
  ratelimit::Clock* rate_clock = nullptr;
  CacheOptions cache;
  std::string queue_prefix = "notify:jq:";
  int64_t max_attempts = 5;
  jobs::WorkerConfig workers;  // workers.workers == 0: API only
  int threads = 8;             // HTTP threads (and pooled connections)
  std::string http_host = "127.0.0.1";
  int http_port = 8080;  // 0: any free port
  int log_interval_s = 10;
  // Wall-clock ms, for quiet hours (tests pin it).
  std::function<int64_t()> now_ms;
};

// The rules the service uses without --rate-config.
const char* DefaultRules();

class App {
 public:
  // Opens the database (seeding it) and the outbox, reads the rules.
  // nullptr and *error on failure.
  static std::unique_ptr<App> Create(const AppConfig& config, std::string* error);
  ~App();

  std::string Start();
  // Graceful: stops taking requests, lets the workers finish the jobs in
  // hand, logs the final numbers. Idempotent.
  void Stop();

  int port() const { return http_.port(); }
  NotifyStore& store() { return *store_; }
  ReadCache& cache() { return *cache_; }
  const jobs::JobStore& queue() const { return queue_; }
  jobs::JobMetrics& job_metrics() { return job_metrics_; }
  jobs::Outbox& outbox() { return *outbox_; }
  std::string MetricsText();
  void LogSummary();

 private:
  explicit App(const AppConfig& config);
  void InstallRoutes();
  void RefreshGauges();
  int MinuteOfDay() const;
  // Profile / template through the cache, on `conn` (may be null).
  CacheRead ReadProfile(client::Connection* conn, int64_t user_id);
  CacheRead ReadTemplate(client::Connection* conn, const std::string& name);
  // The worker's handler: renders and appends to the outbox.
  std::string Deliver(const jobs::Job& job, jobs::HandlerContext& ctx);

  void SendNotification(const httplib::Request& req, httplib::Response& res);
  void GetNotification(const httplib::Request& req, httplib::Response& res);
  void GetPreferences(const httplib::Request& req, httplib::Response& res);
  void PutPreferences(const httplib::Request& req, httplib::Response& res);

  AppConfig config_;
  Registry registry_;
  jobs::JobMetrics job_metrics_;
  jobs::JobStore queue_;
  std::unique_ptr<NotifyStore> store_;
  std::unique_ptr<ReadCache> cache_;
  std::unique_ptr<jobs::Outbox> outbox_;
  std::unique_ptr<client::Pool> pool_;
  std::unique_ptr<ratelimit::Clock> own_clock_;
  std::unique_ptr<ratelimit::RateLimitMiddleware> limiter_;
  std::unique_ptr<jobs::WorkerPool> workers_;
  HttpService http_;

  Counter* suppressed_opt_out_;
  Counter* suppressed_quiet_;
  Counter* sent_;
  LatencyHistogram* send_latency_;
  LatencyHistogram* status_latency_;
  LatencyHistogram* get_prefs_latency_;
  LatencyHistogram* put_prefs_latency_;
  Gauge* queue_depth_;
  Gauge* scheduled_;
  Gauge* in_flight_;
  Gauge* dead_letters_;
  Gauge* workers_registered_;

  std::thread reporter_;
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  bool stopped_ = false;
};

// The program: parses flags and runs the service until SIGINT/SIGTERM.
int NotifyMain(int argc, const char* const* argv);

}  // namespace ember::demos::notify
