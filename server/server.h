// Server: the part of Ember that runs commands, with no sockets in it.
//
// Redis runs every command on one thread, one at a time, start to finish.
// That is the whole concurrency model: a command never sees another
// half-done, so INCR needs no lock and MULTI/EXEC is just "run these in a
// row". Ember keeps the model: the network layer (net/) calls Execute() from
// its single event-loop thread, and nothing else touches the keyspace.
//
// Because this class knows nothing of sockets, tests drive it directly:
// create a Client, call Execute, read the reply bytes from the client's
// output buffer.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>

#include "server/aof.h"
#include "server/blocking.h"
#include "server/client.h"
#include "server/client_pause.h"
#include "server/command.h"
#include "server/command_table.h"
#include "server/config.h"
#include "server/eviction.h"
#include "server/aof.h"
#include "server/keyspace_events.h"
#include "server/latency.h"
#include "server/pubsub.h"
#include "server/slowlog.h"
#include "server/snapshot.h"
#include "server/watch.h"
#include "storage/clock.h"
#include "storage/expire.h"
#include "storage/keyspace.h"

namespace ember::server {

class Server;

// What the server asks of the process around it.
class ServerHooks {
 public:
  virtual ~ServerHooks() = default;
  // Stop accepting, flush replies, exit with this status (SHUTDOWN).
  virtual void RequestShutdown(int exit_code) = 0;
  // `port` or `bind` changed (CONFIG SET): listen again. "" or an error.
  virtual std::string Rebind() = 0;
};

struct ServerStats {
  int64_t start_time_ms = 0;
  uint64_t total_commands_processed = 0;
  uint64_t total_connections_received = 0;
  uint64_t rejected_connections = 0;
  uint64_t total_net_input_bytes = 0;
  uint64_t total_net_output_bytes = 0;
  uint64_t total_error_replies = 0;
  uint64_t unexpected_error_replies = 0;
  std::map<std::string, uint64_t> errors_by_code;  // INFO errorstats
  uint64_t dirty = 0;                              // changes since the last save
  uint64_t evicted_keys = 0;                       // by maxmemory (eviction.h)
  // fork() for BGSAVE and BGREWRITEAOF: copying the page tables is the one
  // pause a background save puts on the event loop.
  int64_t latest_fork_usec = 0;
  uint64_t total_forks = 0;
  void RecordFork(int64_t usec) {
    latest_fork_usec = usec;
    ++total_forks;
  }
  // Random 40-hex-digit identities made at start-up (INFO run_id,
  // master_replid): a restarted server is recognisably another one.
  std::string run_id;
  std::string replid;
  // The highest used_memory seen so far (INFO memory samples it).
  uint64_t used_memory_peak = 0;

  // instantaneous_ops_per_sec: Redis samples the command counter every cron
  // tick and averages the last 16 rates.
  static constexpr int kOpsSamples = 16;
  int64_t ops_sample_time_ms = 0;
  uint64_t ops_sample_count = 0;
  double ops_samples[kOpsSamples] = {};
  int ops_sample_index = 0;
  double InstantaneousOps() const;

  void ResetCounters();
};

// Everything a handler may use while running one command.
class CommandContext {
 public:
  CommandContext(Server& server, Client& client, const CommandSpec& command)
      : server_(server), client_(client), command_(command) {}

  Server& server() { return server_; }
  Client& client() { return client_; }
  const CommandSpec& command() const { return command_; }
  protocol::ReplyWriter& reply() { return client_.reply(); }
  storage::Keyspace& keyspace();
  storage::Database& db();
  int64_t now_ms();
  const Config& config();
  // Counts changes to the dataset (for save points and INFO).
  void MarkDirty(uint64_t n = 1);
  // A command changed `key` in the current database: counts the change and
  // tells WATCH. Every handler calls it once for each key it modifies (and
  // only then: a write that changes nothing is no change), as Redis calls
  // signalModifiedKey.
  void KeyModified(std::string_view key);
  // Publishes keyspace event `event` about `key` (in the client's database,
  // or in `db`), where Redis calls notifyKeyspaceEvent: right after the
  // change, in the same order relative to the reply. `type` is the event's
  // class (keyspace_events.h); with notifications off for it, the call is
  // one test.
  void Notify(int64_t type, std::string_view event, std::string_view key);
  void NotifyIn(int db, int64_t type, std::string_view event, std::string_view key);
  // Shows argument `index` as "(redacted)" in the slow log and MONITOR
  // (passwords), as Redis's redactClientCommandArgument.
  void Redact(size_t index) { redacted_.push_back(index); }
  const std::vector<size_t>& redacted() const { return redacted_; }
  // True while EXEC runs queued commands: blocking commands must not block.
  bool in_exec() const;
  // Parks the client until one of `keys` (in the current database) is
  // created or `timeout_ms` passes (0: forever). The command's reply is
  // written later, by `serve` or as a timeout.
  void Block(const std::vector<std::string_view>& keys, int64_t timeout_ms, ArgList args,
             ServeFn serve, TimeoutReply timeout_reply);

