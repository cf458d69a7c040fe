// INFO, as Redis 7.0 formats it: "# Section" headers, "field:value" lines
// ending in CRLF, one empty line between sections, a bulk string (a
// verbatim "txt" string in RESP3). With no argument it prints the default
// sections; "all" and "everything" add commandstats; names pick sections in
// any case and are printed in Redis's order, whatever order they came in.
//
// The numbers are live: these tests move them (a GET hit, a failing
// command, the manual clock) and watch INFO follow.
#include "server/info.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "tests/support/command_harness.h"
#include "tests/support/matchers.h"

namespace ember::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The fields of an INFO text.
std::map<std::string, std::string> Fields(const std::string& text) {
  std::map<std::string, std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find("\r\n", pos);
    std::string line = text.substr(pos, end - pos);
    pos = end + 2;
    size_t colon = line.find(':');
    if (line.empty() || line[0] == '#' || colon == std::string::npos) continue;
    out[line.substr(0, colon)] = line.substr(colon + 1);
  }
  return out;
}

std::vector<std::string> Headers(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find("\r\n", pos);
    if (text.compare(pos, 2, "# ") == 0) out.push_back(text.substr(pos + 2, end - pos - 2));
    pos = end + 2;
  }
  return out;
}

std::string Info(CommandHarness& h, std::initializer_list<std::string_view> sections = {}) {
  std::vector<std::string> args = {"INFO"};
  args.insert(args.end(), sections.begin(), sections.end());
  protocol::Value v = h.Run(args);
  EXPECT_EQ(v.type(), protocol::Type::kBulkString);
  return v.str();
}

int64_t IntField(CommandHarness& h, std::string_view section, const std::string& name) {
  auto fields = Fields(Info(h, {section}));
  EXPECT_TRUE(fields.contains(name)) << name;
  return std::stoll(fields[name]);
}

const std::vector<std::string> kDefaultHeaders = {
    "Server", "Clients", "Memory",     "Persistence", "Stats",   "Replication",
    "CPU",    "Modules", "Errorstats", "Cluster",     "Keyspace"};

// --- Sections and format ---

TEST(Info, WithoutArgumentsPrintsTheDefaultSections) {
  CommandHarness h;
  EXPECT_EQ(Headers(Info(h)), kDefaultHeaders);
  EXPECT_EQ(Headers(Info(h, {"default"})), kDefaultHeaders);
}

TEST(Info, AllAndEverythingAddCommandstats) {
  CommandHarness h;
  std::vector<std::string> all = {"Server",       "Clients",     "Memory",  "Persistence",
                                  "Stats",        "Replication", "CPU",     "Modules",
                                  "Commandstats", "Errorstats",  "Cluster", "Keyspace"};
  EXPECT_EQ(Headers(Info(h, {"all"})), all);
  EXPECT_EQ(Headers(Info(h, {"everything"})), all);
  EXPECT_EQ(Headers(Info(h, {"default", "commandstats"})), all);
}

TEST(Info, SectionsComeInRedisOrderWhateverTheArgumentOrder) {
  CommandHarness h;
  EXPECT_EQ(Headers(Info(h, {"KEYSPACE", "Server", "server"})),
            (std::vector<std::string>{"Server", "Keyspace"}));
  EXPECT_EQ(Headers(Info(h, {"modules"})), std::vector<std::string>{"Modules"});
}

TEST(Info, UnknownSectionsAreIgnored) {
  CommandHarness h;
  EXPECT_EQ(Info(h, {"nonsense"}), "");
  EXPECT_EQ(Headers(Info(h, {"nonsense", "cpu"})), std::vector<std::string>{"CPU"});
}

TEST(Info, LinesEndInCrlfWithOneEmptyLineBetweenSections) {
  CommandHarness h;
  h.Run({"SET", "k", "v"});
  std::string text = Info(h, {"cluster", "keyspace"});
  EXPECT_EQ(text,
            "# Cluster\r\ncluster_enabled:0\r\n\r\n# Keyspace\r\n"
            "db0:keys=1,expires=0,avg_ttl=0\r\n");
  EXPECT_EQ(Info(h, {"modules"}), "# Modules\r\n");
}

