#include "storage/zset.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <unordered_map>

#include "storage/alloc.h"
#include "storage/entry.h"
#include "storage/hash.h"

namespace ember::storage {

namespace {

// One bound of a score range. Redis hands the argument to strtod as a C
// string, so leading spaces, hex floats and "" (which parses as 0) are all
// accepted, and parsing stops at an embedded NUL; copying the bytes into a
// NUL-terminated buffer reproduces all of that.
bool ParseScoreBound(std::string_view arg, double* value, bool* exclusive) {
  std::string buf(arg);
  const char* p = buf.c_str();
  *exclusive = false;
  if (p[0] == '(') {
    ++p;
    *exclusive = true;
  }
  char* end = nullptr;
  *value = std::strtod(p, &end);
  return end[0] == '\0' && !std::isnan(*value);
}

// As Redis reads the item, as a C string: "+" and "-" must stand alone.
bool ParseLexBound(std::string_view arg, LexBound* out) {
  char first = arg.empty() ? '\0' : arg[0];
  char second = arg.size() < 2 ? '\0' : arg[1];
  switch (first) {
    case '+':
      if (second != '\0') return false;
      out->kind = LexBound::kPlusInf;
      out->exclusive = true;
      return true;
    case '-':
      if (second != '\0') return false;
      out->kind = LexBound::kMinusInf;
      out->exclusive = true;
      return true;
    case '(':
    case '[':
      out->kind = LexBound::kValue;
      out->exclusive = first == '(';
      out->value.assign(arg.substr(1));
      return true;
    default:
      return false;
  }
}

// sdscmplex: a string against a bound, with "-" below and "+" above all.
int CompareToBound(std::string_view v, const LexBound& b) {
  if (b.kind == LexBound::kMinusInf) return 1;
  if (b.kind == LexBound::kPlusInf) return -1;
  return CompareMembers(v, b.value);
}

uint64_t NextSeed() {
  thread_local std::mt19937_64 source{std::random_device{}()};
  uint64_t s = source();
  return s != 0 ? s : 1;  // xorshift needs a non-zero state
}

}  // namespace

size_t FormatScore(double score, char* buf) {
  if (std::isinf(score)) {
    std::memcpy(buf, score > 0 ? "inf" : "-inf", score > 0 ? 3 : 4);
    return score > 0 ? 3 : 4;
  }
  return static_cast<size_t>(std::snprintf(buf, 32, "%.17g", score));
}

bool ParseScoreRange(std::string_view min, std::string_view max, ScoreRange* out) {
  return ParseScoreBound(min, &out->min, &out->minex) &&
         ParseScoreBound(max, &out->max, &out->maxex);
}

bool ParseLexRange(std::string_view min, std::string_view max, LexRange* out) {
  return ParseLexBound(min, &out->min) && ParseLexBound(max, &out->max);
}

bool LexRange::GteMin(std::string_view v) const {
  int c = CompareToBound(v, min);
  return min.exclusive ? c > 0 : c >= 0;
}

bool LexRange::LteMax(std::string_view v) const {
  int c = CompareToBound(v, max);
  return max.exclusive ? c < 0 : c <= 0;
}

bool LexRange::Empty() const {
  int c;
  if (min.kind != LexBound::kValue && min.kind == max.kind) {
    c = 0;  // "-" against "-", "+" against "+"
  } else if (min.kind == LexBound::kMinusInf || max.kind == LexBound::kPlusInf) {
    c = -1;
  } else if (min.kind == LexBound::kPlusInf || max.kind == LexBound::kMinusInf) {
    c = 1;
  } else {
    c = CompareMembers(min.value, max.value);
  }
  return c > 0 || (c == 0 && (min.exclusive || max.exclusive));
}

// --- ZNode ---

size_t ZNode::AllocSize(int level, size_t member_len) {
  size_t body = kMemberOffset + Entry::VarintSize(static_cast<uint32_t>(member_len)) + member_len;
  if (body < sizeof(ZNode)) body = sizeof(ZNode);
  return LinksSize(level) + body;
}

ZNode* ZNode::Create(int level, double score, std::string_view member) {
  char* base = static_cast<char*>(CheckedMalloc(AllocSize(level, member.size())));
  auto* n = reinterpret_cast<ZNode*>(base + LinksSize(level));
  n->next_ = nullptr;
  n->score_ = score;
  n->backward_ = nullptr;
  n->level_ = static_cast<uint8_t>(level);
  unsigned char* p = reinterpret_cast<unsigned char*>(n) + kMemberOffset;
  Entry::WriteVarint(&p, static_cast<uint32_t>(member.size()));
  if (!member.empty()) std::memcpy(p, member.data(), member.size());
  for (int i = 0; i < level; ++i) {
    n->set_forward(i, nullptr);
    n->set_span(i, 0);
  }
  return n;
}

void ZNode::Destroy(ZNode* node) {
  std::free(reinterpret_cast<char*>(node) - LinksSize(node->level_));
}

uint32_t ZNode::ReadLen(const unsigned char** p) { return Entry::ReadVarint(p); }

// --- ZSkiplist ---

namespace {

// Orders a node before (score, member)?
bool Before(const ZNode* n, double score, std::string_view member) {
  return n->score() < score || (n->score() == score && CompareMembers(n->member(), member) < 0);
}

}  // namespace

ZSkiplist::ZSkiplist() : ZSkiplist(NextSeed()) {}

ZSkiplist::ZSkiplist(uint64_t seed)
    : header_(ZNode::Create(kMaxLevel, 0, {})), rng_state_(seed != 0 ? seed : 1) {}

ZSkiplist::~ZSkiplist() {
  ZNode* n = header_->forward(0);
  while (n != nullptr) {
    ZNode* next = n->forward(0);
    ZNode::Destroy(n);
    n = next;
  }
  ZNode::Destroy(header_);
}

ZSkiplist* ZSkiplist::Copy() const {
  auto* copy = new ZSkiplist();
  // From the greatest down: each insertion lands right after the header.
  for (const ZNode* n = tail_; n != nullptr; n = n->backward())
    copy->Insert(n->score(), n->member());
  return copy;
}

int ZSkiplist::RandomLevel() {
  // xorshift64*: 32 pairs of bits, each pair "00" with probability 1/4.
  uint64_t x = rng_state_;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  rng_state_ = x;
  uint64_t r = x * 0x2545F4914F6CDD1DULL;
  int level = 1;
  while (level < kMaxLevel && (r & 3) == 0) {
    ++level;
    r >>= 2;
  }
  return level;
}

ZNode* ZSkiplist::Find(std::string_view member) const { return dict_.Find(member); }

ZNode* ZSkiplist::Insert(double score, std::string_view member) {
  ZNode* x = ZNode::Create(RandomLevel(), score, member);
  Link(x);
  dict_.InsertNew(x, Hash(member));
  return x;
}

void ZSkiplist::Link(ZNode* x) {
  ZNode* update[kMaxLevel];
  uint64_t rank[kMaxLevel];
  double score = x->score();
  std::string_view member = x->member();
  ZNode* p = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    // The rank of p, counted on the way down.
    rank[i] = i == level_ - 1 ? 0 : rank[i + 1];
    for (ZNode* f = p->forward(i); f != nullptr && Before(f, score, member); f = p->forward(i)) {
      rank[i] += p->span(i);
      p = f;
    }
    update[i] = p;
  }
  int level = x->level();
  if (level > level_) {
    // New lanes start at the header and, until x, jump over everything.
    for (int i = level_; i < level; ++i) {
      rank[i] = 0;
      update[i] = header_;
      header_->set_span(i, length_);
    }
    level_ = level;
  }
  for (int i = 0; i < level; ++i) {
    x->set_forward(i, update[i]->forward(i));
    update[i]->set_forward(i, x);
    // update[i]'s old link is split in two at x.
    x->set_span(i, update[i]->span(i) - (rank[0] - rank[i]));
    update[i]->set_span(i, (rank[0] - rank[i]) + 1);
  }
  // Links above x's level now jump over one more element.
  for (int i = level; i < level_; ++i) update[i]->set_span(i, update[i]->span(i) + 1);
  x->backward_ = update[0] == header_ ? nullptr : update[0];
  if (ZNode* f = x->forward(0)) {
    f->backward_ = x;
  } else {
    tail_ = x;
  }
  ++length_;
}