  // What goes to the AOF for this command. By default, a command that
  // changed something is logged as it was sent; a handler calls Propagate
  // (once per command to log) when it must be logged differently: with an
  // absolute deadline, as what it actually did, or not at all (an empty
  // call list: call PropagateNothing).
  void Propagate(std::vector<std::string> argv);
  void PropagateNothing() { propagate_set_ = true; }
  bool propagate_set() const { return propagate_set_; }
  const std::vector<std::vector<std::string>>& propagated() const { return propagate_; }

 private:
  Server& server_;
  Client& client_;
  const CommandSpec& command_;
  std::vector<std::vector<std::string>> propagate_;
  bool propagate_set_ = false;
  std::vector<size_t> redacted_;
};

class Server : public storage::KeyspaceListener {
 public:
  // `clock` must outlive the server.
  Server(Config config, const storage::Clock* clock);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // --- Clients ---
  // The server does not own clients; their connections do. Register on
  // connect, unregister on close.
  uint64_t NextClientId() { return next_client_id_++; }
  void RegisterClient(Client* client);
  void UnregisterClient(Client* client);
  const std::map<uint64_t, Client*>& clients() const { return clients_; }
  Client* FindClient(uint64_t id) const;

  // --- Commands ---
  // Runs one command (args[0] is its name) for `client`, writing the reply
  // to the client's output buffer. Then serves clients blocked on keys the
  // command created.
  void Execute(Client& client, ArgList args);
  // A client's connection closed: forget its WATCHes, MULTI, blocking.
  void ClientGone(Client& client);

  // A key of database `db` changed (for commands that write to another
  // database than the client's: MOVE, COPY ... DB).
  void KeyModifiedIn(int db, std::string_view key);

  // --- Transactions (transaction_commands.cc) ---
  WatchRegistry& watches() { return watches_; }
  bool in_exec() const { return in_exec_; }
  // EXEC: runs the queued commands, replying with an array of their replies.
  void ExecQueued(Client& client);
  // DISCARD / EXEC / RESET: drop the queue and the WATCHes.
  void DiscardTransaction(Client& client);
  // FLUSHDB/FLUSHALL/SWAPDB: call before database `db`'s contents are
  // replaced by those of `replaced_with` (nullptr: emptied), so WATCH sees
  // the change.
  void BeforeDatabaseReplaced(int db, const storage::Database* replaced_with);

  // --- Blocked clients (blocking.h) ---
  BlockingRegistry& blocking() { return blocking_; }
  // Unblocks a client with its timeout reply (or `error`, for CLIENT
  // UNBLOCK ... ERROR).
  void UnblockClient(Client& client, std::string_view error = {});
  // Times out blocked clients whose deadline has passed.
  void HandleBlockedTimeouts();
  // SWAPDB: clients blocked on keys that now exist are served.
  void SignalAllBlockedKeys();

  // --- Pub/Sub, keyspace notifications, MONITOR, slow log, latency ---
  PubSub& pubsub() { return pubsub_; }
  // Publishes a keyspace event if notify-keyspace-events enables `type`
  // (for code outside commands: eviction, expiry).
  void Notify(int64_t type, std::string_view event, std::string_view key, int db) {
    if (config_.notify_keyspace_events & type) [[unlikely]] {
      PublishKeyspaceEvent(event, key, db);
    }
  }
  // MONITOR: `client` receives every command run from now on.
  void AddMonitor(Client& client);
  // Leaves subscribed mode and MONITOR without a word to the client
  // (RESET, a closed connection).
  void ClientModesReset(Client& client);
  SlowLog& slowlog() { return slowlog_; }
  LatencyMonitor& latency() { return latency_; }
  // Records a latency sample for `event` if it reaches
  // latency-monitor-threshold (Redis's latencyAddSampleIfNeeded).
  void AddLatencySampleIfNeeded(std::string_view event, int64_t latency_ms) {
    int64_t threshold = config_.latency_monitor_threshold;
    if (threshold != 0 && latency_ms >= threshold) [[unlikely]] {
      latency_.AddSample(event, latency_ms, clock_->NowMs() / 1000);
    }
  }

