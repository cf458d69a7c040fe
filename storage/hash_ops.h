// The data logic of Redis's hash commands (t_hash.c).
//
// A hash key always holds at least one field: deleting the last field
// deletes the key, and the first HSET creates it. Commands that read look
// the key up with Find and read the HashObject (hash_object.h) directly;
// the writes and the multi-step reads live here.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.h"
#include "storage/hash_object.h"
#include "storage/op_result.h"

namespace ember::storage::hash {

using Value = HashObject::Value;

// The hash at `key`, for a command that reads: kNotFound, kWrongType, or
// the hash (valid until the database changes).
OpResult<HashObject> Find(Database& db, std::string_view key);

// HSET/HMSET key field value [field value ...]: creates the key if needed;
// returns how many fields are new.
OpResult<int64_t> Set(Database& db, std::string_view key,
                      std::span<const std::string_view> fields_and_values);

// HSETNX: true if the field was set (it did not exist).
OpResult<bool> SetNx(Database& db, std::string_view key, std::string_view field,
                     std::string_view value);

// HDEL: how many of `fields` were removed (0 for a missing key). Deleting
// the last field deletes the key.
OpResult<int64_t> Delete(Database& db, std::string_view key,
                         std::span<const std::string_view> fields);

// HINCRBY: the new value. kNotInteger if the field holds something that is
// not an integer, kOverflow if the sum would not fit an int64.
OpResult<int64_t> IncrBy(Database& db, std::string_view key, std::string_view field,
                         int64_t increment);

// HINCRBYFLOAT: the new value as stored (INCRBYFLOAT's format). kNotFloat if
// the field holds something that is not a number, kNanOrInf if the sum
// would be infinite.
OpResult<std::string> IncrByFloat(Database& db, std::string_view key, std::string_view field,
                                  long double increment);

// HRANDFIELD key count, with Redis's choice of method by count:
//   count < 0:         |count| fields picked independently (repeats allowed);
//   count >= size:     the whole hash, in its iteration order;
//   otherwise:         min(count, size) distinct fields.
// `header(n)` is called once with the number of fields that follow, then
// fn(field, value) for each. Nothing is called for count == 0.
// REQUIRES: h.size() > 0.
void RandomFields(HashObject h, int64_t count, std::mt19937_64& rng,
                  const std::function<void(int64_t)>& header,
                  const std::function<void(const Value&, const Value&)>& fn);

// One HSCAN step: the fields and values (flattened) of the visited buckets
// whose field matches `pattern` (if given), and the next cursor. Buckets are
// visited until `count` items (a field and its value count two, as in Redis)
// were collected or 10*count buckets tried. A listpack is returned whole,
// with cursor 0, whatever the cursor, as Redis does.
struct ScanPage {
  uint64_t cursor = 0;
  std::vector<std::string> items;
};
ScanPage Scan(HashObject h, uint64_t cursor, int64_t count,
              std::optional<std::string_view> pattern);

}  // namespace ember::storage::hash
