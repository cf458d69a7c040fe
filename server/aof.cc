#include "server/aof.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "persistence/aof_rewrite.h"
#include "persistence/rdb.h"
#include "protocol/reply_writer.h"
#include "server/log.h"
#include "server/server.h"

namespace ember::server {

namespace {

int64_t MonotonicMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void AppendCommand(std::string* out, ArgList argv) {
  out->push_back('*');
  out->append(std::to_string(argv.size()));
  out->append("\r\n");
  for (std::string_view a : argv) {
    out->push_back('$');
    out->append(std::to_string(a.size()));
    out->append("\r\n");
    out->append(a);
    out->append("\r\n");
  }
}

uint64_t FileSize(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

bool FileExists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

}  // namespace

AofManager::AofManager(Server& server) : server_(server) {}

AofManager::~AofManager() {
  {
    std::lock_guard<std::mutex> lock(fsync_mutex_);
    fsync_stop_ = true;
  }
  fsync_cv_.notify_all();
  if (fsync_thread_.joinable()) fsync_thread_.join();
}

std::string AofManager::Dir() const { return server_.config().appenddirname; }
std::string AofManager::Prefix() const { return server_.config().appendfilename; }

bool AofManager::OpenIncr(int64_t seq, std::string* error) {
  std::string path = Dir() + "/" + persistence::AofIncrName(Prefix(), seq);
  if (incr_.fd() >= 0) incr_.Close();
  if (!incr_.Open(path, /*append=*/true)) {
    *error = "Can't open the append-only file " + path + ": " + incr_.error();
    return false;
  }
  incr_size_ = FileSize(path);
  selected_db_ = -1;  // a new file starts with a SELECT
  return true;
}

bool AofManager::WriteBase(const std::string& path, std::string* error) {
  persistence::FileSink file;
  if (!file.Open(path)) {
    *error = file.error();
    return false;
  }
  bool ok;
  if (server_.config().aof_use_rdb_preamble) {
    persistence::RdbWriteOptions options;
    options.compress = server_.config().rdbcompression;
    options.aof_preamble = true;
    options.now_ms = server_.clock().NowMs();
    ok = persistence::WriteRdb(server_.keyspace(), options, &file, error);
  } else {
    ok = persistence::WriteAofRewrite(server_.keyspace(), &file, error);
  }
  if (!ok || !file.Sync() || !file.Close()) {
    if (error->empty()) *error = file.error();
    unlink(path.c_str());
    return false;
  }
  return true;
}

std::string AofManager::LoadAtStartup() {
  const std::string dir = Dir();
  const std::string manifest_path = dir + "/" + persistence::AofManifestName(Prefix());
  std::string error;
  bool exists = false;
  std::string text;
  if (!persistence::ReadWholeFile(manifest_path, &text, &exists, &error)) return error;
  mkdir(dir.c_str(), 0755);

  if (!exists && FileExists(Prefix())) {
    // A Redis 6 style single file: it becomes the base of a new manifest.
    Log(LogLevel::kNotice, "Upgrading the old-style AOF {} into {}", Prefix(), dir);
    if (rename(Prefix().c_str(), (dir + "/" + Prefix()).c_str()) != 0) {
      return "Can't move " + Prefix() + " into " + dir + ": " + std::strerror(errno);
    }
    manifest_ = persistence::AofManifest();
    manifest_.has_base = true;
    manifest_.base = {Prefix(), 1, 'b'};
    exists = true;
  } else if (exists) {
    if (!persistence::AofManifest::Parse(text, &manifest_, &error)) return error;
  }

  if (!exists) {
    // No AOF yet: start one from the (empty) dataset, as Redis does.
    manifest_ = persistence::AofManifest();
    manifest_.has_base = true;
    manifest_.base = {persistence::AofBaseName(Prefix(), 1, server_.config().aof_use_rdb_preamble),
                      1, 'b'};
    if (!WriteBase(dir + "/" + manifest_.base.name, &error)) return error;
    Log(LogLevel::kNotice, "Creating AOF base file {} on server start", manifest_.base.name);
  }

  // Replay: the base, then every incr file in order.
  storage::Keyspace& keyspace = server_.keyspace();
  keyspace.set_expiry_paused(true);
  Client fake(0, nullptr);
  auto run = [&](persistence::AofCommand args) {
    fake.output().clear();
    server_.Execute(fake, args);
  };
  auto replay = [&](const persistence::AofFileInfo& f, bool last) -> std::string {
    std::string path = dir + "/" + f.name;
    std::string bytes;
    bool present;
    std::string err;
    if (!persistence::ReadWholeFile(path, &bytes, &present, &err)) return err;
    if (!present) return "The AOF file " + path + " doesn't exist";
    std::string_view data = bytes;
    if (data.size() >= 5 && data.substr(0, 5) == "REDIS") {
      // An RDB preamble; RESP commands may follow it.
      persistence::RdbLoadOptions options;
      options.skip_expired = false;
      persistence::RdbLoadResult result;
      if (!persistence::ReadRdb(reinterpret_cast<const uint8_t*>(data.data()), data.size(),
                                &keyspace, options, &result, &err)) {
        return "Error reading the RDB preamble of the AOF file " + path + ": " + err;
      }
      data.remove_prefix(result.bytes);
    }
    persistence::AofReadResult r = persistence::ReadAofCommands(data, run);
    if (r.status == persistence::AofReadStatus::kCorrupt) return path + ": " + r.error;
    if (r.status == persistence::AofReadStatus::kTruncated) {
      size_t keep = bytes.size() - data.size() + r.valid_bytes;
      if (!last || !server_.config().aof_load_truncated) {
        return "Unexpected end of file reading the append only file " + path + " at offset " +
               std::to_string(keep) + ". You can: 1) Make a backup of your AOF file, then use " +
               "./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the " +
               "'aof-load-truncated' configuration option to yes and restart the server.";
      }
      Log(LogLevel::kWarning,
          "!!! Warning: short read while loading the AOF file {}!!! AOF loaded anyway because "
          "aof-load-truncated is enabled; the last {} bytes were cut.",
          path, bytes.size() - keep);
      if (truncate(path.c_str(), static_cast<off_t>(keep)) != 0) {
        return "Error truncating the AOF file " + path + ": " + std::strerror(errno);
      }
    }
    return "";
  };
  auto start = MonotonicMs();
  if (manifest_.has_base) {
    error = replay(manifest_.base, manifest_.incrs.empty());
    if (!error.empty()) return error;
    base_size_ = FileSize(dir + "/" + manifest_.base.name);
  }
  for (size_t i = 0; i < manifest_.incrs.size(); ++i) {
    error = replay(manifest_.incrs[i], i + 1 == manifest_.incrs.size());
    if (!error.empty()) return error;
  }
  keyspace.set_expiry_paused(false);
  server_.stats().dirty = 0;
  Log(LogLevel::kNotice, "DB loaded from append only file: {:.3f} seconds",
      static_cast<double>(MonotonicMs() - start) / 1000);

  // New writes go to the last incr file (a new one if there is none).
  if (manifest_.incrs.empty()) {
    manifest_.incrs.push_back({persistence::AofIncrName(Prefix(), 1), 1, 'i'});
    Log(LogLevel::kNotice, "Creating AOF incr file {} on server start",
        manifest_.incrs.back().name);
  }
  if (!OpenIncr(manifest_.incrs.back().seq, &error)) return error;
  if (!persistence::WriteManifest(dir, persistence::AofManifestName(Prefix()), manifest_, &error)) {
    return error;
  }
  size_at_last_rewrite_ = current_size();
  enabled_ = true;
  return "";
}

void AofManager::Feed(int db, ArgList argv) {
  if (!enabled_) return;
  if (db != selected_db_) {
    std::string index = std::to_string(db);
    std::string_view select[] = {"SELECT", index};
    AppendCommand(&buffer_, select);
    selected_db_ = db;
  }
  AppendCommand(&buffer_, argv);
}

bool AofManager::WriteBuffer() {
  if (buffer_.empty()) return true;
  if (!incr_.Write(buffer_.data(), buffer_.size()) || !incr_.Flush()) {
    if (last_write_ok_) {
      Log(LogLevel::kWarning, "Error writing to the AOF file: {}", incr_.error());
    }
    last_write_error_ = incr_.error();
    last_write_ok_ = false;
    // The data stays in the buffer and is retried from the cron. A short
    // write (the disk filled up mid-way) left part of a command in the
    // file: cut it off, as Redis does, or the retry would write that part
    // twice and leave a corrupt command in the middle of the log.
    if (ftruncate(incr_.fd(), static_cast<off_t>(incr_size_)) != 0) {
      // Then keep what did reach the file, and retry only the rest.
      Log(LogLevel::kWarning, "Could not remove short write from the append-only file: {}",
          std::strerror(errno));
      struct stat st;
      if (fstat(incr_.fd(), &st) == 0 && static_cast<uint64_t>(st.st_size) > incr_size_) {
        uint64_t landed = static_cast<uint64_t>(st.st_size) - incr_size_;
        buffer_.erase(0, static_cast<size_t>(std::min<uint64_t>(landed, buffer_.size())));
        incr_size_ = static_cast<uint64_t>(st.st_size);
      }
    }
    return false;
  }
  incr_size_ += buffer_.size();
  buffer_.clear();
  if (!last_write_ok_)
    Log(LogLevel::kWarning, "AOF write error looks solved, Ember can write again.");
  last_write_ok_ = true;
  return true;
}

void AofManager::Flush() {
  if (!enabled_ || buffer_.empty()) return;
  if (!WriteBuffer()) {
    if (server_.config().appendfsync == "always") {
      Log(LogLevel::kWarning,
          "Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
      _exit(1);
    }
    return;
  }
  const std::string& policy = server_.config().appendfsync;
  if (policy == "always") {
    if (!incr_.Sync()) {
      Log(LogLevel::kWarning,
          "Can't persist AOF for fsync error when the AOF fsync policy is "
          "'always': {}. Exiting...",
          incr_.error());
      _exit(1);
    }
  } else if (policy == "everysec" && MonotonicMs() - last_fsync_ms_ >= 1000 &&
             !fsync_pending_.load()) {
    // fsync can take long on a busy disk: a thread does it, on its own copy
    // of the descriptor, so the event loop never waits for the disk.
    if (!fsync_thread_.joinable()) fsync_thread_ = std::thread([this] { FsyncThreadMain(); });
    int fd = dup(incr_.fd());
    if (fd >= 0) {
      std::lock_guard<std::mutex> lock(fsync_mutex_);
      fsync_fd_ = fd;
      fsync_requested_ = true;
      fsync_pending_ = true;
      fsync_cv_.notify_one();
    }
    last_fsync_ms_ = MonotonicMs();
  }
}

void AofManager::FsyncThreadMain() {
  std::unique_lock<std::mutex> lock(fsync_mutex_);
  for (;;) {
    fsync_cv_.wait(lock, [this] { return fsync_requested_ || fsync_stop_; });
    if (fsync_requested_) {
      int fd = fsync_fd_;
      fsync_requested_ = false;
      lock.unlock();
      fdatasync(fd);
      close(fd);
      fsync_pending_ = false;
      lock.lock();
    }
    if (fsync_stop_) return;
  }
}

std::string AofManager::Enable() {
  if (enabled_) return "";
  const std::string dir = Dir();
  mkdir(dir.c_str(), 0755);
  std::string text, error;
  bool exists = false;
  std::string manifest_path = dir + "/" + persistence::AofManifestName(Prefix());
  if (!persistence::ReadWholeFile(manifest_path, &text, &exists, &error)) return error;
  if (!exists || !persistence::AofManifest::Parse(text, &manifest_, &error)) {
    manifest_ = persistence::AofManifest();
  }
  enabled_ = true;
  // The new base comes from a rewrite; until it lands, writes are logged to
  // the incr file the rewrite opens.
  error = BackgroundRewrite();
  if (!error.empty()) {
    enabled_ = false;
    return error;
  }
  return "";
}

void AofManager::Disable() {
  if (!enabled_) return;
  Flush();
  incr_.Sync();
  incr_.Close();
  KillChild();
  enabled_ = false;
}

std::string AofManager::BackgroundRewrite() {
  if (child_pid_ > 0) return "Background append only file rewriting already in progress";
  if (server_.snapshots().in_progress()) {
    rewrite_scheduled_ = true;
    return "";
  }
  const std::string dir = Dir();
  std::string error;
  // 1. Everything logged so far goes to the current incr file.
  if (enabled_) {
    WriteBuffer();
    incr_.Sync();
  }
  // 2. A new incr file receives the writes from now on, and the manifest
  //    lists it at once: a crash during the rewrite loses nothing.
  int64_t next_seq = manifest_.max_incr_seq() + 1;
  if (enabled_) {
    if (!OpenIncr(next_seq, &error)) return error;
    manifest_.incrs.push_back({persistence::AofIncrName(Prefix(), next_seq), next_seq, 'i'});
    if (!persistence::WriteManifest(dir, persistence::AofManifestName(Prefix()), manifest_,
                                    &error)) {
      return error;
    }
  }
  // 3. A child writes the new base from its frozen copy of the dataset.
  child_base_seq_ = (manifest_.has_base ? manifest_.base.seq : 0) + 1;
  auto fork_start = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid > 0) {
    server_.stats().RecordFork(std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::steady_clock::now() - fork_start)
                                   .count());
  }
  if (pid < 0)
    return std::string("Can't rewrite append only file in background: fork: ") +
           std::strerror(errno);
  if (pid == 0) {
    std::string temp = dir + "/temp-rewriteaof-bg-" + std::to_string(getpid()) + ".aof";
    std::string err;
    bool ok = WriteBase(temp, &err);
    if (!ok) Log(LogLevel::kWarning, "Error writing the AOF rewrite: {}", err);
    _exit(ok ? 0 : 1);
  }
  child_pid_ = pid;
  child_temp_ = dir + "/temp-rewriteaof-bg-" + std::to_string(pid) + ".aof";
  child_start_ms_ = MonotonicMs();
  for (int i = 0; i < server_.keyspace().num_databases(); ++i) {
    server_.keyspace().db(i).set_resize_allowed(false);
  }
  Log(LogLevel::kNotice, "Background append only file rewriting started by pid {}", pid);
  return "";
}

void AofManager::ReapChild(int status) {
  for (int i = 0; i < server_.keyspace().num_databases(); ++i) {
    server_.keyspace().db(i).set_resize_allowed(true);
  }
  last_rewrite_time_sec_ = (MonotonicMs() - child_start_ms_) / 1000;
  pid_t pid = child_pid_;
  child_pid_ = -1;
  bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (!ok) {
    unlink(child_temp_.c_str());
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGUSR1) return;  // killed on purpose
    Log(LogLevel::kWarning, "Background AOF rewrite terminated with error");
    last_rewrite_ok_ = false;
    return;
  }
  // 4. The new base replaces every older part; the newest incr stays.
  const std::string dir = Dir();
  persistence::AofManifest next;
  next.has_base = true;
  next.base = {
      persistence::AofBaseName(Prefix(), child_base_seq_, server_.config().aof_use_rdb_preamble),
      child_base_seq_, 'b'};
  std::string base_path = dir + "/" + next.base.name;
  std::string error;
  if (rename(child_temp_.c_str(), base_path.c_str()) != 0) {
    Log(LogLevel::kWarning, "Error renaming the rewritten AOF base: {}", std::strerror(errno));
    unlink(child_temp_.c_str());
    last_rewrite_ok_ = false;
    return;
  }
  if (enabled_ && !manifest_.incrs.empty()) next.incrs.push_back(manifest_.incrs.back());
  std::vector<std::string> obsolete;
  if (manifest_.has_base && manifest_.base.name != next.base.name) {
    obsolete.push_back(manifest_.base.name);
  }
  for (size_t i = 0; i + 1 < manifest_.incrs.size(); ++i)
    obsolete.push_back(manifest_.incrs[i].name);
  if (!persistence::WriteManifest(dir, persistence::AofManifestName(Prefix()), next, &error)) {
    Log(LogLevel::kWarning, "Error writing the AOF manifest after a rewrite: {}", error);
    last_rewrite_ok_ = false;
    return;
  }
  manifest_ = next;
  for (const std::string& name : obsolete) unlink((dir + "/" + name).c_str());
  base_size_ = FileSize(base_path);
  size_at_last_rewrite_ = current_size();
  last_rewrite_ok_ = true;
  rewrites_++;
  (void)pid;
  Log(LogLevel::kNotice, "Background AOF rewrite finished successfully");
}

