// Helpers for tests that talk over real sockets: an Ember server running on
// a background thread, a blocking raw-bytes client, and external server
// processes (redis-server, the ember-server binary) on free ports.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <sys/types.h>

#include "protocol/resp_value.h"
#include "server/config.h"

namespace ember::testing {

// A port nothing listens on right now (bind to port 0, read it, close).
int FreePort();

// Ember, in process, on an ephemeral port of config.bind (127.0.0.1 unless
// the test sets it), served by its own thread. The real network layer, the
// real dispatcher, the system clock.
class EmberThread {
 public:
  explicit EmberThread(server::Config config = {});
  ~EmberThread();
  int port() const { return port_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
  int port_ = 0;
};

// A blocking TCP client that sends raw bytes and reads raw replies.
class RawClient {
 public:
  explicit RawClient(int port);
  // To `host` (an IPv4 or IPv6 address), from the local address `source`
  // if not empty: connecting from 127.0.0.2 to 127.0.0.1 makes a loopback
  // connection that is not "local" to Redis's protected mode.
  RawClient(int port, const std::string& host, const std::string& source = "");
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  void Send(std::string_view bytes);
  // Sends a command as a RESP array of bulk strings.
  void SendCommand(const std::vector<std::string>& args);
  // The next complete reply, parsed; an error Value "TIMEOUT" or "CLOSED"
  // if none arrives in time.
  protocol::Value ReadReply(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // The raw bytes of the next complete reply ("" on timeout/close).
  std::string ReadReplyBytes(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Sends a command and reads its reply.
  protocol::Value Call(const std::vector<std::string>& args);
  // True if the server closed the connection (reads EOF) within the timeout.
  bool WaitClosed(std::chrono::milliseconds timeout = std::chrono::seconds(5));

 private:
  bool Fill(std::chrono::steady_clock::time_point deadline);
  int fd_ = -1;
  std::string buffer_;
  bool eof_ = false;
};

// An external server process on a free port, stopped (SIGTERM, then
// SIGKILL) on destruction.
class ServerProcess {
 public:
  // `binary` is a path or a name found on PATH; `args` follow it; the port is
  // chosen here and passed as --port.
  ServerProcess(std::string binary, std::vector<std::string> args);
  ~ServerProcess();
  bool started() const { return started_; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  // Sends SIGTERM and waits; returns the exit status (or -1).
  int Stop();

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  bool started_ = false;
};

// Path of the ember-server binary under test (set by CMake).
std::string EmberServerPath();
// True if `name` is an executable on PATH.
bool HaveProgram(const std::string& name);

// Runs a shell command; returns its exit status and fills `output` with
// stdout+stderr.
int RunShell(const std::string& command, std::string* output);

}  // namespace ember::testing
