// redis-cli in interactive mode, in a pseudo-terminal, against Ember as
// against Redis.
//
// When redis-cli 7 starts it sends COMMAND DOCS and builds its help and its
// hints from the reply, asserting on the reply's shape as it goes (a
// malformed reply aborts it). While you type, linenoise shows the arguments
// still to come in grey: after "set " it shows "key value [NX|XX] ...".
// These tests run the real redis-cli under a pty, the way a person uses it,
// against a real redis-server and against the ember-server binary, and
// expect the terminal to show the same things for both.
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/net_support.h"

namespace ember::testing {
namespace {

using std::chrono::milliseconds;

// A program running in a pseudo-terminal: what it prints is read as the
// screen would receive it, escape sequences and all.
class Terminal {
 public:
  explicit Terminal(std::vector<std::string> argv) {
    // A real size: linenoise asks the terminal for its width otherwise, and
    // nothing here would answer.
    struct winsize size = {};
    size.ws_row = 50;
    size.ws_col = 250;
    pid_ = forkpty(&fd_, nullptr, nullptr, &size);
    if (pid_ == 0) {
      setenv("TERM", "xterm", 1);
      // No history or preferences of the machine's user.
      setenv("REDISCLI_HISTFILE", "/dev/null", 1);
      setenv("REDISCLI_RCFILE", "/dev/null", 1);
      std::vector<char*> args;
      for (std::string& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      execvp(args[0], args.data());
      _exit(127);
    }
  }
  ~Terminal() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (fd_ >= 0) close(fd_);
  }
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;

  bool started() const { return pid_ > 0; }

  void Type(std::string_view keys) {
    while (!keys.empty()) {
      ssize_t n = write(fd_, keys.data(), keys.size());
      if (n <= 0) return;
      keys.remove_prefix(static_cast<size_t>(n));
    }
  }

  // Reads until what was shown since the last Take() contains `text`.
  // False if it does not appear in time or the program ends first.
  bool WaitFor(std::string_view text, milliseconds timeout = milliseconds(5000)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (screen_.find(text) == std::string::npos) {
      auto left =
          std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p = {fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[4096];
      ssize_t n = read(fd_, buf, sizeof(buf));
      if (n <= 0) return false;  // EIO once the program has exited
      screen_.append(buf, static_cast<size_t>(n));
      transcript_.append(buf, static_cast<size_t>(n));
    }
    return true;
  }

  // What was shown since the last Take().
  std::string Take() { return std::exchange(screen_, {}); }
  const std::string& transcript() const { return transcript_; }

  // The exit status, or -1 if the program is still running at the deadline.
  int WaitExit(milliseconds timeout = milliseconds(5000)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      // Drain the terminal so the program never blocks writing to it.
      pollfd p = {fd_, POLLIN, 0};
      if (poll(&p, 1, 10) > 0) {
        char buf[4096];
        ssize_t n = read(fd_, buf, sizeof(buf));
        if (n > 0) transcript_.append(buf, static_cast<size_t>(n));
      }
      int status;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  std::string screen_;
  std::string transcript_;
};

// Control characters made visible for failure messages.
std::string Visible(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\x1b') {
      out += "\\e";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n\n";
    } else {
      out += c;
    }
  }
  return out;
}

// linenoise draws hints in grey (color 90), then resets.
std::string Hint(std::string_view text) { return "\x1b[0;90;49m" + std::string(text) + "\x1b[0m"; }

constexpr std::string_view kSetHint =
    "key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT "
    "unix-time-milliseconds|KEEPTTL]";

std::unique_ptr<ServerProcess> StartServer(const std::string& which) {
  if (which == "redis") {
    return std::make_unique<ServerProcess>(
        "redis-server", std::vector<std::string>{"--save", "", "--appendonly", "no"});
  }
  return std::make_unique<ServerProcess>(EmberServerPath(), std::vector<std::string>{"--save", ""});
}

class RedisCliInteractive : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(HaveProgram("redis-cli")) << "redis-cli is needed on PATH for this test";
    ASSERT_TRUE(GetParam() != "redis" || HaveProgram("redis-server"))
        << "redis-server is needed on PATH for this test";
    server_ = StartServer(GetParam());
    ASSERT_TRUE(server_->started()) << "could not start the " << GetParam() << " server";
    port_ = std::to_string(server_->port());
    prompt_ = "127.0.0.1:" + port_ + "> ";
    term_ = std::make_unique<Terminal>(std::vector<std::string>{"redis-cli", "-p", port_});
    ASSERT_TRUE(term_->started());
  }

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<Terminal> term_;
  std::string port_;
  std::string prompt_;
};

