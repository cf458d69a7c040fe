// The job queue demo, in process over real HTTP (and one separate worker
// process), against ember-server and against redis-server. What it teaches:
//   - a job is queued, runs, and is done; its record shows each step;
//   - with nothing failing, every job runs exactly once;
//   - delivery is at least once: a worker that dies after the work and
//     before the acknowledgement has its job taken back by the reaper once
//     its heartbeat expires, and run again; the handlers make the second run
//     harmless;
//   - a worker that was only slow (its heartbeat lapsed) cannot acknowledge a
//     job that was taken back and given to another worker;
//   - a failing job is retried after growing, jittered delays (a sorted set
//     of due times) and lands in the dead-letter list after max_attempts;
//     dead letters can be listed and re-queued;
//   - stopping finishes the job in hand and takes no other;
//   - /metrics shows depth, in-flight, retries, dead letters, throughput.
// Timings are short (a heartbeat TTL of 1 s where workers die), and every wait polls with a
// deadline; no assertion depends on how fast the machine is.
#include <gtest/gtest.h>

#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "client/client.h"
#include "demos/common/log.h"
#include "demos/job_queue/app.h"
#include "tests/client/servers.h"

namespace ember::testing {
namespace {

using client::AsInteger;
using demos::jobs::App;
using demos::jobs::AppConfig;
using demos::jobs::Fault;
using demos::jobs::Job;
using nlohmann::json;

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/ember-jobs-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Holds the handlers that reach it until the test opens it.
class Gate {
 public:
  void Wait() {
    std::unique_lock lock(mu_);
    ++waiting_;
    cv_.notify_all();
    cv_.wait(lock, [this] { return open_; });
  }
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
  int waiting_ = 0;
};

bool WaitFor(const std::function<bool()>& pred,
             std::chrono::milliseconds limit = std::chrono::seconds(30)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return pred();
}

constexpr client::Millis kShortTtl{1000};

class JobQueue : public BothServers {
 protected:
  void SetUp() override {
    BothServers::SetUp();
    demos::SetLogLevel(demos::LogLevel::kError);
    redis_ = std::make_unique<client::Connection>(Opts());
  }

  void TearDown() override {
    gate_.Open();  // a failed test may leave a worker waiting
    http_.reset();
    if (app_) app_->Stop();
    app_.reset();
  }

  // Tests about dead workers pass a short heartbeat TTL; the others a long
  // one, so that a machine stalled by other work cannot make the reaper
  // take a job from a live worker and change what they count.
  AppConfig Config(int workers, client::Millis heartbeat_ttl = std::chrono::seconds(5)) {
    AppConfig c;
    c.redis = Opts();
    c.outbox_path = dir_.path() + "/outbox.jsonl";
    c.http_port = 0;
    c.threads = 4;
    c.log_interval_s = 0;
    c.max_attempts = 5;
    c.workers.workers = workers;
    c.workers.block = client::Millis(100);
    c.workers.heartbeat_ttl = heartbeat_ttl;
    c.workers.reap_interval = client::Millis(50);
    c.workers.promote_interval = client::Millis(10);
    c.workers.backoff.base = client::Millis(40);
    c.workers.backoff.max = client::Millis(10000);
    c.workers.seed = 42;
    c.workers.on_handle = [this](const Job& job, const std::string& worker) {
      {
        std::lock_guard lock(mu_);
        ++calls_[job.id];
        callers_[job.id].push_back(worker);
      }
      if (hold_ && hold_(job)) gate_.Wait();
    };
    return c;
  }

  App& Start(const AppConfig& c) {
    std::string err;
    app_ = App::Create(c, &err);
    EXPECT_NE(app_, nullptr) << err;
    err = app_->Start();
    EXPECT_EQ(err, "");
    http_ = std::make_unique<httplib::Client>("127.0.0.1", app_->port());
    http_->set_tcp_nodelay(true);
    return *app_;
  }

