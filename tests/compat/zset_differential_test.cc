// Sorted sets, Ember against a real redis-server: the same seeded stream of
// random commands goes to both, and the raw reply bytes must be identical,
// command after command.
//
// The key space is small so that commands keep meeting each other's data:
// a few small sorted sets (listpack), one kept large (skiplist), two whose
// members all score 0 (the lexicographic commands assume that, and on a
// skiplist Redis's answer is only defined then), destinations for the STORE
// commands, a string and a list (WRONGTYPE) and a key that never exists.
// Arguments are drawn from the valid and the invalid alike: bad scores,
// bad ranges, conflicting options, wrong numkeys. Some commands push small
// sets past 128 members or add a 65-byte member, so conversions happen, and
// OBJECT ENCODING is compared too. Every so often both connections switch
// between RESP2 and RESP3.
//
// Where Redis leaves the answer unspecified the comparison is by properties:
// ZRANDMEMBER (same shape; every member returned exists with the score
// returned), and ZSCAN of a skiplist (cursors are positions in each
// server's own hash table: the full iterations are compared as sets).
// ZRANK's WITHSCORE is left out: Redis 7.0 rejects it (docs/differences.md).
//
// The seed is printed; EMBER_DIFF_SEED=<n> replays a run, and
// EMBER_DIFF_TRACE=<key> prints every command naming that key with Redis's
// reply (how a divergence is traced back to the command that caused it).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "protocol/reply_parser.h"
#include "protocol/resp_value.h"
#include "tests/support/net_support.h"

namespace ember::testing {
namespace {

using Args = std::vector<std::string>;

std::string Printable(const std::string& bytes, size_t max = 400) {
  std::string out;
  for (size_t i = 0; i < bytes.size() && i < max; ++i) {
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (bytes.size() > max) out += "...(" + std::to_string(bytes.size()) + " bytes)";
  return out;
}

std::string Join(const Args& args) {
  std::string out;
  for (const std::string& a : args) {
    if (!out.empty()) out += ' ';
    out += a.empty() ? "\"\"" : a;
  }
  return out.size() > 300 ? out.substr(0, 300) + "..." : out;
}

protocol::Value Parse(const std::string& bytes) {
  protocol::Value v;
  protocol::ParseReply(bytes, &v);
  return v;
}

const std::vector<std::string> kSmallKeys = {"z1", "z2", "z3", "z4"};
const std::vector<std::string> kLexKeys = {"lex1", "lex2"};
const std::vector<std::string> kDestKeys = {"dst1", "dst2"};

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  int U(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(int percent) { return U(0, 99) < percent; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[static_cast<size_t>(U(0, static_cast<int>(v.size()) - 1))];
  }

  std::string AnyKey() {
    int r = U(0, 99);
    if (r < 40) return Pick(kSmallKeys);
    if (r < 55) return "big";
    if (r < 68) return Pick(kLexKeys);
    if (r < 78) return Pick(kDestKeys);
    if (r < 85) return "str";
    if (r < 90) return "list";
    return "none";
  }
  // Where a STORE may write: never a lex key (its scores must stay 0).
  std::string DestKey() {
    int r = U(0, 99);
    if (r < 50) return Pick(kDestKeys);
    if (r < 85) return Pick(kSmallKeys);
    if (r < 90) return "big";
    return "str";
  }
  static bool IsLex(const std::string& key) { return key.rfind("lex", 0) == 0; }

  std::string Member(const std::string& key) {
    if (key == "big") return "m" + std::to_string(U(0, 399));
    if (Chance(2))
      return std::string(65, static_cast<char>('a' + U(0, 3)));  // too long for a listpack
    static const std::vector<std::string> kPool = {"a",  "b",  "c",   "d",  "e",    "f",
                                                   "g",  "h",  "ab",  "ba", "1",    "2",
                                                   "10", "-3", "x y", "",   "0123", "zz"};
    return Pick(kPool);
  }
  std::string Score(const std::string& key) {
    if (IsLex(key)) return "0";
    if (Chance(3)) return Pick(std::vector<std::string>{"nan", "abc", "", "1 ", " 1", "1e999"});
    static const std::vector<std::string> kScores = {
        "0",   "1",   "2",    "3",    "-1",   "-2",   "1.5",  "2.5",    "-0.5",
        "1.1", "0.1", "-0",   "inf",  "-inf", "+inf", "1e17", "4.5e15", "100",
        "7",   "3.0", "0x10", "1e-5", "5",    "-7",   "2",    "0.25"};
    return Pick(kScores);
  }
  std::string Int() {
    static const std::vector<std::string> kInts = {"0", "1",  "2",   "3",    "-1", "-2", "-3",
                                                   "5", "10", "100", "-100", "x",  "1.5"};
    return Chance(95) ? std::to_string(U(-6, 6)) : Pick(kInts);
  }
  std::string Count() {
    static const std::vector<std::string> kCounts = {"0", "1", "2", "3", "5", "200", "-1", "x"};
    return Pick(kCounts);
  }
  std::string ScoreBound() {
    if (Chance(3)) return Pick(std::vector<std::string>{"x", "nan", "(nan", "((1", "1 "});
    static const std::vector<std::string> kBounds = {"-inf", "+inf", "inf", "0", "1",   "2",
                                                     "3",    "1.5",  "-1",  "5", "100", "-0",
                                                     "2.5",  "1.1",  "",    "7"};
    std::string b = Pick(kBounds);
    return Chance(30) ? "(" + b : b;
  }
  std::string LexBound() {
    if (Chance(3)) return Pick(std::vector<std::string>{"a", "", "+x", "-x", "{a"});
    if (Chance(15)) return Chance(50) ? "-" : "+";
    static const std::vector<std::string> kLex = {"a", "b", "c", "d", "ab", "ba", "", "e", "zz"};
    return (Chance(50) ? "[" : "(") + Pick(kLex);
  }
  std::string Weight() {
    static const std::vector<std::string> kWeights = {"1", "2", "0.5", "-1", "0", "3", "inf"};
    return Chance(3) ? "x" : Pick(kWeights);
  }

  std::mt19937_64& rng() { return rng_; }

 private:
  std::mt19937_64 rng_;
};

class ZsetDifferential : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(HaveProgram("redis-server"))
        << "redis-server is not installed: the differential test needs the reference";
    redis_ =
        std::make_unique<ServerProcess>("redis-server", Args{"--save", "", "--appendonly", "no"});
    ASSERT_TRUE(redis_->started()) << "could not start redis-server";
    ember_ = std::make_unique<EmberThread>();
    rc_ = std::make_unique<RawClient>(redis_->port());
    ec_ = std::make_unique<RawClient>(ember_->port());
    ASSERT_TRUE(rc_->connected());
    ASSERT_TRUE(ec_->connected());
  }

