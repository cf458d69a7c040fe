// Shared by the tests that drive Redis's own command-line tools against the
// real ember-server binary: a server in a scratch directory, and the tools'
// output split into lines.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/net_support.h"

namespace ember::testing::tools {

// ember-server on a free port, working in a fresh temporary directory that
// is removed afterwards. The test fails (never skips) when the tool it needs
// is not installed.
class ToolFixture : public ::testing::Test {
 protected:
  void RequireProgram(const std::string& name) {
    ASSERT_TRUE(HaveProgram(name)) << name
                                   << " is not installed, but this test drives it "
                                      "(Debian: apt-get install redis-tools)";
  }

  void SetUp() override {
    char pattern[] = "/tmp/ember-tools-XXXXXX";
    char* made = mkdtemp(pattern);
    ASSERT_NE(made, nullptr);
    dir_ = made;
    server_ = std::make_unique<ServerProcess>(
        EmberServerPath(), std::vector<std::string>{"--dir", dir_, "--save", ""});
    ASSERT_TRUE(server_->started()) << "ember-server did not start: " << EmberServerPath();
    port_ = std::to_string(server_->port());
  }

  void TearDown() override {
    server_.reset();
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }

  // Runs a shell command line; returns its exit status, output in *out.
  int Shell(const std::string& command, std::string* out) { return RunShell(command, out); }

  std::string dir_;
  std::string port_;
  std::unique_ptr<ServerProcess> server_;
};

// Splits on LF and CR (the tools redraw progress lines with CR), dropping
// empty and all-blank lines.
inline std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::string line;
  auto flush = [&] {
    if (line.find_first_not_of(' ') != std::string::npos) out.push_back(line);
    line.clear();
  };
  for (char c : text) {
    if (c == '\n' || c == '\r') {
      flush();
    } else {
      line += c;
    }
  }
  flush();
  return out;
}

}  // namespace ember::testing::tools
