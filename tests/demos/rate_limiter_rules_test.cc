// The rate limiter's rules file: one rule a line, `[METHOD] PATTERN LIMIT per
// WINDOW [ALGORITHM]` or `PATTERN unlimited`, globs as Redis's KEYS reads
// them, and the first matching rule decides. A mistake is reported with its
// line number rather than silently ignored.
#include <gtest/gtest.h>

#include "demos/rate_limiter/rules.h"

namespace ember::testing {
namespace {

using demos::ratelimit::Algorithm;
using demos::ratelimit::GlobMatch;
using demos::ratelimit::ParseWindow;
using demos::ratelimit::Rule;
using demos::ratelimit::RuleSet;

TEST(RateLimitGlob, StarQuestionMarkClassesAndEscapes) {
  EXPECT_TRUE(GlobMatch("/api/*", "/api/items"));
  EXPECT_TRUE(GlobMatch("/api/*", "/api/items/7"));  // * crosses slashes
  EXPECT_TRUE(GlobMatch("/api/*", "/api/"));
  EXPECT_FALSE(GlobMatch("/api/*", "/api"));
  EXPECT_FALSE(GlobMatch("/api/*", "/apix/items"));
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_TRUE(GlobMatch("/items/?", "/items/7"));
  EXPECT_FALSE(GlobMatch("/items/?", "/items/17"));
  EXPECT_TRUE(GlobMatch("/v[12]/*", "/v2/x"));
  EXPECT_FALSE(GlobMatch("/v[12]/*", "/v3/x"));
  EXPECT_TRUE(GlobMatch("/v[^12]/*", "/v3/x"));
  EXPECT_TRUE(GlobMatch("/[a-c]*", "/b"));
  EXPECT_FALSE(GlobMatch("/[a-c]*", "/d"));
  EXPECT_TRUE(GlobMatch("/what\\?", "/what?"));
  EXPECT_FALSE(GlobMatch("/what\\?", "/whatx"));
  EXPECT_TRUE(GlobMatch("*/edit", "/posts/12/edit"));
  EXPECT_TRUE(GlobMatch("/a*b*c", "/aXbYbZc"));
  EXPECT_FALSE(GlobMatch("/a*b*c", "/aXbYbZ"));
}

TEST(RateLimitRules, WindowsTakeAUnit) {
  int64_t ms = 0;
  EXPECT_TRUE(ParseWindow("500ms", &ms));
  EXPECT_EQ(ms, 500);
  EXPECT_TRUE(ParseWindow("10s", &ms));
  EXPECT_EQ(ms, 10'000);
  EXPECT_TRUE(ParseWindow("1m", &ms));
  EXPECT_EQ(ms, 60'000);
  EXPECT_TRUE(ParseWindow("2h", &ms));
  EXPECT_EQ(ms, 7'200'000);
  EXPECT_TRUE(ParseWindow("minute", &ms));
  EXPECT_EQ(ms, 60'000);
  EXPECT_FALSE(ParseWindow("60", &ms));
  EXPECT_FALSE(ParseWindow("0s", &ms));
  EXPECT_FALSE(ParseWindow("-1s", &ms));
  EXPECT_FALSE(ParseWindow("1d", &ms));
}

TEST(RateLimitRules, TheIssuesExampleParses) {
  RuleSet rules;
  std::string err;
  ASSERT_TRUE(RuleSet::Parse(R"(
# comment
POST /login   5 per 1m   sliding-log   # trailing comment
/api/*        100 per minute
/healthz      unlimited
)",
                             &rules, &err))
      << err;
  ASSERT_EQ(rules.rules().size(), 3u);
  const Rule& login = rules.rules()[0];
  EXPECT_EQ(login.method, "POST");
  EXPECT_EQ(login.pattern, "/login");
  EXPECT_EQ(login.name(), "POST /login");
  ASSERT_TRUE(login.quota);
  EXPECT_EQ(login.quota->limit, 5);
  EXPECT_EQ(login.quota->window_ms, 60'000);
  EXPECT_EQ(login.algorithm, Algorithm::kSlidingLog);
  EXPECT_EQ(login.line, 3);
  const Rule& api = rules.rules()[1];
  EXPECT_EQ(api.method, "");
  EXPECT_EQ(api.quota->limit, 100);
  EXPECT_FALSE(api.algorithm);
  EXPECT_FALSE(rules.rules()[2].quota);
}

TEST(RateLimitRules, FirstMatchingRuleDecides) {
  RuleSet rules;
  std::string err;
  ASSERT_TRUE(
      RuleSet::Parse("POST /login 5 per 1m\n"
                     "/api/items/* 10 per 1s\n"
                     "/api/* 100 per 1m\n"
                     "/healthz unlimited\n"
                     "* 1000 per 1h\n",
                     &rules, &err))
      << err;
  auto limit_of = [&](std::string_view method, std::string_view path) -> int64_t {
    const Rule* r = rules.Match(method, path);
    if (r == nullptr) return -1;
    return r->quota ? r->quota->limit : 0;
  };
  EXPECT_EQ(limit_of("POST", "/login"), 5);
  EXPECT_EQ(limit_of("GET", "/login"), 1000);  // the POST rule does not apply
  EXPECT_EQ(limit_of("GET", "/api/items/7"), 10);
  EXPECT_EQ(limit_of("GET", "/api/items"), 100);
  EXPECT_EQ(limit_of("GET", "/healthz"), 0);
  EXPECT_EQ(limit_of("GET", "/anything"), 1000);

  RuleSet narrow;
  ASSERT_TRUE(RuleSet::Parse("/api/* 1 per 1s\n", &narrow, &err));
  EXPECT_EQ(narrow.Match("GET", "/other"), nullptr);
}

TEST(RateLimitRules, MistakesNameTheirLine) {
  struct Case {
    const char* text;
    const char* error;
  };
  for (const Case& c : {
           Case{"/a 5 per 1m\n/b five per 1m\n", "line 2: limit must be an integer"},
           Case{"/a 0 per 1m\n", "line 1: limit must be an integer"},
           Case{"/a 5 1m\n", "line 1: expected 'per' after the limit"},
           Case{"/a 5 per\n", "line 1: expected a window after 'per'"},
           Case{"/a 5 per 1 minute\n", "line 1: window must be like"},
           Case{"/a 5 per 1m leaky-bucket\n", "line 1: unknown algorithm 'leaky-bucket'"},
           Case{"/a 5 per 1m fixed-window extra\n", "line 1: unexpected 'extra'"},
           Case{"/a\n", "line 1: expected 'LIMIT per WINDOW' or 'unlimited'"},
           Case{"POST\n", "line 1: expected a path pattern after POST"},
           Case{"/a unlimited 5\n", "line 1: unexpected '5' after unlimited"},
       }) {
    RuleSet rules;
    std::string err;
    EXPECT_FALSE(RuleSet::Parse(c.text, &rules, &err)) << c.text;
    EXPECT_EQ(err.rfind(c.error, 0), 0u) << "got: " << err;
  }
}

TEST(RateLimitRules, TheBuiltInRulesParse) {
  RuleSet rules;
  std::string err;
  ASSERT_TRUE(RuleSet::Parse(demos::ratelimit::DefaultRulesText(), &rules, &err)) << err;
  EXPECT_EQ(rules.Match("POST", "/login")->quota->limit, 5);
  EXPECT_EQ(rules.Match("GET", "/api/items")->quota->limit, 100);
  EXPECT_FALSE(rules.Match("GET", "/metrics")->quota);
}

TEST(RateLimitRules, TheShippedConfigFileLoads) {
  RuleSet rules;
  std::string err;
  ASSERT_TRUE(RuleSet::Load(EMBER_RATE_LIMITER_RULES, &rules, &err)) << err;
  EXPECT_EQ(rules.Match("POST", "/login")->algorithm, Algorithm::kSlidingLog);
  EXPECT_FALSE(RuleSet::Load("/nonexistent/rules.conf", &rules, &err));
  EXPECT_EQ(err, "cannot read /nonexistent/rules.conf");
}

}  // namespace
}  // namespace ember::testing
