// Redis's generic key commands (db.c, expire.c, object.c): they work on a
// key whatever its type.
//
// A few rules run through all of them. Counting commands count arguments,
// not distinct keys (EXISTS k k is 2). A key moved by RENAME or MOVE takes
// its TTL along; COPY gives the copy the same TTL. The EXPIRE family
// accepts zero and negative times, which delete the key at once, and its
// NX/XX/GT/LT conditions treat "no TTL" as an infinite one. Introspection
// (TYPE, TTL, OBJECT) does not count as an access. Every expected reply
// here is what Redis 7.0 answers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "storage/database.h"
#include "tests/support/command_harness.h"
#include "tests/support/matchers.h"

namespace ember::testing {
namespace {

using Strings = std::vector<std::string>;
using ::testing::ElementsAre;

constexpr const char* kSyntax = "ERR syntax error";
constexpr const char* kNotInteger = "ERR value is not an integer or out of range";

// A key of a non-string type (Ember has no such commands yet), planted
// straight into the keyspace.
void PlantHash(CommandHarness& h, std::string_view key) {
  storage::Database& db = h.server().keyspace().db(h.client().db_index());
  storage::Entry::ValueSpec spec;
  spec.kind = storage::ValueKind::kInline;
  spec.type = storage::ObjType::kHash;
  db.Add(db.LookupWrite(key), key, spec);
}

// The keys of a SCAN reply ([cursor, [keys...]]) and its cursor.
std::string ScanCursor(const protocol::Value& v) { return v.elements().at(0).str(); }
Strings ScanKeys(const protocol::Value& v) {
  Strings keys;
  for (const protocol::Value& k : v.elements().at(1).elements()) keys.push_back(k.str());
  return keys;
}

// --- DEL, UNLINK, EXISTS, TOUCH, TYPE ---

TEST(Del, CountsKeysActuallyDeletedOnce) {
  CommandHarness h;
  h.Run({"MSET", "a", "1", "b", "2", "c", "3"});
  EXPECT_THAT(h.Run({"DEL", "a", "a", "b", "nokey"}), IsInt(2));
  EXPECT_THAT(h.Run({"UNLINK", "c", "c"}), IsInt(1));
  EXPECT_THAT(h.Run({"DBSIZE"}), IsInt(0));
}

TEST(Exists, CountsEveryArgumentIncludingRepeats) {
  CommandHarness h;
  h.Run({"SET", "c", "1"});
  EXPECT_THAT(h.Run({"EXISTS", "a", "c", "c", "nokey"}), IsInt(2));
}

TEST(Touch, CountsTheKeysThatExist) {
  CommandHarness h;
  h.Run({"SET", "a", "1"});
  EXPECT_THAT(h.Run({"TOUCH", "a", "a", "nokey"}), IsInt(2));
}

TEST(Type, NamesTheTypeOrNone) {
  CommandHarness h;
  h.Run({"SET", "s", "v"});
  h.Run({"SET", "i", "1"});
  PlantHash(h, "h");
  EXPECT_THAT(h.Run({"TYPE", "s"}), IsSimple("string"));
  EXPECT_THAT(h.Run({"TYPE", "i"}), IsSimple("string"));
  EXPECT_THAT(h.Run({"TYPE", "h"}), IsSimple("hash"));
  EXPECT_THAT(h.Run({"TYPE", "nokey"}), IsSimple("none"));
}

// --- KEYS ---

TEST(Keys, MatchesGlobPatterns) {
  CommandHarness h;
  for (const char* k : {"foo", "fob", "f[x", "hello", "hallo", "hxllo", "heeeello"}) {
    h.Run({"SET", k, "1"});
  }
  EXPECT_THAT(h.Run({"KEYS", "h?llo"}), IsBulkSetOf(Strings{"hello", "hallo", "hxllo"}));
  EXPECT_THAT(h.Run({"KEYS", "h*llo"}),
              IsBulkSetOf(Strings{"heeeello", "hello", "hallo", "hxllo"}));
  EXPECT_THAT(h.Run({"KEYS", "h[ae]llo"}), IsBulkSetOf(Strings{"hello", "hallo"}));
  EXPECT_THAT(h.Run({"KEYS", "h[^e]llo"}), IsBulkSetOf(Strings{"hallo", "hxllo"}));
  EXPECT_THAT(h.Run({"KEYS", "h[a-b]llo"}), IsBulkSetOf(Strings{"hallo"}));
  EXPECT_THAT(h.Run({"KEYS", "f\\[x"}), IsBulkSetOf(Strings{"f[x"}));
  EXPECT_THAT(h.Run({"KEYS", "*"}).elements().size(), 7u);
  EXPECT_THAT(h.Run({"KEYS", "nomatch"}), IsBulkSetOf(Strings{}));
}

TEST(Keys, StarAloneListsEvenTheEmptyKeyButDoubleStarDoesNot) {
  // KEYS special-cases "*"; the matcher itself never matches "".
  CommandHarness h;
  h.Run({"SET", "", "1"});
  EXPECT_THAT(h.Run({"KEYS", "*"}), IsBulkSetOf(Strings{""}));
  EXPECT_THAT(h.Run({"KEYS", "**"}), IsBulkSetOf(Strings{}));
}

TEST(Keys, SkipsExpiredKeysWithoutDeletingThem) {
  CommandHarness h;
  h.Run({"SET", "live", "1"});
  h.Run({"SET", "dead", "1", "PX", "10"});
  h.AdvanceMs(10);
  EXPECT_THAT(h.Run({"KEYS", "*"}), IsBulkSetOf(Strings{"live"}));
  EXPECT_THAT(h.Run({"DBSIZE"}), IsInt(2));  // KEYS only reads
}

// --- SCAN ---

TEST(Scan, AFullIterationReturnsEveryKey) {
  CommandHarness h;
  std::set<std::string> all;
  for (int i = 0; i < 200; ++i) {
    all.insert("key:" + std::to_string(i));
    h.Run({"SET", "key:" + std::to_string(i), "v"});
  }
  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    protocol::Value v = h.Run({"SCAN", cursor});
    cursor = ScanCursor(v);
    for (const std::string& k : ScanKeys(v)) seen.insert(k);
    ++calls;
  } while (cursor != "0");
  EXPECT_EQ(seen, all);
  EXPECT_GT(calls, 1);  // COUNT defaults to 10
}

TEST(Scan, MatchFiltersAfterVisitingSoReplyMayBeEmptyMidIteration) {
  CommandHarness h;
  for (int i = 0; i < 100; ++i) h.Run({"SET", "other:" + std::to_string(i), "v"});
  h.Run({"SET", "wanted", "v"});
  Strings found;
  std::string cursor = "0";
  do {
    protocol::Value v = h.Run({"SCAN", cursor, "MATCH", "want*"});
    cursor = ScanCursor(v);
    for (const std::string& k : ScanKeys(v)) found.push_back(k);
  } while (cursor != "0");
  EXPECT_THAT(found, ElementsAre("wanted"));
}

TEST(Scan, CountIsAHintForHowMuchWorkOneCallDoes) {
  CommandHarness h;
  for (int i = 0; i < 50; ++i) h.Run({"SET", "k" + std::to_string(i), "v"});
  protocol::Value v = h.Run({"SCAN", "0", "COUNT", "1000"});
  EXPECT_EQ(ScanCursor(v), "0");
  EXPECT_EQ(ScanKeys(v).size(), 50u);
}

TEST(Scan, TypeFiltersByTypeNameInAnyCase) {
  CommandHarness h;
  h.Run({"SET", "s", "v"});
  PlantHash(h, "h");
  EXPECT_THAT(ScanKeys(h.Run({"SCAN", "0", "TYPE", "string", "COUNT", "100"})), ElementsAre("s"));
  EXPECT_THAT(ScanKeys(h.Run({"SCAN", "0", "type", "HASH", "COUNT", "100"})), ElementsAre("h"));
  EXPECT_THAT(ScanKeys(h.Run({"SCAN", "0", "TYPE", "nosuchtype", "COUNT", "100"})), ElementsAre());
}

TEST(Scan, CombinesMatchCountAndType) {
  CommandHarness h;
  h.Run({"SET", "k", "v"});
  h.Run({"SET", "x", "v"});
  EXPECT_EQ(h.RunRaw({"SCAN", "0", "MATCH", "k*", "COUNT", "100", "TYPE", "string"}),
            "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n");
}

TEST(Scan, DoesNotReturnExpiredKeys) {
  CommandHarness h;
  h.Run({"SET", "live", "1"});
  h.Run({"SET", "dead", "1", "PX", "10"});
  h.AdvanceMs(10);
  EXPECT_THAT(ScanKeys(h.Run({"SCAN", "0", "COUNT", "100"})), ElementsAre("live"));
}

TEST(Scan, CursorsAreUnsignedDecimalAsStrtoulReadsThem) {
  CommandHarness h;
  for (const char* ok : {"0", "", "+0", "-0", "00", "-1", "18446744073709551615"}) {
    EXPECT_EQ(h.Run({"SCAN", ok}).type(), protocol::Type::kArray) << "'" << ok << "'";
  }
  for (const char* bad : {"abc", "1x", " 1", "\t1", "1 ", "0x10", "18446744073709551616"}) {
    EXPECT_THAT(h.Run({"SCAN", bad}), IsError("ERR invalid cursor")) << "'" << bad << "'";
  }
}

TEST(Scan, OptionErrors) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"SCAN", "0", "COUNT", "0"}), IsError(kSyntax));
  EXPECT_THAT(h.Run({"SCAN", "0", "COUNT", "-1"}), IsError(kSyntax));
  EXPECT_THAT(h.Run({"SCAN", "0", "COUNT", "abc"}), IsError(kNotInteger));
  EXPECT_THAT(h.Run({"SCAN", "0", "COUNT"}), IsError(kSyntax));
  EXPECT_THAT(h.Run({"SCAN", "0", "MATCH"}), IsError(kSyntax));
  EXPECT_THAT(h.Run({"SCAN", "0", "TYPE"}), IsError(kSyntax));
  EXPECT_THAT(h.Run({"SCAN", "0", "FOO", "bar"}), IsError(kSyntax));
}

