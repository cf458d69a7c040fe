// The limits Redis puts on clients, as pure decisions the network layer
// applies: who may connect at all (protected mode), how much unsent output
// a client may pile up (client-output-buffer-limit), and how many file
// descriptors the process needs for maxclients connections.
//
// Protected mode. A Redis started with no password and exposed on a public
// interface would let anyone on the internet read and write it (and, with
// CONFIG SET dir, write files). So while `protected-mode` is on and the
// default user has no password, only clients on the loopback addresses
// (exactly 127.0.0.1 and ::1: Redis compares the peer's address text, so
// 127.0.0.2 is not "local") are served. Others are sent one long -DENIED
// error explaining how to fix it, and disconnected, before they can send
// anything. Redis 7.0 applies this whatever `bind` says.
//
// Output buffer limits. A client that stops reading its replies (or a slow
// subscriber on a busy channel) makes the server hold its output. Each
// class of client (normal, replica, pubsub) has a hard limit, reached means
// disconnected at once, and a soft limit with a grace period: over it
// continuously for more than N seconds means disconnected. Normal clients
// have no limits by default (their commands are their own doing, and
// Ember's backpressure stops running them while their output waits);
// pub/sub clients get 32 MB hard and 8 MB for 60 seconds, because a
// publisher can flood a subscriber that never asked for more.
//
// File descriptors. Each client is a socket; Redis raises RLIMIT_NOFILE at
// start-up to maxclients + 32 (its own files, listeners, the AOF...), and
// lowers maxclients when the system refuses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "server/client.h"
#include "server/config.h"

namespace ember::server {

// Descriptors kept for the server itself (Redis's CONFIG_MIN_RESERVED_FDS).
inline constexpr int64_t kReservedFds = 32;

// True if a connection from `peer_ip` (an address without port, as
// "192.0.2.7" or "::1") must be refused under protected mode.
bool ProtectedModeDenies(const Config& config, std::string_view peer_ip);

// The class whose output limits apply to `client`.
ClientClass ClassOf(const Client& client);

// Redis's checkClientOutputBufferLimits for one client: remembers since
// when the soft limit has been exceeded.
class OutputLimitTracker {
 public:
  // `pending` bytes of output wait for the client at `now_ms`. True if the
  // client must be disconnected: at or over the hard limit, or at or over
  // the soft limit continuously for more than soft_seconds. Dropping below
  // the soft limit starts the grace period afresh.
  bool Reached(const OutputBufferLimit& limit, size_t pending, int64_t now_ms);

 private:
  int64_t soft_since_ms_ = -1;  // -1: under the soft limit
};

// Raises this process's RLIMIT_NOFILE to maxclients + kReservedFds if it is
// lower, logging what it did. Returns the number of clients the process can
// serve: `maxclients`, or less if the system refused (logged as a warning),
// or 0 if it cannot even keep its reserved descriptors.
int64_t AdjustOpenFilesLimit(int64_t maxclients);

}  // namespace ember::server
