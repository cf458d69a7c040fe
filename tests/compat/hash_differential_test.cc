// Hashes, Ember against a real redis-server 7.0: a seeded random mix of
// every hash command and option over a few keys (plus a string and a list
// key, for WRONGTYPE), replies compared byte for byte. Hashes grow past 128
// fields and get long fields and values, so both encodings and the
// conversions between them are exercised; OBJECT ENCODING must agree too.
//
// HGETALL/HKEYS/HVALS of a hash table compare as multisets (bucket order
// is Redis's hash function's business), HSCAN of one iterates to the end on
// each server, and HRANDFIELD is checked by what it returns, not which.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "tests/compat/collection_diff.h"

namespace ember::testing {
namespace {

using diff::Checker;
using diff::ServerPair;
using Cmd = std::vector<std::string>;

class HashDiff {
 public:
  HashDiff(ServerPair& servers, Checker& check, uint64_t seed)
      : s_(servers), check_(check), rng_(seed) {}

  void Setup() {
    Exact({"FLUSHALL"});
    Exact({"SET", "str", "x"});
    Exact({"RPUSH", "lst", "a", "b"});
  }

  // What the run exercised, printed at the end.
  std::map<std::string, int> stats;

  void Step(int i) {
    if (i % 500 == 499) Setup();
    uint64_t r = rng_() % 100;
    if (r < 14) return HSet("HSET");
    if (r < 16) return HSetBulk();
    if (r < 19) return HSet("HMSET");
    if (r < 23) return Exact({"HSETNX", Key(), Field(), Value()});
    if (r < 31) return Exact({"HGET", Key(), Field()});
    if (r < 35) return Exact(WithFields({"HMGET", Key()}, 1 + rng_() % 4));
    if (r < 39) return Exact({"HEXISTS", Key(), Field()});
    if (r < 42) return Exact({"HLEN", Key()});
    if (r < 45) return Exact({"HSTRLEN", Key(), Field()});
    if (r < 53) return Exact(WithFields({"HDEL", Key()}, 1 + rng_() % 3));
    if (r < 54) return HDelBulk();
    if (r < 60) return Exact({"HINCRBY", Key(), Field(), Pick(kIncrements)});
    if (r < 66) return Exact({"HINCRBYFLOAT", Key(), Field(), Pick(kFloatIncrements)});
    if (r < 70) return GetAll("HGETALL");
    if (r < 72) return GetAll("HKEYS");
    if (r < 74) return GetAll("HVALS");
    if (r < 80) return HRandField();
    if (r < 85) return HScan();
    if (r < 89) return Exact({"OBJECT", "ENCODING", Key()});
    if (r < 90) return Exact({"DEL", Key()});
    if (r < 91) return Exact({"TYPE", Key()});
    if (r < 93) return ToggleResp();
    if (r < 95) return Errors();
    return Exact({"EXISTS", Key()});
  }

 private:
  static inline const std::vector<std::string> kIncrements = {
      "1", "-3", "100", "0", "9223372036854775807", "-9223372036854775808", "x", "1.5", "+1"};
  static inline const std::vector<std::string> kFloatIncrements = {
      "1.5",   "-0.25", "1e3",   "10.50",  "abc",  "inf", "-inf",
      "5.0e3", "0",     "1e308", "-1e308", "0x10", " 1",  "3"};

  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[rng_() % v.size()];
  }

  std::string Key() {
    uint64_t r = rng_() % 100;
    if (r < 3) return "str";
    if (r < 5) return "lst";
    if (r < 7) return "missing";
    return "h" + std::to_string(rng_() % 4);
  }

  std::string Field() {
    uint64_t r = rng_() % 100;
    if (r < 60) return "f" + std::to_string(rng_() % 12);
    if (r < 70) return Pick(std::vector<std::string>{"1", "-5", "007", "", "9223372036854775807"});
    if (r < 98) return "g" + std::to_string(rng_() % 200);
    return std::string(r < 99 ? 64 : 65, 'F');
  }

