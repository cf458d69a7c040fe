#include "server/latency.h"

#include <fmt/format.h>
#include <strings.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "server/config.h"

namespace ember::server {

namespace {

bool SameEvent(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// Bytes of transparent huge pages the process uses (Linux): THP makes
// fork and copy-on-write slow, which DOCTOR warns about.
int64_t AnonHugePagesBytes() {
  std::ifstream in("/proc/self/smaps_rollup");
  if (!in) in.open("/proc/self/smaps");
  int64_t total = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("AnonHugePages:", 0) != 0) continue;
    total += std::strtoll(line.c_str() + std::strlen("AnonHugePages:"), nullptr, 10) * 1024;
  }
  return total;
}

struct SeriesStats {
  int samples = 0;
  uint64_t avg = 0;
  uint64_t mad = 0;    // mean absolute deviation from the average
  int64_t period = 0;  // seconds since the oldest sample, at least 1
};

SeriesStats Analyze(const LatencyMonitor::Series& ts, int64_t now_s) {
  SeriesStats st;
  uint64_t sum = 0;
  int64_t oldest = 0;
  for (const LatencyMonitor::Sample& s : ts.samples) {
    if (s.time_s == 0) continue;
    st.samples++;
    sum += static_cast<uint64_t>(s.latency_ms);
    if (oldest == 0 || s.time_s < oldest) oldest = s.time_s;
  }
  if (st.samples == 0) return st;
  st.avg = sum / static_cast<uint64_t>(st.samples);
  st.period = now_s - oldest;
  if (st.period == 0) st.period = 1;
  uint64_t deviation = 0;
  for (const LatencyMonitor::Sample& s : ts.samples) {
    if (s.time_s == 0) continue;
    int64_t delta = static_cast<int64_t>(st.avg) - s.latency_ms;
    deviation += static_cast<uint64_t>(delta < 0 ? -delta : delta);
  }
  st.mad = deviation / static_cast<uint64_t>(st.samples);
  return st;
}

// Redis's ASCII sparkline (sparkline.c): `rows` rows of "_o#" drawn from
// the bottom, '|' below the top of a bar, then each sample's label
// written vertically under it after one blank row.
std::string Sparkline(const std::vector<std::pair<double, std::string>>& seq, int columns,
                      int rows) {
  static constexpr char kFill[] = "_o#";
  constexpr int kCharsetLen = 3;
  double min = 0, max = 0;
  int labels = 0;
  for (size_t i = 0; i < seq.size(); ++i) {
    double v = seq[i].first;
    if (i == 0) {
      min = max = v;
    } else if (v < min) {
      min = v;
    } else if (v > max) {
      max = v;
    }
    if (!seq[i].second.empty()) labels++;
  }
  std::string out;
  for (size_t offset = 0; offset < seq.size(); offset += static_cast<size_t>(columns)) {
    size_t len = std::min(seq.size() - offset, static_cast<size_t>(columns));
    if (offset != 0) out += '\n';
    double relmax = max - min;
    if (relmax == 0) relmax = 1;
    int steps = kCharsetLen * rows;
    for (int row = 0;; ++row) {
      bool more = false;
      std::string chars(len, ' ');
      for (size_t j = 0; j < len; ++j) {
        const auto& [value, label] = seq[offset + j];
        // As Redis computes it: the product is truncated before dividing.
        int step = static_cast<int>(static_cast<int>((value - min) * steps) / relmax);
        if (step < 0) step = 0;
        if (step >= steps) step = steps - 1;
        if (row < rows) {
          more = true;
          int idx = step - (rows - row - 1) * kCharsetLen;
          if (idx >= 0 && idx < kCharsetLen) {
            chars[j] = kFill[idx];
          } else if (idx >= kCharsetLen) {
            chars[j] = '|';
          }
        } else {
          if (labels > 0 && row - rows < 1) {  // one blank row above labels
            more = true;
            break;
          }
          int label_char = row - rows - 1;
          if (static_cast<int>(label.size()) > label_char) {
            more = true;
            chars[j] = label[static_cast<size_t>(label_char)];
          }
        }
      }
      if (!more) break;
      out += chars;
      out += '\n';
    }
  }
  return out;
}

}  // namespace

void LatencyMonitor::AddSample(std::string_view event, int64_t latency_ms, int64_t now_s) {
  auto it = events_.find(event);
  if (it == events_.end()) it = events_.emplace(std::string(event), Series{}).first;
  Series& ts = it->second;
  if (latency_ms > ts.max_ms) ts.max_ms = latency_ms;
  // One sample per second: the worst of that second.
  Sample& prev = ts.samples[(ts.next + kSeriesLen - 1) % kSeriesLen];
  if (prev.time_s == now_s) {
    if (latency_ms > prev.latency_ms) prev.latency_ms = latency_ms;
    return;
  }
  ts.samples[ts.next] = {now_s, latency_ms};
  ts.next = (ts.next + 1) % kSeriesLen;
}

const LatencyMonitor::Series* LatencyMonitor::Find(std::string_view event) const {
  auto it = events_.find(event);
  return it == events_.end() ? nullptr : &it->second;
}

