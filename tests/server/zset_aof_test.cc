// Sorted sets in the append-only file. A command is logged as it was sent
// unless replaying it as sent could do something else: BZPOPMIN/BZPOPMAX
// (served at once, or later when a key was filled) are logged as the
// ZPOPMIN/ZPOPMAX they amounted to, ZMPOP and BZMPOP as ZPOPMIN/ZPOPMAX of
// the key they popped from with the number popped, exactly as Redis 7.0
// logs them; ZRANDMEMBER changes nothing and is not logged. An AOF rewrite
// without an RDB preamble writes each sorted set as ZADDs of 64 pairs, each
// score as "%.17g" so that it parses back to the same double.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "persistence/aof_rewrite.h"
#include "protocol/request_parser.h"
#include "tests/support/command_harness.h"
#include "tests/support/matchers.h"

namespace ember::testing {
namespace {

using Command = std::vector<std::string>;

// A directory under /tmp that is the working directory while it lives (the
// server finds its AOF relative to the working directory, as Redis does
// after its chdir to `dir`), removed with its files at the end.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/ember-zaof-XXXXXX";
    path_ = mkdtemp(tmpl) != nullptr ? tmpl : "";
    std::error_code ec;
    previous_ = std::filesystem::current_path(ec);
    if (!path_.empty()) std::filesystem::current_path(path_, ec);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::current_path(previous_, ec);
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::filesystem::path previous_;
};

server::Config AofConfig(const std::string& dir) {
  server::Config config = CommandHarness::DefaultConfig();
  config.dir = dir;
  config.appendonly = true;
  return config;
}

// Every command in a stream of RESP commands.
std::vector<Command> ParseCommands(std::string_view input) {
  std::vector<Command> out;
  protocol::RequestParser parser;
  while (!input.empty()) {
    EXPECT_EQ(parser.Parse(input, {}), protocol::RequestParser::Result::kCommand);
    if (parser.consumed() == 0) break;
    out.emplace_back(parser.args().begin(), parser.args().end());
    input.remove_prefix(parser.consumed());
  }
  return out;
}

std::vector<Command> LoggedCommands(const std::string& dir) {
  std::ifstream in(dir + "/appendonlydir/appendonly.aof.1.incr.aof", std::ios::binary);
  EXPECT_TRUE(in) << "no incr file in " << dir;
  std::stringstream bytes;
  bytes << in.rdbuf();
  return ParseCommands(bytes.str());
}

// A sorted set as ZRANGE ... WITHSCORES shows it, with its encoding.
std::string Dump(CommandHarness& h, const std::string& key) {
  std::string out = h.Run({"OBJECT", "ENCODING", key}).str() + ":";
  protocol::Value v = h.Run({"ZRANGE", key, "0", "-1", "WITHSCORES"});
  for (const auto& e : v.elements()) out += " " + e.str();
  return out;
}

TEST(ZSetAof, PopsAreLoggedAsWhatTheyDidAndReplayToTheSameData) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  std::vector<std::string> keys = {"z", "y", "w", "big"};
  std::map<std::string, std::string> before;
  {
    CommandHarness h(AofConfig(dir.path()));
    ASSERT_EQ(h.server().aof().LoadAtStartup(), "");
    h.Run({"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "6", "f"});
    h.Run({"BZPOPMIN", "nokey", "z", "0"});                    // served at once
    h.Run({"BZPOPMAX", "z", "0"});                             // served at once
    h.Run({"ZMPOP", "2", "nokey", "z", "MIN", "COUNT", "2"});  // from the second key
    h.Run({"ZADD", "y", "1", "a", "2", "b", "3", "c"});
    h.Run({"BZMPOP", "0", "1", "y", "MAX", "COUNT", "10"});  // more than there is: all 3
    h.Run({"ZRANDMEMBER", "z", "2"});                        // reads only

    // Blocked clients, served when the keys are filled.
    server::Client& waiter = h.NewClient();
    server::Client& mwaiter = h.NewClient();
    EXPECT_THAT(h.RunAs(waiter, {"BZPOPMAX", "w", "0"}), IsError("NO REPLY"));
    EXPECT_THAT(h.RunAs(mwaiter, {"BZMPOP", "0", "1", "big", "MIN", "COUNT", "3"}),
                IsError("NO REPLY"));
    h.Run({"ZADD", "w", "1", "a", "2", "b"});
    std::vector<std::string> big = {"ZADD", "big"};
    for (int i = 0; i < 200; ++i) {
      big.push_back(std::to_string(i * 0.1));
      big.push_back("m" + std::to_string(i));
    }
    h.Run(big);
    EXPECT_EQ(h.TakeReply(waiter).elements().size(), 3u);
    EXPECT_EQ(h.TakeReply(mwaiter).elements().size(), 2u);
    h.Run({"ZPOPMIN", "nokey", "3"});  // changes nothing: not logged
    h.server().aof().Flush();
    for (const std::string& k : keys) before[k] = Dump(h, k);
  }

  std::vector<Command> logged = LoggedCommands(dir.path());
  std::vector<Command> want = {
      {"SELECT", "0"},
      {"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "6", "f"},
      {"ZPOPMIN", "z"},
      {"ZPOPMAX", "z"},
      {"ZPOPMIN", "z", "2"},
      {"ZADD", "y", "1", "a", "2", "b", "3", "c"},
      {"ZPOPMAX", "y", "3"},
      {"ZADD", "w", "1", "a", "2", "b"},
      {"ZPOPMAX", "w"},
  };
  ASSERT_EQ(logged.size(), want.size() + 2) << "the big ZADD and its ZPOPMIN";
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(logged[i], want[i]) << i;
  EXPECT_EQ(logged[want.size()][0], "ZADD");
  EXPECT_EQ(logged[want.size() + 1], (Command{"ZPOPMIN", "big", "3"}));

  CommandHarness replay(AofConfig(dir.path()));
  ASSERT_EQ(replay.server().aof().LoadAtStartup(), "");
  for (const std::string& k : keys) EXPECT_EQ(Dump(replay, k), before[k]) << k;
  EXPECT_THAT(replay.Run({"EXISTS", "y"}), IsInt(0));
  EXPECT_THAT(replay.Run({"ZCARD", "big"}), IsInt(197));
}

TEST(ZSetAof, ARewriteWithoutPreambleWritesZaddsThatKeepEveryScore) {
  CommandHarness h;
  h.Run({"ZADD", "small", "1", "a", "2.5", "b", "-3", "c", "+inf", "top", "-inf", "bottom"});
  h.Run({"ZADD", "small", "0.1", "tenth", "1e-300", "tiny", "5e-324", "denormal"});
  h.Run({"ZINCRBY", "small", "0.2", "tenth"});  // 0.30000000000000004
  h.Run({"PEXPIRE", "small", "100000"});
  std::vector<std::string> big = {"ZADD", "big"};
  for (int i = 0; i < 200; ++i) {  // a skiplist, and four ZADDs of at most 64 pairs
    big.push_back(std::to_string(i) + ".125");
    big.push_back("member" + std::to_string(i));
  }
  h.Run(big);
  persistence::StringSink sink;
  std::string error;
  ASSERT_TRUE(persistence::WriteAofRewrite(h.server().keyspace(), &sink, &error)) << error;

  CommandHarness fresh;
  std::vector<Command> commands = ParseCommands(sink.str());
  int zadds = 0;
  for (const Command& argv : commands) {
    if (argv[0] == "ZADD") {
      ++zadds;
      EXPECT_LE(argv.size(), 2u + 2 * 64);
    }
    fresh.Run(argv);
  }
  EXPECT_EQ(zadds, 1 + 4);
  EXPECT_EQ(Dump(fresh, "small"), Dump(h, "small"));
  EXPECT_EQ(Dump(fresh, "big"), Dump(h, "big"));
  EXPECT_THAT(fresh.Run({"OBJECT", "ENCODING", "big"}), IsBulk("skiplist"));
  EXPECT_THAT(fresh.Run({"ZSCORE", "small", "tenth"}), IsBulk("0.30000000000000004"));
  EXPECT_THAT(fresh.Run({"ZSCORE", "small", "denormal"}), IsBulk("4.9406564584124654e-324"));
  EXPECT_THAT(fresh.Run({"ZSCORE", "small", "top"}), IsBulk("inf"));
  EXPECT_THAT(fresh.Run({"TTL", "small"}), IsInt(100));
}

}  // namespace
}  // namespace ember::testing
