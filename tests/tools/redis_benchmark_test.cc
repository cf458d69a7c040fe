// redis-benchmark against the real ember-server binary, one request at a
// time per client (-P 1) and 16 pipelined (-P 16). Only completion and
// correctness are checked, never speed: every test prints its "requests per
// second" line, nothing else is printed but progress, and the counters the
// benchmark incremented hold exactly the number of INCRs it sent.
//
// redis-benchmark asks for CONFIG GET save/appendonly first and prints
// "WARNING: Could not fetch server CONFIG" if that fails; that warning is
// tolerated (CONFIG is a separate piece of work). An error reply makes
// redis-benchmark 7 stop with "Error from server" and a failing status.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/net_support.h"
#include "tests/tools/tools.h"

namespace ember::testing::tools {
namespace {

constexpr int kRequests = 20000;

class RedisBenchmark : public ToolFixture {
 protected:
  void SetUp() override {
    RequireProgram("redis-benchmark");
    if (HasFatalFailure()) return;
    ToolFixture::SetUp();
  }

  // Runs the benchmark and checks its whole output.
  void RunAndCheck(int pipeline) {
    std::string out;
    int status =
        Shell("redis-benchmark -p " + port_ + " -t ping_inline,ping_mbulk,set,get,incr,mset -n " +
                  std::to_string(kRequests) + " -P " + std::to_string(pipeline) + " -q",
              &out);
    EXPECT_EQ(status, 0) << out;
    const std::vector<std::string> tests = {"PING_INLINE", "PING_MBULK", "SET",
                                            "GET",         "INCR",       "MSET (10 keys)"};
    std::vector<bool> seen(tests.size(), false);
    for (const std::string& line : Lines(out)) {
      if (line.find("rps=") != std::string::npos) continue;  // progress
      if (line == "WARNING: Could not fetch server CONFIG") continue;
      bool result = false;
      for (size_t i = 0; i < tests.size(); ++i) {
        std::string prefix = tests[i] + ": ";
        if (line.rfind(prefix, 0) == 0 &&
            line.find(" requests per second", prefix.size()) != std::string::npos) {
          seen[i] = true;
          result = true;
        }
      }
      EXPECT_TRUE(result) << "unexpected line from redis-benchmark -P " << pipeline << ": " << line;
    }
    for (size_t i = 0; i < tests.size(); ++i) {
      EXPECT_TRUE(seen[i]) << "no result for " << tests[i] << " at -P " << pipeline << "\n" << out;
    }
  }

  std::string Get(const std::string& key) {
    RawClient c(server_->port());
    return c.Call({"GET", key}).str();
  }
};

TEST_F(RedisBenchmark, CompletesWithoutPipelining) {
  RunAndCheck(1);
  // Without -r every request uses the literal key names.
  EXPECT_EQ(Get("counter:__rand_int__"), std::to_string(kRequests));
  EXPECT_EQ(Get("key:__rand_int__").size(), 3u);  // -d 3: three bytes of payload
}

TEST_F(RedisBenchmark, CompletesWithSixteenPipelinedRequests) {
  RunAndCheck(16);
  EXPECT_EQ(Get("counter:__rand_int__"), std::to_string(kRequests));
  EXPECT_EQ(Get("key:__rand_int__").size(), 3u);  // -d 3: three bytes of payload
}

}  // namespace
}  // namespace ember::testing::tools
