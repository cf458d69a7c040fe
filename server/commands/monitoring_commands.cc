// Watching the server at work: MONITOR (every command, as it runs), SLOWLOG
// (the commands that took too long, server/slowlog.h) and LATENCY (the
// server's slow moments by kind, server/latency.h).
#include <fmt/format.h>

#include <cstdint>
#include <string>

#include "protocol/errors.h"
#include "server/command_table.h"
#include "server/commands/reply_util.h"
#include "storage/numbers.h"

namespace ember::server {

namespace {

namespace errors = protocol::errors;

// MONITOR: from now on the client receives a line for every command any
// client runs (server.cc, FeedMonitors). A second MONITOR is ignored,
// without a reply, as in Redis.
void MonitorCommand(CommandContext& ctx, ArgList) {
  // Inside EXEC the client expects exactly one reply per command.
  if (ctx.in_exec()) return ctx.reply().Error("ERR MONITOR isn't allowed for DENY BLOCKING client");
  if (ctx.client().has_flag(Client::kMonitor)) return;
  ctx.server().AddMonitor(ctx.client());
  ctx.reply().Ok();
}

// SLOWLOG GET [count]: the newest `count` entries (10 by default, -1 all).
void SlowlogGetCommand(CommandContext& ctx, ArgList args) {
  if (args.size() > 3)
    return ctx.reply().Error(errors::UnknownSubcommandOrArity(args[1], "SLOWLOG"));
  const auto& entries = ctx.server().slowlog().entries();
  int64_t count = 10;
  if (args.size() == 3) {
    constexpr std::string_view kCountError = "ERR count should be greater than or equal to -1";
    if (!storage::StringToInt64(args[2], &count) || count < -1) {
      return ctx.reply().Error(kCountError);
    }
    if (count == -1) count = static_cast<int64_t>(entries.size());
  }
  size_t n = std::min(entries.size(), static_cast<size_t>(count));
  protocol::ReplyWriter& r = ctx.reply();
  r.ArrayHeader(static_cast<int64_t>(n));
  for (size_t i = 0; i < n; ++i) {
    const SlowLogEntry& e = entries[i];
    r.ArrayHeader(6);
    r.Integer(static_cast<int64_t>(e.id));
    r.Integer(e.time_s);
    r.Integer(e.duration_us);
    r.ArrayHeader(static_cast<int64_t>(e.argv.size()));
    for (const std::string& a : e.argv) r.Bulk(a);
    r.Bulk(e.client_addr);
    r.Bulk(e.client_name);
  }
}

// SLOWLOG LEN
void SlowlogLenCommand(CommandContext& ctx, ArgList) {
  ctx.reply().Integer(static_cast<int64_t>(ctx.server().slowlog().entries().size()));
}

// SLOWLOG RESET
void SlowlogResetCommand(CommandContext& ctx, ArgList) {
  ctx.server().slowlog().Reset();
  ctx.reply().Ok();
}

void SlowlogHelpCommand(CommandContext& ctx, ArgList) {
  ReplyHelp(ctx.reply(), "SLOWLOG",
            {"GET [<count>]",
             "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
             "    Entries are made of:",
             "    id, timestamp, time in microseconds, arguments array, client IP and port,",
             "    client name", "LEN", "    Return the length of the slowlog.", "RESET",
             "    Reset the slowlog."});
}

int64_t NowSeconds(CommandContext& ctx) { return ctx.server().clock().NowMs() / 1000; }

// LATENCY LATEST: [event, time of the latest sample, its latency, the
// all-time maximum] for every event.
void LatencyLatestCommand(CommandContext& ctx, ArgList) {
  const auto& events = ctx.server().latency().events();
  protocol::ReplyWriter& r = ctx.reply();
  r.ArrayHeader(static_cast<int64_t>(events.size()));
  for (const auto& [name, series] : events) {
    r.ArrayHeader(4);
    r.Bulk(name);
    r.Integer(series.latest().time_s);
    r.Integer(series.latest().latency_ms);
    r.Integer(series.max_ms);
  }
}

// LATENCY HISTORY event: [time, latency] for each sample, oldest first.
void LatencyHistoryCommand(CommandContext& ctx, ArgList args) {
  const LatencyMonitor::Series* ts = ctx.server().latency().Find(args[2]);
  protocol::ReplyWriter& r = ctx.reply();
  if (ts == nullptr) return r.EmptyArray();
  int64_t n = 0;
  for (const LatencyMonitor::Sample& s : ts->samples) n += s.time_s != 0 ? 1 : 0;
  r.ArrayHeader(n);
  for (int j = 0; j < LatencyMonitor::kSeriesLen; ++j) {
    const LatencyMonitor::Sample& s = ts->samples[(ts->next + j) % LatencyMonitor::kSeriesLen];
    if (s.time_s == 0) continue;
    r.ArrayHeader(2);
    r.Integer(s.time_s);
    r.Integer(s.latency_ms);
  }
}

// LATENCY GRAPH event
void LatencyGraphCommand(CommandContext& ctx, ArgList args) {
  const LatencyMonitor::Series* ts = ctx.server().latency().Find(args[2]);
  if (ts == nullptr) {
    return ctx.reply().Error(fmt::format("ERR No samples available for event '{}'", args[2]));
  }
  ctx.reply().Verbatim(LatencyMonitor::Graph(args[2], *ts, NowSeconds(ctx)));
}

// LATENCY DOCTOR
void LatencyDoctorCommand(CommandContext& ctx, ArgList) {
  ctx.reply().Verbatim(ctx.server().latency().Doctor(ctx.config(), NowSeconds(ctx)));
}

// LATENCY RESET [event ...]: how many series were dropped.
void LatencyResetCommand(CommandContext& ctx, ArgList args) {
  LatencyMonitor& latency = ctx.server().latency();
  if (args.size() == 2) return ctx.reply().Integer(latency.ResetAll());
  int n = 0;
  for (size_t i = 2; i < args.size(); ++i) n += latency.Reset(args[i]);
  ctx.reply().Integer(n);
}

void LatencyHelpCommand(CommandContext& ctx, ArgList) {
  ReplyHelp(ctx.reply(), "LATENCY",
            {"DOCTOR", "    Return a human readable latency analysis report.", "GRAPH <event>",
             "    Return an ASCII latency graph for the <event> class.", "HISTORY <event>",
             "    Return time-latency samples for the <event> class.", "LATEST",
             "    Return the latest latency samples for all events.", "RESET [<event> ...]",
             "    Reset latency data of one or more <event> classes.",
             "    (default: reset all data for all event classes)"});
}

constexpr uint32_t kAdminFlags = kCmdAdmin | kCmdLoading | kCmdStale;
constexpr uint32_t kAdminAcl = kAclAdmin | kAclSlow | kAclDangerous;
constexpr uint32_t kLatencyFlags = kCmdAdmin | kCmdNoscript | kCmdLoading | kCmdStale;

}  // namespace

void RegisterMonitoringCommands(CommandTable& t) {
  t.Add(
      {"monitor",
       1,
       kCmdAdmin | kCmdNoscript | kCmdLoading | kCmdStale,
       kAdminAcl,
       {},
       MonitorCommand,
       {"Listen for all requests received by the server in real time", "1.0.0", "server", "", ""}});
  t.Add({"slowlog",
         -2,
         0,
         kAclSlow,
         {},
         nullptr,
         {"A container for slow log commands", "2.2.12", "server", "Depends on subcommand.", ""},
         {
             {"get",
              -2,
              kAdminFlags,
              kAdminAcl,
              {},
              SlowlogGetCommand,
              {"Get the slow log's entries", "2.2.12", "server",
               "O(N) where N is the number of entries returned", "[count]"}},
             {"help",
              2,
              kCmdLoading | kCmdStale,
              kAclSlow,
              {},
              SlowlogHelpCommand,
              {"Show helpful text about the different subcommands", "6.2.0", "server", "O(1)", ""}},
             {"len",
              2,
              kAdminFlags,
              kAdminAcl,
              {},
              SlowlogLenCommand,
              {"Get the slow log's length", "2.2.12", "server", "O(1)", ""}},
             {"reset",
              2,
              kAdminFlags,
              kAdminAcl,
              {},
              SlowlogResetCommand,
              {"Clear all entries from the slow log", "2.2.12", "server",
               "O(N) where N is the number of entries in the slowlog", ""}},
         }});
  t.Add(
      {"latency",
       -2,
       0,
       kAclSlow,
       {},
       nullptr,
       {"A container for latency diagnostics commands", "2.8.13", "server",
        "Depends on subcommand.", ""},
       {
           {"doctor",
            2,
            kLatencyFlags,
            kAdminAcl,
            {},
            LatencyDoctorCommand,
            {"Return a human readable latency analysis report.", "2.8.13", "server", "O(1)", ""}},
           {"graph",
            3,
            kLatencyFlags,
            kAdminAcl,
            {},
            LatencyGraphCommand,
            {"Return a latency graph for the event.", "2.8.13", "server", "O(1)", "event"}},
           {"help",
            2,
            kCmdLoading | kCmdStale,
            kAclSlow,
            {},
            LatencyHelpCommand,
            {"Show helpful text about the different subcommands.", "2.8.13", "server", "O(1)", ""}},
           {"history",
            3,
            kLatencyFlags,
            kAdminAcl,
            {},
            LatencyHistoryCommand,
            {"Return timestamp-latency samples for the event.", "2.8.13", "server", "O(1)",
             "event"}},
           {"latest",
            2,
            kLatencyFlags,
            kAdminAcl,
            {},
            LatencyLatestCommand,
            {"Return the latest latency samples for all events.", "2.8.13", "server", "O(1)", ""}},
           {"reset",
            -2,
            kLatencyFlags,
            kAdminAcl,
            {},
            LatencyResetCommand,
            {"Reset latency data for one or more events.", "2.8.13", "server", "O(1)",
             "[event [event ...]]"}},
       }});
}

}  // namespace ember::server