TEST(Scan, AHugeCountIsFine) {
  CommandHarness h;
  h.Run({"SET", "k", "v"});
  EXPECT_THAT(ScanKeys(h.Run({"SCAN", "0", "COUNT", "9223372036854775807"})), ElementsAre("k"));
}

// --- RANDOMKEY ---

TEST(RandomKey, ReturnsAKeyOrNil) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"RANDOMKEY"}), IsNil());
  h.Run({"SET", "only", "v"});
  EXPECT_THAT(h.Run({"RANDOMKEY"}), IsBulk("only"));
}

TEST(RandomKey, NeverReturnsAnExpiredKey) {
  CommandHarness h;
  h.Run({"SET", "live", "v"});
  for (int i = 0; i < 20; ++i) h.Run({"SET", "dead" + std::to_string(i), "v", "PX", "5"});
  h.AdvanceMs(5);
  for (int i = 0; i < 10; ++i) EXPECT_THAT(h.Run({"RANDOMKEY"}), IsBulk("live"));
}

// --- RENAME, RENAMENX ---

TEST(Rename, MovesTheValueAndItsTtl) {
  CommandHarness h;
  h.Run({"SET", "a", "1", "EX", "100"});
  EXPECT_THAT(h.Run({"RENAME", "a", "b"}), IsOk());
  EXPECT_THAT(h.Run({"EXISTS", "a"}), IsInt(0));
  EXPECT_THAT(h.Run({"GET", "b"}), IsBulk("1"));
  EXPECT_THAT(h.Run({"TTL", "b"}), IsInt(100));
}

