// Hashes, as Redis 7.0 keeps them: a small hash is a listpack of
// field, value, field, value ... in insertion order; past
// hash-max-listpack-entries (512) fields, or once a field or value longer
// than hash-max-listpack-value (64) bytes is written, it becomes a hash
// table, and it never goes back. A hash key exists exactly while it has a
// field. HINCRBYFLOAT keeps long doubles and prints them like INCRBYFLOAT.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/support/command_harness.h"
#include "tests/support/matchers.h"

namespace ember::testing {
namespace {

using Strings = std::vector<std::string>;

constexpr std::string_view kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";

std::string Field(int i) { return "f" + std::to_string(i); }

// Every field of a hash, by HSCAN iterations until the cursor is 0.
std::map<std::string, std::string> ScanAll(CommandHarness& h, const std::string& key,
                                           const std::string& count = "10") {
  std::map<std::string, std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    protocol::Value r = h.Run({"HSCAN", key, cursor, "COUNT", count});
    EXPECT_EQ(r.elements().size(), 2u);
    cursor = r.elements()[0].str();
    const auto& items = r.elements()[1].elements();
    EXPECT_EQ(items.size() % 2, 0u);
    for (size_t i = 0; i + 1 < items.size(); i += 2) seen[items[i].str()] = items[i + 1].str();
  } while (cursor != "0" && ++calls < 100000);
  return seen;
}

TEST(Hash, HsetCountsOnlyNewFieldsAndHgetReadsThem) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"HSET", "h", "name", "ada", "born", "1815"}), IsInt(2));
  EXPECT_THAT(h.Run({"HSET", "h", "name", "Ada", "died", "1852"}), IsInt(1));
  EXPECT_THAT(h.Run({"HGET", "h", "name"}), IsBulk("Ada"));
  EXPECT_THAT(h.Run({"HGET", "h", "born"}), IsBulk("1815"));  // stored as an integer
  EXPECT_THAT(h.Run({"HGET", "h", "nope"}), IsNil());
  EXPECT_THAT(h.Run({"HGET", "missing", "f"}), IsNil());
  EXPECT_THAT(h.Run({"HLEN", "h"}), IsInt(3));
  EXPECT_THAT(h.Run({"HLEN", "missing"}), IsInt(0));
  EXPECT_THAT(h.Run({"TYPE", "h"}), IsSimple("hash"));
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "h"}), IsBulk("listpack"));
}

TEST(Hash, HmsetAnswersOkAndHmgetAnswersNilForMissingFields) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"HMSET", "h", "a", "1", "b", "2"}), IsOk());
  protocol::Value r = h.Run({"HMGET", "h", "a", "x", "b"});
  ASSERT_EQ(r.elements().size(), 3u);
  EXPECT_THAT(r.elements()[0], IsBulk("1"));
  EXPECT_THAT(r.elements()[1], IsNil());
  EXPECT_THAT(r.elements()[2], IsBulk("2"));
  protocol::Value none = h.Run({"HMGET", "missing", "a", "b"});
  ASSERT_EQ(none.elements().size(), 2u);
  EXPECT_THAT(none.elements()[1], IsNil());
}

TEST(Hash, FieldValuePairsMustComeInPairs) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"HSET", "h", "f", "v", "g"}),
              IsError("ERR wrong number of arguments for 'hset' command"));
  EXPECT_THAT(h.Run({"HMSET", "h", "f", "v", "g"}),
              IsError("ERR wrong number of arguments for 'hmset' command"));
  EXPECT_THAT(h.Run({"HSET", "h", "f"}),
              IsError("ERR wrong number of arguments for 'hset' command"));
  EXPECT_THAT(h.Run({"EXISTS", "h"}), IsInt(0));
}

TEST(Hash, HsetnxSetsOnlyAMissingField) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"HSETNX", "h", "f", "first"}), IsInt(1));
  EXPECT_THAT(h.Run({"HSETNX", "h", "f", "second"}), IsInt(0));
  EXPECT_THAT(h.Run({"HGET", "h", "f"}), IsBulk("first"));
}

