// ReplyWriter: the one RESP encoder. It appends replies to a caller-owned
// buffer (a connection's output buffer, the AOF buffer, a test's string).
//
// The same calls produce RESP2 or RESP3 depending on the protocol the client
// chose with HELLO. RESP3 has real types; RESP2 degrades them the way Redis
// does: a map becomes a flat array of 2*n elements, a set an array, a double a
// bulk string, a boolean the integer 0 or 1, and every null becomes the RESP2
// null bulk ($-1) or null array (*-1), whichever the command documents.
//
// Replies are written straight into the buffer with no intermediate objects:
// on the GET/SET path this is the only work between the keyspace and the
// socket.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/resp_value.h"

namespace ember::protocol {

class ReplyWriter {
 public:
  explicit ReplyWriter(std::string* out, int resp = 2) : out_(out), resp_(resp) {}

  int resp() const { return resp_; }
  void set_resp(int resp) { resp_ = resp; }
  std::string* buffer() const { return out_; }

  void Ok() { out_->append("+OK\r\n", 5); }
  void SimpleString(std::string_view s) {
    out_->push_back('+');
    out_->append(s);
    Crlf();
  }
  // `text` starts with the error code: "ERR syntax error". CR and LF in the
  // text would break the framing, so, as in Redis, trailing ones are dropped
  // and those inside become spaces.
  void Error(std::string_view text);
  void Integer(int64_t value) { Prefixed(':', value); }
  void Bulk(std::string_view s) {
    Prefixed('$', static_cast<int64_t>(s.size()));
    out_->append(s);
    Crlf();
  }
  // An integer sent as a bulk string (GET of an integer-encoded value).
  void BulkInteger(int64_t value);
  // The "no value" reply of commands that return a bulk string.
  void NullBulk() { resp_ >= 3 ? out_->append("_\r\n", 3) : out_->append("$-1\r\n", 5); }
  // The "no value" reply of commands that return an array (EXEC, BLPOP timeout).
  void NullArray() { resp_ >= 3 ? out_->append("_\r\n", 3) : out_->append("*-1\r\n", 5); }
  void ArrayHeader(int64_t n) { Prefixed('*', n); }
  void MapHeader(int64_t pairs) { resp_ >= 3 ? Prefixed('%', pairs) : Prefixed('*', pairs * 2); }
  void SetHeader(int64_t n) { Prefixed(resp_ >= 3 ? '~' : '*', n); }
  void PushHeader(int64_t n) { Prefixed(resp_ >= 3 ? '>' : '*', n); }
  void EmptyArray() { out_->append("*0\r\n", 4); }
  // Doubles as Redis 7.0 prints them: "%.17g", "inf", "-inf".
  void Double(double d);
  void Boolean(bool b) {
    if (resp_ >= 3) {
      out_->append(b ? "#t\r\n" : "#f\r\n", 4);
    } else {
      Integer(b ? 1 : 0);
    }
  }
  void BigNumber(std::string_view digits);
  // RESP3 verbatim string ("=len\r\ntxt:..."); a bulk string in RESP2.
  void Verbatim(std::string_view text, std::string_view format = "txt");
  // Pre-encoded RESP, written as is.
  void Raw(std::string_view encoded) { out_->append(encoded); }

  // Any Value, encoded for this writer's protocol.
  void Write(const Value& v);

  // Errors written so far: the dispatcher compares before and after a command
  // to count failed calls and errors by code.
  uint64_t errors_written() const { return errors_written_; }
  std::string_view last_error_code() const { return last_error_code_; }

 private:
  void Crlf() { out_->append("\r\n", 2); }
  void Prefixed(char prefix, int64_t n) {
    char buf[24];
    buf[0] = prefix;
    char* end = std::to_chars(buf + 1, buf + sizeof(buf) - 2, n).ptr;
    end[0] = '\r';
    end[1] = '\n';
    out_->append(buf, end + 2 - buf);
  }

  std::string* out_;
  int resp_;
  uint64_t errors_written_ = 0;
  std::string last_error_code_;
};

// Formats a double the way Redis 7.0 replies with one ("%.17g", inf, -inf).
// Returns the length written into buf (at least 32 bytes).
size_t FormatDouble(double d, char* buf);

}  // namespace ember::protocol
