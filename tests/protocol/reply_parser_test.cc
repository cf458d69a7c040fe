// Reading replies back (what a client library does): every RESP2 and RESP3
// type, nested to any depth, from input that may stop anywhere.
//
// A reply is complete only when its last nested element is; until then the
// reader says "incomplete" and consumes nothing, so a client can append the
// next read and try again. RESP3 attributes (|) are out-of-band metadata
// that precede a reply: the reader skips them and returns the reply.
#include "protocol/reply_parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "protocol/reply_writer.h"

namespace ember::protocol {
namespace {

Value ParseComplete(std::string_view bytes) {
  Value v;
  ReplyParseResult r = ParseReply(bytes, &v);
  EXPECT_EQ(r.status, ParseStatus::kOk) << r.error;
  EXPECT_EQ(r.consumed, bytes.size());
  return v;
}

std::string Resp3(const Value& v) {
  std::string out;
  ReplyWriter(&out, 3).Write(v);
  return out;
}

// Values of every RESP3 type, some nested.
std::vector<Value> Samples() {
  return {
      Value::Simple("OK"),
      Value::Error("ERR something"),
      Value::Integer(INT64_MIN),
      Value::Bulk(std::string("bin\r\n\0ary", 9)),
      Value::Bulk(""),
      Value::Null(),
      Value::Double(-2.5),
      Value::Double(std::numeric_limits<double>::infinity()),
      Value::Boolean(false),
      Value::BigNumber("-1234567890123456789012345678901234567890"),
      Value::Verbatim("txt", "line one\nline two"),
      Value::Array({}),
      Value::Array({Value::Integer(1), Value::Array({Value::Bulk("deep"), Value::Null()})}),
      Value::Map({Value::Bulk("a"), Value::Set({Value::Integer(1), Value::Integer(2)}),
                  Value::Bulk("b"), Value::Map({})}),
      Value::Push({Value::Bulk("message"), Value::Bulk("ch"), Value::Bulk("hi")}),
  };
}

TEST(ReplyParser, EveryTypeRoundTripsThroughTheWriter) {
  for (const Value& v : Samples()) {
    EXPECT_EQ(ParseComplete(Resp3(v)), v) << v.DebugString();
  }
}

TEST(ReplyParser, Resp2NullsKeepTheirKind) {
  EXPECT_EQ(ParseComplete("$-1\r\n").type(), Type::kNullBulk);
  EXPECT_EQ(ParseComplete("*-1\r\n").type(), Type::kNullArray);
  EXPECT_EQ(ParseComplete("_\r\n").type(), Type::kNull);
}

TEST(ReplyParser, EveryProperPrefixIsIncompleteAndConsumesNothing) {
  for (const Value& v : Samples()) {
    std::string bytes = Resp3(v);
    for (size_t n = 0; n < bytes.size(); ++n) {
      Value out;
      ReplyParseResult r = ParseReply(std::string_view(bytes).substr(0, n), &out);
      EXPECT_EQ(r.status, ParseStatus::kIncomplete) << v.DebugString() << " cut at " << n;
      EXPECT_EQ(r.consumed, 0u);
    }
  }
}

TEST(ReplyParser, ParsesOneReplyAndReportsItsLength) {
  Value v;
  ReplyParseResult r = ParseReply("+OK\r\n:1\r\n", &v);
  EXPECT_EQ(r.status, ParseStatus::kOk);
  EXPECT_EQ(r.consumed, 5u);
  EXPECT_EQ(v, Value::Simple("OK"));
}

TEST(ReplyParser, NestedAggregates) {
  Value v = ParseComplete("*2\r\n*2\r\n:1\r\n*1\r\n$1\r\nx\r\n%1\r\n+k\r\n~1\r\n#t\r\n");
  EXPECT_EQ(v,
            Value::Array({Value::Array({Value::Integer(1), Value::Array({Value::Bulk("x")})}),
                          Value::Map({Value::Simple("k"), Value::Set({Value::Boolean(true)})})}));
}

TEST(ReplyParser, AttributesBeforeAReplyAreSkipped) {
  Value v = ParseComplete("|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n:42\r\n");
  EXPECT_EQ(v, Value::Integer(42));
}

TEST(ReplyParser, AttributesInsideAnAggregateAreSkipped) {
  Value v = ParseComplete("*2\r\n:1\r\n|1\r\n+ttl\r\n:3600\r\n:2\r\n");
  EXPECT_EQ(v, Value::Array({Value::Integer(1), Value::Integer(2)}));
}

TEST(ReplyParser, BlobErrorsAreErrors) {
  EXPECT_EQ(ParseComplete("!21\r\nSYNTAX invalid syntax\r\n"),
            Value::Error("SYNTAX invalid syntax"));
}

TEST(ReplyParser, DoublesAcceptInfinitiesAndExponents) {
  EXPECT_EQ(ParseComplete(",inf\r\n").dbl(), std::numeric_limits<double>::infinity());
  EXPECT_EQ(ParseComplete(",-inf\r\n").dbl(), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(ParseComplete(",1.5e3\r\n").dbl(), 1500);
  EXPECT_TRUE(std::isnan(ParseComplete(",nan\r\n").dbl()));
}

TEST(ReplyParser, MalformedInputIsInvalid) {
  for (std::string_view bad :
       {"?\r\n", "\r\n", ":12a\r\n", "#x\r\n", ",1.5x\r\n", "$3\r\nabcXY", "$-2\r\n", "=-1\r\n",
        "=3\r\nabc\r\n", "%-1\r\n", "*-2\r\n", "%9223372036854775807\r\n"}) {
    Value v;
    EXPECT_EQ(ParseReply(bad, &v).status, ParseStatus::kInvalid) << bad;
  }
}

TEST(ReplyLength, SlicesTheFirstReplyWithoutBuildingIt) {
  bool invalid = true;
  EXPECT_EQ(ReplyLength("*2\r\n$1\r\na\r\n:1\r\n+next\r\n", &invalid), 15u);
  EXPECT_FALSE(invalid);
  EXPECT_EQ(ReplyLength("*2\r\n$1\r\na\r\n", &invalid), 0u);
  EXPECT_FALSE(invalid);
  EXPECT_EQ(ReplyLength("^\r\n", &invalid), 0u);
  EXPECT_TRUE(invalid);
}

TEST(ReplyParser, DebugStringReadsLikeRedisCli) {
  EXPECT_EQ(ParseComplete("*3\r\n$1\r\na\r\n:1\r\n$-1\r\n").DebugString(),
            "[\"a\", (integer) 1, (nil bulk)]");
}

}  // namespace
}  // namespace ember::protocol
