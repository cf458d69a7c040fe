// Hashes, sets and sorted sets cross between Redis 7.0 and Ember in RDB
// files, both ways: a file a real redis-server saved loads into Ember with the same
// contents (and the encodings Ember gives them), and a file Ember wrote
// loads into redis-server with the same contents and the encodings Redis
// 7.0 gives them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "persistence/rdb.h"
#include "storage/clock.h"
#include "storage/hash_ops.h"
#include "storage/keyspace.h"
#include "storage/numbers.h"
#include "storage/set_ops.h"
#include "storage/zset.h"
#include "storage/zset_ops.h"
#include "tests/support/command_harness.h"
#include "tests/support/net_support.h"

namespace ember::testing {
namespace {

using Strings = std::vector<std::string>;

// A directory under /tmp, removed (with the files the test made) at the end.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/ember-rdb-XXXXXX";
    path_ = mkdtemp(tmpl) != nullptr ? tmpl : "";
  }
  ~TempDir() {
    for (const char* f : {"dump.rdb", "redis.log"}) std::remove((path_ + "/" + f).c_str());
    rmdir(path_.c_str());
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::vector<std::string> RedisArgs(const std::string& dir) {
  return {"--save", "",  "--appendonly", "no",      "--bind", "127.0.0.1",
          "--dir",  dir, "--dbfilename", "dump.rdb"};
}

// The data set: each encoding of each type.
std::vector<Strings> Commands() {
  std::vector<Strings> cmds = {
      {"HSET", "hash:small", "name", "ada", "born", "1815", "empty", ""},
      {"SADD", "set:ints", "3", "-1", "70000", "9223372036854775807"},
      {"SADD", "set:small", "a", "1", "b"},
      {"ZADD", "zset:small", "1", "a", "2.5", "b", "-3", "c", "+inf", "top", "-inf", "bottom",
       "0.1", "12"},
      {"ZADD", "zset:long", "1", std::string(100, 'z'), "2", "short"},
  };
  Strings big_hash = {"HSET", "hash:big"};
  Strings long_value = {"HSET", "hash:long", "f", std::string(100, 'v')};
  Strings big_set = {"SADD", "set:big"};
  Strings many_ints = {"SADD", "set:manyints"};
  Strings big_zset = {"ZADD", "zset:big"};
  for (int i = 0; i < 600; ++i) {  // past hash-max-listpack-entries (512)
    big_hash.push_back("field" + std::to_string(i));
    big_hash.push_back(std::to_string(i * 7));
    big_set.push_back("m" + std::to_string(i));
  }
  for (int i = 0; i < 600; ++i) many_ints.push_back(std::to_string(i));
  for (int i = 0; i < 300; ++i) {  // past zset-max-listpack-entries (128)
    big_zset.push_back(std::to_string(i / 7.0));
    big_zset.push_back("m" + std::to_string(i));
  }
  cmds.push_back(big_hash);
  cmds.push_back(long_value);
  cmds.push_back(big_set);
  cmds.push_back(many_ints);
  cmds.push_back(big_zset);
  return cmds;
}

// What a key holds, as text read over RESP: sorted for a hash or a set, in
// rank order with scores for a sorted set.
std::string Describe(RawClient& c, const std::string& key) {
  protocol::Value type = c.Call({"TYPE", key});
  if (type.str() == "zset") {
    protocol::Value v = c.Call({"ZRANGE", key, "0", "-1", "WITHSCORES"});
    std::string out = "zset:";
    for (size_t i = 0; i + 1 < v.elements().size(); i += 2) {
      out += " " + v.elements()[i].str() + "=" + v.elements()[i + 1].str();
    }
    return out;
  }
  protocol::Value v = c.Call({type.str() == "hash" ? "HGETALL" : "SMEMBERS", key});
  std::vector<std::string> items;
  for (const auto& e : v.elements()) items.push_back(e.str());
  if (type.str() == "hash") {
    std::vector<std::string> pairs;
    for (size_t i = 0; i + 1 < items.size(); i += 2) pairs.push_back(items[i] + "=" + items[i + 1]);
    items = pairs;
  }
  std::sort(items.begin(), items.end());
  std::string out = type.str() + ":";
  for (const std::string& s : items) out += " " + s;
  return out;
}

// The same, read from an Ember keyspace.
std::string Describe(storage::Keyspace& ks, const std::string& key, std::string* encoding) {
  std::vector<std::string> items;
  std::string type;
  if (auto h = storage::hash::Find(ks.db(0), key); h.ok()) {
    type = "hash";
    *encoding = h->encoding() == storage::Encoding::kListpack ? "listpack" : "hashtable";
    h->ForEach([&items](const storage::hash::Value& f, const storage::hash::Value& v) {
      items.push_back(f.ToString() + "=" + v.ToString());
    });
  } else if (auto s = storage::set::Find(ks.db(0), key); s.ok()) {
    type = "set";
    *encoding = s->encoding() == storage::Encoding::kIntset     ? "intset"
                : s->encoding() == storage::Encoding::kListpack ? "listpack"
                                                                : "hashtable";
    s->ForEach([&items](const storage::set::Value& m) { items.push_back(m.ToString()); });
  } else if (auto z = storage::zset::FindRead(ks.db(0), key); z.ok()) {
    *encoding = z->is_listpack() ? "listpack" : "skiplist";
    std::string out = "zset:";
    storage::zset::ForEach(*z, [&out](std::string_view m, double score) {
      char buf[32];
      out += " " + std::string(m) + "=" + std::string(buf, storage::FormatScore(score, buf));
    });
    return out;
  } else {
    return "missing";
  }
  std::sort(items.begin(), items.end());
  std::string out = type + ":";
  for (const std::string& s : items) out += " " + s;
  return out;
}

const std::map<std::string, std::string> kEmberEncodings = {
    {"hash:small", "listpack"},    {"hash:big", "hashtable"},  {"hash:long", "hashtable"},
    {"set:ints", "intset"},        {"set:small", "listpack"},  {"set:big", "hashtable"},
    {"set:manyints", "hashtable"}, {"zset:small", "listpack"}, {"zset:big", "skiplist"},
    {"zset:long", "skiplist"}};
const std::map<std::string, std::string> kRedis70Encodings = {
    {"hash:small", "listpack"},    {"hash:big", "hashtable"},  {"hash:long", "hashtable"},
    {"set:ints", "intset"},        {"set:small", "hashtable"}, {"set:big", "hashtable"},
    {"set:manyints", "hashtable"}, {"zset:small", "listpack"}, {"zset:big", "skiplist"},
    {"zset:long", "skiplist"}};

TEST(CollectionRdb, AFileRedisSavedLoadsIntoEmber) {
  ASSERT_TRUE(HaveProgram("redis-server")) << "redis-server is not installed";
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  std::map<std::string, std::string> want;
  {
    ServerProcess redis("redis-server", RedisArgs(dir.path()));
    ASSERT_TRUE(redis.started());
    RawClient c(redis.port());
    for (const Strings& cmd : Commands()) ASSERT_EQ(c.Call(cmd).type(), protocol::Type::kInteger);
    for (const auto& [key, enc] : kRedis70Encodings) {
      EXPECT_EQ(c.Call({"OBJECT", "ENCODING", key}).str(), enc) << key;
      want[key] = Describe(c, key);
    }
    ASSERT_EQ(c.Call({"SAVE"}).str(), "OK");
  }
  storage::ManualClock clock;
  storage::Keyspace ks(&clock, 16);
  persistence::RdbLoadResult result;
  bool exists = false;
  std::string error;
  ASSERT_TRUE(persistence::LoadRdbFile(dir.path() + "/dump.rdb", &ks, {}, &result, &exists, &error))
      << error;
  ASSERT_TRUE(exists);
  EXPECT_EQ(result.keys_loaded, want.size());
  for (const auto& [key, description] : want) {
    std::string encoding;
    EXPECT_EQ(Describe(ks, key, &encoding), description) << key;
    EXPECT_EQ(encoding, kEmberEncodings.at(key)) << key;
  }
}

TEST(CollectionRdb, AFileEmberSavedLoadsIntoRedis) {
  ASSERT_TRUE(HaveProgram("redis-server")) << "redis-server is not installed";
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  storage::ManualClock clock;
  storage::Keyspace ks(&clock, 16);
  std::map<std::string, std::string> want;
  for (const Strings& cmd : Commands()) {
    std::vector<std::string_view> args(cmd.begin() + 2, cmd.end());
    if (cmd[0] == "HSET") {
      ASSERT_TRUE(storage::hash::Set(ks.db(0), cmd[1], args).ok());
    } else if (cmd[0] == "ZADD") {
      std::vector<storage::zset::ScoreArg> items;
      for (size_t i = 0; i + 1 < args.size(); i += 2) {
        double score = 0;
        ASSERT_TRUE(storage::StringToDouble(args[i], &score)) << args[i];
        items.push_back({score, args[i + 1]});
      }
      ASSERT_TRUE(storage::zset::Add(ks.db(0), cmd[1], {}, items).ok());
    } else {
      ASSERT_TRUE(storage::set::Add(ks.db(0), cmd[1], args).ok());
    }
  }
  for (const auto& [key, enc] : kEmberEncodings) {
    std::string encoding;
    want[key] = Describe(ks, key, &encoding);
    EXPECT_EQ(encoding, enc) << key;
  }
  persistence::RdbWriteOptions options;
  options.now_ms = clock.NowMs();
  std::string error;
  ASSERT_TRUE(persistence::SaveRdbFile(ks, options, dir.path() + "/dump.rdb", &error)) << error;

  ServerProcess redis("redis-server", RedisArgs(dir.path()));
  ASSERT_TRUE(redis.started()) << "redis-server refused the file Ember wrote";
  RawClient c(redis.port());
  EXPECT_EQ(c.Call({"DBSIZE"}).integer(), static_cast<int64_t>(want.size()));
  for (const auto& [key, description] : want) {
    EXPECT_EQ(Describe(c, key), description) << key;
    EXPECT_EQ(c.Call({"OBJECT", "ENCODING", key}).str(), kRedis70Encodings.at(key)) << key;
  }
}

}  // namespace
}  // namespace ember::testing