  std::string RedisRaw(const Args& args) {
    rc_->SendCommand(args);
    return rc_->ReadReplyBytes();
  }
  std::string EmberRaw(const Args& args) {
    ec_->SendCommand(args);
    return ec_->ReadReplyBytes();
  }

  // Sends to both; returns false (after recording a failure) on a mismatch.
  bool Same(const Args& args) {
    std::string r = RedisRaw(args);
    std::string e = EmberRaw(args);
    ++compared_;
    if (const char* trace = std::getenv("EMBER_DIFF_TRACE");
        trace != nullptr && std::find(args.begin(), args.end(), trace) != args.end()) {
      std::printf("#%d %s\n  -> %s\n", compared_, Join(args).c_str(), Printable(r, 200).c_str());
    }
    if (r == e && !r.empty()) return true;
    size_t at = 0;
    while (at < r.size() && at < e.size() && r[at] == e[at]) ++at;
    size_t from = at > 60 ? at - 60 : 0;
    ADD_FAILURE() << "seed " << seed_ << ", command #" << compared_ << ": " << Join(args)
                  << "\n  redis: " << Printable(r) << "\n  ember: " << Printable(e)
                  << "\n  first difference at byte " << at << ": redis ..."
                  << Printable(r.substr(from, 120)) << "\n                          ember ..."
                  << Printable(e.substr(from, 120));
    return false;
  }

  std::string RedisEncoding(const std::string& key) {
    protocol::Value v = Parse(RedisRaw({"OBJECT", "ENCODING", key}));
    return v.type() == protocol::Type::kBulkString ? v.str() : "";
  }

