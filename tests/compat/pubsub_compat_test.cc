// Pub/Sub and keyspace notifications, Redis and Ember side by side.
//
// Subscribing is a conversation of pushed arrays: each (un)subscription is
// confirmed by its own [kind, name, count] reply, a RESP2 subscriber may
// only (un)subscribe, PING, QUIT or RESET, and a RESP3 one gets '>' pushes
// between ordinary replies. These byte streams are compared as they are.
//
// Keyspace notifications are compared as a stream: a subscriber to every
// channel ("*") watches both servers while a script of writes runs, and
// after each command the messages it received must be the same, in the
// same order (the event names of Redis's t_*.c notifyKeyspaceEvent calls,
// "del" after a write empties a key, rename_from before rename_to...).
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/compat/compat.h"

namespace ember::testing::compat {
namespace {

class PubSubCompat : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(pair_.ok());
    // redis-server loads any dump.rdb left in the working directory.
    RawClient(pair_.redis_port()).Call({"FLUSHALL"});
  }

  // Sends the same bytes to both servers on the given connections and
  // expects the same reply bytes, `replies` replies' worth.
  void Same(RawClient& redis, RawClient& ember, const std::vector<std::string>& args,
            int replies = 1) {
    redis.SendCommand(args);
    ember.SendCommand(args);
    for (int i = 0; i < replies; ++i) {
      std::string a = redis.ReadReplyBytes(), b = ember.ReadReplyBytes();
      EXPECT_FALSE(a.empty()) << CommandText(args);
      EXPECT_EQ(Printable(a), Printable(b)) << CommandText(args) << " reply #" << i;
    }
  }

  Pair pair_;
};

TEST_F(PubSubCompat, Resp2SubscriptionConversation) {
  RawClient rs(pair_.redis_port()), es(pair_.ember_port());
  RawClient rp(pair_.redis_port()), ep(pair_.ember_port());
  Same(rs, es, {"UNSUBSCRIBE"});
  Same(rs, es, {"PUNSUBSCRIBE"});
  Same(rs, es, {"SUBSCRIBE", "news", "sport", "news"}, 3);
  Same(rs, es, {"PSUBSCRIBE", "n*", "s?ort"}, 2);
  Same(rs, es, {"GET", "k"});
  Same(rs, es, {"SET", "k", "v"});
  Same(rs, es, {"PING"});
  Same(rs, es, {"PING", "hello"});
  Same(rp, ep, {"PUBLISH", "news", "flash"});
  Same(rp, ep, {"PUBLISH", "nobody", "x"});
  // The subscriber got "message" then "pmessage", as Redis orders them.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Printable(rs.ReadReplyBytes()), Printable(es.ReadReplyBytes())) << "message " << i;
  }
  Same(rp, ep, {"PUBSUB", "NUMSUB", "news", "sport", "none"});
  Same(rp, ep, {"PUBSUB", "NUMPAT"});
  Same(rp, ep, {"PUBSUB", "CHANNELS", "s*"});
  Same(rp, ep, {"PUBSUB", "CHANNELS", "x*"});
  Same(rp, ep, {"PUBSUB", "NUMSUB"});
  Same(rp, ep, {"PUBSUB", "CHANNELS", "a", "b"});
  Same(rp, ep, {"PUBSUB", "NOSUCH"});
  Same(rs, es, {"UNSUBSCRIBE", "sport", "missing"}, 2);
  Same(rs, es, {"PUNSUBSCRIBE", "s?ort"});
  Same(rs, es, {"PUNSUBSCRIBE"});
  Same(rs, es, {"UNSUBSCRIBE"});
  // Out of subscribed mode: ordinary commands again.
  Same(rs, es, {"PING"});
  Same(rs, es, {"GET", "k"});
}

