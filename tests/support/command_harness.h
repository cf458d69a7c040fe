// CommandHarness: runs commands through Ember's real dispatcher, in process,
// with a manual clock. The tests' window on Redis semantics:
//
//   CommandHarness h;
//   EXPECT_THAT(h.Run({"SET", "k", "v", "PX", "100"}), IsOk());
//   h.AdvanceMs(100);
//   EXPECT_THAT(h.Run({"GET", "k"}), IsNil());
//
// Replies are the bytes the dispatcher wrote, parsed back into Values, so
// the encoder is exercised by every test too.
#pragma once

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/resp_value.h"
#include "server/client.h"
#include "server/config.h"
#include "server/server.h"
#include "storage/clock.h"

namespace ember::testing {

class CommandHarness {
 public:
  explicit CommandHarness(server::Config config = DefaultConfig());
  ~CommandHarness();

  // The config tests start from: Redis's defaults, DEBUG allowed.
  static server::Config DefaultConfig();

  // Runs one command as the default client and returns its reply.
  protocol::Value Run(std::initializer_list<std::string_view> args);
  protocol::Value Run(const std::vector<std::string>& args);
  // The raw reply bytes.
  std::string RunRaw(std::initializer_list<std::string_view> args);
  std::string RunRaw(const std::vector<std::string>& args);

  // Another client of the same server (for CLIENT LIST, WATCH, ...).
  server::Client& NewClient();
  protocol::Value RunAs(server::Client& client, std::initializer_list<std::string_view> args);

  // Output a client received outside its own command (a blocked client
  // served by someone else's push): the next reply, or an error Value
  // "NOTHING" if there is none.
  protocol::Value TakeReply(server::Client& client);
  bool IsBlocked(server::Client& client) const {
    return client.has_flag(server::Client::kBlocked);
  }
  // Moves the clock and lets blocked clients time out, as the server's
  // timers would.
  void AdvanceMs(int64_t ms) {
    clock_.AdvanceMs(ms);
    server_->HandleBlockedTimeouts();
  }
  int64_t NowMs() const { return clock_.NowMs(); }
  storage::ManualClock& clock() { return clock_; }
  server::Server& server() { return *server_; }
  server::Client& client() { return *clients_.front(); }

 private:
  std::string Execute(server::Client& client, const std::vector<std::string_view>& args);

  storage::ManualClock clock_;
  std::unique_ptr<server::Server> server_;
  std::vector<std::unique_ptr<server::Client>> clients_;
};

// Parses a complete RESP reply; fails the test on malformed or partial input.
// No bytes at all (a blocked client) give the error Value "NO REPLY".
protocol::Value ParseOne(std::string_view bytes);

}  // namespace ember::testing