  // ZSCAN of a skiplist: each server iterated to cursor 0, the sets of
  // (member, score) compared; errors and listpacks byte for byte.
  bool SameScan(const Args& first) {
    if (RedisEncoding(first[1]) != "skiplist") return Same(first);
    auto scan_all = [&](bool redis) {
      std::set<std::pair<std::string, std::string>> items;
      Args args = first;
      for (int guard = 0; guard < 100000; ++guard) {
        protocol::Value v = Parse(redis ? RedisRaw(args) : EmberRaw(args));
        if (v.type() != protocol::Type::kArray || v.elements().size() != 2) break;
        const auto& list = v.elements()[1].elements();
        for (size_t i = 0; i + 1 < list.size(); i += 2) {
          items.insert({list[i].str(), list[i + 1].str()});
        }
        if (v.elements()[0].str() == "0") break;
        args[2] = v.elements()[0].str();
      }
      return items;
    };
    ++compared_;
    auto r = scan_all(true);
    auto e = scan_all(false);
    if (r == e) return true;
    ADD_FAILURE() << "seed " << seed_ << ": full ZSCAN differs for " << Join(first) << " ("
                  << r.size() << " items in redis, " << e.size() << " in ember)";
    return false;
  }

  // ZRANDMEMBER: the same RESP shape and length, and everything Ember
  // returned is a member of the set with the score Ember gave.
  bool SameRandMember(const Args& args, bool withscores) {
    std::string rb = RedisRaw(args);
    std::string eb = EmberRaw(args);
    ++compared_;
    protocol::Value r = Parse(rb), e = Parse(eb);
    auto fail = [&](const std::string& why) {
      ADD_FAILURE() << "seed " << seed_ << ": " << Join(args) << ": " << why
                    << "\n  redis: " << Printable(rb) << "\n  ember: " << Printable(eb);
      return false;
    };
    if (r.type() != e.type()) return fail("different reply types");
    if (r.type() == protocol::Type::kError) return rb == eb ? true : fail("different errors");
    if (r.type() == protocol::Type::kBulkString) {
      protocol::Value s = Parse(RedisRaw({"ZSCORE", args[1], e.str()}));
      return s.IsNull() ? fail("not a member") : true;
    }
    if (!r.IsAggregate()) return rb == eb ? true : fail("different replies");
    if (r.elements().size() != e.elements().size()) return fail("different lengths");
    // Flatten RESP3's pairs.
    std::vector<std::string> flat;
    for (const protocol::Value& x : e.elements()) {
      if (x.IsAggregate()) {
        for (const protocol::Value& y : x.elements()) {
          flat.push_back(y.type() == protocol::Type::kDouble ? Printable(RedisDouble(y.dbl()))
                                                             : y.str());
        }
      } else {
        flat.push_back(x.str());
      }
    }
    size_t step = withscores ? 2 : 1;
    std::set<std::string> seen;
    bool unique = args.size() >= 3 && args[2][0] != '-';
    for (size_t i = 0; i < flat.size(); i += step) {
      protocol::Value s = Parse(RedisRaw({"ZSCORE", args[1], flat[i]}));
      if (s.IsNull()) return fail("'" + flat[i] + "' is not a member");
      if (withscores) {
        std::string want = s.type() == protocol::Type::kDouble ? RedisDouble(s.dbl()) : s.str();
        if (want != flat[i + 1]) return fail("wrong score for '" + flat[i] + "'");
      }
      if (unique && !seen.insert(flat[i]).second) return fail("'" + flat[i] + "' twice");
    }
    return true;
  }

  static std::string RedisDouble(double d) {
    if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.17g", d);
    return buf;
  }

