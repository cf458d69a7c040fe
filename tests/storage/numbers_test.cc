// Numbers as Redis reads and writes them (util.c): strictly.
//
// Redis stores every value as a string, so whether "01" is the integer 1
// decides what INCR answers. string2ll accepts only the canonical decimal
// form of an int64: no '+', no leading zeros, no "-0", no spaces, no
// overflow. Floats (INCRBYFLOAT) go through strtold on the whole string, no
// leading space, no NaN; results are printed with 17 decimals and the
// trailing zeros cut ("human" ld2string), so 0.1 + 0.2 reads "0.3".
#include "storage/numbers.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace ember::storage {
namespace {

TEST(StringToInt64, AcceptsCanonicalIntegers) {
  int64_t v = 0;
  for (auto [text, want] : std::initializer_list<std::pair<std::string_view, int64_t>>{
           {"0", 0},
           {"7", 7},
           {"-7", -7},
           {"1234567890", 1234567890},
           {"9223372036854775807", INT64_MAX},
           {"-9223372036854775808", INT64_MIN}}) {
    ASSERT_TRUE(StringToInt64(text, &v)) << text;
    EXPECT_EQ(v, want) << text;
  }
}

TEST(StringToInt64, RejectsEverythingElse) {
  int64_t v = 0;
  for (std::string_view bad : std::vector<std::string_view>{
           "", "-", "+1", "01", "00", "-0", "-01", " 1", "1 ", "\t1", "1.0", "1e3", "0x1f", "12a",
           "9223372036854775808", "-9223372036854775809", "99999999999999999999",
           "000000000000000000001", std::string_view("1\0", 2)}) {
    EXPECT_FALSE(StringToInt64(bad, &v)) << "'" << bad << "'";
  }
}

TEST(Int64ToChars, PrintsTheCanonicalForm) {
  char buf[21];
  EXPECT_EQ(std::string(buf, Int64ToChars(0, buf)), "0");
  EXPECT_EQ(std::string(buf, Int64ToChars(-42, buf)), "-42");
  EXPECT_EQ(std::string(buf, Int64ToChars(INT64_MIN, buf)), "-9223372036854775808");
  EXPECT_EQ(Int64ToString(INT64_MAX), "9223372036854775807");
}

TEST(StringToLongDouble, AcceptsWhatStrtoldReadsCompletely) {
  long double v = 0;
  ASSERT_TRUE(StringToLongDouble("10.5", &v));
  EXPECT_EQ(v, 10.5L);
  ASSERT_TRUE(StringToLongDouble("-5.0e3", &v));
  EXPECT_EQ(v, -5000.0L);
  ASSERT_TRUE(StringToLongDouble(".5", &v));
  EXPECT_EQ(v, 0.5L);
  ASSERT_TRUE(StringToLongDouble("+1", &v));  // strtold's syntax, not string2ll's
  EXPECT_EQ(v, 1.0L);
  ASSERT_TRUE(StringToLongDouble("0x10", &v));
  EXPECT_EQ(v, 16.0L);
  ASSERT_TRUE(StringToLongDouble("inf", &v));
  EXPECT_TRUE(std::isinf(v));
  ASSERT_TRUE(StringToLongDouble("1e-400", &v));  // tiny for a double, fine for a long double
}

TEST(StringToLongDouble, RejectsSpacesJunkNanAndOverflow) {
  long double v = 0;
  for (std::string_view bad : {"", " 1", "\t1", "1 ", "abc", "1e", "1.5x", "nan", "-nan", "1e5000",
                               "-1e5000", "1e-5000"}) {
    EXPECT_FALSE(StringToLongDouble(bad, &v)) << "'" << bad << "'";
  }
  EXPECT_FALSE(StringToLongDouble(std::string(5 * 1024, '1'), &v));  // longer than Redis reads
}

TEST(StringToDouble, UsesDoubleRange) {
  double v = 0;
  ASSERT_TRUE(StringToDouble("-inf", &v));
  EXPECT_EQ(v, -std::numeric_limits<double>::infinity());
  ASSERT_TRUE(StringToDouble("1.5", &v));
  EXPECT_EQ(v, 1.5);
  EXPECT_FALSE(StringToDouble("1e400", &v));
  EXPECT_FALSE(StringToDouble("1e-400", &v));
  EXPECT_FALSE(StringToDouble(" 1.5", &v));
  EXPECT_FALSE(StringToDouble("nan", &v));
}

// Each expected text is what Redis 7.0 answers to INCRBYFLOAT on a missing
// key with that increment.
TEST(LongDoubleToString, PrintsSeventeenDecimalsWithoutTrailingZeros) {
  EXPECT_EQ(LongDoubleToString(3.0L), "3");
  EXPECT_EQ(LongDoubleToString(10.5L), "10.5");
  EXPECT_EQ(LongDoubleToString(-2.5L), "-2.5");
  EXPECT_EQ(LongDoubleToString(0.1L), "0.1");
  EXPECT_EQ(LongDoubleToString(0.1L + 0.2L), "0.3");
  EXPECT_EQ(LongDoubleToString(1.5e-5L), "0.000015");
  EXPECT_EQ(LongDoubleToString(1e20L), "100000000000000000000");
  EXPECT_EQ(LongDoubleToString(123456789.123456789L), "123456789.12345678899873747");
}

TEST(LongDoubleToString, NegativeZeroAndVanishingValuesPrintAsZero) {
  EXPECT_EQ(LongDoubleToString(-0.0L), "0");
  EXPECT_EQ(LongDoubleToString(1e-20L), "0");
  EXPECT_EQ(LongDoubleToString(-1e-20L), "0");
}

TEST(LongDoubleToString, InfinitiesAreSpelledOut) {
  EXPECT_EQ(LongDoubleToString(std::numeric_limits<long double>::infinity()), "inf");
  EXPECT_EQ(LongDoubleToString(-std::numeric_limits<long double>::infinity()), "-inf");
}

}  // namespace
}  // namespace ember::storage
