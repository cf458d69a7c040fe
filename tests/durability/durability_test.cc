// Durability, end to end, with the real ember-server binary: what it
// promised to keep is there after a restart, a SHUTDOWN, a kill -9; its
// RDB and AOF files are ones a real Redis 7.0 loads, and it loads theirs.
//
// What each persistence mode promises, as Redis does:
//  - RDB: what the last successful SAVE/BGSAVE saw;
//  - AOF with appendfsync always: every write that was acknowledged;
//  - AOF with appendfsync everysec: all but about the last second or two.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/durability/durability_fixture.h"
#include "tests/support/matchers.h"
#include "tests/support/net_support.h"

namespace ember::testing {
namespace {

namespace fs = std::filesystem;
using protocol::Type;

TEST_F(Durability, SaveThenRestartKeepsValuesAndDeadlines) {
  Start({"--save", ""});
  Call({"SET", "s", "v"});
  Call({"SET", "n", "42"});
  Call({"RPUSH", "l", "a", "b", "c"});
  Call({"SET", "ttl", "x", "EX", "1000"});
  int64_t deadline = Call({"PEXPIRETIME", "ttl"}).integer();
  Call({"SELECT", "3"});
  Call({"SET", "db3", "yes"});
  ASSERT_THAT(Call({"SAVE"}), IsOk());
  ASSERT_THAT(Call({"SHUTDOWN", "NOSAVE"}), IsError("CLOSED"));

  Start({"--save", ""});
  EXPECT_THAT(Call({"GET", "s"}), IsBulk("v"));
  EXPECT_THAT(Call({"GET", "n"}), IsBulk("42"));
  EXPECT_THAT(Call({"LRANGE", "l", "0", "-1"}),
              IsBulkArray(std::vector<std::string>{"a", "b", "c"}));
  EXPECT_THAT(Call({"PEXPIRETIME", "ttl"}), IsInt(deadline));
  Call({"SELECT", "3"});
  EXPECT_THAT(Call({"GET", "db3"}), IsBulk("yes"));
}

TEST_F(Durability, ShutdownSavesWhenSavePointsAreSet) {
  Start({"--save", "3600 1"});
  Call({"SET", "k", "v"});
  EXPECT_THAT(Call({"SHUTDOWN"}), IsError("CLOSED"));
  Start({"--save", "3600 1"});
  EXPECT_THAT(Call({"GET", "k"}), IsBulk("v"));
}

TEST_F(Durability, BgsaveWritesASnapshotWhileServing) {
  Start({"--save", ""});
  for (int i = 0; i < 1000; ++i) Call({"SET", "key:" + std::to_string(i), "value"});
  int64_t before = Call({"LASTSAVE"}).integer();
  EXPECT_THAT(Call({"BGSAVE"}), IsSimple("Background saving started"));
  EXPECT_THAT(Call({"PING"}), IsSimple("PONG"));  // the parent keeps serving
  WaitForChildren();
  std::string info = Call({"INFO", "persistence"}).str();
  EXPECT_THAT(info, ::testing::HasSubstr("rdb_last_bgsave_status:ok"));
  EXPECT_THAT(info, ::testing::HasSubstr("rdb_changes_since_last_save:0"));
  EXPECT_GE(Call({"LASTSAVE"}).integer(), before);
  EXPECT_TRUE(fs::exists(dir_ + "/dump.rdb"));
  // The fork is counted and timed: the one pause BGSAVE costs the loop.
  std::string stats = Call({"INFO", "stats"}).str();
  EXPECT_THAT(stats, ::testing::HasSubstr("\r\ntotal_forks:1\r\n"));
  EXPECT_THAT(stats, ::testing::ContainsRegex("latest_fork_usec:[1-9][0-9]*\r\n"));
  Crash();
  Start({"--save", ""});
  EXPECT_THAT(Call({"DBSIZE"}), IsInt(1000));
}

TEST_F(Durability, AFailedBackgroundSaveRefusesWritesWithMisconf) {
  Start({"--save", "3600 1"});
  Call({"SET", "k", "v"});
  // The snapshot cannot be written any more: the server's directory is
  // gone (as it would be on a failed disk).
  fs::remove_all(dir_);
  EXPECT_THAT(Call({"BGSAVE"}), IsSimple("Background saving started"));
  WaitForChildren();
  EXPECT_THAT(Call({"INFO", "persistence"}).str(),
              ::testing::HasSubstr("rdb_last_bgsave_status:err"));
  EXPECT_THAT(Call({"SET", "k2", "v"}), IsErrorContaining("MISCONF"));
  EXPECT_THAT(Call({"GET", "k"}), IsBulk("v"));  // reads still work
  // Fixing the cause and saving again lifts the refusal.
  Call({"CONFIG", "SET", "stop-writes-on-bgsave-error", "no"});
  EXPECT_THAT(Call({"SET", "k2", "v"}), IsOk());
}

TEST_F(Durability, ACorruptRdbStopsStartUpNamingFileAndOffset) {
  Start({"--save", ""});
  Call({"SET", "k", std::string(100, 'x')});
  Call({"SAVE"});
  Crash();
  {
    std::fstream f(dir_ + "/dump.rdb", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(30);
    f.put('\x7f');
  }
  std::string out;
  int status = RunShell(
      EmberServerPath() + " --dir " + dir_ + " --port " + std::to_string(FreePort()) + " --save ''",
      &out);
  EXPECT_NE(status, 0);
  EXPECT_THAT(out, ::testing::HasSubstr("dump.rdb"));
  EXPECT_THAT(out, ::testing::HasSubstr("offset"));
}

TEST_F(Durability, AofAlwaysKeepsEveryAcknowledgedWriteThroughKillNine) {
  Start({"--save", "", "--appendonly", "yes", "--appendfsync", "always"});
  // A second connection writes while we kill the server; every write that
  // got its reply must be there afterwards.
  std::vector<std::string> acknowledged;
  std::atomic<bool> stop = false;
  std::thread writer([&] {
    RawClient c(server_->port());
    for (int i = 0; !stop; ++i) {
      std::string key = "k" + std::to_string(i);
      protocol::Value r = c.Call({"SET", key, std::to_string(i)});
      if (r.type() != Type::kSimpleString) break;  // the server is gone
      acknowledged.push_back(key);
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  Crash();
  stop = true;
  writer.join();
  ASSERT_GT(acknowledged.size(), 10u);
  Start({"--save", "", "--appendonly", "yes", "--appendfsync", "always"});
  for (const std::string& key : acknowledged) {
    ASSERT_THAT(Call({"GET", key}), IsBulk(key.substr(1))) << key;
  }
}

// With appendfsync everysec the log is written to the kernel on every
// event-loop turn and fsynced once a second, so a killed process (not a
// lost machine) loses nothing it acknowledged more than a couple of seconds
// ago — the promise Redis makes for everysec.
TEST_F(Durability, AofEverysecLosesAtMostTheLastSecondsThroughKillNine) {
  Start({"--save", "", "--appendonly", "yes", "--appendfsync", "everysec"});
  using Clock = std::chrono::steady_clock;
  std::vector<std::pair<std::string, Clock::time_point>> acknowledged;
  std::atomic<bool> stop = false;
  std::thread writer([&] {
    RawClient c(server_->port());
    for (int i = 0; !stop; ++i) {
      std::string key = "k" + std::to_string(i);
      if (c.Call({"SET", key, std::to_string(i)}).type() != Type::kSimpleString) break;
      acknowledged.emplace_back(key, Clock::now());
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(3000));
  Clock::time_point crash = Clock::now();
  Crash();
  stop = true;
  writer.join();
  Start({"--save", "", "--appendonly", "yes"});
  size_t checked = 0;
  for (const auto& [key, when] : acknowledged) {
    if (when > crash - std::chrono::seconds(2)) break;
    ASSERT_THAT(Call({"GET", key}), IsBulk(key.substr(1))) << key;
    ++checked;
  }
  EXPECT_GT(checked, 10u);
}

// The processes whose parent is `pid`: a BGSAVE or rewrite child.
std::vector<pid_t> ChildrenOf(pid_t pid) {
  std::vector<pid_t> children;
  for (const fs::directory_entry& d : fs::directory_iterator("/proc")) {
    std::ifstream stat(d.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    size_t paren = line.rfind(')');  // the name may hold spaces
    if (paren == std::string::npos) continue;
    char state;
    int ppid;
    if (std::sscanf(line.c_str() + paren + 1, " %c %d", &state, &ppid) == 2 && ppid == pid) {
      children.push_back(std::stoi(d.path().filename().string()));
    }
  }
  return children;
}

// Writes `n` keys "<prefix>:<i>" with `size`-byte values, pipelined.
void Fill(RawClient& c, const std::string& prefix, int n, size_t size) {
  const std::string value(size, 'x');
  for (int done = 0; done < n;) {
    int batch = std::min(n - done, 5000);
    std::string bytes;
    for (int i = done; i < done + batch; ++i) {
      std::string key = prefix + ":" + std::to_string(i);
      bytes += "*3\r\n$3\r\nSET\r\n$" + std::to_string(key.size()) + "\r\n" + key + "\r\n$" +
               std::to_string(size) + "\r\n" + value + "\r\n";
    }
    c.Send(bytes);
    for (int i = 0; i < batch; ++i) ASSERT_THAT(c.ReadReply(), IsOk());
    done += batch;
  }
}

// A crash while the child writes the snapshot (parent and child killed at
// once, as a power cut would) leaves the last complete snapshot: the child
// writes a temporary file and renames it over dump.rdb only when it is
// complete and fsynced.
TEST_F(Durability, KillNineDuringBgsaveLeavesTheLastCompleteSnapshot) {
  Start({"--save", ""});
  Fill(*client_, "old", 1000, 10);
  ASSERT_THAT(Call({"SAVE"}), IsOk());
  Fill(*client_, "new", 300000, 100);
  ASSERT_THAT(Call({"BGSAVE"}), IsSimple("Background saving started"));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::vector<pid_t> children = ChildrenOf(server_->pid());
  ASSERT_FALSE(children.empty()) << "the save finished before the crash";
  for (pid_t child : children) kill(child, SIGKILL);
  Crash();
  Start({"--save", ""});
  // The old snapshot, whole (or, had the child won the race, the new one).
  int64_t keys = Call({"DBSIZE"}).integer();
  EXPECT_TRUE(keys == 1000 || keys == 301000) << keys;
  EXPECT_THAT(Call({"GET", "old:999"}), IsBulk(std::string(10, 'x')));
}

// A crash during BGREWRITEAOF loses no acknowledged write: until the new
// base is complete, the manifest still names the old base and every
// incremental file, and new writes keep going to an incremental file.
TEST_F(Durability, KillNineDuringARewriteLosesNoAcknowledgedWrite) {
  Start({"--save", "", "--appendonly", "yes", "--appendfsync", "always"});
  Fill(*client_, "bulk", 200000, 100);
  std::vector<std::string> acknowledged;
  std::atomic<bool> stop = false;
  std::thread writer([&] {
    RawClient c(server_->port());
    for (int i = 0; !stop; ++i) {
      std::string key = "k" + std::to_string(i);
      if (c.Call({"SET", key, std::to_string(i)}).type() != Type::kSimpleString) break;
      acknowledged.push_back(key);
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_THAT(Call({"BGREWRITEAOF"}), IsSimple("Background append only file rewriting started"));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::vector<pid_t> children = ChildrenOf(server_->pid());
  for (pid_t child : children) kill(child, SIGKILL);
  Crash();
  stop = true;
  writer.join();
  EXPECT_FALSE(children.empty()) << "the rewrite finished before the crash";
  Start({"--save", "", "--appendonly", "yes"});
  // One more write may have reached the log with its reply still in flight.
  int64_t keys = Call({"DBSIZE"}).integer();
  EXPECT_GE(keys, static_cast<int64_t>(200000 + acknowledged.size()));
  EXPECT_LE(keys, static_cast<int64_t>(200000 + acknowledged.size() + 1));
  EXPECT_THAT(Call({"GET", "bulk:199999"}), IsBulk(std::string(100, 'x')));
  for (const std::string& key : acknowledged) {
    ASSERT_THAT(Call({"GET", key}), IsBulk(key.substr(1))) << key;
  }
}

// A disk that fills up under the AOF (here a file-size limit, which fails
// writes with EFBIG as a full disk fails them with ENOSPC): with everysec,
// writes are refused with MISCONF and reads still served; when space comes
// back the buffered commands are written and writes are accepted again,
// with nothing acknowledged lost and no half-written command in the log.
TEST_F(Durability, AFullDiskUnderTheAofRefusesWritesUntilItHasRoom) {
  struct rlimit saved;
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &saved), 0);
  struct rlimit small = saved;
  small.rlim_cur = 256 * 1024;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  Start({"--save", "", "--appendonly", "yes", "--appendfsync", "everysec"});
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &saved), 0);  // the server keeps its own

  const std::string value(1000, 'v');
  int acknowledged = 0;
  protocol::Value refused;
  for (int i = 0; i < 2000; ++i) {
    protocol::Value r = Call({"SET", "k" + std::to_string(i), value});
    if (r.type() == Type::kError) {
      refused = r;
      break;
    }
    ++acknowledged;
  }
  ASSERT_GT(acknowledged, 0);
  EXPECT_THAT(refused, IsError("MISCONF Errors writing to the AOF file: File too large"));
  EXPECT_THAT(Call({"GET", "k0"}), IsBulk(value));

  struct rlimit roomy = {RLIM_INFINITY, RLIM_INFINITY};
  ASSERT_EQ(prlimit(server_->pid(), RLIMIT_FSIZE, &roomy, nullptr), 0);
  bool accepted = false;
  for (int i = 0; i < 250 && !accepted; ++i) {
    accepted = Call({"SET", "after", "1"}).type() == Type::kSimpleString;
    if (!accepted) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(accepted) << "writes still refused after the disk had room again";
  Crash();
  Start({"--save", "", "--appendonly", "yes"});
  EXPECT_THAT(Call({"DBSIZE"}), IsInt(acknowledged + 1));
  EXPECT_THAT(Call({"GET", "k" + std::to_string(acknowledged - 1)}), IsBulk(value));
}

TEST_F(Durability, AofKeepsRelativeExpiriesAbsolute) {
  Start({"--save", "", "--appendonly", "yes"});
  Call({"SET", "a", "v", "EX", "1000"});
  Call({"SET", "b", "v"});
  Call({"EXPIRE", "b", "2000"});
  int64_t a = Call({"PEXPIRETIME", "a"}).integer();
  int64_t b = Call({"PEXPIRETIME", "b"}).integer();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  Call({"SHUTDOWN"});
  Start({"--save", "", "--appendonly", "yes"});
  EXPECT_THAT(Call({"PEXPIRETIME", "a"}), IsInt(a));
  EXPECT_THAT(Call({"PEXPIRETIME", "b"}), IsInt(b));
}

TEST_F(Durability, BgrewriteaofCompactsTheLogAndKeepsTheData) {
  Start({"--save", "", "--appendonly", "yes"});
  for (int i = 0; i < 200; ++i) Call({"INCR", "counter"});
  Call({"RPUSH", "l", "x", "y"});
  EXPECT_THAT(Call({"BGREWRITEAOF"}), IsSimple("Background append only file rewriting started"));
  WaitForChildren();
  Call({"INCR", "counter"});  // lands in the new incr file
  std::ifstream manifest(dir_ + "/appendonlydir/appendonly.aof.manifest");
  std::string text((std::istreambuf_iterator<char>(manifest)), std::istreambuf_iterator<char>());
  EXPECT_THAT(text, ::testing::HasSubstr("appendonly.aof.2.base.rdb"));
  EXPECT_THAT(text, ::testing::HasSubstr("type i"));
  Crash();
  Start({"--save", "", "--appendonly", "yes"});
  EXPECT_THAT(Call({"GET", "counter"}), IsBulk("201"));
  EXPECT_THAT(Call({"LLEN", "l"}), IsInt(2));
}

TEST_F(Durability, ATruncatedAofTailIsCutWithAWarning) {
  Start({"--save", "", "--appendonly", "yes", "--appendfsync", "always"});
  Call({"SET", "a", "1"});
  Call({"SET", "b", "2"});
  Crash();
  // Cut the last command in the middle, as a crash mid-write would.
  std::string incr = dir_ + "/appendonlydir/appendonly.aof.1.incr.aof";
  fs::resize_file(incr, fs::file_size(incr) - 5);
  Start({"--save", "", "--appendonly", "yes"});
  EXPECT_THAT(Call({"GET", "a"}), IsBulk("1"));
  EXPECT_THAT(Call({"GET", "b"}), IsNil());
}

TEST_F(Durability, RedisLoadsEmbersRdbAndEmberLoadsRedisRdb) {
  ASSERT_TRUE(HaveProgram("redis-server"))
      << "redis-server is needed (apt-get install redis-server)";
  Start({"--save", ""});
  Call({"SET", "s", "hello"});
  Call({"SET", "n", "-12345"});
  Call({"SET", "long", std::string(500, 'z')});
  Call({"RPUSH", "l", "1", "two", "3"});
  Call({"SET", "ttl", "v", "PXAT", "4102444800000"});
  Call({"SAVE"});
  Call({"SHUTDOWN", "NOSAVE"});

  StartRedis({"--save", "", "--appendonly", "no"});
  EXPECT_THAT(Call({"GET", "s"}), IsBulk("hello"));
  EXPECT_THAT(Call({"GET", "n"}), IsBulk("-12345"));
  EXPECT_THAT(Call({"GET", "long"}), IsBulk(std::string(500, 'z')));
  EXPECT_THAT(Call({"LRANGE", "l", "0", "-1"}),
              IsBulkArray(std::vector<std::string>{"1", "two", "3"}));
  EXPECT_THAT(Call({"PEXPIRETIME", "ttl"}), IsInt(4102444800000));
  Call({"RPUSH", "from-redis", "x"});
  Call({"SAVE"});
  Call({"SHUTDOWN", "NOSAVE"});

  Start({"--save", ""});
  EXPECT_THAT(Call({"LRANGE", "from-redis", "0", "-1"}),
              IsBulkArray(std::vector<std::string>{"x"}));
  EXPECT_THAT(Call({"GET", "s"}), IsBulk("hello"));
}

TEST_F(Durability, RedisLoadsEmbersAofAndEmberLoadsRedisAof) {
  ASSERT_TRUE(HaveProgram("redis-server"))
      << "redis-server is needed (apt-get install redis-server)";
  Start({"--save", "", "--appendonly", "yes"});
  Call({"SET", "s", "v", "EX", "1000"});
  Call({"RPUSH", "l", "a", "b"});
  Call({"INCRBYFLOAT", "f", "1.5"});
  Call({"SHUTDOWN"});

  StartRedis({"--save", "", "--appendonly", "yes"});
  EXPECT_THAT(Call({"GET", "s"}), IsBulk("v"));
  EXPECT_GT(Call({"TTL", "s"}).integer(), 900);
  EXPECT_THAT(Call({"LLEN", "l"}), IsInt(2));
  EXPECT_THAT(Call({"GET", "f"}), IsBulk("1.5"));
  Call({"RPUSH", "l", "c"});
  Call({"BGREWRITEAOF"});
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  Call({"SET", "after-rewrite", "1"});
  Call({"SHUTDOWN"});

  Start({"--save", "", "--appendonly", "yes"});
  EXPECT_THAT(Call({"LRANGE", "l", "0", "-1"}),
              IsBulkArray(std::vector<std::string>{"a", "b", "c"}));
  EXPECT_THAT(Call({"GET", "after-rewrite"}), IsBulk("1"));
}

TEST_F(Durability, RedisCheckToolsAcceptEmbersFiles) {
  ASSERT_TRUE(HaveProgram("redis-check-rdb")) << "redis-check-rdb is needed (redis-tools)";
  Start({"--save", "", "--appendonly", "yes"});
  Call({"SET", "s", "v"});
  Call({"RPUSH", "l", "a"});
  Call({"SAVE"});
  Call({"SHUTDOWN"});
  std::string out;
  EXPECT_EQ(RunShell("redis-check-rdb " + dir_ + "/dump.rdb", &out), 0) << out;
  EXPECT_EQ(RunShell("redis-check-aof " + dir_ + "/appendonlydir/appendonly.aof.manifest", &out), 0)
      << out;
}

}  // namespace
}  // namespace ember::testing