  // One random command; false on a mismatch.
  bool Step(Generator& g) {
    int r = g.U(0, 999);
    std::string key = g.AnyKey();
    Args a;
    if (r < 120) {  // ZADD with any options
      a = {"ZADD", key};
      static const std::vector<std::string> kOpts = {"NX", "XX", "GT", "LT", "CH", "INCR"};
      for (const std::string& o : kOpts) {
        if (g.Chance(12))
          a.push_back(g.Chance(50) ? o
                                   : std::string(1, static_cast<char>(o[0] | 32)) + o.substr(1));
      }
      int pairs = g.Chance(70) ? 1 : g.U(2, 4);
      for (int i = 0; i < pairs; ++i) {
        a.push_back(g.Score(key));
        a.push_back(g.Member(key));
      }
      if (g.Chance(2)) a.pop_back();  // odd number of arguments
    } else if (r < 150) {             // a bulk of new members: pushes small sets past 128
      a = {"ZADD", g.Chance(80) ? g.Pick(kSmallKeys) : key};
      int n = g.U(20, 60);
      for (int i = 0; i < n; ++i) {
        a.push_back(Generator::IsLex(a[1]) ? "0" : std::to_string(g.U(-50, 50)));
        a.push_back("g" + std::to_string(g.U(0, 199)));
      }
    } else if (r < 180) {
      a = {"ZINCRBY", key, g.Score(key), g.Member(key)};
    } else if (r < 230) {
      a = {"ZREM", key};
      int n = g.U(1, 3);
      for (int i = 0; i < n; ++i) a.push_back(g.Member(key));
    } else if (r < 260) {
      a = {"ZSCORE", key, g.Member(key)};
    } else if (r < 280) {
      a = {"ZMSCORE", key, g.Member(key), g.Member(key)};
    } else if (r < 295) {
      a = {"ZCARD", key};
    } else if (r < 320) {
      a = {"ZCOUNT", key, g.ScoreBound(), g.ScoreBound()};
    } else if (r < 340) {
      a = {"ZLEXCOUNT", LexKey(g, key), g.LexBound(), g.LexBound()};
    } else if (r < 370) {
      a = {g.Chance(50) ? "ZRANK" : "ZREVRANK", key, g.Member(key)};
    } else if (r < 460) {
      a = RangeCommand(g, key, false);
    } else if (r < 490) {
      a = RangeCommand(g, key, true);
    } else if (r < 540) {
      a = OldRangeCommand(g, key);
    } else if (r < 570) {
      int which = g.U(0, 2);
      if (which == 0) a = {"ZREMRANGEBYRANK", key, g.Int(), g.Int()};
      if (which == 1) a = {"ZREMRANGEBYSCORE", key, g.ScoreBound(), g.ScoreBound()};
      if (which == 2) a = {"ZREMRANGEBYLEX", LexKey(g, key), g.LexBound(), g.LexBound()};
    } else if (r < 610) {
      a = {g.Chance(50) ? "ZPOPMIN" : "ZPOPMAX", key};
      if (g.Chance(60)) a.push_back(g.Count());
    } else if (r < 635) {
      a = MPop(g, false);
    } else if (r < 645) {
      a = BlockingPop(g);
    } else if (r < 740) {
      a = SetOp(g);
    } else if (r < 760) {
      a = {"ZINTERCARD"};
      int n = g.U(1, 3);
      a.push_back(g.Chance(95) ? std::to_string(n)
                               : g.Pick(std::vector<std::string>{"0", "x", "9"}));
      for (int i = 0; i < n; ++i) a.push_back(g.AnyKey());
      if (g.Chance(40)) {
        a.push_back("LIMIT");
        a.push_back(g.Pick(std::vector<std::string>{"0", "1", "2", "5", "-1", "x"}));
      }
    } else if (r < 800) {
      a = {"ZRANDMEMBER", key};
      bool withscores = false;
      if (g.Chance(80)) {
        a.push_back(g.Pick(
            std::vector<std::string>{"0", "1", "2", "3", "5", "500", "-1", "-3", "-20", "x"}));
        if (g.Chance(40)) {
          a.push_back("WITHSCORES");
          withscores = true;
        }
      }
      return SameRandMember(a, withscores);
    } else if (r < 830) {
      a = {"ZSCAN", key, "0"};
      if (g.Chance(30)) {
        a.push_back("MATCH");
        a.push_back(g.Pick(std::vector<std::string>{"*", "a*", "m1*", "?", "g1?"}));
      }
      if (g.Chance(30)) {
        a.push_back("COUNT");
        a.push_back(g.Pick(std::vector<std::string>{"1", "5", "100", "0", "x"}));
      }
      return SameScan(a);
    } else if (r < 860) {
      a = {"OBJECT", "ENCODING", g.Chance(50) ? g.Pick(kSmallKeys) : key};
    } else if (r < 880) {
      a = {g.Chance(50) ? "TYPE" : "EXISTS", key};
    } else if (r < 900) {
      a = {"DEL", g.Chance(70) ? g.Pick(kSmallKeys) : key};
    } else if (r < 915) {
      // Put the other types back where stores may have overwritten them.
      if (g.Chance(50)) {
        a = {"SET", "str", "hello"};
      } else {
        if (!Same({"DEL", "list"})) return false;
        a = {"RPUSH", "list", "x", "y"};
      }
    } else if (r < 930) {
      int proto = g.Chance(50) ? 2 : 3;
      RedisRaw({"HELLO", std::to_string(proto)});
      EmberRaw({"HELLO", std::to_string(proto)});
      return true;
    } else if (r < 940) {
      // Too few arguments: the dispatcher's arity error.
      static const std::vector<std::string> kCmds = {"ZADD",     "ZRANGE",  "ZUNIONSTORE", "ZMPOP",
                                                     "BZPOPMIN", "ZINCRBY", "ZRANGESTORE"};
      a = {g.Pick(kCmds), key};
    } else {
      a = {"ZADD", Generator::IsLex(key) ? key : g.Pick(kLexKeys), "0", g.Member("lex")};
    }
    return Same(a);
  }

