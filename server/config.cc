#include "server/config.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstring>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "protocol/request_parser.h"
#include "server/keyspace_events.h"
#include "storage/glob.h"
#include "storage/numbers.h"

namespace ember::server {

namespace {

using Kind = ConfigParam::Kind;

constexpr int64_t kIntMax = INT_MAX;
constexpr int64_t kUIntMax = UINT_MAX;
constexpr int64_t kLongMax = INT64_MAX;
constexpr size_t kMaxBindAddresses = 16;  // CONFIG_BINDADDR_MAX

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

ConfigParam String(std::string_view name, std::string Config::*field, uint32_t flags = 0,
                   Kind kind = Kind::kString) {
  ConfigParam p{name, "", kind, flags};
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

// Only parameters Ember reads somewhere. Ranges, immutability and
// protection are Redis 7.0's.
std::vector<ConfigParam> BuildParams() {
  const std::vector<std::string_view> kProtectedAction = {"no", "yes", "local"};
  ConfigParam bind{"bind", "", Kind::kList};
  bind.list_field = &Config::bind;
  // Redis accepts any hz and caps it to [1, 500]: it is a hint.
  ConfigParam hz = Int("hz", &Config::hz, 0, kIntMax);
  hz.clamp_min = 1;
  hz.clamp_max = 500;
  ConfigParam events{"notify-keyspace-events", "", Kind::kEvents};
  events.int_field = &Config::notify_keyspace_events;
  auto with_alias = [](ConfigParam p, std::string_view alias) {
    p.alias = alias;
    return p;
  };
  return {
      Int("port", &Config::port, 0, 65535),
      bind,
      Int("tcp-backlog", &Config::tcp_backlog, 0, kIntMax, ConfigParam::kImmutable),
      Int("tcp-keepalive", &Config::tcp_keepalive, 0, kIntMax),
      Int("timeout", &Config::timeout, 0, kIntMax),
      Int("maxclients", &Config::maxclients, 1, kUIntMax),
      Int("databases", &Config::databases, 1, kIntMax, ConfigParam::kImmutable),
      Enum("loglevel", &Config::loglevel, {"debug", "verbose", "notice", "warning"}),
      String("logfile", &Config::logfile, ConfigParam::kImmutable),
      String("pidfile", &Config::pidfile, ConfigParam::kImmutable),
      hz,
      Enum("enable-debug-command", &Config::enable_debug_command, kProtectedAction,
           ConfigParam::kImmutable),
      Enum("enable-protected-configs", &Config::enable_protected_configs, kProtectedAction,
           ConfigParam::kImmutable),
      events,
      Int("slowlog-log-slower-than", &Config::slowlog_log_slower_than, -1, kLongMax),
      Int("slowlog-max-len", &Config::slowlog_max_len, 0, kLongMax),
      Int("latency-monitor-threshold", &Config::latency_monitor_threshold, 0, kLongMax),
      Memory("proto-max-bulk-len", &Config::proto_max_bulk_len, 1024 * 1024, kLongMax),
      Memory("client-query-buffer-limit", &Config::client_query_buffer_limit, 1024 * 1024,
             kLongMax),
      ConfigParam{"client-output-buffer-limit", "", Kind::kOutputBufferLimit},
      Memory("maxmemory", &Config::maxmemory, 0, kLongMax),
      Enum("maxmemory-policy", &Config::maxmemory_policy,
           {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru",
            "allkeys-lfu", "allkeys-random", "noeviction"}),
      Int("maxmemory-samples", &Config::maxmemory_samples, 1, kIntMax),
      Int("maxmemory-eviction-tenacity", &Config::maxmemory_eviction_tenacity, 0, 100),
      Int("lfu-log-factor", &Config::lfu_log_factor, 0, kIntMax),
      Int("lfu-decay-time", &Config::lfu_decay_time, 0, kIntMax),
      Int("active-expire-effort", &Config::active_expire_effort, 1, 10),
      with_alias(Int("list-max-listpack-size", &Config::list_max_listpack_size, INT32_MIN,
                     kIntMax),
                 "list-max-ziplist-size"),
      with_alias(Int("hash-max-listpack-entries", &Config::hash_max_listpack_entries, 0,
                     kLongMax),
                 "hash-max-ziplist-entries"),
      with_alias(Int("hash-max-listpack-value", &Config::hash_max_listpack_value, 0, kLongMax),
                 "hash-max-ziplist-value"),
      Int("set-max-intset-entries", &Config::set_max_intset_entries, 0, kLongMax),
      Int("set-max-listpack-entries", &Config::set_max_listpack_entries, 0, kLongMax),
      Int("set-max-listpack-value", &Config::set_max_listpack_value, 0, kLongMax),
      with_alias(Int("zset-max-listpack-entries", &Config::zset_max_listpack_entries, 0,
                     kLongMax),
                 "zset-max-ziplist-entries"),
      with_alias(Int("zset-max-listpack-value", &Config::zset_max_listpack_value, 0, kLongMax),
                 "zset-max-ziplist-value"),
      String("requirepass", &Config::requirepass, ConfigParam::kSensitive),
      Bool("protected-mode", &Config::protected_mode),
      String("dir", &Config::dir, ConfigParam::kProtected, Kind::kDir),
      String("dbfilename", &Config::dbfilename, ConfigParam::kProtected),
      ConfigParam{"save", "", Kind::kSave},
      Bool("appendonly", &Config::appendonly),
      Enum("appendfsync", &Config::appendfsync, {"everysec", "always", "no"}),
      String("appendfilename", &Config::appendfilename, ConfigParam::kImmutable),
      String("appenddirname", &Config::appenddirname, ConfigParam::kImmutable),
      Bool("stop-writes-on-bgsave-error", &Config::stop_writes_on_bgsave_error),
      Bool("aof-use-rdb-preamble", &Config::aof_use_rdb_preamble),
      Bool("aof-load-truncated", &Config::aof_load_truncated),
      Int("auto-aof-rewrite-percentage", &Config::auto_aof_rewrite_percentage, 0, kIntMax),
      Memory("auto-aof-rewrite-min-size", &Config::auto_aof_rewrite_min_size, 0, kLongMax),
      Bool("rdbcompression", &Config::rdbcompression),
      Bool("rdbchecksum", &Config::rdbchecksum, ConfigParam::kImmutable),
  };
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
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

// The words of a multi-word parameter: its arguments, or the words of its
// single argument ("3600 1 300 100"); a single empty argument means none.
std::vector<std::string> Words(std::span<const std::string> args) {
  std::vector<std::string> words;
  if (args.size() != 1) {
    words.assign(args.begin(), args.end());
    return words;
  }
  std::istringstream in(args[0]);
  std::string w;
  while (in >> w) words.push_back(w);
  return words;
}

// Redis's getClientTypeByName, less "master" (which has no limits of its
// own): -1 for anything else.
int OutputLimitClass(std::string_view name) {
  std::string lower = Lower(name);
  if (lower == "normal") return static_cast<int>(ClientClass::kNormal);
  if (lower == "slave" || lower == "replica") return static_cast<int>(ClientClass::kReplica);
  if (lower == "pubsub") return static_cast<int>(ClientClass::kPubSub);
  return -1;
}

// "class hard soft seconds [class hard soft seconds ...]": every quadruple
// is checked before any is applied, so a bad one changes nothing; classes
// not named keep their limits.
std::string ParseOutputBufferLimits(const std::vector<std::string>& words, Config* config) {
  if (words.size() % 4 != 0) return "Wrong number of arguments in buffer limit configuration.";
  auto limits = config->client_output_buffer_limit;
  for (size_t i = 0; i < words.size(); i += 4) {
    int cls = OutputLimitClass(words[i]);
    if (cls < 0) return "Invalid client class specified in buffer limit configuration.";
    OutputBufferLimit limit;
    if (!ParseMemory(words[i + 1], &limit.hard_bytes) ||
        !ParseMemory(words[i + 2], &limit.soft_bytes) ||
        !storage::StringToInt64(words[i + 3], &limit.soft_seconds) || limit.soft_seconds < 0) {
      return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
    }
    limits[static_cast<size_t>(cls)] = limit;
  }
  config->client_output_buffer_limit = limits;
  return "";
}

constexpr std::string_view kClientClassNames[kClientClasses] = {"normal", "slave", "pubsub"};

std::string ParseSave(const std::vector<std::string>& words, std::vector<SavePoint>* out) {
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

// Redis refuses paths where it wants a plain file or directory name.
std::string CheckPlainName(const ConfigParam& param, const std::string& value) {
  if (value.find('/') == std::string::npos) return "";
  if (param.name == "appenddirname") return "appenddirname can't be a path, just a dirname";
  if (param.name == "dbfilename" || param.name == "appendfilename") {
    return fmt::format("{} can't be a path, just a filename", param.name);
  }
  return "";
}

std::string FormatMemory(int64_t bytes) {
  constexpr int64_t kGb = 1024 * 1024 * 1024, kMb = 1024 * 1024, kKb = 1024;
  if (bytes != 0 && bytes % kGb == 0) return fmt::format("{}gb", bytes / kGb);
  if (bytes != 0 && bytes % kMb == 0) return fmt::format("{}mb", bytes / kMb);
  if (bytes != 0 && bytes % kKb == 0) return fmt::format("{}kb", bytes / kKb);
  return std::to_string(bytes);
}

std::string CurrentDirectory() {
  char buf[PATH_MAX];
  return getcwd(buf, sizeof(buf)) != nullptr ? std::string(buf) : std::string();
}

std::string ConfigErrorReport(size_t line_no, std::string_view line, std::string_view reason) {
  return fmt::format(
      "\n*** FATAL CONFIG FILE ERROR (Ember {}) ***\nReading the configuration file, at line "
      "{}\n>>> '{}'\n{}\n",
      EMBER_VERSION, line_no, line, reason);
}

bool ReadWholeFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream content;
  content << in.rdbuf();
  *out = content.str();
  return true;
}

}  // namespace

const std::vector<ConfigParam>& ConfigParams() {
  static const std::vector<ConfigParam> params = BuildParams();
  return params;
}

const ConfigParam* FindConfigParam(std::string_view name) {
  for (const ConfigParam& p : ConfigParams()) {
    if (EqualsNoCase(p.name, name) || (!p.alias.empty() && EqualsNoCase(p.alias, name))) {
      return &p;
    }
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
  static constexpr Unit kUnits[] = {{"kb", 1024}, {"mb", 1024 * 1024}, {"gb", 1LL << 30},
                                    {"k", 1000},  {"m", 1000 * 1000},  {"g", 1000LL * 1000 * 1000},
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
    std::string err = ParseSave(Words(args), &points);
    if (!err.empty()) return err;
    // In a file, every `save` line adds its points, except `save ""`,
    // which drops those read so far.
    bool reset = args.size() == 1 && args[0].empty();
    if (from_file && !reset) {
      config->save.insert(config->save.end(), points.begin(), points.end());
    } else {
      config->save = std::move(points);
    }
    return "";
  }
  if (param.kind == Kind::kOutputBufferLimit) return ParseOutputBufferLimits(Words(args), config);
  if (param.kind == Kind::kList) {
    std::vector<std::string> items = Words(args);
    if (items.size() > kMaxBindAddresses) return "Too many bind addresses specified.";
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
        return fmt::format("argument must be between {} and {} inclusive", param.min, param.max);
      }
      if (param.clamp_max > 0) v = std::clamp(v, param.clamp_min, param.clamp_max);
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
    case Kind::kDir:
      if (from_file) {
        // Redis changes directory right at this line, so a bad directory is
        // reported here. Checking is enough: the server moves there later.
        struct stat st;
        if (stat(value.c_str(), &st) != 0) return std::strerror(errno);
        if (!S_ISDIR(st.st_mode)) return std::strerror(ENOTDIR);
      }
      config->*param.string_field = value;
      return "";
    case Kind::kString: {
      std::string err = CheckPlainName(param, value);
      if (!err.empty()) return err;
      config->*param.string_field = value;
      return "";
    }
    case Kind::kEvents: {
      int64_t flags;
      if (!ParseKeyspaceEvents(value, &flags)) {
        return "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
      }
      config->*param.int_field = flags;
      return "";
    }
    case Kind::kSave:
    case Kind::kList:
    case Kind::kOutputBufferLimit:
      break;
  }
  return "unsupported parameter";
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
    case Kind::kDir: {
      // The truth is the process's working directory, absolute.
      std::string cwd = CurrentDirectory();
      return cwd.empty() ? config.*param.string_field : cwd;
    }
    case Kind::kList: {
      std::string out;
      for (const std::string& s : config.*param.list_field) {
        if (!out.empty()) out += ' ';
        out += s;
      }
      return out;
    }
    case Kind::kEvents:
      return FormatKeyspaceEvents(config.*param.int_field);
    case Kind::kSave: {
      std::string out;
      for (const SavePoint& p : config.save) {
        if (!out.empty()) out += ' ';
        out += fmt::format("{} {}", p.seconds, p.changes);
      }
      return out;
    }
    case Kind::kOutputBufferLimit: {
      std::string out;
      for (int i = 0; i < kClientClasses; ++i) {
        const OutputBufferLimit& l = config.client_output_buffer_limit[static_cast<size_t>(i)];
        if (!out.empty()) out += ' ';
        out += fmt::format("{} {} {} {}", kClientClassNames[i], l.hard_bytes, l.soft_bytes,
                           l.soft_seconds);
      }
      return out;
    }
  }
  return "";
}

std::vector<ConfigMatch> MatchConfigParams(std::span<const std::string_view> patterns) {
  std::vector<ConfigMatch> matches;
  auto seen = [&matches](std::string_view name) {
    return std::any_of(matches.begin(), matches.end(),
                       [name](const ConfigMatch& m) { return EqualsNoCase(m.name, name); });
  };
  for (std::string_view pattern : patterns) {
    if (pattern.find_first_of("[*?") == std::string_view::npos) {
      const ConfigParam* p = FindConfigParam(pattern);
      if (p != nullptr && !seen(pattern)) matches.push_back({std::string(pattern), p});
      continue;
    }
    for (const ConfigParam& p : ConfigParams()) {
      for (std::string_view name : {p.name, p.alias}) {
        if (name.empty() || seen(name)) continue;
        if (storage::GlobMatch(pattern, name, /*nocase=*/true)) {
          matches.push_back({std::string(name), &p});
        }
      }
    }
  }
  return matches;
}

bool IsLocalAddress(std::string_view addr) {
  size_t colon = addr.rfind(':');
  std::string_view host = colon == std::string_view::npos ? addr : addr.substr(0, colon);
  return host == "127.0.0.1" || host == "::1";
}

bool ProtectedActionAllowed(std::string_view setting, std::string_view client_addr) {
  return setting == "yes" || (setting == "local" && IsLocalAddress(client_addr));
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
    } else if ((param = FindConfigParam(words[0])) == nullptr) {
      reason = "Bad directive or wrong number of arguments";
    } else if (param->kind != Kind::kSave && param->kind != Kind::kList &&
               param->kind != Kind::kOutputBufferLimit && words.size() != 2) {
      reason = "wrong number of arguments";
    } else {
      std::span<const std::string> args(words.data() + 1, words.size() - 1);
      // The first `save` replaces the defaults; later ones add.
      if (param->kind == Kind::kSave && !save_seen) {
        config->save.clear();
        save_seen = true;
      }
      reason = ApplyConfigValue(config, *param, args, /*from_file=*/true);
    }
    if (!reason.empty()) {
      *error = ConfigErrorReport(line_no, line, reason);
      return false;
    }
  }
  return true;
}

