// How Redis encodes replies (networking.c: addReply*), in RESP2 and RESP3.
//
// A client picks its protocol with HELLO. RESP3 has real types; RESP2 gets
// the same replies folded into its five: a map becomes a flat array of
// key, value, key, value; a set an array; a double a bulk string; a boolean
// the integer 1 or 0; a verbatim string a plain bulk string. RESP2 also has
// two different nulls: the null bulk ($-1) of commands that return a string
// and the null array (*-1) of commands that return an array; RESP3 has one
// null (_). Every byte below is what Redis 7.0 sends.
#include "protocol/reply_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>

namespace ember::protocol {
namespace {

std::string Encode(int resp, const std::function<void(ReplyWriter&)>& write) {
  std::string out;
  ReplyWriter w(&out, resp);
  write(w);
  return out;
}

std::string Resp2(const std::function<void(ReplyWriter&)>& write) { return Encode(2, write); }
std::string Resp3(const std::function<void(ReplyWriter&)>& write) { return Encode(3, write); }

TEST(ReplyWriter, SimpleStringsAndOk) {
  for (int resp : {2, 3}) {
    EXPECT_EQ(Encode(resp, [](ReplyWriter& w) { w.Ok(); }), "+OK\r\n");
    EXPECT_EQ(Encode(resp, [](ReplyWriter& w) { w.SimpleString("PONG"); }), "+PONG\r\n");
  }
}

TEST(ReplyWriter, IntegersIncludingTheExtremes) {
  for (int resp : {2, 3}) {
    EXPECT_EQ(Encode(resp, [](ReplyWriter& w) { w.Integer(0); }), ":0\r\n");
    EXPECT_EQ(Encode(resp, [](ReplyWriter& w) { w.Integer(-2); }), ":-2\r\n");
    EXPECT_EQ(Encode(resp, [](ReplyWriter& w) { w.Integer(INT64_MIN); }),
              ":-9223372036854775808\r\n");
    EXPECT_EQ(Encode(resp, [](ReplyWriter& w) { w.Integer(INT64_MAX); }),
              ":9223372036854775807\r\n");
  }
}

TEST(ReplyWriter, BulkStringsAreLengthPrefixedAndBinarySafe) {
  for (int resp : {2, 3}) {
    EXPECT_EQ(Encode(resp, [](ReplyWriter& w) { w.Bulk("hello"); }), "$5\r\nhello\r\n");
    EXPECT_EQ(Encode(resp, [](ReplyWriter& w) { w.Bulk(""); }), "$0\r\n\r\n");
    EXPECT_EQ(Encode(resp, [](ReplyWriter& w) { w.Bulk(std::string_view("a\r\n\0", 4)); }),
              std::string("$4\r\na\r\n\0\r\n", 10));
    EXPECT_EQ(Encode(resp, [](ReplyWriter& w) { w.BulkInteger(-123); }), "$4\r\n-123\r\n");
  }
}

TEST(ReplyWriter, NullBulkAndNullArrayDifferInResp2Only) {
  EXPECT_EQ(Resp2([](ReplyWriter& w) { w.NullBulk(); }), "$-1\r\n");
  EXPECT_EQ(Resp2([](ReplyWriter& w) { w.NullArray(); }), "*-1\r\n");
  EXPECT_EQ(Resp3([](ReplyWriter& w) { w.NullBulk(); }), "_\r\n");
  EXPECT_EQ(Resp3([](ReplyWriter& w) { w.NullArray(); }), "_\r\n");
}

TEST(ReplyWriter, ArraysAndEmptyArrays) {
  for (int resp : {2, 3}) {
    EXPECT_EQ(Encode(resp,
                     [](ReplyWriter& w) {
                       w.ArrayHeader(2);
                       w.Bulk("a");
                       w.Integer(1);
                     }),
              "*2\r\n$1\r\na\r\n:1\r\n");
    EXPECT_EQ(Encode(resp, [](ReplyWriter& w) { w.EmptyArray(); }), "*0\r\n");
  }
}

TEST(ReplyWriter, MapIsAFlatArrayOfTwiceAsManyElementsInResp2) {
  auto write = [](ReplyWriter& w) {
    w.MapHeader(2);
    w.Bulk("a");
    w.Integer(1);
    w.Bulk("b");
    w.Integer(2);
  };
  EXPECT_EQ(Resp2(write), "*4\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n:2\r\n");
  EXPECT_EQ(Resp3(write), "%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n:2\r\n");
}

TEST(ReplyWriter, SetAndPushAreArraysInResp2) {
  EXPECT_EQ(Resp2([](ReplyWriter& w) { w.SetHeader(3); }), "*3\r\n");
  EXPECT_EQ(Resp3([](ReplyWriter& w) { w.SetHeader(3); }), "~3\r\n");
  EXPECT_EQ(Resp2([](ReplyWriter& w) { w.PushHeader(3); }), "*3\r\n");
  EXPECT_EQ(Resp3([](ReplyWriter& w) { w.PushHeader(3); }), ">3\r\n");
}

TEST(ReplyWriter, DoublesUsePercent17gAndABulkStringInResp2) {
  EXPECT_EQ(Resp2([](ReplyWriter& w) { w.Double(1.5); }), "$3\r\n1.5\r\n");
  EXPECT_EQ(Resp3([](ReplyWriter& w) { w.Double(1.5); }), ",1.5\r\n");
  // %.17g shows the binary value, not the shortest text that reads back.
  EXPECT_EQ(Resp3([](ReplyWriter& w) { w.Double(0.1); }), ",0.10000000000000001\r\n");
  EXPECT_EQ(Resp2([](ReplyWriter& w) { w.Double(0.1); }), "$19\r\n0.10000000000000001\r\n");
  EXPECT_EQ(Resp3([](ReplyWriter& w) { w.Double(3); }), ",3\r\n");
  EXPECT_EQ(Resp3([](ReplyWriter& w) { w.Double(1e300); }), ",1.0000000000000001e+300\r\n");
  EXPECT_EQ(Resp3([](ReplyWriter& w) { w.Double(-0.0); }), ",-0\r\n");
}

TEST(ReplyWriter, InfinitiesAreSpelledInf) {
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(Resp2([&](ReplyWriter& w) { w.Double(inf); }), "$3\r\ninf\r\n");
  EXPECT_EQ(Resp2([&](ReplyWriter& w) { w.Double(-inf); }), "$4\r\n-inf\r\n");
  EXPECT_EQ(Resp3([&](ReplyWriter& w) { w.Double(inf); }), ",inf\r\n");
  EXPECT_EQ(Resp3([&](ReplyWriter& w) { w.Double(-inf); }), ",-inf\r\n");
}

TEST(ReplyWriter, BooleansAreOneAndZeroInResp2) {
  EXPECT_EQ(Resp2([](ReplyWriter& w) { w.Boolean(true); }), ":1\r\n");
  EXPECT_EQ(Resp2([](ReplyWriter& w) { w.Boolean(false); }), ":0\r\n");
  EXPECT_EQ(Resp3([](ReplyWriter& w) { w.Boolean(true); }), "#t\r\n");
  EXPECT_EQ(Resp3([](ReplyWriter& w) { w.Boolean(false); }), "#f\r\n");
}

TEST(ReplyWriter, BigNumbersAreBulkStringsInResp2) {
  EXPECT_EQ(Resp2([](ReplyWriter& w) { w.BigNumber("12345678901234567890"); }),
            "$20\r\n12345678901234567890\r\n");
  EXPECT_EQ(Resp3([](ReplyWriter& w) { w.BigNumber("12345678901234567890"); }),
            "(12345678901234567890\r\n");
}

TEST(ReplyWriter, VerbatimStringsCarryTheirFormatInResp3Only) {
  EXPECT_EQ(Resp3([](ReplyWriter& w) { w.Verbatim("id=1\n"); }), "=9\r\ntxt:id=1\n\r\n");
  EXPECT_EQ(Resp2([](ReplyWriter& w) { w.Verbatim("id=1\n"); }), "$5\r\nid=1\n\r\n");
  EXPECT_EQ(Resp3([](ReplyWriter& w) { w.Verbatim("# x", "mkd"); }), "=7\r\nmkd:# x\r\n");
}

TEST(ReplyWriter, ErrorsGetADashAndCrlf) {
  EXPECT_EQ(Resp2([](ReplyWriter& w) { w.Error("ERR syntax error"); }), "-ERR syntax error\r\n");
  EXPECT_EQ(Resp3([](ReplyWriter& w) { w.Error("WRONGTYPE x"); }), "-WRONGTYPE x\r\n");
}

TEST(ReplyWriter, CarriageReturnsAndNewlinesInsideAnErrorBecomeSpaces) {
  EXPECT_EQ(Resp2([](ReplyWriter& w) { w.Error("ERR Unsupported option fo\no"); }),
            "-ERR Unsupported option fo o\r\n");
  EXPECT_EQ(Resp2([](ReplyWriter& w) { w.Error("ERR unknown command 'a\r\nb'"); }),
            "-ERR unknown command 'a  b'\r\n");
}

TEST(ReplyWriter, TrailingCarriageReturnsAndNewlinesOfAnErrorAreDropped) {
  // "EXPIRE k 10 foo\r\n" gets "-ERR Unsupported option foo\r\n" from Redis.
  EXPECT_EQ(Resp2([](ReplyWriter& w) { w.Error("ERR Unsupported option foo\r\n"); }),
            "-ERR Unsupported option foo\r\n");
  EXPECT_EQ(Resp2([](ReplyWriter& w) { w.Error("ERR Unsupported option foo\n\n\r"); }),
            "-ERR Unsupported option foo\r\n");
}

TEST(ReplyWriter, CountsErrorsAndRemembersTheLastCode) {
  std::string out;
  ReplyWriter w(&out);
  w.Error("ERR one");
  w.Ok();
  w.Error("WRONGTYPE two");
  EXPECT_EQ(w.errors_written(), 2u);
  EXPECT_EQ(w.last_error_code(), "WRONGTYPE");
}

TEST(ReplyWriter, WritesAnyValueInEitherProtocol) {
  Value v = Value::Map({Value::Bulk("k"), Value::Array({Value::Integer(1), Value::Null()}),
                        Value::Simple("s"), Value::Set({Value::Boolean(true)})});
  EXPECT_EQ(Encode(3, [&](ReplyWriter& w) { w.Write(v); }),
            "%2\r\n$1\r\nk\r\n*2\r\n:1\r\n_\r\n+s\r\n~1\r\n#t\r\n");
  EXPECT_EQ(Encode(2, [&](ReplyWriter& w) { w.Write(v); }),
            "*4\r\n$1\r\nk\r\n*2\r\n:1\r\n$-1\r\n+s\r\n*1\r\n:1\r\n");
}

TEST(ReplyWriter, SwitchingProtocolChangesLaterRepliesOnly) {
  std::string out;
  ReplyWriter w(&out);
  w.NullBulk();
  w.set_resp(3);
  w.NullBulk();
  EXPECT_EQ(out, "$-1\r\n_\r\n");
}

TEST(FormatDouble, MatchesRedisDoubleReplies) {
  char buf[32];
  EXPECT_EQ(std::string(buf, FormatDouble(2.5, buf)), "2.5");
  EXPECT_EQ(std::string(buf, FormatDouble(-1e-5, buf)), "-1.0000000000000001e-05");
  EXPECT_EQ(std::string(buf, FormatDouble(-std::numeric_limits<double>::infinity(), buf)), "-inf");
}

}  // namespace
}  // namespace ember::protocol
