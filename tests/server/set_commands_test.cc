// Sets, in the three shapes Redis gives them: an intset while every member
// is a canonical integer (at most set-max-intset-entries, 512), a listpack
// while small (at most set-max-listpack-entries, 128, members of at most
// set-max-listpack-value, 64, bytes: Redis 7.2's encoding), and a hash table
// beyond. A set key exists exactly while it has a member; a missing key is
// an empty set to every command. SPOP and SRANDMEMBER draw from the
// keyspace's random generator, so these tests check what the results are
// made of, not which members came out.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "tests/support/command_harness.h"
#include "tests/support/matchers.h"

namespace ember::testing {
namespace {

using Strings = std::vector<std::string>;

constexpr std::string_view kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";

std::set<std::string> AsSet(const protocol::Value& v) {
  std::set<std::string> out;
  for (const auto& e : v.elements()) out.insert(e.str());
  return out;
}

std::vector<std::string> SaddArgs(const std::string& key, int from, int to,
                                  const std::string& prefix = "") {
  std::vector<std::string> args = {"SADD", key};
  for (int i = from; i < to; ++i) args.push_back(prefix + std::to_string(i));
  return args;
}

TEST(Set, SaddCountsNewMembersAndSremRemovedOnes) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"SADD", "s", "a", "b", "a"}), IsInt(2));
  EXPECT_THAT(h.Run({"SADD", "s", "b", "c"}), IsInt(1));
  EXPECT_THAT(h.Run({"SCARD", "s"}), IsInt(3));
  EXPECT_THAT(h.Run({"SISMEMBER", "s", "c"}), IsInt(1));
  EXPECT_THAT(h.Run({"SISMEMBER", "s", "z"}), IsInt(0));
  EXPECT_THAT(h.Run({"SISMEMBER", "missing", "z"}), IsInt(0));
  protocol::Value m = h.Run({"SMISMEMBER", "s", "a", "z", "c"});
  ASSERT_EQ(m.elements().size(), 3u);
  EXPECT_THAT(m.elements()[1], IsInt(0));
  EXPECT_THAT(m.elements()[2], IsInt(1));
  EXPECT_THAT(h.Run({"SMISMEMBER", "missing", "a"}).elements()[0], IsInt(0));
  EXPECT_THAT(h.Run({"SREM", "s", "a", "z"}), IsInt(1));
  EXPECT_THAT(h.Run({"SMEMBERS", "s"}), IsBulkSetOf(Strings{"b", "c"}));
  EXPECT_THAT(h.Run({"TYPE", "s"}), IsSimple("set"));
}

TEST(Set, RemovingTheLastMemberDeletesTheKey) {
  CommandHarness h;
  h.Run({"SADD", "s", "1", "x"});
  EXPECT_THAT(h.Run({"SREM", "s", "1", "x", "y"}), IsInt(2));
  EXPECT_THAT(h.Run({"EXISTS", "s"}), IsInt(0));
  EXPECT_THAT(h.Run({"SCARD", "s"}), IsInt(0));
  EXPECT_THAT(h.Run({"SREM", "s", "1"}), IsInt(0));
}

TEST(SetEncoding, CanonicalIntegersMakeAnIntsetListedInAscendingOrder) {
  CommandHarness h;
  h.Run({"SADD", "s", "30", "-7", "100000", "2", "9223372036854775807"});
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "s"}), IsBulk("intset"));
  EXPECT_THAT(h.Run({"SMEMBERS", "s"}),
              IsBulkArray(Strings{"-7", "2", "30", "100000", "9223372036854775807"}));
  EXPECT_THAT(h.Run({"SISMEMBER", "s", "030"}), IsInt(0));  // not the integer 30
  // Texts that are not canonical integers are strings.
  for (const char* m : {"01", "+1", "-0", " 1", "1 ", "9223372036854775808"}) {
    h.Run({"DEL", "t"});
    h.Run({"SADD", "t", m});
    EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "t"}), IsBulk("listpack")) << m;
  }
}

