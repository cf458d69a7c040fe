// Transactions: MULTI queues commands, EXEC runs them back to back (nothing
// can run in between: one thread), WATCH makes EXEC conditional.
//
// What Redis promises, and what it does not: a command that fails to queue
// (unknown, wrong arity) aborts the whole transaction at EXEC (EXECABORT);
// a command that fails while running (WRONGTYPE) does not roll back the
// others: its error is simply one of EXEC's replies.
#include "protocol/errors.h"
#include "server/command_table.h"
#include "server/commands/reply_util.h"

namespace ember::server {

namespace {

namespace errors = protocol::errors;

// MULTI
void MultiCommand(CommandContext& ctx, ArgList) {
  Client& c = ctx.client();
  if (c.has_flag(Client::kMulti)) return ctx.reply().Error(errors::kMultiNested);
  c.set_flag(Client::kMulti);
  ctx.reply().Ok();
}

// EXEC
void ExecCommand(CommandContext& ctx, ArgList) {
  Client& c = ctx.client();
  Server& server = ctx.server();
  if (!c.has_flag(Client::kMulti)) return ctx.reply().Error(errors::kExecWithoutMulti);
  // A watched key that expired since WATCH is a change too, even if no
  // command has deleted it yet.
  if (server.watches().AnyWatchedKeyExpired(&c, [&](int db, const std::string& key) {
        storage::Database& d = server.keyspace().db(db);
        storage::Entry* e = d.Peek(key);
        return e != nullptr && d.IsExpired(e);
      })) {
    c.set_flag(Client::kDirtyCas);
  }
  if (c.has_flag(Client::kDirtyExec)) {
    server.DiscardTransaction(c);
    return ctx.reply().Error(errors::kExecAbort);
  }
  if (c.has_flag(Client::kDirtyCas)) {
    server.DiscardTransaction(c);
    return ctx.reply().NullArray();
  }
  server.ExecQueued(c);
}

// DISCARD
void DiscardCommand(CommandContext& ctx, ArgList) {
  if (!ctx.client().has_flag(Client::kMulti)) {
    return ctx.reply().Error(errors::kDiscardWithoutMulti);
  }
  ctx.server().DiscardTransaction(ctx.client());
  ctx.reply().Ok();
}

// WATCH key [key ...]
void WatchCommand(CommandContext& ctx, ArgList args) {
  if (ctx.client().has_flag(Client::kMulti)) return ctx.reply().Error(errors::kWatchInMulti);
  // Once a transaction is doomed, further WATCHes change nothing.
  if (!ctx.client().has_flag(Client::kDirtyCas)) {
    storage::Database& db = ctx.db();
    for (size_t i = 1; i < args.size(); ++i) {
      storage::Entry* e = db.Peek(args[i]);
      bool expired = e != nullptr && db.IsExpired(e);
      ctx.server().watches().Watch(&ctx.client(), ctx.client().db_index(), args[i], expired);
    }
  }
  ctx.reply().Ok();
}

// UNWATCH
void UnwatchCommand(CommandContext& ctx, ArgList) {
  ctx.server().watches().UnwatchAll(&ctx.client());
  ctx.client().clear_flag(Client::kDirtyCas);
  ctx.reply().Ok();
}

constexpr uint32_t kTxFlags = kCmdNoscript | kCmdLoading | kCmdStale | kCmdFast | kCmdAllowBusy;

}  // namespace

void RegisterTransactionCommands(CommandTable& t) {
  t.Add({"multi",
         1,
         kTxFlags | kCmdRunsInMulti,
         kAclTransaction | kAclFast,
         {},
         MultiCommand,
         {"Mark the start of a transaction block", "1.2.0", "transactions", "O(1)", ""}});
  t.Add({"exec",
         1,
         kCmdNoscript | kCmdLoading | kCmdStale | kCmdSkipSlowlog | kCmdRunsInMulti,
         kAclTransaction | kAclSlow,
         {},
         ExecCommand,
         {"Execute all commands issued after MULTI", "1.2.0", "transactions",
          "Depends on commands in the transaction", ""}});
  t.Add({"discard",
         1,
         kTxFlags | kCmdRunsInMulti,
         kAclTransaction | kAclFast,
         {},
         DiscardCommand,
         {"Discard all commands issued after MULTI", "2.0.0", "transactions",
          "O(N), when N is the number of queued commands", ""}});
  t.Add({"watch",
         -2,
         kTxFlags | kCmdRunsInMulti,
         kAclTransaction | kAclFast,
         {1, -1, 1},
         WatchCommand,
         {"Watch the given keys to determine execution of the MULTI/EXEC block", "2.2.0",
          "transactions", "O(1) for every key.", "key [key ...]"}});
  t.Add({"unwatch",
         1,
         kTxFlags,
         kAclTransaction | kAclFast,
         {},
         UnwatchCommand,
         {"Forget about all watched keys", "2.2.0", "transactions", "O(1)", ""}});
}

}  // namespace ember::server
