// The two kinds of job this demo runs, and what makes each idempotent.
//
// Delivery is at least once (a job whose worker dies after the work but
// before the acknowledgement runs again), so a handler must make a second
// run of the same job harmless. Each kind shows one way:
//
//   email  {"to", "subject", "body"}: appends the message, tagged with the
//          job id, to an outbox file. The outbox remembers which job ids it
//          holds (read back from the file when it opens), so a second run of
//          a job finds its id there and appends nothing. The dedup key is
//          the job id, kept next to the effect itself.
//   log    {"line": "level=error path=/api ms=12"}: parses a logfmt line and
//          adds it to counters in a hash (jq:logstats). The counter updates
//          and a per-job marker key (jq:effect:<id>) are written in one
//          MULTI/EXEC under WATCH of the marker: the first run writes both,
//          a later run sees the marker and writes neither.
//
// Either payload may carry "work_ms": N to simulate a slow job.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "demos/job_queue/job_store.h"

namespace ember::demos::jobs {

struct HandlerContext {
  Connection& conn;
  const Keys& keys;
};

// Returns "" on success, else why the attempt failed.
using Handler = std::function<std::string(const Job& job, HandlerContext& ctx)>;

// An append-only file of sent messages, one JSON object a line.
class Outbox {
 public:
  // Reads the ids already in `path` (creating it if missing). On failure
  // returns nullptr and sets *error.
  static std::unique_ptr<Outbox> Open(const std::string& path, std::string* error);
  ~Outbox();

  // Appends `message` (a JSON object; "job" is set to `job_id`) unless a
  // message of that job is already there. Returns "" or the I/O error.
  std::string Send(int64_t job_id, nlohmann::json message);
  uint64_t sent() const { return sent_.load(); }
  uint64_t duplicates() const { return duplicates_.load(); }
  const std::string& path() const { return path_; }

 private:
  Outbox() = default;
  std::string path_;
  FILE* file_ = nullptr;
  std::mutex mu_;
  std::set<int64_t> ids_;
  std::atomic<uint64_t> sent_{0}, duplicates_{0};
};

// Checks a payload before it is queued (a job that can never succeed should
// be refused at the door, not retried max_attempts times). "" if valid.
std::string ValidatePayload(const std::string& kind, const nlohmann::json& payload);

// kind -> handler for "email" (writing to `outbox`) and "log".
std::map<std::string, Handler> BuiltinHandlers(Outbox* outbox);

// The hash the log handler counts into.
inline std::string LogStatsKey(const Keys& keys) { return keys.prefix + "logstats"; }

}  // namespace ember::demos::jobs
