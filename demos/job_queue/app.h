// The job queue service as a program: HTTP API, worker pool, /metrics; the
// worker-only program (ember-job-worker); and the load mode that measures
// throughput.
//
// Routes:
//   POST /jobs                 body {"kind": "email"|"log", "payload": {...},
//                              "max_attempts": n (optional)}
//                              201 {"id": n, "state": "queued"} | 400 {"error"}
//   GET  /jobs/<id>            200 the record: state, attempts, timings,
//                              history of attempts | 404
//   GET  /dead?limit=n         200 {"jobs": [...]} dead letters, newest first
//   POST /dead/<id>/requeue    200 {"id", "state": "queued"} | 404 not dead
//   POST /dead/requeue         200 {"requeued": n}: every dead letter
//   GET  /metrics              Prometheus text: counters, wait/run quantiles,
//                              queue depth, in flight, dead letters,
//                              throughput
//   GET  /healthz              200 "ok"
#pragma once

#include <memory>
#include <string>

#include "client/pool.h"
#include "demos/common/http.h"
#include "demos/common/metrics.h"
#include "demos/job_queue/handlers.h"
#include "demos/job_queue/job_store.h"
#include "demos/job_queue/workers.h"

namespace ember::demos::jobs {

struct AppConfig {
  client::Options redis;
  std::string key_prefix = "jq:";
  std::string outbox_path = "outbox.jsonl";
  int64_t max_attempts = 5;  // default for jobs that do not say
  Millis done_retention{24 * 3600 * 1000};
  WorkerConfig workers;  // workers.workers == 0: enqueue and inspect only
  bool http = true;      // false: worker-only
  int threads = 8;       // HTTP worker threads
  std::string http_host = "127.0.0.1";
  int http_port = 8080;  // 0: any free port
  int log_interval_s = 10;
};

class App {
 public:
  // Opens the outbox; nullptr and *error on failure.
  static std::unique_ptr<App> Create(const AppConfig& config, std::string* error);
  ~App();

  std::string Start();
  // Graceful: HTTP stops, workers finish the jobs in hand.
  void Stop();

  int port() const { return http_.port(); }
  const JobStore& store() const { return store_; }
  JobMetrics& metrics() { return metrics_; }
  Outbox& outbox() { return *outbox_; }
  WorkerPool* workers() { return workers_.get(); }
  client::Pool& pool() { return *pool_; }
  std::string MetricsText();
  void LogSummary();

 private:
  explicit App(const AppConfig& config);
  void InstallRoutes();
  std::string RefreshGauges();

  AppConfig config_;
  Registry registry_;
  JobMetrics metrics_;
  JobStore store_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<client::Pool> pool_;
  std::unique_ptr<WorkerPool> workers_;
  HttpService http_;
  Gauge& queue_depth_;
  Gauge& scheduled_;
  Gauge& in_flight_;
  Gauge& dead_letters_;
  Gauge& workers_registered_;
  std::thread reporter_;
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  bool stopped_ = false;
};

// Load mode: queues `jobs` log jobs, then starts `workers` workers and times
// how long they take to finish them all.
struct LoadReport {
  int workers = 0;
  int64_t jobs = 0;
  int64_t done = 0;
  double seconds = 0;
  // Handler run time of one attempt (the queue's own round trips are
  // outside it: jobs/s shows those).
  double run_p50_ms = 0;
  double run_p99_ms = 0;
  double per_second() const { return seconds > 0 ? static_cast<double>(done) / seconds : 0; }
};
LoadReport RunLoad(const AppConfig& base, int workers, int64_t jobs);
std::string FormatLoadTable(const std::vector<LoadReport>& reports);

// The programs. Return the exit code.
int JobQueueMain(int argc, const char* const* argv);
int JobWorkerMain(int argc, const char* const* argv);

}  // namespace ember::demos::jobs
