// Lists, as Redis 7.0 keeps them: a quicklist of listpacks, cheap at both
// ends. A list key exists exactly while its list is non-empty: pushing
// creates it, popping the last element deletes it.
//
// The blocking pops (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP) wait without
// holding the server: the client is parked, other clients keep running,
// and a push that creates the key serves the parked clients in the order
// they blocked.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/command_harness.h"
#include "tests/support/matchers.h"

namespace ember::testing {
namespace {

using Strings = std::vector<std::string>;

TEST(List, PushesAtBothEndsAndRangesInOrder) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"RPUSH", "l", "b", "c"}), IsInt(2));
  // Each element goes to the head in turn, so the last one named is first.
  EXPECT_THAT(h.Run({"LPUSH", "l", "a", "z"}), IsInt(4));
  EXPECT_THAT(h.Run({"LRANGE", "l", "0", "-1"}), IsBulkArray(Strings{"z", "a", "b", "c"}));
  EXPECT_THAT(h.Run({"LRANGE", "l", "-2", "100"}), IsBulkArray(Strings{"b", "c"}));
  EXPECT_THAT(h.Run({"LRANGE", "l", "3", "1"}), IsBulkArray(Strings{}));
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "l"}), IsBulk("quicklist"));
}

TEST(List, PoppingTheLastElementDeletesTheKey) {
  CommandHarness h;
  h.Run({"RPUSH", "l", "only"});
  EXPECT_THAT(h.Run({"RPOP", "l"}), IsBulk("only"));
  EXPECT_THAT(h.Run({"EXISTS", "l"}), IsInt(0));
  EXPECT_THAT(h.Run({"RPOP", "l"}), IsNil());
}

TEST(List, PopWithCountRepliesWithAnArray) {
  CommandHarness h;
  h.Run({"RPUSH", "l", "a", "b", "c"});
  EXPECT_THAT(h.Run({"LPOP", "l", "2"}), IsBulkArray(Strings{"a", "b"}));
  EXPECT_THAT(h.Run({"LPOP", "l", "0"}), IsBulkArray(Strings{}));
  EXPECT_THAT(h.Run({"LPOP", "missing", "2"}), IsNilArray());
  EXPECT_THAT(h.Run({"LPOP", "l", "-1"}), IsError("ERR value is out of range, must be positive"));
}

// A count that is not a number at all gets the same error as a negative
// one, as Redis 7.0 answers (not "value is not an integer").
TEST(List, PopCountThatIsNotANumberIsOutOfRange) {
  CommandHarness h;
  h.Run({"RPUSH", "l", "a", "b"});
  for (const char* count : {"abc", "1.5", ""}) {
    EXPECT_THAT(h.Run({"LPOP", "l", count}),
                IsError("ERR value is out of range, must be positive"))
        << count;
    EXPECT_THAT(h.Run({"RPOP", "l", count}),
                IsError("ERR value is out of range, must be positive"))
        << count;
  }
  EXPECT_THAT(h.Run({"LPOP", "missing", "abc"}),
              IsError("ERR value is out of range, must be positive"));
  EXPECT_THAT(h.Run({"LLEN", "l"}), IsInt(2));
}

TEST(List, PushxOnlyPushesOntoExistingLists) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"LPUSHX", "l", "a"}), IsInt(0));
  EXPECT_THAT(h.Run({"EXISTS", "l"}), IsInt(0));
  h.Run({"RPUSH", "l", "a"});
  EXPECT_THAT(h.Run({"RPUSHX", "l", "b", "c"}), IsInt(3));
}

TEST(List, IndexSetInsertRemoveTrim) {
  CommandHarness h;
  h.Run({"RPUSH", "l", "a", "b", "c", "b", "d"});
  EXPECT_THAT(h.Run({"LINDEX", "l", "-1"}), IsBulk("d"));
  EXPECT_THAT(h.Run({"LINDEX", "l", "10"}), IsNil());
  EXPECT_THAT(h.Run({"LSET", "l", "0", "A"}), IsOk());
  EXPECT_THAT(h.Run({"LSET", "l", "9", "x"}), IsError("ERR index out of range"));
  EXPECT_THAT(h.Run({"LSET", "nokey", "0", "x"}), IsError("ERR no such key"));
  EXPECT_THAT(h.Run({"LINSERT", "l", "AFTER", "c", "C"}), IsInt(6));
  EXPECT_THAT(h.Run({"LINSERT", "l", "BEFORE", "zz", "x"}), IsInt(-1));
  EXPECT_THAT(h.Run({"LINSERT", "nokey", "BEFORE", "a", "x"}), IsInt(0));
  EXPECT_THAT(h.Run({"LREM", "l", "-1", "b"}), IsInt(1));  // the last b
  EXPECT_THAT(h.Run({"LRANGE", "l", "0", "-1"}), IsBulkArray(Strings{"A", "b", "c", "C", "d"}));
  EXPECT_THAT(h.Run({"LTRIM", "l", "1", "-2"}), IsOk());
  EXPECT_THAT(h.Run({"LRANGE", "l", "0", "-1"}), IsBulkArray(Strings{"b", "c", "C"}));
  EXPECT_THAT(h.Run({"LTRIM", "l", "5", "10"}), IsOk());
  EXPECT_THAT(h.Run({"EXISTS", "l"}), IsInt(0));
}

