// CONFIG GET / SET / RESETSTAT / REWRITE / HELP, with Redis 7.0's replies.
//
// CONFIG GET takes several names or glob patterns and answers with a map
// (a flat name/value array in RESP2), each parameter once. CONFIG SET takes
// several name/value pairs and is all or nothing: a bad name or value leaves
// every parameter as it was, and so does a side effect that fails (a port
// that cannot be bound). Its errors name the argument they are about. Every
// error text below was checked against redis-server 7.0.15.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "server/log.h"
#include "tests/support/command_harness.h"
#include "tests/support/matchers.h"

namespace ember::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Cwd() {
  char buf[PATH_MAX];
  return getcwd(buf, sizeof(buf)) ? std::string(buf) : std::string();
}

// Records what CONFIG SET asks of the process around the server.
class FakeHooks : public server::ServerHooks {
 public:
  void RequestShutdown(int code) override { shutdown_code = code; }
  std::string Rebind() override {
    ++rebinds;
    return rebind_error;
  }
  int shutdown_code = -1;
  int rebinds = 0;
  std::string rebind_error;
};

// Tests that change the working directory put it back.
class ConfigSetDir : public ::testing::Test {
 protected:
  void SetUp() override { cwd_ = Cwd(); }
  void TearDown() override { ASSERT_EQ(chdir(cwd_.c_str()), 0); }
  std::string cwd_;
};

server::Config WithProtectedConfigs(std::string setting) {
  server::Config c = CommandHarness::DefaultConfig();
  c.enable_protected_configs = std::move(setting);
  return c;
}

// --- CONFIG GET ---

TEST(ConfigGet, AnExactNameIsEchoedAsTheClientSpelledIt) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"CONFIG", "GET", "maxclients"}),
              IsBulkArray(std::vector<std::string>{"maxclients", "10000"}));
  EXPECT_THAT(h.Run({"CONFIG", "GET", "MaxClients"}),
              IsBulkArray(std::vector<std::string>{"MaxClients", "10000"}));
}

TEST(ConfigGet, GlobPatternsMatchNamesCaseInsensitively) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"CONFIG", "GET", "*MAXCLIENT*"}),
              IsBulkArray(std::vector<std::string>{"maxclients", "10000"}));
  EXPECT_THAT(h.Run({"CONFIG", "GET", "app*file*"}),
              IsBulkArray(std::vector<std::string>{"appendfilename", "appendonly.aof"}));
}

TEST(ConfigGet, SeveralPatternsReportEachParameterOnce) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"CONFIG", "GET", "p?rt", "port", "PORT", "databases"}),
              IsBulkArray(std::vector<std::string>{"port", "6379", "databases", "16"}));
}

TEST(ConfigGet, UnknownNamesMatchNothing) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"CONFIG", "GET", "no-such-parameter"}),
              IsBulkArray(std::vector<std::string>{}));
  EXPECT_THAT(h.Run({"CONFIG", "GET"}),
              IsError("ERR wrong number of arguments for 'config|get' command"));
}

// Every name is listed, aliases included (hash-max-ziplist-entries beside
// hash-max-listpack-entries), as Redis 7 does.
TEST(ConfigGet, StarListsEveryParameterAndAlias) {
  CommandHarness h;
  protocol::Value all = h.Run({"CONFIG", "GET", "*"});
  ASSERT_TRUE(all.IsAggregate());
  size_t names = 0;
  for (const server::ConfigParam& p : server::ConfigParams()) names += p.alias.empty() ? 1 : 2;
  EXPECT_EQ(all.elements().size(), 2 * names);
}

TEST(ConfigSet, EncodingThresholdsReachTheKeyspaceUnderEitherName) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"CONFIG", "SET", "hash-max-ziplist-entries", "7"}), IsOk());
  EXPECT_EQ(h.server().keyspace().limits().hash_max_listpack_entries, 7);
  EXPECT_THAT(h.Run({"CONFIG", "GET", "hash-max-listpack-entries"}),
              IsBulkArray(std::vector<std::string>{"hash-max-listpack-entries", "7"}));
  EXPECT_THAT(h.Run({"CONFIG", "SET", "list-max-listpack-size", "-3"}), IsOk());
  EXPECT_EQ(h.server().keyspace().limits().list_max_listpack_size, -3);
}

