#include "server/net/net_server.h"

#include <asio/experimental/as_tuple.hpp>
#include <chrono>
#include <csignal>

#include "protocol/errors.h"
#include "server/client_limits.h"
#include "server/log.h"
#include "server/net/connection.h"

namespace ember::server {

namespace {

// Protected mode: the client is told why, and disconnected. What it may
// have sent already is read first, so that closing sends a FIN the client
// can read the message before, not a reset that can discard it.
void RefuseProtected(asio::ip::tcp::socket& socket) {
  static const std::string kMessage =
      "-" + std::string(protocol::errors::kProtectedModeDenied) + "\r\n";
  std::error_code ec;
  socket.non_blocking(true, ec);
  socket.write_some(asio::buffer(kMessage), ec);
  char drain[4096];
  socket.read_some(asio::buffer(drain), ec);
  socket.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
}

constexpr auto kUseTuple = asio::experimental::as_tuple(asio::use_awaitable);

// How long a shutdown waits for clients to read their last replies.
constexpr auto kShutdownGrace = std::chrono::seconds(1);

// Redis's bind syntax: "*" any IPv4, "::*" any IPv6, a leading "-" marks an
// address that may be unavailable (skipped instead of failing).
bool ParseBindAddress(std::string text, asio::ip::address* out, bool* optional) {
  *optional = !text.empty() && text[0] == '-';
  if (*optional) text.erase(0, 1);
  if (text == "*") text = "0.0.0.0";
  if (text == "::*") text = "::";
  std::error_code ec;
  *out = asio::ip::make_address(text, ec);
  return !ec;
}

}  // namespace

NetServer::NetServer(asio::io_context& io, Server& server)
    : io_(io), server_(server), cron_(io), shutdown_grace_(io), signals_(io) {
  server_.set_hooks(this);
}

NetServer::~NetServer() { server_.set_hooks(nullptr); }

std::string NetServer::Listen() {
  std::vector<std::unique_ptr<asio::ip::tcp::acceptor>> acceptors;
  uint16_t port = static_cast<uint16_t>(server_.config().port);
  for (const std::string& text : server_.config().bind) {
    asio::ip::address address;
    bool optional;
    if (!ParseBindAddress(text, &address, &optional)) return "Invalid bind address '" + text + "'";
    auto acceptor = std::make_unique<asio::ip::tcp::acceptor>(io_);
    std::error_code ec;
    asio::ip::tcp::endpoint endpoint(address, port);
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec && address.is_v6()) acceptor->set_option(asio::ip::v6_only(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    if (!ec) acceptor->listen(static_cast<int>(server_.config().tcp_backlog), ec);
    if (ec) {
      if (optional) continue;
      return "Could not create server TCP listening socket " + text + ":" + std::to_string(port) +
             ": " + ec.message();
    }
    // With port 0 every address shares the first ephemeral port chosen.
    if (port == 0) port = acceptor->local_endpoint().port();
    acceptors.push_back(std::move(acceptor));
  }
  if (acceptors.empty()) return "Failed listening on port " + std::to_string(port) + " (tcp)";
  for (auto& a : acceptors_) {
    std::error_code ec;
    a->close(ec);
  }
  acceptors_ = std::move(acceptors);
  port_ = port;
  return "";
}

void NetServer::Start(bool handle_signals) {
  for (auto& acceptor : acceptors_) {
    asio::co_spawn(io_, AcceptLoop(*acceptor), asio::detached);
  }
  ScheduleCron();
  if (handle_signals) {
    signals_.add(SIGINT);
    signals_.add(SIGTERM);
    WaitForSignal();
  }
}

void NetServer::WaitForSignal() {
  signals_.async_wait([this](const std::error_code& ec, int signal) {
    if (ec) return;
    Log(LogLevel::kWarning, "Received {} scheduling shutdown...",
        signal == SIGINT ? "SIGINT" : "SIGTERM");
    // As SHUTDOWN without options: save first if save points are set. If
    // that fails the server stays up, so that no data is silently lost.
    if (!server_.PrepareShutdown(false, false, false).empty()) {
      Log(LogLevel::kWarning,
          "{} received but errors trying to shut down the server, check the logs for more "
          "information",
          signal == SIGINT ? "SIGINT" : "SIGTERM");
      WaitForSignal();
      return;
    }
    Shutdown(0);
  });
}

asio::awaitable<void> NetServer::AcceptLoop(asio::ip::tcp::acceptor& acceptor) {
  while (!stopping_) {
    auto [ec, socket] = co_await acceptor.async_accept(kUseTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || stopping_) co_return;
      // Out of file descriptors and the like: log, breathe, go on.
      Log(LogLevel::kWarning, "Accepting client connection: {}", ec.message());
      asio::steady_timer pause(io_, std::chrono::milliseconds(10));
      co_await pause.async_wait(kUseTuple);
      continue;
    }
    if (static_cast<int64_t>(connections_.size()) >= server_.config().maxclients) {
      static const std::string kMsg = "-" + std::string(protocol::errors::kMaxClients) + "\r\n";
      std::error_code wec;
      socket.non_blocking(true, wec);
      socket.write_some(asio::buffer(kMsg), wec);
      server_.stats().rejected_connections++;
      continue;
    }
    std::error_code pec;
    asio::ip::tcp::endpoint peer = socket.remote_endpoint(pec);
    if (!pec && ProtectedModeDenies(server_.config(), peer.address().to_string())) {
      RefuseProtected(socket);
      server_.stats().rejected_connections++;
      continue;
    }
    auto connection = std::make_shared<Connection>(*this, std::move(socket));
    connections_.insert(connection.get());
    connection->Start();
  }
}

void NetServer::ScheduleCron() {
  cron_.expires_after(std::chrono::milliseconds(1000 / server_.config().hz));
  cron_.async_wait([this](const std::error_code& ec) {
    if (ec || stopping_) return;
    server_.Cron();
    // Once a second, as Redis's clientsCron does for timeouts.
    if (++cron_loops_ % server_.config().hz == 0) ClientsCron();
    ScheduleCron();
  });
}

void NetServer::ClientsCron() {
  int64_t timeout = server_.config().timeout;
  int64_t now = server_.clock().NowMs();
  std::vector<Connection*> doomed;
  for (Connection* c : connections_) {
    const Client& client = c->client();
    // Waiting is what blocked and subscribed clients are for: no timeout.
    if (timeout > 0 && !client.has_flag(Client::kBlocked) && !client.has_flag(Client::kPubSub) &&
        (now - client.last_interaction_ms) / 1000 > timeout) {
      Log(LogLevel::kVerbose, "Closing idle client");
      doomed.push_back(c);
    } else if (c->OverOutputLimit()) {
      doomed.push_back(c);
    }
  }
  for (Connection* c : doomed) c->Kill();
}

void NetServer::Forget(Connection* c) {
  connections_.erase(c);
  if (stopping_ && connections_.empty()) shutdown_grace_.cancel();
}

void NetServer::Shutdown(int exit_code) {
  if (stopping_) return;
  stopping_ = true;
  exit_code_ = exit_code;
  Log(LogLevel::kWarning, "User requested shutdown...");
  for (auto& a : acceptors_) {
    std::error_code ec;
    a->close(ec);
  }
  cron_.cancel();
  signals_.cancel();
  std::vector<Connection*> open(connections_.begin(), connections_.end());
  for (Connection* c : open) c->CloseGracefully();
  Log(LogLevel::kWarning, "Ember is now ready to exit, bye bye...");
  // Pending writes finish, then the loop runs out of work and returns; a
  // client that is not reading is cut off when the grace period ends.
  if (connections_.empty()) return;
  shutdown_grace_.expires_after(kShutdownGrace);
  shutdown_grace_.async_wait([this](const std::error_code& ec) {
    if (ec) return;
    std::vector<Connection*> stuck(connections_.begin(), connections_.end());
    for (Connection* c : stuck) c->Kill();
  });
}

void NetServer::RequestShutdown(int exit_code) {
  asio::post(io_, [this, exit_code] { Shutdown(exit_code); });
}

std::string NetServer::Rebind() {
  std::string err = Listen();
  if (!err.empty()) return err;
  for (auto& acceptor : acceptors_) asio::co_spawn(io_, AcceptLoop(*acceptor), asio::detached);
  return "";
}

}  // namespace ember::server
