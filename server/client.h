// Client: the server's state for one connection, independent of sockets.
//
// The network layer owns the socket and feeds bytes in; everything a command
// can see or change about "who is asking" lives here: the selected database,
// the protocol version (RESP2 or RESP3), the name, authentication, and the
// output buffer replies are written into. Tests create Clients with no
// socket at all and drive them through the same dispatcher.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/reply_writer.h"
#include "server/blocking.h"

namespace ember::server {

struct CommandSpec;
struct ClientSubscriptions;

// What the server needs from whatever carries a client's bytes.
class ClientTransport {
 public:
  virtual ~ClientTransport() = default;
  // Close the connection as soon as possible, dropping unsent output
  // (CLIENT KILL).
  virtual void Kill() = 0;
  // Output was added outside of the client's own command (a blocked client
  // served by another client's push, a pub/sub message): send it soon.
  // Called while the server walks its subscribers and monitors, so it must
  // not close the connection or free the client synchronously (a client
  // over its output limit is closed asynchronously, as Redis's
  // freeClientAsync does).
  virtual void OutputPending() = 0;
  // The client was parked (BLPOP...): stop running its commands; wake it at
  // `deadline_ms` (0: never) unless it is unblocked before.
  virtual void Blocked(int64_t deadline_ms) = 0;
  // The client was unblocked (served, timed out, CLIENT UNBLOCK): send its
  // reply and go on with the commands it sent meanwhile.
  virtual void Unblocked() = 0;
  // Output handed to the socket but not yet sent (CLIENT LIST's omem counts
  // it with the client's output buffer).
  virtual size_t OutputInFlight() const { return 0; }
};

// A command queued between MULTI and EXEC.
struct QueuedCommand {
  const CommandSpec* command;
  std::vector<std::string> argv;
};

class Client {
 public:
  enum Flag : uint32_t {
    kCloseAfterReply = 1 << 0,  // QUIT, protocol errors
    kMulti = 1 << 1,
    kDirtyExec = 1 << 2,        // a command failed to queue: EXEC aborts
    kDirtyCas = 1 << 3,         // a WATCHed key changed: EXEC returns nil
    kBlocked = 1 << 4,
    kKilled = 1 << 5,
    kPubSub = 1 << 6,   // has a pub/sub subscription (RESP2: subscribed mode)
    kNoEvict = 1 << 7,          // CLIENT NO-EVICT ON (stored only)
    kMonitor = 1 << 8,          // receives every command run (MONITOR)
  };

  Client(uint64_t id, ClientTransport* transport);
  ~Client();

  uint64_t id() const { return id_; }
  ClientTransport* transport() const { return transport_; }

  protocol::ReplyWriter& reply() { return writer_; }
  std::string& output() { return output_; }
  const std::string& output() const { return output_; }

  int db_index() const { return db_index_; }
  void set_db_index(int i) { db_index_ = i; }

  int resp() const { return writer_.resp(); }
  void set_resp(int v) { writer_.set_resp(v); }

  bool authenticated() const { return authenticated_; }
  void set_authenticated(bool v) { authenticated_ = v; }

  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }
  const std::string& lib_name() const { return lib_name_; }
  void set_lib_name(std::string v) { lib_name_ = std::move(v); }
  const std::string& lib_ver() const { return lib_ver_; }
  void set_lib_ver(std::string v) { lib_ver_ = std::move(v); }

  bool has_flag(Flag f) const { return (flags_ & f) != 0; }
  void set_flag(Flag f) { flags_ |= f; }
  void clear_flag(Flag f) { flags_ &= ~f; }

  // MULTI: the commands queued for EXEC.
  std::vector<QueuedCommand>& multi_queue() { return multi_queue_; }
  const std::vector<QueuedCommand>& multi_queue() const { return multi_queue_; }
  // Pub/Sub subscriptions (pubsub.h); null until the first one.
  ClientSubscriptions* subscriptions() const { return subscriptions_.get(); }
  ClientSubscriptions& EnsureSubscriptions();
  // BLPOP and friends: why and until when the client is parked.
  BlockState& block_state() { return block_state_; }
  const BlockState& block_state() const { return block_state_; }

  // Connection facts for CLIENT LIST / INFO.
  std::string addr;   // "127.0.0.1:51234"
  std::string laddr;  // "127.0.0.1:6379"
  int fd = -1;
  int64_t created_ms = 0;
  int64_t last_interaction_ms = 0;
  const CommandSpec* last_command = nullptr;
  size_t query_buffer_size = 0;  // bytes read, not yet parsed (qbuf)
  size_t query_buffer_free = 0;  // qbuf-free

 private:
  uint64_t id_;
  ClientTransport* transport_;
  std::string output_;
  protocol::ReplyWriter writer_;
  int db_index_ = 0;
  bool authenticated_ = true;
  uint32_t flags_ = 0;
  std::string name_;
  std::string lib_name_;
  std::string lib_ver_;
  std::vector<QueuedCommand> multi_queue_;
  BlockState block_state_;
  std::unique_ptr<ClientSubscriptions> subscriptions_;
};

}  // namespace ember::server