  // Lexicographic commands on a sorted set with mixed scores are defined
  // (and compared) only on a listpack, where Redis walks linearly.
  std::string LexKey(Generator& g, const std::string& key) {
    if (Generator::IsLex(key)) return key;
    std::string enc = RedisEncoding(key);
    if (enc == "skiplist") return g.Pick(kLexKeys);
    return key;
  }

  Args RangeCommand(Generator& g, const std::string& key_in, bool store) {
    int kind = g.U(0, 2);  // rank, score, lex
    std::string key = kind == 2 ? LexKey(g, key_in) : key_in;
    Args a;
    if (store) {
      std::string dst = g.DestKey();
      a = {"ZRANGESTORE", dst, key};
    } else {
      a = {"ZRANGE", key};
    }
    if (kind == 0) {
      a.push_back(g.Int());
      a.push_back(g.Int());
    } else if (kind == 1) {
      a.push_back(g.ScoreBound());
      a.push_back(g.ScoreBound());
    } else {
      a.push_back(g.LexBound());
      a.push_back(g.LexBound());
    }
    std::vector<Args> opts;
    if (kind == 1 && g.Chance(95)) opts.push_back({"BYSCORE"});
    if (kind == 2 && g.Chance(95)) opts.push_back({"BYLEX"});
    if (g.Chance(3)) opts.push_back({g.Chance(50) ? "BYSCORE" : "BYLEX"});
    if (g.Chance(45)) opts.push_back({"REV"});
    if (g.Chance(kind == 0 ? 5 : 40)) {
      opts.push_back({"LIMIT", g.Pick(std::vector<std::string>{"0", "1", "2", "5", "-1", "200"}),
                      g.Pick(std::vector<std::string>{"1", "2", "3", "0", "-1", "-5", "50"})});
    }
    if (g.Chance(store ? 3 : 40)) opts.push_back({"WITHSCORES"});
    std::shuffle(opts.begin(), opts.end(), g.rng());
    for (const Args& o : opts) a.insert(a.end(), o.begin(), o.end());
    return a;
  }

  Args OldRangeCommand(Generator& g, const std::string& key) {
    Args a;
    int which = g.U(0, 4);
    if (which == 0) {
      a = {"ZREVRANGE", key, g.Int(), g.Int()};
      if (g.Chance(40)) a.push_back("WITHSCORES");
      return a;
    }
    bool lex = which >= 3;
    bool rev = which % 2 == 0;
    if (lex) {
      a = {rev ? "ZREVRANGEBYLEX" : "ZRANGEBYLEX", LexKey(g, key), g.LexBound(), g.LexBound()};
    } else {
      a = {rev ? "ZREVRANGEBYSCORE" : "ZRANGEBYSCORE", key, g.ScoreBound(), g.ScoreBound()};
      if (g.Chance(40)) a.push_back("WITHSCORES");
    }
    if (g.Chance(40)) {
      a.insert(a.end(), {"LIMIT", g.Pick(std::vector<std::string>{"0", "1", "3", "-1"}),
                         g.Pick(std::vector<std::string>{"1", "2", "-1", "0", "10"})});
    }
    if (g.Chance(3)) a.push_back(g.Pick(std::vector<std::string>{"REV", "BYSCORE", "LIMIT"}));
    return a;
  }

  Args MPop(Generator& g, bool blocking) {
    Args a = {blocking ? "BZMPOP" : "ZMPOP"};
    if (blocking) a.push_back("0.01");
    int n = g.U(1, 3);
    a.push_back(g.Chance(95) ? std::to_string(n) : g.Pick(std::vector<std::string>{"0", "x", "9"}));
    for (int i = 0; i < n; ++i) a.push_back(g.AnyKey());
    a.push_back(g.Pick(std::vector<std::string>{"MIN", "MAX", "min", "max", "MID"}));
    if (g.Chance(50)) {
      a.push_back("COUNT");
      a.push_back(g.Pick(std::vector<std::string>{"1", "2", "5", "0", "x"}));
    }
    return a;
  }

