// Time for the keyspace, injected so that expiry can be tested exactly.
//
// Redis keys expire at an absolute wall-clock time (EXPIREAT takes a Unix
// timestamp), so the keyspace reads wall-clock milliseconds. Production uses
// SystemClock; tests use ManualClock and move time with AdvanceMs(), which
// makes "the key is gone 1 ms after its TTL" a deterministic assertion
// instead of a sleep.
#pragma once

#include <cstdint>

namespace ember::storage {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  virtual int64_t NowMs() const = 0;
  // Microseconds since the Unix epoch.
  virtual int64_t NowUs() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowMs() const override;
  int64_t NowUs() const override;
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms = 1'700'000'000'000) : now_us_(start_ms * 1000) {}
  int64_t NowMs() const override { return now_us_ / 1000; }
  int64_t NowUs() const override { return now_us_; }
  void AdvanceMs(int64_t ms) { now_us_ += ms * 1000; }
  void SetMs(int64_t ms) { now_us_ = ms * 1000; }

 private:
  int64_t now_us_;
};

}  // namespace ember::storage