bool LoadConfigFromArgs(const std::vector<std::string>& args, Config* config, std::string* error) {
  std::string file_text, stdin_text, options;
  size_t i = 0;
  if (!args.empty() && !args[0].starts_with("-")) {
    if (!ReadWholeFile(args[0], &file_text)) {
      *error = fmt::format("Fatal error, can't open config file '{}': {}", args[0],
                           std::strerror(errno));
      return false;
    }
    // Absolute, so that CONFIG REWRITE finds it after `dir` moved the
    // process elsewhere.
    config->config_file = args[0].starts_with("/") ? args[0] : CurrentDirectory() + "/" + args[0];
    i = 1;
  }
  // Options become config lines after the file: "--port 7000 --save 900 1"
  // -> "port \"7000\" \nsave \"900\" \"1\" ". As in redis-server, a word
  // starting with "--" is an option name only once the previous option has
  // a value (so `--requirepass --odd` sets the password "--odd"), and a
  // `--save` with no value means `save ""`.
  bool last_option_has_value = true;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    bool last = i + 1 == args.size();
    if (a == "-" && (i == 0 || last)) {
      std::ostringstream in;
      in << std::cin.rdbuf();
      stdin_text = in.str();
    } else if (last_option_has_value && a.starts_with("--")) {
      if (!options.empty()) options += '\n';
      options += a.substr(2);
      options += ' ';
      std::vector<std::string> words;
      bool name_only = !protocol::SplitArgs(a, &words) || words.size() == 1;
      last_option_has_value = !name_only;
      if (name_only && a == "--save" && (last || args[i + 1].starts_with("--"))) {
        options += "\"\"";
        last_option_has_value = true;
      }
    } else {
      options += QuoteConfigString(a);
      options += ' ';
      last_option_has_value = true;
    }
  }
  // As redis-server: file, then standard input, then the options.
  std::string text = file_text + stdin_text;
  if (!options.empty()) text += "\n" + options;
  return ParseConfigText(text, config, error);
}