TEST_P(RedisCliInteractive, StartsWithNothingButThePrompt) {
  ASSERT_TRUE(term_->WaitFor(prompt_)) << Visible(term_->Take());
  // Start-up read COMMAND DOCS; a reply it did not like would have printed
  // an error (or aborted) before the prompt.
  EXPECT_EQ(Visible(term_->Take()), Visible(prompt_));
}

TEST_P(RedisCliInteractive, HintsTheArgumentsStillToType) {
  ASSERT_TRUE(term_->WaitFor(prompt_));
  term_->Take();
  term_->Type("set ");
  EXPECT_TRUE(term_->WaitFor("set " + Hint(kSetHint))) << Visible(term_->Take());
  term_->Take();
  // Typed arguments drop out of the hint.
  term_->Type("k ");
  EXPECT_TRUE(term_->WaitFor("set k " + Hint(kSetHint.substr(4)))) << Visible(term_->Take());
  term_->Type("\x15");  // Ctrl-U: clear the line
  term_->Take();
  term_->Type("object encoding ");
  EXPECT_TRUE(term_->WaitFor("object encoding " + Hint("key"))) << Visible(term_->Take());
}

TEST_P(RedisCliInteractive, RunsCommandsAndShowsHelp) {
  ASSERT_TRUE(term_->WaitFor(prompt_));
  term_->Take();
  term_->Type("set k v\r");
  EXPECT_TRUE(term_->WaitFor("\r\nOK\r\n" + prompt_)) << Visible(term_->Take());
  term_->Take();
  term_->Type("get k\r");
  EXPECT_TRUE(term_->WaitFor("\r\n\"v\"\r\n" + prompt_)) << Visible(term_->Take());
  term_->Take();
  term_->Type("help set\r");
  EXPECT_TRUE(term_->WaitFor("\x1b[1mSET\x1b[0m \x1b[90m" + std::string(kSetHint) + "\x1b[0m"))
      << Visible(term_->Take());
  EXPECT_TRUE(term_->WaitFor("summary:\x1b[0m Set the string value of a key\r\r\n"))
      << Visible(term_->Take());
  EXPECT_TRUE(term_->WaitFor("group:\x1b[0m string\r\r\n" + std::string("\r\r\n") + prompt_))
      << Visible(term_->Take());
  term_->Type("quit\r");
  EXPECT_EQ(term_->WaitExit(), 0);
  for (std::string_view bad : {"ERR", "rror", "nknown"}) {
    EXPECT_EQ(term_->transcript().find(bad), std::string::npos) << "'" << bad << "' in:\n"
                                                                << Visible(term_->transcript());
  }
}

// With -3, redis-cli says HELLO 3 first and reads COMMAND DOCS as RESP3
// maps and sets.
TEST_P(RedisCliInteractive, HintsWorkOverResp3Too) {
  Terminal resp3({"redis-cli", "-3", "-p", port_});
  ASSERT_TRUE(resp3.WaitFor(prompt_)) << Visible(resp3.Take());
  EXPECT_EQ(Visible(resp3.Take()), Visible(prompt_));
  resp3.Type("set ");
  EXPECT_TRUE(resp3.WaitFor("set " + Hint(kSetHint))) << Visible(resp3.Take());
}

// If COMMAND DOCS fails, redis-cli falls back to the help table compiled
// into it, which looks the same for SET. CLIENT SETINFO (Redis 7.2, which
// Ember has) is in no table of redis-cli 7.0: its help and hint can only
// come from the server's COMMAND DOCS.
TEST_P(RedisCliInteractive, HelpAndHintsComeFromTheServersCommandDocs) {
  ASSERT_TRUE(term_->WaitFor(prompt_));
  term_->Take();
  term_->Type("help client setinfo\r");
  // HELP's output ends with an empty line, then the prompt.
  ASSERT_TRUE(term_->WaitFor("\r\r\n" + prompt_)) << Visible(term_->Take());
  std::string help = term_->Take();
  if (GetParam() == "redis") {
    EXPECT_EQ(help.find("SETINFO"), std::string::npos) << Visible(help);
    return;
  }
  EXPECT_THAT(help, ::testing::HasSubstr("\x1b[1mCLIENT SETINFO\x1b[0m \x1b[90mLIB-NAME "
                                         "libname|LIB-VER libver\x1b[0m"))
      << Visible(help);
  EXPECT_THAT(help, ::testing::HasSubstr("summary:\x1b[0m Set client or connection specific info"))
      << Visible(help);
  term_->Type("client setinfo ");
  EXPECT_TRUE(term_->WaitFor("client setinfo " + Hint("LIB-NAME libname|LIB-VER libver")))
      << Visible(term_->Take());
}

INSTANTIATE_TEST_SUITE_P(Servers, RedisCliInteractive, ::testing::Values("redis", "ember"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace ember::testing
