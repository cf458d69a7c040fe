// ember-server: parse the configuration, start the event loop, serve.
#include <sys/resource.h>
#include <unistd.h>

#include <asio.hpp>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "server/client_limits.h"
#include "server/config.h"
#include "server/log.h"
#include "server/net/net_server.h"
#include "server/server.h"
#include "server/version.h"
#include "storage/clock.h"
#include "storage/hash.h"

namespace {

using ember::server::Log;
using ember::server::LogLevel;

void PrintUsage(const char* argv0) {
  std::fprintf(stderr,
               "Usage: %s [/path/to/ember.conf] [options]\n"
               "       %s -v or --version\n"
               "       %s -h or --help\n\n"
               "Options are Redis configuration directives given as --name value.\n"
               "Examples:\n"
               "       %s                 (run with the defaults: 127.0.0.1:6379)\n"
               "       %s --port 7777\n"
               "       %s --port 7777 --dir ./data --save \"60 1000\"\n"
               "       %s /etc/ember/7777.conf --loglevel verbose\n",
               argv0, argv0, argv0, argv0, argv0, argv0, argv0);
}

void PrintVersion() {
  std::printf("Ember server v=%s redis-compat=%s bits=%d build=%s\n",
              std::string(ember::server::kEmberVersion).c_str(),
              std::string(ember::server::kRedisCompatVersion).c_str(),
              static_cast<int>(sizeof(void*) * 8), __DATE__);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty()) {
    if (args[0] == "-v" || args[0] == "--version") {
      PrintVersion();
      return 0;
    }
    if (args[0] == "-h" || args[0] == "--help") {
      PrintUsage(argv[0]);
      return 0;
    }
  }

  // A file-size limit (ulimit -f) then fails the write with EFBIG, which
  // the RDB and AOF code report like a full disk, instead of killing the
  // server with SIGXFSZ. A peer closing its socket is an error on the
  // write, not a SIGPIPE.
  std::signal(SIGXFSZ, SIG_IGN);
  std::signal(SIGPIPE, SIG_IGN);

  ember::server::Config config;
  std::string error;
  if (!ember::server::LoadConfigFromArgs(args, &config, &error)) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  if (!ember::server::SetLogFile(config.logfile)) {
    std::fprintf(stderr, "Can't open the log file: %s\n", std::strerror(errno));
    return 1;
  }
  LogLevel level;
  ember::server::ParseLogLevel(config.loglevel, &level);
  ember::server::SetLogLevel(level);

  Log(LogLevel::kNotice, "oO0OoO0OoO0Oo Ember is starting oO0OoO0OoO0Oo");
  Log(LogLevel::kNotice, "Ember version={}, redis-compat={}, bits={}, pid={}, just started",
      ember::server::kEmberVersion, ember::server::kRedisCompatVersion, sizeof(void*) * 8,
      getpid());
  if (config.config_file.empty()) {
    Log(LogLevel::kWarning,
        "Warning: no config file specified, using the default config. In order to specify a "
        "config file use {} /path/to/ember.conf",
        argv[0]);
  } else {
    Log(LogLevel::kNotice, "Configuration loaded");
  }
  if (chdir(config.dir.c_str()) != 0) {
    Log(LogLevel::kWarning, "Can't chdir to '{}': {}", config.dir, std::strerror(errno));
    return 1;
  }

  // Every client is a file descriptor: make room for maxclients of them.
  int64_t maxclients = ember::server::AdjustOpenFilesLimit(config.maxclients);
  if (maxclients == 0) return 1;
  config.maxclients = maxclients;

  // A random hash seed per process: clients cannot predict bucket collisions.
  std::random_device rd;
  ember::storage::SetHashSeed((static_cast<uint64_t>(rd()) << 32) | rd());

  ember::storage::SystemClock clock;
  ember::server::Server server(config, &clock);
  // The AOF, when enabled, is the more complete record: it wins over the
  // RDB file.
  std::string load_error =
      config.appendonly ? server.aof().LoadAtStartup() : server.snapshots().LoadAtStartup();
  if (!load_error.empty()) {
    Log(LogLevel::kWarning, "{}", load_error);
    return 1;
  }
  asio::io_context io(1);
  ember::server::NetServer net(io, server);
  std::string listen_error = net.Listen();
  if (!listen_error.empty()) {
    Log(LogLevel::kWarning, "{}", listen_error);
    return 1;
  }
  // Like Redis, relative to `dir`, and removed on a clean exit.
  const std::string& pidfile = config.pidfile;
  if (!pidfile.empty()) {
    if (FILE* fp = std::fopen(pidfile.c_str(), "w")) {
      std::fprintf(fp, "%d\n", static_cast<int>(getpid()));
      std::fclose(fp);
    } else {
      Log(LogLevel::kWarning, "Failed to write PID file: {}", std::strerror(errno));
    }
  }
  Log(LogLevel::kNotice, "Running mode=standalone, port={}.", net.port());
  Log(LogLevel::kNotice, "Server initialized");
  net.Start(/*handle_signals=*/true);
  Log(LogLevel::kNotice, "Ready to accept connections tcp");
  io.run();
  if (!pidfile.empty()) {
    Log(LogLevel::kNotice, "Removing the pid file.");
    unlink(pidfile.c_str());
  }
  return net.exit_code();
}
