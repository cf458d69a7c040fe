// Redis's string commands (t_string.c), every option and every error.
//
// SET is the general one: NX/XX choose whether the key may or must exist,
// GET returns the old value, and one of EX/PX/EXAT/PXAT/KEEPTTL says what
// happens to the TTL (a plain SET drops it). Options that contradict each
// other are a syntax error; an expire time that is not positive, or that
// overflows, is "invalid expire time". The older commands (SETNX, SETEX,
// PSETEX, GETSET) are SET with fixed options. Numbers are strict: INCR only
// accepts values that are the canonical text of an int64, and refuses to
// overflow. Every expected reply here is what Redis 7.0 answers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/database.h"
#include "tests/support/command_harness.h"
#include "tests/support/matchers.h"

namespace ember::testing {
namespace {

using Strings = std::vector<std::string>;

constexpr const char* kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
constexpr const char* kNotInteger = "ERR value is not an integer or out of range";
constexpr const char* kSyntax = "ERR syntax error";

// Ember has no list, set or hash commands yet, so a key of another type is
// planted straight into the keyspace: an entry whose type code says "hash".
void PlantHash(CommandHarness& h, std::string_view key) {
  storage::Database& db = h.server().keyspace().db(h.client().db_index());
  storage::Entry::ValueSpec spec;
  spec.kind = storage::ValueKind::kInline;
  spec.type = storage::ObjType::kHash;
  db.Add(db.LookupWrite(key), key, spec);
}

// --- SET ---

TEST(Set, StoresAndOverwrites) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"SET", "k", "v"}), IsOk());
  EXPECT_THAT(h.Run({"SET", "k", "v2"}), IsOk());
  EXPECT_THAT(h.Run({"GET", "k"}), IsBulk("v2"));
}

TEST(Set, OverwritesAKeyOfAnotherType) {
  CommandHarness h;
  PlantHash(h, "h");
  EXPECT_THAT(h.Run({"SET", "h", "v"}), IsOk());
  EXPECT_THAT(h.Run({"TYPE", "h"}), IsSimple("string"));
}

TEST(Set, NxSetsOnlyAMissingKeyAndAnswersNilOtherwise) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"SET", "k", "v", "NX"}), IsOk());
  EXPECT_THAT(h.Run({"SET", "k", "other", "NX"}), IsNil());
  EXPECT_THAT(h.Run({"GET", "k"}), IsBulk("v"));
}

TEST(Set, XxSetsOnlyAnExistingKey) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"SET", "k", "v", "XX"}), IsNil());
  EXPECT_THAT(h.Run({"EXISTS", "k"}), IsInt(0));
  h.Run({"SET", "k", "v"});
  EXPECT_THAT(h.Run({"SET", "k", "v2", "xx"}), IsOk());
  EXPECT_THAT(h.Run({"GET", "k"}), IsBulk("v2"));
}

TEST(Set, GetReturnsTheOldValueOrNil) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"SET", "k", "v1", "GET"}), IsNil());
  EXPECT_THAT(h.Run({"SET", "k", "v2", "GET"}), IsBulk("v1"));
  EXPECT_THAT(h.Run({"GET", "k"}), IsBulk("v2"));
}

TEST(Set, GetWithNxOrXxReturnsTheOldValueWhetherOrNotItSets) {
  CommandHarness h;
  h.Run({"SET", "k", "v3"});
  EXPECT_THAT(h.Run({"SET", "k", "v", "NX", "GET"}), IsBulk("v3"));
  EXPECT_THAT(h.Run({"GET", "k"}), IsBulk("v3"));
  EXPECT_THAT(h.Run({"SET", "k2", "v", "NX", "GET"}), IsNil());
  EXPECT_THAT(h.Run({"GET", "k2"}), IsBulk("v"));
  EXPECT_THAT(h.Run({"SET", "k", "v5", "XX", "GET"}), IsBulk("v3"));
  EXPECT_THAT(h.Run({"SET", "nokey", "v", "XX", "GET"}), IsNil());
  EXPECT_THAT(h.Run({"EXISTS", "nokey"}), IsInt(0));
}

TEST(Set, GetOnAKeyOfAnotherTypeIsWrongTypeAndSetsNothing) {
  CommandHarness h;
  PlantHash(h, "h");
  EXPECT_THAT(h.Run({"SET", "h", "v", "GET"}), IsError(kWrongType));
  EXPECT_THAT(h.Run({"TYPE", "h"}), IsSimple("hash"));
}

