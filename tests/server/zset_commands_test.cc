// Sorted sets as Redis 7.0 keeps them. Every member has a score; members are
// ordered by score, then by their bytes. A small sorted set is a listpack of
// member/score pairs; past zset-max-listpack-entries (128) members, or with
// a member longer than zset-max-listpack-value (64) bytes, it becomes a
// skiplist beside a hash table, and it never goes back. A sorted set key
// exists exactly while it has members.
//
// Scores are doubles and are printed as Redis 7.0 prints them: "%.17g" as a
// RESP2 bulk string (so 1.1 reads back as 1.1000000000000001), a RESP3
// double. Ranges take "(" for exclusive bounds and -inf/+inf; lexicographic
// ranges take "[a", "(a", "-" and "+".
//
// The blocking pops wait like BLPOP: a client parked on empty keys is
// served, in the order clients blocked, when a sorted set is created there.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "tests/support/command_harness.h"
#include "tests/support/matchers.h"

namespace ember::testing {
namespace {

using Strings = std::vector<std::string>;
using protocol::Type;

// A reply as flat text: bulks and simple strings as they are, integers in
// decimal, RESP3 doubles as Redis prints them, nested arrays flattened.
Strings Flat(const protocol::Value& v) {
  Strings out;
  if (v.IsAggregate()) {
    for (const protocol::Value& e : v.elements()) {
      Strings sub = Flat(e);
      out.insert(out.end(), sub.begin(), sub.end());
    }
  } else if (v.type() == Type::kInteger) {
    out.push_back(std::to_string(v.integer()));
  } else if (v.type() == Type::kDouble) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.17g", v.dbl());
    out.push_back(std::isinf(v.dbl()) ? (v.dbl() > 0 ? "inf" : "-inf") : buf);
  } else if (v.IsNull()) {
    out.push_back("(nil)");
  } else {
    out.push_back(v.str());
  }
  return out;
}

void AddMany(CommandHarness& h, const std::string& key, int n, int member_len = 0) {
  std::vector<std::string> args = {"ZADD", key};
  for (int i = 0; i < n; ++i) {
    std::string m = "m" + std::to_string(i);
    if (member_len > 0) m.resize(static_cast<size_t>(member_len), 'x');
    args.push_back(std::to_string(i));
    args.push_back(m);
  }
  h.Run(args);
}

// --- Representation ---

TEST(ZSet, ScoresPrintAsRedis70PrintsThem) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"ZADD", "z", "1.1", "a", "-0", "b", "inf", "c", "1e17", "d"}), IsInt(4));
  // The nearest double to 1.1, to 17 significant digits.
  EXPECT_EQ(h.RunRaw({"ZSCORE", "z", "a"}), "$18\r\n1.1000000000000001\r\n");
  EXPECT_EQ(h.RunRaw({"ZSCORE", "z", "c"}), "$3\r\ninf\r\n");
  EXPECT_EQ(h.RunRaw({"ZSCORE", "z", "d"}), "$5\r\n1e+17\r\n");
  // A listpack stores integral scores as integers, so -0 comes back as 0.
  EXPECT_EQ(h.RunRaw({"ZSCORE", "z", "b"}), "$1\r\n0\r\n");
  // ZSCAN shows the scores as stored: 1e17 is the integer there.
  EXPECT_THAT(Flat(h.Run({"ZSCAN", "z", "0"})),
              ::testing::ElementsAre("0", "b", "0", "a", "1.1000000000000001", "d",
                                     "100000000000000000", "c", "inf"));
  h.Run({"HELLO", "3"});
  EXPECT_EQ(h.RunRaw({"ZSCORE", "z", "a"}), ",1.1000000000000001\r\n");
  EXPECT_EQ(h.RunRaw({"ZSCORE", "z", "x"}), "_\r\n");
}

TEST(ZSet, EqualScoresOrderByMemberBytes) {
  CommandHarness h;
  h.Run({"ZADD", "z", "1", "b", "1", "ab", "1", "a", "0", "z"});
  EXPECT_THAT(h.Run({"ZRANGE", "z", "0", "-1"}), IsBulkArray(Strings{"z", "a", "ab", "b"}));
}

TEST(ZSet, BecomesASkiplistAtExactly129Members) {
  CommandHarness h;
  AddMany(h, "z", 128);
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "z"}), IsBulk("listpack"));
  h.Run({"ZADD", "z", "1000", "one-more"});
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "z"}), IsBulk("skiplist"));
  EXPECT_THAT(h.Run({"ZCARD", "z"}), IsInt(129));
  // And it stays one, however small it gets.
  h.Run({"ZREMRANGEBYRANK", "z", "0", "127"});
  EXPECT_THAT(h.Run({"ZRANGE", "z", "0", "-1"}), IsBulkArray(Strings{"one-more"}));
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "z"}), IsBulk("skiplist"));
}

TEST(ZSet, AMemberLongerThan64BytesMakesASkiplist) {
  CommandHarness h;
  h.Run({"ZADD", "z", "1", std::string(64, 'a')});
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "z"}), IsBulk("listpack"));
  h.Run({"ZADD", "z", "2", std::string(65, 'b')});
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "z"}), IsBulk("skiplist"));
  EXPECT_THAT(h.Run({"ZRANGE", "z", "0", "-1"}),
              IsBulkArray(Strings{std::string(64, 'a'), std::string(65, 'b')}));
}

TEST(ZSet, ThresholdsComeFromTheLimits) {
  CommandHarness h;
  h.server().keyspace().limits().zset_max_listpack_entries = 4;
  h.server().keyspace().limits().zset_max_listpack_value = 3;
  h.Run({"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"});
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "z"}), IsBulk("listpack"));
  h.Run({"ZADD", "z", "5", "e"});
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "z"}), IsBulk("skiplist"));
  h.Run({"ZADD", "y", "1", "abcd"});
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "y"}), IsBulk("skiplist"));
  EXPECT_THAT(h.Run({"TYPE", "y"}), IsSimple("zset"));
}

