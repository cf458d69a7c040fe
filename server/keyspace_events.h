// Keyspace notifications: the classes of events a server publishes about
// its keys, as set by `notify-keyspace-events` (Redis's notify.c).
//
// When a command changes a key, Redis can publish the change on two
// channels: "__keyspace@<db>__:<key>" with the event name as the message
// (what happened to this key?) and "__keyevent@<db>__:<event>" with the key
// as the message (which keys had this happen?). Each event belongs to a
// class (generic, string, list, ...) and is published only if its class is
// enabled, on the channels enabled by K and E. Everything is off by
// default: notifications cost CPU for every write.
//
// The flag letters: K keyspace channel, E keyevent channel, g generic
// (DEL, EXPIRE, RENAME...), $ strings, l lists, s sets, h hashes, z sorted
// sets, x expired, e evicted, t streams, m key misses, d module events,
// n new keys, A alias for "g$lshzxetd".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ember::server {

enum KeyspaceEvent : int64_t {
  kNotifyKeyspace = 1 << 0,  // K
  kNotifyKeyevent = 1 << 1,  // E
  kNotifyGeneric = 1 << 2,   // g
  kNotifyString = 1 << 3,    // $
  kNotifyList = 1 << 4,      // l
  kNotifySet = 1 << 5,       // s
  kNotifyHash = 1 << 6,      // h
  kNotifyZset = 1 << 7,      // z
  kNotifyExpired = 1 << 8,   // x
  kNotifyEvicted = 1 << 9,   // e
  kNotifyStream = 1 << 10,   // t
  kNotifyKeyMiss = 1 << 11,  // m
  kNotifyModule = 1 << 13,   // d
  kNotifyNew = 1 << 14,      // n
  // A: every class but key misses and new keys, which are opt-in.
  kNotifyAll = kNotifyGeneric | kNotifyString | kNotifyList | kNotifySet | kNotifyHash |
               kNotifyZset | kNotifyExpired | kNotifyEvicted | kNotifyStream | kNotifyModule,
};

// "KEA" -> flags; false on a letter that is no class.
bool ParseKeyspaceEvents(std::string_view letters, int64_t* flags);
// The canonical spelling CONFIG GET shows: "A" or the class letters in a
// fixed order, then K, E and m. (As in Redis, "n" is not shown next to
// "A", though it stays set.)
std::string FormatKeyspaceEvents(int64_t flags);

}  // namespace ember::server