TEST(ConfigGet, Resp3RepliesWithAMap) {
  CommandHarness h;
  h.Run({"HELLO", "3"});
  EXPECT_EQ(h.RunRaw({"CONFIG", "GET", "port"}), "%1\r\n$4\r\nport\r\n$4\r\n6379\r\n");
  EXPECT_EQ(h.RunRaw({"CONFIG", "GET", "nothing"}), "%0\r\n");
}

TEST(ConfigGet, MultiWordValuesAreJoinedBySpaces) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"CONFIG", "SET", "save", "900 1 300 10"}), IsOk());
  EXPECT_THAT(h.Run({"CONFIG", "GET", "save"}),
              IsBulkArray(std::vector<std::string>{"save", "900 1 300 10"}));
  EXPECT_THAT(h.Run({"CONFIG", "GET", "bind"}),
              IsBulkArray(std::vector<std::string>{"bind", "127.0.0.1"}));
}

TEST(ConfigGet, DirIsTheAbsoluteWorkingDirectory) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"CONFIG", "GET", "dir"}), IsBulkArray(std::vector<std::string>{"dir", Cwd()}));
}

// --- CONFIG SET ---

TEST(ConfigSet, ChangesWhatConfigGetReports) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"CONFIG", "SET", "maxclients", "100"}), IsOk());
  EXPECT_THAT(h.Run({"CONFIG", "GET", "maxclients"}),
              IsBulkArray(std::vector<std::string>{"maxclients", "100"}));
  EXPECT_EQ(h.server().config().maxclients, 100);
}

TEST(ConfigSet, SetsSeveralParametersAtOnce) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"CONFIG", "SET", "timeout", "30", "Active-Expire-Effort", "5",
                     "proto-max-bulk-len", "2mb"}),
              IsOk());
  EXPECT_EQ(h.server().config().timeout, 30);
  EXPECT_EQ(h.server().config().active_expire_effort, 5);
  EXPECT_EQ(h.server().config().proto_max_bulk_len, 2 * 1024 * 1024);
}

TEST(ConfigSet, IsAllOrNothing) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"CONFIG", "SET", "maxclients", "100", "timeout", "30", "hz", "fast"}),
              IsError("ERR CONFIG SET failed (possibly related to argument 'hz') - argument "
                      "couldn't be parsed into an integer"));
  EXPECT_EQ(h.server().config().maxclients, 10000);
  EXPECT_EQ(h.server().config().timeout, 0);
}

TEST(ConfigSet, UnknownParameter) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"CONFIG", "SET", "foo", "bar"}),
              IsError("ERR Unknown option or number of arguments for CONFIG SET - 'foo'"));
}

TEST(ConfigSet, ImmutableParameter) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"CONFIG", "SET", "databases", "5"}),
              IsError("ERR CONFIG SET failed (possibly related to argument 'databases') - "
                      "can't set immutable config"));
  EXPECT_THAT(h.Run({"CONFIG", "SET", "enable-debug-command", "no"}),
              IsError("ERR CONFIG SET failed (possibly related to argument "
                      "'enable-debug-command') - can't set immutable config"));
}

TEST(ConfigSet, TheFirstProblemFoundIsReported) {
  CommandHarness h;
  // Redis scans the names in order and stops looking for unknown ones once
  // something is wrong.
  EXPECT_THAT(h.Run({"CONFIG", "SET", "databases", "5", "foo", "bar"}),
              IsError("ERR CONFIG SET failed (possibly related to argument 'databases') - "
                      "can't set immutable config"));
  EXPECT_THAT(h.Run({"CONFIG", "SET", "foo", "bar", "databases", "5"}),
              IsError("ERR Unknown option or number of arguments for CONFIG SET - 'foo'"));
}

