// The data logic of Redis's set commands (t_set.c).
//
// A set key always holds at least one member: removing (or popping) the
// last one deletes the key. A missing key behaves as an empty set
// everywhere: SISMEMBER says 0, SINTER with it is empty, SUNION ignores it.
//
// Computed sets (SINTER, SUNION, SDIFF and their STORE forms) are built the
// way Redis builds them, starting from an empty intset and adding members
// one by one, so that the stored result gets the encoding Redis would give
// it, and SUNION/SDIFF list an all-integer result in ascending order.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.h"
#include "storage/op_result.h"
#include "storage/set_object.h"

namespace ember::storage::set {

using Value = SetObject::Value;

// The set at `key`, for a command that reads: kNotFound, kWrongType, or the
// set (valid until the database changes).
OpResult<SetObject> Find(Database& db, std::string_view key);

// SADD: how many members were new. Creates the key if needed.
OpResult<int64_t> Add(Database& db, std::string_view key,
                      std::span<const std::string_view> members);

// SREM: how many members were removed (0 for a missing key).
OpResult<int64_t> Remove(Database& db, std::string_view key,
                         std::span<const std::string_view> members);

// SMOVE. kNotFound if `src` is missing (checked before any type).
struct MoveResult {
  bool moved = false;  // the reply: 1 or 0
  bool source_changed = false;
  bool destination_changed = false;
};
OpResult<MoveResult> Move(Database& db, std::string_view src, std::string_view dst,
                          std::string_view member);

// SPOP key: one random member, removed. kNotFound if the key is missing.
OpResult<std::string> Pop(Database& db, std::string_view key);

// SPOP key count (count > 0): min(count, size) distinct random members,
// removed. kNotFound if the key is missing. As Redis: the whole set when
// count >= size; single random removals when few are taken; otherwise the
// members to keep are drawn into a new set and the rest is returned.
OpResult<std::vector<std::string>> PopCount(Database& db, std::string_view key, uint64_t count);

// SRANDMEMBER key count, with Redis's choice of method by count:
//   count < 0:      |count| members picked independently (repeats allowed);
//   count >= size:  the whole set, in its iteration order;
//   otherwise:      `count` distinct members.
// header(n) is called once with how many members follow, then fn(member)
// for each. Nothing is called for count == 0. REQUIRES: s.size() > 0.
void RandomMembers(SetObject s, int64_t count, std::mt19937_64& rng,
                   const std::function<void(int64_t)>& header,
                   const std::function<void(const Value&)>& fn);

enum class SetOp { kInter, kUnion, kDiff };

// SINTER/SUNION/SDIFF key [key ...] (and SMEMBERS, an intersection of one
// set): kWrongType if any key holds another type, else the members.
OpResult<std::vector<std::string>> Combine(Database& db, std::span<const std::string_view> keys,
                                           SetOp op);

// SINTERSTORE/SUNIONSTORE/SDIFFSTORE: stores the result at `dst` (replacing
// whatever it held, TTL included) or deletes `dst` when the result is
// empty. Returns the result's size; *dst_changed tells whether `dst` was
// written or deleted.
OpResult<int64_t> CombineStore(Database& db, std::string_view dst,
                               std::span<const std::string_view> keys, SetOp op, bool* dst_changed);

// SINTERCARD: the size of the intersection, counting stopped at `limit`
// (0: no limit).
OpResult<int64_t> InterCard(Database& db, std::span<const std::string_view> keys, uint64_t limit);

// One SSCAN step (see hash::Scan): members of the visited buckets matching
// `pattern` if given; intsets and listpacks whole, with cursor 0.
struct ScanPage {
  uint64_t cursor = 0;
  std::vector<std::string> items;
};
ScanPage Scan(SetObject s, uint64_t cursor, int64_t count, std::optional<std::string_view> pattern);

}  // namespace ember::storage::set
