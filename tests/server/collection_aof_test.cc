// Hashes and sets in the append-only file. A command whose effect is random
// or rounded is logged as what it did, as Redis logs it: SPOP as SREM of the
// members it removed (or DEL when it took the whole set), HINCRBYFLOAT as
// HSET of the value it stored. Replaying the log must rebuild exactly the
// dataset that wrote it. An AOF rewrite without an RDB preamble writes
// hashes as HMSET and sets as SADD.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "persistence/aof_rewrite.h"
#include "protocol/request_parser.h"
#include "tests/support/command_harness.h"
#include "tests/support/matchers.h"

namespace ember::testing {
namespace {

// A directory under /tmp that is the working directory while it lives (the
// server finds its AOF relative to the working directory, as Redis does
// after its chdir to `dir`), removed with its files at the end.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/ember-aof-XXXXXX";
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

std::set<std::string> Members(CommandHarness& h, const std::string& key) {
  std::set<std::string> out;
  protocol::Value reply = h.Run({"SMEMBERS", key});
  for (const auto& e : reply.elements()) out.insert(e.str());
  return out;
}

server::Config AofConfig(const std::string& dir) {
  server::Config config = CommandHarness::DefaultConfig();
  config.dir = dir;
  config.appendonly = true;
  return config;
}

TEST(CollectionAof, ReplayingTheLogRebuildsWhatRandomCommandsDid) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  std::set<std::string> s_before, many_before;
  std::string f_before;
  {
    CommandHarness h(AofConfig(dir.path()));
    ASSERT_EQ(h.server().aof().LoadAtStartup(), "");
    std::vector<std::string> sadd = {"SADD", "s"}, many = {"SADD", "many"};
    for (int i = 0; i < 100; ++i) sadd.push_back("m" + std::to_string(i));
    for (int i = 0; i < 2000; ++i) many.push_back(std::to_string(i));
    h.Run(sadd);
    h.Run(many);
    h.Run({"SPOP", "s"});
    h.Run({"SPOP", "s", "10"});       // a few: removed one by one
    h.Run({"SPOP", "s", "80"});       // most: the rest is kept in a new set
    h.Run({"SPOP", "many", "1500"});  // logged in SREMs of 1024 members
    h.Run({"SADD", "gone", "a", "b"});
    h.Run({"SPOP", "gone", "5"});  // the whole set: logged as DEL
    h.Run({"HSET", "h", "f", "1"});
    for (int i = 0; i < 10; ++i) h.Run({"HINCRBYFLOAT", "h", "f", "0.1"});
    h.server().aof().Flush();
    s_before = Members(h, "s");
    many_before = Members(h, "many");
    f_before = h.Run({"HGET", "h", "f"}).str();
    ASSERT_EQ(s_before.size(), 9u);
    ASSERT_EQ(many_before.size(), 500u);
  }
  CommandHarness replay(AofConfig(dir.path()));
  ASSERT_EQ(replay.server().aof().LoadAtStartup(), "");
  EXPECT_EQ(Members(replay, "s"), s_before);
  EXPECT_EQ(Members(replay, "many"), many_before);
  EXPECT_THAT(replay.Run({"EXISTS", "gone"}), IsInt(0));
  EXPECT_THAT(replay.Run({"HGET", "h", "f"}), IsBulk(f_before));
}

TEST(CollectionAof, ARewriteWithoutPreambleWritesHmsetAndSadd) {
  CommandHarness h;
  std::vector<std::string> hset = {"HSET", "h"};
  for (int i = 0; i < 600; ++i) {  // a hash table, and several HMSETs of 64 pairs
    hset.push_back("f" + std::to_string(i));
    hset.push_back(std::to_string(i));
  }
  h.Run(hset);
  h.Run({"SADD", "ints", "1", "2", "3"});
  h.Run({"SADD", "strs", "a", "b"});
  h.Run({"PEXPIRE", "strs", "100000"});
  persistence::StringSink sink;
  std::string error;
  ASSERT_TRUE(persistence::WriteAofRewrite(h.server().keyspace(), &sink, &error)) << error;

  // Replay the rewrite's commands into a fresh server.
  CommandHarness fresh;
  protocol::RequestParser parser;
  std::string_view input = sink.str();
  std::vector<std::string> names;
  while (!input.empty()) {
    ASSERT_EQ(parser.Parse(input, {}), protocol::RequestParser::Result::kCommand);
    std::vector<std::string> argv(parser.args().begin(), parser.args().end());
    names.push_back(argv[0]);
    fresh.Run(argv);
    input.remove_prefix(parser.consumed());
  }
  EXPECT_EQ(std::count(names.begin(), names.end(), "HMSET"), 10);
  EXPECT_EQ(std::count(names.begin(), names.end(), "SADD"), 2);
  EXPECT_THAT(fresh.Run({"HLEN", "h"}), IsInt(600));
  EXPECT_THAT(fresh.Run({"HGET", "h", "f599"}), IsBulk("599"));
  EXPECT_THAT(fresh.Run({"OBJECT", "ENCODING", "h"}), IsBulk("hashtable"));
  EXPECT_EQ(Members(fresh, "ints"), (std::set<std::string>{"1", "2", "3"}));
  EXPECT_THAT(fresh.Run({"OBJECT", "ENCODING", "ints"}), IsBulk("intset"));
  EXPECT_EQ(Members(fresh, "strs"), (std::set<std::string>{"a", "b"}));
  EXPECT_THAT(fresh.Run({"TTL", "strs"}), IsInt(100));
}

}  // namespace
}  // namespace ember::testing
