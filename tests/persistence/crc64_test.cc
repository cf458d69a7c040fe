// The RDB trailer is a CRC-64 (Jones polynomial). These are the check values
// Redis's own crc64 test uses, so a file Ember writes is one Redis accepts.
#include "persistence/crc64.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

namespace ember::persistence {
namespace {

TEST(Crc64, MatchesRedisCheckValueFor123456789) {
  const std::string data = "123456789";
  EXPECT_EQ(Crc64(0, data.data(), data.size()), 0xe9c6d914c4b8d9caULL);
}

// An RDB file ends with the CRC-64 of everything before it, little-endian.
TEST(Crc64, MatchesTheTrailerOfAnRdbFileWrittenByRedis) {
  std::ifstream in(std::string(EMBER_FIXTURES_DIR) + "/redis-7.0.15/all-types.rdb",
                   std::ios::binary);
  ASSERT_TRUE(in) << "fixture missing";
  std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(file.size(), 8u);
  uint64_t trailer = 0;
  for (int i = 7; i >= 0; --i) {
    trailer = (trailer << 8) | static_cast<unsigned char>(file[file.size() - 8 + i]);
  }
  EXPECT_EQ(Crc64(0, file.data(), file.size() - 8), trailer);
}

TEST(Crc64, CanBeComputedIncrementally) {
  const std::string data = "123456789";
  uint64_t crc = Crc64(0, data.data(), 4);
  crc = Crc64(crc, data.data() + 4, data.size() - 4);
  EXPECT_EQ(crc, 0xe9c6d914c4b8d9caULL);
}

}  // namespace
}  // namespace ember::persistence
