// Sorted sets in RDB files, as Redis 7.0 writes and reads them.
//
// A small sorted set (a listpack) is written as its listpack bytes, type 17;
// a large one (a skiplist) as type 5: its length, then each member with its
// score as an 8-byte binary double, from the highest score to the lowest, so
// that a loader inserting them into a skiplist always inserts at the head.
// On load Ember also reads what older Redis versions wrote: type 3 (scores
// as text, with special lengths for inf, -inf and NaN) and type 12 (the
// ziplist of Redis 2.6-6.2). Element-by-element types are converted to a
// listpack when the loading server's limits allow; blobs become a skiplist
// when they hold more members than zset-max-listpack-entries. NaN scores,
// duplicate members, malformed or unordered blobs are refused; empty sets
// are skipped.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "persistence/rdb.h"
#include "persistence/rdb_format.h"
#include "storage/clock.h"
#include "storage/keyspace.h"
#include "storage/listpack.h"
#include "storage/zset_ops.h"
#include "tests/persistence/rdb_round_trip.h"

namespace ember::persistence {
namespace {

using storage::Encoding;
namespace zset = storage::zset;
namespace listpack = storage::listpack;

using Pairs = std::vector<std::pair<std::string, double>>;

class RdbZSet : public RdbRoundTrip {
 protected:
  void ZAdd(const std::string& key, const Pairs& pairs) {
    std::vector<zset::ScoreArg> items;
    for (const auto& [m, s] : pairs) items.push_back({s, m});
    ASSERT_TRUE(zset::Add(source_.db(0), key, {}, items).ok());
  }

  // The members and scores in rank order, and the encoding.
  static Pairs ZSetOf(storage::Keyspace& ks, const std::string& key, Encoding* enc) {
    Pairs out;
    auto z = zset::FindRead(ks.db(0), key);
    if (!z.ok()) return out;
    *enc = z->encoding;
    zset::ForEach(*z, [&out](std::string_view m, double s) { out.emplace_back(m, s); });
    return out;
  }

  // An RDB stream holding one key "k" of `type` whose value bytes `write`
  // produces.
  template <typename Fn>
  static std::string OneKeyFile(uint8_t type, Fn write) {
    StringSink sink;
    RdbEncoder enc(&sink, /*compress=*/false);
    enc.Raw("REDIS0010", 9);
    enc.Byte(type);
    enc.String("k");
    write(enc);
    enc.Byte(rdb::kOpEof);
    enc.Checksum();
    return sink.str();
  }

  // A listpack of the given elements, as text, in the given order.
  static std::string ListpackOf(const std::vector<std::string>& items) {
    uint8_t* lp = listpack::New();
    for (const std::string& s : items) lp = listpack::Append(lp, s);
    std::string bytes(reinterpret_cast<const char*>(lp), listpack::Bytes(lp));
    listpack::Free(lp);
    return bytes;
  }

