// Logging in Redis's format, so that log scrapers written for Redis work:
//
//   12345:M 04 Dec 2026 15:58:45.123 * Ready to accept connections tcp
//
// pid, role (M: master), time with milliseconds, a level mark
// ('.' debug, '-' verbose, '*' notice, '#' warning), the message.
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace ember::server {

enum class LogLevel { kDebug = 0, kVerbose = 1, kNotice = 2, kWarning = 3 };

// "debug", "verbose", "notice", "warning" -> level; false if unknown.
bool ParseLogLevel(std::string_view name, LogLevel* level);
std::string_view LogLevelName(LogLevel level);

// Where log lines go: stdout when `path` is empty, else appended to the file.
// Returns false (and keeps the old target) if the file cannot be opened.
bool SetLogFile(const std::string& path);
void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();

void LogRaw(LogLevel level, std::string_view message);

template <typename... Args>
void Log(LogLevel level, fmt::format_string<Args...> format, Args&&... args) {
  if (level < GetLogLevel()) return;
  LogRaw(level, fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace ember::server
