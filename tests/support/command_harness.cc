#include "tests/support/command_harness.h"

#include <gtest/gtest.h>

#include "protocol/reply_parser.h"

namespace ember::testing {

server::Config CommandHarness::DefaultConfig() {
  server::Config config;
  config.enable_debug_command = "yes";
  config.save.clear();
  return config;
}

CommandHarness::CommandHarness(server::Config config)
    : server_(std::make_unique<server::Server>(std::move(config), &clock_)) {
  NewClient();
}

CommandHarness::~CommandHarness() {
  for (auto& c : clients_) server_->UnregisterClient(c.get());
}

server::Client& CommandHarness::NewClient() {
  auto client = std::make_unique<server::Client>(server_->NextClientId(), nullptr);
  client->created_ms = clock_.NowMs();
  client->addr = "127.0.0.1:" + std::to_string(40000 + client->id());
  client->laddr = "127.0.0.1:6379";
  client->set_authenticated(server_->config().requirepass.empty());
  server_->RegisterClient(client.get());
  clients_.push_back(std::move(client));
  return *clients_.back();
}

std::string CommandHarness::Execute(server::Client& client,
                                    const std::vector<std::string_view>& args) {
  client.output().clear();
  server_->Execute(client, args);
  std::string out;
  out.swap(client.output());
  return out;
}

protocol::Value CommandHarness::Run(std::initializer_list<std::string_view> args) {
  return ParseOne(RunRaw(args));
}

protocol::Value CommandHarness::Run(const std::vector<std::string>& args) {
  return ParseOne(RunRaw(args));
}

std::string CommandHarness::RunRaw(std::initializer_list<std::string_view> args) {
  return Execute(client(), std::vector<std::string_view>(args));
}

std::string CommandHarness::RunRaw(const std::vector<std::string>& args) {
  return Execute(client(), std::vector<std::string_view>(args.begin(), args.end()));
}

protocol::Value CommandHarness::RunAs(server::Client& client,
                                      std::initializer_list<std::string_view> args) {
  return ParseOne(Execute(client, std::vector<std::string_view>(args)));
}

protocol::Value CommandHarness::TakeReply(server::Client& client) {
  std::string& out = client.output();
  if (out.empty()) return protocol::Value::Error("NOTHING");
  protocol::Value v;
  auto r = protocol::ParseReply(out, &v);
  EXPECT_EQ(r.status, protocol::ParseStatus::kOk) << "pending bytes: " << out;
  out.erase(0, r.consumed);
  return v;
}

protocol::Value ParseOne(std::string_view bytes) {
  // A client that blocked (BLPOP) gets no reply for now.
  if (bytes.empty()) return protocol::Value::Error("NO REPLY");
  protocol::Value v;
  auto r = protocol::ParseReply(bytes, &v);
  EXPECT_EQ(r.status, protocol::ParseStatus::kOk) << "reply bytes: " << bytes;
  EXPECT_EQ(r.consumed, bytes.size()) << "more than one reply: " << bytes;
  return v;
}

}  // namespace ember::testing
