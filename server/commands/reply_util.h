// Small helpers shared by command handlers: turning storage statuses into
// Redis's error replies, and parsing arguments the way Redis does (with its
// error texts when they are malformed).
#pragma once

#include <cstdint>
#include <string_view>

#include "protocol/reply_writer.h"
#include "server/server.h"
#include "storage/op_result.h"
#include "storage/string_ops.h"

namespace ember::server {

// The error reply for a failed operation. REQUIRES: s is an error status.
void ReplyError(protocol::ReplyWriter& reply, storage::OpStatus s);

bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// Parses a strict base-10 int64; on failure replies "value is not an integer
// or out of range" and returns false.
bool ParseIntArg(CommandContext& ctx, std::string_view arg, int64_t* out);
// As above, also requiring min <= value <= max, else `range_error`.
bool ParseIntArgInRange(CommandContext& ctx, std::string_view arg, int64_t min, int64_t max,
                        std::string_view range_error, int64_t* out);
// A float argument (strtold rules); replies "value is not a valid float".
bool ParseLongDoubleArg(CommandContext& ctx, std::string_view arg, long double* out);

// A blocking command's timeout in seconds (fractions allowed; 0 = forever)
// as milliseconds, with Redis's errors: "timeout is not a float or out of
// range", "timeout is negative", "timeout is out of range".
bool ParseBlockTimeout(CommandContext& ctx, std::string_view arg, int64_t* ms);

// A stored string as a bulk reply.
void ReplyString(protocol::ReplyWriter& reply, const storage::StringValue& v);

// The reply to a subcommand HELP: a status-line-per-entry array, as Redis
// formats it (addReplyHelp): "<COMMAND> <subcommand> [<arg> ...]. Subcommands
// are:", the lines, then the HELP line.
void ReplyHelp(protocol::ReplyWriter& reply, std::string_view command,
               std::initializer_list<std::string_view> lines);

}  // namespace ember::server
