#include "demos/job_queue/workers.h"

#include <unistd.h>

#include <algorithm>

#include "demos/common/log.h"

namespace ember::demos::jobs {

namespace {

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string DefaultPrefix() {
  char host[256] = {0};
  if (gethostname(host, sizeof(host) - 1) != 0) host[0] = 0;
  return std::string(host[0] ? host : "host") + "-" + std::to_string(getpid()) + "-";
}

}  // namespace

void RateWindow::Add(uint64_t n) {
  int64_t slot = SteadyMs() / 100;
  std::lock_guard lock(mu_);
  size_t i = static_cast<size_t>(slot % kSlots);
  if (slot_id_[i] != slot) {
    slot_id_[i] = slot;
    count_[i] = 0;
  }
  count_[i] += n;
}

double RateWindow::PerSecond(std::chrono::milliseconds window) const {
  int64_t now = SteadyMs() / 100;
  int64_t slots = std::clamp<int64_t>(window.count() / 100, 1, kSlots - 1);
  uint64_t total = 0;
  std::lock_guard lock(mu_);
  for (int64_t s = now - slots + 1; s <= now; ++s) {
    size_t i = static_cast<size_t>(s % kSlots);
    if (slot_id_[i] == s) total += count_[i];
  }
  return static_cast<double>(total) * 10.0 / static_cast<double>(slots);
}

JobMetrics::JobMetrics(Registry& r)
    : enqueued(r.AddCounter("jobs_enqueued_total", "Jobs accepted by POST /jobs")),
      started(r.AddCounter("jobs_started_total", "Attempts started by this process's workers")),
      done(r.AddCounter("jobs_done_total", "Jobs acknowledged as done")),
      failed_attempts(r.AddCounter("jobs_failed_attempts_total", "Attempts whose handler failed")),
      retried(r.AddCounter("jobs_retried_total", "Failed attempts scheduled for a retry")),
      dead(r.AddCounter("jobs_dead_total", "Jobs moved to the dead-letter list")),
      redelivered(r.AddCounter("jobs_redelivered_total",
                               "Jobs taken back from workers whose heartbeat expired")),
      requeued(r.AddCounter("jobs_requeued_total", "Dead jobs re-queued by hand")),
      crashes(r.AddCounter("worker_crashes_total", "Simulated worker crashes")),
      acks_lost(r.AddCounter("jobs_acks_lost_total",
                             "Attempts finished by a worker that no longer held the job")),
      promoted(r.AddCounter("jobs_promoted_total", "Due retries moved back to the queue")),
      wait(r.AddLatency("job_wait_seconds", "From entering the queue to an attempt's start")),
      run(r.AddLatency("job_run_seconds", "Handler run time of an attempt")) {}

WorkerPool::WorkerPool(client::Options redis, const JobStore* store,
                       std::map<std::string, Handler> handlers, WorkerConfig config,
                       JobMetrics* metrics)
    : redis_(std::move(redis)),
      store_(store),
      handlers_(std::move(handlers)),
      config_(std::move(config)),
      metrics_(metrics),
      id_prefix_(config_.id_prefix.empty() ? DefaultPrefix() : config_.id_prefix),
      seed_(config_.seed != 0 ? config_.seed : std::random_device{}()) {}

WorkerPool::~WorkerPool() { Stop(); }

void WorkerPool::Start() {
  {
    std::lock_guard lock(mu_);
    if (started_) return;
    started_ = true;
    for (int i = 0; i < config_.workers; ++i) StartWorkerLocked();
  }
  heartbeat_ = std::thread([this] { HeartbeatLoop(); });
  if (config_.maintenance) maintenance_ = std::thread([this] { MaintenanceLoop(); });
}

void WorkerPool::StartWorkerLocked() {
  auto w = std::make_unique<Worker>();
  w->id = id_prefix_ + std::to_string(next_index_++);
  Worker* raw = w.get();
  uint64_t seed = seed_ + static_cast<uint64_t>(next_index_) * 7919;
  workers_.push_back(std::move(w));
  raw->thread = std::thread([this, raw, seed] { RunWorker(raw, seed); });
}

void WorkerPool::Stop() {
  {
    std::lock_guard lock(mu_);
    if (!started_ || stopping_) return;
    stopping_ = true;
  }
  // No worker is started once stopping_ is set, so the list is final. The
  // threads are taken out under the lock: the heartbeat thread joins
  // crashed workers' threads under it too.
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    for (auto& w : workers_) {
      if (w->thread.joinable()) threads.push_back(std::move(w->thread));
    }
  }
  for (auto& t : threads) t.join();
  {
    std::lock_guard lock(bg_mu_);
    bg_stop_ = true;
  }
  bg_cv_.notify_all();
  if (heartbeat_.joinable()) heartbeat_.join();
  if (maintenance_.joinable()) maintenance_.join();
}

