// Configuration with Redis's directive names, syntax and error texts.
//
// Every parameter is one row of a table (name, alias, type, bounds, whether
// CONFIG SET may change it) over a field of `Config`. The same rows serve
// the config file, the command line (--port 6380), CONFIG GET (glob
// patterns) and CONFIG SET, so a parameter cannot behave differently in one
// of them.
//
// File syntax, as redis.conf: one directive per line, words split like
// redis-cli arguments ("quoted strings" allowed), '#' starts a comment line;
// a directive given twice takes the last value (except `save`, whose lines
// accumulate). An unknown directive or a bad value stops start-up with a
// message naming the line.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ember::server {

struct SavePoint {
  int64_t seconds;
  int64_t changes;
};

struct Config {
  // Network.
  int64_t port = 6379;
  std::vector<std::string> bind = {"127.0.0.1"};
  int64_t tcp_backlog = 511;
  int64_t tcp_keepalive = 300;
  int64_t timeout = 0;  // close clients idle this many seconds (0: never)
  int64_t maxclients = 10000;
  bool protected_mode = true;

  // General.
  int64_t databases = 16;
  std::string loglevel = "notice";
  std::string logfile;  // empty: standard output
  std::string pidfile;
  int64_t hz = 10;
  std::string enable_debug_command = "no";

  // Limits of the protocol.
  int64_t proto_max_bulk_len = 512LL * 1024 * 1024;
  int64_t client_query_buffer_limit = 1024LL * 1024 * 1024;

  // Expiry.
  bool active_expire_enabled = true;  // DEBUG SET-ACTIVE-EXPIRE
  int64_t active_expire_effort = 1;

  // Security.
  std::string requirepass;

  // Persistence.
  std::string dir = ".";
  std::string dbfilename = "dump.rdb";
  std::vector<SavePoint> save = {{3600, 1}, {300, 100}, {60, 10000}};
  bool appendonly = false;
  std::string appendfsync = "everysec";
  std::string appendfilename = "appendonly.aof";
  std::string appenddirname = "appendonlydir";
  bool stop_writes_on_bgsave_error = true;
  bool rdbcompression = true;
  bool rdbchecksum = true;

  // Where the configuration came from (INFO server: config_file).
  std::string config_file;
};

// One parameter of the table.
struct ConfigParam {
  enum class Kind { kBool, kInt, kMemory, kEnum, kString, kSave, kList };
  enum Flags : uint32_t {
    kImmutable = 1,  // only at start-up
    kSensitive = 2,  // not logged
  };

  std::string_view name;
  std::string_view alias;
  Kind kind;
  uint32_t flags = 0;
  int64_t min = 0, max = 0;            // kInt, kMemory
  bool clamp = false;                  // out of range: clamp instead of error (hz)
  std::vector<std::string_view> choices;  // kEnum
  // The field, by kind.
  bool Config::*bool_field = nullptr;
  int64_t Config::*int_field = nullptr;
  std::string Config::*string_field = nullptr;
  std::vector<std::string> Config::*list_field = nullptr;
};

// The parameters Ember understands.
const std::vector<ConfigParam>& ConfigParams();
const ConfigParam* FindConfigParam(std::string_view name);

// Sets one parameter from its textual arguments. Returns "" or the reason
// in Redis's words ("argument must be 'yes' or 'no'").
// `first_in_file` tells `save` to drop its defaults before accumulating.
std::string ApplyConfigValue(Config* config, const ConfigParam& param,
                             std::span<const std::string> args, bool from_file);

// The value as CONFIG GET prints it.
std::string FormatConfigValue(const Config& config, const ConfigParam& param);

// Parses redis.conf text into `config`. On error, `error` holds Redis's
// "*** FATAL CONFIG FILE ERROR ***" report naming the line.
bool ParseConfigText(std::string_view text, Config* config, std::string* error);

// Builds the configuration from the command line: an optional file path
// followed by --name value... options (which win over the file).
bool LoadConfigFromArgs(const std::vector<std::string>& args, Config* config,
                        std::string* error);

// "100mb" -> 104857600. Redis's memtoull: k/kb/m/mb/g/gb, case-insensitive
// (k = 1000, kb = 1024).
bool ParseMemory(std::string_view s, int64_t* bytes);

}  // namespace ember::server
