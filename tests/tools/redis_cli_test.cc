// redis-cli against the real ember-server binary: one-shot commands, mass
// insertion with --pipe (the documented way to load data: a RESP stream on
// standard input, answered as fast as it is read, counted by redis-cli),
// and key listing with --scan.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/net_support.h"
#include "tests/tools/tools.h"

namespace ember::testing::tools {
namespace {

std::string Resp(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const std::string& a : args) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

class RedisCli : public ToolFixture {
 protected:
  void SetUp() override {
    RequireProgram("redis-cli");
    if (HasFatalFailure()) return;
    ToolFixture::SetUp();
  }

  // `redis-cli -p <port> <args>`; its output, the status checked.
  std::string Cli(const std::string& args) {
    std::string out;
    int status = Shell("redis-cli -p " + port_ + " " + args, &out);
    EXPECT_EQ(status, 0) << "redis-cli " << args << "\n" << out;
    return out;
  }

  // Feeds a RESP stream to `redis-cli --pipe`; its output. The exit status
  // is 0 without error replies, 1 with some.
  std::string Pipe(const std::string& stream, int expected_status = 0) {
    std::string path = dir_ + "/input.resp";
    std::ofstream(path, std::ios::binary) << stream;
    std::string out;
    EXPECT_EQ(Shell("redis-cli -p " + port_ + " --pipe < " + path, &out), expected_status) << out;
    return out;
  }

  protocol::Value Call(const std::vector<std::string>& args) {
    RawClient c(server_->port());
    return c.Call(args);
  }
};

TEST_F(RedisCli, PingAnswersPong) { EXPECT_EQ(Cli("ping"), "PONG\n"); }

TEST_F(RedisCli, SetThenGet) {
  EXPECT_EQ(Cli("set greeting 'hello world'"), "OK\n");
  EXPECT_EQ(Cli("get greeting"), "hello world\n");
  EXPECT_EQ(Cli("incr visits"), "1\n");
  EXPECT_EQ(Cli("incrby visits 10"), "11\n");
  // Not a tty: redis-cli prints nil as an empty line, errors with their code.
  EXPECT_EQ(Cli("get missing"), "\n");
  EXPECT_EQ(Cli("mget greeting missing visits"), "hello world\n\n11\n");
  EXPECT_EQ(Cli("incr greeting"), "ERR value is not an integer or out of range\n\n");
}

TEST_F(RedisCli, RepeatsACommandWithDashR) { EXPECT_EQ(Cli("-r 5 incr n"), "1\n2\n3\n4\n5\n"); }

TEST_F(RedisCli, PipeLoadsAHundredThousandKeys) {
  constexpr int kKeys = 100000;
  std::string stream;
  for (int i = 0; i < kKeys; ++i) {
    stream += Resp({"SET", "key:" + std::to_string(i), "value:" + std::to_string(i)});
  }
  std::string out = Pipe(stream);
  EXPECT_NE(out.find("errors: 0, replies: 100000"), std::string::npos) << out;
  EXPECT_EQ(Call({"DBSIZE"}).integer(), kKeys);
  EXPECT_EQ(Call({"GET", "key:0"}).str(), "value:0");
  EXPECT_EQ(Call({"GET", "key:99999"}).str(), "value:99999");
}

TEST_F(RedisCli, PipeCountsTheErrors) {
  std::string stream = Resp({"SET", "a", "1"}) + Resp({"INCR", "a"}) + Resp({"SET", "t", "x"}) +
                       Resp({"INCR", "t"}) + Resp({"NOSUCHCOMMAND"});
  std::string out = Pipe(stream, /*expected_status=*/1);
  EXPECT_NE(out.find("errors: 2, replies: 5"), std::string::npos) << out;
  EXPECT_NE(out.find("ERR unknown command 'NOSUCHCOMMAND', with args beginning with: "),
            std::string::npos)
      << out;
}

class RedisCliScan : public RedisCli {
 protected:
  void SetUp() override {
    RedisCli::SetUp();
    if (HasFatalFailure()) return;
    std::string stream;
    for (int i = 0; i < 300; ++i) {
      std::string key = "user:" + std::to_string(i);
      stream += Resp({"SET", key, "x"});
      users_.push_back(key);
    }
    for (int i = 0; i < 200; ++i) {
      std::string key = "session:" + std::to_string(i);
      stream += Resp({"SET", key, "x"});
      sessions_.push_back(key);
    }
    ASSERT_NE(Pipe(stream).find("errors: 0, replies: 500"), std::string::npos);
  }

  static std::vector<std::string> Sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  }

  std::vector<std::string> users_, sessions_;
};

TEST_F(RedisCliScan, ScanListsEveryKeyExactlyOnce) {
  std::vector<std::string> all = users_;
  all.insert(all.end(), sessions_.begin(), sessions_.end());
  // SCAN may in general repeat a key; with no writes during the scan and a
  // table that does not resize, each key comes once.
  EXPECT_EQ(Sorted(Lines(Cli("--scan"))), Sorted(all));
}

TEST_F(RedisCliScan, ScanWithAPatternListsOnlyTheMatchingKeys) {
  EXPECT_EQ(Sorted(Lines(Cli("--scan --pattern 'user:*'"))), Sorted(users_));
  EXPECT_EQ(Sorted(Lines(Cli("--scan --pattern 'session:1?'"))),
            Sorted({"session:10", "session:11", "session:12", "session:13", "session:14",
                    "session:15", "session:16", "session:17", "session:18", "session:19"}));
  EXPECT_EQ(Lines(Cli("--scan --pattern 'nothing:*'")), std::vector<std::string>{});
}

}  // namespace
}  // namespace ember::testing::tools
