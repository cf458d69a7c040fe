#include "server/command_docs.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <mutex>
#include <span>
#include <unordered_map>
#include <utility>

namespace ember::server {

namespace {

// --- Argument types from names ---

// Names that mean something other than their usual type in one command.
struct TypeOverride {
  std::string_view command;
  std::string_view arg;
  ArgType type;
};
constexpr TypeOverride kTypeOverrides[] = {
    {"incrbyfloat", "increment", ArgType::kDouble},
    {"hincrbyfloat", "increment", ArgType::kDouble},
    // Blocking commands take fractional timeouts, in seconds.
    {"blpop", "timeout", ArgType::kDouble},
    {"brpop", "timeout", ArgType::kDouble},
    {"blmove", "timeout", ArgType::kDouble},
    {"brpoplpush", "timeout", ArgType::kDouble},
    {"blmpop", "timeout", ArgType::kDouble},
    {"bzpopmin", "timeout", ArgType::kDouble},
    {"bzpopmax", "timeout", ArgType::kDouble},
    {"bzmpop", "timeout", ArgType::kDouble},
    // Score bounds are doubles in Redis's docs ("(1.5" and "-inf" too);
    // ZRANGE's start and stop are strings, as they may be scores or lex
    // bounds; ZRANGESTORE names its keys dst and src.
    {"zcount", "min", ArgType::kDouble},
    {"zcount", "max", ArgType::kDouble},
    {"zrangebyscore", "min", ArgType::kDouble},
    {"zrangebyscore", "max", ArgType::kDouble},
    {"zrevrangebyscore", "min", ArgType::kDouble},
    {"zrevrangebyscore", "max", ArgType::kDouble},
    {"zremrangebyscore", "min", ArgType::kDouble},
    {"zremrangebyscore", "max", ArgType::kDouble},
    {"zrange", "start", ArgType::kString},
    {"zrange", "stop", ArgType::kString},
    {"zrangestore", "dst", ArgType::kKey},
    {"zrangestore", "src", ArgType::kKey},
    // Redis 7.0's docs call the weights integers, though they are parsed
    // as doubles.
    {"zunion", "weight", ArgType::kInteger},
    {"zinter", "weight", ArgType::kInteger},
    {"zunionstore", "weight", ArgType::kInteger},
    {"zinterstore", "weight", ArgType::kInteger},
};

constexpr std::string_view kIntegerNames[] = {
    "count",       "seconds",   "milliseconds", "index",   "index1",         "index2",  "offset",
    "start",       "end",       "stop",         "db",      "destination-db", "cursor",  "increment",
    "decrement",   "client-id", "protover",     "numkeys", "maxage",         "timeout", "port",
    "numreplicas", "rank",      "num-matches",  "len",     "limit",
};
constexpr std::string_view kDoubleNames[] = {"score",  "longitude", "latitude",
                                             "radius", "width",     "height"};

bool In(std::string_view name, std::span<const std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

ArgType TypeFor(std::string_view command, std::string_view name) {
  for (const TypeOverride& o : kTypeOverrides) {
    if (o.command == command && o.arg == name) return o.type;
  }
  if (name == "key" || name == "source" || name == "destination" ||
      (name.size() > 3 && name.ends_with("key"))) {
    return ArgType::kKey;
  }
  if (name == "pattern") return ArgType::kPattern;
  if (name.starts_with("unix-time")) return ArgType::kUnixTime;
  if (In(name, kIntegerNames)) return ArgType::kInteger;
  if (In(name, kDoubleNames)) return ArgType::kDouble;
  return ArgType::kString;
}

// A literal token: upper case ("NX", "LIB-NAME") or one of the symbols
// some commands take ("*" for an automatic stream ID, "$", "=", "~").
bool IsToken(std::string_view w) {
  if (w == "*" || w == "$" || w == "=" || w == "~" || w == "+" || w == "-") return true;
  bool upper = false;
  for (char c : w) {
    if (std::isupper(static_cast<unsigned char>(c))) {
      upper = true;
    } else if (!std::isdigit(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
      return false;
    }
  }
  return upper;
}

bool IsArgName(std::string_view w) {
  if (w.empty() || !std::islower(static_cast<unsigned char>(w[0]))) return false;
  for (char c : w) {
    bool ok = std::islower(static_cast<unsigned char>(c)) ||
              std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' ||
              c == '/' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::string TokenName(std::string_view token) {
  std::string name(token);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

// --- Lexing ---

enum class Lex : uint8_t {
  kWord,
  kOpenOptional,
  kOpenRequired,
  kCloseOptional,
  kCloseRequired,
  kBar,
  kEnd
};

struct Lexeme {
  Lex kind;
  std::string_view text;
};

std::vector<Lexeme> Tokenize(std::string_view s) {
  std::vector<Lexeme> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ') {
      ++i;
      continue;
    }
    Lex kind = c == '['   ? Lex::kOpenOptional
               : c == '<' ? Lex::kOpenRequired
               : c == ']' ? Lex::kCloseOptional
               : c == '>' ? Lex::kCloseRequired
               : c == '|' ? Lex::kBar
                          : Lex::kWord;
    if (kind != Lex::kWord) {
      out.push_back({kind, s.substr(i, 1)});
      ++i;
      continue;
    }
    size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '[' && s[j] != ']' && s[j] != '<' &&
           s[j] != '>' && s[j] != '|') {
      ++j;
    }
    out.push_back({Lex::kWord, s.substr(i, j - i)});
    i = j;
  }
  out.push_back({Lex::kEnd, {}});
  return out;
}

// --- Parsing into a raw tree: words and bracketed groups ---

struct Raw {
  bool is_group = false;
  std::string_view word;
  bool optional = false;  // [ ] rather than < >
  bool multiple = false;  // followed by its own repetition "[... ...]"
  std::vector<std::vector<Raw>> alts;

  friend bool operator==(const Raw&, const Raw&) = default;
};

class RawParser {
 public:
  explicit RawParser(std::string_view syntax) : lex_(Tokenize(syntax)) {}

  bool Parse(std::vector<std::vector<Raw>>* alts, std::string* error) {
    bool repeat = false;
    if (!ParseAlternatives(alts, &repeat)) {
      *error = error_;
      return false;
    }
    if (repeat) return Fail("'...' outside a [ ] group", error);
    if (Peek().kind != Lex::kEnd)
      return Fail("unexpected '" + std::string(Peek().text) + "'", error);
    return true;
  }

 private:
  const Lexeme& Peek() const { return lex_[pos_]; }
  bool Fail(std::string why, std::string* error = nullptr) {
    if (error_.empty()) error_ = std::move(why);
    if (error != nullptr) *error = error_;
    return false;
  }

  // alternatives := sequence ('|' sequence)*. `repeat` is set if the last
  // sequence ended with "...".
  bool ParseAlternatives(std::vector<std::vector<Raw>>* alts, bool* repeat) {
    for (;;) {
      std::vector<Raw> seq;
      bool ellipsis = false;
      if (!ParseSequence(&seq, &ellipsis)) return false;
      if (seq.empty()) return Fail("empty alternative or group");
      alts->push_back(std::move(seq));
      if (Peek().kind != Lex::kBar) {
        *repeat = ellipsis;
        return true;
      }
      if (ellipsis) return Fail("'...' must end its group");
      ++pos_;
    }
  }

  bool ParseSequence(std::vector<Raw>* seq, bool* ellipsis) {
    for (;;) {
      const Lexeme& l = Peek();
      if (l.kind == Lex::kWord) {
        if (l.text == "...") {
          ++pos_;
          if (Peek().kind != Lex::kCloseOptional) return Fail("'...' must end a [ ] group");
          *ellipsis = true;
          return true;
        }
        if (!IsToken(l.text) && !IsArgName(l.text)) {
          return Fail("'" + std::string(l.text) +
                      "' is neither a lower-case argument name nor an upper-case token");
        }
        seq->push_back(Raw{.word = l.text});
        ++pos_;
      } else if (l.kind == Lex::kOpenOptional || l.kind == Lex::kOpenRequired) {
        bool optional = l.kind == Lex::kOpenOptional;
        ++pos_;
        Raw group{.is_group = true, .optional = optional};
        bool repeat = false;
        if (!ParseAlternatives(&group.alts, &repeat)) return false;
        Lex closer = optional ? Lex::kCloseOptional : Lex::kCloseRequired;
        if (Peek().kind != closer) return Fail(optional ? "missing ']'" : "missing '>'");
        ++pos_;
        if (repeat) {
          if (!optional) return Fail("'...' inside < >");
          if (!ApplyRepeat(seq, std::move(group.alts))) return false;
        } else {
          seq->push_back(std::move(group));
        }
      } else {
        return true;  // '|', a closer or the end: the caller decides
      }
    }
  }

  // "x [x ...]": the repeated content must equal what precedes it; the
  // preceding items become one item flagged multiple.
  bool ApplyRepeat(std::vector<Raw>* seq, std::vector<std::vector<Raw>> content) {
    if (content.size() > 1) {
      // "<a | b> [a | b ...]": the repeated unit is a required choice.
      Raw unit{.is_group = true, .alts = std::move(content)};
      if (seq->empty() || seq->back() != unit) return Fail("'...' repeats nothing before it");
      seq->back().multiple = true;
      return true;
    }
    std::vector<Raw>& unit = content[0];
    size_t k = unit.size();
    if (seq->size() < k || !std::equal(unit.begin(), unit.end(), seq->end() - k)) {
      return Fail("'...' repeats nothing before it");
    }
    if (k == 1) {
      if (seq->back().multiple) return Fail("repeated twice");
      seq->back().multiple = true;
      return true;
    }
    Raw block{.is_group = true, .multiple = true};
    block.alts.emplace_back(seq->end() - k, seq->end());
    seq->erase(seq->end() - k, seq->end());
    seq->push_back(std::move(block));
    return true;
  }

  std::vector<Lexeme> lex_;
  size_t pos_ = 0;
  std::string error_;
};

// --- From the raw tree to COMMAND DOCS arguments ---

std::string JoinNames(const std::vector<DocArg>& args) {
  std::string name;
  for (const DocArg& a : args) {
    if (!name.empty()) name += '_';
    name += a.name;
  }
  return name;
}

// Redis names its groups by hand; these rules give its names for the common
// ones ("condition", "expiration", "key_value") and a readable one otherwise.
std::string OneofName(const std::vector<DocArg>& args) {
  bool all_conditions = true, expiry = false;
  for (const DocArg& a : args) {
    if (a.name != "nx" && a.name != "xx" && a.name != "gt" && a.name != "lt") {
      all_conditions = false;
    }
    if (a.name == "seconds" || a.name == "milliseconds" || a.name.starts_with("unix-time")) {
      expiry = true;
    }
  }
  if (all_conditions) return "condition";
  if (expiry) return "expiration";
  if (args.size() == 2 && args[0].name == "async" && args[1].name == "sync") return "async";
  bool all_tokens = std::all_of(args.begin(), args.end(),
                                [](const DocArg& a) { return a.type == ArgType::kPureToken; });
  return all_tokens || args.size() == 2 ? JoinNames(args) : "option";
}

std::string BlockName(const std::vector<DocArg>& args) {
  return args.size() == 2 ? JoinNames(args) : "arguments";
}

class Converter {
 public:
  explicit Converter(std::string_view command) : command_(command) {}

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  std::vector<DocArg> Top(const std::vector<std::vector<Raw>>& alts) {
    if (alts.size() == 1) return Sequence(alts[0], /*opens_group=*/false);
    std::vector<DocArg> one;
    one.push_back(Choice(alts));
    return one;
  }

 private:
  // A sequence of items. A token takes the arguments that follow it: the
  // rest of the group when it opens the group, otherwise the required
  // arguments up to the next token or optional group.
  std::vector<DocArg> Sequence(const std::vector<Raw>& items, bool opens_group) {
    std::vector<DocArg> out;
    size_t i = 0;
    while (i < items.size()) {
      const Raw& it = items[i];
      if (it.is_group) {
        out.push_back(Group(it));
        ++i;
        continue;
      }
      if (!IsToken(it.word)) {
        DocArg a{.name = std::string(it.word), .type = TypeFor(command_, it.word)};
        if (it.multiple) a.flags |= kArgMultiple;
        out.push_back(std::move(a));
        ++i;
        continue;
      }
      if (it.multiple) Fail("a token cannot repeat alone: '" + std::string(it.word) + "'");
      size_t j = i + 1;
      if (opens_group && i == 0) {
        j = items.size();
      } else {
        while (j < items.size() && !(items[j].is_group && items[j].optional) &&
               !(!items[j].is_group && IsToken(items[j].word))) {
          ++j;
        }
      }
      std::vector<Raw> taken(items.begin() + static_cast<ptrdiff_t>(i) + 1,
                             items.begin() + static_cast<ptrdiff_t>(j));
      out.push_back(WithToken(it.word, Sequence(taken, false)));
      i = j;
    }
    return out;
  }

  DocArg WithToken(std::string_view token, std::vector<DocArg> args) {
    if (args.empty()) {
      return DocArg{
          .name = TokenName(token), .type = ArgType::kPureToken, .token = std::string(token)};
    }
    if (args.size() == 1 && args[0].token.empty() && !(args[0].flags & kArgOptional)) {
      DocArg a = std::move(args[0]);
      a.token = std::string(token);
      if (a.type == ArgType::kOneof || a.type == ArgType::kBlock) a.name = TokenName(token);
      return a;
    }
    return DocArg{.name = TokenName(token),
                  .type = ArgType::kBlock,
                  .token = std::string(token),
                  .args = std::move(args)};
  }

  DocArg Unit(const std::vector<Raw>& seq) {
    std::vector<DocArg> args = Sequence(seq, /*opens_group=*/true);
    if (args.size() == 1) return std::move(args[0]);
    std::string name = BlockName(args);
    return DocArg{.name = std::move(name), .type = ArgType::kBlock, .args = std::move(args)};
  }

  DocArg Choice(const std::vector<std::vector<Raw>>& alts) {
    std::vector<DocArg> members;
    for (const auto& alt : alts) members.push_back(Unit(alt));
    std::string name = OneofName(members);
    return DocArg{.name = std::move(name), .type = ArgType::kOneof, .args = std::move(members)};
  }

  DocArg Group(const Raw& g) {
    DocArg a = g.alts.size() == 1 ? Unit(g.alts[0]) : Choice(g.alts);
    if (g.optional) {
      if (a.flags & kArgOptional) Fail("optional twice: '" + a.name + "'");
      a.flags |= kArgOptional;
    }
    if (g.multiple) {
      if (a.flags & kArgMultiple) Fail("repeated twice: '" + a.name + "'");
      a.flags |= kArgMultiple;
      if (!a.token.empty()) a.flags |= kArgMultipleToken;
    }
    return a;
  }

  void Fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
  }

  std::string_view command_;
  std::string error_;
};

void NumberKeys(std::vector<DocArg>& args, int* next) {
  for (DocArg& a : args) {
    if (a.type == ArgType::kKey) a.key_spec_index = (*next)++;
    NumberKeys(a.args, next);
  }
}

ArgCountRange Count(const DocArg& a) {
  ArgCountRange r;
  if (a.type == ArgType::kOneof) {
    r.min = INT_MAX;
    for (const DocArg& m : a.args) {
      ArgCountRange c = Count(m);
      r.min = std::min(r.min, c.min);
      r.max = (r.max < 0 || c.max < 0) ? -1 : std::max(r.max, c.max);
    }
  } else if (a.type == ArgType::kBlock) {
    r = CountArgs(a.args);
  } else if (a.type != ArgType::kPureToken) {
    r = {1, 1};
  }
  if (!a.token.empty()) {
    r.min += 1;
    if (r.max >= 0) r.max += 1;
  }
  if (a.flags & kArgOptional) r.min = 0;
  if (a.flags & kArgMultiple) r.max = -1;
  return r;
}

}  // namespace

std::string_view ArgTypeName(ArgType type) {
  switch (type) {
    case ArgType::kString:
      return "string";
    case ArgType::kInteger:
      return "integer";
    case ArgType::kDouble:
      return "double";
    case ArgType::kKey:
      return "key";
    case ArgType::kPattern:
      return "pattern";
    case ArgType::kUnixTime:
      return "unix-time";
    case ArgType::kPureToken:
      return "pure-token";
    case ArgType::kOneof:
      return "oneof";
    case ArgType::kBlock:
      return "block";
  }
  return "string";
}

ParsedSyntax ParseSyntax(std::string_view full_name, std::string_view syntax) {
  ParsedSyntax result;
  bool blank = std::all_of(syntax.begin(), syntax.end(), [](char c) { return c == ' '; });
  if (blank) {
    result.ok = true;
    return result;
  }
  std::vector<std::vector<Raw>> alts;
  RawParser parser(syntax);
  if (!parser.Parse(&alts, &result.error)) return result;
  Converter converter(full_name);
  result.args = converter.Top(alts);
  if (!converter.ok()) {
    result.error = converter.error();
    result.args.clear();
    return result;
  }
  int next_key = 0;
  NumberKeys(result.args, &next_key);
  result.ok = true;
  return result;
}

const ParsedSyntax& DocArgsFor(const CommandSpec& cmd) {
  static std::mutex mu;
  static std::unordered_map<std::string, ParsedSyntax> cache;
  std::string key = cmd.full_name;
  key += '\n';
  key += cmd.doc.syntax;
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find(key);
  if (it == cache.end()) {
    it = cache.emplace(std::move(key), ParseSyntax(cmd.full_name, cmd.doc.syntax)).first;
  }
  // References into an unordered_map stay valid as it grows.
  return it->second;
}

ArgCountRange CountArgs(const std::vector<DocArg>& args) {
  ArgCountRange r;
  for (const DocArg& a : args) {
    ArgCountRange c = Count(a);
    r.min += c.min;
    r.max = (r.max < 0 || c.max < 0) ? -1 : r.max + c.max;
  }
  return r;
}

}  // namespace ember::server
