// Snapshots: SAVE, BGSAVE, save points, and loading at start-up.
//
// SAVE writes the RDB file on the command thread: every client waits. BGSAVE
// is how Redis saves without stopping: it fork()s. The child process gets a
// copy-on-write image of the whole memory, frozen at the moment of the fork,
// and writes it to disk at leisure while the parent goes on serving; only
// the pages the parent modifies meanwhile get copied. When the child exits,
// the parent (in its cron) collects the result: the number of changes since
// the last save drops by what the snapshot covered, and LASTSAVE moves.
//
// While a child runs, the hash tables avoid resizing (a rehash touches every
// page and would defeat copy-on-write), and only one child runs at a time.
//
// Save points ("save 3600 1 300 100 60 10000") start a BGSAVE when at least
// N changes happened in the last M seconds. A failed background save is
// retried after 5 seconds, and (with stop-writes-on-bgsave-error) makes
// write commands fail with MISCONF until a save succeeds, because the user
// would otherwise believe their writes safe on disk.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace ember::server {

class Server;

class SnapshotManager {
 public:
  explicit SnapshotManager(Server& server);

  // The RDB file's path (dbfilename, relative to dir, which is the working
  // directory).
  std::string Path() const;

  // SAVE: writes synchronously. "" or the reason it failed.
  std::string Save();
  // BGSAVE: forks a child to write. "" or an error.
  std::string BackgroundSave();
  bool in_progress() const { return child_pid_ > 0; }
  // BGSAVE SCHEDULE: start one as soon as no other child runs.
  void Schedule() { scheduled_ = true; }

  // From the cron: reaps a finished child, starts a scheduled save or one a
  // save point calls for.
  void Cron();

  // Kills a running child (SHUTDOWN, FLUSHALL) and removes its temp file.
  void KillChild();

  // Loads the RDB file into the (empty) keyspace at start-up. A missing
  // file is fine. Returns "" or the error (file and offset).
  std::string LoadAtStartup();

  // State for INFO persistence and LASTSAVE.
  int64_t last_save_time() const { return last_save_time_; }
  bool last_bgsave_ok() const { return last_bgsave_ok_; }
  int64_t last_bgsave_time_sec() const { return last_bgsave_time_sec_; }
  uint64_t saves() const { return saves_; }
  int64_t current_bgsave_time_sec() const;
  uint64_t changes_since_last_save() const;
  // True when writes must be refused (MISCONF).
  bool WritesDenied() const;

 private:
  void Reap(int status);
  std::string TempPath(pid_t pid) const;

  Server& server_;
  pid_t child_pid_ = -1;
  int64_t child_start_ms_ = 0;
  uint64_t dirty_at_fork_ = 0;
  bool scheduled_ = false;
  int64_t last_save_time_ = 0;   // seconds
  int64_t last_bgsave_try_ = 0;  // seconds
  bool last_bgsave_ok_ = true;
  int64_t last_bgsave_time_sec_ = -1;
  uint64_t saves_ = 0;
};

}  // namespace ember::server