  std::string Value() {
    uint64_t r = rng_() % 100;
    if (r < 70) {
      return Pick(std::vector<std::string>{"v", "hello", "0", "1", "-1", "12345", "3.5", "1e3",
                                           "abc", "9223372036854775807", "-9223372036854775808", "",
                                           "10.5", "007"});
    }
    if (r < 98) return "val" + std::to_string(rng_() % 1000);
    return std::string(r < 99 ? 64 : 65, 'V');
  }

  Cmd WithFields(Cmd cmd, size_t n) {
    for (size_t i = 0; i < n; ++i) cmd.push_back(Field());
    return cmd;
  }

  ServerPair::Replies Send(const Cmd& cmd) {
    check_.Record(cmd);
    return s_.Send(cmd);
  }
  void Exact(const Cmd& cmd) {
    check_.Same(cmd, Send(cmd));
    // After a write, the encodings must still agree: a conversion at the
    // wrong moment shows up here, on the command that caused it.
    static const std::set<std::string> kWrites = {"HSET", "HMSET",   "HSETNX",
                                                  "HDEL", "HINCRBY", "HINCRBYFLOAT"};
    if (kWrites.count(cmd[0]) != 0 && cmd.size() > 1) {
      Cmd enc = {"OBJECT", "ENCODING", cmd[1]};
      ServerPair::Replies r = s_.Send(enc);
      if (r.redis != r.ember) {
        check_.Mismatch("encodings differ after the write", cmd, r.redis, r.ember);
      }
      ++stats["write leaving a " + diff::Shorten(r.ember)];
    }
  }

  void HSet(const char* name) {
    Cmd cmd = {name, Key()};
    for (uint64_t n = 1 + rng_() % 3; n > 0; --n) {
      cmd.push_back(Field());
      cmd.push_back(Value());
    }
    Exact(cmd);
  }

  // Enough fields at once to cross hash-max-listpack-entries (128).
  void HSetBulk() {
    Cmd cmd = {"HSET", "h" + std::to_string(rng_() % 4)};
    int start = static_cast<int>(rng_() % 200);
    for (int n = 40 + static_cast<int>(rng_() % 60); n > 0; --n) {
      cmd.push_back("g" + std::to_string(start++ % 200));
      cmd.push_back(Value());
    }
    Exact(cmd);
  }

  void HDelBulk() {
    Cmd cmd = {"HDEL", "h" + std::to_string(rng_() % 4)};
    for (int n = 20 + static_cast<int>(rng_() % 150); n > 0; --n) {
      cmd.push_back("g" + std::to_string(rng_() % 200));
    }
    Exact(cmd);
  }

  // OBJECT ENCODING on both servers (compared: hash encodings agree).
  std::string Encoding(const std::string& key) {
    Cmd cmd = {"OBJECT", "ENCODING", key};
    ServerPair::Replies r = Send(cmd);
    check_.Same(cmd, r);
    protocol::Value v = ParseOne(r.ember);
    return v.type() == protocol::Type::kBulkString ? v.str() : "";
  }

  void GetAll(const char* name) {
    std::string key = Key();
    bool ordered = Encoding(key) != "hashtable";
    ++stats[ordered ? "getall compared exactly" : "getall of a hash table, order ignored"];
    Cmd cmd = {name, key};
    ServerPair::Replies r = Send(cmd);
    ordered ? check_.Same(cmd, r) : check_.SameUnordered(cmd, r);
  }

  // The hash as Ember holds it (equal to Redis's, by the other checks).
  std::map<std::string, std::string> Contents(const std::string& key) {
    protocol::Value v = ParseOne(s_.SendEmber({"HGETALL", key}));
    std::map<std::string, std::string> out;
    if (!v.IsAggregate()) return out;
    for (size_t i = 0; i + 1 < v.elements().size(); i += 2) {
      out[v.elements()[i].str()] = v.elements()[i + 1].str();
    }
    return out;
  }

