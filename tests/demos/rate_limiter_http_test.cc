// The rate-limit middleware over real HTTP (httplib::Client), against
// ember-server and redis-server. What it teaches:
//   - a route's quota is announced on every response (RateLimit-Limit,
//     -Remaining, -Reset, -Policy) and, once used up, the request is answered
//     429 with Retry-After, before any route handler runs;
//   - each client IP has its own quota per rule, and the paths one glob
//     matches share it; unlimited routes carry no headers;
//   - /metrics counts allowed and limited requests per rule and algorithm;
//   - with the server down the middleware fails open (or, if asked, closed);
//   - the ember-rate-limiter program enforces the rules file it is given.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "demos/common/log.h"
#include "demos/rate_limiter/service.h"
#include "tests/client/servers.h"

namespace ember::testing {
namespace {

using demos::ratelimit::ManualClock;
using demos::ratelimit::RuleSet;
using demos::ratelimit::Service;
using demos::ratelimit::ServiceConfig;

constexpr int64_t kWindow = 60'000;
constexpr int64_t kT0 = 1000 * kWindow + 10'000;  // 10 s into a window

constexpr const char* kRules = R"(
/healthz          unlimited
/metrics          unlimited
POST /login       3 per 1m    fixed-window
/api/*            5 per 1m
)";

class RateLimitHttp : public BothServers {
 protected:
  void SetUp() override {
    BothServers::SetUp();
    demos::SetLogLevel(demos::LogLevel::kError);
  }

  ServiceConfig Config() {
    ServiceConfig c;
    c.redis = Opts();
    c.redis.reconnect_attempts = 0;
    c.redis.connect_timeout = client::Millis(300);
    std::string err;
    EXPECT_TRUE(RuleSet::Parse(kRules, &c.rules, &err)) << err;
    c.middleware.algorithm = demos::ratelimit::Algorithm::kSlidingLog;
    c.middleware.trust_forwarded_for = true;
    c.clock_override = &clock_;
    c.http_port = 0;
    c.threads = 4;
    return c;
  }

  Service& Start(const ServiceConfig& c) {
    std::string err;
    service_ = Service::Create(c, &err);
    EXPECT_NE(service_, nullptr) << err;
    EXPECT_EQ(service_->Start(), "");
    http_ = std::make_unique<httplib::Client>("127.0.0.1", service_->port());
    return *service_;
  }

  httplib::Result Login(const std::string& ip = "203.0.113.7") {
    return http_->Post("/login", {{"X-Forwarded-For", ip}}, R"({"user":"ada"})",
                       "application/json");
  }
  httplib::Result Get(const std::string& path, const std::string& ip = "203.0.113.7") {
    return http_->Get(path, {{"X-Forwarded-For", ip}});
  }

  void TearDown() override {
    http_.reset();
    if (service_) service_->Stop();
  }

  ManualClock clock_{kT0};
  std::unique_ptr<Service> service_;
  std::unique_ptr<httplib::Client> http_;
};
EMBER_BOTH_SERVERS(RateLimitHttp);

TEST_P(RateLimitHttp, LoginIsAnswered429WithRetryAfterOnceItsQuotaIsUsed) {
  Start(Config());
  for (int i = 0; i < 3; ++i) {
    auto r = Login();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->get_header_value("RateLimit-Limit"), "3");
    EXPECT_EQ(r->get_header_value("RateLimit-Remaining"), std::to_string(2 - i));
    EXPECT_EQ(r->get_header_value("RateLimit-Reset"), "50");  // the window ends in 50 s
    EXPECT_EQ(r->get_header_value("RateLimit-Policy"), "3;w=60");
    EXPECT_FALSE(r->has_header("Retry-After"));
    EXPECT_NE(r->body.find("\"user\":\"ada\""), std::string::npos) << "the route ran";
  }
  auto refused = Login();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 429);
  EXPECT_EQ(refused->get_header_value("Retry-After"), "50");
  EXPECT_EQ(refused->get_header_value("RateLimit-Limit"), "3");
  EXPECT_EQ(refused->get_header_value("RateLimit-Remaining"), "0");
  EXPECT_EQ(refused->get_header_value("RateLimit-Reset"), "50");
  EXPECT_EQ(refused->body, R"({"error":"too many requests","retry_after_ms":50000})");
  EXPECT_EQ(refused->body.find("ada"), std::string::npos) << "the route did not run";

  // Half a second before the window ends, Retry-After rounds up to 1.
  clock_.Set(kT0 + 49'500);
  auto late = Login();
  ASSERT_TRUE(late);
  EXPECT_EQ(late->status, 429);
  EXPECT_EQ(late->get_header_value("Retry-After"), "1");
  clock_.Set(kT0 + 50'000);
  auto next = Login();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(next->get_header_value("RateLimit-Remaining"), "2");
}

TEST_P(RateLimitHttp, EachClientIpHasItsOwnQuota) {
  Start(Config());
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Login("198.51.100.1")->status, 200);
  EXPECT_EQ(Login("198.51.100.1")->status, 429);
  EXPECT_EQ(Login("198.51.100.2")->status, 200);
  // The first address of X-Forwarded-For is the client.
  EXPECT_EQ(Login("198.51.100.1, 10.0.0.1")->status, 429);
}

TEST_P(RateLimitHttp, WithoutTrustForwardedForIsIgnored) {
  ServiceConfig c = Config();
  c.middleware.trust_forwarded_for = false;
  Start(c);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Login("198.51.100." + std::to_string(i))->status, 200);
  // All came from 127.0.0.1, whatever they claimed.
  EXPECT_EQ(Login("198.51.100.9")->status, 429);
}

TEST_P(RateLimitHttp, PathsOneGlobMatchesShareItsQuota) {
  Start(Config());
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Get("/api/items")->status, 200);
  ASSERT_EQ(Get("/api/items/7")->status, 200);
  auto last = Get("/api/items/404");
  ASSERT_TRUE(last);
  EXPECT_EQ(last->status, 404) << "limits apply before routing, whatever the route answers";
  EXPECT_EQ(last->get_header_value("RateLimit-Remaining"), "0");
  auto refused = Get("/api/items/3");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 429);
  // The default algorithm here is the sliding log: room comes back when the
  // oldest request is a window old.
  EXPECT_EQ(refused->get_header_value("Retry-After"), "60");
  EXPECT_EQ(refused->get_header_value("RateLimit-Policy"), "5;w=60");
  // Unlimited routes: answered, no quota headers.
  for (int i = 0; i < 20; ++i) {
    auto h = Get("/healthz");
    ASSERT_TRUE(h);
    ASSERT_EQ(h->status, 200);
    EXPECT_FALSE(h->has_header("RateLimit-Limit"));
  }
}

TEST_P(RateLimitHttp, MetricsCountAllowedAndLimitedPerRouteAndAlgorithm) {
  Start(Config());
  for (int i = 0; i < 5; ++i) (void)Login();
  for (int i = 0; i < 2; ++i) (void)Get("/api/items");
  (void)Get("/healthz");
  auto m = Get("/metrics");
  ASSERT_TRUE(m);
  ASSERT_EQ(m->status, 200);
  const std::string& t = m->body;
  auto has = [&](const std::string& line) {
    return t.find("\n" + line + "\n") != std::string::npos;
  };
  EXPECT_TRUE(has(
      R"(ratelimit_requests_total{route="POST /login",algorithm="fixed-window",decision="allowed"} 3)"))
      << t;
  EXPECT_TRUE(has(
      R"(ratelimit_requests_total{route="POST /login",algorithm="fixed-window",decision="limited"} 2)"));
  EXPECT_TRUE(has(
      R"(ratelimit_requests_total{route="/api/*",algorithm="sliding-log",decision="allowed"} 2)"));
  EXPECT_TRUE(has(
      R"(ratelimit_requests_total{route="/api/*",algorithm="sliding-log",decision="limited"} 0)"));
  EXPECT_TRUE(has(R"(ratelimit_errors_total{route="POST /login",algorithm="fixed-window"} 0)"));
  // /healthz, and this /metrics request itself.
  EXPECT_TRUE(has("ratelimit_unlimited_total 2"));
  EXPECT_TRUE(has(R"(ratelimit_check_seconds_count{algorithm="fixed-window"} 5)"));
  EXPECT_TRUE(has(R"(ratelimit_check_seconds_count{algorithm="sliding-log"} 2)"));
  EXPECT_NE(t.find("# TYPE ratelimit_check_seconds summary"), std::string::npos);
}

TEST_P(RateLimitHttp, WithTheServerDownRequestsPassUnlessFailingClosed) {
  Start(Config());
  ASSERT_EQ(Login()->status, 200);
  server_->Stop();
  auto open = Login();
  ASSERT_TRUE(open);
  EXPECT_EQ(open->status, 200);
  EXPECT_FALSE(open->has_header("RateLimit-Limit"));
  auto m = Get("/metrics");
  ASSERT_TRUE(m);
  EXPECT_NE(
      m->body.find(R"(ratelimit_errors_total{route="POST /login",algorithm="fixed-window"} 1)"),
      std::string::npos)
      << m->body;
  service_->Stop();

  ServiceConfig closed = Config();
  closed.middleware.fail_open = false;
  Start(closed);
  auto r = Login();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(Get("/healthz")->status, 200) << "unlimited routes need no server";
}

// The program, as a user runs it: its own process, a rules file, the
// local clock.
class RateLimiterProgram {
 public:
  RateLimiterProgram(const std::vector<std::string>& args) {
    port_ = FreePort();
    std::vector<std::string> argv_s = {EMBER_RATE_LIMITER_PATH, "--port", std::to_string(port_)};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    pid_ = fork();
    if (pid_ == 0) {
      std::vector<char*> argv;
      for (std::string& s : argv_s) argv.push_back(s.data());
      argv.push_back(nullptr);
      FILE* devnull = std::fopen("/dev/null", "w");
      if (devnull != nullptr) dup2(fileno(devnull), STDERR_FILENO);
      execv(argv[0], argv.data());
      _exit(127);
    }
    httplib::Client c("127.0.0.1", port_);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      auto r = c.Get("/healthz");
      if (r && r->status == 200) {
        ready_ = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ~RateLimiterProgram() { Stop(); }
  int Stop() {
    if (pid_ <= 0) return -1;
    kill(pid_, SIGTERM);
    int status = -1;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }
  bool ready() const { return ready_; }
  int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  bool ready_ = false;
};

TEST_P(RateLimitHttp, TheProgramEnforcesItsRulesFile) {
  std::string path = std::filesystem::temp_directory_path() /
                     ("ember-rl-rules-" + std::to_string(getpid()) + ".conf");
  {
    std::ofstream f(path);
    f << "/healthz unlimited\n/metrics unlimited\nPOST /login 2 per 1m sliding-log\n* 4 per 1m "
         "token-bucket\n";
  }
  RateLimiterProgram program({"--redis", "127.0.0.1:" + std::to_string(port()), "--config", path,
                              "--clock", "server", "--algorithm", "fixed-window"});
  ASSERT_TRUE(program.ready());
  httplib::Client c("127.0.0.1", program.port());
  EXPECT_EQ(c.Post("/login", "{}", "application/json")->status, 200);
  EXPECT_EQ(c.Post("/login", "{}", "application/json")->status, 200);
  auto refused = c.Post("/login", "{}", "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 429);
  int retry = std::stoi(refused->get_header_value("Retry-After"));
  EXPECT_GE(retry, 59);
  EXPECT_LE(retry, 60);
  // Everything else: a bucket of 4.
  for (int i = 0; i < 4; ++i) EXPECT_EQ(c.Get("/api/items")->status, 200);
  auto bucket = c.Get("/api/items");
  ASSERT_TRUE(bucket);
  EXPECT_EQ(bucket->status, 429);
  EXPECT_EQ(bucket->get_header_value("Retry-After"), "15");  // a token every 60/4 s
  auto metrics = c.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(
      metrics->body.find(
          R"(ratelimit_requests_total{route="POST /login",algorithm="sliding-log",decision="limited"} 1)"),
      std::string::npos);
  EXPECT_NE(
      metrics->body.find(
          R"(ratelimit_requests_total{route="*",algorithm="token-bucket",decision="limited"} 1)"),
      std::string::npos)
      << metrics->body;
  EXPECT_EQ(program.Stop(), 0);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace ember::testing
