// Who may talk to the server, over real sockets.
//
// Protected mode: with no password, Redis serves only clients on 127.0.0.1
// and ::1. Anyone else is sent one long -DENIED error, before sending
// anything, and disconnected; INFO counts it in rejected_connections.
// Setting a password or `protected-mode no` opens the door (with a password,
// the client must still AUTH). Non-loopback clients are made two ways: from
// the local address 127.0.0.2 (loopback to the kernel, not "local" to
// Redis's exact address check), and, when this machine has one, through a
// real non-loopback interface. `bind` takes several addresses; one prefixed
// with "-" may be missing without failing start-up.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <string>
#include <vector>

#include "protocol/errors.h"
#include "tests/net/wire.h"
#include "tests/support/net_support.h"

namespace ember::testing {
namespace {

const std::string kDenied = "-" + std::string(protocol::errors::kProtectedModeDenied) + "\r\n";

// IPv4 addresses of this machine's non-loopback interfaces that are up.
std::vector<std::string> NonLoopbackAddresses() {
  std::vector<std::string> out;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET) continue;
    if ((i->ifa_flags & IFF_LOOPBACK) != 0 || (i->ifa_flags & IFF_UP) == 0) continue;
    char text[INET_ADDRSTRLEN];
    auto* sin = reinterpret_cast<sockaddr_in*>(i->ifa_addr);
    if (inet_ntop(AF_INET, &sin->sin_addr, text, sizeof(text)) != nullptr) out.push_back(text);
  }
  freeifaddrs(list);
  return out;
}

std::string InfoField(RawClient& c, const std::string& name) {
  std::string info = c.Call({"INFO", "stats"}).str();
  size_t at = info.find(name + ":");
  if (at == std::string::npos) return "";
  at += name.size() + 1;
  return info.substr(at, info.find('\r', at) - at);
}

TEST(ProtectedMode, AClientFromANonLoopbackAddressIsDeniedAndDisconnected) {
  EmberThread server;
  RawClient outsider(server.port(), "127.0.0.1", "127.0.0.2");
  ASSERT_TRUE(outsider.connected());
  // The error comes unasked, then the connection closes.
  EXPECT_EQ(outsider.ReadReplyBytes(), kDenied);
  EXPECT_TRUE(outsider.WaitClosed());
  RawClient local(server.port());
  EXPECT_EQ(local.Call({"PING"}).str(), "PONG");
  EXPECT_EQ(InfoField(local, "rejected_connections"), "1");
}

TEST(ProtectedMode, AppliesThroughARealNetworkInterface) {
  std::vector<std::string> addresses = NonLoopbackAddresses();
  if (addresses.empty()) {
    // Not a skip: the test above covers the rule with 127.0.0.2.
    std::cout << "[ note    ] no non-loopback interface here: checked through 127.0.0.2 only\n";
    return;
  }
  server::Config config;
  config.bind = {"127.0.0.1", addresses[0]};
  EmberThread server(config);
  RawClient outsider(server.port(), addresses[0]);
  ASSERT_TRUE(outsider.connected()) << addresses[0];
  EXPECT_EQ(outsider.ReadReplyBytes(), kDenied);
  EXPECT_TRUE(outsider.WaitClosed());
}

TEST(ProtectedMode, APasswordLetsOutsidersConnectButTheyMustAuthenticate) {
  server::Config config;
  config.requirepass = "secret";
  EmberThread server(config);
  RawClient outsider(server.port(), "127.0.0.1", "127.0.0.2");
  outsider.Send(Resp({"PING"}));
  EXPECT_EQ(outsider.ReadReplyBytes(), "-NOAUTH Authentication required.\r\n");
  outsider.Send(Resp({"AUTH", "secret"}));
  EXPECT_EQ(outsider.ReadReplyBytes(), "+OK\r\n");
  outsider.Send(Resp({"PING"}));
  EXPECT_EQ(outsider.ReadReplyBytes(), "+PONG\r\n");
}

TEST(ProtectedMode, TurningItOffFromALocalConnectionLetsOutsidersIn) {
  EmberThread server;
  RawClient local(server.port());
  local.Send(Resp({"CONFIG", "SET", "protected-mode", "no"}));
  ASSERT_EQ(local.ReadReplyBytes(), "+OK\r\n");
  RawClient outsider(server.port(), "127.0.0.1", "127.0.0.2");
  outsider.Send(Resp({"PING"}));
  EXPECT_EQ(outsider.ReadReplyBytes(), "+PONG\r\n");
}

TEST(Bind, EveryListedAddressIsListenedOn) {
  server::Config config;
  config.bind = {"127.0.0.1", "127.0.0.2"};
  config.protected_mode = false;
  EmberThread server(config);
  for (const char* host : {"127.0.0.1", "127.0.0.2"}) {
    RawClient c(server.port(), host);
    ASSERT_TRUE(c.connected()) << host;
    EXPECT_EQ(c.Call({"PING"}).str(), "PONG") << host;
  }
  // Not listed: nothing listens there.
  RawClient other(server.port(), "127.0.0.3");
  EXPECT_FALSE(other.connected());
}

TEST(Bind, AnAddressMarkedOptionalMayBeUnavailable) {
  // 203.0.113.1 (TEST-NET-3) is on no interface of a test machine.
  ServerProcess optional(EmberServerPath(), {"--save", "", "--bind", "127.0.0.1 -203.0.113.1"});
  EXPECT_TRUE(optional.started());
  ServerProcess required(EmberServerPath(), {"--save", "", "--bind", "127.0.0.1 203.0.113.1"});
  EXPECT_FALSE(required.started());
}

}  // namespace
}  // namespace ember::testing
