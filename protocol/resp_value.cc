#include "protocol/resp_value.h"

#include <fmt/format.h>

#include <cmath>

namespace ember::protocol {

std::string_view TypeName(Type type) {
  switch (type) {
    case Type::kSimpleString: return "simple-string";
    case Type::kError: return "error";
    case Type::kInteger: return "integer";
    case Type::kBulkString: return "bulk-string";
    case Type::kNullBulk: return "null-bulk";
    case Type::kNullArray: return "null-array";
    case Type::kNull: return "null";
    case Type::kArray: return "array";
    case Type::kMap: return "map";
    case Type::kSet: return "set";
    case Type::kDouble: return "double";
    case Type::kBoolean: return "boolean";
    case Type::kBigNumber: return "big-number";
    case Type::kVerbatim: return "verbatim";
    case Type::kPush: return "push";
  }
  return "unknown";
}

Value Value::Verbatim(std::string format, std::string s) {
  Value v(Type::kVerbatim, std::move(s));
  v.format_ = std::move(format);
  return v;
}

Value Value::Integer(int64_t i) {
  Value v(Type::kInteger);
  v.integer_ = i;
  return v;
}

Value Value::Double(double d) {
  Value v(Type::kDouble);
  v.double_ = d;
  return v;
}

Value Value::Boolean(bool b) {
  Value v(Type::kBoolean);
  v.integer_ = b ? 1 : 0;
  return v;
}

Value Value::Aggregate(Type type, std::vector<Value> elements) {
  Value v(type);
  v.elements_ = std::move(elements);
  return v;
}

Value Value::Command(std::initializer_list<std::string_view> args) {
  std::vector<Value> elements;
  elements.reserve(args.size());
  for (std::string_view a : args) elements.push_back(Bulk(std::string(a)));
  return Array(std::move(elements));
}

bool operator==(const Value& a, const Value& b) {
  if (a.type_ != b.type_) return false;
  switch (a.type_) {
    case Type::kInteger:
    case Type::kBoolean:
      return a.integer_ == b.integer_;
    case Type::kDouble:
      return a.double_ == b.double_ || (std::isnan(a.double_) && std::isnan(b.double_));
    case Type::kVerbatim:
      return a.format_ == b.format_ && a.str_ == b.str_;
    case Type::kArray:
    case Type::kMap:
    case Type::kSet:
    case Type::kPush:
      return a.elements_ == b.elements_;
    default:
      return a.str_ == b.str_;
  }
}

namespace {

void AppendDebug(const Value& v, std::string& out) {
  switch (v.type()) {
    case Type::kSimpleString: out += v.str(); return;
    case Type::kError: out += "(error) " + v.str(); return;
    case Type::kInteger: out += fmt::format("(integer) {}", v.integer()); return;
    case Type::kBulkString: out += '"' + v.str() + '"'; return;
    case Type::kNullBulk: out += "(nil bulk)"; return;
    case Type::kNullArray: out += "(nil array)"; return;
    case Type::kNull: out += "(nil)"; return;
    case Type::kDouble: out += fmt::format("(double) {}", v.dbl()); return;
    case Type::kBoolean: out += v.boolean() ? "(true)" : "(false)"; return;
    case Type::kBigNumber: out += "(big number) " + v.str(); return;
    case Type::kVerbatim: out += '"' + v.format() + ':' + v.str() + '"'; return;
    case Type::kArray:
    case Type::kMap:
    case Type::kSet:
    case Type::kPush: {
      const char* open = v.type() == Type::kMap ? "{" : v.type() == Type::kSet ? "~[" : "[";
      const char* close = v.type() == Type::kMap ? "}" : "]";
      if (v.type() == Type::kPush) out += ">";
      out += open;
      for (size_t i = 0; i < v.elements().size(); ++i) {
        if (i > 0) out += (v.type() == Type::kMap && i % 2 == 1) ? ": " : ", ";
        AppendDebug(v.elements()[i], out);
      }
      out += close;
      return;
    }
  }
}

}  // namespace

std::string Value::DebugString() const {
  std::string out;
  AppendDebug(*this, out);
  return out;
}

}  // namespace ember::protocol
