// The data logic of Redis's list commands (t_list.c).
//
// A list key always holds at least one element: popping or removing the
// last one deletes the key, and pushing onto a missing key creates it.
// That invariant is what makes "the key exists" mean "the list is not
// empty", which blocked clients rely on.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.h"
#include "storage/listpack.h"
#include "storage/op_result.h"
#include "storage/quicklist.h"

namespace ember::storage::list {

// The list at `key`: kNotFound, kWrongType, or the list.
OpResult<Quicklist*> Find(Database& db, std::string_view key);

// LPUSH/RPUSH (head = LPUSH); with `only_if_exists`, LPUSHX/RPUSHX. Returns
// the new length (0 if nothing was done for a missing key with *X).
OpResult<int64_t> Push(Database& db, std::string_view key, std::span<const std::string_view> values,
                       bool head, bool only_if_exists);

// LPOP/RPOP: up to `count` elements from one end; kNotFound if missing.
OpResult<std::vector<std::string>> Pop(Database& db, std::string_view key, bool head,
                                       int64_t count);

OpResult<int64_t> Length(Database& db, std::string_view key);

// LINDEX: kNotFound for a missing key or an index out of range.
OpResult<std::string> Index(Database& db, std::string_view key, int64_t index);

// LSET: kNotFound (no such key), kOutOfRange.
OpStatus Set(Database& db, std::string_view key, int64_t index, std::string_view value);

// LRANGE with Redis's index rules; calls fn(listpack::Value) per element
// after telling `count_fn` how many there will be.
template <typename CountFn, typename Fn>
OpStatus Range(Database& db, std::string_view key, int64_t start, int64_t end, CountFn count_fn,
               Fn fn);

// LINSERT: the new length, -1 if the pivot is not found, 0 if no key.
OpResult<int64_t> Insert(Database& db, std::string_view key, bool after, std::string_view pivot,
                         std::string_view value);

// LREM: removes up to |count| elements equal to `value` (from the head if
// count > 0, the tail if < 0, all if 0); returns how many.
OpResult<int64_t> Remove(Database& db, std::string_view key, int64_t count, std::string_view value);

// LTRIM: keeps [start, end].
OpStatus Trim(Database& db, std::string_view key, int64_t start, int64_t end);

// LPOS: positions of `element`; rank counts matches (negative: from the
// tail), count 0 means all, maxlen 0 means no limit.
OpResult<std::vector<int64_t>> Pos(Database& db, std::string_view key, std::string_view element,
                                   int64_t rank, int64_t count, int64_t maxlen);

// LMOVE/RPOPLPUSH: pops from `src` (head if from_head), pushes to `dst`.
// kNotFound if src is missing; kWrongType if either key has another type.
OpResult<std::string> Move(Database& db, std::string_view src, std::string_view dst, bool from_head,
                           bool to_head);

// --- implementation of the template ---

template <typename CountFn, typename Fn>
OpStatus Range(Database& db, std::string_view key, int64_t start, int64_t end, CountFn count_fn,
               Fn fn) {
  auto found = Find(db, key);
  if (!found.ok()) return found.status();
  Quicklist* ql = *found;
  int64_t len = static_cast<int64_t>(ql->size());
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (start > end || start >= len) {
    count_fn(0);
    return OpStatus::kOk;
  }
  if (end >= len) end = len - 1;
  int64_t n = end - start + 1;
  count_fn(n);
  Quicklist::Iter it = ql->At(start);
  for (int64_t i = 0; i < n; ++i) {
    fn(Quicklist::Get(it));
    ql->Next(&it);
  }
  return OpStatus::kOk;
}

}  // namespace ember::storage::list
