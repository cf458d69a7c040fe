// Glob patterns as Redis matches them (util.c: stringmatchlen), for KEYS,
// SCAN MATCH, CONFIG GET and PSUBSCRIBE.
//
// '*' is any run of bytes, '?' exactly one byte, '[abc]' '[^abc]' '[a-z]'
// classes (a range may be written backwards), and a backslash makes the next
// byte literal, inside classes too. Patterns work on bytes, not characters.
// The odd corners are Redis's: an unterminated class still matches, "[]"
// is an empty class, and a trailing backslash stands for itself. Every
// expectation below was checked with KEYS against Redis 7.0.
#include "storage/glob.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ember::storage {
namespace {

struct Case {
  std::string pattern;
  std::string str;
  bool matches;
};

void ExpectAll(const std::vector<Case>& cases, bool nocase = false) {
  for (const Case& c : cases) {
    EXPECT_EQ(GlobMatch(c.pattern, c.str, nocase), c.matches)
        << "pattern '" << c.pattern << "' against '" << c.str << "'";
  }
}

TEST(Glob, StarMatchesAnyRunIncludingNone) {
  ExpectAll({
      {"*", "anything", true},
      {"**", "x", true},
      {"a*", "a", true},
      {"a*", "abc", true},
      {"a*", "ba", false},
      {"*c", "abc", true},
      {"a*c", "ac", true},
      {"a*c", "abbbc", true},
      {"a*c", "abcd", false},
      {"*a*", "xax", true},
      {"user:*:name", "user:42:name", true},
      {"user:*:name", "user:42:age", false},
  });
}

TEST(Glob, NoPatternMatchesTheEmptyString) {
  // stringmatchlen stops as soon as the string is empty, so even "*" fails
  // on "". KEYS and SCAN special-case the pattern "*" and so do list an
  // empty key name; "**" does not.
  ExpectAll({{"*", "", false}, {"**", "", false}, {"", "", true}, {"", "a", false}});
}

TEST(Glob, QuestionMarkMatchesExactlyOneByte) {
  ExpectAll({
      {"?", "", false},
      {"?", "a", true},
      {"?", "ab", false},
      {"??", "ab", true},
      {"h?llo", "hello", true},
      {"h?llo", "hllo", false},
      {"*?*", "", false},
      {"*?*", "x", true},
  });
}

TEST(Glob, ClassesMatchOneByteOfASet) {
  ExpectAll({
      {"h[ae]llo", "hello", true},
      {"h[ae]llo", "hallo", true},
      {"h[ae]llo", "hillo", false},
      {"h[^e]llo", "hallo", true},
      {"h[^e]llo", "hello", false},
      {"[^a-z]", "A", true},
      {"[^a-z]", "m", false},
      {"*[0-9]", "key9", true},
      {"*[0-9]", "key", false},
      {"[*]", "*", true},
      {"[?]", "x", false},
  });
}

TEST(Glob, RangesMayBeWrittenEitherWay) {
  ExpectAll({
      {"h[a-b]llo", "hbllo", true},
      {"h[a-b]llo", "hcllo", false},
      {"h[b-a]llo", "hallo", true},
      // After a range, a '-' is an ordinary member.
      {"[a-c-e]", "d", false},
      {"[a-c-e]", "-", true},
      {"[a-c-e]", "e", true},
  });
}

TEST(Glob, BackslashMakesTheNextByteLiteral) {
  ExpectAll({
      {"\\*", "*", true},
      {"\\*", "a", false},
      {"\\?", "?", true},
      {"\\[a]", "[a]", true},
      {"[\\]]", "]", true},
      {"[a\\-z]", "-", true},
      {"[a\\-z]", "b", false},
  });
}

TEST(Glob, ATrailingBackslashStandsForItself) {
  ExpectAll({
      {"a\\", "a\\", true},
      {"a\\", "a", false},
      {"\\", "\\", true},
      {"*\\", "x\\", true},
  });
}

TEST(Glob, MalformedClassesFollowRedis) {
  ExpectAll({
      {"[abc", "a", true},  // unterminated: still a class
      {"[abc", "ab", false},
      {"a[", "a", false},
      {"a[", "a[", false},
      {"[]", "]", false},  // "[]" is an empty class, and "]" is left over
      {"[]]", "]", false},
      {"[\\]", "\\", false},
      {"[\\]", "]", true},
      {"[^]a]", "b", false},
      {"[^]a]", "]", false},
  });
}

TEST(Glob, PatternsAreBytesNotCharacters) {
  ExpectAll({
      {"\xe9*", "\xe9t\xe9", true},
      {"[\xe0-\xef]", "\xe9", true},
      {"[\x01-\x7f]", "\xe9", false},
      {std::string("a\0b", 3), std::string("a\0b", 3), true},
      {"a?b", std::string("a\0b", 3), true},
  });
}

TEST(Glob, CaseMattersUnlessNocase) {
  ExpectAll({{"H*", "hello", false}, {"[A-Z]", "m", false}});
  ExpectAll({{"H*", "hello", true},
             {"G?T", "get", true},
             {"[F-H]ET", "get", true},
             {"[h-f]ET", "get", true},
             {"[^G]et", "get", false},
             {"\\Get", "get", true}},
            /*nocase=*/true);
}

TEST(Glob, EscapesInsideClassesStayCaseSensitiveUnderNocase) {
  // Redis compares an escaped class member byte for byte even in nocase
  // mode (CONFIG GET, COMMAND LIST FILTERBY PATTERN).
  ExpectAll({{"[\\G]et", "get", false}}, /*nocase=*/true);
}

TEST(Glob, ManyStarsFailFastInsteadOfBacktrackingForever) {
  // Once the rest of a pattern failed after a star at every position, an
  // earlier star cannot do better; without that rule this takes
  // exponential time.
  std::string as(100, 'a');
  EXPECT_FALSE(GlobMatch("a*a*a*a*a*a*a*a*a*a*a*a*b", as));
  EXPECT_TRUE(GlobMatch("a*a*a*a*a*a*a*a*a*a*a*a*a", as));
}

}  // namespace
}  // namespace ember::storage
