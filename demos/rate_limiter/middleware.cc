#include "demos/rate_limiter/middleware.h"

#include "demos/common/log.h"

namespace ember::demos::ratelimit {

namespace {

int64_t CeilSeconds(int64_t ms) { return ms <= 0 ? 0 : (ms + 999) / 1000; }

}  // namespace

std::string EscapeLabel(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

RateLimitMiddleware::RateLimitMiddleware(RuleSet rules, MiddlewareOptions options,
                                         client::Pool* pool, Clock* clock, Registry* registry)
    : rules_(std::move(rules)), options_(std::move(options)) {
  for (size_t i = 0; i < kAllAlgorithms.size(); ++i) {
    limiters_[i] =
        std::make_unique<PooledLimiter>(kAllAlgorithms[i], pool, clock, options_.limiter);
  }
  // Series of one metric are registered together: the text format wants
  // them grouped.
  metrics_.resize(rules_.rules().size());
  auto labels = [this](const Rule& r) {
    return "route=\"" + EscapeLabel(r.name()) + "\",algorithm=\"" +
           std::string(AlgorithmName(AlgorithmOf(r))) + "\"";
  };
  for (size_t i = 0; i < rules_.rules().size(); ++i) {
    const Rule& r = rules_.rules()[i];
    if (!r.quota) continue;
    metrics_[i].allowed =
        &registry->AddCounter("ratelimit_requests_total", "requests checked, by rule and decision",
                              labels(r) + ",decision=\"allowed\"");
    metrics_[i].limited =
        &registry->AddCounter("ratelimit_requests_total", "", labels(r) + ",decision=\"limited\"");
  }
  for (size_t i = 0; i < rules_.rules().size(); ++i) {
    const Rule& r = rules_.rules()[i];
    if (!r.quota) continue;
    metrics_[i].errors = &registry->AddCounter(
        "ratelimit_errors_total", "checks that failed (server unreachable), by rule", labels(r));
  }
  unlimited_ = &registry->AddCounter("ratelimit_unlimited_total",
                                     "requests no rule limits (no match, or 'unlimited')");
  for (size_t i = 0; i < kAllAlgorithms.size(); ++i) {
    latency_[i] = &registry->AddLatency(
        "ratelimit_check_seconds", "time to decide, server round trips included",
        "algorithm=\"" + std::string(AlgorithmName(kAllAlgorithms[i])) + "\"");
  }
}

void RateLimitMiddleware::Install(httplib::Server& server) {
  server.set_pre_routing_handler(
      [this](const httplib::Request& req, httplib::Response& res) { return Handle(req, res); });
}

std::string RateLimitMiddleware::ClientIp(const httplib::Request& req) const {
  if (options_.trust_forwarded_for) {
    std::string xff = req.get_header_value("X-Forwarded-For");
    if (!xff.empty()) {
      std::string first = xff.substr(0, xff.find(','));
      size_t b = first.find_first_not_of(' ');
      size_t e = first.find_last_not_of(' ');
      if (b != std::string::npos) return first.substr(b, e - b + 1);
    }
  }
  return req.remote_addr;
}

httplib::Server::HandlerResponse RateLimitMiddleware::Handle(const httplib::Request& req,
                                                             httplib::Response& res) {
  using HR = httplib::Server::HandlerResponse;
  const Rule* rule = rules_.Match(req.method, req.path);
  if (rule == nullptr || !rule->quota) {
    unlimited_->Add();
    return HR::Unhandled;
  }
  size_t index = static_cast<size_t>(rule - rules_.rules().data());
  const Quota& quota = *rule->quota;
  size_t alg = static_cast<size_t>(AlgorithmOf(*rule));
  std::string id = rule->name() + ":" + ClientIp(req);

  client::Result<Decision> d = [&] {
    ScopedTimer timer(latency_[alg]);
    return limiters_[alg]->Check(id, quota);
  }();
  if (!d.ok()) {
    metrics_[index].errors->Add();
    LogWarn("rate limit check failed", {{"rule", rule->name()},
                                        {"error", d.error().ToString()},
                                        {"fail_open", options_.fail_open ? "true" : "false"}});
    if (options_.fail_open) return HR::Unhandled;
    res.status = 503;
    res.set_content(R"({"error":"rate limiter unavailable"})", "application/json");
    return HR::Handled;
  }
  res.set_header("RateLimit-Limit", std::to_string(d->limit));
  res.set_header("RateLimit-Remaining", std::to_string(d->remaining));
  res.set_header("RateLimit-Reset", std::to_string(CeilSeconds(d->reset_ms)));
  res.set_header("RateLimit-Policy", std::to_string(quota.limit) +
                                         ";w=" + std::to_string(CeilSeconds(quota.window_ms)));
  if (d->allowed) {
    metrics_[index].allowed->Add();
    return HR::Unhandled;
  }
  metrics_[index].limited->Add();
  int64_t retry_s = std::max<int64_t>(1, CeilSeconds(d->retry_after_ms));
  res.status = 429;
  res.set_header("Retry-After", std::to_string(retry_s));
  res.set_content(
      R"({"error":"too many requests","retry_after_ms":)" + std::to_string(d->retry_after_ms) + "}",
      "application/json");
  return HR::Handled;
}

}  // namespace ember::demos::ratelimit
