// Random command streams, the same for Redis and Ember, compared reply by
// reply. A small key space (20 keys, 4 databases) makes commands collide on
// the same keys all the time; values are sometimes integers, sometimes
// floats, sometimes text, so every numeric command meets every kind of
// string; options are drawn from the valid and the invalid alike.
//
// The stream is a pure function of the seed. The seed is printed; to replay
// a failure, set EMBER_COMPAT_SEED=<seed> (and EMBER_COMPAT_COMMANDS to change
// the length).
//
// Time: every expiry is either far in the future (days) or in the past, so
// nothing expires during a run and no reply depends on the millisecond a
// command ran in. Relative TTLs (EXPIRE 100000) set a few microseconds apart
// on the two servers differ by those microseconds, so GT and LT, which
// compare expiry times, are only used with absolute times; TTL and PTTL are
// compared with a tolerance.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "tests/compat/compat.h"

namespace ember::testing::compat {
namespace {

class Generator {
 public:
  Generator(uint64_t seed, int64_t now_s, std::vector<Collection> collections)
      : rng_(seed), now_s_(now_s), collections_(std::move(collections)) {}

  Step Next() {
    // Weighted choice: the commands that change values come often, so the
    // reads have interesting values to read.
    struct Choice {
      int weight;
      Step (Generator::*make)();
    };
    static const Choice kChoices[] = {
        {10, &Generator::Set},        {8, &Generator::Get},        {3, &Generator::Del},
        {3, &Generator::Exists},      {8, &Generator::Counter},    {4, &Generator::IncrByFloat},
        {4, &Generator::Append},      {2, &Generator::Strlen},     {3, &Generator::GetRange},
        {3, &Generator::SetRange},    {3, &Generator::MultiSet},   {2, &Generator::MultiGet},
        {3, &Generator::GetSetDelEx}, {6, &Generator::Expire},     {4, &Generator::Ttl},
        {2, &Generator::Persist},     {2, &Generator::Rename},     {2, &Generator::Copy},
        {2, &Generator::Type},        {3, &Generator::Encoding},   {1, &Generator::DbSize},
        {2, &Generator::Select},      {1, &Generator::Move},       {1, &Generator::SwapDb},
        {1, &Generator::Keys},        {1, &Generator::Collection}, {1, &Generator::SetNxEx},
    };
    int total = 0;
    for (const Choice& c : kChoices) total += c.weight;
    int r = Uniform(0, total - 1);
    for (const Choice& c : kChoices) {
      if (r < c.weight) return (this->*c.make)();
      r -= c.weight;
    }
    return Get();
  }

  // Rare (it iterates to the end on both servers, without pipelining).
  Step Scan() {
    std::vector<std::string> args = {"SCAN", "0"};
    if (Chance(50)) args.insert(args.end(), {"MATCH", Pick({"k1*", "k?", "*", "k[0-4]"})});
    if (Chance(50)) args.insert(args.end(), {"COUNT", Pick({"1", "3", "100"})});
    if (Chance(20)) args.insert(args.end(), {"TYPE", Pick({"string", "list", "none"})});
    return {args, Compare::kScanAll};
  }

 private:
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(int percent) { return Uniform(0, 99) < percent; }
  std::string Pick(std::initializer_list<const char*> options) {
    return *(options.begin() + Uniform(0, static_cast<int>(options.size()) - 1));
  }

  std::string Key() { return "k" + std::to_string(Uniform(0, 19)); }

  std::string Letters(int lo, int hi) {
    std::string s(static_cast<size_t>(Uniform(lo, hi)), 'a');
    for (char& c : s) c = static_cast<char>('a' + Uniform(0, 25));
    return s;
  }

  std::string Value() {
    switch (Uniform(0, 9)) {
      case 0:
      case 1:
        return std::to_string(Uniform(-100, 100));
      case 2:
        return Pick({"0", "-1", "9223372036854775807", "-9223372036854775808",
                     "9223372036854775808", "007", "-0", "+5", " 3", "12345678901234567890"});
      case 3:
        return std::to_string(Uniform(-1000, 1000)) + "." + std::to_string(Uniform(0, 99));
      case 4:
        return Pick({"1.5", "-0.25", "3e2", "1.0", ".5", "5.", "1e-3", "inf", "nan", "0x10",
                     "1.7976931348623157e308"});
      case 5:
        return Pick({"", "a b", "x\r\ny", "a value longer than forty-four bytes, so raw"});
      default:
        return Letters(1, 12);
    }
  }

