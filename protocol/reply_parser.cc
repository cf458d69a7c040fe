#include "protocol/reply_parser.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "protocol/request_parser.h"

namespace ember::protocol {

namespace {

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

  // Returns kIncomplete / kInvalid, or kOk with *out filled (when non-null).
  ParseStatus Read(Value* out, int depth) {
    if (depth > 1000) return Fail("nesting too deep");
    std::string_view line;
    if (!ReadLine(&line)) return status_;
    if (line.empty()) return Fail("empty line");
    char kind = line[0];
    std::string_view body = line.substr(1);
    switch (kind) {
      case '+':
        if (out) *out = Value::Simple(std::string(body));
        return ParseStatus::kOk;
      case '-':
        if (out) *out = Value::Error(std::string(body));
        return ParseStatus::kOk;
      case ':': {
        int64_t n;
        if (!ParseInt64(body, &n)) return Fail("bad integer");
        if (out) *out = Value::Integer(n);
        return ParseStatus::kOk;
      }
      case '_':
        if (out) *out = Value::Null();
        return ParseStatus::kOk;
      case '#':
        if (body != "t" && body != "f") return Fail("bad boolean");
        if (out) *out = Value::Boolean(body == "t");
        return ParseStatus::kOk;
      case ',': {
        std::string text(body);
        double d;
        if (text == "inf" || text == "+inf") {
          d = HUGE_VAL;
        } else if (text == "-inf") {
          d = -HUGE_VAL;
        } else {
          char* end = nullptr;
          d = std::strtod(text.c_str(), &end);
          if (text.empty() || *end != '\0') return Fail("bad double");
        }
        if (out) *out = Value::Double(d);
        return ParseStatus::kOk;
      }
      case '(':
        if (out) *out = Value::BigNumber(std::string(body));
        return ParseStatus::kOk;
      case '$':
      case '=':
      case '!': {
        int64_t len;
        if (!ParseInt64(body, &len) || len < -1) return Fail("bad bulk length");
        if (len == -1) {
          if (kind != '$') return Fail("bad length");
          if (out) *out = Value::NullBulk();
          return ParseStatus::kOk;
        }
        if (in_.size() - pos_ < static_cast<size_t>(len) + 2) {
          status_ = ParseStatus::kIncomplete;
          return status_;
        }
        std::string_view data = in_.substr(pos_, static_cast<size_t>(len));
        if (in_.substr(pos_ + len, 2) != "\r\n") return Fail("bulk not terminated by CRLF");
        pos_ += static_cast<size_t>(len) + 2;
        if (out) {
          if (kind == '=') {
            if (data.size() < 4 || data[3] != ':') return Fail("bad verbatim string");
            *out = Value::Verbatim(std::string(data.substr(0, 3)), std::string(data.substr(4)));
          } else if (kind == '!') {
            *out = Value::Error(std::string(data));
          } else {
            *out = Value::Bulk(std::string(data));
          }
        }
        return ParseStatus::kOk;
      }
      case '*':
      case '%':
      case '~':
      case '>':
      case '|': {
        int64_t n;
        if (!ParseInt64(body, &n) || n < -1 || n > INT64_MAX / 2) {
          return Fail("bad aggregate length");
        }
        if (n == -1) {
          if (kind != '*') return Fail("bad length");
          if (out) *out = Value::NullArray();
          return ParseStatus::kOk;
        }
        int64_t count = (kind == '%' || kind == '|') ? n * 2 : n;
        std::vector<Value> elements;
        if (out) elements.reserve(static_cast<size_t>(count < 4096 ? count : 4096));
        for (int64_t i = 0; i < count; ++i) {
          Value e;
          ParseStatus s = Read(out ? &e : nullptr, depth + 1);
          if (s != ParseStatus::kOk) return s;
          if (out) elements.push_back(std::move(e));
        }
        if (kind == '|') return Read(out, depth);  // attributes precede the real reply
        if (out) {
          Type t = kind == '*'   ? Type::kArray
                   : kind == '%' ? Type::kMap
                   : kind == '~' ? Type::kSet
                                 : Type::kPush;
          *out = Value::Aggregate(t, std::move(elements));
        }
        return ParseStatus::kOk;
      }
      default:
        return Fail(std::string("unknown type byte '") + kind + "'");
    }
  }

  size_t pos() const { return pos_; }
  const std::string& error() const { return error_; }

 private:
  bool ReadLine(std::string_view* line) {
    size_t cr = in_.find("\r\n", pos_);
    if (cr == std::string_view::npos) {
      status_ = ParseStatus::kIncomplete;
      return false;
    }
    *line = in_.substr(pos_, cr - pos_);
    pos_ = cr + 2;
    return true;
  }
  ParseStatus Fail(std::string what) {
    error_ = std::move(what);
    status_ = ParseStatus::kInvalid;
    return status_;
  }

  std::string_view in_;
  size_t pos_ = 0;
  ParseStatus status_ = ParseStatus::kOk;
  std::string error_;
};

}  // namespace

ReplyParseResult ParseReply(std::string_view input, Value* out) {
  Reader reader(input);
  ReplyParseResult result;
  result.status = reader.Read(out, 0);
  if (result.status == ParseStatus::kOk) result.consumed = reader.pos();
  if (result.status == ParseStatus::kInvalid) result.error = reader.error();
  return result;
}

size_t ReplyLength(std::string_view input, bool* invalid) {
  Reader reader(input);
  ParseStatus s = reader.Read(nullptr, 0);
  *invalid = s == ParseStatus::kInvalid;
  return s == ParseStatus::kOk ? reader.pos() : 0;
}

}  // namespace ember::protocol