TEST(ConfigSet, DuplicateParameterIsNamedAsGiven) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"CONFIG", "SET", "port", "7000", "PORT", "7001"}),
              IsError("ERR CONFIG SET failed (possibly related to argument 'PORT') - "
                      "duplicate parameter"));
}

TEST(ConfigSet, ABadValueNamesTheParameterInLowerCase) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"CONFIG", "SET", "HZ", "-1"}),
              IsError("ERR CONFIG SET failed (possibly related to argument 'hz') - argument "
                      "must be between 0 and 2147483647 inclusive"));
  EXPECT_THAT(h.Run({"CONFIG", "SET", "maxclients", "0"}),
              IsError("ERR CONFIG SET failed (possibly related to argument 'maxclients') - "
                      "argument must be between 1 and 4294967295 inclusive"));
  EXPECT_THAT(h.Run({"CONFIG", "SET", "appendonly", "maybe"}),
              IsError("ERR CONFIG SET failed (possibly related to argument 'appendonly') - "
                      "argument must be 'yes' or 'no'"));
  EXPECT_THAT(h.Run({"CONFIG", "SET", "loglevel", "loud"}),
              IsError("ERR CONFIG SET failed (possibly related to argument 'loglevel') - "
                      "argument(s) must be one of the following: debug, verbose, notice, "
                      "warning"));
  EXPECT_THAT(h.Run({"CONFIG", "SET", "client-query-buffer-limit", "1.5mb"}),
              IsError("ERR CONFIG SET failed (possibly related to argument "
                      "'client-query-buffer-limit') - argument must be a memory value"));
  EXPECT_THAT(h.Run({"CONFIG", "SET", "save", "100"}),
              IsError("ERR CONFIG SET failed (possibly related to argument 'save') - Invalid "
                      "save parameters"));
}

TEST(ConfigSet, WrongNumberOfArguments) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"CONFIG", "SET", "port"}),
              IsError("ERR wrong number of arguments for 'config|set' command"));
  EXPECT_THAT(h.Run({"CONFIG", "SET", "port", "1", "hz"}), IsError("ERR syntax error"));
}

TEST(ConfigSet, YesNoAndChoicesAreCaseInsensitive) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"CONFIG", "SET", "appendonly", "YES", "appendfsync", "Always"}), IsOk());
  EXPECT_THAT(h.Run({"CONFIG", "GET", "append*"}),
              IsBulkArray(std::vector<std::string>{"appendonly", "yes", "appendfsync", "always",
                                                   "appendfilename", "appendonly.aof",
                                                   "appenddirname", "appendonlydir"}));
}

TEST(ConfigSet, HzIsCappedRatherThanRefused) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"CONFIG", "SET", "hz", "1000"}), IsOk());
  EXPECT_EQ(h.server().config().hz, 500);
  EXPECT_THAT(h.Run({"CONFIG", "SET", "hz", "0"}), IsOk());
  EXPECT_EQ(h.server().config().hz, 1);
}

TEST(ConfigSet, SaveTakesPairsInOneArgumentAndEmptyTurnsItOff) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"CONFIG", "SET", "save", "100 10 200 20"}), IsOk());
  ASSERT_EQ(h.server().config().save.size(), 2u);
  EXPECT_EQ(h.server().config().save[1].seconds, 200);
  EXPECT_THAT(h.Run({"CONFIG", "SET", "save", ""}), IsOk());
  EXPECT_TRUE(h.server().config().save.empty());
}

TEST(ConfigSet, LoglevelTakesEffectAtOnce) {
  CommandHarness h;
  server::LogLevel before = server::GetLogLevel();
  EXPECT_THAT(h.Run({"CONFIG", "SET", "loglevel", "warning"}), IsOk());
  EXPECT_EQ(server::GetLogLevel(), server::LogLevel::kWarning);
  EXPECT_THAT(h.Run({"CONFIG", "SET", "loglevel", "debug"}), IsOk());
  EXPECT_EQ(server::GetLogLevel(), server::LogLevel::kDebug);
  server::SetLogLevel(before);
}