  int64_t Enqueue(const json& body) {
    auto r = http_->Post("/jobs", body.dump(), "application/json");
    EXPECT_TRUE(r);
    if (!r) return 0;
    EXPECT_EQ(r->status, 201) << r->body;
    if (r->status != 201) return 0;
    return json::parse(r->body).at("id").get<int64_t>();
  }
  int64_t Email(const std::string& to, int max_attempts = 0) {
    json body = {{"kind", "email"}, {"payload", {{"to", to}, {"subject", "hello"}}}};
    if (max_attempts > 0) body["max_attempts"] = max_attempts;
    return Enqueue(body);
  }
  int64_t LogLine(const std::string& line) {
    return Enqueue({{"kind", "log"}, {"payload", {{"line", line}}}});
  }

  json GetJob(int64_t id) {
    auto r = http_->Get("/jobs/" + std::to_string(id));
    if (!r || r->status != 200) return json();
    return json::parse(r->body);
  }
  std::string State(int64_t id) {
    json j = GetJob(id);
    return j.is_object() ? j.value("state", "") : "";
  }
  bool WaitState(int64_t id, const std::string& state) {
    bool ok = WaitFor([&] { return State(id) == state; });
    EXPECT_TRUE(ok) << "job " << id << " never reached " << state << ": " << GetJob(id).dump();
    return ok;
  }

  int Calls(int64_t id) {
    std::lock_guard lock(mu_);
    return calls_[id];
  }
  std::vector<std::string> Callers(int64_t id) {
    std::lock_guard lock(mu_);
    return callers_[id];
  }

  int64_t Int(std::initializer_list<client::Arg> cmd) {
    auto r = AsInteger(redis_->Command(cmd));
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().ToString());
    return r.ok() ? *r : -1;
  }

  // Outbox lines, as job ids.
  std::vector<int64_t> OutboxIds() {
    std::vector<int64_t> ids;
    std::ifstream in(dir_.path() + "/outbox.jsonl");
    std::string line;
    while (std::getline(in, line)) ids.push_back(json::parse(line).at("job").get<int64_t>());
    return ids;
  }

  // A metric's value in /metrics ("name" or "name{labels}").
  double Metric(const std::string& text, const std::string& name) {
    std::string needle = "\n" + name + " ";
    size_t at = text.find(needle);
    EXPECT_NE(at, std::string::npos) << name << " missing from\n" << text;
    if (at == std::string::npos) return -1;
    return std::stod(text.substr(at + needle.size()));
  }

