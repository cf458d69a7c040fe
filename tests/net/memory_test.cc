// Memory as a real ember-server process sees it, under a real write load
// over a socket.
//
// used_memory is what malloc handed out (server/memory.h); used_memory_rss
// is what the kernel gave the process. Loading a large data set moves both
// by about the same amount: the counter tracks real allocation, not an
// estimate. With maxmemory set, a client writing far more than the limit
// keeps the server at the limit: each command first evicts what the last
// one added, so used_memory stays within a few percent of maxmemory.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "tests/support/net_support.h"

namespace ember::testing {
namespace {

std::map<std::string, int64_t> InfoNumbers(RawClient& client) {
  std::map<std::string, int64_t> out;
  std::string text = client.Call({"INFO", "everything"}).str();
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find("\r\n", pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 2;
    size_t colon = line.find(':');
    if (colon == std::string::npos || line[0] == '#') continue;
    char* rest = nullptr;
    std::string value = line.substr(colon + 1);
    long long n = std::strtoll(value.c_str(), &rest, 10);
    if (rest != value.c_str() && *rest == '\0') out[line.substr(0, colon)] = n;
  }
  return out;
}

// Writes keys [first, first + count) with `value`, pipelined in batches,
// and checks every reply. `after_batch` runs between batches.
template <typename Fn>
void WriteKeys(RawClient& client, int first, int count, const std::string& value,
               Fn&& after_batch) {
  constexpr int kBatch = 500;
  for (int done = 0; done < count; done += kBatch) {
    int n = std::min(kBatch, count - done);
    std::string out;
    for (int i = 0; i < n; ++i) {
      std::string key = "key:" + std::to_string(first + done + i);
      out += "*3\r\n$3\r\nSET\r\n$" + std::to_string(key.size()) + "\r\n" + key + "\r\n$" +
             std::to_string(value.size()) + "\r\n" + value + "\r\n";
    }
    client.Send(out);
    for (int i = 0; i < n; ++i) {
      protocol::Value reply = client.ReadReply();
      ASSERT_EQ(reply.str(), "OK") << reply.DebugString();
    }
    after_batch();
  }
}

TEST(UsedMemory, GrowsWithRssWhenARealDataSetIsLoaded) {
  ServerProcess server(EmberServerPath(), {"--save", "", "--appendonly", "no"});
  ASSERT_TRUE(server.started());
  RawClient client(server.port());
  auto before = InfoNumbers(client);
  // About 80 MB: 200k keys of 400 bytes.
  WriteKeys(client, 0, 200'000, std::string(400, 'v'), [] {});
  auto after = InfoNumbers(client);
  double used = static_cast<double>(after["used_memory"] - before["used_memory"]);
  double rss = static_cast<double>(after["used_memory_rss"] - before["used_memory_rss"]);
  std::printf("200k keys: used_memory +%.1f MB, RSS +%.1f MB\n", used / 1e6, rss / 1e6);
  // At least the payload, not wildly more.
  EXPECT_GT(used, 200'000.0 * 400);
  EXPECT_LT(used, 200'000.0 * 400 * 2);
  // The counter and the kernel agree within a loose factor. Under
  // AddressSanitizer every allocation also carries redzones that RSS sees
  // and the counter (which counts what Ember asked for) does not.
#if defined(__SANITIZE_ADDRESS__)
  constexpr double kLowest = 0.6;
#else
  constexpr double kLowest = 0.8;
#endif
  EXPECT_GT(used / rss, kLowest);
  EXPECT_LT(used / rss, 1.25);
}

TEST(Maxmemory, AWriteLoadFarAboveTheLimitStaysAtTheLimit) {
  constexpr int64_t kLimit = 32 << 20;
  ServerProcess server(EmberServerPath(), {"--save", "", "--appendonly", "no", "--maxmemory",
                                           "32mb", "--maxmemory-policy", "allkeys-lru"});
  ASSERT_TRUE(server.started());
  RawClient client(server.port());
  int64_t highest = 0;
  // About 4 times the limit.
  WriteKeys(client, 0, 300'000, std::string(400, 'v'),
            [&] { highest = std::max(highest, InfoNumbers(client)["used_memory"]); });
  auto info = InfoNumbers(client);
  std::printf("highest used_memory seen %.2f MB for a 32 MB limit; %lld keys evicted\n",
              static_cast<double>(highest) / (1 << 20),
              static_cast<long long>(info["evicted_keys"]));
  EXPECT_EQ(info["maxmemory"], kLimit);
  EXPECT_LE(highest, kLimit * 103 / 100);
  EXPECT_GE(info["used_memory"], kLimit * 90 / 100);
  EXPECT_GT(info["evicted_keys"], 150'000);
  int64_t dbsize = client.Call({"DBSIZE"}).integer();
  EXPECT_EQ(dbsize + info["evicted_keys"], 300'000);
  // The most recent keys are there.
  EXPECT_EQ(client.Call({"EXISTS", "key:299999"}).integer(), 1);
}

TEST(Maxmemory, NoevictionUnderLoadRefusesWritesWithOom) {
  ServerProcess server(EmberServerPath(),
                       {"--save", "", "--appendonly", "no", "--maxmemory", "16mb"});
  ASSERT_TRUE(server.started());
  RawClient client(server.port());
  std::string value(400, 'v');
  int ok = 0;
  std::string last_error;
  for (int i = 0; i < 100'000 && last_error.empty(); ++i) {
    protocol::Value v = client.Call({"SET", "key:" + std::to_string(i), value});
    if (v.str() == "OK") {
      ++ok;
    } else {
      last_error = v.str();
    }
  }
  EXPECT_EQ(last_error, "OOM command not allowed when used memory > 'maxmemory'.");
  EXPECT_GT(ok, 10'000);
  EXPECT_EQ(client.Call({"GET", "key:0"}).str(), value);
  EXPECT_EQ(client.Call({"DEL", "key:0"}).integer(), 1);
  EXPECT_EQ(InfoNumbers(client)["evicted_keys"], 0);
}

}  // namespace
}  // namespace ember::testing