TEST(Set, ExPxExatPxatSetTheDeadline) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"SET", "a", "v", "EX", "100"}), IsOk());
  EXPECT_THAT(h.Run({"PTTL", "a"}), IsInt(100000));
  EXPECT_THAT(h.Run({"SET", "b", "v", "PX", "1500"}), IsOk());
  EXPECT_THAT(h.Run({"PTTL", "b"}), IsInt(1500));
  std::string at_s = std::to_string(h.NowMs() / 1000 + 50);
  EXPECT_THAT(h.Run({"SET", "c", "v", "EXAT", at_s}), IsOk());
  EXPECT_THAT(h.Run({"EXPIRETIME", "c"}), IsInt(h.NowMs() / 1000 + 50));
  std::string at_ms = std::to_string(h.NowMs() + 1234);
  EXPECT_THAT(h.Run({"SET", "d", "v", "PXAT", at_ms}), IsOk());
  EXPECT_THAT(h.Run({"PEXPIRETIME", "d"}), IsInt(h.NowMs() + 1234));
}

TEST(Set, APlainSetDropsTheTtlAndKeepTtlKeepsIt) {
  CommandHarness h;
  h.Run({"SET", "k", "v", "EX", "100"});
  EXPECT_THAT(h.Run({"SET", "k", "v2", "KEEPTTL"}), IsOk());
  EXPECT_THAT(h.Run({"TTL", "k"}), IsInt(100));
  EXPECT_THAT(h.Run({"SET", "k", "v3"}), IsOk());
  EXPECT_THAT(h.Run({"TTL", "k"}), IsInt(-1));
}

TEST(Set, AnAbsoluteTimeInThePastLeavesNoKey) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"SET", "k", "v", "EXAT", "1"}), IsOk());
  EXPECT_THAT(h.Run({"EXISTS", "k"}), IsInt(0));
  EXPECT_THAT(h.Run({"SET", "k", "v", "PXAT", "1"}), IsOk());
  EXPECT_THAT(h.Run({"GET", "k"}), IsNil());
}

TEST(Set, ConflictingOptionsAreASyntaxError) {
  CommandHarness h;
  for (const Strings& cmd : std::vector<Strings>{{"SET", "k", "v", "NX", "XX"},
                                                 {"SET", "k", "v", "XX", "NX"},
                                                 {"SET", "k", "v", "EX", "10", "PX", "100"},
                                                 {"SET", "k", "v", "PXAT", "10", "EXAT", "100"},
                                                 {"SET", "k", "v", "EX", "10", "KEEPTTL"},
                                                 {"SET", "k", "v", "KEEPTTL", "EX", "10"},
                                                 {"SET", "k", "v", "PX", "100", "KEEPTTL"},
                                                 {"SET", "k", "v", "PERSIST"},  // a GETEX option
                                                 {"SET", "k", "v", "EX"},       // missing its value
                                                 {"SET", "k", "v", "foo"}}) {
    EXPECT_THAT(h.Run(cmd), IsError(kSyntax)) << cmd[3];
  }
  EXPECT_THAT(h.Run({"EXISTS", "k"}), IsInt(0));
}

TEST(Set, RepeatingAnOptionIsAllowedAndTheLastValueWins) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"SET", "k", "v", "ex", "10", "ex", "20"}), IsOk());
  EXPECT_THAT(h.Run({"TTL", "k"}), IsInt(20));
  EXPECT_THAT(h.Run({"SET", "k", "v", "keepttl", "keepttl"}), IsOk());
  EXPECT_THAT(h.Run({"SET", "k", "v", "nx", "nx"}), IsNil());
  EXPECT_THAT(h.Run({"SET", "k", "w", "get", "get"}), IsBulk("v"));
}

TEST(Set, ExpireTimesMustBePositive) {
  CommandHarness h;
  for (const char* opt : {"EX", "PX", "EXAT", "PXAT"}) {
    EXPECT_THAT(h.Run({"SET", "k", "v", opt, "0"}),
                IsError("ERR invalid expire time in 'set' command"))
        << opt;
    EXPECT_THAT(h.Run({"SET", "k", "v", opt, "-5"}),
                IsError("ERR invalid expire time in 'set' command"))
        << opt;
  }
  EXPECT_THAT(h.Run({"EXISTS", "k"}), IsInt(0));
}

TEST(Set, ExpireTimesThatOverflowAreInvalid) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"SET", "k", "v", "EX", "9223372036854775807"}),
              IsError("ERR invalid expire time in 'set' command"));
  EXPECT_THAT(h.Run({"SET", "k", "v", "EX", "9223372036854775"}),
              IsError("ERR invalid expire time in 'set' command"));
  EXPECT_THAT(h.Run({"SET", "k", "v", "PX", "9223372036854775807"}),
              IsError("ERR invalid expire time in 'set' command"));
  EXPECT_THAT(h.Run({"SET", "k", "v", "EX", "9223372036854"}), IsOk());
}

TEST(Set, ANonIntegerExpireTimeIsNotAnInteger) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"SET", "k", "v", "EX", "abc"}), IsError(kNotInteger));
  EXPECT_THAT(h.Run({"SET", "k", "v", "PX", "1.5"}), IsError(kNotInteger));
}