// The same answers from both encodings: ranks come from the skiplist's
// spans, not from walking.
TEST(ZSet, BothEncodingsAnswerAlike) {
  for (int n : {100, 1000}) {
    CommandHarness h;
    AddMany(h, "z", n);
    EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "z"}), IsBulk(n > 128 ? "skiplist" : "listpack"));
    EXPECT_THAT(h.Run({"ZRANK", "z", "m57"}), IsInt(57));
    EXPECT_THAT(h.Run({"ZREVRANK", "z", "m57"}), IsInt(n - 1 - 57));
    EXPECT_THAT(h.Run({"ZRANGE", "z", "10", "12"}), IsBulkArray(Strings{"m10", "m11", "m12"}));
    EXPECT_THAT(h.Run({"ZRANGE", "z", "-2", "-1", "REV"}), IsBulkArray(Strings{"m1", "m0"}));
    EXPECT_THAT(h.Run({"ZCOUNT", "z", "(10", "20"}), IsInt(10));
    EXPECT_THAT(h.Run({"ZRANGEBYSCORE", "z", "(10", "+inf", "LIMIT", "2", "2"}),
                IsBulkArray(Strings{"m13", "m14"}));
    EXPECT_THAT(h.Run({"ZPOPMAX", "z"}),
                IsBulkArray(Strings{"m" + std::to_string(n - 1), std::to_string(n - 1)}));
  }
}

// LIMIT's offset on a skiplist jumps by rank instead of walking; the
// answers are those of a walk.
TEST(ZSet, LongLimitOffsetsJumpByRank) {
  CommandHarness h;
  AddMany(h, "z", 1000);
  EXPECT_THAT(h.Run({"ZRANGEBYSCORE", "z", "(10", "+inf", "LIMIT", "100", "2"}),
              IsBulkArray(Strings{"m111", "m112"}));
  EXPECT_THAT(h.Run({"ZREVRANGEBYSCORE", "z", "+inf", "-inf", "LIMIT", "100", "2"}),
              IsBulkArray(Strings{"m899", "m898"}));
  EXPECT_THAT(h.Run({"ZRANGEBYSCORE", "z", "-inf", "(500", "LIMIT", "499", "5"}),
              IsBulkArray(Strings{"m499"}));
  EXPECT_THAT(h.Run({"ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "1000", "5"}),
              IsBulkArray(Strings{}));
  EXPECT_THAT(h.Run({"ZREVRANGEBYSCORE", "z", "+inf", "-inf", "LIMIT", "9223372036854775807", "1"}),
              IsBulkArray(Strings{}));
  EXPECT_THAT(h.Run({"ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "9223372036854775807", "1"}),
              IsBulkArray(Strings{}));
}

// --- ZADD, ZINCRBY, ZREM ---

TEST(ZAdd, CountsAddedMembersOrWithChAlsoUpdatedOnes) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"ZADD", "z", "1", "a", "2", "b"}), IsInt(2));
  EXPECT_THAT(h.Run({"ZADD", "z", "5", "a", "3", "c"}), IsInt(1));
  EXPECT_THAT(h.Run({"ZADD", "z", "CH", "6", "a", "3", "c", "4", "d"}), IsInt(2));
  EXPECT_THAT(Flat(h.Run({"ZRANGE", "z", "0", "-1", "WITHSCORES"})),
              ::testing::ElementsAre("b", "2", "c", "3", "d", "4", "a", "6"));
}

TEST(ZAdd, NxAddsOnlyAndXxUpdatesOnly) {
  CommandHarness h;
  h.Run({"ZADD", "z", "1", "a"});
  EXPECT_THAT(h.Run({"ZADD", "z", "NX", "9", "a", "2", "b"}), IsInt(1));
  EXPECT_THAT(h.Run({"ZSCORE", "z", "a"}), IsBulk("1"));
  EXPECT_THAT(h.Run({"ZADD", "z", "XX", "CH", "9", "a", "3", "c"}), IsInt(1));
  EXPECT_THAT(h.Run({"ZSCORE", "z", "c"}), IsNil());
  // XX on a missing key creates nothing.
  EXPECT_THAT(h.Run({"ZADD", "none", "XX", "1", "a"}), IsInt(0));
  EXPECT_THAT(h.Run({"EXISTS", "none"}), IsInt(0));
}

TEST(ZAdd, GtAndLtOnlyMoveScoresOneWayButStillAdd) {
  CommandHarness h;
  h.Run({"ZADD", "z", "5", "a"});
  EXPECT_THAT(h.Run({"ZADD", "z", "GT", "CH", "3", "a", "1", "new"}), IsInt(1));  // only "new"
  EXPECT_THAT(h.Run({"ZSCORE", "z", "a"}), IsBulk("5"));
  EXPECT_THAT(h.Run({"ZADD", "z", "GT", "CH", "7", "a"}), IsInt(1));
  EXPECT_THAT(h.Run({"ZADD", "z", "LT", "CH", "8", "a"}), IsInt(0));
  EXPECT_THAT(h.Run({"ZADD", "z", "XX", "LT", "CH", "2", "a"}), IsInt(1));
  EXPECT_THAT(h.Run({"ZSCORE", "z", "a"}), IsBulk("2"));
}

