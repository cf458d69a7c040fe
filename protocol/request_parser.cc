#include "protocol/request_parser.h"

#include <algorithm>
#include <climits>
#include <cstring>

#include "protocol/errors.h"

namespace ember::protocol {

namespace {

// Redis's caps on requests from clients that have not authenticated yet.
constexpr int64_t kUnauthMaxArgs = 10;
constexpr int64_t kUnauthMaxBulk = 16384;

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

bool IsSpace(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f';
}

// The fast path for the number on a header line ("*3\r\n", "$16\r\n"): a
// short canonical non-negative number starting at s[start] and ending at a
// CR. Sets *value and *cr (the CR's index). Anything else (no CR yet, a sign,
// a leading zero, a stray byte) returns false, and the caller's general path
// decides between waiting for more and a protocol error, so both paths
// accept exactly what ParseInt64 accepts.
bool ScanShortNumber(std::string_view s, size_t start, int64_t* value, size_t* cr) {
  constexpr size_t kMaxDigits = 18;  // cannot overflow int64
  size_t end = std::min(s.size(), start + kMaxDigits + 1);
  if (start >= end) return false;
  if (s[start] == '0') {
    if (start + 1 >= end || s[start + 1] != '\r') return false;
    *value = 0;
    *cr = start + 1;
    return true;
  }
  int64_t v = 0;
  for (size_t i = start; i < end; ++i) {
    char c = s[i];
    if (c == '\r') {
      if (i == start) return false;
      *value = v;
      *cr = i;
      return true;
    }
    // A 19th digit could overflow: the full parser decides those.
    if (c < '0' || c > '9' || i - start == kMaxDigits) return false;
    v = v * 10 + (c - '0');
  }
  return false;
}

}  // namespace

bool ParseInt64(std::string_view s, int64_t* out) {
  // Like Redis's string2ll: at most 20 characters, no sign but '-', no
  // leading zeros, no spaces.
  if (s.empty() || s.size() >= 21) return false;
  if (s.size() == 1 && s[0] == '0') {
    *out = 0;
    return true;
  }
  size_t i = 0;
  bool negative = false;
  if (s[0] == '-') {
    negative = true;
    if (++i == s.size()) return false;
  }
  if (s[i] < '1' || s[i] > '9') return false;
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c < '0' || c > '9') return false;
    if (v > (UINT64_MAX - 9) / 10 && v > (UINT64_MAX - static_cast<uint64_t>(c - '0')) / 10) {
      return false;
    }
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (negative) {
    if (v > static_cast<uint64_t>(INT64_MAX) + 1) return false;
    *out = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<uint64_t>(INT64_MAX)) return false;
    *out = static_cast<int64_t>(v);
  }
  return true;
}

bool SplitArgs(std::string_view line, std::vector<std::string>* out) {
  out->clear();
  size_t p = 0;
  const size_t n = line.size();
  // sdssplitargs works on a C string: a NUL ends the line.
  size_t nul = line.find('\0');
  const size_t end = nul == std::string_view::npos ? n : nul;
  for (;;) {
    while (p < end && IsSpace(line[p])) ++p;
    if (p >= end) return true;
    bool in_double = false, in_single = false, done = false;
    std::string current;
    while (!done) {
      if (in_double) {
        if (p >= end) return false;  // unterminated quotes
        char c = line[p];
        if (c == '\\' && p + 3 < end && line[p + 1] == 'x' && IsHexDigit(line[p + 2]) &&
            IsHexDigit(line[p + 3])) {
          current.push_back(static_cast<char>(HexValue(line[p + 2]) * 16 + HexValue(line[p + 3])));
          p += 3;
        } else if (c == '\\' && p + 1 < end) {
          ++p;
          switch (line[p]) {
            case 'n': current.push_back('\n'); break;
            case 'r': current.push_back('\r'); break;
            case 't': current.push_back('\t'); break;
            case 'b': current.push_back('\b'); break;
            case 'a': current.push_back('\a'); break;
            default: current.push_back(line[p]); break;
          }
        } else if (c == '"') {
          // The closing quote must be followed by a space or nothing.
          if (p + 1 < end && !IsSpace(line[p + 1])) return false;
          done = true;
        } else {
          current.push_back(c);
        }
      } else if (in_single) {
        if (p >= end) return false;
        char c = line[p];
        if (c == '\\' && p + 1 < end && line[p + 1] == '\'') {
          ++p;
          current.push_back('\'');
        } else if (c == '\'') {
          if (p + 1 < end && !IsSpace(line[p + 1])) return false;
          done = true;
        } else {
          current.push_back(c);
        }
      } else {
        if (p >= end) {
          done = true;
          break;
        }
        char c = line[p];
        switch (c) {
          case ' ': case '\n': case '\r': case '\t':
            done = true;
            break;
          case '"': in_double = true; break;
          case '\'': in_single = true; break;
          default: current.push_back(c); break;
        }
      }
      if (p < end) ++p;
    }
    out->push_back(std::move(current));
  }
}

void RequestParser::ResetCommand() {
  pos_ = 0;
  args_remaining_ = -1;
  bulk_len_ = -1;
  offsets_.clear();
  pending_bulk_ = 0;
}

RequestParser::Result RequestParser::Fail(std::string message) {
  error_ = std::move(message);
  ResetCommand();
  return Result::kError;
}

