// COMMAND and its subcommands: the command table, described to clients.
//
// Redis 7 made its command table self-describing. COMMAND INFO gives each
// command's arity, flags, legacy key positions (first, last, step), ACL
// categories, tips for cluster clients, and "key specs": for each key
// argument, where it is (begin_search: at argument index N) and how far the
// keys run (find_keys: a range to `lastkey`, relative to that index when
// >= 0, from the end when negative, every `keystep`), with flags saying
// what the command does to it. COMMAND DOCS gives the summary, group,
// complexity and the argument tree (command_docs.h). Clients use these to
// route commands in a cluster, and redis-cli builds its help and hints from
// COMMAND DOCS when it starts.
//
// Everything here is read from the rows of the command table. What the
// rows do not carry is kept in small tables below, copied from Redis 7.0
// for the commands Ember has: the key-spec flags of commands whose keys are
// not simply "read" (readonly commands: RO + access) or "read and updated"
// (write commands: RW + access + update), and the tips. (Where the keys of
// commands that count them are, LMPOP numkeys key [key ...], is in the row:
// KeySpec::numkeys_at.) A command missing from them gets the default flags
// and no tips; the comparison with a real Redis in
// tests/server/command_introspection_test.cc says when that is wrong.
#include <algorithm>
#include <array>
#include <span>
#include <string>
#include <vector>

#include "protocol/errors.h"
#include "protocol/reply_writer.h"
#include "server/command_docs.h"
#include "server/command_table.h"
#include "server/commands/reply_util.h"
#include "storage/glob.h"
#include "storage/numbers.h"