TEST(List, LposFindsMatchesByRankCountAndMaxlen) {
  CommandHarness h;
  h.Run({"RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c"});
  EXPECT_THAT(h.Run({"LPOS", "l", "c"}), IsInt(2));
  EXPECT_THAT(h.Run({"LPOS", "l", "c", "RANK", "2"}), IsInt(6));
  EXPECT_THAT(h.Run({"LPOS", "l", "c", "RANK", "-1"}), IsInt(7));
  protocol::Value all = h.Run({"LPOS", "l", "c", "COUNT", "0"});
  ASSERT_EQ(all.elements().size(), 3u);
  EXPECT_THAT(all.elements()[2], IsInt(7));
  EXPECT_THAT(h.Run({"LPOS", "l", "c", "MAXLEN", "2"}), IsNil());
  EXPECT_THAT(h.Run({"LPOS", "l", "c", "RANK", "0"}), IsErrorContaining("RANK can't be zero"));
}

TEST(List, LmoveRotatesAListOntoItselfKeepingItsTtl) {
  CommandHarness h;
  h.Run({"RPUSH", "l", "a", "b", "c"});
  h.Run({"EXPIRE", "l", "100"});
  EXPECT_THAT(h.Run({"LMOVE", "l", "l", "LEFT", "RIGHT"}), IsBulk("a"));
  EXPECT_THAT(h.Run({"LRANGE", "l", "0", "-1"}), IsBulkArray(Strings{"b", "c", "a"}));
  EXPECT_THAT(h.Run({"TTL", "l"}), IsInt(100));
  EXPECT_THAT(h.Run({"RPOPLPUSH", "l", "other"}), IsBulk("a"));
  EXPECT_THAT(h.Run({"LRANGE", "other", "0", "-1"}), IsBulkArray(Strings{"a"}));
}

TEST(List, LmpopPopsFromTheFirstNonEmptyList) {
  CommandHarness h;
  h.Run({"RPUSH", "b", "1", "2", "3"});
  protocol::Value r = h.Run({"LMPOP", "2", "a", "b", "RIGHT", "COUNT", "2"});
  ASSERT_EQ(r.elements().size(), 2u);
  EXPECT_THAT(r.elements()[0], IsBulk("b"));
  EXPECT_THAT(r.elements()[1], IsBulkArray(Strings{"3", "2"}));
  EXPECT_THAT(h.Run({"LMPOP", "1", "a", "LEFT"}), IsNilArray());
  EXPECT_THAT(h.Run({"LMPOP", "0", "a", "LEFT"}), IsError("ERR numkeys should be greater than 0"));
  EXPECT_THAT(h.Run({"LMPOP", "1", "a", "UP"}), IsError("ERR syntax error"));
}

// LMPOP's counts answer with their own errors whether they are not numbers
// or not positive.
TEST(List, LmpopCountsThatAreNotNumbersGetTheirOwnErrors) {
  CommandHarness h;
  h.Run({"RPUSH", "a", "1"});
  for (const char* numkeys : {"abc", "-1", "0", "1.0"}) {
    EXPECT_THAT(h.Run({"LMPOP", numkeys, "a", "LEFT"}),
                IsError("ERR numkeys should be greater than 0"))
        << numkeys;
  }
  for (const char* count : {"abc", "0", "-3"}) {
    EXPECT_THAT(h.Run({"LMPOP", "1", "a", "LEFT", "COUNT", count}),
                IsError("ERR count should be greater than 0"))
        << count;
  }
  EXPECT_THAT(h.Run({"LLEN", "a"}), IsInt(1));
}

