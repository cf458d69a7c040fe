// The state of one connection: its database (SELECT), its protocol (HELLO),
// its name, whether it has authenticated (AUTH), and the CLIENT commands that
// look at and manage connections.
//
// HELLO 3 switches a connection to RESP3, after which the same commands
// answer with RESP3 types: a missing value is "_" instead of "$-1", HELLO's
// own reply is a map ("%7") instead of a flat array ("*14"), CLIENT LIST is
// a verbatim string. With requirepass set, a new connection may only AUTH,
// HELLO ... AUTH, RESET or QUIT until it authenticates. RESET returns a
// connection to the state of a new one. Expected replies are Redis 7.0's,
// except that HELLO names the server "ember" and CLIENT SETINFO (a Redis 7.2
// command) exists, both listed in docs/differences.md.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <string>

#include "tests/support/command_harness.h"
#include "tests/support/matchers.h"

namespace ember::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// The fields of one CLIENT LIST / CLIENT INFO line.
std::map<std::string, std::string> ClientFields(const std::string& line) {
  std::map<std::string, std::string> fields;
  std::istringstream in(line);
  std::string word;
  while (in >> word) {
    size_t eq = word.find('=');
    fields[word.substr(0, eq)] = eq == std::string::npos ? "" : word.substr(eq + 1);
  }
  return fields;
}

std::string Hello3Bytes(uint64_t id) {
  return "%7\r\n$6\r\nserver\r\n$5\r\nember\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n"
         ":3\r\n$2\r\nid\r\n:" +
         std::to_string(id) +
         "\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n"
         "*0\r\n";
}

server::Config WithPassword() {
  server::Config config = CommandHarness::DefaultConfig();
  config.requirepass = "secret";
  return config;
}

// --- PING, ECHO ---

TEST(Ping, AnswersPongOrEchoesItsArgument) {
  CommandHarness h;
  EXPECT_EQ(h.RunRaw({"PING"}), "+PONG\r\n");
  EXPECT_EQ(h.RunRaw({"PING", "hello"}), "$5\r\nhello\r\n");
  EXPECT_THAT(h.Run({"PING", "a", "b"}),
              IsError("ERR wrong number of arguments for 'ping' command"));
}

TEST(Echo, ReturnsItsArgumentAsABulkString) {
  CommandHarness h;
  EXPECT_EQ(h.RunRaw({"ECHO", "hi"}), "$2\r\nhi\r\n");
  EXPECT_THAT(h.Run({"ECHO"}), IsError("ERR wrong number of arguments for 'echo' command"));
  EXPECT_THAT(h.Run({"ECHO", "a", "b"}),
              IsError("ERR wrong number of arguments for 'echo' command"));
}

// --- SELECT ---

TEST(Select, SwitchesTheConnectionsDatabase) {
  CommandHarness h;
  server::Client& other = h.NewClient();
  h.Run({"SET", "k", "zero"});
  EXPECT_THAT(h.Run({"SELECT", "15"}), IsOk());
  EXPECT_THAT(h.Run({"GET", "k"}), IsNil());
  EXPECT_THAT(h.RunAs(other, {"GET", "k"}), IsBulk("zero"));  // per connection
}

TEST(Select, Errors) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"SELECT", "16"}), IsError("ERR DB index is out of range"));
  EXPECT_THAT(h.Run({"SELECT", "-1"}), IsError("ERR DB index is out of range"));
  EXPECT_THAT(h.Run({"SELECT", "abc"}), IsError("ERR value is not an integer or out of range"));
  EXPECT_THAT(h.Run({"SELECT", "1.5"}), IsError("ERR value is not an integer or out of range"));
}

// --- HELLO and RESP3 ---