std::string QuoteConfigString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      default:
        if (std::isprint(static_cast<unsigned char>(c))) {
          out += c;
        } else {
          out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        }
    }
  }
  out += '"';
  return out;
}

namespace {

constexpr std::string_view kRewriteSignature = "# Generated by CONFIG REWRITE";

// Redis's rewriteConfigState: the old file's lines, and for each directive
// the lines it occupied that are not reused yet.
struct RewriteState {
  std::vector<std::string> lines;
  std::map<std::string, std::deque<size_t>, std::less<>> option_lines;
  std::set<std::string, std::less<>> rewritten;
  bool needs_signature = true;

  // Puts `line` for `option` in the option's next old line, or appends it
  // if the option had no line left and `force` says it must be written.
  void RewriteLine(std::string_view option, std::string line, bool force) {
    rewritten.emplace(option);
    auto it = option_lines.find(option);
    if (it != option_lines.end()) {
      lines[it->second.front()] = std::move(line);
      it->second.pop_front();
      if (it->second.empty()) option_lines.erase(it);
      return;
    }
    if (!force) return;
    if (needs_signature) {
      lines.emplace_back(kRewriteSignature);
      needs_signature = false;
    }
    lines.push_back(std::move(line));
  }
};

// Writes the current value of `p` into the state, as Redis's per-type
// rewrite functions do. `force`: the value differs from the default, so it
// is written even if the file did not mention it.
void RewriteParam(RewriteState* state, const Config& config, const ConfigParam& p) {
  static const Config kDefaults;
  std::string name(p.name);
  std::string value = FormatConfigValue(config, p);
  bool force = value != FormatConfigValue(kDefaults, p);
  switch (p.kind) {
    case Kind::kBool:
    case Kind::kInt:
    case Kind::kEnum:
      state->RewriteLine(name, name + " " + value, force);
      break;
    case Kind::kMemory:
      state->RewriteLine(name, name + " " + FormatMemory(config.*p.int_field), force);
      break;
    case Kind::kString:
    case Kind::kEvents:
      state->RewriteLine(name, name + " " + QuoteConfigString(value), force);
      break;
    case Kind::kDir:
      // Always written, absolute: a relative dir would depend on where the
      // server is started from next time.
      state->RewriteLine(name, name + " " + QuoteConfigString(value), /*force=*/true);
      break;
    case Kind::kSave:
      // Always written: without a save line, the defaults would come back.
      if (config.save.empty()) state->RewriteLine(name, "save \"\"", true);
      for (const SavePoint& sp : config.save) {
        state->RewriteLine(name, fmt::format("save {} {}", sp.seconds, sp.changes), true);
      }
      break;
    case Kind::kOutputBufferLimit:
      // One line per class, written when it differs from the default (as
      // Redis, which calls the replica class "replica" here).
      for (int i = 0; i < kClientClasses; ++i) {
        size_t c = static_cast<size_t>(i);
        const OutputBufferLimit& l = config.client_output_buffer_limit[c];
        state->RewriteLine(
            name,
            fmt::format("{} {} {} {} {}", name, i == 1 ? "replica" : kClientClassNames[c],
                        FormatMemory(l.hard_bytes), FormatMemory(l.soft_bytes), l.soft_seconds),
            l != kDefaults.client_output_buffer_limit[c]);
      }
      break;
    case Kind::kList:
      // At its default, bind is left out (and its old lines dropped).
      if (force) {
        state->RewriteLine(name, name + " " + (value.empty() ? "\"\"" : value), true);
      }
      break;
  }
  state->rewritten.insert(name);
}

}  // namespace

