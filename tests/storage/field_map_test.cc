// FieldMap and MemberSet: the hash tables behind large hashes and sets.
// Each node is one allocation holding the chain pointer and the bytes;
// the table grows by incremental rehashing and shrinks when a delete
// leaves it under 10% full, and SCAN's reverse-binary cursor still returns
// every element present for a whole iteration while that happens.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>

#include "storage/field_map.h"
#include "storage/member_set.h"

namespace ember::storage {
namespace {

std::string Field(int i) { return "field:" + std::to_string(i); }

// Runs a full SCAN over `m`, calling `between(step)` after each call.
template <typename Map, typename Between>
std::multiset<std::string> ScanAll(const Map& m, Between between) {
  std::multiset<std::string> seen;
  uint64_t cursor = 0;
  int step = 0;
  do {
    cursor = m.Scan(cursor, [&seen](std::string_view k, auto&&...) { seen.emplace(k); });
    between(step++);
  } while (cursor != 0 && step < 100000);
  return seen;
}

TEST(FieldNode, HoldsPointerFieldAndValueInOneBlock) {
  std::string value(16, 'v');
  FieldNode* n = FieldNode::Create("field:123456", value);
  // 8 (next) + 1 + 12 (field) + 1 + 16 (value).
  EXPECT_EQ(FieldNode::AllocSize(12, 16), 38u);
  EXPECT_GE(n->AllocatedSize(), 38u);
  EXPECT_EQ(n->field(), "field:123456");
  EXPECT_EQ(n->value(), value);
  EXPECT_EQ(n->next(), nullptr);
  FieldNode::Destroy(n);
}

TEST(FieldNode, LongFieldsUseMultiByteLengths) {
  std::string field(300, 'f'), value(70000, 'v');
  FieldNode* n = FieldNode::Create(field, value);
  EXPECT_EQ(FieldNode::AllocSize(300, 70000), 8u + 2 + 300 + 3 + 70000);
  EXPECT_EQ(n->field(), field);
  EXPECT_EQ(n->value(), value);
  FieldNode::Destroy(n);
}

TEST(FieldNode, AValueThatFitsIsRewrittenInPlace) {
  FieldNode* n = FieldNode::Create("f", "123456789");
  EXPECT_TRUE(n->TryRewriteValue("42"));
  EXPECT_EQ(n->value(), "42");
  EXPECT_EQ(n->field(), "f");
  EXPECT_FALSE(n->TryRewriteValue(std::string(1000, 'x')));
  EXPECT_EQ(n->value(), "42");
  FieldNode::Destroy(n);
}

TEST(FieldMap, SetReportsNewFieldsAndOverwrites) {
  FieldMap m;
  EXPECT_TRUE(m.Set("a", "1"));
  EXPECT_TRUE(m.Set("b", "2"));
  EXPECT_FALSE(m.Set("a", "a much longer value than before, so the node is replaced"));
  EXPECT_FALSE(m.Set("b", "x"));
  EXPECT_EQ(m.size(), 2u);
  std::string_view v;
  ASSERT_TRUE(m.Get("a", &v));
  EXPECT_EQ(v, "a much longer value than before, so the node is replaced");
  ASSERT_TRUE(m.Get("b", &v));
  EXPECT_EQ(v, "x");
  EXPECT_FALSE(m.Get("c", &v));
  EXPECT_TRUE(m.Erase("a"));
  EXPECT_FALSE(m.Erase("a"));
  EXPECT_EQ(m.size(), 1u);
}

TEST(FieldMap, GrowsAndShrinksWithItsContents) {
  FieldMap m;
  for (int i = 0; i < 10000; ++i) m.AddNew(Field(i), std::to_string(i));
  std::string_view v;
  for (int i = 0; i < 10000; i += 97) {
    ASSERT_TRUE(m.Get(Field(i), &v));
    EXPECT_EQ(v, std::to_string(i));
  }
  size_t grown = m.buckets();
  EXPECT_GE(grown, 8192u);
  for (int i = 0; i < 9990; ++i) ASSERT_TRUE(m.Erase(Field(i)));
  // A delete that leaves the table under 10% full starts a shrink to fit
  // what is left then; like any rehash, it advances a bucket per operation.
  // (As in Redis, nothing else shrinks a hash's table: no cron visits it.)
  for (int i = 0; i < 20000; ++i) m.Get("anything", &v);
  EXPECT_LT(m.buckets(), grown / 4);
  // The next delete finds the table sparse again and shrinks it to fit.
  ASSERT_TRUE(m.Erase(Field(9990)));
  for (int i = 0; i < 1000; ++i) m.Get("anything", &v);
  EXPECT_EQ(m.buckets(), 16u);
  EXPECT_EQ(m.size(), 9u);
  for (int i = 9991; i < 10000; ++i) EXPECT_TRUE(m.Get(Field(i), &v));
}

TEST(FieldMap, ScanReturnsEveryFieldWhileTheTableGrows) {
  FieldMap m;
  for (int i = 0; i < 100; ++i) m.AddNew(Field(i), "v");
  // Grow to 2100 fields (from 128 buckets to 4096) during the first 40
  // calls; a table that kept growing faster than the scan advanced would
  // never let it finish.
  int next = 100;
  std::multiset<std::string> seen = ScanAll(m, [&](int step) {
    for (int k = 0; k < 50 && step < 40; ++k, ++next) m.AddNew(Field(next), "v");
  });
  for (int i = 0; i < 100; ++i) EXPECT_GE(seen.count(Field(i)), 1u) << Field(i);
}

TEST(FieldMap, ScanReturnsEveryFieldWhileTheTableShrinks) {
  FieldMap m;
  for (int i = 0; i < 5000; ++i) m.AddNew(Field(i), "v");
  // Keep fields 0..99 for the whole scan; delete the others as it goes.
  int next = 100;
  std::multiset<std::string> seen = ScanAll(m, [&](int) {
    for (int k = 0; k < 200 && next < 5000; ++k, ++next) m.Erase(Field(next));
  });
  for (int i = 0; i < 100; ++i) EXPECT_GE(seen.count(Field(i)), 1u) << Field(i);
}

TEST(FieldMap, RandomAndCopy) {
  FieldMap m;
  for (int i = 0; i < 50; ++i) m.AddNew(Field(i), std::to_string(i));
  std::mt19937_64 rng(7);
  std::set<std::string> drawn;
  for (int i = 0; i < 2000; ++i) drawn.emplace(m.Random(rng)->field());
  EXPECT_EQ(drawn.size(), 50u);  // every field comes up eventually
  FieldMap* copy = m.Copy();
  m.Set(Field(0), "changed");
  std::string_view v;
  ASSERT_TRUE(copy->Get(Field(0), &v));
  EXPECT_EQ(v, "0");
  EXPECT_EQ(copy->size(), 50u);
  EXPECT_GT(copy->AllocatedBytes(), 50u * 16);
  delete copy;
}

TEST(MemberSet, AddContainsErase) {
  MemberSet s;
  EXPECT_TRUE(s.Add("a"));
  EXPECT_FALSE(s.Add("a"));
  EXPECT_TRUE(s.Add(""));  // the empty string is a member like any other
  EXPECT_TRUE(s.Contains(""));
  EXPECT_TRUE(s.Contains("a"));
  EXPECT_FALSE(s.Contains("b"));
  EXPECT_TRUE(s.Erase("a"));
  EXPECT_FALSE(s.Erase("a"));
  EXPECT_EQ(s.size(), 1u);
}

TEST(MemberSet, ScanSurvivesGrowthAndRandomCoversAll) {
  MemberSet s;
  for (int i = 0; i < 64; ++i) s.AddNew(Field(i));
  int next = 64;
  std::multiset<std::string> seen = ScanAll(s, [&](int step) {
    for (int k = 0; k < 64 && step < 30; ++k, ++next) s.AddNew(Field(next));
  });
  for (int i = 0; i < 64; ++i) EXPECT_GE(seen.count(Field(i)), 1u);
  std::mt19937_64 rng(1);
  MemberSet small;
  for (int i = 0; i < 10; ++i) small.AddNew(Field(i));
  std::set<std::string> drawn;
  for (int i = 0; i < 500; ++i) drawn.emplace(small.Random(rng)->member());
  EXPECT_EQ(drawn.size(), 10u);
  MemberSet* copy = small.Copy();
  EXPECT_EQ(copy->size(), 10u);
  EXPECT_TRUE(copy->Contains(Field(3)));
  delete copy;
}

}  // namespace
}  // namespace ember::storage