TEST(Set, ValuesAreBinarySafe) {
  CommandHarness h;
  std::string value("\0\r\n\xff", 4);
  EXPECT_THAT(h.Run(Strings{"SET", "k", value}), IsOk());
  EXPECT_THAT(h.Run({"GET", "k"}), IsBulk(value));
}

// --- SETNX, SETEX, PSETEX, GETSET ---

TEST(SetNx, AnswersOneWhenItSetsAndZeroWhenTheKeyExists) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"SETNX", "k", "v"}), IsInt(1));
  EXPECT_THAT(h.Run({"SETNX", "k", "w"}), IsInt(0));
  EXPECT_THAT(h.Run({"GET", "k"}), IsBulk("v"));
}

TEST(SetEx, SetsTheValueAndTheTtl) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"SETEX", "k", "10", "v"}), IsOk());
  EXPECT_THAT(h.Run({"TTL", "k"}), IsInt(10));
  EXPECT_THAT(h.Run({"PSETEX", "p", "100", "v"}), IsOk());
  EXPECT_THAT(h.Run({"PTTL", "p"}), IsInt(100));
}

TEST(SetEx, AnExpireThatIsNotPositiveIsInvalidAndNamesTheCommand) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"SETEX", "k", "0", "v"}),
              IsError("ERR invalid expire time in 'setex' command"));
  EXPECT_THAT(h.Run({"SETEX", "k", "-1", "v"}),
              IsError("ERR invalid expire time in 'setex' command"));
  EXPECT_THAT(h.Run({"PSETEX", "k", "0", "v"}),
              IsError("ERR invalid expire time in 'psetex' command"));
  EXPECT_THAT(h.Run({"SETEX", "k", "abc", "v"}), IsError(kNotInteger));
  EXPECT_THAT(h.Run({"EXISTS", "k"}), IsInt(0));
}

TEST(GetSet, ReturnsTheOldValueAndDropsTheTtl) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"GETSET", "k", "v1"}), IsNil());
  h.Run({"EXPIRE", "k", "100"});
  EXPECT_THAT(h.Run({"GETSET", "k", "v2"}), IsBulk("v1"));
  EXPECT_THAT(h.Run({"GET", "k"}), IsBulk("v2"));
  EXPECT_THAT(h.Run({"TTL", "k"}), IsInt(-1));
}

TEST(GetSet, OnAKeyOfAnotherTypeIsWrongType) {
  CommandHarness h;
  PlantHash(h, "h");
  EXPECT_THAT(h.Run({"GETSET", "h", "v"}), IsError(kWrongType));
}

// --- GET, GETDEL, GETEX, MGET ---

TEST(Get, MissingKeyIsNilAndOtherTypesAreWrongType) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"GET", "nokey"}), IsNil());
  PlantHash(h, "h");
  EXPECT_THAT(h.Run({"GET", "h"}), IsError(kWrongType));
}

TEST(GetDel, ReturnsTheValueAndDeletesTheKey) {
  CommandHarness h;
  h.Run({"SET", "k", "v"});
  EXPECT_THAT(h.Run({"GETDEL", "k"}), IsBulk("v"));
  EXPECT_THAT(h.Run({"GETDEL", "k"}), IsNil());
  EXPECT_THAT(h.Run({"EXISTS", "k"}), IsInt(0));
  PlantHash(h, "h");
  EXPECT_THAT(h.Run({"GETDEL", "h"}), IsError(kWrongType));
  EXPECT_THAT(h.Run({"EXISTS", "h"}), IsInt(1));
}

TEST(GetEx, WithoutOptionsIsGet) {
  CommandHarness h;
  h.Run({"SET", "k", "hello"});
  EXPECT_THAT(h.Run({"GETEX", "k"}), IsBulk("hello"));
  EXPECT_THAT(h.Run({"GETEX", "nokey"}), IsNil());
  EXPECT_THAT(h.Run({"TTL", "k"}), IsInt(-1));
}

TEST(GetEx, EachExpiryOptionSetsTheDeadline) {
  CommandHarness h;
  h.Run({"SET", "k", "hello"});
  EXPECT_THAT(h.Run({"GETEX", "k", "EX", "100"}), IsBulk("hello"));
  EXPECT_THAT(h.Run({"TTL", "k"}), IsInt(100));
  EXPECT_THAT(h.Run({"GETEX", "k", "PX", "5000"}), IsBulk("hello"));
  EXPECT_THAT(h.Run({"PTTL", "k"}), IsInt(5000));
  EXPECT_THAT(h.Run({"GETEX", "k", "EXAT", "99999999999"}), IsBulk("hello"));
  EXPECT_THAT(h.Run({"EXPIRETIME", "k"}), IsInt(99999999999));
  EXPECT_THAT(h.Run({"GETEX", "k", "PXAT", "99999999999000"}), IsBulk("hello"));
  EXPECT_THAT(h.Run({"PEXPIRETIME", "k"}), IsInt(99999999999000));
}

