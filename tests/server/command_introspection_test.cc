// COMMAND and its subcommands: Redis 7's self-describing command table.
//
// COMMAND INFO answers, for each command, a 10-element array: name, arity
// (negative: "at least"), flags, first key, last key, key step, ACL
// categories, tips, key specs (where the keys are and what the command does
// to them: RO/RW/OW/RM plus access/update/insert/delete) and subcommands.
// COMMAND GETKEYS finds the keys of a full command line with those key
// specs. These tests pin the shapes byte for byte against Redis 7.0's
// replies, and the last one compares every command Ember has with a real
// redis-server.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "protocol/resp_value.h"
#include "server/command_table.h"
#include "tests/support/command_harness.h"
#include "tests/support/matchers.h"
#include "tests/support/net_support.h"

namespace ember::testing {
namespace {

using protocol::Type;
using protocol::Value;

Value B(std::string s) { return Value::Bulk(std::move(s)); }
Value S(std::string s) { return Value::Simple(std::move(s)); }
Value I(int64_t i) { return Value::Integer(i); }
Value Strings(std::initializer_list<const char*> items) {
  std::vector<Value> v;
  for (const char* s : items) v.push_back(S(s));
  return Value::Array(std::move(v));
}
Value Arr(std::vector<Value> v) { return Value::Array(std::move(v)); }

// A key spec as Redis 7.0 sends it in RESP2: a flattened map.
Value RangeKeySpec(std::initializer_list<const char*> flags, int index, int lastkey, int step) {
  return Arr({B("flags"), Strings(flags), B("begin_search"),
              Arr({B("type"), B("index"), B("spec"), Arr({B("index"), I(index)})}), B("find_keys"),
              Arr({B("type"), B("range"), B("spec"),
                   Arr({B("lastkey"), I(lastkey), B("keystep"), I(step), B("limit"), I(0)})})});
}

TEST(CommandCount, IsTheNumberOfTopLevelCommands) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"COMMAND", "COUNT"}), IsInt(h.server().commands().size()));
  EXPECT_THAT(h.Run({"COMMAND", "COUNT", "x"}),
              IsError("ERR wrong number of arguments for 'command|count' command"));
}

TEST(CommandInfo, GetIsAReadonlyFastStringCommandWithOneKey) {
  CommandHarness h;
  Value want = Arr({Arr({B("get"), I(2), Strings({"readonly", "fast"}), I(1), I(1), I(1),
                         Strings({"@read", "@string", "@fast"}), Arr({}),
                         Arr({RangeKeySpec({"RO", "access"}, 1, 0, 1)}), Arr({})})});
  EXPECT_EQ(h.Run({"COMMAND", "INFO", "get"}), want);
}

TEST(CommandInfo, SetKeySpecSaysItMayReadBecauseOfGet) {
  CommandHarness h;
  Value info = h.Run({"COMMAND", "INFO", "SET"}).elements().at(0);
  EXPECT_EQ(info.elements().at(1), I(-3));
  EXPECT_EQ(info.elements().at(2), Strings({"write", "denyoom"}));
  EXPECT_EQ(info.elements().at(6), Strings({"@write", "@string", "@slow"}));
  Value spec = info.elements().at(8).elements().at(0);
  ASSERT_EQ(spec.elements().size(), 8u);  // notes, flags, begin_search, find_keys
  EXPECT_EQ(spec.elements()[0], B("notes"));
  EXPECT_EQ(spec.elements()[1], B("RW and ACCESS due to the optional `GET` argument"));
  EXPECT_EQ(spec.elements()[3], Strings({"RW", "access", "update", "variable_flags"}));
}

TEST(CommandInfo, MsetKeysAreEveryOtherArgumentToTheEnd) {
  CommandHarness h;
  Value want = Arr({B("mset"), I(-3), Strings({"write", "denyoom"}), I(1), I(-1), I(2),
                    Strings({"@write", "@string", "@slow"}),
                    Arr({B("request_policy:multi_shard"), B("response_policy:all_succeeded")}),
                    Arr({RangeKeySpec({"OW", "update"}, 1, -1, 2)}), Arr({})});
  EXPECT_EQ(h.Run({"COMMAND", "INFO", "mset"}), Arr({want}));
}

