// The job queue's data model in Redis, and every step that changes it.
//
// Keys (all under a prefix, "jq:" by default):
//
//   jq:next_id              string   INCR gives each job its id
//   jq:job:<id>             hash     the job record: kind, payload, state,
//                                    attempts, max_attempts, created_ms,
//                                    enqueued_ms, started_ms, finished_ms,
//                                    due_ms, worker, last_error, requeues
//   jq:job:<id>:history     list     one JSON object per attempt (outcome,
//                                    error, timings, retry delay)
//   jq:queue                list     ids ready to run; LPUSH at the left,
//                                    workers take from the right (FIFO)
//   jq:processing:<worker>  list     the ids a worker has taken and not yet
//                                    acknowledged (BLMOVE puts them there)
//   jq:heartbeat:<worker>   string   exists while the worker is alive (PX TTL,
//                                    refreshed every third of it)
//   jq:workers              set      workers that may hold jobs: where the
//                                    reaper looks
//   jq:delayed              zset     ids waiting for a retry, scored by the
//                                    wall-clock millisecond they are due
//   jq:dead                 list     ids that used up max_attempts (newest at
//                                    the left)
//
// A job's states: queued -> running -> done, or running -> scheduled (in
// jq:delayed) -> queued -> running ..., or -> dead after max_attempts;
// dead -> queued when re-queued by hand.
//
// The rule that keeps a job in exactly one place: every step moves an id
// between these structures atomically (BLMOVE, or MULTI/EXEC), and a step
// taken on behalf of a worker first checks, under WATCH, that the worker
// still holds the id in its processing list. See docs/demos/job-queue.md for
// the races this closes. Ember has no Lua, so there are no scripts here.
//
// Times are wall-clock milliseconds (system_clock), because they are
// compared across processes: due times in jq:delayed are read by whichever
// process promotes them.
//
// Threads: a JobStore is immutable and shared; each call takes the caller's
// Connection, which belongs to one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "client/connection.h"

namespace ember::demos::jobs {

using client::Connection;
using client::Millis;
using client::Result;
using client::Status;

int64_t WallMs();

struct Keys {
  std::string prefix = "jq:";
  std::string NextId() const { return prefix + "next_id"; }
  std::string Job(int64_t id) const { return prefix + "job:" + std::to_string(id); }
  std::string History(int64_t id) const { return Job(id) + ":history"; }
  std::string Queue() const { return prefix + "queue"; }
  std::string Delayed() const { return prefix + "delayed"; }
  std::string Dead() const { return prefix + "dead"; }
  std::string Workers() const { return prefix + "workers"; }
  std::string Processing(const std::string& worker) const {
    return prefix + "processing:" + worker;
  }
  std::string Heartbeat(const std::string& worker) const { return prefix + "heartbeat:" + worker; }
  // The marker a handler sets, atomically with its effect, to make that
  // effect happen once per job however often the job is delivered.
  std::string Effect(int64_t id) const { return prefix + "effect:" + std::to_string(id); }
};

// The job record, as read from its hash (and history list).
struct Job {
  int64_t id = 0;
  std::string kind;
  std::string payload;  // JSON text
  std::string state;    // queued | running | scheduled | done | dead
  int64_t attempts = 0;
  int64_t max_attempts = 0;
  int64_t requeues = 0;
  int64_t created_ms = 0;
  int64_t enqueued_ms = 0;  // when it last entered jq:queue
  int64_t started_ms = 0;   // when its last attempt started
  int64_t finished_ms = 0;  // when its last attempt ended
  int64_t due_ms = 0;       // when a scheduled retry is due
  std::string worker;       // who runs (or last ran) it
  std::string last_error;
  std::vector<nlohmann::json> history;

