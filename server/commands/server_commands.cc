// Server commands: the whole dataset and the server process (DBSIZE,
// FLUSHDB, FLUSHALL, SWAPDB, TIME, INFO, DEBUG, SHUTDOWN).
#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <thread>

#include "persistence/rdb.h"
#include "persistence/rdb_values.h"
#include "protocol/errors.h"
#include "server/command_table.h"
#include "server/commands/reply_util.h"
#include "server/config.h"
#include "server/info.h"
#include "server/log.h"
#include "storage/numbers.h"
#include "storage/object.h"
#include "storage/string_ops.h"

namespace ember::server {

namespace {

namespace errors = protocol::errors;

// DBSIZE
void DbSizeCommand(CommandContext& ctx, ArgList) {
  ctx.reply().Integer(static_cast<int64_t>(ctx.db().size()));
}

// FLUSHDB/FLUSHALL [ASYNC | SYNC]: Ember always frees synchronously.
bool ParseFlushMode(CommandContext& ctx, ArgList args) {
  if (args.size() > 2 || (args.size() == 2 && !EqualsIgnoreCase(args[1], "sync") &&
                          !EqualsIgnoreCase(args[1], "async"))) {
    ctx.reply().Error(errors::kSyntax);
    return false;
  }
  return true;
}

void FlushDbCommand(CommandContext& ctx, ArgList args) {
  if (!ParseFlushMode(ctx, args)) return;
  ctx.MarkDirty(ctx.db().size());
  ctx.server().BeforeDatabaseReplaced(ctx.client().db_index(), nullptr);
  ctx.db().Clear();
  ctx.Propagate({"FLUSHDB"});  // even an empty database: replicas may differ
  ctx.reply().Ok();
}

void FlushAllCommand(CommandContext& ctx, ArgList args) {
  if (!ParseFlushMode(ctx, args)) return;
  ctx.MarkDirty(ctx.keyspace().TotalKeys());
  for (int i = 0; i < ctx.keyspace().num_databases(); ++i) {
    ctx.server().BeforeDatabaseReplaced(i, nullptr);
  }
  ctx.keyspace().FlushAll();
  // The snapshot on disk would bring the keys back at the next start: with
  // save points configured, Redis saves the empty dataset at once.
  ctx.server().snapshots().KillChild();
  if (!ctx.config().save.empty()) ctx.server().snapshots().Save();
  ctx.MarkDirty();
  ctx.Propagate({"FLUSHALL"});
  ctx.reply().Ok();
}

// SWAPDB index1 index2
void SwapDbCommand(CommandContext& ctx, ArgList args) {
  // Any unparsable index is "invalid", not "not an integer".
  int64_t a, b;
  if (!storage::StringToInt64(args[1], &a) || a < INT32_MIN || a > INT32_MAX) {
    return ctx.reply().Error(errors::kInvalidFirstDbIndex);
  }
  if (!storage::StringToInt64(args[2], &b) || b < INT32_MIN || b > INT32_MAX) {
    return ctx.reply().Error(errors::kInvalidSecondDbIndex);
  }
  int n = ctx.keyspace().num_databases();
  if (a < 0 || a >= n || b < 0 || b >= n) return ctx.reply().Error(errors::kDbIndexOutOfRange);
  ctx.server().BeforeDatabaseReplaced(static_cast<int>(a), &ctx.keyspace().db(static_cast<int>(b)));
  ctx.server().BeforeDatabaseReplaced(static_cast<int>(b), &ctx.keyspace().db(static_cast<int>(a)));
  ctx.keyspace().SwapDatabases(static_cast<int>(a), static_cast<int>(b));
  // Clients blocked on keys that the swap brought in can now be served.
  ctx.server().SignalAllBlockedKeys();
  ctx.MarkDirty();
  ctx.reply().Ok();
}

// TIME: [unix seconds, microseconds], both as bulk strings.
void TimeCommand(CommandContext& ctx, ArgList) {
  int64_t us = ctx.server().clock().NowUs();
  ctx.reply().ArrayHeader(2);
  ctx.reply().Bulk(std::to_string(us / 1'000'000));
  ctx.reply().Bulk(std::to_string(us % 1'000'000));
}

// INFO [section [section ...]]: text, sent as a verbatim string in RESP3.
void InfoCommand(CommandContext& ctx, ArgList args) {
  ctx.reply().Verbatim(GenerateInfo(ctx.server(), args.subspan(1)));
}

// --- DEBUG ---

// serializedlength: the bytes the value takes in an RDB file, computed by
// encoding it as a save would (integer encodings, LZF when rdbcompression
// allows it).
size_t SerializedLength(const storage::Entry* e, bool compress) {
  return persistence::SerializeValue(e, compress).size();
}

// DEBUG OBJECT key: Redis's one-line description of a value. Ember never
// shares values, so refcount is always 1.
void DebugObject(CommandContext& ctx, std::string_view key) {
  storage::Entry* e = ctx.db().LookupRead(key, storage::Database::kNoTouch);
  if (e == nullptr) return ctx.reply().Error(errors::kNoSuchKey);
  uint32_t now = ctx.keyspace().lru_clock();
  uint32_t then = e->lru();
  int64_t idle = now >= then ? now - then : now + (storage::Entry::kLruMax - then);
  ctx.reply().SimpleString(fmt::format(
      "Value at:{} refcount:1 encoding:{} serializedlength:{} lru:{} lru_seconds_idle:{}",
      fmt::ptr(e), storage::EncodingName(e), SerializedLength(e, ctx.config().rdbcompression), then,
      idle));
}

// DEBUG SLEEP seconds: stops the whole server, as Redis does (commands run
// on one thread). Parsed like Redis's strtod: junk reads as 0, and zero or
// negative does not sleep.
void DebugSleep(CommandContext& ctx, std::string_view arg) {
  double seconds = std::strtod(std::string(arg).c_str(), nullptr);
  if (seconds > 0) {
    constexpr double kMaxSeconds = 1e9;  // keeps the conversion defined
    auto us = static_cast<int64_t>(std::min(seconds, kMaxSeconds) * 1e6);
    std::this_thread::sleep_for(std::chrono::microseconds(us));
  }
  ctx.reply().Ok();
}

// DEBUG POPULATE count [prefix] [size]: count string keys "prefix:<i>"
// holding "value:<i>" (cut or zero-padded to `size` bytes), skipping keys
// that exist. A quick way for tests and benchmarks to make a big dataset;
// like Redis, it is not written to the AOF.
void DebugPopulate(CommandContext& ctx, ArgList args) {
  int64_t count;
  int64_t size = 0;
  if (!storage::StringToInt64(args[2], &count) || count < 0 ||
      (args.size() == 5 && (!storage::StringToInt64(args[4], &size) || size < 0))) {
    return ctx.reply().Error(errors::kCountPositive);
  }
  std::string_view prefix = args.size() >= 4 ? args[3] : std::string_view("key");
  storage::SetOptions options;
  options.condition = storage::SetOptions::Condition::kIfAbsent;
  std::string key, value;
  for (int64_t i = 0; i < count; ++i) {
    key = fmt::format("{}:{}", prefix, i);
    value = fmt::format("value:{}", i);
    if (size > 0) value.resize(static_cast<size_t>(size), '\0');
    auto r = storage::Set(ctx.db(), key, value, options);
    if (r.ok() && r.value().applied) ctx.KeyModified(key);
  }
  ctx.PropagateNothing();
  ctx.reply().Ok();
}

void DebugHelp(CommandContext& ctx) {
  ReplyHelp(ctx.reply(), "DEBUG",
            {"OBJECT <key>",
             "    Show low level info about `key` and associated value.",
             "RELOAD [option ...]",
             "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
             "    * MERGE: conflicting keys will be loaded from RDB.",
             "    * NOFLUSH: the existing database will not be removed before load, but",
             "      conflicting keys will generate an exception and kill the server.",
             "    * NOSAVE: the database will be loaded from an existing RDB file.",
             "    Examples:",
             "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
             "      the database.",
             "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
             "      existing RDB file.",
             "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
             "      file to the database.",
             "SET-ACTIVE-EXPIRE <0|1>",
             "    Setting it to 0 disables expiring keys in background when they are not",
             "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
             "    default.",
             "SLEEP <seconds>",
             "    Stop the server for <seconds>. Decimals allowed."});
}

// DEBUG subcommand [argument ...]: one command that checks its own
// subcommands and their arity, as in Redis (so COMMAND lists no
// subcommands for it). Allowed by enable-debug-command: "yes", "local"
// (loopback clients only), "no" (the default).
// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, empty the dataset, load
// the file back. Tests use it to check that everything survives a restart.
void DebugReload(CommandContext& ctx, ArgList args) {
  bool merge = false, flush = true, save = true;
  for (size_t i = 2; i < args.size(); ++i) {
    if (EqualsIgnoreCase(args[i], "merge")) {
      merge = true;
    } else if (EqualsIgnoreCase(args[i], "noflush")) {
      flush = false;
    } else if (EqualsIgnoreCase(args[i], "nosave")) {
      save = false;
    } else {
      return ctx.reply().Error(
          "ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
    }
  }
  SnapshotManager& snapshots = ctx.server().snapshots();
  if (save && !snapshots.Save().empty()) return ctx.reply().Error("ERR");
  if (flush) ctx.keyspace().FlushAll();
  persistence::RdbLoadOptions options;
  options.allow_duplicates = merge;
  persistence::RdbLoadResult result;
  bool exists;
  std::string error;
  // Loaded keys are not news: no keyspace event, no blocked client served
  // (Redis's dbAddRDBLoad skips both).
  storage::KeyspaceListener* listener = ctx.keyspace().listener();
  ctx.keyspace().set_listener(nullptr);
  bool loaded = persistence::LoadRdbFile(snapshots.Path(), &ctx.keyspace(), options, &result,
                                         &exists, &error);
  ctx.keyspace().set_listener(listener);
  if (!loaded || !exists) {
    Log(LogLevel::kWarning, "DEBUG RELOAD failed: {}", exists ? error : "no RDB file");
    return ctx.reply().Error("ERR Error trying to load the RDB dump, check server logs.");
  }
  Log(LogLevel::kWarning, "DB reloaded by DEBUG RELOAD");
  ctx.reply().Ok();
}

void DebugCommand(CommandContext& ctx, ArgList args) {
  if (!ProtectedActionAllowed(ctx.config().enable_debug_command, ctx.client().addr)) {
    return ctx.reply().Error(errors::kDebugNotAllowed);
  }
  std::string_view sub = args[1];
  const size_t argc = args.size();
  if (argc == 2 && EqualsIgnoreCase(sub, "help")) {
    DebugHelp(ctx);
  } else if (argc == 3 && EqualsIgnoreCase(sub, "sleep")) {
    DebugSleep(ctx, args[2]);
  } else if (argc == 3 && EqualsIgnoreCase(sub, "set-active-expire")) {
    // atoi, as Redis: any non-zero number enables.
    ctx.server().config().active_expire_enabled = std::atoi(std::string(args[2]).c_str()) != 0;
    ctx.reply().Ok();
  } else if (argc == 3 && EqualsIgnoreCase(sub, "object")) {
    DebugObject(ctx, args[2]);
  } else if (argc >= 3 && argc <= 5 && EqualsIgnoreCase(sub, "populate")) {
    DebugPopulate(ctx, args);
  } else if (EqualsIgnoreCase(sub, "reload")) {
    DebugReload(ctx, args);
  } else {
    ctx.reply().Error(errors::UnknownSubcommandOrArity(sub, "debug"));
  }
}

// --- SHUTDOWN ---

// SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] [ABORT]
//
// On success there is no reply: the server stops accepting, sends what it
// owes other clients, closes every connection and exits with status 0.
// NOW (do not wait for lagging replicas) changes nothing here: Ember has no
// replicas to wait for, so no shutdown is ever "in progress" for ABORT to
// cancel either. With save points configured (or SAVE) the dataset is saved
// first; if that fails the server stays up and the command fails, unless
// FORCE says to exit anyway.
void ShutdownCommand(CommandContext& ctx, ArgList args) {
  bool nosave = false, save = false, now = false, force = false, abort = false;
  for (size_t i = 1; i < args.size(); ++i) {
    std::string_view a = args[i];
    if (EqualsIgnoreCase(a, "nosave")) {
      nosave = true;
    } else if (EqualsIgnoreCase(a, "save")) {
      save = true;
    } else if (EqualsIgnoreCase(a, "now")) {
      now = true;
    } else if (EqualsIgnoreCase(a, "force")) {
      force = true;
    } else if (EqualsIgnoreCase(a, "abort")) {
      abort = true;
    } else {
      return ctx.reply().Error(errors::kSyntax);
    }
  }
  if ((abort && (nosave || save || now || force)) || (nosave && save)) {
    return ctx.reply().Error(errors::kSyntax);
  }
  if (abort) return ctx.reply().Error(errors::kNoShutdownInProgress);
  if (!ctx.server().PrepareShutdown(save, nosave, force).empty()) {
    Log(LogLevel::kWarning,
        "Errors trying to shut down the server. Check the logs for more information.");
    return ctx.reply().Error(errors::kShutdownFailed);
  }
  (void)now;
  // Nothing more from this client: later commands it pipelined must not run.
  ctx.client().set_flag(Client::kCloseAfterReply);
  if (ServerHooks* hooks = ctx.server().hooks()) hooks->RequestShutdown(0);
}

}  // namespace

void RegisterServerCommands(CommandTable& t) {
  t.Add({"dbsize",
         1,
         kCmdReadonly | kCmdFast,
         kAclKeyspace | kAclRead | kAclFast,
         {},
         DbSizeCommand,
         {"Return the number of keys in the selected database", "1.0.0", "server", "O(1)", ""}});
  t.Add({"flushdb",
         -1,
         kCmdWrite,
         kAclKeyspace | kAclWrite | kAclSlow | kAclDangerous,
         {},
         FlushDbCommand,
         {"Remove all keys from the current database", "1.0.0", "server",
          "O(N) where N is the number of keys in the selected database", "[ASYNC | SYNC]"}});
  t.Add({"flushall",
         -1,
         kCmdWrite,
         kAclKeyspace | kAclWrite | kAclSlow | kAclDangerous,
         {},
         FlushAllCommand,
         {"Remove all keys from all databases", "1.0.0", "server",
          "O(N) where N is the total number of keys in all databases", "[ASYNC | SYNC]"}});
  t.Add({"swapdb",
         3,
         kCmdWrite | kCmdFast,
         kAclKeyspace | kAclWrite | kAclFast | kAclDangerous,
         {},
         SwapDbCommand,
         {"Swaps two Redis databases", "4.0.0", "server",
          "O(N) where N is the count of clients watching or blocking on keys from both "
          "databases.",
          "index1 index2"}});
  t.Add({"time",
         1,
         kCmdLoading | kCmdStale | kCmdFast,
         kAclFast,
         {},
         TimeCommand,
         {"Return the current server time", "2.6.0", "server", "O(1)", ""}});
  t.Add({"info",
         -1,
         kCmdLoading | kCmdStale,
         kAclSlow | kAclDangerous,
         {},
         InfoCommand,
         {"Get information and statistics about the server", "1.0.0", "server", "O(1)",
          "[section [section ...]]"}});
  t.Add({"debug",
         -2,
         kCmdAdmin | kCmdNoscript | kCmdLoading | kCmdStale,
         kAclAdmin | kAclSlow | kAclDangerous,
         {},
         DebugCommand,
         {"A container for debugging commands", "1.0.0", "server", "Depends on subcommand.", ""}});
  t.Add({"shutdown",
         -1,
         kCmdAdmin | kCmdNoscript | kCmdLoading | kCmdStale | kCmdNoMulti | kCmdAllowBusy,
         kAclAdmin | kAclSlow | kAclDangerous,
         {},
         ShutdownCommand,
         {"Synchronously save the dataset to disk and then shut down the server", "1.0.0", "server",
          "O(N) when saving, where N is the total number of keys in all databases when saving "
          "data, otherwise O(1)",
          "[NOSAVE | SAVE] [NOW] [FORCE] [ABORT]"}});
}

}  // namespace ember::server