TEST(Hello, WithoutArgumentsDescribesTheServerInTheCurrentProtocol) {
  CommandHarness h;
  protocol::Value v = h.Run({"HELLO"});
  ASSERT_EQ(v.type(), protocol::Type::kArray);  // RESP2: a map is a flat array
  ASSERT_EQ(v.elements().size(), 14u);
  EXPECT_THAT(v.elements()[0], IsBulk("server"));
  EXPECT_THAT(v.elements()[2], IsBulk("version"));
  EXPECT_THAT(v.elements()[3], IsBulk("7.0.15"));
  EXPECT_THAT(v.elements()[4], IsBulk("proto"));
  EXPECT_THAT(v.elements()[5], IsInt(2));
  EXPECT_THAT(v.elements()[7], IsInt(static_cast<int64_t>(h.client().id())));
}

TEST(Hello, ThreeSwitchesToResp3AndAnswersWithAMap) {
  CommandHarness h;
  EXPECT_EQ(h.RunRaw({"HELLO", "3"}), Hello3Bytes(h.client().id()));
  EXPECT_EQ(h.client().resp(), 3);
}

TEST(Hello, TwoSwitchesBack) {
  CommandHarness h;
  h.Run({"HELLO", "3"});
  protocol::Value v = h.Run({"HELLO", "2"});
  EXPECT_EQ(v.type(), protocol::Type::kArray);
  EXPECT_THAT(v.elements()[5], IsInt(2));
  EXPECT_EQ(h.RunRaw({"GET", "nokey"}), "$-1\r\n");
}

TEST(Hello, Resp3ChangesHowNullsAndMapsAreSent) {
  CommandHarness h;
  EXPECT_EQ(h.RunRaw({"GET", "nokey"}), "$-1\r\n");
  EXPECT_EQ(h.RunRaw({"CLIENT", "GETNAME"}), "$-1\r\n");
  h.Run({"HELLO", "3"});
  EXPECT_EQ(h.RunRaw({"GET", "nokey"}), "_\r\n");
  EXPECT_EQ(h.RunRaw({"CLIENT", "GETNAME"}), "_\r\n");
  EXPECT_THAT(h.RunRaw({"HELLO"}), StartsWith("%7\r\n"));
}

TEST(Hello, OnlyProtocolsTwoAndThreeExist) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"HELLO", "1"}), IsError("NOPROTO unsupported protocol version"));
  EXPECT_THAT(h.Run({"HELLO", "4"}), IsError("NOPROTO unsupported protocol version"));
  EXPECT_THAT(h.Run({"HELLO", "abc"}),
              IsError("ERR Protocol version is not an integer or out of range"));
  EXPECT_EQ(h.client().resp(), 2);
}

TEST(Hello, UnknownOrIncompleteOptionsAreSyntaxErrors) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"HELLO", "2", "FOO"}), IsError("ERR Syntax error in HELLO option 'FOO'"));
  EXPECT_THAT(h.Run({"HELLO", "2", "AUTH", "default"}),
              IsError("ERR Syntax error in HELLO option 'AUTH'"));
  EXPECT_THAT(h.Run({"HELLO", "3", "SETNAME"}),
              IsError("ERR Syntax error in HELLO option 'SETNAME'"));
  EXPECT_EQ(h.client().resp(), 2);
}

TEST(Hello, SetnameNamesTheConnection) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"HELLO", "2", "SETNAME", "myname"}).type(), protocol::Type::kArray);
  EXPECT_THAT(h.Run({"CLIENT", "GETNAME"}), IsBulk("myname"));
  EXPECT_THAT(h.Run({"HELLO", "2", "SETNAME", "a b"}),
              IsError("ERR Client names cannot contain spaces, newlines or special characters."));
}

// --- AUTH ---

