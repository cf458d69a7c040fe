#include "server/server.h"

#include <unistd.h>

#include <chrono>

#include "protocol/errors.h"
#include "server/log.h"

namespace ember::server {

namespace errors = protocol::errors;

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
  errors_by_code.clear();
  for (double& s : ops_samples) s = 0;
}

storage::Keyspace& CommandContext::keyspace() { return server_.keyspace(); }
storage::Database& CommandContext::db() { return server_.keyspace().db(client_.db_index()); }
int64_t CommandContext::now_ms() { return server_.keyspace().now_ms(); }
const Config& CommandContext::config() { return server_.config(); }
void CommandContext::MarkDirty(uint64_t n) { server_.stats().dirty += n; }

Server::Server(Config config, const storage::Clock* clock)
    : config_(std::move(config)),
      clock_(clock),
      keyspace_(clock, static_cast<int>(config_.databases)),
      commands_(CommandTable::Build()) {
  stats_.start_time_ms = clock_->NowMs();
  stats_.ops_sample_time_ms = stats_.start_time_ms;
}

Server::~Server() = default;

void Server::RegisterClient(Client* client) {
  clients_[client->id()] = client;
  stats_.total_connections_received++;
}

void Server::UnregisterClient(Client* client) { clients_.erase(client->id()); }

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
      // Redis checks the container's own arity (-2) first.
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
    return;
  }
  client.last_command = cmd;
  if (!client.authenticated() && !cmd->has(kCmdNoAuth)) {
    cmd->stats.rejected_calls++;
    client.reply().Error(errors::kNoAuth);
    CountError(client, errors_before);
    return;
  }
  Call(client, *cmd, args, start_us);
  if (client.reply().errors_written() != errors_before) {
    cmd->stats.failed_calls++;
    CountError(client, errors_before);
  }
}

void Server::Call(Client& client, const CommandSpec& cmd, ArgList args, int64_t start_us) {
  if (start_us < 0) start_us = clock_->NowUs();
  CommandContext ctx(*this, client, cmd);
  cmd.handler(ctx, args);
  // The server's clock is wall time: a step backwards must not make a
  // duration negative.
  int64_t elapsed_us = clock_->NowUs() - start_us;
  cmd.stats.calls++;
  cmd.stats.usec += static_cast<uint64_t>(elapsed_us > 0 ? elapsed_us : 0);
  stats_.total_commands_processed++;
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
  if (config_.active_expire_enabled) RunActiveExpire(monotonic_us);

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

std::string Server::ApplyConfigChange(const ConfigParam& param) {
  std::string_view name = param.name;
  if (name == "loglevel") {
    LogLevel level;
    ParseLogLevel(config_.loglevel, &level);
    SetLogLevel(level);
  } else if (name == "dir") {
    if (chdir(config_.dir.c_str()) != 0) return std::string("No such file or directory");
  } else if (name == "port" || name == "bind") {
    if (hooks_ != nullptr) return hooks_->Rebind();
  }
  return "";
}

}  // namespace ember::server
