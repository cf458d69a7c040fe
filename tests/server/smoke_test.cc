// A first look at the dispatcher: commands are looked up case-insensitively,
// and unknown commands and wrong arities get Redis's exact error texts
// without the connection being affected.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/command_harness.h"
#include "tests/support/matchers.h"

namespace ember::testing {
namespace {

TEST(Dispatcher, LooksUpCommandsCaseInsensitively) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"PiNg"}), IsSimple("PONG"));
  EXPECT_THAT(h.Run({"set", "k", "v"}), IsOk());
  EXPECT_THAT(h.Run({"GET", "k"}), IsBulk("v"));
}

TEST(Dispatcher, UnknownCommandQuotesItsFirstArguments) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"foo", "a", "b"}),
              IsError("ERR unknown command 'foo', with args beginning with: 'a' 'b' "));
}

TEST(Dispatcher, WrongArityNamesTheCommandInLowerCase) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"GET"}), IsError("ERR wrong number of arguments for 'get' command"));
  EXPECT_THAT(h.Run({"OBJECT", "ENCODING"}),
              IsError("ERR wrong number of arguments for 'object|encoding' command"));
}

TEST(Dispatcher, UnknownSubcommandSuggestsHelp) {
  CommandHarness h;
  EXPECT_THAT(h.Run({"object", "foo"}),
              IsError("ERR unknown subcommand 'foo'. Try OBJECT HELP."));
}

}  // namespace
}  // namespace ember::testing
