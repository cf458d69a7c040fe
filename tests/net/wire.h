// Small helpers shared by the socket tests: building request bytes by hand
// and ordering events across connections without sleeping.
#pragma once

#include <string>
#include <vector>

#include "tests/support/net_support.h"

namespace ember::testing {

// A command as the RESP array of bulk strings every client library sends.
inline std::string Resp(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const std::string& a : args) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

// Returns once the server has handled every byte that was already in its
// sockets when Barrier was called. Ember runs one event loop: a PING answered
// on another connection means the loop went round once, and it handles every
// socket that was readable in that round before waiting again; the second
// PING makes sure that round is over.
inline void Barrier(RawClient& other) {
  for (int round = 0; round < 2; ++round) {
    other.Send("PING\r\n");
    other.ReadReplyBytes();
  }
}

}  // namespace ember::testing
