// COMMAND DOCS's argument trees, built from the usage lines in the table.
//
// Each command row carries its syntax as the one-line usage Redis's
// documentation prints ("key value [NX | XX] [GET] [EX seconds | ...]").
// Redis 7 also describes every argument as data: a name, a type (key,
// string, integer, double, pattern, unix-time, pure-token, or the two
// containers oneof and block), an optional literal token that precedes it
// ("EX"), and flags (optional, multiple, multiple_token). COMMAND DOCS
// returns that tree, and redis-cli builds its help and its as-you-type hints
// from it. This file turns the usage line into the tree, so the table keeps
// one readable line per command instead of a nested literal.
//
// The grammar of a usage line, as Redis writes it:
//   word           an argument ("key", "ip:port") or, if upper case, a
//                  literal token ("NX", "FILTERBY"; also * $ = ~)
//   [ ... ]        optional group;  < ... >  required group
//   a | b          one of the alternatives (binds loosest, within a group)
//   x [x ...]      x repeated; "k v [k v ...]" repeats the block "k v",
//                  "TOKEN a [TOKEN a ...]" repeats token and argument
// A token takes the arguments after it: all the rest of its group when it
// opens the group ("[LIMIT offset count]", "EX seconds"), otherwise the
// required words that follow it up to the next token or optional group
// ("GROUP group consumer [COUNT count]").
//
// Types come from argument names, as in Redis's own docs: "key", "newkey",
// "source", "destination" are keys; "pattern" a pattern; "count",
// "seconds", "offset", "db"... integers; "unix-time-*" unix times; anything
// else a string. A few names mean another type in some commands only
// (INCRBYFLOAT's increment and the timeout of blocking commands are
// doubles, so are ZRANGEBYSCORE's min and max; ZRANGESTORE's dst and src
// are keys); a small table in command_docs.cc says so.
//
// What the usage line cannot say is not reported: the per-argument "since"
// and the command's "history" that Redis keeps in its JSON files.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/command.h"

namespace ember::server {

enum class ArgType : uint8_t {
  kString,
  kInteger,
  kDouble,
  kKey,
  kPattern,
  kUnixTime,
  kPureToken,
  kOneof,
  kBlock,
};

// The type's name in COMMAND DOCS: "string", "pure-token", "unix-time"...
std::string_view ArgTypeName(ArgType type);

// Argument flags, in the order COMMAND DOCS lists them.
enum DocArgFlag : uint32_t {
  kArgOptional = 1 << 0,
  kArgMultiple = 1 << 1,
  kArgMultipleToken = 1 << 2,  // the token is repeated too: PREFIX a PREFIX b
};

struct DocArg {
  std::string name;
  ArgType type = ArgType::kString;
  std::string token;         // the literal before the argument, "" if none
  uint32_t flags = 0;        // DocArgFlag
  int key_spec_index = -1;   // for keys: which of COMMAND INFO's key specs
  std::vector<DocArg> args;  // the members of a oneof or block

  friend bool operator==(const DocArg&, const DocArg&) = default;
};

struct ParsedSyntax {
  bool ok = false;
  std::string error;  // why the line does not parse, if !ok
  std::vector<DocArg> args;
};

// Parses a usage line. `full_name` ("set", "client|kill") selects the few
// per-command type exceptions. Keys are numbered 0, 1, ... in order of
// appearance, the order COMMAND INFO lists their key specs.
ParsedSyntax ParseSyntax(std::string_view full_name, std::string_view syntax);

// The parsed syntax of a command, computed once per distinct
// (name, usage line) and kept for the life of the process: COMMAND DOCS
// runs at every redis-cli start-up and asks for all commands. Thread-safe.
const ParsedSyntax& DocArgsFor(const CommandSpec& cmd);

// How many arguments (after the command name, and the subcommand name for
// a subcommand) a parsed syntax accepts, tokens included. max < 0 means no
// upper bound. Lets tests check a usage line against the row's arity.
struct ArgCountRange {
  int min = 0;
  int max = 0;
};
ArgCountRange CountArgs(const std::vector<DocArg>& args);

}  // namespace ember::server
