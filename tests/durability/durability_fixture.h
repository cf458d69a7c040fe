// The fixture of the end-to-end persistence tests: a real server process
// (Ember, or redis-server) working in a scratch directory that outlives
// restarts, and a client to it.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/net_support.h"

namespace ember::testing {

class Durability : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/ember-durability-XXXXXX";
    char* made = mkdtemp(pattern);
    ASSERT_NE(made, nullptr);
    dir_ = made;
  }
  void TearDown() override {
    server_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // Starts `binary` (Ember by default) working in the test's directory.
  void Start(std::vector<std::string> args, const std::string& binary = "") {
    server_.reset();
    args.insert(args.begin(), {"--dir", dir_});
    server_ = std::make_unique<ServerProcess>(binary.empty() ? EmberServerPath() : binary, args);
    ASSERT_TRUE(server_->started()) << "server did not start in " << dir_;
    client_ = std::make_unique<RawClient>(server_->port());
  }
  void StartRedis(std::vector<std::string> args) { Start(std::move(args), "redis-server"); }

  protocol::Value Call(const std::vector<std::string>& args) { return client_->Call(args); }

  // kill -9: no chance to save or flush anything.
  void Crash() {
    client_.reset();
    kill(server_->pid(), SIGKILL);
    int status;
    waitpid(server_->pid(), &status, 0);
    server_.reset();
  }

  // Waits (bounded) until INFO persistence shows no background child.
  void WaitForChildren() {
    for (int i = 0; i < 500; ++i) {
      std::string info = Call({"INFO", "persistence"}).str();
      if (info.find("rdb_bgsave_in_progress:0") != std::string::npos &&
          info.find("aof_rewrite_in_progress:0") != std::string::npos) {
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    FAIL() << "background save did not finish";
  }

  std::string dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<RawClient> client_;
};

}  // namespace ember::testing
