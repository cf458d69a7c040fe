// Tests of the client library and of the demos run twice: against the
// ember-server binary and against a real redis-server, each started on a
// free port for the test. Code that works against one but not the other is
// either a client bug or an Ember incompatibility, and both are worth
// knowing.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "client/connection.h"
#include "tests/support/net_support.h"

namespace ember::testing {

inline std::unique_ptr<ServerProcess> StartServer(const std::string& kind) {
  if (kind == "redis") {
    return std::make_unique<ServerProcess>(
        "redis-server", std::vector<std::string>{"--save", "", "--appendonly", "no"});
  }
  return std::make_unique<ServerProcess>(EmberServerPath(), std::vector<std::string>{"--save", ""});
}

// A fixture parameterised by server kind ("ember" or "redis").
class BothServers : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    server_ = StartServer(GetParam());
    ASSERT_TRUE(server_->started()) << GetParam() << " did not start";
  }

  int port() const { return server_->port(); }

  client::Options Opts() const {
    client::Options o;
    o.port = server_->port();
    o.read_timeout = std::chrono::seconds(10);
    return o;
  }

  std::unique_ptr<ServerProcess> server_;
};

inline std::string ServerName(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

#define EMBER_BOTH_SERVERS(fixture)                                               \
  INSTANTIATE_TEST_SUITE_P(Servers, fixture, ::testing::Values("ember", "redis"), \
                           ::ember::testing::ServerName)

}  // namespace ember::testing