TEST(GetEx, PersistRemovesTheDeadline) {
  CommandHarness h;
  h.Run({"SET", "k", "hello", "EX", "100"});
  EXPECT_THAT(h.Run({"GETEX", "k", "PERSIST"}), IsBulk("hello"));
  EXPECT_THAT(h.Run({"TTL", "k"}), IsInt(-1));
  EXPECT_THAT(h.Run({"GETEX", "k", "PERSIST", "PERSIST"}), IsBulk("hello"));
}

TEST(GetEx, AnAbsoluteTimeInThePastDeletesTheKeyAfterReturningIt) {
  CommandHarness h;
  h.Run({"SET", "k", "hello"});
  EXPECT_THAT(h.Run({"GETEX", "k", "PXAT", "1"}), IsBulk("hello"));
  EXPECT_THAT(h.Run({"EXISTS", "k"}), IsInt(0));
  h.Run({"SET", "k", "hello"});
  EXPECT_THAT(h.Run({"GETEX", "k", "EXAT", "1"}), IsBulk("hello"));
  EXPECT_THAT(h.Run({"EXISTS", "k"}), IsInt(0));
}

TEST(GetEx, OptionConflictsAreSyntaxErrors) {
  CommandHarness h;
  h.Run({"SET", "k", "hello"});
  for (const Strings& cmd : std::vector<Strings>{{"GETEX", "k", "EX", "10", "PX", "10"},
                                                 {"GETEX", "k", "EX", "10", "PERSIST"},
                                                 {"GETEX", "k", "PERSIST", "EX", "10"},
                                                 {"GETEX", "k", "EX"},
                                                 {"GETEX", "k", "KEEPTTL"},
                                                 {"GETEX", "k", "NX"},
                                                 {"GETEX", "k", "GET"},
                                                 {"GETEX", "k", "foo"}}) {
    EXPECT_THAT(h.Run(cmd), IsError(kSyntax)) << cmd[2];
  }
}

TEST(GetEx, TheExpireTimeIsCheckedOnlyOnceTheKeyIsFound) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"GETEX", "nokey", "EX", "abc"}), IsNil());
  EXPECT_THAT(h.Run({"GETEX", "nokey", "EX", "0"}), IsNil());
  PlantHash(h, "h");
  EXPECT_THAT(h.Run({"GETEX", "h", "EX", "abc"}), IsError(kWrongType));
  h.Run({"SET", "k", "hello"});
  EXPECT_THAT(h.Run({"GETEX", "k", "EX", "abc"}), IsError(kNotInteger));
  EXPECT_THAT(h.Run({"GETEX", "k", "EX", "0"}),
              IsError("ERR invalid expire time in 'getex' command"));
  EXPECT_THAT(h.Run({"GETEX", "k", "EX", "-1"}),
              IsError("ERR invalid expire time in 'getex' command"));
  EXPECT_THAT(h.Run({"GETEX", "k", "EX", "9223372036854775807"}),
              IsError("ERR invalid expire time in 'getex' command"));
  EXPECT_THAT(h.Run({"TTL", "k"}), IsInt(-1));
}

TEST(MGet, ReturnsNilForMissingKeysAndKeysOfOtherTypes) {
  CommandHarness h;
  h.Run({"MSET", "a", "1", "b", "x"});
  PlantHash(h, "h");
  protocol::Value v = h.Run({"MGET", "a", "h", "nokey", "b", "a"});
  ASSERT_EQ(v.type(), protocol::Type::kArray);
  ASSERT_EQ(v.elements().size(), 5u);
  EXPECT_THAT(v.elements()[0], IsBulk("1"));
  EXPECT_THAT(v.elements()[1], IsNil());
  EXPECT_THAT(v.elements()[2], IsNil());
  EXPECT_THAT(v.elements()[3], IsBulk("x"));
  EXPECT_THAT(v.elements()[4], IsBulk("1"));
  EXPECT_EQ(h.RunRaw({"MGET", "a", "nokey"}), "*2\r\n$1\r\n1\r\n$-1\r\n");
}

// --- MSET, MSETNX ---

TEST(MSet, SetsEveryPairAndDropsTtls) {
  CommandHarness h;
  h.Run({"SET", "a", "old", "EX", "100"});
  EXPECT_THAT(h.Run({"MSET", "a", "1", "b", "2"}), IsOk());
  EXPECT_THAT(h.Run({"MGET", "a", "b"}), IsBulkArray(Strings{"1", "2"}));
  EXPECT_THAT(h.Run({"TTL", "a"}), IsInt(-1));
}

