// Watching the server, in-process: the slow log, MONITOR, the latency
// monitor and the per-command statistics.
//
// SLOWLOG keeps the newest commands that ran at least
// slowlog-log-slower-than microseconds (-1: none, 0: all), newest first,
// at most slowlog-max-len, each with a unique id, its time, duration,
// arguments (cut at 32 arguments and 128 bytes each), client address and
// name. MONITOR streams every command as a status line
// "+<unix time with µs> [<db> <addr>] "arg" ...", hiding administrative
// commands and passwords. LATENCY keeps, per event ("command",
// "fast-command"...), the worst latency of each second above
// latency-monitor-threshold. INFO commandstats/errorstats count calls,
// time, refusals, failures and error codes until CONFIG RESETSTAT.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/latency.h"
#include "tests/support/command_harness.h"
#include "tests/support/matchers.h"

namespace ember::testing {
namespace {

using protocol::Value;
using server::Client;

TEST(Slowlog, EveryCommandIsLoggedAtThresholdZeroNewestFirst) {
  CommandHarness h;
  h.Run({"CONFIG", "SET", "slowlog-log-slower-than", "0"});
  h.Run({"CLIENT", "SETNAME", "worker"});
  h.Run({"SLOWLOG", "RESET"});
  h.Run({"SET", "k", "v"});
  Value log = h.Run({"SLOWLOG", "GET"});
  // SLOWLOG RESET itself ran slowly enough, then SET.
  ASSERT_EQ(log.elements().size(), 2u);
  const auto& e = log.elements()[0].elements();
  ASSERT_EQ(e.size(), 6u);
  EXPECT_GT(e[0].integer(), log.elements()[1].elements()[0].integer());  // ids increase
  EXPECT_EQ(e[1].integer(), h.NowMs() / 1000);
  EXPECT_THAT(e[3], IsBulkArray(std::vector<std::string>{"SET", "k", "v"}));
  EXPECT_THAT(e[4], IsBulk(h.client().addr));
  EXPECT_THAT(e[5], IsBulk("worker"));
  EXPECT_THAT(h.Run({"SLOWLOG", "LEN"}), IsInt(3));  // and SLOWLOG GET
}

TEST(Slowlog, LongArgumentListsAndValuesAreCut) {
  CommandHarness h;
  h.Run({"CONFIG", "SET", "slowlog-log-slower-than", "0"});
  std::vector<std::string> mset = {"MSET"};
  for (int i = 0; i < 40; ++i) mset.push_back(i == 0 ? std::string(130, 'x') : "a");
  h.Run(mset);
  Value entry = h.Run({"SLOWLOG", "GET", "1"}).elements().at(0);
  const auto& args = entry.elements().at(3).elements();
  ASSERT_EQ(args.size(), 32u);
  EXPECT_EQ(args[1].str(), std::string(128, 'x') + "... (2 more bytes)");
  EXPECT_EQ(args[31].str(), "... (10 more arguments)");
}

TEST(Slowlog, PasswordsAreRedactedAndTheLengthIsCapped) {
  CommandHarness h;
  h.Run({"CONFIG", "SET", "slowlog-log-slower-than", "0"});
  h.Run({"CONFIG", "SET", "slowlog-max-len", "2"});
  h.Run({"AUTH", "secret"});
  Value log = h.Run({"SLOWLOG", "GET", "-1"});
  ASSERT_EQ(log.elements().size(), 2u);
  EXPECT_THAT(log.elements()[0].elements()[3],
              IsBulkArray(std::vector<std::string>{"AUTH", "(redacted)"}));
  EXPECT_THAT(h.Run({"SLOWLOG", "GET", "-2"}),
              IsError("ERR count should be greater than or equal to -1"));
  h.Run({"CONFIG", "SET", "slowlog-log-slower-than", "-1"});
  h.Run({"SLOWLOG", "RESET"});
  h.Run({"SET", "k", "v"});
  EXPECT_THAT(h.Run({"SLOWLOG", "LEN"}), IsInt(0));
}

TEST(Monitor, StreamsEachCommandWithTimeDbAndAddress) {
  CommandHarness h;
  Client& mon = h.NewClient();
  EXPECT_THAT(h.RunAs(mon, {"MONITOR"}), IsOk());
  h.clock().AdvanceMs(1500);
  h.Run({"SELECT", "2"});
  h.Run({"SET", "a b", "x\"y\n"});
  h.Run({"AUTH", "pw"});
  h.Run({"CONFIG", "GET", "hz"});  // administrative: not shown
  int64_t us = h.NowMs() * 1000;
  std::string head = "+" + std::to_string(us / 1000000) + "." +
                     std::string(6 - std::to_string(us % 1000000).size(), '0') +
                     std::to_string(us % 1000000) + " [2 " + h.client().addr + "] ";
  EXPECT_EQ(mon.output(), head + "\"SELECT\" \"2\"\r\n" + head +
                              "\"SET\" \"a b\" \"x\\\"y\\n\"\r\n" + head +
                              "\"AUTH\" \"(redacted)\"\r\n");
  // A monitor may not touch the keyspace, as a replica may not.
  mon.output().clear();
  EXPECT_THAT(h.RunAs(mon, {"GET", "k"}), IsError("ERR Replica can't interact with the keyspace"));
  EXPECT_THAT(h.RunAs(mon, {"RESET"}), IsSimple("RESET"));
  h.Run({"PING"});
  EXPECT_TRUE(mon.output().empty());
}

TEST(Latency, SamplesKeepTheWorstOfEachSecondAndTheAllTimeMaximum) {
  server::LatencyMonitor m;
  m.AddSample("command", 5, 100);
  m.AddSample("command", 9, 100);
  m.AddSample("command", 3, 101);
  const server::LatencyMonitor::Series* s = m.Find("command");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->latest().time_s, 101);
  EXPECT_EQ(s->latest().latency_ms, 3);
  EXPECT_EQ(s->max_ms, 9);
  EXPECT_EQ(m.Find("COMMAND"), nullptr);  // lookups are exact...
  EXPECT_EQ(m.Reset("COMMAND"), 1);       // ...RESET is not
}

TEST(Latency, CommandsReachingTheThresholdAreRecorded) {
  CommandHarness h;
  h.server().AddLatencySampleIfNeeded("command", 50);
  EXPECT_EQ(h.RunRaw({"LATENCY", "LATEST"}), "*0\r\n");  // threshold 0: off
  h.Run({"CONFIG", "SET", "latency-monitor-threshold", "10"});
  h.server().AddLatencySampleIfNeeded("command", 9);
  h.server().AddLatencySampleIfNeeded("fast-command", 10);
  int64_t now = h.NowMs() / 1000;
  Value latest = h.Run({"LATENCY", "LATEST"});
  ASSERT_EQ(latest.elements().size(), 1u);
  EXPECT_EQ(latest.elements()[0], Value::Array({Value::Bulk("fast-command"), Value::Integer(now),
                                                Value::Integer(10), Value::Integer(10)}));
  EXPECT_EQ(h.Run({"LATENCY", "HISTORY", "fast-command"}),
            Value::Array({Value::Array({Value::Integer(now), Value::Integer(10)})}));
  EXPECT_THAT(h.Run({"LATENCY", "RESET"}), IsInt(1));
}

TEST(CommandStats, CallsFailuresAndErrorCodesUntilResetstat) {
  CommandHarness h;
  h.Run({"SET", "k", "v"});
  h.Run({"LPUSH", "k", "x"});
  h.Run({"NOSUCH"});
  std::string stats = h.Run({"INFO", "commandstats"}).str();
  EXPECT_NE(stats.find("cmdstat_lpush:calls=1,"), std::string::npos) << stats;
  EXPECT_NE(stats.find(",rejected_calls=0,failed_calls=1"), std::string::npos) << stats;
  std::string errors = h.Run({"INFO", "errorstats"}).str();
  EXPECT_NE(errors.find("errorstat_WRONGTYPE:count=1"), std::string::npos) << errors;
  EXPECT_NE(errors.find("errorstat_ERR:count=1"), std::string::npos) << errors;
  h.Run({"CONFIG", "RESETSTAT"});
  EXPECT_EQ(h.Run({"INFO", "errorstats"}).str().find("errorstat_"), std::string::npos);
  EXPECT_EQ(h.Run({"INFO", "commandstats"}).str().find("cmdstat_lpush"), std::string::npos);
}

}  // namespace
}  // namespace ember::testing
