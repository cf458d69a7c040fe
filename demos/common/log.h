// Structured log lines for the demo services, one per event, in logfmt:
//   ts=2024-05-01T12:00:00.123Z level=info msg="cache miss" key=item:42 ms=3.1
// Lines are written whole under a lock, so threads never interleave them.
// Output goes to stderr unless SetLogSink says otherwise (tests capture it).
#pragma once

#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace ember::demos {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

void SetLogLevel(LogLevel level);
bool LogEnabled(LogLevel level);
// Replaces the destination of whole lines (each without its newline).
void SetLogSink(std::function<void(const std::string&)> sink);

using LogField = std::pair<std::string_view, std::string>;
void Log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields = {});

inline void LogInfo(std::string_view msg, std::initializer_list<LogField> fields = {}) {
  Log(LogLevel::kInfo, msg, fields);
}
inline void LogWarn(std::string_view msg, std::initializer_list<LogField> fields = {}) {
  Log(LogLevel::kWarn, msg, fields);
}
inline void LogError(std::string_view msg, std::initializer_list<LogField> fields = {}) {
  Log(LogLevel::kError, msg, fields);
}

}  // namespace ember::demos