TEST(Rename, ReplacesTheTargetAndItsTtl) {
  CommandHarness h;
  h.Run({"SET", "a", "1"});
  h.Run({"SET", "b", "2", "EX", "100"});
  EXPECT_THAT(h.Run({"RENAME", "a", "b"}), IsOk());
  EXPECT_THAT(h.Run({"GET", "b"}), IsBulk("1"));
  EXPECT_THAT(h.Run({"TTL", "b"}), IsInt(-1));
}

TEST(Rename, AMissingSourceIsAnErrorEvenOntoItself) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"RENAME", "nokey", "x"}), IsError("ERR no such key"));
  EXPECT_THAT(h.Run({"RENAMENX", "nokey", "x"}), IsError("ERR no such key"));
  EXPECT_THAT(h.Run({"RENAME", "nokey", "nokey"}), IsError("ERR no such key"));
}

TEST(Rename, OntoItselfIsOkForRenameAndZeroForRenamenx) {
  CommandHarness h;
  h.Run({"SET", "a", "1", "EX", "100"});
  EXPECT_THAT(h.Run({"RENAME", "a", "a"}), IsOk());
  EXPECT_THAT(h.Run({"RENAMENX", "a", "a"}), IsInt(0));
  EXPECT_THAT(h.Run({"GET", "a"}), IsBulk("1"));
  EXPECT_THAT(h.Run({"TTL", "a"}), IsInt(100));
}

TEST(RenameNx, RenamesOnlyOntoAMissingKey) {
  CommandHarness h;
  h.Run({"SET", "a", "1"});
  h.Run({"SET", "c", "3"});
  EXPECT_THAT(h.Run({"RENAMENX", "a", "c"}), IsInt(0));
  EXPECT_THAT(h.Run({"GET", "c"}), IsBulk("3"));
  EXPECT_THAT(h.Run({"RENAMENX", "a", "d"}), IsInt(1));
  EXPECT_THAT(h.Run({"GET", "d"}), IsBulk("1"));
}

TEST(Rename, WorksForEveryType) {
  CommandHarness h;
  PlantHash(h, "h");
  EXPECT_THAT(h.Run({"RENAME", "h", "h2"}), IsOk());
  EXPECT_THAT(h.Run({"TYPE", "h2"}), IsSimple("hash"));
}