TEST(CommandInfo, SubcommandsAreNamedContainerBarSubcommand) {
  CommandHarness h;
  Value want = Arr({B("object|encoding"), I(3), Strings({"readonly"}), I(2), I(2), I(1),
                    Strings({"@keyspace", "@read", "@slow"}), Arr({B("nondeterministic_output")}),
                    Arr({RangeKeySpec({"RO"}, 2, 0, 1)}), Arr({})});
  EXPECT_EQ(h.Run({"COMMAND", "INFO", "object|encoding"}), Arr({want}));
  // Names are case-insensitive; the reply gives the canonical name.
  EXPECT_EQ(h.Run({"COMMAND", "INFO", "OBJECT|Encoding"}), Arr({want}));
}

TEST(CommandInfo, RenameHasOneKeySpecPerKeyRole) {
  CommandHarness h;
  Value info = h.Run({"COMMAND", "INFO", "rename"}).elements().at(0);
  EXPECT_EQ(info.elements().at(8), Arr({RangeKeySpec({"RW", "access", "delete"}, 1, 0, 1),
                                        RangeKeySpec({"OW", "update"}, 2, 0, 1)}));
}

TEST(CommandInfo, UnknownNamesAreNil) {
  CommandHarness h;
  Value reply = h.Run({"COMMAND", "INFO", "nosuch", "get", "object|nosuch", "get|x", "a|b|c"});
  ASSERT_EQ(reply.elements().size(), 5u);
  EXPECT_THAT(reply.elements()[0], IsNil());
  EXPECT_EQ(reply.elements()[1].elements().at(0), B("get"));
  EXPECT_THAT(reply.elements()[2], IsNil());
  EXPECT_THAT(reply.elements()[3], IsNil());
  EXPECT_THAT(reply.elements()[4], IsNil());
  EXPECT_EQ(h.RunRaw({"COMMAND", "INFO", "nosuch"}), "*1\r\n$-1\r\n");
}

TEST(CommandInfo, ContainersListTheirSubcommandsInfo) {
  CommandHarness h;
  Value info = h.Run({"COMMAND", "INFO", "object"}).elements().at(0);
  EXPECT_EQ(info.elements().at(1), I(-2));
  EXPECT_EQ(info.elements().at(6), Strings({"@slow"}));
  const Value& subs = info.elements().at(9);
  std::vector<std::string> names;
  for (const Value& sub : subs.elements()) {
    ASSERT_EQ(sub.elements().size(), 10u);
    names.push_back(sub.elements()[0].str());
  }
  EXPECT_THAT(names,
              ::testing::UnorderedElementsAre("object|encoding", "object|freq", "object|help",
                                              "object|idletime", "object|refcount"));
}

TEST(CommandInfo, WithoutNamesIsEveryCommandLikeCommandAlone) {
  CommandHarness h;
  Value all = h.Run({"COMMAND"});
  ASSERT_EQ(all.type(), Type::kArray);
  EXPECT_EQ(all.elements().size(), h.server().commands().size());
  EXPECT_EQ(h.Run({"COMMAND", "INFO"}), all);
  // COMMAND describes itself too: a container that also runs alone.
  auto self = std::find_if(all.elements().begin(), all.elements().end(),
                           [](const Value& e) { return e.elements().at(0) == B("command"); });
  ASSERT_NE(self, all.elements().end());
  EXPECT_EQ(self->elements().at(1), I(-1));
  EXPECT_EQ(self->elements().at(2), Strings({"loading", "stale"}));
}

TEST(CommandInfo, Resp3UsesSetsAndMapsAndNull) {
  CommandHarness h;
  h.Run({"HELLO", "3"});
  std::string raw = h.RunRaw({"COMMAND", "INFO", "get", "nosuch"});
  EXPECT_EQ(raw,
            "*2\r\n*10\r\n$3\r\nget\r\n:2\r\n~2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n"
            "~3\r\n+@read\r\n+@string\r\n+@fast\r\n~0\r\n~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n"
            "+RO\r\n+access\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n"
            "$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n"
            "$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n"
            "$5\r\nlimit\r\n:0\r\n~0\r\n_\r\n");
}