TEST(SetEncoding, AnIntsetBecomesAHashTablePastSetMaxIntsetEntries) {
  CommandHarness h;
  h.Run(SaddArgs("s", 0, 512));
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "s"}), IsBulk("intset"));
  EXPECT_THAT(h.Run({"SADD", "s", "0"}), IsInt(0));  // a member already: no change
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "s"}), IsBulk("intset"));
  EXPECT_THAT(h.Run({"SADD", "s", "512"}), IsInt(1));
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "s"}), IsBulk("hashtable"));
  EXPECT_THAT(h.Run({"SCARD", "s"}), IsInt(513));

  h.server().keyspace().limits().set_max_intset_entries = 4;
  h.Run({"SADD", "small", "1", "2", "3", "4"});
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "small"}), IsBulk("intset"));
  h.Run({"SADD", "small", "5"});
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "small"}), IsBulk("hashtable"));
}

TEST(SetEncoding, AStringTurnsASmallIntsetIntoAListpack) {
  CommandHarness h;
  h.Run({"SADD", "s", "3", "1", "2"});
  h.Run({"SADD", "s", "x"});
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "s"}), IsBulk("listpack"));
  // The intset's ascending order carries over, then insertion order.
  EXPECT_THAT(h.Run({"SMEMBERS", "s"}), IsBulkArray(Strings{"1", "2", "3", "x"}));
  EXPECT_THAT(h.Run({"SISMEMBER", "s", "2"}), IsInt(1));
  // A listpack never goes back to an intset, even holding only integers.
  h.Run({"SREM", "s", "x"});
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "s"}), IsBulk("listpack"));
}

TEST(SetEncoding, AnIntsetTooBigForAListpackGoesStraightToAHashTable) {
  CommandHarness h;
  h.Run(SaddArgs("s", 0, 127));
  h.Run({"SADD", "s", "x"});  // 127 + 1 members fit
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "s"}), IsBulk("listpack"));
  h.Run(SaddArgs("t", 0, 128));
  h.Run({"SADD", "t", "x"});  // 129 would not
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "t"}), IsBulk("hashtable"));
  h.Run({"SADD", "u", "1"});
  h.Run({"SADD", "u", std::string(65, 'x')});
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "u"}), IsBulk("hashtable"));
}

TEST(SetEncoding, AListpackBecomesAHashTableAtItsLimits) {
  CommandHarness h;
  h.Run(SaddArgs("s", 0, 128, "m"));
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "s"}), IsBulk("listpack"));
  h.Run({"SADD", "s", "m0"});
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "s"}), IsBulk("listpack"));
  h.Run({"SADD", "s", "m128"});
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "s"}), IsBulk("hashtable"));

  h.Run({"SADD", "v", std::string(64, 'x')});
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "v"}), IsBulk("listpack"));
  h.Run({"SADD", "v", std::string(65, 'x')});
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "v"}), IsBulk("hashtable"));

  h.server().keyspace().limits().set_max_listpack_entries = 3;
  h.Run({"SADD", "w", "a", "b", "c"});
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "w"}), IsBulk("listpack"));
  h.Run({"SADD", "w", "d"});
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "w"}), IsBulk("hashtable"));
  // More members named than a listpack may hold: converted up front, as in
  // Redis 7.2, even though none is new.
  h.Run({"SADD", "y", "a"});
  h.Run({"SADD", "y", "a", "a", "a", "a"});
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "y"}), IsBulk("hashtable"));
}

TEST(SetEncoding, AHashTableStaysOne) {
  CommandHarness h;
  h.Run(SaddArgs("s", 0, 200, "m"));
  for (int i = 1; i < 200; ++i) h.Run({"SREM", "s", "m" + std::to_string(i)});
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "s"}), IsBulk("hashtable"));
  EXPECT_THAT(h.Run({"SMEMBERS", "s"}), IsBulkArray(Strings{"m0"}));
}

TEST(Set, SmembersAndFriendsAreSetsInResp3) {
  CommandHarness h;
  h.Run({"SADD", "s", "2", "1"});
  h.Run({"HELLO", "3"});
  EXPECT_EQ(h.RunRaw({"SMEMBERS", "s"}), "~2\r\n$1\r\n1\r\n$1\r\n2\r\n");
  EXPECT_EQ(h.RunRaw({"SMEMBERS", "missing"}), "~0\r\n");
  EXPECT_EQ(h.RunRaw({"SINTER", "s", "missing"}), "~0\r\n");
  EXPECT_EQ(h.RunRaw({"SUNION", "s"}), "~2\r\n$1\r\n1\r\n$1\r\n2\r\n");
  EXPECT_EQ(h.RunRaw({"SPOP", "missing", "2"}), "~0\r\n");
  // SRANDMEMBER may repeat members, so it is an array even in RESP3.
  EXPECT_EQ(h.RunRaw({"SRANDMEMBER", "s", "-2"}).substr(0, 4), "*2\r\n");
  EXPECT_EQ(h.RunRaw({"SRANDMEMBER", "missing", "2"}), "*0\r\n");
  EXPECT_EQ(h.RunRaw({"SRANDMEMBER", "missing"}), "_\r\n");
}

