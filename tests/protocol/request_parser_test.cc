// How a Redis server reads requests (networking.c: processMultibulkBuffer,
// processInlineBuffer).
//
// Clients send RESP arrays of bulk strings ("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"),
// humans with telnet send inline lines ("GET k\r\n", split like redis-cli
// arguments). TCP hands the server arbitrary slices of that stream, so the
// parser is incremental: whatever the cut, the same commands come out, and
// many commands in one read (pipelining) all come out. Every length a client
// declares is checked before it is trusted, and a framing error is answered
// with Redis's exact "Protocol error: ..." text, after which the server closes
// the connection.
#include "protocol/request_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <malloc.h>

#include <string>
#include <string_view>
#include <vector>

namespace ember::protocol {
namespace {

using Command = std::vector<std::string>;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Feeds bytes to a parser the way a connection does: it keeps the bytes the
// parser has not consumed and appends each new read after them.
class Feeder {
 public:
  explicit Feeder(RequestLimits limits = {}) : limits_(limits) {}

  void Feed(std::string_view chunk) {
    if (!error_.empty()) return;  // the connection is closed after an error
    buffer_.append(chunk);
    for (;;) {
      RequestParser::Result r = parser_.Parse(buffer_, limits_);
      if (r == RequestParser::Result::kError) {
        error_ = parser_.error();
        return;
      }
      size_t consumed = parser_.consumed();
      if (r == RequestParser::Result::kNeedMore) {
        buffer_.erase(0, consumed);
        return;
      }
      commands_.emplace_back(parser_.args().begin(), parser_.args().end());
      buffer_.erase(0, consumed);
    }
  }

  const std::vector<Command>& commands() const { return commands_; }
  const std::string& error() const { return error_; }
  const std::string& buffered() const { return buffer_; }
  RequestParser& parser() { return parser_; }

