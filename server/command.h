// A command is a row in a table: its name, arity, flags, key positions,
// documentation, and the function that runs it (Redis's redisCommand).
//
// Everything generic about commands happens once, in the dispatcher, by
// reading these rows: case-insensitive lookup, "unknown command", "wrong
// number of arguments", refusing writes when the server cannot accept them,
// queueing inside MULTI, per-command statistics, and COMMAND INFO/DOCS.
// Handlers only do their own work.
//
// Arity is Redis's convention: N means exactly N arguments counting the
// command name; -N means at least N.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ember::server {

class CommandContext;

using ArgList = std::span<const std::string_view>;
using CommandHandler = void (*)(CommandContext& ctx, ArgList args);

// Flags the dispatcher and other code read. Names as in COMMAND INFO.
enum CommandFlag : uint32_t {
  kCmdWrite = 1 << 0,     // may modify the keyspace: logged to the AOF, refused on MISCONF
  kCmdReadonly = 1 << 1,  // only reads keys
  kCmdDenyOom = 1 << 2,   // may grow memory: refused over maxmemory
  kCmdAdmin = 1 << 3,     // server administration
  kCmdPubsub = 1 << 4,    // allowed in RESP2 subscribed mode
  kCmdNoscript = 1 << 5,
  kCmdBlocking = 1 << 6,  // may block the client (BLPOP...); runs non-blocking in MULTI
  kCmdLoading = 1 << 7,   // allowed while loading the dataset
  kCmdStale = 1 << 8,
  kCmdSkipMonitor = 1 << 9,
  kCmdFast = 1 << 10,     // O(1) or O(log n)
  kCmdNoAuth = 1 << 11,   // allowed before AUTH (AUTH, HELLO, QUIT...)
  kCmdNoMulti = 1 << 12,  // refused inside MULTI (SHUTDOWN, SAVE)
  kCmdAllowBusy = 1 << 13,
  kCmdSentinel = 1 << 14,
  kCmdMayReplicate = 1 << 15,
  kCmdNoMandatoryKeys = 1 << 16,
  // Not queued by MULTI but run at once: EXEC, DISCARD, MULTI, WATCH, QUIT,
  // RESET (Redis checks for these by name; here the table says it).
  kCmdRunsInMulti = 1 << 17,
  kCmdSkipSlowlog = 1 << 18,     // not logged in the slow log itself (EXEC: its commands are)
  kCmdNoAsyncLoading = 1 << 19,  // refused while loading asynchronously (SAVE, BGSAVE)
  // Allowed to a RESP2 client in subscribed mode: (P|S)(UN)SUBSCRIBE, PING,
  // QUIT, RESET (Redis checks for these by name; not the "pubsub" flag,
  // which PUBLISH has too).
  kCmdSubscribedMode = 1 << 20,
};

// Redis's ACL categories, reported by COMMAND INFO and used by COMMAND LIST
// FILTERBY ACLCAT.
enum AclCategory : uint32_t {
  kAclKeyspace = 1 << 0,
  kAclRead = 1 << 1,
  kAclWrite = 1 << 2,
  kAclSet = 1 << 3,
  kAclSortedSet = 1 << 4,
  kAclList = 1 << 5,
  kAclHash = 1 << 6,
  kAclString = 1 << 7,
  kAclBitmap = 1 << 8,
  kAclHyperLogLog = 1 << 9,
  kAclGeo = 1 << 10,
  kAclStream = 1 << 11,
  kAclPubsub = 1 << 12,
  kAclAdmin = 1 << 13,
  kAclFast = 1 << 14,
  kAclSlow = 1 << 15,
  kAclBlocking = 1 << 16,
  kAclDangerous = 1 << 17,
  kAclConnection = 1 << 18,
  kAclTransaction = 1 << 19,
  kAclScripting = 1 << 20,
};

// A flag's or category's bit and the name Redis gives it.
struct FlagName {
  uint32_t bit;
  std::string_view name;
};

// Each ACL category's name, in Redis's order (ACLCommandCategories): what
// COMMAND INFO prints after "@" and what ACL CAT lists.
inline constexpr FlagName kAclCategoryNames[] = {
    {kAclKeyspace, "keyspace"},
    {kAclRead, "read"},
    {kAclWrite, "write"},
    {kAclSet, "set"},
    {kAclSortedSet, "sortedset"},
    {kAclList, "list"},
    {kAclHash, "hash"},
    {kAclString, "string"},
    {kAclBitmap, "bitmap"},
    {kAclHyperLogLog, "hyperloglog"},
    {kAclGeo, "geo"},
    {kAclStream, "stream"},
    {kAclPubsub, "pubsub"},
    {kAclAdmin, "admin"},
    {kAclFast, "fast"},
    {kAclSlow, "slow"},
    {kAclBlocking, "blocking"},
    {kAclDangerous, "dangerous"},
    {kAclConnection, "connection"},
    {kAclTransaction, "transaction"},
    {kAclScripting, "scripting"},
};

// Where the keys are among the arguments: first, last (negative counts from
// the end: -1 is the last argument), step. All zero: no keys. Commands whose
// keys are counted by an argument (LMPOP numkeys key [key ...]) give the
// index of that count in `numkeys_at` instead.
struct KeySpec {
  int first = 0;
  int last = 0;
  int step = 0;
  int numkeys_at = 0;
};

// Documentation for COMMAND DOCS (redis-cli builds its hints from it).
struct CommandDoc {
  std::string_view summary;
  std::string_view since;
  std::string_view group;  // "string", "generic", "server", "connection", ...
  std::string_view complexity;
  // The argument syntax as a usage line, e.g.
  // "key value [NX | XX] [GET] [EX seconds | PX milliseconds | KEEPTTL]".
  // Parsed into COMMAND DOCS's argument tree once, when first asked for
  // (command_docs.h).
  std::string_view syntax;
};

struct CommandStats {
  uint64_t calls = 0;
  uint64_t usec = 0;
  uint64_t rejected_calls = 0;  // refused before running (arity, NOAUTH, OOM, ...)
  uint64_t failed_calls = 0;    // ran and replied with an error
};

struct CommandSpec {
  std::string_view name;  // lower case; subcommands: just the subcommand ("get")
  int arity = 0;
  uint32_t flags = 0;
  uint32_t acl = 0;
  KeySpec keys;
  CommandHandler handler = nullptr;
  CommandDoc doc;
  std::vector<CommandSpec> subcommands;  // for containers: CONFIG, CLIENT, OBJECT...

  // Filled in by the table.
  std::string full_name;  // "get", "config|get"
  const CommandSpec* parent = nullptr;
  mutable CommandStats stats;

  bool is_container() const { return !subcommands.empty(); }
  bool has(CommandFlag f) const { return (flags & f) != 0; }
};

}  // namespace ember::server
