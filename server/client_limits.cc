#include "server/client_limits.h"

#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "server/log.h"

namespace ember::server {

bool ProtectedModeDenies(const Config& config, std::string_view peer_ip) {
  if (!config.protected_mode || !config.requirepass.empty()) return false;
  return peer_ip != "127.0.0.1" && peer_ip != "::1";
}

ClientClass ClassOf(const Client& client) {
  return client.has_flag(Client::kPubSub) ? ClientClass::kPubSub : ClientClass::kNormal;
}

bool OutputLimitTracker::Reached(const OutputBufferLimit& limit, size_t pending, int64_t now_ms) {
  auto bytes = static_cast<int64_t>(pending);
  if (limit.hard_bytes > 0 && bytes >= limit.hard_bytes) return true;
  if (limit.soft_bytes == 0 || bytes < limit.soft_bytes) {
    soft_since_ms_ = -1;
    return false;
  }
  if (soft_since_ms_ < 0) {
    soft_since_ms_ = now_ms;
    return false;
  }
  return now_ms - soft_since_ms_ > limit.soft_seconds * 1000;
}

int64_t AdjustOpenFilesLimit(int64_t maxclients) {
  const auto wanted = static_cast<rlim_t>(maxclients + kReservedFds);
  rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    Log(LogLevel::kWarning,
        "Unable to obtain the current NOFILE limit ({}), assuming 1024 and setting the max "
        "clients configuration accordingly.",
        std::strerror(errno));
    return std::min<int64_t>(maxclients, 1024 - kReservedFds);
  }
  const rlim_t old_limit = limit.rlim_cur;
  if (old_limit >= wanted) return maxclients;

  // Within the hard limit any process may raise its soft limit; past it
  // only a privileged one may raise both.
  rlimit want = limit;
  want.rlim_cur = wanted;
  if (want.rlim_max < wanted) want.rlim_max = wanted;
  int error = 0;
  if (setrlimit(RLIMIT_NOFILE, &want) == 0) {
    Log(LogLevel::kNotice,
        "Increased maximum number of open files to {} (it was originally set to {}).",
        static_cast<uint64_t>(wanted), static_cast<uint64_t>(old_limit));
    return maxclients;
  }
  error = errno;
  // Refused: take as much as the hard limit allows.
  rlim_t best = old_limit;
  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max > old_limit) {
    rlimit most = limit;
    most.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &most) == 0) best = limit.rlim_max;
  }
  if (best <= static_cast<rlim_t>(kReservedFds)) {
    Log(LogLevel::kWarning,
        "Your current 'ulimit -n' of {} is not enough for the server to start. Please increase "
        "your open file limit to at least {}. Exiting.",
        static_cast<uint64_t>(old_limit), static_cast<uint64_t>(wanted));
    return 0;
  }
  int64_t reduced = static_cast<int64_t>(best) - kReservedFds;
  Log(LogLevel::kWarning,
      "You requested maxclients of {} requiring at least {} max file descriptors.", maxclients,
      static_cast<uint64_t>(wanted));
  Log(LogLevel::kWarning, "Server can't set maximum open files to {} because of OS error: {}.",
      static_cast<uint64_t>(wanted), std::strerror(error));
  Log(LogLevel::kWarning,
      "Current maximum open files is {}. maxclients has been reduced to {} to compensate for "
      "low ulimit. If you need higher maxclients increase 'ulimit -n'.",
      static_cast<uint64_t>(best), reduced);
  return reduced;
}

}  // namespace ember::server
