// LZF is how Redis compresses long strings in RDB files. Whatever Ember's
// compressor produces must decompress with the standard decoder, and the
// decoder must refuse corrupt input rather than read or write out of bounds.
#include "persistence/lzf.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace ember::persistence {
namespace {

std::string RoundTrip(const std::string& in) {
  std::vector<uint8_t> packed(in.size() + 64);
  size_t n = LzfCompress(in.data(), in.size(), packed.data(), packed.size());
  EXPECT_GT(n, 0u);
  std::string out(in.size(), '\0');
  EXPECT_TRUE(LzfDecompress(packed.data(), n, out.data(), out.size()));
  return out;
}

TEST(Lzf, RepetitiveTextShrinksAndRoundTrips) {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "hello world, hello redis ";
  std::vector<uint8_t> packed(text.size());
  size_t n = LzfCompress(text.data(), text.size(), packed.data(), packed.size());
  EXPECT_GT(n, 0u);
  EXPECT_LT(n, text.size() / 4);
  EXPECT_EQ(RoundTrip(text), text);
}

TEST(Lzf, RandomBytesRoundTripAcrossSizes) {
  std::mt19937 rng(7);
  for (size_t size : {1u, 2u, 3u, 31u, 32u, 33u, 100u, 8191u, 8192u, 8193u, 70000u}) {
    std::string data(size, '\0');
    for (char& c : data) c = static_cast<char>(rng() % 4);  // compressible-ish
    EXPECT_EQ(RoundTrip(data), data) << size;
  }
}

TEST(Lzf, IncompressibleDataDoesNotFitASmallerBuffer) {
  std::mt19937 rng(1);
  std::string data(200, '\0');
  for (char& c : data) c = static_cast<char>(rng());
  std::vector<uint8_t> packed(data.size() - 4);
  EXPECT_EQ(LzfCompress(data.data(), data.size(), packed.data(), packed.size()), 0u);
}

TEST(Lzf, CorruptInputIsRejected) {
  std::string out(10, '\0');
  const uint8_t back_ref_before_start[] = {0x20, 0x05};  // copy 3 bytes from 6 back: nothing there
  EXPECT_FALSE(LzfDecompress(back_ref_before_start, 2, out.data(), out.size()));
  const uint8_t literal_past_input[] = {0x09, 'a', 'b'};  // says 10 bytes follow, has 2
  EXPECT_FALSE(LzfDecompress(literal_past_input, 3, out.data(), out.size()));
  const uint8_t too_short[] = {0x01, 'a', 'b'};  // 2 bytes where 10 are due
  EXPECT_FALSE(LzfDecompress(too_short, 3, out.data(), out.size()));
}

}  // namespace
}  // namespace ember::persistence
