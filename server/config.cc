#include "server/config.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "protocol/request_parser.h"
#include "storage/numbers.h"

namespace ember::server {

namespace {

using Kind = ConfigParam::Kind;

ConfigParam Bool(std::string_view name, bool Config::*field, uint32_t flags = 0) {
  ConfigParam p{name, "", Kind::kBool, flags};
  p.bool_field = field;
  return p;
}

ConfigParam Int(std::string_view name, int64_t Config::*field, int64_t min, int64_t max,
                uint32_t flags = 0) {
  ConfigParam p{name, "", Kind::kInt, flags, min, max};
  p.int_field = field;
  return p;
}

ConfigParam Memory(std::string_view name, int64_t Config::*field, int64_t min, int64_t max,
                   uint32_t flags = 0) {
  ConfigParam p{name, "", Kind::kMemory, flags, min, max};
  p.int_field = field;
  return p;
}

ConfigParam String(std::string_view name, std::string Config::*field, uint32_t flags = 0) {
  ConfigParam p{name, "", Kind::kString, flags};
  p.string_field = field;
  return p;
}

ConfigParam Enum(std::string_view name, std::string Config::*field,
                 std::vector<std::string_view> choices, uint32_t flags = 0) {
  ConfigParam p{name, "", Kind::kEnum, flags};
  p.string_field = field;
  p.choices = std::move(choices);
  return p;
}

std::vector<ConfigParam> BuildParams() {
  constexpr int64_t kIntMax = 2147483647;
  constexpr int64_t kLongMax = INT64_MAX;
  std::vector<ConfigParam> params = {
      Int("port", &Config::port, 0, 65535),
      [] {
        ConfigParam p{"bind", "", Kind::kList};
        p.list_field = &Config::bind;
        return p;
      }(),
      Int("tcp-backlog", &Config::tcp_backlog, 0, kIntMax, ConfigParam::kImmutable),
      Int("tcp-keepalive", &Config::tcp_keepalive, 0, kIntMax),
      Int("timeout", &Config::timeout, 0, kIntMax),
      Int("maxclients", &Config::maxclients, 1, kIntMax),
      Bool("protected-mode", &Config::protected_mode),
      Int("databases", &Config::databases, 1, kIntMax, ConfigParam::kImmutable),
      Enum("loglevel", &Config::loglevel, {"debug", "verbose", "notice", "warning"}),
      String("logfile", &Config::logfile, ConfigParam::kImmutable),
      String("pidfile", &Config::pidfile, ConfigParam::kImmutable),
      [] {
        ConfigParam p = Int("hz", &Config::hz, 1, 500);
        p.clamp = true;
        return p;
      }(),
      Enum("enable-debug-command", &Config::enable_debug_command, {"no", "yes", "local"},
           ConfigParam::kImmutable),
      Memory("proto-max-bulk-len", &Config::proto_max_bulk_len, 1024 * 1024, kLongMax),
      Memory("client-query-buffer-limit", &Config::client_query_buffer_limit, 1024 * 1024,
             kLongMax),
      Int("active-expire-effort", &Config::active_expire_effort, 1, 10),
      String("requirepass", &Config::requirepass, ConfigParam::kSensitive),
      String("dir", &Config::dir),
      String("dbfilename", &Config::dbfilename),
      ConfigParam{"save", "", Kind::kSave},
      Bool("appendonly", &Config::appendonly),
      Enum("appendfsync", &Config::appendfsync, {"always", "everysec", "no"}),
      String("appendfilename", &Config::appendfilename, ConfigParam::kImmutable),
      String("appenddirname", &Config::appenddirname, ConfigParam::kImmutable),
      Bool("stop-writes-on-bgsave-error", &Config::stop_writes_on_bgsave_error),
      Bool("rdbcompression", &Config::rdbcompression),
      Bool("rdbchecksum", &Config::rdbchecksum, ConfigParam::kImmutable),
  };
  return params;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string Join(const std::vector<std::string_view>& items, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += sep;
    out += items[i];
  }
  return out;
}

std::string ParseSave(std::span<const std::string> args, std::vector<SavePoint>* out) {
  // Arguments are "seconds changes" pairs, possibly all in one string.
  std::vector<std::string> words;
  for (const std::string& a : args) {
    std::istringstream in(a);
    std::string w;
    while (in >> w) words.push_back(w);
  }
  if (words.size() % 2 != 0) return "Invalid save parameters";
  std::vector<SavePoint> points;
  for (size_t i = 0; i < words.size(); i += 2) {
    int64_t seconds, changes;
    if (!storage::StringToInt64(words[i], &seconds) ||
        !storage::StringToInt64(words[i + 1], &changes) || seconds < 1 || changes < 0) {
      return "Invalid save parameters";
    }
    points.push_back({seconds, changes});
  }
  *out = std::move(points);
  return "";
}

}  // namespace

const std::vector<ConfigParam>& ConfigParams() {
  static const std::vector<ConfigParam> params = BuildParams();
  return params;
}

const ConfigParam* FindConfigParam(std::string_view name) {
  std::string lower = Lower(name);
  for (const ConfigParam& p : ConfigParams()) {
    if (p.name == lower || (!p.alias.empty() && p.alias == lower)) return &p;
  }
  return nullptr;
}

bool ParseMemory(std::string_view s, int64_t* bytes) {
  std::string lower = Lower(s);
  int64_t mul = 1;
  struct Unit {
    std::string_view suffix;
    int64_t mul;
  };
  static constexpr Unit kUnits[] = {{"kb", 1024},         {"mb", 1024 * 1024},
                                    {"gb", 1LL << 30},    {"k", 1000},
                                    {"m", 1000 * 1000},   {"g", 1000LL * 1000 * 1000},
                                    {"b", 1}};
  std::string_view digits = lower;
  for (const Unit& u : kUnits) {
    if (digits.size() > u.suffix.size() && digits.ends_with(u.suffix)) {
      digits.remove_suffix(u.suffix.size());
      mul = u.mul;
      break;
    }
  }
  if (digits.empty()) return false;
  uint64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    if (v > (UINT64_MAX - 9) / 10) return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > static_cast<uint64_t>(INT64_MAX) / static_cast<uint64_t>(mul)) return false;
  *bytes = static_cast<int64_t>(v) * mul;
  return true;
}