  std::string Increment() {
    switch (Uniform(0, 4)) {
      case 0:
        return Pick({"9223372036854775807", "-9223372036854775808", "abc", "1.5", "", "0"});
      default:
        return std::to_string(Uniform(-50, 50));
    }
  }

  std::string FloatIncrement() {
    switch (Uniform(0, 3)) {
      case 0:
        return Pick({"abc", "inf", "-inf", "nan", "1e400", "", " 1", "0x1p3", "1e308"});
      case 1:
        return std::to_string(Uniform(-100, 100));
      default:
        return std::to_string(Uniform(-100, 100)) + "." + std::to_string(Uniform(0, 999));
    }
  }

  // Relative seconds: far ahead, or already past, or invalid.
  std::string RelativeSeconds() {
    switch (Uniform(0, 9)) {
      case 0:
        return Pick({"0", "-1", "-100"});
      case 1:
        return Pick({"abc", "9223372036854775807", "-9223372036854775808", "1.5"});
      default:
        return std::to_string(Uniform(100, 900) * 1000);
    }
  }
  std::string RelativeMillis() {
    switch (Uniform(0, 9)) {
      case 0:
        return Pick({"0", "-1", "-100000"});
      case 1:
        return Pick({"abc", "9223372036854775807"});
      default:
        return std::to_string(static_cast<int64_t>(Uniform(100, 900)) * 1'000'000 +
                              Uniform(0, 999));
    }
  }
  // Absolute Unix seconds, drawn from a few fixed points so that GT and LT
  // meet equal times too. `past` allows times already gone: EXPIREAT and
  // GETEX delete the key at once, but Redis 7.0's SET EXAT/PXAT stores it
  // and leaves it to expiry, so that DBSIZE would depend on whether the
  // active expiry cycle has run yet: SET gets future (or invalid) times only.
  std::string AbsoluteSeconds(bool past) {
    switch (Uniform(0, 7)) {
      case 0:
        return past ? Pick({"1", "0", "-5"}) : Pick({"0", "-5"});
      case 1:
        if (past) return std::to_string(now_s_ - 100'000);
        [[fallthrough]];
      default:
        return std::to_string(now_s_ + Uniform(1, 5) * 1'000'000);
    }
  }
  std::string AbsoluteMillis(bool past) {
    if (Chance(20)) return past ? Pick({"1", "0", "9223372036854775807"}) : Pick({"0", "-1"});
    return std::to_string((now_s_ + Uniform(1, 5) * 1'000'000) * 1000 + Uniform(0, 2) * 500);
  }

  Step Set() {
    std::vector<std::string> args = {"SET", Key(), Value()};
    if (Chance(20)) args.push_back(Pick({"NX", "XX"}));
    if (Chance(15)) args.push_back("GET");
    switch (Uniform(0, 9)) {
      case 0:
        args.insert(args.end(), {"EX", RelativeSeconds()});
        break;
      case 1:
        args.insert(args.end(), {"PX", RelativeMillis()});
        break;
      case 2:
        args.insert(args.end(), {"EXAT", AbsoluteSeconds(/*past=*/false)});
        break;
      case 3:
        args.insert(args.end(), {"PXAT", AbsoluteMillis(/*past=*/false)});
        break;
      case 4:
        args.push_back("KEEPTTL");
        break;
      default:
        break;
    }
    if (Chance(3)) args.push_back(Pick({"NX", "KEEPTTL", "FOO", "EX"}));  // often invalid
    // Options in any order (an option's value stays behind its name only
    // by luck, which makes syntax errors too).
    if (Chance(10)) std::shuffle(args.begin() + 3, args.end(), rng_);
    return {args};
  }
  Step SetNxEx() {
    switch (Uniform(0, 2)) {
      case 0:
        return {{"SETNX", Key(), Value()}};
      case 1:
        return {{"SETEX", Key(), RelativeSeconds(), Value()}};
      default:
        return {{"PSETEX", Key(), RelativeMillis(), Value()}};
    }
  }
  Step Get() { return {{Chance(90) ? "GET" : "get", Key()}}; }
  Step Del() {
    std::vector<std::string> args = {Chance(80) ? "DEL" : "UNLINK"};
    for (int i = Uniform(1, 3); i > 0; --i) args.push_back(Key());
    return {args};
  }
  Step Exists() {
    std::vector<std::string> args = {Chance(80) ? "EXISTS" : "TOUCH"};
    for (int i = Uniform(1, 3); i > 0; --i) args.push_back(Key());
    return {args};
  }
  Step Counter() {
    switch (Uniform(0, 3)) {
      case 0:
        return {{"INCR", Key()}};
      case 1:
        return {{"DECR", Key()}};
      case 2:
        return {{"INCRBY", Key(), Increment()}};
      default:
        return {{"DECRBY", Key(), Increment()}};
    }
  }
  Step IncrByFloat() { return {{"INCRBYFLOAT", Key(), FloatIncrement()}}; }
  Step Append() { return {{"APPEND", Key(), Chance(10) ? "" : Letters(1, 8)}}; }
  Step Strlen() { return {{"STRLEN", Key()}}; }
  Step GetRange() {
    auto index = [this] {
      return Chance(10) ? Pick({"9223372036854775807", "-9223372036854775808", "x"})
                        : std::to_string(Uniform(-30, 30));
    };
    return {{Chance(90) ? "GETRANGE" : "SUBSTR", Key(), index(), index()}};
  }
  Step SetRange() {
    std::string offset =
        Chance(10) ? Pick({"-1", "536870912", "abc"}) : std::to_string(Uniform(0, 40));
    if (Chance(5)) return {{"SETRANGE", Key(), "536870911", ""}};
    return {{"SETRANGE", Key(), offset, Chance(10) ? "" : Letters(1, 5)}};
  }
  Step MultiSet() {
    std::vector<std::string> args = {Chance(60) ? "MSET" : "MSETNX"};
    for (int i = Uniform(1, 3); i > 0; --i) {
      args.push_back(Key());
      args.push_back(Value());
    }
    if (Chance(5)) args.pop_back();  // odd: wrong number of arguments
    return {args};
  }
  Step MultiGet() {
    std::vector<std::string> args = {"MGET"};
    for (int i = Uniform(1, 4); i > 0; --i) args.push_back(Key());
    return {args};
  }
  Step GetSetDelEx() {
    switch (Uniform(0, 5)) {
      case 0:
        return {{"GETSET", Key(), Value()}};
      case 1:
        return {{"GETDEL", Key()}};
      case 2:
        return {{"GETEX", Key()}};
      case 3:
        return {{"GETEX", Key(), "EX", RelativeSeconds()}};
      case 4:
        return Chance(50) ? Step{{"GETEX", Key(), "EXAT", AbsoluteSeconds(/*past=*/true)}}
                          : Step{{"GETEX", Key(), "PXAT", AbsoluteMillis(/*past=*/true)}};
      default:
        return {{"GETEX", Key(), Pick({"PERSIST", "PX", "FOO"})}};
    }
  }
  Step Expire() {
    std::vector<std::string> args;
    bool absolute = Chance(50);
    if (absolute) {
      bool ms = Chance(40);
      args = {ms ? "PEXPIREAT" : "EXPIREAT", Key(),
              ms ? AbsoluteMillis(/*past=*/true) : AbsoluteSeconds(/*past=*/true)};
    } else {
      bool ms = Chance(40);
      args = {ms ? "PEXPIRE" : "EXPIRE", Key(), ms ? RelativeMillis() : RelativeSeconds()};
    }
    if (Chance(50)) {
      args.push_back(absolute ? Pick({"NX", "XX", "GT", "LT"}) : Pick({"NX", "XX"}));
    }
    if (Chance(3)) args.push_back(Pick({"NX", "GT", "FOO"}));
    return {args};
  }
  Step Ttl() {
    switch (Uniform(0, 3)) {
      case 0:
        return {{"TTL", Key()}, Compare::kClose, 1};
      case 1:
        return {{"PTTL", Key()}, Compare::kClose, 1000};
      case 2:
        return {{"EXPIRETIME", Key()}, Compare::kClose, 1};
      default:
        return {{"PEXPIRETIME", Key()}, Compare::kClose, 1000};
    }
  }
  Step Persist() { return {{"PERSIST", Key()}}; }
  Step Rename() { return {{Chance(60) ? "RENAME" : "RENAMENX", Key(), Key()}}; }
  Step Copy() {
    std::vector<std::string> args = {"COPY", Key(), Key()};
    if (Chance(30)) args.insert(args.end(), {"DB", std::to_string(Uniform(0, 3))});
    if (Chance(30)) args.push_back("REPLACE");
    return {args};
  }
  Step Type() { return {{"TYPE", Key()}}; }
  Step Encoding() { return {{"OBJECT", "ENCODING", Key()}}; }
  Step DbSize() { return {{"DBSIZE"}}; }
  Step Select() {
    return {{"SELECT", Chance(95) ? std::to_string(Uniform(0, 3)) : Pick({"16", "-1", "x"})}};
  }
  Step Move() { return {{"MOVE", Key(), std::to_string(Uniform(0, 3))}}; }
  Step SwapDb() {
    return {{"SWAPDB", std::to_string(Uniform(0, 3)), std::to_string(Uniform(0, 3))}};
  }
  Step Keys() { return {{"KEYS", Pick({"*", "k1*", "k?", "k[1-3]*"})}, Compare::kUnordered}; }
  Step Collection() {
    if (collections_.empty()) return Get();
    std::vector<std::string> args =
        collections_[static_cast<size_t>(Uniform(0, static_cast<int>(collections_.size()) - 1))]
            .create;
    args[1] = Key();
    return {args};
  }

  std::mt19937_64 rng_;
  int64_t now_s_;
  std::vector<compat::Collection> collections_;
};

int64_t EnvInt(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::strtoll(v, nullptr, 10) : fallback;
}

// Runs `commands` random commands from `seed` on a fresh pair, then
// compares what is left in every database.
void RunSeed(uint64_t seed, int64_t commands) {
  Pair pair;
  ASSERT_TRUE(pair.ok());
  Session session(pair);
  std::cout << "[ compat  ] seed " << seed << ", " << commands
            << " commands (replay: EMBER_COMPAT_SEED=" << seed << ")\n";
  int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  Generator gen(seed, now_s, SupportedCollections(session.ember()));
  std::string context = "EMBER_COMPAT_SEED=" + std::to_string(seed);
  std::vector<Step> steps;
  for (int64_t i = 0; i < commands; ++i) steps.push_back(i % 997 == 996 ? gen.Scan() : gen.Next());
  if (!session.Run(steps, context)) return;

  // The final state, key by key, in each database.
  std::vector<Step> check;
  for (int db = 0; db < 4; ++db) {
    check.push_back({{"SELECT", std::to_string(db)}});
    check.push_back({{"DBSIZE"}});
    check.push_back({{"KEYS", "*"}, Compare::kUnordered});
    for (int k = 0; k < 20; ++k) {
      std::string key = "k" + std::to_string(k);
      check.push_back({{"TYPE", key}});
      check.push_back({{"GET", key}});
      check.push_back({{"OBJECT", "ENCODING", key}});
      check.push_back({{"TTL", key}, Compare::kClose, 1});
    }
  }
  if (!session.Run(check, context + ", final state")) return;
  std::cout << "[ compat  ] " << session.compared() << " replies identical\n";
}

TEST(RandomCommands, FixedSeedMatchesRedis) { RunSeed(1, EnvInt("EMBER_COMPAT_COMMANDS", 5000)); }

TEST(RandomCommands, FreshSeedMatchesRedis) {
  uint64_t seed = static_cast<uint64_t>(EnvInt("EMBER_COMPAT_SEED", 0));
  if (seed == 0) seed = std::random_device{}() | 1;
  ::testing::Test::RecordProperty("seed", std::to_string(seed));
  RunSeed(seed, EnvInt("EMBER_COMPAT_COMMANDS", 20000));
}

}  // namespace
}  // namespace ember::testing::compat