void AofManager::Cron() {
  if (child_pid_ > 0) {
    int status;
    if (waitpid(child_pid_, &status, WNOHANG) == child_pid_) ReapChild(status);
  }
  if (!enabled_) return;
  if (!buffer_.empty()) Flush();  // retry after a write error
  if (server_.config().appendfsync == "everysec" && MonotonicMs() - last_fsync_ms_ >= 1000 &&
      incr_size_ > 0) {
    Flush();
  }
  if (child_pid_ > 0 || server_.snapshots().in_progress()) return;
  if (rewrite_scheduled_) {
    rewrite_scheduled_ = false;
    BackgroundRewrite();
    return;
  }
  const Config& config = server_.config();
  uint64_t size = current_size();
  if (config.auto_aof_rewrite_percentage > 0 &&
      size > static_cast<uint64_t>(config.auto_aof_rewrite_min_size)) {
    uint64_t base = size_at_last_rewrite_ ? size_at_last_rewrite_ : 1;
    uint64_t growth = (size - std::min(size, base)) * 100 / base;
    if (growth >= static_cast<uint64_t>(config.auto_aof_rewrite_percentage)) {
      Log(LogLevel::kNotice, "Starting automatic rewriting of AOF on {}% growth", growth);
      BackgroundRewrite();
    }
  }
}

void AofManager::KillChild() {
  if (child_pid_ <= 0) return;
  kill(child_pid_, SIGUSR1);
  int status;
  waitpid(child_pid_, &status, 0);
  ReapChild(status);
}

void AofManager::Shutdown() {
  KillChild();
  if (!enabled_) return;
  WriteBuffer();
  incr_.Sync();
}

int64_t AofManager::current_rewrite_time_sec() const {
  return child_pid_ > 0 ? (MonotonicMs() - child_start_ms_) / 1000 : -1;
}

}  // namespace ember::server
