// Hashes and sets in RDB files. Compact values are written as their bytes
// (a hash's listpack, a set's intset), large ones element by element; a
// listpack set is written element by element too, because its own type
// byte (20) is Redis 7.2's and Redis 7.0 must be able to load what Ember
// saves. On load every value is rebuilt with the loading server's limits,
// duplicates are refused, and empty collections are skipped, as in Redis.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "persistence/rdb.h"
#include "persistence/rdb_format.h"
#include "storage/clock.h"
#include "storage/hash_ops.h"
#include "storage/keyspace.h"
#include "storage/set_ops.h"
#include "tests/persistence/rdb_round_trip.h"

namespace ember::persistence {
namespace {

using storage::Encoding;

class RdbCollections : public RdbRoundTrip {
 protected:
  void HSet(const std::string& key, const std::vector<std::string>& fv) {
    std::vector<std::string_view> args(fv.begin(), fv.end());
    ASSERT_TRUE(storage::hash::Set(source_.db(0), key, args).ok());
  }
  void SAdd(const std::string& key, const std::vector<std::string>& members) {
    std::vector<std::string_view> args(members.begin(), members.end());
    ASSERT_TRUE(storage::set::Add(source_.db(0), key, args).ok());
  }

  std::map<std::string, std::string> HashOf(storage::Keyspace& ks, const std::string& key,
                                            Encoding* enc) {
    std::map<std::string, std::string> out;
    auto h = storage::hash::Find(ks.db(0), key);
    if (!h.ok()) return out;
    *enc = h->encoding();
    h->ForEach([&out](const storage::hash::Value& f, const storage::hash::Value& v) {
      out[f.ToString()] = v.ToString();
    });
    return out;
  }
  std::set<std::string> SetOf(storage::Keyspace& ks, const std::string& key, Encoding* enc) {
    std::set<std::string> out;
    auto s = storage::set::Find(ks.db(0), key);
    if (!s.ok()) return out;
    *enc = s->encoding();
    s->ForEach([&out](const storage::set::Value& m) { out.insert(m.ToString()); });
    return out;
  }

