// Keyspace notifications, in-process: which writes publish what.
//
// With notify-keyspace-events set, a change to a key is published on
// "__keyspace@<db>__:<key>" (message: the event, e.g. "lpush") when K is
// set and on "__keyevent@<db>__:<event>" (message: the key) when E is set,
// for the classes enabled (g generic, $ strings, l lists, x expired...).
// Nothing is published by default. Expiry publishes "expired" whether a
// lookup or the active cycle finds the key; the eviction code calls the
// same hook with "evicted". (The full event list is checked against a real
// Redis in tests/compat/pubsub_compat_test.cc.)
#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "server/keyspace_events.h"
#include "server/memory.h"
#include "tests/support/command_harness.h"
#include "tests/support/matchers.h"

namespace ember::testing {
namespace {

using protocol::Value;
using server::Client;

class KeyspaceEvents : public ::testing::Test {
 protected:
  KeyspaceEvents() : sub_(h_.NewClient()) {
    sub_.output().clear();
    h_.server().Execute(sub_, std::vector<std::string_view>{"PSUBSCRIBE", "__key*__:*"});
    sub_.output().clear();
  }

  // "channel message" for each message received since the last call.
  std::vector<std::string> Events() {
    std::vector<std::string> out;
    while (!sub_.output().empty()) {
      Value v = h_.TakeReply(sub_);
      out.push_back(v.elements().at(2).str() + " " + v.elements().at(3).str());
    }
    return out;
  }

