// gMock matchers for RESP replies, so that tests read like the Redis
// documentation: EXPECT_THAT(h.Run({"GET", "k"}), IsBulk("v")).
#pragma once

#include <gmock/gmock.h>

#include <string>
#include <vector>

#include "protocol/resp_value.h"

namespace ember::testing {

MATCHER(IsOk, "is +OK") {
  return arg.type() == protocol::Type::kSimpleString && arg.str() == "OK";
}

MATCHER_P(IsSimple, text, "is the simple string " + std::string(text)) {
  return arg.type() == protocol::Type::kSimpleString && arg.str() == text;
}

MATCHER_P(IsBulk, text, "is the bulk string \"" + std::string(text) + "\"") {
  return arg.type() == protocol::Type::kBulkString && arg.str() == text;
}

MATCHER_P(IsInt, n, "is the integer " + std::to_string(n)) {
  return arg.type() == protocol::Type::kInteger && arg.integer() == static_cast<int64_t>(n);
}

// RESP2 null bulk ($-1) or RESP3 null (_).
MATCHER(IsNil, "is nil") {
  return arg.type() == protocol::Type::kNullBulk || arg.type() == protocol::Type::kNull;
}

MATCHER(IsNilArray, "is a nil array") {
  return arg.type() == protocol::Type::kNullArray || arg.type() == protocol::Type::kNull;
}

// The exact error text, code included: IsError("ERR syntax error").
MATCHER_P(IsError, text, "is the error \"" + std::string(text) + "\"") {
  return arg.type() == protocol::Type::kError && arg.str() == text;
}

MATCHER_P(IsErrorContaining, text, "is an error containing \"" + std::string(text) + "\"") {
  return arg.type() == protocol::Type::kError && arg.str().find(text) != std::string::npos;
}

// An array (or set/push) of bulk strings, in order.
MATCHER_P(IsBulkArray, items, "is an array of bulk strings") {
  if (!arg.IsAggregate()) return false;
  const auto& e = arg.elements();
  std::vector<std::string> want(items.begin(), items.end());
  if (e.size() != want.size()) return false;
  for (size_t i = 0; i < e.size(); ++i) {
    if (e[i].type() != protocol::Type::kBulkString || e[i].str() != want[i]) return false;
  }
  return true;
}

// The same, in any order (SMEMBERS, KEYS).
MATCHER_P(IsBulkSetOf, items, "is an array of these bulk strings in any order") {
  if (!arg.IsAggregate()) return false;
  std::vector<std::string> got, want(items.begin(), items.end());
  for (const auto& e : arg.elements()) {
    if (e.type() != protocol::Type::kBulkString) return false;
    got.push_back(e.str());
  }
  std::sort(got.begin(), got.end());
  std::sort(want.begin(), want.end());
  return got == want;
}

inline void PrintTo(const protocol::Value& v, std::ostream* os) { *os << v.DebugString(); }

}  // namespace ember::testing

namespace ember::protocol {
inline void PrintTo(const Value& v, std::ostream* os) { *os << v.DebugString(); }
}  // namespace ember::protocol