// --- COPY ---

TEST(Copy, CopiesTheValueAndTtl) {
  CommandHarness h;
  h.Run({"SET", "c", "1", "EX", "100"});
  EXPECT_THAT(h.Run({"COPY", "c", "e"}), IsInt(1));
  EXPECT_THAT(h.Run({"GET", "e"}), IsBulk("1"));
  EXPECT_THAT(h.Run({"TTL", "e"}), IsInt(100));
  h.Run({"APPEND", "e", "x"});  // the copy is independent
  EXPECT_THAT(h.Run({"GET", "c"}), IsBulk("1"));
}

TEST(Copy, AnExistingTargetNeedsReplace) {
  CommandHarness h;
  h.Run({"SET", "c", "1"});
  h.Run({"SET", "e", "old", "EX", "100"});
  EXPECT_THAT(h.Run({"COPY", "c", "e"}), IsInt(0));
  EXPECT_THAT(h.Run({"GET", "e"}), IsBulk("old"));
  EXPECT_THAT(h.Run({"COPY", "c", "e", "REPLACE"}), IsInt(1));
  EXPECT_THAT(h.Run({"GET", "e"}), IsBulk("1"));
  EXPECT_THAT(h.Run({"TTL", "e"}), IsInt(-1));
}

TEST(Copy, ToAnotherDatabase) {
  CommandHarness h;
  h.Run({"SET", "c", "1", "EX", "100"});
  EXPECT_THAT(h.Run({"COPY", "c", "c", "DB", "1"}), IsInt(1));
  EXPECT_THAT(h.Run({"COPY", "c", "e", "DB", "1", "REPLACE"}), IsInt(1));
  h.Run({"SELECT", "1"});
  EXPECT_THAT(h.Run({"GET", "c"}), IsBulk("1"));
  EXPECT_THAT(h.Run({"TTL", "e"}), IsInt(100));
}

TEST(Copy, MissingSourceIsZero) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"COPY", "nokey", "x"}), IsInt(0));
}

TEST(Copy, OntoItselfInTheSameDatabaseIsAnError) {
  CommandHarness h;
  h.Run({"SET", "c", "1"});
  EXPECT_THAT(h.Run({"COPY", "c", "c"}),
              IsError("ERR source and destination objects are the same"));
  EXPECT_THAT(h.Run({"COPY", "c", "c", "DB", "0"}),
              IsError("ERR source and destination objects are the same"));
}

TEST(Copy, OptionErrors) {
  CommandHarness h;
  h.Run({"SET", "c", "1"});
  EXPECT_THAT(h.Run({"COPY", "c", "e", "DB", "16"}), IsError("ERR DB index is out of range"));
  EXPECT_THAT(h.Run({"COPY", "c", "e", "DB", "-1"}), IsError("ERR DB index is out of range"));
  EXPECT_THAT(h.Run({"COPY", "c", "e", "DB", "abc"}), IsError(kNotInteger));
  EXPECT_THAT(h.Run({"COPY", "c", "e", "DB", "99999999999"}),
              IsError("ERR value is out of range, value must between -2147483648 and 2147483647"));
  EXPECT_THAT(h.Run({"COPY", "c", "e", "DB"}), IsError(kSyntax));
  EXPECT_THAT(h.Run({"COPY", "c", "e", "FOO"}), IsError(kSyntax));
  EXPECT_THAT(h.Run({"COPY", "c", "e", "REPLACE", "REPLACE"}), IsInt(1));
}

// --- MOVE ---

TEST(Move, MovesTheKeyWithItsTtlToAnotherDatabase) {
  CommandHarness h;
  h.Run({"SET", "m", "1", "EX", "100"});
  EXPECT_THAT(h.Run({"MOVE", "m", "1"}), IsInt(1));
  EXPECT_THAT(h.Run({"EXISTS", "m"}), IsInt(0));
  h.Run({"SELECT", "1"});
  EXPECT_THAT(h.Run({"GET", "m"}), IsBulk("1"));
  EXPECT_THAT(h.Run({"TTL", "m"}), IsInt(100));
}

TEST(Move, DoesNothingWhenTheTargetHasTheKeyOrTheSourceDoesNot) {
  CommandHarness h;
  h.Run({"SET", "m", "here"});
  h.Run({"SELECT", "1"});
  h.Run({"SET", "m", "there"});
  h.Run({"SELECT", "0"});
  EXPECT_THAT(h.Run({"MOVE", "m", "1"}), IsInt(0));
  EXPECT_THAT(h.Run({"GET", "m"}), IsBulk("here"));
  EXPECT_THAT(h.Run({"MOVE", "nokey", "1"}), IsInt(0));
}

