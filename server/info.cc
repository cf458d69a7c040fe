#include "server/info.h"

#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <climits>
#include <cstdio>
#include <iterator>

#include "server/memory.h"
#include "server/server.h"
#include "server/version.h"

namespace ember::server {

namespace {

// The sections, in the order INFO prints them.
enum Section {
  kServer,
  kClients,
  kMemory,
  kPersistence,
  kStats,
  kReplication,
  kCpu,
  kModules,
  kCommandStats,
  kErrorStats,
  kCluster,
  kKeyspace,
  kNumSections,
};

constexpr std::array<std::string_view, kNumSections> kSectionNames = {
    "server", "clients", "memory",       "persistence", "stats",   "replication",
    "cpu",    "modules", "commandstats", "errorstats",  "cluster", "keyspace"};

constexpr std::array<std::string_view, kNumSections> kSectionTitles = {
    "Server", "Clients", "Memory",       "Persistence", "Stats",   "Replication",
    "CPU",    "Modules", "Commandstats", "Errorstats",  "Cluster", "Keyspace"};

// What INFO with no argument (or "default") prints.
constexpr std::array<Section, 11> kDefaultSections = {
    kServer, kClients, kMemory,     kPersistence, kStats,   kReplication,
    kCpu,    kModules, kErrorStats, kCluster,     kKeyspace};

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Redis's genInfoSectionDict, over a fixed set of sections.
std::array<bool, kNumSections> SelectSections(ArgList args) {
  std::array<bool, kNumSections> want{};
  auto add_defaults = [&want] {
    for (Section s : kDefaultSections) want[s] = true;
  };
  if (args.empty()) {
    add_defaults();
    return want;
  }
  for (std::string_view arg : args) {
    std::string name = Lower(arg);
    if (name == "default") {
      add_defaults();
    } else if (name == "all" || name == "everything") {
      want.fill(true);
    } else if (name == "module_list") {
      want[kModules] = true;
    } else {
      for (int s = 0; s < kNumSections; ++s) {
        if (kSectionNames[s] == name) want[s] = true;
      }
    }
  }
  return want;
}

template <typename T>
void Field(std::string* out, std::string_view name, const T& value) {
  fmt::format_to(std::back_inserter(*out), "{}:{}\r\n", name, value);
}

std::string OsName() {
  struct utsname u;
  if (uname(&u) != 0) return "unknown";
  return fmt::format("{} {} {}", u.sysname, u.release, u.machine);
}

std::string ExecutablePath() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

std::string CompilerVersion() {
#if defined(__GNUC__)
  return fmt::format("{}.{}.{}", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
#else
  return "0.0.0";
#endif
}

// "seconds.microseconds", as Redis prints CPU time.
std::string CpuTime(const timeval& tv) {
  return fmt::format("{}.{:06}", static_cast<int64_t>(tv.tv_sec), static_cast<int64_t>(tv.tv_usec));
}

uint64_t TotalSystemMemory() {
  long pages = sysconf(_SC_PHYS_PAGES);
  long page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(page) : 0;
}

// Redis's avg_ttl is a running estimate kept by the expiry cycle; Ember
// estimates it when asked, from up to kSamples volatile keys (all of them
// when there are no more), counting only keys not yet expired.
int64_t AverageTtl(Server& server, const storage::Database& db) {
  constexpr size_t kSamples = 128;
  size_t n = db.volatile_count();
  if (n == 0) return 0;
  int64_t now = server.keyspace().now_ms();
  int64_t sum = 0, counted = 0;
  auto visit = [&](size_t i) {
    int64_t ttl = db.VolatileAt(i)->expire_at() - now;
    if (ttl > 0) {
      sum += ttl;
      ++counted;
    }
  };
  if (n <= kSamples) {
    for (size_t i = 0; i < n; ++i) visit(i);
  } else {
    for (size_t k = 0; k < kSamples; ++k) visit(server.keyspace().rng()() % n);
  }
  return counted == 0 ? 0 : sum / counted;
}

void ServerSection(Server& server, std::string* out) {
  const Config& config = server.config();
  const ServerStats& stats = server.stats();
  int64_t now_us = server.clock().NowUs();
  int64_t uptime = (now_us / 1000 - stats.start_time_ms) / 1000;
  Field(out, "redis_version", kRedisCompatVersion);
  Field(out, "ember_version", kEmberVersion);
  Field(out, "redis_mode", "standalone");
  Field(out, "os", OsName());
  Field(out, "arch_bits", sizeof(void*) * 8);
  // Asio's reactor on Linux; Ember builds only there.
  Field(out, "multiplexing_api", "epoll");
  Field(out, "gcc_version", CompilerVersion());
  Field(out, "process_id", getpid());
  Field(out, "run_id", stats.run_id);
  Field(out, "tcp_port", config.port);
  Field(out, "server_time_usec", now_us);
  Field(out, "uptime_in_seconds", uptime);
  Field(out, "uptime_in_days", uptime / 86400);
  // Ember has no dynamic-hz: the cron runs at the configured rate.
  Field(out, "hz", config.hz);
  Field(out, "configured_hz", config.hz);
  Field(out, "lru_clock", server.keyspace().lru_clock());
  Field(out, "executable", ExecutablePath());
  Field(out, "config_file", config.config_file);
  Field(out, "io_threads_active", 0);
}

void ClientsSection(Server& server, std::string* out) {
  size_t blocked = 0;
  // Clients held by CLIENT PAUSE are not in a blocking command.
  for (const auto& [id, c] : server.clients()) {
    blocked += c->has_flag(Client::kBlocked) && !server.pause().IsPostponed(c) ? 1 : 0;
  }
  Field(out, "connected_clients", server.clients().size());
  Field(out, "maxclients", server.config().maxclients);
  Field(out, "blocked_clients", blocked);
}

void MemorySection(Server& server, std::string* out) {
  MemoryUsage mem = MeasureMemory();
  uint64_t& peak = server.stats().used_memory_peak;
  peak = std::max(peak, mem.used);
  uint64_t system = TotalSystemMemory();
  const Config& config = server.config();
  uint64_t maxmemory = static_cast<uint64_t>(config.maxmemory);
  Field(out, "used_memory", mem.used);
  Field(out, "used_memory_human", BytesToHuman(mem.used));
  Field(out, "used_memory_rss", mem.rss);
  Field(out, "used_memory_rss_human", BytesToHuman(mem.rss));
  Field(out, "used_memory_peak", peak);
  Field(out, "used_memory_peak_human", BytesToHuman(peak));
  Field(out, "used_memory_peak_perc",
        fmt::format("{:.2f}%", peak ? 100.0 * static_cast<double>(mem.used) / peak : 0.0));
  Field(out, "total_system_memory", system);
  Field(out, "total_system_memory_human", BytesToHuman(system));
  Field(out, "maxmemory", maxmemory);
  Field(out, "maxmemory_human", BytesToHuman(maxmemory));
  Field(out, "maxmemory_policy", config.maxmemory_policy);
  Field(out, "mem_fragmentation_ratio",
        fmt::format("{:.2f}", mem.used ? static_cast<double>(mem.rss) / mem.used : 0.0));
  Field(out, "mem_fragmentation_bytes",
        static_cast<int64_t>(mem.rss) - static_cast<int64_t>(mem.used));
  // What maxmemory does not count (eviction.h): the AOF buffer.
  Field(out, "mem_not_counted_for_evict", server.evictor().NotCountedMemory());
  Field(out, "mem_aof_buffer", server.aof().buffer_length());
  Field(out, "mem_allocator", "libc");
}

void PersistenceSection(Server& server, std::string* out) {
  const ServerStats& stats = server.stats();
  const SnapshotManager& snap = server.snapshots();
  Field(out, "loading", 0);
  Field(out, "async_loading", 0);
  Field(out, "rdb_changes_since_last_save", stats.dirty);
  Field(out, "rdb_bgsave_in_progress", snap.in_progress() ? 1 : 0);
  Field(out, "rdb_last_save_time", snap.last_save_time());
  Field(out, "rdb_last_bgsave_status", snap.last_bgsave_ok() ? "ok" : "err");
  Field(out, "rdb_last_bgsave_time_sec", snap.last_bgsave_time_sec());
  Field(out, "rdb_current_bgsave_time_sec", snap.current_bgsave_time_sec());
  Field(out, "rdb_saves", snap.saves());
  const AofManager& aof = server.aof();
  Field(out, "aof_enabled", aof.enabled() ? 1 : 0);
  Field(out, "aof_rewrite_in_progress", aof.rewrite_in_progress() ? 1 : 0);
  Field(out, "aof_rewrite_scheduled", aof.rewrite_scheduled() ? 1 : 0);
  Field(out, "aof_last_rewrite_time_sec", aof.last_rewrite_time_sec());
  Field(out, "aof_current_rewrite_time_sec", aof.current_rewrite_time_sec());
  Field(out, "aof_last_bgrewrite_status", aof.last_rewrite_ok() ? "ok" : "err");
  Field(out, "aof_rewrites", aof.rewrites());
  Field(out, "aof_last_write_status", aof.WritesDenied() ? "err" : "ok");
  if (aof.enabled()) {
    Field(out, "aof_current_size", aof.current_size());
    Field(out, "aof_base_size", aof.base_size());
    Field(out, "aof_pending_rewrite", aof.rewrite_scheduled() ? 1 : 0);
    Field(out, "aof_buffer_length", aof.buffer_length());
    Field(out, "aof_pending_bio_fsync", aof.fsync_pending() ? 1 : 0);
    Field(out, "aof_delayed_fsync", 0);
  }
}

void StatsSection(Server& server, std::string* out) {
  const ServerStats& stats = server.stats();
  const storage::KeyspaceStats& ks = server.keyspace().stats();
  Field(out, "total_connections_received", stats.total_connections_received);
  Field(out, "total_commands_processed", stats.total_commands_processed);
  Field(out, "instantaneous_ops_per_sec", static_cast<int64_t>(stats.InstantaneousOps()));
  Field(out, "total_net_input_bytes", stats.total_net_input_bytes);
  Field(out, "total_net_output_bytes", stats.total_net_output_bytes);
  Field(out, "rejected_connections", stats.rejected_connections);
  Field(out, "expired_keys", ks.expired_keys);
  Field(out, "expired_stale_perc", fmt::format("{:.2f}", ks.expired_stale_perc * 100));
  Field(out, "expired_time_cap_reached_count", ks.expired_time_cap_reached_count);
  Field(out, "expire_cycle_cpu_milliseconds", ks.expire_cycle_cpu_milliseconds);
  Field(out, "evicted_keys", stats.evicted_keys);
  Field(out, "keyspace_hits", ks.keyspace_hits);
  Field(out, "keyspace_misses", ks.keyspace_misses);
  Field(out, "latest_fork_usec", stats.latest_fork_usec);
  Field(out, "total_forks", stats.total_forks);
  Field(out, "unexpected_error_replies", stats.unexpected_error_replies);
  Field(out, "total_error_replies", stats.total_error_replies);
}

// A master with no replicas: Ember has no replication.
void ReplicationSection(Server& server, std::string* out) {
  Field(out, "role", "master");
  Field(out, "connected_slaves", 0);
  Field(out, "master_failover_state", "no-failover");
  Field(out, "master_replid", server.stats().replid);
  Field(out, "master_replid2", std::string(40, '0'));
  Field(out, "master_repl_offset", 0);
  Field(out, "second_repl_offset", -1);
  Field(out, "repl_backlog_active", 0);
}

void CpuSection(std::string* out) {
  struct rusage self {
  }, children{}, thread{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  // INFO runs on the command thread, the "main thread" of Redis's fields.
  getrusage(RUSAGE_THREAD, &thread);
  Field(out, "used_cpu_sys", CpuTime(self.ru_stime));
  Field(out, "used_cpu_user", CpuTime(self.ru_utime));
  Field(out, "used_cpu_sys_children", CpuTime(children.ru_stime));
  Field(out, "used_cpu_user_children", CpuTime(children.ru_utime));
  Field(out, "used_cpu_sys_main_thread", CpuTime(thread.ru_stime));
  Field(out, "used_cpu_user_main_thread", CpuTime(thread.ru_utime));
}

void CommandStatsLine(const CommandSpec& cmd, std::string* out) {
  const CommandStats& s = cmd.stats;
  if (s.calls == 0 && s.failed_calls == 0 && s.rejected_calls == 0) return;
  double per_call = s.calls ? static_cast<double>(s.usec) / s.calls : 0.0;
  fmt::format_to(std::back_inserter(*out),
                 "cmdstat_{}:calls={},usec={},usec_per_call={:.2f},rejected_calls={},"
                 "failed_calls={}\r\n",
                 cmd.full_name, s.calls, s.usec, per_call, s.rejected_calls, s.failed_calls);
}

void CommandStatsSection(Server& server, std::string* out) {
  for (const auto& cmd : server.commands().all()) {
    CommandStatsLine(*cmd, out);
    for (const CommandSpec& sub : cmd->subcommands) CommandStatsLine(sub, out);
  }
}

void ErrorStatsSection(Server& server, std::string* out) {
  for (const auto& [code, count] : server.stats().errors_by_code) {
    fmt::format_to(std::back_inserter(*out), "errorstat_{}:count={}\r\n", code, count);
  }
}

void KeyspaceSection(Server& server, std::string* out) {
  storage::Keyspace& keyspace = server.keyspace();
  for (int i = 0; i < keyspace.num_databases(); ++i) {
    const storage::Database& db = keyspace.db(i);
    if (db.size() == 0) continue;
    fmt::format_to(std::back_inserter(*out), "db{}:keys={},expires={},avg_ttl={}\r\n", i, db.size(),
                   db.volatile_count(), AverageTtl(server, db));
  }
}

}  // namespace

std::string BytesToHuman(uint64_t n) {
  constexpr double kK = 1024.0;
  if (n < 1024) return fmt::format("{}B", n);
  double d = static_cast<double>(n);
  if (n < (1ULL << 20)) return fmt::format("{:.2f}K", d / kK);
  if (n < (1ULL << 30)) return fmt::format("{:.2f}M", d / (kK * kK));
  if (n < (1ULL << 40)) return fmt::format("{:.2f}G", d / (kK * kK * kK));
  if (n < (1ULL << 50)) return fmt::format("{:.2f}T", d / (kK * kK * kK * kK));
  if (n < (1ULL << 60)) return fmt::format("{:.2f}P", d / (kK * kK * kK * kK * kK));
  return fmt::format("{}B", n);
}

// used_memory is the malloc counter of server/memory.h (every block the
// process holds, chunk headers included), read in a few nanoseconds, so the
// maxmemory check can afford it before every command. RSS also counts
// what malloc keeps free for reuse, the code and the stacks: their ratio
// is mem_fragmentation_ratio.
MemoryUsage MeasureMemory() {
  MemoryUsage m;
  m.used = UsedMemory();
  // /proc/self/statm: size resident shared ... in pages.
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    unsigned long size = 0, resident = 0;
    if (std::fscanf(f, "%lu %lu", &size, &resident) == 2) {
      m.rss = static_cast<uint64_t>(resident) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
    }
    std::fclose(f);
  }
  return m;
}

std::string GenerateInfo(Server& server, ArgList sections) {
  std::array<bool, kNumSections> want = SelectSections(sections);
  std::string out;
  bool first = true;
  for (int s = 0; s < kNumSections; ++s) {
    if (!want[s]) continue;
    if (!first) out += "\r\n";
    first = false;
    fmt::format_to(std::back_inserter(out), "# {}\r\n", kSectionTitles[s]);
    switch (static_cast<Section>(s)) {
      case kServer:
        ServerSection(server, &out);
        break;
      case kClients:
        ClientsSection(server, &out);
        break;
      case kMemory:
        MemorySection(server, &out);
        break;
      case kPersistence:
        PersistenceSection(server, &out);
        break;
      case kStats:
        StatsSection(server, &out);
        break;
      case kReplication:
        ReplicationSection(server, &out);
        break;
      case kCpu:
        CpuSection(&out);
        break;
      case kModules:
        break;  // no modules
      case kCommandStats:
        CommandStatsSection(server, &out);
        break;
      case kErrorStats:
        ErrorStatsSection(server, &out);
        break;
      case kCluster:
        Field(&out, "cluster_enabled", 0);
        break;
      case kKeyspace:
        KeyspaceSection(server, &out);
        break;
      case kNumSections:
        break;
    }
  }
  return out;
}

}  // namespace ember::server
