#include "server/client_pause.h"

#include <algorithm>
#include <string>
#include <vector>

#include "server/server.h"

namespace ember::server {

namespace {

bool MayReplicate(const CommandSpec& cmd) {
  return cmd.has(kCmdWrite) || cmd.has(kCmdMayReplicate);
}

}  // namespace

void ClientPause::Pause(int64_t end_ms, bool all) {
  Type type = all ? kAll : kWrite;
  if (type > type_) type_ = type;
  if (end_ms > end_ms_) end_ms_ = end_ms;
  // Clients already waiting wake up at the new deadline.
  for (Client* c : postponed_) {
    if (c->transport() != nullptr) c->transport()->Blocked(end_ms_);
  }
}

void ClientPause::Unpause() {
  type_ = kNone;
  end_ms_ = 0;
  released_.insert(released_.end(), postponed_.begin(), postponed_.end());
  postponed_.clear();
}

bool ClientPause::Postpones(const Client& client, const CommandSpec& cmd, int64_t now_ms) {
  if (type_ == kNone) return false;
  if (now_ms >= end_ms_) {
    Unpause();
    return false;
  }
  if (type_ == kAll) return true;
  if (MayReplicate(cmd)) return true;
  if (cmd.full_name == "exec" && client.has_flag(Client::kMulti)) {
    for (const QueuedCommand& q : client.multi_queue()) {
      if (MayReplicate(*q.command)) return true;
    }
  }
  return false;
}

void ClientPause::Postpone(Client& client, const CommandSpec& cmd, ArgList args) {
  BlockState& state = client.block_state();
  state.db = client.db_index();
  state.keys.clear();
  state.deadline_ms = 0;  // the pause's deadline, not a blocking timeout
  state.argv.assign(args.begin(), args.end());
  state.command = &cmd;
  state.serve = nullptr;
  server_.blocking().Block(&client);
  postponed_.push_back(&client);
  if (client.transport() != nullptr) client.transport()->Blocked(end_ms_);
}

void ClientPause::CheckDeadline(int64_t now_ms) {
  if (type_ != kNone && now_ms >= end_ms_) Unpause();
  if (!released_.empty()) RunReleased();
}

void ClientPause::RunReleased() {
  if (running_) return;
  running_ = true;
  while (!released_.empty()) {
    Client* c = released_.front();
    released_.pop_front();
    std::vector<std::string> argv = std::move(c->block_state().argv);
    server_.blocking().Unblock(c);
    std::vector<std::string_view> args(argv.begin(), argv.end());
    server_.Execute(*c, args);
    // The connection sends the reply and goes on with what the client sent
    // meanwhile; unless the command parked it again (BLPOP, a new pause).
    if (!c->has_flag(Client::kBlocked) && c->transport() != nullptr) c->transport()->Unblocked();
  }
  running_ = false;
}

bool ClientPause::IsPostponed(const Client* client) const {
  return std::find(postponed_.begin(), postponed_.end(), client) != postponed_.end() ||
         std::find(released_.begin(), released_.end(), client) != released_.end();
}

void ClientPause::Forget(Client* client) {
  std::erase(postponed_, client);
  std::erase(released_, client);
}

}  // namespace ember::server
