#include "client/connection.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <strings.h>
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <random>
#include <thread>
#include <utility>

#include "protocol/reply_parser.h"
#include "protocol/reply_writer.h"

namespace ember::client {

std::string_view ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kServer:
      return "server";
    case ErrorKind::kIo:
      return "io";
    case ErrorKind::kTimeout:
      return "timeout";
    case ErrorKind::kProtocol:
      return "protocol";
    case ErrorKind::kAborted:
      return "aborted";
    case ErrorKind::kPool:
      return "pool";
    case ErrorKind::kUsage:
      return "usage";
  }
  return "unknown";
}

std::string_view Error::code() const {
  if (kind_ != ErrorKind::kServer) return {};
  std::string_view m = message_;
  return m.substr(0, m.find(' '));
}

std::string Error::ToString() const {
  std::string out(ErrorKindName(kind_));
  out += ": ";
  out += message_;
  return out;
}

Arg::Arg(double d) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d);
  s_.assign(buf, ec == std::errc() ? end : buf);
}

Args MakeArgs(std::initializer_list<Arg> args) {
  Args out;
  out.reserve(args.size());
  for (const Arg& a : args) out.push_back(a.str());
  return out;
}

void EncodeCommand(const Args& args, std::string* out) {
  protocol::ReplyWriter w(out);
  w.ArrayHeader(static_cast<int64_t>(args.size()));
  for (const std::string& a : args) w.Bulk(a);
}

namespace {

using Clock = std::chrono::steady_clock;

bool NameIs(const std::string& arg, const char* name) { return strcasecmp(arg.c_str(), name) == 0; }

std::string Errno(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// Milliseconds left until `deadline` for poll(); -1 (forever) without one.
int PollTimeout(std::optional<Clock::time_point> deadline) {
  if (!deadline) return -1;
  auto left = std::chrono::duration_cast<Millis>(*deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(std::min<int64_t>(left, 1 << 30));
}

std::optional<Clock::time_point> DeadlineAfter(Millis timeout) {
  if (timeout.count() <= 0) return std::nullopt;
  return Clock::now() + timeout;
}

Result<Value> ToResult(Value v) {
  if (v.IsError()) return Error(ErrorKind::kServer, v.str());
  return v;
}

}  // namespace

Connection::Connection(Options options) : options_(std::move(options)) {}

Connection::~Connection() { Close(); }

Connection::Connection(Connection&& other) noexcept { *this = std::move(other); }

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this == &other) return *this;
  Close();
  options_ = std::move(other.options_);
  fd_ = std::exchange(other.fd_, -1);
  rbuf_ = std::move(other.rbuf_);
  rpos_ = std::exchange(other.rpos_, 0);
  reconnects_ = other.reconnects_;
  ever_connected_ = other.ever_connected_;
  watching_ = other.watching_;
  in_multi_ = other.in_multi_;
  txn_lost_ = other.txn_lost_;
  return *this;
}

void Connection::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  rbuf_.clear();
  rpos_ = 0;
  watching_ = false;
  in_multi_ = false;
  txn_lost_ = false;
}

void Connection::Drop() {
  if (watching_ || in_multi_) txn_lost_ = true;
  watching_ = false;
  in_multi_ = false;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  rbuf_.clear();
  rpos_ = 0;
}

Status Connection::Connect() { return EnsureConnected(); }

bool Connection::PeerClosed() {
  // A server that restarted or timed us out has sent FIN (or RST) while we
  // were idle. Noticing that before writing lets the command go to a fresh
  // connection instead of failing after it was sent.
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, 0) <= 0) return false;
  if (p.revents & (POLLERR | POLLHUP)) return true;
  char c;
  ssize_t n = ::recv(fd_, &c, 1, MSG_PEEK | MSG_DONTWAIT);
  // Unread bytes while idle mean the stream is out of step: start over.
  return n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
}

bool Connection::WaitReadable(Millis timeout) {
  if (rpos_ < rbuf_.size()) return true;
  if (fd_ < 0) return true;  // the read that follows reports it
  auto deadline = DeadlineAfter(timeout);
  for (;;) {
    pollfd p{fd_, POLLIN, 0};
    int ready = ::poll(&p, 1, PollTimeout(deadline));
    if (ready < 0 && errno == EINTR) continue;
    return ready != 0;
  }
}