void ZSkiplist::FindPredecessors(double score, std::string_view member, ZNode** update) const {
  ZNode* p = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    for (ZNode* f = p->forward(i); f != nullptr && Before(f, score, member); f = p->forward(i)) {
      p = f;
    }
    update[i] = p;
  }
}

void ZSkiplist::Unlink(ZNode* x, ZNode** update) {
  for (int i = 0; i < level_; ++i) {
    if (update[i]->forward(i) == x) {
      update[i]->set_span(i, update[i]->span(i) + x->span(i) - 1);
      update[i]->set_forward(i, x->forward(i));
    } else {
      update[i]->set_span(i, update[i]->span(i) - 1);
    }
  }
  if (ZNode* f = x->forward(0)) {
    f->backward_ = x->backward_;
  } else {
    tail_ = x->backward_;
  }
  while (level_ > 1 && header_->forward(level_ - 1) == nullptr) --level_;
  --length_;
}

void ZSkiplist::DropNode(ZNode* x) {
  std::string_view member = x->member();
  dict_.Remove(member, Hash(member));
  ZNode::Destroy(x);
}

bool ZSkiplist::Erase(std::string_view member) {
  ZNode* x = dict_.Remove(member, Hash(member));
  if (x == nullptr) return false;
  ZNode* update[kMaxLevel];
  FindPredecessors(x->score(), x->member(), update);
  Unlink(x, update);
  ZNode::Destroy(x);
  return true;
}

