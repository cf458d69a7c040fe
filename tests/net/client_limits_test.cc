// Limits on clients, over real sockets.
//
// client-output-buffer-limit: a client that stops reading its replies piles
// up output on the server; past its class's hard limit it is disconnected
// at once, and past the soft limit for longer than the grace period it is
// disconnected by the server's once-a-second check, so the server's memory
// stays bounded. A client that reads as it goes is never cut off; nor is a
// publisher when one of its subscribers stops reading. `timeout`
// closes idle clients, but never a client blocked in BLPOP: waiting is what
// it asked for. The server raises its open-files limit to maxclients + 32
// at start-up (or lowers maxclients to what the system allows), and holds
// 10,000 idle connections at once (Redis's default maxclients), each still
// served.
#include <gtest/gtest.h>

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/net/wire.h"
#include "tests/support/net_support.h"

namespace ember::testing {
namespace {

using std::chrono::seconds;

std::string InfoField(RawClient& c, const std::string& section, const std::string& name) {
  std::string info = c.Call({"INFO", section}).str();
  size_t at = info.find(name + ":");
  if (at == std::string::npos) return "";
  at += name.size() + 1;
  return info.substr(at, info.find('\r', at) - at);
}

// Polls CLIENT LIST on `admin` until client `id` is gone (true) or the
// deadline passes. The client itself must not read meanwhile: reading is
// what would keep it under its limits.
bool WaitUntilGone(RawClient& admin, int64_t id) {
  std::string needle = "id=" + std::to_string(id) + " ";
  auto deadline = std::chrono::steady_clock::now() + seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string list = admin.Call({"CLIENT", "LIST"}).str();
    if (list.find(needle) == std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// Sends `n` GETs of a big value and reads nothing.
void FloodWithoutReading(RawClient& c, int n) {
  std::string burst;
  for (int i = 0; i < n; ++i) burst += Resp({"GET", "big"});
  c.Send(burst);
}

TEST(OutputBufferLimit, TheHardLimitDisconnectsAClientThatDoesNotRead) {
  server::Config config;
  config.client_output_buffer_limit[0] = {1024 * 1024, 0, 0};
  EmberThread server(config);
  RawClient admin(server.port());
  ASSERT_EQ(admin.Call({"SET", "big", std::string(256 * 1024, 'x')}).str(), "OK");
  RawClient reader(server.port());
  int64_t id = reader.Call({"CLIENT", "ID"}).integer();
  // 200 replies of 256 KB: far more than the kernel's socket buffers hold.
  FloodWithoutReading(reader, 200);
  EXPECT_TRUE(WaitUntilGone(admin, id));
  EXPECT_TRUE(reader.WaitClosed(seconds(30)));
  EXPECT_EQ(InfoField(admin, "clients", "connected_clients"), "1");
}

TEST(OutputBufferLimit, TheSoftLimitDisconnectsOnlyAfterItsGracePeriod) {
  server::Config config;
  config.client_output_buffer_limit[0] = {0, 512 * 1024, 1};
  EmberThread server(config);
  RawClient admin(server.port());
  ASSERT_EQ(admin.Call({"SET", "big", std::string(256 * 1024, 'x')}).str(), "OK");
  RawClient reader(server.port());
  int64_t id = reader.Call({"CLIENT", "ID"}).integer();
  FloodWithoutReading(reader, 200);
  EXPECT_TRUE(WaitUntilGone(admin, id));
  EXPECT_TRUE(reader.WaitClosed(seconds(30)));
}

TEST(OutputBufferLimit, AClientThatReadsItsRepliesIsNeverCutOff) {
  server::Config config;
  config.client_output_buffer_limit[0] = {1024 * 1024, 0, 0};
  EmberThread server(config);
  RawClient c(server.port());
  ASSERT_EQ(c.Call({"SET", "big", std::string(256 * 1024, 'x')}).str(), "OK");
  for (int i = 0; i < 50; ++i) {
    c.Send(Resp({"GET", "big"}));
    ASSERT_EQ(c.ReadReplyBytes().size(), 256 * 1024 + 11u) << "reply " << i;
  }
}

// The pubsub class's limit protects the server from a subscriber that
// stops reading: messages pile up for it alone, so past the limit it is
// disconnected, while publishers get their replies throughout and a
// subscriber that keeps reading receives every message.
TEST(OutputBufferLimit, ASlowSubscriberIsDisconnectedWhilePublishersKeepGoing) {
  constexpr int kMessages = 200;
  server::Config config;
  config.client_output_buffer_limit[static_cast<int>(server::ClientClass::kPubSub)] = {1024 * 1024,
                                                                                       0, 0};
  EmberThread server(config);
  RawClient admin(server.port());
  RawClient slow(server.port());
  int64_t slow_id = slow.Call({"CLIENT", "ID"}).integer();
  ASSERT_EQ(slow.Call({"SUBSCRIBE", "news"}).type(), protocol::Type::kArray);
  RawClient fast(server.port());
  ASSERT_EQ(fast.Call({"SUBSCRIBE", "news"}).type(), protocol::Type::kArray);
  std::atomic<int> received = 0;
  std::thread reader([&] {
    for (int i = 0; i < kMessages; ++i) {
      if (fast.ReadReply(seconds(30)).type() != protocol::Type::kArray) break;
      ++received;
    }
  });
  RawClient publisher(server.port());
  const std::string payload(64 * 1024, 'm');  // 200 x 64 KB: 12.5 MB for each subscriber
  for (int i = 0; i < kMessages; ++i) {
    // The publisher goes as fast as the subscriber that keeps up reads
    // (a few messages ahead at most), never waiting for the slow one.
    auto deadline = std::chrono::steady_clock::now() + seconds(30);
    while (received < i - 4 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::yield();
    }
    protocol::Value r = publisher.Call({"PUBLISH", "news", payload});
    ASSERT_EQ(r.type(), protocol::Type::kInteger) << "message " << i;
  }
  reader.join();
  EXPECT_EQ(received, kMessages);
  EXPECT_TRUE(WaitUntilGone(admin, slow_id));
  EXPECT_TRUE(slow.WaitClosed(seconds(30)));
  // Only the subscriber that kept up is left.
  EXPECT_EQ(publisher.Call({"PUBLISH", "news", "after"}).integer(), 1);
}

TEST(OutputBufferLimit, ConfigSetAppliesToConnectedClients) {
  EmberThread server;
  RawClient admin(server.port());
  ASSERT_EQ(admin.Call({"SET", "big", std::string(256 * 1024, 'x')}).str(), "OK");
  RawClient reader(server.port());
  int64_t id = reader.Call({"CLIENT", "ID"}).integer();
  ASSERT_EQ(admin.Call({"CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 0 0"}).str(),
            "OK");
  FloodWithoutReading(reader, 200);
  EXPECT_TRUE(WaitUntilGone(admin, id));
  EXPECT_TRUE(reader.WaitClosed(seconds(30)));
}

TEST(Timeout, IdleClientsAreClosedButBlockedOnesWait) {
  server::Config config;
  config.timeout = 1;
  EmberThread server(config);
  RawClient blocked(server.port());
  RawClient idle(server.port());
  blocked.Send(Resp({"BLPOP", "queue", "0"}));
  idle.Send(Resp({"PING"}));
  ASSERT_EQ(idle.ReadReplyBytes(), "+PONG\r\n");
  // The check that closed the idle client saw the blocked one, idle as long.
  ASSERT_TRUE(idle.WaitClosed(seconds(10)));
  RawClient pusher(server.port());
  pusher.Send(Resp({"RPUSH", "queue", "job"}));
  EXPECT_EQ(pusher.ReadReplyBytes(), ":1\r\n");
  EXPECT_EQ(blocked.ReadReplyBytes(), "*2\r\n$5\r\nqueue\r\n$3\r\njob\r\n");
}

// The soft limit of open files in /proc/<pid>/limits.
int64_t OpenFilesLimitOf(pid_t pid) {
  FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/limits").c_str(), "r");
  if (f == nullptr) return -1;
  char line[256];
  int64_t soft = -1;
  while (std::fgets(line, sizeof(line), f) != nullptr) {
    if (std::strncmp(line, "Max open files", 14) == 0) soft = std::atoll(line + 14);
  }
  std::fclose(f);
  return soft;
}

TEST(OpenFiles, TheServerRaisesItsLimitToMaxclientsPlus32AtStartUp) {
  rlimit saved;
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
  if (saved.rlim_max < 1024) GTEST_SKIP() << "hard RLIMIT_NOFILE below 1024";
  // Started with a soft limit of 1024 (the usual shell default)...
  rlimit low = saved;
  low.rlim_cur = 1024;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  ServerProcess server(EmberServerPath(), {"--save", ""});
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &saved), 0);
  ASSERT_TRUE(server.started());
  // ...it makes room for its 10000 clients, or lowers maxclients to fit.
  RawClient c(server.port());
  std::string maxclients = c.Call({"CONFIG", "GET", "maxclients"}).elements().at(1).str();
  if (saved.rlim_max >= 10'032) {
    EXPECT_EQ(OpenFilesLimitOf(server.pid()), 10'032);
    EXPECT_EQ(maxclients, "10000");
  } else {
    EXPECT_EQ(OpenFilesLimitOf(server.pid()), static_cast<int64_t>(saved.rlim_max));
    EXPECT_EQ(maxclients, std::to_string(saved.rlim_max - 32));
  }
}

// Redis's default maxclients, all at once. The one allowed skip: a machine
// whose hard RLIMIT_NOFILE cannot hold that many sockets in this process.
TEST(ManyClients, TenThousandIdleConnectionsAreAcceptedAndServed) {
  constexpr int kClients = 10'000;
  constexpr rlim_t kNeeded = kClients + 256;  // the clients, plus this process's own files
  rlimit limit;
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  if (limit.rlim_cur < kNeeded) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? kNeeded : std::min(limit.rlim_max, kNeeded);
    if (raised.rlim_cur < kNeeded || setrlimit(RLIMIT_NOFILE, &raised) != 0) {
      GTEST_SKIP() << "RLIMIT_NOFILE hard limit is " << limit.rlim_max << ", below the " << kNeeded
                   << " open files this test needs";
    }
  }
  // The server process inherits the raised limit and raises its own to
  // maxclients + 32 at start-up.
  ServerProcess server(EmberServerPath(), {"--save", ""});
  ASSERT_TRUE(server.started());

  std::vector<std::unique_ptr<RawClient>> clients;
  clients.reserve(kClients);
  // The server's own readiness probe must be gone first: with it, the last
  // connection would be one too many.
  clients.push_back(std::make_unique<RawClient>(server.port()));
  auto ready = std::chrono::steady_clock::now() + seconds(10);
  while (InfoField(*clients.front(), "clients", "connected_clients") != "1" &&
         std::chrono::steady_clock::now() < ready) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (int i = 1; i < kClients; ++i) {
    clients.push_back(std::make_unique<RawClient>(server.port()));
    ASSERT_TRUE(clients.back()->connected()) << "connection " << i;
  }
  // A sample, from the first to the last: each is a served client.
  for (int i = 0; i < kClients; i += 997) {
    EXPECT_EQ(clients[i]->Call({"PING"}).str(), "PONG") << "connection " << i;
  }
  EXPECT_EQ(clients.back()->Call({"PING"}).str(), "PONG");
  std::string connected = InfoField(*clients.front(), "clients", "connected_clients");
  EXPECT_GE(std::stoll(connected.empty() ? "0" : connected), kClients);
  clients.clear();
  // And they are all forgotten once closed.
  RawClient last(server.port());
  auto deadline = std::chrono::steady_clock::now() + seconds(30);
  while (InfoField(last, "clients", "connected_clients") != "1" &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(InfoField(last, "clients", "connected_clients"), "1");
}

}  // namespace
}  // namespace ember::testing
