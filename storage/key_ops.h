// The data logic of Redis's generic key commands (db.c, expire.c): renaming,
// copying and moving keys between databases, and setting deadlines.
#pragma once

#include <cstdint>
#include <string_view>

#include "storage/database.h"
#include "storage/op_result.h"

namespace ember::storage {

// RENAME / RENAMENX. kNotFound if `from` is missing; with nx, kSkipped if
// `to` exists. The value moves with its deadline; an existing `to` is
// replaced.
OpStatus Rename(Database& db, std::string_view from, std::string_view to, bool nx);

// COPY: a deep copy of `from` (with its deadline) to `to` in `dst`. kNotFound
// if `from` is missing, kSkipped if `to` exists and !replace.
OpStatus Copy(Database& src, std::string_view from, Database& dst, std::string_view to,
              bool replace);

// MOVE: kNotFound if missing here, kSkipped if present in `dst`.
OpStatus Move(Database& src, std::string_view key, Database& dst);

// EXPIRE's conditions (Redis 7): NX only if no deadline, XX only if one, GT
// only if later than the current one (no deadline counts as infinite), LT
// only if earlier.
enum ExpireCondition : int {
  kExpireAlways = 0,
  kExpireNx = 1,
  kExpireXx = 2,
  kExpireGt = 4,
  kExpireLt = 8,
};

enum class ExpireOutcome {
  kNoKey,      // reply 0
  kSkipped,    // a condition said no: reply 0
  kSet,        // deadline set: reply 1
  kDeleted,    // deadline already past: the key was deleted, reply 1
};

// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT with an absolute deadline in ms.
ExpireOutcome Expire(Database& db, std::string_view key, int64_t when_ms, int conditions);

// Converts an expire argument to an absolute deadline in ms, as Redis's
// getExpireMillisecondsOrReply: the value must be positive, seconds are
// multiplied by 1000 and relative times added to `now_ms`, all without
// overflow. False if the time is invalid.
bool ExpireArgToDeadline(int64_t value, bool in_seconds, bool relative, int64_t now_ms,
                         int64_t* deadline_ms);

// TTL/PTTL/EXPIRETIME/PEXPIRETIME: -2 missing, -1 no deadline, else the
// remaining ms (relative) or the deadline (absolute).
int64_t TimeToLive(Database& db, std::string_view key, bool absolute);

}  // namespace ember::storage