std::string ApplyConfigValue(Config* config, const ConfigParam& param,
                             std::span<const std::string> args, bool from_file) {
  if (param.kind == Kind::kSave) {
    std::vector<SavePoint> points;
    // `save ""` turns saving off.
    if (!(args.size() == 1 && args[0].empty())) {
      std::string err = ParseSave(args, &points);
      if (!err.empty()) return err;
    }
    if (from_file && !(args.size() == 1 && args[0].empty())) {
      config->save.insert(config->save.end(), points.begin(), points.end());
    } else {
      config->save = std::move(points);
    }
    return "";
  }
  if (param.kind == Kind::kList) {
    std::vector<std::string> items;
    for (const std::string& a : args) {
      std::istringstream in(a);
      std::string w;
      while (in >> w) items.push_back(w);
    }
    if (items.empty()) return "Too many bind addresses specified.";
    config->*param.list_field = std::move(items);
    return "";
  }
  if (args.size() != 1) return "wrong number of arguments";
  const std::string& value = args[0];
  switch (param.kind) {
    case Kind::kBool: {
      std::string v = Lower(value);
      if (v != "yes" && v != "no") return "argument must be 'yes' or 'no'";
      config->*param.bool_field = v == "yes";
      return "";
    }
    case Kind::kInt:
    case Kind::kMemory: {
      int64_t v;
      if (param.kind == Kind::kInt) {
        if (!storage::StringToInt64(value, &v)) {
          return "argument couldn't be parsed into an integer";
        }
      } else if (!ParseMemory(value, &v)) {
        return "argument must be a memory value";
      }
      if (v < param.min || v > param.max) {
        if (!param.clamp) {
          return fmt::format("argument must be between {} and {} inclusive", param.min,
                             param.max);
        }
        v = std::clamp(v, param.min, param.max);
      }
      config->*param.int_field = v;
      return "";
    }
    case Kind::kEnum: {
      std::string v = Lower(value);
      if (std::find(param.choices.begin(), param.choices.end(), v) == param.choices.end()) {
        return "argument(s) must be one of the following: " + Join(param.choices, ", ");
      }
      config->*param.string_field = v;
      return "";
    }
    case Kind::kString:
      config->*param.string_field = value;
      return "";
    default:
      return "unsupported";
  }
}