TEST(Hash, DeletingTheLastFieldDeletesTheKey) {
  CommandHarness h;
  h.Run({"HSET", "h", "a", "1", "b", "2"});
  EXPECT_THAT(h.Run({"HDEL", "h", "a", "nope", "a"}), IsInt(1));
  EXPECT_THAT(h.Run({"HEXISTS", "h", "a"}), IsInt(0));
  EXPECT_THAT(h.Run({"HEXISTS", "h", "b"}), IsInt(1));
  EXPECT_THAT(h.Run({"HDEL", "h", "b"}), IsInt(1));
  EXPECT_THAT(h.Run({"EXISTS", "h"}), IsInt(0));
  EXPECT_THAT(h.Run({"HDEL", "h", "b"}), IsInt(0));
}

TEST(Hash, HstrlenCountsTheValueAsText) {
  CommandHarness h;
  h.Run({"HSET", "h", "n", "-12345", "s", "hello"});
  EXPECT_THAT(h.Run({"HSTRLEN", "h", "n"}), IsInt(6));
  EXPECT_THAT(h.Run({"HSTRLEN", "h", "s"}), IsInt(5));
  EXPECT_THAT(h.Run({"HSTRLEN", "h", "x"}), IsInt(0));
  EXPECT_THAT(h.Run({"HSTRLEN", "missing", "x"}), IsInt(0));
}

TEST(Hash, HgetallHkeysHvalsFollowInsertionOrderWhileAListpack) {
  CommandHarness h;
  h.Run({"HSET", "h", "z", "1", "a", "2", "m", "3"});
  h.Run({"HSET", "h", "a", "two"});  // an overwrite keeps its place
  EXPECT_THAT(h.Run({"HGETALL", "h"}), IsBulkArray(Strings{"z", "1", "a", "two", "m", "3"}));
  EXPECT_THAT(h.Run({"HKEYS", "h"}), IsBulkArray(Strings{"z", "a", "m"}));
  EXPECT_THAT(h.Run({"HVALS", "h"}), IsBulkArray(Strings{"1", "two", "3"}));
  EXPECT_THAT(h.Run({"HGETALL", "missing"}), IsBulkArray(Strings{}));
}

TEST(Hash, HgetallIsAMapInResp3) {
  CommandHarness h;
  h.Run({"HSET", "h", "a", "1"});
  h.Run({"HELLO", "3"});
  EXPECT_EQ(h.RunRaw({"HGETALL", "h"}), "%1\r\n$1\r\na\r\n$1\r\n1\r\n");
  EXPECT_EQ(h.RunRaw({"HGETALL", "missing"}), "%0\r\n");
  EXPECT_EQ(h.RunRaw({"HKEYS", "h"}), "*1\r\n$1\r\na\r\n");
}

TEST(HashEncoding, ConvertsWhenFieldsExceedHashMaxListpackEntries) {
  CommandHarness h;
  for (int i = 0; i < 512; ++i) h.Run({"HSET", "h", Field(i), "v"});
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "h"}), IsBulk("listpack"));
  h.Run({"HSET", "h", Field(0), "overwrite"});  // still 512 fields
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "h"}), IsBulk("listpack"));
  h.Run({"HSET", "h", Field(512), "v"});
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "h"}), IsBulk("hashtable"));
  EXPECT_THAT(h.Run({"HLEN", "h"}), IsInt(513));
  EXPECT_THAT(h.Run({"HGET", "h", Field(0)}), IsBulk("overwrite"));
}

TEST(HashEncoding, TheEntriesLimitIsReadAtEachWrite) {
  CommandHarness h;
  h.server().keyspace().limits().hash_max_listpack_entries = 4;
  h.Run({"HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4"});
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "h"}), IsBulk("listpack"));
  h.Run({"HSETNX", "h", "e", "5"});
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "h"}), IsBulk("hashtable"));
}

TEST(HashEncoding, ConvertsOnAFieldOrValueLongerThanHashMaxListpackValue) {
  CommandHarness h;
  h.Run({"HSET", "h", "f", std::string(64, 'v')});
  h.Run({"HSET", "h", std::string(64, 'k'), "v"});
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "h"}), IsBulk("listpack"));
  h.Run({"HSET", "h", "g", std::string(65, 'v')});
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "h"}), IsBulk("hashtable"));

  h.Run({"HSET", "h2", "a", "1"});
  h.Run({"HSET", "h2", std::string(65, 'k'), "1"});
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "h2"}), IsBulk("hashtable"));
}

