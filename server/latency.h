// The latency monitor: how long the server's slow moments lasted, by kind
// of event (Redis's latency.c).
//
// With `latency-monitor-threshold` set to N milliseconds, every event that
// takes N ms or more is recorded as a sample in its event's time series:
// "command" for a slow command, "fast-command" for a command flagged fast
// (O(1) or O(log n): if one of those is slow, the machine is the problem),
// "expire-cycle" for an active expiry cycle, and so on. A series keeps the
// last 160 samples, at most one per second (the worst of that second), and
// its all-time maximum. LATENCY LATEST, HISTORY and GRAPH read the series;
// DOCTOR turns them into advice.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace ember::server {

struct Config;

class LatencyMonitor {
 public:
  static constexpr int kSeriesLen = 160;

  struct Sample {
    int64_t time_s = 0;  // 0: an empty slot
    int64_t latency_ms = 0;
  };
  struct Series {
    Sample samples[kSeriesLen];
    int next = 0;  // the slot the next sample goes to
    int64_t max_ms = 0;
    // The most recent sample.
    const Sample& latest() const { return samples[(next + kSeriesLen - 1) % kSeriesLen]; }
  };

  // Records a sample for `event` (callers check the threshold first).
  void AddSample(std::string_view event, int64_t latency_ms, int64_t now_s);
  // Exact, case-sensitive name, as Redis looks series up; nullptr if none.
  const Series* Find(std::string_view event) const;
  // Drops the series named `event` (case-insensitive); returns how many.
  int Reset(std::string_view event);
  // Drops every series; returns how many there were.
  int ResetAll();
  // Event names in a fixed (sorted) order; Redis's order is its hash
  // table's.
  const std::map<std::string, Series, std::less<>>& events() const { return events_; }
  bool empty() const { return events_.empty(); }

  // LATENCY DOCTOR's report.
  std::string Doctor(const Config& config, int64_t now_s) const;
  // LATENCY GRAPH's ASCII art for one series.
  static std::string Graph(std::string_view event, const Series& series, int64_t now_s);

 private:
  std::map<std::string, Series, std::less<>> events_;
};

}  // namespace ember::server
