// COMMAND DOCS: each command's documentation, with its arguments as a tree.
//
// Redis 7 describes every argument: a name, a type (key, string, integer,
// double, pattern, unix-time, pure-token, and the containers oneof and
// block), the literal token before it ("EX"), and flags (optional,
// multiple, multiple_token). redis-cli asks for COMMAND DOCS when it starts
// and turns the tree back into the usage line it shows as a grey hint while
// you type: "set " shows "key value [NX|XX] [GET] [EX seconds|...]".
// Ember keeps the usage line in each row and parses it into the tree; these
// tests teach the grammar, check that every row's line parses and agrees
// with the row's arity and key positions, and compare every command's docs
// with a real redis-server's.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "protocol/resp_value.h"
#include "server/command_docs.h"
#include "server/command_table.h"
#include "tests/support/command_harness.h"
#include "tests/support/matchers.h"
#include "tests/support/net_support.h"

namespace ember::testing {
namespace {

using protocol::Type;
using protocol::Value;
using server::ArgType;
using server::DocArg;
using server::ParsedSyntax;
using server::ParseSyntax;

// --- Rendering argument trees the way redis-cli 7.0 does (cliAddArgument) ---
// With `typed`, leaves also show their type ("key:key"), so a comparison
// checks types as well as structure; group names are not shown, as
// redis-cli does not show them.

struct Arg {
  std::string name, type, token;
  bool optional = false, multiple = false, multiple_token = false;
  std::vector<Arg> args;
};

std::string Render(const std::vector<Arg>& args, const char* sep, bool typed);

std::string Render(const Arg& a, bool typed) {
  std::string repeat;
  if (a.type == "oneof") {
    repeat = Render(a.args, "|", typed);
  } else if (a.type == "block") {
    repeat = Render(a.args, " ", typed);
  } else if (a.type != "pure-token") {
    repeat = a.name + (typed ? ":" + a.type : "");
  }
  std::string token = a.token;
  if (!token.empty() && a.type != "pure-token") token += ' ';
  std::string out = token + repeat;
  if (a.multiple) out += " [" + (a.multiple_token ? token : "") + repeat + " ...]";
  return a.optional ? "[" + out + "]" : out;
}

std::string Render(const std::vector<Arg>& args, const char* sep, bool typed) {
  std::string out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out += sep;
    out += Render(args[i], typed);
  }
  return out;
}

Arg FromDocArg(const DocArg& d) {
  Arg a{d.name, std::string(server::ArgTypeName(d.type)), d.token};
  a.optional = d.flags & server::kArgOptional;
  a.multiple = d.flags & server::kArgMultiple;
  a.multiple_token = d.flags & server::kArgMultipleToken;
  for (const DocArg& c : d.args) a.args.push_back(FromDocArg(c));
  return a;
}

std::string Hint(const std::vector<DocArg>& args, bool typed = false) {
  std::vector<Arg> v;
  for (const DocArg& d : args) v.push_back(FromDocArg(d));
  return Render(v, " ", typed);
}

std::string Hint(std::string_view syntax, bool typed = false) {
  ParsedSyntax p = ParseSyntax("test", syntax);
  EXPECT_TRUE(p.ok) << syntax << ": " << p.error;
  return Hint(p.args, typed);
}

// A RESP2 flattened map or a RESP3 map: the value under `key`, or nullptr.
const Value* Field(const Value& map, std::string_view key) {
  const auto& e = map.elements();
  for (size_t i = 0; i + 1 < e.size(); i += 2) {
    if (e[i].str() == key) return &e[i + 1];
  }
  return nullptr;
}

// The reply's argument list, read as redis-cli reads it: it asserts that
// flags are status strings, so a bulk string here would crash it.
std::vector<Arg> ArgsFromReply(const Value& list) {
  std::vector<Arg> out;
  for (const Value& m : list.elements()) {
    Arg a;
    if (const Value* v = Field(m, "name")) a.name = v->str();
    if (const Value* v = Field(m, "type")) a.type = v->str();
    if (const Value* v = Field(m, "token")) a.token = v->str();
    if (const Value* flags = Field(m, "flags")) {
      for (const Value& f : flags->elements()) {
        EXPECT_EQ(f.type(), Type::kSimpleString) << "argument flags must be status replies";
        a.optional |= f.str() == "optional";
        a.multiple |= f.str() == "multiple";
        a.multiple_token |= f.str() == "multiple_token";
      }
    }
    if (const Value* v = Field(m, "arguments")) a.args = ArgsFromReply(*v);
    out.push_back(std::move(a));
  }
  return out;
}

std::string HintFromDocs(const Value& docs, bool typed = false) {
  const Value* args = Field(docs, "arguments");
  return args == nullptr ? "" : Render(ArgsFromReply(*args), " ", typed);
}

std::vector<const server::CommandSpec*> AllCommands(const server::CommandTable& table) {
  std::vector<const server::CommandSpec*> out;
  for (const auto& cmd : table.all()) {
    out.push_back(cmd.get());
    for (const auto& sub : cmd->subcommands) out.push_back(&sub);
  }
  return out;
}

// --- The grammar ---

TEST(UsageLine, SetBecomesRedisArgumentTree) {
  ParsedSyntax p = ParseSyntax(
      "set",
      "key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | "
      "PXAT unix-time-milliseconds | KEEPTTL]");
  ASSERT_TRUE(p.ok) << p.error;
  ASSERT_EQ(p.args.size(), 5u);
  EXPECT_EQ(p.args[0], (DocArg{.name = "key", .type = ArgType::kKey, .key_spec_index = 0}));
  EXPECT_EQ(p.args[1], (DocArg{.name = "value", .type = ArgType::kString}));
  const DocArg& condition = p.args[2];
  EXPECT_EQ(condition.name, "condition");
  EXPECT_EQ(condition.type, ArgType::kOneof);
  EXPECT_EQ(condition.flags, server::kArgOptional);
  EXPECT_EQ(condition.args[0], (DocArg{.name = "nx", .type = ArgType::kPureToken, .token = "NX"}));
  EXPECT_EQ(p.args[3], (DocArg{.name = "get",
                               .type = ArgType::kPureToken,
                               .token = "GET",
                               .flags = server::kArgOptional}));
  const DocArg& expiration = p.args[4];
  EXPECT_EQ(expiration.name, "expiration");
  ASSERT_EQ(expiration.args.size(), 5u);
  EXPECT_EQ(expiration.args[0],
            (DocArg{.name = "seconds", .type = ArgType::kInteger, .token = "EX"}));
  EXPECT_EQ(expiration.args[2],
            (DocArg{.name = "unix-time-seconds", .type = ArgType::kUnixTime, .token = "EXAT"}));
  EXPECT_EQ(Hint(p.args),
            "key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|"
            "PXAT unix-time-milliseconds|KEEPTTL]");
}

TEST(UsageLine, TypesComeFromArgumentNames) {
  EXPECT_EQ(Hint("cursor [MATCH pattern] [COUNT count] [TYPE type]", true),
            "cursor:integer [MATCH pattern:pattern] [COUNT count:integer] [TYPE type:string]");
  EXPECT_EQ(Hint("source destination [DB destination-db] [REPLACE]", true),
            "source:key destination:key [DB destination-db:integer] [REPLACE]");
  EXPECT_EQ(Hint("key unix-time-milliseconds", true), "key:key unix-time-milliseconds:unix-time");
  // The same name can mean another type in one command: INCRBYFLOAT.
  EXPECT_EQ(Hint(ParseSyntax("incrby", "key increment").args, true), "key:key increment:integer");
  EXPECT_EQ(Hint(ParseSyntax("incrbyfloat", "key increment").args, true),
            "key:key increment:double");
}

TEST(UsageLine, KeysAreNumberedInOrderForTheirKeySpecs) {
  ParsedSyntax p = ParseSyntax("copy", "source destination [DB destination-db] [REPLACE]");
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_EQ(p.args[0].key_spec_index, 0);
  EXPECT_EQ(p.args[1].key_spec_index, 1);
  EXPECT_EQ(p.args[2].key_spec_index, -1);
}

TEST(UsageLine, RepetitionMarksTheRepeatedArgumentsMultiple) {
  ParsedSyntax keys = ParseSyntax("del", "key [key ...]");
  ASSERT_TRUE(keys.ok) << keys.error;
  ASSERT_EQ(keys.args.size(), 1u);
  EXPECT_EQ(keys.args[0].flags, server::kArgMultiple);

  // Several arguments repeated together are a block.
  ParsedSyntax pairs = ParseSyntax("mset", "key value [key value ...]");
  ASSERT_TRUE(pairs.ok) << pairs.error;
  ASSERT_EQ(pairs.args.size(), 1u);
  EXPECT_EQ(pairs.args[0].name, "key_value");
  EXPECT_EQ(pairs.args[0].type, ArgType::kBlock);
  EXPECT_EQ(pairs.args[0].flags, server::kArgMultiple);
  EXPECT_EQ(Hint(pairs.args), "key value [key value ...]");

  // A repeated token is multiple_token; a token before repeated arguments
  // is not.
  ParsedSyntax prefix = ParseSyntax("t", "[PREFIX prefix [PREFIX prefix ...]]");
  ASSERT_TRUE(prefix.ok) << prefix.error;
  EXPECT_EQ(prefix.args[0].token, "PREFIX");
  EXPECT_EQ(prefix.args[0].flags,
            server::kArgOptional | server::kArgMultiple | server::kArgMultipleToken);
  EXPECT_EQ(Hint(prefix.args), "[PREFIX prefix [PREFIX prefix ...]]");
  EXPECT_EQ(Hint("[ID client-id [client-id ...]]", true),
            "[ID client-id:integer [client-id:integer ...]]");
  // An optional repeated argument.
  EXPECT_EQ(Hint("[command-name [command-name ...]]"), "[command-name [command-name ...]]");
}

TEST(UsageLine, ATokenTakesTheArgumentsAfterIt) {
  // Opening its group, a token takes the whole group ...
  ParsedSyntax limit = ParseSyntax("t", "[LIMIT offset count]");
  ASSERT_TRUE(limit.ok) << limit.error;
  EXPECT_EQ(limit.args[0].type, ArgType::kBlock);
  EXPECT_EQ(limit.args[0].name, "limit");
  EXPECT_EQ(limit.args[0].token, "LIMIT");
  EXPECT_EQ(Hint("[TO host port [FORCE]]"), "[TO host port [FORCE]]");
  // ... elsewhere, the required words up to the next token or option.
  ParsedSyntax group = ParseSyntax("t", "GROUP group consumer [COUNT count] STREAMS key [key ...]");
  ASSERT_TRUE(group.ok) << group.error;
  ASSERT_EQ(group.args.size(), 3u);
  EXPECT_EQ(group.args[0].token, "GROUP");
  EXPECT_EQ(group.args[0].args.size(), 2u);
  EXPECT_EQ(group.args[2].token, "STREAMS");
  EXPECT_EQ(group.args[2].flags, server::kArgMultiple);
  // A token alone is a pure token.
  EXPECT_EQ(Hint("[ASYNC | SYNC]", true), "[ASYNC|SYNC]");
}

TEST(UsageLine, AngleBracketsGroupRequiredChoices) {
  ParsedSyntax p = ParseSyntax(
      "command|list", "[FILTERBY <MODULE module-name | ACLCAT category | PATTERN pattern>]");
  ASSERT_TRUE(p.ok) << p.error;
  ASSERT_EQ(p.args.size(), 1u);
  EXPECT_EQ(p.args[0].type, ArgType::kOneof);
  EXPECT_EQ(p.args[0].token, "FILTERBY");
  EXPECT_EQ(p.args[0].flags, server::kArgOptional);
  EXPECT_EQ(Hint(p.args, true),
            "[FILTERBY MODULE module-name:string|ACLCAT category:string|PATTERN pattern:pattern]");
  // Without them, '|' splits the whole group: "TYPE NORMAL" would be one
  // alternative and MASTER another.
  EXPECT_EQ(Hint("[TYPE <NORMAL | MASTER>]"), "[TYPE NORMAL|MASTER]");
}

TEST(UsageLine, MalformedLinesAreRejectedWithAReason) {
  for (std::string_view bad :
       {"[key", "key]", "<key", "[key>", "[]", "a | | b", "| a", "key ...", "[key ...]",
        "key [value ...]", "Key", "key [[value]]", "key [key ...] [key ...]", "[NX ...]"}) {
    ParsedSyntax p = ParseSyntax("t", bad);
    EXPECT_FALSE(p.ok) << "'" << bad << "' should not parse";
    EXPECT_FALSE(p.error.empty()) << "no reason given for '" << bad << "'";
  }
  EXPECT_TRUE(ParseSyntax("t", "").ok);
}

TEST(UsageLine, CountsTheArgumentsItAccepts) {
  auto count = [](std::string_view syntax) {
    server::ArgCountRange r = server::CountArgs(ParseSyntax("t", syntax).args);
    return std::pair(r.min, r.max);
  };
  EXPECT_EQ(count("key"), std::pair(1, 1));
  EXPECT_EQ(count("key [key ...]"), std::pair(1, -1));
  EXPECT_EQ(count("key seconds [NX | XX | GT | LT]"), std::pair(2, 3));
  EXPECT_EQ(count("key value [NX | XX] [GET] [EX seconds | KEEPTTL]"), std::pair(2, 6));
  EXPECT_EQ(count("LIB-NAME libname | LIB-VER libver"), std::pair(2, 2));
}

// --- Every row of the table ---

TEST(CommandTableDocs, EveryUsageLineParses) {
  server::CommandTable table = server::CommandTable::Build();
  for (const server::CommandSpec* cmd : AllCommands(table)) {
    ParsedSyntax p = ParseSyntax(cmd->full_name, cmd->doc.syntax);
    EXPECT_TRUE(p.ok) << cmd->full_name << ": \"" << cmd->doc.syntax << "\": " << p.error;
  }
}

// Commands whose arguments Redis 7.0 leaves undocumented (its COMMAND DOCS
// has none for them), and Ember with it.
const std::set<std::string> kUndocumentedArguments = {"debug", "command|getkeys",
                                                      "command|getkeysandflags"};

// Arity N counts the command name (and the subcommand's): a usage line of
// a fixed-arity command takes exactly N-1 arguments, one of arity -N at
// least N-1.
TEST(CommandTableDocs, UsageLinesAgreeWithArity) {
  server::CommandTable table = server::CommandTable::Build();
  for (const server::CommandSpec* cmd : AllCommands(table)) {
    if (cmd->is_container()) continue;
    if (kUndocumentedArguments.count(cmd->full_name)) {
      EXPECT_EQ(cmd->doc.syntax, "") << cmd->full_name;
      continue;
    }
    server::ArgCountRange r = server::CountArgs(server::DocArgsFor(*cmd).args);
    int names = cmd->parent != nullptr ? 2 : 1;
    int required = (cmd->arity > 0 ? cmd->arity : -cmd->arity) - names;
    EXPECT_EQ(r.min, required) << cmd->full_name << " (arity " << cmd->arity << "): \""
                               << cmd->doc.syntax << "\"";
    if (cmd->arity > 0) {
      EXPECT_EQ(r.max, required) << cmd->full_name << " has a fixed arity but \"" << cmd->doc.syntax
                                 << "\" has optional arguments";
    }
  }
}

// Key arguments in DOCS point at key specs in INFO; a command has key
// arguments exactly when it has key positions. The shard channel commands
// (SSUBSCRIBE, SPUBLISH...) are the exception Redis 7.0 makes: cluster
// routing finds their channels through key specs flagged not_key, while
// their docs call the channels strings.
TEST(CommandTableDocs, KeyArgumentsPointAtInfoKeySpecs) {
  CommandHarness h;
  for (const server::CommandSpec* cmd : AllCommands(h.server().commands())) {
    std::vector<int> indexes;
    std::function<void(const std::vector<DocArg>&)> walk = [&](const std::vector<DocArg>& args) {
      for (const DocArg& a : args) {
        if (a.type == ArgType::kKey) indexes.push_back(a.key_spec_index);
        walk(a.args);
      }
    };
    walk(server::DocArgsFor(*cmd).args);
    Value info = h.Run({"COMMAND", "INFO", cmd->full_name});
    const Value& spec_list = info.elements().at(0).elements().at(8);
    size_t specs = spec_list.elements().size();
    bool all_not_key = specs > 0;
    for (const Value& spec : spec_list.elements()) {
      const Value* flags = Field(spec, "flags");
      bool not_key = flags != nullptr && std::find(flags->elements().begin(),
                                                   flags->elements().end(),
                                                   Value::Simple("not_key")) !=
                                             flags->elements().end();
      all_not_key = all_not_key && not_key;
    }
    if (all_not_key && indexes.empty()) continue;
    EXPECT_EQ(indexes.empty(), specs == 0)
        << cmd->full_name << ": \"" << cmd->doc.syntax << "\" vs " << specs << " key specs";
    for (int i : indexes) {
      EXPECT_LT(i, static_cast<int>(specs)) << cmd->full_name;
    }
  }
}

// --- The replies ---

TEST(CommandDocs, SetHasEverythingRedisCliNeeds) {
  CommandHarness h;
  Value reply = h.Run({"COMMAND", "DOCS", "set"});
  ASSERT_EQ(reply.elements().size(), 2u);
  EXPECT_EQ(reply.elements()[0], Value::Bulk("set"));
  const Value& docs = reply.elements()[1];
  EXPECT_THAT(*Field(docs, "summary"), IsBulk("Set the string value of a key"));
  EXPECT_THAT(*Field(docs, "since"), IsBulk("1.0.0"));
  EXPECT_THAT(*Field(docs, "group"), IsBulk("string"));
  EXPECT_THAT(*Field(docs, "complexity"), IsBulk("O(1)"));
  EXPECT_EQ(HintFromDocs(docs),
            "key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|"
            "PXAT unix-time-milliseconds|KEEPTTL]");
  // The first argument, byte for byte as Redis sends it.
  EXPECT_THAT(h.RunRaw({"COMMAND", "DOCS", "get"}),
              ::testing::EndsWith("$9\r\narguments\r\n*1\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n"
                                  "$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n"));
}

TEST(CommandDocs, Resp3RepliesAreMapsWithSetsOfFlags) {
  CommandHarness h;
  h.Run({"HELLO", "3"});
  Value reply = h.Run({"COMMAND", "DOCS", "getex"});
  ASSERT_EQ(reply.type(), Type::kMap);
  const Value& docs = reply.elements().at(1);
  ASSERT_EQ(docs.type(), Type::kMap);
  const Value& expiration = Field(docs, "arguments")->elements().at(1);
  ASSERT_EQ(expiration.type(), Type::kMap);
  EXPECT_EQ(Field(expiration, "flags")->type(), Type::kSet);
  EXPECT_EQ(HintFromDocs(docs),
            "key [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT "
            "unix-time-milliseconds|PERSIST]");
}

TEST(CommandDocs, UnknownNamesAreLeftOutAndContainersNestTheirSubcommands) {
  CommandHarness h;
  EXPECT_EQ(h.RunRaw({"COMMAND", "DOCS", "nosuch"}), "*0\r\n");
  Value reply = h.Run({"COMMAND", "DOCS", "nosuch", "object", "object|encoding"});
  ASSERT_EQ(reply.elements().size(), 4u);
  EXPECT_EQ(reply.elements()[0], Value::Bulk("object"));
  const Value* subs = Field(reply.elements()[1], "subcommands");
  ASSERT_NE(subs, nullptr);
  EXPECT_EQ(subs->elements().size(), 10u);  // five name → docs pairs
  EXPECT_EQ(Field(reply.elements()[1], "arguments"), nullptr);
  EXPECT_EQ(reply.elements()[2], Value::Bulk("object|encoding"));
  EXPECT_EQ(HintFromDocs(reply.elements()[3]), "key");
}

TEST(CommandDocs, WithoutNamesDocumentsEveryCommand) {
  CommandHarness h;
  Value reply = h.Run({"COMMAND", "DOCS"});
  EXPECT_EQ(reply.elements().size(), 2 * h.server().commands().size());
}

// --- Against a real Redis ---

// Where Ember's docs knowingly differ from Redis 7.0's, and why.
const std::map<std::string, std::string> kKnownDifferences = {
    {"client|setinfo", "added in Redis 7.2"},
    {"client|kill",
     "Redis 7.0 nests the filters as oneof(ip:port, oneof(multiple)) with [ ] around each; "
     "Ember says the same as 'ip:port | <filter> [filter ...]', and adds MAXAGE (7.2)"},
    {"zrank", "takes Redis 7.2's [WITHSCORE] (docs/differences.md)"},
    {"zrevrank", "takes Redis 7.2's [WITHSCORE] (docs/differences.md)"},
};

TEST(CommandDocsVsRedis, EveryCommandMatchesRedis70) {
  ASSERT_TRUE(HaveProgram("redis-server")) << "redis-server is needed on PATH for this test";
  ServerProcess redis("redis-server", {"--save", "", "--appendonly", "no"});
  ASSERT_TRUE(redis.started()) << "could not start redis-server";
  RawClient client(redis.port());
  CommandHarness h;
  int compared = 0;
  for (const server::CommandSpec* cmd : AllCommands(h.server().commands())) {
    const std::string& name = cmd->full_name;
    Value theirs = client.Call({"COMMAND", "DOCS", name});
    Value ours = h.Run({"COMMAND", "DOCS", name});
    if (kKnownDifferences.count(name)) {
      // Keep the list honest: a difference that went away leaves it.
      bool differs = theirs.elements().size() != 2 || HintFromDocs(ours.elements().at(1), true) !=
                                                          HintFromDocs(theirs.elements()[1], true);
      EXPECT_TRUE(differs) << name << " now matches Redis; remove it from kKnownDifferences";
      continue;
    }
    ASSERT_EQ(theirs.elements().size(), 2u) << name << ": Redis 7.0 has no such command";
    ASSERT_EQ(ours.elements().size(), 2u) << name;
    const Value& t = theirs.elements()[1];
    const Value& o = ours.elements()[1];
    for (const char* field : {"summary", "since", "group", "complexity"}) {
      const Value* tf = Field(t, field);
      const Value* of = Field(o, field);
      EXPECT_EQ(of ? of->str() : "(none)", tf ? tf->str() : "(none)") << name << " " << field;
    }
    EXPECT_EQ(HintFromDocs(o, true), HintFromDocs(t, true)) << name << ": arguments differ";
    ++compared;
  }
  EXPECT_GT(compared, 60);
}

}  // namespace
}  // namespace ember::testing