std::vector<std::string> WorkerPool::LiveWorkers() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& w : workers_) {
    if (!w->crashed && !w->exited) out.push_back(w->id);
  }
  return out;
}

void WorkerPool::PauseHeartbeat(const std::string& worker, bool paused) {
  std::lock_guard lock(mu_);
  for (auto& w : workers_) {
    if (w->id == worker) w->paused = paused;
  }
}

void WorkerPool::SleepUnlessStopping(Millis d) {
  auto until = std::chrono::steady_clock::now() + d;
  while (!stopping_ && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::min<Millis>(d, Millis(20)));
  }
}

void WorkerPool::RunWorker(Worker* w, uint64_t seed) {
  client::Connection conn(redis_);
  std::mt19937_64 rng(seed);
  // Registered before the first BLMOVE: a worker the reaper does not know
  // about could die holding a job that nobody would ever take back.
  while (!stopping_) {
    Status s = store_->Heartbeat(conn, {w->id}, config_.heartbeat_ttl);
    if (s.ok()) break;
    LogWarn("worker cannot register", {{"worker", w->id}, {"error", s.error().ToString()}});
    SleepUnlessStopping(Millis(200));
  }
  {
    std::lock_guard lock(mu_);
    w->heartbeat = true;
  }
  LogInfo("worker started", {{"worker", w->id}});
  // Set when this worker may hold a job it is not running (a BLMOVE or an
  // acknowledgement whose reply was lost): it gives such jobs back before
  // taking another, since its own heartbeat keeps the reaper away.
  bool give_back = false;
  bool crashed = false;
  while (!stopping_) {
    if (give_back) {
      auto r = store_->Reclaim(conn, w->id, /*only_if_dead=*/false);
      if (!r.ok()) {
        SleepUnlessStopping(Millis(200));
        continue;
      }
      give_back = false;
      metrics_->redelivered.Add(static_cast<uint64_t>(r->requeued));
      metrics_->dead.Add(static_cast<uint64_t>(r->dead));
    }
    auto taken = store_->Take(conn, w->id, config_.block);
    if (!taken.ok()) {
      LogWarn("take failed", {{"worker", w->id}, {"error", taken.error().ToString()}});
      give_back = taken.error().IsConnection();
      SleepUnlessStopping(Millis(200));
      continue;
    }
    if (!*taken) continue;
    if (!RunOne(w, conn, **taken, rng)) {
      crashed = true;
      break;
    }
  }
  if (crashed) {
    // Gone without a word: no acknowledgement, no deregistration. The
    // connection closes as a dead process's would.
    conn.Close();
    std::lock_guard lock(mu_);
    w->exited = true;
    return;
  }
  {
    // Under mu_, so that the heartbeat thread, which sends while holding
    // it, cannot re-register this worker after it deregisters.
    std::lock_guard lock(mu_);
    w->heartbeat = false;
  }
  Status s = store_->Deregister(conn, w->id);
  if (!s.ok()) {
    LogWarn("worker could not deregister; the reaper will",
            {{"worker", w->id}, {"error", s.error().ToString()}});
  }
  LogInfo("worker stopped", {{"worker", w->id}});
  w->exited = true;
}

