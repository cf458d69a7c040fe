// A Pool lends a fixed number of connections to many threads. Every thread
// gets its own replies; no more connections than the pool size are opened;
// a caller that cannot get one in time is told so (kPool) instead of
// waiting forever; and a connection handed back in the middle of WATCH is
// not lent to the next thread with that WATCH still armed.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "client/client.h"
#include "tests/client/servers.h"

namespace ember::testing {
namespace {

using client::AsInteger;
using client::ErrorKind;
using client::Millis;
using client::Pool;

class ClientPool : public BothServers {};
EMBER_BOTH_SERVERS(ClientPool);

TEST_P(ClientPool, ManyThreadsShareAFewConnections) {
  Pool pool(Opts(), 3);
  constexpr int kThreads = 8;
  constexpr int kEach = 200;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::string mine = "echo-" + std::to_string(t);
      for (int i = 0; i < kEach; ++i) {
        auto lease = pool.Acquire(Millis(10000));
        if (!lease.ok()) {
          ++failures;
          continue;
        }
        auto n = AsInteger((*lease)->Command({"INCR", "hits"}));
        auto e = (*lease)->Command({"ECHO", mine});
        if (!n.ok() || !e.ok() || e->str() != mine) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(pool.idle(), 3u);
  auto lease = pool.Acquire();
  ASSERT_TRUE(lease.ok());
  auto hits = client::AsOptionalString((*lease)->Command({"GET", "hits"}));
  ASSERT_TRUE(hits.ok() && hits->has_value());
  EXPECT_EQ(**hits, std::to_string(kThreads * kEach));
  // The server saw at most 3 of our connections (plus none other).
  auto list = client::AsOptionalString((*lease)->Command({"CLIENT", "LIST"}));
  ASSERT_TRUE(list.ok() && list->has_value());
  size_t lines = 0;
  for (char ch : **list) lines += ch == '\n';
  EXPECT_LE(lines, 3u);
}

TEST_P(ClientPool, AcquireFailsWhenNoConnectionFreesUpInTime) {
  Pool pool(Opts(), 1);
  auto held = pool.Acquire();
  ASSERT_TRUE(held.ok());
  auto second = pool.Acquire(Millis(50));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().kind(), ErrorKind::kPool);
  { auto moved = std::move(held).value(); }  // returned here
  auto third = pool.Acquire(Millis(50));
  EXPECT_TRUE(third.ok());
}

TEST_P(ClientPool, ConnectionReturnedWhileWatchingIsNotLentWithItsWatch) {
  Pool pool(Opts(), 1);
  {
    auto lease = pool.Acquire();
    ASSERT_TRUE(lease.ok());
    ASSERT_TRUE((*lease)->Command({"WATCH", "k"}).ok());
  }
  client::Connection other(Opts());
  ASSERT_TRUE(other.Command({"SET", "k", "changed"}).ok());
  auto lease = pool.Acquire();
  ASSERT_TRUE(lease.ok());
  EXPECT_FALSE((*lease)->in_transaction());
  client::Transaction tx(&**lease);
  tx.Add({"SET", "k", "next-user"});
  auto r = tx.Exec();
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_FALSE(r->aborted);  // the previous user's WATCH did not leak
}

}  // namespace
}  // namespace ember::testing