TEST(Move, Errors) {
  CommandHarness h;
  h.Run({"SET", "m", "1"});
  EXPECT_THAT(h.Run({"MOVE", "m", "0"}),
              IsError("ERR source and destination objects are the same"));
  EXPECT_THAT(h.Run({"MOVE", "m", "16"}), IsError("ERR DB index is out of range"));
  EXPECT_THAT(h.Run({"MOVE", "m", "-1"}), IsError("ERR DB index is out of range"));
  EXPECT_THAT(h.Run({"MOVE", "m", "abc"}), IsError(kNotInteger));
  EXPECT_THAT(h.Run({"MOVE", "m", "99999999999"}),
              IsError("ERR value is out of range, value must between -2147483648 and 2147483647"));
}

// --- EXPIRE family ---

TEST(Expire, SetsTheTtlInSecondsOrMilliseconds) {
  CommandHarness h;
  h.Run({"SET", "a", "1"});
  EXPECT_THAT(h.Run({"EXPIRE", "a", "100"}), IsInt(1));
  EXPECT_THAT(h.Run({"PTTL", "a"}), IsInt(100000));
  EXPECT_THAT(h.Run({"PEXPIRE", "a", "1500"}), IsInt(1));
  EXPECT_THAT(h.Run({"PTTL", "a"}), IsInt(1500));
  EXPECT_THAT(h.Run({"EXPIREAT", "a", "4000000000"}), IsInt(1));
  EXPECT_THAT(h.Run({"EXPIRETIME", "a"}), IsInt(4000000000));
  EXPECT_THAT(h.Run({"PEXPIREAT", "a", "4000000000123"}), IsInt(1));
  EXPECT_THAT(h.Run({"PEXPIRETIME", "a"}), IsInt(4000000000123));
}

TEST(Expire, OnAMissingKeyIsZero) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"EXPIRE", "nokey", "100"}), IsInt(0));
  EXPECT_THAT(h.Run({"PEXPIREAT", "nokey", "4000000000000"}), IsInt(0));
}

TEST(Expire, ZeroOrNegativeTimesDeleteTheKeyAndAnswerOne) {
  CommandHarness h;
  for (const Strings& cmd : std::vector<Strings>{{"EXPIRE", "a", "0"},
                                                 {"EXPIRE", "a", "-10"},
                                                 {"PEXPIRE", "a", "0"},
                                                 {"EXPIREAT", "a", "1"},
                                                 {"PEXPIREAT", "a", "1"},
                                                 {"EXPIRE", "a", "-9223372036854775"}}) {
    h.Run({"SET", "a", "1"});
    EXPECT_THAT(h.Run(cmd), IsInt(1)) << cmd[0] << " " << cmd[2];
    EXPECT_THAT(h.Run({"EXISTS", "a"}), IsInt(0)) << cmd[0] << " " << cmd[2];
  }
}

TEST(Expire, NxSetsOnlyWhenThereIsNoTtl) {
  CommandHarness h;
  h.Run({"SET", "a", "1"});
  EXPECT_THAT(h.Run({"EXPIRE", "a", "100", "NX"}), IsInt(1));
  EXPECT_THAT(h.Run({"EXPIRE", "a", "200", "NX"}), IsInt(0));
  EXPECT_THAT(h.Run({"TTL", "a"}), IsInt(100));
}

TEST(Expire, XxSetsOnlyWhenThereIsATtl) {
  CommandHarness h;
  h.Run({"SET", "a", "1"});
  EXPECT_THAT(h.Run({"EXPIRE", "a", "100", "XX"}), IsInt(0));
  EXPECT_THAT(h.Run({"TTL", "a"}), IsInt(-1));
  h.Run({"EXPIRE", "a", "100"});
  EXPECT_THAT(h.Run({"EXPIRE", "a", "50", "XX"}), IsInt(1));
  EXPECT_THAT(h.Run({"TTL", "a"}), IsInt(50));
}

TEST(Expire, GtOnlyExtendsAndNoTtlCountsAsInfinite) {
  CommandHarness h;
  h.Run({"SET", "a", "1"});
  EXPECT_THAT(h.Run({"EXPIRE", "a", "100", "GT"}), IsInt(0));  // nothing beats no TTL
  h.Run({"EXPIRE", "a", "50"});
  EXPECT_THAT(h.Run({"EXPIRE", "a", "100", "GT"}), IsInt(1));
  EXPECT_THAT(h.Run({"EXPIRE", "a", "10", "GT"}), IsInt(0));
  EXPECT_THAT(h.Run({"EXPIRE", "a", "100", "GT"}), IsInt(0));  // equal is not greater
  EXPECT_THAT(h.Run({"TTL", "a"}), IsInt(100));
}