TEST(ConfigSet, RequirepassAppliesToNewConnections) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"CONFIG", "SET", "requirepass", "s3cret"}), IsOk());
  EXPECT_THAT(h.Run({"PING"}), IsSimple("PONG"));  // already authenticated
  server::Client& other = h.NewClient();
  EXPECT_THAT(h.RunAs(other, {"PING"}), IsError("NOAUTH Authentication required."));
  EXPECT_THAT(h.RunAs(other, {"AUTH", "s3cret"}), IsOk());
}

TEST_F(ConfigSetDir, ProtectedParametersAreRefusedByDefault) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"CONFIG", "SET", "dir", "/tmp"}),
              IsError("ERR CONFIG SET failed (possibly related to argument 'dir') - can't set "
                      "protected config"));
  EXPECT_THAT(h.Run({"CONFIG", "SET", "dbfilename", "x.rdb"}),
              IsError("ERR CONFIG SET failed (possibly related to argument 'dbfilename') - "
                      "can't set protected config"));
  EXPECT_EQ(Cwd(), cwd_);
}

TEST_F(ConfigSetDir, DirMovesTheProcessWhenProtectedConfigsAreEnabled) {
  CommandHarness h(WithProtectedConfigs("yes"));
  EXPECT_THAT(h.Run({"CONFIG", "SET", "dir", "/tmp"}), IsOk());
  EXPECT_EQ(Cwd(), "/tmp");
  EXPECT_THAT(h.Run({"CONFIG", "GET", "dir"}),
              IsBulkArray(std::vector<std::string>{"dir", "/tmp"}));
}

TEST_F(ConfigSetDir, AMissingDirFailsAndChangesNothing) {
  CommandHarness h(WithProtectedConfigs("yes"));
  EXPECT_THAT(h.Run({"CONFIG", "SET", "timeout", "9", "dir", "/nonexistent-ember-dir"}),
              IsError("ERR CONFIG SET failed (possibly related to argument 'dir') - No such "
                      "file or directory"));
  EXPECT_EQ(Cwd(), cwd_);
  EXPECT_EQ(h.server().config().timeout, 0);
  EXPECT_EQ(h.server().config().dir, ".");
}

TEST_F(ConfigSetDir, LocalProtectedConfigsAllowOnlyLoopbackClients) {
  CommandHarness h(WithProtectedConfigs("local"));
  server::Client& remote = h.NewClient();
  remote.addr = "10.1.2.3:5555";
  EXPECT_THAT(h.RunAs(remote, {"CONFIG", "SET", "dbfilename", "x.rdb"}),
              IsError("ERR CONFIG SET failed (possibly related to argument 'dbfilename') - "
                      "can't set protected config"));
  EXPECT_THAT(h.Run({"CONFIG", "SET", "dbfilename", "x.rdb"}), IsOk());  // 127.0.0.1
  EXPECT_THAT(h.Run({"CONFIG", "SET", "dbfilename", "a/b.rdb"}),
              IsError("ERR CONFIG SET failed (possibly related to argument 'dbfilename') - "
                      "dbfilename can't be a path, just a filename"));
}

TEST(ConfigSet, PortAndBindListenAgainOnce) {
  CommandHarness h;
  FakeHooks hooks;
  h.server().set_hooks(&hooks);
  EXPECT_THAT(h.Run({"CONFIG", "SET", "port", "7000", "bind", "127.0.0.1 ::1"}), IsOk());
  EXPECT_EQ(hooks.rebinds, 1);
  EXPECT_EQ(h.server().config().bind, (std::vector<std::string>{"127.0.0.1", "::1"}));
  // Setting the value it already has does nothing.
  EXPECT_THAT(h.Run({"CONFIG", "SET", "port", "7000"}), IsOk());
  EXPECT_EQ(hooks.rebinds, 1);
  h.server().set_hooks(nullptr);
}