TEST(Auth, WithoutRequirepassOnlyTheTwoArgumentFormMakesSense) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"AUTH", "foo"}),
              IsError("ERR AUTH <password> called without any password configured for the "
                      "default user. Are you sure your configuration is correct?"));
  EXPECT_THAT(h.Run({"AUTH", "default", "anything"}), IsOk());
  EXPECT_THAT(h.Run({"AUTH", "bar", "foo"}),
              IsError("WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_THAT(h.Run({"AUTH", "a", "b", "c"}), IsError("ERR syntax error"));
}

TEST(Auth, WithRequirepassCommandsWaitForAuthentication) {
  CommandHarness h(WithPassword());
  for (const char* cmd : {"GET", "PING", "ECHO"}) {
    EXPECT_THAT(h.Run({cmd, "x"}), IsError("NOAUTH Authentication required.")) << cmd;
  }
  EXPECT_THAT(h.Run({"CLIENT", "ID"}), IsError("NOAUTH Authentication required."));
}

TEST(Auth, UnknownCommandsAreReportedAsSuchEvenBeforeAuth) {
  CommandHarness h(WithPassword());
  EXPECT_THAT(h.Run({"a", "b"}),
              IsError("ERR unknown command 'a', with args beginning with: 'b' "));
}

TEST(Auth, TheRightPasswordInEitherFormAuthenticates) {
  CommandHarness h(WithPassword());
  EXPECT_THAT(h.Run({"AUTH", "wrong"}),
              IsError("WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_THAT(h.Run({"AUTH", "default", "wrong"}),
              IsError("WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_THAT(h.Run({"AUTH", "nobody", "secret"}),
              IsError("WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_THAT(h.Run({"GET", "k"}), IsError("NOAUTH Authentication required."));
  EXPECT_THAT(h.Run({"AUTH", "secret"}), IsOk());
  EXPECT_THAT(h.Run({"GET", "k"}), IsNil());
  server::Client& other = h.NewClient();
  EXPECT_THAT(h.RunAs(other, {"AUTH", "default", "secret"}), IsOk());
  EXPECT_THAT(h.RunAs(other, {"GET", "k"}), IsNil());
}

TEST(Auth, HelloCanAuthenticateAndSwitchProtocolAtOnce) {
  CommandHarness h(WithPassword());
  EXPECT_THAT(h.Run({"HELLO", "3"}), IsErrorContaining("NOAUTH HELLO must be called"));
  EXPECT_THAT(h.Run({"HELLO", "3", "AUTH", "default", "wrong"}),
              IsError("WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_EQ(h.client().resp(), 2);
  EXPECT_EQ(h.RunRaw({"HELLO", "3", "AUTH", "default", "secret"}), Hello3Bytes(h.client().id()));
  EXPECT_EQ(h.RunRaw({"GET", "k"}), "_\r\n");
}

// --- RESET ---

TEST(Reset, ReturnsTheConnectionToItsInitialState) {
  CommandHarness h;
  h.Run({"SELECT", "3"});
  h.Run({"HELLO", "3"});
  h.Run({"CLIENT", "SETNAME", "foo"});
  EXPECT_EQ(h.RunRaw({"RESET"}), "+RESET\r\n");
  EXPECT_EQ(h.client().db_index(), 0);
  EXPECT_EQ(h.client().resp(), 2);
  EXPECT_THAT(h.Run({"CLIENT", "GETNAME"}), IsNil());
}

TEST(Reset, LogsOutWhenAPasswordIsRequired) {
  CommandHarness h(WithPassword());
  h.Run({"AUTH", "secret"});
  EXPECT_THAT(h.Run({"GET", "k"}), IsNil());
  EXPECT_EQ(h.RunRaw({"RESET"}), "+RESET\r\n");
  EXPECT_THAT(h.Run({"GET", "k"}), IsError("NOAUTH Authentication required."));
}

// --- CLIENT ---

TEST(Client, IdIsUniquePerConnection) {
  CommandHarness h;
  server::Client& other = h.NewClient();
  EXPECT_THAT(h.Run({"CLIENT", "ID"}), IsInt(static_cast<int64_t>(h.client().id())));
  EXPECT_THAT(h.RunAs(other, {"CLIENT", "ID"}), IsInt(static_cast<int64_t>(other.id())));
  EXPECT_NE(h.client().id(), other.id());
}

TEST(Client, SetnameAndGetname) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"CLIENT", "GETNAME"}), IsNil());
  EXPECT_THAT(h.Run({"CLIENT", "SETNAME", "x"}), IsOk());
  EXPECT_THAT(h.Run({"CLIENT", "GETNAME"}), IsBulk("x"));
  EXPECT_THAT(h.Run({"CLIENT", "SETNAME", ""}), IsOk());  // an empty name clears it
  EXPECT_THAT(h.Run({"CLIENT", "GETNAME"}), IsNil());
}

TEST(Client, NamesMustBePrintableAsciiWithoutSpaces) {
  CommandHarness h;
  for (const char* bad : {"a b", "a\nb", "\xc3\xa9"}) {
    EXPECT_THAT(h.Run({"CLIENT", "SETNAME", bad}),
                IsError("ERR Client names cannot contain spaces, newlines or special "
                        "characters."))
        << bad;
  }
}

TEST(Client, InfoDescribesTheCallingConnection) {
  CommandHarness h;
  h.Run({"CLIENT", "SETNAME", "foo"});
  h.Run({"SELECT", "3"});
  protocol::Value v = h.Run({"CLIENT", "INFO"});
  ASSERT_EQ(v.type(), protocol::Type::kBulkString);
  EXPECT_EQ(v.str().back(), '\n');
  auto fields = ClientFields(v.str());
  EXPECT_EQ(fields["id"], std::to_string(h.client().id()));
  EXPECT_EQ(fields["name"], "foo");
  EXPECT_EQ(fields["db"], "3");
  EXPECT_EQ(fields["resp"], "2");
  EXPECT_EQ(fields["flags"], "N");
  EXPECT_EQ(fields["cmd"], "client|info");
  EXPECT_EQ(fields["user"], "default");
}

TEST(Client, InfoAndListAreVerbatimStringsInResp3) {
  CommandHarness h;
  h.Run({"HELLO", "3"});
  EXPECT_THAT(h.RunRaw({"CLIENT", "INFO"}), StartsWith("="));
  EXPECT_THAT(h.RunRaw({"CLIENT", "INFO"}), HasSubstr("\r\ntxt:id="));
  protocol::Value v = h.Run({"CLIENT", "LIST"});
  EXPECT_EQ(v.type(), protocol::Type::kVerbatim);
  EXPECT_EQ(v.format(), "txt");
  EXPECT_EQ(ClientFields(v.str())["resp"], "3");
}

TEST(Client, ListHasALinePerConnectionAndFiltersById) {
  CommandHarness h;
  server::Client& other = h.NewClient();
  h.RunAs(other, {"CLIENT", "SETNAME", "second"});
  protocol::Value all = h.Run({"CLIENT", "LIST"});
  EXPECT_EQ(std::count(all.str().begin(), all.str().end(), '\n'), 2);
  protocol::Value one = h.Run({"CLIENT", "LIST", "ID", std::to_string(other.id())});
  auto fields = ClientFields(one.str());
  EXPECT_EQ(fields["name"], "second");
  EXPECT_EQ(fields["id"], std::to_string(other.id()));
  EXPECT_THAT(h.Run({"CLIENT", "LIST", "ID", "99999"}), IsBulk(""));
  EXPECT_THAT(h.Run({"CLIENT", "LIST", "TYPE", "pubsub"}), IsBulk(""));
  EXPECT_THAT(h.Run({"CLIENT", "LIST", "TYPE", "normal"}).str(), HasSubstr("name=second"));
}

TEST(Client, ListErrors) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"CLIENT", "LIST", "TYPE", "foo"}), IsError("ERR Unknown client type 'foo'"));
  EXPECT_THAT(h.Run({"CLIENT", "LIST", "ID", "abc"}), IsError("ERR Invalid client ID"));
  EXPECT_THAT(h.Run({"CLIENT", "LIST", "FOO"}), IsError("ERR syntax error"));
}