  // Checks one server's HRANDFIELD reply against the hash's contents.
  void CheckRandField(const Cmd& cmd, const std::string& reply,
                      const std::map<std::string, std::string>& hash, bool has_count, int64_t count,
                      bool with_values, const char* who) {
    protocol::Value v = ParseOne(reply);
    auto fail = [&](const std::string& why) {
      check_.Fail(std::string(who) + " HRANDFIELD " + why, cmd, diff::Shorten(reply));
    };
    if (!has_count) {
      if (hash.empty() ? v.type() != protocol::Type::kNullBulk && v.type() != protocol::Type::kNull
                       : hash.count(v.str()) == 0) {
        fail("returned a field not in the hash");
      }
      return;
    }
    if (v.type() != protocol::Type::kArray) return fail("is not an array");
    size_t want =
        count < 0 ? static_cast<size_t>(-count) : std::min(static_cast<size_t>(count), hash.size());
    if (hash.empty()) want = 0;
    std::vector<std::pair<std::string, std::string>> got;
    const auto& e = v.elements();
    if (with_values && !e.empty() && e[0].type() == protocol::Type::kArray) {  // RESP3 pairs
      for (const auto& p : e) got.emplace_back(p.elements()[0].str(), p.elements()[1].str());
    } else if (with_values) {
      for (size_t i = 0; i + 1 < e.size(); i += 2) got.emplace_back(e[i].str(), e[i + 1].str());
    } else {
      for (const auto& f : e) got.emplace_back(f.str(), "");
    }
    if (got.size() != want) return fail("returned " + std::to_string(got.size()) + " fields");
    std::set<std::string> distinct;
    for (const auto& [f, val] : got) {
      auto it = hash.find(f);
      if (it == hash.end()) return fail("returned a field not in the hash");
      if (with_values && it->second != val) return fail("returned a wrong value");
      distinct.insert(f);
    }
    if (count > 0 && distinct.size() != got.size()) fail("repeated a field for a positive count");
  }

  void HRandField() {
    std::string key = Key();
    if (key == "str" || key == "lst" || rng_() % 10 == 0) {
      // Types and argument errors compare exactly.
      Cmd cmd = {"HRANDFIELD", key};
      Cmd args = Pick(std::vector<Cmd>{{"x"},
                                       {"-9223372036854775808"},
                                       {"1", "WITHVALUE"},
                                       {"1", "WITHVALUES", "x"},
                                       {"-4611686018427387904", "WITHVALUES"},
                                       {"4611686018427387904", "WITHVALUES"}});
      cmd.insert(cmd.end(), args.begin(), args.end());
      return Exact(cmd);
    }
    std::map<std::string, std::string> hash = Contents(key);
    ++stats[hash.size() > 128 ? "hrandfield on a hash table" : "hrandfield on a listpack"];
    Cmd cmd = {"HRANDFIELD", key};
    bool has_count = rng_() % 4 != 0;
    int64_t count = 0;
    bool with_values = false;
    if (has_count) {
      count = Pick(std::vector<int64_t>{-5, -1, 0, 1, 2, 3, 5, 10, 100, 300, -200});
      cmd.push_back(std::to_string(count));
      if (rng_() % 2) {
        with_values = true;
        cmd.push_back("WITHVALUES");
      }
    }
    ServerPair::Replies r = Send(cmd);
    CheckRandField(cmd, r.redis, hash, has_count, count, with_values, "redis");
    CheckRandField(cmd, r.ember, hash, has_count, count, with_values, "ember");
  }

  // All of HSCAN key ... until the cursor comes back to 0, on one server.
  std::multimap<std::string, std::string> ScanToEnd(bool redis, const Cmd& options,
                                                    const std::string& key, bool* ok) {
    std::multimap<std::string, std::string> seen;
    std::string cursor = "0";
    for (int calls = 0; calls < 100000; ++calls) {
      Cmd cmd = {"HSCAN", key, cursor};
      cmd.insert(cmd.end(), options.begin(), options.end());
      protocol::Value v = ParseOne(redis ? s_.SendRedis(cmd) : s_.SendEmber(cmd));
      if (v.type() != protocol::Type::kArray || v.elements().size() != 2) break;
      const auto& items = v.elements()[1].elements();
      for (size_t i = 0; i + 1 < items.size(); i += 2) {
        seen.emplace(items[i].str(), items[i + 1].str());
      }
      cursor = v.elements()[0].str();
      if (cursor == "0") {
        *ok = true;
        return seen;
      }
    }
    *ok = false;
    return seen;
  }

