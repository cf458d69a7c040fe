#include "storage/zset_listpack.h"

#include <cmath>
#include <cstdlib>
#include <cstring>

#include "storage/numbers.h"

namespace ember::storage::zset_lp {

namespace {

// Redis's double2ll: an integral score within +-2^62 becomes an integer.
bool ScoreAsInteger(double d, int64_t* out) {
  constexpr double kLimit = static_cast<double>(INT64_MAX / 2);
  if (d < -kLimit || d > kLimit) return false;
  auto ll = static_cast<int64_t>(d);
  if (static_cast<double>(ll) != d) return false;
  *out = ll;
  return true;
}

// The text a score is stored as (listpack encodes integer text as an
// integer element).
std::string_view ScoreText(double score, char* buf) {
  int64_t ll;
  if (ScoreAsInteger(score, &ll)) return {buf, Int64ToChars(ll, buf)};
  return {buf, FormatScore(score, buf)};
}

// zzlCompareElements: the element's text against a member.
int CompareElement(const uint8_t* eptr, std::string_view member) {
  char scratch[24];
  return CompareMembers(MemberAt(eptr, scratch), member);
}

uint8_t* InsertBefore(uint8_t* lp, const uint8_t* eptr, std::string_view member, double score) {
  char buf[40];
  std::string_view text = ScoreText(score, buf);
  if (eptr == nullptr) {
    lp = listpack::Append(lp, member);
    return listpack::Append(lp, text);
  }
  const uint8_t* p = eptr;
  lp = listpack::Insert(lp, &p, member, /*after=*/false);
  return listpack::Insert(lp, &p, text, /*after=*/true);
}

bool LexGteMin(const uint8_t* eptr, const LexRange& r) {
  char scratch[24];
  return r.GteMin(MemberAt(eptr, scratch));
}
bool LexLteMax(const uint8_t* eptr, const LexRange& r) {
  char scratch[24];
  return r.LteMax(MemberAt(eptr, scratch));
}

}  // namespace

double ScoreAt(const uint8_t* sptr) {
  listpack::Value v = listpack::Get(sptr);
  if (v.is_int) return static_cast<double>(v.integer);
  // Stored text is always "%.17g" or inf/-inf: strtod reads it back exactly.
  char buf[64];
  size_t n = v.str.size() < sizeof(buf) - 1 ? v.str.size() : sizeof(buf) - 1;
  std::memcpy(buf, v.str.data(), n);
  buf[n] = '\0';
  return std::strtod(buf, nullptr);
}

const uint8_t* Find(const uint8_t* lp, std::string_view member, double* score) {
  const uint8_t* e = listpack::First(lp);
  while (e != nullptr) {
    const uint8_t* s = listpack::Next(lp, e);
    if (listpack::Get(e).Equals(member)) {
      if (score != nullptr) *score = ScoreAt(s);
      return e;
    }
    e = listpack::Next(lp, s);
  }
  return nullptr;
}

uint8_t* Insert(uint8_t* lp, std::string_view member, double score) {
  const uint8_t* e = listpack::First(lp);
  while (e != nullptr) {
    const uint8_t* s = listpack::Next(lp, e);
    double es = ScoreAt(s);
    if (es > score || (es == score && CompareElement(e, member) > 0)) break;
    e = listpack::Next(lp, s);
  }
  return InsertBefore(lp, e, member, score);
}

uint8_t* Append(uint8_t* lp, std::string_view member, double score) {
  return InsertBefore(lp, nullptr, member, score);
}

uint8_t* Delete(uint8_t* lp, const uint8_t* eptr) { return listpack::DeleteRange(lp, &eptr, 2); }

uint32_t RankOf(const uint8_t* lp, const uint8_t* eptr) {
  uint32_t rank = 0;
  for (const uint8_t* e = listpack::First(lp); e != eptr; e = NextMember(lp, e)) ++rank;
  return rank;
}

const uint8_t* FirstInRange(const uint8_t* lp, const ScoreRange& r) {
  if (r.Empty()) return nullptr;
  const uint8_t* last = listpack::Last(lp);
  if (last == nullptr || !r.GteMin(ScoreAt(last))) return nullptr;
  if (!r.LteMax(ScoreAt(listpack::Seek(lp, 1)))) return nullptr;
  for (const uint8_t* e = listpack::First(lp); e != nullptr; e = NextMember(lp, e)) {
    double s = ScoreAt(ScoreOf(lp, e));
    if (r.GteMin(s)) return r.LteMax(s) ? e : nullptr;
  }
  return nullptr;
}

const uint8_t* LastInRange(const uint8_t* lp, const ScoreRange& r) {
  if (r.Empty()) return nullptr;
  const uint8_t* last = listpack::Last(lp);
  if (last == nullptr || !r.GteMin(ScoreAt(last))) return nullptr;
  if (!r.LteMax(ScoreAt(listpack::Seek(lp, 1)))) return nullptr;
  for (const uint8_t* e = listpack::Prev(lp, last); e != nullptr; e = PrevMember(lp, e)) {
    double s = ScoreAt(ScoreOf(lp, e));
    if (r.LteMax(s)) return r.GteMin(s) ? e : nullptr;
  }
  return nullptr;
}

const uint8_t* FirstInLexRange(const uint8_t* lp, const LexRange& r) {
  if (r.Empty()) return nullptr;
  const uint8_t* last = listpack::Seek(lp, -2);
  if (last == nullptr || !LexGteMin(last, r)) return nullptr;
  if (!LexLteMax(listpack::First(lp), r)) return nullptr;
  for (const uint8_t* e = listpack::First(lp); e != nullptr; e = NextMember(lp, e)) {
    if (LexGteMin(e, r)) return LexLteMax(e, r) ? e : nullptr;
  }
  return nullptr;
}

const uint8_t* LastInLexRange(const uint8_t* lp, const LexRange& r) {
  if (r.Empty()) return nullptr;
  const uint8_t* last = listpack::Seek(lp, -2);
  if (last == nullptr || !LexGteMin(last, r)) return nullptr;
  if (!LexLteMax(listpack::First(lp), r)) return nullptr;
  for (const uint8_t* e = last; e != nullptr; e = PrevMember(lp, e)) {
    if (LexLteMax(e, r)) return LexGteMin(e, r) ? e : nullptr;
  }
  return nullptr;
}

uint8_t* DeleteRangeByScore(uint8_t* lp, const ScoreRange& r, size_t* removed) {
  *removed = 0;
  const uint8_t* e = FirstInRange(lp, r);
  if (e == nullptr) return lp;
  // Count the run in range, then cut it out in one move.
  uint32_t n = 0;
  for (const uint8_t* p = e; p != nullptr && r.LteMax(ScoreAt(ScoreOf(lp, p)));
       p = NextMember(lp, p)) {
    ++n;
  }
  *removed = n;
  return listpack::DeleteRange(lp, &e, 2 * n);
}

uint8_t* DeleteRangeByLex(uint8_t* lp, const LexRange& r, size_t* removed) {
  *removed = 0;
  const uint8_t* e = FirstInLexRange(lp, r);
  if (e == nullptr) return lp;
  uint32_t n = 0;
  for (const uint8_t* p = e; p != nullptr && LexLteMax(p, r); p = NextMember(lp, p)) ++n;
  *removed = n;
  return listpack::DeleteRange(lp, &e, 2 * n);
}

uint8_t* DeleteRangeByRank(uint8_t* lp, int64_t start, int64_t end, size_t* removed) {
  *removed = static_cast<size_t>(end - start + 1);
  return listpack::DeleteRangeAt(lp, 2 * start, static_cast<uint32_t>(2 * (end - start + 1)));
}

ZSkiplist* ToSkiplist(const uint8_t* lp) {
  auto* zsl = new ZSkiplist();
  char scratch[24];
  for (const uint8_t* e = listpack::First(lp); e != nullptr; e = NextMember(lp, e)) {
    zsl->Insert(ScoreAt(ScoreOf(lp, e)), MemberAt(e, scratch));
  }
  return zsl;
}

uint8_t* FromSkiplist(const ZSkiplist& zsl) {
  uint8_t* lp = listpack::New();
  for (const ZNode* n = zsl.First(); n != nullptr; n = ZSkiplist::Next(n)) {
    lp = Append(lp, n->member(), n->score());
  }
  return lp;
}

}  // namespace ember::storage::zset_lp
