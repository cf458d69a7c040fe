// MULTI/EXEC and optimistic locking through the client. EXEC runs every
// queued command or, if a WATCHed key changed after WATCH, none (nil); a
// command that cannot be queued makes EXEC fail with EXECABORT; an error
// inside EXEC (WRONGTYPE) fails only that command. WatchRetry turns
// WATCH/read/MULTI/EXEC into a loop that retries until it wins, so
// concurrent read-modify-write cycles lose no update. A connection lost
// while WATCHing must not silently run the rest of the transaction
// unprotected on a fresh connection.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "client/client.h"
#include "tests/client/servers.h"

namespace ember::testing {
namespace {

using client::AsInteger;
using client::AsOptionalString;
using client::Connection;
using client::ErrorKind;
using client::Millis;
using client::Status;
using client::Transaction;

class ClientTransaction : public BothServers {};
EMBER_BOTH_SERVERS(ClientTransaction);

TEST_P(ClientTransaction, ExecReturnsEachQueuedCommandsReply) {
  Connection c(Opts());
  ASSERT_TRUE(c.Command({"SET", "s", "text"}).ok());
  Transaction tx(&c);
  tx.Add({"INCR", "n"}).Add({"INCR", "s"}).Add({"INCRBY", "n", 10});
  auto r = tx.Exec();
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_FALSE(r->aborted);
  ASSERT_EQ(r->replies.size(), 3u);
  EXPECT_EQ(r->replies[0]->integer(), 1);
  ASSERT_FALSE(r->replies[1].ok());
  EXPECT_EQ(r->replies[1].error().code(), "ERR");
  EXPECT_EQ(r->replies[2]->integer(), 11);
  EXPECT_FALSE(c.in_transaction());
}

TEST_P(ClientTransaction, CommandThatCannotBeQueuedAbortsTheWholeTransaction) {
  Connection c(Opts());
  Transaction tx(&c);
  tx.Add({"SET", "a", "1"}).Add({"SET", "only-a-key"});
  auto r = tx.Exec();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), "EXECABORT");
  auto a = AsOptionalString(c.Command({"GET", "a"}));
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->has_value());
}

TEST_P(ClientTransaction, ExecIsAbortedWhenAWatchedKeyChanges) {
  Connection c(Opts());
  Connection other(Opts());
  ASSERT_TRUE(c.Command({"WATCH", "balance"}).ok());
  EXPECT_TRUE(c.in_transaction());
  ASSERT_TRUE(other.Command({"SET", "balance", 5}).ok());
  Transaction tx(&c);
  tx.Add({"SET", "balance", 100});
  auto r = tx.Exec();
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->aborted);
  auto v = AsOptionalString(c.Command({"GET", "balance"}));
  ASSERT_TRUE(v.ok() && v->has_value());
  EXPECT_EQ(**v, "5");
}

// Four threads each add 1 to a counter 50 times by GET, then SET in a
// WATCHed transaction: without the WATCH, updates would be lost.
TEST_P(ClientTransaction, WatchRetryLosesNoConcurrentUpdate) {
  constexpr int kThreads = 4;
  constexpr int kEach = 50;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      Connection c(Opts());
      for (int i = 0; i < kEach; ++i) {
        auto r = client::WatchRetry(
            c, {"counter"},
            [](Connection& conn, Transaction& tx) -> Status {
              auto v = AsOptionalString(conn.Command({"GET", "counter"}));
              if (!v.ok()) return v.error();
              tx.Add({"SET", "counter", std::stoll(v->value_or("0")) + 1});
              return {};
            },
            1000);
        if (!r.ok() || r->aborted || r->replies.size() != 1) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  Connection c(Opts());
  auto v = AsOptionalString(c.Command({"GET", "counter"}));
  ASSERT_TRUE(v.ok() && v->has_value());
  EXPECT_EQ(**v, std::to_string(kThreads * kEach));
}

TEST_P(ClientTransaction, WatchRetryBodyMayDecideToWriteNothingOrToStop) {
  Connection c(Opts());
  auto nothing =
      client::WatchRetry(c, {"k"}, [](Connection&, Transaction&) -> Status { return {}; });
  ASSERT_TRUE(nothing.ok());
  EXPECT_FALSE(nothing->aborted);
  EXPECT_TRUE(nothing->replies.empty());
  EXPECT_FALSE(c.in_transaction());

  auto stopped = client::WatchRetry(c, {"k"}, [](Connection&, Transaction&) -> Status {
    return client::Error(ErrorKind::kUsage, "not today");
  });
  ASSERT_FALSE(stopped.ok());
  EXPECT_EQ(stopped.error().message(), "not today");
  EXPECT_FALSE(c.in_transaction());
}

TEST_P(ClientTransaction, WatchRetryGivesUpWhenTheKeyKeepsChanging) {
  Connection c(Opts());
  Connection meddler(Opts());
  int attempts = 0;
  auto r = client::WatchRetry(
      c, {"hot"},
      [&](Connection&, Transaction& tx) -> Status {
        ++attempts;
        (void)meddler.Command({"INCR", "hot"});
        tx.Add({"SET", "hot", "mine"});
        return {};
      },
      3);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind(), ErrorKind::kAborted);
  EXPECT_EQ(attempts, 3);
}