TEST(HashEncoding, HsetChecksEveryArgumentEvenAnOverwrite) {
  CommandHarness h;
  h.Run({"HSET", "h", "a", "1"});
  // The field exists, so the hash does not grow, but the value is long.
  EXPECT_THAT(h.Run({"HSET", "h", "a", std::string(65, 'x')}), IsInt(0));
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "h"}), IsBulk("hashtable"));
  // HSETNX does not look at a value it will not write.
  h.Run({"HSET", "h2", "a", "1"});
  EXPECT_THAT(h.Run({"HSETNX", "h2", "a", std::string(65, 'x')}), IsInt(0));
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "h2"}), IsBulk("listpack"));
}

TEST(HashEncoding, IncrementsCheckTheNumberTheyWrite) {
  CommandHarness h;
  h.server().keyspace().limits().hash_max_listpack_value = 3;
  h.Run({"HSET", "h", "a", "1", "b", "1"});
  EXPECT_THAT(h.Run({"HINCRBY", "h", "a", "998"}), IsInt(999));
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "h"}), IsBulk("listpack"));
  EXPECT_THAT(h.Run({"HINCRBY", "h", "a", "1"}), IsInt(1000));
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "h"}), IsBulk("hashtable"));

  h.Run({"HSET", "f", "a", "1"});
  EXPECT_THAT(h.Run({"HINCRBYFLOAT", "f", "a", "0.5"}), IsBulk("1.5"));
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "f"}), IsBulk("listpack"));
  EXPECT_THAT(h.Run({"HINCRBYFLOAT", "f", "a", "0.25"}), IsBulk("1.75"));
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "f"}), IsBulk("hashtable"));
}

TEST(HashEncoding, AHashTableNeverBecomesAListpackAgain) {
  CommandHarness h;
  for (int i = 0; i < 600; ++i) h.Run({"HSET", "h", Field(i), "v"});
  for (int i = 1; i < 600; ++i) h.Run({"HDEL", "h", Field(i)});
  EXPECT_THAT(h.Run({"HLEN", "h"}), IsInt(1));
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "h"}), IsBulk("hashtable"));
  EXPECT_THAT(h.Run({"HGETALL", "h"}), IsBulkArray(Strings{"f0", "v"}));
}

TEST(Hash, HincrbyAddsToIntegersOnly) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"HINCRBY", "h", "n", "5"}), IsInt(5));
  EXPECT_THAT(h.Run({"HINCRBY", "h", "n", "-7"}), IsInt(-2));
  h.Run({"HSET", "h", "s", "abc", "f", "1.5", "big", "9223372036854775807"});
  EXPECT_THAT(h.Run({"HINCRBY", "h", "s", "1"}), IsError("ERR hash value is not an integer"));
  EXPECT_THAT(h.Run({"HINCRBY", "h", "f", "1"}), IsError("ERR hash value is not an integer"));
  EXPECT_THAT(h.Run({"HINCRBY", "h", "big", "1"}),
              IsError("ERR increment or decrement would overflow"));
  EXPECT_THAT(h.Run({"HINCRBY", "h", "n", "x"}),
              IsError("ERR value is not an integer or out of range"));
  EXPECT_THAT(h.Run({"HINCRBY", "h", "n", "0x10"}),
              IsError("ERR value is not an integer or out of range"));
  EXPECT_THAT(h.Run({"HGET", "h", "big"}), IsBulk("9223372036854775807"));
}

TEST(Hash, HincrbyfloatFormatsLikeIncrbyfloat) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"HINCRBYFLOAT", "h", "x", "10.50"}), IsBulk("10.5"));
  EXPECT_THAT(h.Run({"HINCRBYFLOAT", "h", "x", "-0.5"}), IsBulk("10"));
  EXPECT_THAT(h.Run({"HINCRBYFLOAT", "h", "y", "5.0e3"}), IsBulk("5000"));
  EXPECT_THAT(h.Run({"HINCRBYFLOAT", "h", "z", "1.23456789012345678901"}),
              IsBulk("1.23456789012345679"));
  EXPECT_THAT(h.Run({"HINCRBYFLOAT", "h", "w", "-0.0"}), IsBulk("0"));
  EXPECT_THAT(h.Run({"HGET", "h", "x"}), IsBulk("10"));
  h.Run({"HSET", "h", "i", "3"});
  EXPECT_THAT(h.Run({"HINCRBYFLOAT", "h", "i", "0.1"}), IsBulk("3.1"));
}

