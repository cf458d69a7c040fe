// The notification service, in process, over real HTTP, against ember-server
// and against redis-server. It puts the other demos together, and each test
// follows one of them through it:
//   - a send is accepted with 202 and a job id; a background worker renders
//     the template and appends it to the outbox exactly once, even when the
//     job is delivered twice (its worker died before acknowledging);
//   - the profile and template are read through the cache: the first send
//     misses and reads SQLite, the second hits and does not;
//   - a preference change commits to SQLite and deletes the cached copy, so
//     the very next read sees it;
//   - opted-out users and quiet hours suppress a send before it is queued;
//   - past its quota a client gets 429 with Retry-After and RateLimit-*;
//   - a job that keeps failing is retried, then dead-lettered;
//   - /metrics shows the three parts; a stop lets the job in hand finish.
#include <gtest/gtest.h>

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <thread>

#include "client/client.h"
#include "demos/common/log.h"
#include "demos/notification_service/app.h"
#include "tests/client/servers.h"
#include "tests/support/net_support.h"

namespace ember::testing {
namespace {

using client::AsInteger;
using demos::notify::App;
using demos::notify::AppConfig;

// 2026-01-01T12:00:00Z and 23:00Z: outside and inside 22:00-07:00.
constexpr int64_t kNoonMs = 1767268800000;
constexpr int64_t kElevenPmMs = kNoonMs + 11 * 3600 * 1000;

class NotifyTempDir {
 public:
  NotifyTempDir() {
    char tmpl[] = "/tmp/ember-notify-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~NotifyTempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

template <typename F>
bool WaitFor(F done, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

class NotificationService : public BothServers {
 protected:
  void SetUp() override {
    BothServers::SetUp();
    demos::SetLogLevel(demos::LogLevel::kError);
    redis_ = std::make_unique<client::Connection>(Opts());
  }

  AppConfig Config() {
    AppConfig c;
    c.redis = Opts();
    c.redis.reconnect_attempts = 1;
    c.redis.connect_timeout = client::Millis(500);
    c.db_path = dir_.path() + "/notify.sqlite";
    c.outbox_path = dir_.path() + "/outbox.log";
    c.rules_text =
        "/metrics unlimited\n"
        "POST /users/*/notifications 100 per 1m sliding-log\n"
        "* 1000 per 1m\n";
    c.rate_clock = &clock_;
    c.http_port = 0;
    c.threads = 4;
    c.log_interval_s = 0;
    c.workers.workers = 2;
    c.workers.id_prefix = "test-";
    c.workers.block = client::Millis(100);
    c.workers.heartbeat_ttl = client::Millis(600);
    c.workers.reap_interval = client::Millis(50);
    c.workers.promote_interval = client::Millis(20);
    c.workers.backoff.base = client::Millis(20);
    c.workers.backoff.max = client::Millis(50);
    c.now_ms = [this] { return now_ms_.load(); };
    return c;
  }

  App& Start(AppConfig c) {
    std::string err;
    app_ = App::Create(c, &err);
    EXPECT_NE(app_, nullptr) << err;
    err = app_->Start();
    EXPECT_EQ(err, "");
    http_ = std::make_unique<httplib::Client>("127.0.0.1", app_->port());
    return *app_;
  }

  httplib::Result Send(int64_t user, const std::string& tmpl, nlohmann::json params) {
    nlohmann::json body = {{"template", tmpl}, {"params", params}};
    return http_->Post("/users/" + std::to_string(user) + "/notifications", body.dump(),
                       "application/json");
  }
  httplib::Result Welcome(int64_t user) { return Send(user, "welcome", {{"product", "Ember"}}); }
  static int64_t JobId(const httplib::Result& r) {
    return nlohmann::json::parse(r->body).at("job").get<int64_t>();
  }
  std::string State(int64_t job) {
    auto r = http_->Get("/notifications/" + std::to_string(job));
    if (!r || r->status != 200) return "?";
    return nlohmann::json::parse(r->body).at("state").get<std::string>();
  }
  // The outbox's lines, parsed.
  std::vector<nlohmann::json> Outbox() {
    std::vector<nlohmann::json> out;
    std::ifstream in(dir_.path() + "/outbox.log");
    std::string line;
    while (std::getline(in, line)) out.push_back(nlohmann::json::parse(line));
    return out;
  }
  int64_t Exists(const std::string& key) {
    auto r = AsInteger(redis_->Command({"EXISTS", key}));
    return r.ok() ? *r : -1;
  }

  void TearDown() override {
    http_.reset();
    if (app_) app_->Stop();
    app_.reset();
  }

  NotifyTempDir dir_;
  demos::ratelimit::ManualClock clock_{kNoonMs};
  std::atomic<int64_t> now_ms_{kNoonMs};
  std::unique_ptr<client::Connection> redis_;  // a look at the server
  std::unique_ptr<App> app_;
  std::unique_ptr<httplib::Client> http_;
};
EMBER_BOTH_SERVERS(NotificationService);

TEST_P(NotificationService, SendIsQueuedThenRenderedIntoTheOutboxOnce) {
  Start(Config());
  auto r = Welcome(1);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 202) << r->body;
  auto body = nlohmann::json::parse(r->body);
  EXPECT_EQ(body["state"], "queued");
  EXPECT_EQ(body["channel"], "email");
  EXPECT_EQ(body["to"], "ada@example.com");
  int64_t job = JobId(r);
  EXPECT_EQ(r->get_header_value("Location"), "/notifications/" + std::to_string(job));
  ASSERT_TRUE(WaitFor([&] { return State(job) == "done"; })) << State(job);
  auto lines = Outbox();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["job"], job);
  EXPECT_EQ(lines[0]["to"], "ada@example.com");
  EXPECT_EQ(lines[0]["subject"], "Welcome, Ada Lovelace!");
  EXPECT_EQ(lines[0]["body"], "Hi Ada Lovelace, thanks for joining Ember.");
}

TEST_P(NotificationService, JobDeliveredTwiceAfterAWorkerDiesIsInTheOutboxOnce) {
  AppConfig c = Config();
  // The first attempt's worker dies after writing the outbox and before
  // acknowledging: the reaper gives the job to another worker, which runs
  // the handler again.
  c.workers.fault = [](const demos::jobs::Job& job) {
    return job.attempts == 1 ? demos::jobs::Fault::kCrash : demos::jobs::Fault::kNone;
  };
  App& app = Start(c);
  auto r = Welcome(2);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 202) << r->body;
  int64_t job = JobId(r);
  ASSERT_TRUE(WaitFor([&] { return State(job) == "done"; })) << State(job);
  auto got = nlohmann::json::parse(http_->Get("/notifications/" + std::to_string(job))->body);
  EXPECT_EQ(got["attempts"], 2);
  EXPECT_EQ(app.outbox().duplicates(), 1u);
  auto lines = Outbox();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["channel"], "sms");
  EXPECT_EQ(lines[0]["to"], "+1 202 555 0102");
}

TEST_P(NotificationService, SecondLookupOfProfileAndTemplateIsACacheHit) {
  AppConfig c = Config();
  c.workers.workers = 0;  // only the API reads
  App& app = Start(c);
  auto a = Welcome(1);
  ASSERT_TRUE(a);
  ASSERT_EQ(a->status, 202);
  EXPECT_EQ(a->get_header_value("X-Cache"), "profile=MISS template=MISS");
  EXPECT_EQ(app.store().reads(), 2u);
  auto b = Welcome(1);
  ASSERT_TRUE(b);
  ASSERT_EQ(b->status, 202);
  EXPECT_EQ(b->get_header_value("X-Cache"), "profile=HIT template=HIT");
  EXPECT_EQ(app.store().reads(), 2u);
  using demos::notify::CacheKind;
  EXPECT_EQ(app.cache().hits(CacheKind::kProfile), 1u);
  EXPECT_EQ(app.cache().misses(CacheKind::kTemplate), 1u);
  auto ttl = AsInteger(redis_->Command({"PTTL", app.cache().Key(CacheKind::kProfile, "1")}));
  ASSERT_TRUE(ttl.ok());
  EXPECT_GT(*ttl, 260'000);  // 300 s +/- 10%
  EXPECT_LE(*ttl, 330'000);
  // Two jobs queued, none taken (no workers).
  auto depth = AsInteger(redis_->Command({"LLEN", app.queue().keys().Queue()}));
  ASSERT_TRUE(depth.ok());
  EXPECT_EQ(*depth, 2);
}

TEST_P(NotificationService, PreferenceChangeIsVisibleOnTheNextReadAfterInvalidation) {
  App& app = Start(Config());
  auto a = http_->Get("/users/1/preferences");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->get_header_value("X-Cache"), "profile=MISS");
  EXPECT_EQ(nlohmann::json::parse(a->body)["channel"], "email");
  auto b = http_->Get("/users/1/preferences");
  EXPECT_EQ(b->get_header_value("X-Cache"), "profile=HIT");
  std::string key = app.cache().Key(demos::notify::CacheKind::kProfile, "1");
  EXPECT_EQ(Exists(key), 1);

  auto put = http_->Put("/users/1/preferences", R"({"channel":"sms","quiet_hours":"none"})",
                        "application/json");
  ASSERT_TRUE(put);
  ASSERT_EQ(put->status, 200) << put->body;
  EXPECT_EQ(nlohmann::json::parse(put->body)["channel"], "sms");
  EXPECT_EQ(Exists(key), 0);  // committed, then the cached copy deleted

  auto c = http_->Get("/users/1/preferences");
  EXPECT_EQ(c->get_header_value("X-Cache"), "profile=MISS");
  EXPECT_EQ(nlohmann::json::parse(c->body)["channel"], "sms");
  auto sent = Welcome(1);
  ASSERT_EQ(sent->status, 202);
  EXPECT_EQ(sent->get_header_value("X-Cache"), "profile=HIT template=MISS");
  EXPECT_EQ(nlohmann::json::parse(sent->body)["to"], "+44 20 7946 0001");
}

TEST_P(NotificationService, MalformedPreferenceUpdatesAreRefused) {
  Start(Config());
  for (const char* body : {R"({"channel":"pigeon"})", R"({"quiet_hours":"25:00-07:00"})",
                           R"({"opt_out":"yes"})", R"({"colour":"blue"})", "not json"}) {
    auto r = http_->Put("/users/1/preferences", body, "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << body;
  }
  auto r = http_->Put("/users/999/preferences", R"({"opt_out":true})", "application/json");
  EXPECT_EQ(r->status, 404);
}

TEST_P(NotificationService, OptedOutUsersAndQuietHoursSuppressTheSend) {
  App& app = Start(Config());
  auto out = Welcome(3);  // seeded as opted out
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 200);
  EXPECT_EQ(nlohmann::json::parse(out->body)["reason"], "opted_out");

  now_ms_ = kElevenPmMs;  // user 4: quiet 22:00-07:00
  auto quiet = Welcome(4);
  EXPECT_EQ(quiet->status, 200);
  EXPECT_EQ(nlohmann::json::parse(quiet->body)["reason"], "quiet_hours");
  now_ms_ = kNoonMs;
  auto day = Welcome(4);
  ASSERT_EQ(day->status, 202);
  EXPECT_EQ(nlohmann::json::parse(day->body)["channel"], "sms");

  auto opt_in = http_->Put("/users/3/preferences", R"({"opt_out":false})", "application/json");
  ASSERT_EQ(opt_in->status, 200);
  EXPECT_EQ(Welcome(3)->status, 202);
  auto ids = client::AsOptionalString(redis_->Command({"GET", app.queue().keys().NextId()}));
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(*ids, "2");  // only the two sends that were accepted made jobs
}

TEST_P(NotificationService, UnknownUserOrTemplateAndMissingParameterAreRefused) {
  Start(Config());
  EXPECT_EQ(Welcome(999)->status, 404);
  EXPECT_EQ(Send(1, "no_such_template", {})->status, 404);
  auto r = Send(1, "password_reset", {});
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(nlohmann::json::parse(r->body)["error"], "missing template parameter \"code\"");
  EXPECT_EQ(http_->Post("/users/1/notifications", "{}", "application/json")->status, 400);
}

TEST_P(NotificationService, PastTheLimitTheApiAnswers429WithRetryAfterAndRateLimitHeaders) {
  AppConfig c = Config();
  c.rules_text = "POST /users/*/notifications 3 per 1m sliding-log\n";
  c.workers.workers = 0;
  Start(c);
  for (int i = 0; i < 3; ++i) {
    auto r = Welcome(1);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 202);
    EXPECT_EQ(r->get_header_value("RateLimit-Limit"), "3");
    EXPECT_EQ(r->get_header_value("RateLimit-Remaining"), std::to_string(2 - i));
  }
  // The quota is per route and IP, not per user.
  auto r = Welcome(2);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(r->get_header_value("Retry-After"), "60");
  EXPECT_EQ(r->get_header_value("RateLimit-Limit"), "3");
  EXPECT_EQ(r->get_header_value("RateLimit-Remaining"), "0");
  EXPECT_EQ(r->get_header_value("RateLimit-Policy"), "3;w=60");
  EXPECT_NE(r->body.find("too many requests"), std::string::npos);
  // Other routes have no rule here: not limited.
  auto prefs = http_->Get("/users/1/preferences");
  EXPECT_EQ(prefs->status, 200);
  EXPECT_FALSE(prefs->has_header("RateLimit-Limit"));
  // A window later the quota is back.
  clock_.Advance(60'001);
  EXPECT_EQ(Welcome(1)->status, 202);
}

TEST_P(NotificationService, JobThatKeepsFailingIsRetriedThenDeadLettered) {
  AppConfig c = Config();
  c.max_attempts = 3;
  c.workers.fault = [](const demos::jobs::Job&) { return demos::jobs::Fault::kFail; };
  App& app = Start(c);
  int64_t job = JobId(Welcome(1));
  ASSERT_TRUE(WaitFor([&] { return State(job) == "dead"; })) << State(job);
  EXPECT_EQ(app.job_metrics().retried.value(), 2u);
  EXPECT_TRUE(Outbox().empty());
  std::string metrics = http_->Get("/metrics")->body;
  EXPECT_NE(metrics.find("\njobs_dead_letters 1\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("\njobs_retried_total 2\n"), std::string::npos);
}

TEST_P(NotificationService, MetricsShowRateLimitsCacheQueueAndLatency) {
  App& app = Start(Config());
  int64_t a = JobId(Welcome(1));
  int64_t b = JobId(Welcome(1));
  ASSERT_TRUE(WaitFor([&] { return State(a) == "done" && State(b) == "done"; }));
  // Workers register as their threads start, not all before the first job.
  ASSERT_TRUE(WaitFor([&] {
    auto n = AsInteger(redis_->Command({"SCARD", app.queue().keys().Workers()}));
    return n.ok() && *n == 2;
  }));
  auto r = http_->Get("/metrics");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  const std::string& m = r->body;
  for (const char* line : {
           "ratelimit_requests_total{route=\"POST /users/*/notifications\","
           "algorithm=\"sliding-log\",decision=\"allowed\"} 2\n",
           "ratelimit_requests_total{route=\"POST /users/*/notifications\","
           "algorithm=\"sliding-log\",decision=\"limited\"} 0\n",
           // Two sends: profile miss then hit; template miss, then hits from
           // the second send and from both workers' renders.
           "cache_hits_total{kind=\"profile\"} 1\n",
           "cache_misses_total{kind=\"profile\"} 1\n",
           "cache_hits_total{kind=\"template\"} 3\n",
           "cache_misses_total{kind=\"template\"} 1\n",
           "cache_hit_ratio 0.666666667\n",
           "db_reads_total 2\n",
           "jobs_enqueued_total 2\n",
           "jobs_done_total 2\n",
           "notifications_sent_total 2\n",
           "jobs_queue_depth 0\n",
           "jobs_in_flight 0\n",
           "jobs_dead_letters 0\n",
           "jobs_retried_total 0\n",
           "workers_registered 2\n",
       }) {
    EXPECT_NE(m.find(line), std::string::npos) << "missing: " << line << "\nin:\n" << m;
  }
  for (const char* prefix : {
           "http_request_duration_seconds{route=\"send_notification\",quantile=\"0.99\"} ",
           "http_request_duration_seconds_count{route=\"send_notification\"} 2",
           "job_run_seconds{quantile=\"0.5\"} ",
           "jobs_done_per_second ",
           "# TYPE cache_hits_total counter",
       }) {
    EXPECT_NE(m.find(prefix), std::string::npos) << "missing: " << prefix;
  }
}

TEST_P(NotificationService, StopFinishesTheJobInHandAndLeavesNothingInFlight) {
  AppConfig c = Config();
  c.workers.workers = 1;
  std::mutex mu;
  std::condition_variable cv;
  bool in_hand = false, release = false;
  c.workers.on_handle = [&](const demos::jobs::Job&, const std::string&) {
    std::unique_lock lock(mu);
    in_hand = true;
    cv.notify_all();
    cv.wait(lock, [&] { return release; });
  };
  App& app = Start(c);
  int64_t job = JobId(Welcome(1));
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return in_hand; }));
  }
  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    app.Stop();
    stopped = true;
  });
  // HTTP closes first; the worker still holds the job, so Stop waits.
  ASSERT_TRUE(WaitFor([&] { return !http_->Get("/healthz"); }));
  EXPECT_FALSE(stopped);
  {
    std::lock_guard lock(mu);
    release = true;
  }
  cv.notify_all();
  stopper.join();
  EXPECT_TRUE(stopped);
  auto got = app.queue().Get(*redis_, job);
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->state, "done");
  EXPECT_EQ(Outbox().size(), 1u);
  auto workers = AsInteger(redis_->Command({"SCARD", app.queue().keys().Workers()}));
  ASSERT_TRUE(workers.ok());
  EXPECT_EQ(*workers, 0);  // deregistered: nothing for a reaper to take back
  auto processing = AsInteger(redis_->Command({"EXISTS", app.queue().keys().Processing("test-1")}));
  EXPECT_EQ(*processing, 0);
}