TEST(Expire, LtOnlyShortensAndAnyTtlBeatsNone) {
  CommandHarness h;
  h.Run({"SET", "a", "1"});
  EXPECT_THAT(h.Run({"EXPIRE", "a", "100", "LT"}), IsInt(1));
  EXPECT_THAT(h.Run({"EXPIRE", "a", "200", "LT"}), IsInt(0));
  EXPECT_THAT(h.Run({"EXPIRE", "a", "20", "LT"}), IsInt(1));
  EXPECT_THAT(h.Run({"TTL", "a"}), IsInt(20));
}

TEST(Expire, ConditionsApplyBeforeANegativeTimeDeletes) {
  CommandHarness h;
  h.Run({"SET", "a", "1"});
  EXPECT_THAT(h.Run({"EXPIRE", "a", "-1", "XX"}), IsInt(0));
  EXPECT_THAT(h.Run({"EXISTS", "a"}), IsInt(1));
  EXPECT_THAT(h.Run({"EXPIRE", "a", "-1", "LT"}), IsInt(1));
  EXPECT_THAT(h.Run({"EXISTS", "a"}), IsInt(0));
}

TEST(Expire, IncompatibleConditionsAreErrors) {
  CommandHarness h;
  h.Run({"SET", "a", "1"});
  const char* nx_error = "ERR NX and XX, GT or LT options at the same time are not compatible";
  EXPECT_THAT(h.Run({"EXPIRE", "a", "100", "NX", "XX"}), IsError(nx_error));
  EXPECT_THAT(h.Run({"EXPIRE", "a", "100", "NX", "GT"}), IsError(nx_error));
  EXPECT_THAT(h.Run({"EXPIRE", "a", "100", "LT", "NX"}), IsError(nx_error));
  EXPECT_THAT(h.Run({"EXPIRE", "a", "100", "GT", "LT"}),
              IsError("ERR GT and LT options at the same time are not compatible"));
  EXPECT_THAT(h.Run({"EXPIRE", "a", "100", "XX", "GT"}), IsInt(0));  // compatible
  EXPECT_THAT(h.Run({"EXPIRE", "a", "100", "nx", "nx"}), IsInt(1));  // repeats are fine
}

TEST(Expire, OptionsAreCheckedBeforeTheTime) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"EXPIRE", "a", "100", "FOO"}), IsError("ERR Unsupported option FOO"));
  EXPECT_THAT(h.Run({"EXPIRE", "a", "abc", "FOO"}), IsError("ERR Unsupported option FOO"));
  EXPECT_THAT(h.Run({"EXPIRE", "a", "abc"}), IsError(kNotInteger));
  EXPECT_THAT(h.Run({"EXPIRE", "nokey", "abc"}), IsError(kNotInteger));
}

TEST(Expire, TimesThatOverflowAreInvalidAndNameTheCommand) {
  CommandHarness h;
  h.Run({"SET", "a", "1"});
  EXPECT_THAT(h.Run({"EXPIRE", "a", "9223372036854775807"}),
              IsError("ERR invalid expire time in 'expire' command"));
  EXPECT_THAT(h.Run({"EXPIRE", "a", "9223372036854775"}),
              IsError("ERR invalid expire time in 'expire' command"));
  EXPECT_THAT(h.Run({"EXPIRE", "a", "-9223372036854776"}),
              IsError("ERR invalid expire time in 'expire' command"));
  EXPECT_THAT(h.Run({"PEXPIRE", "a", "9223372036854775807"}),
              IsError("ERR invalid expire time in 'pexpire' command"));
  EXPECT_THAT(h.Run({"EXPIREAT", "a", "9223372036854776"}),
              IsError("ERR invalid expire time in 'expireat' command"));
  EXPECT_THAT(h.Run({"TTL", "a"}), IsInt(-1));
}

// --- TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST ---

TEST(Ttl, IsMinusTwoForAMissingKeyAndMinusOneWithoutTtl) {
  CommandHarness h;
  for (const char* cmd : {"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"}) {
    EXPECT_THAT(h.Run({cmd, "nokey"}), IsInt(-2)) << cmd;
  }
  h.Run({"SET", "a", "1"});
  for (const char* cmd : {"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"}) {
    EXPECT_THAT(h.Run({cmd, "a"}), IsInt(-1)) << cmd;
  }
}

TEST(Ttl, SecondsAreRoundedToTheNearest) {
  CommandHarness h;
  h.Run({"SET", "a", "1", "PX", "1500"});
  EXPECT_THAT(h.Run({"TTL", "a"}), IsInt(2));
  h.Run({"PEXPIRE", "a", "1499"});
  EXPECT_THAT(h.Run({"TTL", "a"}), IsInt(1));
  h.Run({"PEXPIREAT", "a", "4000000000500"});
  EXPECT_THAT(h.Run({"EXPIRETIME", "a"}), IsInt(4000000001));
  h.Run({"PEXPIREAT", "a", "4000000000499"});
  EXPECT_THAT(h.Run({"EXPIRETIME", "a"}), IsInt(4000000000));
}

