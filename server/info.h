// INFO: the server's state as "field:value" lines, grouped in sections, in
// Redis 7.0's format, so that tools that scrape Redis (redis-cli --stat,
// exporters, client libraries reading redis_version) read Ember too:
//
//   # Server\r\n
//   redis_version:7.0.15\r\n
//   ...\r\n
//   \r\n
//   # Clients\r\n
//   ...
//
// Sections are separated by one empty line; the text ends with the last
// field's CRLF. Which sections: none given means "default"; "all" adds
// commandstats; "everything" adds module sections too (Ember has none);
// other names pick single sections, case-insensitively, always printed in
// the canonical order; unknown names are ignored (and alone give "").
//
// Every number is read where it is kept: ServerStats and the command table
// (server.h), KeyspaceStats (storage/keyspace.h), the process (getrusage,
// /proc). A field Ember has no machinery for is left out rather than
// invented, except where Redis's value states a plain fact about Ember
// (evicted_keys:0, aof_enabled:0, role:master).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "server/command.h"

namespace ember::server {

class Server;

// The INFO text for `sections` (INFO's arguments, without the command
// name).
std::string GenerateInfo(Server& server, ArgList sections);

// Redis's bytesToHuman: 1023 -> "1023B", 1536 -> "1.50K", "1.00M", ...
std::string BytesToHuman(uint64_t bytes);

// Memory as INFO reports it (see info.cc for what is measured and why).
struct MemoryUsage {
  uint64_t used = 0;  // bytes handed out by malloc and not yet freed
  uint64_t rss = 0;   // resident set size of the process
};
MemoryUsage MeasureMemory();

}  // namespace ember::server