TEST_F(PubSubCompat, Resp3SubscriberRunsCommandsAndGetsPushes) {
  RawClient rs(pair_.redis_port()), es(pair_.ember_port());
  RawClient rp(pair_.redis_port()), ep(pair_.ember_port());
  rs.Call({"HELLO", "3"});
  es.Call({"HELLO", "3"});
  Same(rs, es, {"SUBSCRIBE", "a"});
  Same(rs, es, {"PSUBSCRIBE", "*"});
  Same(rs, es, {"SET", "k", "1"});
  Same(rs, es, {"PING"});
  Same(rp, ep, {"PUBLISH", "a", "hi"});
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(Printable(rs.ReadReplyBytes()), Printable(es.ReadReplyBytes())) << "push " << i;
  }
  Same(rs, es, {"UNSUBSCRIBE"});
  Same(rs, es, {"PUNSUBSCRIBE", "*", "other"}, 2);
  Same(rs, es, {"UNSUBSCRIBE"});
}

TEST_F(PubSubCompat, SubscribeInsideMultiAndPublishInsideExec) {
  RawClient rs(pair_.redis_port()), es(pair_.ember_port());
  RawClient rp(pair_.redis_port()), ep(pair_.ember_port());
  Same(rs, es, {"SUBSCRIBE", "c"});
  Same(rp, ep, {"MULTI"});
  Same(rp, ep, {"PUBLISH", "c", "one"});
  Same(rp, ep, {"PUBLISH", "c", "two"});
  Same(rp, ep, {"EXEC"});
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(Printable(rs.ReadReplyBytes()), Printable(es.ReadReplyBytes())) << "message " << i;
  }
  RawClient rm(pair_.redis_port()), em(pair_.ember_port());
  Same(rm, em, {"MULTI"});
  Same(rm, em, {"SUBSCRIBE", "x"});
  Same(rm, em, {"EXEC"});
}

// --- Keyspace notifications ---

class KeyspaceEventsCompat : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(pair_.ok());
    RawClient(pair_.redis_port()).Call({"FLUSHALL"});
    redis_ = std::make_unique<RawClient>(pair_.redis_port());
    ember_ = std::make_unique<RawClient>(pair_.ember_port());
    redis_sub_ = std::make_unique<RawClient>(pair_.redis_port());
    ember_sub_ = std::make_unique<RawClient>(pair_.ember_port());
    redis_sub_->Call({"PSUBSCRIBE", "*"});
    ember_sub_->Call({"PSUBSCRIBE", "*"});
  }

  // Drains one subscriber up to the sync message `tag`: the messages that
  // came before it, as readable text.
  static std::vector<std::string> Drain(RawClient& sub, const std::string& tag) {
    std::vector<std::string> out;
    for (int i = 0; i < 1000; ++i) {
      std::string bytes = sub.ReadReplyBytes();
      if (bytes.empty()) {
        out.push_back("<timeout>");
        break;
      }
      protocol::Value v;
      protocol::ParseReply(bytes, &v);
      if (v.IsAggregate() && v.elements().size() == 4 && v.elements()[2].str() == "sync" &&
          v.elements()[3].str() == tag) {
        break;
      }
      if (v.IsAggregate() && v.elements().size() == 4) {
        out.push_back(v.elements()[2].str() + " " + v.elements()[3].str());
      } else {
        out.push_back(Printable(bytes));
      }
    }
    return out;
  }

  // Runs each line on both servers: same reply, then the same events.
  void ScriptArgs(const std::vector<std::vector<std::string>>& lines) {
    int n = 0;
    for (const auto& args : lines) {
      redis_->SendCommand(args);
      ember_->SendCommand(args);
      std::string a = redis_->ReadReplyBytes(), b = ember_->ReadReplyBytes();
      ASSERT_EQ(Printable(a), Printable(b)) << CommandText(args);
      std::string tag = std::to_string(n++);
      redis_->Call({"PUBLISH", "sync", tag});
      ember_->Call({"PUBLISH", "sync", tag});
      std::vector<std::string> ra = Drain(*redis_sub_, tag), eb = Drain(*ember_sub_, tag);
      ASSERT_EQ(ra, eb) << "events of: " << CommandText(args);
      events_ += ra.size();
    }
  }

  void Script(std::initializer_list<std::string> lines) {
    std::vector<std::vector<std::string>> split;
    for (const std::string& l : lines) split.push_back(Words(l));
    ScriptArgs(split);
  }

  Pair pair_;
  std::unique_ptr<RawClient> redis_, ember_, redis_sub_, ember_sub_;
  size_t events_ = 0;  // messages seen (to know the comparison saw some)
};