TEST(List, WrongTypeIsAnError) {
  CommandHarness h;
  h.Run({"SET", "s", "v"});
  EXPECT_THAT(h.Run({"LPUSH", "s", "a"}),
              IsError("WRONGTYPE Operation against a key holding the wrong kind of value"));
  EXPECT_THAT(h.Run({"LRANGE", "s", "0", "-1"}), IsErrorContaining("WRONGTYPE"));
}

TEST(List, ManyElementsSpreadOverSeveralNodesStayInOrder) {
  CommandHarness h;
  for (int i = 0; i < 2000; ++i) h.Run({"RPUSH", "l", std::to_string(i) + std::string(20, 'x')});
  EXPECT_THAT(h.Run({"LLEN", "l"}), IsInt(2000));
  EXPECT_THAT(h.Run({"LINDEX", "l", "1234"}), IsBulk("1234" + std::string(20, 'x')));
  EXPECT_THAT(h.Run({"LINSERT", "l", "BEFORE", "1000" + std::string(20, 'x'), "mid"}), IsInt(2001));
  EXPECT_THAT(h.Run({"LINDEX", "l", "1000"}), IsBulk("mid"));
  EXPECT_THAT(h.Run({"LREM", "l", "0", "mid"}), IsInt(1));
  EXPECT_THAT(h.Run({"LTRIM", "l", "500", "1499"}), IsOk());
  EXPECT_THAT(h.Run({"LINDEX", "l", "0"}), IsBulk("500" + std::string(20, 'x')));
  EXPECT_THAT(h.Run({"LLEN", "l"}), IsInt(1000));
}

TEST(BlockingList, BlpopReturnsAtOnceWhenAListHasElements) {
  CommandHarness h;
  h.Run({"RPUSH", "b", "x"});
  EXPECT_THAT(h.Run({"BLPOP", "a", "b", "0"}), IsBulkArray(Strings{"b", "x"}));
}

TEST(BlockingList, APushServesBlockedClientsInTheOrderTheyBlocked) {
  CommandHarness h;
  server::Client& first = h.NewClient();
  server::Client& second = h.NewClient();
  h.RunAs(first, {"BLPOP", "q", "0"});
  h.RunAs(second, {"BLPOP", "q", "0"});
  EXPECT_TRUE(h.IsBlocked(first));
  EXPECT_TRUE(h.IsBlocked(second));
  EXPECT_THAT(h.Run({"RPUSH", "q", "1", "2", "3"}), IsInt(3));
  EXPECT_THAT(h.TakeReply(first), IsBulkArray(Strings{"q", "1"}));
  EXPECT_THAT(h.TakeReply(second), IsBulkArray(Strings{"q", "2"}));
  EXPECT_THAT(h.Run({"LRANGE", "q", "0", "-1"}), IsBulkArray(Strings{"3"}));
}

TEST(BlockingList, ATimeoutRepliesWithANullArray) {
  CommandHarness h;
  server::Client& c = h.NewClient();
  h.RunAs(c, {"BRPOP", "q", "0.5"});
  h.AdvanceMs(499);
  EXPECT_TRUE(h.IsBlocked(c));
  h.AdvanceMs(1);
  EXPECT_FALSE(h.IsBlocked(c));
  EXPECT_THAT(h.TakeReply(c), IsNilArray());
}

TEST(BlockingList, TimeoutErrors) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"BLPOP", "q", "-1"}), IsError("ERR timeout is negative"));
  EXPECT_THAT(h.Run({"BLPOP", "q", "x"}), IsError("ERR timeout is not a float or out of range"));
}

// BLMPOP timeout numkeys key [key ...] LEFT | RIGHT [COUNT count]: Redis
// parses everything after the timeout first, so with several mistakes the
// keys' and options' errors win over the timeout's.
TEST(BlockingList, BlmpopChecksItsKeysAndOptionsBeforeItsTimeout) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"BLMPOP", "abc", "abc", "l", "LEFT"}),
              IsError("ERR numkeys should be greater than 0"));
  EXPECT_THAT(h.Run({"BLMPOP", "abc", "5", "l", "LEFT"}), IsError("ERR syntax error"));
  EXPECT_THAT(h.Run({"BLMPOP", "abc", "1", "l", "MIDDLE"}), IsError("ERR syntax error"));
  EXPECT_THAT(h.Run({"BLMPOP", "-1", "1", "l", "LEFT", "COUNT"}), IsError("ERR syntax error"));
  EXPECT_THAT(h.Run({"BLMPOP", "abc", "1", "l", "LEFT", "COUNT", "abc"}),
              IsError("ERR count should be greater than 0"));
  // With the rest right, the timeout is checked.
  EXPECT_THAT(h.Run({"BLMPOP", "abc", "1", "l", "LEFT"}),
              IsError("ERR timeout is not a float or out of range"));
  EXPECT_THAT(h.Run({"BLMPOP", "-1", "1", "l", "LEFT"}), IsError("ERR timeout is negative"));
}