Status Connection::EnsureConnected() {
  if (fd_ >= 0 && rpos_ == rbuf_.size() && PeerClosed()) Drop();
  if (fd_ >= 0) return {};
  // Backoff with jitter so that many clients of a restarted server do not
  // all reconnect in the same millisecond.
  thread_local std::mt19937 rng{std::random_device{}()};
  Millis delay = options_.backoff_initial;
  Status last;
  for (int attempt = 0; attempt <= std::max(0, options_.reconnect_attempts); ++attempt) {
    if (attempt > 0) {
      std::uniform_int_distribution<int64_t> jitter(delay.count() / 2, delay.count());
      std::this_thread::sleep_for(Millis(jitter(rng)));
      delay = std::min(delay * 2, options_.backoff_max);
    }
    last = OpenOnce();
    if (last.ok()) {
      Status hs = Handshake();
      if (!hs.ok()) {
        Drop();
        if (hs.error().IsServer()) return hs;
        last = hs;
        continue;
      }
      if (ever_connected_) ++reconnects_;
      ever_connected_ = true;
      return {};
    }
  }
  return last;
}

Status Connection::OpenOnce() {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  std::string port = std::to_string(options_.port);
  int rc = ::getaddrinfo(options_.host.c_str(), port.c_str(), &hints, &res);
  if (rc != 0) {
    return Error(ErrorKind::kIo, "resolve " + options_.host + ": " + gai_strerror(rc));
  }
  Status last = Error(ErrorKind::kIo, "no address for " + options_.host);
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
      last = Error(ErrorKind::kIo, Errno("socket"));
      continue;
    }
    // Non-blocking connect, so that connect_timeout bounds it.
    int r = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (r != 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      int ready = ::poll(&p, 1, PollTimeout(DeadlineAfter(options_.connect_timeout)));
      if (ready == 0) {
        ::close(fd);
        last =
            Error(ErrorKind::kTimeout, "connect to " + options_.host + ":" + port + " timed out");
        continue;
      }
      int err = 0;
      socklen_t len = sizeof(err);
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      r = err == 0 ? 0 : -1;
      errno = err;
    }
    if (r != 0) {
      last = Error(ErrorKind::kIo,
                   "connect to " + options_.host + ":" + port + ": " + std::strerror(errno));
      ::close(fd);
      continue;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    fd_ = fd;
    rbuf_.clear();
    rpos_ = 0;
    last = {};
    break;
  }
  ::freeaddrinfo(res);
  return last;
}

Status Connection::Handshake() {
  Args auth;
  if (!options_.password.empty()) {
    auth = {"AUTH"};
    if (!options_.username.empty()) auth.push_back(options_.username);
    auth.push_back(options_.password);
  }
  std::vector<Args> cmds;
  if (!auth.empty()) cmds.push_back(auth);
  if (options_.db != 0) cmds.push_back({"SELECT", std::to_string(options_.db)});
  if (!options_.client_name.empty()) {
    cmds.push_back({"CLIENT", "SETNAME", options_.client_name});
  }
  if (cmds.empty()) return {};
  std::string encoded;
  for (const Args& c : cmds) EncodeCommand(c, &encoded);
  auto replies = RoundTrip(encoded, cmds.size(), options_.read_timeout);
  if (!replies.ok()) return replies.error();
  for (const Value& v : *replies) {
    if (v.IsError()) return Error(ErrorKind::kServer, v.str());
  }
  return {};
}

Status Connection::WriteAll(std::string_view bytes) {
  auto deadline = DeadlineAfter(options_.write_timeout);
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd_, POLLOUT, 0};
      int ready = ::poll(&p, 1, PollTimeout(deadline));
      if (ready == 0) {
        Drop();
        return Error(ErrorKind::kTimeout, "write timed out");
      }
      continue;
    }
    Status s = Error(ErrorKind::kIo, Errno("send"));
    Drop();
    return s;
  }
  return {};
}

Result<Value> Connection::ReadValue(Millis timeout) {
  auto deadline = DeadlineAfter(timeout);
  for (;;) {
    if (rpos_ < rbuf_.size()) {
      Value v;
      protocol::ReplyParseResult r =
          protocol::ParseReply(std::string_view(rbuf_).substr(rpos_), &v);
      if (r.status == protocol::ParseStatus::kOk) {
        rpos_ += r.consumed;
        if (rpos_ == rbuf_.size()) {
          rbuf_.clear();
          rpos_ = 0;
        }
        return v;
      }
      if (r.status == protocol::ParseStatus::kInvalid) {
        Drop();
        return Error(ErrorKind::kProtocol, "invalid reply: " + r.error);
      }
    }
    if (fd_ < 0) return Error(ErrorKind::kIo, "not connected");
    pollfd p{fd_, POLLIN, 0};
    int ready = ::poll(&p, 1, PollTimeout(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      // The reply may still come; it would then answer the next command.
      Drop();
      return Error(ErrorKind::kTimeout, "no reply within " + std::to_string(timeout.count()) +
                                            " ms; connection dropped");
    }
    if (rpos_ > 0 && rpos_ * 2 > rbuf_.size()) {
      rbuf_.erase(0, rpos_);
      rpos_ = 0;
    }
    char buf[16384];
    ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n > 0) {
      rbuf_.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    Error e(ErrorKind::kIo, n == 0 ? "server closed the connection" : Errno("recv"));
    Drop();
    return e;
  }
}

Result<std::vector<Value>> Connection::RoundTrip(std::string_view encoded, size_t count,
                                                 Millis timeout) {
  Status s = WriteAll(encoded);
  if (!s.ok()) return s.error();
  std::vector<Value> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    Result<Value> v = ReadValue(timeout);
    if (!v.ok()) return v.error();
    out.push_back(std::move(v).value());
  }
  return out;
}