TEST(MSet, AnOddNumberOfArgumentsIsAnArityError) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"MSET", "a", "1", "b"}),
              IsError("ERR wrong number of arguments for 'mset' command"));
  EXPECT_THAT(h.Run({"MSET", "a"}), IsError("ERR wrong number of arguments for 'mset' command"));
  EXPECT_THAT(h.Run({"MSETNX", "a", "1", "b"}),
              IsError("ERR wrong number of arguments for 'msetnx' command"));
  EXPECT_THAT(h.Run({"EXISTS", "a"}), IsInt(0));
}

TEST(MSetNx, SetsAllOrNothing) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"MSETNX", "a", "1", "b", "2"}), IsInt(1));
  EXPECT_THAT(h.Run({"MSETNX", "c", "3", "a", "x"}), IsInt(0));
  EXPECT_THAT(h.Run({"EXISTS", "c"}), IsInt(0));
  EXPECT_THAT(h.Run({"GET", "a"}), IsBulk("1"));
}

TEST(MSetNx, TheSameKeyTwiceSetsTheLastValue) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"MSETNX", "e", "1", "e", "2"}), IsInt(1));
  EXPECT_THAT(h.Run({"GET", "e"}), IsBulk("2"));
}

// --- APPEND, STRLEN ---

TEST(Append, CreatesOrExtendsAndReturnsTheLength) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"APPEND", "k", "hello"}), IsInt(5));
  EXPECT_THAT(h.Run({"APPEND", "k", " world"}), IsInt(11));
  EXPECT_THAT(h.Run({"GET", "k"}), IsBulk("hello world"));
}

TEST(Append, ToAnIntegerAppendsToItsText) {
  CommandHarness h;
  h.Run({"SET", "n", "123"});
  EXPECT_THAT(h.Run({"APPEND", "n", "4"}), IsInt(4));
  EXPECT_THAT(h.Run({"INCR", "n"}), IsInt(1235));
}

TEST(Append, KeepsTheTtl) {
  CommandHarness h;
  h.Run({"SET", "k", "v", "EX", "100"});
  h.Run({"APPEND", "k", "w"});
  EXPECT_THAT(h.Run({"TTL", "k"}), IsInt(100));
}

TEST(Append, OnAKeyOfAnotherTypeIsWrongType) {
  CommandHarness h;
  PlantHash(h, "h");
  EXPECT_THAT(h.Run({"APPEND", "h", "x"}), IsError(kWrongType));
}

TEST(StrLen, CountsBytesOfStringsAndIntegersAndZeroForMissing) {
  CommandHarness h;
  h.Run({"SET", "s", "hello"});
  h.Run({"SET", "i", "-12345"});
  h.Run({"SET", "e", ""});
  EXPECT_THAT(h.Run({"STRLEN", "s"}), IsInt(5));
  EXPECT_THAT(h.Run({"STRLEN", "i"}), IsInt(6));
  EXPECT_THAT(h.Run({"STRLEN", "e"}), IsInt(0));
  EXPECT_THAT(h.Run({"STRLEN", "nokey"}), IsInt(0));
  PlantHash(h, "h");
  EXPECT_THAT(h.Run({"STRLEN", "h"}), IsError(kWrongType));
}

// --- INCR and friends ---

TEST(Incr, StartsFromZeroAndCounts) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"INCR", "n"}), IsInt(1));
  EXPECT_THAT(h.Run({"INCR", "n"}), IsInt(2));
  EXPECT_THAT(h.Run({"DECR", "n"}), IsInt(1));
  EXPECT_THAT(h.Run({"INCRBY", "n", "10"}), IsInt(11));
  EXPECT_THAT(h.Run({"DECRBY", "n", "5"}), IsInt(6));
  EXPECT_THAT(h.Run({"DECRBY", "n", "-4"}), IsInt(10));
  EXPECT_THAT(h.Run({"GET", "n"}), IsBulk("10"));
}

TEST(Incr, KeepsTheTtl) {
  CommandHarness h;
  h.Run({"SET", "n", "1", "EX", "100"});
  h.Run({"INCR", "n"});
  EXPECT_THAT(h.Run({"TTL", "n"}), IsInt(100));
}

TEST(Incr, OnlyCanonicalIntegerValuesCanBeIncremented) {
  CommandHarness h;
  for (const char* value : {"abc", " 1", "1 ", "012", "+1", "-0", "1.5", "99999999999999999999",
                            "9223372036854775808", ""}) {
    h.Run({"SET", "s", value});
    EXPECT_THAT(h.Run({"INCR", "s"}), IsError(kNotInteger)) << "'" << value << "'";
    EXPECT_THAT(h.Run({"GET", "s"}), IsBulk(value));
  }
}

TEST(Incr, TheIncrementMustBeACanonicalInteger) {
  CommandHarness h;
  for (const char* delta : {"abc", "1.5", "01", "+1", "-0", "9223372036854775808"}) {
    EXPECT_THAT(h.Run({"INCRBY", "n", delta}), IsError(kNotInteger)) << delta;
    EXPECT_THAT(h.Run({"DECRBY", "n", delta}), IsError(kNotInteger)) << delta;
  }
  EXPECT_THAT(h.Run({"EXISTS", "n"}), IsInt(0));
}