TEST(ZAdd, IncrRepliesWithTheNewScoreOrNilWhenSkipped) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"ZADD", "z", "INCR", "1.5", "a"}), IsBulk("1.5"));
  EXPECT_THAT(h.Run({"ZADD", "z", "INCR", "1", "a"}), IsBulk("2.5"));
  EXPECT_THAT(h.Run({"ZADD", "z", "NX", "INCR", "1", "a"}), IsNil());
  EXPECT_THAT(h.Run({"ZADD", "z", "GT", "INCR", "-1", "a"}), IsNil());
  EXPECT_THAT(h.Run({"ZADD", "z", "XX", "INCR", "1", "missing"}), IsNil());
  EXPECT_THAT(h.Run({"ZINCRBY", "z", "-0.5", "a"}), IsBulk("2"));
  EXPECT_THAT(h.Run({"ZINCRBY", "z", "1", "b"}), IsBulk("1"));
}

TEST(ZAdd, ErrorsAreRedisErrors) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"ZADD", "z", "1", "a", "2"}), IsError("ERR syntax error"));
  EXPECT_THAT(h.Run({"ZADD", "z", "NX", "XX", "1", "a"}),
              IsError("ERR XX and NX options at the same time are not compatible"));
  EXPECT_THAT(h.Run({"ZADD", "z", "GT", "LT", "1", "a"}),
              IsError("ERR GT, LT, and/or NX options at the same time are not compatible"));
  EXPECT_THAT(h.Run({"ZADD", "z", "NX", "GT", "1", "a"}),
              IsError("ERR GT, LT, and/or NX options at the same time are not compatible"));
  EXPECT_THAT(h.Run({"ZADD", "z", "INCR", "1", "a", "2", "b"}),
              IsError("ERR INCR option supports a single increment-element pair"));
  // A bad score anywhere means nothing is added.
  EXPECT_THAT(h.Run({"ZADD", "z", "1", "a", "nan", "b"}),
              IsError("ERR value is not a valid float"));
  EXPECT_THAT(h.Run({"ZADD", "z", "1", "a", "x", "b"}), IsError("ERR value is not a valid float"));
  EXPECT_THAT(h.Run({"EXISTS", "z"}), IsInt(0));
  EXPECT_THAT(h.Run({"ZADD", "z"}), IsError("ERR wrong number of arguments for 'zadd' command"));
  // inf + -inf is not a number: refused, and the score stays.
  h.Run({"ZADD", "z", "inf", "a"});
  EXPECT_THAT(h.Run({"ZINCRBY", "z", "-inf", "a"}),
              IsError("ERR resulting score is not a number (NaN)"));
  EXPECT_THAT(h.Run({"ZSCORE", "z", "a"}), IsBulk("inf"));
  // ZINCRBY parses options like ZADD: NX here leaves one lone argument.
  EXPECT_THAT(h.Run({"ZINCRBY", "z", "NX", "a"}), IsError("ERR syntax error"));
}

TEST(ZRem, RemovingTheLastMemberDeletesTheKey) {
  CommandHarness h;
  h.Run({"ZADD", "z", "1", "a", "2", "b"});
  EXPECT_THAT(h.Run({"ZREM", "z", "a", "x", "a"}), IsInt(1));
  EXPECT_THAT(h.Run({"ZREM", "z", "b"}), IsInt(1));
  EXPECT_THAT(h.Run({"EXISTS", "z"}), IsInt(0));
  EXPECT_THAT(h.Run({"ZREM", "z", "b"}), IsInt(0));
}

// --- Reads ---

TEST(ZScore, ZmscoreRepliesNilForMissingMembersAndKeys) {
  CommandHarness h;
  h.Run({"ZADD", "z", "1", "a"});
  EXPECT_THAT(Flat(h.Run({"ZMSCORE", "z", "a", "x"})), ::testing::ElementsAre("1", "(nil)"));
  EXPECT_THAT(Flat(h.Run({"ZMSCORE", "none", "a", "b"})), ::testing::ElementsAre("(nil)", "(nil)"));
  EXPECT_THAT(h.Run({"ZCARD", "none"}), IsInt(0));
}

TEST(ZRank, WithscoreAddsTheScoreAsRedis72Does) {
  CommandHarness h;
  h.Run({"ZADD", "z", "1", "a", "2.5", "b"});
  EXPECT_THAT(h.Run({"ZRANK", "z", "b"}), IsInt(1));
  EXPECT_THAT(h.Run({"ZREVRANK", "z", "b"}), IsInt(0));
  EXPECT_THAT(h.Run({"ZRANK", "z", "x"}), IsNil());
  EXPECT_EQ(h.RunRaw({"ZRANK", "z", "b", "WITHSCORE"}), "*2\r\n:1\r\n$3\r\n2.5\r\n");
  EXPECT_EQ(h.RunRaw({"ZRANK", "z", "x", "WITHSCORE"}), "*-1\r\n");
  EXPECT_THAT(h.Run({"ZRANK", "z", "b", "WITHSCORES"}), IsError("ERR syntax error"));
  EXPECT_THAT(h.Run({"ZRANK", "z", "b", "WITHSCORE", "x"}),
              IsError("ERR wrong number of arguments for 'zrank' command"));
  h.Run({"HELLO", "3"});
  EXPECT_EQ(h.RunRaw({"ZREVRANK", "z", "a", "WITHSCORE"}), "*2\r\n:1\r\n,1\r\n");
}

TEST(ZCount, ScoreRangesParseLikeRedis) {
  CommandHarness h;
  h.Run({"ZADD", "z", "1", "a", "2", "b", "3", "c"});
  EXPECT_THAT(h.Run({"ZCOUNT", "z", "-inf", "+inf"}), IsInt(3));
  EXPECT_THAT(h.Run({"ZCOUNT", "z", "(1", "3"}), IsInt(2));
  EXPECT_THAT(h.Run({"ZCOUNT", "z", "(1", "(3"}), IsInt(1));
  EXPECT_THAT(h.Run({"ZCOUNT", "z", "3", "1"}), IsInt(0));
  // strtod's rules: leading space, hex, and "" (zero) are numbers.
  EXPECT_THAT(h.Run({"ZCOUNT", "z", " 1", "0x2"}), IsInt(2));
  EXPECT_THAT(h.Run({"ZCOUNT", "z", "", "1"}), IsInt(1));
  EXPECT_THAT(h.Run({"ZCOUNT", "z", "1 ", "2"}), IsError("ERR min or max is not a float"));
  EXPECT_THAT(h.Run({"ZCOUNT", "z", "nan", "2"}), IsError("ERR min or max is not a float"));
  EXPECT_THAT(h.Run({"ZCOUNT", "none", "x", "2"}), IsError("ERR min or max is not a float"));
  EXPECT_THAT(h.Run({"ZCOUNT", "none", "1", "2"}), IsInt(0));
}