TEST_F(KeyspaceEventsCompat, ConfigFlagsAreNormalizedAsRedisShowsThem) {
  Script({"CONFIG GET notify-keyspace-events", "CONFIG SET notify-keyspace-events KEA",
          "CONFIG GET notify-keyspace-events", "CONFIG SET notify-keyspace-events Kgx$lshzetdnm",
          "CONFIG GET notify-keyspace-events", "CONFIG SET notify-keyspace-events AnE",
          "CONFIG GET notify-keyspace-events", "CONFIG SET notify-keyspace-events El",
          "CONFIG GET notify-keyspace-events", "CONFIG SET notify-keyspace-events Kq",
          "CONFIG GET notify-keyspace-events", "CONFIG SET notify-keyspace-events g",
          "CONFIG GET notify-keyspace-events", "SET k v", "DEL k"});
  ScriptArgs({{"CONFIG", "SET", "notify-keyspace-events", ""}, {"CONFIG", "GET", "notify-*"}});
}

TEST_F(KeyspaceEventsCompat, StringsAndKeys) {
  Script({"CONFIG SET notify-keyspace-events KEA",
          "SET s v",
          "SET s v2 EX 100",
          "SET s v3 KEEPTTL",
          "SET s v4 NX",
          "SETNX s2 x",
          "SETEX s3 100 x",
          "PSETEX s4 100000 x",
          "GETSET s y",
          "MSET m1 a m2 b",
          "MSETNX m1 a m3 c",
          "MSETNX m3 c m4 d",
          "INCR n",
          "DECRBY n 5",
          "INCRBYFLOAT n 1.5",
          "APPEND s tail",
          "SETRANGE s 2 XY",
          "SETRANGE s 0",
          "GETEX s EX 50",
          "GETEX s PERSIST",
          "GETEX s PERSIST",
          "GETEX s",
          "GETDEL s",
          "GETDEL s",
          "EXPIRE s2 100",
          "EXPIRE s2 100 NX",
          "PEXPIRE s2 200000",
          "PERSIST s2",
          "PERSIST s2",
          "EXPIRE s2 -1",
          "EXPIREAT m2 1",
          "RENAME m1 r1",
          "RENAMENX r1 s3",
          "RENAME r1 s3",
          "RENAME s3 s3",
          "COPY s3 c1",
          "COPY s3 c1 DB 1",
          "MOVE c1 2",
          "DEL c1 s3 missing",
          "UNLINK s4",
          "GET missing",
          "SET e v EXAT 1",
          "FLUSHALL"});
  EXPECT_GT(events_, 40u);
}

TEST_F(KeyspaceEventsCompat, NewKeysAndMisses) {
  Script({"CONFIG SET notify-keyspace-events KEAnm",
          "SET a 1",
          "SET a 2",
          "GET a",
          "GET nope",
          "MGET a nope1 nope2",
          "EXISTS nope",
          "LPUSH l x",
          "LPUSH l y",
          "HSET h f v",
          "SADD s m",
          "ZADD z 1 m",
          "RENAME a b",
          "HGET h nope",
          "HGET nokey f",
          "LRANGE nolist 0 -1",
          "INCR fresh",
          "APPEND fresh2 x",
          "SETRANGE fresh3 1 x",
          "LMOVE l dst RIGHT LEFT",
          "SMOVE s s2 m",
          "SADD s m",
          "SUNIONSTORE s3 s",
          "ZUNIONSTORE z2 1 z",
          "COPY z z3",
          "MOVE z3 1",
          "FLUSHALL"});
  EXPECT_GT(events_, 15u);
}

TEST_F(KeyspaceEventsCompat, Lists) {
  Script({"CONFIG SET notify-keyspace-events KEA",
          "RPUSH l a b c d e",
          "LPUSH l z",
          "LPUSHX l y",
          "RPUSHX nolist y",
          "LINSERT l BEFORE c x",
          "LINSERT l BEFORE nopivot x",
          "LSET l 0 first",
          "LREM l 0 x",
          "LREM l 0 nothere",
          "LTRIM l 0 3",
          "LPOP l",
          "RPOP l 2",
          "LPOP l 0",
          "RPUSH src 1 2",
          "LMOVE src dst LEFT RIGHT",
          "RPOPLPUSH src dst",
          "RPOPLPUSH src dst",
          "LMOVE dst dst LEFT LEFT",
          "LMPOP 2 nolist dst RIGHT COUNT 5",
          "RPUSH b1 v",
          "BLPOP b1 0",
          "RPUSH t 1 2 3",
          "LTRIM t 5 10",
          "RPUSH one x",
          "LPOP one",
          "FLUSHALL"});
  EXPECT_GT(events_, 30u);
}

