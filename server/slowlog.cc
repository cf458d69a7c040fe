#include "server/slowlog.h"

#include <fmt/format.h>

#include <algorithm>

namespace ember::server {

void SlowLog::Push(ArgList argv, const std::vector<size_t>& redacted, int64_t time_s,
                   int64_t duration_us, const std::string& client_addr,
                   const std::string& client_name, size_t max_len) {
  SlowLogEntry e;
  e.id = next_id_++;
  e.time_s = time_s;
  e.duration_us = duration_us;
  size_t argc = std::min(argv.size(), kMaxArgs);
  e.argv.reserve(argc);
  for (size_t j = 0; j < argc; ++j) {
    if (argc != argv.size() && j == argc - 1) {
      e.argv.push_back(fmt::format("... ({} more arguments)", argv.size() - argc + 1));
    } else if (std::find(redacted.begin(), redacted.end(), j) != redacted.end()) {
      e.argv.emplace_back("(redacted)");
    } else if (argv[j].size() > kMaxArgBytes) {
      e.argv.push_back(fmt::format("{}... ({} more bytes)", argv[j].substr(0, kMaxArgBytes),
                                   argv[j].size() - kMaxArgBytes));
    } else {
      e.argv.emplace_back(argv[j]);
    }
  }
  e.client_addr = client_addr;
  e.client_name = client_name;
  entries_.push_front(std::move(e));
  while (entries_.size() > max_len) entries_.pop_back();
}

}  // namespace ember::server
