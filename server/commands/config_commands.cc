// CONFIG: reading and changing the configuration of a running server.
//
//   CONFIG GET pattern [pattern ...]      parameters matching glob patterns
//   CONFIG SET param value [param value ...]
//   CONFIG RESETSTAT                      zero the counters INFO reports
//   CONFIG REWRITE                        write the configuration back to its file
//
// CONFIG SET is all or nothing, as in Redis 7.0. It runs in three steps:
//   1. check every name (unknown, immutable, protected, given twice) before
//      touching anything;
//   2. set every value, stopping at the first bad one and restoring the
//      whole configuration;
//   3. apply the side effects of the values that changed (log level,
//      working directory, listening sockets), once per kind; if one fails,
//      restore the configuration and undo the side effects already applied.
// So a client never sees half of a multi-parameter CONFIG SET.
#include <string>
#include <vector>

#include "protocol/errors.h"
#include "server/command_table.h"
#include "server/commands/reply_util.h"
#include "server/config.h"
#include "server/log.h"

namespace ember::server {

namespace {

namespace errors = protocol::errors;

// CONFIG GET parameter [parameter ...]: a map in RESP3, a flat array in RESP2.
void ConfigGetCommand(CommandContext& ctx, ArgList args) {
  std::vector<ConfigMatch> matches = MatchConfigParams(args.subspan(2));
  const Config& config = ctx.config();
  ctx.reply().MapHeader(static_cast<int64_t>(matches.size()));
  for (const ConfigMatch& m : matches) {
    ctx.reply().Bulk(m.name);
    ctx.reply().Bulk(FormatConfigValue(config, *m.param));
  }
}

// Port and bind share one side effect: listening again.
std::string_view ApplyGroup(const ConfigParam& p) {
  return p.name == "bind" ? std::string_view("port") : p.name;
}

// CONFIG SET parameter value [parameter value ...]
void ConfigSetCommand(CommandContext& ctx, ArgList args) {
  if (args.size() % 2 != 0) return ctx.reply().Error(errors::kSyntax);
  const size_t n = (args.size() - 2) / 2;
  Config& config = ctx.server().config();

  // 1. Names. Redis reports the first problem, but keeps scanning for an
  // unknown name only until some problem was found.
  std::vector<const ConfigParam*> params(n, nullptr);
  std::string_view unknown, failed_name;
  std::string_view reason;
  bool invalid = false;
  for (size_t i = 0; i < n; ++i) {
    std::string_view name = args[2 + 2 * i];
    const ConfigParam* p = FindConfigParam(name);
    if (p == nullptr) {
      if (!invalid) unknown = name;
      invalid = true;
      continue;
    }
    if (invalid) continue;
    if (p->has(ConfigParam::kImmutable) ||
        (p->has(ConfigParam::kProtected) &&
         !ProtectedActionAllowed(config.enable_protected_configs, ctx.client().addr))) {
      reason = p->has(ConfigParam::kImmutable) ? "can't set immutable config"
                                               : "can't set protected config";
      failed_name = name;
      invalid = true;
      continue;
    }
    for (size_t j = 0; j < i; ++j) {
      if (params[j] == p) {
        reason = "duplicate parameter";
        failed_name = name;
        invalid = true;
        break;
      }
    }
    params[i] = p;
  }
  if (!unknown.empty()) return ctx.reply().Error(errors::ConfigSetUnknown(unknown));
  if (invalid) return ctx.reply().Error(errors::ConfigSetFailed(failed_name, reason));

  // 2. Values.
  const Config backup = config;
  std::vector<bool> changed(n, false);
  for (size_t i = 0; i < n; ++i) {
    const ConfigParam& p = *params[i];
    std::string before = FormatConfigValue(config, p);
    std::string value(args[3 + 2 * i]);
    std::string err = ApplyConfigValue(&config, p, {&value, 1}, /*from_file=*/false);
    if (!err.empty()) {
      config = backup;
      return ctx.reply().Error(errors::ConfigSetFailed(p.name, err));
    }
    // Setting a value it already has does nothing (no rebind to the same
    // port, which would fail against the socket already listening there).
    // `dir` always moves the process, as Redis's chdir does (and its value
    // reads as the working directory, so comparing would see no change).
    changed[i] = p.kind == ConfigParam::Kind::kDir || FormatConfigValue(config, p) != before;
  }

  // 3. Side effects, in the order the parameters came, once per group.
  std::vector<const ConfigParam*> applied;
  for (size_t i = 0; i < n; ++i) {
    if (!changed[i]) continue;
    const ConfigParam& p = *params[i];
    bool done = false;
    for (const ConfigParam* a : applied) done = done || ApplyGroup(*a) == ApplyGroup(p);
    if (done) continue;
    std::string err = ctx.server().ApplyConfigChange(p);
    if (!err.empty()) {
      Log(LogLevel::kWarning,
          "Failed applying new configuration. Possibly related to new {} setting. Restoring "
          "previous settings.",
          p.name);
      config = backup;
      // The failed change left its side effect undone; the earlier ones are
      // undone by applying the old values again.
      for (const ConfigParam* a : applied) ctx.server().ApplyConfigChange(*a);
      return ctx.reply().Error(errors::ConfigSetFailed(p.name, err));
    }
    applied.push_back(&p);
  }
  ctx.reply().Ok();
}

// CONFIG RESETSTAT: what Redis's resetServerStats, resetCommandTableStats
// and resetErrorTableStats zero. The dirty counter and the peak memory are
// not statistics and stay.
void ConfigResetStatCommand(CommandContext& ctx, ArgList) {
  ctx.server().stats().ResetCounters();
  storage::KeyspaceStats& ks = ctx.keyspace().stats();
  ks = storage::KeyspaceStats{};
  ctx.server().commands().ResetStats();
  ctx.reply().Ok();
}

// CONFIG REWRITE
void ConfigRewriteCommand(CommandContext& ctx, ArgList) {
  const Config& config = ctx.config();
  if (config.config_file.empty()) return ctx.reply().Error(errors::kNoConfigFile);
  std::string err = RewriteConfigFile(config);
  if (!err.empty()) {
    Log(LogLevel::kWarning, "CONFIG REWRITE failed: {}", err);
    return ctx.reply().Error(errors::ConfigRewriteFailed(err));
  }
  Log(LogLevel::kNotice, "CONFIG REWRITE executed with success.");
  ctx.reply().Ok();
}

void ConfigHelpCommand(CommandContext& ctx, ArgList) {
  ReplyHelp(
      ctx.reply(), "CONFIG",
      {"GET <pattern>", "    Return parameters matching the glob-like <pattern> and their values.",
       "SET <directive> <value>", "    Set the configuration <directive> to <value>.", "RESETSTAT",
       "    Reset statistics reported by the INFO command.", "REWRITE",
       "    Rewrite the configuration file."});
}

constexpr uint32_t kAdminFlags = kCmdAdmin | kCmdNoscript | kCmdLoading | kCmdStale;
constexpr uint32_t kAdminAcl = kAclAdmin | kAclSlow | kAclDangerous;

}  // namespace

void RegisterConfigCommands(CommandTable& t) {
  t.Add({"config",
         -2,
         0,
         kAclSlow,
         {},
         nullptr,
         {"A container for server configuration commands", "2.0.0", "server",
          "Depends on subcommand.", ""},
         {
             {"get",
              -3,
              kAdminFlags,
              kAdminAcl,
              {},
              ConfigGetCommand,
              {"Get the values of configuration parameters", "2.0.0", "server",
               "O(N) when N is the number of configuration parameters provided",
               "parameter [parameter ...]"}},
             {"help",
              2,
              kCmdLoading | kCmdStale,
              kAclSlow,
              {},
              ConfigHelpCommand,
              {"Show helpful text about the different subcommands", "5.0.0", "server", "O(1)", ""}},
             {"resetstat",
              2,
              kAdminFlags,
              kAdminAcl,
              {},
              ConfigResetStatCommand,
              {"Reset the stats returned by INFO", "2.0.0", "server", "O(1)", ""}},
             {"rewrite",
              2,
              kAdminFlags,
              kAdminAcl,
              {},
              ConfigRewriteCommand,
              {"Rewrite the configuration file with the in memory configuration", "2.8.0", "server",
               "O(1)", ""}},
             {"set",
              -4,
              kAdminFlags,
              kAdminAcl,
              {},
              ConfigSetCommand,
              {"Set configuration parameters to the given values", "2.0.0", "server",
               "O(N) when N is the number of configuration parameters provided",
               "parameter value [parameter value ...]"}},
         }});
}

}  // namespace ember::server