  TempDir dir_;
  std::unique_ptr<client::Connection> redis_;  // a look at the queue server
  std::unique_ptr<App> app_;
  std::unique_ptr<httplib::Client> http_;
  std::mutex mu_;
  std::map<int64_t, int> calls_;
  std::map<int64_t, std::vector<std::string>> callers_;
  Gate gate_;
  std::function<bool(const Job&)> hold_;  // which jobs wait at the gate
};
EMBER_BOTH_SERVERS(JobQueue);

TEST_P(JobQueue, JobIsQueuedRunsAndIsDoneWithItsTimingsRecorded) {
  hold_ = [](const Job&) { return true; };
  Start(Config(1));
  int64_t id = Email("ann@example.com");
  ASSERT_GT(id, 0);

  // Held in the handler: running, first attempt, by a registered worker.
  ASSERT_TRUE(WaitState(id, "running"));
  json running = GetJob(id);
  EXPECT_EQ(running["attempts"], 1);
  EXPECT_EQ(running["kind"], "email");
  EXPECT_EQ(running["payload"]["to"], "ann@example.com");
  std::string worker = running["worker"];
  EXPECT_EQ(Int({"LLEN", "jq:processing:" + worker}), 1);
  EXPECT_EQ(Int({"LLEN", "jq:queue"}), 0);

  gate_.Open();
  ASSERT_TRUE(WaitState(id, "done"));
  json done = GetJob(id);
  EXPECT_EQ(done["attempts"], 1);
  EXPECT_GE(done["started_ms"].get<int64_t>(), done["enqueued_ms"].get<int64_t>());
  EXPECT_GE(done["finished_ms"].get<int64_t>(), done["started_ms"].get<int64_t>());
  EXPECT_GE(done["wait_ms"].get<int64_t>(), 0);
  EXPECT_GE(done["run_ms"].get<int64_t>(), 0);
  ASSERT_EQ(done["history"].size(), 1u);
  EXPECT_EQ(done["history"][0]["outcome"], "done");
  EXPECT_EQ(done["history"][0]["worker"], worker);
  // Acknowledged: gone from the processing list; the record is kept for a
  // while (24 h by default), then expires.
  EXPECT_EQ(Int({"LLEN", "jq:processing:" + worker}), 0);
  EXPECT_GT(Int({"PTTL", "jq:job:" + std::to_string(id)}), 0);
  EXPECT_EQ(OutboxIds(), std::vector<int64_t>{id});
}

TEST_P(JobQueue, BadRequestsAreRefusedAndUnknownJobsAre404) {
  Start(Config(0));
  auto post = [&](const std::string& body) {
    auto r = http_->Post("/jobs", body, "application/json");
    return r ? r->status : -1;
  };
  EXPECT_EQ(post("not json"), 400);
  EXPECT_EQ(post(R"({"kind": "fax", "payload": {}})"), 400);
  EXPECT_EQ(post(R"({"kind": "email", "payload": {"to": "x@y"}})"), 400);  // no subject
  EXPECT_EQ(post(R"({"kind": "log", "payload": {"line": "no level here"}})"), 400);
  EXPECT_EQ(post(R"({"kind": "log", "payload": {"line": "level=info"}, "max_attempts": 0})"), 400);
  EXPECT_EQ(Int({"EXISTS", "jq:queue"}), 0);  // nothing was queued
  auto r = http_->Get("/jobs/12345");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  // Without workers, jobs wait in the queue, oldest at the right.
  int64_t a = LogLine("level=info"), b = LogLine("level=warn");
  EXPECT_EQ(State(a), "queued");
  EXPECT_EQ(GetJob(a)["attempts"], 0);
  auto q = client::AsStrings(redis_->Command({"LRANGE", "jq:queue", 0, -1}));
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(*q, (std::vector<std::string>{std::to_string(b), std::to_string(a)}));
}

TEST_P(JobQueue, WithNothingFailingEveryJobRunsExactlyOnce) {
  App& app = Start(Config(8));
  std::vector<int64_t> emails, lines;
  for (int i = 0; i < 100; ++i) {
    emails.push_back(Email("user" + std::to_string(i) + "@example.com"));
    lines.push_back(
        LogLine("level=" + std::string(i % 4 == 0 ? "error" : "info") + " path=/p ms=2"));
  }
  ASSERT_TRUE(WaitFor([&] { return app.metrics().done.value() >= 200; }));
  for (int64_t id : emails) EXPECT_EQ(Calls(id), 1) << id;
  for (int64_t id : lines) EXPECT_EQ(Calls(id), 1) << id;
  for (int64_t id : emails) EXPECT_EQ(State(id), "done");
  EXPECT_EQ(app.metrics().done.value(), 200u);
  EXPECT_EQ(app.metrics().started.value(), 200u);
  EXPECT_EQ(app.metrics().redelivered.value(), 0u);
  std::vector<int64_t> out = OutboxIds();
  std::sort(out.begin(), out.end());
  EXPECT_EQ(out, emails);
  EXPECT_EQ(app.outbox().duplicates(), 0u);
  auto stats = client::AsStrings(
      redis_->Command({"HMGET", "jq:logstats", "lines", "level:error", "level:info", "ms_total"}));
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(*stats, (std::vector<std::string>{"100", "25", "75", "200"}));
  EXPECT_EQ(Int({"LLEN", "jq:queue"}), 0);
  EXPECT_EQ(Int({"ZCARD", "jq:delayed"}), 0);
  EXPECT_EQ(Int({"LLEN", "jq:dead"}), 0);
}

// The crash comes after the handler's effect and before the acknowledgement:
// the worst moment, since the work is done but the queue cannot know it.
TEST_P(JobQueue, CrashedWorkersJobIsRedeliveredByTheReaperAndItsEffectHappensOnce) {
  AppConfig c = Config(2, kShortTtl);
  std::atomic<int64_t> target{0};
  c.workers.fault = [&](const Job& job) {
    return job.id == target && job.attempts == 1 ? Fault::kCrash : Fault::kNone;
  };
  App& app = Start(c);
  // The first id INCR will give.
  target = 1;
  int64_t id = Email("bob@example.com");
  ASSERT_EQ(id, 1);
  ASSERT_TRUE(WaitState(id, "done"));
  json job = GetJob(id);
  EXPECT_EQ(job["attempts"], 2);
  ASSERT_EQ(job["history"].size(), 2u) << job.dump();
  json lost = job["history"][0], done = job["history"][1];
  EXPECT_EQ(lost["outcome"], "lost");
  EXPECT_EQ(lost["attempt"], 1);
  EXPECT_NE(lost["error"].get<std::string>().find("stopped heartbeating"), std::string::npos);
  EXPECT_EQ(done["outcome"], "done");
  EXPECT_EQ(done["attempt"], 2);
  EXPECT_NE(lost["worker"], done["worker"]);
  // The handler ran twice (at least once), the email went out once.
  EXPECT_EQ(Calls(id), 2);
  EXPECT_EQ(OutboxIds(), std::vector<int64_t>{id});
  EXPECT_EQ(app.outbox().duplicates(), 1u);
  EXPECT_EQ(app.metrics().crashes.value(), 1u);
  EXPECT_EQ(app.metrics().redelivered.value(), 1u);
  // The dead worker is forgotten; a replacement took its place.
  EXPECT_EQ(Int({"SISMEMBER", "jq:workers", lost["worker"].get<std::string>()}), 0);
  EXPECT_EQ(Int({"EXISTS", "jq:processing:" + lost["worker"].get<std::string>()}), 0);
  EXPECT_EQ(app.workers()->LiveWorkers().size(), 2u);
}

// The log handler's effect (counters in a hash) is applied with a per-job
// marker in one MULTI/EXEC, so a redelivery does not count the line twice.
TEST_P(JobQueue, RedeliveredLogLineIsCountedOnce) {
  AppConfig c = Config(1, kShortTtl);
  c.workers.fault = [](const Job& job) { return job.attempts == 1 ? Fault::kCrash : Fault::kNone; };
  Start(c);
  int64_t id = LogLine("level=error path=/checkout ms=30");
  ASSERT_TRUE(WaitState(id, "done"));
  EXPECT_EQ(Calls(id), 2);
  auto stats = client::AsStrings(redis_->Command(
      {"HMGET", "jq:logstats", "lines", "level:error", "path:/checkout", "ms_total"}));
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(*stats, (std::vector<std::string>{"1", "1", "1", "30"}));
}

// A job that kills every worker that runs it must not go round forever.
TEST_P(JobQueue, JobThatCrashesEveryWorkerIsDeadLetteredAfterMaxAttempts) {
  AppConfig c = Config(1, kShortTtl);
  c.workers.fault = [](const Job&) { return Fault::kCrash; };
  App& app = Start(c);
  int64_t id = Email("poison@example.com", 2);
  ASSERT_TRUE(WaitState(id, "dead"));
  json job = GetJob(id);
  EXPECT_EQ(job["attempts"], 2);
  EXPECT_NE(job["last_error"].get<std::string>().find("stopped heartbeating"), std::string::npos);
  EXPECT_EQ(Int({"LPOS", "jq:dead", id}), 0);
  EXPECT_GE(app.metrics().crashes.value(), 2u);
}

TEST_P(JobQueue, FailingJobIsRetriedWithGrowingDelaysThenDeadLettered) {
  AppConfig c = Config(2);
  c.workers.fault = [](const Job&) { return Fault::kFail; };
  App& app = Start(c);
  int64_t id = Email("carol@example.com", 4);
  ASSERT_TRUE(WaitState(id, "dead"));
  json job = GetJob(id);
  EXPECT_EQ(job["attempts"], 4);
  EXPECT_EQ(job["last_error"], "simulated failure");
  json h = job["history"];
  ASSERT_EQ(h.size(), 4u) << job.dump();
  int64_t previous_delay = 0;
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE("attempt " + std::to_string(i + 1));
    EXPECT_EQ(h[i]["outcome"], "failed");
    int64_t delay = h[i]["retry_delay_ms"];
    int64_t due = h[i]["retry_due_ms"];
    // Equal jitter around base * 2^(n-1) = 40, 80, 160 ms: [d/2, d).
    int64_t d = int64_t{40} << i;
    EXPECT_GE(delay, d / 2);
    EXPECT_LT(delay, d);
    EXPECT_GT(delay, previous_delay);
    previous_delay = delay;
    EXPECT_EQ(due, h[i]["finished_ms"].get<int64_t>() + delay);
    // The next attempt did not start before it was due.
    EXPECT_GE(h[i + 1]["started_ms"].get<int64_t>(), due);
  }
  EXPECT_EQ(h[3]["outcome"], "failed");
  EXPECT_FALSE(h[3].contains("retry_due_ms"));
  EXPECT_EQ(Int({"ZCARD", "jq:delayed"}), 0);
  EXPECT_EQ(Calls(id), 0);  // a simulated failure comes before the handler
  EXPECT_EQ(app.metrics().failed_attempts.value(), 4u);
  EXPECT_EQ(app.metrics().retried.value(), 3u);
  EXPECT_EQ(app.metrics().dead.value(), 1u);
  EXPECT_GE(app.metrics().promoted.value(), 3u);