TEST(Incr, RefusesToOverflowAndLeavesTheValue) {
  CommandHarness h;
  h.Run({"SET", "n", "9223372036854775807"});
  EXPECT_THAT(h.Run({"INCR", "n"}), IsError("ERR increment or decrement would overflow"));
  EXPECT_THAT(h.Run({"INCRBY", "n", "0"}), IsInt(INT64_MAX));
  h.Run({"SET", "n", "-9223372036854775808"});
  EXPECT_THAT(h.Run({"DECR", "n"}), IsError("ERR increment or decrement would overflow"));
  EXPECT_THAT(h.Run({"DECRBY", "n", "1"}), IsError("ERR increment or decrement would overflow"));
  EXPECT_THAT(h.Run({"INCRBY", "n", "-1"}), IsError("ERR increment or decrement would overflow"));
  EXPECT_THAT(h.Run({"GET", "n"}), IsBulk("-9223372036854775808"));
}

TEST(Incr, DecrbyOfInt64MinCannotBeNegated) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"DECRBY", "n", "-9223372036854775808"}),
              IsError("ERR decrement would overflow"));
  EXPECT_THAT(h.Run({"INCRBY", "n", "-9223372036854775808"}), IsInt(INT64_MIN));
}

TEST(Incr, OnAKeyOfAnotherTypeIsWrongType) {
  CommandHarness h;
  PlantHash(h, "h");
  EXPECT_THAT(h.Run({"INCR", "h"}), IsError(kWrongType));
  EXPECT_THAT(h.Run({"DECRBY", "h", "1"}), IsError(kWrongType));
}

// --- INCRBYFLOAT ---

TEST(IncrByFloat, AddsAndPrintsWithoutTrailingZeros) {
  CommandHarness h;
  h.Run({"SET", "f", "10.50"});
  EXPECT_THAT(h.Run({"INCRBYFLOAT", "f", "0.1"}), IsBulk("10.6"));
  EXPECT_THAT(h.Run({"INCRBYFLOAT", "f", "-5.0e3"}), IsBulk("-4989.39999999999999991"));
  EXPECT_THAT(h.Run({"INCRBYFLOAT", "f", "5.0e3"}), IsBulk("10.60000000000000009"));
  EXPECT_THAT(h.Run({"INCRBYFLOAT", "n", "3"}), IsBulk("3"));
  EXPECT_THAT(h.Run({"INCRBYFLOAT", "n", "3.0"}), IsBulk("6"));
  EXPECT_THAT(h.Run({"INCRBYFLOAT", "t", "0.1"}), IsBulk("0.1"));
  EXPECT_THAT(h.Run({"INCRBYFLOAT", "t", "0.2"}), IsBulk("0.3"));
  EXPECT_THAT(h.Run({"GET", "t"}), IsBulk("0.3"));
}

TEST(IncrByFloat, AcceptsStrtoldSyntax) {
  CommandHarness h;
  h.Run({"SET", "x", "1"});
  EXPECT_THAT(h.Run({"INCRBYFLOAT", "x", ".5"}), IsBulk("1.5"));
  EXPECT_THAT(h.Run({"INCRBYFLOAT", "x", "5."}), IsBulk("6.5"));
  EXPECT_THAT(h.Run({"INCRBYFLOAT", "x", "+1"}), IsBulk("7.5"));
  EXPECT_THAT(h.Run({"INCRBYFLOAT", "hex", "0x10"}), IsBulk("16"));
  h.Run({"SET", "big", "5e9"});
  EXPECT_THAT(h.Run({"INCRBYFLOAT", "big", "1"}), IsBulk("5000000001"));
}

TEST(IncrByFloat, ResultsThatVanishPrintAsZero) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"INCRBYFLOAT", "z", "1e-400"}), IsBulk("0"));
  EXPECT_THAT(h.Run({"INCRBYFLOAT", "z", "-0.0"}), IsBulk("0"));
}

TEST(IncrByFloat, NanAndInfinityAreRefused) {
  CommandHarness h;
  h.Run({"SET", "f", "1"});
  EXPECT_THAT(h.Run({"INCRBYFLOAT", "f", "inf"}),
              IsError("ERR increment would produce NaN or Infinity"));
  EXPECT_THAT(h.Run({"INCRBYFLOAT", "f", "-inf"}),
              IsError("ERR increment would produce NaN or Infinity"));
  EXPECT_THAT(h.Run({"INCRBYFLOAT", "f", "nan"}), IsError("ERR value is not a valid float"));
  EXPECT_THAT(h.Run({"GET", "f"}), IsBulk("1"));
}