TEST(ZLexCount, LexRangesTakeBracketsAndInfinities) {
  CommandHarness h;
  h.Run({"ZADD", "z", "0", "a", "0", "b", "0", "c", "0", "d"});
  EXPECT_THAT(h.Run({"ZLEXCOUNT", "z", "-", "+"}), IsInt(4));
  EXPECT_THAT(h.Run({"ZLEXCOUNT", "z", "[b", "(d"}), IsInt(2));
  EXPECT_THAT(h.Run({"ZLEXCOUNT", "z", "(b", "[b"}), IsInt(0));
  EXPECT_THAT(h.Run({"ZLEXCOUNT", "z", "b", "[d"}),
              IsError("ERR min or max not valid string range item"));
  EXPECT_THAT(h.Run({"ZLEXCOUNT", "z", "-x", "+"}),
              IsError("ERR min or max not valid string range item"));
}

TEST(ZRange, WithscoresIsFlatInResp2AndPairsInResp3) {
  CommandHarness h;
  h.Run({"ZADD", "z", "1", "a", "2.5", "b"});
  EXPECT_EQ(h.RunRaw({"ZRANGE", "z", "0", "-1", "WITHSCORES"}),
            "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$3\r\n2.5\r\n");
  h.Run({"HELLO", "3"});
  EXPECT_EQ(h.RunRaw({"ZRANGE", "z", "0", "-1", "WITHSCORES"}),
            "*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n");
}

