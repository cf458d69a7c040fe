// The fixture of the RDB tests: a keyspace to fill and save, and another to
// load the bytes into, on one manual clock (deadlines are compared exactly).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "persistence/rdb.h"
#include "persistence/rdb_codec.h"
#include "storage/clock.h"
#include "storage/keyspace.h"

namespace ember::persistence {

class RdbRoundTrip : public ::testing::Test {
 protected:
  RdbRoundTrip() : source_(&clock_, 16), target_(&clock_, 16) {}

  // `source_` as an RDB file.
  std::string Save(bool compress = true) {
    StringSink sink;
    RdbWriteOptions options;
    options.compress = compress;
    options.now_ms = clock_.NowMs();
    std::string error;
    EXPECT_TRUE(WriteRdb(source_, options, &sink, &error)) << error;
    return sink.str();
  }
  // Loads `bytes` into `target_`.
  bool Load(const std::string& bytes, std::string* error) {
    RdbLoadResult result;
    return ReadRdb(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &target_, {},
                   &result, error);
  }

  storage::ManualClock clock_;
  storage::Keyspace source_;
  storage::Keyspace target_;
};

}  // namespace ember::persistence
