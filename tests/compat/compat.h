// The compatibility harness: one real redis-server and one Ember, the same
// commands sent to both over sockets, and the raw reply bytes compared one
// by one. Redis is the specification; any difference is reported with the
// command and both replies.
//
// Most replies must be byte-identical. A few are compared more loosely, and
// each loosening says why:
//   kUnordered  arrays whose order Redis leaves unspecified (KEYS): compared
//               as sorted lists of elements.
//   kClose      integers that depend on the wall clock (TTL, PTTL): the two
//               servers run the command a few microseconds apart, so equal
//               within a tolerance; negative values (-1, -2) exactly.
//   kScanAll    SCAN: cursors are positions in each server's own hash table,
//               so the harness iterates to the end on each server and
//               compares the sets of keys returned (errors exactly).
//   kSkip       replies that legitimately differ (HELLO's server name and
//               client id): only checked to be of the same RESP type.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "protocol/reply_parser.h"
#include "protocol/resp_value.h"
#include "tests/support/net_support.h"

namespace ember::testing::compat {

enum class Compare { kExact, kUnordered, kClose, kScanAll, kSkip };

struct Step {
  std::vector<std::string> args;
  Compare compare = Compare::kExact;
  int64_t tolerance = 0;  // kClose
};

// "SET k v EX 10" -> {"SET", "k", "v", "EX", "10"}: scripts read like
// redis-cli sessions. Arguments with spaces are written as vectors.
inline std::vector<std::string> Words(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

inline std::string Resp(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const std::string& a : args) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

// Bytes made readable for a failure message: CR and LF visible, other
// control bytes as \xHH, long replies cut.
inline std::string Printable(const std::string& bytes, size_t max = 300) {
  std::string out;
  for (size_t i = 0; i < bytes.size() && i < max; ++i) {
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c >= 0x7f) {
      static const char* kHex = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (bytes.size() > max) out += "...(" + std::to_string(bytes.size()) + " bytes)";
  return out;
}

inline std::string CommandText(const std::vector<std::string>& args) {
  std::string out;
  for (const std::string& a : args) {
    if (!out.empty()) out += ' ';
    bool plain = !a.empty() && a.find_first_of(" \"\r\n") == std::string::npos;
    out += plain ? Printable(a, 80) : "\"" + Printable(a, 80) + "\"";
  }
  return out;
}

// A redis-server and an Ember side by side. Construction fails the test
// (never skips it) when redis-server is not installed.
class Pair {
 public:
  Pair() {
    if (!HaveProgram("redis-server")) {
      ADD_FAILURE() << "redis-server is not installed, but the compatibility suite needs it as "
                       "the reference (Debian: apt-get install redis-server)";
      return;
    }
    redis_ = std::make_unique<ServerProcess>(
        "redis-server", std::vector<std::string>{"--save", "", "--appendonly", "no"});
    if (!redis_->started()) {
      ADD_FAILURE() << "redis-server did not start";
      return;
    }
    ember_ = std::make_unique<EmberThread>();
    ok_ = true;
  }
  bool ok() const { return ok_; }
  int redis_port() const { return redis_->port(); }
  int ember_port() const { return ember_->port(); }

 private:
  std::unique_ptr<ServerProcess> redis_;
  std::unique_ptr<EmberThread> ember_;
  bool ok_ = false;
};

// One connection to each server of a Pair.
class Session {
 public:
  explicit Session(const Pair& pair)
      : redis_(std::make_unique<RawClient>(pair.redis_port())),
        ember_(std::make_unique<RawClient>(pair.ember_port())) {}

  RawClient& redis() { return *redis_; }
  RawClient& ember() { return *ember_; }

  // Runs the steps, pipelining runs of ordinary steps in one write per
  // server. Returns false (after reporting) at the first difference: the
  // two data sets may have diverged, so later replies prove nothing.
  // `context` is printed with any failure (a seed, a script name).
  bool Run(const std::vector<Step>& steps, const std::string& context = "") {
    size_t i = 0;
    while (i < steps.size()) {
      if (steps[i].compare == Compare::kScanAll) {
        if (!ScanAll(steps[i], context)) return false;
        ++i;
        continue;
      }
      size_t end = i;
      std::string batch;
      while (end < steps.size() && steps[end].compare != Compare::kScanAll && end - i < 256) {
        batch += Resp(steps[end].args);
        ++end;
      }
      redis_->Send(batch);
      ember_->Send(batch);
      for (; i < end; ++i) {
        std::string a = redis_->ReadReplyBytes();
        std::string b = ember_->ReadReplyBytes();
        if (trace_)
          std::cout << CommandText(steps[i].args) << "\n  -> " << Printable(a, 100) << "\n";
        if (!Same(steps[i], a, b)) {
          ADD_FAILURE() << Report(steps, i, a, b, context);
          return false;
        }
        ++compared_;
      }
    }
    return true;
  }

  bool Run(const Step& step, const std::string& context = "") {
    return Run(std::vector<Step>{step}, context);
  }

  int64_t compared() const { return compared_; }

 private:
  static protocol::Value Parse(const std::string& bytes) {
    protocol::Value v;
    protocol::ParseReply(bytes, &v);
    return v;
  }

  static bool Same(const Step& step, const std::string& a, const std::string& b) {
    if (a.empty() || b.empty()) return false;  // a timeout or a closed connection
    switch (step.compare) {
      case Compare::kExact:
      case Compare::kScanAll:
        return a == b;
      case Compare::kSkip:
        return a[0] == b[0];
      case Compare::kUnordered: {
        protocol::Value va = Parse(a), vb = Parse(b);
        if (!va.IsAggregate() || !vb.IsAggregate()) return a == b;
        if (va.type() != vb.type()) return false;
        auto sorted = [](const protocol::Value& v) {
          std::vector<std::string> items;
          for (const protocol::Value& e : v.elements()) items.push_back(e.DebugString());
          std::sort(items.begin(), items.end());
          return items;
        };
        return sorted(va) == sorted(vb);
      }
      case Compare::kClose: {
        protocol::Value va = Parse(a), vb = Parse(b);
        if (va.type() != protocol::Type::kInteger || vb.type() != protocol::Type::kInteger ||
            va.integer() < 0 || vb.integer() < 0) {
          return a == b;
        }
        return std::llabs(va.integer() - vb.integer()) <= step.tolerance;
      }
    }
    return false;
  }

  std::string Report(const std::vector<Step>& steps, size_t i, const std::string& a,
                     const std::string& b, const std::string& context) {
    std::string out = "Ember and Redis differ";
    if (!context.empty()) out += " (" + context + ")";
    out += "\n  command #" + std::to_string(i) + ": " + CommandText(steps[i].args);
    out += "\n  redis: " + (a.empty() ? std::string("<no reply>") : Printable(a));
    out += "\n  ember: " + (b.empty() ? std::string("<no reply>") : Printable(b));
    size_t from = i >= 15 ? i - 15 : 0;
    if (from < i) out += "\n  preceding commands:";
    for (size_t k = from; k < i; ++k) out += "\n    " + CommandText(steps[k].args);
    return out;
  }

  // SCAN to the end on one server: the keys, sorted, or the first error.
  static std::string ScanToEnd(RawClient& c, const std::vector<std::string>& args,
                               std::vector<std::string>* keys) {
    std::string cursor = "0";
    for (int round = 0; round < 100000; ++round) {
      std::vector<std::string> call = args;
      call[1] = cursor;
      c.SendCommand(call);
      std::string bytes = c.ReadReplyBytes();
      protocol::Value v = Parse(bytes);
      if (bytes.empty() || v.type() != protocol::Type::kArray || v.elements().size() != 2) {
        return bytes.empty() ? "<no reply>" : bytes;
      }
      cursor = v.elements()[0].str();
      for (const protocol::Value& k : v.elements()[1].elements()) keys->push_back(k.str());
      if (cursor == "0") break;
    }
    std::sort(keys->begin(), keys->end());
    keys->erase(std::unique(keys->begin(), keys->end()), keys->end());
    return "";
  }

  bool ScanAll(const Step& step, const std::string& context) {
    std::vector<std::string> ka, kb;
    std::string ea = ScanToEnd(*redis_, step.args, &ka);
    std::string eb = ScanToEnd(*ember_, step.args, &kb);
    if (ea == eb && ka == kb) {
      ++compared_;
      return true;
    }
    auto join = [](const std::vector<std::string>& v) {
      std::string s;
      for (const std::string& k : v) s += (s.empty() ? "" : " ") + k;
      return s;
    };
    ADD_FAILURE() << "Ember and Redis differ" << (context.empty() ? "" : " (" + context + ")")
                  << "\n  full SCAN: " << CommandText(step.args)
                  << "\n  redis: " << (ea.empty() ? "keys [" + join(ka) + "]" : Printable(ea))
                  << "\n  ember: " << (eb.empty() ? "keys [" + join(kb) + "]" : Printable(eb));
    return false;
  }

  std::unique_ptr<RawClient> redis_;
  std::unique_ptr<RawClient> ember_;
  int64_t compared_ = 0;
  // EMBER_COMPAT_TRACE=1 prints every command with Redis's reply.
  bool trace_ = std::getenv("EMBER_COMPAT_TRACE") != nullptr;
};

inline Step Exact(const std::string& line) { return {Words(line)}; }
inline Step Exact(std::vector<std::string> args) { return {std::move(args)}; }
inline Step Unordered(const std::string& line) { return {Words(line), Compare::kUnordered}; }
inline Step Close(const std::string& line, int64_t tolerance) {
  return {Words(line), Compare::kClose, tolerance};
}
inline Step ScanAll(const std::string& line) { return {Words(line), Compare::kScanAll}; }
inline Step Skip(const std::string& line) { return {Words(line), Compare::kSkip}; }

// Whether Ember knows a command yet (commands are still being added): the
// data types Ember lacks are left out of the comparisons that need them,
// and the test says so in its output. `probe` must create args[1], which is
// deleted again.
inline bool EmberHas(RawClient& ember, const std::vector<std::string>& probe) {
  ember.SendCommand(probe);
  std::string reply = ember.ReadReplyBytes();
  ember.SendCommand({"DEL", probe[1]});
  ember.ReadReplyBytes();
  return reply.rfind("-ERR unknown command", 0) != 0;
}

// The collection types, each with a command that creates one.
struct Collection {
  const char* type;
  std::vector<std::string> create;  // args[1] is the key, replaced by the caller
};

// The set holds integers: a small set of strings is a listpack in Ember and
// a hashtable in Redis 7.0 (docs/differences.md), which OBJECT ENCODING
// would show; an intset is an intset in both.
inline std::vector<Collection> Collections() {
  return {
      {"list", {"RPUSH", "", "a", "b", "c"}},         {"set", {"SADD", "", "1", "2", "3"}},
      {"hash", {"HSET", "", "f1", "v1", "f2", "v2"}}, {"zset", {"ZADD", "", "1", "a", "2", "b"}},
      {"stream", {"XADD", "", "1-1", "f", "v"}},
  };
}

// The collections Ember supports today; the others are printed as skipped.
inline std::vector<Collection> SupportedCollections(RawClient& ember) {
  std::vector<Collection> out;
  for (Collection c : Collections()) {
    std::vector<std::string> probe = c.create;
    probe[1] = "__compat_probe__";
    if (EmberHas(ember, probe)) {
      out.push_back(c);
    } else {
      std::cout << "[ compat  ] Ember has no " << c.create[0] << " yet: " << c.type
                << " keys left out of the comparison\n";
    }
  }
  return out;
}

}  // namespace ember::testing::compat
