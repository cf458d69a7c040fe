// The cache-aside demo, in process, over real HTTP, against ember-server and
// against redis-server. What it teaches:
//   - a read misses once, then hits; the database sees one query;
//   - an id the database lacks is cached briefly as "no such item", so a
//     flood of requests for it does not reach the database;
//   - a write commits to the database and then invalidates the cached copy
//     (cache-aside), replaces it (write-through), or only writes the cache
//     and a dirty set, flushed later (write-back: fast, and lost if the
//     cache loses it before the flush);
//   - 100 concurrent requests for one cold key reach the database once,
//     because one takes a lock (SET NX PX + token) and the rest wait for the
//     cache; without the lock, they all go to the database;
//   - a lock is released only by its owner;
//   - with the cache down, reads still answer, from the database.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <latch>
#include <thread>
#include <vector>

#include "client/client.h"
#include "demos/cache_aside/app.h"
#include "demos/common/log.h"
#include "tests/client/servers.h"

namespace ember::testing {
namespace {

using client::AsInteger;
using client::AsOptionalString;
using demos::App;
using demos::AppConfig;
using demos::Strategy;

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/ember-demo-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class CacheAside : public BothServers {
 protected:
  void SetUp() override {
    BothServers::SetUp();
    demos::SetLogLevel(demos::LogLevel::kError);
    cache_ = std::make_unique<client::Connection>(Opts());
  }

  AppConfig Config() {
    AppConfig c;
    c.redis = Opts();
    c.redis.reconnect_attempts = 1;
    c.redis.connect_timeout = client::Millis(500);
    c.db_path = dir_.path() + "/items.sqlite";
    c.seed_items = 50;
    c.http_port = 0;
    c.threads = 16;
    c.log_interval_s = 0;
    c.cache.flush_interval = std::chrono::hours(1);  // tests flush by hand
    return c;
  }

  App& Start(AppConfig c) {
    std::string err;
    app_ = App::Create(c, &err);
    EXPECT_NE(app_, nullptr) << err;
    err = app_->Start();
    EXPECT_EQ(err, "");
    http_ = std::make_unique<httplib::Client>("127.0.0.1", app_->port());
    http_->set_tcp_nodelay(true);
    return *app_;
  }

  httplib::Result Get(int64_t id) { return http_->Get("/items/" + std::to_string(id)); }
  httplib::Result Put(int64_t id, const std::string& name) {
    nlohmann::json body = {{"name", name}, {"price_cents", 999}};
    return http_->Put("/items/" + std::to_string(id), body.dump(), "application/json");
  }
  std::string Name(const httplib::Result& r) {
    return nlohmann::json::parse(r->body).at("name").get<std::string>();
  }
  int64_t Pttl(const std::string& key) {
    auto r = AsInteger(cache_->Command({"PTTL", key}));
    return r.ok() ? *r : -100;
  }

  void TearDown() override {
    http_.reset();
    if (app_) app_->Stop();
    app_.reset();
  }

  TempDir dir_;
  std::unique_ptr<client::Connection> cache_;  // a look at the cache server
  std::unique_ptr<App> app_;
  std::unique_ptr<httplib::Client> http_;
};
EMBER_BOTH_SERVERS(CacheAside);

TEST_P(CacheAside, FirstReadMissesAndLoadsThenReadsHitWithATtlAroundFiveMinutes) {
  App& app = Start(Config());
  auto a = Get(7);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->status, 200);
  EXPECT_EQ(a->get_header_value("X-Cache"), "MISS");
  EXPECT_EQ(Name(a), "item 7");
  auto b = Get(7);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->get_header_value("X-Cache"), "HIT");
  EXPECT_EQ(b->body, a->body);
  EXPECT_EQ(app.store().reads(), 1u);
  // 300 s +/- 10% jitter.
  int64_t ttl = Pttl(app.service().ItemKey(7));
  EXPECT_GT(ttl, 260'000);
  EXPECT_LE(ttl, 330'000);
  // The lock was released.
  auto lock = AsInteger(cache_->Command({"EXISTS", app.service().LockKey(7)}));
  ASSERT_TRUE(lock.ok());
  EXPECT_EQ(*lock, 0);
}

TEST_P(CacheAside, MissingIdIsCachedBrieflyAsNotFound) {
  App& app = Start(Config());
  auto a = Get(9999);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->status, 404);
  EXPECT_EQ(a->get_header_value("X-Cache"), "MISS");
  for (int i = 0; i < 5; ++i) {
    auto b = Get(9999);
    ASSERT_TRUE(b);
    EXPECT_EQ(b->status, 404);
    EXPECT_EQ(b->get_header_value("X-Cache"), "NEGATIVE-HIT");
  }
  EXPECT_EQ(app.store().reads(), 1u);
  EXPECT_EQ(app.service().negative_hits(), 5u);
  auto v = AsOptionalString(cache_->Command({"GET", app.service().ItemKey(9999)}));
  ASSERT_TRUE(v.ok() && v->has_value());
  EXPECT_EQ(**v, "null");
  int64_t ttl = Pttl(app.service().ItemKey(9999));
  EXPECT_GT(ttl, 0);
  EXPECT_LE(ttl, 33'000);
}

TEST_P(CacheAside, WriteCommitsThenInvalidatesSoTheNextReadSeesIt) {
  App& app = Start(Config());
  ASSERT_TRUE(Get(3));
  auto put = Put(3, "renamed");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 200);
  EXPECT_EQ(put->get_header_value("X-Cache"), "INVALIDATED");
  auto exists = AsInteger(cache_->Command({"EXISTS", app.service().ItemKey(3)}));
  ASSERT_TRUE(exists.ok());
  EXPECT_EQ(*exists, 0);
  std::optional<demos::Item> in_db;
  ASSERT_EQ(app.store().Get(3, &in_db), "");
  ASSERT_TRUE(in_db);
  EXPECT_EQ(in_db->name, "renamed");
  auto after = Get(3);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->get_header_value("X-Cache"), "MISS");
  EXPECT_EQ(Name(after), "renamed");
}