TEST(ZRange, ByScoreByLexRevAndLimit) {
  CommandHarness h;
  h.Run({"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"});
  EXPECT_THAT(h.Run({"ZRANGE", "z", "(1", "4", "BYSCORE"}), IsBulkArray(Strings{"b", "c", "d"}));
  // With REV, the range is given high to low.
  EXPECT_THAT(h.Run({"ZRANGE", "z", "4", "(1", "BYSCORE", "REV", "LIMIT", "1", "2"}),
              IsBulkArray(Strings{"c", "b"}));
  EXPECT_THAT(h.Run({"ZRANGE", "z", "[b", "(e", "BYLEX"}), IsBulkArray(Strings{"b", "c", "d"}));
  EXPECT_THAT(h.Run({"ZRANGE", "z", "+", "-", "BYLEX", "REV", "LIMIT", "0", "2"}),
              IsBulkArray(Strings{"e", "d"}));
  EXPECT_THAT(h.Run({"ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "-1"}),
              IsBulkArray(Strings{"b", "c", "d", "e"}));
  // A negative offset selects nothing (Redis skips past the end).
  EXPECT_THAT(h.Run({"ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "-1", "2"}),
              IsBulkArray(Strings{}));
  EXPECT_THAT(h.Run({"ZRANGEBYSCORE", "z", "2", "3", "WITHSCORES"}),
              IsBulkArray(Strings{"b", "2", "c", "3"}));
  EXPECT_THAT(h.Run({"ZREVRANGEBYSCORE", "z", "+inf", "(3"}), IsBulkArray(Strings{"e", "d"}));
  EXPECT_THAT(h.Run({"ZRANGEBYLEX", "z", "-", "[b"}), IsBulkArray(Strings{"a", "b"}));
  EXPECT_THAT(h.Run({"ZREVRANGEBYLEX", "z", "[b", "-"}), IsBulkArray(Strings{"b", "a"}));
  EXPECT_THAT(h.Run({"ZREVRANGE", "z", "0", "1", "WITHSCORES"}),
              IsBulkArray(Strings{"e", "5", "d", "4"}));
  EXPECT_THAT(h.Run({"ZRANGE", "none", "0", "-1"}), IsBulkArray(Strings{}));
}

TEST(ZRange, OptionErrors) {
  CommandHarness h;
  h.Run({"ZADD", "z", "1", "a"});
  EXPECT_THAT(h.Run({"ZRANGE", "z", "0", "-1", "LIMIT", "0", "1"}),
              IsError("ERR syntax error, LIMIT is only supported in combination with either "
                      "BYSCORE or BYLEX"));
  // "LIMIT x -1" means no limit, which Redis lets pass.
  EXPECT_THAT(h.Run({"ZRANGE", "z", "0", "-1", "LIMIT", "5", "-1"}), IsBulkArray(Strings{"a"}));
  EXPECT_THAT(h.Run({"ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES"}),
              IsError("ERR syntax error, WITHSCORES not supported in combination with BYLEX"));
  EXPECT_THAT(h.Run({"ZRANGE", "z", "0", "1", "BYSCORE", "BYLEX"}), IsError("ERR syntax error"));
  EXPECT_THAT(h.Run({"ZRANGEBYSCORE", "z", "0", "1", "REV"}), IsError("ERR syntax error"));
  EXPECT_THAT(h.Run({"ZRANGE", "z", "0", "1", "LIMIT", "0"}), IsError("ERR syntax error"));
  EXPECT_THAT(h.Run({"ZRANGE", "z", "a", "1"}),
              IsError("ERR value is not an integer or out of range"));
  EXPECT_THAT(h.Run({"ZRANGE", "z", "a", "1", "BYSCORE"}),
              IsError("ERR min or max is not a float"));
  EXPECT_THAT(h.Run({"ZRANGE", "z", "a", "b", "BYLEX"}),
              IsError("ERR min or max not valid string range item"));
}

TEST(ZRangeStore, StoresTheRangeAndDeletesTheDestinationWhenEmpty) {
  CommandHarness h;
  h.Run({"ZADD", "src", "1", "a", "2", "b", "3", "c"});
  h.Run({"SET", "dst", "string"});
  EXPECT_THAT(h.Run({"ZRANGESTORE", "dst", "src", "(1", "+inf", "BYSCORE"}), IsInt(2));
  EXPECT_THAT(Flat(h.Run({"ZRANGE", "dst", "0", "-1", "WITHSCORES"})),
              ::testing::ElementsAre("b", "2", "c", "3"));
  EXPECT_THAT(h.Run({"ZRANGESTORE", "dst", "src", "5", "6"}), IsInt(0));
  EXPECT_THAT(h.Run({"EXISTS", "dst"}), IsInt(0));
  EXPECT_THAT(h.Run({"ZRANGESTORE", "dst", "src", "0", "-1", "WITHSCORES"}),
              IsError("ERR syntax error"));
}

// --- Removing ranges, popping ---

TEST(ZRemRange, ByRankScoreAndLex) {
  CommandHarness h;
  h.Run({"ZADD", "z", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e", "0", "f"});
  EXPECT_THAT(h.Run({"ZREMRANGEBYRANK", "z", "-2", "-1"}), IsInt(2));
  EXPECT_THAT(h.Run({"ZREMRANGEBYLEX", "z", "(a", "[b"}), IsInt(1));
  EXPECT_THAT(h.Run({"ZREMRANGEBYSCORE", "z", "(0", "+inf"}), IsInt(0));
  EXPECT_THAT(h.Run({"ZRANGE", "z", "0", "-1"}), IsBulkArray(Strings{"a", "c", "d"}));
  EXPECT_THAT(h.Run({"ZREMRANGEBYSCORE", "z", "-inf", "0"}), IsInt(3));
  EXPECT_THAT(h.Run({"EXISTS", "z"}), IsInt(0));
}

TEST(ZPop, CountShapesTheReply) {
  CommandHarness h;
  h.Run({"ZADD", "z", "1", "a", "2", "b", "3", "c"});
  EXPECT_THAT(h.Run({"ZPOPMIN", "z"}), IsBulkArray(Strings{"a", "1"}));
  EXPECT_THAT(h.Run({"ZPOPMAX", "z", "1"}), IsBulkArray(Strings{"c", "3"}));
  EXPECT_THAT(h.Run({"ZPOPMIN", "z", "0"}), IsBulkArray(Strings{}));
  EXPECT_THAT(h.Run({"ZPOPMIN", "z", "-1"}),
              IsError("ERR value is out of range, must be positive"));
  EXPECT_THAT(h.Run({"ZPOPMIN", "z", "1", "2"}), IsError("ERR syntax error"));
  h.Run({"HELLO", "3"});
  // RESP3 nests [member, score] pairs when a count is given.
  EXPECT_EQ(h.RunRaw({"ZPOPMIN", "z", "5"}), "*1\r\n*2\r\n$1\r\nb\r\n,2\r\n");
  EXPECT_THAT(h.Run({"EXISTS", "z"}), IsInt(0));
  EXPECT_EQ(h.RunRaw({"ZPOPMIN", "z"}), "*0\r\n");
}

TEST(ZMPop, PopsFromTheFirstNonEmptyKey) {
  CommandHarness h;
  h.Run({"ZADD", "b", "1", "x", "2", "y", "3", "z"});
  EXPECT_EQ(h.RunRaw({"ZMPOP", "2", "a", "b", "MAX", "COUNT", "2"}),
            "*2\r\n$1\r\nb\r\n*2\r\n*2\r\n$1\r\nz\r\n$1\r\n3\r\n*2\r\n$1\r\ny\r\n$1\r\n2\r\n");
  EXPECT_THAT(h.Run({"ZMPOP", "1", "a", "MIN"}), IsNilArray());
  EXPECT_THAT(h.Run({"ZMPOP", "0", "a", "MIN"}), IsError("ERR numkeys should be greater than 0"));
  EXPECT_THAT(h.Run({"ZMPOP", "1", "a", "MIN", "COUNT", "0"}),
              IsError("ERR count should be greater than 0"));
  EXPECT_THAT(h.Run({"ZMPOP", "1", "a", "MID"}), IsError("ERR syntax error"));
  EXPECT_THAT(h.Run({"ZMPOP", "3", "a", "MIN"}), IsError("ERR syntax error"));
}

// --- Set operations ---

TEST(ZUnion, WeightsAndAggregates) {
  CommandHarness h;
  h.Run({"ZADD", "a", "1", "x", "2", "y"});
  h.Run({"ZADD", "b", "10", "y", "20", "z"});
  EXPECT_THAT(Flat(h.Run({"ZUNION", "2", "a", "b", "WITHSCORES"})),
              ::testing::ElementsAre("x", "1", "y", "12", "z", "20"));
  EXPECT_THAT(Flat(h.Run({"ZUNION", "2", "a", "b", "WEIGHTS", "2", "0.5", "WITHSCORES"})),
              ::testing::ElementsAre("x", "2", "y", "9", "z", "10"));
  EXPECT_THAT(Flat(h.Run({"ZUNION", "2", "a", "b", "AGGREGATE", "MIN", "WITHSCORES"})),
              ::testing::ElementsAre("x", "1", "y", "2", "z", "20"));
  EXPECT_THAT(Flat(h.Run({"ZINTER", "2", "a", "b", "AGGREGATE", "MAX", "WITHSCORES"})),
              ::testing::ElementsAre("y", "10"));
  EXPECT_THAT(h.Run({"ZDIFF", "2", "a", "b"}), IsBulkArray(Strings{"x"}));
  EXPECT_THAT(h.Run({"ZINTERCARD", "2", "a", "b"}), IsInt(1));
  // A missing key is an empty input.
  EXPECT_THAT(h.Run({"ZINTER", "2", "a", "none"}), IsBulkArray(Strings{}));
  EXPECT_THAT(h.Run({"ZUNION", "2", "a", "none"}), IsBulkArray(Strings{"x", "y"}));
}

TEST(ZUnion, InfinityMinusInfinityIsZero) {
  CommandHarness h;
  h.Run({"ZADD", "a", "inf", "x"});
  h.Run({"ZADD", "b", "-inf", "x"});
  EXPECT_THAT(Flat(h.Run({"ZUNION", "2", "a", "b", "WITHSCORES"})),
              ::testing::ElementsAre("x", "0"));
  // inf * 0 is NaN too: also 0.
  EXPECT_THAT(Flat(h.Run({"ZUNION", "1", "a", "WEIGHTS", "0", "WITHSCORES"})),
              ::testing::ElementsAre("x", "0"));
}

TEST(ZUnionStore, StoresSmallResultsAsListpacks) {
  CommandHarness h;
  AddMany(h, "big", 200);
  h.Run({"ZADD", "small", "1", "m1", "2", "m2"});
  EXPECT_THAT(h.Run({"ZINTERSTORE", "dst", "2", "big", "small"}), IsInt(2));
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "dst"}), IsBulk("listpack"));
  EXPECT_THAT(h.Run({"ZUNIONSTORE", "dst", "2", "big", "small"}), IsInt(200));
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "dst"}), IsBulk("skiplist"));
  EXPECT_THAT(h.Run({"ZSCORE", "dst", "m2"}), IsBulk("4"));
  EXPECT_THAT(h.Run({"ZDIFFSTORE", "dst", "2", "small", "big"}), IsInt(0));
  EXPECT_THAT(h.Run({"EXISTS", "dst"}), IsInt(0));
}