void ZSkiplist::UpdateScore(ZNode* x, double score) {
  // Still between its neighbours: just change the score.
  ZNode* back = x->backward();
  ZNode* fwd = x->forward(0);
  if ((back == nullptr || back->score() < score) && (fwd == nullptr || fwd->score() > score)) {
    x->score_ = score;
    return;
  }
  // Otherwise take the node out and link it back where it now belongs. It
  // keeps its level (and stays in the hash table: it is the same node).
  ZNode* update[kMaxLevel];
  FindPredecessors(x->score(), x->member(), update);
  Unlink(x, update);
  x->score_ = score;
  Link(x);
}

uint64_t ZSkiplist::Rank(const ZNode* node) const {
  double score = node->score();
  std::string_view member = node->member();
  uint64_t rank = 0;
  const ZNode* p = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    for (ZNode* f = p->forward(i);
         f != nullptr &&
         (f->score() < score || (f->score() == score && CompareMembers(f->member(), member) <= 0));
         f = p->forward(i)) {
      rank += p->span(i);
      p = f;
    }
    if (p == node) return rank - 1;
  }
  return 0;  // not reached for a node of this list
}

ZNode* ZSkiplist::AtRank(uint64_t rank) const {
  uint64_t target = rank + 1;  // the header is rank 0
  uint64_t traversed = 0;
  ZNode* p = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    for (ZNode* f = p->forward(i); f != nullptr && traversed + p->span(i) <= target;
         f = p->forward(i)) {
      traversed += p->span(i);
      p = f;
    }
    if (traversed == target) return p;
  }
  return nullptr;
}

ZNode* ZSkiplist::FirstInRange(const ScoreRange& r) const {
  if (r.Empty() || tail_ == nullptr || !r.GteMin(tail_->score()) || !r.LteMax(First()->score())) {
    return nullptr;
  }
  ZNode* p = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    for (ZNode* f = p->forward(i); f != nullptr && !r.GteMin(f->score()); f = p->forward(i)) p = f;
  }
  p = p->forward(0);
  return r.LteMax(p->score()) ? p : nullptr;
}

ZNode* ZSkiplist::LastInRange(const ScoreRange& r) const {
  if (r.Empty() || tail_ == nullptr || !r.GteMin(tail_->score()) || !r.LteMax(First()->score())) {
    return nullptr;
  }
  ZNode* p = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    for (ZNode* f = p->forward(i); f != nullptr && r.LteMax(f->score()); f = p->forward(i)) p = f;
  }
  return r.GteMin(p->score()) ? p : nullptr;
}

ZNode* ZSkiplist::FirstInLexRange(const LexRange& r) const {
  if (r.Empty() || tail_ == nullptr || !r.GteMin(tail_->member()) || !r.LteMax(First()->member())) {
    return nullptr;
  }
  ZNode* p = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    for (ZNode* f = p->forward(i); f != nullptr && !r.GteMin(f->member()); f = p->forward(i)) {
      p = f;
    }
  }
  p = p->forward(0);
  return r.LteMax(p->member()) ? p : nullptr;
}

ZNode* ZSkiplist::LastInLexRange(const LexRange& r) const {
  if (r.Empty() || tail_ == nullptr || !r.GteMin(tail_->member()) || !r.LteMax(First()->member())) {
    return nullptr;
  }
  ZNode* p = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    for (ZNode* f = p->forward(i); f != nullptr && r.LteMax(f->member()); f = p->forward(i)) p = f;
  }
  return r.GteMin(p->member()) ? p : nullptr;
}