TEST(Info, Resp3SendsAVerbatimTextString) {
  CommandHarness h;
  h.Run({"HELLO", "3"});
  std::string text = "# Cluster\r\ncluster_enabled:0\r\n";
  EXPECT_EQ(h.RunRaw({"INFO", "cluster"}),
            "=" + std::to_string(4 + text.size()) + "\r\ntxt:" + text + "\r\n");
  protocol::Value v = h.Run({"INFO", "server"});
  EXPECT_EQ(v.type(), protocol::Type::kVerbatim);
  EXPECT_EQ(v.format(), "txt");
}

// --- Server ---

TEST(Info, ServerIdentifiesTheProcess) {
  CommandHarness h;
  auto f = Fields(Info(h, {"server"}));
  EXPECT_EQ(f["redis_version"], "7.0.15");
  EXPECT_EQ(f["ember_version"], EMBER_VERSION);
  EXPECT_EQ(f["redis_mode"], "standalone");
  EXPECT_EQ(f["arch_bits"], std::to_string(sizeof(void*) * 8));
  EXPECT_EQ(f["multiplexing_api"], "epoll");
  EXPECT_EQ(f["process_id"], std::to_string(getpid()));
  EXPECT_EQ(f["tcp_port"], "6379");
  EXPECT_EQ(f["hz"], "10");
  EXPECT_EQ(f["configured_hz"], "10");
  EXPECT_EQ(f["config_file"], "");
  EXPECT_THAT(f["os"], HasSubstr("Linux"));
  EXPECT_THAT(f["executable"], ::testing::StartsWith("/"));
  EXPECT_EQ(f["run_id"].size(), 40u);
  EXPECT_EQ(f["run_id"].find_first_not_of("0123456789abcdef"), std::string::npos) << f["run_id"];
}

TEST(Info, RunIdIsFixedForAServerAndNewForAnother) {
  CommandHarness a, b;
  std::string id = Fields(Info(a, {"server"}))["run_id"];
  EXPECT_EQ(Fields(Info(a, {"server"}))["run_id"], id);
  EXPECT_NE(Fields(Info(b, {"server"}))["run_id"], id);
}

TEST(Info, UptimeAndServerTimeFollowTheClock) {
  CommandHarness h;
  h.AdvanceMs(3 * 86400 * 1000 + 1500);
  auto f = Fields(Info(h, {"server"}));
  EXPECT_EQ(f["uptime_in_seconds"], std::to_string(3 * 86400 + 1));
  EXPECT_EQ(f["uptime_in_days"], "3");
  EXPECT_EQ(f["server_time_usec"], std::to_string(h.clock().NowUs()));
  EXPECT_EQ(f["lru_clock"], std::to_string((h.NowMs() / 1000) & ((1 << 24) - 1)));
}

TEST(Info, HzFollowsConfigSet) {
  CommandHarness h;
  h.Run({"CONFIG", "SET", "hz", "50"});
  EXPECT_EQ(IntField(h, "server", "hz"), 50);
}

// --- Clients ---

TEST(Info, ClientsCountsConnections) {
  CommandHarness h;
  EXPECT_EQ(IntField(h, "clients", "connected_clients"), 1);
  h.NewClient();
  EXPECT_EQ(IntField(h, "clients", "connected_clients"), 2);
  EXPECT_EQ(IntField(h, "clients", "maxclients"), 10000);
  EXPECT_EQ(IntField(h, "clients", "blocked_clients"), 0);
}

TEST(Info, BlockedClientsCountsClientsWaitingInBlockingCommands) {
  CommandHarness h;
  server::Client& waiter = h.NewClient();
  h.RunAs(waiter, {"BLPOP", "queue", "0"});
  ASSERT_TRUE(h.IsBlocked(waiter));
  EXPECT_EQ(IntField(h, "clients", "blocked_clients"), 1);
  h.Run({"RPUSH", "queue", "job"});
  EXPECT_EQ(IntField(h, "clients", "blocked_clients"), 0);
}