  CommandHarness h_;
  Client& sub_;
};

using Strings = std::vector<std::string>;

TEST_F(KeyspaceEvents, NothingIsPublishedByDefault) {
  EXPECT_THAT(h_.Run({"CONFIG", "GET", "notify-keyspace-events"}),
              IsBulkArray(Strings{"notify-keyspace-events", ""}));
  h_.Run({"SET", "k", "v"});
  EXPECT_TRUE(Events().empty());
}

TEST_F(KeyspaceEvents, ConfigSetNormalizesTheFlags) {
  auto set_get = [&](std::string_view flags) {
    h_.Run({"CONFIG", "SET", "notify-keyspace-events", flags});
    return h_.Run({"CONFIG", "GET", "notify-keyspace-events"}).elements().at(1).str();
  };
  EXPECT_EQ(set_get("KEA"), "AKE");
  EXPECT_EQ(set_get("Kg$lshzxetd"), "AK");  // every class is "A"
  EXPECT_EQ(set_get("Elg"), "glE");
  EXPECT_EQ(set_get("mnK"), "nKm");
  EXPECT_EQ(set_get("AnE"), "AE");  // "n" stays set, but is not shown next to "A"
  EXPECT_THAT(h_.Run({"CONFIG", "SET", "notify-keyspace-events", "Kq"}),
              IsError("ERR CONFIG SET failed (possibly related to argument "
                      "'notify-keyspace-events') - Invalid event class character. Use "
                      "'Ag$lshzxeKEtmdn'."));
}

TEST_F(KeyspaceEvents, KeyspaceAndKeyeventChannels) {
  h_.Run({"CONFIG", "SET", "notify-keyspace-events", "KE$"});
  h_.Run({"SET", "k", "v"});
  EXPECT_EQ(Events(), (Strings{"__keyspace@0__:k set", "__keyevent@0__:set k"}));
  h_.Run({"CONFIG", "SET", "notify-keyspace-events", "Kg"});
  h_.Run({"SELECT", "5"});
  h_.Run({"SET", "k", "v"});  // strings are not enabled
  h_.Run({"RENAME", "k", "k2"});
  EXPECT_EQ(Events(), (Strings{"__keyspace@5__:k rename_from", "__keyspace@5__:k2 rename_to"}));
}

TEST_F(KeyspaceEvents, AWriteThatEmptiesACollectionAlsoPublishesDel) {
  h_.Run({"CONFIG", "SET", "notify-keyspace-events", "Egl"});
  h_.Run({"RPUSH", "l", "a", "b"});
  h_.Run({"LPOP", "l"});
  h_.Run({"RPOP", "l"});
  EXPECT_EQ(Events(), (Strings{"__keyevent@0__:rpush l", "__keyevent@0__:lpop l",
                               "__keyevent@0__:rpop l", "__keyevent@0__:del l"}));
}

TEST_F(KeyspaceEvents, NewKeysAndMissesAreOptIn) {
  h_.Run({"CONFIG", "SET", "notify-keyspace-events", "EA"});
  h_.Run({"SET", "k", "v"});
  h_.Run({"GET", "missing"});
  EXPECT_EQ(Events(), (Strings{"__keyevent@0__:set k"}));
  h_.Run({"CONFIG", "SET", "notify-keyspace-events", "Enm$"});
  h_.Run({"SET", "k", "v2"});
  h_.Run({"SET", "k3", "v"});
  h_.Run({"GET", "missing"});
  EXPECT_EQ(Events(), (Strings{"__keyevent@0__:set k", "__keyevent@0__:new k3",
                               "__keyevent@0__:set k3", "__keyevent@0__:keymiss missing"}));
}

TEST_F(KeyspaceEvents, ExpiryPublishesExpiredFromLookupsAndTheActiveCycle) {
  h_.Run({"CONFIG", "SET", "notify-keyspace-events", "Ex"});
  h_.Run({"SET", "lazy", "v", "PX", "10"});
  h_.Run({"SET", "active", "v", "PX", "10"});
  h_.AdvanceMs(20);
  EXPECT_THAT(h_.Run({"GET", "lazy"}), IsNil());
  EXPECT_EQ(Events(), (Strings{"__keyevent@0__:expired lazy"}));
  h_.server().RunActiveExpire([] { return int64_t{0}; });
  EXPECT_EQ(Events(), (Strings{"__keyevent@0__:expired active"}));
}

// Keys evicted by maxmemory are announced as "evicted", like any other
// deletion (and nothing is announced when events are off for the class).
TEST_F(KeyspaceEvents, EvictionPublishesEvictedForEachKeyItRemoves) {
  h_.Run({"CONFIG", "SET", "notify-keyspace-events", "Ee"});
  h_.Run({"CONFIG", "SET", "maxmemory-policy", "allkeys-random"});
  h_.Run({"SET", "victim", std::string(100000, 'v')});
  // A limit below what the process holds now: the next command evicts.
  int64_t limit = static_cast<int64_t>(server::UsedMemory()) - 50000;
  h_.Run({"CONFIG", "SET", "maxmemory", std::to_string(limit)});
  h_.Run({"PING"});
  h_.Run({"CONFIG", "SET", "maxmemory", "0"});
  EXPECT_THAT(h_.Run({"EXISTS", "victim"}), IsInt(0));
  EXPECT_EQ(Events(), (Strings{"__keyevent@0__:evicted victim"}));
}

// DEBUG RELOAD saves and loads the data set back: loaded keys are not
// news (no "new", no "set"). The snapshot goes to a directory of its own,
// the working directory while the test runs (the server finds dump.rdb
// relative to it, as Redis does after its chdir to `dir`).
TEST(KeyspaceEventsReload, LoadingTheDataSetPublishesNothing) {
  char tmpl[] = "/tmp/ember-events-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  std::error_code ec;
  std::filesystem::path previous = std::filesystem::current_path(ec);
  std::filesystem::current_path(tmpl, ec);
  ASSERT_FALSE(ec);
  server::Config config = CommandHarness::DefaultConfig();
  config.dir = tmpl;
  {
    CommandHarness h(config);
    Client& sub = h.NewClient();
    h.RunAs(sub, {"PSUBSCRIBE", "*"});
    h.Run({"CONFIG", "SET", "notify-keyspace-events", "KEAn"});
    h.Run({"SET", "k", "v"});
    sub.output().clear();
    EXPECT_THAT(h.Run({"DEBUG", "RELOAD"}), IsOk());
    EXPECT_EQ(sub.output(), "");
    EXPECT_THAT(h.Run({"GET", "k"}), IsBulk("v"));
  }
  std::filesystem::current_path(previous, ec);
  std::filesystem::remove_all(tmpl, ec);
}

}  // namespace
}  // namespace ember::testing