size_t ZSkiplist::EraseRangeByScore(const ScoreRange& r) {
  ZNode* update[kMaxLevel];
  ZNode* p = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    for (ZNode* f = p->forward(i); f != nullptr && !r.GteMin(f->score()); f = p->forward(i)) p = f;
    update[i] = p;
  }
  size_t removed = 0;
  ZNode* x = p->forward(0);
  while (x != nullptr && r.LteMax(x->score())) {
    ZNode* next = x->forward(0);
    Unlink(x, update);
    DropNode(x);
    ++removed;
    x = next;
  }
  return removed;
}

size_t ZSkiplist::EraseRangeByLex(const LexRange& r) {
  ZNode* update[kMaxLevel];
  ZNode* p = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    for (ZNode* f = p->forward(i); f != nullptr && !r.GteMin(f->member()); f = p->forward(i)) {
      p = f;
    }
    update[i] = p;
  }
  size_t removed = 0;
  ZNode* x = p->forward(0);
  while (x != nullptr && r.LteMax(x->member())) {
    ZNode* next = x->forward(0);
    Unlink(x, update);
    DropNode(x);
    ++removed;
    x = next;
  }
  return removed;
}

size_t ZSkiplist::EraseRangeByRank(uint64_t start, uint64_t end) {
  // 1-based inside, as the spans count from the header.
  uint64_t first = start + 1, last = end + 1;
  ZNode* update[kMaxLevel];
  uint64_t traversed = 0;
  ZNode* p = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    for (ZNode* f = p->forward(i); f != nullptr && traversed + p->span(i) < first;
         f = p->forward(i)) {
      traversed += p->span(i);
      p = f;
    }
    update[i] = p;
  }
  ++traversed;
  size_t removed = 0;
  ZNode* x = p->forward(0);
  while (x != nullptr && traversed <= last) {
    ZNode* next = x->forward(0);
    Unlink(x, update);
    DropNode(x);
    ++removed;
    ++traversed;
    x = next;
  }
  return removed;
}

size_t ZSkiplist::AllocatedBytes() const {
  size_t bytes = ZNode::AllocSize(kMaxLevel, 0) + dict_.BucketBytes();
  for (const ZNode* n = First(); n != nullptr; n = n->forward(0)) {
    bytes += ZNode::AllocSize(n->level(), n->member().size());
  }
  return bytes;
}

std::string ZSkiplist::CheckInvariants() const {
  // Rank of every node by walking the bottom lane.
  std::unordered_map<const ZNode*, uint64_t> rank;
  rank[header_] = 0;
  uint64_t n = 0;
  int max_level = 1;
  const ZNode* prev = nullptr;
  for (const ZNode* x = First(); x != nullptr; x = x->forward(0)) {
    rank[x] = ++n;
    if (x->backward() != prev) return "wrong backward pointer at rank " + std::to_string(n);
    if (prev != nullptr && !Before(prev, x->score(), x->member())) {
      return "out of order at rank " + std::to_string(n);
    }
    if (x->level() < 1 || x->level() > kMaxLevel) return "bad level";
    if (x->level() > max_level) max_level = x->level();
    if (dict_.Find(x->member()) != x)
      return "member not in the hash table: " + std::string(x->member());
    prev = x;
  }
  if (prev != tail_) return "wrong tail";
  if (n != length_)
    return "length is " + std::to_string(length_) + ", list has " + std::to_string(n);
  if (dict_.size() != length_) return "hash table size differs from length";
  if (max_level != level_) {
    return "level is " + std::to_string(level_) + ", highest node is " + std::to_string(max_level);
  }
  for (int i = 0; i < kMaxLevel; ++i) {
    if (i >= level_) {
      if (header_->forward(i) != nullptr) return "link above the list's level";
      continue;
    }
    // Every node tall enough must be on lane i, in order, with exact spans.
    uint64_t on_lane = 0;
    const ZNode* p = header_;
    for (const ZNode* f = p->forward(i); f != nullptr; p = f, f = f->forward(i)) {
      if (f->level() <= i) return "node on a lane above its level";
      if (p->span(i) != rank[f] - rank[p]) {
        return "span " + std::to_string(p->span(i)) + " should be " +
               std::to_string(rank[f] - rank[p]) + " on level " + std::to_string(i);
      }
      ++on_lane;
    }
    uint64_t tall = 0;
    for (const ZNode* x = First(); x != nullptr; x = x->forward(0)) tall += x->level() > i;
    if (tall != on_lane) return "a node is missing from level " + std::to_string(i);
  }
  return "";
}

}  // namespace ember::storage
