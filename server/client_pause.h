// CLIENT PAUSE: holding clients' commands for a while without stopping the
// server.
//
// An operator about to fail over, or to snapshot a replica, wants the data
// set to stand still for a moment while clients stay connected. `CLIENT
// PAUSE 5000 WRITE` does that: for five seconds, every command that could
// change the data set (flag write or may-replicate, and EXEC of a
// transaction holding one) is *postponed*: its client is parked as a
// blocked client is (blocking.h), with the command kept aside, and the
// server goes on serving everyone else, reads included. `ALL` postpones
// every command, CLIENT UNPAUSE included (so an ALL pause only ends with its
// timeout). Meanwhile keys neither expire actively nor get evicted.
//
// When the pause ends (its deadline, or CLIENT UNPAUSE), the postponed
// clients run their commands, in the order they arrived, as if they had
// just been sent: every check (authentication, maxmemory...) happens again.
// Then each goes on with whatever it sent meanwhile.
//
// A second CLIENT PAUSE extends the pause, never shortens it, and a WRITE
// pause becomes ALL but not the reverse, as in Redis.
#pragma once

#include <cstdint>
#include <deque>

#include "server/command.h"

namespace ember::server {

class Client;
class Server;

class ClientPause {
 public:
  explicit ClientPause(Server& server) : server_(server) {}

  // CLIENT PAUSE: until `end_ms` (server clock), all commands or only writes.
  void Pause(int64_t end_ms, bool all);
  // CLIENT UNPAUSE, or the deadline passed: releases the postponed clients
  // (RunReleased runs them).
  void Unpause();

  // A pause is in effect at `now_ms`.
  bool Paused(int64_t now_ms) const { return type_ != kNone && now_ms < end_ms_; }
  // Whether `cmd` from `client` must wait; ends a pause whose time is up.
  bool Postpones(const Client& client, const CommandSpec& cmd, int64_t now_ms);
  // Parks `client` with `args` until the pause ends.
  void Postpone(Client& client, const CommandSpec& cmd, ArgList args);
  // Ends the pause if its deadline has passed, and runs the released
  // clients.
  void CheckDeadline(int64_t now_ms);
  // Runs the commands of released clients, in arrival order. Not
  // re-entrant: a call from inside a released command does nothing.
  void RunReleased();
  bool has_released() const { return !released_.empty(); }
  bool IsPostponed(const Client* client) const;
  // The client disconnected.
  void Forget(Client* client);

 private:
  enum Type { kNone, kWrite, kAll };

  Server& server_;
  Type type_ = kNone;
  int64_t end_ms_ = 0;
  std::deque<Client*> postponed_;
  std::deque<Client*> released_;
  bool running_ = false;
};

}  // namespace ember::server