TEST(IncrByFloat, ValueAndIncrementMustBeFloats) {
  CommandHarness h;
  h.Run({"SET", "f", "1"});
  for (const char* bad : {"abc", " 1", "1 ", "", "1e"}) {
    EXPECT_THAT(h.Run({"INCRBYFLOAT", "f", bad}), IsError("ERR value is not a valid float"))
        << "'" << bad << "'";
  }
  h.Run({"SET", "s", "abc"});
  EXPECT_THAT(h.Run({"INCRBYFLOAT", "s", "1"}), IsError("ERR value is not a valid float"));
  PlantHash(h, "h");
  EXPECT_THAT(h.Run({"INCRBYFLOAT", "h", "abc"}), IsError(kWrongType));
}

TEST(IncrByFloat, KeepsTheTtl) {
  CommandHarness h;
  h.Run({"SET", "f", "1", "EX", "100"});
  h.Run({"INCRBYFLOAT", "f", "1.5"});
  EXPECT_THAT(h.Run({"TTL", "f"}), IsInt(100));
}

// --- GETRANGE / SUBSTR ---

TEST(GetRange, TakesInclusiveIndexesCountingFromEitherEnd) {
  CommandHarness h;
  h.Run({"SET", "k", "Hello World"});
  EXPECT_THAT(h.Run({"GETRANGE", "k", "0", "4"}), IsBulk("Hello"));
  EXPECT_THAT(h.Run({"GETRANGE", "k", "-5", "-1"}), IsBulk("World"));
  EXPECT_THAT(h.Run({"GETRANGE", "k", "0", "-1"}), IsBulk("Hello World"));
  EXPECT_THAT(h.Run({"GETRANGE", "k", "10", "10"}), IsBulk("d"));
  EXPECT_THAT(h.Run({"SUBSTR", "k", "-3", "-1"}), IsBulk("rld"));
}

TEST(GetRange, ClampsToTheString) {
  CommandHarness h;
  h.Run({"SET", "k", "Hello World"});
  EXPECT_THAT(h.Run({"GETRANGE", "k", "0", "100"}), IsBulk("Hello World"));
  EXPECT_THAT(h.Run({"GETRANGE", "k", "-100", "100"}), IsBulk("Hello World"));
  EXPECT_THAT(h.Run({"GETRANGE", "k", "-9223372036854775808", "9223372036854775807"}),
              IsBulk("Hello World"));
  EXPECT_THAT(h.Run({"GETRANGE", "k", "100", "200"}), IsBulk(""));
  EXPECT_THAT(h.Run({"GETRANGE", "k", "11", "11"}), IsBulk(""));
}

TEST(GetRange, AnEmptyRangeIsAnEmptyString) {
  CommandHarness h;
  h.Run({"SET", "k", "Hello World"});
  EXPECT_THAT(h.Run({"GETRANGE", "k", "5", "3"}), IsBulk(""));
  EXPECT_THAT(h.Run({"GETRANGE", "k", "-1", "-5"}), IsBulk(""));
  h.Run({"SET", "e", ""});
  EXPECT_THAT(h.Run({"GETRANGE", "e", "0", "-1"}), IsBulk(""));
  EXPECT_THAT(h.Run({"GETRANGE", "nokey", "0", "-1"}), IsBulk(""));
}

TEST(GetRange, NegativeIndexesBeforeTheStartClampToTheFirstByte) {
  // Redis 7.0 clamps an end index that is still negative after adding the
  // length to 0, so a range wholly before the string yields its first byte.
  CommandHarness h;
  h.Run({"SET", "k", "Hello World"});
  EXPECT_THAT(h.Run({"GETRANGE", "k", "-100", "-50"}), IsBulk("H"));
  EXPECT_THAT(h.Run({"GETRANGE", "k", "0", "-9223372036854775808"}), IsBulk("H"));
}

TEST(GetRange, WorksOnIntegers) {
  CommandHarness h;
  h.Run({"SET", "i", "12345"});
  EXPECT_THAT(h.Run({"GETRANGE", "i", "1", "2"}), IsBulk("23"));
}

TEST(GetRange, IndexesAreParsedBeforeTheKeyIsLookedUp) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"GETRANGE", "nokey", "a", "b"}), IsError(kNotInteger));
  PlantHash(h, "h");
  EXPECT_THAT(h.Run({"GETRANGE", "h", "0", "1"}), IsError(kWrongType));
}

// --- SETRANGE ---

TEST(SetRange, OverwritesAndPadsWithZeroBytes) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"SETRANGE", "k", "5", "hi"}), IsInt(7));
  EXPECT_THAT(h.Run({"GET", "k"}), IsBulk(std::string("\0\0\0\0\0hi", 7)));
  EXPECT_THAT(h.Run({"SETRANGE", "k", "0", "HELLO"}), IsInt(7));
  EXPECT_THAT(h.Run({"GET", "k"}), IsBulk("HELLOhi"));
}