  nlohmann::json ToJson() const;
};

// Retry delays: exponential with "equal jitter". Attempt n (1-based) waits
// d/2 + random[0, d/2) where d = base * 2^(n-1), capped at max. Half the
// delay is random, so jobs that failed together do not retry together; the
// other half keeps the growth: attempt n's delay is below d and attempt
// n+1's is at least d, so delays strictly grow until the cap.
struct Backoff {
  Millis base{500};
  Millis max{60000};
  int64_t DelayMs(int64_t attempt, std::mt19937_64& rng) const;
};

// What became of an attempt when its worker reported it.
enum class Outcome {
  kDone,       // acknowledged: removed from the processing list, state done
  kScheduled,  // failed, will be retried at due_ms (in jq:delayed)
  kDead,       // failed for the max_attempts-th time: in jq:dead
  kLost,       // the worker no longer held the job (the reaper took it back
               // because the worker's heartbeat expired): nothing written
};
const char* OutcomeName(Outcome o);

struct Completion {
  Outcome outcome = Outcome::kDone;
  int64_t delay_ms = 0;  // kScheduled
  int64_t due_ms = 0;    // kScheduled
};

struct ReapReport {
  int64_t workers_reaped = 0;
  int64_t requeued = 0;      // returned to jq:queue
  int64_t dead = 0;          // had used up their attempts: to jq:dead
  std::vector<int64_t> ids;  // every job taken back
};

struct Depths {
  int64_t queued = 0;
  int64_t scheduled = 0;
  int64_t in_flight = 0;
  int64_t dead = 0;
  int64_t workers = 0;
};

class JobStore {
 public:
  explicit JobStore(Keys keys, Millis done_retention = Millis(24 * 3600 * 1000))
      : keys_(std::move(keys)), done_retention_(done_retention) {}
  const Keys& keys() const { return keys_; }

  // Creates the record and queues the id, in one MULTI/EXEC. Returns the id.
  Result<int64_t> Enqueue(Connection& conn, const std::string& kind, const std::string& payload,
                          int64_t max_attempts) const;
  // nullopt when there is no such job (or its record expired).
  Result<std::optional<Job>> Get(Connection& conn, int64_t id) const;

  // Worker side. Waits up to `block` for a job, moves it into the worker's
  // processing list (BLMOVE) and marks it running (attempts + 1). nullopt on
  // timeout, or when the job was taken back before it could be marked.
  Result<std::optional<Job>> Take(Connection& conn, const std::string& worker, Millis block) const;
  // Reports an attempt: `error` empty means success (acknowledge), else the
  // attempt failed and the job is scheduled for a retry or dead-lettered.
  // Written only if the worker still holds the job (else kLost).
  Result<Completion> Complete(Connection& conn, const std::string& worker, const Job& job,
                              const std::string& error, const Backoff& backoff,
                              std::mt19937_64& rng) const;
  // Announces `workers` alive for `ttl` (SET PX) and registers them.
  Status Heartbeat(Connection& conn, const std::vector<std::string>& workers, Millis ttl) const;
  // A worker leaving cleanly: removes its heartbeat and registration, and
  // gives back (like the reaper) anything still in its processing list.
  Status Deregister(Connection& conn, const std::string& worker) const;

  // Maintenance, safe to run from any number of processes at once.
  // Moves up to `limit` due jobs from jq:delayed to jq:queue; returns how
  // many moved.
  Result<int64_t> PromoteDue(Connection& conn, int64_t now_ms, int64_t limit = 100) const;
  // Takes back the jobs of every registered worker whose heartbeat expired.
  Result<ReapReport> Reap(Connection& conn) const;
  // Takes back the jobs of one worker; with `only_if_dead`, only if its
  // heartbeat is gone (checked under WATCH, atomically with the move).
  Result<ReapReport> Reclaim(Connection& conn, const std::string& worker, bool only_if_dead) const;

  // Dead letters, newest first.
  Result<std::vector<Job>> ListDead(Connection& conn, int64_t limit) const;
  // Moves a dead job back to the queue with its attempts reset; false if the
  // id is not in jq:dead.
  Result<bool> RequeueDead(Connection& conn, int64_t id) const;

  Result<Depths> ReadDepths(Connection& conn) const;

 private:
  void AddHistory(client::Transaction& tx, int64_t id, const nlohmann::json& entry,
                  bool expire) const;

  Keys keys_;
  Millis done_retention_;
};

}  // namespace ember::demos::jobs
