#include "tests/support/net_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <asio.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <future>

#include "protocol/reply_parser.h"
#include "server/net/net_server.h"
#include "server/server.h"
#include "storage/clock.h"

namespace ember::testing {

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

struct EmberThread::Impl {
  storage::SystemClock clock;
  std::unique_ptr<server::Server> server;
  asio::io_context io{1};
  std::unique_ptr<server::NetServer> net;
};

EmberThread::EmberThread(server::Config config) : impl_(std::make_unique<Impl>()) {
  config.port = 0;
  if (config.enable_debug_command == "no") config.enable_debug_command = "yes";
  config.save.clear();
  impl_->server = std::make_unique<server::Server>(std::move(config), &impl_->clock);
  impl_->net = std::make_unique<server::NetServer>(impl_->io, *impl_->server);
  std::string err = impl_->net->Listen();
  if (!err.empty()) {
    std::fprintf(stderr, "EmberThread: %s\n", err.c_str());
    std::abort();
  }
  port_ = impl_->net->port();
  impl_->net->Start(/*handle_signals=*/false);
  thread_ = std::thread([this] { impl_->io.run(); });
}

EmberThread::~EmberThread() {
  asio::post(impl_->io, [this] { impl_->net->Shutdown(0); });
  thread_.join();
}

RawClient::RawClient(int port) : RawClient(port, "127.0.0.1") {}

namespace {

// An IPv4 or IPv6 socket address; false if `host` is neither.
bool MakeAddress(const std::string& host, int port, sockaddr_storage* out, socklen_t* len) {
  *out = {};
  auto* v4 = reinterpret_cast<sockaddr_in*>(out);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    *len = sizeof(sockaddr_in);
    return true;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(out);
  if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    *len = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

}  // namespace

RawClient::RawClient(int port, const std::string& host, const std::string& source) {
  sockaddr_storage addr;
  socklen_t len;
  if (!MakeAddress(host, port, &addr, &len)) return;
  fd_ = socket(addr.ss_family, SOCK_STREAM, 0);
  if (fd_ < 0) return;
  sockaddr_storage from;
  socklen_t from_len;
  bool ok = true;
  if (!source.empty()) {
    ok = MakeAddress(source, 0, &from, &from_len) &&
         bind(fd_, reinterpret_cast<sockaddr*>(&from), from_len) == 0;
  }
  if (!ok || connect(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0) {
    close(fd_);
    fd_ = -1;
    return;
  }
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

RawClient::~RawClient() {
  if (fd_ >= 0) close(fd_);
}

void RawClient::Send(std::string_view bytes) {
  while (!bytes.empty() && fd_ >= 0) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

void RawClient::SendCommand(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const std::string& a : args) {
    out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  }
  Send(out);
}

bool RawClient::Fill(std::chrono::steady_clock::time_point deadline) {
  if (fd_ < 0 || eof_) return false;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() < 0) return false;
  pollfd p{fd_, POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
  char buf[65536];
  ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
  if (n <= 0) {
    eof_ = true;
    return false;
  }
  buffer_.append(buf, static_cast<size_t>(n));
  return true;
}

std::string RawClient::ReadReplyBytes(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    bool invalid = false;
    size_t len = protocol::ReplyLength(buffer_, &invalid);
    if (invalid) return "";
    if (len > 0) {
      std::string out = buffer_.substr(0, len);
      buffer_.erase(0, len);
      return out;
    }
    if (!Fill(deadline)) return "";
  }
}

protocol::Value RawClient::ReadReply(std::chrono::milliseconds timeout) {
  std::string bytes = ReadReplyBytes(timeout);
  if (bytes.empty()) return protocol::Value::Error(eof_ ? "CLOSED" : "TIMEOUT");
  protocol::Value v;
  protocol::ParseReply(bytes, &v);
  return v;
}

protocol::Value RawClient::Call(const std::vector<std::string>& args) {
  SendCommand(args);
  return ReadReply();
}

bool RawClient::WaitClosed(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!eof_) {
    if (!Fill(deadline) && !eof_) return false;
  }
  return true;
}

ServerProcess::ServerProcess(std::string binary, std::vector<std::string> args) {
  for (int attempt = 0; attempt < 5 && !started_; ++attempt) {
    port_ = FreePort();
    std::vector<std::string> argv_s = {binary};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    argv_s.push_back("--port");
    argv_s.push_back(std::to_string(port_));
    pid_ = fork();
    if (pid_ == 0) {
      // If the test process dies (an assertion, a sanitizer abort), the
      // server must not outlive it.
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      std::vector<char*> argv;
      for (std::string& s : argv_s) argv.push_back(s.data());
      argv.push_back(nullptr);
      // Quiet: the servers' logs would drown the test output.
      FILE* devnull = std::fopen("/dev/null", "w");
      if (devnull != nullptr) dup2(fileno(devnull), STDOUT_FILENO);
      execvp(argv[0], argv.data());
      _exit(127);
    }
    // Ready when it answers PING.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      int status;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      RawClient c(port_);
      if (c.connected() && c.Call({"PING"}).str() == "PONG") {
        started_ = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (!started_ && pid_ > 0) Stop();
  }
}

int ServerProcess::Stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = -1;
  for (int i = 0; i < 500; ++i) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return -1;
}

ServerProcess::~ServerProcess() { Stop(); }

std::string EmberServerPath() { return EMBER_SERVER_PATH; }

bool HaveProgram(const std::string& name) {
  std::string out;
  return RunShell("command -v " + name, &out) == 0;
}

int RunShell(const std::string& command, std::string* output) {
  output->clear();
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return -1;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) output->append(buf, n);
  int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace ember::testing