std::string RewriteConfigText(std::string_view old_text, const Config& config) {
  RewriteState state;
  // Split on '\n' exactly as Redis does: a final newline leaves an empty
  // last line, which is where the blank line before the signature comes
  // from.
  if (!old_text.empty()) {
    size_t pos = 0;
    for (;;) {
      size_t nl = old_text.find('\n', pos);
      std::string_view raw = old_text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
      size_t b = raw.find_first_not_of("\r\n\t ");
      size_t e = raw.find_last_not_of("\r\n\t ");
      std::string line(b == std::string_view::npos ? "" : raw.substr(b, e - b + 1));
      std::vector<std::string> argv;
      if (line.empty() || line[0] == '#') {
        if (line == kRewriteSignature) state.needs_signature = false;
        state.lines.push_back(std::move(line));
      } else if (!protocol::SplitArgs(line, &argv) || argv.empty() ||
                 FindConfigParam(argv[0]) == nullptr) {
        // Unparsable, or a directive Ember does not know: kept, as a
        // comment.
        state.lines.push_back("# ??? " + line);
      } else {
        state.option_lines[std::string(FindConfigParam(argv[0])->name)].push_back(
            state.lines.size());
        state.lines.push_back(std::move(line));
      }
      if (nl == std::string_view::npos) break;
      pos = nl + 1;
    }
  }

  for (const ConfigParam& p : ConfigParams()) RewriteParam(&state, config, p);

  // Lines left over from directives that were rewritten (repeats, extra
  // save lines) are blanked.
  for (auto& [option, remaining] : state.option_lines) {
    if (!state.rewritten.contains(option)) continue;
    for (size_t line : remaining) state.lines[line].clear();
  }

  std::string content;
  bool was_empty = false;
  for (const std::string& line : state.lines) {
    // Every run of empty lines becomes one.
    if (line.empty()) {
      if (was_empty) continue;
      was_empty = true;
    } else {
      was_empty = false;
    }
    content += line;
    content += '\n';
  }
  return content;
}

