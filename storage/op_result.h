// Results of data operations: a status, and a value when the status is kOk.
//
// Storage never writes replies and never throws; it says what happened and the
// command handler turns that into a reply (Dragonfly's OpResult). Each status
// maps to exactly one Redis error text, in server/commands/reply_util.
#pragma once

#include <utility>

namespace ember::storage {

enum class OpStatus {
  kOk,
  kNotFound,        // no such key (often not an error: GET answers nil)
  kWrongType,       // WRONGTYPE
  kNotInteger,      // value is not an integer or out of range
  kNotFloat,        // value is not a valid float
  kOverflow,        // increment or decrement would overflow
  kNanOrInf,        // increment would produce NaN or Infinity
  kOutOfRange,      // index out of range
  kSkipped,         // a condition (NX, XX, GT, LT) said not to act
  kStringTooLong,   // result would exceed proto-max-bulk-len
  kSyntax,          // syntax error
  kSameObject,      // source and destination objects are the same
  kBusyKey,         // target key exists
  kInvalidExpire,   // invalid expire time in '<command>' command
};

template <typename T>
class OpResult {
 public:
  OpResult(OpStatus status) : status_(status) {}  // NOLINT: implicit by design
  OpResult(T value) : status_(OpStatus::kOk), value_(std::move(value)) {}  // NOLINT

  bool ok() const { return status_ == OpStatus::kOk; }
  OpStatus status() const { return status_; }
  const T& value() const { return value_; }
  T& value() { return value_; }
  const T& operator*() const { return value_; }
  const T* operator->() const { return &value_; }

 private:
  OpStatus status_;
  T value_{};
};

}  // namespace ember::storage
