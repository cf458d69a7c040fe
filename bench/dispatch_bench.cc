// The dispatcher: Server::Execute for the commands redis-benchmark sends,
// with a manual clock and a client that has no socket. This is everything a
// command costs except the system calls, so it bounds what the -P 16
// throughput can be.
#include <benchmark/benchmark.h>

#include <string>
#include <string_view>
#include <vector>

#include "protocol/request_parser.h"
#include "server/client.h"
#include "server/config.h"
#include "server/server.h"
#include "storage/clock.h"

namespace {

using ember::server::Client;
using ember::server::Config;
using ember::server::Server;

constexpr int kKeys = 100'000;

struct Fixture {
  ember::storage::ManualClock clock;
  Server server{MakeConfig(), &clock};
  Client client{server.NextClientId(), nullptr};
  std::vector<std::string> keys;

  static Config MakeConfig() {
    Config config;
    config.save.clear();
    return config;
  }

  Fixture() {
    server.RegisterClient(&client);
    for (int i = 0; i < kKeys; ++i) keys.push_back("key:" + std::to_string(i));
    for (const std::string& k : keys) Run({"SET", k, "xxx"});
  }
  ~Fixture() { server.UnregisterClient(&client); }

  void Run(std::vector<std::string_view> args) {
    client.output().clear();
    server.Execute(client, args);
  }
};

// Runs one command per iteration, built by make_args(i), and checks that
// the replies are what the benchmark expects to measure.
template <typename MakeArgs>
void ExecuteLoop(benchmark::State& state, MakeArgs make_args, std::string_view want_prefix) {
  Fixture f;
  std::vector<std::string_view> args;
  size_t i = 0;
  for (auto _ : state) {
    f.client.output().clear();
    make_args(f, i, &args);
    f.server.Execute(f.client, args);
    if (++i == f.keys.size()) i = 0;
  }
  if (f.client.output().substr(0, want_prefix.size()) != want_prefix) {
    state.SkipWithError(("unexpected reply: " + f.client.output()).c_str());
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_ExecutePing(benchmark::State& state) {
  ExecuteLoop(
      state, [](Fixture&, size_t, std::vector<std::string_view>* a) { *a = {"PING"}; }, "+PONG");
}
BENCHMARK(BM_ExecutePing);

void BM_ExecuteGet(benchmark::State& state) {
  ExecuteLoop(
      state,
      [](Fixture& f, size_t i, std::vector<std::string_view>* a) {
        *a = {"GET", f.keys[i]};
      },
      "$3\r\nxxx");
}
BENCHMARK(BM_ExecuteGet);

void BM_ExecuteSet(benchmark::State& state) {
  ExecuteLoop(
      state,
      [](Fixture& f, size_t i, std::vector<std::string_view>* a) {
        *a = {"SET", f.keys[i], "xxx"};
      },
      "+OK");
}
BENCHMARK(BM_ExecuteSet);

void BM_ExecuteIncr(benchmark::State& state) {
  ExecuteLoop(
      state,
      [](Fixture&, size_t, std::vector<std::string_view>* a) {
        *a = {"INCR", "counter"};
      },
      ":");
}
BENCHMARK(BM_ExecuteIncr);

// MSET of ten keys, as redis-benchmark's mset test.
void BM_ExecuteMset10(benchmark::State& state) {
  ExecuteLoop(
      state,
      [](Fixture& f, size_t i, std::vector<std::string_view>* a) {
        a->assign({"MSET"});
        for (size_t j = 0; j < 10; ++j) {
          a->push_back(f.keys[(i * 10 + j) % f.keys.size()]);
          a->push_back("xxx");
        }
      },
      "+OK");
}
BENCHMARK(BM_ExecuteMset10);

// What one read of a -P 16 SET/GET pipeline costs a connection: parse the
// sixteen commands from the buffer and execute them into one output buffer.
void BM_ParseExecutePipeline16(benchmark::State& state) {
  Fixture f;
  std::string input;
  for (int i = 0; i < 16; ++i) {
    const std::string& k = f.keys[i * 6007 % kKeys];
    std::string kl = std::to_string(k.size());
    input += i % 2 == 0 ? "*3\r\n$3\r\nSET\r\n$" + kl + "\r\n" + k + "\r\n$3\r\nxxx\r\n"
                        : "*2\r\n$3\r\nGET\r\n$" + kl + "\r\n" + k + "\r\n";
  }
  ember::protocol::RequestParser parser;
  ember::protocol::RequestLimits limits;
  for (auto _ : state) {
    f.client.output().clear();
    size_t pos = 0;
    while (parser.Parse(std::string_view(input).substr(pos), limits) ==
           ember::protocol::RequestParser::Result::kCommand) {
      f.server.Execute(f.client, parser.args());
      pos += parser.consumed();
    }
    benchmark::DoNotOptimize(f.client.output().data());
  }
  state.SetItemsProcessed(state.iterations() * 16);
}
BENCHMARK(BM_ParseExecutePipeline16);

}  // namespace

BENCHMARK_MAIN();