TEST(Set, SpopRemovesWhatItReturns) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"SPOP", "missing"}), IsNil());
  h.Run(SaddArgs("s", 0, 50, "m"));
  std::set<std::string> popped;
  protocol::Value one = h.Run({"SPOP", "s"});
  popped.insert(one.str());
  // Few of many (random removals), then most of what is left (the members
  // to keep are drawn instead).
  for (int count : {3, 10, 31}) {
    protocol::Value r = h.Run({"SPOP", "s", std::to_string(count)});
    ASSERT_EQ(r.elements().size(), static_cast<size_t>(count));
    for (const auto& e : r.elements()) EXPECT_TRUE(popped.insert(e.str()).second) << e.str();
  }
  EXPECT_THAT(h.Run({"SCARD", "s"}), IsInt(50 - 45));
  for (const std::string& m : popped) EXPECT_THAT(h.Run({"SISMEMBER", "s", m}), IsInt(0));
  protocol::Value rest = h.Run({"SPOP", "s", "100"});
  EXPECT_EQ(rest.elements().size(), 5u);
  EXPECT_THAT(h.Run({"EXISTS", "s"}), IsInt(0));
}

TEST(Set, SpopOfAllIntegersListsThemInAscendingOrder) {
  CommandHarness h;
  h.Run({"SADD", "s", "5", "-1", "3"});
  EXPECT_THAT(h.Run({"SPOP", "s", "3"}), IsBulkArray(Strings{"-1", "3", "5"}));
}

TEST(Set, SpopOfMostOfAHashTableKeepsTheRestAsANewSet) {
  CommandHarness h;
  h.Run(SaddArgs("s", 0, 600));  // a hash table of integers
  ASSERT_THAT(h.Run({"OBJECT", "ENCODING", "s"}), IsBulk("hashtable"));
  protocol::Value r = h.Run({"SPOP", "s", "590"});
  EXPECT_EQ(AsSet(r).size(), 590u);
  EXPECT_THAT(h.Run({"SCARD", "s"}), IsInt(10));
  // The 10 kept members were drawn into a fresh set typed by its first
  // member: all integers, so an intset (as Redis 7.0 does too).
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "s"}), IsBulk("intset"));
}

TEST(Set, SpopArgumentErrors) {
  CommandHarness h;
  h.Run({"SET", "str", "x"});
  EXPECT_THAT(h.Run({"SPOP", "s", "-1"}), IsError("ERR value is out of range, must be positive"));
  EXPECT_THAT(h.Run({"SPOP", "s", "x"}), IsError("ERR value is out of range, must be positive"));
  EXPECT_THAT(h.Run({"SPOP", "s", "1", "2"}), IsError("ERR syntax error"));
  EXPECT_THAT(h.Run({"SPOP", "str", "0"}), IsError(kWrongType));
  EXPECT_THAT(h.Run({"SPOP", "str", "-1"}), IsError("ERR value is out of range, must be positive"));
}

TEST(Set, SrandmemberCountShapes) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"SRANDMEMBER", "missing"}), IsNil());
  EXPECT_THAT(h.Run({"SRANDMEMBER", "missing", "5"}), IsBulkArray(Strings{}));
  for (const auto& [key, n, prefix] : std::vector<std::tuple<std::string, int, std::string>>{
           {"ints", 40, ""}, {"lp", 40, "m"}, {"ht", 400, "m"}}) {
    h.Run(SaddArgs(key, 0, n, prefix));
    for (int count : {1, 2, 10, n / 2, n - 1, n, n * 2, -1, -5, -3 * n}) {
      protocol::Value r = h.Run({"SRANDMEMBER", key, std::to_string(count)});
      size_t want = count < 0 ? static_cast<size_t>(-count) : std::min(count, n);
      ASSERT_EQ(r.elements().size(), want) << key << " " << count;
      if (count > 0) {
        EXPECT_EQ(AsSet(r).size(), want) << key << " " << count;
      }
      for (const auto& e : r.elements()) {
        EXPECT_THAT(h.Run({"SISMEMBER", key, e.str()}), IsInt(1));
      }
    }
    EXPECT_THAT(h.Run({"SCARD", key}), IsInt(n));  // nothing was removed
  }
  EXPECT_THAT(h.Run({"SRANDMEMBER", "ints", "0"}), IsBulkArray(Strings{}));
  EXPECT_THAT(h.Run({"SRANDMEMBER", "ints", "x"}),
              IsError("ERR value is not an integer or out of range"));
  EXPECT_THAT(h.Run({"SRANDMEMBER", "ints", "-9223372036854775808"}),
              IsError("ERR value is out of range, value must between -9223372036854775807 and "
                      "9223372036854775807"));
  EXPECT_THAT(h.Run({"SRANDMEMBER", "ints", "1", "2"}), IsError("ERR syntax error"));
}

