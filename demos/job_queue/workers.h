// The worker side: a pool of worker threads, each taking jobs with BLMOVE
// into its own processing list and acknowledging them; one heartbeat thread
// that keeps every live worker's heartbeat key from expiring; and one
// maintenance thread that promotes due retries (jq:delayed -> jq:queue) and
// reaps the jobs of workers whose heartbeat expired.
//
// A worker "crash" is simulated in process: the worker thread stops at once,
// after running the handler and before acknowledging, and its heartbeat
// stops with it; its job stays in its processing list until the reaper of
// some process (this one or another) notices the expired heartbeat. The
// pool then starts a replacement worker with a new id, as a supervisor
// restarts a crashed process. Killing a worker process (ember-job-worker)
// has the same effect, minus the restart.
//
// Graceful stop: workers stop taking jobs, finish and acknowledge the one in
// hand, and deregister; the heartbeat keeps going until they have.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "demos/common/metrics.h"
#include "demos/job_queue/handlers.h"
#include "demos/job_queue/job_store.h"

namespace ember::demos::jobs {

enum class Fault { kNone, kFail, kCrash };

// Completions per second over a sliding window (100 ms slots).
class RateWindow {
 public:
  void Add(uint64_t n = 1);
  double PerSecond(std::chrono::milliseconds window = std::chrono::seconds(10)) const;

 private:
  static constexpr int kSlots = 600;  // 60 s of 100 ms slots
  mutable std::mutex mu_;
  std::array<int64_t, kSlots> slot_id_{};
  std::array<uint64_t, kSlots> count_{};
};

struct JobMetrics {
  explicit JobMetrics(Registry& r);
  Counter& enqueued;
  Counter& started;
  Counter& done;
  Counter& failed_attempts;
  Counter& retried;
  Counter& dead;
  Counter& redelivered;
  Counter& requeued;
  Counter& crashes;
  Counter& acks_lost;
  Counter& promoted;
  LatencyHistogram& wait;
  LatencyHistogram& run;
  RateWindow throughput;
};

struct WorkerConfig {
  int workers = 4;
  // Worker ids are <id_prefix><n>; empty: "<hostname>-<pid>-".
  std::string id_prefix;
  // How long an idle worker blocks in BLMOVE: also how long it may take to
  // notice a stop.
  Millis block{1000};
  // A worker whose heartbeat key is older than this is presumed dead and
  // its jobs are taken back. Refreshed every third of it.
  Millis heartbeat_ttl{5000};
  Millis reap_interval{1000};
  Millis promote_interval{100};
  Backoff backoff;
  // Simulated work added to every attempt, before the handler (a slow
  // process; payloads can also ask for "work_ms").
  Millis extra_work{0};
  double fail_rate = 0;   // share of attempts that fail (before the handler runs)
  double crash_rate = 0;  // share of attempts whose worker crashes after the handler
  uint64_t seed = 0;      // 0: random
  bool restart_crashed = true;
  bool maintenance = true;  // run the promoter and the reaper here
  // Overrides the rates: decides each attempt's fate (tests).
  std::function<Fault(const Job&)> fault;
  // Called in the worker thread just before a handler runs (tests count
  // invocations, or hold a job in hand).
  std::function<void(const Job&, const std::string& worker)> on_handle;
};

class WorkerPool {
 public:
  WorkerPool(client::Options redis, const JobStore* store, std::map<std::string, Handler> handlers,
             WorkerConfig config, JobMetrics* metrics);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Start();
  // Graceful: returns when every worker has finished its job in hand.
  void Stop();

  // True once Stop() has begun: no worker takes another job.
  bool stopping() const { return stopping_; }
  // Ids of the workers running now (crashed ones excluded).
  std::vector<std::string> LiveWorkers() const;
  // Stops (or resumes) refreshing one worker's heartbeat while it keeps
  // working: a worker stalled by a long pause or cut off by the network, as
  // the reaper sees it.
  void PauseHeartbeat(const std::string& worker, bool paused);
  // Runs one promotion and one reaping round now (tests, and on demand).
  void MaintainOnce(client::Connection& conn);

 private:
  struct Worker {
    std::string id;
    std::thread thread;
    bool heartbeat = false;  // guarded by mu_
    bool paused = false;     // guarded by mu_
    std::atomic<bool> exited{false};
    bool crashed = false;  // guarded by mu_
  };

  void StartWorkerLocked();
  void RunWorker(Worker* w, uint64_t seed);
  bool RunOne(Worker* w, client::Connection& conn, const Job& job, std::mt19937_64& rng);
  void HeartbeatLoop();
  void MaintenanceLoop();
  void PromoteDue(client::Connection& conn);
  void ReapDead(client::Connection& conn);
  static constexpr int64_t kPromoteBatch = 100;
  void SleepUnlessStopping(Millis d);

  client::Options redis_;
  const JobStore* store_;
  std::map<std::string, Handler> handlers_;
  WorkerConfig config_;
  JobMetrics* metrics_;
  std::string id_prefix_;
  uint64_t seed_;

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Worker>> workers_;
  int next_index_ = 1;
  std::atomic<bool> stopping_{false};
  bool started_ = false;

  std::mutex bg_mu_;
  std::condition_variable bg_cv_;
  bool bg_stop_ = false;
  std::thread heartbeat_;
  std::thread maintenance_;
};

}  // namespace ember::demos::jobs
