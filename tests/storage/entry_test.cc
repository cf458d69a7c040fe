// What one key costs: Ember packs a key, its value and its TTL into one
// allocation (entry.h), where Redis spends a dictEntry, an sds key, an robj
// and a second dictEntry in the `expires` table.
//
// The layout: an 8-byte chain pointer, a 4-byte header (LRU clock, type,
// TTL flag, value kind), 12 bytes of deadline and volatile-list slot only
// when the key has a TTL, then the key and the value with varint lengths.
// A 10-byte key with a 16-byte value is 40 bytes; a TTL adds 12.
#include "storage/entry.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

namespace ember::storage {
namespace {

struct EntryDeleter {
  void operator()(Entry* e) const { Entry::Destroy(e); }
};
using EntryPtr = std::unique_ptr<Entry, EntryDeleter>;

Entry::ValueSpec Inline(std::string_view bytes) {
  Entry::ValueSpec spec;
  spec.kind = ValueKind::kInline;
  spec.bytes = bytes;
  return spec;
}

Entry::ValueSpec Int(int64_t v) {
  Entry::ValueSpec spec;
  spec.kind = ValueKind::kInt;
  spec.integer = v;
  return spec;
}

TEST(EntryLayout, TenByteKeyWithSixteenByteValueIsFortyBytes) {
  EXPECT_EQ(Entry::AllocSize(10, Inline("0123456789abcdef"), false), 40u);
  EntryPtr e(Entry::Create("key:123456", Inline("0123456789abcdef"), false));
  EXPECT_GE(e->AllocatedSize(), 40u);
  EXPECT_LE(e->AllocatedSize(), 48u);  // one malloc size class, no slack beyond it
}

TEST(EntryLayout, ATtlAddsTwelveBytes) {
  EXPECT_EQ(Entry::AllocSize(10, Inline("0123456789abcdef"), true), 52u);
}

TEST(EntryLayout, AnIntegerValueTakesEightBytes) {
  EXPECT_EQ(Entry::AllocSize(3, Int(123456789), false), 12u + 1 + 3 + 8);
}

TEST(EntryLayout, LengthsAreVarints) {
  EXPECT_EQ(Entry::AllocSize(127, Inline(""), false), 12u + 1 + 127 + 1);
  EXPECT_EQ(Entry::AllocSize(128, Inline(""), false), 12u + 2 + 128 + 1);
  EXPECT_EQ(Entry::AllocSize(1, Inline(std::string(200, 'v')), false), 12u + 1 + 1 + 2 + 200);
}

TEST(Varint, SizesFollowSevenBitGroups) {
  EXPECT_EQ(Entry::VarintSize(0), 1u);
  EXPECT_EQ(Entry::VarintSize(127), 1u);
  EXPECT_EQ(Entry::VarintSize(128), 2u);
  EXPECT_EQ(Entry::VarintSize(16383), 2u);
  EXPECT_EQ(Entry::VarintSize(16384), 3u);
  EXPECT_EQ(Entry::VarintSize(UINT32_MAX), 5u);
}

TEST(Varint, RoundTrips) {
  for (uint32_t v :
       {0u, 1u, 127u, 128u, 300u, 16383u, 16384u, 2097151u, 2097152u, 536870912u, UINT32_MAX}) {
    unsigned char buf[8] = {};
    unsigned char* w = buf;
    Entry::WriteVarint(&w, v);
    EXPECT_EQ(static_cast<size_t>(w - buf), Entry::VarintSize(v)) << v;
    const unsigned char* r = buf;
    EXPECT_EQ(Entry::ReadVarint(&r), v);
    EXPECT_EQ(r, w);
  }
}

TEST(Entry, HoldsKeyValueAndShape) {
  EntryPtr e(Entry::Create("greeting", Inline("hello"), false));
  EXPECT_EQ(e->key(), "greeting");
  EXPECT_EQ(e->inline_value(), "hello");
  EXPECT_EQ(e->kind(), ValueKind::kInline);
  EXPECT_EQ(e->type(), ObjType::kString);
  EXPECT_FALSE(e->has_expire());
}

TEST(Entry, LongKeysAndValuesUseMultiByteLengths) {
  std::string key(300, 'k'), value(20000, 'v');
  EntryPtr e(Entry::Create(key, Inline(value), true));
  EXPECT_EQ(e->key(), key);
  EXPECT_EQ(e->inline_value(), value);
}

TEST(Entry, DeadlineAndVolatileSlotLiveInTheHeader) {
  EntryPtr e(Entry::Create("k", Int(-5), true));
  e->set_expire_at(1'700'000'000'123);
  e->set_volatile_index(42);
  EXPECT_TRUE(e->has_expire());
  EXPECT_EQ(e->expire_at(), 1'700'000'000'123);
  EXPECT_EQ(e->volatile_index(), 42u);
  EXPECT_EQ(e->key(), "k");
  EXPECT_EQ(e->int_value(), -5);
}

TEST(Entry, TheLruClockDoesNotDisturbTheOtherHeaderBits) {
  EntryPtr e(Entry::Create("k", Int(1), true));
  e->set_lru(Entry::kLruMax);
  EXPECT_EQ(e->lru(), Entry::kLruMax);
  EXPECT_EQ(e->kind(), ValueKind::kInt);
  EXPECT_EQ(e->type(), ObjType::kString);
  EXPECT_TRUE(e->has_expire());
  e->set_lru(Entry::kLruMax + 5);  // 24 bits: wraps, never spills
  EXPECT_EQ(e->lru(), 4u);
  EXPECT_TRUE(e->has_expire());
}

TEST(Entry, AShorterValueIsRewrittenInPlace) {
  Entry* raw = Entry::Create("k", Inline("a fairly long value"), false);
  EntryPtr e(raw);
  ASSERT_TRUE(e->TryRewriteValue(Inline("short")));
  EXPECT_EQ(e.get(), raw);
  EXPECT_EQ(e->inline_value(), "short");
  EXPECT_EQ(e->key(), "k");
}

TEST(Entry, AnIntegerReplacesAStringInPlaceWhenItFits) {
  EntryPtr e(Entry::Create("k", Inline("12345678"), true));
  e->set_expire_at(99);
  ASSERT_TRUE(e->TryRewriteValue(Int(-7)));
  EXPECT_EQ(e->kind(), ValueKind::kInt);
  EXPECT_EQ(e->int_value(), -7);
  EXPECT_EQ(e->expire_at(), 99);  // the deadline is untouched
}

TEST(Entry, AValueThatDoesNotFitIsRefusedAndNothingChanges) {
  EntryPtr e(Entry::Create("k", Inline("tiny"), false));
  std::string big(e->AllocatedSize(), 'x');
  EXPECT_FALSE(e->TryRewriteValue(Inline(big)));
  EXPECT_EQ(e->inline_value(), "tiny");
  EXPECT_EQ(e->kind(), ValueKind::kInline);
}

TEST(Entry, CloneWithCanAddOrDropTheTtlAndKeepsTheLru) {
  EntryPtr plain(Entry::Create("key", Inline("v"), false));
  plain->set_lru(1234);
  EntryPtr timed(Entry::CloneWith(plain.get(), Inline("v2"), true));
  EXPECT_TRUE(timed->has_expire());
  EXPECT_EQ(timed->key(), "key");
  EXPECT_EQ(timed->inline_value(), "v2");
  EXPECT_EQ(timed->lru(), 1234u);
  timed->set_expire_at(5000);
  EntryPtr again(Entry::CloneWith(timed.get(), Inline("v3"), true));
  EXPECT_EQ(again->expire_at(), 5000);  // kept when both have one
  EntryPtr dropped(Entry::CloneWith(timed.get(), Inline("v4"), false));
  EXPECT_FALSE(dropped->has_expire());
  EXPECT_EQ(dropped->inline_value(), "v4");
}

TEST(RawString, GrowsGeometricallyForCheapAppends) {
  RawString* s = RawString::Create("abc", 3);
  EXPECT_EQ(s->view(), "abc");
  EXPECT_EQ(s->cap, 3u);
  s = RawString::Reserve(s, 1);
  EXPECT_EQ(s->cap, 8u);  // (3 + 1) * 2
  EXPECT_EQ(s->view(), "abc");
  RawString* same = RawString::Reserve(s, 4);
  EXPECT_EQ(same, s);  // room already there
  std::free(s);
}

}  // namespace
}  // namespace ember::storage