TEST(Set, SmoveMovesOneMember) {
  CommandHarness h;
  h.Run({"SADD", "a", "1", "x"});
  h.Run({"SET", "str", "v"});
  EXPECT_THAT(h.Run({"SMOVE", "a", "b", "1"}), IsInt(1));
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "b"}), IsBulk("intset"));
  EXPECT_THAT(h.Run({"SMOVE", "a", "b", "nope"}), IsInt(0));
  EXPECT_THAT(h.Run({"SMOVE", "a", "a", "x"}), IsInt(1));  // same set: a membership test
  EXPECT_THAT(h.Run({"SMOVE", "a", "a", "y"}), IsInt(0));
  EXPECT_THAT(h.Run({"SMOVE", "a", "b", "x"}), IsInt(1));
  EXPECT_THAT(h.Run({"EXISTS", "a"}), IsInt(0));  // emptied
  EXPECT_THAT(h.Run({"SMEMBERS", "b"}), IsBulkArray(Strings{"1", "x"}));
  // A missing source answers 0 before any type is checked.
  EXPECT_THAT(h.Run({"SMOVE", "missing", "str", "x"}), IsInt(0));
  EXPECT_THAT(h.Run({"SMOVE", "b", "str", "x"}), IsError(kWrongType));
  EXPECT_THAT(h.Run({"SMOVE", "str", "b", "x"}), IsError(kWrongType));
}

TEST(Set, SinterSunionSdiff) {
  CommandHarness h;
  h.Run({"SADD", "a", "1", "2", "3", "x"});
  h.Run({"SADD", "b", "2", "3", "4"});
  h.Run({"SADD", "c", "3", "x", "y"});
  EXPECT_THAT(h.Run({"SINTER", "a", "b"}), IsBulkSetOf(Strings{"2", "3"}));
  EXPECT_THAT(h.Run({"SINTER", "a", "b", "c"}), IsBulkSetOf(Strings{"3"}));
  EXPECT_THAT(h.Run({"SINTER", "a", "missing"}), IsBulkArray(Strings{}));
  EXPECT_THAT(h.Run({"SUNION", "b", "c", "missing"}),
              IsBulkSetOf(Strings{"2", "3", "4", "x", "y"}));
  EXPECT_THAT(h.Run({"SDIFF", "a", "b"}), IsBulkSetOf(Strings{"1", "x"}));
  EXPECT_THAT(h.Run({"SDIFF", "a", "b", "c"}), IsBulkSetOf(Strings{"1"}));
  EXPECT_THAT(h.Run({"SDIFF", "a", "a"}), IsBulkArray(Strings{}));
  EXPECT_THAT(h.Run({"SDIFF", "missing", "a"}), IsBulkArray(Strings{}));
  // An all-integer union or difference is built as an intset: ascending.
  EXPECT_THAT(h.Run({"SUNION", "b", "a"}), IsBulkSetOf(Strings{"1", "2", "3", "4", "x"}));
  h.Run({"SADD", "i", "9", "5", "7"});
  h.Run({"SADD", "j", "8", "6", "5"});
  EXPECT_THAT(h.Run({"SUNION", "i", "j"}), IsBulkArray(Strings{"5", "6", "7", "8", "9"}));
  EXPECT_THAT(h.Run({"SDIFF", "i", "j"}), IsBulkArray(Strings{"7", "9"}));
}