// The WATCH lives on the server connection. If that connection is lost, a
// client that reconnected and ran MULTI/EXEC would write unprotected.
TEST_P(ClientTransaction, ConnectionLostWhileWatchingFailsTheTransaction) {
  Connection c(Opts());
  auto id = AsInteger(c.Command({"CLIENT", "ID"}));
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(c.Command({"WATCH", "acct"}).ok());
  Connection killer(Opts());
  ASSERT_TRUE(killer.Command({"CLIENT", "KILL", "ID", *id}).ok());
  ASSERT_TRUE(killer.Command({"SET", "acct", "changed"}).ok());
  // Whether the loss is noticed by a read (GET fails) or before the next
  // write, the transaction must not run.
  (void)c.Command({"GET", "acct"});
  Transaction tx(&c);
  tx.Add({"SET", "acct", "overwritten"});
  auto r = tx.Exec();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind(), ErrorKind::kIo);
  auto v = AsOptionalString(killer.Command({"GET", "acct"}));
  ASSERT_TRUE(v.ok() && v->has_value());
  EXPECT_EQ(**v, "changed");
  // The failed transaction is over; the connection works again.
  EXPECT_TRUE(c.Command({"PING"}).ok());
}

// The same, without a command in between: Exec itself must notice.
TEST_P(ClientTransaction, ExecRightAfterTheWatchedConnectionDiedDoesNotRun) {
  Connection c(Opts());
  auto id = AsInteger(c.Command({"CLIENT", "ID"}));
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(c.Command({"WATCH", "acct"}).ok());
  Connection killer(Opts());
  ASSERT_TRUE(killer.Command({"CLIENT", "KILL", "ID", *id}).ok());
  ASSERT_TRUE(killer.Command({"SET", "acct", "changed"}).ok());
  Transaction tx(&c);
  tx.Add({"SET", "acct", "overwritten"});
  auto r = tx.Exec();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind(), ErrorKind::kIo);
  auto v = AsOptionalString(killer.Command({"GET", "acct"}));
  ASSERT_TRUE(v.ok() && v->has_value());
  EXPECT_EQ(**v, "changed");
}

// MULTI sent as a plain command after the WATCHed connection died must not
// open an unprotected transaction on a fresh connection.
TEST_P(ClientTransaction, MultiAfterTheWatchedConnectionDiedIsRefused) {
  Connection c(Opts());
  auto id = AsInteger(c.Command({"CLIENT", "ID"}));
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(c.Command({"WATCH", "acct"}).ok());
  Connection killer(Opts());
  ASSERT_TRUE(killer.Command({"CLIENT", "KILL", "ID", *id}).ok());
  ASSERT_TRUE(killer.Command({"SET", "acct", "changed"}).ok());
  auto multi = c.Command({"MULTI"});
  ASSERT_FALSE(multi.ok());
  EXPECT_EQ(multi.error().kind(), ErrorKind::kIo);
  // Until the transaction is ended, nothing runs on the new connection...
  EXPECT_FALSE(c.Command({"SET", "acct", "overwritten"}).ok());
  EXPECT_FALSE(c.Command({"EXEC"}).ok());
  // ...and after it, everything does.
  EXPECT_TRUE(c.Command({"PING"}).ok());
  auto v = AsOptionalString(killer.Command({"GET", "acct"}));
  ASSERT_TRUE(v.ok() && v->has_value());
  EXPECT_EQ(**v, "changed");
}

}  // namespace
}  // namespace ember::testing
