// Reading the cache server's own numbers (INFO) so that a demo can show them
// beside its own: the application counts what it asked for, the server
// counts what it found (keyspace_hits / keyspace_misses).
#pragma once

#include <map>
#include <string>

#include "client/connection.h"

namespace ember::demos {

// The "field:value" lines of `INFO <section>`.
client::Result<std::map<std::string, std::string>> ReadInfo(client::Connection& conn,
                                                            const std::string& section);

// A field of `info` as a number; `fallback` if absent or not a number.
double InfoNumber(const std::map<std::string, std::string>& info, const std::string& field,
                  double fallback = 0);

}  // namespace ember::demos