  // storage::KeyspaceListener
  void OnKeyExpired(int db, std::string_view key) override;
  void OnKeyCreated(int db, std::string_view key, storage::ObjType type) override;
  void OnKeyMiss(int db, std::string_view key) override {
    Notify(kNotifyKeyMiss, "keymiss", key, db);
  }

  // --- Periodic work, hz times per second (serverCron) ---
  void Cron();
  // One active-expiry cycle, with a budget measured by `monotonic_us`.
  storage::ActiveExpireResult RunActiveExpire(const std::function<int64_t()>& monotonic_us);

  // --- State ---
  Config& config() { return config_; }
  const Config& config() const { return config_; }
  storage::Keyspace& keyspace() { return keyspace_; }
  const storage::Clock& clock() const { return *clock_; }
  const CommandTable& commands() const { return commands_; }
  CommandTable& commands() { return commands_; }
  ServerStats& stats() { return stats_; }
  SnapshotManager& snapshots() { return snapshots_; }
  Evictor& evictor() { return evictor_; }
  ClientPause& pause() { return pause_; }
  AofManager& aof() { return aof_; }
  // Logs a command that ran in database `db` (to the AOF; inside EXEC,
  // held until the transaction ends to be wrapped in MULTI/EXEC).
  void Propagate(int db, ArgList argv);
  // Before replies go out: what they confirm must be in the AOF first.
  void BeforeReplies() { aof_.Flush(); }
  ServerHooks* hooks() const { return hooks_; }
  void set_hooks(ServerHooks* hooks) { hooks_ = hooks; }

  // Before exiting (SHUTDOWN, SIGTERM): stops a background save and saves
  // if asked to (`save`), or if save points are configured and `nosave` is
  // not given. "" or why the save failed (the server then stays up unless
  // `force`).
  std::string PrepareShutdown(bool save, bool nosave, bool force);

  // Applies the side effects of a changed parameter (log level, working
  // directory, listening address...). Returns "" or an error text.
  std::string ApplyConfigChange(const ConfigParam& param);
  // Copies the collection encoding thresholds into the keyspace.
  void ApplyCollectionLimits();

 private:
  // Looks up argv's command (and subcommand); on failure writes the error
  // and returns nullptr.
  const CommandSpec* Resolve(Client& client, ArgList args);
  // Runs a resolved command and accounts for it. `start_us` is a clock()
  // reading taken just before, or -1 to read it here.
  void Call(Client& client, const CommandSpec& cmd, ArgList args, int64_t start_us = -1);
  void CountError(Client& client, uint64_t errors_before);
  // Why `client`'s mode forbids `cmd` (RESP2 subscribed mode, MONITOR), or
  // "".
  std::string RefusedByMode(const Client& client, const CommandSpec& cmd) const;
  // What every finished command owes to MONITOR, the slow log and the
  // latency monitor.
  void AfterCall(const CommandContext& ctx, ArgList args, int64_t duration_us);
  void LogSlowCommand(const Client& client, const CommandSpec& cmd, ArgList args,
                      const std::vector<size_t>& redacted, int64_t duration_us);
  void FeedMonitors(const Client& client, ArgList args, const std::vector<size_t>& redacted);
  void PublishKeyspaceEvent(std::string_view event, std::string_view key, int db);
  void ServeReadyKeys();
  // Logs what a finished command (or served blocked command) changed.
  void PropagateCommand(const CommandContext& ctx, int db, ArgList args, uint64_t dirty_before);
  void ServeKey(int db, const std::string& key);

  Config config_;
  const storage::Clock* clock_;
  storage::Keyspace keyspace_;
  storage::ActiveExpirer expirer_;
  CommandTable commands_;
  ServerStats stats_;
  std::map<uint64_t, Client*> clients_;
  uint64_t next_client_id_ = 1;
  ServerHooks* hooks_ = nullptr;
  WatchRegistry watches_;
  BlockingRegistry blocking_;
  SnapshotManager snapshots_{*this};
  AofManager aof_{*this};
  Evictor evictor_{*this};
  ClientPause pause_{*this};
  PubSub pubsub_;
  SlowLog slowlog_;
  LatencyMonitor latency_;
  std::vector<Client*> monitors_;
  std::vector<std::pair<int, std::vector<std::string>>> exec_propagation_;
  bool in_exec_ = false;
  bool serving_blocked_ = false;
};

inline void CommandContext::Notify(int64_t type, std::string_view event, std::string_view key) {
  server_.Notify(type, event, key, client_.db_index());
}

inline void CommandContext::NotifyIn(int db, int64_t type, std::string_view event,
                                     std::string_view key) {
  server_.Notify(type, event, key, db);
}

}  // namespace ember::server
