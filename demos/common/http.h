// HTTP plumbing shared by the demo services, on cpp-httplib.
//
// Debian's cpp-httplib 0.11.4 is a compiled library: its CPPHTTPLIB_*
// defines (OpenSSL, zlib, brotli support) change the layout of its classes,
// so every file that includes httplib.h must be compiled with the same
// defines as the library, which demos/CMakeLists.txt takes from pkg-config.
// It has no ":id" path parameters: routes are regular expressions and the
// captures are in req.matches.
#pragma once

#include <httplib.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "demos/common/metrics.h"

namespace ember::demos {

// Runs an httplib::Server on its own thread with a fixed pool of worker
// threads, on a given port or (port 0) a free one.
class HttpService {
 public:
  explicit HttpService(int worker_threads);
  ~HttpService();
  httplib::Server& server() { return server_; }

  // Binds and starts serving; returns "" or the error.
  std::string Start(const std::string& host, int port);
  int port() const { return port_; }
  void Stop();

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

// Logs each request (method, path, status, duration) at debug level, and
// errors (5xx) at warn.
void InstallAccessLog(httplib::Server& server);

// GET /metrics answers `registry.Render()` plus whatever `extra` returns
// (called first, so it may also update gauges).
void InstallMetricsEndpoint(httplib::Server& server, const Registry& registry,
                            std::function<std::string()> extra = nullptr);

}  // namespace ember::demos