TEST(ConfigSet, AFailedRebindRestoresThePortWithRedisWords) {
  CommandHarness h;
  FakeHooks hooks;
  hooks.rebind_error = "Address already in use";
  h.server().set_hooks(&hooks);
  EXPECT_THAT(h.Run({"CONFIG", "SET", "port", "7000"}),
              IsError("ERR CONFIG SET failed (possibly related to argument 'port') - Unable to "
                      "listen on this port"));
  EXPECT_EQ(h.server().config().port, 6379);
  EXPECT_THAT(h.Run({"CONFIG", "SET", "bind", "10.9.9.9"}),
              IsError("ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to "
                      "bind to specified addresses."));
  EXPECT_EQ(h.server().config().bind, std::vector<std::string>{"127.0.0.1"});
  h.server().set_hooks(nullptr);
}

TEST_F(ConfigSetDir, AFailedSideEffectUndoesTheEarlierOnes) {
  CommandHarness h(WithProtectedConfigs("yes"));
  FakeHooks hooks;
  h.server().set_hooks(&hooks);
  EXPECT_THAT(h.Run({"CONFIG", "SET", "port", "7000", "dir", "/nonexistent-ember-dir"}),
              IsError("ERR CONFIG SET failed (possibly related to argument 'dir') - No such "
                      "file or directory"));
  // Listened on 7000, then again on the restored 6379.
  EXPECT_EQ(hooks.rebinds, 2);
  EXPECT_EQ(h.server().config().port, 6379);
  h.server().set_hooks(nullptr);
}

TEST(ConfigSet, FailuresCountAsFailedCalls) {
  CommandHarness h;
  h.Run({"CONFIG", "SET", "hz", "x"});
  h.Run({"CONFIG", "SET", "hz", "20"});
  protocol::Value info = h.Run({"INFO", "commandstats"});
  EXPECT_THAT(info.str(), HasSubstr("cmdstat_config|set:calls=2,"));
  EXPECT_THAT(info.str(), HasSubstr(",rejected_calls=0,failed_calls=1\r\n"));
}

// --- CONFIG RESETSTAT ---

TEST(ConfigResetStat, ZeroesTheCountersInfoReports) {
  CommandHarness h;
  h.Run({"SET", "k", "v"});
  h.Run({"GET", "k"});
  h.Run({"GET", "missing"});
  h.Run({"NOSUCHCOMMAND"});
  std::string before = h.Run({"INFO", "all"}).str();
  EXPECT_THAT(before, HasSubstr("keyspace_hits:1\r\n"));
  EXPECT_THAT(before, HasSubstr("errorstat_ERR:count=1\r\n"));
  EXPECT_THAT(before, HasSubstr("cmdstat_get:calls=2"));

  EXPECT_THAT(h.Run({"CONFIG", "RESETSTAT"}), IsOk());
  std::string after = h.Run({"INFO", "all"}).str();
  EXPECT_THAT(after, HasSubstr("keyspace_hits:0\r\nkeyspace_misses:0\r\n"));
  EXPECT_THAT(after, HasSubstr("total_error_replies:0\r\n"));
  EXPECT_THAT(after, HasSubstr("total_connections_received:0\r\n"));
  // RESETSTAT itself ran after the reset, as in Redis.
  EXPECT_THAT(after, HasSubstr("total_commands_processed:1\r\n"));
  EXPECT_THAT(after, HasSubstr("cmdstat_config|resetstat:calls=1,"));
  EXPECT_THAT(after, Not(HasSubstr("cmdstat_get")));
  EXPECT_THAT(after, Not(HasSubstr("errorstat_")));
  // The dataset is not a statistic.
  EXPECT_THAT(after, HasSubstr("db0:keys=1,"));
  EXPECT_THAT(after, HasSubstr("rdb_changes_since_last_save:1\r\n"));
}