  auto dead = http_->Get("/dead");
  ASSERT_TRUE(dead);
  json list = json::parse(dead->body)["jobs"];
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["id"], id);
  EXPECT_EQ(list[0]["state"], "dead");
}

TEST_P(JobQueue, DeadLettersAreListedAndRequeued) {
  AppConfig c = Config(2);
  std::atomic<bool> failing{true};
  c.workers.fault = [&](const Job&) { return failing ? Fault::kFail : Fault::kNone; };
  App& app = Start(c);
  int64_t a = Email("a@example.com", 1), b = Email("b@example.com", 1), d = LogLine("level=warn");
  ASSERT_TRUE(WaitState(a, "dead"));
  ASSERT_TRUE(WaitState(b, "dead"));
  ASSERT_TRUE(WaitState(d, "dead"));
  json list = json::parse(http_->Get("/dead")->body)["jobs"];
  ASSERT_EQ(list.size(), 3u);
  json limited = json::parse(http_->Get("/dead?limit=2")->body)["jobs"];
  EXPECT_EQ(limited.size(), 2u);

  failing = false;
  auto one = http_->Post("/dead/" + std::to_string(a) + "/requeue");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->status, 200);
  ASSERT_TRUE(WaitState(a, "done"));
  json job = GetJob(a);
  EXPECT_EQ(job["attempts"], 1);  // attempts restart; the history keeps all
  EXPECT_EQ(job["requeues"], 1);
  EXPECT_EQ(job["history"].size(), 2u);
  auto again = http_->Post("/dead/" + std::to_string(a) + "/requeue");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 404);

  auto all = http_->Post("/dead/requeue");
  ASSERT_TRUE(all);
  EXPECT_EQ(json::parse(all->body)["requeued"], 2);
  ASSERT_TRUE(WaitState(b, "done"));
  ASSERT_TRUE(WaitState(d, "done"));
  EXPECT_EQ(Int({"LLEN", "jq:dead"}), 0);
  EXPECT_EQ(app.metrics().requeued.value(), 3u);
}