TEST(ZUnion, Errors) {
  CommandHarness h;
  h.Run({"ZADD", "a", "1", "x"});
  h.Run({"SET", "s", "v"});
  EXPECT_THAT(h.Run({"ZUNION", "0", "a"}),
              IsError("ERR at least 1 input key is needed for 'zunion' command"));
  EXPECT_THAT(h.Run({"ZINTERSTORE", "d", "0", "a"}),
              IsError("ERR at least 1 input key is needed for 'zinterstore' command"));
  EXPECT_THAT(h.Run({"ZUNION", "2", "a"}), IsError("ERR syntax error"));
  EXPECT_THAT(h.Run({"ZUNION", "1", "a", "WEIGHTS", "x"}),
              IsError("ERR weight value is not a float"));
  EXPECT_THAT(h.Run({"ZUNION", "1", "a", "AGGREGATE", "AVG"}), IsError("ERR syntax error"));
  EXPECT_THAT(h.Run({"ZDIFF", "1", "a", "WEIGHTS", "1"}), IsError("ERR syntax error"));
  EXPECT_THAT(h.Run({"ZUNIONSTORE", "d", "1", "a", "WITHSCORES"}), IsError("ERR syntax error"));
  EXPECT_THAT(h.Run({"ZINTERCARD", "1", "a", "LIMIT", "-1"}),
              IsError("ERR LIMIT can't be negative"));
  // Types are checked before options are parsed.
  EXPECT_THAT(h.Run({"ZUNION", "2", "a", "s", "WEIGHTS", "x"}),
              IsError("WRONGTYPE Operation against a key holding the wrong kind of value"));
}

TEST(ZInterCard, LimitStopsCounting) {
  CommandHarness h;
  AddMany(h, "a", 50);
  AddMany(h, "b", 300);
  EXPECT_THAT(h.Run({"ZINTERCARD", "2", "a", "b"}), IsInt(50));
  EXPECT_THAT(h.Run({"ZINTERCARD", "2", "a", "b", "LIMIT", "7"}), IsInt(7));
  EXPECT_THAT(h.Run({"ZINTERCARD", "2", "a", "b", "LIMIT", "0"}), IsInt(50));
}

// --- Random members, scanning ---

TEST(ZRandMember, CountSignChoosesDistinctOrRepeated) {
  for (int n : {5, 300}) {
    CommandHarness h;
    AddMany(h, "z", n);
    protocol::Value one = h.Run({"ZRANDMEMBER", "z"});
    ASSERT_EQ(one.type(), Type::kBulkString);
    EXPECT_THAT(h.Run({"ZSCORE", "z", one.str()}), ::testing::Not(IsNil()));
    // Positive: distinct members, at most all of them.
    Strings got = Flat(h.Run({"ZRANDMEMBER", "z", "3"}));
    EXPECT_EQ(std::set<std::string>(got.begin(), got.end()).size(), 3u);
    EXPECT_EQ(Flat(h.Run({"ZRANDMEMBER", "z", "1000"})).size(), static_cast<size_t>(n));
    // Negative: exactly that many, repeats allowed.
    EXPECT_EQ(Flat(h.Run({"ZRANDMEMBER", "z", "-20"})).size(), 20u);
    // WITHSCORES: each member with its own score.
    Strings pairs = Flat(h.Run({"ZRANDMEMBER", "z", "-4", "WITHSCORES"}));
    ASSERT_EQ(pairs.size(), 8u);
    for (size_t i = 0; i < pairs.size(); i += 2) {
      EXPECT_THAT(h.Run({"ZSCORE", "z", pairs[i]}), IsBulk(pairs[i + 1]));
    }
  }
}