TEST_F(KeyspaceEventsCompat, HashesAndSets) {
  Script({"CONFIG SET notify-keyspace-events KEA",
          "HSET h f1 v1 f2 v2",
          "HSET h f1 v1",
          "HMSET h f3 v3",
          "HSETNX h f1 x",
          "HSETNX h f9 x",
          "HINCRBY h n 3",
          "HINCRBYFLOAT h fl 1.5",
          "HDEL h nofield",
          "HDEL h f1 f2",
          "HDEL h f3 f9 n fl",
          "SADD s a b c",
          "SADD s a",
          "SREM s zz",
          "SREM s a",
          "SMOVE s s2 b",
          "SMOVE s s2 nothere",
          "SMOVE s s c",
          "SMOVE s s2 c",
          "SADD s3 x",
          "SPOP s3",
          "SADD s4 x",
          "SPOP s4 1",
          // One member: a whole small set comes back in each server's own
          // (unspecified) order.
          "SADD s4 y",
          "SPOP s4 5",
          "SADD a 1 2 3",
          "SADD b 2 3 4",
          "SINTERSTORE d a b",
          "SUNIONSTORE d a b",
          "SDIFFSTORE d a b",
          "SINTERSTORE d a nokey",
          "SINTERSTORE d a nokey",
          "SDIFFSTORE d a a",
          "FLUSHALL"});
  EXPECT_GT(events_, 30u);
}

TEST_F(KeyspaceEventsCompat, SortedSets) {
  Script({"CONFIG SET notify-keyspace-events KEA",
          "ZADD z 1 a 2 b 3 c 4 d 5 e",
          "ZADD z 1 a",
          "ZADD z XX CH 9 a",
          "ZADD z NX 1 a",
          "ZADD z INCR 1 b",
          "ZINCRBY z 2 c",
          "ZREM z nothere",
          "ZREM z a",
          "ZREMRANGEBYRANK z 0 0",
          "ZREMRANGEBYSCORE z 100 200",
          "ZREMRANGEBYSCORE z 0 4",
          "ZADD z 0 x 0 y 0 w",
          "ZREMRANGEBYLEX z [w [x",
          "ZPOPMIN z",
          "ZPOPMAX z 10",
          "ZPOPMIN z",
          "ZADD p 1 a 2 b",
          "ZADD q 2 b 3 c",
          "ZUNIONSTORE u 2 p q",
          "ZINTERSTORE u 2 p q",
          "ZDIFFSTORE u 2 p q",
          "ZDIFFSTORE u 2 p p",
          "ZRANGESTORE r p 0 -1",
          "ZRANGESTORE r p 10 20",
          "ZRANGESTORE r p 10 20",
          "ZMPOP 2 none p MAX",
          "BZPOPMIN p 0",
          "BZPOPMAX q 0",
          "FLUSHALL"});
  EXPECT_GT(events_, 30u);
}

// An expired key is deleted with an "expired" event, whether the next
// command that looks at it finds it (lazy expiry) or the active expiry
// cycle does first: either way the event comes before the reply of the
// command below, so both streams read the same. One key at a time, so
// that the cycle's order of visit cannot matter.
TEST_F(KeyspaceEventsCompat, ExpiredKeysPublishExpired) {
  Script({"CONFIG SET notify-keyspace-events KEA", "SET k v PX 1"});
  // Waiting for a deadline to pass, not for something to happen.
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  Script({"GET k", "RPUSH l a", "PEXPIRE l 1"});
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  Script({"LPUSH l b", "FLUSHALL"});
  EXPECT_GT(events_, 7u);
}

// --- MONITOR ---