TEST(CommandGetKeys, FindsMsetKeysWithItsKeySpec) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"COMMAND", "GETKEYS", "mset", "a", "1", "b", "2"}),
              IsBulkArray(std::vector<std::string>{"a", "b"}));
  // The range runs to the last argument in steps of two, whatever it is.
  EXPECT_THAT(h.Run({"COMMAND", "GETKEYS", "MSET", "a", "1", "b"}),
              IsBulkArray(std::vector<std::string>{"a", "b"}));
  EXPECT_THAT(h.Run({"COMMAND", "GETKEYS", "object", "encoding", "k"}),
              IsBulkArray(std::vector<std::string>{"k"}));
  EXPECT_THAT(h.Run({"COMMAND", "GETKEYS", "rename", "a", "b"}),
              IsBulkArray(std::vector<std::string>{"a", "b"}));
}

TEST(CommandGetKeys, ErrorsAsRedis) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"COMMAND", "GETKEYS", "nosuch", "a"}),
              IsError("ERR Invalid command specified"));
  EXPECT_THAT(h.Run({"COMMAND", "GETKEYS", "object", "nosuch", "k"}),
              IsError("ERR Invalid command specified"));
  // "No keys" is checked before the arity.
  EXPECT_THAT(h.Run({"COMMAND", "GETKEYS", "ping", "a"}),
              IsError("ERR The command has no key arguments"));
  EXPECT_THAT(h.Run({"COMMAND", "GETKEYS", "get", "a", "b"}),
              IsError("ERR Invalid number of arguments specified for command"));
  EXPECT_THAT(h.Run({"COMMAND", "GETKEYS", "get"}),
              IsError("ERR wrong number of arguments for 'command|getkeys' command"));
}

TEST(CommandGetKeys, AndFlagsPairsEachKeyWithWhatTheCommandDoesToIt) {
  CommandHarness h;
  Value want = Arr({Arr({B("a"), Strings({"RW", "access", "delete"})}),
                    Arr({B("b"), Strings({"OW", "update"})})});
  EXPECT_EQ(h.Run({"COMMAND", "GETKEYSANDFLAGS", "rename", "a", "b"}), want);
}

// SET's key spec is variable_flags: what it does to the key depends on GET.
TEST(CommandGetKeys, SetReadsTheKeyOnlyWithGet) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"COMMAND", "GETKEYSANDFLAGS", "set", "k", "v"}),
            Arr({Arr({B("k"), Strings({"OW", "update"})})}));
  EXPECT_EQ(h.Run({"COMMAND", "GETKEYSANDFLAGS", "set", "k", "v", "EX", "10", "get"}),
            Arr({Arr({B("k"), Strings({"RW", "access", "update"})})}));
}

// LMPOP numkeys key [key ...]: the keys cannot be found from fixed
// positions. Its key spec counts them ("keynum"), and COMMAND INFO flags the
// command movablekeys, with no legacy key positions.
TEST(CommandInfo, CountedKeysAreAKeynumSpecAndMovable) {
  CommandHarness h;
  Value info = h.Run({"COMMAND", "INFO", "lmpop"}).elements().at(0);
  EXPECT_EQ(info.elements().at(2), Strings({"write", "movablekeys"}));
  EXPECT_EQ(info.elements().at(3), I(0));
  EXPECT_EQ(info.elements().at(4), I(0));
  EXPECT_EQ(info.elements().at(5), I(0));
  Value spec =
      Arr({B("flags"), Strings({"RW", "access", "delete"}), B("begin_search"),
           Arr({B("type"), B("index"), B("spec"), Arr({B("index"), I(1)})}), B("find_keys"),
           Arr({B("type"), B("keynum"), B("spec"),
                Arr({B("keynumidx"), I(0), B("firstkey"), I(1), B("keystep"), I(1)})})});
  EXPECT_EQ(info.elements().at(8), Arr({spec}));
}