TEST(ZRandMember, Errors) {
  CommandHarness h;
  h.Run({"ZADD", "z", "1", "a"});
  EXPECT_THAT(h.Run({"ZRANDMEMBER", "none"}), IsNil());
  EXPECT_THAT(h.Run({"ZRANDMEMBER", "none", "3"}), IsBulkArray(Strings{}));
  EXPECT_THAT(h.Run({"ZRANDMEMBER", "z", "1", "x"}), IsError("ERR syntax error"));
  EXPECT_THAT(h.Run({"ZRANDMEMBER", "z", "x"}),
              IsError("ERR value is not an integer or out of range"));
  EXPECT_THAT(h.Run({"ZRANDMEMBER", "z", "-9223372036854775808"}),
              IsError("ERR value is out of range, value must between -9223372036854775807 and "
                      "9223372036854775807"));
  EXPECT_THAT(h.Run({"ZRANDMEMBER", "z", "9223372036854775807", "WITHSCORES"}),
              IsError("ERR value is out of range"));
}

TEST(ZScan, AListpackComesWholeASkiplistByCursor) {
  CommandHarness h;
  h.Run({"ZADD", "small", "1", "a", "2", "b"});
  EXPECT_THAT(Flat(h.Run({"ZSCAN", "small", "0", "COUNT", "1"})),
              ::testing::ElementsAre("0", "a", "1", "b", "2"));
  EXPECT_THAT(Flat(h.Run({"ZSCAN", "small", "0", "MATCH", "b*"})),
              ::testing::ElementsAre("0", "b", "2"));
  AddMany(h, "big", 500);
  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    protocol::Value v = h.Run({"ZSCAN", "big", cursor, "COUNT", "20"});
    cursor = v.elements()[0].str();
    const auto& items = v.elements()[1].elements();
    for (size_t i = 0; i < items.size(); i += 2) {
      EXPECT_EQ(items[i].str(), "m" + items[i + 1].str());  // member mI has score I
      seen.insert(items[i].str());
    }
    ++calls;
  } while (cursor != "0");
  EXPECT_EQ(seen.size(), 500u);
  EXPECT_GT(calls, 1);
  EXPECT_THAT(Flat(h.Run({"ZSCAN", "none", "0"})), ::testing::ElementsAre("0"));
  EXPECT_THAT(h.Run({"ZSCAN", "big", "x"}), IsError("ERR invalid cursor"));
  EXPECT_THAT(h.Run({"ZSCAN", "big", "0", "COUNT", "0"}), IsError("ERR syntax error"));
  EXPECT_THAT(h.Run({"ZSCAN", "big", "0", "TYPE", "zset"}), IsError("ERR syntax error"));
}

// --- Keys ---

TEST(ZSet, EveryCommandRefusesOtherTypes) {
  CommandHarness h;
  h.Run({"SET", "s", "v"});
  const std::string kWrong = "WRONGTYPE Operation against a key holding the wrong kind of value";
  std::vector<std::vector<std::string>> cmds = {{"ZADD", "s", "1", "a"},
                                                {"ZINCRBY", "s", "1", "a"},
                                                {"ZREM", "s", "a"},
                                                {"ZSCORE", "s", "a"},
                                                {"ZMSCORE", "s", "a"},
                                                {"ZCARD", "s"},
                                                {"ZCOUNT", "s", "0", "1"},
                                                {"ZLEXCOUNT", "s", "-", "+"},
                                                {"ZRANK", "s", "a"},
                                                {"ZRANGE", "s", "0", "1"},
                                                {"ZRANGESTORE", "d", "s", "0", "1"},
                                                {"ZREMRANGEBYRANK", "s", "0", "1"},
                                                {"ZPOPMIN", "s"},
                                                {"BZPOPMAX", "s", "0"},
                                                {"ZMPOP", "1", "s", "MIN"},
                                                {"ZUNIONSTORE", "d", "1", "s"},
                                                {"ZINTERCARD", "1", "s"},
                                                {"ZRANDMEMBER", "s"},
                                                {"ZSCAN", "s", "0"}};
  for (const auto& c : cmds) EXPECT_THAT(h.Run(c), IsError(kWrong)) << c[0];
}

TEST(ZSet, CopyAndRenameKeepEncodingAndContents) {
  CommandHarness h;
  h.Run({"ZADD", "small", "1", "a"});
  AddMany(h, "big", 200);
  EXPECT_THAT(h.Run({"COPY", "small", "small2"}), IsInt(1));
  EXPECT_THAT(h.Run({"COPY", "big", "big2"}), IsInt(1));
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "big2"}), IsBulk("skiplist"));
  h.Run({"ZADD", "big", "-1", "first"});
  EXPECT_THAT(h.Run({"ZRANGE", "big2", "0", "0"}), IsBulkArray(Strings{"m0"}));
  EXPECT_THAT(h.Run({"ZRANK", "big2", "m150"}), IsInt(150));
  EXPECT_THAT(h.Run({"RENAME", "small2", "moved"}), IsOk());
  EXPECT_THAT(h.Run({"ZSCORE", "moved", "a"}), IsBulk("1"));
}

TEST(ZSet, AnExpiredSortedSetIsGone) {
  CommandHarness h;
  h.Run({"ZADD", "z", "1", "a"});
  h.Run({"PEXPIRE", "z", "100"});
  h.AdvanceMs(100);
  EXPECT_THAT(h.Run({"ZCARD", "z"}), IsInt(0));
  EXPECT_THAT(h.Run({"ZADD", "z", "2", "b"}), IsInt(1));
  EXPECT_THAT(h.Run({"TTL", "z"}), IsInt(-1));
}

