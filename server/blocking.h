// Blocked clients: how BLPOP waits without blocking the server.
//
// Redis runs one command at a time on one thread, so a command can never
// wait. BLPOP on an empty list therefore does not wait inside the command:
// it parks the *client*. The client's state records which keys it waits
// for, until when, and how to finish its command; the command returns, and
// the server goes on serving everyone else. The parked client's connection
// keeps reading (so a disconnect is noticed) but runs nothing more until it
// is unblocked.
//
// A parked client is woken by one of:
//  - a key it waits for is created: a list can only go from empty to
//    non-empty by being created (an emptied list is deleted), so creation is
//    the one event to watch. Writes signal it (LPUSH, LMOVE into the key,
//    RENAME onto it, the end of a MULTI/EXEC...). After every command the
//    server serves the keys that became ready: clients blocked on a key are
//    served in the order they blocked (FIFO), each popping from that key,
//    until it is empty again. What they pop may create other keys (BLMOVE),
//    which are served in turn.
//  - its timeout: the client gets a null reply.
//  - CLIENT UNBLOCK from another client (a null reply or an UNBLOCKED error).
//  - its disconnection: it is forgotten.
//
// Inside MULTI a blocking command cannot park (EXEC must finish), so it
// behaves like its non-blocking form.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/command.h"

namespace ember::server {

class Client;
class CommandContext;

// Finishes a blocked command once `key` (one of those it waits for) exists.
// Returns false, writing nothing, if the key cannot serve it after all (for
// instance it was created with another type); the client then keeps
// waiting.
using ServeFn = bool (*)(CommandContext& ctx, ArgList args, std::string_view key);

enum class TimeoutReply { kNullArray, kNullBulk };

struct BlockState {
  int db = 0;
  std::vector<std::string> keys;
  int64_t deadline_ms = 0;        // 0: forever
  std::vector<std::string> argv;  // the blocked command, as sent
  const CommandSpec* command = nullptr;
  ServeFn serve = nullptr;
  TimeoutReply timeout_reply = TimeoutReply::kNullArray;
  int64_t duration_us = 0;  // the time the command ran before it blocked
};

class BlockingRegistry {
 public:
  // Parks `client` (whose block_state() is filled in).
  void Block(Client* client);
  // Removes `client` from every queue it is in (served, timed out, gone).
  void Unblock(Client* client);

  // The clients blocked on a key, in the order they blocked.
  const std::deque<Client*>* Waiters(int db, std::string_view key) const;

  // A key was created: remember it if anyone waits for it.
  void SignalKeyCreated(int db, std::string_view key);
  // Takes the keys signalled since the last call.
  std::vector<std::pair<int, std::string>> TakeReadyKeys();
  bool has_ready_keys() const { return !ready_.empty(); }

  size_t blocked_clients() const { return blocked_; }
  // Clients whose deadline is at or before `now_ms`.
  std::vector<Client*> TimedOut(int64_t now_ms) const;
  // Every blocked client (SWAPDB re-checks them all).
  std::vector<Client*> AllBlocked() const;

 private:
  struct Key {
    int db;
    std::string key;
    bool operator==(const Key& o) const { return db == o.db && key == o.key; }
  };
  struct KeyHash {
    size_t operator()(const Key& k) const {
      return std::hash<std::string>{}(k.key) ^ static_cast<size_t>(k.db);
    }
  };

  std::unordered_map<Key, std::deque<Client*>, KeyHash> waiting_;
  std::vector<std::pair<int, std::string>> ready_;
  std::vector<Client*> clients_;  // every blocked client
  size_t blocked_ = 0;
};

}  // namespace ember::server
