// The request parser reads the common shape of a header line (a short
// number after '*' or '$') through a fast path and everything else through
// the general code. These tests pin down that the two agree with Redis's
// rules at the edges: a header number is a canonical int64 (no sign but
// '-', no leading zero, no spaces), an incomplete line waits, and a wrong
// prefix is reported only once its line has arrived. The inline cases pin
// down sdssplitargs's word rules, which the parser follows.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "protocol/request_parser.h"

namespace ember::protocol {
namespace {

using Result = RequestParser::Result;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct Parsed {
  Result result;
  std::vector<std::string> args;
  std::string error;
  size_t consumed = 0;
};

Parsed ParseOnce(std::string_view input) {
  RequestParser parser;
  Parsed p;
  p.result = parser.Parse(input, RequestLimits{});
  for (std::string_view a : parser.args()) p.args.emplace_back(a);
  p.error = parser.error();
  p.consumed = parser.consumed();
  return p;
}

TEST(RequestParserFastPath, ShortHeadersParse) {
  Parsed p = ParseOnce("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$12\r\nhello world!\r\n");
  ASSERT_EQ(p.result, Result::kCommand);
  EXPECT_THAT(p.args, ElementsAre("SET", "k", "hello world!"));
}

TEST(RequestParserFastPath, ZeroLengthBulkIsAnEmptyArgument) {
  Parsed p = ParseOnce("*2\r\n$4\r\nECHO\r\n$0\r\n\r\n");
  ASSERT_EQ(p.result, Result::kCommand);
  EXPECT_THAT(p.args, ElementsAre("ECHO", ""));
}

TEST(RequestParserFastPath, LeadingZeroInBulkLengthIsInvalid) {
  Parsed p = ParseOnce("*1\r\n$04\r\nPING\r\n");
  ASSERT_EQ(p.result, Result::kError);
  EXPECT_THAT(p.error, HasSubstr("invalid bulk length"));
  EXPECT_EQ(ParseOnce("*1\r\n$00\r\n\r\n").result, Result::kError);
}

TEST(RequestParserFastPath, LeadingZeroOrPlusInCountIsInvalid) {
  Parsed p = ParseOnce("*01\r\n$4\r\nPING\r\n");
  ASSERT_EQ(p.result, Result::kError);
  EXPECT_THAT(p.error, HasSubstr("invalid multibulk length"));
  EXPECT_EQ(ParseOnce("*+1\r\n$4\r\nPING\r\n").result, Result::kError);
}

TEST(RequestParserFastPath, NegativeCountIsAnEmptyRequest) {
  Parsed p = ParseOnce("*-1\r\n*1\r\n$4\r\nPING\r\n");
  ASSERT_EQ(p.result, Result::kCommand);
  EXPECT_THAT(p.args, ElementsAre("PING"));
}

TEST(RequestParserFastPath, NegativeBulkLengthIsInvalid) {
  EXPECT_EQ(ParseOnce("*1\r\n$-1\r\n").result, Result::kError);
}

TEST(RequestParserFastPath, LongNumbersTakeTheGeneralPath) {
  // Nineteen digits: too many for the fast path, a valid int64, and over
  // INT_MAX for a count.
  Parsed p = ParseOnce("*1000000000000000000\r\n");
  ASSERT_EQ(p.result, Result::kError);
  EXPECT_THAT(p.error, HasSubstr("invalid multibulk length"));
}

TEST(RequestParserFastPath, HeaderWithoutItsLineFeedWaits) {
  EXPECT_EQ(ParseOnce("*1\r").result, Result::kNeedMore);
  EXPECT_EQ(ParseOnce("*1\r\n$4\r").result, Result::kNeedMore);
  EXPECT_EQ(ParseOnce("*1\r\n$4").result, Result::kNeedMore);
}

TEST(RequestParserFastPath, MissingDollarIsReportedAfterTheLineArrives) {
  EXPECT_EQ(ParseOnce("*1\r\n:4").result, Result::kNeedMore);
  Parsed p = ParseOnce("*1\r\n:4\r\nPING\r\n");
  ASSERT_EQ(p.result, Result::kError);
  EXPECT_THAT(p.error, HasSubstr("expected '$', got ':'"));
}

TEST(RequestParserFastPath, InlineWordsSplitOnSpaceTabAndLineEnds) {
  Parsed p = ParseOnce("  SET\tk   v  \r\n");
  ASSERT_EQ(p.result, Result::kCommand);
  EXPECT_THAT(p.args, ElementsAre("SET", "k", "v"));
}

TEST(RequestParserFastPath, InlineVerticalTabIsPartOfAWordButSkippedBeforeOne) {
  // sdssplitargs skips any isspace() before a word, but only ' ', \n, \r
  // and \t end one.
  Parsed p = ParseOnce("\vECHO a\vb\n");
  ASSERT_EQ(p.result, Result::kCommand);
  EXPECT_THAT(p.args, ElementsAre("ECHO", "a\vb"));
}

TEST(RequestParserFastPath, InlineQuotesStillUnescape) {
  Parsed p = ParseOnce("ECHO \"a\\x41\\n\" 'it''s'x\r\n");
  EXPECT_EQ(p.result, Result::kError);  // a closing quote must end the word
  p = ParseOnce("ECHO \"a\\x41\\n\" 'it\\'s'\r\n");
  ASSERT_EQ(p.result, Result::kCommand);
  EXPECT_THAT(p.args, ElementsAre("ECHO", "aA\n", "it's"));
}

TEST(RequestParserFastPath, InlineNulEndsTheLine) {
  Parsed p = ParseOnce(std::string_view("ECHO a\0b\r\n", 11));
  ASSERT_EQ(p.result, Result::kCommand);
  EXPECT_THAT(p.args, ElementsAre("ECHO", "a"));
}

}  // namespace
}  // namespace ember::protocol