namespace ember::server {

namespace {

namespace errors = protocol::errors;
using protocol::ReplyWriter;

// --- Names, in the order Redis lists them ---

// Not a flag of the rows: computed for commands whose keys cannot be found
// from fixed positions (LMPOP numkeys key [key ...]).
constexpr uint32_t kMovableKeys = 1u << 31;

// may_replicate and sentinel are internal: Redis 7.0 hides them too.
constexpr FlagName kCommandFlagNames[] = {
    {kCmdWrite, "write"},
    {kCmdReadonly, "readonly"},
    {kCmdDenyOom, "denyoom"},
    {kCmdAdmin, "admin"},
    {kCmdPubsub, "pubsub"},
    {kCmdNoscript, "noscript"},
    {kCmdBlocking, "blocking"},
    {kCmdLoading, "loading"},
    {kCmdStale, "stale"},
    {kCmdSkipMonitor, "skip_monitor"},
    {kCmdSkipSlowlog, "skip_slowlog"},
    {kCmdFast, "fast"},
    {kCmdNoAuth, "no_auth"},
    {kCmdNoMandatoryKeys, "no_mandatory_keys"},
    {kCmdNoAsyncLoading, "no_async_loading"},
    {kCmdNoMulti, "no_multi"},
    {kMovableKeys, "movablekeys"},
    {kCmdAllowBusy, "allow_busy"},
};

// What a command does with a key (Redis's CMD_KEY_* flags). Exactly one of
// RO (reads only), RW (reads and writes), OW (overwrites without reading),
// RM (removes); then what happens to the value: access (returns or uses
// it), update (changes it), insert (adds to it), delete (removes it).
enum KeyFlag : uint32_t {
  kKeyRO = 1 << 0,
  kKeyRW = 1 << 1,
  kKeyOW = 1 << 2,
  kKeyRM = 1 << 3,
  kKeyAccess = 1 << 4,
  kKeyUpdate = 1 << 5,
  kKeyInsert = 1 << 6,
  kKeyDelete = 1 << 7,
  kKeyNotKey = 1 << 8,
  kKeyIncomplete = 1 << 9,
  kKeyVariableFlags = 1 << 10,  // the flags depend on the other arguments
};

constexpr FlagName kKeyFlagNames[] = {
    {kKeyRO, "RO"},
    {kKeyRW, "RW"},
    {kKeyOW, "OW"},
    {kKeyRM, "RM"},
    {kKeyAccess, "access"},
    {kKeyUpdate, "update"},
    {kKeyInsert, "insert"},
    {kKeyDelete, "delete"},
    {kKeyNotKey, "not_key"},
    {kKeyIncomplete, "incomplete"},
    {kKeyVariableFlags, "variable_flags"},
};

// Key-spec flags that differ from the default for the command's flags.
// `second` is for commands with two key specs (RENAME: the old name is
// read and deleted, the new one overwritten).
struct KeyAccess {
  std::string_view command;
  uint32_t first;
  uint32_t second = 0;
  std::string_view notes = {};
};
constexpr uint32_t kRoOnly = kKeyRO;
constexpr uint32_t kRwUpdate = kKeyRW | kKeyUpdate;
constexpr KeyAccess kKeyAccessTable[] = {
    {"del", kKeyRM | kKeyDelete},
    {"unlink", kKeyRM | kKeyDelete},
    {"exists", kRoOnly},
    {"touch", kRoOnly},
    {"type", kRoOnly},
    {"strlen", kRoOnly},
    {"object|encoding", kRoOnly},
    {"object|freq", kRoOnly},
    {"object|idletime", kRoOnly},
    {"object|refcount", kRoOnly},
    {"rename", kKeyRW | kKeyAccess | kKeyDelete, kKeyOW | kKeyUpdate},
    {"renamenx", kKeyRW | kKeyAccess | kKeyDelete, kKeyOW | kKeyInsert},
    {"copy", kKeyRO | kKeyAccess, kKeyOW | kKeyUpdate},
    {"expire", kRwUpdate},
    {"pexpire", kRwUpdate},
    {"expireat", kRwUpdate},
    {"pexpireat", kRwUpdate},
    {"persist", kRwUpdate},
    {"set", kKeyRW | kKeyAccess | kKeyUpdate | kKeyVariableFlags, 0,
     "RW and ACCESS due to the optional `GET` argument"},
    {"setnx", kKeyOW | kKeyInsert},
    {"setex", kKeyOW | kKeyUpdate},
    {"psetex", kKeyOW | kKeyUpdate},
    {"mset", kKeyOW | kKeyUpdate},
    {"msetnx", kKeyOW | kKeyInsert},
    {"getdel", kKeyRW | kKeyAccess | kKeyDelete},
    {"getex", kKeyRW | kKeyAccess | kKeyUpdate, 0, "RW and UPDATE because it changes the TTL"},
    {"append", kKeyRW | kKeyInsert},
    {"setrange", kRwUpdate},
    {"lpush", kKeyRW | kKeyInsert},
    {"rpush", kKeyRW | kKeyInsert},
    {"lpushx", kKeyRW | kKeyInsert},
    {"rpushx", kKeyRW | kKeyInsert},
    {"linsert", kKeyRW | kKeyInsert},
    {"lpop", kKeyRW | kKeyAccess | kKeyDelete},
    {"rpop", kKeyRW | kKeyAccess | kKeyDelete},
    {"blpop", kKeyRW | kKeyAccess | kKeyDelete},
    {"brpop", kKeyRW | kKeyAccess | kKeyDelete},
    {"lmpop", kKeyRW | kKeyAccess | kKeyDelete},
    {"blmpop", kKeyRW | kKeyAccess | kKeyDelete},
    {"lmove", kKeyRW | kKeyAccess | kKeyDelete, kKeyRW | kKeyInsert},
    {"blmove", kKeyRW | kKeyAccess | kKeyDelete, kKeyRW | kKeyInsert},
    {"rpoplpush", kKeyRW | kKeyAccess | kKeyDelete, kKeyRW | kKeyInsert},
    {"brpoplpush", kKeyRW | kKeyAccess | kKeyDelete, kKeyRW | kKeyInsert},
    {"llen", kRoOnly},
    {"lset", kRwUpdate},
    {"lrem", kKeyRW | kKeyDelete},
    {"ltrim", kKeyRW | kKeyDelete},
    {"watch", kRoOnly},
    {"hset", kRwUpdate},
    {"hmset", kRwUpdate},
    {"hsetnx", kKeyRW | kKeyInsert},
    {"hdel", kKeyRW | kKeyDelete},
    {"hexists", kRoOnly},
    {"hlen", kRoOnly},
    {"hstrlen", kRoOnly},
    {"sadd", kKeyRW | kKeyInsert},
    {"srem", kKeyRW | kKeyDelete},
    {"sismember", kRoOnly},
    {"scard", kRoOnly},
    {"spop", kKeyRW | kKeyAccess | kKeyDelete},
    {"smove", kKeyRW | kKeyAccess | kKeyDelete, kKeyRW | kKeyInsert},
    {"sinterstore", kRwUpdate, kKeyRO | kKeyAccess},
    {"sunionstore", kKeyOW | kKeyUpdate, kKeyRO | kKeyAccess},
    {"sdiffstore", kKeyOW | kKeyUpdate, kKeyRO | kKeyAccess},
    {"ssubscribe", kKeyNotKey},
    {"sunsubscribe", kKeyNotKey},
    {"spublish", kKeyNotKey},
    {"zadd", kRwUpdate},
    {"zrem", kKeyRW | kKeyDelete},
    {"zcard", kRoOnly},
    {"zremrangebyrank", kKeyRW | kKeyDelete},
    {"zremrangebyscore", kKeyRW | kKeyDelete},
    {"zremrangebylex", kKeyRW | kKeyDelete},
    {"zpopmin", kKeyRW | kKeyAccess | kKeyDelete},
    {"zpopmax", kKeyRW | kKeyAccess | kKeyDelete},
    {"bzpopmin", kKeyRW | kKeyAccess | kKeyDelete},
    {"bzpopmax", kKeyRW | kKeyAccess | kKeyDelete},
    {"zmpop", kKeyRW | kKeyAccess | kKeyDelete},
    {"bzmpop", kKeyRW | kKeyAccess | kKeyDelete},
    {"zrangestore", kKeyOW | kKeyUpdate, kKeyRO | kKeyAccess},
    {"zunionstore", kKeyOW | kKeyUpdate, kKeyRO | kKeyAccess},
    {"zinterstore", kKeyOW | kKeyUpdate, kKeyRO | kKeyAccess},
    {"zdiffstore", kKeyOW | kKeyUpdate, kKeyRO | kKeyAccess},
};

// Commands whose first key is written and the others only read
// (SINTERSTORE destination key [key ...]): two key specs, the first key
// alone, then the rest as one range.
constexpr std::string_view kDestinationFirst[] = {"sinterstore", "sunionstore", "sdiffstore"};

// Tips for clients (mostly for cluster routing: which shards to send a
// command to and how to merge the replies), as Redis 7.0 gives them.
struct Tips {
  std::string_view command;
  std::array<std::string_view, 3> tips;
};
constexpr std::string_view kAllShards = "request_policy:all_shards";
constexpr std::string_view kMultiShard = "request_policy:multi_shard";
constexpr std::string_view kAllSucceeded = "response_policy:all_succeeded";
constexpr std::string_view kAggSum = "response_policy:agg_sum";
constexpr std::string_view kNondet = "nondeterministic_output";
constexpr std::string_view kNondetOrder = "nondeterministic_output_order";
constexpr std::string_view kAllNodes = "request_policy:all_nodes";
constexpr std::string_view kSpecial = "response_policy:special";
constexpr Tips kTipsTable[] = {
    {"ping", {kAllShards, kAllSucceeded}},
    {"client|info", {kNondet}},
    {"client|list", {kNondet}},
    {"del", {kMultiShard, kAggSum}},
    {"unlink", {kMultiShard, kAggSum}},
    {"exists", {kMultiShard, kAggSum}},
    {"touch", {kMultiShard, kAggSum}},
    {"keys", {kAllShards, kNondetOrder}},
    {"scan", {kNondet, "request_policy:special"}},
    {"randomkey", {kAllShards, kNondet}},
    {"ttl", {kNondet}},
    {"pttl", {kNondet}},
    {"object|encoding", {kNondet}},
    {"object|freq", {kNondet}},
    {"object|idletime", {kNondet}},
    {"object|refcount", {kNondet}},
    {"dbsize", {kAllShards, kAggSum}},
    {"flushdb", {kAllShards, kAllSucceeded}},
    {"flushall", {kAllShards, kAllSucceeded}},
    {"time", {kNondet}},
    {"lastsave", {kNondet}},
    {"info", {kNondet, kAllShards, "response_policy:special"}},
    {"config|set", {"request_policy:all_nodes", kAllSucceeded}},
    {"mget", {kMultiShard}},
    {"mset", {kMultiShard, kAllSucceeded}},
    {"msetnx", {kMultiShard, "response_policy:agg_min"}},
    {"command", {kNondetOrder}},
    {"command|docs", {kNondetOrder}},
    {"command|info", {kNondetOrder}},
    {"command|list", {kNondetOrder}},
    {"hkeys", {kNondetOrder}},
    {"hvals", {kNondetOrder}},
    {"hgetall", {kNondetOrder}},
    {"hrandfield", {kNondet}},
    {"hscan", {kNondet}},
    {"smembers", {kNondetOrder}},
    {"sinter", {kNondetOrder}},
    {"sunion", {kNondetOrder}},
    {"sdiff", {kNondetOrder}},
    {"spop", {kNondet}},
    {"srandmember", {kNondet}},
    {"sscan", {kNondet}},
    {"slowlog|get", {kAllNodes, kNondet}},
    {"slowlog|len", {kAllNodes, kAggSum, kNondet}},
    {"slowlog|reset", {kAllNodes, kAllSucceeded}},
    {"latency|latest", {kNondet, kAllNodes, kSpecial}},
    {"latency|history", {kNondet, kAllNodes, kSpecial}},
    {"latency|graph", {kNondet, kAllNodes, kSpecial}},
    {"latency|doctor", {kNondet, kAllNodes, kSpecial}},
    {"latency|reset", {kAllNodes, kAllSucceeded}},
    {"zrandmember", {kNondet}},
    {"zscan", {kNondet}},
};

// --- Key specs ---

struct KeySpecInfo {
  uint32_t flags = 0;
  std::string_view notes;
  int index = 0;        // begin_search: where the search starts
  bool keynum = false;  // find_keys: a counted run rather than a range
  // Range: the last key, >= 0 relative to index, < 0 from the end.
  int lastkey = 0;
  int keystep = 1;
  int limit = 0;
  // Keynum: the count is at index + keynumidx, the first key at
  // index + firstkey.
  int keynumidx = 0;
  int firstkey = 1;
};

// The key specs of a command, from its legacy {first, last, step}: one
// range for a run of keys (MGET key [key ...], MSET's every other
// argument), and one spec per key when a command takes a fixed number of
// keys in different roles (RENAME key newkey). Keys counted by an argument
// (LMPOP numkeys key [key ...]) are one more spec, after those:
// ZUNIONSTORE destination numkeys key [key ...] has a range for its
// destination, then the counted keys.
std::vector<KeySpecInfo> KeySpecsOf(const CommandSpec& cmd) {
  std::vector<KeySpecInfo> specs;
  const KeySpec& k = cmd.keys;
  if (k.first <= 0) {
    // No fixed keys.
  } else if (k.last > 0 && k.last > k.first) {
    for (int i = k.first; i <= k.last; i += k.step) specs.push_back({.index = i});
  } else if (std::find(std::begin(kDestinationFirst), std::end(kDestinationFirst), cmd.full_name) !=
             std::end(kDestinationFirst)) {
    specs.push_back({.index = k.first});
    specs.push_back({.index = k.first + 1, .lastkey = k.last, .keystep = k.step});
  } else {
    specs.push_back(
        {.index = k.first, .lastkey = k.last >= 0 ? k.last - k.first : k.last, .keystep = k.step});
  }
  if (k.numkeys_at > 0) specs.push_back({.index = k.numkeys_at, .keynum = true});
  uint32_t flags = cmd.has(kCmdWrite) ? (kKeyRW | kKeyAccess | kKeyUpdate) : (kKeyRO | kKeyAccess);
  const KeyAccess* exception = nullptr;
  for (const KeyAccess& e : kKeyAccessTable) {
    if (e.command == cmd.full_name) exception = &e;
  }
  for (size_t i = 0; i < specs.size(); ++i) {
    if (exception == nullptr) {
      specs[i].flags = flags;
    } else {
      specs[i].flags = (i > 0 && exception->second != 0) ? exception->second : exception->first;
      if (i == 0) specs[i].notes = exception->notes;
    }
  }
  return specs;
}

std::vector<std::string_view> TipsOf(const CommandSpec& cmd) {
  std::vector<std::string_view> tips;
  for (const Tips& t : kTipsTable) {
    if (t.command != cmd.full_name) continue;
    for (std::string_view tip : t.tips) {
      if (!tip.empty()) tips.push_back(tip);
    }
  }
  return tips;
}

struct KeyRef {
  size_t pos;
  uint32_t flags;
};

uint32_t InfoFlags(const CommandSpec& cmd, const std::vector<KeySpecInfo>& specs) {
  bool movable =
      std::any_of(specs.begin(), specs.end(), [](const KeySpecInfo& s) { return s.keynum; });
  return cmd.flags | (movable ? kMovableKeys : 0);
}

// SET's key flags depend on its arguments (variable_flags): with GET it
// reads the old value, without it overwrites.
uint32_t VariableKeyFlags(const CommandSpec& cmd, ArgList args, uint32_t flags) {
  if (cmd.full_name != "set") return flags;
  for (size_t i = 3; i < args.size(); ++i) {
    if (EqualsIgnoreCase(args[i], "get")) return kKeyRW | kKeyAccess | kKeyUpdate;
  }
  return kKeyOW | kKeyUpdate;
}

// The keys of a full command line (args[0] is the command), found with its
// key specs as Redis's getKeysUsingKeySpecs does. False if a spec points
// outside the arguments or a key count is not a count.
bool FindKeys(const CommandSpec& cmd, ArgList args, std::vector<KeyRef>* keys) {
  int argc = static_cast<int>(args.size());
  for (const KeySpecInfo& spec : KeySpecsOf(cmd)) {
    int first = spec.index;
    int last;
    if (spec.keynum) {
      int64_t numkeys;
      if (first + spec.keynumidx >= argc ||
          !storage::StringToInt64(args[first + spec.keynumidx], &numkeys) || numkeys < 0 ||
          numkeys > argc) {
        return false;
      }
      first += spec.firstkey;
      last = first + static_cast<int>(numkeys) - 1;
    } else {
      last = spec.lastkey >= 0 ? first + spec.lastkey : argc + spec.lastkey;
    }
    if (first >= argc || last >= argc || last < first) return false;
    uint32_t flags =
        (spec.flags & kKeyVariableFlags) ? VariableKeyFlags(cmd, args, spec.flags) : spec.flags;
    for (int i = first; i <= last; i += spec.keystep) {
      keys->push_back({static_cast<size_t>(i), flags});
    }
  }
  return true;
}

// --- Looking commands up by their full names ---

// "get", "object|encoding" (case-insensitive); nullptr if unknown.
const CommandSpec* FindByFullName(const CommandTable& table, std::string_view name) {
  size_t bar = name.find('|');
  if (bar == std::string_view::npos) return table.Find(name);
  const CommandSpec* container = table.Find(name.substr(0, bar));
  std::string_view sub = name.substr(bar + 1);
  if (container == nullptr || !container->is_container() ||
      sub.find('|') != std::string_view::npos) {
    return nullptr;
  }
  return CommandTable::FindSubcommand(*container, sub);
}

// The command a command line would run, as the dispatcher resolves it.
const CommandSpec* FindForArgs(const CommandTable& table, ArgList args) {
  const CommandSpec* cmd = table.Find(args[0]);
  if (cmd == nullptr || args.size() == 1 || !cmd->is_container()) return cmd;
  return CommandTable::FindSubcommand(*cmd, args[1]);
}

// --- Replies ---

void WriteFlagSet(ReplyWriter& r, uint32_t bits, std::span<const FlagName> names,
                  std::string_view prefix = {}) {
  int64_t n = std::count_if(names.begin(), names.end(),
                            [bits](const FlagName& f) { return (bits & f.bit) != 0; });
  r.SetHeader(n);
  for (const FlagName& f : names) {
    if ((bits & f.bit) == 0) continue;
    if (prefix.empty()) {
      r.SimpleString(f.name);
    } else {
      r.SimpleString(std::string(prefix) + std::string(f.name));
    }
  }
}

void WriteKeySpec(ReplyWriter& r, const KeySpecInfo& spec) {
  r.MapHeader(spec.notes.empty() ? 3 : 4);
  if (!spec.notes.empty()) {
    r.Bulk("notes");
    r.Bulk(spec.notes);
  }
  r.Bulk("flags");
  WriteFlagSet(r, spec.flags, kKeyFlagNames);
  r.Bulk("begin_search");
  r.MapHeader(2);
  r.Bulk("type");
  r.Bulk("index");
  r.Bulk("spec");
  r.MapHeader(1);
  r.Bulk("index");
  r.Integer(spec.index);
  r.Bulk("find_keys");
  r.MapHeader(2);
  r.Bulk("type");
  r.Bulk(spec.keynum ? "keynum" : "range");
  r.Bulk("spec");
  r.MapHeader(3);
  if (spec.keynum) {
    r.Bulk("keynumidx");
    r.Integer(spec.keynumidx);
    r.Bulk("firstkey");
    r.Integer(spec.firstkey);
  } else {
    r.Bulk("lastkey");
    r.Integer(spec.lastkey);
  }
  r.Bulk("keystep");
  r.Integer(spec.keystep);
  if (!spec.keynum) {
    r.Bulk("limit");
    r.Integer(spec.limit);
  }
}

// One COMMAND INFO entry: a 10-element array, or nil for an unknown name.
void WriteInfo(ReplyWriter& r, const CommandSpec* cmd) {
  if (cmd == nullptr) return r.NullBulk();
  std::vector<KeySpecInfo> specs = KeySpecsOf(*cmd);
  r.ArrayHeader(10);
  r.Bulk(cmd->full_name);
  r.Integer(cmd->arity);
  WriteFlagSet(r, InfoFlags(*cmd, specs), kCommandFlagNames);
  r.Integer(cmd->keys.first);
  r.Integer(cmd->keys.last);
  r.Integer(cmd->keys.step);
  WriteFlagSet(r, cmd->acl, kAclCategoryNames, "@");
  std::vector<std::string_view> tips = TipsOf(*cmd);
  r.SetHeader(static_cast<int64_t>(tips.size()));
  for (std::string_view tip : tips) r.Bulk(tip);
  r.SetHeader(static_cast<int64_t>(specs.size()));
  for (const KeySpecInfo& spec : specs) WriteKeySpec(r, spec);
  if (!cmd->is_container()) return r.SetHeader(0);
  r.ArrayHeader(static_cast<int64_t>(cmd->subcommands.size()));
  for (const CommandSpec& sub : cmd->subcommands) WriteInfo(r, &sub);
}

void WriteDocArgs(ReplyWriter& r, const std::vector<DocArg>& args) {
  r.ArrayHeader(static_cast<int64_t>(args.size()));
  for (const DocArg& a : args) {
    bool key = a.type == ArgType::kKey;
    bool nested = a.type == ArgType::kOneof || a.type == ArgType::kBlock;
    r.MapHeader(2 + (key ? 1 : 0) + (a.token.empty() ? 0 : 1) + (a.flags != 0 ? 1 : 0) +
                (nested ? 1 : 0));
    r.Bulk("name");
    r.Bulk(a.name);
    r.Bulk("type");
    r.Bulk(ArgTypeName(a.type));
    if (key) {
      r.Bulk("key_spec_index");
      r.Integer(a.key_spec_index);
    }
    if (!a.token.empty()) {
      r.Bulk("token");
      r.Bulk(a.token);
    }
    if (a.flags != 0) {
      static constexpr FlagName kArgFlagNames[] = {{kArgOptional, "optional"},
                                                   {kArgMultiple, "multiple"},
                                                   {kArgMultipleToken, "multiple_token"}};
      r.Bulk("flags");
      WriteFlagSet(r, a.flags, kArgFlagNames);
    }
    if (nested) {
      r.Bulk("arguments");
      WriteDocArgs(r, a.args);
    }
  }
}

// One COMMAND DOCS value: a map of summary, since, group, complexity,
// arguments and, for a container, its subcommands' docs by full name.
void WriteDocs(ReplyWriter& r, const CommandSpec& cmd) {
  const ParsedSyntax& syntax = DocArgsFor(cmd);
  // A usage line that does not parse leaves the arguments out; a test
  // parses every row's usage line, so this is not expected to happen.
  bool has_args = syntax.ok && !syntax.args.empty();
  bool has_complexity = !cmd.doc.complexity.empty();
  r.MapHeader(3 + (has_complexity ? 1 : 0) + (has_args ? 1 : 0) + (cmd.is_container() ? 1 : 0));
  r.Bulk("summary");
  r.Bulk(cmd.doc.summary);
  r.Bulk("since");
  r.Bulk(cmd.doc.since);
  r.Bulk("group");
  r.Bulk(cmd.doc.group);
  if (has_complexity) {
    r.Bulk("complexity");
    r.Bulk(cmd.doc.complexity);
  }
  if (has_args) {
    r.Bulk("arguments");
    WriteDocArgs(r, syntax.args);
  }
  if (cmd.is_container()) {
    r.Bulk("subcommands");
    r.MapHeader(static_cast<int64_t>(cmd.subcommands.size()));
    for (const CommandSpec& sub : cmd.subcommands) {
      r.Bulk(sub.full_name);
      WriteDocs(r, sub);
    }
  }
}

// --- Handlers ---

const CommandTable& Table(CommandContext& ctx) { return ctx.server().commands(); }

// COMMAND (no subcommand): every command's info.
void CommandCommand(CommandContext& ctx, ArgList) {
  const CommandTable& table = Table(ctx);
  ctx.reply().ArrayHeader(static_cast<int64_t>(table.size()));
  for (const auto& cmd : table.all()) WriteInfo(ctx.reply(), cmd.get());
}

// COMMAND COUNT: top-level commands only, as Redis counts them.
void CommandCountCommand(CommandContext& ctx, ArgList) {
  ctx.reply().Integer(static_cast<int64_t>(Table(ctx).size()));
}

// COMMAND INFO [command-name ...]
void CommandInfoCommand(CommandContext& ctx, ArgList args) {
  if (args.size() == 2) return CommandCommand(ctx, args);
  ctx.reply().ArrayHeader(static_cast<int64_t>(args.size() - 2));
  for (size_t i = 2; i < args.size(); ++i) {
    WriteInfo(ctx.reply(), FindByFullName(Table(ctx), args[i]));
  }
}

// COMMAND DOCS [command-name ...]: unknown names are left out of the map.
void CommandDocsCommand(CommandContext& ctx, ArgList args) {
  const CommandTable& table = Table(ctx);
  std::vector<const CommandSpec*> cmds;
  if (args.size() == 2) {
    for (const auto& cmd : table.all()) cmds.push_back(cmd.get());
  } else {
    for (size_t i = 2; i < args.size(); ++i) {
      if (const CommandSpec* cmd = FindByFullName(table, args[i])) cmds.push_back(cmd);
    }
  }
  ctx.reply().MapHeader(static_cast<int64_t>(cmds.size()));
  for (const CommandSpec* cmd : cmds) {
    ctx.reply().Bulk(cmd->full_name);
    WriteDocs(ctx.reply(), *cmd);
  }
}

// COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]:
// full names, each container followed by its subcommands.
void CommandListCommand(CommandContext& ctx, ArgList args) {
  enum class Filter { kNone, kModule, kAclCat, kPattern } filter = Filter::kNone;
  std::string_view filter_arg;
  for (size_t i = 2; i < args.size(); ++i) {
    // FILTERBY must be the last option, followed by exactly two arguments.
    if (!EqualsIgnoreCase(args[i], "filterby") || args.size() - 1 - i != 2) {
      return ctx.reply().Error(errors::kSyntax);
    }
    std::string_view type = args[i + 1];
    if (EqualsIgnoreCase(type, "module")) {
      filter = Filter::kModule;
    } else if (EqualsIgnoreCase(type, "aclcat")) {
      filter = Filter::kAclCat;
    } else if (EqualsIgnoreCase(type, "pattern")) {
      filter = Filter::kPattern;
    } else {
      return ctx.reply().Error(errors::kSyntax);
    }
    filter_arg = args[i + 2];
    i += 2;
  }
  uint32_t category = 0;
  if (filter == Filter::kAclCat) {
    for (const FlagName& c : kAclCategoryNames) {
      if (EqualsIgnoreCase(c.name, filter_arg)) category = c.bit;
    }
  }
  auto keep = [&](const CommandSpec& cmd) {
    switch (filter) {
      case Filter::kNone:
        return true;
      case Filter::kModule:
        return false;  // Ember has no modules
      case Filter::kAclCat:
        return (cmd.acl & category) != 0;
      case Filter::kPattern:
        return storage::GlobMatch(filter_arg, cmd.full_name, true);
    }
    return false;
  };
  std::vector<const CommandSpec*> out;
  for (const auto& cmd : Table(ctx).all()) {
    if (keep(*cmd)) out.push_back(cmd.get());
    for (const CommandSpec& sub : cmd->subcommands) {
      if (keep(sub)) out.push_back(&sub);
    }
  }
  ctx.reply().ArrayHeader(static_cast<int64_t>(out.size()));
  for (const CommandSpec* cmd : out) ctx.reply().Bulk(cmd->full_name);
}

// COMMAND GETKEYS / GETKEYSANDFLAGS command [arg ...]
void GetKeysGeneric(CommandContext& ctx, ArgList args, bool with_flags) {
  ArgList line = args.subspan(2);
  const CommandSpec* cmd = FindForArgs(Table(ctx), line);
  if (cmd == nullptr) return ctx.reply().Error(errors::kGetKeysInvalidCommand);
  if (KeySpecsOf(*cmd).empty()) return ctx.reply().Error(errors::kGetKeysNoKeys);
  int argc = static_cast<int>(line.size());
  if ((cmd->arity > 0 && cmd->arity != argc) || argc < -cmd->arity) {
    return ctx.reply().Error(errors::kGetKeysWrongArity);
  }
  std::vector<KeyRef> keys;
  if (!FindKeys(*cmd, line, &keys) || keys.empty()) {
    if (cmd->has(kCmdNoMandatoryKeys)) return ctx.reply().ArrayHeader(0);
    return ctx.reply().Error(errors::kGetKeysInvalidArguments);
  }
  ctx.reply().ArrayHeader(static_cast<int64_t>(keys.size()));
  for (const KeyRef& k : keys) {
    if (!with_flags) {
      ctx.reply().Bulk(line[k.pos]);
      continue;
    }
    ctx.reply().ArrayHeader(2);
    ctx.reply().Bulk(line[k.pos]);
    WriteFlagSet(ctx.reply(), k.flags, kKeyFlagNames);
  }
}
void CommandGetKeysCommand(CommandContext& ctx, ArgList args) { GetKeysGeneric(ctx, args, false); }
void CommandGetKeysAndFlagsCommand(CommandContext& ctx, ArgList args) {
  GetKeysGeneric(ctx, args, true);
}

void CommandHelpCommand(CommandContext& ctx, ArgList) {
  ReplyHelp(ctx.reply(), "COMMAND",
            {"(no subcommand)", "    Return details about all Redis commands.", "COUNT",
             "    Return the total number of commands in this Redis server.", "LIST",
             "    Return a list of all commands in this Redis server.", "INFO [<command-name> ...]",
             "    Return details about multiple Redis commands.",
             "    If no command names are given, documentation details for all",
             "    commands are returned.", "DOCS [<command-name> ...]",
             "    Return documentation details about multiple Redis commands.",
             "    If no command names are given, documentation details for all",
             "    commands are returned.", "GETKEYS <full-command>",
             "    Return the keys from a full Redis command.", "GETKEYSANDFLAGS <full-command>",
             "    Return the keys and the access flags from a full Redis command."});
}

constexpr uint32_t kIntro = kCmdLoading | kCmdStale;
constexpr uint32_t kIntroAcl = kAclSlow | kAclConnection;

}  // namespace

void RegisterIntrospectionCommands(CommandTable& t) {
  // COMMAND is a container that also runs on its own: with no subcommand
  // it lists every command's info.
  t.Add({"command",
         -1,
         kIntro,
         kIntroAcl,
         {},
         CommandCommand,
         {"Get array of Redis command details", "2.8.13", "server",
          "O(N) where N is the total number of Redis commands", ""},
         {
             {"count",
              2,
              kIntro,
              kIntroAcl,
              {},
              CommandCountCommand,
              {"Get total number of Redis commands", "2.8.13", "server", "O(1)", ""}},
             {"docs",
              -2,
              kIntro,
              kIntroAcl,
              {},
              CommandDocsCommand,
              {"Get array of specific Redis command documentation", "7.0.0", "server",
               "O(N) where N is the number of commands to look up",
               "[command-name [command-name ...]]"}},
             {"getkeys",
              -4,
              kIntro,
              kIntroAcl,
              {},
              CommandGetKeysCommand,
              {"Extract keys given a full Redis command", "2.8.13", "server",
               "O(N) where N is the number of arguments to the command", ""}},
             {"getkeysandflags",
              -4,
              kIntro,
              kIntroAcl,
              {},
              CommandGetKeysAndFlagsCommand,
              {"Extract keys and access flags given a full Redis command", "7.0.0", "server",
               "O(N) where N is the number of arguments to the command", ""}},
             {"help",
              2,
              kIntro,
              kIntroAcl,
              {},
              CommandHelpCommand,
              {"Show helpful text about the different subcommands", "5.0.0", "server", "O(1)", ""}},
             {"info",
              -2,
              kIntro,
              kIntroAcl,
              {},
              CommandInfoCommand,
              {"Get array of specific Redis command details, or all when no argument is given.",
               "2.8.13", "server", "O(N) where N is the number of commands to look up",
               "[command-name [command-name ...]]"}},
             {"list",
              -2,
              kIntro,
              kIntroAcl,
              {},
              CommandListCommand,
              {"Get an array of Redis command names", "7.0.0", "server",
               "O(N) where N is the total number of Redis commands",
               "[FILTERBY <MODULE module-name | ACLCAT category | PATTERN pattern>]"}},
         }});
}

}  // namespace ember::server