RequestParser::Result RequestParser::Parse(std::string_view input, const RequestLimits& limits) {
  consumed_ = 0;
  pending_bulk_ = 0;
  for (;;) {
    std::string_view in = input.substr(consumed_);
    if (in.empty()) return Result::kNeedMore;
    Result r = in[0] == '*' || args_remaining_ >= 0 ? ParseMultibulk(in, limits)
                                                     : ParseInline(in, limits);
    // A command of zero words is consumed and skipped, as Redis does.
    if (r == Result::kCommand && args_.empty()) continue;
    return r;
  }
}

RequestParser::Result RequestParser::ParseInline(std::string_view in,
                                                 const RequestLimits& limits) {
  size_t newline = in.find('\n');
  if (newline == std::string_view::npos) {
    if (in.size() > limits.max_inline_len) {
      return Fail(std::string(errors::kProtoPrefix) + std::string(errors::kProtoTooBigInline));
    }
    return Result::kNeedMore;
  }
  std::string_view line = in.substr(0, newline);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (!SplitArgs(line, &inline_args_)) {
    return Fail(std::string(errors::kProtoPrefix) + std::string(errors::kProtoUnbalancedQuotes));
  }
  args_.clear();
  for (const std::string& a : inline_args_) args_.emplace_back(a);
  consumed_ += newline + 1;
  return Result::kCommand;
}

RequestParser::Result RequestParser::ParseMultibulk(std::string_view in,
                                                    const RequestLimits& limits) {
  if (args_remaining_ < 0) {
    int64_t count;
    size_t line_end;
    const bool fast = ScanShortNumber(in, 1, &count, &line_end);
    if (!fast) {
      const char* cr = static_cast<const char*>(std::memchr(in.data(), '\r', in.size()));
      if (cr == nullptr) {
        if (in.size() > limits.max_inline_len) {
          return Fail(std::string(errors::kProtoPrefix) +
                      std::string(errors::kProtoTooBigMbulkCount));
        }
        return Result::kNeedMore;
      }
      line_end = cr - in.data();
    }
    if (line_end + 1 >= in.size()) return Result::kNeedMore;  // the '\n' has not arrived
    if ((!fast && !ParseInt64(in.substr(1, line_end - 1), &count)) || count > INT_MAX) {
      return Fail(std::string(errors::kProtoPrefix) +
                  std::string(errors::kProtoInvalidMultibulk));
    }
    if (!limits.authenticated && count > kUnauthMaxArgs) {
      return Fail(std::string(errors::kProtoPrefix) + std::string(errors::kProtoUnauthMultibulk));
    }
    pos_ = line_end + 2;
    if (count <= 0) {
      consumed_ += pos_;
      ResetCommand();
      args_.clear();
      return Result::kCommand;  // empty: skipped by Parse()
    }
    args_remaining_ = count;
    // Reserve for the declared count only up to what a sane request holds;
    // the vector grows as arguments actually arrive.
    offsets_.reserve(static_cast<size_t>(count < 1024 ? count : 1024));
  }

  while (args_remaining_ > 0) {
    if (bulk_len_ < 0) {
      std::string_view rest = in.substr(pos_);
      int64_t len;
      size_t line_end;
      const bool fast = ScanShortNumber(rest, 1, &len, &line_end);
      if (!fast) {
        const char* cr = static_cast<const char*>(std::memchr(rest.data(), '\r', rest.size()));
        if (cr == nullptr) {
          if (rest.size() > limits.max_inline_len) {
            return Fail(std::string(errors::kProtoPrefix) +
                        std::string(errors::kProtoTooBigBulkCount));
          }
          return Result::kNeedMore;
        }
        line_end = cr - rest.data();
      }
      if (line_end + 1 >= rest.size()) return Result::kNeedMore;
      if (rest[0] != '$') return Fail(errors::ProtoExpectedDollar(rest[0]));
      if ((!fast && !ParseInt64(rest.substr(1, line_end - 1), &len)) || len < 0 ||
          len > limits.max_bulk_len) {
        return Fail(std::string(errors::kProtoPrefix) + std::string(errors::kProtoInvalidBulk));
      }
      if (!limits.authenticated && len > kUnauthMaxBulk) {
        return Fail(std::string(errors::kProtoPrefix) + std::string(errors::kProtoUnauthBulk));
      }
      pos_ += line_end + 2;
      bulk_len_ = len;
    }
    // Like Redis, the two bytes after the payload are skipped, not checked.
    size_t need = static_cast<size_t>(bulk_len_) + 2;
    if (in.size() - pos_ < need) {
      // The hint never exceeds what this command has already sent: a client
      // that declares 512 MB and sends 20 bytes gets a buffer that grows
      // with the bytes that actually arrive (at most doubling), not one
      // allocated on its word.
      pending_bulk_ = std::min(need - (in.size() - pos_), in.size());
      return Result::kNeedMore;
    }
    offsets_.emplace_back(pos_, static_cast<size_t>(bulk_len_));
    pos_ += need;
    bulk_len_ = -1;
    --args_remaining_;
  }

  args_.clear();
  for (const auto& [offset, len] : offsets_) args_.emplace_back(in.data() + offset, len);
  consumed_ += pos_;
  ResetCommand();
  return Result::kCommand;
}

}  // namespace ember::protocol