int LatencyMonitor::Reset(std::string_view event) {
  int n = 0;
  for (auto it = events_.begin(); it != events_.end();) {
    if (SameEvent(it->first, event)) {
      it = events_.erase(it);
      ++n;
    } else {
      ++it;
    }
  }
  return n;
}

int LatencyMonitor::ResetAll() {
  int n = static_cast<int>(events_.size());
  events_.clear();
  return n;
}

std::string LatencyMonitor::Doctor(const Config& config, int64_t now_s) const {
  if (events_.empty() && config.latency_monitor_threshold == 0) {
    return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis "
           "instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in "
           "order to enable it. If we weren't in a deep space mission I'd suggest to take a look "
           "at https://redis.io/topics/latency-monitor.\n";
  }
  bool slowlog_enabled = false, slowlog_tuning = false, slowlog_inspect = false;
  bool scheduler = false, local_disk = false, ssd = false, data_writeback = false;
  bool disk_contention = false, no_appendfsync = false, relax_fsync = false;
  bool write_load_info = false, hz = false, large_objects = false, mass_eviction = false;
  bool disable_thp = false;
  int advices = 0;
  int eventnum = 0;
  std::string report;
  for (const auto& [event, ts] : events_) {
    ++eventnum;
    if (eventnum == 1) {
      report +=
          "Dave, I have observed latency spikes in this Redis instance. You don't mind talking "
          "about it, do you Dave?\n\n";
    }
    SeriesStats st = Analyze(ts, now_s);
    report += fmt::format(
        "{}. {}: {} latency spikes (average {}ms, mean deviation {}ms, period {:.2f} sec). Worst "
        "all time event {}ms.",
        eventnum, event, st.samples, st.avg, st.mad,
        st.samples > 0 ? static_cast<double>(st.period) / st.samples : 0.0, ts.max_ms);
    if (SameEvent(event, "command")) {
      if (config.slowlog_log_slower_than < 0) {
        slowlog_enabled = true;
        advices++;
      } else if (config.slowlog_log_slower_than / 1000 > config.latency_monitor_threshold) {
        slowlog_tuning = true;
        advices++;
      }
      slowlog_inspect = large_objects = true;
      advices += 2;
    }
    if (SameEvent(event, "fast-command")) {
      scheduler = true;
      advices++;
    }
    if (SameEvent(event, "aof-write-pending-fsync")) {
      local_disk = disk_contention = ssd = data_writeback = true;
      advices += 4;
    }
    if (SameEvent(event, "aof-write-active-child")) {
      no_appendfsync = data_writeback = ssd = true;
      advices += 3;
    }
    if (SameEvent(event, "aof-write-alone")) {
      local_disk = data_writeback = ssd = true;
      advices += 3;
    }
    if (SameEvent(event, "aof-fsync-always")) {
      relax_fsync = true;
      advices++;
    }
    if (SameEvent(event, "aof-fstat") || SameEvent(event, "rdb-unlink-temp-file")) {
      disk_contention = local_disk = true;
      advices += 2;
    }
    if (SameEvent(event, "aof-rewrite-diff-write") || SameEvent(event, "aof-rename")) {
      write_load_info = data_writeback = ssd = local_disk = true;
      advices += 4;
    }
    if (SameEvent(event, "expire-cycle")) {
      hz = large_objects = true;
      advices += 2;
    }
    if (SameEvent(event, "eviction-del")) {
      large_objects = true;
      advices++;
    }
    if (SameEvent(event, "eviction-cycle")) {
      mass_eviction = true;
      advices++;
    }
    report += '\n';
  }
  if (AnonHugePagesBytes() > 0) {
    disable_thp = true;
    advices++;
  }

  if (eventnum == 0 && advices == 0) {
    report +=
        "Dave, no latency spike was observed during the lifetime of this Redis instance, not in "
        "the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, "
        "and think things over.\n";
    return report;
  }
  if (eventnum > 0 && advices == 0) {
    report +=
        "\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please "
        "use the Redis community to get some help, providing this report in your help "
        "request.\n";
    return report;
  }
  report += "\nI have a few advices for you:\n\n";
  uint64_t suggested_slowlog = static_cast<uint64_t>(config.latency_monitor_threshold) * 1000;
  if (slowlog_enabled) {
    report += fmt::format(
        "- There are latency issues with potentially slow commands you are using. Try to enable "
        "the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than {}'. "
        "If the Slow log is disabled Redis is not able to log slow commands execution for "
        "you.\n",
        suggested_slowlog);
  }
  if (slowlog_tuning) {
    report += fmt::format(
        "- Your current Slow Log configuration only logs events that are slower than your "
        "configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than "
        "{}'.\n",
        suggested_slowlog);
  }
  if (slowlog_inspect) {
    report +=
        "- Check your Slow Log to understand what are the commands you are running which are too "
        "slow to execute. Please check https://redis.io/commands/slowlog for more "
        "information.\n";
  }
  if (scheduler) {
    report +=
        "- The system is slow to execute Redis code paths not containing system calls. This "
        "usually means the system does not provide Redis CPU time to run for long periods. You "
        "should try to:\n"
        "  1) Lower the system load.\n"
        "  2) Use a computer / VM just for Redis if you are running other software in the same "
        "system.\n"
        "  3) Check if you have a \"noisy neighbour\" problem.\n"
        "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in "
        "your system.\n"
        "  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, "
        "if you are using Jemalloc. However this may create fragmentation problems.\n";
  }
  if (local_disk) {
    report +=
        "- It is strongly advised to use local disks for persistence, especially if you are "
        "using AOF. Remote disks provided by platform-as-a-service providers are known to be "
        "slow.\n";
  }
  if (ssd) {
    report +=
        "- SSD disks are able to reduce fsync latency, and total time needed for snapshotting "
        "and AOF log rewriting (resulting in smaller memory usage and smaller final AOF rewrite "
        "buffer flushes). With extremely high write load SSD disks can be a good option. "
        "However Redis should perform reasonably with high load using normal disks. Use this "
        "advice as a last resort.\n";
  }
  if (data_writeback) {
    report +=
        "- Mounting ext3/4 filesystems with data=writeback can provide a performance boost "
        "compared to data=ordered, however this mode of operation provides less guarantees, and "
        "sometimes it can happen that after a hard crash the AOF file will have a half-written "
        "command at the end and will require to be repaired before Redis restarts.\n";
  }
  if (disk_contention) {
    report +=
        "- Try to lower the disk contention. This is often caused by other disk intensive "
        "processes running in the same computer (including other Redis instances).\n";
  }
  if (no_appendfsync) {
    report +=
        "- Assuming from the point of view of data safety this is viable in your environment, "
        "you could try to enable the 'no-appendfsync-on-rewrite' option, so that fsync will "
        "not be performed while there is a child rewriting the AOF file or producing an RDB "
        "file (the moment where there is high disk contention).\n";
  }
  if (relax_fsync && config.appendfsync == "always") {
    report +=
        "- Your fsync policy is set to 'always'. It is very hard to get good performances with "
        "such a setup, if possible try to relax the fsync policy to 'onesec'.\n";
  }
  if (write_load_info) {
    report +=
        "- Latency during the AOF atomic rename operation or when the final difference is "
        "flushed to the AOF file at the end of the rewrite, sometimes is caused by very high "
        "write load, causing the AOF buffer to get very large. If possible try to send less "
        "commands to accomplish the same work, or use Lua scripts to group multiple operations "
        "into a single EVALSHA call.\n";
  }
  if (hz && config.hz < 100) {
    report +=
        "- In order to make the Redis keys expiring process more incremental, try to set the "
        "'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.\n";
  }
  if (large_objects) {
    report +=
        "- Deleting, expiring or evicting (because of maxmemory policy) large objects is a "
        "blocking operation. If you have very large objects that are often deleted, expired, or "
        "evicted, try to fragment those objects into multiple smaller objects.\n";
  }
  if (mass_eviction) {
    report +=
        "- Sudden changes to the 'maxmemory' setting via 'CONFIG SET', or allocation of large "
        "objects via sets or sorted sets intersections, STORE option of SORT, Redis Cluster "
        "large keys migrations (RESTORE command), may create sudden memory pressure forcing the "
        "server to block trying to evict keys. \n";
  }
  if (disable_thp) {
    report +=
        "- I detected a non zero amount of anonymous huge pages used by your process. This "
        "creates very serious latency events in different conditions, especially when Redis is "
        "persisting on disk. To disable THP support use the command 'echo never > "
        "/sys/kernel/mm/transparent_hugepage/enabled', make sure to also add it into "
        "/etc/rc.local so that the command will be executed again after a reboot. Note that "
        "even if you have already disabled THP, you still need to restart the Redis process to "
        "get rid of the huge pages already created.\n";
  }
  return report;
}

