// Metrics for the demo services: counters, gauges and latency histograms,
// rendered in the Prometheus text exposition format (what `GET /metrics`
// answers) and summarised in log lines.
//
// Latencies go into fixed logarithmic buckets (each about 9% wider than the
// last, from 1 microsecond to about 2 minutes), so recording is one atomic
// increment and a percentile is read from the buckets with at most ~9%
// error, whatever the number of samples. They are exported as a Prometheus
// summary (quantiles 0.5, 0.9, 0.99 plus _sum and _count), in seconds.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>

namespace ember::demos {

class Counter {
 public:
  void Add(uint64_t n = 1) { v_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> v_{0};
};

class Gauge {
 public:
  void Set(double v) { v_.store(v, std::memory_order_relaxed); }
  double value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> v_{0};
};

class LatencyHistogram {
 public:
  static constexpr int kBuckets = 8 * 27;  // 2^(1/8) steps over 2^27 us

  void Record(std::chrono::nanoseconds d);
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  // Sum of all samples, in seconds.
  double sum_seconds() const;
  // The q-quantile (0 < q <= 1) in microseconds: the upper edge of the bucket
  // holding it. 0 with no samples.
  double PercentileMicros(double q) const;
  void Reset();

 private:
  std::array<std::atomic<uint64_t>, kBuckets> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_ns_{0};
};

// Measures from construction to destruction into a histogram.
class ScopedTimer {
 public:
  explicit ScopedTimer(LatencyHistogram* h) : h_(h), start_(std::chrono::steady_clock::now()) {}
  ~ScopedTimer() { h_->Record(std::chrono::steady_clock::now() - start_); }

 private:
  LatencyHistogram* h_;
  std::chrono::steady_clock::time_point start_;
};

// Named metrics. Metric objects live as long as the registry and their
// references stay valid (they are kept in a deque).
class Registry {
 public:
  // `name` is a Prometheus metric name ("cache_hits_total"); `labels`, if
  // any, is the text inside the braces ("route=\"get_item\"").
  Counter& AddCounter(const std::string& name, const std::string& help,
                      const std::string& labels = "");
  Gauge& AddGauge(const std::string& name, const std::string& help, const std::string& labels = "");
  LatencyHistogram& AddLatency(const std::string& name, const std::string& help,
                               const std::string& labels = "");
  // A gauge computed when rendered (a ratio, a value fetched elsewhere).
  void AddComputed(const std::string& name, const std::string& help, std::function<double()> fn);

  // The Prometheus text format, version 0.0.4.
  std::string Render() const;

 private:
  struct Entry {
    std::string name, help, labels;
    enum Kind { kCounter, kGauge, kLatency, kComputed } kind;
    Counter* counter = nullptr;
    Gauge* gauge = nullptr;
    LatencyHistogram* latency = nullptr;
    std::function<double()> fn;
  };
  mutable std::mutex mu_;
  std::deque<Counter> counters_;
  std::deque<Gauge> gauges_;
  std::deque<LatencyHistogram> latencies_;
  std::deque<Entry> entries_;
};

// "%g"-style number as Prometheus reads it (NaN and infinities spelled out).
std::string FormatMetricValue(double v);

}  // namespace ember::demos
