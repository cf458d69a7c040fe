#include "demos/common/http.h"

#include <chrono>

#include "demos/common/log.h"

namespace ember::demos {

HttpService::HttpService(int worker_threads) {
  int n = worker_threads > 0 ? worker_threads : 1;
  server_.new_task_queue = [n] { return new httplib::ThreadPool(static_cast<size_t>(n)); };
  // An idle keep-alive connection holds a worker thread; do not let it hold
  // one (or delay shutdown) for long.
  server_.set_keep_alive_timeout(1);
  // Without it, a response written in two pieces (headers, body) waits for
  // the client's delayed ACK: 40 ms added to every request.
  server_.set_tcp_nodelay(true);
}

HttpService::~HttpService() { Stop(); }

std::string HttpService::Start(const std::string& host, int port) {
  if (port == 0) {
    port_ = server_.bind_to_any_port(host);
    if (port_ < 0) return "cannot bind " + host;
  } else {
    if (!server_.bind_to_port(host, port)) {
      return "cannot bind " + host + ":" + std::to_string(port);
    }
    port_ = port;
  }
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  // stop() only takes effect once the accept loop runs.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!server_.is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return server_.is_running() ? "" : "HTTP server did not start";
}

void HttpService::Stop() {
  if (thread_.joinable()) {
    server_.stop();
    thread_.join();
  }
}

void InstallAccessLog(httplib::Server& server) {
  server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    LogLevel level = res.status >= 500 ? LogLevel::kWarn : LogLevel::kDebug;
    if (!LogEnabled(level)) return;
    Log(level, "http",
        {{"method", req.method},
         {"path", req.path},
         {"status", std::to_string(res.status)},
         {"remote", req.remote_addr}});
  });
}

void InstallMetricsEndpoint(httplib::Server& server, const Registry& registry,
                            std::function<std::string()> extra) {
  server.Get("/metrics", [&registry, extra](const httplib::Request&, httplib::Response& res) {
    std::string body = extra ? extra() : "";
    body = registry.Render() + body;
    res.set_content(body, "text/plain; version=0.0.4; charset=utf-8");
  });
}

}  // namespace ember::demos
