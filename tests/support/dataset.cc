#include "tests/support/dataset.h"

#include <algorithm>
#include <sstream>

namespace ember::testing {
namespace {

std::vector<std::string> Strings(const protocol::Value& v) {
  std::vector<std::string> out;
  for (const protocol::Value& e : v.elements()) out.push_back(e.str());
  return out;
}

std::vector<std::string> Pairs(const protocol::Value& v) {
  std::vector<std::string> flat = Strings(v);
  std::vector<std::string> out;
  for (size_t i = 0; i + 1 < flat.size(); i += 2) out.push_back(flat[i] + "\t" + flat[i + 1]);
  return out;
}

}  // namespace

std::string DumpKeyspace(const CallFn& call, const DumpOptions& options) {
  std::ostringstream out;
  for (int db = 0; db < options.databases; ++db) {
    call({"SELECT", std::to_string(db)});
    std::vector<std::string> keys = Strings(call({"KEYS", "*"}));
    std::sort(keys.begin(), keys.end());
    for (const std::string& key : keys) {
      std::string type = call({"TYPE", key}).str();
      std::string encoding = call({"OBJECT", "ENCODING", key}).str();
      // A documented difference (docs/differences.md): Ember keeps small
      // sets of strings in a listpack, as Redis 7.2; Redis 7.0 says
      // hashtable.
      if (type == "set" && encoding == "listpack") encoding = "hashtable";
      int64_t deadline = call({"PEXPIRETIME", key}).integer();
      out << "db=" << db << " key=" << key << " type=" << type << " encoding=" << encoding;
      if (options.exact_deadlines) {
        out << " deadline=" << deadline << "\n";
      } else {
        out << " has_ttl=" << (deadline >= 0 ? "yes" : "no") << "\n";
      }
      std::vector<std::string> lines;
      if (type == "string") {
        lines.push_back(call({"GET", key}).str());
      } else if (type == "list") {
        lines = Strings(call({"LRANGE", key, "0", "-1"}));
      } else if (type == "set") {
        lines = Strings(call({"SMEMBERS", key}));
        std::sort(lines.begin(), lines.end());
      } else if (type == "hash") {
        lines = Pairs(call({"HGETALL", key}));
        std::sort(lines.begin(), lines.end());
      } else if (type == "zset") {
        lines = Pairs(call({"ZRANGE", key, "0", "-1", "WITHSCORES"}));
      }
      for (const std::string& l : lines) out << "  " << l << "\n";
    }
  }
  call({"SELECT", "0"});
  return out.str();
}

std::vector<std::vector<std::string>> EveryTypeAndEncoding() {
  std::vector<std::vector<std::string>> cmds;
  auto many = [&](std::vector<std::string> head, int n, auto element) {
    for (int i = 0; i < n; ++i) {
      std::vector<std::string> e = element(i);
      head.insert(head.end(), e.begin(), e.end());
    }
    cmds.push_back(std::move(head));
  };
  const std::string long_value(100, 'v');  // past the 64-byte listpack limit

  // Strings: int, embstr, raw; integers at the edges of int64.
  cmds.push_back({"SET", "str:int", "12345"});
  cmds.push_back({"SET", "str:min", "-9223372036854775808"});
  cmds.push_back({"SET", "str:max", "9223372036854775807"});
  cmds.push_back({"SET", "str:notint", "007"});
  cmds.push_back({"SET", "str:embstr", "hello"});
  cmds.push_back({"SET", "str:raw", std::string(500, 'z')});
  cmds.push_back({"SET", "str:binary", std::string("a\0b\r\n\xff", 6)});
  cmds.push_back({"SET", "str:ttl", "soon-gone", "PXAT", "4102444800123"});

  // Lists: one listpack node, and many nodes with long elements.
  cmds.push_back({"RPUSH", "list:small", "1", "two", "-3", "4.5"});
  many({"RPUSH", "list:big"}, 1000, [](int i) {
    return std::vector<std::string>{i % 7 ? std::to_string(i) : std::string(80, 'a' + i % 26)};
  });

  // Hashes: listpack; hashtable by count; hashtable by value length.
  cmds.push_back({"HSET", "hash:small", "f1", "v1", "f2", "2", "f3", ""});
  many({"HSET", "hash:big"}, 600, [](int i) {
    return std::vector<std::string>{"field:" + std::to_string(i), std::to_string(i * 3)};
  });
  cmds.push_back({"HSET", "hash:longvalue", "f", long_value});
  cmds.push_back({"PEXPIREAT", "hash:small", "4102444800456"});

  // Sets: intset small and large, strings small (listpack) and large.
  cmds.push_back({"SADD", "set:ints", "1", "-2", "300000", "9223372036854775807"});
  many({"SADD", "set:manyints"}, 600,
       [](int i) { return std::vector<std::string>{std::to_string(i * 11)}; });
  cmds.push_back({"SADD", "set:strings", "a", "b", "c", "12"});
  many({"SADD", "set:big"}, 300,
       [](int i) { return std::vector<std::string>{"m" + std::to_string(i)}; });

  // Sorted sets: listpack and skiplist, with scores that text or binary
  // encodings must keep exactly.
  cmds.push_back({"ZADD", "zset:small", "1", "a", "2.5", "b", "-inf", "low", "inf", "high", "0.1",
                  "tenth", "1e-300", "tiny"});
  many({"ZADD", "zset:big"}, 300, [](int i) {
    return std::vector<std::string>{std::to_string(i / 3.0), "member:" + std::to_string(i)};
  });
  cmds.push_back({"ZADD", "zset:longmember", "7", long_value});
  cmds.push_back({"PEXPIREAT", "zset:big", "4102444800789"});

  // A second database.
  cmds.push_back({"SELECT", "3"});
  cmds.push_back({"SET", "db3:key", "in-three"});
  cmds.push_back({"RPUSH", "db3:list", "x"});
  cmds.push_back({"SELECT", "0"});
  return cmds;
}

}  // namespace ember::testing