TEST_P(CacheAside, CreatingAnIdClearsItsNegativeEntry) {
  Start(Config());
  ASSERT_EQ(Get(777)->status, 404);
  ASSERT_EQ(Put(777, "new item")->status, 200);
  auto r = Get(777);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(Name(r), "new item");
}

TEST_P(CacheAside, MalformedWriteIsRejected) {
  App& app = Start(Config());
  auto r = http_->Put("/items/1", "{\"name\": 5}", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(app.store().writes(), 0u);
  auto bad_path = http_->Get("/items/abc");
  ASSERT_TRUE(bad_path);
  EXPECT_EQ(bad_path->status, 404);
}

// Sends `n` concurrent GETs for one id; returns their bodies (or "" on a
// failed request).
// Debian's cpp-httplib listens with a backlog of 5: 100 simultaneous
// connects would overflow it and some would wait for SYN retries (1 s, 3 s
// ...). So the clients connect one after another (a keep-alive request to
// /healthz), each held by its own server worker, and only then do all send
// the item request at once.
std::vector<std::string> Stampede(int port, int64_t id, int n) {
  std::vector<std::unique_ptr<httplib::Client>> clients;
  for (int i = 0; i < n; ++i) {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", port);
    c->set_keep_alive(true);
    c->set_read_timeout(30, 0);
    auto warm = c->Get("/healthz");
    EXPECT_TRUE(warm && warm->status == 200);
    clients.push_back(std::move(c));
  }
  std::vector<std::string> bodies(static_cast<size_t>(n));
  // A latch, not a spin: 100 spinning threads would starve the servers.
  std::latch start(n);
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      auto r = clients[static_cast<size_t>(i)]->Get("/items/" + std::to_string(id));
      if (r && r->status == 200) bodies[static_cast<size_t>(i)] = r->body;
    });
  }
  for (auto& t : threads) t.join();
  return bodies;
}

TEST_P(CacheAside, HundredConcurrentMissesOnAColdKeyQueryTheDatabaseOnce) {
  AppConfig c = Config();
  // The load must be slow enough that the requests overlap it.
  c.db_latency = std::chrono::milliseconds(200);
  c.threads = 128;  // a worker per client connection: all 100 run at once
  c.cache.lock_wait = std::chrono::seconds(20);
  c.cache.lock_ttl = std::chrono::seconds(20);
  App& app = Start(c);
  std::vector<std::string> bodies = Stampede(app.port(), 11, 100);
  for (const std::string& b : bodies) EXPECT_EQ(b, bodies[0]);
  EXPECT_NE(bodies[0], "");
  EXPECT_EQ(app.store().reads(), 1u);
  EXPECT_EQ(app.service().misses() + app.service().hits(), 100u);
  EXPECT_GE(app.service().lock_waits(), 1u);
}