// Runs one attempt and reports it; false if the worker "crashed".
bool WorkerPool::RunOne(Worker* w, client::Connection& conn, const Job& job, std::mt19937_64& rng) {
  metrics_->started.Add();
  int64_t wait_ms = std::max<int64_t>(0, job.started_ms - job.enqueued_ms);
  metrics_->wait.Record(std::chrono::milliseconds(wait_ms));

  Fault fault = Fault::kNone;
  if (config_.fault) {
    fault = config_.fault(job);
  } else if (config_.crash_rate > 0 || config_.fail_rate > 0) {
    double u = std::uniform_real_distribution<double>(0, 1)(rng);
    if (u < config_.crash_rate) {
      fault = Fault::kCrash;
    } else if (u < config_.crash_rate + config_.fail_rate) {
      fault = Fault::kFail;
    }
  }

  auto t0 = std::chrono::steady_clock::now();
  std::string error;
  if (fault == Fault::kFail) {
    error = "simulated failure";
  } else {
    if (config_.on_handle) config_.on_handle(job, w->id);
    if (config_.extra_work.count() > 0) std::this_thread::sleep_for(config_.extra_work);
    auto it = handlers_.find(job.kind);
    if (it == handlers_.end()) {
      error = "no handler for kind " + job.kind;
    } else {
      HandlerContext ctx{conn, store_->keys()};
      error = it->second(job, ctx);
    }
  }
  auto run = std::chrono::steady_clock::now() - t0;
  metrics_->run.Record(run);
  std::string run_ms =
      std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(run).count());

  if (fault == Fault::kCrash) {
    metrics_->crashes.Add();
    {
      std::lock_guard lock(mu_);
      w->crashed = true;
      w->heartbeat = false;
    }
    LogWarn("job", {{"id", std::to_string(job.id)},
                    {"kind", job.kind},
                    {"worker", w->id},
                    {"attempt", std::to_string(job.attempts)},
                    {"outcome", "crashed"},
                    {"wait_ms", std::to_string(wait_ms)},
                    {"run_ms", run_ms}});
    return false;
  }
  if (!error.empty()) metrics_->failed_attempts.Add();

  // Reporting is safe to repeat: it writes only while the job is still in
  // our processing list, and a report that did happen removed it.
  Result<Completion> c = client::Error(client::ErrorKind::kIo, "not tried");
  for (int attempt = 0; attempt < 5; ++attempt) {
    c = store_->Complete(conn, w->id, job, error, config_.backoff, rng);
    if (c.ok() || !c.error().IsConnection()) break;
    std::this_thread::sleep_for(Millis(50 << attempt));
  }
  if (!c.ok()) {
    LogError("cannot report job; giving it back",
             {{"id", std::to_string(job.id)}, {"worker", w->id}, {"error", c.error().ToString()}});
    // Still holding it: hand it back before taking more work.
    auto r = store_->Reclaim(conn, w->id, false);
    (void)r;
    return true;
  }
  switch (c->outcome) {
    case Outcome::kDone:
      metrics_->done.Add();
      metrics_->throughput.Add();
      break;
    case Outcome::kScheduled:
      metrics_->retried.Add();
      break;
    case Outcome::kDead:
      metrics_->dead.Add();
      break;
    case Outcome::kLost:
      metrics_->acks_lost.Add();
      break;
  }
  std::string id = std::to_string(job.id), attempt = std::to_string(job.attempts),
              wait = std::to_string(wait_ms);
  if (c->outcome == Outcome::kDone) {
    LogInfo("job", {{"id", id},
                    {"kind", job.kind},
                    {"worker", w->id},
                    {"attempt", attempt},
                    {"outcome", "done"},
                    {"wait_ms", wait},
                    {"run_ms", run_ms}});
  } else if (c->outcome == Outcome::kScheduled) {
    LogWarn("job", {{"id", id},
                    {"kind", job.kind},
                    {"worker", w->id},
                    {"attempt", attempt},
                    {"outcome", "retry"},
                    {"wait_ms", wait},
                    {"run_ms", run_ms},
                    {"error", error},
                    {"retry_in_ms", std::to_string(c->delay_ms)}});
  } else {
    LogWarn("job", {{"id", id},
                    {"kind", job.kind},
                    {"worker", w->id},
                    {"attempt", attempt},
                    {"outcome", OutcomeName(c->outcome)},
                    {"wait_ms", wait},
                    {"run_ms", run_ms},
                    {"error", error}});
  }
  return true;
}

