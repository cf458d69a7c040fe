// Sorted set commands (Redis's t_zset.c). The data structures and their
// logic live in storage/zset*.h; these handlers parse arguments in Redis's
// order (so that the same bad command gets the same error first), call
// storage, and shape the replies for RESP2 and RESP3.
//
// Scores in replies: a bulk string "%.17g" in RESP2 (ZSCORE of 1.1 is
// "1.1000000000000001", as Redis 7.0 prints it), a double in RESP3. Where a
// reply interleaves members and scores, RESP2 gets one flat array and RESP3
// an array of [member, score] pairs.
//
// The blocking pops (BZPOPMIN, BZPOPMAX, BZMPOP) park the client like BLPOP
// (see server/blocking.h) and are served when a sorted set is created at one
// of their keys.
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "protocol/errors.h"
#include "server/command_table.h"
#include "server/commands/reply_util.h"
#include "storage/glob.h"
#include "storage/numbers.h"
#include "storage/zset_ops.h"

namespace ember::server {

namespace {

namespace errors = protocol::errors;
namespace zset = storage::zset;
using protocol::ReplyWriter;
using storage::OpStatus;

bool Resp3(const ReplyWriter& w) { return w.resp() >= 3; }

// After a write that may have emptied `key`: an empty sorted set is
// deleted, and its "del" event follows the command's own.
void NotifyDelIfGone(CommandContext& ctx, std::string_view key) {
  if (ctx.db().Peek(key) == nullptr) ctx.Notify(kNotifyGeneric, "del", key);
}

void NotifyPop(CommandContext& ctx, std::string_view key, bool max) {
  ctx.Notify(kNotifyZset, max ? "zpopmax" : "zpopmin", key);
  NotifyDelIfGone(ctx, key);
}

// The *STORE commands: `event` if they stored something, "del" if an empty
// result deleted the destination.
void NotifyStore(CommandContext& ctx, std::string_view dst, std::string_view event,
                 int64_t length, bool modified) {
  if (length > 0) {
    ctx.Notify(kNotifyZset, event, dst);
  } else if (modified) {
    ctx.Notify(kNotifyGeneric, "del", dst);
  }
}

// A strict integer in [min, max]; `msg` for both a non-integer and a value
// out of range, as Redis's getRangeLongFromObjectOrReply does when given a
// message.
bool ParseIntArgOr(CommandContext& ctx, std::string_view arg, int64_t min, int64_t max,
                   std::string_view msg, int64_t* out) {
  if (!storage::StringToInt64(arg, out) || *out < min || *out > max) {
    ctx.reply().Error(msg);
    return false;
  }
  return true;
}

// The header of a reply of n scored elements.
void ScoredArrayHeader(ReplyWriter& w, int64_t n, bool withscores) {
  w.ArrayHeader(withscores && !Resp3(w) ? 2 * n : n);
}

// One element of it: member, then its score if asked (a pair in RESP3).
void ScoredElement(ReplyWriter& w, std::string_view member, double score, bool withscores) {
  if (withscores && Resp3(w)) w.ArrayHeader(2);
  w.Bulk(member);
  if (withscores) w.Double(score);
}

// ZADD key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...]
// ZINCRBY key increment member (ZADD ... INCR; options are parsed the same
// way, so "ZINCRBY k NX m" is a syntax error as in Redis).
void ZAddGeneric(CommandContext& ctx, ArgList args, bool incr) {
  zset::AddOptions o;
  o.incr = incr;
  bool ch = false;
  size_t i = 2;
  for (; i < args.size(); ++i) {
    std::string_view opt = args[i];
    if (EqualsIgnoreCase(opt, "nx")) {
      o.nx = true;
    } else if (EqualsIgnoreCase(opt, "xx")) {
      o.xx = true;
    } else if (EqualsIgnoreCase(opt, "ch")) {
      ch = true;
    } else if (EqualsIgnoreCase(opt, "incr")) {
      o.incr = true;
    } else if (EqualsIgnoreCase(opt, "gt")) {
      o.gt = true;
    } else if (EqualsIgnoreCase(opt, "lt")) {
      o.lt = true;
    } else {
      break;
    }
  }
  size_t n = args.size() - i;
  if (n == 0 || n % 2 != 0) return ctx.reply().Error(errors::kSyntax);
  n /= 2;
  if (o.nx && o.xx) return ctx.reply().Error(errors::kZAddXxAndNx);
  if ((o.gt && o.nx) || (o.lt && o.nx) || (o.gt && o.lt)) {
    return ctx.reply().Error(errors::kZAddGtLtNx);
  }
  if (o.incr && n > 1) return ctx.reply().Error(errors::kZAddIncrOnePair);
  // Every score is parsed before anything changes: all or nothing.
  std::vector<zset::ScoreArg> items(n);
  for (size_t j = 0; j < n; ++j) {
    if (!storage::StringToDouble(args[i + 2 * j], &items[j].score)) {
      return ctx.reply().Error(errors::kNotFloat);
    }
    items[j].member = args[i + 2 * j + 1];
  }
  auto r = zset::Add(ctx.db(), args[1], o, items);
  if (!r.ok()) return ReplyError(ctx.reply(), r.status());
  if (r->added > 0 || r->updated > 0) {
    ctx.KeyModified(args[1]);
    ctx.Notify(kNotifyZset, o.incr ? "zincr" : "zadd", args[1]);
  }
  if (r->nan) return ctx.reply().Error(errors::kScoreNan);
  if (o.incr) return r->processed > 0 ? ctx.reply().Double(r->score) : ctx.reply().NullBulk();
  ctx.reply().Integer(ch ? r->added + r->updated : r->added);
}
void ZAddCommand(CommandContext& ctx, ArgList args) { ZAddGeneric(ctx, args, false); }
void ZIncrByCommand(CommandContext& ctx, ArgList args) { ZAddGeneric(ctx, args, true); }

// ZREM key member [member ...]
void ZRemCommand(CommandContext& ctx, ArgList args) {
  auto r = zset::Remove(ctx.db(), args[1], args.subspan(2));
  if (!r.ok()) return ReplyError(ctx.reply(), r.status());
  if (*r > 0) {
    ctx.KeyModified(args[1]);
    ctx.Notify(kNotifyZset, "zrem", args[1]);
    NotifyDelIfGone(ctx, args[1]);
  }
  ctx.reply().Integer(*r);
}

// ZSCORE key member
void ZScoreCommand(CommandContext& ctx, ArgList args) {
  auto z = zset::FindRead(ctx.db(), args[1]);
  if (z.status() == OpStatus::kNotFound) return ctx.reply().NullBulk();
  if (!z.ok()) return ReplyError(ctx.reply(), z.status());
  double score;
  z->Score(args[2], &score) ? ctx.reply().Double(score) : ctx.reply().NullBulk();
}

// ZMSCORE key member [member ...]
void ZMScoreCommand(CommandContext& ctx, ArgList args) {
  auto z = zset::FindRead(ctx.db(), args[1]);
  if (!z.ok() && z.status() != OpStatus::kNotFound) return ReplyError(ctx.reply(), z.status());
  ReplyWriter& w = ctx.reply();
  w.ArrayHeader(static_cast<int64_t>(args.size() - 2));
  for (size_t i = 2; i < args.size(); ++i) {
    double score;
    z.ok() && z->Score(args[i], &score) ? w.Double(score) : w.NullBulk();
  }
}

// ZCARD key
void ZCardCommand(CommandContext& ctx, ArgList args) {
  auto z = zset::FindRead(ctx.db(), args[1]);
  if (z.status() == OpStatus::kNotFound) return ctx.reply().Integer(0);
  if (!z.ok()) return ReplyError(ctx.reply(), z.status());
  ctx.reply().Integer(static_cast<int64_t>(z->size()));
}

// ZCOUNT key min max
void ZCountCommand(CommandContext& ctx, ArgList args) {
  storage::ScoreRange range;
  if (!storage::ParseScoreRange(args[2], args[3], &range)) {
    return ctx.reply().Error(errors::kMinMaxNotFloat);
  }
  auto r = zset::Count(ctx.db(), args[1], range);
  r.ok() ? ctx.reply().Integer(*r) : ReplyError(ctx.reply(), r.status());
}

// ZLEXCOUNT key min max
void ZLexCountCommand(CommandContext& ctx, ArgList args) {
  storage::LexRange range;
  if (!storage::ParseLexRange(args[2], args[3], &range)) {
    return ctx.reply().Error(errors::kMinMaxNotLexItem);
  }
  auto r = zset::LexCount(ctx.db(), args[1], range);
  r.ok() ? ctx.reply().Integer(*r) : ReplyError(ctx.reply(), r.status());
}

// ZRANK/ZREVRANK key member [WITHSCORE]. WITHSCORE is Redis 7.2's (7.0
// rejects it): the reply becomes [rank, score].
void ZRankGeneric(CommandContext& ctx, ArgList args, bool reverse) {
  if (args.size() > 4) return ctx.reply().Error(errors::WrongArity(ctx.command().full_name));
  bool withscore = false;
  if (args.size() == 4) {
    if (!EqualsIgnoreCase(args[3], "withscore")) return ctx.reply().Error(errors::kSyntax);
    withscore = true;
  }
  auto r = zset::Rank(ctx.db(), args[1], args[2], reverse);
  if (r.status() == OpStatus::kNotFound) {
    return withscore ? ctx.reply().NullArray() : ctx.reply().NullBulk();
  }
  if (!r.ok()) return ReplyError(ctx.reply(), r.status());
  if (withscore) ctx.reply().ArrayHeader(2);
  ctx.reply().Integer(r->rank);
  if (withscore) ctx.reply().Double(r->score);
}
void ZRankCommand(CommandContext& ctx, ArgList args) { ZRankGeneric(ctx, args, false); }
void ZRevRankCommand(CommandContext& ctx, ArgList args) { ZRankGeneric(ctx, args, true); }

// --- ZRANGE and its older forms ---

enum class Kind { kAuto, kRank, kScore, kLex };
enum class Direction { kAuto, kForward, kReverse };

// Redis's zrangeGenericCommand: the forms differ only in what is fixed.
//   ZRANGE key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
//   ZRANGESTORE dst src min max [BYSCORE | BYLEX] [REV] [LIMIT offset count]
//   ZREVRANGE key start stop [WITHSCORES]
//   Z[REV]RANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]  (REV: max min)
//   Z[REV]RANGEBYLEX key min max [LIMIT offset count]                 (REV: max min)
// `key_at` is the index of the source key; `store` is ZRANGESTORE.
void ZRangeGeneric(CommandContext& ctx, ArgList args, size_t key_at, bool store, Kind kind,
                   Direction dir) {
  bool withscores = false;
  int64_t offset = 0, limit = -1;
  for (size_t j = key_at + 3; j < args.size(); ++j) {
    size_t left = args.size() - j - 1;
    std::string_view opt = args[j];
    if (!store && EqualsIgnoreCase(opt, "withscores")) {
      withscores = true;
    } else if (EqualsIgnoreCase(opt, "limit") && left >= 2) {
      if (!ParseIntArg(ctx, args[j + 1], &offset) || !ParseIntArg(ctx, args[j + 2], &limit)) {
        return;
      }
      j += 2;
    } else if (dir == Direction::kAuto && EqualsIgnoreCase(opt, "rev")) {
      dir = Direction::kReverse;
    } else if (kind == Kind::kAuto && EqualsIgnoreCase(opt, "bylex")) {
      kind = Kind::kLex;
    } else if (kind == Kind::kAuto && EqualsIgnoreCase(opt, "byscore")) {
      kind = Kind::kScore;
    } else {
      return ctx.reply().Error(errors::kSyntax);
    }
  }
  if (dir == Direction::kAuto) dir = Direction::kForward;
  if (kind == Kind::kAuto) kind = Kind::kRank;
  // "LIMIT x -1" is no limit at all, so Redis lets it pass with ranks.
  if (limit != -1 && kind == Kind::kRank) {
    return ctx.reply().Error(errors::kLimitNeedsByScoreOrLex);
  }
  if (withscores && kind == Kind::kLex) return ctx.reply().Error(errors::kWithscoresWithBylex);

  zset::RangeQuery q;
  q.reverse = dir == Direction::kReverse;
  q.offset = offset;
  q.limit = limit;
  std::string_view min = args[key_at + 1], max = args[key_at + 2];
  if (q.reverse && kind != Kind::kRank) std::swap(min, max);  // given as max, min
  switch (kind) {
    case Kind::kAuto:
    case Kind::kRank:
      q.kind = zset::RangeKind::kRank;
      if (!ParseIntArg(ctx, min, &q.start) || !ParseIntArg(ctx, max, &q.end)) return;
      break;
    case Kind::kScore:
      q.kind = zset::RangeKind::kScore;
      if (!storage::ParseScoreRange(min, max, &q.score)) {
        return ctx.reply().Error(errors::kMinMaxNotFloat);
      }
      break;
    case Kind::kLex:
      q.kind = zset::RangeKind::kLex;
      if (!storage::ParseLexRange(min, max, &q.lex)) {
        return ctx.reply().Error(errors::kMinMaxNotLexItem);
      }
      break;
  }

  if (store) {
    auto r = zset::RangeStore(ctx.db(), args[1], args[key_at], q);
    if (!r.ok()) return ReplyError(ctx.reply(), r.status());
    if (r->modified) ctx.KeyModified(args[1]);
    NotifyStore(ctx, args[1], "zrangestore", r->length, r->modified);
    return ctx.reply().Integer(r->length);
  }
  auto z = zset::FindRead(ctx.db(), args[key_at]);
  if (z.status() == OpStatus::kNotFound) return ctx.reply().EmptyArray();
  if (!z.ok()) return ReplyError(ctx.reply(), z.status());
  ReplyWriter& w = ctx.reply();
  if (q.kind == zset::RangeKind::kRank) {
    int64_t first, count;
    if (!zset::ClampRanks(static_cast<int64_t>(z->size()), q.start, q.end, &first, &count)) {
      return w.EmptyArray();
    }
    ScoredArrayHeader(w, count, withscores);
    zset::ForEachInRange(*z, q,
                         [&](std::string_view m, double s) { ScoredElement(w, m, s, withscores); });
    return;
  }
  // The length of a score or lex range is known only once walked: the
  // elements go to a side buffer first (Redis defers the header instead).
  std::string body;
  ReplyWriter side(&body, w.resp());
  int64_t n = 0;
  zset::ForEachInRange(*z, q, [&](std::string_view m, double s) {
    ScoredElement(side, m, s, withscores);
    ++n;
  });
  ScoredArrayHeader(w, n, withscores);
  w.Raw(body);
}

void ZRangeCommand(CommandContext& ctx, ArgList args) {
  ZRangeGeneric(ctx, args, 1, false, Kind::kAuto, Direction::kAuto);
}
void ZRangeStoreCommand(CommandContext& ctx, ArgList args) {
  ZRangeGeneric(ctx, args, 2, true, Kind::kAuto, Direction::kAuto);
}
void ZRevRangeCommand(CommandContext& ctx, ArgList args) {
  ZRangeGeneric(ctx, args, 1, false, Kind::kRank, Direction::kReverse);
}
void ZRangeByScoreCommand(CommandContext& ctx, ArgList args) {
  ZRangeGeneric(ctx, args, 1, false, Kind::kScore, Direction::kForward);
}
void ZRevRangeByScoreCommand(CommandContext& ctx, ArgList args) {
  ZRangeGeneric(ctx, args, 1, false, Kind::kScore, Direction::kReverse);
}
void ZRangeByLexCommand(CommandContext& ctx, ArgList args) {
  ZRangeGeneric(ctx, args, 1, false, Kind::kLex, Direction::kForward);
}
void ZRevRangeByLexCommand(CommandContext& ctx, ArgList args) {
  ZRangeGeneric(ctx, args, 1, false, Kind::kLex, Direction::kReverse);
}

// ZREMRANGEBYRANK key start stop / ZREMRANGEBYSCORE key min max /
// ZREMRANGEBYLEX key min max
void ZRemRangeGeneric(CommandContext& ctx, ArgList args, zset::RangeKind kind) {
  zset::RangeQuery q;
  q.kind = kind;
  switch (kind) {
    case zset::RangeKind::kRank:
      if (!ParseIntArg(ctx, args[2], &q.start) || !ParseIntArg(ctx, args[3], &q.end)) return;
      break;
    case zset::RangeKind::kScore:
      if (!storage::ParseScoreRange(args[2], args[3], &q.score)) {
        return ctx.reply().Error(errors::kMinMaxNotFloat);
      }
      break;
    case zset::RangeKind::kLex:
      if (!storage::ParseLexRange(args[2], args[3], &q.lex)) {
        return ctx.reply().Error(errors::kMinMaxNotLexItem);
      }
      break;
  }
  auto r = zset::RemoveRange(ctx.db(), args[1], q);
  if (!r.ok()) return ReplyError(ctx.reply(), r.status());
  if (*r > 0) {
    ctx.KeyModified(args[1]);
    ctx.Notify(kNotifyZset,
               kind == zset::RangeKind::kRank    ? "zremrangebyrank"
               : kind == zset::RangeKind::kScore ? "zremrangebyscore"
                                                 : "zremrangebylex",
               args[1]);
    NotifyDelIfGone(ctx, args[1]);
  }
  ctx.reply().Integer(*r);
}
void ZRemRangeByRankCommand(CommandContext& ctx, ArgList args) {
  ZRemRangeGeneric(ctx, args, zset::RangeKind::kRank);
}
void ZRemRangeByScoreCommand(CommandContext& ctx, ArgList args) {
  ZRemRangeGeneric(ctx, args, zset::RangeKind::kScore);
}
void ZRemRangeByLexCommand(CommandContext& ctx, ArgList args) {
  ZRemRangeGeneric(ctx, args, zset::RangeKind::kLex);
}

// --- Pops ---

// ZPOPMIN/ZPOPMAX key [count]. RESP2 and the count-less form reply with a
// flat [member, score, ...]; RESP3 with a count, with [member, score] pairs.
void ZPopGeneric(CommandContext& ctx, ArgList args, bool max) {
  if (args.size() > 3) return ctx.reply().Error(errors::kSyntax);
  int64_t count = -1;
  if (args.size() == 3 &&
      !ParseIntArgOr(ctx, args[2], 0, INT64_MAX, errors::kCountPositive, &count)) {
    return;
  }
  auto r = zset::Pop(ctx.db(), args[1], max, count == -1 ? 1 : count);
  if (r.status() == OpStatus::kNotFound) return ctx.reply().EmptyArray();
  if (!r.ok()) return ReplyError(ctx.reply(), r.status());
  if (!r->empty()) {
    ctx.KeyModified(args[1]);
    NotifyPop(ctx, args[1], max);
  }
  ReplyWriter& w = ctx.reply();
  bool nested = Resp3(w) && count != -1;
  int64_t n = static_cast<int64_t>(r->size());
  w.ArrayHeader(nested ? n : 2 * n);
  for (const zset::ScoredMember& sm : *r) {
    if (nested) w.ArrayHeader(2);
    w.Bulk(sm.member);
    w.Double(sm.score);
  }
}
void ZPopMinCommand(CommandContext& ctx, ArgList args) { ZPopGeneric(ctx, args, false); }
void ZPopMaxCommand(CommandContext& ctx, ArgList args) { ZPopGeneric(ctx, args, true); }

// The arguments of ZMPOP and BZMPOP, from `numkeys_at`:
//   numkeys key [key ...] MIN | MAX [COUNT count]
struct MPopArgs {
  std::vector<std::string_view> keys;
  bool max = false;
  int64_t count = 1;
};

bool ParseMPop(CommandContext& ctx, ArgList args, size_t numkeys_at, MPopArgs* out) {
  int64_t numkeys;
  if (!ParseIntArgOr(ctx, args[numkeys_at], 1, INT64_MAX, errors::kNumkeysPositive, &numkeys)) {
    return false;
  }
  size_t first = numkeys_at + 1;
  if (static_cast<uint64_t>(numkeys) >= args.size() - first) {
    ctx.reply().Error(errors::kSyntax);
    return false;
  }
  out->keys.assign(args.begin() + first, args.begin() + first + numkeys);
  size_t where = first + static_cast<size_t>(numkeys);
  if (EqualsIgnoreCase(args[where], "min")) {
    out->max = false;
  } else if (EqualsIgnoreCase(args[where], "max")) {
    out->max = true;
  } else {
    ctx.reply().Error(errors::kSyntax);
    return false;
  }
  bool have_count = false;
  for (size_t j = where + 1; j < args.size(); ++j) {
    if (!have_count && EqualsIgnoreCase(args[j], "count") && j + 1 < args.size()) {
      ++j;
      if (!ParseIntArgOr(ctx, args[j], 1, INT64_MAX, errors::kCountGreaterThanZero, &out->count)) {
        return false;
      }
      have_count = true;
    } else {
      ctx.reply().Error(errors::kSyntax);
      return false;
    }
  }
  return true;
}

// Pops up to `count` from `key` and replies [key, [[member, score], ...]].
// False if the key is missing; true (having replied) otherwise. Logged as
// ZPOPMIN/ZPOPMAX of the number popped, as Redis logs ZMPOP and BZMPOP
// (served at once or later): a replay must not depend on which of the keys
// held something at the time.
bool MPopFrom(CommandContext& ctx, std::string_view key, bool max, int64_t count) {
  auto r = zset::Pop(ctx.db(), key, max, count);
  if (r.status() == OpStatus::kNotFound) return false;
  if (!r.ok()) {
    ReplyError(ctx.reply(), r.status());
    return true;
  }
  ctx.KeyModified(key);
  NotifyPop(ctx, key, max);
  ctx.Propagate({max ? "ZPOPMAX" : "ZPOPMIN", std::string(key),
                 storage::Int64ToString(static_cast<int64_t>(r->size()))});
  ReplyWriter& w = ctx.reply();
  w.ArrayHeader(2);
  w.Bulk(key);
  w.ArrayHeader(static_cast<int64_t>(r->size()));
  for (const zset::ScoredMember& sm : *r) {
    w.ArrayHeader(2);
    w.Bulk(sm.member);
    w.Double(sm.score);
  }
  return true;
}

// ZMPOP numkeys key [key ...] MIN | MAX [COUNT count]
void ZMPopCommand(CommandContext& ctx, ArgList args) {
  MPopArgs m;
  if (!ParseMPop(ctx, args, 1, &m)) return;
  for (std::string_view key : m.keys) {
    if (MPopFrom(ctx, key, m.max, m.count)) return;
  }
  ctx.reply().NullArray();
}

// --- Blocking pops ---

// Pops one member from `key` and replies [key, member, score]; false if the
// key is missing. Logged as the ZPOPMIN/ZPOPMAX it amounts to, as Redis
// logs BZPOPMIN/BZPOPMAX whether served at once or later.
bool BPopFrom(CommandContext& ctx, std::string_view key, bool max) {
  auto r = zset::Pop(ctx.db(), key, max, 1);
  if (r.status() == OpStatus::kNotFound) return false;
  if (!r.ok()) {
    ReplyError(ctx.reply(), r.status());
    return true;
  }
  ctx.KeyModified(key);
  NotifyPop(ctx, key, max);
  ctx.Propagate({max ? "ZPOPMAX" : "ZPOPMIN", std::string(key)});
  ReplyWriter& w = ctx.reply();
  w.ArrayHeader(3);
  w.Bulk(key);
  w.Bulk(r->front().member);
  w.Double(r->front().score);
  return true;
}

// A key that became ready serves a blocked client only if it is a sorted set.
bool IsZSet(CommandContext& ctx, std::string_view key) {
  storage::Entry* e =
      ctx.db().LookupRead(key, storage::Database::kNoTouch | storage::Database::kNoStats);
  return e != nullptr && e->type() == storage::ObjType::kZSet;
}

bool ServeBZPopMin(CommandContext& ctx, ArgList, std::string_view key) {
  return IsZSet(ctx, key) && BPopFrom(ctx, key, false);
}
bool ServeBZPopMax(CommandContext& ctx, ArgList, std::string_view key) {
  return IsZSet(ctx, key) && BPopFrom(ctx, key, true);
}

// BZPOPMIN/BZPOPMAX key [key ...] timeout
void BZPopGeneric(CommandContext& ctx, ArgList args, bool max) {
  int64_t timeout;
  if (!ParseBlockTimeout(ctx, args.back(), &timeout)) return;
  std::vector<std::string_view> keys(args.begin() + 1, args.end() - 1);
  for (std::string_view key : keys) {
    if (BPopFrom(ctx, key, max)) return;
  }
  if (ctx.in_exec()) return ctx.reply().NullArray();
  ctx.Block(keys, timeout, args, max ? ServeBZPopMax : ServeBZPopMin, TimeoutReply::kNullArray);
}
void BZPopMinCommand(CommandContext& ctx, ArgList args) { BZPopGeneric(ctx, args, false); }
void BZPopMaxCommand(CommandContext& ctx, ArgList args) { BZPopGeneric(ctx, args, true); }

bool ServeBZMPop(CommandContext& ctx, ArgList args, std::string_view key) {
  if (!IsZSet(ctx, key)) return false;
  MPopArgs m;
  ParseMPop(ctx, args, 2, &m);  // parsed successfully when the client blocked
  return MPopFrom(ctx, key, m.max, m.count);
}

// BZMPOP timeout numkeys key [key ...] MIN | MAX [COUNT count]. Redis parses
// the keys and options before the timeout.
void BZMPopCommand(CommandContext& ctx, ArgList args) {
  MPopArgs m;
  if (!ParseMPop(ctx, args, 2, &m)) return;
  int64_t timeout;
  if (!ParseBlockTimeout(ctx, args[1], &timeout)) return;
  for (std::string_view key : m.keys) {
    if (MPopFrom(ctx, key, m.max, m.count)) return;
  }
  if (ctx.in_exec()) return ctx.reply().NullArray();
  ctx.Block(m.keys, timeout, args, ServeBZMPop, TimeoutReply::kNullArray);
}

// --- ZUNION, ZINTER, ZDIFF, their STORE forms, ZINTERCARD ---

// Redis's zunionInterDiffGenericCommand:
//   ZUNION/ZINTER numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
//   ZDIFF numkeys key [key ...] [WITHSCORES]
//   Z{UNION,INTER,DIFF}STORE destination numkeys key [key ...] (no WITHSCORES)
//   ZINTERCARD numkeys key [key ...] [LIMIT limit]
// The input keys' types are checked before the options are parsed.
void SetOpGeneric(CommandContext& ctx, ArgList args, bool store, zset::SetOp op, bool card_only) {
  size_t numkeys_at = store ? 2 : 1;
  int64_t numkeys;
  if (!ParseIntArg(ctx, args[numkeys_at], &numkeys)) return;
  if (numkeys < 1) {
    return ctx.reply().Error(errors::AtLeastOneInputKey(ctx.command().full_name));
  }
  if (static_cast<uint64_t>(numkeys) > args.size() - (numkeys_at + 1)) {
    return ctx.reply().Error(errors::kSyntax);
  }
  size_t n = static_cast<size_t>(numkeys);
  ArgList keys = args.subspan(numkeys_at + 1, n);
  std::vector<std::unique_ptr<storage::ZSkiplist>> temporaries;
  auto inputs = zset::LookupInputs(ctx.db(), keys, &temporaries);
  if (!inputs.ok()) return ReplyError(ctx.reply(), inputs.status());

  std::vector<double> weights;
  zset::Aggregate agg = zset::Aggregate::kSum;
  bool withscores = false;
  int64_t limit = 0;
  bool weighted = op != zset::SetOp::kDiff && !card_only;
  for (size_t j = numkeys_at + 1 + n; j < args.size();) {
    size_t remaining = args.size() - j;
    std::string_view opt = args[j];
    if (weighted && remaining >= n + 1 && EqualsIgnoreCase(opt, "weights")) {
      weights.assign(n, 1.0);
      for (size_t i = 0; i < n; ++i) {
        if (!storage::StringToDouble(args[j + 1 + i], &weights[i])) {
          return ctx.reply().Error(errors::kWeightNotFloat);
        }
      }
      j += n + 1;
    } else if (weighted && remaining >= 2 && EqualsIgnoreCase(opt, "aggregate")) {
      std::string_view a = args[j + 1];
      if (EqualsIgnoreCase(a, "sum")) {
        agg = zset::Aggregate::kSum;
      } else if (EqualsIgnoreCase(a, "min")) {
        agg = zset::Aggregate::kMin;
      } else if (EqualsIgnoreCase(a, "max")) {
        agg = zset::Aggregate::kMax;
      } else {
        return ctx.reply().Error(errors::kSyntax);
      }
      j += 2;
    } else if (!store && !card_only && EqualsIgnoreCase(opt, "withscores")) {
      withscores = true;
      j += 1;
    } else if (card_only && remaining >= 2 && EqualsIgnoreCase(opt, "limit")) {
      if (!ParseIntArgOr(ctx, args[j + 1], 0, INT64_MAX, errors::kLimitNegative, &limit)) return;
      j += 2;
    } else {
      return ctx.reply().Error(errors::kSyntax);
    }
  }

  if (card_only) return ctx.reply().Integer(zset::InterCard(*inputs, limit));
  size_t max_member_len = 0;
  storage::ZSkiplistPtr result = zset::Combine(*inputs, op, weights, agg, &max_member_len);
  if (store) {
    zset::StoreResult r = zset::StoreCombined(ctx.db(), args[1], std::move(result), max_member_len);
    if (r.modified) ctx.KeyModified(args[1]);
    NotifyStore(ctx, args[1],
                op == zset::SetOp::kUnion   ? "zunionstore"
                : op == zset::SetOp::kInter ? "zinterstore"
                                            : "zdiffstore",
                r.length, r.modified);
    return ctx.reply().Integer(r.length);
  }
  ReplyWriter& w = ctx.reply();
  ScoredArrayHeader(w, static_cast<int64_t>(result->size()), withscores);
  for (const storage::ZNode* x = result->First(); x != nullptr; x = storage::ZSkiplist::Next(x)) {
    ScoredElement(w, x->member(), x->score(), withscores);
  }
}
void ZUnionCommand(CommandContext& ctx, ArgList args) {
  SetOpGeneric(ctx, args, false, zset::SetOp::kUnion, false);
}
void ZInterCommand(CommandContext& ctx, ArgList args) {
  SetOpGeneric(ctx, args, false, zset::SetOp::kInter, false);
}
void ZDiffCommand(CommandContext& ctx, ArgList args) {
  SetOpGeneric(ctx, args, false, zset::SetOp::kDiff, false);
}
void ZUnionStoreCommand(CommandContext& ctx, ArgList args) {
  SetOpGeneric(ctx, args, true, zset::SetOp::kUnion, false);
}
void ZInterStoreCommand(CommandContext& ctx, ArgList args) {
  SetOpGeneric(ctx, args, true, zset::SetOp::kInter, false);
}
void ZDiffStoreCommand(CommandContext& ctx, ArgList args) {
  SetOpGeneric(ctx, args, true, zset::SetOp::kDiff, false);
}
void ZInterCardCommand(CommandContext& ctx, ArgList args) {
  SetOpGeneric(ctx, args, false, zset::SetOp::kInter, true);
}

// --- ZRANDMEMBER, ZSCAN ---

// ZRANDMEMBER key [count [WITHSCORES]]
void ZRandMemberCommand(CommandContext& ctx, ArgList args) {
  ReplyWriter& w = ctx.reply();
  if (args.size() >= 3) {
    int64_t count;
    if (!ParseIntArg(ctx, args[2], &count)) return;
    if (count < -INT64_MAX) return w.Error(errors::kRandCountOutOfRange);
    bool withscores = false;
    if (args.size() > 4 || (args.size() == 4 && !EqualsIgnoreCase(args[3], "withscores"))) {
      return w.Error(errors::kSyntax);
    }
    if (args.size() == 4) {
      withscores = true;
      // The reply would hold 2*count items.
      if (count < -INT64_MAX / 2 || count > INT64_MAX / 2) return w.Error(errors::kValueOutOfRange);
    }
    auto z = zset::FindRead(ctx.db(), args[1]);
    if (z.status() == OpStatus::kNotFound) return w.EmptyArray();
    if (!z.ok()) return ReplyError(w, z.status());
    int64_t size = static_cast<int64_t>(z->size());
    int64_t n = count >= 0 ? std::min(count, size) : -count;
    ScoredArrayHeader(w, n, withscores);
    zset::RandomMembers(*z, count, ctx.keyspace().rng(),
                        [&](std::string_view m, double s) { ScoredElement(w, m, s, withscores); });
    return;
  }
  auto z = zset::FindRead(ctx.db(), args[1]);
  if (z.status() == OpStatus::kNotFound) return w.NullBulk();
  if (!z.ok()) return ReplyError(w, z.status());
  w.Bulk(zset::RandomMember(*z, ctx.keyspace().rng()).member);
}

// Redis's parseScanCursorOrReply: strtoul's rules ("" is 0, a sign is
// accepted), but no leading space and nothing after the digits.
bool ParseScanCursor(CommandContext& ctx, std::string_view text, uint64_t* cursor) {
  std::string s(text);
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(s.c_str(), &end, 10);
  if (std::isspace(static_cast<unsigned char>(s.c_str()[0])) || end[0] != '\0' || errno == ERANGE) {
    ctx.reply().Error(errors::kInvalidCursor);
    return false;
  }
  *cursor = v;
  return true;
}

// ZSCAN key cursor [MATCH pattern] [COUNT count]
void ZScanCommand(CommandContext& ctx, ArgList args) {
  uint64_t cursor;
  if (!ParseScanCursor(ctx, args[2], &cursor)) return;
  ReplyWriter& w = ctx.reply();
  auto z = zset::FindRead(ctx.db(), args[1]);
  if (z.status() == OpStatus::kNotFound) {
    w.ArrayHeader(2);
    w.Bulk("0");
    return w.EmptyArray();
  }
  if (!z.ok()) return ReplyError(w, z.status());
  int64_t count = 10;
  std::string_view pattern;
  bool use_pattern = false;
  for (size_t i = 3; i < args.size(); i += 2) {
    bool has_value = i + 1 < args.size();
    if (EqualsIgnoreCase(args[i], "count") && has_value) {
      if (!ParseIntArg(ctx, args[i + 1], &count)) return;
      if (count < 1) return w.Error(errors::kSyntax);
    } else if (EqualsIgnoreCase(args[i], "match") && has_value) {
      pattern = args[i + 1];
      use_pattern = pattern != "*";
    } else {
      return w.Error(errors::kSyntax);
    }
  }
  std::vector<zset::ScanItem> items;
  cursor = zset::Scan(*z, cursor, count, &items);
  size_t kept = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    if (use_pattern && !storage::GlobMatch(pattern, items[i].member)) continue;
    if (kept != i) items[kept] = std::move(items[i]);
    ++kept;
  }
  w.ArrayHeader(2);
  w.Bulk(std::to_string(cursor));
  w.ArrayHeader(static_cast<int64_t>(2 * kept));
  for (size_t i = 0; i < kept; ++i) {
    w.Bulk(items[i].member);
    w.Bulk(items[i].score);
  }
}

constexpr uint32_t kZWrite = kAclWrite | kAclSortedSet;
constexpr uint32_t kZRead = kAclRead | kAclSortedSet;
constexpr KeySpec kOneKey{1, 1, 1};

}  // namespace

