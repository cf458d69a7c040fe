// The RESP layer on its own: how fast requests are parsed and replies
// encoded, with no sockets and no keyspace in the way.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "protocol/reply_writer.h"
#include "protocol/request_parser.h"

namespace {

using ember::protocol::ReplyWriter;
using ember::protocol::RequestLimits;
using ember::protocol::RequestParser;

std::string Multibulk(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const std::string& a : args) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

// Parses every command of `input` and reports commands per second.
void ParseAll(benchmark::State& state, const std::string& input, int commands) {
  RequestParser parser;
  RequestLimits limits;
  for (auto _ : state) {
    size_t pos = 0;
    int n = 0;
    while (parser.Parse(std::string_view(input).substr(pos), limits) ==
           RequestParser::Result::kCommand) {
      benchmark::DoNotOptimize(parser.args().data());
      pos += parser.consumed();
      ++n;
    }
    if (n != commands) state.SkipWithError("parsed the wrong number of commands");
  }
  state.SetItemsProcessed(state.iterations() * commands);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(input.size()));
}

// What redis-benchmark -P 16 sends: alternating SET and GET of short keys.
void BM_ParseSetGetPipeline(benchmark::State& state) {
  std::string input;
  for (int i = 0; i < 16; ++i) {
    std::string key = "key:" + std::to_string(i * 7919);
    input += i % 2 == 0 ? Multibulk({"SET", key, "xxx"}) : Multibulk({"GET", key});
  }
  ParseAll(state, input, 16);
}
BENCHMARK(BM_ParseSetGetPipeline);

void BM_ParseInlinePing(benchmark::State& state) {
  std::string input;
  for (int i = 0; i < 16; ++i) input += "PING\r\n";
  ParseAll(state, input, 16);
}
BENCHMARK(BM_ParseInlinePing);

// One SET carrying a large value, already fully buffered.
void BM_ParseLargeBulk(benchmark::State& state) {
  std::string input = Multibulk({"SET", "big", std::string(state.range(0), 'v')});
  ParseAll(state, input, 1);
}
BENCHMARK(BM_ParseLargeBulk)->Arg(16 << 10)->Arg(1 << 20);

// The same large value arriving in 16 KB reads: the parser must resume, not
// rescan, so the cost stays linear in the size.
void BM_ParseLargeBulkInPieces(benchmark::State& state) {
  std::string input = Multibulk({"SET", "big", std::string(state.range(0), 'v')});
  RequestParser parser;
  RequestLimits limits;
  for (auto _ : state) {
    size_t end = 0;
    RequestParser::Result r;
    do {
      end = std::min(input.size(), end + 16 * 1024);
      r = parser.Parse(std::string_view(input).substr(0, end), limits);
    } while (r == RequestParser::Result::kNeedMore);
    benchmark::DoNotOptimize(parser.args().data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(input.size()));
}
BENCHMARK(BM_ParseLargeBulkInPieces)->Arg(1 << 20);

// Replies: 16 at a time into a reused buffer, as a connection does.
template <typename Fn>
void Encode(benchmark::State& state, int resp, Fn write_one) {
  std::string out;
  ReplyWriter w(&out, resp);
  for (auto _ : state) {
    out.clear();
    for (int i = 0; i < 16; ++i) write_one(w, i);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * 16);
}

void BM_ReplyBulk(benchmark::State& state) {
  const std::string value(state.range(0), 'v');
  Encode(state, 2, [&](ReplyWriter& w, int) { w.Bulk(value); });
}
BENCHMARK(BM_ReplyBulk)->Arg(3)->Arg(100)->Arg(4096);

void BM_ReplyInteger(benchmark::State& state) {
  Encode(state, 2, [](ReplyWriter& w, int i) { w.Integer(1'000'000'007LL * i); });
}
BENCHMARK(BM_ReplyInteger);

void BM_ReplyOk(benchmark::State& state) {
  Encode(state, 2, [](ReplyWriter& w, int) { w.Ok(); });
}
BENCHMARK(BM_ReplyOk);

// An LRANGE-like array of ten short bulk strings.
void BM_ReplyArray(benchmark::State& state) {
  const std::string value = "element";
  Encode(state, 2, [&](ReplyWriter& w, int) {
    w.ArrayHeader(10);
    for (int j = 0; j < 10; ++j) w.Bulk(value);
  });
}
BENCHMARK(BM_ReplyArray);

// An HGETALL-like RESP3 map of five field/value pairs.
void BM_ReplyMapResp3(benchmark::State& state) {
  const std::string field = "field", value = "value";
  Encode(state, 3, [&](ReplyWriter& w, int) {
    w.MapHeader(5);
    for (int j = 0; j < 5; ++j) {
      w.Bulk(field);
      w.Bulk(value);
    }
  });
}
BENCHMARK(BM_ReplyMapResp3);

}  // namespace

BENCHMARK_MAIN();
