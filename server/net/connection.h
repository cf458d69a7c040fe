// Connection: one client's socket, and the loop that turns its bytes into
// commands and the replies back into bytes.
//
// The life of a request, as in Redis's networking.c:
//
//   1. read: wait until the socket is readable, then read whatever is there
//      (up to the free space of the query buffer) in one system call.
//   2. parse and run: every *complete* command in the buffer is parsed and
//      executed right away, in order. A client that pipelines 100 commands
//      in one packet gets them all run in this one wake-up; a command cut in
//      half by TCP waits in the buffer for its other half.
//   3. write: the replies of all those commands were appended to one output
//      buffer; it is written with one system call, directly, before the
//      event loop is asked to wait again. Only if the kernel's send buffer is
//      full does the rest go out asynchronously when the socket becomes
//      writable (Redis's "write before sleep, install a write handler only if
//      needed").
//
// So a request costs three system calls (wait, read, write) no matter how
// many commands it carries, and nothing is allocated per command.
//
// Backpressure: once the unsent output passes a limit, the connection stops
// running the commands it has buffered and stops reading new ones, until
// the client has read its replies. A client that pipelines without reading
// cannot make the server buffer without bound.
//
// The read loop is a C++20 coroutine (Asio's awaitable); commands themselves
// never suspend, so each one still runs atomically on the single thread.
#pragma once

#include <asio.hpp>
#include <cstddef>
#include <memory>
#include <string>

#include "protocol/request_parser.h"
#include "server/client.h"
#include "server/client_limits.h"

namespace ember::server {

class NetServer;

class Connection : public std::enable_shared_from_this<Connection>, public ClientTransport {
 public:
  Connection(NetServer& net, asio::ip::tcp::socket socket);
  ~Connection() override;

  // Registers the client and starts the read loop.
  void Start();
  // Closes at once, dropping unsent output (CLIENT KILL, shutdown).
  void Kill() override;
  void OutputPending() override;
  void Blocked(int64_t deadline_ms) override;
  void Unblocked() override;
  size_t OutputInFlight() const override { return sending_.size() - sending_offset_; }
  // True (and logged) if the client's unsent output is over its class's
  // client-output-buffer-limit: the caller closes it. The server's cron asks
  // every second, so that a soft limit's grace period ends even when no new
  // output comes.
  bool OverOutputLimit();
  // Sends what is buffered, then closes (server shutdown).
  void CloseGracefully();

  Client& client() { return client_; }

 private:
  asio::awaitable<void> ReadLoop();
  // Parses and runs every complete command in the query buffer. Returns
  // false if the connection must close after the pending output is sent.
  bool ProcessInput();
  // After a blocked command was unblocked: send its reply and run the
  // commands that arrived meanwhile.
  void Resume();
  // Makes room to read at least `want` more bytes.
  void ReserveInput(size_t want);
  // Writes pending output now if possible; the rest asynchronously.
  void Flush();
  void StartAsyncWrite();
  void OnWriteDone(const std::error_code& ec, size_t n);
  void Close();
  size_t PendingOutput() const {
    return sending_.size() - sending_offset_ + client_.output().size();
  }

  NetServer& net_;
  asio::ip::tcp::socket socket_;
  Client client_;
  protocol::RequestParser parser_;
  protocol::RequestLimits limits_;

  // Query buffer: [start_, end_) holds unprocessed bytes.
  std::unique_ptr<char[]> in_;
  size_t in_cap_ = 0;
  size_t in_start_ = 0;
  size_t in_end_ = 0;

  // Output being written asynchronously, from sending_offset_ on; new
  // replies accumulate in client_.output() meanwhile.
  std::string sending_;
  size_t sending_offset_ = 0;
  // ProcessInput stopped with complete commands left in the query buffer
  // because enough output was waiting (backpressure).
  bool input_paused_ = false;
  // Resume() paused that way while the read loop waits for input: the end
  // of the current write continues it.
  bool resume_when_drained_ = false;
  bool writing_ = false;
  bool closing_ = false;  // close once output is flushed
  bool closed_ = false;
  // Over its output limit while another client's command wrote to it:
  // closed right after that command, its output never sent.
  bool kill_pending_ = false;
  OutputLimitTracker output_limit_;
  // Wakes the read loop when it waits for output to drain.
  asio::steady_timer drained_;
  // Fires at a blocked command's deadline.
  asio::steady_timer block_timer_;
};

}  // namespace ember::server
