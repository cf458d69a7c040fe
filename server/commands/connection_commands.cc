// Connection commands: the state of the calling connection (database,
// protocol version, name, authentication) and the CLIENT family that lists
// and manages connections.
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/errors.h"
#include "server/client_limits.h"
#include "server/command_table.h"
#include "server/commands/reply_util.h"
#include "server/pubsub.h"
#include "server/version.h"
#include "storage/numbers.h"

namespace ember::server {

namespace {

namespace errors = protocol::errors;

// PING [message]
void PingCommand(CommandContext& ctx, ArgList args) {
  if (args.size() > 2) return ctx.reply().Error(errors::WrongArity("ping"));
  // A subscribed RESP2 client reads arrays only: its PONG is one too.
  if (ctx.client().has_flag(Client::kPubSub) && ctx.client().resp() == 2) {
    ctx.reply().ArrayHeader(2);
    ctx.reply().Bulk("pong");
    ctx.reply().Bulk(args.size() == 2 ? args[1] : "");
    return;
  }
  args.size() == 2 ? ctx.reply().Bulk(args[1]) : ctx.reply().SimpleString("PONG");
}

// ECHO message
void EchoCommand(CommandContext& ctx, ArgList args) { ctx.reply().Bulk(args[1]); }

// QUIT: reply, then the connection closes once the reply is written.
void QuitCommand(CommandContext& ctx, ArgList) {
  ctx.reply().Ok();
  ctx.client().set_flag(Client::kCloseAfterReply);
}

// SELECT index
void SelectCommand(CommandContext& ctx, ArgList args) {
  int64_t index;
  if (!ParseIntArgInRange(ctx, args[1], INT32_MIN, INT32_MAX, errors::kNotInt32, &index)) {
    return;
  }
  if (index < 0 || index >= ctx.keyspace().num_databases()) {
    return ctx.reply().Error(errors::kDbIndexOutOfRange);
  }
  ctx.client().set_db_index(static_cast<int>(index));
  ctx.reply().Ok();
}

// Checks a password for the "default" user, the only user Ember has. With no
// requirepass the default user has no password, and any password works, as
// in Redis.
bool CheckPassword(CommandContext& ctx, std::string_view user, std::string_view password) {
  if (user != "default") return false;
  const std::string& required = ctx.config().requirepass;
  return required.empty() || password == required;
}

// AUTH [username] password
void AuthCommand(CommandContext& ctx, ArgList args) {
  for (size_t i = 1; i < args.size(); ++i) ctx.Redact(i);
  if (args.size() > 3) return ctx.reply().Error(errors::kSyntax);
  if (args.size() == 2 && ctx.config().requirepass.empty()) {
    return ctx.reply().Error(errors::kAuthNotConfigured);
  }
  std::string_view user = args.size() == 3 ? args[1] : "default";
  std::string_view password = args.back();
  if (!CheckPassword(ctx, user, password)) return ctx.reply().Error(errors::kWrongPass);
  ctx.client().set_authenticated(true);
  ctx.reply().Ok();
}

// Redis allows client names made of printable ASCII without spaces.
bool ValidClientName(std::string_view name) {
  for (char c : name) {
    if (c < '!' || c > '~') return false;
  }
  return true;
}

// HELLO [protover [AUTH username password] [SETNAME clientname]]
void HelloCommand(CommandContext& ctx, ArgList args) {
  int64_t version = 0;
  size_t next = 1;
  if (args.size() >= 2) {
    if (!storage::StringToInt64(args[next++], &version)) {
      return ctx.reply().Error("ERR Protocol version is not an integer or out of range");
    }
    if (version < 2 || version > 3) return ctx.reply().Error(errors::kNoProto);
  }
  // Options take effect as they are read, as in Redis 7.0: an AUTH or
  // SETNAME before a bad option stays applied.
  for (size_t j = next; j < args.size(); ++j) {
    size_t more = args.size() - 1 - j;
    if (EqualsIgnoreCase(args[j], "auth") && more >= 2) {
      ctx.Redact(j + 1);
      ctx.Redact(j + 2);
      if (!CheckPassword(ctx, args[j + 1], args[j + 2])) {
        return ctx.reply().Error(errors::kWrongPass);
      }
      ctx.client().set_authenticated(true);
      j += 2;
    } else if (EqualsIgnoreCase(args[j], "setname") && more >= 1) {
      if (!ValidClientName(args[j + 1])) return ctx.reply().Error(errors::kClientNameSpaces);
      ctx.client().set_name(std::string(args[++j]));
    } else {
      return ctx.reply().Error(fmt::format("ERR Syntax error in HELLO option '{}'", args[j]));
    }
  }
  if (!ctx.client().authenticated()) {
    return ctx.reply().Error(
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the "
        "HELLO AUTH <user> <pass> option can be used to authenticate the client and select the "
        "RESP protocol version at the same time");
  }
  if (version != 0) ctx.client().set_resp(static_cast<int>(version));

  protocol::ReplyWriter& r = ctx.reply();
  r.MapHeader(7);
  r.Bulk("server");
  r.Bulk("ember");
  r.Bulk("version");
  r.Bulk(kRedisCompatVersion);
  r.Bulk("proto");
  r.Integer(ctx.client().resp());
  r.Bulk("id");
  r.Integer(static_cast<int64_t>(ctx.client().id()));
  r.Bulk("mode");
  r.Bulk("standalone");
  r.Bulk("role");
  r.Bulk("master");
  r.Bulk("modules");
  r.EmptyArray();
}

// RESET: back to a fresh connection's state.
void ResetCommand(CommandContext& ctx, ArgList) {
  Client& c = ctx.client();
  c.set_db_index(0);
  c.set_resp(2);
  c.set_name("");
  ctx.server().DiscardTransaction(c);
  // Out of subscribed mode and MONITOR, silently.
  ctx.server().ClientModesReset(c);
  c.set_authenticated(ctx.config().requirepass.empty());
  ctx.reply().SimpleString("RESET");
}

// CLIENT ID
void ClientIdCommand(CommandContext& ctx, ArgList) {
  ctx.reply().Integer(static_cast<int64_t>(ctx.client().id()));
}

// CLIENT SETNAME name
void ClientSetNameCommand(CommandContext& ctx, ArgList args) {
  if (!ValidClientName(args[2])) return ctx.reply().Error(errors::kClientNameSpaces);
  ctx.client().set_name(std::string(args[2]));
  ctx.reply().Ok();
}

// CLIENT GETNAME
void ClientGetNameCommand(CommandContext& ctx, ArgList) {
  const std::string& name = ctx.client().name();
  name.empty() ? ctx.reply().NullBulk() : ctx.reply().Bulk(name);
}

// CLIENT SETINFO <LIB-NAME libname | LIB-VER libver> (Redis 7.2)
void ClientSetInfoCommand(CommandContext& ctx, ArgList args) {
  bool lib_name = EqualsIgnoreCase(args[2], "lib-name");
  if (!lib_name && !EqualsIgnoreCase(args[2], "lib-ver")) {
    return ctx.reply().Error(fmt::format("ERR Unrecognized option '{}'", args[2]));
  }
  if (!ValidClientName(args[3])) {
    return ctx.reply().Error(fmt::format(
        "ERR {} cannot contain spaces, newlines or special characters.", args[2]));
  }
  lib_name ? ctx.client().set_lib_name(std::string(args[3]))
           : ctx.client().set_lib_ver(std::string(args[3]));
  ctx.reply().Ok();
}

size_t ArgvBytes(const std::vector<std::string>& argv) {
  size_t n = 0;
  for (const std::string& a : argv) n += a.size();
  return n;
}

// Client classes CLIENT LIST and CLIENT KILL filter on: "normal" and
// "pubsub" are the classes of client-output-buffer-limit; Ember has no
// master or replica connections, so those match nobody. False if `name` is
// no class at all.
bool ParseClientType(std::string_view name, std::optional<ClientClass>* out) {
  if (EqualsIgnoreCase(name, "normal")) {
    *out = ClientClass::kNormal;
  } else if (EqualsIgnoreCase(name, "pubsub")) {
    *out = ClientClass::kPubSub;
  } else if (EqualsIgnoreCase(name, "master") || EqualsIgnoreCase(name, "replica") ||
             EqualsIgnoreCase(name, "slave")) {
    *out = ClientClass::kReplica;
  } else {
    return false;
  }
  return true;
}

// One line of CLIENT LIST / CLIENT INFO, with Redis 7.0's fields in its
// order. `argv_bytes`: the arguments of the command being run, for the
// calling client (argv-mem); other clients hold none, unless blocked.
//
// Memory fields are Ember's own accounting of the same things: qbuf is the
// unparsed input (with the current command), obl the reply bytes not yet
// handed to the socket, oll 1 while a write is in flight, omem all output
// waiting (what client-output-buffer-limit is checked against), rbs the
// reply buffer's capacity and rbp what it holds.
std::string DescribeClient(const Client& c, int64_t now_ms, size_t argv_bytes) {
  // Redis's flag letters, in its order.
  std::string flags;
  if (c.has_flag(Client::kMonitor)) flags += 'O';
  if (c.has_flag(Client::kPubSub)) flags += 'P';
  if (c.has_flag(Client::kMulti)) flags += 'x';
  if (c.has_flag(Client::kBlocked)) flags += 'b';
  if (c.has_flag(Client::kDirtyCas)) flags += 'd';
  if (c.has_flag(Client::kCloseAfterReply)) flags += 'c';
  if (c.has_flag(Client::kNoEvict)) flags += 'e';
  // push_back, not assignment: GCC 12 reports a false -Wrestrict on
  // assigning a literal to a string that may have been appended to.
  if (flags.empty()) flags.push_back('N');
  std::string cmd = c.last_command ? c.last_command->full_name : "NULL";
  if (c.has_flag(Client::kBlocked)) argv_bytes = ArgvBytes(c.block_state().argv);
  size_t multi_mem = 0;
  for (const QueuedCommand& q : c.multi_queue()) {
    multi_mem +=
        sizeof(QueuedCommand) + q.argv.capacity() * sizeof(std::string) + ArgvBytes(q.argv);
  }
  size_t in_flight = c.transport() != nullptr ? c.transport()->OutputInFlight() : 0;
  size_t omem = c.output().size() + in_flight;
  size_t qbuf_mem = c.query_buffer_size + c.query_buffer_free;
  size_t tot_mem =
      sizeof(Client) + qbuf_mem + argv_bytes + multi_mem + c.output().capacity() + in_flight;
  const ClientSubscriptions* subs = c.subscriptions();
  return fmt::format(
      "id={} addr={} laddr={} fd={} name={} age={} idle={} flags={} db={} sub={} psub={} ssub={} "
      "multi={} qbuf={} qbuf-free={} argv-mem={} multi-mem={} rbs={} rbp={} obl={} oll={} "
      "omem={} tot-mem={} events={} cmd={} user=default redir=-1 resp={} lib-name={} lib-ver={}",
      c.id(), c.addr, c.laddr, c.fd, c.name(), (now_ms - c.created_ms) / 1000,
      (now_ms - c.last_interaction_ms) / 1000, flags, c.db_index(),
      subs ? subs->channels.size() : 0, subs ? subs->patterns.size() : 0,
      subs ? subs->shard_channels.size() : 0,
      c.has_flag(Client::kMulti) ? static_cast<int64_t>(c.multi_queue().size()) : -1,
      c.query_buffer_size, c.query_buffer_free, argv_bytes, multi_mem, c.output().capacity(),
      c.output().size(), c.output().size(), in_flight > 0 ? 1 : 0, omem, tot_mem,
      in_flight > 0 ? "rw" : "r", cmd, c.resp(), c.lib_name(), c.lib_ver());
}

size_t ArgBytes(ArgList args) {
  size_t n = 0;
  for (std::string_view a : args) n += a.size();
  return n;
}

// CLIENT LIST [TYPE NORMAL|MASTER|REPLICA|PUBSUB] [ID client-id [client-id ...]]
void ClientListCommand(CommandContext& ctx, ArgList args) {
  std::vector<uint64_t> ids;
  bool filter_ids = false;
  std::optional<ClientClass> type;
  for (size_t i = 2; i < args.size();) {
    if (EqualsIgnoreCase(args[i], "type") && i + 1 < args.size()) {
      if (!ParseClientType(args[i + 1], &type)) {
        return ctx.reply().Error(fmt::format("ERR Unknown client type '{}'", args[i + 1]));
      }
      i += 2;
    } else if (EqualsIgnoreCase(args[i], "id") && i + 1 < args.size()) {
      filter_ids = true;
      for (++i; i < args.size(); ++i) {
        int64_t id;
        if (!storage::StringToInt64(args[i], &id)) return ctx.reply().Error("ERR Invalid client ID");
        if (id > 0) ids.push_back(static_cast<uint64_t>(id));  // others match no client
      }
    } else {
      return ctx.reply().Error(errors::kSyntax);
    }
  }
  std::string out;
  for (const auto& [id, client] : ctx.server().clients()) {
    if (filter_ids && std::find(ids.begin(), ids.end(), id) == ids.end()) continue;
    if (type && ClassOf(*client) != *type) continue;
    out += DescribeClient(*client, ctx.now_ms(), client == &ctx.client() ? ArgBytes(args) : 0);
    out += '\n';
  }
  ctx.reply().Verbatim(out);
}

// CLIENT INFO
void ClientInfoCommand(CommandContext& ctx, ArgList args) {
  ctx.reply().Verbatim(DescribeClient(ctx.client(), ctx.now_ms(), ArgBytes(args)) + "\n");
}

// CLIENT KILL ip:port | CLIENT KILL <filter> <value> [<filter> <value> ...]
void ClientKillCommand(CommandContext& ctx, ArgList args) {
  Server& server = ctx.server();
  std::vector<Client*> victims;
  if (args.size() == 3) {
    // The old form: one address, "OK" or an error.
    for (const auto& [id, c] : server.clients()) {
      if (c->addr == args[2]) victims.push_back(c);
    }
    if (victims.empty()) return ctx.reply().Error(errors::kNoSuchClient);
  } else {
    if (args.size() % 2 != 0) return ctx.reply().Error(errors::kSyntax);
    uint64_t id_filter = 0;
    std::string_view addr, laddr, user;
    bool skip_me = true;
    std::optional<ClientClass> type;
    int64_t max_age = 0;
    for (size_t i = 2; i < args.size(); i += 2) {
      std::string_view opt = args[i], val = args[i + 1];
      if (EqualsIgnoreCase(opt, "id")) {
        int64_t id;
        if (!storage::StringToInt64(val, &id) || id <= 0) {
          return ctx.reply().Error("ERR client-id should be greater than 0");
        }
        id_filter = static_cast<uint64_t>(id);
      } else if (EqualsIgnoreCase(opt, "type")) {
        if (!ParseClientType(val, &type)) {
          return ctx.reply().Error(fmt::format("ERR Unknown client type '{}'", val));
        }
      } else if (EqualsIgnoreCase(opt, "addr")) {
        addr = val;
      } else if (EqualsIgnoreCase(opt, "laddr")) {
        laddr = val;
      } else if (EqualsIgnoreCase(opt, "user")) {
        user = val;
      } else if (EqualsIgnoreCase(opt, "skipme")) {
        if (EqualsIgnoreCase(val, "yes")) {
          skip_me = true;
        } else if (EqualsIgnoreCase(val, "no")) {
          skip_me = false;
        } else {
          return ctx.reply().Error(errors::kSyntax);
        }
      } else if (EqualsIgnoreCase(opt, "maxage")) {
        if (!ParseIntArg(ctx, val, &max_age)) return;
      } else {
        return ctx.reply().Error(errors::kSyntax);
      }
    }
    if (!user.empty() && user != "default") {
      return ctx.reply().Error(fmt::format("ERR No such user '{}'", user));
    }
    for (const auto& [id, c] : server.clients()) {
      if (type && ClassOf(*c) != *type) continue;
      if (id_filter != 0 && id != id_filter) continue;
      if (!addr.empty() && c->addr != addr) continue;
      if (!laddr.empty() && c->laddr != laddr) continue;
      if (skip_me && c == &ctx.client()) continue;
      if (max_age > 0 && (ctx.now_ms() - c->created_ms) / 1000 < max_age) continue;
      victims.push_back(c);
    }
  }
  for (Client* c : victims) {
    if (c == &ctx.client()) {
      c->set_flag(Client::kCloseAfterReply);  // reply first, then close
    } else if (c->transport() != nullptr) {
      c->set_flag(Client::kKilled);
      c->transport()->Kill();
    }
  }
  args.size() == 3 ? ctx.reply().Ok() : ctx.reply().Integer(static_cast<int64_t>(victims.size()));
}

// CLIENT UNBLOCK client-id [TIMEOUT | ERROR]: ends another client's
// blocking command as if it timed out, or with an UNBLOCKED error.
void ClientUnblockCommand(CommandContext& ctx, ArgList args) {
  int64_t id;
  if (!ParseIntArg(ctx, args[2], &id)) return;
  bool error = false;
  if (args.size() == 4) {
    if (EqualsIgnoreCase(args[3], "error")) {
      error = true;
    } else if (!EqualsIgnoreCase(args[3], "timeout")) {
      return ctx.reply().Error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
    }
  } else if (args.size() > 4) {
    return ctx.reply().Error(errors::kSyntax);
  }
  Client* target = id > 0 ? ctx.server().FindClient(static_cast<uint64_t>(id)) : nullptr;
  // A client held by CLIENT PAUSE is not in a blocking command: it waits for
  // the pause (Redis 7.0.15 crashes here; 0 is what it means to say).
  if (target == nullptr || !target->has_flag(Client::kBlocked) ||
      ctx.server().pause().IsPostponed(target)) {
    return ctx.reply().Integer(0);
  }
  ctx.server().UnblockClient(*target, error ? errors::kUnblockedByClient : std::string_view());
  ctx.reply().Integer(1);
}

// CLIENT PAUSE timeout [WRITE | ALL]: see server/client_pause.h. The mode
// is checked before the timeout, as Redis does.
void ClientPauseCommand(CommandContext& ctx, ArgList args) {
  if (args.size() > 4) {
    return ctx.reply().Error(errors::UnknownSubcommandOrArity("pause", "CLIENT"));
  }
  bool all = true;
  if (args.size() == 4) {
    if (EqualsIgnoreCase(args[3], "write")) {
      all = false;
    } else if (!EqualsIgnoreCase(args[3], "all")) {
      return ctx.reply().Error(errors::kPauseMode);
    }
  }
  int64_t ms;
  if (!storage::StringToInt64(args[2], &ms)) return ctx.reply().Error(errors::kTimeoutNotInteger);
  if (ms < 0) return ctx.reply().Error(errors::kTimeoutNegative);
  // 0 pauses nothing: the deadline has already passed.
  int64_t end_ms = 0;
  if (ms > 0) {
    if (ms > INT64_MAX - ctx.now_ms()) return ctx.reply().Error(errors::kTimeoutOutOfRange);
    end_ms = ctx.now_ms() + ms;
  }
  ctx.server().pause().Pause(end_ms, all);
  ctx.reply().Ok();
}

// CLIENT UNPAUSE: the postponed commands run right after this one.
void ClientUnpauseCommand(CommandContext& ctx, ArgList) {
  ctx.server().pause().Unpause();
  ctx.reply().Ok();
}

// CLIENT NO-EVICT ON | OFF: exempts the connection from client eviction
// (maxmemory-clients). Ember does not evict clients, so the flag is only
// stored and shown in CLIENT LIST (docs/differences.md).
void ClientNoEvictCommand(CommandContext& ctx, ArgList args) {
  if (EqualsIgnoreCase(args[2], "on")) {
    ctx.client().set_flag(Client::kNoEvict);
  } else if (EqualsIgnoreCase(args[2], "off")) {
    ctx.client().clear_flag(Client::kNoEvict);
  } else {
    return ctx.reply().Error(errors::kSyntax);
  }
  ctx.reply().Ok();
}

void ClientHelpCommand(CommandContext& ctx, ArgList) {
  ReplyHelp(ctx.reply(), "CLIENT",
            {"GETNAME", "    Return the name of the current connection.", "ID",
             "    Return the ID of the current connection.", "INFO",
             "    Return information about the current client connection.",
             "KILL <ip:port>", "    Kill connection made from <ip:port>.",
             "KILL <option> <value> [<option> <value> [...]]",
             "    Kill connections. Options are:",
             "    * ADDR (<ip:port>|<unixsocket>:0)",
             "      Kill connections made from the specified address",
             "    * LADDR (<ip:port>|<unixsocket>:0)",
             "      Kill connections made to specified local address",
             "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)", "      Kill connections by type.",
             "    * USER <username>",
             "      Kill connections authenticated by <username>.",
             "    * SKIPME (YES|NO)",
             "      Skip killing current connection (default: yes).",
             "    * ID <client-id>", "      Kill connections by client id.",
             "    * MAXAGE <maxage>",
             "      Kill connections older than the specified age.",
             "LIST [options ...]", "    Return information about client connections. Options:",
             "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)", "      Return clients of specified type.",
             "UNPAUSE", "    Stop the current client pause, resuming traffic.",
             "PAUSE <timeout> [WRITE|ALL]",
             "    Suspend all, or just write, clients for <timeout> milliseconds.",
             "SETNAME <name>", "    Assign the name <name> to the current connection.",
             "NO-EVICT (ON|OFF)", "    Protect current client connection from eviction.",
             "SETINFO <option> <value>",
             "    Set client meta attr. Options are:", "    * LIB-NAME: the client lib name.",
             "    * LIB-VER: the client lib version."});
}

constexpr uint32_t kConn = kAclConnection;
// QUIT, AUTH, HELLO and RESET: allowed before authentication, while loading
// and while a script is busy.
constexpr uint32_t kConnHandshake =
    kCmdNoscript | kCmdLoading | kCmdStale | kCmdFast | kCmdNoAuth | kCmdAllowBusy;

}  // namespace

void RegisterConnectionCommands(CommandTable& t) {
  t.Add({"ping", -1, kCmdFast | kCmdSubscribedMode, kConn | kAclFast, {}, PingCommand,
         {"Ping the server", "1.0.0", "connection", "O(1)", "[message]"}});
  t.Add({"echo", 2, kCmdLoading | kCmdStale | kCmdFast, kConn | kAclFast, {}, EchoCommand,
         {"Echo the given string", "1.0.0", "connection", "O(1)", "message"}});
  t.Add({"quit", -1, kConnHandshake | kCmdRunsInMulti | kCmdSubscribedMode,
         kConn | kAclFast, {}, QuitCommand,
         {"Close the connection", "1.0.0", "connection", "O(1)", ""}});
  t.Add({"select", 2, kCmdLoading | kCmdStale | kCmdFast, kConn | kAclFast, {}, SelectCommand,
         {"Change the selected database for the current connection", "1.0.0", "connection",
          "O(1)", "index"}});
  t.Add({"auth", -2, kConnHandshake,
         kConn | kAclFast, {}, AuthCommand,
         {"Authenticate to the server", "1.0.0", "connection",
          "O(N) where N is the number of passwords defined for the user", "[username] password"}});
  t.Add({"hello", -1, kConnHandshake,
         kConn | kAclFast, {}, HelloCommand,
         {"Handshake with Redis", "6.0.0", "connection", "O(1)",
          "[protover [AUTH username password] [SETNAME clientname]]"}});
  t.Add({"reset", 1, kConnHandshake | kCmdRunsInMulti | kCmdSubscribedMode,
         kConn | kAclFast, {}, ResetCommand,
         {"Reset the connection", "6.2.0", "connection", "O(1)", ""}});
  t.Add({"client", -2, 0, kAclSlow, {}, nullptr,
         {"A container for client connection commands", "2.4.0", "connection",
          "Depends on subcommand.", ""},
         {
             {"getname", 2, kCmdNoscript | kCmdLoading | kCmdStale, kConn | kAclSlow, {},
              ClientGetNameCommand,
              {"Get the current connection name", "2.6.9", "connection", "O(1)", ""}},
             {"help", 2, kCmdLoading | kCmdStale, kConn | kAclSlow, {}, ClientHelpCommand,
              {"Show helpful text about the different subcommands", "5.0.0", "connection",
               "O(1)", ""}},
             {"id", 2, kCmdNoscript | kCmdLoading | kCmdStale, kConn | kAclSlow, {},
              ClientIdCommand,
              {"Returns the client ID for the current connection", "5.0.0", "connection",
               "O(1)", ""}},
             {"info", 2, kCmdNoscript | kCmdLoading | kCmdStale, kConn | kAclSlow, {},
              ClientInfoCommand,
              {"Returns information about the current client connection.", "6.2.0",
               "connection", "O(1)", ""}},
             {"kill", -3, kCmdAdmin | kCmdNoscript | kCmdLoading | kCmdStale,
              kConn | kAclAdmin | kAclSlow | kAclDangerous, {}, ClientKillCommand,
              {"Kill the connection of a client", "2.4.0", "connection",
               "O(N) where N is the number of client connections",
               "ip:port | <ID client-id | TYPE <NORMAL | MASTER | SLAVE | REPLICA | PUBSUB> | "
               "USER username | ADDR ip:port | LADDR ip:port | SKIPME <YES | NO> | "
               "MAXAGE maxage> [ID client-id | TYPE <NORMAL | MASTER | SLAVE | REPLICA | "
               "PUBSUB> | USER username | ADDR ip:port | LADDR ip:port | SKIPME <YES | NO> | "
               "MAXAGE maxage ...]"}},
             {"list", -2, kCmdAdmin | kCmdNoscript | kCmdLoading | kCmdStale,
              kConn | kAclAdmin | kAclSlow | kAclDangerous, {}, ClientListCommand,
              {"Get the list of client connections", "2.4.0", "connection",
               "O(N) where N is the number of client connections",
               "[TYPE <NORMAL | MASTER | REPLICA | PUBSUB>] [ID client-id [client-id ...]]"}},
             {"unblock", -3, kCmdAdmin | kCmdNoscript | kCmdLoading | kCmdStale,
              kConn | kAclAdmin | kAclSlow | kAclDangerous, {}, ClientUnblockCommand,
              {"Unblock a client blocked in a blocking command from a different connection",
               "5.0.0", "connection", "O(log N) where N is the number of client connections",
               "client-id [TIMEOUT | ERROR]"}},
             {"pause", -3, kCmdAdmin | kCmdNoscript | kCmdLoading | kCmdStale,
              kConn | kAclAdmin | kAclSlow | kAclDangerous, {}, ClientPauseCommand,
              {"Stop processing commands from clients for some time", "2.9.50", "connection",
               "O(1)", "timeout [WRITE | ALL]"}},
             {"unpause", 2, kCmdAdmin | kCmdNoscript | kCmdLoading | kCmdStale,
              kConn | kAclAdmin | kAclSlow | kAclDangerous, {}, ClientUnpauseCommand,
              {"Resume processing of clients that were paused", "6.2.0", "connection",
               "O(N) Where N is the number of paused clients", ""}},
             {"no-evict", 3, kCmdAdmin | kCmdNoscript | kCmdLoading | kCmdStale,
              kConn | kAclAdmin | kAclSlow | kAclDangerous, {}, ClientNoEvictCommand,
              {"Set client eviction mode for the current connection", "7.0.0", "connection",
               "O(1)", "ON | OFF"}},
             {"setinfo", 4, kCmdNoscript | kCmdLoading | kCmdStale, kConn | kAclSlow, {},
              ClientSetInfoCommand,
              {"Set client or connection specific info", "7.2.0", "connection", "O(1)",
               "LIB-NAME libname | LIB-VER libver"}},
             {"setname", 3, kCmdNoscript | kCmdLoading | kCmdStale, kConn | kAclSlow, {},
              ClientSetNameCommand,
              {"Set the current connection name", "2.6.9", "connection", "O(1)",
               "connection-name"}},
         }});
}

}  // namespace ember::server