// --- Memory ---

TEST(Info, UsedMemoryGrowsWithTheDataset) {
  CommandHarness h;
  int64_t before = IntField(h, "memory", "used_memory");
  EXPECT_GT(before, 0);
  std::string value(1000, 'x');
  for (int i = 0; i < 10000; ++i) h.Run({"SET", "key:" + std::to_string(i), value});
  auto f = Fields(Info(h, {"memory"}));
  int64_t after = std::stoll(f["used_memory"]);
  // 10 MB of values went in.
  EXPECT_GT(after - before, 10'000'000);
  EXPECT_GE(std::stoll(f["used_memory_peak"]), after);
  EXPECT_GT(std::stoll(f["used_memory_rss"]), 0);
  EXPECT_EQ(f["used_memory_human"], server::BytesToHuman(after));
  EXPECT_EQ(f["maxmemory"], "0");
  EXPECT_EQ(f["maxmemory_policy"], "noeviction");
  EXPECT_EQ(f["mem_allocator"], "libc");

  // The peak remembers what FLUSHALL gave back.
  h.Run({"FLUSHALL"});
  auto g = Fields(Info(h, {"memory"}));
  EXPECT_LT(std::stoll(g["used_memory"]), after);
  EXPECT_GE(std::stoll(g["used_memory_peak"]), after);
}

TEST(Info, BytesToHumanUsesRedisUnits) {
  EXPECT_EQ(server::BytesToHuman(0), "0B");
  EXPECT_EQ(server::BytesToHuman(1023), "1023B");
  EXPECT_EQ(server::BytesToHuman(1024), "1.00K");
  EXPECT_EQ(server::BytesToHuman(1536), "1.50K");
  EXPECT_EQ(server::BytesToHuman(1024 * 1024), "1.00M");
  EXPECT_EQ(server::BytesToHuman(3ULL << 30), "3.00G");
}

// --- Persistence ---

TEST(Info, ChangesSinceLastSaveCountWrites) {
  CommandHarness h;
  h.Run({"SET", "a", "1"});
  h.Run({"SET", "b", "2"});
  h.Run({"GET", "a"});
  auto f = Fields(Info(h, {"persistence"}));
  EXPECT_EQ(f["rdb_changes_since_last_save"], "2");
  EXPECT_EQ(f["loading"], "0");
  EXPECT_EQ(f["rdb_bgsave_in_progress"], "0");
  EXPECT_EQ(f["aof_enabled"], "0");
  EXPECT_EQ(f["rdb_last_save_time"], std::to_string(h.NowMs() / 1000));
}

// --- Stats ---

TEST(Info, KeyspaceHitsAndMisses) {
  CommandHarness h;
  h.Run({"SET", "k", "v"});
  h.Run({"GET", "k"});
  h.Run({"GET", "k"});
  h.Run({"GET", "missing"});
  EXPECT_EQ(IntField(h, "stats", "keyspace_hits"), 2);
  EXPECT_EQ(IntField(h, "stats", "keyspace_misses"), 1);
}

TEST(Info, CommandsProcessedCountsEveryCall) {
  CommandHarness h;
  for (int i = 0; i < 5; ++i) h.Run({"PING"});
  // The five PINGs; INFO counts itself only once it has run.
  EXPECT_EQ(IntField(h, "stats", "total_commands_processed"), 5);
  EXPECT_EQ(IntField(h, "stats", "total_connections_received"), 1);
}

TEST(Info, InstantaneousOpsComesFromTheCronSamples) {
  CommandHarness h;
  for (int i = 0; i < 160; ++i) h.Run({"PING"});
  h.AdvanceMs(1000);
  h.server().Cron();
  // One sample of 160 ops/s, averaged over the 16 sample slots.
  EXPECT_EQ(IntField(h, "stats", "instantaneous_ops_per_sec"), 10);
}