// The reaper versus a slow worker: the worker is alive but its heartbeat
// lapsed, so the reaper gave its job to another worker. When the slow one
// finishes, its acknowledgement must not touch the record, which now
// belongs to the other attempt.
TEST_P(JobQueue, SlowWorkerCannotAcknowledgeAJobTheReaperTookBack) {
  std::atomic<int> held{0};
  hold_ = [&](const Job&) { return held.fetch_add(1) == 0; };  // only the first run waits
  App& app = Start(Config(2, kShortTtl));
  int64_t id = Email("dave@example.com");
  ASSERT_TRUE(WaitState(id, "running"));
  std::string slow = GetJob(id)["worker"];
  app.workers()->PauseHeartbeat(slow, true);

  // The other worker gets it and finishes while the slow one still holds on.
  ASSERT_TRUE(WaitState(id, "done"));
  json job = GetJob(id);
  std::string fast = job["worker"];
  EXPECT_NE(fast, slow);
  EXPECT_EQ(Int({"SISMEMBER", "jq:workers", slow}), 0);

  gate_.Open();
  ASSERT_TRUE(WaitFor([&] { return app.metrics().acks_lost.value() == 1; }));
  job = GetJob(id);
  EXPECT_EQ(job["state"], "done");
  EXPECT_EQ(job["worker"], fast);
  ASSERT_EQ(job["history"].size(), 2u) << job.dump();
  EXPECT_EQ(job["history"][0]["outcome"], "lost");
  EXPECT_EQ(job["history"][0]["worker"], slow);
  EXPECT_EQ(job["history"][1]["outcome"], "done");
  EXPECT_EQ(job["history"][1]["worker"], fast);
  EXPECT_EQ(Calls(id), 2);
  EXPECT_EQ(app.metrics().done.value(), 1u);
  EXPECT_EQ(OutboxIds(), std::vector<int64_t>{id});
  // Back in touch, the slow worker registers again and works on.
  app.workers()->PauseHeartbeat(slow, false);
  ASSERT_TRUE(WaitFor([&] { return Int({"SISMEMBER", "jq:workers", slow}) == 1; }));
}

