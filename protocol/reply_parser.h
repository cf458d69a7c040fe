// ReplyParser: reads RESP2/RESP3 replies (any type, nested) into Values.
// Used by the client library and the tests, never on the server's hot path.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "protocol/resp_value.h"

namespace ember::protocol {

enum class ParseStatus { kOk, kIncomplete, kInvalid };

struct ReplyParseResult {
  ParseStatus status;
  size_t consumed = 0;  // bytes of the value when kOk
  std::string error;    // what was wrong when kInvalid
};

// Parses one complete value from the start of `input`. Attributes (|) are
// read and dropped.
ReplyParseResult ParseReply(std::string_view input, Value* out);

// Length of the first complete value in `input`, without building it; 0 when
// incomplete. Used to slice raw reply bytes (compatibility tests compare
// bytes). Returns 0 and sets *invalid on malformed input.
size_t ReplyLength(std::string_view input, bool* invalid);

}  // namespace ember::protocol