void WorkerPool::HeartbeatLoop() {
  client::Connection conn(redis_);
  Millis every = std::max<Millis>(config_.heartbeat_ttl / 3, Millis(1));
  std::unique_lock bg(bg_mu_);
  while (!bg_stop_) {
    bg.unlock();
    {
      std::lock_guard lock(mu_);
      // Supervise: replace crashed workers, as a process manager would.
      int restarts = 0;
      for (auto& w : workers_) {
        if (w->crashed && w->exited && w->thread.joinable()) {
          w->thread.join();
          if (config_.restart_crashed && !stopping_) ++restarts;
        }
      }
      for (int i = 0; i < restarts; ++i) StartWorkerLocked();
      std::vector<std::string> ids;
      for (const auto& w : workers_) {
        if (w->heartbeat && !w->paused) ids.push_back(w->id);
      }
      Status s = store_->Heartbeat(conn, ids, config_.heartbeat_ttl);
      if (!s.ok()) LogWarn("heartbeat failed", {{"error", s.error().ToString()}});
    }
    bg.lock();
    bg_cv_.wait_for(bg, every, [this] { return bg_stop_; });
  }
}

void WorkerPool::PromoteDue(client::Connection& conn) {
  for (;;) {
    auto moved = store_->PromoteDue(conn, WallMs(), kPromoteBatch);
    if (!moved.ok()) {
      LogWarn("promote failed", {{"error", moved.error().ToString()}});
      return;
    }
    metrics_->promoted.Add(static_cast<uint64_t>(*moved));
    if (*moved < kPromoteBatch) return;
  }
}

void WorkerPool::ReapDead(client::Connection& conn) {
  auto reaped = store_->Reap(conn);
  if (!reaped.ok()) {
    LogWarn("reap failed", {{"error", reaped.error().ToString()}});
    return;
  }
  if (reaped->workers_reaped == 0) return;
  metrics_->redelivered.Add(static_cast<uint64_t>(reaped->requeued));
  metrics_->dead.Add(static_cast<uint64_t>(reaped->dead));
  std::string ids;
  for (int64_t id : reaped->ids) ids += (ids.empty() ? "" : ",") + std::to_string(id);
  LogWarn("reaped dead workers", {{"workers", std::to_string(reaped->workers_reaped)},
                                  {"requeued", std::to_string(reaped->requeued)},
                                  {"dead_lettered", std::to_string(reaped->dead)},
                                  {"jobs", ids}});
}

void WorkerPool::MaintainOnce(client::Connection& conn) {
  PromoteDue(conn);
  ReapDead(conn);
}

void WorkerPool::MaintenanceLoop() {
  client::Connection conn(redis_);
  int64_t next_reap = 0;
  std::unique_lock bg(bg_mu_);
  while (!bg_stop_) {
    bg.unlock();
    PromoteDue(conn);
    if (SteadyMs() >= next_reap) {
      next_reap = SteadyMs() + config_.reap_interval.count();
      ReapDead(conn);
    }
    bg.lock();
    bg_cv_.wait_for(bg, config_.promote_interval, [this] { return bg_stop_; });
  }
}

}  // namespace ember::demos::jobs
