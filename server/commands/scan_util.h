// What HSCAN, SSCAN (and ZSCAN) share: Redis's scanGenericCommand for a
// collection.
//
//   HSCAN key cursor [MATCH pattern] [COUNT count]
//
// The cursor is parsed first ("ERR invalid cursor"; like Redis's strtoul,
// "-1" wraps to 2^64-1), then the key is looked up (a missing key answers
// an empty page with cursor 0), and only then the options: COUNT must be a
// positive integer, MATCH filters after the buckets are visited, and TYPE,
// which SCAN accepts, is a syntax error here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/server.h"

namespace ember::server {

struct ScanArgs {
  int64_t count = 10;
  std::optional<std::string_view> pattern;  // absent, or "*", matches all
};

// Replies "ERR invalid cursor" and returns false if `text` is not one.
bool ParseScanCursor(CommandContext& ctx, std::string_view text, uint64_t* cursor);

// Parses [MATCH pattern] [COUNT count] from args[first] on; replies with
// the error and returns false if they are malformed.
bool ParseScanArgs(CommandContext& ctx, ArgList args, size_t first, ScanArgs* out);

// [cursor, [items...]]
void ReplyScanPage(CommandContext& ctx, uint64_t cursor, const std::vector<std::string>& items);

}  // namespace ember::server