TEST(CommandGetKeys, CountedKeysAreFoundByTheirCount) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"COMMAND", "GETKEYS", "lmpop", "2", "a", "b", "LEFT"}),
              IsBulkArray(std::vector<std::string>{"a", "b"}));
  EXPECT_THAT(h.Run({"COMMAND", "GETKEYS", "blmpop", "0", "2", "a", "b", "LEFT"}),
              IsBulkArray(std::vector<std::string>{"a", "b"}));
  for (const char* bad_count : {"0", "x", "-1", "5"}) {
    EXPECT_THAT(h.Run({"COMMAND", "GETKEYS", "lmpop", bad_count, "a", "LEFT"}),
                IsError("ERR Invalid arguments specified for command"))
        << bad_count;
  }
}

// ZUNIONSTORE destination numkeys key [key ...]: a fixed key (written),
// then counted keys (read). Two key specs, a range and a keynum; the legacy
// positions name the destination alone.
TEST(CommandGetKeys, DestinationThenCountedKeysAreTwoSpecs) {
  CommandHarness h;
  Value info = h.Run({"COMMAND", "INFO", "zunionstore"}).elements().at(0);
  EXPECT_EQ(info.elements().at(2), Strings({"write", "denyoom", "movablekeys"}));
  EXPECT_EQ(info.elements().at(3), I(1));
  EXPECT_EQ(info.elements().at(4), I(1));
  EXPECT_EQ(info.elements().at(8).elements().size(), 2u);
  Value want =
      Arr({Arr({B("d"), Strings({"OW", "update"})}), Arr({B("a"), Strings({"RO", "access"})}),
           Arr({B("b"), Strings({"RO", "access"})})});
  EXPECT_EQ(
      h.Run({"COMMAND", "GETKEYSANDFLAGS", "zunionstore", "d", "2", "a", "b", "WEIGHTS", "1", "2"}),
      want);
  EXPECT_THAT(h.Run({"COMMAND", "GETKEYS", "bzmpop", "0", "2", "a", "b", "MIN"}),
              IsBulkArray(std::vector<std::string>{"a", "b"}));
}

TEST(CommandList, NamesEveryCommandAndSubcommand) {
  CommandHarness h;
  Value all = h.Run({"COMMAND", "LIST"});
  size_t expected = 0;
  for (const auto& cmd : h.server().commands().all()) expected += 1 + cmd->subcommands.size();
  EXPECT_EQ(all.elements().size(), expected);
  EXPECT_THAT(all.elements(), ::testing::Contains(B("get")));
  EXPECT_THAT(all.elements(), ::testing::Contains(B("command|list")));
}

TEST(CommandList, FiltersByAclCategoryOrPattern) {
  CommandHarness h;
  Value strings = h.Run({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "STRING"});
  std::set<std::string> got;
  for (const Value& v : strings.elements()) got.insert(v.str());
  std::set<std::string> want;
  for (const auto& cmd : h.server().commands().all()) {
    if (cmd->acl & server::kAclString) want.insert(cmd->full_name);
  }
  EXPECT_EQ(got, want);
  EXPECT_TRUE(got.count("get") && got.count("setrange") && !got.count("del"));

  EXPECT_THAT(
      h.Run({"COMMAND", "LIST", "FILTERBY", "PATTERN", "OBJ*"}),
      IsBulkSetOf(std::vector<std::string>{"object", "object|encoding", "object|freq",
                                           "object|help", "object|idletime", "object|refcount"}));
  // Unknown categories and modules match nothing; they are not errors.
  EXPECT_EQ(h.Run({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "@string"}), Arr({}));
  EXPECT_EQ(h.Run({"COMMAND", "LIST", "FILTERBY", "MODULE", "search"}), Arr({}));
}

TEST(CommandList, FilterbyTakesExactlyTwoArguments) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"COMMAND", "LIST", "foo"}), IsError("ERR syntax error"));
  EXPECT_THAT(h.Run({"COMMAND", "LIST", "FILTERBY"}), IsError("ERR syntax error"));
  EXPECT_THAT(h.Run({"COMMAND", "LIST", "FILTERBY", "ACLCAT"}), IsError("ERR syntax error"));
  EXPECT_THAT(h.Run({"COMMAND", "LIST", "FILTERBY", "NAME", "x"}), IsError("ERR syntax error"));
  EXPECT_THAT(h.Run({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "read", "x"}),
              IsError("ERR syntax error"));
}

