// RequestParser: turns the bytes a client sent into commands.
//
// Clients speak two request formats. Real clients send RESP arrays of bulk
// strings ("multibulk"):
//
//     *3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n
//
// where every length is declared before its bytes, so the server never scans
// the payload itself. Humans with telnet, and redis-benchmark's PING_INLINE,
// send "inline" commands: one line, words split on spaces, with "..." and
// '...' quoting as in redis-cli.
//
// TCP delivers a byte stream, not messages: one read may hold half a command,
// or a hundred (pipelining). The parser is therefore incremental. It parses
// one command at a time from the start of the unprocessed input, remembers
// how far it got when the input ends mid-command, and resumes there when more
// bytes arrive, so a 512 MB value arriving in 16 KB reads is not re-scanned
// from the top each time.
//
// Arguments are string_views into the caller's buffer: no copy per argument.
// They stay valid until the caller changes that part of the buffer.
//
// Every declared length is checked before it is trusted (Redis limits and
// texts): a multibulk count above INT_MAX, a negative bulk length or one above
// proto-max-bulk-len, or a header or inline line over 64 KB without its CRLF
// is a protocol error, after which the caller replies and closes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ember::protocol {

struct RequestLimits {
  int64_t max_bulk_len = 512LL * 1024 * 1024;  // proto-max-bulk-len
  size_t max_inline_len = 64 * 1024;           // PROTO_INLINE_MAX_SIZE
  // Before AUTH succeeds Redis accepts only tiny requests, so a stranger
  // cannot make it allocate.
  bool authenticated = true;
};

class RequestParser {
 public:
  enum class Result {
    kCommand,   // args() holds one command; consumed() bytes were used
    kNeedMore,  // input ends mid-command (or holds only empty requests)
    kError,     // framing error; error() holds the reply text
  };

  // Parses the next command from `input`, which must start where the
  // previous call's consumed() bytes ended. Empty requests (blank lines,
  // "*0") are consumed silently.
  Result Parse(std::string_view input, const RequestLimits& limits);

  // Valid after kCommand, until the input bytes change.
  std::span<const std::string_view> args() const { return args_; }
  // Bytes of `input` that the caller may discard.
  size_t consumed() const { return consumed_; }
  const std::string& error() const { return error_; }
  // After kNeedMore in the middle of a bulk string: how many more bytes the
  // caller may make room for (for sizing reads of large values); 0 if
  // unknown. Only a hint, and a bounded one: never more than the bytes of
  // the command received so far, so a declared length alone cannot make the
  // caller allocate it.
  size_t pending_bulk_bytes() const { return pending_bulk_; }

 private:
  Result ParseMultibulk(std::string_view in, const RequestLimits& limits);
  Result ParseInline(std::string_view in, const RequestLimits& limits);
  Result Fail(std::string message);
  void ResetCommand();

  // State of a multibulk command being parsed, relative to its first byte.
  size_t pos_ = 0;               // next byte to look at
  int64_t args_remaining_ = -1;  // -1: count line not read yet
  int64_t bulk_len_ = -1;        // -1: next bulk header not read yet
  std::vector<std::pair<size_t, size_t>> offsets_;  // (offset, length) per arg

  std::vector<std::string_view> args_;
  std::vector<std::string> inline_args_;  // unescaped inline words
  size_t consumed_ = 0;
  size_t pending_bulk_ = 0;
  std::string error_;
};

// Splits a line into words the way Redis's sdssplitargs does (used for inline
// commands and for config files): spaces separate words; "..." understands
// \n \r \t \b \a \xHH and \<char>; '...' understands \'. A closing quote must
// be followed by a space or the end. Returns false on unbalanced quotes.
bool SplitArgs(std::string_view line, std::vector<std::string>* out);

// Redis's string2ll: a strict base-10 int64 ("-0", "01", "+1", " 1" and
// overflow are rejected).
bool ParseInt64(std::string_view s, int64_t* out);

}  // namespace ember::protocol
