// Connections come and go independently. QUIT answers +OK and then closes,
// ignoring what was pipelined behind it; CLIENT KILL closes another
// connection at once, even one in the middle of a large reply; many clients
// at the same time each get exactly their own replies; past maxclients a
// new connection is told so and closed; with `timeout` set an idle client
// is closed by the server's cron.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/net/wire.h"
#include "tests/support/net_support.h"

namespace ember::testing {
namespace {

// The field `name` of a CLIENT INFO / CLIENT LIST line ("addr=1.2.3.4:5 ...").
std::string Field(const std::string& line, const std::string& name) {
  size_t at = line.find(" " + name + "=");
  if (at == std::string::npos) {
    if (line.rfind(name + "=", 0) != 0) return "";
    at = 0;
  } else {
    at += 1;
  }
  at += name.size() + 1;
  size_t end = line.find_first_of(" \n", at);
  return line.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

TEST(Clients, QuitRepliesOkThenClosesAndIgnoresWhatFollows) {
  EmberThread server;
  RawClient c(server.port());
  c.Send(Resp({"QUIT"}) + Resp({"SET", "k", "v"}));
  EXPECT_EQ(c.ReadReplyBytes(), "+OK\r\n");
  EXPECT_TRUE(c.WaitClosed());
  RawClient check(server.port());
  check.Send(Resp({"EXISTS", "k"}));
  EXPECT_EQ(check.ReadReplyBytes(), ":0\r\n");
}

TEST(Clients, TwoHundredConcurrentClientsEachGetTheirOwnReplies) {
  EmberThread server;
  constexpr int kThreads = 4;
  constexpr int kClientsPerThread = 50;
  constexpr int kRounds = 50;
  std::vector<std::string> failures(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<std::unique_ptr<RawClient>> clients;
      for (int i = 0; i < kClientsPerThread; ++i) {
        clients.push_back(std::make_unique<RawClient>(server.port()));
      }
      for (int round = 0; round < kRounds && failures[t].empty(); ++round) {
        // Every client sends before any reads, so the server sees the
        // requests of many connections interleaved.
        for (int i = 0; i < kClientsPerThread; ++i) {
          std::string key = "client:" + std::to_string(t) + ":" + std::to_string(i);
          std::string value = key + ":round:" + std::to_string(round);
          clients[i]->Send(Resp({"SET", key, value}) + Resp({"GET", key}) +
                           Resp({"INCR", "total"}));
        }
        for (int i = 0; i < kClientsPerThread; ++i) {
          std::string key = "client:" + std::to_string(t) + ":" + std::to_string(i);
          std::string value = key + ":round:" + std::to_string(round);
          std::string ok = clients[i]->ReadReplyBytes();
          std::string got = clients[i]->ReadReplyBytes();
          std::string incr = clients[i]->ReadReplyBytes();
          std::string want = "$" + std::to_string(value.size()) + "\r\n" + value + "\r\n";
          if (ok != "+OK\r\n" || got != want || incr.empty() || incr[0] != ':') {
            failures[t] = key + " round " + std::to_string(round) + ": got [" + ok + "] [" + got +
                          "] [" + incr + "]";
            break;
          }
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (const std::string& f : failures) EXPECT_EQ(f, "");

  RawClient c(server.port());
  c.Send(Resp({"GET", "total"}));
  std::string total = std::to_string(kThreads * kClientsPerThread * kRounds);
  EXPECT_EQ(c.ReadReplyBytes(), "$" + std::to_string(total.size()) + "\r\n" + total + "\r\n");
  c.Send(Resp({"DBSIZE"}));
  EXPECT_EQ(c.ReadReplyBytes(), ":" + std::to_string(kThreads * kClientsPerThread + 1) + "\r\n");
}

TEST(Clients, ClientKillByIdClosesTheOtherConnection) {
  EmberThread server;
  RawClient victim(server.port());
  RawClient killer(server.port());
  protocol::Value id = victim.Call({"CLIENT", "ID"});
  ASSERT_EQ(id.type(), protocol::Type::kInteger);
  killer.Send(Resp({"CLIENT", "KILL", "ID", std::to_string(id.integer())}));
  EXPECT_EQ(killer.ReadReplyBytes(), ":1\r\n");
  EXPECT_TRUE(victim.WaitClosed());
  // The killer is unaffected, and the victim is gone from CLIENT LIST.
  protocol::Value list = killer.Call({"CLIENT", "LIST"});
  EXPECT_EQ(list.str().find("id=" + std::to_string(id.integer()) + " "), std::string::npos)
      << list.str();
  killer.Send(Resp({"PING"}));
  EXPECT_EQ(killer.ReadReplyBytes(), "+PONG\r\n");
}

TEST(Clients, ClientKillByAddressClosesTheOtherConnection) {
  EmberThread server;
  RawClient victim(server.port());
  RawClient killer(server.port());
  std::string addr = Field(victim.Call({"CLIENT", "INFO"}).str(), "addr");
  ASSERT_FALSE(addr.empty());
  killer.Send(Resp({"CLIENT", "KILL", addr}));
  EXPECT_EQ(killer.ReadReplyBytes(), "+OK\r\n");
  EXPECT_TRUE(victim.WaitClosed());
  killer.Send(Resp({"CLIENT", "KILL", addr}));
  EXPECT_EQ(killer.ReadReplyBytes(), "-ERR No such client\r\n");
}

TEST(Clients, ClientKillOfItselfRepliesFirstThenCloses) {
  EmberThread server;
  RawClient c(server.port());
  protocol::Value id = c.Call({"CLIENT", "ID"});
  c.Send(Resp({"CLIENT", "KILL", "ID", std::to_string(id.integer()), "SKIPME", "no"}) +
         Resp({"SET", "k", "v"}));
  EXPECT_EQ(c.ReadReplyBytes(), ":1\r\n");
  EXPECT_TRUE(c.WaitClosed());
  RawClient check(server.port());
  check.Send(Resp({"EXISTS", "k"}));
  EXPECT_EQ(check.ReadReplyBytes(), ":0\r\n");
}

TEST(Clients, ClientKillClosesAConnectionStuckInALargeReply) {
  EmberThread server;
  RawClient killer(server.port());
  killer.Send(Resp({"SET", "big", std::string(1024 * 1024, 'x')}));
  ASSERT_EQ(killer.ReadReplyBytes(), "+OK\r\n");
  RawClient victim(server.port());
  protocol::Value id = victim.Call({"CLIENT", "ID"});
  // Far more output than the socket buffers hold; the victim never reads.
  std::string pipeline;
  for (int i = 0; i < 64; ++i) pipeline += Resp({"GET", "big"});
  victim.Send(pipeline);
  Barrier(killer);
  killer.Send(Resp({"CLIENT", "KILL", "ID", std::to_string(id.integer())}));
  EXPECT_EQ(killer.ReadReplyBytes(), ":1\r\n");
  EXPECT_TRUE(victim.WaitClosed(std::chrono::seconds(30)));
  killer.Send(Resp({"PING"}));
  EXPECT_EQ(killer.ReadReplyBytes(), "+PONG\r\n");
}

TEST(Clients, ConnectionsPastMaxclientsAreToldAndClosed) {
  server::Config config;
  config.maxclients = 2;
  EmberThread server(config);
  RawClient a(server.port());
  RawClient b(server.port());
  a.Send(Resp({"PING"}));
  ASSERT_EQ(a.ReadReplyBytes(), "+PONG\r\n");
  b.Send(Resp({"PING"}));
  ASSERT_EQ(b.ReadReplyBytes(), "+PONG\r\n");
  {
    RawClient c(server.port());
    EXPECT_EQ(c.ReadReplyBytes(), "-ERR max number of clients reached\r\n");
    EXPECT_TRUE(c.WaitClosed());
  }
  // A freed slot can be taken again.
  a.Send(Resp({"QUIT"}));
  ASSERT_EQ(a.ReadReplyBytes(), "+OK\r\n");
  ASSERT_TRUE(a.WaitClosed());
  Barrier(b);
  RawClient d(server.port());
  d.Send(Resp({"PING"}));
  EXPECT_EQ(d.ReadReplyBytes(), "+PONG\r\n");
}

TEST(Clients, IdleClientsAreClosedAfterTimeout) {
  server::Config config;
  config.timeout = 1;
  EmberThread server(config);
  RawClient idle(server.port());
  idle.Send(Resp({"PING"}));
  ASSERT_EQ(idle.ReadReplyBytes(), "+PONG\r\n");
  EXPECT_TRUE(idle.WaitClosed(std::chrono::seconds(10)));
}

// A blocked command (BLPOP) holds back what its client sends meanwhile;
// once served, those commands run in order, and later ones too.
TEST(Clients, CommandsSentWhileBlockedRunAfterTheBlockedOne) {
  EmberThread server;
  RawClient blocked(server.port());
  RawClient pusher(server.port());
  blocked.Send(Resp({"BLPOP", "queue", "0"}));
  Barrier(pusher);
  blocked.Send(Resp({"PING"}) + Resp({"ECHO", "while blocked"}));
  Barrier(pusher);
  pusher.Send(Resp({"RPUSH", "queue", "job"}));
  EXPECT_EQ(pusher.ReadReplyBytes(), ":1\r\n");
  EXPECT_EQ(blocked.ReadReplyBytes(), "*2\r\n$5\r\nqueue\r\n$3\r\njob\r\n");
  EXPECT_EQ(blocked.ReadReplyBytes(), "+PONG\r\n");
  EXPECT_EQ(blocked.ReadReplyBytes(), "$13\r\nwhile blocked\r\n");
  for (int i = 0; i < 3; ++i) {
    std::string text = "after " + std::to_string(i);
    blocked.Send(Resp({"ECHO", text}));
    EXPECT_EQ(blocked.ReadReplyBytes(), "$7\r\n" + text + "\r\n");
  }
}

TEST(Clients, ABlockedCommandTimesOutThenTheNextOnesRun) {
  EmberThread server;
  RawClient c(server.port());
  c.Send(Resp({"BLPOP", "queue", "0.05"}) + Resp({"PING"}));
  EXPECT_EQ(c.ReadReplyBytes(), "*-1\r\n");
  EXPECT_EQ(c.ReadReplyBytes(), "+PONG\r\n");
}

// A blocked client that goes away is no longer waiting: a later push stays
// in the list instead of being handed to a closed connection.
TEST(Clients, ABlockedClientThatDisconnectsOrIsKilledServesNobody) {
  EmberThread server;
  RawClient pusher(server.port());
  {
    RawClient gone(server.port());
    gone.Send(Resp({"BLPOP", "queue", "0"}));
    Barrier(pusher);
  }
  RawClient killed(server.port());
  protocol::Value id = killed.Call({"CLIENT", "ID"});
  killed.Send(Resp({"BLPOP", "queue", "0"}));
  Barrier(pusher);
  pusher.Send(Resp({"CLIENT", "KILL", "ID", std::to_string(id.integer())}));
  EXPECT_EQ(pusher.ReadReplyBytes(), ":1\r\n");
  EXPECT_TRUE(killed.WaitClosed());
  // Let the server notice the first client's close.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::string list;
  do {
    list = pusher.Call({"CLIENT", "LIST"}).str();
  } while (std::count(list.begin(), list.end(), '\n') != 1 &&
           std::chrono::steady_clock::now() < deadline);
  pusher.Send(Resp({"RPUSH", "queue", "job"}));
  EXPECT_EQ(pusher.ReadReplyBytes(), ":1\r\n");
  pusher.Send(Resp({"LLEN", "queue"}));
  EXPECT_EQ(pusher.ReadReplyBytes(), ":1\r\n");
}

// A client unblocked with a long pipeline of big replies behind its BLPOP
// still gets every reply, although backpressure pauses it on the way.
TEST(Clients, ABacklogBehindABlockedCommandDrainsUnderBackpressure) {
  EmberThread server;
  RawClient blocked(server.port());
  RawClient pusher(server.port());
  const std::string value(1024 * 1024, 'v');
  pusher.Send(Resp({"SET", "big", value}));
  ASSERT_EQ(pusher.ReadReplyBytes(), "+OK\r\n");
  blocked.Send(Resp({"BLPOP", "queue", "0"}));
  Barrier(pusher);
  constexpr int kGets = 40;
  std::string pipeline;
  for (int i = 0; i < kGets; ++i) pipeline += Resp({"GET", "big"});
  blocked.Send(pipeline);
  Barrier(pusher);
  pusher.Send(Resp({"RPUSH", "queue", "job"}));
  EXPECT_EQ(pusher.ReadReplyBytes(), ":1\r\n");
  EXPECT_EQ(blocked.ReadReplyBytes(), "*2\r\n$5\r\nqueue\r\n$3\r\njob\r\n");
  const std::string expected = "$1048576\r\n" + value + "\r\n";
  for (int i = 0; i < kGets; ++i) {
    ASSERT_TRUE(blocked.ReadReplyBytes(std::chrono::seconds(10)) == expected) << "reply #" << i;
  }
}

// Connections that close in any state (idle, mid-command, with replies
// unread) leave nothing behind: CLIENT LIST ends up listing only the
// connection asking.
TEST(Clients, ClosedConnectionsAreForgotten) {
  EmberThread server;
  for (int i = 0; i < 300; ++i) {
    RawClient c(server.port());
    switch (i % 3) {
      case 0:
        break;
      case 1:
        c.Send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100\r\nhalf");
        break;
      default:
        c.Send(Resp({"PING"}) + Resp({"PING"}));
        break;
    }
  }
  RawClient observer(server.port());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::string list;
  do {
    list = observer.Call({"CLIENT", "LIST"}).str();
  } while (std::count(list.begin(), list.end(), '\n') != 1 &&
           std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(std::count(list.begin(), list.end(), '\n'), 1) << list.substr(0, 2000);
  EXPECT_EQ(observer.Call({"EXISTS", "k"}).integer(), 0);
}

// SIGTERM must stop the server promptly even when a client has stopped
// reading in the middle of a large reply: shutting down cannot wait for it.
TEST(Clients, ShutdownDoesNotWaitForAClientThatStoppedReading) {
  ServerProcess server(EmberServerPath(), {"--save", ""});
  ASSERT_TRUE(server.started());
  RawClient slow(server.port());
  slow.Send(Resp({"SET", "big", std::string(1024 * 1024, 'x')}));
  ASSERT_EQ(slow.ReadReplyBytes(), "+OK\r\n");
  std::string pipeline;
  for (int i = 0; i < 64; ++i) pipeline += Resp({"GET", "big"});
  slow.Send(pipeline);
  RawClient other(server.port());
  Barrier(other);
  // Stop() sends SIGTERM, waits 5 s, then resorts to SIGKILL (-1).
  EXPECT_EQ(server.Stop(), 0);
}

TEST(Clients, EachConnectionHasItsOwnDatabaseAndProtocol) {
  EmberThread server;
  RawClient a(server.port());
  RawClient b(server.port());
  a.Send(Resp({"SELECT", "3"}));
  EXPECT_EQ(a.ReadReplyBytes(), "+OK\r\n");
  a.Send(Resp({"SET", "k", "in-db-3"}));
  EXPECT_EQ(a.ReadReplyBytes(), "+OK\r\n");
  b.Send(Resp({"GET", "k"}));
  EXPECT_EQ(b.ReadReplyBytes(), "$-1\r\n");
  a.Send(Resp({"HELLO", "3"}));
  ASSERT_EQ(a.ReadReplyBytes().substr(0, 1), "%");
  a.Send(Resp({"GET", "missing"}));
  EXPECT_EQ(a.ReadReplyBytes(), "_\r\n");
  b.Send(Resp({"GET", "missing"}));
  EXPECT_EQ(b.ReadReplyBytes(), "$-1\r\n");
}

}  // namespace
}  // namespace ember::testing