  Args BlockingPop(Generator& g) {
    int which = g.U(0, 2);
    if (which == 2) return MPop(g, true);
    Args a = {which == 0 ? "BZPOPMIN" : "BZPOPMAX"};
    int n = g.U(1, 3);
    for (int i = 0; i < n; ++i) a.push_back(g.AnyKey());
    a.push_back(g.Chance(95) ? "0.01" : "x");
    return a;
  }

  Args SetOp(Generator& g) {
    static const std::vector<std::string> kOps = {"ZUNION",      "ZINTER",      "ZDIFF",
                                                  "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"};
    std::string op = g.Pick(kOps);
    bool store = op.size() > 6 && op.substr(op.size() - 5) == "STORE";
    Args a = {op};
    if (store) a.push_back(g.DestKey());
    int n = g.U(1, 3);
    a.push_back(g.Chance(95) ? std::to_string(n)
                             : g.Pick(std::vector<std::string>{"0", "-1", "x", "9"}));
    for (int i = 0; i < n; ++i) a.push_back(g.Chance(85) ? g.AnyKey() : g.Pick(kSmallKeys));
    std::vector<Args> opts;
    if (g.Chance(40)) {
      Args w = {"WEIGHTS"};
      int count = g.Chance(95) ? n : n + 1;
      for (int i = 0; i < count; ++i) w.push_back(g.Weight());
      opts.push_back(w);
    }
    if (g.Chance(40)) {
      opts.push_back(
          {"AGGREGATE", g.Pick(std::vector<std::string>{"SUM", "MIN", "MAX", "min", "AVG"})});
    }
    if (g.Chance(store ? 3 : 50)) opts.push_back({"WITHSCORES"});
    std::shuffle(opts.begin(), opts.end(), g.rng());
    for (const Args& o : opts) a.insert(a.end(), o.begin(), o.end());
    return a;
  }

  uint64_t seed_ = 0;
  int compared_ = 0;
  std::unique_ptr<ServerProcess> redis_;
  std::unique_ptr<EmberThread> ember_;
  std::unique_ptr<RawClient> rc_;
  std::unique_ptr<RawClient> ec_;
};

TEST_F(ZsetDifferential, RandomCommandsGetIdenticalReplies) {
  seed_ = std::random_device{}();
  if (const char* env = std::getenv("EMBER_DIFF_SEED")) seed_ = std::strtoull(env, nullptr, 10);
  std::printf("zset differential seed: %llu (EMBER_DIFF_SEED=%llu to replay)\n",
              static_cast<unsigned long long>(seed_), static_cast<unsigned long long>(seed_));
  Generator g(seed_);

  // The starting data: a large set, the other types.
  Args big = {"ZADD", "big"};
  for (int i = 0; i < 300; ++i) {
    big.push_back(std::to_string((i * 7) % 50 * 0.5));
    big.push_back("m" + std::to_string(i));
  }
  ASSERT_TRUE(Same(big));
  ASSERT_TRUE(Same({"OBJECT", "ENCODING", "big"}));
  ASSERT_TRUE(Same({"SET", "str", "hello"}));
  ASSERT_TRUE(Same({"RPUSH", "list", "x", "y"}));

  const int kCommands = 15000;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  int failures = 0;
  for (int i = 0; i < kCommands && failures < 5; ++i) {
    if (!Step(g)) ++failures;
    if (std::chrono::steady_clock::now() > deadline) break;
  }

  // Finally the whole state, key by key.
  RedisRaw({"HELLO", "2"});
  EmberRaw({"HELLO", "2"});
  for (std::string k :
       {"z1", "z2", "z3", "z4", "big", "lex1", "lex2", "dst1", "dst2", "str", "list", "none"}) {
    Same({"TYPE", k});
    Same({"OBJECT", "ENCODING", k});
    if (RedisEncoding(k) == "listpack" || RedisEncoding(k) == "skiplist") {
      Same({"ZRANGE", k, "0", "-1", "WITHSCORES"});
    }
  }
  std::printf("zset differential: %d replies compared\n", compared_);
  EXPECT_GT(compared_, 1000);
}

}  // namespace
}  // namespace ember::testing