// The control for the test above: the same stampede without the lock.
TEST_P(CacheAside, WithoutTheLockConcurrentMissesAllQueryTheDatabase) {
  AppConfig c = Config();
  c.db_latency = std::chrono::milliseconds(200);
  c.threads = 128;
  c.cache.stampede_lock = false;
  App& app = Start(c);
  std::vector<std::string> bodies = Stampede(app.port(), 11, 100);
  for (const std::string& b : bodies) EXPECT_EQ(b, bodies[0]);
  EXPECT_GT(app.store().reads(), 50u);
}

// The loader's lock expires during a slow load and another process takes
// it; the loader must not delete the other's lock when it finishes.
TEST_P(CacheAside, LockIsReleasedOnlyByItsOwner) {
  AppConfig c = Config();
  c.db_latency = std::chrono::milliseconds(400);
  c.cache.lock_ttl = std::chrono::milliseconds(50);
  App& app = Start(c);
  std::string lock = app.service().LockKey(5);
  std::thread request([&] { EXPECT_EQ(Get(5)->status, 200); });
  // Wait until the loader's lock appeared and expired, then take it.
  client::Connection other(Opts());
  bool seen = false, taken = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!taken && std::chrono::steady_clock::now() < deadline) {
    auto e = AsInteger(other.Command({"EXISTS", lock}));
    ASSERT_TRUE(e.ok());
    if (*e == 1) seen = true;
    if (seen && *e == 0) {
      taken = other.Command({"SET", lock, "someone-else", "NX", "PX", 60000}).ok();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  request.join();
  ASSERT_TRUE(taken);
  auto holder = AsOptionalString(other.Command({"GET", lock}));
  ASSERT_TRUE(holder.ok() && holder->has_value());
  EXPECT_EQ(**holder, "someone-else");
}

TEST_P(CacheAside, WriteThroughStoresTheNewCopySoTheNextReadHits) {
  AppConfig c = Config();
  c.cache.strategy = Strategy::kWriteThrough;
  App& app = Start(c);
  auto put = Put(4, "through");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 200);
  EXPECT_EQ(app.store().writes(), 1u);
  auto r = Get(4);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->get_header_value("X-Cache"), "HIT");
  EXPECT_EQ(Name(r), "through");
  EXPECT_EQ(app.store().reads(), 0u);
  EXPECT_GT(Pttl(app.service().ItemKey(4)), 0);
}

TEST_P(CacheAside, WriteBackAnswersBeforeTheDatabaseHasTheWriteAndFlushesLater) {
  AppConfig c = Config();
  c.cache.strategy = Strategy::kWriteBack;
  App& app = Start(c);
  auto put = Put(6, "behind");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 202);
  std::optional<demos::Item> in_db;
  ASSERT_EQ(app.store().Get(6, &in_db), "");
  EXPECT_EQ(in_db->name, "item 6");               // not yet
  EXPECT_EQ(Pttl(app.service().ItemKey(6)), -1);  // the only copy: no expiry
  auto dirty = AsInteger(cache_->Command({"SISMEMBER", app.service().DirtyKey(), 6}));
  ASSERT_TRUE(dirty.ok());
  EXPECT_EQ(*dirty, 1);
  auto r = Get(6);
  EXPECT_EQ(r->get_header_value("X-Cache"), "HIT");
  EXPECT_EQ(Name(r), "behind");

  auto flushed = app.service().FlushDirty();
  ASSERT_TRUE(flushed.ok()) << flushed.error().ToString();
  EXPECT_EQ(*flushed, 1);
  ASSERT_EQ(app.store().Get(6, &in_db), "");
  EXPECT_EQ(in_db->name, "behind");
  EXPECT_GT(Pttl(app.service().ItemKey(6)), 0);  // now an ordinary cached copy
  auto left = AsInteger(cache_->Command({"SCARD", app.service().DirtyKey()}));
  EXPECT_EQ(*left, 0);
}

