// A whole keyspace as text, and a dataset with every type in every encoding:
// what the persistence tests compare when a file crosses between Ember and
// a real Redis, or between a Redis fixture and the content Redis reads.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "protocol/resp_value.h"

namespace ember::testing {

// Sends one command and returns its reply: an in-process harness or a
// socket client.
using CallFn = std::function<protocol::Value(const std::vector<std::string>&)>;

struct DumpOptions {
  int databases = 16;
  // Print each key's absolute deadline (PEXPIRETIME) rather than whether it
  // has one; the fixtures only say yes/no because their TTLs have passed
  // since they were written.
  bool exact_deadlines = false;
};

// One line per key, sorted, across databases: db, key, type, encoding and
// TTL, then the content indented (sets and hashes sorted, zsets in order
// with scores). The format of the fixtures' *.expected.txt files.
std::string DumpKeyspace(const CallFn& call, const DumpOptions& options = {});

// Commands that build a dataset with every type in each of its encodings,
// small and large, with deadlines, across two databases. Sizes are chosen
// around redis-server's built-in thresholds (128 listpack entries for
// zsets, 512 for hashes, 512 intset entries, 64-byte listpack values).
std::vector<std::vector<std::string>> EveryTypeAndEncoding();

}  // namespace ember::testing