TEST(ZSet, OnlyRealChangesTouchWatchedKeys) {
  CommandHarness h;
  server::Client& other = h.NewClient();
  h.Run({"ZADD", "z", "1", "a"});
  h.Run({"WATCH", "z"});
  h.RunAs(other, {"ZADD", "z", "NX", "5", "a"});  // changes nothing
  h.RunAs(other, {"ZREM", "z", "missing"});       // nor this
  h.RunAs(other, {"ZREMRANGEBYSCORE", "z", "5", "6"});
  h.Run({"MULTI"});
  h.Run({"ZCARD", "z"});
  EXPECT_EQ(h.Run({"EXEC"}).elements().size(), 1u);
  h.Run({"WATCH", "z"});
  h.RunAs(other, {"ZINCRBY", "z", "1", "a"});
  h.Run({"MULTI"});
  h.Run({"ZCARD", "z"});
  EXPECT_THAT(h.Run({"EXEC"}), IsNilArray());
}

// --- Blocking pops ---

TEST(BlockingZSet, BzpopminReturnsAtOnceWhenASetHasMembers) {
  CommandHarness h;
  h.Run({"ZADD", "b", "2", "y", "1", "x"});
  EXPECT_THAT(h.Run({"BZPOPMIN", "a", "b", "0"}), IsBulkArray(Strings{"b", "x", "1"}));
  EXPECT_THAT(h.Run({"BZPOPMAX", "a", "b", "0"}), IsBulkArray(Strings{"b", "y", "2"}));
}

TEST(BlockingZSet, AddServesBlockedClientsInTheOrderTheyBlocked) {
  CommandHarness h;
  server::Client& first = h.NewClient();
  server::Client& second = h.NewClient();
  h.RunAs(first, {"BZPOPMIN", "q", "0"});
  h.RunAs(second, {"BZPOPMIN", "q", "0"});
  EXPECT_TRUE(h.IsBlocked(first));
  EXPECT_TRUE(h.IsBlocked(second));
  EXPECT_THAT(h.Run({"ZADD", "q", "3", "c", "1", "a", "2", "b"}), IsInt(3));
  EXPECT_THAT(h.TakeReply(first), IsBulkArray(Strings{"q", "a", "1"}));
  EXPECT_THAT(h.TakeReply(second), IsBulkArray(Strings{"q", "b", "2"}));
  EXPECT_THAT(h.Run({"ZRANGE", "q", "0", "-1"}), IsBulkArray(Strings{"c"}));
}

TEST(BlockingZSet, ATimeoutRepliesWithANullArray) {
  CommandHarness h;
  server::Client& c = h.NewClient();
  h.RunAs(c, {"BZPOPMAX", "q", "0.5"});
  h.AdvanceMs(499);
  EXPECT_TRUE(h.IsBlocked(c));
  h.AdvanceMs(1);
  EXPECT_FALSE(h.IsBlocked(c));
  EXPECT_THAT(h.TakeReply(c), IsNilArray());
}

TEST(BlockingZSet, BzmpopIsServedWithItsCount) {
  CommandHarness h;
  server::Client& c = h.NewClient();
  h.RunAs(c, {"BZMPOP", "0", "2", "a", "b", "MAX", "COUNT", "2"});
  EXPECT_TRUE(h.IsBlocked(c));
  h.Run({"ZADD", "b", "1", "x", "2", "y", "3", "z"});
  EXPECT_THAT(Flat(h.TakeReply(c)), ::testing::ElementsAre("b", "z", "3", "y", "2"));
  EXPECT_THAT(h.Run({"ZCARD", "b"}), IsInt(1));
}

TEST(BlockingZSet, ArgumentErrorsComeBeforeBlocking) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"BZPOPMIN", "q", "-1"}), IsError("ERR timeout is negative"));
  EXPECT_THAT(h.Run({"BZPOPMIN", "q", "x"}), IsError("ERR timeout is not a float or out of range"));
  // BZMPOP reads its keys and options before its timeout.
  EXPECT_THAT(h.Run({"BZMPOP", "x", "0", "q", "MIN"}),
              IsError("ERR numkeys should be greater than 0"));
  EXPECT_THAT(h.Run({"BZMPOP", "-1", "1", "q", "MIN"}), IsError("ERR timeout is negative"));
  EXPECT_FALSE(h.IsBlocked(h.client()));
}

TEST(BlockingZSet, InsideMultiAPopDoesNotBlock) {
  CommandHarness h;
  h.Run({"MULTI"});
  h.Run({"BZPOPMIN", "q", "0"});
  h.Run({"BZMPOP", "0", "1", "q", "MIN"});
  protocol::Value exec = h.Run({"EXEC"});
  ASSERT_EQ(exec.elements().size(), 2u);
  EXPECT_THAT(exec.elements()[0], IsNilArray());
  EXPECT_THAT(exec.elements()[1], IsNilArray());
  EXPECT_FALSE(h.IsBlocked(h.client()));
}

TEST(BlockingZSet, AKeyOfAnotherTypeLeavesClientsWaiting) {
  CommandHarness h;
  server::Client& c = h.NewClient();
  h.RunAs(c, {"BZPOPMIN", "q", "0"});
  h.Run({"RPUSH", "q", "not-a-zset"});
  EXPECT_TRUE(h.IsBlocked(c));
  h.Run({"DEL", "q"});
  h.Run({"ZADD", "q", "1", "m"});
  EXPECT_THAT(h.TakeReply(c), IsBulkArray(Strings{"q", "m", "1"}));
}

TEST(BlockingZSet, AStoreThatCreatesTheKeyServesIt) {
  CommandHarness h;
  server::Client& c = h.NewClient();
  h.RunAs(c, {"BZPOPMAX", "q", "0"});
  h.Run({"ZADD", "src", "1", "a", "2", "b"});
  EXPECT_THAT(h.Run({"ZUNIONSTORE", "q", "1", "src"}), IsInt(2));
  EXPECT_THAT(h.TakeReply(c), IsBulkArray(Strings{"q", "b", "2"}));
  EXPECT_THAT(h.Run({"ZRANGE", "q", "0", "-1"}), IsBulkArray(Strings{"a"}));
}

}  // namespace
}  // namespace ember::testing
