// Set commands (Redis's t_set.c). The three representations of a set, and
// when one turns into another, are explained in storage/set_object.h; the
// data logic lives in storage/set_ops.h. Handlers parse, call, and reply.
//
// Sets are unordered: SMEMBERS, SINTER and friends answer in whatever order
// the representation gives (ascending for an intset), and in RESP3 they
// answer with the set type (~). SRANDMEMBER answers an array even in RESP3,
// because a negative count may repeat members.
#include <cstdint>
#include <string>
#include <vector>

#include "protocol/errors.h"
#include "server/command_table.h"
#include "server/commands/reply_util.h"
#include "server/commands/scan_util.h"
#include "storage/numbers.h"
#include "storage/set_ops.h"

namespace ember::server {

namespace {

namespace errors = protocol::errors;
namespace set = storage::set;
using storage::OpStatus;
using storage::SetObject;

void ReplyMember(protocol::ReplyWriter& r, const set::Value& v) {
  v.is_int ? r.BulkInteger(v.integer) : r.Bulk(v.str);
}

void ReplyMembers(protocol::ReplyWriter& r, const std::vector<std::string>& members) {
  r.SetHeader(static_cast<int64_t>(members.size()));
  for (const std::string& m : members) r.Bulk(m);
}

// After a write that may have emptied `key`: an empty set is deleted, and
// its "del" event follows the command's own.
void NotifyDelIfGone(CommandContext& ctx, std::string_view key) {
  if (ctx.db().Peek(key) == nullptr) ctx.Notify(kNotifyGeneric, "del", key);
}

// SADD key member [member ...]
void SAddCommand(CommandContext& ctx, ArgList args) {
  auto r = set::Add(ctx.db(), args[1], args.subspan(2));
  if (!r.ok()) return ReplyError(ctx.reply(), r.status());
  if (*r > 0) {
    ctx.KeyModified(args[1]);
    ctx.Notify(kNotifySet, "sadd", args[1]);
  }
  ctx.reply().Integer(*r);
}

// SREM key member [member ...]
void SRemCommand(CommandContext& ctx, ArgList args) {
  auto r = set::Remove(ctx.db(), args[1], args.subspan(2));
  if (!r.ok()) return ReplyError(ctx.reply(), r.status());
  if (*r > 0) {
    ctx.KeyModified(args[1]);
    ctx.Notify(kNotifySet, "srem", args[1]);
    NotifyDelIfGone(ctx, args[1]);
  }
  ctx.reply().Integer(*r);
}

// SMEMBERS key
void SMembersCommand(CommandContext& ctx, ArgList args) {
  protocol::ReplyWriter& r = ctx.reply();
  auto s = set::Find(ctx.db(), args[1]);
  if (s.status() == OpStatus::kNotFound) return r.SetHeader(0);
  if (!s.ok()) return ReplyError(r, s.status());
  r.SetHeader(static_cast<int64_t>(s->size()));
  s->ForEach([&r](const set::Value& v) { ReplyMember(r, v); });
}

// SISMEMBER key member
void SIsMemberCommand(CommandContext& ctx, ArgList args) {
  auto s = set::Find(ctx.db(), args[1]);
  if (s.status() == OpStatus::kNotFound) return ctx.reply().Integer(0);
  if (!s.ok()) return ReplyError(ctx.reply(), s.status());
  ctx.reply().Integer(s->Contains(args[2]) ? 1 : 0);
}

// SMISMEMBER key member [member ...]: a missing key is an empty set.
void SMIsMemberCommand(CommandContext& ctx, ArgList args) {
  auto s = set::Find(ctx.db(), args[1]);
  if (!s.ok() && s.status() != OpStatus::kNotFound) return ReplyError(ctx.reply(), s.status());
  ctx.reply().ArrayHeader(static_cast<int64_t>(args.size() - 2));
  for (size_t i = 2; i < args.size(); ++i) {
    ctx.reply().Integer(s.ok() && s->Contains(args[i]) ? 1 : 0);
  }
}

// SCARD key
void SCardCommand(CommandContext& ctx, ArgList args) {
  auto s = set::Find(ctx.db(), args[1]);
  if (s.status() == OpStatus::kNotFound) return ctx.reply().Integer(0);
  if (!s.ok()) return ReplyError(ctx.reply(), s.status());
  ctx.reply().Integer(static_cast<int64_t>(s->size()));
}

// What SPOP key count did, for the AOF: DEL when the whole set went, else
// SREM of the popped members, 1024 to a command, as Redis logs it.
void PropagatePopped(CommandContext& ctx, std::string_view key,
                     const std::vector<std::string>& popped) {
  constexpr size_t kPerCommand = 1024;
  if (ctx.db().Peek(key) == nullptr) return ctx.Propagate({"DEL", std::string(key)});
  for (size_t i = 0; i < popped.size(); i += kPerCommand) {
    std::vector<std::string> argv = {"SREM", std::string(key)};
    for (size_t j = i; j < popped.size() && j < i + kPerCommand; ++j) argv.push_back(popped[j]);
    ctx.Propagate(std::move(argv));
  }
}

// SPOP key [count]: without a count a bulk (nil if missing); with one a set
// of distinct members (empty if missing).
void SPopCommand(CommandContext& ctx, ArgList args) {
  protocol::ReplyWriter& r = ctx.reply();
  if (args.size() > 3) return r.Error(errors::kSyntax);
  if (args.size() == 2) {
    auto m = set::Pop(ctx.db(), args[1]);
    if (m.status() == OpStatus::kNotFound) return r.NullBulk();
    if (!m.ok()) return ReplyError(r, m.status());
    ctx.KeyModified(args[1]);
    ctx.Notify(kNotifySet, "spop", args[1]);
    NotifyDelIfGone(ctx, args[1]);
    // Logged as what it did: a replay must remove the same member.
    ctx.Propagate({"SREM", std::string(args[1]), *m});
    return r.Bulk(*m);
  }
  int64_t count;
  if (!storage::StringToInt64(args[2], &count) || count < 0) {
    return r.Error(errors::kCountPositive);
  }
  if (count == 0) {
    // Still looked up: a wrong type is an error even for nothing.
    auto s = set::Find(ctx.db(), args[1]);
    if (!s.ok() && s.status() != OpStatus::kNotFound) return ReplyError(r, s.status());
    return r.SetHeader(0);
  }
  auto m = set::PopCount(ctx.db(), args[1], static_cast<uint64_t>(count));
  if (m.status() == OpStatus::kNotFound) return r.SetHeader(0);
  if (!m.ok()) return ReplyError(r, m.status());
  ctx.KeyModified(args[1]);
  ctx.Notify(kNotifySet, "spop", args[1]);
  NotifyDelIfGone(ctx, args[1]);
  PropagatePopped(ctx, args[1], *m);
  ReplyMembers(r, *m);
}

// SRANDMEMBER key [count]
void SRandMemberCommand(CommandContext& ctx, ArgList args) {
  protocol::ReplyWriter& r = ctx.reply();
  if (args.size() > 3) return r.Error(errors::kSyntax);
  if (args.size() == 2) {
    auto s = set::Find(ctx.db(), args[1]);
    if (s.status() == OpStatus::kNotFound) return r.NullBulk();
    if (!s.ok()) return ReplyError(r, s.status());
    return ReplyMember(r, s->Random(ctx.keyspace().rng()));
  }
  int64_t count;
  if (!ParseIntArg(ctx, args[2], &count)) return;
  if (count == INT64_MIN) return r.Error(errors::kValueOutOfLongRange);
  auto s = set::Find(ctx.db(), args[1]);
  if (s.status() == OpStatus::kNotFound) return r.EmptyArray();
  if (!s.ok()) return ReplyError(r, s.status());
  if (count == 0) return r.EmptyArray();
  set::RandomMembers(
      *s, count, ctx.keyspace().rng(), [&r](int64_t n) { r.ArrayHeader(n); },
      [&r](const set::Value& v) { ReplyMember(r, v); });
}

// SMOVE source destination member
void SMoveCommand(CommandContext& ctx, ArgList args) {
  // Redis creates the destination only after taking the member out of the
  // source, so its "new" event follows "srem" (and "del"). Expired keys are
  // dropped first, with their events; the move itself then runs without
  // the keyspace's creation callback, and "new" is published in its place.
  bool dst_existed = static_cast<bool>(ctx.db().LookupWrite(args[2]));
  ctx.db().LookupWrite(args[1]);
  storage::KeyspaceListener* listener = ctx.keyspace().listener();
  ctx.keyspace().set_listener(nullptr);
  auto r = set::Move(ctx.db(), args[1], args[2], args[3]);
  ctx.keyspace().set_listener(listener);
  if (r.status() == OpStatus::kNotFound) return ctx.reply().Integer(0);
  if (!r.ok()) return ReplyError(ctx.reply(), r.status());
  if (r->source_changed) {
    ctx.KeyModified(args[1]);
    ctx.Notify(kNotifySet, "srem", args[1]);
    NotifyDelIfGone(ctx, args[1]);
  }
  if (r->destination_changed) {
    ctx.KeyModified(args[2]);
    if (!dst_existed) ctx.Notify(kNotifyNew, "new", args[2]);
    ctx.Notify(kNotifySet, "sadd", args[2]);
  }
  ctx.reply().Integer(r->moved ? 1 : 0);
}

// SINTER/SUNION/SDIFF key [key ...]
void CombineGeneric(CommandContext& ctx, ArgList args, set::SetOp op) {
  auto r = set::Combine(ctx.db(), args.subspan(1), op);
  if (!r.ok()) return ReplyError(ctx.reply(), r.status());
  ReplyMembers(ctx.reply(), *r);
}
void SInterCommand(CommandContext& ctx, ArgList args) {
  CombineGeneric(ctx, args, set::SetOp::kInter);
}
void SUnionCommand(CommandContext& ctx, ArgList args) {
  CombineGeneric(ctx, args, set::SetOp::kUnion);
}
void SDiffCommand(CommandContext& ctx, ArgList args) {
  CombineGeneric(ctx, args, set::SetOp::kDiff);
}

// SINTERSTORE/SUNIONSTORE/SDIFFSTORE destination key [key ...]
void CombineStoreGeneric(CommandContext& ctx, ArgList args, set::SetOp op,
                         std::string_view event) {
  bool changed = false;
  auto r = set::CombineStore(ctx.db(), args[1], args.subspan(2), op, &changed);
  if (!r.ok()) return ReplyError(ctx.reply(), r.status());
  if (changed) ctx.KeyModified(args[1]);
  // An empty result deletes the destination instead of storing it.
  if (*r > 0) {
    ctx.Notify(kNotifySet, event, args[1]);
  } else if (changed) {
    ctx.Notify(kNotifyGeneric, "del", args[1]);
  }
  ctx.reply().Integer(*r);
}
void SInterStoreCommand(CommandContext& ctx, ArgList args) {
  CombineStoreGeneric(ctx, args, set::SetOp::kInter, "sinterstore");
}
void SUnionStoreCommand(CommandContext& ctx, ArgList args) {
  CombineStoreGeneric(ctx, args, set::SetOp::kUnion, "sunionstore");
}
void SDiffStoreCommand(CommandContext& ctx, ArgList args) {
  CombineStoreGeneric(ctx, args, set::SetOp::kDiff, "sdiffstore");
}

// SINTERCARD numkeys key [key ...] [LIMIT limit]
void SInterCardCommand(CommandContext& ctx, ArgList args) {
  protocol::ReplyWriter& r = ctx.reply();
  int64_t numkeys;
  if (!storage::StringToInt64(args[1], &numkeys) || numkeys < 1) {
    return r.Error(errors::kNumkeysPositive);
  }
  if (static_cast<uint64_t>(numkeys) > args.size() - 2) return r.Error(errors::kNumkeysTooMany);
  int64_t limit = 0;
  for (size_t i = 2 + static_cast<size_t>(numkeys); i < args.size(); ++i) {
    if (EqualsIgnoreCase(args[i], "limit") && i + 1 < args.size()) {
      ++i;
      if (!storage::StringToInt64(args[i], &limit) || limit < 0) {
        return r.Error(errors::kLimitNegative);
      }
    } else {
      return r.Error(errors::kSyntax);
    }
  }
  auto n = set::InterCard(ctx.db(), args.subspan(2, static_cast<size_t>(numkeys)),
                          static_cast<uint64_t>(limit));
  if (!n.ok()) return ReplyError(r, n.status());
  r.Integer(*n);
}

// SSCAN key cursor [MATCH pattern] [COUNT count]
void SScanCommand(CommandContext& ctx, ArgList args) {
  uint64_t cursor;
  if (!ParseScanCursor(ctx, args[2], &cursor)) return;
  auto s = set::Find(ctx.db(), args[1]);
  if (s.status() == OpStatus::kNotFound) return ReplyScanPage(ctx, 0, {});
  if (!s.ok()) return ReplyError(ctx.reply(), s.status());
  ScanArgs scan;
  if (!ParseScanArgs(ctx, args, 3, &scan)) return;
  set::ScanPage page = set::Scan(*s, cursor, scan.count, scan.pattern);
  ReplyScanPage(ctx, page.cursor, page.items);
}

constexpr KeySpec kOneKey{1, 1, 1};
constexpr KeySpec kAllKeys{1, -1, 1};
constexpr uint32_t kSetWrite = kAclWrite | kAclSet;
constexpr uint32_t kSetRead = kAclRead | kAclSet;

}  // namespace

void RegisterSetCommands(CommandTable& t) {
  t.Add({"sadd",
         -3,
         kCmdWrite | kCmdDenyOom | kCmdFast,
         kSetWrite | kAclFast,
         kOneKey,
         SAddCommand,
         {"Add one or more members to a set", "1.0.0", "set",
          "O(1) for each element added, so O(N) to add N elements when the command is called "
          "with multiple arguments.",
          "key member [member ...]"}});
  t.Add({"srem",
         -3,
         kCmdWrite | kCmdFast,
         kSetWrite | kAclFast,
         kOneKey,
         SRemCommand,
         {"Remove one or more members from a set", "1.0.0", "set",
          "O(N) where N is the number of members to be removed.", "key member [member ...]"}});
  t.Add({"smembers",
         2,
         kCmdReadonly,
         kSetRead | kAclSlow,
         kOneKey,
         SMembersCommand,
         {"Get all the members in a set", "1.0.0", "set", "O(N) where N is the set cardinality.",
          "key"}});
  t.Add(
      {"sismember",
       3,
       kCmdReadonly | kCmdFast,
       kSetRead | kAclFast,
       kOneKey,
       SIsMemberCommand,
       {"Determine if a given value is a member of a set", "1.0.0", "set", "O(1)", "key member"}});
  t.Add({"smismember",
         -3,
         kCmdReadonly | kCmdFast,
         kSetRead | kAclFast,
         kOneKey,
         SMIsMemberCommand,
         {"Returns the membership associated with the given elements for a set", "6.2.0", "set",
          "O(N) where N is the number of elements being checked for membership",
          "key member [member ...]"}});
  t.Add({"scard",
         2,
         kCmdReadonly | kCmdFast,
         kSetRead | kAclFast,
         kOneKey,
         SCardCommand,
         {"Get the number of members in a set", "1.0.0", "set", "O(1)", "key"}});
  t.Add({"spop",
         -2,
         kCmdWrite | kCmdFast,
         kSetWrite | kAclFast,
         kOneKey,
         SPopCommand,
         {"Remove and return one or multiple random members from a set", "1.0.0", "set",
          "Without the count argument O(1), otherwise O(N) where N is the value of the passed "
          "count.",
          "key [count]"}});
  t.Add({"srandmember",
         -2,
         kCmdReadonly,
         kSetRead | kAclSlow,
         kOneKey,
         SRandMemberCommand,
         {"Get one or multiple random members from a set", "1.0.0", "set",
          "Without the count argument O(1), otherwise O(N) where N is the absolute value of the "
          "passed count.",
          "key [count]"}});
  t.Add({"smove",
         4,
         kCmdWrite | kCmdFast,
         kSetWrite | kAclFast,
         {1, 2, 1},
         SMoveCommand,
         {"Move a member from one set to another", "1.0.0", "set", "O(1)",
          "source destination member"}});
  t.Add({"sinter",
         -2,
         kCmdReadonly,
         kSetRead | kAclSlow,
         kAllKeys,
         SInterCommand,
         {"Intersect multiple sets", "1.0.0", "set",
          "O(N*M) worst case where N is the cardinality of the smallest set and M is the number "
          "of sets.",
          "key [key ...]"}});
  t.Add({"sintercard",
         -3,
         kCmdReadonly,
         kSetRead | kAclSlow,
         {0, 0, 0, 1},
         SInterCardCommand,
         {"Intersect multiple sets and return the cardinality of the result", "7.0.0", "set",
          "O(N*M) worst case where N is the cardinality of the smallest set and M is the number "
          "of sets.",
          "numkeys key [key ...] [LIMIT limit]"}});
  t.Add({"sinterstore",
         -3,
         kCmdWrite | kCmdDenyOom,
         kSetWrite | kAclSlow,
         kAllKeys,
         SInterStoreCommand,
         {"Intersect multiple sets and store the resulting set in a key", "1.0.0", "set",
          "O(N*M) worst case where N is the cardinality of the smallest set and M is the number "
          "of sets.",
          "destination key [key ...]"}});
  t.Add({"sunion",
         -2,
         kCmdReadonly,
         kSetRead | kAclSlow,
         kAllKeys,
         SUnionCommand,
         {"Add multiple sets", "1.0.0", "set",
          "O(N) where N is the total number of elements in all given sets.", "key [key ...]"}});
  t.Add({"sunionstore",
         -3,
         kCmdWrite | kCmdDenyOom,
         kSetWrite | kAclSlow,
         kAllKeys,
         SUnionStoreCommand,
         {"Add multiple sets and store the resulting set in a key", "1.0.0", "set",
          "O(N) where N is the total number of elements in all given sets.",
          "destination key [key ...]"}});
  t.Add({"sdiff",
         -2,
         kCmdReadonly,
         kSetRead | kAclSlow,
         kAllKeys,
         SDiffCommand,
         {"Subtract multiple sets", "1.0.0", "set",
          "O(N) where N is the total number of elements in all given sets.", "key [key ...]"}});
  t.Add({"sdiffstore",
         -3,
         kCmdWrite | kCmdDenyOom,
         kSetWrite | kAclSlow,
         kAllKeys,
         SDiffStoreCommand,
         {"Subtract multiple sets and store the resulting set in a key", "1.0.0", "set",
          "O(N) where N is the total number of elements in all given sets.",
          "destination key [key ...]"}});
  t.Add({"sscan",
         -3,
         kCmdReadonly,
         kSetRead | kAclSlow,
         kOneKey,
         SScanCommand,
         {"Incrementally iterate Set elements", "2.8.0", "set",
          "O(1) for every call. O(N) for a complete iteration, including enough command calls "
          "for the cursor to return back to 0. N is the number of elements inside the "
          "collection..",
          "key cursor [MATCH pattern] [COUNT count]"}});
}

}  // namespace ember::server
