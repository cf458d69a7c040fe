// The shared pieces of the demos: latency percentiles read from log-spaced
// buckets are within a bucket (~9%) of the true value; the Prometheus text
// has one HELP/TYPE per metric name, integers for counters, and a summary
// with quantiles, _sum and _count; flags reject what they do not know; log
// lines are logfmt, quoting values with spaces.
#include <gtest/gtest.h>

#include <vector>

#include "demos/common/flags.h"
#include "demos/common/log.h"
#include "demos/common/metrics.h"

namespace ember::demos {
namespace {

TEST(LatencyHistogram, PercentilesAreWithinABucketOfTheTrueValue) {
  LatencyHistogram h;
  // 1..1000 microseconds, once each: p50 = 500us, p99 = 990us.
  for (int us = 1; us <= 1000; ++us) h.Record(std::chrono::microseconds(us));
  EXPECT_EQ(h.count(), 1000u);
  EXPECT_GE(h.PercentileMicros(0.5), 500);
  EXPECT_LE(h.PercentileMicros(0.5), 500 * 1.1);
  EXPECT_GE(h.PercentileMicros(0.99), 990);
  EXPECT_LE(h.PercentileMicros(0.99), 990 * 1.1);
  EXPECT_NEAR(h.sum_seconds(), 500500e-6, 1e-9);
  h.Reset();
  EXPECT_EQ(h.PercentileMicros(0.5), 0);
}

TEST(LatencyHistogram, OneSlowRequestInAHundredIsThePercentile99) {
  LatencyHistogram h;
  for (int i = 0; i < 98; ++i) h.Record(std::chrono::microseconds(100));
  for (int i = 0; i < 2; ++i) h.Record(std::chrono::milliseconds(50));
  EXPECT_LE(h.PercentileMicros(0.5), 110);
  EXPECT_GE(h.PercentileMicros(0.99), 50000);
}

TEST(Registry, RendersPrometheusTextFormat) {
  Registry r;
  r.AddCounter("requests_total", "Requests").Add(3);
  r.AddGauge("temperature", "Degrees").Set(21.5);
  r.AddLatency("latency_seconds", "Latency", "route=\"a\"").Record(std::chrono::milliseconds(2));
  r.AddLatency("latency_seconds", "Latency", "route=\"b\"");
  r.AddComputed("ratio", "A ratio", [] { return 0.25; });
  std::string text = r.Render();
  EXPECT_NE(text.find("# HELP requests_total Requests\n# TYPE requests_total counter\n"
                      "requests_total 3\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("temperature 21.5\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds{route=\"a\",quantile=\"0.5\"} 0.002"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_count{route=\"a\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_count{route=\"b\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("ratio 0.25\n"), std::string::npos);
  // One TYPE line for the two label sets.
  size_t first = text.find("# TYPE latency_seconds summary");
  EXPECT_EQ(text.find("# TYPE latency_seconds summary", first + 1), std::string::npos);
}

TEST(Flags, ParsesValuesSwitchesAndRejectsUnknownFlags) {
  Flags f("prog", "test");
  f.Define("port", "8080", "port");
  f.Define("load", "", "switch", true);
  const char* argv[] = {"prog", "--port=9", "--load"};
  EXPECT_EQ(f.Parse(3, argv), "");
  EXPECT_EQ(f.GetInt("port"), 9);
  EXPECT_TRUE(f.GetBool("load"));
  Flags g("prog", "test");
  g.Define("port", "8080", "port");
  const char* bad[] = {"prog", "--prot", "1"};
  EXPECT_EQ(g.Parse(3, bad), "unknown flag --prot");
  const char* missing[] = {"prog", "--port"};
  EXPECT_EQ(g.Parse(2, missing), "flag --port needs a value");
  bool ok = true;
  const char* word[] = {"prog", "--port", "eighty"};
  EXPECT_EQ(g.Parse(3, word), "");
  g.GetInt("port", &ok);
  EXPECT_FALSE(ok);
}

// What every demo's main does with its flags: --help exits 0, a bad flag
// exits 2, a negative count is refused by name.
TEST(Flags, ParseOrExitAndNonNegativeCounts) {
  Flags f("prog", "test");
  f.Define("workers", "4", "workers");
  int code = -1;
  const char* help[] = {"prog", "--help"};
  EXPECT_FALSE(f.ParseOrExit(2, help, &code));
  EXPECT_EQ(code, 0);
  const char* bad[] = {"prog", "--wrokers", "2"};
  EXPECT_FALSE(f.ParseOrExit(3, bad, &code));
  EXPECT_EQ(code, 2);
  const char* good[] = {"prog", "--workers", "-3"};
  ASSERT_TRUE(f.ParseOrExit(3, good, &code));
  bool ok = true;
  f.GetNonNegative("workers", &ok);
  EXPECT_FALSE(ok);
  const char* fine[] = {"prog", "--workers", "7"};
  ASSERT_TRUE(f.ParseOrExit(3, fine, &code));
  EXPECT_EQ(f.GetNonNegative("workers", &ok), 7);
}

TEST(Flags, HostPortAcceptsNamesAndBracketedIpv6) {
  HostPort hp;
  ASSERT_TRUE(ParseHostPort("cache.local:6380", &hp));
  EXPECT_EQ(hp.host, "cache.local");
  EXPECT_EQ(hp.port, 6380);
  ASSERT_TRUE(ParseHostPort("[::1]:7000", &hp));
  EXPECT_EQ(hp.host, "::1");
  ASSERT_TRUE(ParseHostPort(":7001", &hp));
  EXPECT_EQ(hp.host, "127.0.0.1");
  EXPECT_FALSE(ParseHostPort("nocolon", &hp));
  EXPECT_FALSE(ParseHostPort("h:99999", &hp));
}

TEST(Log, LinesAreLogfmtWithQuotedValues) {
  std::vector<std::string> lines;
  SetLogSink([&](const std::string& l) { lines.push_back(l); });
  LogInfo("cache miss", {{"key", "item:1"}, {"why", "a \"quoted\" word"}});
  Log(LogLevel::kDebug, "hidden at info level");
  SetLogSink(nullptr);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].rfind("ts=", 0), 0u);
  EXPECT_NE(
      lines[0].find(" level=info msg=\"cache miss\" key=item:1 why=\"a \\\"quoted\\\" word\""),
      std::string::npos)
      << lines[0];
}

}  // namespace
}  // namespace ember::demos