  // An RDB stream holding one key of `type` whose value bytes `write`
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
};

TEST_F(RdbCollections, HashesRoundTripInBothEncodings) {
  HSet("small", {"name", "ada", "born", "1815", "empty", ""});
  std::vector<std::string> big;
  for (int i = 0; i < 600; ++i) {  // past hash-max-listpack-entries (512)
    big.push_back("field" + std::to_string(i));
    big.push_back(std::to_string(i * 7));
  }
  HSet("big", big);
  std::string error;
  ASSERT_TRUE(Load(Save(), &error)) << error;
  Encoding a, b, c, d;
  EXPECT_EQ(HashOf(target_, "small", &a), HashOf(source_, "small", &b));
  EXPECT_EQ(a, Encoding::kListpack);
  EXPECT_EQ(HashOf(target_, "big", &c), HashOf(source_, "big", &d));
  EXPECT_EQ(HashOf(target_, "big", &c).size(), 600u);
  EXPECT_EQ(c, Encoding::kHashtable);
}

TEST_F(RdbCollections, ASmallHashIsWrittenAsItsListpackBytes) {
  HSet("h", {"f", "v"});
  std::string bytes = Save();
  EXPECT_NE(bytes.find(std::string(1, static_cast<char>(rdb::kTypeHashListpack)) + "\x01h"),
            std::string::npos);
}

TEST_F(RdbCollections, SetsRoundTripInEveryEncoding) {
  SAdd("ints", {"3", "-1", "70000"});
  SAdd("small", {"a", "1", "b"});
  std::vector<std::string> many;
  for (int i = 0; i < 200; ++i) many.push_back("m" + std::to_string(i));
  SAdd("big", many);
  std::string error;
  ASSERT_TRUE(Load(Save(), &error)) << error;
  for (const char* key : {"ints", "small", "big"}) {
    Encoding before, after;
    EXPECT_EQ(SetOf(target_, key, &after), SetOf(source_, key, &before)) << key;
    EXPECT_EQ(after, before) << key;
  }
}

TEST_F(RdbCollections, AListpackSetIsWrittenAsAPlainSetForRedis70) {
  SAdd("s", {"a", "b"});
  std::string bytes = Save();
  EXPECT_NE(bytes.find(std::string(1, static_cast<char>(rdb::kTypeSet)) + "\x01s"),
            std::string::npos);
  EXPECT_EQ(bytes.find(std::string(1, static_cast<char>(rdb::kTypeSetListpack)) + "\x01s"),
            std::string::npos);
}

TEST_F(RdbCollections, TheLoadingServersLimitsDecideTheEncoding) {
  HSet("h", {"a", "1", "b", "2", "c", "3"});
  SAdd("ints", {"1", "2", "3"});
  SAdd("strs", {"x", "y", "z"});
  target_.limits().hash_max_listpack_entries = 2;
  target_.limits().set_max_intset_entries = 2;
  target_.limits().set_max_listpack_entries = 2;
  std::string error;
  ASSERT_TRUE(Load(Save(), &error)) << error;
  Encoding enc;
  EXPECT_EQ(HashOf(target_, "h", &enc).size(), 3u);
  EXPECT_EQ(enc, Encoding::kHashtable);
  EXPECT_EQ(SetOf(target_, "ints", &enc).size(), 3u);
  EXPECT_EQ(enc, Encoding::kHashtable);
  EXPECT_EQ(SetOf(target_, "strs", &enc).size(), 3u);
  EXPECT_EQ(enc, Encoding::kHashtable);
}

TEST_F(RdbCollections, DuplicatesAreRefused) {
  std::string error;
  std::string dup_set = OneKeyFile(rdb::kTypeSet, [](RdbEncoder& enc) {
    enc.Length(2);
    enc.String("a");
    enc.String("a");
  });
  EXPECT_FALSE(Load(dup_set, &error));
  EXPECT_NE(error.find("duplicate"), std::string::npos) << error;
  std::string dup_hash = OneKeyFile(rdb::kTypeHash, [](RdbEncoder& enc) {
    enc.Length(2);
    for (int i = 0; i < 2; ++i) {
      enc.String("f");
      enc.String("v");
    }
  });
  EXPECT_FALSE(Load(dup_hash, &error));
  EXPECT_NE(error.find("duplicate"), std::string::npos) << error;
  EXPECT_EQ(target_.TotalKeys(), 0u);
}

TEST_F(RdbCollections, CorruptBlobsAreRefusedAndEmptyCollectionsSkipped) {
  std::string error;
  std::string bad_intset = OneKeyFile(rdb::kTypeSetIntset, [](RdbEncoder& enc) {
    enc.String(std::string("\x02\x00\x00\x00\x02\x00\x00\x00\x05\x00\x01\x00", 12));  // 5, 1
  });
  EXPECT_FALSE(Load(bad_intset, &error));
  EXPECT_NE(error.find("intset"), std::string::npos) << error;
  std::string odd_listpack = OneKeyFile(rdb::kTypeHashListpack, [](RdbEncoder& enc) {
    // A listpack of one element: a field without its value.
    enc.String(std::string("\x0a\x00\x00\x00\x01\x00\x81\x61\x02\xff", 10));
  });
  EXPECT_FALSE(Load(odd_listpack, &error));
  EXPECT_NE(error.find("listpack"), std::string::npos) << error;
  std::string empty = OneKeyFile(rdb::kTypeSet, [](RdbEncoder& enc) { enc.Length(0); });
  EXPECT_TRUE(Load(empty, &error)) << error;
  EXPECT_EQ(target_.TotalKeys(), 0u);
}

}  // namespace
}  // namespace ember::persistence