void RegisterZSetCommands(CommandTable& t) {
  t.Add({"zadd",
         -4,
         kCmdWrite | kCmdDenyOom | kCmdFast,
         kZWrite | kAclFast,
         kOneKey,
         ZAddCommand,
         {"Add one or more members to a sorted set, or update its score if it already exists",
          "1.2.0", "sorted-set",
          "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
          "key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...]"}});
  t.Add(
      {"zincrby",
       4,
       kCmdWrite | kCmdDenyOom | kCmdFast,
       kZWrite | kAclFast,
       kOneKey,
       ZIncrByCommand,
       {"Increment the score of a member in a sorted set", "1.2.0", "sorted-set",
        "O(log(N)) where N is the number of elements in the sorted set.", "key increment member"}});
  t.Add({"zrem",
         -3,
         kCmdWrite | kCmdFast,
         kZWrite | kAclFast,
         kOneKey,
         ZRemCommand,
         {"Remove one or more members from a sorted set", "1.2.0", "sorted-set",
          "O(M*log(N)) with N being the number of elements in the sorted set and M the number of "
          "elements to be removed.",
          "key member [member ...]"}});
  t.Add({"zscore",
         3,
         kCmdReadonly | kCmdFast,
         kZRead | kAclFast,
         kOneKey,
         ZScoreCommand,
         {"Get the score associated with the given member in a sorted set", "1.2.0", "sorted-set",
          "O(1)", "key member"}});
  t.Add({"zmscore",
         -3,
         kCmdReadonly | kCmdFast,
         kZRead | kAclFast,
         kOneKey,
         ZMScoreCommand,
         {"Get the score associated with the given members in a sorted set", "6.2.0", "sorted-set",
          "O(N) where N is the number of members being requested.", "key member [member ...]"}});
  t.Add({"zcard",
         2,
         kCmdReadonly | kCmdFast,
         kZRead | kAclFast,
         kOneKey,
         ZCardCommand,
         {"Get the number of members in a sorted set", "1.2.0", "sorted-set", "O(1)", "key"}});
  t.Add({"zcount",
         4,
         kCmdReadonly | kCmdFast,
         kZRead | kAclFast,
         kOneKey,
         ZCountCommand,
         {"Count the members in a sorted set with scores within the given values", "2.0.0",
          "sorted-set", "O(log(N)) with N being the number of elements in the sorted set.",
          "key min max"}});
  t.Add({"zlexcount",
         4,
         kCmdReadonly | kCmdFast,
         kZRead | kAclFast,
         kOneKey,
         ZLexCountCommand,
         {"Count the number of members in a sorted set between a given lexicographical range",
          "2.8.9", "sorted-set", "O(log(N)) with N being the number of elements in the sorted set.",
          "key min max"}});
  t.Add({"zrank",
         -3,
         kCmdReadonly | kCmdFast,
         kZRead | kAclFast,
         kOneKey,
         ZRankCommand,
         {"Determine the index of a member in a sorted set", "2.0.0", "sorted-set", "O(log(N))",
          "key member [WITHSCORE]"}});
  t.Add({"zrevrank",
         -3,
         kCmdReadonly | kCmdFast,
         kZRead | kAclFast,
         kOneKey,
         ZRevRankCommand,
         {"Determine the index of a member in a sorted set, with scores ordered from high to low",
          "2.0.0", "sorted-set", "O(log(N))", "key member [WITHSCORE]"}});
  t.Add({"zrange",
         -4,
         kCmdReadonly,
         kZRead | kAclSlow,
         kOneKey,
         ZRangeCommand,
         {"Return a range of members in a sorted set", "1.2.0", "sorted-set",
          "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
          "elements returned.",
          "key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES]"}});
  t.Add({"zrangestore",
         -5,
         kCmdWrite | kCmdDenyOom,
         kZWrite | kAclSlow,
         {1, 2, 1},
         ZRangeStoreCommand,
         {"Store a range of members from sorted set into another key", "6.2.0", "sorted-set",
          "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
          "elements stored into the destination key.",
          "dst src min max [BYSCORE | BYLEX] [REV] [LIMIT offset count]"}});
  t.Add({"zrangebyscore",
         -4,
         kCmdReadonly,
         kZRead | kAclSlow,
         kOneKey,
         ZRangeByScoreCommand,
         {"Return a range of members in a sorted set, by score", "1.0.5", "sorted-set",
          "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
          "elements being returned. If M is constant (e.g. always asking for the first 10 "
          "elements with LIMIT), you can consider it O(log(N)).",
          "key min max [WITHSCORES] [LIMIT offset count]"}});
  t.Add({"zrevrangebyscore",
         -4,
         kCmdReadonly,
         kZRead | kAclSlow,
         kOneKey,
         ZRevRangeByScoreCommand,
         {"Return a range of members in a sorted set, by score, with scores ordered from high to "
          "low",
          "2.2.0", "sorted-set",
          "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
          "elements being returned. If M is constant (e.g. always asking for the first 10 "
          "elements with LIMIT), you can consider it O(log(N)).",
          "key max min [WITHSCORES] [LIMIT offset count]"}});
  t.Add({"zrangebylex",
         -4,
         kCmdReadonly,
         kZRead | kAclSlow,
         kOneKey,
         ZRangeByLexCommand,
         {"Return a range of members in a sorted set, by lexicographical range", "2.8.9",
          "sorted-set",
          "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
          "elements being returned. If M is constant (e.g. always asking for the first 10 "
          "elements with LIMIT), you can consider it O(log(N)).",
          "key min max [LIMIT offset count]"}});
  t.Add({"zrevrangebylex",
         -4,
         kCmdReadonly,
         kZRead | kAclSlow,
         kOneKey,
         ZRevRangeByLexCommand,
         {"Return a range of members in a sorted set, by lexicographical range, ordered from "
          "higher to lower strings.",
          "2.8.9", "sorted-set",
          "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
          "elements being returned. If M is constant (e.g. always asking for the first 10 "
          "elements with LIMIT), you can consider it O(log(N)).",
          "key max min [LIMIT offset count]"}});
  t.Add({"zrevrange",
         -4,
         kCmdReadonly,
         kZRead | kAclSlow,
         kOneKey,
         ZRevRangeCommand,
         {"Return a range of members in a sorted set, by index, with scores ordered from high to "
          "low",
          "1.2.0", "sorted-set",
          "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
          "elements returned.",
          "key start stop [WITHSCORES]"}});
  t.Add({"zremrangebyrank",
         4,
         kCmdWrite,
         kZWrite | kAclSlow,
         kOneKey,
         ZRemRangeByRankCommand,
         {"Remove all members in a sorted set within the given indexes", "2.0.0", "sorted-set",
          "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
          "elements removed by the operation.",
          "key start stop"}});
  t.Add({"zremrangebyscore",
         4,
         kCmdWrite,
         kZWrite | kAclSlow,
         kOneKey,
         ZRemRangeByScoreCommand,
         {"Remove all members in a sorted set within the given scores", "1.2.0", "sorted-set",
          "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
          "elements removed by the operation.",
          "key min max"}});
  t.Add({"zremrangebylex",
         4,
         kCmdWrite,
         kZWrite | kAclSlow,
         kOneKey,
         ZRemRangeByLexCommand,
         {"Remove all members in a sorted set between the given lexicographical range", "2.8.9",
          "sorted-set",
          "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
          "elements removed by the operation.",
          "key min max"}});
  t.Add({"zpopmin",
         -2,
         kCmdWrite | kCmdFast,
         kZWrite | kAclFast,
         kOneKey,
         ZPopMinCommand,
         {"Remove and return members with the lowest scores in a sorted set", "5.0.0", "sorted-set",
          "O(log(N)*M) with N being the number of elements in the sorted set, and M being the "
          "number of elements popped.",
          "key [count]"}});
  t.Add(
      {"zpopmax",
       -2,
       kCmdWrite | kCmdFast,
       kZWrite | kAclFast,
       kOneKey,
       ZPopMaxCommand,
       {"Remove and return members with the highest scores in a sorted set", "5.0.0", "sorted-set",
        "O(log(N)*M) with N being the number of elements in the sorted set, and M being the "
        "number of elements popped.",
        "key [count]"}});
  t.Add({"bzpopmin",
         -3,
         kCmdWrite | kCmdNoscript | kCmdBlocking | kCmdFast,
         kZWrite | kAclFast | kAclBlocking,
         {1, -2, 1},
         BZPopMinCommand,
         {"Remove and return the member with the lowest score from one or more sorted sets, or "
          "block until one is available",
          "5.0.0", "sorted-set", "O(log(N)) with N being the number of elements in the sorted set.",
          "key [key ...] timeout"}});
  t.Add({"bzpopmax",
         -3,
         kCmdWrite | kCmdNoscript | kCmdBlocking | kCmdFast,
         kZWrite | kAclFast | kAclBlocking,
         {1, -2, 1},
         BZPopMaxCommand,
         {"Remove and return the member with the highest score from one or more sorted sets, or "
          "block until one is available",
          "5.0.0", "sorted-set", "O(log(N)) with N being the number of elements in the sorted set.",
          "key [key ...] timeout"}});
  t.Add({"zmpop",
         -4,
         kCmdWrite,
         kZWrite | kAclSlow,
         {0, 0, 0, 1},
         ZMPopCommand,
         {"Remove and return members with scores in a sorted set", "7.0.0", "sorted-set",
          "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of "
          "elements in the sorted set, and M being the number of elements popped.",
          "numkeys key [key ...] <MIN | MAX> [COUNT count]"}});
  t.Add({"bzmpop",
         -5,
         kCmdWrite | kCmdBlocking,
         kZWrite | kAclSlow | kAclBlocking,
         {0, 0, 0, 2},
         BZMPopCommand,
         {"Remove and return members with scores in a sorted set or block until one is available",
          "7.0.0", "sorted-set",
          "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of "
          "elements in the sorted set, and M being the number of elements popped.",
          "timeout numkeys key [key ...] <MIN | MAX> [COUNT count]"}});
  t.Add({"zunion",
         -3,
         kCmdReadonly,
         kZRead | kAclSlow,
         {0, 0, 0, 1},
         ZUnionCommand,
         {"Add multiple sorted sets", "6.2.0", "sorted-set",
          "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M "
          "being the number of elements in the resulting sorted set.",
          "numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM | MIN | MAX] "
          "[WITHSCORES]"}});
  t.Add({"zinter",
         -3,
         kCmdReadonly,
         kZRead | kAclSlow,
         {0, 0, 0, 1},
         ZInterCommand,
         {"Intersect multiple sorted sets", "6.2.0", "sorted-set",
          "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the "
          "number of input sorted sets and M being the number of elements in the resulting "
          "sorted set.",
          "numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM | MIN | MAX] "
          "[WITHSCORES]"}});
  t.Add({"zdiff",
         -3,
         kCmdReadonly,
         kZRead | kAclSlow,
         {0, 0, 0, 1},
         ZDiffCommand,
         {"Subtract multiple sorted sets", "6.2.0", "sorted-set",
          "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the "
          "sets, N is the size of the first set, and K is the size of the result set.",
          "numkeys key [key ...] [WITHSCORES]"}});
  t.Add({"zunionstore",
         -4,
         kCmdWrite | kCmdDenyOom,
         kZWrite | kAclSlow,
         {1, 1, 1, 2},
         ZUnionStoreCommand,
         {"Add multiple sorted sets and store the resulting sorted set in a new key", "2.0.0",
          "sorted-set",
          "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M "
          "being the number of elements in the resulting sorted set.",
          "destination numkeys key [key ...] [WEIGHTS weight [weight ...]] "
          "[AGGREGATE SUM | MIN | MAX]"}});
  t.Add({"zinterstore",
         -4,
         kCmdWrite | kCmdDenyOom,
         kZWrite | kAclSlow,
         {1, 1, 1, 2},
         ZInterStoreCommand,
         {"Intersect multiple sorted sets and store the resulting sorted set in a new key", "2.0.0",
          "sorted-set",
          "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the "
          "number of input sorted sets and M being the number of elements in the resulting "
          "sorted set.",
          "destination numkeys key [key ...] [WEIGHTS weight [weight ...]] "
          "[AGGREGATE SUM | MIN | MAX]"}});
  t.Add({"zdiffstore",
         -4,
         kCmdWrite | kCmdDenyOom,
         kZWrite | kAclSlow,
         {1, 1, 1, 2},
         ZDiffStoreCommand,
         {"Subtract multiple sorted sets and store the resulting sorted set in a new key", "6.2.0",
          "sorted-set",
          "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the "
          "sets, N is the size of the first set, and K is the size of the result set.",
          "destination numkeys key [key ...]"}});
  t.Add({"zintercard",
         -3,
         kCmdReadonly,
         kZRead | kAclSlow,
         {0, 0, 0, 1},
         ZInterCardCommand,
         {"Intersect multiple sorted sets and return the cardinality of the result", "7.0.0",
          "sorted-set",
          "O(N*K) worst case with N being the smallest input sorted set, K being the number of "
          "input sorted sets.",
          "numkeys key [key ...] [LIMIT limit]"}});
  t.Add({"zrandmember",
         -2,
         kCmdReadonly,
         kZRead | kAclSlow,
         kOneKey,
         ZRandMemberCommand,
         {"Get one or multiple random elements from a sorted set", "6.2.0", "sorted-set",
          "O(N) where N is the number of elements returned", "key [count [WITHSCORES]]"}});
  t.Add({"zscan",
         -3,
         kCmdReadonly,
         kZRead | kAclSlow,
         kOneKey,
         ZScanCommand,
         {"Incrementally iterate sorted sets elements and associated scores", "2.8.0", "sorted-set",
          "O(1) for every call. O(N) for a complete iteration, including enough command calls "
          "for the cursor to return back to 0. N is the number of elements inside the "
          "collection..",
          "key cursor [MATCH pattern] [COUNT count]"}});
}

}  // namespace ember::server
