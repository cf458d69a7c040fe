// Support for the differential tests of the collection types: a real
// redis-server and an in-process Ember side by side, the same commands sent
// to both, and the raw reply bytes compared.
//
// Where Redis leaves the order unspecified (a hash table's iteration) the
// replies are compared as multisets; where the result is random (SPOP,
// SRANDMEMBER, HRANDFIELD) the tests check properties instead. The seed is
// printed, and EMBER_DIFF_SEED replays a run.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "protocol/resp_value.h"
#include "tests/support/command_harness.h"
#include "tests/support/net_support.h"

namespace ember::testing::diff {

inline uint64_t SeedFromEnv() {
  const char* env = std::getenv("EMBER_DIFF_SEED");
  uint64_t seed = env != nullptr ? std::strtoull(env, nullptr, 10) : std::random_device{}();
  std::printf("[ seed ] EMBER_DIFF_SEED=%llu\n", static_cast<unsigned long long>(seed));
  return seed;
}

inline std::string Join(const std::vector<std::string>& cmd) {
  std::string out;
  for (const std::string& a : cmd) {
    if (!out.empty()) out += ' ';
    if (a.size() > 40) {
      out += a.substr(0, 12) + "...(" + std::to_string(a.size()) + " bytes)";
    } else {
      out += '"' + a + '"';
    }
  }
  return out;
}

inline std::string Shorten(const std::string& bytes) {
  std::string s = bytes.size() > 600 ? bytes.substr(0, 600) + "..." : bytes;
  std::string out;
  for (char c : s) {
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// The elements of an aggregate reply, each re-encoded as text, sorted: two
// replies that hold the same elements in another order compare equal.
// Maps (RESP3 HGETALL) keep each key next to its value.
inline std::vector<std::string> SortedElements(const protocol::Value& v) {
  std::vector<std::string> out;
  const auto& e = v.elements();
  if (v.type() == protocol::Type::kMap) {
    for (size_t i = 0; i + 1 < e.size(); i += 2) out.push_back(e[i].str() + "=>" + e[i + 1].str());
  } else {
    for (const auto& x : e) out.push_back(x.DebugString());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Redis and Ember, each with one connection.
class ServerPair {
 public:
  // Both servers run with their defaults, which are the same.
  ServerPair()
      : redis_("redis-server", {"--save", "", "--appendonly", "no", "--bind", "127.0.0.1"}) {
    if (!redis_.started()) return;
    redis_client_ = std::make_unique<RawClient>(redis_.port());
    ember_client_ = std::make_unique<RawClient>(ember_.port());
  }
  bool ok() const {
    return redis_client_ && redis_client_->connected() && ember_client_->connected();
  }

  struct Replies {
    std::string redis;
    std::string ember;
  };
  Replies Send(const std::vector<std::string>& cmd) {
    redis_client_->SendCommand(cmd);
    ember_client_->SendCommand(cmd);
    return {redis_client_->ReadReplyBytes(), ember_client_->ReadReplyBytes()};
  }
  std::string SendRedis(const std::vector<std::string>& cmd) {
    redis_client_->SendCommand(cmd);
    return redis_client_->ReadReplyBytes();
  }
  std::string SendEmber(const std::vector<std::string>& cmd) {
    ember_client_->SendCommand(cmd);
    return ember_client_->ReadReplyBytes();
  }

 private:
  ServerProcess redis_;
  EmberThread ember_;
  std::unique_ptr<RawClient> redis_client_;
  std::unique_ptr<RawClient> ember_client_;
};

// Keeps the recent commands and reports mismatches with enough context to
// replay them.
class Checker {
 public:
  explicit Checker(uint64_t seed) : seed_(seed) {}

  void Record(const std::vector<std::string>& cmd) {
    history_.push_back(Join(cmd));
    if (history_.size() > 12) history_.pop_front();
  }

  void Mismatch(const std::string& what, const std::vector<std::string>& cmd,
                const std::string& redis, const std::string& ember) {
    ++failures_;
    std::string recent;
    for (const std::string& h : history_) recent += "\n    " + h;
    ADD_FAILURE() << what << " (EMBER_DIFF_SEED=" << seed_ << ")\n  command: " << Join(cmd)
                  << "\n  redis:   " << Shorten(redis) << "\n  ember:   " << Shorten(ember)
                  << "\n  recent commands:" << recent;
  }
  void Fail(const std::string& what, const std::vector<std::string>& cmd,
            const std::string& detail) {
    Mismatch(what + ": " + detail, cmd, "", "");
  }

  // Exact comparison of raw bytes.
  bool Same(const std::vector<std::string>& cmd, const ServerPair::Replies& r) {
    if (r.redis == r.ember) return true;
    Mismatch("replies differ", cmd, r.redis, r.ember);
    return false;
  }
  // Same reply type and elements, in any order.
  bool SameUnordered(const std::vector<std::string>& cmd, const ServerPair::Replies& r) {
    if (r.redis == r.ember) return true;
    protocol::Value a = ParseOne(r.redis), b = ParseOne(r.ember);
    if (a.type() == b.type() && a.IsAggregate() && SortedElements(a) == SortedElements(b)) {
      return true;
    }
    Mismatch("replies differ (order ignored)", cmd, r.redis, r.ember);
    return false;
  }

  int failures() const { return failures_; }
  bool too_many() const { return failures_ >= 10; }

 private:
  uint64_t seed_;
  std::deque<std::string> history_;
  int failures_ = 0;
};

}  // namespace ember::testing::diff
