#include "demos/common/metrics.h"

#include <cmath>
#include <cstdio>
#include <set>

namespace ember::demos {

namespace {

// Upper edge, in microseconds, of bucket i: 2^((i+1)/8).
double BucketUpperMicros(int i) { return std::exp2((i + 1) / 8.0); }

int BucketFor(double micros) {
  if (micros <= 1) return 0;
  int i = static_cast<int>(std::ceil(std::log2(micros) * 8.0)) - 1;
  if (i < 0) return 0;
  return i >= LatencyHistogram::kBuckets ? LatencyHistogram::kBuckets - 1 : i;
}

}  // namespace

void LatencyHistogram::Record(std::chrono::nanoseconds d) {
  int64_t ns = d.count() < 0 ? 0 : d.count();
  buckets_[BucketFor(static_cast<double>(ns) / 1000.0)].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<uint64_t>(ns), std::memory_order_relaxed);
}

double LatencyHistogram::sum_seconds() const {
  return static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
}

double LatencyHistogram::PercentileMicros(double q) const {
  uint64_t total = 0;
  std::array<uint64_t, kBuckets> snap;
  for (int i = 0; i < kBuckets; ++i) {
    snap[i] = buckets_[i].load(std::memory_order_relaxed);
    total += snap[i];
  }
  if (total == 0) return 0;
  // The smallest bucket whose cumulative count reaches ceil(q * total).
  uint64_t rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(total)));
  if (rank == 0) rank = 1;
  uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += snap[i];
    if (seen >= rank) return BucketUpperMicros(i);
  }
  return BucketUpperMicros(kBuckets - 1);
}

void LatencyHistogram::Reset() {
  for (auto& b : buckets_) b.store(0, std::memory_order_relaxed);
  count_.store(0, std::memory_order_relaxed);
  sum_ns_.store(0, std::memory_order_relaxed);
}

Counter& Registry::AddCounter(const std::string& name, const std::string& help,
                              const std::string& labels) {
  std::lock_guard lock(mu_);
  Counter& c = counters_.emplace_back();
  Entry e{name, help, labels, Entry::kCounter};
  e.counter = &c;
  entries_.push_back(std::move(e));
  return c;
}

Gauge& Registry::AddGauge(const std::string& name, const std::string& help,
                          const std::string& labels) {
  std::lock_guard lock(mu_);
  Gauge& g = gauges_.emplace_back();
  Entry e{name, help, labels, Entry::kGauge};
  e.gauge = &g;
  entries_.push_back(std::move(e));
  return g;
}

LatencyHistogram& Registry::AddLatency(const std::string& name, const std::string& help,
                                       const std::string& labels) {
  std::lock_guard lock(mu_);
  LatencyHistogram& h = latencies_.emplace_back();
  Entry e{name, help, labels, Entry::kLatency};
  e.latency = &h;
  entries_.push_back(std::move(e));
  return h;
}

void Registry::AddComputed(const std::string& name, const std::string& help,
                           std::function<double()> fn) {
  std::lock_guard lock(mu_);
  Entry e{name, help, "", Entry::kComputed};
  e.fn = std::move(fn);
  entries_.push_back(std::move(e));
}

std::string FormatMetricValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 9007199254740992.0) {
    std::snprintf(buf, sizeof(buf), "%.0f", v);  // counters: exact integers
  } else {
    std::snprintf(buf, sizeof(buf), "%.9g", v);
  }
  return buf;
}

std::string Registry::Render() const {
  std::lock_guard lock(mu_);
  std::string out;
  std::set<std::string> described;
  auto series = [](const std::string& name, const std::string& labels) {
    return labels.empty() ? name : name + "{" + labels + "}";
  };
  for (const Entry& e : entries_) {
    // HELP and TYPE once per metric name, even when several label sets share it.
    if (described.insert(e.name).second) {
      const char* type = e.kind == Entry::kCounter   ? "counter"
                         : e.kind == Entry::kLatency ? "summary"
                                                     : "gauge";
      out += "# HELP " + e.name + " " + e.help + "\n";
      out += "# TYPE " + e.name + " " + type + "\n";
    }
    switch (e.kind) {
      case Entry::kCounter:
        out += series(e.name, e.labels) + " " +
               FormatMetricValue(static_cast<double>(e.counter->value())) + "\n";
        break;
      case Entry::kGauge:
        out += series(e.name, e.labels) + " " + FormatMetricValue(e.gauge->value()) + "\n";
        break;
      case Entry::kComputed:
        out += series(e.name, e.labels) + " " + FormatMetricValue(e.fn()) + "\n";
        break;
      case Entry::kLatency: {
        std::string sep = e.labels.empty() ? "" : e.labels + ",";
        for (double q : {0.5, 0.9, 0.99}) {
          out += e.name + "{" + sep + "quantile=\"" + FormatMetricValue(q) + "\"} " +
                 FormatMetricValue(e.latency->PercentileMicros(q) / 1e6) + "\n";
        }
        out += series(e.name + "_sum", e.labels) + " " +
               FormatMetricValue(e.latency->sum_seconds()) + "\n";
        out += series(e.name + "_count", e.labels) + " " +
               FormatMetricValue(static_cast<double>(e.latency->count())) + "\n";
        break;
      }
    }
  }
  return out;
}

}  // namespace ember::demos
