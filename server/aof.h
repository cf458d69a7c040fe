// The server's side of the append-only file: what gets logged, when it
// reaches the disk, rewriting, and replaying at start-up (the format is in
// persistence/aof.h).
//
// What is logged. After each command that changed the dataset, the
// dispatcher hands its arguments here, or the replacement its handler asked
// for: relative expiries become absolute (SET ... EX 10 -> SET ... PXAT t,
// EXPIRE -> PEXPIREAT), non-deterministic commands become what they did
// (SPOP -> SREM, INCRBYFLOAT -> SET ... KEEPTTL, a served BLPOP -> LPOP),
// a transaction is wrapped in MULTI/EXEC, and a key deleted by expiry
// becomes DEL. A SELECT precedes any command for another database than the
// previous one.
//
// When it reaches the disk (appendfsync):
//  - always: the log is written and fsynced before any reply that depends
//    on it is sent, so an acknowledged write survives a crash;
//  - everysec: written before replies, fsynced by a background thread once
//    a second, so a crash loses at most about the last second or two;
//  - no: written before replies, fsynced when the kernel decides.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "persistence/aof.h"
#include "persistence/file_sink.h"
#include "server/command.h"

namespace ember::server {

class Server;

class AofManager {
 public:
  explicit AofManager(Server& server);
  ~AofManager();

  bool enabled() const { return enabled_; }

  // Replays the AOF at start-up (appendonly yes). With no AOF yet, creates an
  // empty base and incr file, as Redis does. "" or the error (file, offset).
  std::string LoadAtStartup();

  // Logs a command that ran in database `db`.
  void Feed(int db, ArgList argv);
  // Writes what was logged to the incr file (and fsyncs with `always`).
  // Called before replies are sent.
  void Flush();

  // CONFIG SET appendonly yes/no.
  std::string Enable();
  void Disable();

  // BGREWRITEAOF. "" or an error.
  std::string BackgroundRewrite();
  bool rewrite_in_progress() const { return child_pid_ > 0; }
  void ScheduleRewrite() { rewrite_scheduled_ = true; }
  bool rewrite_scheduled() const { return rewrite_scheduled_; }

  // From the cron: fsync once a second (everysec), reap a rewrite child,
  // start a scheduled or automatic rewrite.
  void Cron();
  // Before exit: everything written and fsynced.
  void Shutdown();
  void KillChild();

  // Writes are refused (MISCONF) while the last write to the log failed.
  bool WritesDenied() const { return !last_write_ok_; }
  const std::string& last_write_error() const { return last_write_error_; }

  // For INFO persistence.
  uint64_t current_size() const { return base_size_ + incr_size_; }
  uint64_t base_size() const { return base_size_; }
  size_t buffer_length() const { return buffer_.size(); }
  bool last_rewrite_ok() const { return last_rewrite_ok_; }
  int64_t last_rewrite_time_sec() const { return last_rewrite_time_sec_; }
  int64_t current_rewrite_time_sec() const;
  uint64_t rewrites() const { return rewrites_; }
  bool fsync_pending() const { return fsync_pending_.load(); }

 private:
  std::string Dir() const;
  std::string Prefix() const;
  bool WriteBuffer();
  // Opens incr file `seq` for appending and makes it the current one.
  bool OpenIncr(int64_t seq, std::string* error);
  // Writes a base (RDB preamble or RESP) of the current dataset to `path`.
  bool WriteBase(const std::string& path, std::string* error);
  void ReapChild(int status);
  void FsyncThreadMain();
  void DeleteHistory();

  Server& server_;
  bool enabled_ = false;
  persistence::AofManifest manifest_;
  persistence::FileSink incr_;
  std::string buffer_;
  int selected_db_ = -1;
  bool last_write_ok_ = true;
  std::string last_write_error_;
  uint64_t base_size_ = 0;
  uint64_t incr_size_ = 0;
  uint64_t size_at_last_rewrite_ = 0;

  // Rewrite child.
  pid_t child_pid_ = -1;
  int64_t child_start_ms_ = 0;
  std::string child_temp_;
  int64_t child_base_seq_ = 0;
  bool rewrite_scheduled_ = false;
  bool last_rewrite_ok_ = true;
  int64_t last_rewrite_time_sec_ = -1;
  uint64_t rewrites_ = 0;

  // everysec: a thread that fsyncs the incr file when asked.
  std::thread fsync_thread_;
  std::mutex fsync_mutex_;
  std::condition_variable fsync_cv_;
  int fsync_fd_ = -1;
  bool fsync_requested_ = false;
  bool fsync_stop_ = false;
  std::atomic<bool> fsync_pending_{false};
  int64_t last_fsync_ms_ = 0;
};

}  // namespace ember::server