// MONITOR lines carry a time and the client's address, which differ
// between the servers: they are compared with those masked.
// "+1700000000.123456 [0 127.0.0.1:50000] ..." -> "+<time> [0 <addr>] ...".
std::string MaskMonitorLine(const std::string& bytes) {
  std::string s = Printable(bytes);
  size_t open = s.find(" [");
  size_t space = open == std::string::npos ? open : s.find(' ', open + 2);
  size_t close = space == std::string::npos ? space : s.find(']', space);
  if (s.empty() || s[0] != '+' || close == std::string::npos) return s;
  return "+<time> [" + s.substr(open + 2, space - open - 2) + " <addr>]" + s.substr(close + 1);
}

class MonitorCompat : public PubSubCompat {
 protected:
  // Runs `args` on both command connections (same reply), then ECHOes a
  // marker and compares what the monitors printed up to it.
  void Watched(RawClient& redis, RawClient& ember, RawClient& redis_mon, RawClient& ember_mon,
               const std::vector<std::string>& args, bool same_reply = true) {
    if (same_reply) {
      Same(redis, ember, args);
    } else {
      redis.Call(args);
      ember.Call(args);
    }
    std::string tag = "sync-" + std::to_string(n_++);
    Same(redis, ember, {"ECHO", tag});
    for (int i = 0; i < 100; ++i) {
      std::string a = MaskMonitorLine(redis_mon.ReadReplyBytes());
      std::string b = MaskMonitorLine(ember_mon.ReadReplyBytes());
      ASSERT_EQ(a, b) << "while running " << CommandText(args);
      EXPECT_FALSE(a.empty()) << "monitor silent after " << CommandText(args);
      if (a.find(tag) != std::string::npos || a.empty()) break;
      ++lines_;
    }
  }
  int n_ = 0;
  int lines_ = 0;
};

TEST_F(MonitorCompat, LinesQuoteArgumentsAndHideSecrets) {
  RawClient rm(pair_.redis_port()), em(pair_.ember_port());
  RawClient rc(pair_.redis_port()), ec(pair_.ember_port());
  Same(rm, em, {"MONITOR"});
  Watched(rc, ec, rm, em, {"SET", "k", "v"});
  Watched(rc, ec, rm, em, {"SET", "a b", "x\"y\n\x01\xff"});
  Watched(rc, ec, rm, em, {"AUTH", "secret"});
  Watched(rc, ec, rm, em, {"AUTH", "user", "secret"});
  // HELLO's reply names the server: only the monitors are compared.
  Watched(rc, ec, rm, em, {"HELLO", "2", "AUTH", "default", "secret"}, false);
  Watched(rc, ec, rm, em, {"CONFIG", "GET", "hz"});
  Watched(rc, ec, rm, em, {"SLOWLOG", "LEN"});
  Watched(rc, ec, rm, em, {"PUBLISH", "c", "m"});
  Watched(rc, ec, rm, em, {"NOSUCHCOMMAND", "x"});
  Watched(rc, ec, rm, em, {"GET"});
  Watched(rc, ec, rm, em, {"LPUSH", "k", "wrongtype"});
  Watched(rc, ec, rm, em, {"SELECT", "3"});
  Watched(rc, ec, rm, em, {"SET", "in3", "v"});
  // Inside MULTI the marker would be queued too: the transaction's lines
  // are compared at EXEC.
  Same(rc, ec, {"MULTI"});
  Same(rc, ec, {"INCR", "n"});
  Same(rc, ec, {"PUBLISH", "c", "in-multi"});
  Watched(rc, ec, rm, em, {"EXEC"});
  Watched(rc, ec, rm, em, {"SELECT", "0"});
  EXPECT_GE(lines_, 12);
}

TEST_F(MonitorCompat, AMonitorMayNotTouchTheKeyspace) {
  RawClient rm(pair_.redis_port()), em(pair_.ember_port());
  Same(rm, em, {"MONITOR"});
  Same(rm, em, {"MONITOR"}, 0);
  Same(rm, em, {"GET", "k"});
  Same(rm, em, {"CONFIG", "GET", "hz"});
  Same(rm, em, {"RESET"});
  Same(rm, em, {"GET", "k"});
}

TEST_F(PubSubCompat, RejectedExecInSubscribedModeAbortsAsRedisDoes) {
  RawClient rs(pair_.redis_port()), es(pair_.ember_port());
  Same(rs, es, {"SUBSCRIBE", "x"});
  Same(rs, es, {"MULTI"});
  Same(rs, es, {"EXEC"});
  Same(rs, es, {"DISCARD"});
  Same(rs, es, {"RESET"});
  Same(rs, es, {"GET", "k"});
}