  // A ziplist of short strings: <zlbytes> <zltail> <zllen> entries <FF>,
  // each entry <prevlen> <00pppppp length> <bytes>.
  static std::string ZiplistOf(const std::vector<std::string>& items) {
    std::string body;
    size_t prev = 0, tail = 10;
    for (const std::string& s : items) {
      tail = 10 + body.size();
      std::string entry = {static_cast<char>(prev), static_cast<char>(s.size())};
      entry += s;
      prev = entry.size();
      body += entry;
    }
    auto le = [](uint64_t v, int n) {
      std::string out;
      for (int i = 0; i < n; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
      return out;
    };
    return le(10 + body.size() + 1, 4) + le(tail, 4) + le(items.size(), 2) + body + "\xff";
  }
};

TEST_F(RdbZSet, BothEncodingsRoundTripWithTheirScores) {
  ZAdd("small", {{"a", 1},
                 {"b", 2.5},
                 {"c", -3},
                 {"top", INFINITY},
                 {"bottom", -INFINITY},
                 {"12", 0.1},
                 {"tiny", 5e-324},
                 {"big", 1e300}});
  Pairs many;
  for (int i = 0; i < 200; ++i) many.emplace_back("m" + std::to_string(i), i / 3.0);
  ZAdd("big", many);                                     // past zset-max-listpack-entries (128)
  ZAdd("long", {{std::string(100, 'x'), 1}, {"y", 2}});  // a member past 64 bytes
  std::string error;
  ASSERT_TRUE(Load(Save(), &error)) << error;
  for (const char* key : {"small", "big", "long"}) {
    Encoding before, after;
    Pairs want = ZSetOf(source_, key, &before);
    EXPECT_EQ(ZSetOf(target_, key, &after), want) << key;
    EXPECT_EQ(after, before) << key;
  }
  Encoding enc;
  ZSetOf(target_, "small", &enc);
  EXPECT_EQ(enc, Encoding::kListpack);
  EXPECT_EQ(ZSetOf(target_, "big", &enc).size(), 200u);
  EXPECT_EQ(enc, Encoding::kSkiplist);
  ZSetOf(target_, "long", &enc);
  EXPECT_EQ(enc, Encoding::kSkiplist);
}

TEST_F(RdbZSet, AListpackIsWrittenAsItsBytes) {
  ZAdd("z", {{"a", 1}, {"b", 2}});
  std::string bytes = Save();
  auto z = zset::FindRead(source_.db(0), "z");
  ASSERT_TRUE(z.ok());
  std::string lp(reinterpret_cast<const char*>(z->lp()), listpack::Bytes(z->lp()));
  // type 17, key "z", then the listpack as a string of its length.
  std::string want = std::string(1, static_cast<char>(rdb::kTypeZSetListpack)) + "\x01z" +
                     static_cast<char>(lp.size()) + lp;
  EXPECT_NE(bytes.find(want), std::string::npos);
}

TEST_F(RdbZSet, ASkiplistIsWrittenHighestScoreFirstWithBinaryScores) {
  Pairs many;
  for (int i = 0; i < 130; ++i) many.emplace_back("m" + std::to_string(i), i);
  ZAdd("z", many);
  std::string bytes = Save();
  std::string head = std::string(1, static_cast<char>(rdb::kTypeZSet2)) + "\x01z";
  size_t at = bytes.find(head);
  ASSERT_NE(at, std::string::npos);
  // The length (130, a 14-bit length), then "m129" and 129.0 as 8 bytes LE.
  double score = 129;
  std::string score_bytes(reinterpret_cast<const char*>(&score), 8);
  EXPECT_EQ(bytes.substr(at + head.size(), 2 + 5 + 8),
            std::string("\x40\x82", 2) + "\x04m129" + score_bytes);
}

TEST_F(RdbZSet, TheLoadingServersLimitsDecideTheEncoding) {
  ZAdd("listpack", {{"a", 1}, {"b", 2}, {"c", 3}});
  Pairs many;
  for (int i = 0; i < 200; ++i) many.emplace_back("m" + std::to_string(i), i);
  ZAdd("skiplist", many);
  target_.limits().zset_max_listpack_entries = 2;
  std::string error;
  ASSERT_TRUE(Load(Save(), &error)) << error;
  Encoding enc;
  EXPECT_EQ(ZSetOf(target_, "listpack", &enc).size(), 3u);
  EXPECT_EQ(enc, Encoding::kSkiplist);

  // With room, a set written element by element becomes a listpack again.
  storage::Keyspace roomy(&clock_, 16);
  roomy.limits().zset_max_listpack_entries = 500;
  std::string bytes = Save();
  RdbLoadResult result;
  ASSERT_TRUE(ReadRdb(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &roomy, {},
                      &result, &error))
      << error;
  EXPECT_EQ(ZSetOf(roomy, "skiplist", &enc).size(), 200u);
  EXPECT_EQ(enc, Encoding::kListpack);
}

TEST_F(RdbZSet, OldTextScoresAreRead) {
  // Type 3: each score a length byte and its text; 254 is +inf, 255 -inf.
  std::string file = OneKeyFile(rdb::kTypeZSet, [](RdbEncoder& enc) {
    enc.Length(4);
    enc.String("b");
    enc.Byte(3);
    enc.Raw("2.5", 3);
    enc.String("a");
    enc.Byte(2);
    enc.Raw("-1", 2);
    enc.String("top");
    enc.Byte(254);
    enc.String("bottom");
    enc.Byte(255);
  });
  std::string error;
  ASSERT_TRUE(Load(file, &error)) << error;
  Encoding enc;
  EXPECT_EQ(ZSetOf(target_, "k", &enc),
            (Pairs{{"bottom", -INFINITY}, {"a", -1}, {"b", 2.5}, {"top", INFINITY}}));
  EXPECT_EQ(enc, Encoding::kListpack);
}

TEST_F(RdbZSet, AZiplistBecomesAListpack) {
  std::string file = OneKeyFile(rdb::kTypeZSetZiplist, [](RdbEncoder& enc) {
    enc.String(ZiplistOf({"x", "-2", "a", "1", "b", "1", "c", "1.5"}));
  });
  std::string error;
  ASSERT_TRUE(Load(file, &error)) << error;
  Encoding enc;
  EXPECT_EQ(ZSetOf(target_, "k", &enc), (Pairs{{"x", -2}, {"a", 1}, {"b", 1}, {"c", 1.5}}));
  EXPECT_EQ(enc, Encoding::kListpack);
  // The same with too many members for a listpack here.
  storage::Keyspace strict(&clock_, 16);
  strict.limits().zset_max_listpack_entries = 3;
  RdbLoadResult result;
  ASSERT_TRUE(ReadRdb(reinterpret_cast<const uint8_t*>(file.data()), file.size(), &strict, {},
                      &result, &error))
      << error;
  EXPECT_EQ(ZSetOf(strict, "k", &enc).size(), 4u);
  EXPECT_EQ(enc, Encoding::kSkiplist);
}

// The sorted sets in files a real Redis wrote (tests/fixtures), with the
// contents Redis 7.0.15 read from them.
TEST_F(RdbZSet, FilesRedisWroteLoadWithRedisContents) {
  const std::string dir = std::string(EMBER_FIXTURES_DIR) + "/redis-7.0.15/";
  for (const char* name : {"zset-ziplist", "encodings", "all-types"}) {
    storage::Keyspace ks(&clock_, 16);
    RdbLoadResult result;
    bool exists = false;
    std::string error;
    ASSERT_TRUE(LoadRdbFile(dir + name + ".rdb", &ks, {}, &result, &exists, &error))
        << name << ": " << error;
    ASSERT_TRUE(exists) << name;
    std::ifstream expected(dir + name + ".expected.txt");
    ASSERT_TRUE(expected) << name;
    // "db=0 key=K type=zset encoding=E has_ttl=no", then "  member\tscore".
    std::string line, key, encoding;
    int zsets = 0;
    Pairs want;
    auto check = [&] {
      if (key.empty()) return;
      Encoding enc;
      Pairs got = ZSetOf(ks, key, &enc);
      ASSERT_EQ(got.size(), want.size()) << name << " " << key;
      for (size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i].first, want[i].first) << name << " " << key;
        EXPECT_EQ(got[i].second, want[i].second) << name << " " << key << " " << got[i].first;
      }
      EXPECT_EQ(enc == Encoding::kListpack ? "listpack" : "skiplist", encoding)
          << name << " " << key;
      ++zsets;
      key.clear();
    };
    while (std::getline(expected, line)) {
      if (line.starts_with("db=")) {
        check();
        std::istringstream fields(line);
        std::string db, k, type, enc;
        fields >> db >> k >> type >> enc;
        if (db == "db=0" && type == "type=zset") {
          key = k.substr(4);
          encoding = enc.substr(9);
          want.clear();
        }
      } else if (!key.empty() && line.starts_with("  ")) {
        size_t tab = line.find('\t');
        ASSERT_NE(tab, std::string::npos) << line;
        want.emplace_back(line.substr(2, tab - 2), std::strtod(line.c_str() + tab + 1, nullptr));
      }
    }
    check();
    EXPECT_GT(zsets, 0) << name;
  }
}

TEST_F(RdbZSet, NanScoresAndDuplicatesAreRefused) {
  std::string error;
  std::string nan_binary = OneKeyFile(rdb::kTypeZSet2, [](RdbEncoder& enc) {
    enc.Length(1);
    enc.String("a");
    enc.BinaryDouble(NAN);
  });
  EXPECT_FALSE(Load(nan_binary, &error));
  EXPECT_NE(error.find("NAN"), std::string::npos) << error;
  std::string nan_text = OneKeyFile(rdb::kTypeZSet, [](RdbEncoder& enc) {
    enc.Length(1);
    enc.String("a");
    enc.Byte(253);
  });
  EXPECT_FALSE(Load(nan_text, &error));
  EXPECT_NE(error.find("NAN"), std::string::npos) << error;
  std::string dup = OneKeyFile(rdb::kTypeZSet2, [](RdbEncoder& enc) {
    enc.Length(2);
    enc.String("a");
    enc.BinaryDouble(1);
    enc.String("a");
    enc.BinaryDouble(2);
  });
  EXPECT_FALSE(Load(dup, &error));
  EXPECT_NE(error.find("duplicate"), std::string::npos) << error;
  EXPECT_EQ(target_.TotalKeys(), 0u);
}

TEST_F(RdbZSet, MalformedOrUnorderedBlobsAreRefused) {
  struct Case {
    const char* what;
    uint8_t type;
    std::string blob;
  };
  const Case cases[] = {
      {"a member without its score", rdb::kTypeZSetListpack, ListpackOf({"a", "1", "b"})},
      {"a score that is not a number", rdb::kTypeZSetListpack, ListpackOf({"a", "one"})},
      {"a NaN score", rdb::kTypeZSetListpack, ListpackOf({"a", "nan"})},
      {"scores out of order", rdb::kTypeZSetListpack, ListpackOf({"a", "2", "b", "1"})},
      {"equal scores, members out of order", rdb::kTypeZSetListpack,
       ListpackOf({"b", "1", "a", "1"})},
      {"a duplicate member", rdb::kTypeZSetListpack, ListpackOf({"a", "1", "a", "2"})},
      {"a truncated listpack", rdb::kTypeZSetListpack, ListpackOf({"a", "1"}).substr(0, 7)},
      {"a ziplist out of order", rdb::kTypeZSetZiplist, ZiplistOf({"a", "2", "b", "1"})},
      {"a ziplist with a duplicate", rdb::kTypeZSetZiplist, ZiplistOf({"a", "1", "a", "2"})},
      {"a ziplist of odd length", rdb::kTypeZSetZiplist, ZiplistOf({"a", "1", "b"})},
      {"a truncated ziplist", rdb::kTypeZSetZiplist, ZiplistOf({"a", "1"}).substr(0, 12)},
  };
  for (const Case& c : cases) {
    std::string error;
    std::string file = OneKeyFile(c.type, [&c](RdbEncoder& enc) { enc.String(c.blob); });
    EXPECT_FALSE(Load(file, &error)) << c.what;
    EXPECT_NE(error.find("integrity"), std::string::npos) << c.what << ": " << error;
  }
  EXPECT_EQ(target_.TotalKeys(), 0u);
}

TEST_F(RdbZSet, EmptySortedSetsAreSkipped) {
  std::string error;
  EXPECT_TRUE(Load(OneKeyFile(rdb::kTypeZSet2, [](RdbEncoder& enc) { enc.Length(0); }), &error))
      << error;
  EXPECT_TRUE(
      Load(OneKeyFile(rdb::kTypeZSetListpack, [](RdbEncoder& enc) { enc.String(ListpackOf({})); }),
           &error))
      << error;
  EXPECT_TRUE(
      Load(OneKeyFile(rdb::kTypeZSetZiplist, [](RdbEncoder& enc) { enc.String(ZiplistOf({})); }),
           &error))
      << error;
  EXPECT_EQ(target_.TotalKeys(), 0u);
}

}  // namespace
}  // namespace ember::persistence