TEST(BlockingList, InsideMultiABlockingPopDoesNotBlock) {
  CommandHarness h;
  h.Run({"MULTI"});
  h.Run({"BLPOP", "q", "0"});
  protocol::Value exec = h.Run({"EXEC"});
  ASSERT_EQ(exec.elements().size(), 1u);
  EXPECT_THAT(exec.elements()[0], IsNilArray());
  EXPECT_FALSE(h.IsBlocked(h.client()));
}

TEST(BlockingList, BlmoveServedByAPushMovesTheElement) {
  CommandHarness h;
  server::Client& c = h.NewClient();
  h.RunAs(c, {"BLMOVE", "src", "dst", "RIGHT", "LEFT", "0"});
  h.Run({"LPUSH", "src", "v"});
  EXPECT_THAT(h.TakeReply(c), IsBulk("v"));
  EXPECT_THAT(h.Run({"LRANGE", "dst", "0", "-1"}), IsBulkArray(Strings{"v"}));
  EXPECT_THAT(h.Run({"EXISTS", "src"}), IsInt(0));
}

TEST(BlockingList, AKeyCreatedInsideExecServesAfterExec) {
  CommandHarness h;
  server::Client& c = h.NewClient();
  h.RunAs(c, {"BLPOP", "q", "0"});
  h.Run({"MULTI"});
  h.Run({"RPUSH", "q", "a"});
  h.Run({"RPUSH", "q", "b"});
  h.Run({"EXEC"});
  EXPECT_THAT(h.TakeReply(c), IsBulkArray(Strings{"q", "a"}));
}

TEST(BlockingList, RenameOntoAWaitedKeyServesIt) {
  CommandHarness h;
  server::Client& c = h.NewClient();
  h.RunAs(c, {"BLPOP", "q", "0"});
  h.Run({"RPUSH", "tmp", "x"});
  h.Run({"RENAME", "tmp", "q"});
  EXPECT_THAT(h.TakeReply(c), IsBulkArray(Strings{"q", "x"}));
}

TEST(BlockingList, AKeyOfAnotherTypeLeavesClientsWaiting) {
  CommandHarness h;
  server::Client& c = h.NewClient();
  h.RunAs(c, {"BLPOP", "q", "0"});
  h.Run({"SET", "q", "string"});
  EXPECT_TRUE(h.IsBlocked(c));
}

TEST(BlockingList, ADisconnectedClientIsForgotten) {
  CommandHarness h;
  server::Client& gone = h.NewClient();
  server::Client& waiting = h.NewClient();
  h.RunAs(gone, {"BLPOP", "q", "0"});
  h.RunAs(waiting, {"BLPOP", "q", "0"});
  h.server().ClientGone(gone);
  h.Run({"RPUSH", "q", "1"});
  EXPECT_THAT(h.TakeReply(waiting), IsBulkArray(Strings{"q", "1"}));
}

TEST(BlockingList, ClientUnblockEndsTheWaitAsATimeoutOrAnError) {
  CommandHarness h;
  server::Client& a = h.NewClient();
  server::Client& b = h.NewClient();
  h.RunAs(a, {"BLPOP", "q", "0"});
  h.RunAs(b, {"BLPOP", "q", "0"});
  EXPECT_THAT(h.Run({"CLIENT", "UNBLOCK", std::to_string(a.id())}), IsInt(1));
  EXPECT_THAT(h.TakeReply(a), IsNilArray());
  EXPECT_THAT(h.Run({"CLIENT", "UNBLOCK", std::to_string(b.id()), "ERROR"}), IsInt(1));
  EXPECT_THAT(h.TakeReply(b), IsError("UNBLOCKED client unblocked via CLIENT UNBLOCK"));
  EXPECT_THAT(h.Run({"CLIENT", "UNBLOCK", std::to_string(b.id())}), IsInt(0));
}

}  // namespace
}  // namespace ember::testing