// --- SLOWLOG ---

// A slow log reply with what cannot match masked: each entry's time,
// duration and client address.
std::string MaskedSlowlog(const std::string& bytes) {
  protocol::Value v;
  protocol::ParseReply(bytes, &v);
  if (v.type() != protocol::Type::kArray) return Printable(bytes);
  std::string out;
  for (const protocol::Value& e : v.elements()) {
    const auto& f = e.elements();
    out += "[" + f.at(0).DebugString() + " <time> <us> " + f.at(3).DebugString() + " <addr> " +
           f.at(5).DebugString() + "]\n";
  }
  return out;
}

TEST_F(PubSubCompat, SlowlogEntriesAsRedisRecordsThem) {
  RawClient r(pair_.redis_port()), e(pair_.ember_port());
  Same(r, e, {"CONFIG", "SET", "slowlog-log-slower-than", "0"});
  Same(r, e, {"CLIENT", "SETNAME", "me"});
  Same(r, e, {"SLOWLOG", "RESET"});
  Same(r, e, {"SET", "k", std::string(200, 'x')});
  std::vector<std::string> mset = {"MSET"};
  for (int i = 0; i < 40; ++i) mset.push_back("a" + std::to_string(i));
  Same(r, e, mset);
  Same(r, e, {"AUTH", "pw"});
  Same(r, e, {"MULTI"});
  Same(r, e, {"INCR", "n"});
  Same(r, e, {"EXEC"});
  Same(r, e, {"SLOWLOG", "LEN"});
  for (std::vector<std::string> get : std::vector<std::vector<std::string>>{
           {"SLOWLOG", "GET"}, {"SLOWLOG", "GET", "2"}, {"SLOWLOG", "GET", "-1"}}) {
    r.SendCommand(get);
    e.SendCommand(get);
    EXPECT_EQ(MaskedSlowlog(r.ReadReplyBytes()), MaskedSlowlog(e.ReadReplyBytes()))
        << CommandText(get);
  }
  Same(r, e, {"SLOWLOG", "GET", "0"});
  Same(r, e, {"SLOWLOG", "GET", "-2"});
  Same(r, e, {"SLOWLOG", "GET", "x"});
  Same(r, e, {"SLOWLOG", "GET", "1", "2"});
  Same(r, e, {"SLOWLOG", "HELP"});
  Same(r, e, {"SLOWLOG", "NOPE"});
  Same(r, e, {"CONFIG", "SET", "slowlog-max-len", "2"});
  Same(r, e, {"SLOWLOG", "LEN"});
  Same(r, e, {"CONFIG", "SET", "slowlog-log-slower-than", "-5"});
  Same(r, e, {"CONFIG", "GET", "slowlog-max-len"});
  Same(r, e, {"CONFIG", "GET", "slowlog-log-slower-than"});
  Same(r, e, {"SLOWLOG", "RESET"});
  Same(r, e, {"SLOWLOG", "LEN"});
  Same(r, e, {"CONFIG", "SET", "slowlog-log-slower-than", "10000"});
  Same(r, e, {"CONFIG", "SET", "slowlog-max-len", "128"});
}

TEST_F(PubSubCompat, LatencyRepliesWithoutSamples) {
  RawClient r(pair_.redis_port()), e(pair_.ember_port());
  Same(r, e, {"LATENCY", "LATEST"});
  Same(r, e, {"LATENCY", "HISTORY", "command"});
  Same(r, e, {"LATENCY", "RESET"});
  Same(r, e, {"LATENCY", "RESET", "command", "fast-command"});
  Same(r, e, {"LATENCY", "GRAPH", "command"});
  Same(r, e, {"LATENCY", "DOCTOR"});
  // LATENCY HELP is left out: Redis 7.0 lists HISTOGRAM, which Ember does
  // not have (docs/differences.md).
  Same(r, e, {"LATENCY", "NOPE"});
  Same(r, e, {"CONFIG", "GET", "latency-monitor-threshold"});
}

}  // namespace
}  // namespace ember::testing::compat