TEST(Client, KillByIdSkipsTheCallerUnlessAsked) {
  CommandHarness h;
  server::Client& other = h.NewClient();
  std::string my_id = std::to_string(h.client().id());
  EXPECT_THAT(h.Run({"CLIENT", "KILL", "ID", std::to_string(other.id())}), IsInt(1));
  EXPECT_THAT(h.Run({"CLIENT", "KILL", "ID", my_id}), IsInt(0));
  EXPECT_FALSE(h.client().has_flag(server::Client::kCloseAfterReply));
  EXPECT_THAT(h.Run({"CLIENT", "KILL", "ID", my_id, "SKIPME", "no"}), IsInt(1));
  EXPECT_TRUE(h.client().has_flag(server::Client::kCloseAfterReply));  // after this reply
}

TEST(Client, KillByAddressInTheOldFormAnswersOk) {
  CommandHarness h;
  server::Client& other = h.NewClient();
  EXPECT_THAT(h.Run({"CLIENT", "KILL", other.addr}), IsOk());
  EXPECT_THAT(h.Run({"CLIENT", "KILL", "1.2.3.4:5"}), IsError("ERR No such client"));
}

TEST(Client, KillFiltersCombine) {
  CommandHarness h;
  server::Client& other = h.NewClient();
  EXPECT_THAT(h.Run({"CLIENT", "KILL", "ADDR", other.addr, "TYPE", "normal"}), IsInt(1));
  EXPECT_THAT(h.Run({"CLIENT", "KILL", "ADDR", other.addr, "ID", "99999"}), IsInt(0));
  EXPECT_THAT(h.Run({"CLIENT", "KILL", "LADDR", "1.1.1.1:1"}), IsInt(0));
  EXPECT_THAT(h.Run({"CLIENT", "KILL", "TYPE", "pubsub"}), IsInt(0));
  EXPECT_THAT(h.Run({"CLIENT", "KILL", "USER", "default"}), IsInt(1));
}

