// What hashes and sets cost in memory. The numbers are reported, not
// asserted, since they depend on the allocator; compare them with Redis's
// used_memory for the same data (about 99 bytes per field of one large
// hash, about 348 bytes per hash of 10 fields). Each test builds the data
// through the same code the commands use, and reports two measures:
//   - "chunks": the malloc chunks the structures hold (usable size plus
//     glibc's 8-byte chunk header, i.e. rounding included), summed;
//   - "heap delta": mallinfo2's in-use bytes after minus before, which
//     also sees allocator caches and so is only roughly the same.
#include <gtest/gtest.h>
#include <malloc.h>

#include <cstdio>
#include <string>
#include <vector>

#include "storage/clock.h"
#include "storage/hash_ops.h"
#include "storage/keyspace.h"
#include "storage/set_ops.h"

namespace ember::storage {
namespace {

size_t HeapInUse() { return mallinfo2().uordblks; }

// glibc's chunk header, in front of every allocation.
constexpr size_t kChunkHeader = sizeof(size_t);

size_t Chunk(const void* p) { return malloc_usable_size(const_cast<void*>(p)) + kChunkHeader; }

// Chunks held by every key of `db` (entries, their values) and its table.
template <typename ValueBytes>
size_t DatabaseChunks(const Database& db, ValueBytes value_bytes) {
  size_t total = db.OverheadBytes();
  db.ForEach([&](const Entry* e) { total += Chunk(e) + value_bytes(e); });
  return total;
}

// A 16-byte value, distinct per i.
std::string Value16(int i) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "value-%010d", i);
  return std::string(buf, 16);
}

void Report(const char* what, double bytes_per_unit) {
  std::printf("[ memory ] %s: %.1f bytes\n", what, bytes_per_unit);
  ::testing::Test::RecordProperty(what, std::to_string(bytes_per_unit));
}

TEST(CollectionMemory, OneHashOf100kFieldsWith16ByteValues) {
  ManualClock clock;
  Keyspace ks(&clock, 1);
  Database& db = ks.db(0);
  constexpr int kFields = 100000;
  size_t before = HeapInUse();
  for (int i = 0; i < kFields; ++i) {
    std::string f = "field:" + std::to_string(i), v = Value16(i);
    std::string_view fv[] = {f, v};
    ASSERT_TRUE(hash::Set(db, "h", fv).ok());
  }
  size_t after = HeapInUse();
  auto h = hash::Find(db, "h");
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), static_cast<size_t>(kFields));
  ASSERT_EQ(h->encoding(), Encoding::kHashtable);
  // AllocatedBytes counts usable bytes: add a chunk header per node, and
  // for the bucket array and the map object.
  size_t chunks = h->AllocatedBytes() + (kFields + 2) * kChunkHeader;
  Report("bytes per field, one hash of 100k fields (chunks)",
         static_cast<double>(chunks) / kFields);
  Report("bytes per field, one hash of 100k fields (heap delta)",
         static_cast<double>(after - before) / kFields);
}

void MeasureSmallHashes(int hashes) {
  ManualClock clock;
  Keyspace ks(&clock, 1);
  Database& db = ks.db(0);
  size_t before = HeapInUse();
  for (int k = 0; k < hashes; ++k) {
    std::string key = "hash:" + std::to_string(k);
    std::vector<std::string> owned;
    for (int i = 0; i < 10; ++i) {
      owned.push_back("field:" + std::to_string(i));
      owned.push_back(Value16(k * 10 + i));
    }
    std::vector<std::string_view> args(owned.begin(), owned.end());
    ASSERT_TRUE(hash::Set(db, key, args).ok());
  }
  size_t after = HeapInUse();
  ASSERT_EQ(db.size(), static_cast<size_t>(hashes));
  ASSERT_EQ(hash::Find(db, "hash:0")->encoding(), Encoding::kListpack);
  size_t chunks = DatabaseChunks(db, [](const Entry* e) { return Chunk(e->external()); });
  std::string what = "bytes per hash, " + std::to_string(hashes) + " hashes of 10 fields";
  Report((what + " (chunks: entry, listpack, key table)").c_str(),
         static_cast<double>(chunks) / hashes);
  Report((what + " (heap delta)").c_str(), static_cast<double>(after - before) / hashes);
}

TEST(CollectionMemory, TenThousandHashesOfTenFields) { MeasureSmallHashes(10000); }

TEST(CollectionMemory, AHundredThousandHashesOfTenFields) { MeasureSmallHashes(100000); }

TEST(CollectionMemory, OneSetOf100kMembers) {
  ManualClock clock;
  Keyspace ks(&clock, 1);
  Database& db = ks.db(0);
  constexpr int kMembers = 100000;
  size_t before = HeapInUse();
  for (int i = 0; i < kMembers; ++i) {
    std::string m = "member:" + std::to_string(i);
    std::string_view ms[] = {m};
    ASSERT_TRUE(set::Add(db, "s", ms).ok());
  }
  size_t after = HeapInUse();
  auto s = set::Find(db, "s");
  ASSERT_EQ(s->size(), static_cast<size_t>(kMembers));
  size_t chunks = s->AllocatedBytes() + (kMembers + 2) * kChunkHeader;
  Report("bytes per member, one set of 100k members (chunks)",
         static_cast<double>(chunks) / kMembers);
  Report("bytes per member, one set of 100k members (heap delta)",
         static_cast<double>(after - before) / kMembers);
}

}  // namespace
}  // namespace ember::storage
