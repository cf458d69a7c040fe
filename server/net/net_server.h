// NetServer: the event loop around Server. It listens, accepts, owns the
// connections, runs the cron timer and handles SIGINT/SIGTERM.
//
// Everything runs on one thread: the thread that calls Run(). An io_context
// with a concurrency hint of 1 tells Asio there is no other thread to
// coordinate with.
#pragma once

#include <asio.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "server/server.h"

namespace ember::server {

class Connection;

class NetServer : public ServerHooks {
 public:
  NetServer(asio::io_context& io, Server& server);
  ~NetServer() override;

  // Binds every address in config().bind on config().port. Port 0 binds an
  // ephemeral port (for tests; see port()). Returns "" or an error.
  std::string Listen();
  // The port actually bound.
  uint16_t port() const { return port_; }

  // Starts accepting, the cron and the signal handlers. Then run the
  // io_context.
  void Start(bool handle_signals);
  // Stops accepting, flushes and closes every connection, stops the loop.
  // Output a client does not read within a short grace period is dropped:
  // one stuck client must not keep the server from exiting.
  void Shutdown(int exit_code);
  int exit_code() const { return exit_code_; }

  // ServerHooks.
  void RequestShutdown(int exit_code) override;
  std::string Rebind() override;

  Server& server() { return server_; }
  asio::io_context& io() { return io_; }
  void Forget(Connection* c);

 private:
  asio::awaitable<void> AcceptLoop(asio::ip::tcp::acceptor& acceptor);
  void ScheduleCron();
  void WaitForSignal();
  // Once a second: closes idle clients (`timeout`) and those over their
  // output limits (Redis's clientsCron).
  void ClientsCron();

  asio::io_context& io_;
  Server& server_;
  std::vector<std::unique_ptr<asio::ip::tcp::acceptor>> acceptors_;
  std::unordered_set<Connection*> connections_;
  asio::steady_timer cron_;
  asio::steady_timer shutdown_grace_;
  asio::signal_set signals_;
  uint16_t port_ = 0;
  int exit_code_ = 0;
  bool stopping_ = false;
  int64_t cron_loops_ = 0;
};

}  // namespace ember::server
