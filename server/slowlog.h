// The slow log: the most recent commands that took longer than
// `slowlog-log-slower-than` microseconds to run (Redis's slowlog.c).
//
// Only execution time counts (not the network, not the time a blocked
// client waited), so an entry means the server itself was busy. Entries
// are kept newest first, at most `slowlog-max-len` of them; each carries a
// unique increasing id, so a monitoring tool polling SLOWLOG GET can tell
// new entries from those it has already seen. Arguments are cut to keep a
// huge MSET from filling memory: at most 32 arguments (the last one then
// says how many more there were) and 128 bytes of each (with a note of how
// many bytes more).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "server/command.h"

namespace ember::server {

struct SlowLogEntry {
  uint64_t id = 0;
  int64_t time_s = 0;  // when it ran (Unix seconds)
  int64_t duration_us = 0;
  std::vector<std::string> argv;  // cut as described above
  std::string client_addr;
  std::string client_name;
};

class SlowLog {
 public:
  static constexpr size_t kMaxArgs = 32;
  static constexpr size_t kMaxArgBytes = 128;

  // Adds an entry for `argv` (with arguments whose
  // index is in `redacted` shown as "(redacted)"), then drops the oldest entries beyond
  // `max_len`.
  void Push(ArgList argv, const std::vector<size_t>& redacted, int64_t time_s, int64_t duration_us,
            const std::string& client_addr, const std::string& client_name, size_t max_len);
  // Newest first.
  const std::deque<SlowLogEntry>& entries() const { return entries_; }
  void Reset() { entries_.clear(); }

 private:
  std::deque<SlowLogEntry> entries_;
  uint64_t next_id_ = 0;
};

}  // namespace ember::server