 private:
  RequestLimits limits_;
  RequestParser parser_;
  std::string buffer_;
  std::vector<Command> commands_;
  std::string error_;
};

std::vector<Command> ParseAll(std::string_view bytes, RequestLimits limits = {}) {
  Feeder f(limits);
  f.Feed(bytes);
  EXPECT_EQ(f.error(), "");
  return f.commands();
}

// The error a parser reports for `bytes` fed in one piece.
std::string ErrorFor(std::string_view bytes, RequestLimits limits = {}) {
  Feeder f(limits);
  f.Feed(bytes);
  return f.error();
}

// Bytes the process holds from malloc right now (small chunks and large
// mmapped ones), to show that a parser did not allocate what a client
// merely declared.
size_t HeapInUse() {
  struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

std::string Multibulk(const Command& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const std::string& a : args) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

// --- Multibulk and inline ---

TEST(RequestParser, ParsesAMultibulkCommand) {
  EXPECT_THAT(ParseAll("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n"),
              ElementsAre(Command{"SET", "k", "hello"}));
}

TEST(RequestParser, BulkStringsAreBinarySafe) {
  std::string value("a\r\n\0b*$", 7);
  EXPECT_THAT(ParseAll(Multibulk({"SET", "k", value})), ElementsAre(Command{"SET", "k", value}));
}

TEST(RequestParser, AnEmptyBulkStringIsAnEmptyArgument) {
  EXPECT_THAT(ParseAll("*2\r\n$4\r\nECHO\r\n$0\r\n\r\n"), ElementsAre(Command{"ECHO", ""}));
}

TEST(RequestParser, ParsesAnInlineCommand) {
  EXPECT_THAT(ParseAll("SET k hello\r\n"), ElementsAre(Command{"SET", "k", "hello"}));
}

TEST(RequestParser, InlineCommandsMayEndWithABareNewline) {
  EXPECT_THAT(ParseAll("PING\n"), ElementsAre(Command{"PING"}));
}

TEST(RequestParser, InlineWordsAreSeparatedByRunsOfSpacesAndTabs) {
  EXPECT_THAT(ParseAll("  SET \t k   v  \r\n"), ElementsAre(Command{"SET", "k", "v"}));
}

TEST(RequestParser, ConsumedCountsExactlyOneCommand) {
  RequestParser p;
  std::string two = "*1\r\n$4\r\nPING\r\nECHO x\r\n";
  ASSERT_EQ(p.Parse(two, {}), RequestParser::Result::kCommand);
  EXPECT_EQ(p.consumed(), 14u);
  ASSERT_EQ(p.Parse(std::string_view(two).substr(14), {}), RequestParser::Result::kCommand);
  EXPECT_EQ(p.consumed(), 8u);
}

TEST(RequestParser, ArgumentsPointIntoTheCallersBuffer) {
  RequestParser p;
  std::string input = "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n";
  ASSERT_EQ(p.Parse(input, {}), RequestParser::Result::kCommand);
  EXPECT_EQ(p.args()[1].data(), input.data() + 17);
}

// --- Pipelining and incremental input ---

TEST(RequestParser, ParsesEveryCommandOfAPipeline) {
  std::string pipeline;
  std::vector<Command> expected;
  for (int i = 0; i < 100; ++i) {
    Command c{"SET", "key:" + std::to_string(i), std::string(i, 'x')};
    pipeline += i % 3 == 0 ? "SET " + c[1] + " \"" + c[2] + "\"\r\n" : Multibulk(c);
    expected.push_back(c);
  }
  EXPECT_EQ(ParseAll(pipeline), expected);
}

// A stream that mixes every kind of request, including the ones that are
// skipped, so that a cut can fall inside each of them.
std::string MixedStream() {
  return std::string("*3\r\n$3\r\nSET\r\n$3\r\nk\r\n\r\n$10\r\n0123456789\r\n") +
         "\r\n\n*0\r\n*-1\r\n" + "SET 'a b' \"c\\x41\\n\"\r\n" +
         Multibulk({"ECHO", std::string(300, 'z')}) + "PING\n" + "*1\r\n$4\r\nPING\r\n";
}

std::vector<Command> MixedStreamCommands() {
  return {{"SET", "k\r\n", "0123456789"},
          {"SET", "a b", "cA\n"},
          {"ECHO", std::string(300, 'z')},
          {"PING"},
          {"PING"}};
}

TEST(RequestParser, ACommandSplitAtEveryByteBoundaryParsesTheSame) {
  const std::string stream = MixedStream();
  ASSERT_EQ(ParseAll(stream), MixedStreamCommands());
  for (size_t cut = 1; cut < stream.size(); ++cut) {
    Feeder f;
    f.Feed(std::string_view(stream).substr(0, cut));
    f.Feed(std::string_view(stream).substr(cut));
    EXPECT_EQ(f.error(), "") << "cut at " << cut;
    EXPECT_EQ(f.commands(), MixedStreamCommands()) << "cut at " << cut;
    EXPECT_THAT(f.buffered(), IsEmpty()) << "cut at " << cut;
  }
}

TEST(RequestParser, OneByteAtATimeParsesTheSame) {
  Feeder f;
  for (char c : MixedStream()) f.Feed(std::string_view(&c, 1));
  EXPECT_EQ(f.error(), "");
  EXPECT_EQ(f.commands(), MixedStreamCommands());
}

TEST(RequestParser, AnIncompleteCommandIsNotReturned) {
  Feeder f;
  f.Feed("*2\r\n$4\r\nECHO\r\n$5\r\nhel");
  EXPECT_THAT(f.commands(), IsEmpty());
  f.Feed("lo\r");
  EXPECT_THAT(f.commands(), IsEmpty());
  f.Feed("\n");
  EXPECT_THAT(f.commands(), ElementsAre(Command{"ECHO", "hello"}));
}

// --- What is skipped ---

TEST(RequestParser, EmptyLinesAndEmptyArraysAreSkipped) {
  EXPECT_THAT(ParseAll("\r\n\n   \r\n*0\r\n*-1\r\n*-5\r\nPING\r\n"), ElementsAre(Command{"PING"}));
}

TEST(RequestParser, SkippedRequestsAreConsumedEvenWithNothingAfterThem) {
  RequestParser p;
  EXPECT_EQ(p.Parse("\r\n*0\r\n", {}), RequestParser::Result::kNeedMore);
  EXPECT_EQ(p.consumed(), 6u);
}

TEST(RequestParser, TheTwoBytesAfterABulkPayloadAreNotChecked) {
  // Redis skips them without looking, so a wrong terminator goes unnoticed.
  EXPECT_THAT(ParseAll("*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n"),
              ElementsAre(Command{"PING"}, Command{"PING"}));
}

// --- Inline quoting: Redis's sdssplitargs ---

TEST(InlineQuoting, DoubleQuotesUnderstandHexAndBackslashEscapes) {
  EXPECT_THAT(ParseAll("ECHO \"\\x41\\x4a\\n\\r\\t\\b\\a\\\"\\\\\"\r\n"),
              ElementsAre(Command{"ECHO", "AJ\n\r\t\b\a\"\\"}));
}

TEST(InlineQuoting, AnUnknownEscapeIsTheCharacterItself) {
  EXPECT_THAT(ParseAll("ECHO \"\\q\"\r\n"), ElementsAre(Command{"ECHO", "q"}));
}

TEST(InlineQuoting, AnIncompleteHexEscapeIsLiteral) {
  EXPECT_THAT(ParseAll("ECHO \"\\x4\" \"\\x4g\"\r\n"), ElementsAre(Command{"ECHO", "x4", "x4g"}));
}

TEST(InlineQuoting, SingleQuotesOnlyUnderstandAnEscapedSingleQuote) {
  EXPECT_THAT(ParseAll("ECHO 'it\\'s' 'a\\nb'\r\n"), ElementsAre(Command{"ECHO", "it's", "a\\nb"}));
}

TEST(InlineQuoting, QuotesMayBeginInsideAWord) {
  EXPECT_THAT(ParseAll("ECHO foo\"bar baz\"\r\n"), ElementsAre(Command{"ECHO", "foobar baz"}));
}

TEST(InlineQuoting, EmptyQuotesAreAnEmptyArgument) {
  EXPECT_THAT(ParseAll("ECHO \"\" ''\r\n"), ElementsAre(Command{"ECHO", "", ""}));
}

TEST(InlineQuoting, UnbalancedQuotesAreAProtocolError) {
  EXPECT_EQ(ErrorFor("SET k \"abc\r\n"), "ERR Protocol error: unbalanced quotes in request");
  EXPECT_EQ(ErrorFor("SET k 'abc\r\n"), "ERR Protocol error: unbalanced quotes in request");
  EXPECT_EQ(ErrorFor("ECHO \"abc\\\"\r\n"), "ERR Protocol error: unbalanced quotes in request");
}

TEST(InlineQuoting, AClosingQuoteMustBeFollowedBySpaceOrTheEnd) {
  EXPECT_EQ(ErrorFor("SET k \"a\"b\r\n"), "ERR Protocol error: unbalanced quotes in request");
  EXPECT_EQ(ErrorFor("SET k 'a'b\r\n"), "ERR Protocol error: unbalanced quotes in request");
}

TEST(SplitArgs, SplitsLikeRedisCli) {
  std::vector<std::string> words;
  ASSERT_TRUE(SplitArgs("set \"key one\" 'it\\'s' \"\\x00\\xff\"", &words));
  EXPECT_THAT(words, ElementsAre("set", "key one", "it's", std::string("\x00\xff", 2)));
  ASSERT_TRUE(SplitArgs("   ", &words));
  EXPECT_THAT(words, IsEmpty());
  EXPECT_FALSE(SplitArgs("\"open", &words));
}

// --- Framing errors, with Redis's texts ---

TEST(FramingError, MultibulkCountMustBeAStrictInteger) {
  for (std::string_view bad : {"*abc\r\n", "*01\r\n", "*+1\r\n", "*\r\n", "*1 \r\n", "*-0\r\n"}) {
    EXPECT_EQ(ErrorFor(bad), "ERR Protocol error: invalid multibulk length") << bad;
  }
}

TEST(FramingError, MultibulkCountAboveIntMaxIsInvalid) {
  EXPECT_EQ(ErrorFor("*2147483648\r\n"), "ERR Protocol error: invalid multibulk length");
  EXPECT_EQ(ErrorFor("*2147483647\r\n"), "");  // valid, just waiting for arguments
}

// Lengths near and past the int64 range are numbers too large, not
// arithmetic that overflows.
TEST(FramingError, LengthsOfNineteenOrMoreDigitsAreJustTooLarge) {
  for (std::string_view huge : {"9999999999999999999", "9223372036854775807",
                                "9223372036854775808", "99999999999999999999"}) {
    EXPECT_EQ(ErrorFor("*" + std::string(huge) + "\r\n"),
              "ERR Protocol error: invalid multibulk length")
        << huge;
    EXPECT_EQ(ErrorFor("*1\r\n$" + std::string(huge) + "\r\n"),
              "ERR Protocol error: invalid bulk length")
        << huge;
  }
}

TEST(FramingError, CountLineEndsAtTheFirstCarriageReturn) {
  // "*1\n$4" is not a number: the count line runs up to the first '\r'.
  EXPECT_EQ(ErrorFor("*1\n$4\r\nPING\r\n"), "ERR Protocol error: invalid multibulk length");
}

TEST(FramingError, BulkLengthMustBeANonNegativeStrictInteger) {
  for (std::string_view bad :
       {"*1\r\n$-1\r\n", "*1\r\n$abc\r\n", "*1\r\n$04\r\n", "*1\r\n$ 4\r\n", "*1\r\n$\r\n"}) {
    EXPECT_EQ(ErrorFor(bad), "ERR Protocol error: invalid bulk length") << bad;
  }
}

TEST(FramingError, BulkLengthAboveProtoMaxBulkLenIsInvalid) {
  EXPECT_EQ(ErrorFor("*1\r\n$536870913\r\n"), "ERR Protocol error: invalid bulk length");
  EXPECT_EQ(ErrorFor("*1\r\n$536870912\r\n"), "");
  RequestLimits small;
  small.max_bulk_len = 1024 * 1024;
  EXPECT_EQ(ErrorFor("*1\r\n$1048577\r\n", small), "ERR Protocol error: invalid bulk length");
  EXPECT_EQ(ErrorFor("*1\r\n$1048576\r\n", small), "");
}

TEST(FramingError, EveryArgumentMustBeABulkString) {
  EXPECT_EQ(ErrorFor("*1\r\nx3\r\nfoo\r\n"), "ERR Protocol error: expected '$', got 'x'");
  EXPECT_EQ(ErrorFor("*2\r\n$1\r\na\r\n:3\r\n"), "ERR Protocol error: expected '$', got ':'");
  EXPECT_EQ(ErrorFor("*1\r$4\r\nPING\r\n"), "ERR Protocol error: expected '$', got '4'");
}

// Lines that must end in CRLF may not grow past 64 KB without one: the
// server would otherwise buffer an endless line.
TEST(FramingError, InlineRequestOver64KbWithoutNewlineIsTooBig) {
  EXPECT_EQ(ErrorFor(std::string(64 * 1024, 'a')), "");
  EXPECT_EQ(ErrorFor(std::string(64 * 1024 + 1, 'a')),
            "ERR Protocol error: too big inline request");
}

TEST(FramingError, MultibulkCountLineOver64KbIsTooBig) {
  EXPECT_EQ(ErrorFor("*" + std::string(64 * 1024 - 1, '1')), "");
  EXPECT_EQ(ErrorFor("*" + std::string(64 * 1024, '1')),
            "ERR Protocol error: too big mbulk count string");
}

TEST(FramingError, BulkCountLineOver64KbIsTooBig) {
  EXPECT_EQ(ErrorFor("*1\r\n$" + std::string(64 * 1024 - 1, '1')), "");
  EXPECT_EQ(ErrorFor("*1\r\n$" + std::string(64 * 1024, '1')),
            "ERR Protocol error: too big bulk count string");
}

// Before AUTH, Redis accepts only small requests, so a stranger cannot make
// it buffer much.
TEST(FramingError, UnauthenticatedClientsMaySendAtMostTenArguments) {
  RequestLimits unauth;
  unauth.authenticated = false;
  EXPECT_EQ(ErrorFor("*11\r\n", unauth), "ERR Protocol error: unauthenticated multibulk length");
  EXPECT_EQ(ErrorFor("*10\r\n", unauth), "");
  EXPECT_EQ(ErrorFor("*11\r\n", {}), "");
}

TEST(FramingError, UnauthenticatedClientsMaySendAtMost16KbPerArgument) {
  RequestLimits unauth;
  unauth.authenticated = false;
  EXPECT_EQ(ErrorFor("*1\r\n$16385\r\n", unauth),
            "ERR Protocol error: unauthenticated bulk length");
  EXPECT_EQ(ErrorFor("*1\r\n$16384\r\n", unauth), "");
}

TEST(FramingError, ErrorsAreFoundAsSoonAsTheBadLineIsComplete) {
  Feeder f;
  f.Feed("*1\r\n$-");
  EXPECT_EQ(f.error(), "");
  f.Feed("1\r");
  EXPECT_EQ(f.error(), "");
  f.Feed("\n");
  EXPECT_EQ(f.error(), "ERR Protocol error: invalid bulk length");
}

TEST(FramingError, CommandsBeforeTheErrorAreStillReturned) {
  Feeder f;
  f.Feed("PING\r\n*1\r\n$4\r\nPING\r\n*x\r\n");
  EXPECT_THAT(f.commands(), ElementsAre(Command{"PING"}, Command{"PING"}));
  EXPECT_EQ(f.error(), "ERR Protocol error: invalid multibulk length");
}

// --- Declared lengths are not trusted ---

TEST(RequestParser, PendingBulkBytesNeverExceedsWhatWasReceived) {
  RequestParser p;
  std::string head = "*1\r\n$536870912\r\n";
  ASSERT_EQ(p.Parse(head, {}), RequestParser::Result::kNeedMore);
  EXPECT_GT(p.pending_bulk_bytes(), 0u);
  EXPECT_LE(p.pending_bulk_bytes(), head.size());
  std::string more = head + std::string(100000, 'x');
  ASSERT_EQ(p.Parse(more, {}), RequestParser::Result::kNeedMore);
  EXPECT_LE(p.pending_bulk_bytes(), more.size());
}

TEST(RequestParser, PendingBulkBytesIsExactWhenLittleIsMissing) {
  RequestParser p;
  ASSERT_EQ(p.Parse("*1\r\n$10\r\n0123", {}), RequestParser::Result::kNeedMore);
  EXPECT_EQ(p.pending_bulk_bytes(), 8u);  // six payload bytes and the CRLF
}

TEST(RequestParser, ADeclaredHugeBulkLengthIsNotAllocated) {
  std::string input = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$536870912\r\n" + std::string(1000, 'v');
  size_t before = HeapInUse();
  RequestParser p;
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(p.Parse(input, {}), RequestParser::Result::kNeedMore);
  }
  EXPECT_LT(HeapInUse() - before, 64u * 1024);
}

TEST(RequestParser, ADeclaredHugeArgumentCountIsNotAllocated) {
  size_t before = HeapInUse();
  RequestParser p;
  ASSERT_EQ(p.Parse("*2147483647\r\n$4\r\nPING\r\n", {}), RequestParser::Result::kNeedMore);
  EXPECT_LT(HeapInUse() - before, 64u * 1024);
}

// --- string2ll ---

TEST(ParseInt64, AcceptsOnlyCanonicalBase10) {
  int64_t v = 0;
  EXPECT_TRUE(ParseInt64("0", &v));
  EXPECT_EQ(v, 0);
  EXPECT_TRUE(ParseInt64("-42", &v));
  EXPECT_EQ(v, -42);
  EXPECT_TRUE(ParseInt64("9223372036854775807", &v));
  EXPECT_EQ(v, INT64_MAX);
  EXPECT_TRUE(ParseInt64("-9223372036854775808", &v));
  EXPECT_EQ(v, INT64_MIN);
  for (std::string_view bad :
       {"", "-", "-0", "01", "+1", " 1", "1 ", "1.0", "0x10", "9223372036854775808",
        "-9223372036854775809", "18446744073709551616", "99999999999999999999"}) {
    EXPECT_FALSE(ParseInt64(bad, &v)) << bad;
  }
}

}  // namespace
}  // namespace ember::protocol