TEST(Set, AWrongTypeAnywhereIsAnErrorEvenAfterAMissingKey) {
  CommandHarness h;
  h.Run({"SET", "str", "x"});
  h.Run({"SADD", "s", "a"});
  for (const std::vector<std::string>& cmd : std::vector<std::vector<std::string>>{
           {"SINTER", "missing", "str"},
           {"SINTER", "s", "str"},
           {"SUNION", "missing", "str"},
           {"SDIFF", "missing", "str"},
           {"SINTERSTORE", "d", "missing", "str"},
           {"SUNIONSTORE", "d", "str"},
           {"SDIFFSTORE", "d", "s", "str"},
           {"SINTERCARD", "2", "missing", "str"},
       }) {
    EXPECT_THAT(h.Run(cmd), IsError(kWrongType)) << cmd[0];
  }
}

TEST(Set, StoreFormsReplaceTheDestinationOrDeleteIt) {
  CommandHarness h;
  h.Run({"SADD", "a", "1", "2", "3"});
  h.Run({"SADD", "b", "2", "3", "x"});
  h.Run({"SET", "d", "a string with a TTL", "EX", "100"});
  EXPECT_THAT(h.Run({"SINTERSTORE", "d", "a", "b"}), IsInt(2));
  EXPECT_THAT(h.Run({"TYPE", "d"}), IsSimple("set"));
  EXPECT_THAT(h.Run({"TTL", "d"}), IsInt(-1));
  EXPECT_THAT(h.Run({"SMEMBERS", "d"}), IsBulkArray(Strings{"2", "3"}));
  // Only integers in the result: an intset, whatever the sources were.
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "d"}), IsBulk("intset"));

  EXPECT_THAT(h.Run({"SUNIONSTORE", "u", "a", "b"}), IsInt(4));
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "u"}), IsBulk("listpack"));
  EXPECT_THAT(h.Run({"SDIFFSTORE", "a", "a", "b"}), IsInt(1));  // a source may be the target
  EXPECT_THAT(h.Run({"SMEMBERS", "a"}), IsBulkArray(Strings{"1"}));

  EXPECT_THAT(h.Run({"SINTERSTORE", "d", "a", "missing"}), IsInt(0));
  EXPECT_THAT(h.Run({"EXISTS", "d"}), IsInt(0));
  EXPECT_THAT(h.Run({"SDIFFSTORE", "d", "missing"}), IsInt(0));

  h.Run(SaddArgs("many", 0, 600));
  EXPECT_THAT(h.Run({"SUNIONSTORE", "m2", "many"}), IsInt(600));
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "m2"}), IsBulk("hashtable"));
  EXPECT_THAT(h.Run({"SINTERSTORE", "m3", "many", "many"}), IsInt(600));
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "m3"}), IsBulk("hashtable"));
}

TEST(Set, SintercardCountsUpToTheLimit) {
  CommandHarness h;
  h.Run(SaddArgs("a", 0, 100));
  h.Run(SaddArgs("b", 50, 150));
  EXPECT_THAT(h.Run({"SINTERCARD", "2", "a", "b"}), IsInt(50));
  EXPECT_THAT(h.Run({"SINTERCARD", "2", "a", "b", "LIMIT", "10"}), IsInt(10));
  EXPECT_THAT(h.Run({"SINTERCARD", "2", "a", "b", "LIMIT", "0"}), IsInt(50));
  EXPECT_THAT(h.Run({"SINTERCARD", "2", "a", "b", "limit", "1000"}), IsInt(50));
  EXPECT_THAT(h.Run({"SINTERCARD", "1", "a", "LIMIT", "0", "LIMIT", "7"}), IsInt(7));
  EXPECT_THAT(h.Run({"SINTERCARD", "2", "a", "missing"}), IsInt(0));
}

TEST(Set, SintercardArgumentErrors) {
  CommandHarness h;
  h.Run({"SADD", "s", "a"});
  EXPECT_THAT(h.Run({"SINTERCARD", "0", "s"}), IsError("ERR numkeys should be greater than 0"));
  EXPECT_THAT(h.Run({"SINTERCARD", "x", "s"}), IsError("ERR numkeys should be greater than 0"));
  EXPECT_THAT(h.Run({"SINTERCARD", "2", "s"}),
              IsError("ERR Number of keys can't be greater than number of args"));
  EXPECT_THAT(h.Run({"SINTERCARD", "1", "s", "LIMIT", "-1"}),
              IsError("ERR LIMIT can't be negative"));
  EXPECT_THAT(h.Run({"SINTERCARD", "1", "s", "LIMIT", "x"}),
              IsError("ERR LIMIT can't be negative"));
  EXPECT_THAT(h.Run({"SINTERCARD", "1", "s", "LIMIT"}), IsError("ERR syntax error"));
  EXPECT_THAT(h.Run({"SINTERCARD", "1", "s", "s"}), IsError("ERR syntax error"));
}