TEST(Hash, HincrbyfloatErrors) {
  CommandHarness h;
  h.Run({"HSET", "h", "s", "abc", "huge", "1e4932"});
  EXPECT_THAT(h.Run({"HINCRBYFLOAT", "h", "s", "1"}), IsError("ERR hash value is not a float"));
  EXPECT_THAT(h.Run({"HINCRBYFLOAT", "h", "s", "abc"}), IsError("ERR value is not a valid float"));
  EXPECT_THAT(h.Run({"HINCRBYFLOAT", "h", "s", " 1"}), IsError("ERR value is not a valid float"));
  EXPECT_THAT(h.Run({"HINCRBYFLOAT", "h", "s", "nan"}), IsError("ERR value is not a valid float"));
  EXPECT_THAT(h.Run({"HINCRBYFLOAT", "h", "s", "inf"}), IsError("ERR value is NaN or Infinity"));
  EXPECT_THAT(h.Run({"HINCRBYFLOAT", "h", "huge", "1e4932"}),
              IsError("ERR increment would produce NaN or Infinity"));
  EXPECT_THAT(h.Run({"HINCRBYFLOAT", "new", "f", "inf"}), IsError("ERR value is NaN or Infinity"));
  EXPECT_THAT(h.Run({"EXISTS", "new"}), IsInt(0));
}

TEST(Hash, HrandfieldWithoutCountReturnsOneField) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"HRANDFIELD", "missing"}), IsNil());
  h.Run({"HSET", "h", "a", "1", "b", "2", "c", "3"});
  for (int i = 0; i < 20; ++i) {
    protocol::Value r = h.Run({"HRANDFIELD", "h"});
    ASSERT_EQ(r.type(), protocol::Type::kBulkString);
    EXPECT_TRUE(r.str() == "a" || r.str() == "b" || r.str() == "c") << r.str();
  }
}

// Checks HRANDFIELD key count [WITHVALUES] on a hash of `n` fields
// f0..f(n-1) whose values are v0..v(n-1).
void CheckRandomFields(CommandHarness& h, const std::string& key, int n) {
  for (int count : {1, 2, n / 2, n - 1, n, n + 5, -1, -3, -(3 * n)}) {
    protocol::Value r = h.Run({"HRANDFIELD", key, std::to_string(count)});
    size_t want = count < 0 ? static_cast<size_t>(-count) : std::min(count, n);
    ASSERT_EQ(r.elements().size(), want) << "count " << count;
    std::set<std::string> distinct;
    for (const auto& e : r.elements()) {
      ASSERT_EQ(e.str().rfind("f", 0), 0u);
      distinct.insert(e.str());
    }
    if (count > 0) {
      EXPECT_EQ(distinct.size(), want) << "a positive count never repeats";
    }

    protocol::Value w = h.Run({"HRANDFIELD", key, std::to_string(count), "WITHVALUES"});
    ASSERT_EQ(w.elements().size(), want * 2);
    for (size_t i = 0; i < w.elements().size(); i += 2) {
      EXPECT_EQ("v" + w.elements()[i].str().substr(1), w.elements()[i + 1].str());
    }
  }
}

TEST(Hash, HrandfieldCountShapesMatchRedis) {
  CommandHarness h;
  for (int i = 0; i < 20; ++i) h.Run({"HSET", "small", Field(i), "v" + std::to_string(i)});
  CheckRandomFields(h, "small", 20);
  for (int i = 0; i < 600; ++i) h.Run({"HSET", "big", Field(i), "v" + std::to_string(i)});
  ASSERT_THAT(h.Run({"OBJECT", "ENCODING", "big"}), IsBulk("hashtable"));
  CheckRandomFields(h, "big", 600);
  // Negative counts may repeat: asking for 50 of 1 field repeats it.
  h.Run({"HSET", "one", "f", "v"});
  protocol::Value r = h.Run({"HRANDFIELD", "one", "-50"});
  ASSERT_EQ(r.elements().size(), 50u);
  EXPECT_THAT(r.elements()[49], IsBulk("f"));
}

