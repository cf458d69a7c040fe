// One RESP value type, shared by the client library, the tests and the AOF.
//
// RESP2 has five kinds of reply: simple string (+OK), error (-ERR ...),
// integer (:1), bulk string ($3\r\nfoo) and array (*2\r\n...), plus two
// "nulls" that are really a bulk or an array of length -1. RESP3 (after
// HELLO 3) adds real types: null (_), double (,), boolean (#), big number
// ((), verbatim string (=), map (%), set (~) and push (>) for out-of-band
// messages such as pub/sub.
//
// The server does not build Values on its hot path: it writes replies
// straight into the connection's buffer with ReplyWriter. Values exist for the
// code that *reads* replies (client, tests) and for composing small replies.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ember::protocol {

enum class Type : uint8_t {
  kSimpleString,
  kError,
  kInteger,
  kBulkString,
  kNullBulk,   // RESP2 $-1
  kNullArray,  // RESP2 *-1
  kNull,       // RESP3 _
  kArray,
  kMap,  // elements hold key, value, key, value, ...
  kSet,
  kDouble,
  kBoolean,
  kBigNumber,
  kVerbatim,  // str holds the text, format the three-letter format ("txt")
  kPush,
};

std::string_view TypeName(Type type);

class Value {
 public:
  Value() : type_(Type::kNull) {}

  static Value Simple(std::string s) { return Value(Type::kSimpleString, std::move(s)); }
  static Value Error(std::string s) { return Value(Type::kError, std::move(s)); }
  static Value Bulk(std::string s) { return Value(Type::kBulkString, std::move(s)); }
  static Value BigNumber(std::string s) { return Value(Type::kBigNumber, std::move(s)); }
  static Value Verbatim(std::string format, std::string s);
  static Value Integer(int64_t i);
  static Value Double(double d);
  static Value Boolean(bool b);
  static Value NullBulk() { return Value(Type::kNullBulk); }
  static Value NullArray() { return Value(Type::kNullArray); }
  static Value Null() { return Value(Type::kNull); }
  static Value Array(std::vector<Value> elements) {
    return Aggregate(Type::kArray, std::move(elements));
  }
  static Value Map(std::vector<Value> keys_and_values) {
    return Aggregate(Type::kMap, std::move(keys_and_values));
  }
  static Value Set(std::vector<Value> elements) {
    return Aggregate(Type::kSet, std::move(elements));
  }
  static Value Push(std::vector<Value> elements) {
    return Aggregate(Type::kPush, std::move(elements));
  }
  static Value Aggregate(Type type, std::vector<Value> elements);
  // An array of bulk strings: the shape of every request.
  static Value Command(std::initializer_list<std::string_view> args);

  Type type() const { return type_; }
  bool IsError() const { return type_ == Type::kError; }
  bool IsNull() const {
    return type_ == Type::kNull || type_ == Type::kNullBulk || type_ == Type::kNullArray;
  }
  bool IsAggregate() const {
    return type_ == Type::kArray || type_ == Type::kMap || type_ == Type::kSet ||
           type_ == Type::kPush;
  }
  // Text of a simple string, error, bulk, big number or verbatim value.
  const std::string& str() const { return str_; }
  const std::string& format() const { return format_; }
  int64_t integer() const { return integer_; }
  double dbl() const { return double_; }
  bool boolean() const { return integer_ != 0; }
  const std::vector<Value>& elements() const { return elements_; }
  std::vector<Value>& elements() { return elements_; }

  // Human-readable form in the style of redis-cli, for test failure messages.
  std::string DebugString() const;

  friend bool operator==(const Value& a, const Value& b);

 private:
  explicit Value(Type type) : type_(type) {}
  Value(Type type, std::string s) : type_(type), str_(std::move(s)) {}

  Type type_;
  int64_t integer_ = 0;
  double double_ = 0;
  std::string str_;
  std::string format_;
  std::vector<Value> elements_;
};

}  // namespace ember::protocol
