// Persistence commands: SAVE, BGSAVE and LASTSAVE (snapshots, see
// server/snapshot.h).
#include "protocol/errors.h"
#include "server/command_table.h"
#include "server/commands/reply_util.h"

namespace ember::server {

namespace {

namespace errors = protocol::errors;

// SAVE: write the snapshot now; every client waits.
void SaveCommand(CommandContext& ctx, ArgList) {
  SnapshotManager& snapshots = ctx.server().snapshots();
  if (snapshots.in_progress()) return ctx.reply().Error("ERR Background save already in progress");
  snapshots.Save().empty() ? ctx.reply().Ok() : ctx.reply().Error("ERR");
}

// BGSAVE [SCHEDULE]: write the snapshot in a forked child.
void BgSaveCommand(CommandContext& ctx, ArgList args) {
  if (args.size() == 2 && !EqualsIgnoreCase(args[1], "schedule")) {
    return ctx.reply().Error(errors::kSyntax);
  }
  if (args.size() > 2) return ctx.reply().Error(errors::kSyntax);
  SnapshotManager& snapshots = ctx.server().snapshots();
  if (snapshots.in_progress()) return ctx.reply().Error("ERR Background save already in progress");
  // Forking inside EXEC would snapshot a half-applied transaction: wait.
  if (ctx.in_exec()) {
    snapshots.Schedule();
    return ctx.reply().SimpleString("Background saving scheduled");
  }
  if (ctx.server().aof().rewrite_in_progress()) {
    if (args.size() == 2) {
      snapshots.Schedule();
      return ctx.reply().SimpleString("Background saving scheduled");
    }
    return ctx.reply().Error(
        "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE "
        "in order to schedule a BGSAVE whenever possible.");
  }
  if (!snapshots.BackgroundSave().empty()) return ctx.reply().Error("ERR");
  ctx.reply().SimpleString("Background saving started");
}

// BGREWRITEAOF: rewrite the append-only file in a forked child.
void BgRewriteAofCommand(CommandContext& ctx, ArgList) {
  AofManager& aof = ctx.server().aof();
  if (aof.rewrite_in_progress()) {
    return ctx.reply().Error("ERR Background append only file rewriting already in progress");
  }
  if (ctx.server().snapshots().in_progress() || ctx.in_exec()) {
    aof.ScheduleRewrite();
    return ctx.reply().SimpleString("Background append only file rewriting scheduled");
  }
  std::string error = aof.BackgroundRewrite();
  if (!error.empty()) return ctx.reply().Error("ERR " + error);
  ctx.reply().SimpleString("Background append only file rewriting started");
}

// LASTSAVE: Unix time of the last successful save.
void LastSaveCommand(CommandContext& ctx, ArgList) {
  ctx.reply().Integer(ctx.server().snapshots().last_save_time());
}

}  // namespace

void RegisterPersistenceCommands(CommandTable& t) {
  t.Add({"save",
         1,
         kCmdAdmin | kCmdNoscript | kCmdNoAsyncLoading | kCmdNoMulti,
         kAclAdmin | kAclSlow | kAclDangerous,
         {},
         SaveCommand,
         {"Synchronously save the dataset to disk", "1.0.0", "server",
          "O(N) where N is the total number of keys in all databases", ""}});
  t.Add({"bgsave",
         -1,
         kCmdAdmin | kCmdNoscript | kCmdNoAsyncLoading,
         kAclAdmin | kAclSlow | kAclDangerous,
         {},
         BgSaveCommand,
         {"Asynchronously save the dataset to disk", "1.0.0", "server", "O(1)", "[SCHEDULE]"}});
  t.Add({"bgrewriteaof", 1, kCmdAdmin | kCmdNoscript | kCmdNoAsyncLoading,
         kAclAdmin | kAclSlow | kAclDangerous, {}, BgRewriteAofCommand,
         {"Asynchronously rewrite the append-only file", "1.0.0", "server", "O(1)", ""}});
  t.Add({"lastsave",
         1,
         kCmdLoading | kCmdStale | kCmdFast,
         kAclAdmin | kAclFast | kAclDangerous,
         {},
         LastSaveCommand,
         {"Get the UNIX time stamp of the last successful save to disk", "1.0.0", "server", "O(1)",
          ""}});
}

}  // namespace ember::server
