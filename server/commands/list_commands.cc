// List commands (Redis's t_list.c), including the blocking family: BLPOP,
// BRPOP, BLMOVE, BRPOPLPUSH and BLMPOP park the client when every list they
// name is empty (see server/blocking.h) and are finished later by a "serve"
// function that pops from the list that became ready.
#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/errors.h"
#include "server/command_table.h"
#include "server/commands/reply_util.h"
#include "storage/list_ops.h"
#include "storage/numbers.h"

namespace ember::server {

namespace {

namespace errors = protocol::errors;
namespace list = storage::list;
using storage::OpStatus;

void ReplyElement(protocol::ReplyWriter& r, const storage::listpack::Value& v) {
  v.is_int ? r.BulkInteger(v.integer) : r.Bulk(v.str);
}

// An integer in [min, max]; `msg` both for a non-integer and for a value
// out of range, as Redis's getRangeLongFromObjectOrReply answers when given
// a message ("LPOP l abc" is "value is out of range, must be positive").
bool ParseIntArgOr(CommandContext& ctx, std::string_view arg, int64_t min, int64_t max,
                   std::string_view msg, int64_t* out) {
  if (!storage::StringToInt64(arg, out) || *out < min || *out > max) {
    ctx.reply().Error(msg);
    return false;
  }
  return true;
}

// LEFT | RIGHT
bool ParseEnd(std::string_view arg, bool* head) {
  if (EqualsIgnoreCase(arg, "left")) {
    *head = true;
  } else if (EqualsIgnoreCase(arg, "right")) {
    *head = false;
  } else {
    return false;
  }
  return true;
}

// After a write that may have emptied `key`: an empty list is deleted, and
// its "del" event follows the command's own.
void NotifyDelIfGone(CommandContext& ctx, std::string_view key) {
  if (ctx.db().Peek(key) == nullptr) ctx.Notify(kNotifyGeneric, "del", key);
}

// A pop's event ("lpop"/"rpop"), then "del" if it emptied the list.
void NotifyPop(CommandContext& ctx, std::string_view key, bool head) {
  ctx.Notify(kNotifyList, head ? "lpop" : "rpop", key);
  NotifyDelIfGone(ctx, key);
}

// LPUSH/RPUSH/LPUSHX/RPUSHX key element [element ...]
void PushGeneric(CommandContext& ctx, ArgList args, bool head, bool only_if_exists) {
  auto r = list::Push(ctx.db(), args[1], args.subspan(2), head, only_if_exists);
  if (!r.ok()) return ReplyError(ctx.reply(), r.status());
  if (*r > 0) {
    ctx.KeyModified(args[1]);
    ctx.Notify(kNotifyList, head ? "lpush" : "rpush", args[1]);
  }
  ctx.reply().Integer(*r);
}
void LPushCommand(CommandContext& ctx, ArgList args) { PushGeneric(ctx, args, true, false); }
void RPushCommand(CommandContext& ctx, ArgList args) { PushGeneric(ctx, args, false, false); }
void LPushXCommand(CommandContext& ctx, ArgList args) { PushGeneric(ctx, args, true, true); }
void RPushXCommand(CommandContext& ctx, ArgList args) { PushGeneric(ctx, args, false, true); }

// LPOP/RPOP key [count]: without count a bulk (nil if missing); with count
// an array (a null array if missing).
void PopGeneric(CommandContext& ctx, ArgList args, bool head) {
  if (args.size() > 3) return ctx.reply().Error(errors::kSyntax);
  int64_t count = 1;
  bool has_count = args.size() == 3;
  if (has_count && !ParseIntArgOr(ctx, args[2], 0, INT64_MAX, errors::kCountPositive, &count)) {
    return;
  }
  auto r = list::Pop(ctx.db(), args[1], head, count);
  if (r.status() == OpStatus::kNotFound) {
    return has_count ? ctx.reply().NullArray() : ctx.reply().NullBulk();
  }
  if (!r.ok()) return ReplyError(ctx.reply(), r.status());
  if (!r->empty()) {
    ctx.KeyModified(args[1]);
    NotifyPop(ctx, args[1], head);
  }
  if (!has_count) return ctx.reply().Bulk(r->front());
  ctx.reply().ArrayHeader(static_cast<int64_t>(r->size()));
  for (const std::string& v : *r) ctx.reply().Bulk(v);
}
void LPopCommand(CommandContext& ctx, ArgList args) { PopGeneric(ctx, args, true); }
void RPopCommand(CommandContext& ctx, ArgList args) { PopGeneric(ctx, args, false); }

// LLEN key
void LLenCommand(CommandContext& ctx, ArgList args) {
  auto r = list::Length(ctx.db(), args[1]);
  r.ok() ? ctx.reply().Integer(*r) : ReplyError(ctx.reply(), r.status());
}

// LINDEX key index
void LIndexCommand(CommandContext& ctx, ArgList args) {
  int64_t index;
  if (!ParseIntArg(ctx, args[2], &index)) return;
  auto r = list::Index(ctx.db(), args[1], index);
  if (r.ok()) return ctx.reply().Bulk(*r);
  if (r.status() == OpStatus::kNotFound) return ctx.reply().NullBulk();
  ReplyError(ctx.reply(), r.status());
}

// LSET key index element
void LSetCommand(CommandContext& ctx, ArgList args) {
  int64_t index;
  if (!ParseIntArg(ctx, args[2], &index)) return;
  OpStatus s = list::Set(ctx.db(), args[1], index, args[3]);
  if (s != OpStatus::kOk) return ReplyError(ctx.reply(), s);
  ctx.KeyModified(args[1]);
  ctx.Notify(kNotifyList, "lset", args[1]);
  ctx.reply().Ok();
}

// LRANGE key start stop
void LRangeCommand(CommandContext& ctx, ArgList args) {
  int64_t start, end;
  if (!ParseIntArg(ctx, args[2], &start) || !ParseIntArg(ctx, args[3], &end)) return;
  protocol::ReplyWriter& r = ctx.reply();
  OpStatus s = list::Range(
      ctx.db(), args[1], start, end, [&r](int64_t n) { r.ArrayHeader(n); },
      [&r](const storage::listpack::Value& v) { ReplyElement(r, v); });
  if (s == OpStatus::kNotFound) return r.EmptyArray();
  if (s != OpStatus::kOk) ReplyError(r, s);
}

// LINSERT key BEFORE | AFTER pivot element
void LInsertCommand(CommandContext& ctx, ArgList args) {
  bool after;
  if (EqualsIgnoreCase(args[2], "after")) {
    after = true;
  } else if (EqualsIgnoreCase(args[2], "before")) {
    after = false;
  } else {
    return ctx.reply().Error(errors::kSyntax);
  }
  auto r = list::Insert(ctx.db(), args[1], after, args[3], args[4]);
  if (!r.ok()) return ReplyError(ctx.reply(), r.status());
  if (*r > 0) {
    ctx.KeyModified(args[1]);
    ctx.Notify(kNotifyList, "linsert", args[1]);
  }
  ctx.reply().Integer(*r);
}

// LREM key count element
void LRemCommand(CommandContext& ctx, ArgList args) {
  int64_t count;
  if (!ParseIntArg(ctx, args[2], &count)) return;
  auto r = list::Remove(ctx.db(), args[1], count, args[3]);
  if (!r.ok()) return ReplyError(ctx.reply(), r.status());
  if (*r > 0) {
    ctx.KeyModified(args[1]);
    ctx.Notify(kNotifyList, "lrem", args[1]);
    NotifyDelIfGone(ctx, args[1]);
  }
  ctx.reply().Integer(*r);
}

// LTRIM key start stop
void LTrimCommand(CommandContext& ctx, ArgList args) {
  int64_t start, end;
  if (!ParseIntArg(ctx, args[2], &start) || !ParseIntArg(ctx, args[3], &end)) return;
  bool existed = ctx.db().LookupRead(
                     args[1], storage::Database::kNoTouch | storage::Database::kNoStats) != nullptr;
  OpStatus s = list::Trim(ctx.db(), args[1], start, end);
  if (s != OpStatus::kOk) return ReplyError(ctx.reply(), s);
  if (existed) {
    ctx.KeyModified(args[1]);
    ctx.Notify(kNotifyList, "ltrim", args[1]);
    NotifyDelIfGone(ctx, args[1]);
  }
  ctx.reply().Ok();
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
void LPosCommand(CommandContext& ctx, ArgList args) {
  int64_t rank = 1, count = -1, maxlen = 0;
  for (size_t i = 3; i < args.size(); i += 2) {
    if (i + 1 >= args.size()) return ctx.reply().Error(errors::kSyntax);
    std::string_view opt = args[i];
    if (EqualsIgnoreCase(opt, "rank")) {
      if (!ParseIntArg(ctx, args[i + 1], &rank)) return;
      if (rank == 0) {
        return ctx.reply().Error(
            "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
            "or use negative to start from the end of the list");
      }
      if (rank == INT64_MIN) return ctx.reply().Error(errors::kNotInteger);
    } else if (EqualsIgnoreCase(opt, "count")) {
      if (!ParseIntArg(ctx, args[i + 1], &count)) return;
      if (count < 0) return ctx.reply().Error("ERR COUNT can't be negative");
    } else if (EqualsIgnoreCase(opt, "maxlen")) {
      if (!ParseIntArg(ctx, args[i + 1], &maxlen)) return;
      if (maxlen < 0) return ctx.reply().Error("ERR MAXLEN can't be negative");
    } else {
      return ctx.reply().Error(errors::kSyntax);
    }
  }
  bool with_count = count >= 0;
  auto r = list::Pos(ctx.db(), args[1], args[2], rank, with_count ? count : 1, maxlen);
  if (!r.ok()) return ReplyError(ctx.reply(), r.status());
  if (!with_count) return r->empty() ? ctx.reply().NullBulk() : ctx.reply().Integer(r->front());
  ctx.reply().ArrayHeader(static_cast<int64_t>(r->size()));
  for (int64_t pos : *r) ctx.reply().Integer(pos);
}

// The shared core of LMOVE/RPOPLPUSH and of serving their blocking forms.
// Returns false if `src` has nothing (or is missing).
bool MoveGeneric(CommandContext& ctx, std::string_view src, std::string_view dst, bool from_head,
                 bool to_head) {
  auto r = list::Move(ctx.db(), src, dst, from_head, to_head);
  if (r.status() == OpStatus::kNotFound) return false;
  if (!r.ok()) {
    ReplyError(ctx.reply(), r.status());
    return true;
  }
  ctx.KeyModified(src);
  if (src != dst) ctx.KeyModified(dst);
  // As Redis: the push to `dst`, then the pop from `src`.
  ctx.Notify(kNotifyList, to_head ? "lpush" : "rpush", dst);
  NotifyPop(ctx, src, from_head);
  // Blocking or not, this is what happened.
  ctx.Propagate({"LMOVE", std::string(src), std::string(dst), from_head ? "LEFT" : "RIGHT",
                 to_head ? "LEFT" : "RIGHT"});
  ctx.reply().Bulk(*r);
  return true;
}

// LMOVE source destination LEFT | RIGHT LEFT | RIGHT
void LMoveCommand(CommandContext& ctx, ArgList args) {
  bool from_head, to_head;
  if (!ParseEnd(args[3], &from_head) || !ParseEnd(args[4], &to_head)) {
    return ctx.reply().Error(errors::kSyntax);
  }
  if (!MoveGeneric(ctx, args[1], args[2], from_head, to_head)) ctx.reply().NullBulk();
}

// RPOPLPUSH source destination
void RPopLPushCommand(CommandContext& ctx, ArgList args) {
  if (!MoveGeneric(ctx, args[1], args[2], false, true)) ctx.reply().NullBulk();
}

// The arguments of LMPOP and BLMPOP, from `numkeys_at`:
//   numkeys key [key ...] LEFT | RIGHT [COUNT count]
struct MPopArgs {
  std::vector<std::string_view> keys;
  bool head = true;
  int64_t count = 1;
};

bool ParseMPop(CommandContext& ctx, ArgList args, size_t numkeys_at, MPopArgs* out) {
  int64_t numkeys;
  if (!ParseIntArgOr(ctx, args[numkeys_at], 1, INT64_MAX, "ERR numkeys should be greater than 0",
                     &numkeys)) {
    return false;
  }
  size_t first = numkeys_at + 1;
  if (static_cast<uint64_t>(numkeys) >= args.size() - first) {
    ctx.reply().Error(errors::kSyntax);
    return false;
  }
  out->keys.assign(args.begin() + first, args.begin() + first + numkeys);
  size_t i = first + static_cast<size_t>(numkeys);
  if (!ParseEnd(args[i++], &out->head)) {
    ctx.reply().Error(errors::kSyntax);
    return false;
  }
  if (i < args.size()) {
    if (i + 2 != args.size() || !EqualsIgnoreCase(args[i], "count")) {
      ctx.reply().Error(errors::kSyntax);
      return false;
    }
    if (!ParseIntArgOr(ctx, args[i + 1], 1, INT64_MAX, "ERR count should be greater than 0",
                       &out->count)) {
      return false;
    }
  }
  return true;
}

// Pops up to `count` from `key` and replies [key, [elements]]. False if
// the key is missing; true (having replied) otherwise, errors included.
bool MPopFrom(CommandContext& ctx, std::string_view key, bool head, int64_t count) {
  auto r = list::Pop(ctx.db(), key, head, count);
  if (r.status() == OpStatus::kNotFound) return false;
  if (!r.ok()) {
    ReplyError(ctx.reply(), r.status());
    return true;
  }
  ctx.KeyModified(key);
  NotifyPop(ctx, key, head);
  ctx.Propagate({head ? "LPOP" : "RPOP", std::string(key), storage::Int64ToString(
                                                                 static_cast<int64_t>(r->size()))});
  protocol::ReplyWriter& w = ctx.reply();
  w.ArrayHeader(2);
  w.Bulk(key);
  w.ArrayHeader(static_cast<int64_t>(r->size()));
  for (const std::string& v : *r) w.Bulk(v);
  return true;
}

// LMPOP numkeys key [key ...] LEFT | RIGHT [COUNT count]
void LMPopCommand(CommandContext& ctx, ArgList args) {
  MPopArgs m;
  if (!ParseMPop(ctx, args, 1, &m)) return;
  for (std::string_view key : m.keys) {
    if (MPopFrom(ctx, key, m.head, m.count)) return;
  }
  ctx.reply().NullArray();
}

// --- Blocking forms ---

// Pops one element from `key` and replies [key, element]; false if missing.
bool BPopFrom(CommandContext& ctx, std::string_view key, bool head) {
  auto r = list::Pop(ctx.db(), key, head, 1);
  if (r.status() == OpStatus::kNotFound) return false;
  if (!r.ok()) {
    ReplyError(ctx.reply(), r.status());
    return true;
  }
  ctx.KeyModified(key);
  NotifyPop(ctx, key, head);
  ctx.Propagate({head ? "LPOP" : "RPOP", std::string(key)});
  ctx.reply().ArrayHeader(2);
  ctx.reply().Bulk(key);
  ctx.reply().Bulk(r->front());
  return true;
}

// A key that became ready serves a blocked client only if it is a list.
bool IsList(CommandContext& ctx, std::string_view key) {
  storage::Entry* e =
      ctx.db().LookupRead(key, storage::Database::kNoTouch | storage::Database::kNoStats);
  return e != nullptr && e->type() == storage::ObjType::kList;
}

bool ServeBLPop(CommandContext& ctx, ArgList, std::string_view key) {
  return IsList(ctx, key) && BPopFrom(ctx, key, true);
}
bool ServeBRPop(CommandContext& ctx, ArgList, std::string_view key) {
  return IsList(ctx, key) && BPopFrom(ctx, key, false);
}

// BLPOP/BRPOP key [key ...] timeout
void BPopGeneric(CommandContext& ctx, ArgList args, bool head) {
  int64_t timeout;
  if (!ParseBlockTimeout(ctx, args.back(), &timeout)) return;
  std::vector<std::string_view> keys(args.begin() + 1, args.end() - 1);
  for (std::string_view key : keys) {
    if (BPopFrom(ctx, key, head)) return;
  }
  if (ctx.in_exec()) return ctx.reply().NullArray();
  ctx.Block(keys, timeout, args, head ? ServeBLPop : ServeBRPop, TimeoutReply::kNullArray);
}
void BLPopCommand(CommandContext& ctx, ArgList args) { BPopGeneric(ctx, args, true); }
void BRPopCommand(CommandContext& ctx, ArgList args) { BPopGeneric(ctx, args, false); }

// The two directions of a blocked BLMOVE (args[3], args[4]) or BRPOPLPUSH.
void MoveEnds(ArgList args, bool* from_head, bool* to_head) {
  if (args.size() == 6) {
    ParseEnd(args[3], from_head);
    ParseEnd(args[4], to_head);
  } else {
    *from_head = false;
    *to_head = true;
  }
}

bool ServeBLMove(CommandContext& ctx, ArgList args, std::string_view key) {
  if (!IsList(ctx, key)) return false;
  bool from_head = false, to_head = true;
  MoveEnds(args, &from_head, &to_head);
  return MoveGeneric(ctx, key, args[2], from_head, to_head);
}

// BLMOVE source destination LEFT | RIGHT LEFT | RIGHT timeout
// BRPOPLPUSH source destination timeout
void BLMoveGeneric(CommandContext& ctx, ArgList args) {
  bool from_head = false, to_head = true;
  if (args.size() == 6 && (!ParseEnd(args[3], &from_head) || !ParseEnd(args[4], &to_head))) {
    return ctx.reply().Error(errors::kSyntax);
  }
  int64_t timeout;
  if (!ParseBlockTimeout(ctx, args.back(), &timeout)) return;
  if (MoveGeneric(ctx, args[1], args[2], from_head, to_head)) return;
  if (ctx.in_exec()) return ctx.reply().NullArray();
  ctx.Block({args[1]}, timeout, args, ServeBLMove, TimeoutReply::kNullArray);
}
void BLMoveCommand(CommandContext& ctx, ArgList args) { BLMoveGeneric(ctx, args); }
void BRPopLPushCommand(CommandContext& ctx, ArgList args) { BLMoveGeneric(ctx, args); }

bool ServeBLMPop(CommandContext& ctx, ArgList args, std::string_view key) {
  if (!IsList(ctx, key)) return false;
  MPopArgs m;
  ParseMPop(ctx, args, 2, &m);  // parsed successfully when the client blocked
  return MPopFrom(ctx, key, m.head, m.count);
}

// BLMPOP timeout numkeys key [key ...] LEFT | RIGHT [COUNT count]. Redis
// parses the keys and options before the timeout, so their errors come
// first.
void BLMPopCommand(CommandContext& ctx, ArgList args) {
  MPopArgs m;
  if (!ParseMPop(ctx, args, 2, &m)) return;
  int64_t timeout;
  if (!ParseBlockTimeout(ctx, args[1], &timeout)) return;
  for (std::string_view key : m.keys) {
    if (MPopFrom(ctx, key, m.head, m.count)) return;
  }
  if (ctx.in_exec()) return ctx.reply().NullArray();
  ctx.Block(m.keys, timeout, args, ServeBLMPop, TimeoutReply::kNullArray);
}

constexpr uint32_t kWriteOom = kCmdWrite | kCmdDenyOom;
constexpr uint32_t kListWrite = kAclWrite | kAclList;
constexpr uint32_t kListRead = kAclRead | kAclList;
constexpr KeySpec kOneKey{1, 1, 1};

}  // namespace

void RegisterListCommands(CommandTable& t) {
  t.Add({"lpush",
         -3,
         kWriteOom | kCmdFast,
         kListWrite | kAclFast,
         kOneKey,
         LPushCommand,
         {"Prepend one or multiple elements to a list", "1.0.0", "list",
          "O(1) for each element added, so O(N) to add N elements when the command is called "
          "with multiple arguments.",
          "key element [element ...]"}});
  t.Add({"rpush",
         -3,
         kWriteOom | kCmdFast,
         kListWrite | kAclFast,
         kOneKey,
         RPushCommand,
         {"Append one or multiple elements to a list", "1.0.0", "list",
          "O(1) for each element added, so O(N) to add N elements when the command is called "
          "with multiple arguments.",
          "key element [element ...]"}});
  t.Add({"lpushx",
         -3,
         kWriteOom | kCmdFast,
         kListWrite | kAclFast,
         kOneKey,
         LPushXCommand,
         {"Prepend an element to a list, only if the list exists", "2.2.0", "list",
          "O(1) for each element added, so O(N) to add N elements when the command is called "
          "with multiple arguments.",
          "key element [element ...]"}});
  t.Add({"rpushx",
         -3,
         kWriteOom | kCmdFast,
         kListWrite | kAclFast,
         kOneKey,
         RPushXCommand,
         {"Append an element to a list, only if the list exists", "2.2.0", "list",
          "O(1) for each element added, so O(N) to add N elements when the command is called "
          "with multiple arguments.",
          "key element [element ...]"}});
  t.Add({"lpop",
         -2,
         kCmdWrite | kCmdFast,
         kListWrite | kAclFast,
         kOneKey,
         LPopCommand,
         {"Remove and get the first elements in a list", "1.0.0", "list",
          "O(N) where N is the number of elements returned", "key [count]"}});
  t.Add({"rpop",
         -2,
         kCmdWrite | kCmdFast,
         kListWrite | kAclFast,
         kOneKey,
         RPopCommand,
         {"Remove and get the last elements in a list", "1.0.0", "list",
          "O(N) where N is the number of elements returned", "key [count]"}});
  t.Add({"llen",
         2,
         kCmdReadonly | kCmdFast,
         kListRead | kAclFast,
         kOneKey,
         LLenCommand,
         {"Get the length of a list", "1.0.0", "list", "O(1)", "key"}});
  t.Add({"lindex",
         3,
         kCmdReadonly,
         kListRead | kAclSlow,
         kOneKey,
         LIndexCommand,
         {"Get an element from a list by its index", "1.0.0", "list",
          "O(N) where N is the number of elements to traverse to get to the element at index. "
          "This makes asking for the first or the last element of the list O(1).",
          "key index"}});
  t.Add({"lset",
         4,
         kWriteOom,
         kListWrite | kAclSlow,
         kOneKey,
         LSetCommand,
         {"Set the value of an element in a list by its index", "1.0.0", "list",
          "O(N) where N is the length of the list. Setting either the first or the last "
          "element of the list is O(1).",
          "key index element"}});
  t.Add({"lrange",
         4,
         kCmdReadonly,
         kListRead | kAclSlow,
         kOneKey,
         LRangeCommand,
         {"Get a range of elements from a list", "1.0.0", "list",
          "O(S+N) where S is the distance of start offset from HEAD for small lists, from "
          "nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the "
          "specified range.",
          "key start stop"}});
  t.Add({"linsert",
         5,
         kWriteOom,
         kListWrite | kAclSlow,
         kOneKey,
         LInsertCommand,
         {"Insert an element before or after another element in a list", "2.2.0", "list",
          "O(N) where N is the number of elements to traverse before seeing the value pivot. "
          "This means that inserting somewhere on the left end on the list (head) can be "
          "considered O(1) and inserting somewhere on the right end (tail) is O(N).",
          "key <BEFORE | AFTER> pivot element"}});
  t.Add({"lrem",
         4,
         kCmdWrite,
         kListWrite | kAclSlow,
         kOneKey,
         LRemCommand,
         {"Remove elements from a list", "1.0.0", "list",
          "O(N+M) where N is the length of the list and M is the number of elements removed.",
          "key count element"}});
  t.Add({"ltrim",
         4,
         kCmdWrite,
         kListWrite | kAclSlow,
         kOneKey,
         LTrimCommand,
         {"Trim a list to the specified range", "1.0.0", "list",
          "O(N) where N is the number of elements to be removed by the operation.",
          "key start stop"}});
  t.Add({"lpos",
         -3,
         kCmdReadonly,
         kListRead | kAclSlow,
         kOneKey,
         LPosCommand,
         {"Return the index of matching elements on a list", "6.0.6", "list",
          "O(N) where N is the number of elements in the list, for the average case. When "
          "searching for elements near the head or the tail of the list, or when the MAXLEN "
          "option is provided, the command may run in constant time.",
          "key element [RANK rank] [COUNT num-matches] [MAXLEN len]"}});
  t.Add({"lmove",
         5,
         kWriteOom,
         kListWrite | kAclSlow,
         {1, 2, 1},
         LMoveCommand,
         {"Pop an element from a list, push it to another list and return it", "6.2.0", "list",
          "O(1)", "source destination <LEFT | RIGHT> <LEFT | RIGHT>"}});
  t.Add({"rpoplpush",
         3,
         kWriteOom,
         kListWrite | kAclSlow,
         {1, 2, 1},
         RPopLPushCommand,
         {"Remove the last element in a list, prepend it to another list and return it", "1.2.0",
          "list", "O(1)", "source destination"}});
  t.Add({"lmpop",
         -4,
         kCmdWrite,
         kListWrite | kAclSlow,
         {0, 0, 0, 1},
         LMPopCommand,
         {"Pop elements from a list", "7.0.0", "list",
          "O(N+M) where N is the number of provided keys and M is the number of elements "
          "returned.",
          "numkeys key [key ...] <LEFT | RIGHT> [COUNT count]"}});
  t.Add({"blpop",
         -3,
         kCmdWrite | kCmdNoscript | kCmdBlocking,
         kListWrite | kAclSlow | kAclBlocking,
         {1, -2, 1},
         BLPopCommand,
         {"Remove and get the first element in a list, or block until one is available", "2.0.0",
          "list", "O(N) where N is the number of provided keys.", "key [key ...] timeout"}});
  t.Add({"brpop",
         -3,
         kCmdWrite | kCmdNoscript | kCmdBlocking,
         kListWrite | kAclSlow | kAclBlocking,
         {1, -2, 1},
         BRPopCommand,
         {"Remove and get the last element in a list, or block until one is available", "2.0.0",
          "list", "O(N) where N is the number of provided keys.", "key [key ...] timeout"}});
  t.Add({"blmove",
         6,
         kWriteOom | kCmdNoscript | kCmdBlocking,
         kListWrite | kAclSlow | kAclBlocking,
         {1, 2, 1},
         BLMoveCommand,
         {"Pop an element from a list, push it to another list and return it; or block until "
          "one is available",
          "6.2.0", "list", "O(1)", "source destination <LEFT | RIGHT> <LEFT | RIGHT> timeout"}});
  t.Add({"brpoplpush",
         4,
         kWriteOom | kCmdNoscript | kCmdBlocking,
         kListWrite | kAclSlow | kAclBlocking,
         {1, 2, 1},
         BRPopLPushCommand,
         {"Pop an element from a list, push it to another list and return it; or block until "
          "one is available",
          "2.2.0", "list", "O(1)", "source destination timeout"}});
  t.Add({"blmpop",
         -5,
         kCmdWrite | kCmdBlocking,
         kListWrite | kAclSlow | kAclBlocking,
         {0, 0, 0, 2},
         BLMPopCommand,
         {"Pop elements from a list, or block until one is available", "7.0.0", "list",
          "O(N+M) where N is the number of provided keys and M is the number of elements "
          "returned.",
          "timeout numkeys key [key ...] <LEFT | RIGHT> [COUNT count]"}});
}

}  // namespace ember::server
