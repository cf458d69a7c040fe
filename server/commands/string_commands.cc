// String commands (Redis's t_string.c): parse arguments, call
// storage/string_ops, reply. The data logic lives in storage.
#include <fmt/format.h>

#include <cstdint>

#include "protocol/errors.h"
#include "server/command_table.h"
#include "server/commands/reply_util.h"
#include "storage/key_ops.h"
#include "storage/numbers.h"
#include "storage/string_ops.h"

namespace ember::server {

namespace {

namespace errors = protocol::errors;
using storage::OpStatus;

void ReplyInvalidExpire(CommandContext& ctx) {
  ctx.reply().Error(
      fmt::format("ERR invalid expire time in '{}' command", ctx.command().full_name));
}

// The options of SET and GETEX, parsed as Redis's
// parseExtendedStringArgumentsOrReply does: options may repeat, but
// conflicting ones (NX with XX, two kinds of expiry, KEEPTTL with an
// expiry) are a syntax error.
struct StringOptions {
  bool nx = false, xx = false, get = false, keep_ttl = false, persist = false;
  storage::ExpireArg expire;
  std::string_view expire_text;
  char expire_kind = 0;  // 'e' EX, 'p' PX, 'E' EXAT, 'P' PXAT
};

bool ParseStringOptions(CommandContext& ctx, ArgList args, size_t first, bool for_set,
                        StringOptions* o) {
  for (size_t j = first; j < args.size(); ++j) {
    std::string_view opt = args[j];
    bool has_next = j + 1 < args.size();
    bool any_expire = o->expire_kind != 0;
    auto expire_kind_is_only = [&](char kind) {
      return !o->keep_ttl && !o->persist && (o->expire_kind == 0 || o->expire_kind == kind);
    };
    if (for_set && EqualsIgnoreCase(opt, "nx") && !o->xx) {
      o->nx = true;
    } else if (for_set && EqualsIgnoreCase(opt, "xx") && !o->nx) {
      o->xx = true;
    } else if (for_set && EqualsIgnoreCase(opt, "get")) {
      o->get = true;
    } else if (for_set && EqualsIgnoreCase(opt, "keepttl") && !o->persist && !any_expire) {
      o->keep_ttl = true;
    } else if (!for_set && EqualsIgnoreCase(opt, "persist") && !any_expire && !o->keep_ttl) {
      o->persist = true;
    } else if (has_next && (EqualsIgnoreCase(opt, "ex") || EqualsIgnoreCase(opt, "px") ||
                            EqualsIgnoreCase(opt, "exat") || EqualsIgnoreCase(opt, "pxat"))) {
      char kind = opt.size() == 2 ? (EqualsIgnoreCase(opt, "ex") ? 'e' : 'p')
                                  : (EqualsIgnoreCase(opt, "exat") ? 'E' : 'P');
      if (!expire_kind_is_only(kind)) {
        ctx.reply().Error(errors::kSyntax);
        return false;
      }
      o->expire_kind = kind;
      o->expire_text = args[++j];
    } else {
      ctx.reply().Error(errors::kSyntax);
      return false;
    }
  }
  if (o->expire_kind != 0) {
    o->expire.present = true;
    o->expire.in_seconds = o->expire_kind == 'e' || o->expire_kind == 'E';
    o->expire.relative = o->expire_kind == 'e' || o->expire_kind == 'p';
  }
  return true;
}

// Turns a parsed expire option into a deadline, replying on error.
bool ResolveExpire(CommandContext& ctx, StringOptions& o, int64_t* deadline) {
  *deadline = -1;
  if (!o.expire.present) return true;
  if (!ParseIntArg(ctx, o.expire_text, &o.expire.value)) return false;
  if (!storage::ExpireArgToDeadline(o.expire.value, o.expire.in_seconds, o.expire.relative,
                                    ctx.now_ms(), deadline)) {
    ReplyInvalidExpire(ctx);
    return false;
  }
  return true;
}

// The shared core of SET, SETNX, SETEX, PSETEX and GETSET.
void SetGeneric(CommandContext& ctx, std::string_view key, std::string_view value,
                const StringOptions& o, int64_t deadline, bool reply_int) {
  storage::SetOptions so;
  so.condition = o.nx   ? storage::SetOptions::Condition::kIfAbsent
                 : o.xx ? storage::SetOptions::Condition::kIfPresent
                        : storage::SetOptions::Condition::kAlways;
  so.get = o.get;
  so.keep_ttl = o.keep_ttl;
  so.expire_at_ms = deadline;
  auto result = storage::Set(ctx.db(), key, value, so);
  if (!result.ok()) return ReplyError(ctx.reply(), result.status());
  if (result->applied) {
    ctx.KeyModified(key);
    ctx.Notify(kNotifyString, "set", key);
    if (deadline >= 0) ctx.Notify(kNotifyGeneric, "expire", key);
    // A relative expiry is logged as the absolute deadline it became, so a
    // replay later does not push it back.
    if (deadline >= 0 && o.expire_kind != 'P') {
      ctx.Propagate({"SET", std::string(key), std::string(value), "PXAT",
                     storage::Int64ToString(deadline)});
    }
  }
  if (o.get) {
    result->had_old ? ctx.reply().Bulk(result->old_value) : ctx.reply().NullBulk();
  } else if (reply_int) {
    ctx.reply().Integer(result->applied ? 1 : 0);
  } else if (result->applied) {
    ctx.reply().Ok();
  } else {
    ctx.reply().NullBulk();
  }
}

// SET key value [NX | XX] [GET] [EX s | PX ms | EXAT ts | PXAT ms-ts | KEEPTTL]
void SetCommand(CommandContext& ctx, ArgList args) {
  StringOptions o;
  if (!ParseStringOptions(ctx, args, 3, /*for_set=*/true, &o)) return;
  int64_t deadline;
  if (!ResolveExpire(ctx, o, &deadline)) return;
  SetGeneric(ctx, args[1], args[2], o, deadline, false);
}

// SETNX key value
void SetNxCommand(CommandContext& ctx, ArgList args) {
  StringOptions o;
  o.nx = true;
  SetGeneric(ctx, args[1], args[2], o, -1, /*reply_int=*/true);
}

// SETEX key seconds value / PSETEX key milliseconds value
void SetExGeneric(CommandContext& ctx, ArgList args, bool seconds) {
  StringOptions o;
  o.expire = {true, 0, seconds, true};
  o.expire_text = args[2];
  int64_t deadline;
  if (!ResolveExpire(ctx, o, &deadline)) return;
  SetGeneric(ctx, args[1], args[3], o, deadline, false);
}
void SetExCommand(CommandContext& ctx, ArgList args) { SetExGeneric(ctx, args, true); }
void PSetExCommand(CommandContext& ctx, ArgList args) { SetExGeneric(ctx, args, false); }

// GETSET key value
void GetSetCommand(CommandContext& ctx, ArgList args) {
  StringOptions o;
  o.get = true;
  SetGeneric(ctx, args[1], args[2], o, -1, false);
}

// GET key
void GetCommand(CommandContext& ctx, ArgList args) {
  auto v = storage::Get(ctx.db(), args[1]);
  if (v.ok()) return ReplyString(ctx.reply(), *v);
  if (v.status() == OpStatus::kNotFound) return ctx.reply().NullBulk();
  ReplyError(ctx.reply(), v.status());
}

// GETDEL key
void GetDelCommand(CommandContext& ctx, ArgList args) {
  auto v = storage::GetDel(ctx.db(), args[1]);
  if (v.ok()) {
    ctx.KeyModified(args[1]);
    ctx.Notify(kNotifyGeneric, "del", args[1]);
    ctx.Propagate({"DEL", std::string(args[1])});
    return ctx.reply().Bulk(*v);
  }
  if (v.status() == OpStatus::kNotFound) return ctx.reply().NullBulk();
  ReplyError(ctx.reply(), v.status());
}

// GETEX key [EX s | PX ms | EXAT ts | PXAT ms-ts | PERSIST]
void GetExCommand(CommandContext& ctx, ArgList args) {
  StringOptions o;
  if (!ParseStringOptions(ctx, args, 2, /*for_set=*/false, &o)) return;
  if (o.expire.present && !storage::StringToInt64(o.expire_text, &o.expire.value)) {
    // Redis validates the number only once the key is known to exist and
    // to be a string.
    OpStatus found = storage::Get(ctx.db(), args[1]).status();
    if (found == OpStatus::kNotFound) return ctx.reply().NullBulk();
    if (found == OpStatus::kWrongType) return ReplyError(ctx.reply(), found);
    return ctx.reply().Error(errors::kNotInteger);
  }
  storage::Entry* before = ctx.db().Peek(args[1]);
  bool had_ttl = before != nullptr && before->has_expire();
  auto v = storage::GetEx(ctx.db(), args[1], o.expire, o.persist);
  if (v.ok()) {
    // Logged as what it did: PEXPIREAT, PERSIST, or DEL for a deadline
    // already past; GETEX alone changes nothing and is not logged.
    std::string key(args[1]);
    if (o.expire.present) {
      ctx.KeyModified(args[1]);
      if (ctx.db().Peek(args[1]) == nullptr) {
        ctx.Notify(kNotifyGeneric, "del", key);
        ctx.Propagate({"DEL", key});
      } else {
        ctx.Notify(kNotifyGeneric, "expire", key);
        ctx.Propagate({"PEXPIREAT", key,
                       storage::Int64ToString(ctx.db().Peek(args[1])->expire_at())});
      }
    } else if (o.persist && had_ttl) {
      ctx.KeyModified(args[1]);
      ctx.Notify(kNotifyGeneric, "persist", key);
      ctx.Propagate({"PERSIST", key});
    }
    return ctx.reply().Bulk(*v);
  }
  if (v.status() == OpStatus::kNotFound) return ctx.reply().NullBulk();
  if (v.status() == OpStatus::kInvalidExpire) return ReplyInvalidExpire(ctx);
  ReplyError(ctx.reply(), v.status());
}

// MGET key [key ...]: a missing key or one of another type is nil.
void MGetCommand(CommandContext& ctx, ArgList args) {
  ctx.reply().ArrayHeader(static_cast<int64_t>(args.size() - 1));
  for (size_t i = 1; i < args.size(); ++i) {
    auto v = storage::Get(ctx.db(), args[i]);
    v.ok() ? ReplyString(ctx.reply(), *v) : ctx.reply().NullBulk();
  }
}

// MSET key value [key value ...]
void MSetCommand(CommandContext& ctx, ArgList args) {
  if (args.size() % 2 == 0) return ctx.reply().Error(errors::WrongArity(ctx.command().full_name));
  storage::SetOptions so;
  for (size_t i = 1; i < args.size(); i += 2) {
    storage::Set(ctx.db(), args[i], args[i + 1], so);
    ctx.KeyModified(args[i]);
    ctx.Notify(kNotifyString, "set", args[i]);
  }
  ctx.reply().Ok();
}

// MSETNX key value [key value ...]: all or nothing.
void MSetNxCommand(CommandContext& ctx, ArgList args) {
  if (args.size() % 2 == 0) return ctx.reply().Error(errors::WrongArity(ctx.command().full_name));
  for (size_t i = 1; i < args.size(); i += 2) {
    if (ctx.db().LookupWrite(args[i])) return ctx.reply().Integer(0);
  }
  storage::SetOptions so;
  for (size_t i = 1; i < args.size(); i += 2) {
    storage::Set(ctx.db(), args[i], args[i + 1], so);
    ctx.KeyModified(args[i]);
    ctx.Notify(kNotifyString, "set", args[i]);
  }
  ctx.reply().Integer(1);
}

void IncrGeneric(CommandContext& ctx, std::string_view key, int64_t delta) {
  auto v = storage::IncrBy(ctx.db(), key, delta);
  if (!v.ok()) return ReplyError(ctx.reply(), v.status());
  ctx.KeyModified(key);
  ctx.Notify(kNotifyString, "incrby", key);
  ctx.reply().Integer(*v);
}

// INCR key / DECR key
void IncrCommand(CommandContext& ctx, ArgList args) { IncrGeneric(ctx, args[1], 1); }
void DecrCommand(CommandContext& ctx, ArgList args) { IncrGeneric(ctx, args[1], -1); }

// INCRBY key increment
void IncrByCommand(CommandContext& ctx, ArgList args) {
  int64_t delta;
  if (ParseIntArg(ctx, args[2], &delta)) IncrGeneric(ctx, args[1], delta);
}

// DECRBY key decrement
void DecrByCommand(CommandContext& ctx, ArgList args) {
  int64_t delta;
  if (!ParseIntArg(ctx, args[2], &delta)) return;
  if (delta == INT64_MIN) return ctx.reply().Error("ERR decrement would overflow");
  IncrGeneric(ctx, args[1], -delta);
}

// INCRBYFLOAT key increment
void IncrByFloatCommand(CommandContext& ctx, ArgList args) {
  auto v = storage::IncrByFloat(ctx.db(), args[1], args[2]);
  if (!v.ok()) return ReplyError(ctx.reply(), v.status());
  ctx.KeyModified(args[1]);
  ctx.Notify(kNotifyString, "incrbyfloat", args[1]);
  // Float arithmetic may differ elsewhere: log the result, not the sum.
  ctx.Propagate({"SET", std::string(args[1]), *v, "KEEPTTL"});
  ctx.reply().Bulk(*v);
}

// APPEND key value
void AppendCommand(CommandContext& ctx, ArgList args) {
  auto v = storage::Append(ctx.db(), args[1], args[2], ctx.config().proto_max_bulk_len);
  if (!v.ok()) return ReplyError(ctx.reply(), v.status());
  ctx.KeyModified(args[1]);
  ctx.Notify(kNotifyString, "append", args[1]);
  ctx.reply().Integer(*v);
}

// STRLEN key
void StrLenCommand(CommandContext& ctx, ArgList args) {
  auto v = storage::StrLen(ctx.db(), args[1]);
  v.ok() ? ctx.reply().Integer(*v) : ReplyError(ctx.reply(), v.status());
}

// SETRANGE key offset value
void SetRangeCommand(CommandContext& ctx, ArgList args) {
  int64_t offset;
  if (!ParseIntArg(ctx, args[2], &offset)) return;
  if (offset < 0) return ctx.reply().Error(errors::kOffsetOutOfRange);
  auto v = storage::SetRange(ctx.db(), args[1], offset, args[3], ctx.config().proto_max_bulk_len);
  if (!v.ok()) return ReplyError(ctx.reply(), v.status());
  if (!args[3].empty()) {
    ctx.KeyModified(args[1]);
    ctx.Notify(kNotifyString, "setrange", args[1]);
  }
  ctx.reply().Integer(*v);
}

// GETRANGE key start end (and its old name SUBSTR)
void GetRangeCommand(CommandContext& ctx, ArgList args) {
  int64_t start, end;
  if (!ParseIntArg(ctx, args[2], &start) || !ParseIntArg(ctx, args[3], &end)) return;
  auto v = storage::GetRange(ctx.db(), args[1], start, end);
  v.ok() ? ctx.reply().Bulk(*v) : ReplyError(ctx.reply(), v.status());
}

constexpr uint32_t kWriteOom = kCmdWrite | kCmdDenyOom;
constexpr uint32_t kAclWriteString = kAclWrite | kAclString;
constexpr uint32_t kAclReadString = kAclRead | kAclString;
constexpr KeySpec kOneKey{1, 1, 1};

}  // namespace

void RegisterStringCommands(CommandTable& t) {
  t.Add({"get", 2, kCmdReadonly | kCmdFast, kAclReadString | kAclFast, kOneKey, GetCommand,
         {"Get the value of a key", "1.0.0", "string", "O(1)", "key"}});
  t.Add({"set", -3, kWriteOom, kAclWriteString | kAclSlow, kOneKey, SetCommand,
         {"Set the string value of a key", "1.0.0", "string", "O(1)",
          "key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | "
          "PXAT unix-time-milliseconds | KEEPTTL]"}});
  t.Add({"setnx", 3, kWriteOom | kCmdFast, kAclWriteString | kAclFast, kOneKey, SetNxCommand,
         {"Set the value of a key, only if the key does not exist", "1.0.0", "string", "O(1)",
          "key value"}});
  t.Add({"setex", 4, kWriteOom, kAclWriteString | kAclSlow, kOneKey, SetExCommand,
         {"Set the value and expiration of a key", "2.0.0", "string", "O(1)",
          "key seconds value"}});
  t.Add({"psetex", 4, kWriteOom, kAclWriteString | kAclSlow, kOneKey, PSetExCommand,
         {"Set the value and expiration in milliseconds of a key", "2.6.0", "string", "O(1)",
          "key milliseconds value"}});
  t.Add({"getset", 3, kWriteOom | kCmdFast, kAclWriteString | kAclFast, kOneKey, GetSetCommand,
         {"Set the string value of a key and return its old value", "1.0.0", "string", "O(1)",
          "key value"}});
  t.Add({"getdel", 2, kCmdWrite | kCmdFast, kAclWriteString | kAclFast, kOneKey, GetDelCommand,
         {"Get the value of a key and delete the key", "6.2.0", "string", "O(1)", "key"}});
  t.Add({"getex", -2, kCmdWrite | kCmdFast, kAclWriteString | kAclFast, kOneKey, GetExCommand,
         {"Get the value of a key and optionally set its expiration", "6.2.0", "string", "O(1)",
          "key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT "
          "unix-time-milliseconds | PERSIST]"}});
  t.Add({"mget", -2, kCmdReadonly | kCmdFast, kAclReadString | kAclFast, {1, -1, 1}, MGetCommand,
         {"Get the values of all the given keys", "1.0.0", "string",
          "O(N) where N is the number of keys to retrieve.", "key [key ...]"}});
  t.Add({"mset", -3, kWriteOom, kAclWriteString | kAclSlow, {1, -1, 2}, MSetCommand,
         {"Set multiple keys to multiple values", "1.0.1", "string",
          "O(N) where N is the number of keys to set.", "key value [key value ...]"}});
  t.Add({"msetnx", -3, kWriteOom, kAclWriteString | kAclSlow, {1, -1, 2}, MSetNxCommand,
         {"Set multiple keys to multiple values, only if none of the keys exist", "1.0.1",
          "string", "O(N) where N is the number of keys to set.", "key value [key value ...]"}});
  t.Add({"incr", 2, kWriteOom | kCmdFast, kAclWriteString | kAclFast, kOneKey, IncrCommand,
         {"Increment the integer value of a key by one", "1.0.0", "string", "O(1)", "key"}});
  t.Add({"decr", 2, kWriteOom | kCmdFast, kAclWriteString | kAclFast, kOneKey, DecrCommand,
         {"Decrement the integer value of a key by one", "1.0.0", "string", "O(1)", "key"}});
  t.Add({"incrby", 3, kWriteOom | kCmdFast, kAclWriteString | kAclFast, kOneKey, IncrByCommand,
         {"Increment the integer value of a key by the given amount", "1.0.0", "string", "O(1)",
          "key increment"}});
  t.Add({"decrby", 3, kWriteOom | kCmdFast, kAclWriteString | kAclFast, kOneKey, DecrByCommand,
         {"Decrement the integer value of a key by the given number", "1.0.0", "string", "O(1)",
          "key decrement"}});
  t.Add({"incrbyfloat", 3, kWriteOom | kCmdFast, kAclWriteString | kAclFast, kOneKey,
         IncrByFloatCommand,
         {"Increment the float value of a key by the given amount", "2.6.0", "string", "O(1)",
          "key increment"}});
  t.Add({"append", 3, kWriteOom | kCmdFast, kAclWriteString | kAclFast, kOneKey, AppendCommand,
         {"Append a value to a key", "2.0.0", "string",
          "O(1). The amortized time complexity is O(1) assuming the appended value is small and "
          "the already present value is of any size, since the dynamic string library used by "
          "Redis will double the free space available on every reallocation.",
          "key value"}});
  t.Add({"strlen", 2, kCmdReadonly | kCmdFast, kAclReadString | kAclFast, kOneKey,
         StrLenCommand,
         {"Get the length of the value stored in a key", "2.2.0", "string", "O(1)", "key"}});
  t.Add({"setrange", 4, kWriteOom, kAclWriteString | kAclSlow, kOneKey, SetRangeCommand,
         {"Overwrite part of a string at key starting at the specified offset", "2.2.0",
          "string",
          "O(1), not counting the time taken to copy the new string in place. Usually, this "
          "string is very small so the amortized complexity is O(1). Otherwise, complexity is "
          "O(M) with M being the length of the value argument.",
          "key offset value"}});
  t.Add({"getrange", 4, kCmdReadonly, kAclReadString | kAclSlow, kOneKey, GetRangeCommand,
         {"Get a substring of the string stored at a key", "2.4.0", "string",
          "O(N) where N is the length of the returned string. The complexity is ultimately "
          "determined by the returned length, but because creating a substring from an "
          "existing string is very cheap, it can be considered O(1) for small strings.",
          "key start end"}});
  t.Add({"substr", 4, kCmdReadonly, kAclReadString | kAclSlow, kOneKey, GetRangeCommand,
         {"Get a substring of the string stored at a key", "1.0.0", "string",
          "O(N) where N is the length of the returned string. The complexity is ultimately "
          "determined by the returned length, but because creating a substring from an "
          "existing string is very cheap, it can be considered O(1) for small strings.",
          "key start end"}});
}

}  // namespace ember::server
