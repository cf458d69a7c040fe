// ACL without users: Ember has Redis's one built-in user, "default", whose
// password is requirepass. ACL WHOAMI and ACL USERS name it; ACL CAT lists
// Redis's 21 command categories, or the commands (and subcommands, by full
// name) in one; ACL GENPASS makes random hex passwords. ACL's other
// subcommands manage users Ember does not have: they are unknown.
// Before authentication ACL is refused like any other command.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/resource.h>

#include <string>
#include <vector>

#include "tests/support/command_harness.h"
#include "tests/support/matchers.h"

namespace ember::testing {
namespace {

using ::testing::Contains;

std::vector<std::string> Strings(const protocol::Value& v) {
  std::vector<std::string> out;
  for (const protocol::Value& e : v.elements()) out.push_back(e.str());
  return out;
}

TEST(Acl, WhoamiAndUsersNameTheDefaultUser) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"ACL", "WHOAMI"}), IsBulk("default"));
  EXPECT_THAT(h.Run({"ACL", "USERS"}), IsBulkArray(std::vector<std::string>{"default"}));
}

TEST(Acl, IsRefusedBeforeAuthentication) {
  server::Config config = CommandHarness::DefaultConfig();
  config.requirepass = "secret";
  CommandHarness h(config);
  EXPECT_THAT(h.Run({"ACL", "WHOAMI"}), IsError("NOAUTH Authentication required."));
  EXPECT_THAT(h.Run({"AUTH", "secret"}), IsOk());
  EXPECT_THAT(h.Run({"ACL", "WHOAMI"}), IsBulk("default"));
}

TEST(Acl, CatListsTheCategoriesOrTheCommandsOfOne) {
  CommandHarness h;
  std::vector<std::string> categories = Strings(h.Run({"ACL", "CAT"}));
  ASSERT_EQ(categories.size(), 21u);
  EXPECT_EQ(categories.front(), "keyspace");
  EXPECT_EQ(categories.back(), "scripting");
  std::vector<std::string> connection = Strings(h.Run({"ACL", "CAT", "Connection"}));
  EXPECT_THAT(connection, Contains("auth"));
  EXPECT_THAT(connection, Contains("client|kill"));  // subcommands by full name
  EXPECT_THAT(connection, ::testing::Not(Contains("get")));
  EXPECT_THAT(h.Run({"ACL", "CAT", "nosuch"}), IsError("ERR Unknown category 'nosuch'"));
  EXPECT_THAT(h.Run({"ACL", "CAT", "a", "b"}),
              IsError("ERR unknown subcommand or wrong number of arguments for 'CAT'. Try ACL "
                      "HELP."));
}

TEST(Acl, GenpassGivesAsManyHexDigitsAsTheBitsNeed) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"ACL", "GENPASS"}).str().size(), 64u);
  EXPECT_EQ(h.Run({"ACL", "GENPASS", "5"}).str().size(), 2u);
  std::string a = h.Run({"ACL", "GENPASS"}).str(), b = h.Run({"ACL", "GENPASS"}).str();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  const char* kRange =
      "ERR ACL GENPASS argument must be the number of bits for the output password, a positive "
      "number up to 4096";
  EXPECT_THAT(h.Run({"ACL", "GENPASS", "0"}), IsError(kRange));
  EXPECT_THAT(h.Run({"ACL", "GENPASS", "4097"}), IsError(kRange));
  EXPECT_THAT(h.Run({"ACL", "GENPASS", "x"}),
              IsError("ERR value is not an integer or out of range"));
}

TEST(Acl, SubcommandsForManagingUsersAreUnknown) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"ACL", "SETUSER", "bob"}),
              IsError("ERR unknown subcommand 'SETUSER'. Try ACL HELP."));
  EXPECT_THAT(h.Run({"ACL"}), IsError("ERR wrong number of arguments for 'acl' command"));
}

// Redis's updateMaxclients: more clients than the process may open files
// for are refused, naming the most it could take.
TEST(Maxclients, ConfigSetBeyondTheOpenFilesLimitNamesWhatIsPossible) {
  CommandHarness h;
  rlimit limit;
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  EXPECT_THAT(h.Run({"CONFIG", "SET", "maxclients", "100"}), IsOk());
  if (limit.rlim_max == RLIM_INFINITY || limit.rlim_max > 4'000'000'000u) return;
  std::string beyond = std::to_string(limit.rlim_max + 1000);
  protocol::Value reply = h.Run({"CONFIG", "SET", "maxclients", beyond});
  if (reply.type() != protocol::Type::kError) {
    // A privileged process may raise its hard limit: then it is accepted.
    EXPECT_THAT(reply, IsOk());
    return;
  }
  EXPECT_THAT(reply, IsError("ERR CONFIG SET failed (possibly related to argument 'maxclients') - "
                             "The operating system is not able to handle the specified number of "
                             "clients, try with " +
                             std::to_string(limit.rlim_max - 32)));
  EXPECT_THAT(h.Run({"CONFIG", "GET", "maxclients"}),
              IsBulkArray(std::vector<std::string>{"maxclients", "100"}));
}

}  // namespace
}  // namespace ember::testing
