#include "server/server.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <random>

#include <fmt/format.h>

#include <algorithm>

#include "protocol/errors.h"
#include "server/client_limits.h"
#include "server/log.h"
#include "server/memory.h"

namespace ember::server {

namespace errors = protocol::errors;

namespace {

std::string RandomHex(size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::random_device rd;
  std::string out(n, '0');
  for (char& c : out) c = kDigits[rd() % 16];
  return out;
}

}  // namespace

double ServerStats::InstantaneousOps() const {
  double sum = 0;
  for (double s : ops_samples) sum += s;
  return sum / kOpsSamples;
}

void ServerStats::ResetCounters() {
  total_commands_processed = 0;
  total_connections_received = 0;
  rejected_connections = 0;
  total_net_input_bytes = 0;
  total_net_output_bytes = 0;
  total_error_replies = 0;
  unexpected_error_replies = 0;
  evicted_keys = 0;
  errors_by_code.clear();
  for (double& s : ops_samples) s = 0;
  // The next sample measures from zero again (not from the old count,
  // which would underflow).
  ops_sample_count = 0;
  ops_sample_index = 0;
}

storage::Keyspace& CommandContext::keyspace() { return server_.keyspace(); }
storage::Database& CommandContext::db() { return server_.keyspace().db(client_.db_index()); }
int64_t CommandContext::now_ms() { return server_.keyspace().now_ms(); }
const Config& CommandContext::config() { return server_.config(); }
void CommandContext::MarkDirty(uint64_t n) { server_.stats().dirty += n; }

void CommandContext::KeyModified(std::string_view key) {
  server_.KeyModifiedIn(client_.db_index(), key);
}

bool CommandContext::in_exec() const { return server_.in_exec(); }

void CommandContext::Propagate(std::vector<std::string> argv) {
  propagate_set_ = true;
  propagate_.push_back(std::move(argv));
}

void CommandContext::Block(const std::vector<std::string_view>& keys, int64_t timeout_ms,
                           ArgList args, ServeFn serve, TimeoutReply timeout_reply) {
  BlockState& state = client_.block_state();
  state.db = client_.db_index();
  state.keys.assign(keys.begin(), keys.end());
  state.deadline_ms = timeout_ms == 0 ? 0 : server_.keyspace().now_ms() + timeout_ms;
  state.argv.assign(args.begin(), args.end());
  state.command = &command_;
  state.serve = serve;
  state.timeout_reply = timeout_reply;
  state.duration_us = 0;
  server_.blocking().Block(&client_);
  if (client_.transport() != nullptr) client_.transport()->Blocked(state.deadline_ms);
}

Server::Server(Config config, const storage::Clock* clock)
    : config_(std::move(config)),
      clock_(clock),
      keyspace_(clock, static_cast<int>(config_.databases)),
      commands_(CommandTable::Build()) {
  stats_.start_time_ms = clock_->NowMs();
  stats_.ops_sample_time_ms = stats_.start_time_ms;
  keyspace_.set_listener(this);
  stats_.run_id = RandomHex(40);
  stats_.replid = RandomHex(40);
  ApplyCollectionLimits();
  evictor_.ApplyConfig();
}

Server::~Server() { keyspace_.set_listener(nullptr); }

void Server::RegisterClient(Client* client) {
  clients_[client->id()] = client;
  stats_.total_connections_received++;
}

void Server::UnregisterClient(Client* client) {
  ClientGone(*client);
  clients_.erase(client->id());
}

void Server::ClientModesReset(Client& client) {
  pubsub_.UnsubscribeAll(client);
  if (client.has_flag(Client::kMonitor)) {
    monitors_.erase(std::find(monitors_.begin(), monitors_.end(), &client));
    client.clear_flag(Client::kMonitor);
  }
}

void Server::ClientGone(Client& client) {
  pause_.Forget(&client);
  ClientModesReset(client);
  watches_.UnwatchAll(&client);
  blocking_.Unblock(&client);
  client.multi_queue().clear();
  client.clear_flag(Client::kMulti);
}

Client* Server::FindClient(uint64_t id) const {
  auto it = clients_.find(id);
  return it == clients_.end() ? nullptr : it->second;
}

const CommandSpec* Server::Resolve(Client& client, ArgList args) {
  const CommandSpec* cmd = commands_.Find(args[0]);
  if (cmd == nullptr) {
    client.reply().Error(errors::UnknownCommand(args[0], args.data() + 1, args.size() - 1));
    return nullptr;
  }
  if (cmd->is_container()) {
    if (args.size() == 1) {
      // Alone, a container runs itself if it can (COMMAND); otherwise its
      // arity (-2) fails first, as in Redis.
      if (cmd->handler != nullptr) return cmd;
      cmd->stats.rejected_calls++;
      client.reply().Error(errors::WrongArity(cmd->full_name));
      return nullptr;
    }
    const CommandSpec* sub = CommandTable::FindSubcommand(*cmd, args[1]);
    if (sub == nullptr) {
      client.reply().Error(errors::UnknownSubcommand(args[1], cmd->name));
      return nullptr;
    }
    cmd = sub;
  }
  int argc = static_cast<int>(args.size());
  if ((cmd->arity > 0 && argc != cmd->arity) || (cmd->arity < 0 && argc < -cmd->arity)) {
    cmd->stats.rejected_calls++;
    client.reply().Error(errors::WrongArity(cmd->full_name));
    return nullptr;
  }
  return cmd;
}

void Server::Execute(Client& client, ArgList args) {
  // One clock read is both the command's time (expiry, LRU) and the start of
  // its duration: a read costs ~25 ns, a third of a GET's own work.
  int64_t start_us = clock_->NowUs();
  keyspace_.SetTime(start_us / 1000);
  client.last_interaction_ms = keyspace_.now_ms();
  uint64_t errors_before = client.reply().errors_written();
  const CommandSpec* cmd = Resolve(client, args);
  if (cmd == nullptr) {
    CountError(client, errors_before);
    // A command that cannot even be queued dooms the transaction.
    if (client.has_flag(Client::kMulti)) client.set_flag(Client::kDirtyExec);
    return;
  }
  client.last_command = cmd;
  if (!client.authenticated() && !cmd->has(kCmdNoAuth)) {
    cmd->stats.rejected_calls++;
    client.reply().Error(errors::kNoAuth);
    CountError(client, errors_before);
    if (client.has_flag(Client::kMulti)) client.set_flag(Client::kDirtyExec);
    return;
  }
  // Over maxmemory: evict first; refuse what would grow memory if nothing
  // could be evicted.
  if (config_.maxmemory > 0 && evictor_.RejectsCommand(client, *cmd)) {
    cmd->stats.rejected_calls++;
    if (cmd->full_name == "exec" && client.has_flag(Client::kMulti)) {
      // A refused EXEC ends the transaction, naming the reason.
      DiscardTransaction(client);
      client.reply().Error(
          fmt::format("EXECABORT Transaction discarded because of: {}", errors::kOom));
      CountError(client, errors_before);
      return;
    }
    client.reply().Error(errors::kOom);
    CountError(client, errors_before);
    if (client.has_flag(Client::kMulti)) client.set_flag(Client::kDirtyExec);
    return;
  }
  // A failed background save makes writes fail loudly (and PING, so health
  // checks notice) until a save succeeds: the data is not safe on disk.
  // (The flags first: the name comparison must not cost every read.)
  if ((snapshots_.WritesDenied() || aof_.WritesDenied()) &&
      (cmd->has(kCmdWrite) || cmd->full_name == "ping")) {
    cmd->stats.rejected_calls++;
    client.reply().Error(snapshots_.WritesDenied()
                             ? std::string(errors::kMisconf)
                             : "MISCONF Errors writing to the AOF file: " + aof_.last_write_error());
    CountError(client, errors_before);
    if (client.has_flag(Client::kMulti)) client.set_flag(Client::kDirtyExec);
    return;
  }
  // Subscribed (RESP2) and MONITOR clients may run only some commands.
  if (client.has_flag(Client::kPubSub) || client.has_flag(Client::kMonitor)) [[unlikely]] {
    std::string refused = RefusedByMode(client, *cmd);
    if (!refused.empty()) {
      cmd->stats.rejected_calls++;
      if (cmd->full_name == "exec") {
        // As Redis's execCommandAbort: a refused EXEC discards the
        // transaction (if any), says why, and still shows on MONITOR.
        DiscardTransaction(client);
        client.reply().Error("EXECABORT Transaction discarded because of: " +
                             refused.substr(refused.find(' ') + 1));
        if (!monitors_.empty()) FeedMonitors(client, args, {});
      } else {
        client.reply().Error(refused);
        if (client.has_flag(Client::kMulti)) client.set_flag(Client::kDirtyExec);
      }
      CountError(client, errors_before);
      return;
    }
  }
  // CLIENT PAUSE: the command waits, its client parked, until the pause ends.
  if (pause_.Postpones(client, *cmd, keyspace_.now_ms())) {
    pause_.Postpone(client, *cmd, args);
    return;
  }
  // Inside MULTI every command but the transaction's own is queued, to run
  // atomically at EXEC; a few cannot be part of a transaction at all.
  if (client.has_flag(Client::kMulti) && cmd->has(kCmdNoMulti)) {
    cmd->stats.rejected_calls++;
    client.reply().Error("ERR Command not allowed inside a transaction");
    CountError(client, errors_before);
    client.set_flag(Client::kDirtyExec);
    return;
  }
  if (client.has_flag(Client::kMulti) && !cmd->has(kCmdRunsInMulti)) {
    client.multi_queue().push_back({cmd, std::vector<std::string>(args.begin(), args.end())});
    client.reply().SimpleString("QUEUED");
    return;
  }
  Call(client, *cmd, args, start_us);
  if (client.reply().errors_written() != errors_before) {
    cmd->stats.failed_calls++;
    CountError(client, errors_before);
  }
  if (blocking_.has_ready_keys() && !serving_blocked_) ServeReadyKeys();
  if (pause_.has_released() && !in_exec_) pause_.RunReleased();
}

void Server::Propagate(int db, ArgList argv) {
  if (in_exec_) {
    exec_propagation_.emplace_back(db, std::vector<std::string>(argv.begin(), argv.end()));
  } else {
    aof_.Feed(db, argv);
  }
}

void Server::PropagateCommand(const CommandContext& ctx, int db, ArgList args,
                              uint64_t dirty_before) {
  if (ctx.propagate_set()) {
    for (const std::vector<std::string>& cmd : ctx.propagated()) {
      std::vector<std::string_view> views(cmd.begin(), cmd.end());
      Propagate(db, views);
    }
  } else if (stats_.dirty != dirty_before) {
    Propagate(db, args);
  }
}

void Server::Call(Client& client, const CommandSpec& cmd, ArgList args, int64_t start_us) {
  if (start_us < 0) start_us = clock_->NowUs();
  CommandContext ctx(*this, client, cmd);
  int db = client.db_index();
  uint64_t dirty_before = stats_.dirty;
  cmd.handler(ctx, args);
  PropagateCommand(ctx, db, args, dirty_before);
  // The server's clock is wall time: a step backwards must not make a
  // duration negative.
  int64_t elapsed_us = std::max<int64_t>(clock_->NowUs() - start_us, 0);
  cmd.stats.calls++;
  cmd.stats.usec += static_cast<uint64_t>(elapsed_us);
  stats_.total_commands_processed++;
  // Nothing to do, in the common case, but three predictable tests.
  // (A negative slowlog threshold turns the slow log off.)
  if (!monitors_.empty() ||
      (config_.slowlog_log_slower_than >= 0 && elapsed_us >= config_.slowlog_log_slower_than) ||
      config_.latency_monitor_threshold != 0) [[unlikely]] {
    AfterCall(ctx, args, elapsed_us);
  }
}

void Server::AfterCall(const CommandContext& ctx, ArgList args, int64_t duration_us) {
  // Replaying the AOF is no client's doing.
  if (keyspace_.expiry_paused()) return;
  Client& client = const_cast<CommandContext&>(ctx).client();
  const CommandSpec& cmd = ctx.command();
  // Administrative commands are too sensitive to show (CONFIG SET
  // requirepass...).
  if (!monitors_.empty() && !cmd.has(kCmdAdmin) && !cmd.has(kCmdSkipMonitor)) {
    FeedMonitors(client, args, ctx.redacted());
  }
  // A command that blocked is accounted for when it is served or times out.
  if (client.has_flag(Client::kBlocked)) {
    client.block_state().duration_us = duration_us;
    return;
  }
  AddLatencySampleIfNeeded(cmd.has(kCmdFast) ? "fast-command" : "command", duration_us / 1000);
  LogSlowCommand(client, cmd, args, ctx.redacted(), duration_us);
}

void Server::LogSlowCommand(const Client& client, const CommandSpec& cmd, ArgList args,
                            const std::vector<size_t>& redacted, int64_t duration_us) {
  int64_t threshold = config_.slowlog_log_slower_than;
  if (threshold < 0 || duration_us < threshold || cmd.has(kCmdSkipSlowlog)) return;
  slowlog_.Push(args, redacted, clock_->NowMs() / 1000, duration_us, client.addr, client.name(),
                static_cast<size_t>(config_.slowlog_max_len));
}

void Server::AddMonitor(Client& client) {
  if (client.has_flag(Client::kMonitor)) return;
  client.set_flag(Client::kMonitor);
  monitors_.push_back(&client);
}

void Server::FeedMonitors(const Client& client, ArgList args,
                          const std::vector<size_t>& redacted) {
  // +<seconds>.<micros> [<db> <addr>] "arg" "arg"..., each argument quoted
  // with Redis's escapes.
  int64_t now_us = clock_->NowUs();
  std::string line = fmt::format("+{}.{:06} [{} {}]", now_us / 1'000'000, now_us % 1'000'000,
                                 client.db_index(), client.addr);
  for (size_t i = 0; i < args.size(); ++i) {
    line += ' ';
    bool hidden = std::find(redacted.begin(), redacted.end(), i) != redacted.end();
    line += QuoteConfigString(hidden ? std::string_view("(redacted)") : args[i]);
  }
  line += "\r\n";
  for (Client* m : monitors_) {
    m->reply().Raw(line);
    if (m->transport() != nullptr) m->transport()->OutputPending();
  }
}

std::string Server::RefusedByMode(const Client& client, const CommandSpec& cmd) const {
  if (client.has_flag(Client::kPubSub) && client.resp() == 2 && !cmd.has(kCmdSubscribedMode)) {
    return fmt::format(
        "ERR Can't execute '{}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET "
        "are allowed in this context",
        cmd.full_name);
  }
  // Redis makes a MONITOR client a replica, and replicas must not touch
  // the keyspace (nor EXEC a transaction that would).
  if (client.has_flag(Client::kMonitor)) {
    uint32_t touches = kCmdWrite | kCmdReadonly | kCmdMayReplicate;
    bool keyspace = (cmd.flags & touches) != 0;
    if (cmd.full_name == "exec") {
      for (const QueuedCommand& q : const_cast<Client&>(client).multi_queue()) {
        keyspace = keyspace || (q.command->flags & touches) != 0;
      }
    }
    if (keyspace) return "ERR Replica can't interact with the keyspace";
  }
  return "";
}

void Server::PublishKeyspaceEvent(std::string_view event, std::string_view key, int db) {
  // Loading a dataset notifies no one.
  if (keyspace_.expiry_paused()) return;
  int64_t flags = config_.notify_keyspace_events;
  if (flags & kNotifyKeyspace) {
    pubsub_.Publish(fmt::format("__keyspace@{}__:{}", db, key), event);
  }
  if (flags & kNotifyKeyevent) {
    pubsub_.Publish(fmt::format("__keyevent@{}__:{}", db, event), key);
  }
}

void Server::KeyModifiedIn(int db, std::string_view key) {
  stats_.dirty++;
  if (watches_.empty()) return;
  watches_.Touch(db, key, keyspace_.db(db).Peek(key) != nullptr);
}

void Server::ExecQueued(Client& client) {
  std::vector<QueuedCommand> queue;
  queue.swap(client.multi_queue());
  client.clear_flag(Client::kMulti);
  watches_.UnwatchAll(&client);
  client.reply().ArrayHeader(static_cast<int64_t>(queue.size()));
  in_exec_ = true;
  for (const QueuedCommand& q : queue) {
    std::vector<std::string_view> args(q.argv.begin(), q.argv.end());
    uint64_t errors_before = client.reply().errors_written();
    Call(client, *q.command, args);
    if (client.reply().errors_written() != errors_before) {
      q.command->stats.failed_calls++;
      CountError(client, errors_before);
    }
  }
  in_exec_ = false;
  client.clear_flag(Client::kDirtyCas);
  client.clear_flag(Client::kDirtyExec);
  // What the transaction changed is logged as one transaction too.
  if (!exec_propagation_.empty()) {
    std::vector<std::pair<int, std::vector<std::string>>> done;
    done.swap(exec_propagation_);
    std::string_view multi[] = {"MULTI"};
    aof_.Feed(done.front().first, multi);
    for (const auto& [db, argv] : done) {
      std::vector<std::string_view> views(argv.begin(), argv.end());
      aof_.Feed(db, views);
    }
    std::string_view exec[] = {"EXEC"};
    aof_.Feed(done.back().first, exec);
  }
}

void Server::DiscardTransaction(Client& client) {
  client.multi_queue().clear();
  client.clear_flag(Client::kMulti);
  client.clear_flag(Client::kDirtyCas);
  client.clear_flag(Client::kDirtyExec);
  watches_.UnwatchAll(&client);
}

void Server::BeforeDatabaseReplaced(int db, const storage::Database* replaced_with) {
  if (watches_.empty()) return;
  storage::Database& emptied = keyspace_.db(db);
  auto* after = const_cast<storage::Database*>(replaced_with);
  watches_.TouchDatabase(
      db, [&](const std::string& k) { return emptied.Peek(k) != nullptr; },
      [&](const std::string& k) { return after != nullptr && after->Peek(k) != nullptr; },
      [&](const std::string& k) {
        storage::Entry* e = after != nullptr ? after->Peek(k) : nullptr;
        return e != nullptr && after->IsExpired(e);
      });
}

void Server::OnKeyExpired(int db, std::string_view key) {
  // The key is about to be deleted: to a WATCH it is now absent; to the
  // AOF, the expiry is a DEL (a replay must not depend on the clock).
  watches_.Touch(db, key, /*exists_now=*/false);
  std::string_view del[] = {"DEL", key};
  Propagate(db, del);
  Notify(kNotifyExpired, "expired", key, db);
}

void Server::OnKeyCreated(int db, std::string_view key, storage::ObjType type) {
  Notify(kNotifyNew, "new", key, db);
  if (type == storage::ObjType::kList || type == storage::ObjType::kZSet) {
    blocking_.SignalKeyCreated(db, key);
  }
}

void Server::ServeReadyKeys() {
  serving_blocked_ = true;
  while (blocking_.has_ready_keys()) {
    for (const auto& [db, key] : blocking_.TakeReadyKeys()) ServeKey(db, key);
  }
  serving_blocked_ = false;
}

void Server::ServeKey(int db, const std::string& key) {
  const std::deque<Client*>* waiters = blocking_.Waiters(db, key);
  if (waiters == nullptr) return;
  // Serve in the order the clients blocked, while the key lasts. Serving
  // changes the queue, so work on a copy.
  std::vector<Client*> queue(waiters->begin(), waiters->end());
  for (Client* c : queue) {
    if (keyspace_.db(db).LookupRead(key, storage::Database::kNoTouch |
                                              storage::Database::kNoStats) == nullptr) {
      return;
    }
    BlockState state = c->block_state();
    std::vector<std::string_view> args(state.argv.begin(), state.argv.end());
    int saved_db = c->db_index();
    c->set_db_index(state.db);
    int64_t start_us = clock_->NowUs();
    keyspace_.SetTime(start_us / 1000);
    CommandContext ctx(*this, *c, *state.command);
    uint64_t dirty_before = stats_.dirty;
    bool served = state.serve(ctx, args, key);
    if (served) PropagateCommand(ctx, state.db, args, dirty_before);
    c->set_db_index(saved_db);
    if (!served) return;  // the key cannot serve anyone (e.g. wrong type)
    // The slow log counts the time the command ran, not the time it
    // waited.
    int64_t serve_us = std::max<int64_t>(clock_->NowUs() - start_us, 0);
    LogSlowCommand(*c, *state.command, args, {}, state.duration_us + serve_us);
    blocking_.Unblock(c);
    state.command->stats.calls++;
    stats_.total_commands_processed++;
    if (c->transport() != nullptr) c->transport()->Unblocked();
  }
}

void Server::UnblockClient(Client& client, std::string_view error) {
  if (!client.has_flag(Client::kBlocked)) return;
  if (!error.empty()) {
    client.reply().Error(error);
  } else if (client.block_state().timeout_reply == TimeoutReply::kNullBulk) {
    client.reply().NullBulk();
  } else {
    client.reply().NullArray();
  }
  const BlockState& state = client.block_state();
  std::vector<std::string_view> args(state.argv.begin(), state.argv.end());
  LogSlowCommand(client, *state.command, args, {}, state.duration_us);
  blocking_.Unblock(&client);
  if (client.transport() != nullptr) client.transport()->Unblocked();
}

void Server::HandleBlockedTimeouts() {
  pause_.CheckDeadline(clock_->NowMs());
  if (blocking_.blocked_clients() == 0) return;
  for (Client* c : blocking_.TimedOut(clock_->NowMs())) UnblockClient(*c);
}

void Server::SignalAllBlockedKeys() {
  for (Client* c : blocking_.AllBlocked()) {
    const BlockState& state = c->block_state();
    for (const std::string& key : state.keys) {
      storage::Entry* e = keyspace_.db(state.db).Peek(key);
      if (e != nullptr) OnKeyCreated(state.db, key, e->type());
    }
  }
}

void Server::CountError(Client& client, uint64_t errors_before) {
  uint64_t n = client.reply().errors_written() - errors_before;
  stats_.total_error_replies += n;
  if (n > 0) stats_.errors_by_code[std::string(client.reply().last_error_code())] += n;
}

storage::ActiveExpireResult Server::RunActiveExpire(
    const std::function<int64_t()>& monotonic_us) {
  storage::ActiveExpireConfig cfg;
  int64_t effort = config_.active_expire_effort - 1;  // 0..9, as Redis
  cfg.keys_per_loop = static_cast<int>(20 + 20 / 4 * effort);
  cfg.acceptable_stale_percent = static_cast<int>(10 - effort);
  cfg.time_budget_us = 1'000'000 * (25 + 2 * effort) / config_.hz / 100;
  return expirer_.RunCycle(keyspace_, cfg, monotonic_us);
}

void Server::Cron() {
  auto monotonic_us = [] {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  };
  keyspace_.RefreshTime();
  // A pause holds the data set still: no active expiry either.
  if (config_.active_expire_enabled && !pause_.Paused(keyspace_.now_ms())) {
    RunActiveExpire(monotonic_us);
  }
  // An eviction that ran out of time goes on between commands.
  if (evictor_.running()) evictor_.Perform();
  stats_.used_memory_peak = std::max<uint64_t>(stats_.used_memory_peak, UsedMemory());
  HandleBlockedTimeouts();
  snapshots_.Cron();
  aof_.Cron();

  // Resize and rehash: a millisecond of incremental rehashing per database
  // that needs it, so growing tables finish without stalling any command.
  for (int i = 0; i < keyspace_.num_databases(); ++i) keyspace_.db(i).Maintain(1000);

  int64_t now = clock_->NowMs();
  int64_t elapsed = now - stats_.ops_sample_time_ms;
  if (elapsed >= 100) {
    uint64_t ops = stats_.total_commands_processed - stats_.ops_sample_count;
    stats_.ops_samples[stats_.ops_sample_index] = static_cast<double>(ops) * 1000 / elapsed;
    stats_.ops_sample_index = (stats_.ops_sample_index + 1) % ServerStats::kOpsSamples;
    stats_.ops_sample_time_ms = now;
    stats_.ops_sample_count = stats_.total_commands_processed;
  }
}

std::string Server::PrepareShutdown(bool save, bool nosave, bool force) {
  snapshots_.KillChild();
  aof_.Shutdown();
  if (nosave || (!save && config_.save.empty())) return "";
  Log(LogLevel::kNotice, "Saving the final RDB snapshot before exiting.");
  std::string error = snapshots_.Save();
  if (!error.empty()) {
    Log(LogLevel::kWarning, "Error trying to save the DB, can't exit.");
    if (force) {
      Log(LogLevel::kWarning, "Exiting anyway because of the FORCE option.");
      return "";
    }
    return error;
  }
  return "";
}

void Server::ApplyCollectionLimits() {
  storage::CollectionLimits& l = keyspace_.limits();
  l.list_max_listpack_size = config_.list_max_listpack_size;
  l.hash_max_listpack_entries = config_.hash_max_listpack_entries;
  l.hash_max_listpack_value = config_.hash_max_listpack_value;
  l.set_max_intset_entries = config_.set_max_intset_entries;
  l.set_max_listpack_entries = config_.set_max_listpack_entries;
  l.set_max_listpack_value = config_.set_max_listpack_value;
  l.zset_max_listpack_entries = config_.zset_max_listpack_entries;
  l.zset_max_listpack_value = config_.zset_max_listpack_value;
}

std::string Server::ApplyConfigChange(const ConfigParam& param) {
  std::string_view name = param.name;
  if (name.find("-max-") != std::string_view::npos && param.int_field != nullptr) {
    ApplyCollectionLimits();
  }
  if (name.starts_with("maxmemory") || name.starts_with("lfu-")) {
    evictor_.ApplyConfig();
    if (name == "maxmemory") {
      uint64_t used = evictor_.CountedMemory();
      if (config_.maxmemory > 0 && static_cast<uint64_t>(config_.maxmemory) < used) {
        Log(LogLevel::kWarning,
            "WARNING: the new maxmemory value set via CONFIG SET ({}) is smaller than the current "
            "memory usage ({}). This will result in key eviction and/or the inability to accept "
            "new write commands depending on the maxmemory-policy.",
            config_.maxmemory, used);
      }
      evictor_.Perform();
    }
  } else if (name == "loglevel") {
    LogLevel level;
    ParseLogLevel(config_.loglevel, &level);
    SetLogLevel(level);
  } else if (name == "appendonly") {
    if (config_.appendonly) {
      std::string err = aof_.Enable();
      if (!err.empty()) return err;
    } else {
      aof_.Disable();
    }
  } else if (name == "dir") {
    if (chdir(config_.dir.c_str()) != 0) return std::strerror(errno);
  } else if (name == "maxclients") {
    // More clients need more file descriptors (Redis's updateMaxclients).
    int64_t possible = AdjustOpenFilesLimit(config_.maxclients);
    if (possible < config_.maxclients) {
      return fmt::format(
          "The operating system is not able to handle the specified number of clients, try with "
          "{}",
          possible);
    }
  } else if (name == "port" || name == "bind") {
    // One rebind covers both; Redis's texts, the details in the log.
    std::string err = hooks_ != nullptr ? hooks_->Rebind() : "";
    if (!err.empty()) {
      Log(LogLevel::kWarning, "Failed to listen again after CONFIG SET {}: {}", name, err);
      return name == "port" ? "Unable to listen on this port"
                            : "Failed to bind to specified addresses.";
    }
  }
  return "";
}

}  // namespace ember::server