TEST(Persist, RemovesTheTtlOnce) {
  CommandHarness h;
  h.Run({"SET", "a", "1", "EX", "100"});
  EXPECT_THAT(h.Run({"PERSIST", "a"}), IsInt(1));
  EXPECT_THAT(h.Run({"PERSIST", "a"}), IsInt(0));
  EXPECT_THAT(h.Run({"TTL", "a"}), IsInt(-1));
  EXPECT_THAT(h.Run({"PERSIST", "nokey"}), IsInt(0));
}

// --- OBJECT ---

TEST(ObjectEncoding, IntForCanonicalIntegersEmbstrUpTo44BytesRawBeyond) {
  CommandHarness h;
  h.Run({"SET", "i", "12345"});
  h.Run({"SET", "max", "9223372036854775807"});
  h.Run({"SET", "min", "-9223372036854775808"});
  h.Run({"SET", "over", "9223372036854775808"});
  h.Run({"SET", "zero_led", "01"});
  h.Run({"SET", "e", ""});
  h.Run({"SET", "s44", std::string(44, 'a')});
  h.Run({"SET", "s45", std::string(45, 'a')});
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "i"}), IsBulk("int"));
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "max"}), IsBulk("int"));
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "min"}), IsBulk("int"));
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "over"}), IsBulk("embstr"));
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "zero_led"}), IsBulk("embstr"));
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "e"}), IsBulk("embstr"));
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "s44"}), IsBulk("embstr"));
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "s45"}), IsBulk("raw"));
}

TEST(ObjectEncoding, AppendMakesRawAndIncrMakesIntAgain) {
  CommandHarness h;
  h.Run({"APPEND", "ap", "hello"});
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "ap"}), IsBulk("embstr"));  // created as by SET
  h.Run({"APPEND", "ap", " world"});
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "ap"}), IsBulk("raw"));
  h.Run({"APPEND", "ai", "123"});
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "ai"}), IsBulk("int"));
  h.Run({"APPEND", "ai", "4"});
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "ai"}), IsBulk("raw"));
  h.Run({"INCR", "ai"});
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "ai"}), IsBulk("int"));
}

TEST(ObjectEncoding, SetrangeMakesRaw) {
  CommandHarness h;
  h.Run({"SET", "i", "12345"});
  h.Run({"SETRANGE", "i", "5", "6"});
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "i"}), IsBulk("raw"));
}

TEST(ObjectEncoding, IncrbyfloatStoresEmbstrEvenForIntegralResults) {
  CommandHarness h;
  h.Run({"INCRBYFLOAT", "f", "3.0"});
  EXPECT_THAT(h.Run({"GET", "f"}), IsBulk("3"));
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "f"}), IsBulk("embstr"));
}

TEST(Object, MissingKeysAreNil) {
  CommandHarness h;
  for (const char* sub : {"ENCODING", "IDLETIME", "REFCOUNT", "FREQ"}) {
    EXPECT_THAT(h.Run({"OBJECT", sub, "nokey"}), IsNil()) << sub;
  }
}

TEST(ObjectIdletime, CountsWholeSecondsSinceTheLastAccess) {
  CommandHarness h;
  h.Run({"SET", "k", "v"});
  EXPECT_THAT(h.Run({"OBJECT", "IDLETIME", "k"}), IsInt(0));
  h.AdvanceMs(10'500);
  EXPECT_THAT(h.Run({"OBJECT", "IDLETIME", "k"}), IsInt(10));
  // Introspection is not an access...
  EXPECT_THAT(h.Run({"TYPE", "k"}), IsSimple("string"));
  EXPECT_THAT(h.Run({"TTL", "k"}), IsInt(-1));
  EXPECT_THAT(h.Run({"EXISTS", "k"}), IsInt(1));
  EXPECT_THAT(h.Run({"OBJECT", "IDLETIME", "k"}), IsInt(10));
  // ...a read is.
  h.Run({"GET", "k"});
  EXPECT_THAT(h.Run({"OBJECT", "IDLETIME", "k"}), IsInt(0));
  h.AdvanceMs(3'000);
  h.Run({"TOUCH", "k"});
  EXPECT_THAT(h.Run({"OBJECT", "IDLETIME", "k"}), IsInt(0));
}

TEST(ObjectFreq, IsAnErrorWithoutAnLfuPolicy) {
  CommandHarness h;
  h.Run({"SET", "k", "v"});
  EXPECT_THAT(h.Run({"OBJECT", "FREQ", "k"}),
              IsError("ERR An LFU maxmemory policy is not selected, access frequency not "
                      "tracked. Please note that when switching between policies at runtime LRU "
                      "and LFU data will take some time to adjust."));
}

TEST(Object, SubcommandErrors) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"OBJECT"}), IsError("ERR wrong number of arguments for 'object' command"));
  EXPECT_THAT(h.Run({"OBJECT", "foo"}), IsError("ERR unknown subcommand 'foo'. Try OBJECT HELP."));
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING", "a", "b"}),
              IsError("ERR wrong number of arguments for 'object|encoding' command"));
  EXPECT_EQ(h.Run({"OBJECT", "HELP"}).elements().size(), 15u);
}