TEST(ConfigResetStat, ExpiryStatisticsAreReset) {
  CommandHarness h;
  h.Run({"SET", "k", "v", "PX", "10"});
  h.AdvanceMs(20);
  h.Run({"GET", "k"});
  EXPECT_THAT(h.Run({"INFO", "stats"}).str(), HasSubstr("expired_keys:1\r\n"));
  h.Run({"CONFIG", "RESETSTAT"});
  EXPECT_THAT(h.Run({"INFO", "stats"}).str(), HasSubstr("expired_keys:0\r\n"));
}

// --- CONFIG REWRITE ---

TEST(ConfigRewrite, NeedsAConfigFile) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"CONFIG", "REWRITE"}),
              IsError("ERR The server is running without a config file"));
}

TEST(ConfigRewrite, WritesTheRunningConfigurationIntoTheFile) {
  char dir_template[] = "/tmp/ember-rewrite-test-XXXXXX";
  std::string dir = mkdtemp(dir_template);
  std::string path = dir + "/ember.conf";
  std::ofstream(path) << "# Keep this comment\nmaxclients 5000\n";
  ASSERT_EQ(chmod(path.c_str(), 0600), 0);
  server::Config config = CommandHarness::DefaultConfig();
  config.config_file = path;
  config.maxclients = 5000;
  CommandHarness h(config);

  EXPECT_THAT(h.Run({"CONFIG", "SET", "maxclients", "50", "timeout", "7"}), IsOk());
  EXPECT_THAT(h.Run({"CONFIG", "REWRITE"}), IsOk());
  std::stringstream content;
  content << std::ifstream(path).rdbuf();
  EXPECT_THAT(content.str(), ::testing::StartsWith("# Keep this comment\nmaxclients 50\n\n"
                                                   "# Generated by CONFIG REWRITE\n"));
  EXPECT_THAT(content.str(), HasSubstr("\ntimeout 7\n"));
  EXPECT_THAT(content.str(), HasSubstr("\nenable-debug-command yes\n"));
  EXPECT_THAT(content.str(), HasSubstr("\nsave \"\"\n"));
  // Replaced by a new file, with the old one's permissions.
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // No temporary file is left behind.
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    files.push_back(e.path().filename());
  }
  EXPECT_EQ(files, std::vector<std::string>{"ember.conf"});

  std::remove(path.c_str());
  rmdir(dir.c_str());
}

TEST(ConfigRewrite, ReportsTheSystemError) {
  server::Config config = CommandHarness::DefaultConfig();
  config.config_file = "/nonexistent-ember-dir/ember.conf";
  CommandHarness h(config);
  EXPECT_THAT(h.Run({"CONFIG", "REWRITE"}),
              IsError("ERR Rewriting config file: No such file or directory"));
}

// --- CONFIG HELP and the container ---

TEST(ConfigHelp, ListsTheSubcommandsInRedisWords) {
  CommandHarness h;
  std::vector<std::string> lines;
  protocol::Value help = h.Run({"CONFIG", "HELP"});
  for (const protocol::Value& v : help.elements()) lines.push_back(v.str());
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                       "GET <pattern>",
                       "    Return parameters matching the glob-like <pattern> and their values.",
                       "SET <directive> <value>",
                       "    Set the configuration <directive> to <value>.",
                       "RESETSTAT",
                       "    Reset statistics reported by the INFO command.",
                       "REWRITE",
                       "    Rewrite the configuration file.",
                       "HELP",
                       "    Prints this help.",
                   }));
}

TEST(ConfigHelp, UnknownSubcommandAndMissingSubcommand) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"CONFIG", "foo"}), IsError("ERR unknown subcommand 'foo'. Try CONFIG HELP."));
  EXPECT_THAT(h.Run({"CONFIG"}), IsError("ERR wrong number of arguments for 'config' command"));
  EXPECT_THAT(h.Run({"CONFIG", "RESETSTAT", "now"}),
              IsError("ERR wrong number of arguments for 'config|resetstat' command"));
}

}  // namespace
}  // namespace ember::testing