std::string RewriteConfigFile(const Config& config) {
  const std::string& path = config.config_file;
  std::string old_text;
  if (!ReadWholeFile(path, &old_text) && errno != ENOENT) return std::strerror(errno);
  std::string content = RewriteConfigText(old_text, config);

  // Write a temporary file next to the old one and rename it over: a crash
  // halfway leaves the old file intact.
  std::string tmp = path + ".XXXXXX";
  int fd = mkostemp(tmp.data(), O_CLOEXEC);
  if (fd < 0) return std::strerror(errno);
  int err = 0;
  size_t off = 0;
  while (off < content.size() && err == 0) {
    ssize_t n = write(fd, content.data() + off, content.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      err = errno != 0 ? errno : EIO;
      break;
    }
    off += static_cast<size_t>(n);
  }
  // The new file keeps the old one's permissions (it may hold
  // requirepass); a new file gets 0644 less the umask, as Redis gives every
  // rewritten file.
  mode_t mode;
  struct stat st;
  if (stat(path.c_str(), &st) == 0) {
    mode = st.st_mode & 07777;
  } else {
    mode_t mask = umask(0);
    umask(mask);
    mode = 0644 & ~mask;
  }
  if (err == 0 && fsync(fd) != 0) err = errno;
  if (err == 0 && fchmod(fd, mode) != 0) err = errno;
  if (err == 0 && rename(tmp.c_str(), path.c_str()) != 0) err = errno;
  close(fd);
  if (err != 0) {
    unlink(tmp.c_str());
    return std::strerror(err);
  }
  return "";
}

}  // namespace ember::server
