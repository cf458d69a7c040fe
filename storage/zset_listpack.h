// The compact encoding of small sorted sets: one listpack (listpack.h) of
// alternating members and scores, kept sorted by score, then member:
//
//   [member][score][member][score] ...     e.g. "a" 1 "c" 1 "b" 2.5
//
// Until a sorted set has more than zset-max-listpack-entries (128) members
// or a member longer than zset-max-listpack-value (64) bytes, scanning a
// few hundred bytes is faster than any pointer structure and costs a couple
// of bytes per element instead of ~70. Every operation is O(n) here, which
// is the point of the bound.
//
// Scores are stored as Redis 7.0 stores them, so the bytes are identical
// (an RDB file can carry them as is): a score that is an integer within
// +-2^62 as an integer element, any other as its "%.17g" text ("1.5",
// "inf"). A consequence Redis shares: -0 is stored as the integer 0.
//
// Positions are pointers to a member element (its score follows); like all
// listpack positions they are invalidated by any change to the buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "storage/listpack.h"
#include "storage/zset.h"

namespace ember::storage::zset_lp {

// Number of members.
inline uint32_t Length(const uint8_t* lp) { return listpack::Length(lp) / 2; }

// The score element after a member element.
inline const uint8_t* ScoreOf(const uint8_t* lp, const uint8_t* eptr) {
  return listpack::Next(lp, eptr);
}
double ScoreAt(const uint8_t* sptr);
// The member at eptr as text (integers formatted into scratch, >= 21 bytes).
inline std::string_view MemberAt(const uint8_t* eptr, char* scratch) {
  return listpack::Get(eptr).View(scratch);
}

// The member's element, or nullptr; its score in *score if found.
const uint8_t* Find(const uint8_t* lp, std::string_view member, double* score);

// Inserts a member (not present) at its place in the order.
uint8_t* Insert(uint8_t* lp, std::string_view member, double score);
// Appends a member known to sort after every present one (conversions).
uint8_t* Append(uint8_t* lp, std::string_view member, double score);
// Deletes the member at eptr and its score.
uint8_t* Delete(uint8_t* lp, const uint8_t* eptr);

// 0-based rank of the member at eptr.
uint32_t RankOf(const uint8_t* lp, const uint8_t* eptr);
// The member element at 0-based rank, or nullptr.
inline const uint8_t* AtRank(const uint8_t* lp, int64_t rank) {
  return listpack::Seek(lp, 2 * rank);
}
// Next/previous member element, or nullptr.
inline const uint8_t* NextMember(const uint8_t* lp, const uint8_t* eptr) {
  const uint8_t* s = listpack::Next(lp, eptr);
  return listpack::Next(lp, s);
}
inline const uint8_t* PrevMember(const uint8_t* lp, const uint8_t* eptr) {
  const uint8_t* s = listpack::Prev(lp, eptr);
  return s == nullptr ? nullptr : listpack::Prev(lp, s);
}

// First/last member in range, found by a linear walk exactly as Redis's
// zzlFirstInRange & co. (the lex walks stay exact even if scores differ).
const uint8_t* FirstInRange(const uint8_t* lp, const ScoreRange& r);
const uint8_t* LastInRange(const uint8_t* lp, const ScoreRange& r);
const uint8_t* FirstInLexRange(const uint8_t* lp, const LexRange& r);
const uint8_t* LastInLexRange(const uint8_t* lp, const LexRange& r);

// Range deletions; *removed gets the number of members deleted.
uint8_t* DeleteRangeByScore(uint8_t* lp, const ScoreRange& r, size_t* removed);
uint8_t* DeleteRangeByLex(uint8_t* lp, const LexRange& r, size_t* removed);
// 0-based inclusive ranks, already clamped to the set.
uint8_t* DeleteRangeByRank(uint8_t* lp, int64_t start, int64_t end, size_t* removed);

// Conversions between the encodings. Neither frees its input.
ZSkiplist* ToSkiplist(const uint8_t* lp);
uint8_t* FromSkiplist(const ZSkiplist& zsl);

}  // namespace ember::storage::zset_lp
