// Hash commands (Redis's t_hash.c). The representation, and when it
// changes, is explained in storage/hash_object.h; the data logic lives in
// storage/hash_ops.h. Handlers parse, call, and reply.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "protocol/errors.h"
#include "server/command_table.h"
#include "server/commands/reply_util.h"
#include "server/commands/scan_util.h"
#include "storage/hash_ops.h"

namespace ember::server {

namespace {

namespace errors = protocol::errors;
namespace hash = storage::hash;
using storage::HashObject;
using storage::OpStatus;

void ReplyValue(protocol::ReplyWriter& r, const hash::Value& v) {
  v.is_int ? r.BulkInteger(v.integer) : r.Bulk(v.str);
}

// HSET key field value [field value ...]
// HMSET key field value [field value ...]: the same, answering OK.
void HSetGeneric(CommandContext& ctx, ArgList args, bool hmset) {
  if (args.size() % 2 == 1) {
    return ctx.reply().Error(errors::WrongArity(ctx.command().full_name));
  }
  auto r = hash::Set(ctx.db(), args[1], args.subspan(2));
  if (!r.ok()) return ReplyError(ctx.reply(), r.status());
  ctx.KeyModified(args[1]);
  ctx.Notify(kNotifyHash, "hset", args[1]);
  hmset ? ctx.reply().Ok() : ctx.reply().Integer(*r);
}
void HSetCommand(CommandContext& ctx, ArgList args) { HSetGeneric(ctx, args, false); }
void HMSetCommand(CommandContext& ctx, ArgList args) { HSetGeneric(ctx, args, true); }

// HSETNX key field value
void HSetNxCommand(CommandContext& ctx, ArgList args) {
  auto r = hash::SetNx(ctx.db(), args[1], args[2], args[3]);
  if (!r.ok()) return ReplyError(ctx.reply(), r.status());
  if (*r) {
    ctx.KeyModified(args[1]);
    ctx.Notify(kNotifyHash, "hset", args[1]);
  }
  ctx.reply().Integer(*r ? 1 : 0);
}

// HGET key field
void HGetCommand(CommandContext& ctx, ArgList args) {
  auto h = hash::Find(ctx.db(), args[1]);
  if (h.status() == OpStatus::kNotFound) return ctx.reply().NullBulk();
  if (!h.ok()) return ReplyError(ctx.reply(), h.status());
  hash::Value v;
  h->Get(args[2], &v) ? ReplyValue(ctx.reply(), v) : ctx.reply().NullBulk();
}

// HMGET key field [field ...]: a missing key is a hash with no fields.
void HMGetCommand(CommandContext& ctx, ArgList args) {
  auto h = hash::Find(ctx.db(), args[1]);
  if (!h.ok() && h.status() != OpStatus::kNotFound) return ReplyError(ctx.reply(), h.status());
  protocol::ReplyWriter& r = ctx.reply();
  r.ArrayHeader(static_cast<int64_t>(args.size() - 2));
  for (size_t i = 2; i < args.size(); ++i) {
    hash::Value v;
    h.ok() && h->Get(args[i], &v) ? ReplyValue(r, v) : r.NullBulk();
  }
}

// HDEL key field [field ...]
void HDelCommand(CommandContext& ctx, ArgList args) {
  auto r = hash::Delete(ctx.db(), args[1], args.subspan(2));
  if (!r.ok()) return ReplyError(ctx.reply(), r.status());
  if (*r > 0) {
    ctx.KeyModified(args[1]);
    ctx.Notify(kNotifyHash, "hdel", args[1]);
    if (ctx.db().Peek(args[1]) == nullptr) ctx.Notify(kNotifyGeneric, "del", args[1]);
  }
  ctx.reply().Integer(*r);
}

// HEXISTS key field
void HExistsCommand(CommandContext& ctx, ArgList args) {
  auto h = hash::Find(ctx.db(), args[1]);
  if (h.status() == OpStatus::kNotFound) return ctx.reply().Integer(0);
  if (!h.ok()) return ReplyError(ctx.reply(), h.status());
  ctx.reply().Integer(h->Exists(args[2]) ? 1 : 0);
}

// HLEN key
void HLenCommand(CommandContext& ctx, ArgList args) {
  auto h = hash::Find(ctx.db(), args[1]);
  if (h.status() == OpStatus::kNotFound) return ctx.reply().Integer(0);
  if (!h.ok()) return ReplyError(ctx.reply(), h.status());
  ctx.reply().Integer(static_cast<int64_t>(h->size()));
}

// HSTRLEN key field: the length of the value's text (an integer stored
// compactly counts its digits).
void HStrLenCommand(CommandContext& ctx, ArgList args) {
  auto h = hash::Find(ctx.db(), args[1]);
  if (h.status() == OpStatus::kNotFound) return ctx.reply().Integer(0);
  if (!h.ok()) return ReplyError(ctx.reply(), h.status());
  hash::Value v;
  char buf[21];
  ctx.reply().Integer(h->Get(args[2], &v) ? static_cast<int64_t>(v.View(buf).size()) : 0);
}

// HKEYS, HVALS and HGETALL key: a listpack answers in insertion order, a
// hash table in bucket order (clients must not rely on either). HGETALL is
// a map in RESP3.
enum Parts { kFields = 1, kValues = 2 };
void GetAllGeneric(CommandContext& ctx, ArgList args, int parts) {
  protocol::ReplyWriter& r = ctx.reply();
  auto h = hash::Find(ctx.db(), args[1]);
  if (!h.ok() && h.status() != OpStatus::kNotFound) return ReplyError(r, h.status());
  int64_t n = h.ok() ? static_cast<int64_t>(h->size()) : 0;
  parts == (kFields | kValues) ? r.MapHeader(n) : r.ArrayHeader(n);
  if (!h.ok()) return;
  h->ForEach([&r, parts](const hash::Value& f, const hash::Value& v) {
    if (parts & kFields) ReplyValue(r, f);
    if (parts & kValues) ReplyValue(r, v);
  });
}
void HKeysCommand(CommandContext& ctx, ArgList args) { GetAllGeneric(ctx, args, kFields); }
void HValsCommand(CommandContext& ctx, ArgList args) { GetAllGeneric(ctx, args, kValues); }
void HGetAllCommand(CommandContext& ctx, ArgList args) {
  GetAllGeneric(ctx, args, kFields | kValues);
}

// HINCRBY key field increment
void HIncrByCommand(CommandContext& ctx, ArgList args) {
  int64_t incr;
  if (!ParseIntArg(ctx, args[3], &incr)) return;
  auto r = hash::IncrBy(ctx.db(), args[1], args[2], incr);
  if (r.status() == OpStatus::kNotInteger) return ctx.reply().Error(errors::kHashValueNotInteger);
  if (!r.ok()) return ReplyError(ctx.reply(), r.status());
  ctx.KeyModified(args[1]);
  ctx.Notify(kNotifyHash, "hincrby", args[1]);
  ctx.reply().Integer(*r);
}

// HINCRBYFLOAT key field increment: long double arithmetic, the result
// stored and answered as INCRBYFLOAT formats it (17 significant decimals,
// no exponent, no trailing zeros).
void HIncrByFloatCommand(CommandContext& ctx, ArgList args) {
  long double incr;
  if (!ParseLongDoubleArg(ctx, args[3], &incr)) return;
  if (std::isnan(incr) || std::isinf(incr)) return ctx.reply().Error(errors::kValueNanOrInf);
  auto r = hash::IncrByFloat(ctx.db(), args[1], args[2], incr);
  if (r.status() == OpStatus::kNotFloat) return ctx.reply().Error(errors::kHashValueNotFloat);
  if (!r.ok()) return ReplyError(ctx.reply(), r.status());
  ctx.KeyModified(args[1]);
  ctx.Notify(kNotifyHash, "hincrbyfloat", args[1]);
  // Logged as the value it stored, so that a replay on another machine (or
  // long double) cannot round differently.
  ctx.Propagate({"HSET", std::string(args[1]), std::string(args[2]), *r});
  ctx.reply().Bulk(*r);
}

// HRANDFIELD key [count [WITHVALUES]]
//
// Without a count: one random field, or nil. With one: an array (see
// hash::RandomFields for what a positive or negative count returns); with
// WITHVALUES each field is followed by its value, and in RESP3 each pair is
// a two-element array.
void HRandFieldCommand(CommandContext& ctx, ArgList args) {
  protocol::ReplyWriter& r = ctx.reply();
  if (args.size() == 2) {
    auto h = hash::Find(ctx.db(), args[1]);
    if (h.status() == OpStatus::kNotFound) return r.NullBulk();
    if (!h.ok()) return ReplyError(r, h.status());
    hash::Value f, v;
    h->Random(ctx.keyspace().rng(), &f, &v);
    return ReplyValue(r, f);
  }
  int64_t count;
  if (!ParseIntArg(ctx, args[2], &count)) return;
  // -LONG_MAX is the lowest count whose absolute value fits.
  if (count == INT64_MIN) return r.Error(errors::kValueOutOfLongRange);
  bool with_values = false;
  if (args.size() > 4 || (args.size() == 4 && !EqualsIgnoreCase(args[3], "withvalues"))) {
    return r.Error(errors::kSyntax);
  }
  if (args.size() == 4) {
    with_values = true;
    // The reply would have 2*|count| elements.
    if (count < -INT64_MAX / 2 || count > INT64_MAX / 2) return r.Error(errors::kValueOutOfRange);
  }
  auto h = hash::Find(ctx.db(), args[1]);
  if (h.status() == OpStatus::kNotFound) return r.EmptyArray();
  if (!h.ok()) return ReplyError(r, h.status());
  if (count == 0) return r.EmptyArray();
  bool pairs = with_values && r.resp() >= 3;
  hash::RandomFields(
      *h, count, ctx.keyspace().rng(),
      [&](int64_t n) { r.ArrayHeader(with_values && !pairs ? n * 2 : n); },
      [&](const hash::Value& f, const hash::Value& v) {
        if (pairs) r.ArrayHeader(2);
        ReplyValue(r, f);
        if (with_values) ReplyValue(r, v);
      });
}

// HSCAN key cursor [MATCH pattern] [COUNT count]
void HScanCommand(CommandContext& ctx, ArgList args) {
  uint64_t cursor;
  if (!ParseScanCursor(ctx, args[2], &cursor)) return;
  auto h = hash::Find(ctx.db(), args[1]);
  if (h.status() == OpStatus::kNotFound) return ReplyScanPage(ctx, 0, {});
  if (!h.ok()) return ReplyError(ctx.reply(), h.status());
  ScanArgs scan;
  if (!ParseScanArgs(ctx, args, 3, &scan)) return;
  hash::ScanPage page = hash::Scan(*h, cursor, scan.count, scan.pattern);
  ReplyScanPage(ctx, page.cursor, page.items);
}

constexpr KeySpec kOneKey{1, 1, 1};
constexpr uint32_t kHashWrite = kAclWrite | kAclHash;
constexpr uint32_t kHashRead = kAclRead | kAclHash;

}  // namespace

void RegisterHashCommands(CommandTable& t) {
  t.Add({"hset",
         -4,
         kCmdWrite | kCmdDenyOom | kCmdFast,
         kHashWrite | kAclFast,
         kOneKey,
         HSetCommand,
         {"Set the string value of a hash field", "2.0.0", "hash",
          "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the "
          "command is called with multiple field/value pairs.",
          "key field value [field value ...]"}});
  t.Add({"hsetnx",
         4,
         kCmdWrite | kCmdDenyOom | kCmdFast,
         kHashWrite | kAclFast,
         kOneKey,
         HSetNxCommand,
         {"Set the value of a hash field, only if the field does not exist", "2.0.0", "hash",
          "O(1)", "key field value"}});
  t.Add({"hget",
         3,
         kCmdReadonly | kCmdFast,
         kHashRead | kAclFast,
         kOneKey,
         HGetCommand,
         {"Get the value of a hash field", "2.0.0", "hash", "O(1)", "key field"}});
  t.Add({"hmget",
         -3,
         kCmdReadonly | kCmdFast,
         kHashRead | kAclFast,
         kOneKey,
         HMGetCommand,
         {"Get the values of all the given hash fields", "2.0.0", "hash",
          "O(N) where N is the number of fields being requested.", "key field [field ...]"}});
  t.Add({"hmset",
         -4,
         kCmdWrite | kCmdDenyOom | kCmdFast,
         kHashWrite | kAclFast,
         kOneKey,
         HMSetCommand,
         {"Set multiple hash fields to multiple values", "2.0.0", "hash",
          "O(N) where N is the number of fields being set.", "key field value [field value ...]"}});
  t.Add({"hdel",
         -3,
         kCmdWrite | kCmdFast,
         kHashWrite | kAclFast,
         kOneKey,
         HDelCommand,
         {"Delete one or more hash fields", "2.0.0", "hash",
          "O(N) where N is the number of fields to be removed.", "key field [field ...]"}});
  t.Add({"hexists",
         3,
         kCmdReadonly | kCmdFast,
         kHashRead | kAclFast,
         kOneKey,
         HExistsCommand,
         {"Determine if a hash field exists", "2.0.0", "hash", "O(1)", "key field"}});
  t.Add({"hlen",
         2,
         kCmdReadonly | kCmdFast,
         kHashRead | kAclFast,
         kOneKey,
         HLenCommand,
         {"Get the number of fields in a hash", "2.0.0", "hash", "O(1)", "key"}});
  t.Add({"hkeys",
         2,
         kCmdReadonly,
         kHashRead | kAclSlow,
         kOneKey,
         HKeysCommand,
         {"Get all the fields in a hash", "2.0.0", "hash", "O(N) where N is the size of the hash.",
          "key"}});
  t.Add({"hvals",
         2,
         kCmdReadonly,
         kHashRead | kAclSlow,
         kOneKey,
         HValsCommand,
         {"Get all the values in a hash", "2.0.0", "hash", "O(N) where N is the size of the hash.",
          "key"}});
  t.Add({"hgetall",
         2,
         kCmdReadonly,
         kHashRead | kAclSlow,
         kOneKey,
         HGetAllCommand,
         {"Get all the fields and values in a hash", "2.0.0", "hash",
          "O(N) where N is the size of the hash.", "key"}});
  t.Add({"hincrby",
         4,
         kCmdWrite | kCmdDenyOom | kCmdFast,
         kHashWrite | kAclFast,
         kOneKey,
         HIncrByCommand,
         {"Increment the integer value of a hash field by the given number", "2.0.0", "hash",
          "O(1)", "key field increment"}});
  t.Add({"hincrbyfloat",
         4,
         kCmdWrite | kCmdDenyOom | kCmdFast,
         kHashWrite | kAclFast,
         kOneKey,
         HIncrByFloatCommand,
         {"Increment the float value of a hash field by the given amount", "2.6.0", "hash", "O(1)",
          "key field increment"}});
  t.Add({"hstrlen",
         3,
         kCmdReadonly | kCmdFast,
         kHashRead | kAclFast,
         kOneKey,
         HStrLenCommand,
         {"Get the length of the value of a hash field", "3.2.0", "hash", "O(1)", "key field"}});
  t.Add({"hrandfield",
         -2,
         kCmdReadonly,
         kHashRead | kAclSlow,
         kOneKey,
         HRandFieldCommand,
         {"Get one or multiple random fields from a hash", "6.2.0", "hash",
          "O(N) where N is the number of fields returned", "key [count [WITHVALUES]]"}});
  t.Add({"hscan",
         -3,
         kCmdReadonly,
         kHashRead | kAclSlow,
         kOneKey,
         HScanCommand,
         {"Incrementally iterate hash fields and associated values", "2.8.0", "hash",
          "O(1) for every call. O(N) for a complete iteration, including enough command calls "
          "for the cursor to return back to 0. N is the number of elements inside the "
          "collection..",
          "key cursor [MATCH pattern] [COUNT count]"}});
}

}  // namespace ember::server
