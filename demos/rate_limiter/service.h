// ember-rate-limiter: a small HTTP service whose routes are protected by the
// rate-limit middleware, with limits per route from a config file.
//
// Routes (all behind the middleware; the rules decide which are limited):
//   POST /login            200 {"ok":true,"user":...}   (a stand-in login)
//   GET  /api/items        200 [{"id":1,...},...]
//   GET  /api/items/<id>   200 {"id":...} | 404
//   GET  /healthz          200 ok
//   GET  /metrics          Prometheus text: allowed / limited / errors per
//                          rule and algorithm, decision latency per algorithm
// A refused request gets 429 with Retry-After and RateLimit-* headers (see
// middleware.h).
#pragma once

#include <memory>
#include <string>

#include "client/pool.h"
#include "demos/common/http.h"
#include "demos/common/metrics.h"
#include "demos/rate_limiter/middleware.h"

namespace ember::demos::ratelimit {

struct ServiceConfig {
  client::Options redis;
  RuleSet rules;
  MiddlewareOptions middleware;
  // "server" (TIME, resynced every few seconds) or "local".
  std::string clock = "server";
  // If set, used instead of `clock` (tests: a ManualClock). Not owned.
  Clock* clock_override = nullptr;
  std::string http_host = "127.0.0.1";
  int http_port = 8080;  // 0: any free port
  int threads = 8;       // HTTP worker threads (and pooled connections)
};

class Service {
 public:
  static std::unique_ptr<Service> Create(const ServiceConfig& config, std::string* error);
  ~Service();

  std::string Start();
  void Stop();
  int port() const { return http_.port(); }
  RateLimitMiddleware& middleware() { return *middleware_; }
  std::string MetricsText() const { return registry_.Render(); }

 private:
  explicit Service(const ServiceConfig& config);

  ServiceConfig config_;
  Registry registry_;
  std::unique_ptr<client::Pool> pool_;
  std::unique_ptr<Clock> clock_;
  std::unique_ptr<RateLimitMiddleware> middleware_;
  HttpService http_;
};

// The program: parses flags, runs the service or the bench. Returns the
// exit code.
int RateLimiterMain(int argc, const char* const* argv);

}  // namespace ember::demos::ratelimit
