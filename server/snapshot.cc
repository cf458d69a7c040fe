#include "server/snapshot.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "persistence/rdb.h"
#include "server/log.h"
#include "server/server.h"

namespace ember::server {

namespace {

// Retry a failed background save no sooner than this (Redis's
// CONFIG_BGSAVE_RETRY_DELAY).
constexpr int64_t kRetryDelaySec = 5;

int64_t MonotonicMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

persistence::RdbWriteOptions WriteOptions(Server& server) {
  persistence::RdbWriteOptions options;
  options.compress = server.config().rdbcompression;
  options.checksum = server.config().rdbchecksum;
  options.now_ms = server.clock().NowMs();
  return options;
}

}  // namespace

SnapshotManager::SnapshotManager(Server& server) : server_(server) {
  last_save_time_ = server.clock().NowMs() / 1000;
}

std::string SnapshotManager::Path() const { return server_.config().dbfilename; }

std::string SnapshotManager::TempPath(pid_t pid) const {
  return "temp-" + std::to_string(pid) + ".rdb";
}

std::string SnapshotManager::Save() {
  if (in_progress()) return "Background save already in progress";
  std::string error;
  if (!persistence::SaveRdbFile(server_.keyspace(), WriteOptions(server_), Path(), &error)) {
    Log(LogLevel::kWarning, "Failed saving the DB: {}", error);
    return error;
  }
  Log(LogLevel::kNotice, "DB saved on disk");
  saves_++;
  server_.stats().dirty = 0;
  last_save_time_ = server_.clock().NowMs() / 1000;
  last_bgsave_ok_ = true;
  return "";
}

std::string SnapshotManager::BackgroundSave() {
  if (in_progress()) return "Background save already in progress";
  last_bgsave_try_ = server_.clock().NowMs() / 1000;
  dirty_at_fork_ = server_.stats().dirty;
  persistence::RdbWriteOptions options = WriteOptions(server_);
  std::string path = Path();
  auto fork_start = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid > 0) {
    server_.stats().RecordFork(std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::steady_clock::now() - fork_start)
                                   .count());
  }
  if (pid < 0) {
    last_bgsave_ok_ = false;
    std::string why = std::strerror(errno);
    Log(LogLevel::kWarning, "Can't save in background: fork: {}", why);
    return "Can't save in background: fork: " + why;
  }
  if (pid == 0) {
    // The child: a frozen copy of the keyspace. Write it and leave without
    // running any destructor or exit handler of the parent's state.
    std::string error;
    bool ok = persistence::SaveRdbFile(server_.keyspace(), options, path, &error);
    if (!ok) Log(LogLevel::kWarning, "Write error saving DB on disk: {}", error);
    _exit(ok ? 0 : 1);
  }
  child_pid_ = pid;
  child_start_ms_ = MonotonicMs();
  for (int i = 0; i < server_.keyspace().num_databases(); ++i) {
    server_.keyspace().db(i).set_resize_allowed(false);
  }
  Log(LogLevel::kNotice, "Background saving started by pid {}", pid);
  return "";
}

void SnapshotManager::Reap(int status) {
  for (int i = 0; i < server_.keyspace().num_databases(); ++i) {
    server_.keyspace().db(i).set_resize_allowed(true);
  }
  last_bgsave_time_sec_ = (MonotonicMs() - child_start_ms_) / 1000;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    Log(LogLevel::kNotice, "Background saving terminated with success");
    saves_++;
    uint64_t& dirty = server_.stats().dirty;
    dirty = dirty > dirty_at_fork_ ? dirty - dirty_at_fork_ : 0;
    last_save_time_ = server_.clock().NowMs() / 1000;
    last_bgsave_ok_ = true;
  } else if (WIFSIGNALED(status)) {
    Log(LogLevel::kWarning, "Background saving terminated by signal {}", WTERMSIG(status));
    // A child killed on purpose (SIGUSR1) is not a failure to report.
    if (WTERMSIG(status) != SIGUSR1) last_bgsave_ok_ = false;
    unlink(TempPath(child_pid_).c_str());
  } else {
    Log(LogLevel::kWarning, "Background saving error");
    last_bgsave_ok_ = false;
  }
  child_pid_ = -1;
}

void SnapshotManager::Cron() {
  if (in_progress()) {
    int status;
    pid_t done = waitpid(child_pid_, &status, WNOHANG);
    if (done == child_pid_) Reap(status);
    if (in_progress()) return;
  }
  if (server_.aof().rewrite_in_progress()) return;  // one child at a time
  if (scheduled_) {
    scheduled_ = false;
    BackgroundSave();
    return;
  }
  const Config& config = server_.config();
  int64_t now = server_.clock().NowMs() / 1000;
  for (const SavePoint& point : config.save) {
    if (server_.stats().dirty >= static_cast<uint64_t>(point.changes) &&
        now - last_save_time_ > point.seconds &&
        (now - last_bgsave_try_ > kRetryDelaySec || last_bgsave_ok_)) {
      Log(LogLevel::kNotice, "{} changes in {} seconds. Saving...", point.changes, point.seconds);
      BackgroundSave();
      return;
    }
  }
}

void SnapshotManager::KillChild() {
  if (!in_progress()) return;
  kill(child_pid_, SIGUSR1);
  int status;
  waitpid(child_pid_, &status, 0);
  Reap(status);
}

int64_t SnapshotManager::current_bgsave_time_sec() const {
  return in_progress() ? (MonotonicMs() - child_start_ms_) / 1000 : -1;
}

uint64_t SnapshotManager::changes_since_last_save() const { return server_.stats().dirty; }

bool SnapshotManager::WritesDenied() const {
  const Config& config = server_.config();
  return config.stop_writes_on_bgsave_error && !config.save.empty() && !last_bgsave_ok_;
}

std::string SnapshotManager::LoadAtStartup() {
  persistence::RdbLoadResult result;
  bool exists = false;
  std::string error;
  auto start = MonotonicMs();
  if (!persistence::LoadRdbFile(Path(), &server_.keyspace(), {}, &result, &exists, &error)) {
    return "Short read or OOM loading DB. Unrecoverable error, aborting now. (" + Path() + ": " +
           error + ")";
  }
  if (exists) {
    Log(LogLevel::kNotice, "DB loaded from disk: {:.3f} seconds",
        static_cast<double>(MonotonicMs() - start) / 1000);
    if (result.keys_expired > 0) {
      Log(LogLevel::kNotice, "Done loading RDB, keys loaded: {}, keys expired: {}.",
          result.keys_loaded, result.keys_expired);
    }
  }
  return "";
}

}  // namespace ember::server
