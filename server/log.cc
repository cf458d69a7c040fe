#include "server/log.h"

#include <sys/time.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>

namespace ember::server {

namespace {

LogLevel g_level = LogLevel::kNotice;
FILE* g_file = nullptr;  // nullptr: stdout

}  // namespace

bool ParseLogLevel(std::string_view name, LogLevel* level) {
  static constexpr std::string_view kNames[] = {"debug", "verbose", "notice", "warning"};
  for (int i = 0; i < 4; ++i) {
    if (name == kNames[i]) {
      *level = static_cast<LogLevel>(i);
      return true;
    }
  }
  return false;
}

std::string_view LogLevelName(LogLevel level) {
  static constexpr std::string_view kNames[] = {"debug", "verbose", "notice", "warning"};
  return kNames[static_cast<int>(level)];
}

bool SetLogFile(const std::string& path) {
  if (path.empty()) {
    if (g_file != nullptr) std::fclose(g_file);
    g_file = nullptr;
    return true;
  }
  FILE* f = std::fopen(path.c_str(), "a");
  if (f == nullptr) return false;
  if (g_file != nullptr) std::fclose(g_file);
  g_file = f;
  return true;
}

void SetLogLevel(LogLevel level) { g_level = level; }
LogLevel GetLogLevel() { return g_level; }

void LogRaw(LogLevel level, std::string_view message) {
  if (level < g_level) return;
  static constexpr char kMarks[] = {'.', '-', '*', '#'};
  timeval tv;
  gettimeofday(&tv, nullptr);
  tm local;
  localtime_r(&tv.tv_sec, &local);
  char when[64];
  size_t n = std::strftime(when, sizeof(when), "%d %b %Y %H:%M:%S", &local);
  FILE* out = g_file != nullptr ? g_file : stdout;
  std::fprintf(out, "%d:M %.*s.%03d %c %.*s\n", static_cast<int>(getpid()), static_cast<int>(n),
               when, static_cast<int>(tv.tv_usec / 1000), kMarks[static_cast<int>(level)],
               static_cast<int>(message.size()), message.data());
  std::fflush(out);
}

}  // namespace ember::server
