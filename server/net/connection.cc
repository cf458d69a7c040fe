#include "server/net/connection.h"

#include <algorithm>
#include <asio/experimental/as_tuple.hpp>
#include <cstring>

#include "server/log.h"
#include "server/net/net_server.h"

namespace ember::server {

namespace {

constexpr size_t kInitialInput = 16 * 1024;  // PROTO_IOBUF_LEN
constexpr size_t kMinRead = 4 * 1024;
// Stop reading while this much output waits for a slow reader.
constexpr size_t kOutputHighWater = 4 * 1024 * 1024;
// Give memory back after a burst: buffers above these are shrunk when idle.
constexpr size_t kIdleInputCap = 64 * 1024;
constexpr size_t kIdleOutputCap = 1024 * 1024;

constexpr auto kUseTuple = asio::experimental::as_tuple(asio::use_awaitable);

std::string Endpoint(const asio::ip::tcp::endpoint& e) {
  return e.address().to_string() + ":" + std::to_string(e.port());
}

}  // namespace

Connection::Connection(NetServer& net, asio::ip::tcp::socket socket)
    : net_(net),
      socket_(std::move(socket)),
      client_(net.server().NextClientId(), this),
      drained_(net.io()),
      block_timer_(net.io()) {
  std::error_code ec;
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  socket_.non_blocking(true, ec);
  if (net.server().config().tcp_keepalive > 0) {
    socket_.set_option(asio::socket_base::keep_alive(true), ec);
  }
  client_.addr = Endpoint(socket_.remote_endpoint(ec));
  client_.laddr = Endpoint(socket_.local_endpoint(ec));
  client_.fd = socket_.native_handle();
  client_.created_ms = net.server().clock().NowMs();
  client_.last_interaction_ms = client_.created_ms;
  client_.set_authenticated(net.server().config().requirepass.empty());
}

Connection::~Connection() = default;

void Connection::Start() {
  net_.server().RegisterClient(&client_);
  auto self = shared_from_this();
  asio::co_spawn(
      net_.io(), [self]() { return self->ReadLoop(); },
      [self](std::exception_ptr e) {
        if (e) {
          try {
            std::rethrow_exception(e);
          } catch (const std::exception& ex) {
            Log(LogLevel::kWarning, "Connection {} failed: {}", self->client_.addr, ex.what());
          }
        }
        // A graceful close waits for its last write to finish.
        if (!(self->closing_ && self->writing_)) self->Close();
      });
}

asio::awaitable<void> Connection::ReadLoop() {
  Server& server = net_.server();
  for (;;) {
    if (closed_) co_return;
    // Backpressure: let a slow reader catch up before running or reading
    // more.
    while (writing_ && PendingOutput() > kOutputHighWater && !closed_) {
      drained_.expires_at(asio::steady_timer::time_point::max());
      co_await drained_.async_wait(kUseTuple);
    }
    if (closed_) co_return;
    // Commands already buffered when the output filled up run before any
    // new read: the client may have sent all it will send.
    if (!input_paused_) {
      ReserveInput(parser_.pending_bulk_bytes());
      auto [ec, n] = co_await socket_.async_read_some(
          asio::buffer(in_.get() + in_end_, in_cap_ - in_end_), kUseTuple);
      if (ec || closed_) co_return;
      in_end_ += n;
      server.stats().total_net_input_bytes += n;
      // Any bytes count as activity for `timeout`, even half a command.
      client_.last_interaction_ms = server.keyspace().now_ms();
    }

    bool keep_open = ProcessInput();
    Flush();
    if (!keep_open) {
      closing_ = true;
      if (!writing_) Close();
      co_return;
    }
    // Redis closes a client whose unprocessed input grew past the limit,
    // without a reply: it cannot be a well-formed client. (Complete
    // commands held back by backpressure do not count.)
    if (!input_paused_ &&
        in_end_ - in_start_ > static_cast<size_t>(server.config().client_query_buffer_limit)) {
      Log(LogLevel::kWarning, "Closing client that reached max query buffer length: addr={}",
          client_.addr);
      Close();
      co_return;
    }
  }
}

bool Connection::ProcessInput() {
  Server& server = net_.server();
  limits_.max_bulk_len = server.config().proto_max_bulk_len;
  limits_.authenticated = client_.authenticated();
  input_paused_ = false;
  // A blocked client runs nothing until it is unblocked; what it sends
  // meanwhile waits in the buffer.
  while (in_start_ < in_end_ && !client_.has_flag(Client::kBlocked)) {
    // A pipeline of big reads (a thousand GETs of a 1 MB value fit in one
    // packet) must not turn into a thousand replies in memory: stop once
    // enough output waits, and resume when the client has read it.
    if (PendingOutput() > kOutputHighWater) {
      input_paused_ = true;
      break;
    }
    std::string_view input(in_.get() + in_start_, in_end_ - in_start_);
    auto result = parser_.Parse(input, limits_);
    if (result == protocol::RequestParser::Result::kError) {
      client_.reply().Error(parser_.error());
      Log(LogLevel::kVerbose, "Protocol error ({}) from client: addr={}", parser_.error(),
          client_.addr);
      in_start_ = in_end_;
      return false;
    }
    if (result == protocol::RequestParser::Result::kNeedMore) {
      in_start_ += parser_.consumed();
      break;
    }
    // CLIENT LIST shows the command being run as part of the query buffer.
    client_.query_buffer_size = in_end_ - in_start_;
    client_.query_buffer_free = in_cap_ - in_end_;
    server.Execute(client_, parser_.args());
    in_start_ += parser_.consumed();
    if (OverOutputLimit()) {
      Close();
      return false;
    }
    limits_.authenticated = client_.authenticated();
    if (client_.has_flag(Client::kCloseAfterReply) || closed_) return false;
  }
  // The buffer is not rewound here even when empty: ProcessInput also runs
  // from Resume() while the read loop has a read outstanding into
  // [in_end_, in_cap_). Only ReserveInput, right before a read, moves bytes.
  client_.query_buffer_size = in_end_ - in_start_;
  client_.query_buffer_free = in_cap_ - in_end_;
  return true;
}

void Connection::ReserveInput(size_t want) {
  if (in_cap_ == 0) {
    in_cap_ = kInitialInput;
    in_.reset(new char[in_cap_]);
  }
  if (in_start_ == in_end_) in_start_ = in_end_ = 0;
  // An idle connection whose buffer grew for one big request gives it back.
  if (in_start_ == in_end_ && in_cap_ > kIdleInputCap) {
    in_cap_ = kInitialInput;
    in_.reset(new char[in_cap_]);
    in_start_ = in_end_ = 0;
  }
  size_t need = std::max(want, kMinRead);
  if (in_cap_ - in_end_ >= need) return;
  size_t used = in_end_ - in_start_;
  if (in_start_ > 0) {
    std::memmove(in_.get(), in_.get() + in_start_, used);
    in_start_ = 0;
    in_end_ = used;
    if (in_cap_ - in_end_ >= need) return;
  }
  // Short of what a declared bulk still needs, but room for a read: read
  // first. The buffer grows only once it is full, and then doubles at
  // most, never to more than the declared length: memory follows the bytes
  // a client actually sent, not the lengths it announced (a client that
  // declares 512 MB and sends nothing costs nothing).
  if (in_cap_ - in_end_ >= kMinRead) return;
  size_t cap = std::min(used + need, in_cap_ * 2);
  std::unique_ptr<char[]> bigger(new char[cap]);
  std::memcpy(bigger.get(), in_.get(), used);
  in_ = std::move(bigger);
  in_cap_ = cap;
}

void Connection::Flush() {
  std::string& out = client_.output();
  if (out.empty() || writing_ || closed_ || kill_pending_) return;
  // A reply may confirm a write: the AOF gets it first (and, with
  // appendfsync always, fsyncs it).
  net_.server().BeforeReplies();
  // Try to write straight away: most replies fit in the socket buffer and
  // need no trip through the event loop.
  std::error_code ec;
  size_t n = socket_.write_some(asio::buffer(out), ec);
  if (ec && ec != asio::error::would_block && ec != asio::error::try_again) {
    Close();
    return;
  }
  net_.server().stats().total_net_output_bytes += n;
  if (n == out.size()) {
    out.clear();
    if (out.capacity() > kIdleOutputCap) std::string().swap(out);
    return;
  }
  // The unsent rest goes out asynchronously, from where the direct write
  // stopped: the buffers are swapped, not copied (a big GET reply is
  // written once, not moved around).
  sending_.swap(out);
  sending_offset_ = n;
  out.clear();
  StartAsyncWrite();
}

void Connection::StartAsyncWrite() {
  writing_ = true;
  auto self = shared_from_this();
  asio::async_write(
      socket_, asio::buffer(sending_.data() + sending_offset_, sending_.size() - sending_offset_),
      [self](const std::error_code& ec, size_t n) { self->OnWriteDone(ec, n); });
}

void Connection::OnWriteDone(const std::error_code& ec, size_t n) {
  writing_ = false;
  net_.server().stats().total_net_output_bytes += n;
  if (ec) {
    Close();
    return;
  }
  // A client reading a long reply is not idle.
  client_.last_interaction_ms = net_.server().keyspace().now_ms();
  sending_.clear();
  sending_offset_ = 0;
  if (sending_.capacity() > kIdleOutputCap) std::string().swap(sending_);
  if (!client_.output().empty()) {
    net_.server().BeforeReplies();
    sending_.swap(client_.output());
    StartAsyncWrite();
    return;
  }
  drained_.cancel();
  if (closing_) {
    Close();
    return;
  }
  if (resume_when_drained_) {
    resume_when_drained_ = false;
    Resume();
  }
}

void Connection::OutputPending() {
  if (closed_ || kill_pending_) return;
  if (OverOutputLimit()) {
    // The server may be walking a list this client is on (subscribers):
    // close once the command that wrote to it is over.
    kill_pending_ = true;
    auto self = shared_from_this();
    asio::post(net_.io(), [self] { self->Close(); });
    return;
  }
  if (writing_) return;
  // Another client's command produced output for us: send it after the
  // current handler returns, not from inside it.
  auto self = shared_from_this();
  asio::post(net_.io(), [self] { self->Flush(); });
}

void Connection::Blocked(int64_t deadline_ms) {
  if (deadline_ms == 0) return;
  int64_t wait = deadline_ms - net_.server().clock().NowMs();
  block_timer_.expires_after(std::chrono::milliseconds(wait > 0 ? wait : 0));
  auto self = shared_from_this();
  block_timer_.async_wait([self](const std::error_code& ec) {
    if (!ec && !self->closed_) self->net_.server().HandleBlockedTimeouts();
  });
}

void Connection::Unblocked() {
  block_timer_.cancel();
  // Unblocking happens inside another client's command (or a timer): finish
  // that first, then continue this client.
  auto self = shared_from_this();
  asio::post(net_.io(), [self] { self->Resume(); });
}

void Connection::Resume() {
  if (closed_) return;
  bool keep_open = ProcessInput();
  Flush();
  if (!keep_open) {
    closing_ = true;
    if (!writing_) Close();
    return;
  }
  // Backpressure stopped it with commands left, and the read loop is
  // waiting for bytes the client may never send: carry on from here once
  // the output has drained.
  if (input_paused_) {
    if (writing_) {
      resume_when_drained_ = true;
    } else {
      auto self = shared_from_this();
      asio::post(net_.io(), [self] { self->Resume(); });
    }
  }
}

void Connection::Kill() { Close(); }

bool Connection::OverOutputLimit() {
  Server& server = net_.server();
  const OutputBufferLimit& limit =
      server.config().client_output_buffer_limit[static_cast<size_t>(ClassOf(client_))];
  if (limit.hard_bytes == 0 && limit.soft_bytes == 0) return false;
  size_t pending = PendingOutput();
  if (!output_limit_.Reached(limit, pending, server.keyspace().now_ms())) return false;
  Log(LogLevel::kWarning,
      "Client id={} addr={} laddr={} name={} omem={} closed for overcoming of output buffer "
      "limits.",
      client_.id(), client_.addr, client_.laddr, client_.name(), pending);
  return true;
}

void Connection::CloseGracefully() {
  closing_ = true;
  Flush();
  if (!writing_) Close();
}

void Connection::Close() {
  if (closed_) return;
  closed_ = true;
  block_timer_.cancel();
  std::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  drained_.cancel();
  net_.server().UnregisterClient(&client_);
  net_.Forget(this);
}

}  // namespace ember::server