TEST(Hash, HrandfieldWithValuesNestsPairsInResp3) {
  CommandHarness h;
  h.Run({"HSET", "h", "a", "1"});
  EXPECT_EQ(h.RunRaw({"HRANDFIELD", "h", "-2", "WITHVALUES"}),
            "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n1\r\n");
  h.Run({"HELLO", "3"});
  EXPECT_EQ(h.RunRaw({"HRANDFIELD", "h", "-2", "WITHVALUES"}),
            "*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n");
  EXPECT_EQ(h.RunRaw({"HRANDFIELD", "missing", "2"}), "*0\r\n");
  EXPECT_EQ(h.RunRaw({"HRANDFIELD", "missing"}), "_\r\n");
}

TEST(Hash, HrandfieldArgumentErrors) {
  CommandHarness h;
  h.Run({"HSET", "h", "a", "1"});
  EXPECT_THAT(h.Run({"HRANDFIELD", "h", "x"}),
              IsError("ERR value is not an integer or out of range"));
  EXPECT_THAT(h.Run({"HRANDFIELD", "h", "-9223372036854775808"}),
              IsError("ERR value is out of range, value must between -9223372036854775807 and "
                      "9223372036854775807"));
  EXPECT_THAT(h.Run({"HRANDFIELD", "h", "1", "WITHVALUE"}), IsError("ERR syntax error"));
  EXPECT_THAT(h.Run({"HRANDFIELD", "h", "1", "WITHVALUES", "x"}), IsError("ERR syntax error"));
  // Twice the count elements must fit in a long.
  EXPECT_THAT(h.Run({"HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"}),
              IsError("ERR value is out of range"));
  EXPECT_THAT(h.Run({"HRANDFIELD", "h", "4611686018427387904", "WITHVALUES"}),
              IsError("ERR value is out of range"));
  EXPECT_THAT(h.Run({"HRANDFIELD", "h", "0", "WITHVALUES"}), IsBulkArray(Strings{}));
}

TEST(Hash, HscanReturnsAListpackWholeWithCursorZero) {
  CommandHarness h;
  h.Run({"HSET", "h", "a", "1", "b", "2", "ab", "3"});
  protocol::Value r = h.Run({"HSCAN", "h", "0", "COUNT", "1"});
  EXPECT_THAT(r.elements()[0], IsBulk("0"));
  EXPECT_THAT(r.elements()[1], IsBulkArray(Strings{"a", "1", "b", "2", "ab", "3"}));
  r = h.Run({"HSCAN", "h", "12345", "MATCH", "a*"});  // the cursor is ignored
  EXPECT_THAT(r.elements()[0], IsBulk("0"));
  EXPECT_THAT(r.elements()[1], IsBulkArray(Strings{"a", "1", "ab", "3"}));
  EXPECT_EQ(h.RunRaw({"HSCAN", "missing", "0"}), "*2\r\n$1\r\n0\r\n*0\r\n");
}

TEST(Hash, HscanOfAHashTableVisitsEveryFieldAcrossCalls) {
  CommandHarness h;
  std::map<std::string, std::string> want;
  for (int i = 0; i < 1000; ++i) {
    h.Run({"HSET", "h", Field(i), std::to_string(i)});
    want[Field(i)] = std::to_string(i);
  }
  EXPECT_EQ(ScanAll(h, "h"), want);
  EXPECT_EQ(ScanAll(h, "h", "1"), want);
  EXPECT_EQ(ScanAll(h, "h", "1000"), want);
  // MATCH filters what the visited buckets held.
  std::string cursor = "0";
  std::set<std::string> matched;
  do {
    protocol::Value r = h.Run({"HSCAN", "h", cursor, "MATCH", "f1??"});
    cursor = r.elements()[0].str();
    for (size_t i = 0; i < r.elements()[1].elements().size(); i += 2) {
      matched.insert(r.elements()[1].elements()[i].str());
    }
  } while (cursor != "0");
  EXPECT_EQ(matched.size(), 100u);
}