TEST(Info, ResetStatRestartsTheOpsSampling) {
  CommandHarness h;
  for (int i = 0; i < 160; ++i) h.Run({"PING"});
  h.AdvanceMs(1000);
  h.server().Cron();
  h.Run({"CONFIG", "RESETSTAT"});
  EXPECT_EQ(IntField(h, "stats", "instantaneous_ops_per_sec"), 0);
  h.AdvanceMs(1000);
  h.server().Cron();
  // RESETSTAT and the INFO above: 2 ops in a second, not a wrapped-around
  // counter.
  EXPECT_EQ(IntField(h, "stats", "instantaneous_ops_per_sec"), 0);
}

TEST(Info, ErrorRepliesAreCountedByCode) {
  server::Config config = CommandHarness::DefaultConfig();
  config.requirepass = "pw";
  CommandHarness h(config);
  h.Run({"AUTH", "pw"});
  h.Run({"NOSUCHCOMMAND"});
  h.Run({"GET"});
  server::Client& stranger = h.NewClient();
  h.RunAs(stranger, {"PING"});
  std::string text = Info(h, {"stats", "errorstats"});
  EXPECT_THAT(text, HasSubstr("total_error_replies:3\r\n"));
  EXPECT_THAT(text, HasSubstr("# Errorstats\r\nerrorstat_ERR:count=2\r\nerrorstat_NOAUTH:count=1"
                              "\r\n"));
}

// --- Commandstats ---

TEST(Info, CommandstatsCountCallsFailuresAndRejections) {
  CommandHarness h;
  h.Run({"SET", "k", "v"});
  h.Run({"GET", "k"});
  h.Run({"GET", "k"});
  h.Run({"SET", "k", "v", "NX", "XX"});  // runs, fails
  h.Run({"GET"});                        // refused before running
  std::string text = Info(h, {"commandstats"});
  size_t at = text.find("cmdstat_get:");
  ASSERT_NE(at, std::string::npos) << text;
  unsigned long long calls, usec, rejected, failed;
  double per_call;
  ASSERT_EQ(std::sscanf(text.c_str() + at,
                        "cmdstat_get:calls=%llu,usec=%llu,usec_per_call=%lf,rejected_calls=%llu,"
                        "failed_calls=%llu\r\n",
                        &calls, &usec, &per_call, &rejected, &failed),
            5)
      << text;
  EXPECT_EQ(calls, 2u);
  EXPECT_EQ(rejected, 1u);
  EXPECT_EQ(failed, 0u);
  EXPECT_NEAR(per_call, usec / 2.0, 0.006);
  EXPECT_THAT(text, HasSubstr(",rejected_calls=0,failed_calls=1\r\n"));
  EXPECT_THAT(text, HasSubstr("cmdstat_set:calls=2,"));
  EXPECT_THAT(text, Not(HasSubstr("cmdstat_del")));  // never called
}

TEST(Info, SubcommandsAreNamedWithAPipe) {
  CommandHarness h;
  h.Run({"CONFIG", "GET", "port"});
  h.Run({"CONFIG"});
  std::string text = Info(h, {"commandstats"});
  EXPECT_THAT(text, HasSubstr("cmdstat_config:calls=0,usec=0,usec_per_call=0.00,"
                              "rejected_calls=1,failed_calls=0\r\n"));
  EXPECT_THAT(text, HasSubstr("cmdstat_config|get:calls=1,"));
}

// --- Keyspace ---

TEST(Info, KeyspaceListsNonEmptyDatabasesWithTheirTtls) {
  CommandHarness h;
  EXPECT_EQ(Info(h, {"keyspace"}), "# Keyspace\r\n");
  h.Run({"SET", "a", "1"});
  h.Run({"SELECT", "2"});
  h.Run({"SET", "b", "1", "PX", "10000"});
  h.Run({"SET", "c", "1", "PX", "20000"});
  h.Run({"SET", "d", "1"});
  EXPECT_EQ(Info(h, {"keyspace"}),
            "# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n"
            "db2:keys=3,expires=2,avg_ttl=15000\r\n");
  h.AdvanceMs(4000);
  EXPECT_THAT(Info(h, {"keyspace"}), HasSubstr("db2:keys=3,expires=2,avg_ttl=11000\r\n"));
}

}  // namespace
}  // namespace ember::testing