TEST_P(JobQueue, GracefulStopFinishesTheJobInHandAndTakesNoOther) {
  hold_ = [](const Job& job) { return job.id == 1; };
  App& app = Start(Config(1));
  int64_t first = Email("eve@example.com");
  ASSERT_EQ(first, 1);
  ASSERT_TRUE(WaitState(first, "running"));
  int64_t second = Email("frank@example.com");
  std::string worker = GetJob(first)["worker"];

  std::thread stopper([&] { app.Stop(); });
  ASSERT_TRUE(WaitFor([&] { return app.workers()->stopping(); }));
  gate_.Open();
  stopper.join();
  // Stop() returned: the job in hand is done, not abandoned.
  // HTTP stopped with the app; ask the queue server.
  auto s1 = app.store().Get(*redis_, first);
  ASSERT_TRUE(s1.ok() && s1->has_value());
  EXPECT_EQ((*s1)->state, "done");
  auto s2 = app.store().Get(*redis_, second);
  ASSERT_TRUE(s2.ok() && s2->has_value());
  EXPECT_EQ((*s2)->state, "queued");
  EXPECT_EQ(Int({"LLEN", "jq:queue"}), 1);
  // The worker left cleanly: nothing for a reaper to do.
  EXPECT_EQ(Int({"EXISTS", "jq:processing:" + worker, "jq:heartbeat:" + worker}), 0);
  EXPECT_EQ(Int({"SCARD", "jq:workers"}), 0);
  EXPECT_EQ(app.metrics().redelivered.value(), 0u);
}

TEST_P(JobQueue, MetricsShowDepthInFlightRetriesDeadLettersAndThroughput) {
  AppConfig c = Config(2);
  hold_ = [](const Job& job) { return job.payload.find("hold") != std::string::npos; };
  c.workers.fault = [](const Job& job) {
    return job.payload.find("fail") != std::string::npos ? Fault::kFail : Fault::kNone;
  };
  App& app = Start(c);
  int64_t held = Email("hold@example.com");
  int64_t failing = Email("fail@example.com", 2);
  for (int i = 0; i < 3; ++i) LogLine("level=info");
  ASSERT_TRUE(WaitState(held, "running"));
  ASSERT_TRUE(WaitState(failing, "dead"));
  ASSERT_TRUE(WaitFor([&] { return app.metrics().done.value() == 3; }));

  auto m = http_->Get("/metrics");
  ASSERT_TRUE(m);
  ASSERT_EQ(m->status, 200);
  const std::string& text = m->body;
  EXPECT_EQ(Metric(text, "jobs_enqueued_total"), 5);
  EXPECT_EQ(Metric(text, "jobs_done_total"), 3);
  EXPECT_EQ(Metric(text, "jobs_failed_attempts_total"), 2);
  EXPECT_EQ(Metric(text, "jobs_retried_total"), 1);
  EXPECT_EQ(Metric(text, "jobs_dead_total"), 1);
  EXPECT_EQ(Metric(text, "jobs_queue_depth"), 0);
  EXPECT_EQ(Metric(text, "jobs_in_flight"), 1);
  EXPECT_EQ(Metric(text, "jobs_dead_letters"), 1);
  EXPECT_EQ(Metric(text, "jobs_scheduled"), 0);
  EXPECT_EQ(Metric(text, "workers_registered"), 2);
  EXPECT_EQ(Metric(text, "job_wait_seconds_count"), 6);  // 3 + 2 attempts + the held one
  EXPECT_GE(Metric(text, "jobs_done_per_second"), 0);
  EXPECT_NE(text.find("# TYPE job_run_seconds summary"), std::string::npos);
  EXPECT_NE(text.find("job_run_seconds{quantile=\"0.99\"}"), std::string::npos);
  gate_.Open();
}