TEST(SetRange, AnEmptyValueChangesNothingAndCreatesNothing) {
  CommandHarness h;
  h.Run({"SET", "k", "abc"});
  EXPECT_THAT(h.Run({"SETRANGE", "k", "100", ""}), IsInt(3));
  EXPECT_THAT(h.Run({"GET", "k"}), IsBulk("abc"));
  EXPECT_THAT(h.Run({"SETRANGE", "nokey", "10", ""}), IsInt(0));
  EXPECT_THAT(h.Run({"EXISTS", "nokey"}), IsInt(0));
}

TEST(SetRange, TurnsAnIntegerIntoAString) {
  CommandHarness h;
  h.Run({"SET", "i", "12345"});
  EXPECT_THAT(h.Run({"SETRANGE", "i", "2", "x"}), IsInt(5));
  EXPECT_THAT(h.Run({"GET", "i"}), IsBulk("12x45"));
}

TEST(SetRange, TheOffsetMustBeANonNegativeInteger) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"SETRANGE", "k", "-1", "x"}), IsError("ERR offset is out of range"));
  EXPECT_THAT(h.Run({"SETRANGE", "k", "abc", "x"}), IsError(kNotInteger));
  PlantHash(h, "h");
  EXPECT_THAT(h.Run({"SETRANGE", "h", "0", "x"}), IsError(kWrongType));
}

// proto-max-bulk-len (512 MB by default, 1 MB here) is also the largest
// string a command may build.
server::Config SmallBulkLimit() {
  server::Config config = CommandHarness::DefaultConfig();
  config.proto_max_bulk_len = 1024 * 1024;
  return config;
}

TEST(SetRange, ARangeEndingPastProtoMaxBulkLenIsRefused) {
  CommandHarness h(SmallBulkLimit());
  EXPECT_THAT(h.Run({"SETRANGE", "k", "1048575", "x"}), IsInt(1048576));
  EXPECT_THAT(h.Run({"SETRANGE", "k", "1048574", "ab"}), IsInt(1048576));
  EXPECT_THAT(h.Run({"SETRANGE", "k", "1048574", "abc"}),
              IsError("ERR string exceeds maximum allowed size (proto-max-bulk-len)"));
  EXPECT_THAT(h.Run({"SETRANGE", "k2", "1048576", "x"}),
              IsError("ERR string exceeds maximum allowed size (proto-max-bulk-len)"));
  EXPECT_THAT(h.Run({"SETRANGE", "k2", "1048576", ""}), IsInt(0));
  EXPECT_THAT(h.Run({"EXISTS", "k2"}), IsInt(0));
}

TEST(SetRange, AnOffsetNearInt64MaxDoesNotWrapAround) {
  CommandHarness h;
  h.Run({"SET", "k", "abc"});
  EXPECT_THAT(h.Run({"SETRANGE", "k", "9223372036854775807", "x"}),
              IsError("ERR string exceeds maximum allowed size (proto-max-bulk-len)"));
  EXPECT_THAT(h.Run({"SETRANGE", "new", "9223372036854775807", "x"}),
              IsError("ERR string exceeds maximum allowed size (proto-max-bulk-len)"));
  EXPECT_THAT(h.Run({"GET", "k"}), IsBulk("abc"));
}

TEST(Append, PastProtoMaxBulkLenIsRefused) {
  CommandHarness h(SmallBulkLimit());
  h.Run({"SETRANGE", "k", "1048575", "x"});
  EXPECT_THAT(h.Run({"APPEND", "k", "y"}),
              IsError("ERR string exceeds maximum allowed size (proto-max-bulk-len)"));
  EXPECT_THAT(h.Run({"STRLEN", "k"}), IsInt(1048576));
}

// --- RESP3 ---

TEST(StringCommandsInResp3, MissingValuesAreTheResp3Null) {
  CommandHarness h;
  h.Run({"HELLO", "3"});
  h.Run({"SET", "k", "v"});
  EXPECT_EQ(h.RunRaw({"GET", "nokey"}), "_\r\n");
  EXPECT_EQ(h.RunRaw({"SET", "k", "v", "NX"}), "_\r\n");
  EXPECT_EQ(h.RunRaw({"SET", "k2", "v", "XX"}), "_\r\n");
  EXPECT_EQ(h.RunRaw({"MGET", "k", "nokey"}), "*2\r\n$1\r\nv\r\n_\r\n");
  EXPECT_EQ(h.RunRaw({"GETEX", "nokey"}), "_\r\n");
  EXPECT_EQ(h.RunRaw({"GETDEL", "nokey"}), "_\r\n");
  EXPECT_EQ(h.RunRaw({"INCRBYFLOAT", "f", "1.5"}), "$3\r\n1.5\r\n");
}

}  // namespace
}  // namespace ember::testing
