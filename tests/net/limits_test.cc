// The limits that keep one client from exhausting the server's memory, and
// the sizes that must still work inside them. proto-max-bulk-len caps a
// single argument (refused as a framing error before any byte of it is
// buffered); client-query-buffer-limit caps what a client may leave unparsed
// (the connection is closed without a reply, as Redis does). A 100 MB value
// goes through intact. And a client that pipelines big reads without
// reading the replies meets backpressure: the server stops reading its
// requests instead of buffering every reply.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "tests/net/wire.h"
#include "tests/support/net_support.h"

namespace ember::testing {
namespace {

// Memory of this process (the server runs on a thread in it), from
// /proc/self/statm: address space mapped, and pages actually resident.
size_t StatmField(int index) {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long fields[2] = {0, 0};
  int n = std::fscanf(f, "%lu %lu", &fields[0], &fields[1]);
  std::fclose(f);
  return n == 2 ? fields[index] * static_cast<size_t>(sysconf(_SC_PAGESIZE)) : 0;
}
size_t MappedBytes() { return StatmField(0); }
size_t ResidentBytes() { return StatmField(1); }

// A value whose every position is distinguishable from its neighbours, so a
// dropped, repeated or shifted chunk cannot go unnoticed.
std::string PatternValue(size_t size) {
  std::string v(size, '\0');
  uint32_t x = 2463534242u;
  for (size_t i = 0; i < size; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    v[i] = static_cast<char>(x);
  }
  return v;
}

std::string BulkReply(const std::string& value) {
  return "$" + std::to_string(value.size()) + "\r\n" + value + "\r\n";
}

TEST(Limits, BulkLengthAboveProtoMaxBulkLenIsAProtocolError) {
  server::Config config;
  config.proto_max_bulk_len = 1024 * 1024;
  EmberThread server(config);
  RawClient c(server.port());
  c.Send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1048577\r\n");
  EXPECT_EQ(c.ReadReplyBytes(), "-ERR Protocol error: invalid bulk length\r\n");
  EXPECT_TRUE(c.WaitClosed());

  // Exactly the limit is allowed.
  RawClient ok(server.port());
  ok.Send(Resp({"SET", "k", std::string(1024 * 1024, 'x')}));
  EXPECT_EQ(ok.ReadReplyBytes(), "+OK\r\n");
  ok.Send(Resp({"STRLEN", "k"}));
  EXPECT_EQ(ok.ReadReplyBytes(), ":1048576\r\n");
}

TEST(Limits, AQueryBufferBeyondTheLimitClosesTheConnectionWithoutAReply) {
  server::Config config;
  config.client_query_buffer_limit = 1024 * 1024;
  EmberThread server(config);
  RawClient bystander(server.port());

  RawClient c(server.port());
  // A 4 MB argument is within proto-max-bulk-len, but the client may not
  // leave more than 1 MB unparsed.
  c.Send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4194304\r\n");
  c.Send(std::string(2 * 1024 * 1024, 'x'));
  EXPECT_TRUE(c.WaitClosed());
  EXPECT_EQ(c.ReadReplyBytes(std::chrono::milliseconds(0)), "");

  bystander.Send(Resp({"EXISTS", "k"}));
  EXPECT_EQ(bystander.ReadReplyBytes(), ":0\r\n");
  // Complete commands are parsed as they arrive, so a pipeline much larger
  // than the limit is fine: only unparsed bytes count.
  std::string pipeline;
  for (int i = 0; i < 40; ++i) pipeline += Resp({"SET", "k", std::string(100 * 1024, 'v')});
  bystander.Send(pipeline);
  for (int i = 0; i < 40; ++i) ASSERT_EQ(bystander.ReadReplyBytes(), "+OK\r\n") << i;
}

TEST(Limits, AHundredMegabyteValueMakesTheRoundTripByteForByte) {
  EmberThread server;
  RawClient c(server.port());
  const std::string value = PatternValue(100 * 1024 * 1024);
  c.Send(Resp({"SET", "big", value}));
  EXPECT_EQ(c.ReadReplyBytes(std::chrono::seconds(60)), "+OK\r\n");
  c.Send(Resp({"STRLEN", "big"}));
  EXPECT_EQ(c.ReadReplyBytes(), ":104857600\r\n");
  c.Send(Resp({"GET", "big"}));
  std::string reply = c.ReadReplyBytes(std::chrono::seconds(60));
  ASSERT_EQ(reply.size(), value.size() + 14);
  EXPECT_TRUE(reply == BulkReply(value)) << "the value came back altered";
  // The connection is still usable, with its buffers back to normal size.
  c.Send(Resp({"PING"}));
  EXPECT_EQ(c.ReadReplyBytes(), "+PONG\r\n");
}

TEST(Limits, ADeclaredBulkLengthIsNotAllocatedBeforeTheBytesArrive) {
  // A client may announce a 512 MB argument and then send nothing: the
  // server's buffer must grow with the bytes received, not with the
  // announcement. Address space (VmSize) shows an allocation even before
  // its pages are touched.
  EmberThread server;
  RawClient other(server.port());
  size_t before = MappedBytes();
  std::vector<std::unique_ptr<RawClient>> clients;
  for (int i = 0; i < 8; ++i) {
    clients.push_back(std::make_unique<RawClient>(server.port()));
    clients.back()->Send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$536870912\r\n" + std::string(100, 'x'));
  }
  Barrier(other);
  size_t after = MappedBytes();
  EXPECT_LT(after, before + 256 * 1024 * 1024)
      << "8 clients that sent 100 bytes each made the server map " << (after - before)
      << " more bytes";
  clients.clear();
  other.Send(Resp({"PING"}));
  EXPECT_EQ(other.ReadReplyBytes(), "+PONG\r\n");
}

TEST(Limits, AClientThatDoesNotReadItsRepliesIsNotBufferedWithoutBound) {
  EmberThread server;
  RawClient other(server.port());
  const std::string value = PatternValue(1024 * 1024);
  other.Send(Resp({"SET", "big", value}));
  ASSERT_EQ(other.ReadReplyBytes(), "+OK\r\n");

  // 500 GETs of a 1 MB value fit in one 7 KB packet; answering them all at
  // once would take 500 MB of output buffer.
  constexpr int kGets = 500;
  std::string pipeline;
  for (int i = 0; i < kGets; ++i) pipeline += Resp({"GET", "big"});
  size_t before = ResidentBytes();
  RawClient slow(server.port());
  slow.Send(pipeline);
  // Let the server do everything it is willing to do without the client
  // reading: it answers other clients meanwhile.
  for (int i = 0; i < 10; ++i) Barrier(other);
  other.Send(Resp({"GET", "big"}));
  EXPECT_EQ(other.ReadReplyBytes(), BulkReply(value));
  size_t after = ResidentBytes();
  EXPECT_LT(after, before + 128 * 1024 * 1024)
      << "the server buffered " << (after - before) << " bytes for a client that does not read";

  // Now the client reads: every reply arrives, whole and in order.
  const std::string expected = BulkReply(value);
  for (int i = 0; i < kGets; ++i) {
    ASSERT_TRUE(slow.ReadReplyBytes(std::chrono::seconds(30)) == expected) << "reply #" << i;
  }
  slow.Send(Resp({"PING"}));
  EXPECT_EQ(slow.ReadReplyBytes(), "+PONG\r\n");
}

}  // namespace
}  // namespace ember::testing