TEST(CommandHelp, ListsTheSubcommandsAsRedisDoes) {
  CommandHarness h;
  Value help = h.Run({"COMMAND", "HELP"});
  ASSERT_EQ(help.elements().size(), 21u);
  EXPECT_EQ(help.elements()[0],
            S("COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
  EXPECT_EQ(help.elements()[17], S("GETKEYSANDFLAGS <full-command>"));
  EXPECT_EQ(help.elements()[20], S("    Prints this help."));
  EXPECT_THAT(h.Run({"COMMAND", "nosuch"}),
              IsError("ERR unknown subcommand 'nosuch'. Try COMMAND HELP."));
}

// --- Against a real Redis ---

// Commands Ember has that Redis 7.0 does not (newer, or Ember's own).
const std::set<std::string> kNotInRedis70 = {"client|setinfo"};

// Fields of COMMAND INFO that knowingly differ from Redis 7.0's, and why
// (docs/differences.md). The field is checked to differ still.
struct KnownInfoDifference {
  std::string command;
  size_t field;  // index in the 10-element reply
  std::string why;
};
const KnownInfoDifference kKnownInfoDifferences[] = {
    {"zrank", 1, "arity -3: takes Redis 7.2's [WITHSCORE]"},
    {"zrevrank", 1, "arity -3: takes Redis 7.2's [WITHSCORE]"},
};

const KnownInfoDifference* KnownInfoDifferenceOf(const std::string& name, size_t field) {
  for (const KnownInfoDifference& d : kKnownInfoDifferences) {
    if (d.command == name && d.field == field) return &d;
  }
  return nullptr;
}

std::string Show(const Value& v) { return v.DebugString(); }

TEST(CommandInfoVsRedis, EveryCommandMatchesRedis70) {
  ASSERT_TRUE(HaveProgram("redis-server")) << "redis-server is needed on PATH for this test";
  ServerProcess redis("redis-server", {"--save", "", "--appendonly", "no"});
  ASSERT_TRUE(redis.started()) << "could not start redis-server";
  RawClient client(redis.port());
  CommandHarness h;

  std::vector<const server::CommandSpec*> cmds;
  for (const auto& cmd : h.server().commands().all()) {
    cmds.push_back(cmd.get());
    for (const auto& sub : cmd->subcommands) cmds.push_back(&sub);
  }
  int compared = 0;
  for (const server::CommandSpec* cmd : cmds) {
    const std::string& name = cmd->full_name;
    Value theirs = client.Call({"COMMAND", "INFO", name});
    Value ours = h.Run({"COMMAND", "INFO", name});
    ASSERT_EQ(theirs.elements().size(), 1u) << Show(theirs);
    ASSERT_EQ(ours.elements().size(), 1u) << Show(ours);
    const Value& t = theirs.elements()[0];
    const Value& o = ours.elements()[0];
    if (kNotInRedis70.count(name)) {
      EXPECT_TRUE(t.IsNull()) << name << " is in Redis 7.0 after all";
      continue;
    }
    ASSERT_FALSE(t.IsNull()) << name << ": Redis 7.0 has no such command";
    ++compared;
    const char* fields[] = {"name", "arity",          "flags", "first key", "last key",
                            "step", "ACL categories", "tips",  "key specs"};
    for (size_t i = 0; i < 9; ++i) {
      if (const KnownInfoDifference* known = KnownInfoDifferenceOf(name, i)) {
        // Keep the list honest: a difference that went away leaves it.
        EXPECT_NE(Show(o.elements().at(i)), Show(t.elements().at(i)))
            << name << ": " << fields[i] << " now matches Redis (" << known->why
            << "); remove it from kKnownInfoDifferences";
        continue;
      }
      EXPECT_EQ(Show(o.elements().at(i)), Show(t.elements().at(i)))
          << name << ": " << fields[i] << " differ";
    }
  }
  EXPECT_GT(compared, 60);
}

}  // namespace
}  // namespace ember::testing