TEST(Set, SscanReturnsCompactSetsWholeAndHashTablesAcrossCalls) {
  CommandHarness h;
  h.Run({"SADD", "i", "3", "1", "2"});
  protocol::Value r = h.Run({"SSCAN", "i", "0", "COUNT", "1"});
  EXPECT_THAT(r.elements()[0], IsBulk("0"));
  EXPECT_THAT(r.elements()[1], IsBulkArray(Strings{"1", "2", "3"}));
  r = h.Run({"SSCAN", "i", "0", "MATCH", "[12]"});
  EXPECT_THAT(r.elements()[1], IsBulkArray(Strings{"1", "2"}));

  h.Run(SaddArgs("big", 0, 1000, "m"));
  std::set<std::string> seen;
  std::string cursor = "0";
  do {
    r = h.Run({"SSCAN", "big", cursor, "COUNT", "7"});
    cursor = r.elements()[0].str();
    for (const auto& e : r.elements()[1].elements()) seen.insert(e.str());
  } while (cursor != "0");
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_THAT(h.Run({"SSCAN", "big", "x"}), IsError("ERR invalid cursor"));
  EXPECT_THAT(h.Run({"SSCAN", "big", "0", "COUNT", "0"}), IsError("ERR syntax error"));
  EXPECT_EQ(h.RunRaw({"SSCAN", "missing", "0"}), "*2\r\n$1\r\n0\r\n*0\r\n");
}

TEST(Set, EveryCommandRefusesAnotherType) {
  CommandHarness h;
  h.Run({"SET", "s", "x"});
  for (const std::vector<std::string>& cmd : std::vector<std::vector<std::string>>{
           {"SADD", "s", "m"},
           {"SREM", "s", "m"},
           {"SMEMBERS", "s"},
           {"SISMEMBER", "s", "m"},
           {"SMISMEMBER", "s", "m"},
           {"SCARD", "s"},
           {"SPOP", "s"},
           {"SPOP", "s", "2"},
           {"SRANDMEMBER", "s"},
           {"SRANDMEMBER", "s", "-2"},
           {"SINTER", "s"},
           {"SSCAN", "s", "0"},
       }) {
    EXPECT_THAT(h.Run(cmd), IsError(kWrongType)) << cmd[0];
  }
  h.Run({"SADD", "set", "m"});
  EXPECT_THAT(h.Run({"HGET", "set", "m"}), IsError(kWrongType));
}

TEST(Set, OnlyRealChangesInvalidateAWatch) {
  CommandHarness h;
  server::Client& other = h.NewClient();
  h.Run({"SADD", "s", "a"});
  h.Run({"WATCH", "s"});
  h.RunAs(other, {"SADD", "s", "a"});
  h.RunAs(other, {"SREM", "s", "zzz"});
  h.RunAs(other, {"SMOVE", "s", "t", "zzz"});
  h.Run({"MULTI"});
  h.Run({"SCARD", "s"});
  EXPECT_EQ(h.Run({"EXEC"}).elements().size(), 1u);

  h.Run({"WATCH", "s"});
  h.RunAs(other, {"SPOP", "s"});
  h.Run({"MULTI"});
  h.Run({"SCARD", "s"});
  EXPECT_THAT(h.Run({"EXEC"}), IsNilArray());
}

TEST(Set, CopyDuplicatesEveryEncoding) {
  CommandHarness h;
  h.Run({"SADD", "i", "1", "2"});
  h.Run({"SADD", "l", "a", "b"});
  h.Run(SaddArgs("t", 0, 200, "m"));
  for (const char* k : {"i", "l", "t"}) {
    std::string copy = std::string(k) + "2";
    EXPECT_THAT(h.Run({"COPY", k, copy}), IsInt(1));
    EXPECT_EQ(h.Run({"OBJECT", "ENCODING", copy}).str(), h.Run({"OBJECT", "ENCODING", k}).str());
    EXPECT_EQ(AsSet(h.Run({"SMEMBERS", copy})), AsSet(h.Run({"SMEMBERS", k})));
  }
  h.Run({"SADD", "t", "new"});
  EXPECT_THAT(h.Run({"SCARD", "t2"}), IsInt(200));
}

}  // namespace
}  // namespace ember::testing
