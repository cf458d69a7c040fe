// Connection: one synchronous conversation with a Redis-compatible server,
// plus the things built on it (Pipeline, Transaction, WatchRetry).
// See client/client.h for the tour.
#pragma once

#include <chrono>
#include <concepts>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/result.h"
#include "protocol/resp_value.h"

namespace ember::client {

using protocol::Value;
using Millis = std::chrono::milliseconds;

struct Options {
  std::string host = "127.0.0.1";
  int port = 6379;
  // AUTH after every (re)connect when set; username only for ACL users.
  std::string username;
  std::string password;
  // SELECTed after every (re)connect; a successful SELECT through Command()
  // replaces it, so a reconnect returns to the database the caller chose.
  int db = 0;
  // CLIENT SETNAME after every (re)connect when set.
  std::string client_name;

  Millis connect_timeout{2000};
  // How long a reply may take. Zero waits forever. On expiry the connection is
  // dropped: the late reply would otherwise be read as the next command's.
  Millis read_timeout{5000};
  Millis write_timeout{5000};

  // Reconnection: when a command finds the connection down, it reconnects
  // first, trying up to 1 + reconnect_attempts times with exponential backoff
  // (backoff_initial, doubled each time, capped at backoff_max, with jitter).
  int reconnect_attempts = 4;
  Millis backoff_initial{20};
  Millis backoff_max{1000};
};

// One argument of a command: text (binary-safe), or a number in decimal.
class Arg {
 public:
  Arg(std::string_view s) : s_(s) {}    // NOLINT: implicit on purpose
  Arg(const char* s) : s_(s) {}         // NOLINT
  Arg(const std::string& s) : s_(s) {}  // NOLINT
  template <std::integral I>
  requires(!std::same_as<I, bool> && !std::same_as<I, char>) Arg(I i)
      : s_(std::to_string(i)) {}  // NOLINT
  Arg(double d);                  // NOLINT: shortest round-trip form

  const std::string& str() const { return s_; }

 private:
  std::string s_;
};

using Args = std::vector<std::string>;
Args MakeArgs(std::initializer_list<Arg> args);

class Connection {
 public:
  explicit Connection(Options options);
  ~Connection();
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Connects now (commands also connect on first use). Fails with kServer if
  // AUTH or SELECT is refused: retrying a wrong password cannot help.
  Status Connect();
  void Close();
  bool connected() const { return fd_ >= 0; }
  const Options& options() const { return options_; }
  // Inside WATCH or MULTI (or lost there): not reusable by someone else as is.
  bool in_transaction() const { return watching_ || in_multi_ || txn_lost_; }
  // How many times a dropped connection was re-established.
  uint64_t reconnects() const { return reconnects_; }

  // Sends one command and reads its reply. An error reply is returned as an
  // Error of kind kServer; nil is a Value whose IsNull() is true.
  //   conn.Command({"SET", key, value, "PX", 1500});
  // SUBSCRIBE and friends are refused (kUsage): use Subscriber.
  Result<Value> Command(std::initializer_list<Arg> args) { return Command(MakeArgs(args)); }
  Result<Value> Command(const Args& args);

  // A command that blocks on the server (BLPOP, BLMOVE, BZPOPMIN, WAIT ...).
  // `block` is the timeout written in the command itself; the client waits
  // that long plus options().read_timeout. Zero means it may block forever.
  //   conn.BlockingCommand({"BLPOP", "jobs", "1.5"}, Millis(1500));
  Result<Value> BlockingCommand(std::initializer_list<Arg> args, Millis block) {
    return BlockingCommand(MakeArgs(args), block);
  }
  Result<Value> BlockingCommand(const Args& args, Millis block);

 private:
  friend class Pipeline;
  friend class Transaction;
  friend class Subscriber;