  void HScan() {
    std::string key = Key();
    Cmd options;
    uint64_t r = rng_() % 10;
    if (r < 3) options = {"COUNT", Pick(std::vector<std::string>{"1", "5", "100"})};
    if (r >= 3 && r < 6) {
      options = {"MATCH", Pick(std::vector<std::string>{"f*", "*1*", "g1?", "", "[fg]2"})};
    }
    if (r == 6) options = {"MATCH", "f*", "COUNT", "3"};
    if (r == 7) {
      options = Pick(std::vector<Cmd>{{"COUNT", "0"}, {"COUNT", "x"}, {"TYPE", "hash"}, {"MATCH"}});
    }
    std::string enc = Encoding(key);
    if (enc != "hashtable") {
      // A listpack answers whole, so the bytes must match (errors too).
      Cmd cmd = {"HSCAN", key, r == 8 ? "abc" : "0"};
      cmd.insert(cmd.end(), options.begin(), options.end());
      return Exact(cmd);
    }
    if (r == 7) options.clear();
    ++stats["hscan iterations of a hash table"];
    Cmd shown = {"HSCAN", key, "<to the end>"};
    shown.insert(shown.end(), options.begin(), options.end());
    check_.Record(shown);
    bool redis_ok = false, ember_ok = false;
    auto a = ScanToEnd(true, options, key, &redis_ok);
    auto b = ScanToEnd(false, options, key, &ember_ok);
    // Fields seen twice (possible only across a rehash) count once.
    std::map<std::string, std::string> ra(a.begin(), a.end()), eb(b.begin(), b.end());
    if (!redis_ok || !ember_ok || ra != eb) {
      check_.Fail("HSCAN iterations differ", shown,
                  std::to_string(ra.size()) + " fields from redis, " + std::to_string(eb.size()) +
                      " from ember");
    }
  }

  void ToggleResp() {
    resp3_ = !resp3_;
    Cmd cmd = {"HELLO", resp3_ ? "3" : "2"};
    Send(cmd);  // the HELLO replies differ by design (server name, client id)
  }

  void Errors() {
    Exact(Pick(std::vector<Cmd>{{"HSET", Key(), "f"},
                                {"HSET", Key(), "f", "v", "g"},
                                {"HMSET", Key(), "f", "v", "g"},
                                {"HGET", Key()},
                                {"HINCRBY", Key(), "f"},
                                {"HSTRLEN", Key(), "f", "g"}}));
  }

  ServerPair& s_;
  Checker& check_;
  std::mt19937_64 rng_;
  bool resp3_ = false;
};

TEST(HashDifferential, RandomCommandsMatchRedis) {
  ASSERT_TRUE(HaveProgram("redis-server"))
      << "redis-server is not installed: the differential tests need it";
  ServerPair servers;
  ASSERT_TRUE(servers.ok()) << "could not start redis-server and Ember";
  uint64_t seed = diff::SeedFromEnv();
  Checker check(seed);
  HashDiff gen(servers, check, seed);
  gen.Setup();
  const char* env = std::getenv("EMBER_DIFF_COMMANDS");
  int commands = env != nullptr ? std::atoi(env) : 20000;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < commands && !check.too_many(); ++i) gen.Step(i);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("[ diff ] %d hash commands in %.1f s, %d mismatches\n", commands, secs,
              check.failures());
  for (const auto& [what, n] : gen.stats) std::printf("[ diff ]   %6d %s\n", n, what.c_str());
  EXPECT_EQ(check.failures(), 0);
}

}  // namespace
}  // namespace ember::testing