// A real worker process killed with SIGKILL in the middle of a job: its
// heartbeat stops with it, and a reaper in another process gives the job
// to a live worker.
TEST_P(JobQueue, KilledWorkerProcessJobIsRedeliveredToAnotherProcess) {
  std::string outbox = dir_.path() + "/worker-outbox.jsonl";
  std::vector<std::string> args = {EMBER_JOB_WORKER_PATH,
                                   "--redis",
                                   "127.0.0.1:" + std::to_string(port()),
                                   "--workers",
                                   "1",
                                   "--heartbeat-ms",
                                   "1000",
                                   "--block-ms",
                                   "100",
                                   "--reap-ms",
                                   "50",
                                   "--log-interval",
                                   "0",
                                   "--work-ms",
                                   "60000",
                                   "--outbox",
                                   outbox};
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    std::vector<char*> argv;
    for (std::string& s : args) argv.push_back(s.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  // Queue a job before any worker of ours exists: only the child, whose
  // every job takes a minute, can take it.
  demos::jobs::JobStore store(demos::jobs::Keys{"jq:"});
  json payload = {{"to", "gail@example.com"}, {"subject", "slow"}};
  auto id = store.Enqueue(*redis_, "email", payload.dump(), 5);
  ASSERT_TRUE(id.ok());
  std::string child_worker;
  bool running = WaitFor([&] {
    auto j = store.Get(*redis_, *id);
    if (!j.ok() || !*j || (*j)->state != "running") return false;
    child_worker = (*j)->worker;
    return true;
  });
  if (!running) kill(child, SIGKILL);
  ASSERT_TRUE(running);
  EXPECT_NE(child_worker.find("-" + std::to_string(child) + "-"), std::string::npos);
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);

  AppConfig c = Config(1, kShortTtl);
  App& app = Start(c);
  ASSERT_TRUE(WaitState(*id, "done"));
  json job = GetJob(*id);
  ASSERT_EQ(job["history"].size(), 2u) << job.dump();
  EXPECT_EQ(job["history"][0]["outcome"], "lost");
  EXPECT_EQ(job["history"][0]["worker"], child_worker);
  EXPECT_EQ(job["history"][1]["outcome"], "done");
  EXPECT_EQ(app.metrics().redelivered.value(), 1u);
  EXPECT_EQ(Int({"SISMEMBER", "jq:workers", child_worker}), 0);
}

// Pure arithmetic of the retry delays: no server needed.
TEST(JobBackoff, DelaysGrowWithJitterUntilTheCap) {
  demos::jobs::Backoff b{client::Millis(100), client::Millis(1000)};
  std::mt19937_64 rng(7);
  std::set<int64_t> first_delays;
  for (int run = 0; run < 50; ++run) {
    int64_t previous = 0;
    for (int attempt = 1; attempt <= 4; ++attempt) {  // 100, 200, 400, 800
      int64_t d = b.DelayMs(attempt, rng);
      int64_t full = int64_t{100} << (attempt - 1);
      EXPECT_GE(d, full / 2);
      EXPECT_LT(d, full);
      EXPECT_GT(d, previous);
      previous = d;
      if (attempt == 1) first_delays.insert(d);
    }
    // Past the cap, the delay stays within [max/2, max).
    int64_t capped = b.DelayMs(12, rng);
    EXPECT_GE(capped, 500);
    EXPECT_LT(capped, 1000);
  }
  // Jitter: fifty jobs failing together do not retry at one instant.
  EXPECT_GT(first_delays.size(), 10u);
}

}  // namespace
}  // namespace ember::testing