TEST(Hash, HscanArgumentErrorsComeInRedisOrder) {
  CommandHarness h;
  h.Run({"HSET", "h", "a", "1"});
  h.Run({"SET", "s", "x"});
  EXPECT_THAT(h.Run({"HSCAN", "h", "abc"}), IsError("ERR invalid cursor"));
  EXPECT_THAT(h.Run({"HSCAN", "s", "abc"}), IsError("ERR invalid cursor"));  // before the type
  EXPECT_THAT(h.Run({"HSCAN", "s", "0"}), IsError(kWrongType));
  EXPECT_THAT(h.Run({"HSCAN", "h", "0", "COUNT", "0"}), IsError("ERR syntax error"));
  EXPECT_THAT(h.Run({"HSCAN", "h", "0", "COUNT", "x"}),
              IsError("ERR value is not an integer or out of range"));
  EXPECT_THAT(h.Run({"HSCAN", "h", "0", "TYPE", "hash"}), IsError("ERR syntax error"));
  EXPECT_THAT(h.Run({"HSCAN", "h", "0", "MATCH"}), IsError("ERR syntax error"));
  // A missing key answers before the options are even read.
  EXPECT_EQ(h.RunRaw({"HSCAN", "missing", "0", "COUNT", "0"}), "*2\r\n$1\r\n0\r\n*0\r\n");
  // strtoul: "-1" is the largest cursor.
  EXPECT_THAT(h.Run({"HSCAN", "h", "-1"}).elements()[0], IsBulk("0"));
}

TEST(Hash, EveryCommandRefusesAnotherType) {
  CommandHarness h;
  h.Run({"SET", "s", "x"});
  for (const std::vector<std::string>& cmd : std::vector<std::vector<std::string>>{
           {"HSET", "s", "f", "v"},
           {"HMSET", "s", "f", "v"},
           {"HSETNX", "s", "f", "v"},
           {"HGET", "s", "f"},
           {"HMGET", "s", "f"},
           {"HDEL", "s", "f"},
           {"HEXISTS", "s", "f"},
           {"HLEN", "s"},
           {"HKEYS", "s"},
           {"HVALS", "s"},
           {"HGETALL", "s"},
           {"HINCRBY", "s", "f", "1"},
           {"HINCRBYFLOAT", "s", "f", "1"},
           {"HSTRLEN", "s", "f"},
           {"HRANDFIELD", "s"},
           {"HRANDFIELD", "s", "2", "WITHVALUES"},
       }) {
    EXPECT_THAT(h.Run(cmd), IsError(kWrongType)) << cmd[0];
  }
  h.Run({"HSET", "h", "f", "v"});
  EXPECT_THAT(h.Run({"GET", "h"}), IsError(kWrongType));
  EXPECT_THAT(h.Run({"LPUSH", "h", "x"}), IsError(kWrongType));
}

TEST(Hash, OnlyRealChangesInvalidateAWatch) {
  CommandHarness h;
  server::Client& other = h.NewClient();
  h.Run({"HSET", "h", "a", "1"});

  h.Run({"WATCH", "h"});
  h.RunAs(other, {"HDEL", "h", "nope"});
  h.RunAs(other, {"HSETNX", "h", "a", "2"});
  h.Run({"MULTI"});
  h.Run({"HGET", "h", "a"});
  EXPECT_THAT(h.Run({"EXEC"}), IsBulkArray(Strings{"1"}));

  h.Run({"WATCH", "h"});
  h.RunAs(other, {"HINCRBY", "h", "a", "1"});
  h.Run({"MULTI"});
  h.Run({"HGET", "h", "a"});
  EXPECT_THAT(h.Run({"EXEC"}), IsNilArray());
}

TEST(Hash, CopyDuplicatesBothEncodings) {
  CommandHarness h;
  h.Run({"HSET", "small", "a", "1"});
  for (int i = 0; i < 600; ++i) h.Run({"HSET", "big", Field(i), "v"});
  EXPECT_THAT(h.Run({"COPY", "small", "small2"}), IsInt(1));
  EXPECT_THAT(h.Run({"COPY", "big", "big2"}), IsInt(1));
  h.Run({"HSET", "big", "extra", "x"});
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "small2"}), IsBulk("listpack"));
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "big2"}), IsBulk("hashtable"));
  EXPECT_THAT(h.Run({"HLEN", "big2"}), IsInt(600));
  EXPECT_THAT(h.Run({"HGET", "small2", "a"}), IsBulk("1"));
}

}  // namespace
}  // namespace ember::testing