std::string FormatConfigValue(const Config& config, const ConfigParam& param) {
  switch (param.kind) {
    case Kind::kBool:
      return config.*param.bool_field ? "yes" : "no";
    case Kind::kInt:
    case Kind::kMemory:
      return std::to_string(config.*param.int_field);
    case Kind::kEnum:
    case Kind::kString:
      return config.*param.string_field;
    case Kind::kList: {
      std::string out;
      for (const std::string& s : config.*param.list_field) {
        if (!out.empty()) out += ' ';
        out += s;
      }
      return out;
    }
    case Kind::kSave: {
      std::string out;
      for (const SavePoint& p : config.save) {
        if (!out.empty()) out += ' ';
        out += fmt::format("{} {}", p.seconds, p.changes);
      }
      return out;
    }
  }
  return "";
}

bool ParseConfigText(std::string_view text, Config* config, std::string* error) {
  size_t line_no = 0;
  bool save_seen = false;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? text.npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    // Trim spaces, skip blanks and comments.
    size_t b = line.find_first_not_of(" \t\r");
    if (b == std::string_view::npos || line[b] == '#') continue;
    line = line.substr(b);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) {
      line.remove_suffix(1);
    }
    std::vector<std::string> words;
    std::string reason;
    const ConfigParam* param = nullptr;
    if (!protocol::SplitArgs(line, &words)) {
      reason = "Unbalanced quotes in configuration line";
    } else if (words.empty()) {
      continue;
    } else if ((param = FindConfigParam(words[0])) == nullptr ||
               (words.size() < 2 && param->kind != Kind::kSave)) {
      reason = "Bad directive or wrong number of arguments";
    } else {
      std::span<const std::string> args(words.data() + 1, words.size() - 1);
      // The first `save` in a file replaces the defaults; later ones add.
      if (param->kind == Kind::kSave && !save_seen) {
        config->save.clear();
        save_seen = true;
      }
      reason = ApplyConfigValue(config, *param, args, /*from_file=*/true);
    }
    if (!reason.empty()) {
      *error = fmt::format(
          "\n*** FATAL CONFIG FILE ERROR (Ember {}) ***\nReading the configuration file, at line "
          "{}\n>>> '{}'\n{}\n",
          EMBER_VERSION, line_no, line, reason);
      return false;
    }
  }
  return true;
}

bool LoadConfigFromArgs(const std::vector<std::string>& args, Config* config,
                        std::string* error) {
  std::string text;
  size_t i = 0;
  if (!args.empty() && !args[0].starts_with("--")) {
    std::ifstream in(args[0]);
    if (!in) {
      *error = fmt::format("Fatal error, can't open config file '{}'", args[0]);
      return false;
    }
    std::ostringstream content;
    content << in.rdbuf();
    text = content.str();
    if (!text.empty() && text.back() != '\n') text += '\n';
    config->config_file = args[0];
    i = 1;
  }
  // Options become config lines appended after the file, so they win.
  // "--save 900 1 --port 7000" -> "save 900 1\nport 7000\n". Arguments are
  // quoted so that values with spaces survive the line splitting.
  bool in_option = false;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.starts_with("--") && a.size() > 2) {
      if (in_option) text += '\n';
      text += a.substr(2);
      in_option = true;
    } else {
      if (!in_option) {
        *error = fmt::format("Invalid option '{}': options must start with --", a);
        return false;
      }
      text += " \"";
      for (char c : a) {
        if (c == '"' || c == '\\') text += '\\';
        text += c;
      }
      text += '"';
    }
  }
  if (in_option) text += '\n';
  return ParseConfigText(text, config, error);
}

}  // namespace ember::server