// --- DBSIZE, FLUSHDB, FLUSHALL, SWAPDB ---

TEST(DbSize, CountsKeysOfTheSelectedDatabase) {
  CommandHarness h;
  h.Run({"MSET", "a", "1", "b", "2"});
  EXPECT_THAT(h.Run({"DBSIZE"}), IsInt(2));
  h.Run({"SELECT", "1"});
  EXPECT_THAT(h.Run({"DBSIZE"}), IsInt(0));
}

TEST(Flush, FlushdbEmptiesOneDatabaseAndFlushallEvery) {
  CommandHarness h;
  h.Run({"SET", "a", "1"});
  h.Run({"SELECT", "1"});
  h.Run({"SET", "b", "1", "EX", "100"});
  EXPECT_THAT(h.Run({"FLUSHDB"}), IsOk());
  EXPECT_THAT(h.Run({"DBSIZE"}), IsInt(0));
  h.Run({"SELECT", "0"});
  EXPECT_THAT(h.Run({"DBSIZE"}), IsInt(1));
  EXPECT_THAT(h.Run({"FLUSHALL", "ASYNC"}), IsOk());
  EXPECT_THAT(h.Run({"DBSIZE"}), IsInt(0));
}

TEST(Flush, AcceptsSyncOrAsyncOnly) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"FLUSHDB", "SYNC"}), IsOk());
  EXPECT_THAT(h.Run({"FLUSHDB", "async"}), IsOk());
  EXPECT_THAT(h.Run({"FLUSHDB", "foo"}), IsError(kSyntax));
  EXPECT_THAT(h.Run({"FLUSHDB", "SYNC", "ASYNC"}), IsError(kSyntax));
  EXPECT_THAT(h.Run({"FLUSHALL", "foo"}), IsError(kSyntax));
}

TEST(SwapDb, ExchangesTwoDatabasesForEveryClient) {
  CommandHarness h;
  server::Client& other = h.NewClient();
  h.Run({"SET", "k", "zero"});
  h.RunAs(other, {"SELECT", "1"});
  h.RunAs(other, {"SET", "k", "one", "EX", "100"});
  EXPECT_THAT(h.Run({"SWAPDB", "0", "1"}), IsOk());
  EXPECT_THAT(h.Run({"GET", "k"}), IsBulk("one"));
  EXPECT_THAT(h.Run({"TTL", "k"}), IsInt(100));
  EXPECT_THAT(h.RunAs(other, {"GET", "k"}), IsBulk("zero"));
  EXPECT_THAT(h.Run({"SWAPDB", "0", "0"}), IsOk());
}

TEST(SwapDb, IndexesOutOfRangeAreErrors) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"SWAPDB", "0", "16"}), IsError("ERR DB index is out of range"));
  EXPECT_THAT(h.Run({"SWAPDB", "16", "0"}), IsError("ERR DB index is out of range"));
  EXPECT_THAT(h.Run({"SWAPDB", "-1", "0"}), IsError("ERR DB index is out of range"));
  EXPECT_THAT(h.Run({"SWAPDB", "99999999999", "0"}), IsError("ERR invalid first DB index"));
  EXPECT_THAT(h.Run({"SWAPDB", "0", "99999999999"}), IsError("ERR invalid second DB index"));
}

// --- RESP3 ---

TEST(KeyCommandsInResp3, NilRepliesAreTheResp3Null) {
  CommandHarness h;
  h.Run({"HELLO", "3"});
  EXPECT_EQ(h.RunRaw({"RANDOMKEY"}), "_\r\n");
  EXPECT_EQ(h.RunRaw({"OBJECT", "ENCODING", "nokey"}), "_\r\n");
  h.Run({"SET", "k", "v"});
  EXPECT_EQ(h.RunRaw({"SCAN", "0"}), "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n");
  EXPECT_EQ(h.RunRaw({"TYPE", "k"}), "+string\r\n");
}

}  // namespace
}  // namespace ember::testing
