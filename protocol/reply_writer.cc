#include "protocol/reply_writer.h"

#include <cmath>
#include <cstdio>
#include <cstring>

namespace ember::protocol {

void ReplyWriter::Error(std::string_view text) {
  // Redis (addReplyErrorFormat) first trims trailing CR and LF, so an error
  // that ends with a client's argument "foo\r\n" reads "... foo", then turns
  // the ones left inside into spaces.
  while (!text.empty() && (text.back() == '\r' || text.back() == '\n')) text.remove_suffix(1);
  ++errors_written_;
  size_t space = text.find(' ');
  last_error_code_.assign(text.substr(0, space == std::string_view::npos ? text.size() : space));
  out_->push_back('-');
  size_t start = out_->size();
  out_->append(text);
  for (size_t i = start; i < out_->size(); ++i) {
    if ((*out_)[i] == '\r' || (*out_)[i] == '\n') (*out_)[i] = ' ';
  }
  Crlf();
}

void ReplyWriter::BulkInteger(int64_t value) {
  char digits[24];
  char* end = std::to_chars(digits, digits + sizeof(digits), value).ptr;
  Bulk(std::string_view(digits, end - digits));
}

size_t FormatDouble(double d, char* buf) {
  if (std::isinf(d)) {
    const char* s = d > 0 ? "inf" : "-inf";
    size_t n = d > 0 ? 3 : 4;
    std::memcpy(buf, s, n);
    return n;
  }
  return static_cast<size_t>(std::snprintf(buf, 32, "%.17g", d));
}

void ReplyWriter::Double(double d) {
  char buf[32];
  size_t n = FormatDouble(d, buf);
  if (resp_ >= 3) {
    out_->push_back(',');
    out_->append(buf, n);
    Crlf();
  } else {
    Bulk(std::string_view(buf, n));
  }
}

void ReplyWriter::BigNumber(std::string_view digits) {
  if (resp_ >= 3) {
    out_->push_back('(');
    out_->append(digits);
    Crlf();
  } else {
    Bulk(digits);
  }
}

void ReplyWriter::Verbatim(std::string_view text, std::string_view format) {
  if (resp_ >= 3) {
    Prefixed('=', static_cast<int64_t>(text.size() + 4));
    out_->append(format);
    out_->push_back(':');
    out_->append(text);
    Crlf();
  } else {
    Bulk(text);
  }
}

void ReplyWriter::Write(const Value& v) {
  switch (v.type()) {
    case Type::kSimpleString: SimpleString(v.str()); return;
    case Type::kError: Error(v.str()); return;
    case Type::kInteger: Integer(v.integer()); return;
    case Type::kBulkString: Bulk(v.str()); return;
    case Type::kNullBulk: NullBulk(); return;
    case Type::kNullArray: NullArray(); return;
    case Type::kNull:
      resp_ >= 3 ? out_->append("_\r\n", 3) : out_->append("$-1\r\n", 5);
      return;
    case Type::kDouble: Double(v.dbl()); return;
    case Type::kBoolean: Boolean(v.boolean()); return;
    case Type::kBigNumber: BigNumber(v.str()); return;
    case Type::kVerbatim: Verbatim(v.str(), v.format()); return;
    case Type::kArray: ArrayHeader(static_cast<int64_t>(v.elements().size())); break;
    case Type::kMap: MapHeader(static_cast<int64_t>(v.elements().size() / 2)); break;
    case Type::kSet: SetHeader(static_cast<int64_t>(v.elements().size())); break;
    case Type::kPush: PushHeader(static_cast<int64_t>(v.elements().size())); break;
  }
  for (const Value& e : v.elements()) Write(e);
}

}  // namespace ember::protocol
