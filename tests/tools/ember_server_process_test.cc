// The ember-server binary as an operator meets it: its command line, a
// broken config file, SHUTDOWN and SIGTERM ending the process with status
// 0, the pid file, CONFIG SET port moving the listener, CONFIG REWRITE
// editing the file the server was started with.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/matchers.h"
#include "tests/support/net_support.h"

namespace ember::testing {
namespace {

using ::testing::HasSubstr;

// A fresh directory under /tmp, removed (with its files) at the end.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/ember-process-test-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() {
    std::string out;
    RunShell("rm -rf '" + path_ + "'", &out);
  }
  std::string File(std::string_view name, std::string_view content) const {
    std::string p = path_ + "/" + std::string(name);
    std::ofstream(p) << content;
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string ReadFile(const std::string& path) {
  std::stringstream s;
  s << std::ifstream(path).rdbuf();
  return s.str();
}

// Waits for `pid` to exit, without reaping it (the ServerProcess still owns
// it). Returns its exit status, or -1 if it did not exit by the deadline or
// was killed by a signal.
int WaitForExit(pid_t pid, std::chrono::seconds timeout = std::chrono::seconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    siginfo_t info{};
    if (waitid(P_PID, pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid) {
      return info.si_code == CLD_EXITED ? info.si_status : -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

TEST(EmberServerProcess, VersionPrintsTheVersions) {
  std::string out;
  EXPECT_EQ(RunShell(EmberServerPath() + " --version", &out), 0);
  EXPECT_THAT(out, HasSubstr("Ember server v=" EMBER_VERSION));
  EXPECT_THAT(out, HasSubstr("redis-compat=7.0.15"));
  EXPECT_EQ(RunShell(EmberServerPath() + " -v", &out), 0);
}

TEST(EmberServerProcess, HelpPrintsUsage) {
  std::string out;
  EXPECT_EQ(RunShell(EmberServerPath() + " --help", &out), 0);
  EXPECT_THAT(out, HasSubstr("Usage: "));
  EXPECT_THAT(out, HasSubstr("--port 7777"));
}

TEST(EmberServerProcess, ABadConfigFileStopsStartUpNamingTheLine) {
  TempDir dir;
  std::string conf = dir.File("bad.conf", "port 7777\n# fine so far\nhz fast\n");
  std::string out;
  EXPECT_NE(RunShell(EmberServerPath() + " " + conf, &out), 0);
  EXPECT_THAT(out, HasSubstr("*** FATAL CONFIG FILE ERROR (Ember "));
  EXPECT_THAT(out, HasSubstr("at line 3\n>>> 'hz fast'\n"
                             "argument couldn't be parsed into an integer\n"));
}

TEST(EmberServerProcess, AMissingConfigFileStopsStartUp) {
  std::string out;
  EXPECT_NE(RunShell(EmberServerPath() + " /nonexistent/ember.conf", &out), 0);
  EXPECT_THAT(out, HasSubstr("can't open config file '/nonexistent/ember.conf'"));
}

TEST(EmberServerProcess, ADashReadsTheConfigurationFromStandardInput) {
  std::string out;
  EXPECT_NE(RunShell("printf 'port 7777\\nhz fast\\n' | " + EmberServerPath() + " -", &out), 0);
  EXPECT_THAT(out, HasSubstr("at line 2\n>>> 'hz fast'\n"));
}

TEST(EmberServerProcess, ABadOptionStopsStartUp) {
  std::string out;
  EXPECT_NE(RunShell(EmberServerPath() + " --port 1 --maxclients 0", &out), 0);
  EXPECT_THAT(out, HasSubstr(">>> 'maxclients \"0\"'\n"
                             "argument must be between 1 and 4294967295 inclusive\n"));
}

TEST(EmberServerProcess, ShutdownEndsTheProcessWithStatusZero) {
  ServerProcess server(EmberServerPath(), {"--save", ""});
  ASSERT_TRUE(server.started());
  RawClient client(server.port());
  // A command pipelined before SHUTDOWN still gets its reply; SHUTDOWN gets
  // none, and the one after it never runs.
  client.Send(
      "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*1\r\n$8\r\nSHUTDOWN\r\n*1\r\n$4\r\nPING\r\n");
  EXPECT_THAT(client.ReadReply(), IsOk());
  EXPECT_EQ(client.ReadReplyBytes(), "");  // the connection closes, no PONG
  EXPECT_TRUE(client.WaitClosed());
  EXPECT_EQ(WaitForExit(server.pid()), 0);
  EXPECT_EQ(server.Stop(), 0);
}

TEST(EmberServerProcess, SigtermEndsTheProcessWithStatusZero) {
  ServerProcess server(EmberServerPath(), {});
  ASSERT_TRUE(server.started());
  RawClient idle(server.port());
  ASSERT_TRUE(idle.connected());
  EXPECT_EQ(server.Stop(), 0);  // SIGTERM, then the status
  EXPECT_TRUE(idle.WaitClosed());
}

TEST(EmberServerProcess, ThePidFileLivesAsLongAsTheProcess) {
  TempDir dir;
  std::string pidfile = dir.path() + "/ember.pid";
  ServerProcess server(EmberServerPath(), {"--pidfile", pidfile});
  ASSERT_TRUE(server.started());
  EXPECT_EQ(ReadFile(pidfile), std::to_string(server.pid()) + "\n");
  EXPECT_EQ(server.Stop(), 0);
  EXPECT_NE(access(pidfile.c_str(), F_OK), 0);
}

TEST(EmberServerProcess, InfoDescribesTheProcess) {
  TempDir dir;
  std::string conf = dir.File("ember.conf", "hz 20\n");
  ServerProcess server(EmberServerPath(), {conf});
  ASSERT_TRUE(server.started());
  RawClient client(server.port());
  std::string info = client.Call({"INFO", "server"}).str();
  EXPECT_THAT(info, HasSubstr("\r\nprocess_id:" + std::to_string(server.pid()) + "\r\n"));
  EXPECT_THAT(info, HasSubstr("\r\ntcp_port:" + std::to_string(server.port()) + "\r\n"));
  EXPECT_THAT(info, HasSubstr("\r\nconfig_file:" + conf + "\r\n"));
  EXPECT_THAT(info, HasSubstr("\r\nexecutable:/"));
  EXPECT_THAT(info, HasSubstr("\r\nhz:20\r\n"));
}

TEST(EmberServerProcess, ConfigSetPortMovesTheListener) {
  ServerProcess server(EmberServerPath(), {});
  ASSERT_TRUE(server.started());
  int new_port = FreePort();
  {
    RawClient client(server.port());
    EXPECT_THAT(client.Call({"CONFIG", "SET", "port", std::to_string(new_port)}), IsOk());
    // The connection made on the old port stays open.
    EXPECT_THAT(client.Call({"PING"}), IsSimple("PONG"));
  }
  RawClient moved(new_port);
  ASSERT_TRUE(moved.connected());
  EXPECT_THAT(moved.Call({"CONFIG", "GET", "port"}),
              IsBulkArray(std::vector<std::string>{"port", std::to_string(new_port)}));
  EXPECT_FALSE(RawClient(server.port()).connected());
}

TEST(EmberServerProcess, ConfigRewriteEditsTheStartupFile) {
  TempDir dir;
  std::string conf = dir.File("ember.conf", "# Operator's notes stay.\nmaxclients 500\n");
  ServerProcess server(EmberServerPath(), {conf});
  ASSERT_TRUE(server.started());
  RawClient client(server.port());
  EXPECT_THAT(client.Call({"CONFIG", "SET", "maxclients", "42", "timeout", "60"}), IsOk());
  EXPECT_THAT(client.Call({"CONFIG", "REWRITE"}), IsOk());
  std::string text = ReadFile(conf);
  EXPECT_THAT(text, ::testing::StartsWith("# Operator's notes stay.\nmaxclients 42\n"));
  // --port came from the command line; it is part of the running
  // configuration, so it is written too.
  EXPECT_THAT(text, HasSubstr("\nport " + std::to_string(server.port()) + "\n"));
  EXPECT_THAT(text, HasSubstr("\ntimeout 60\n"));
  EXPECT_EQ(server.Stop(), 0);

  // The rewritten file starts a server with the same settings.
  ServerProcess again(EmberServerPath(), {conf});
  ASSERT_TRUE(again.started());
  RawClient check(again.port());
  EXPECT_THAT(check.Call({"CONFIG", "GET", "maxclients", "timeout"}),
              IsBulkArray(std::vector<std::string>{"maxclients", "42", "timeout", "60"}));
}

}  // namespace
}  // namespace ember::testing
