// Files cross between Ember and a real Redis 7.0 in both directions, for
// every type in every encoding: Redis loads Ember's RDB and its multi-part
// AOF (plain RESP, or with an RDB preamble after a rewrite) and holds
// exactly the same keyspace, values, encodings and deadlines; Ember loads
// the files Redis writes to exactly the same keyspace again.
//
// The same dataset is also built directly in both servers first: Ember
// picks the same encodings Redis picks for the same commands, so the
// comparisons below are about the files, not about encoding choices.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/durability/durability_fixture.h"
#include "tests/support/dataset.h"
#include "tests/support/matchers.h"

namespace ember::testing {
namespace {

class Interop : public Durability {
 protected:
  void SetUp() override {
    Durability::SetUp();
    ASSERT_TRUE(HaveProgram("redis-server"))
        << "redis-server is needed (apt-get install redis-server)";
  }

  void Load() {
    for (const std::vector<std::string>& cmd : EveryTypeAndEncoding()) {
      protocol::Value reply = Call(cmd);
      ASSERT_NE(reply.type(), protocol::Type::kError) << cmd[0] << ": " << reply.str();
    }
  }

  std::string Dump() {
    return DumpKeyspace([this](const std::vector<std::string>& args) { return Call(args); },
                        {.databases = 16, .exact_deadlines = true});
  }

  // The dataset as Redis itself builds it from the same commands.
  std::string RedisBuilt() {
    StartRedis({"--save", "", "--appendonly", "no"});
    Load();
    std::string dump = Dump();
    // Every encoding is really there, so a match below means something.
    for (const char* line :
         {"key=str:int type=string encoding=int", "key=str:raw type=string encoding=raw",
          "key=list:big type=list encoding=quicklist", "key=hash:small type=hash encoding=listpack",
          "key=hash:big type=hash encoding=hashtable", "key=set:ints type=set encoding=intset",
          "key=set:manyints type=set encoding=hashtable",
          "key=zset:small type=zset encoding=listpack",
          "key=zset:big type=zset encoding=skiplist deadline=4102444800789",
          "db=3 key=db3:key type=string"}) {
      EXPECT_THAT(dump, ::testing::HasSubstr(line));
    }
    Call({"FLUSHALL"});
    Call({"SHUTDOWN", "NOSAVE"});
    return dump;
  }
};

TEST_F(Interop, EmberBuildsTheDatasetWithRedissEncodings) {
  std::string redis = RedisBuilt();
  Start({"--save", ""});
  Load();
  EXPECT_EQ(Dump(), redis);
}

TEST_F(Interop, RdbFilesCrossBothWaysWithEveryTypeAndEncoding) {
  std::string expected = RedisBuilt();

  Start({"--save", ""});
  Load();
  ASSERT_THAT(Call({"SAVE"}), IsOk());
  Call({"SHUTDOWN", "NOSAVE"});

  StartRedis({"--save", "", "--appendonly", "no"});
  EXPECT_EQ(Dump(), expected) << "Redis reading Ember's dump.rdb";
  ASSERT_THAT(Call({"SAVE"}), IsOk());
  Call({"SHUTDOWN", "NOSAVE"});

  Start({"--save", ""});
  EXPECT_EQ(Dump(), expected) << "Ember reading Redis's dump.rdb";
}

TEST_F(Interop, AofFilesCrossBothWaysWithEveryTypeAndEncoding) {
  std::string expected = RedisBuilt();

  // Ember's incremental file: the commands as RESP.
  Start({"--save", "", "--appendonly", "yes", "--appendfsync", "always"});
  Load();
  Call({"SHUTDOWN", "NOSAVE"});
  StartRedis({"--save", "", "--appendonly", "yes"});
  EXPECT_EQ(Dump(), expected) << "Redis reading Ember's RESP AOF";

  // Redis's rewrite: a base file with an RDB preamble.
  ASSERT_THAT(Call({"BGREWRITEAOF"}), IsSimple("Background append only file rewriting started"));
  WaitForChildren();
  Call({"SHUTDOWN", "NOSAVE"});
  Start({"--save", "", "--appendonly", "yes"});
  EXPECT_EQ(Dump(), expected) << "Ember reading Redis's RDB-preamble AOF";

  // Ember's rewrite without a preamble: the base is RESP written from the
  // keyspace (ZADD batches, HSET, RPUSH ...).
  ASSERT_THAT(Call({"CONFIG", "SET", "aof-use-rdb-preamble", "no"}), IsOk());
  Call({"BGREWRITEAOF"});
  WaitForChildren();
  Call({"SHUTDOWN", "NOSAVE"});
  StartRedis({"--save", "", "--appendonly", "yes"});
  EXPECT_EQ(Dump(), expected) << "Redis reading Ember's RESP base";

  // And Ember's rewrite with the preamble.
  Call({"SHUTDOWN", "NOSAVE"});
  Start({"--save", "", "--appendonly", "yes", "--aof-use-rdb-preamble", "yes"});
  Call({"BGREWRITEAOF"});
  WaitForChildren();
  Call({"SHUTDOWN", "NOSAVE"});
  StartRedis({"--save", "", "--appendonly", "yes"});
  EXPECT_EQ(Dump(), expected) << "Redis reading Ember's RDB-preamble base";
}

}  // namespace
}  // namespace ember::testing