TEST_P(CacheAside, WriteBackFlushesWhatIsDirtyWhenTheServiceStops) {
  AppConfig c = Config();
  c.cache.strategy = Strategy::kWriteBack;
  App& app = Start(c);
  ASSERT_EQ(Put(8, "at shutdown")->status, 202);
  app.Stop();
  std::optional<demos::Item> in_db;
  ASSERT_EQ(app.store().Get(8, &in_db), "");
  EXPECT_EQ(in_db->name, "at shutdown");
}

// The risk write-back takes: the cache holds the only copy until the flush.
TEST_P(CacheAside, WriteBackLosesWritesTheCacheLosesBeforeTheFlush) {
  AppConfig c = Config();
  c.cache.strategy = Strategy::kWriteBack;
  App& app = Start(c);
  ASSERT_EQ(Put(9, "doomed")->status, 202);
  ASSERT_TRUE(cache_->Command({"FLUSHALL"}).ok());  // a cache restart without persistence
  auto flushed = app.service().FlushDirty();
  ASSERT_TRUE(flushed.ok());
  EXPECT_EQ(*flushed, 0);
  std::optional<demos::Item> in_db;
  ASSERT_EQ(app.store().Get(9, &in_db), "");
  EXPECT_EQ(in_db->name, "item 9");
}

TEST_P(CacheAside, MetricsShowHitsMissesLatencyAndTheServersOwnCounts) {
  Start(Config());
  ASSERT_TRUE(Get(1));
  ASSERT_TRUE(Get(1));
  auto m = http_->Get("/metrics");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, 200);
  const std::string& text = m->body;
  EXPECT_NE(text.find("\ncache_hits_total 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\ncache_misses_total 1\n"), std::string::npos);
  EXPECT_NE(text.find("\ncache_hit_ratio 0.5\n"), std::string::npos);
  EXPECT_NE(text.find("\ndb_queries_total 1\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE http_request_duration_seconds summary"), std::string::npos);
  EXPECT_NE(text.find("http_request_duration_seconds_count{route=\"get_item\"} 2"),
            std::string::npos);
  EXPECT_NE(text.find("http_request_duration_seconds{route=\"get_item\",quantile=\"0.99\"}"),
            std::string::npos);
  // The server counted at least our hit among its keyspace hits.
  const std::string line = "\ncache_server_keyspace_hits ";
  size_t at = text.find(line);
  ASSERT_NE(at, std::string::npos);
  EXPECT_GE(std::stod(text.substr(at + line.size())), 1.0);
}

TEST_P(CacheAside, WithTheCacheDownReadsAreAnsweredFromTheDatabase) {
  App& app = Start(Config());
  ASSERT_EQ(Get(2)->get_header_value("X-Cache"), "MISS");
  server_->Stop();
  auto r = Get(2);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("X-Cache"), "BYPASS");
  EXPECT_EQ(Name(r), "item 2");
  EXPECT_GE(app.service().cache_errors(), 1u);
}

TEST_P(CacheAside, LoadModeReportsHitRatioAndFewerDatabaseQueriesWithTheCache) {
  demos::LoadConfig load;
  load.requests = 400;
  load.concurrency = 4;
  load.items = 50;
  std::vector<demos::LoadReport> reports;
  for (bool use_cache : {false, true}) {
    AppConfig c = Config();
    c.cache.use_cache = use_cache;
    c.cache.key_prefix = use_cache ? "with:" : "without:";
    App& app = Start(c);
    reports.push_back(demos::RunLoad(use_cache ? "cache" : "no cache", app, load));
    http_.reset();
    app.Stop();
  }
  EXPECT_EQ(reports[0].errors, 0u);
  EXPECT_EQ(reports[1].errors, 0u);
  EXPECT_EQ(reports[0].hits, 0u);
  EXPECT_EQ(reports[0].db_queries, reports[0].reads);
  // 50 items, 400 requests: at most one miss per item (plus a few re-reads
  // after writes) reach the database.
  EXPECT_GT(reports[1].hit_ratio(), 0.5);
  EXPECT_LT(reports[1].db_queries, reports[0].db_queries);
  EXPECT_GT(reports[1].p99_ms, 0);
  std::string table = demos::FormatLoadTable(reports);
  EXPECT_NE(table.find("| no cache | 400 | 0 |"), std::string::npos) << table;
}

}  // namespace
}  // namespace ember::testing