// The program as the README runs it: its own process, the flags of the
// README, a rules file; SIGTERM stops it cleanly.
TEST_P(NotificationService, TheProgramSendsAndStopsCleanlyOnSigterm) {
  const std::string rules = dir_.path() + "/rules.conf";
  {
    std::ofstream f(rules);
    f << "/healthz unlimited\nPOST /users/*/notifications 2 per 1m sliding-log\n";
  }
  const int http_port = FreePort();
  std::vector<std::string> args = {EMBER_NOTIFY_PATH,
                                   "--port",
                                   std::to_string(http_port),
                                   "--redis",
                                   "127.0.0.1:" + std::to_string(port()),
                                   "--db",
                                   dir_.path() + "/notify.sqlite",
                                   "--workers",
                                   "2",
                                   "--outbox",
                                   dir_.path() + "/outbox.log",
                                   "--rate-config",
                                   rules};
  const std::string log_path = dir_.path() + "/notify.log";
  pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    FILE* log = std::fopen(log_path.c_str(), "w");
    if (log != nullptr) dup2(fileno(log), STDERR_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  ASSERT_GT(pid, 0);
  httplib::Client c("127.0.0.1", http_port);
  bool ready = WaitFor([&] {
    auto r = c.Get("/healthz");
    return r && r->status == 200;
  });
  int status = -1;
  auto stop = [&] {
    kill(pid, SIGTERM);
    waitpid(pid, &status, 0);
  };
  if (!ready) stop();
  ASSERT_TRUE(ready);
  nlohmann::json body = {{"template", "welcome"}, {"params", {{"product", "Ember"}}}};
  auto r = c.Post("/users/1/notifications", body.dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 202) << r->body;
  EXPECT_EQ(c.Post("/users/1/notifications", body.dump(), "application/json")->status, 202);
  auto refused = c.Post("/users/1/notifications", body.dump(), "application/json");
  EXPECT_EQ(refused->status, 429);
  EXPECT_TRUE(WaitFor([&] { return Outbox().size() == 2; }));
  stop();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::ifstream in(log_path);
  std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(log.find("level=info msg=\"notification sent\" job=1 user=1 channel=email"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("msg=\"shutting down\" reason=signal"), std::string::npos);
  EXPECT_NE(log.find("msg=stats queued=0 in_flight=0 dead=0 sent=2"), std::string::npos) << log;
  EXPECT_NE(log.find("msg=stopped"), std::string::npos);
  // Its workers deregistered on the way out.
  auto workers = AsInteger(redis_->Command({"SCARD", "notify:jq:workers"}));
  ASSERT_TRUE(workers.ok());
  EXPECT_EQ(*workers, 0);
}

}  // namespace
}  // namespace ember::testing