TEST(Client, KillErrors) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"CLIENT", "KILL", "ID", "abc"}),
              IsError("ERR client-id should be greater than 0"));
  EXPECT_THAT(h.Run({"CLIENT", "KILL", "ID", "0"}),
              IsError("ERR client-id should be greater than 0"));
  EXPECT_THAT(h.Run({"CLIENT", "KILL", "ID"}), IsError("ERR No such client"));
  EXPECT_THAT(h.Run({"CLIENT", "KILL", "FOO", "bar"}), IsError("ERR syntax error"));
  EXPECT_THAT(h.Run({"CLIENT", "KILL", "TYPE", "foo"}), IsError("ERR Unknown client type 'foo'"));
  EXPECT_THAT(h.Run({"CLIENT", "KILL", "SKIPME", "maybe"}), IsError("ERR syntax error"));
  EXPECT_THAT(h.Run({"CLIENT", "KILL", "USER", "nobody"}), IsError("ERR No such user 'nobody'"));
}

TEST(Client, SetinfoRecordsTheLibraryShownByClientList) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"CLIENT", "SETINFO", "LIB-NAME", "redis-py"}), IsOk());
  EXPECT_THAT(h.Run({"CLIENT", "SETINFO", "lib-ver", "5.0.1"}), IsOk());
  auto fields = ClientFields(h.Run({"CLIENT", "INFO"}).str());
  EXPECT_EQ(fields["lib-name"], "redis-py");
  EXPECT_EQ(fields["lib-ver"], "5.0.1");
  EXPECT_THAT(h.Run({"CLIENT", "SETINFO", "foo", "x"}), IsError("ERR Unrecognized option 'foo'"));
  EXPECT_THAT(h.Run({"CLIENT", "SETINFO", "lib-name", "a b"}),
              IsError("ERR lib-name cannot contain spaces, newlines or special characters."));
}

TEST(Client, SubcommandErrors) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"CLIENT"}), IsError("ERR wrong number of arguments for 'client' command"));
  EXPECT_THAT(h.Run({"CLIENT", "FOO"}), IsError("ERR unknown subcommand 'FOO'. Try CLIENT HELP."));
}

}  // namespace
}  // namespace ember::testing
