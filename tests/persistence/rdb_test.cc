// RDB snapshots: what Ember writes, it reads back exactly (values,
// encodings that matter, deadlines), keys whose deadline has passed are not
// loaded, and files that are truncated or corrupt are rejected with the
// offset of the problem and leave the keyspace empty.
#include "persistence/rdb.h"
#include "tests/persistence/rdb_round_trip.h"

#include <gtest/gtest.h>

#include <string>

#include "storage/clock.h"
#include "storage/keyspace.h"
#include "storage/list_ops.h"
#include "storage/string_ops.h"

namespace ember::persistence {
namespace {

class RdbTest : public RdbRoundTrip {
 protected:
  std::string GetString(storage::Keyspace& ks, int db, const std::string& key) {
    ks.RefreshTime();
    auto v = storage::Get(ks.db(db), key);
    return v.ok() ? v->ToString() : "<missing>";
  }
};

TEST_F(RdbTest, StartsWithTheMagicAndEndsWithTheChecksum) {
  std::string bytes = Save();
  EXPECT_EQ(bytes.substr(0, 9), "REDIS0010");
  EXPECT_EQ(static_cast<uint8_t>(bytes[bytes.size() - 9]), 0xFF);  // EOF opcode
}

TEST_F(RdbTest, StringsOfEveryEncodingRoundTrip) {
  storage::SetOptions plain;
  storage::Set(source_.db(0), "int", "12345", plain);
  storage::Set(source_.db(0), "neg", "-98765", plain);
  storage::Set(source_.db(0), "big", "9223372036854775807", plain);
  storage::Set(source_.db(0), "text", "hello", plain);
  storage::Set(source_.db(0), "long", std::string(300, 'a'), plain);  // LZF-compressed
  storage::Set(source_.db(5), "other-db", "x", plain);
  std::string error;
  ASSERT_TRUE(Load(Save(), &error)) << error;
  EXPECT_EQ(GetString(target_, 0, "int"), "12345");
  EXPECT_EQ(GetString(target_, 0, "neg"), "-98765");
  EXPECT_EQ(GetString(target_, 0, "big"), "9223372036854775807");
  EXPECT_EQ(GetString(target_, 0, "text"), "hello");
  EXPECT_EQ(GetString(target_, 0, "long"), std::string(300, 'a'));
  EXPECT_EQ(GetString(target_, 5, "other-db"), "x");
  EXPECT_EQ(target_.TotalKeys(), 6u);
}

TEST_F(RdbTest, CompressionShrinksRepetitiveValues) {
  storage::Set(source_.db(0), "long", std::string(10000, 'a'), {});
  EXPECT_LT(Save(true).size() + 9000, Save(false).size());
}

TEST_F(RdbTest, DeadlinesAreKeptAndExpiredKeysAreNotLoaded) {
  storage::SetOptions soon, later;
  soon.expire_at_ms = clock_.NowMs() + 100;
  later.expire_at_ms = clock_.NowMs() + 100000;
  storage::Set(source_.db(0), "soon", "v", soon);
  storage::Set(source_.db(0), "later", "v", later);
  std::string bytes = Save();
  clock_.AdvanceMs(200);  // "soon" has expired by the time the file is loaded
  std::string error;
  ASSERT_TRUE(Load(bytes, &error)) << error;
  target_.RefreshTime();
  EXPECT_EQ(target_.db(0).LookupRead("soon"), nullptr);
  storage::Entry* e = target_.db(0).LookupRead("later");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->expire_at(), clock_.NowMs() - 200 + 100000);
}

TEST_F(RdbTest, ListsRoundTripInOrderAcrossNodes) {
  std::vector<std::string> values;
  for (int i = 0; i < 3000; ++i) values.push_back("element-" + std::to_string(i));
  std::vector<std::string_view> views(values.begin(), values.end());
  storage::list::Push(source_.db(0), "list", views, /*head=*/false, false);
  std::string error;
  ASSERT_TRUE(Load(Save(), &error)) << error;
  target_.RefreshTime();
  auto len = storage::list::Length(target_.db(0), "list");
  ASSERT_TRUE(len.ok());
  EXPECT_EQ(*len, 3000);
  EXPECT_EQ(*storage::list::Index(target_.db(0), "list", 2999), "element-2999");
}

TEST_F(RdbTest, EveryTruncationIsRejectedAndLoadsNothing) {
  storage::Set(source_.db(0), "a", "1", {});
  storage::Set(source_.db(0), "b", std::string(100, 'x'), {});
  std::string bytes = Save();
  for (size_t len = 0; len < bytes.size(); ++len) {
    std::string error;
    EXPECT_FALSE(Load(bytes.substr(0, len), &error)) << len;
    EXPECT_NE(error.find("offset"), std::string::npos) << error;
    EXPECT_EQ(target_.TotalKeys(), 0u) << len;
  }
}

TEST_F(RdbTest, AFlippedByteFailsTheChecksum) {
  storage::Set(source_.db(0), "key", "value", {});
  std::string bytes = Save();
  bytes[bytes.size() - 12] ^= 0x01;  // inside the value
  std::string error;
  EXPECT_FALSE(Load(bytes, &error));
  EXPECT_EQ(target_.TotalKeys(), 0u);
}

TEST_F(RdbTest, AWrongSignatureIsRejected) {
  std::string error;
  EXPECT_FALSE(Load("REDIX0010\xff", &error));
  EXPECT_NE(error.find("signature"), std::string::npos);
  EXPECT_FALSE(Load("REDIS0099\xff", &error));
  EXPECT_NE(error.find("version 99"), std::string::npos);
}

}  // namespace
}  // namespace ember::persistence
