// HTTP middleware for cpp-httplib: before routing, it finds the request's
// rule, asks the rule's limiter about (rule, client IP), and either lets the
// request through or answers it itself:
//
//   429 Too Many Requests     the quota is used up. Retry-After: seconds until
//                             a request would be allowed (at least 1).
//   503 Service Unavailable   the rate-limit server could not be asked and the
//                             middleware fails closed (fail_open = false).
//
// Every limited route's response (allowed or not) carries the quota, as in
// the IETF draft "RateLimit header fields for HTTP":
//   RateLimit-Limit: 5            the limit of the matched rule
//   RateLimit-Remaining: 3        requests left now
//   RateLimit-Reset: 42           seconds until the full quota is back
//   RateLimit-Policy: 5;w=60      limit and window (seconds) of the rule
// Seconds are rounded up: a client that waits that long is not refused for
// having come a fraction of a second early.
#pragma once

#include <httplib.h>

#include <array>
#include <memory>
#include <string>

#include "client/pool.h"
#include "demos/common/metrics.h"
#include "demos/rate_limiter/rate_limiter.h"
#include "demos/rate_limiter/rules.h"

namespace ember::demos::ratelimit {

struct MiddlewareOptions {
  // The algorithm of rules that do not name one.
  Algorithm algorithm = Algorithm::kFixedWindow;
  // When the rate-limit server cannot be reached: let requests through
  // (availability first) or refuse them with 503.
  bool fail_open = true;
  // Take the client IP from the first X-Forwarded-For address. Only behind a
  // proxy that sets it: otherwise any client picks its own IP, and its quota.
  bool trust_forwarded_for = false;
  LimiterOptions limiter;
};

class RateLimitMiddleware {
 public:
  // `pool`, `clock` and `registry` must outlive the middleware.
  RateLimitMiddleware(RuleSet rules, MiddlewareOptions options, client::Pool* pool, Clock* clock,
                      Registry* registry);

  // Makes `Handle` the server's pre-routing handler.
  void Install(httplib::Server& server);

  // Decides for one request: sets the RateLimit-* headers, and answers 429
  // (or 503) itself, returning kHandled, or returns kUnhandled to let the
  // routes answer.
  httplib::Server::HandlerResponse Handle(const httplib::Request& req, httplib::Response& res);

  const RuleSet& rules() const { return rules_; }
  Algorithm AlgorithmOf(const Rule& rule) const {
    return rule.algorithm.value_or(options_.algorithm);
  }
  std::string ClientIp(const httplib::Request& req) const;

 private:
  struct RuleMetrics {
    Counter* allowed = nullptr;
    Counter* limited = nullptr;
    Counter* errors = nullptr;
  };

  RuleSet rules_;
  MiddlewareOptions options_;
  std::array<std::unique_ptr<PooledLimiter>, kAllAlgorithms.size()> limiters_;
  std::array<LatencyHistogram*, kAllAlgorithms.size()> latency_{};
  std::vector<RuleMetrics> metrics_;  // by rule index
  Counter* unlimited_ = nullptr;
};

// Label value text for the Prometheus format: backslash, quote and newline
// escaped.
std::string EscapeLabel(std::string_view v);

}  // namespace ember::demos::ratelimit