std::string LatencyMonitor::Graph(std::string_view event, const Series& ts, int64_t now_s) {
  std::vector<std::pair<double, std::string>> seq;
  int64_t min = 0, max = 0;
  for (int j = 0; j < kSeriesLen; ++j) {
    const Sample& s = ts.samples[(ts.next + j) % kSeriesLen];
    if (s.time_s == 0) continue;
    if (seq.empty()) {
      min = max = s.latency_ms;
    } else {
      max = std::max(max, s.latency_ms);
      min = std::min(min, s.latency_ms);
    }
    // Labelled with how long ago it happened, in the largest whole unit.
    int64_t ago = now_s - s.time_s;
    std::string label = ago < 60          ? fmt::format("{}s", ago)
                        : ago < 3600      ? fmt::format("{}m", ago / 60)
                        : ago < 3600 * 24 ? fmt::format("{}h", ago / 3600)
                                          : fmt::format("{}d", ago / (3600 * 24));
    seq.emplace_back(static_cast<double>(s.latency_ms), std::move(label));
  }
  std::string graph =
      fmt::format("{} - high {} ms, low {} ms (all time high {} ms)\n", event, max, min, ts.max_ms);
  graph.append(80, '-');
  graph += '\n';
  graph += Sparkline(seq, 80, 4);
  return graph;
}

}  // namespace ember::server
