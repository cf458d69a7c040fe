// Generic key commands (Redis's db.c and expire.c): they work on keys of
// every type.
#include <fmt/format.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <string>
#include <vector>

#include "protocol/errors.h"
#include "server/command_table.h"
#include "server/commands/reply_util.h"
#include "storage/glob.h"
#include "storage/key_ops.h"
#include "storage/numbers.h"
#include "storage/object.h"

namespace ember::server {

namespace {

namespace errors = protocol::errors;
using storage::Database;
using storage::Entry;
using storage::OpStatus;

// DEL key [key ...] / UNLINK key [key ...]
void DelCommand(CommandContext& ctx, ArgList args) {
  int64_t deleted = 0;
  for (size_t i = 1; i < args.size(); ++i) {
    if (ctx.db().Delete(args[i])) {
      ctx.KeyModified(args[i]);
      ctx.Notify(kNotifyGeneric, "del", args[i]);
      ++deleted;
    }
  }
  ctx.reply().Integer(deleted);
}

// EXISTS key [key ...]: a key named twice counts twice.
void ExistsCommand(CommandContext& ctx, ArgList args) {
  int64_t n = 0;
  for (size_t i = 1; i < args.size(); ++i) {
    if (ctx.db().LookupRead(args[i], Database::kNoTouch)) ++n;
  }
  ctx.reply().Integer(n);
}

// TOUCH key [key ...]: like EXISTS, but refreshes the keys' access time.
void TouchCommand(CommandContext& ctx, ArgList args) {
  int64_t n = 0;
  for (size_t i = 1; i < args.size(); ++i) {
    if (ctx.db().LookupRead(args[i])) ++n;
  }
  ctx.reply().Integer(n);
}

// TYPE key
void TypeCommand(CommandContext& ctx, ArgList args) {
  Entry* e = ctx.db().LookupRead(args[1], Database::kNoTouch);
  ctx.reply().SimpleString(e ? storage::TypeName(e->type()) : "none");
}

// KEYS pattern: expired keys are skipped (not deleted: KEYS only reads).
void KeysCommand(CommandContext& ctx, ArgList args) {
  std::string_view pattern = args[1];
  bool all = pattern == "*";
  std::vector<std::string_view> keys;
  Database& db = ctx.db();
  db.ForEach([&](const Entry* e) {
    std::string_view k = e->key();
    if ((all || storage::GlobMatch(pattern, k)) && !db.IsExpired(e)) keys.push_back(k);
  });
  ctx.reply().ArrayHeader(static_cast<int64_t>(keys.size()));
  for (std::string_view k : keys) ctx.reply().Bulk(k);
}

// Redis parses cursors with strtoul, so it takes what strtoul takes ("+5",
// "-1" as 2^64-1, and "" as 0) except leading white space; anything else is
// "invalid cursor".
bool ParseCursor(CommandContext& ctx, std::string_view text, uint64_t* cursor) {
  std::string s(text);
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(s.c_str(), &end, 10);
  if (std::isspace(static_cast<unsigned char>(s.c_str()[0])) || errno == ERANGE || *end != '\0') {
    ctx.reply().Error(errors::kInvalidCursor);
    return false;
  }
  *cursor = v;
  return true;
}

// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
void ScanCommand(CommandContext& ctx, ArgList args) {
  uint64_t cursor;
  if (!ParseCursor(ctx, args[1], &cursor)) return;
  int64_t count = 10;
  std::string_view pattern;
  bool use_pattern = false;
  std::string_view type;
  bool use_type = false;
  for (size_t i = 2; i < args.size(); i += 2) {
    bool has_value = i + 1 < args.size();
    if (EqualsIgnoreCase(args[i], "count") && has_value) {
      if (!ParseIntArg(ctx, args[i + 1], &count)) return;
      if (count < 1) return ctx.reply().Error(errors::kSyntax);
    } else if (EqualsIgnoreCase(args[i], "match") && has_value) {
      pattern = args[i + 1];
      use_pattern = pattern != "*";
    } else if (EqualsIgnoreCase(args[i], "type") && has_value) {
      type = args[i + 1];
      use_type = true;
    } else {
      return ctx.reply().Error(errors::kSyntax);
    }
  }
  // Visit buckets until `count` keys were collected or 10*count buckets
  // were tried, as Redis does, so a sparse table still answers quickly.
  std::vector<std::string> keys;
  Database& db = ctx.db();
  int64_t max_iterations = count > INT64_MAX / 10 ? INT64_MAX : count * 10;
  do {
    cursor = db.Scan(cursor, &keys);
  } while (cursor != 0 && max_iterations-- > 0 && static_cast<int64_t>(keys.size()) < count);

  std::vector<std::string_view> kept;
  kept.reserve(keys.size());
  for (const std::string& k : keys) {
    if (use_pattern && !storage::GlobMatch(pattern, k)) continue;
    Entry* e = db.LookupRead(k, Database::kNoTouch);  // deletes it if expired
    if (e == nullptr) continue;
    if (use_type && !EqualsIgnoreCase(type, storage::TypeName(e->type()))) continue;
    kept.push_back(k);
  }
  ctx.reply().ArrayHeader(2);
  ctx.reply().Bulk(std::to_string(cursor));
  ctx.reply().ArrayHeader(static_cast<int64_t>(kept.size()));
  for (std::string_view k : kept) ctx.reply().Bulk(k);
}

// RANDOMKEY
void RandomKeyCommand(CommandContext& ctx, ArgList) {
  std::string key;
  ctx.db().RandomKey(&key) ? ctx.reply().Bulk(key) : ctx.reply().NullBulk();
}

// RENAME key newkey / RENAMENX key newkey
void RenameGeneric(CommandContext& ctx, ArgList args, bool nx) {
  OpStatus s = storage::Rename(ctx.db(), args[1], args[2], nx);
  if (s == OpStatus::kNotFound) return ctx.reply().Error(errors::kNoSuchKey);
  if (s == OpStatus::kOk && args[1] != args[2]) {
    ctx.KeyModified(args[1]);
    ctx.KeyModified(args[2]);
    ctx.Notify(kNotifyGeneric, "rename_from", args[1]);
    ctx.Notify(kNotifyGeneric, "rename_to", args[2]);
  }
  if (nx) return ctx.reply().Integer(s == OpStatus::kOk ? 1 : 0);
  ctx.reply().Ok();
}
void RenameCommand(CommandContext& ctx, ArgList args) { RenameGeneric(ctx, args, false); }
void RenameNxCommand(CommandContext& ctx, ArgList args) { RenameGeneric(ctx, args, true); }

// Parses a database index for MOVE and COPY, replying on error.
bool ParseDbIndex(CommandContext& ctx, std::string_view arg, int* index) {
  int64_t v;
  if (!ParseIntArgInRange(ctx, arg, INT32_MIN, INT32_MAX, errors::kNotInt32, &v)) return false;
  if (v < 0 || v >= ctx.keyspace().num_databases()) {
    ctx.reply().Error(errors::kDbIndexOutOfRange);
    return false;
  }
  *index = static_cast<int>(v);
  return true;
}

// COPY source destination [DB destination-db] [REPLACE]
void CopyCommand(CommandContext& ctx, ArgList args) {
  int dst_index = ctx.client().db_index();
  bool replace = false;
  for (size_t i = 3; i < args.size(); ++i) {
    if (EqualsIgnoreCase(args[i], "replace")) {
      replace = true;
    } else if (EqualsIgnoreCase(args[i], "db") && i + 1 < args.size()) {
      if (!ParseDbIndex(ctx, args[++i], &dst_index)) return;
    } else {
      return ctx.reply().Error(errors::kSyntax);
    }
  }
  if (dst_index == ctx.client().db_index() && args[1] == args[2]) {
    return ctx.reply().Error(errors::kSameObject);
  }
  OpStatus s = storage::Copy(ctx.db(), args[1], ctx.keyspace().db(dst_index), args[2], replace);
  if (s == OpStatus::kOk) {
    ctx.server().KeyModifiedIn(dst_index, args[2]);
    ctx.NotifyIn(dst_index, kNotifyGeneric, "copy_to", args[2]);
  }
  ctx.reply().Integer(s == OpStatus::kOk ? 1 : 0);
}

// MOVE key db
void MoveCommand(CommandContext& ctx, ArgList args) {
  int dst_index;
  if (!ParseDbIndex(ctx, args[2], &dst_index)) return;
  if (dst_index == ctx.client().db_index()) return ctx.reply().Error(errors::kSameObject);
  OpStatus s = storage::Move(ctx.db(), args[1], ctx.keyspace().db(dst_index));
  if (s == OpStatus::kOk) {
    ctx.KeyModified(args[1]);
    ctx.server().KeyModifiedIn(dst_index, args[1]);
    ctx.Notify(kNotifyGeneric, "move_from", args[1]);
    ctx.NotifyIn(dst_index, kNotifyGeneric, "move_to", args[1]);
  }
  ctx.reply().Integer(s == OpStatus::kOk ? 1 : 0);
}

// EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT key time [NX | XX | GT | LT]
void ExpireGeneric(CommandContext& ctx, ArgList args, bool seconds, bool relative) {
  int conditions = storage::kExpireAlways;
  for (size_t i = 3; i < args.size(); ++i) {
    if (EqualsIgnoreCase(args[i], "nx")) {
      conditions |= storage::kExpireNx;
    } else if (EqualsIgnoreCase(args[i], "xx")) {
      conditions |= storage::kExpireXx;
    } else if (EqualsIgnoreCase(args[i], "gt")) {
      conditions |= storage::kExpireGt;
    } else if (EqualsIgnoreCase(args[i], "lt")) {
      conditions |= storage::kExpireLt;
    } else {
      return ctx.reply().Error(fmt::format("ERR Unsupported option {}", args[i]));
    }
  }
  if ((conditions & storage::kExpireNx) &&
      (conditions & (storage::kExpireXx | storage::kExpireGt | storage::kExpireLt))) {
    return ctx.reply().Error(errors::kNxAndXxGtLt);
  }
  if ((conditions & storage::kExpireGt) && (conditions & storage::kExpireLt)) {
    return ctx.reply().Error(errors::kGtAndLt);
  }
  int64_t when;
  if (!ParseIntArg(ctx, args[2], &when)) return;
  // Unlike SET's EX, EXPIRE accepts zero and negative times (the key is
  // deleted at once); only overflow is an error.
  auto invalid = [&] {
    ctx.reply().Error(
        fmt::format("ERR invalid expire time in '{}' command", ctx.command().full_name));
  };
  if (seconds) {
    if (when > INT64_MAX / 1000 || when < INT64_MIN / 1000) return invalid();
    when *= 1000;
  }
  if (relative && __builtin_add_overflow(when, ctx.now_ms(), &when)) return invalid();
  switch (storage::Expire(ctx.db(), args[1], when, conditions)) {
    case storage::ExpireOutcome::kNoKey:
    case storage::ExpireOutcome::kSkipped:
      return ctx.reply().Integer(0);
    case storage::ExpireOutcome::kSet: {
      ctx.KeyModified(args[1]);
      ctx.Notify(kNotifyGeneric, "expire", args[1]);
      // Logged as PEXPIREAT with the absolute deadline, options kept.
      std::vector<std::string> argv(args.begin(), args.end());
      argv[0] = "PEXPIREAT";
      argv[2] = storage::Int64ToString(when);
      ctx.Propagate(std::move(argv));
      return ctx.reply().Integer(1);
    }
    case storage::ExpireOutcome::kDeleted:
      ctx.KeyModified(args[1]);
      ctx.Notify(kNotifyGeneric, "del", args[1]);
      ctx.Propagate({"DEL", std::string(args[1])});
      return ctx.reply().Integer(1);
  }
}
void ExpireCommand(CommandContext& ctx, ArgList args) { ExpireGeneric(ctx, args, true, true); }
void PExpireCommand(CommandContext& ctx, ArgList args) { ExpireGeneric(ctx, args, false, true); }
void ExpireAtCommand(CommandContext& ctx, ArgList args) { ExpireGeneric(ctx, args, true, false); }
void PExpireAtCommand(CommandContext& ctx, ArgList args) {
  ExpireGeneric(ctx, args, false, false);
}

// TTL/PTTL/EXPIRETIME/PEXPIRETIME key
void TtlGeneric(CommandContext& ctx, ArgList args, bool ms, bool absolute) {
  int64_t ttl = storage::TimeToLive(ctx.db(), args[1], absolute);
  if (ttl < 0) return ctx.reply().Integer(ttl);
  // Seconds rounded to nearest, without overflowing near INT64_MAX.
  ctx.reply().Integer(ms ? ttl : ttl / 1000 + (ttl % 1000 >= 500 ? 1 : 0));
}
void TtlCommand(CommandContext& ctx, ArgList args) { TtlGeneric(ctx, args, false, false); }
void PTtlCommand(CommandContext& ctx, ArgList args) { TtlGeneric(ctx, args, true, false); }
void ExpireTimeCommand(CommandContext& ctx, ArgList args) { TtlGeneric(ctx, args, false, true); }
void PExpireTimeCommand(CommandContext& ctx, ArgList args) { TtlGeneric(ctx, args, true, true); }

// PERSIST key
void PersistCommand(CommandContext& ctx, ArgList args) {
  storage::KeyRef ref = ctx.db().LookupWrite(args[1]);
  bool removed = ref && ctx.db().Persist(ref);
  if (removed) {
    ctx.KeyModified(args[1]);
    ctx.Notify(kNotifyGeneric, "persist", args[1]);
  }
  ctx.reply().Integer(removed ? 1 : 0);
}

// OBJECT subcommands look keys up without touching their access time.
Entry* ObjectLookup(CommandContext& ctx, std::string_view key) {
  Entry* e = ctx.db().LookupRead(key, Database::kNoTouch | Database::kNoStats);
  if (e == nullptr) ctx.reply().NullBulk();
  return e;
}

// OBJECT ENCODING key
void ObjectEncodingCommand(CommandContext& ctx, ArgList args) {
  if (Entry* e = ObjectLookup(ctx, args[2])) ctx.reply().Bulk(storage::EncodingName(e));
}

// OBJECT REFCOUNT key: Ember never shares values between keys.
void ObjectRefcountCommand(CommandContext& ctx, ArgList args) {
  if (ObjectLookup(ctx, args[2])) ctx.reply().Integer(1);
}

// OBJECT IDLETIME key: seconds since the last access, from the key's 24-bit
// LRU clock (which wraps every 194 days, as Redis's does). Under an LFU
// policy those bits hold a counter instead (storage/eviction.h).
void ObjectIdletimeCommand(CommandContext& ctx, ArgList args) {
  Entry* e = ObjectLookup(ctx, args[2]);
  if (e == nullptr) return;
  if (ctx.keyspace().lfu()) return ctx.reply().Error(errors::kLfuSelected);
  ctx.reply().Integer(
      static_cast<int64_t>(storage::LruIdleMs(e->lru(), ctx.keyspace().lru_clock()) / 1000));
}

// OBJECT FREQ key: the logarithmic access counter, decayed to now (without
// storing the decay: OBJECT is not an access). Only kept under an LFU policy.
void ObjectFreqCommand(CommandContext& ctx, ArgList args) {
  Entry* e = ObjectLookup(ctx, args[2]);
  if (e == nullptr) return;
  if (!ctx.keyspace().lfu()) return ctx.reply().Error(errors::kLfuNotSelected);
  ctx.reply().Integer(
      storage::LfuDecayedCounter(e->lru(), ctx.now_ms(), ctx.keyspace().lfu_decay_time()));
}

void ObjectHelpCommand(CommandContext& ctx, ArgList) {
  ReplyHelp(ctx.reply(), "OBJECT",
            {"ENCODING <key>",
             "    Return the kind of internal representation used in order to store the value",
             "    associated with a <key>.",
             "FREQ <key>",
             "    Return the access frequency index of the <key>. The returned integer is",
             "    proportional to the logarithm of the recent access frequency of the key.",
             "IDLETIME <key>",
             "    Return the idle time of the <key>, that is the approximated number of",
             "    seconds elapsed since the last access to the key.",
             "REFCOUNT <key>",
             "    Return the number of references of the value associated with the specified",
             "    <key>."});
}

constexpr KeySpec kOneKey{1, 1, 1};
constexpr KeySpec kAllKeys{1, -1, 1};
constexpr KeySpec kTwoKeys{1, 2, 1};
constexpr KeySpec kObjectKey{2, 2, 1};

}  // namespace

void RegisterKeyCommands(CommandTable& t) {
  t.Add({"del", -2, kCmdWrite, kAclKeyspace | kAclWrite | kAclSlow, kAllKeys, DelCommand,
         {"Delete a key", "1.0.0", "generic",
          "O(N) where N is the number of keys that will be removed. When a key to remove holds a "
          "value other than a string, the individual complexity for this key is O(M) where M is "
          "the number of elements in the list, set, sorted set or hash. Removing a single key "
          "that holds a string value is O(1).",
          "key [key ...]"}});
  t.Add({"unlink", -2, kCmdWrite | kCmdFast, kAclKeyspace | kAclWrite | kAclFast, kAllKeys,
         DelCommand,
         {"Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non "
          "blocking.",
          "4.0.0", "generic",
          "O(1) for each key removed regardless of its size. Then the command does O(N) work in "
          "a different thread in order to reclaim memory, where N is the number of allocations "
          "the deleted objects where composed of.",
          "key [key ...]"}});
  t.Add({"exists", -2, kCmdReadonly | kCmdFast, kAclKeyspace | kAclRead | kAclFast, kAllKeys,
         ExistsCommand,
         {"Determine if a key exists", "1.0.0", "generic",
          "O(N) where N is the number of keys to check.", "key [key ...]"}});
  t.Add({"touch", -2, kCmdReadonly | kCmdFast, kAclKeyspace | kAclRead | kAclFast, kAllKeys,
         TouchCommand,
         {"Alters the last access time of a key(s). Returns the number of existing keys "
          "specified.",
          "3.2.1", "generic", "O(N) where N is the number of keys that will be touched.",
          "key [key ...]"}});
  t.Add({"type", 2, kCmdReadonly | kCmdFast, kAclKeyspace | kAclRead | kAclFast, kOneKey,
         TypeCommand,
         {"Determine the type stored at key", "1.0.0", "generic", "O(1)", "key"}});
  t.Add({"keys", 2, kCmdReadonly, kAclKeyspace | kAclRead | kAclSlow | kAclDangerous, {},
         KeysCommand,
         {"Find all keys matching the given pattern", "1.0.0", "generic",
          "O(N) with N being the number of keys in the database, under the assumption that the "
          "key names in the database and the given pattern have limited length.",
          "pattern"}});
  t.Add({"scan", -2, kCmdReadonly, kAclKeyspace | kAclRead | kAclSlow, {}, ScanCommand,
         {"Incrementally iterate the keys space", "2.8.0", "generic",
          "O(1) for every call. O(N) for a complete iteration, including enough command calls "
          "for the cursor to return back to 0. N is the number of elements inside the "
          "collection.",
          "cursor [MATCH pattern] [COUNT count] [TYPE type]"}});
  t.Add({"randomkey", 1, kCmdReadonly, kAclKeyspace | kAclRead | kAclSlow, {},
         RandomKeyCommand,
         {"Return a random key from the keyspace", "1.0.0", "generic", "O(1)", ""}});
  t.Add({"rename", 3, kCmdWrite, kAclKeyspace | kAclWrite | kAclSlow, kTwoKeys, RenameCommand,
         {"Rename a key", "1.0.0", "generic", "O(1)", "key newkey"}});
  t.Add({"renamenx", 3, kCmdWrite | kCmdFast, kAclKeyspace | kAclWrite | kAclFast, kTwoKeys,
         RenameNxCommand,
         {"Rename a key, only if the new key does not exist", "1.0.0", "generic", "O(1)",
          "key newkey"}});
  t.Add({"copy", -3, kCmdWrite | kCmdDenyOom, kAclKeyspace | kAclWrite | kAclSlow, kTwoKeys,
         CopyCommand,
         {"Copy a key", "6.2.0", "generic",
          "O(N) worst case for collections, where N is the number of nested items. O(1) for "
          "string values.",
          "source destination [DB destination-db] [REPLACE]"}});
  t.Add({"move", 3, kCmdWrite | kCmdFast, kAclKeyspace | kAclWrite | kAclFast, kOneKey,
         MoveCommand,
         {"Move a key to another database", "1.0.0", "generic", "O(1)", "key db"}});
  t.Add({"expire", -3, kCmdWrite | kCmdFast, kAclKeyspace | kAclWrite | kAclFast, kOneKey,
         ExpireCommand,
         {"Set a key's time to live in seconds", "1.0.0", "generic", "O(1)",
          "key seconds [NX | XX | GT | LT]"}});
  t.Add({"pexpire", -3, kCmdWrite | kCmdFast, kAclKeyspace | kAclWrite | kAclFast, kOneKey,
         PExpireCommand,
         {"Set a key's time to live in milliseconds", "2.6.0", "generic", "O(1)",
          "key milliseconds [NX | XX | GT | LT]"}});
  t.Add({"expireat", -3, kCmdWrite | kCmdFast, kAclKeyspace | kAclWrite | kAclFast, kOneKey,
         ExpireAtCommand,
         {"Set the expiration for a key as a UNIX timestamp", "1.2.0", "generic", "O(1)",
          "key unix-time-seconds [NX | XX | GT | LT]"}});
  t.Add({"pexpireat", -3, kCmdWrite | kCmdFast, kAclKeyspace | kAclWrite | kAclFast, kOneKey,
         PExpireAtCommand,
         {"Set the expiration for a key as a UNIX timestamp specified in milliseconds", "2.6.0",
          "generic", "O(1)", "key unix-time-milliseconds [NX | XX | GT | LT]"}});
  t.Add({"ttl", 2, kCmdReadonly | kCmdFast, kAclKeyspace | kAclRead | kAclFast, kOneKey,
         TtlCommand, {"Get the time to live for a key in seconds", "1.0.0", "generic", "O(1)",
                      "key"}});
  t.Add({"pttl", 2, kCmdReadonly | kCmdFast, kAclKeyspace | kAclRead | kAclFast, kOneKey,
         PTtlCommand,
         {"Get the time to live for a key in milliseconds", "2.6.0", "generic", "O(1)", "key"}});
  t.Add({"expiretime", 2, kCmdReadonly | kCmdFast, kAclKeyspace | kAclRead | kAclFast, kOneKey,
         ExpireTimeCommand,
         {"Get the expiration Unix timestamp for a key", "7.0.0", "generic", "O(1)", "key"}});
  t.Add({"pexpiretime", 2, kCmdReadonly | kCmdFast, kAclKeyspace | kAclRead | kAclFast, kOneKey,
         PExpireTimeCommand,
         {"Get the expiration Unix timestamp for a key in milliseconds", "7.0.0", "generic",
          "O(1)", "key"}});
  t.Add({"persist", 2, kCmdWrite | kCmdFast, kAclKeyspace | kAclWrite | kAclFast, kOneKey,
         PersistCommand,
         {"Remove the expiration from a key", "2.2.0", "generic", "O(1)", "key"}});
  t.Add({"object", -2, 0, kAclSlow, {}, nullptr,
         {"A container for object introspection commands", "2.2.3", "generic",
          "Depends on subcommand.", ""},
         {
             {"encoding", 3, kCmdReadonly, kAclKeyspace | kAclRead | kAclSlow, kObjectKey,
              ObjectEncodingCommand,
              {"Inspect the internal encoding of a Redis object", "2.2.3", "generic", "O(1)",
               "key"}},
             {"freq", 3, kCmdReadonly, kAclKeyspace | kAclRead | kAclSlow, kObjectKey,
              ObjectFreqCommand,
              {"Get the logarithmic access frequency counter of a Redis object", "4.0.0",
               "generic", "O(1)", "key"}},
             {"help", 2, kCmdLoading | kCmdStale, kAclKeyspace | kAclSlow, {}, ObjectHelpCommand,
              {"Show helpful text about the different subcommands", "6.2.0", "generic", "O(1)",
               ""}},
             {"idletime", 3, kCmdReadonly, kAclKeyspace | kAclRead | kAclSlow, kObjectKey,
              ObjectIdletimeCommand,
              {"Get the time since a Redis object was last accessed", "2.2.3", "generic", "O(1)",
               "key"}},
             {"refcount", 3, kCmdReadonly, kAclKeyspace | kAclRead | kAclSlow, kObjectKey,
              ObjectRefcountCommand,
              {"Get the number of references to the value of the key", "2.2.3", "generic",
               "O(1)", "key"}},
         }});
}

}  // namespace ember::server