  // Reconnects (with backoff) if the socket is gone or the server closed it.
  Status EnsureConnected();
  Status OpenOnce();
  Status Handshake();
  Status WriteAll(std::string_view bytes);
  // Reads one reply; a timeout <= 0 waits forever. Drops the connection on
  // any failure.
  Result<Value> ReadValue(Millis timeout);
  // Sends pre-encoded commands and reads `count` raw replies (error replies
  // are Values of type kError here).
  Result<std::vector<Value>> RoundTrip(std::string_view encoded, size_t count, Millis timeout);
  bool PeerClosed();
  // True when a reply is buffered or bytes arrive within `timeout` (zero:
  // forever); false on timeout, which leaves the connection as it is.
  bool WaitReadable(Millis timeout);
  Result<Value> Run(const Args& args, Millis timeout);
  void Drop();
  void Track(const Args& args, const Value& reply);

  Options options_;
  int fd_ = -1;
  std::string rbuf_;
  size_t rpos_ = 0;
  uint64_t reconnects_ = 0;
  bool ever_connected_ = false;
  // Server-side transaction state, which a reconnect silently loses.
  bool watching_ = false;
  bool in_multi_ = false;
  // Set when the connection dropped while WATCHing or inside MULTI: running
  // the rest of the transaction on a fresh connection would drop its
  // guarantees, so commands fail until the caller ends it (EXEC, DISCARD,
  // UNWATCH or RESET).
  bool txn_lost_ = false;
};

// Appends one command, as a RESP array of bulk strings, to `out`.
void EncodeCommand(const Args& args, std::string* out);

// Many commands, one write, one wait: replies come back in order.
//   Pipeline p(&conn);
//   p.Add({"INCR", "a"}).Add({"GET", "b"});
//   auto replies = p.Execute();  // Result<std::vector<Result<Value>>>
// The outer Result fails if the connection did; each inner Result is one
// command's reply, so one WRONGTYPE does not hide the others.
class Pipeline {
 public:
  explicit Pipeline(Connection* conn) : conn_(conn) {}
  Pipeline& Add(std::initializer_list<Arg> args) { return Add(MakeArgs(args)); }
  Pipeline& Add(const Args& args);
  size_t size() const { return count_; }
  // Sends the queued commands and clears the queue.
  Result<std::vector<Result<Value>>> Execute();

 private:
  Connection* conn_;
  std::string encoded_;
  std::vector<Args> commands_;
  size_t count_ = 0;
};

struct ExecReply {
  // True when EXEC returned nil: a WATCHed key changed and nothing ran.
  bool aborted = false;
  std::vector<Result<Value>> replies;
};

// MULTI, the queued commands and EXEC, sent in one round trip. A command
// that fails to queue (a syntax error) makes EXEC fail with EXECABORT.
class Transaction {
 public:
  explicit Transaction(Connection* conn) : conn_(conn) {}
  Transaction& Add(std::initializer_list<Arg> args) { return Add(MakeArgs(args)); }
  Transaction& Add(const Args& args);
  size_t size() const { return commands_.size(); }
  bool empty() const { return commands_.empty(); }
  Result<ExecReply> Exec();

 private:
  Connection* conn_;
  std::vector<Args> commands_;
};

// Optimistic transaction with retries (check-and-set):
//   WATCH keys; body(conn, tx) reads through conn and queues writes in tx;
//   EXEC; if a watched key changed meanwhile, start again.
// The body may leave `tx` empty to decide nothing needs writing (then it
// UNWATCHes and returns an empty, non-aborted ExecReply), or return an error
// to stop (also UNWATCHed). After `max_attempts` aborted EXECs it fails with
// kAborted. Connection failures are returned, not retried: whether an EXEC
// that was sent ran is unknown.
using WatchBody = std::function<Status(Connection& conn, Transaction& tx)>;
Result<ExecReply> WatchRetry(Connection& conn, const std::vector<std::string>& keys,
                             const WatchBody& body, int max_attempts = 16);

// Typed views of a reply. Each passes an Error through and fails with
// kProtocol when the reply has another type than the one asked for.
// Bulk or simple string; nullopt for nil.
Result<std::optional<std::string>> AsOptionalString(Result<Value> reply);
Result<int64_t> AsInteger(Result<Value> reply);
// Ok for any non-error reply.
Status AsStatus(const Result<Value>& reply);
// Array of bulk strings (nil elements become "").
Result<std::vector<std::string>> AsStrings(Result<Value> reply);

}  // namespace ember::client
