// CLIENT KILL and CLIENT LIST filters compared with Redis 7.0: the same
// counts for each filter (on a server whose only other client is the
// harness's own), the same errors for bad filters, and the same empty
// listing for a class with no clients. The listings themselves differ in
// addresses and ids, so only their shape is compared.
#include <gtest/gtest.h>

#include "tests/compat/compat.h"

namespace ember::testing::compat {
namespace {

TEST(ClientCompat, KillAndListFiltersAnswerAsRedisDoes) {
  Pair pair;
  ASSERT_TRUE(pair.ok());
  Session s(pair);
  s.Run({
      Exact("CLIENT KILL 203.0.113.1:5"),
      Exact("CLIENT KILL ID 0"),
      Exact("CLIENT KILL ID x"),
      Exact("CLIENT KILL ID 999999"),
      Exact("CLIENT KILL TYPE pubsub"),
      Exact("CLIENT KILL TYPE master"),
      Exact("CLIENT KILL TYPE bogus"),
      Exact("CLIENT KILL USER nobody"),
      Exact("CLIENT KILL USER default SKIPME yes TYPE normal ADDR 203.0.113.1:5"),
      Exact("CLIENT KILL SKIPME maybe"),
      Exact("CLIENT KILL ADDR"),
      Exact("CLIENT KILL LADDR 203.0.113.1:5 NOSUCH x"),
      Exact("CLIENT LIST TYPE pubsub"),
      Exact("CLIENT LIST TYPE replica"),
      Exact("CLIENT LIST TYPE bogus"),
      Exact("CLIENT LIST ID x"),
      Exact("CLIENT LIST BOGUS"),
      Exact("CLIENT LIST ID 999999"),
      Skip("CLIENT LIST TYPE normal"),
      Skip("CLIENT INFO"),
  });
}

}  // namespace
}  // namespace ember::testing::compat