void Connection::Track(const Args& args, const Value& reply) {
  const std::string& name = args[0];
  if (reply.IsError()) {
    // EXEC and DISCARD end the transaction even when they fail.
    if (NameIs(name, "EXEC") || NameIs(name, "DISCARD")) watching_ = in_multi_ = false;
    return;
  }
  if (NameIs(name, "SELECT") && args.size() == 2) {
    options_.db = std::atoi(args[1].c_str());
  } else if (NameIs(name, "WATCH")) {
    watching_ = true;
  } else if (NameIs(name, "MULTI")) {
    in_multi_ = true;
  } else if (NameIs(name, "EXEC") || NameIs(name, "DISCARD") || NameIs(name, "RESET")) {
    watching_ = in_multi_ = false;
  } else if (NameIs(name, "UNWATCH")) {
    watching_ = false;
  }
}

Result<Value> Connection::Run(const Args& args, Millis timeout) {
  if (args.empty()) return Error(ErrorKind::kUsage, "empty command");
  const std::string& name = args[0];
  if (NameIs(name, "SUBSCRIBE") || NameIs(name, "PSUBSCRIBE") || NameIs(name, "SSUBSCRIBE") ||
      NameIs(name, "MONITOR")) {
    return Error(ErrorKind::kUsage, name + " changes the connection's mode; use Subscriber");
  }
  // Connect first: finding the old connection closed is one way to learn
  // that a WATCH or MULTI was lost.
  Status s = EnsureConnected();
  if (!s.ok()) return s.error();
  if (txn_lost_) {
    bool ends = NameIs(name, "EXEC") || NameIs(name, "DISCARD") || NameIs(name, "UNWATCH") ||
                NameIs(name, "RESET");
    if (ends) txn_lost_ = false;
    if (ends || !NameIs(name, "WATCH")) {
      return Error(ErrorKind::kIo,
                   "the connection was lost during WATCH/MULTI; the transaction did not run "
                   "and must be started again");
    }
    txn_lost_ = false;  // a new WATCH starts a new transaction
  }
  std::string encoded;
  EncodeCommand(args, &encoded);
  auto replies = RoundTrip(encoded, 1, timeout);
  if (!replies.ok()) return replies.error();
  Value v = std::move((*replies)[0]);
  Track(args, v);
  return ToResult(std::move(v));
}

Result<Value> Connection::Command(const Args& args) { return Run(args, options_.read_timeout); }

Result<Value> Connection::BlockingCommand(const Args& args, Millis block) {
  Millis timeout = block.count() <= 0 || options_.read_timeout.count() <= 0
                       ? Millis(0)
                       : block + options_.read_timeout;
  return Run(args, timeout);
}

Pipeline& Pipeline::Add(const Args& args) {
  EncodeCommand(args, &encoded_);
  commands_.push_back(args);
  ++count_;
  return *this;
}

Result<std::vector<Result<Value>>> Pipeline::Execute() {
  std::string encoded = std::move(encoded_);
  std::vector<Args> commands = std::move(commands_);
  encoded_.clear();
  commands_.clear();
  size_t n = std::exchange(count_, 0);
  for (const Args& c : commands) {
    if (c.empty()) return Error(ErrorKind::kUsage, "empty command in pipeline");
  }
  std::vector<Result<Value>> out;
  if (n == 0) return out;
  Status s = conn_->EnsureConnected();
  if (!s.ok()) return s.error();
  if (conn_->txn_lost_) {
    return Error(ErrorKind::kIo,
                 "the connection was lost during WATCH/MULTI; end the transaction (EXEC, "
                 "DISCARD or UNWATCH) and start it again");
  }
  auto replies = conn_->RoundTrip(encoded, n, conn_->options_.read_timeout);
  if (!replies.ok()) return replies.error();
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    conn_->Track(commands[i], (*replies)[i]);
    out.push_back(ToResult(std::move((*replies)[i])));
  }
  return out;
}

