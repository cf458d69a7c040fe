// Server commands: the whole dataset and the server process (DBSIZE,
// FLUSHDB, FLUSHALL, SWAPDB, TIME).
#include <string>

#include "protocol/errors.h"
#include "server/command_table.h"
#include "server/commands/reply_util.h"

namespace ember::server {

namespace {

namespace errors = protocol::errors;

// DBSIZE
void DbSizeCommand(CommandContext& ctx, ArgList) {
  ctx.reply().Integer(static_cast<int64_t>(ctx.db().size()));
}

// FLUSHDB/FLUSHALL [ASYNC | SYNC]: Ember always frees synchronously.
bool ParseFlushMode(CommandContext& ctx, ArgList args) {
  if (args.size() > 2 ||
      (args.size() == 2 && !EqualsIgnoreCase(args[1], "sync") &&
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
  ctx.reply().Ok();
}

void FlushAllCommand(CommandContext& ctx, ArgList args) {
  if (!ParseFlushMode(ctx, args)) return;
  ctx.MarkDirty(ctx.keyspace().TotalKeys());
  for (int i = 0; i < ctx.keyspace().num_databases(); ++i) {
    ctx.server().BeforeDatabaseReplaced(i, nullptr);
  }
  ctx.keyspace().FlushAll();
  ctx.reply().Ok();
}

// SWAPDB index1 index2
void SwapDbCommand(CommandContext& ctx, ArgList args) {
  int64_t a, b;
  if (!ParseIntArgInRange(ctx, args[1], INT32_MIN, INT32_MAX, errors::kInvalidFirstDbIndex, &a) ||
      !ParseIntArgInRange(ctx, args[2], INT32_MIN, INT32_MAX, errors::kInvalidSecondDbIndex,
                          &b)) {
    return;
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

}  // namespace

void RegisterServerCommands(CommandTable& t) {
  t.Add({"dbsize", 1, kCmdReadonly | kCmdFast, kAclKeyspace | kAclRead | kAclFast, {},
         DbSizeCommand,
         {"Return the number of keys in the selected database", "1.0.0", "server", "O(1)", ""}});
  t.Add({"flushdb", -1, kCmdWrite, kAclKeyspace | kAclWrite | kAclSlow | kAclDangerous, {},
         FlushDbCommand,
         {"Remove all keys from the current database", "1.0.0", "server",
          "O(N) where N is the number of keys in the selected database", "[ASYNC | SYNC]"}});
  t.Add({"flushall", -1, kCmdWrite, kAclKeyspace | kAclWrite | kAclSlow | kAclDangerous, {},
         FlushAllCommand,
         {"Remove all keys from all databases", "1.0.0", "server",
          "O(N) where N is the total number of keys in all databases", "[ASYNC | SYNC]"}});
  t.Add({"swapdb", 3, kCmdWrite | kCmdFast, kAclKeyspace | kAclWrite | kAclFast | kAclDangerous,
         {}, SwapDbCommand,
         {"Swaps two Redis databases", "4.0.0", "server",
          "O(N) where N is the count of clients watching or blocking on keys from both "
          "databases.",
          "index1 index2"}});
  t.Add({"time", 1, kCmdLoading | kCmdStale | kCmdFast, kAclFast, {}, TimeCommand,
         {"Return the current server time", "2.6.0", "server", "O(1)", ""}});
}

}  // namespace ember::server