Transaction& Transaction::Add(const Args& args) {
  commands_.push_back(args);
  return *this;
}

Result<ExecReply> Transaction::Exec() {
  std::vector<Args> commands = std::move(commands_);
  commands_.clear();
  for (const Args& c : commands) {
    if (c.empty()) return Error(ErrorKind::kUsage, "empty command in transaction");
  }
  // Connect first: finding the old connection closed is one way to learn
  // that the WATCH was lost.
  Status s = conn_->EnsureConnected();
  if (!s.ok()) return s.error();
  if (conn_->txn_lost_) {
    conn_->txn_lost_ = false;
    return Error(ErrorKind::kIo,
                 "the connection was lost during WATCH; the transaction did not run and must "
                 "be started again");
  }
  std::string encoded;
  EncodeCommand({"MULTI"}, &encoded);
  for (const Args& c : commands) EncodeCommand(c, &encoded);
  EncodeCommand({"EXEC"}, &encoded);
  auto replies = conn_->RoundTrip(encoded, commands.size() + 2, conn_->options_.read_timeout);
  conn_->watching_ = conn_->in_multi_ = false;
  if (!replies.ok()) return replies.error();
  std::vector<Value>& r = *replies;
  if (r[0].IsError()) return Error(ErrorKind::kServer, r[0].str());
  Value& exec = r.back();
  if (exec.IsError()) {
    // EXECABORT: say which command failed to queue.
    std::string why = exec.str();
    for (size_t i = 1; i + 1 < r.size(); ++i) {
      if (r[i].IsError()) {
        why += " (" + commands[i - 1][0] + ": " + r[i].str() + ")";
        break;
      }
    }
    return Error(ErrorKind::kServer, why);
  }
  ExecReply out;
  if (exec.IsNull()) {
    out.aborted = true;
    return out;
  }
  for (Value& v : exec.elements()) out.replies.push_back(ToResult(std::move(v)));
  return out;
}

Result<ExecReply> WatchRetry(Connection& conn, const std::vector<std::string>& keys,
                             const WatchBody& body, int max_attempts) {
  if (keys.empty()) return Error(ErrorKind::kUsage, "WatchRetry needs at least one key");
  Args watch = {"WATCH"};
  watch.insert(watch.end(), keys.begin(), keys.end());
  Millis pause(1);
  for (int attempt = 0; attempt < max_attempts; ++attempt) {
    Result<Value> w = conn.Command(watch);
    if (!w.ok()) return w.error();
    Transaction tx(&conn);
    Status s = body(conn, tx);
    if (!s.ok() || tx.empty()) {
      if (conn.connected()) {
        (void)conn.Command({"UNWATCH"});
      } else {
        conn.Close();  // forget the lost WATCH: this attempt is over
      }
      if (!s.ok()) return s.error();
      return ExecReply{};
    }
    Result<ExecReply> r = tx.Exec();
    if (!r.ok() || !r->aborted) return r;
    // Someone else won the race; give them a moment before reading again.
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, Millis(50));
  }
  return Error(ErrorKind::kAborted, "WATCHed keys kept changing; gave up after " +
                                        std::to_string(max_attempts) + " attempts");
}

Result<std::optional<std::string>> AsOptionalString(Result<Value> reply) {
  if (!reply.ok()) return reply.error();
  const Value& v = *reply;
  if (v.IsNull()) return std::optional<std::string>();
  switch (v.type()) {
    case protocol::Type::kBulkString:
    case protocol::Type::kSimpleString:
    case protocol::Type::kVerbatim:
      return std::optional<std::string>(v.str());
    default:
      return Error(ErrorKind::kProtocol,
                   "expected a string reply, got " + std::string(protocol::TypeName(v.type())));
  }
}

Result<int64_t> AsInteger(Result<Value> reply) {
  if (!reply.ok()) return reply.error();
  if (reply->type() != protocol::Type::kInteger) {
    return Error(ErrorKind::kProtocol, "expected an integer reply, got " +
                                           std::string(protocol::TypeName(reply->type())));
  }
  return reply->integer();
}

Status AsStatus(const Result<Value>& reply) {
  if (!reply.ok()) return reply.error();
  return {};
}

Result<std::vector<std::string>> AsStrings(Result<Value> reply) {
  if (!reply.ok()) return reply.error();
  std::vector<std::string> out;
  if (reply->IsNull()) return out;
  if (!reply->IsAggregate()) {
    return Error(ErrorKind::kProtocol,
                 "expected an array reply, got " + std::string(protocol::TypeName(reply->type())));
  }
  for (const Value& e : reply->elements()) out.push_back(e.str());
  return out;
}

}  // namespace ember::client
