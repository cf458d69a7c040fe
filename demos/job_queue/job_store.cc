#include "demos/job_queue/job_store.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <map>

namespace ember::demos::jobs {

using client::Args;
using client::AsInteger;
using client::AsStrings;
using client::Error;
using client::ErrorKind;
using client::ExecReply;
using client::Pipeline;
using client::Transaction;
using client::Value;

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

int64_t ToInt(const std::string& s, int64_t fallback = 0) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size() ? v : fallback;
}

std::optional<int64_t> ParseId(const std::string& s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

// HGETALL's flat field/value array as a map.
std::map<std::string, std::string> FieldMap(const Value& v) {
  std::map<std::string, std::string> out;
  const auto& e = v.elements();
  for (size_t i = 0; i + 1 < e.size(); i += 2) out[e[i].str()] = e[i + 1].str();
  return out;
}

Job FromFields(int64_t id, const std::map<std::string, std::string>& f) {
  auto str = [&](const char* k) {
    auto it = f.find(k);
    return it == f.end() ? std::string() : it->second;
  };
  auto num = [&](const char* k) { return ToInt(str(k)); };
  Job j;
  j.id = id;
  j.kind = str("kind");
  j.payload = str("payload");
  j.state = str("state");
  j.attempts = num("attempts");
  j.max_attempts = num("max_attempts");
  j.requeues = num("requeues");
  j.created_ms = num("created_ms");
  j.enqueued_ms = num("enqueued_ms");
  j.started_ms = num("started_ms");
  j.finished_ms = num("finished_ms");
  j.due_ms = num("due_ms");
  j.worker = str("worker");
  j.last_error = str("last_error");
  return j;
}

// A failed pipeline/transaction element as the call's error.
Status FirstError(const std::vector<Result<Value>>& replies) {
  for (const auto& r : replies) {
    if (!r.ok()) return r.error();
  }
  return {};
}

}  // namespace

nlohmann::json Job::ToJson() const {
  nlohmann::json j = {{"id", id},
                      {"kind", kind},
                      {"state", state},
                      {"attempts", attempts},
                      {"max_attempts", max_attempts},
                      {"requeues", requeues},
                      {"created_ms", created_ms},
                      {"enqueued_ms", enqueued_ms},
                      {"worker", worker},
                      {"last_error", last_error}};
  j["payload"] = nlohmann::json::parse(payload, nullptr, false);
  if (j["payload"].is_discarded()) j["payload"] = payload;
  if (started_ms > 0) {
    j["started_ms"] = started_ms;
    j["wait_ms"] = started_ms - enqueued_ms;
  }
  if (finished_ms > 0) {
    j["finished_ms"] = finished_ms;
    if (finished_ms >= started_ms && started_ms > 0) j["run_ms"] = finished_ms - started_ms;
  }
  if (state == "scheduled") j["due_ms"] = due_ms;
  j["history"] = history;
  return j;
}

int64_t Backoff::DelayMs(int64_t attempt, std::mt19937_64& rng) const {
  int64_t d = std::max<int64_t>(base.count(), 1);
  for (int64_t i = 1; i < attempt && d < max.count(); ++i) d *= 2;
  d = std::min<int64_t>(d, std::max<int64_t>(max.count(), 1));
  int64_t half = d / 2;
  if (d - half <= 0) return d;
  std::uniform_int_distribution<int64_t> jitter(0, d - half - 1);
  return half + jitter(rng);
}

const char* OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kDone:
      return "done";
    case Outcome::kScheduled:
      return "retry";
    case Outcome::kDead:
      return "dead";
    case Outcome::kLost:
      return "lost";
  }
  return "?";
}

void JobStore::AddHistory(Transaction& tx, int64_t id, const nlohmann::json& entry,
                          bool expire) const {
  tx.Add({"RPUSH", keys_.History(id), entry.dump()});
  if (expire) {
    tx.Add({"PEXPIRE", keys_.Job(id), done_retention_.count()});
    tx.Add({"PEXPIRE", keys_.History(id), done_retention_.count()});
  } else {
    // A job that runs again (retry, re-queue) must not lose its record to
    // the retention of an earlier success.
    tx.Add({"PERSIST", keys_.Job(id)});
    tx.Add({"PERSIST", keys_.History(id)});
  }
}

Result<int64_t> JobStore::Enqueue(Connection& conn, const std::string& kind,
                                  const std::string& payload, int64_t max_attempts) const {
  // The id first: a crash right after it leaves only a gap in the ids. The
  // record and the queue entry then appear together or not at all, so no
  // worker can take an id whose record is missing.
  auto id = AsInteger(conn.Command({"INCR", keys_.NextId()}));
  if (!id.ok()) return id.error();
  int64_t now = WallMs();
  Transaction tx(&conn);
  tx.Add({"HSET", keys_.Job(*id), "kind", kind, "payload", payload, "state", "queued", "attempts",
          0, "max_attempts", max_attempts, "requeues", 0, "created_ms", now, "enqueued_ms", now});
  tx.Add({"LPUSH", keys_.Queue(), *id});
  auto r = tx.Exec();
  if (!r.ok()) return r.error();
  if (Status s = FirstError(r->replies); !s.ok()) return s.error();
  return *id;
}

Result<std::optional<Job>> JobStore::Get(Connection& conn, int64_t id) const {
  Pipeline p(&conn);
  p.Add({"HGETALL", keys_.Job(id)}).Add({"LRANGE", keys_.History(id), 0, -1});
  auto r = p.Execute();
  if (!r.ok()) return r.error();
  if (Status s = FirstError(*r); !s.ok()) return s.error();
  auto fields = FieldMap(*(*r)[0]);
  if (fields.empty() || !fields.count("kind")) return std::optional<Job>();
  Job job = FromFields(id, fields);
  for (const Value& h : (*r)[1]->elements()) {
    auto e = nlohmann::json::parse(h.str(), nullptr, false);
    if (!e.is_discarded()) job.history.push_back(std::move(e));
  }
  return std::optional<Job>(std::move(job));
}

Result<std::optional<Job>> JobStore::Take(Connection& conn, const std::string& worker,
                                          Millis block) const {
  const std::string proc = keys_.Processing(worker);
  double secs = static_cast<double>(std::max<int64_t>(block.count(), 1)) / 1000.0;
  // The move is the hand-over: the id is in the queue or in this worker's
  // processing list, never in neither, whatever happens to the worker next.
  auto moved = conn.BlockingCommand({"BLMOVE", keys_.Queue(), proc, "RIGHT", "LEFT", secs}, block);
  if (!moved.ok()) return moved.error();
  if (moved->IsNull()) return std::optional<Job>();
  std::optional<int64_t> id = ParseId(moved->str());
  if (!id) {
    // Not ours to interpret; drop it so it cannot block the worker forever.
    (void)conn.Command({"LREM", proc, 1, moved->str()});
    return std::optional<Job>();
  }

  // Mark it running, but only while we still hold it: had we stalled for a
  // heartbeat TTL right after the BLMOVE, the reaper may have handed it to
  // someone else already, and this write would then describe their attempt.
  int64_t now = WallMs();
  bool held = true;
  auto r = client::WatchRetry(conn, {proc}, [&](Connection& c, Transaction& tx) -> Status {
    auto pos = c.Command({"LPOS", proc, *id});
    if (!pos.ok()) return pos.error();
    held = !pos->IsNull();
    if (!held) return {};
    tx.Add({"HINCRBY", keys_.Job(*id), "attempts", 1});
    tx.Add({"HSET", keys_.Job(*id), "state", "running", "started_ms", now, "worker", worker});
    tx.Add({"HGETALL", keys_.Job(*id)});
    return {};
  });
  if (!r.ok()) return r.error();
  if (!held) return std::optional<Job>();
  if (Status s = FirstError(r->replies); !s.ok()) return s.error();
  auto fields = FieldMap(*r->replies[2]);
  if (!fields.count("kind")) {
    // An id without a record (deleted by hand): nothing to run.
    Transaction drop(&conn);
    drop.Add({"LREM", proc, 1, *id}).Add({"DEL", keys_.Job(*id)});
    (void)drop.Exec();
    return std::optional<Job>();
  }
  return std::optional<Job>(FromFields(*id, fields));
}

Result<Completion> JobStore::Complete(Connection& conn, const std::string& worker, const Job& job,
                                      const std::string& error, const Backoff& backoff,
                                      std::mt19937_64& rng) const {
  const std::string proc = keys_.Processing(worker);
  const std::string rec = keys_.Job(job.id);
  int64_t now = WallMs();
  Completion done;
  nlohmann::json entry = {
      {"attempt", job.attempts},        {"worker", worker},
      {"started_ms", job.started_ms},   {"finished_ms", now},
      {"run_ms", now - job.started_ms}, {"wait_ms", job.started_ms - job.enqueued_ms}};
  if (error.empty()) {
    done.outcome = Outcome::kDone;
    entry["outcome"] = "done";
  } else if (job.attempts >= job.max_attempts) {
    done.outcome = Outcome::kDead;
    entry["outcome"] = "failed";
    entry["error"] = error;
  } else {
    done.outcome = Outcome::kScheduled;
    done.delay_ms = backoff.DelayMs(job.attempts, rng);
    done.due_ms = now + done.delay_ms;
    entry["outcome"] = "failed";
    entry["error"] = error;
    entry["retry_delay_ms"] = done.delay_ms;
    entry["retry_due_ms"] = done.due_ms;
  }

  bool held = true;
  auto r = client::WatchRetry(conn, {proc}, [&](Connection& c, Transaction& tx) -> Status {
    // Ownership check: the reaper changes `proc` when it takes the job back,
    // so either it did so before this LPOS (not held: we write nothing), or
    // it does so before our EXEC (the WATCH aborts it and we look again), or
    // after (the job is gone from `proc` by then and it finds nothing).
    auto pos = c.Command({"LPOS", proc, job.id});
    if (!pos.ok()) return pos.error();
    held = !pos->IsNull();
    if (!held) return {};
    tx.Add({"LREM", proc, 1, job.id});
    switch (done.outcome) {
      case Outcome::kDone:
        tx.Add({"HSET", rec, "state", "done", "finished_ms", now});
        break;
      case Outcome::kScheduled:
        tx.Add({"ZADD", keys_.Delayed(), done.due_ms, job.id});
        tx.Add({"HSET", rec, "state", "scheduled", "finished_ms", now, "due_ms", done.due_ms,
                "last_error", error});
        break;
      case Outcome::kDead:
        tx.Add({"LPUSH", keys_.Dead(), job.id});
        tx.Add({"HSET", rec, "state", "dead", "finished_ms", now, "last_error", error});
        break;
      case Outcome::kLost:
        break;
    }
    AddHistory(tx, job.id, entry, done.outcome == Outcome::kDone);
    return {};
  });
  if (!r.ok()) return r.error();
  if (!held) return Completion{Outcome::kLost};
  if (Status s = FirstError(r->replies); !s.ok()) return s.error();
  return done;
}

Status JobStore::Heartbeat(Connection& conn, const std::vector<std::string>& workers,
                           Millis ttl) const {
  if (workers.empty()) return {};
  Pipeline p(&conn);
  int64_t now = WallMs();
  for (const std::string& w : workers) {
    p.Add({"SET", keys_.Heartbeat(w), now, "PX", ttl.count()});
    p.Add({"SADD", keys_.Workers(), w});
  }
  auto r = p.Execute();
  if (!r.ok()) return r.error();
  return FirstError(*r);
}

namespace {
enum class ReclaimMode { kIfDead, kSelf, kLeaving };
}

// One worker's jobs back to the queue (or to the dead letters). Shared by
// the reaper (kIfDead), a worker that could not report an attempt and must
// not sit on the job (kSelf), and a worker leaving cleanly (kLeaving).
static Result<ReapReport> ReclaimWorker(const Keys& keys, Connection& conn,
                                        const std::string& worker, ReclaimMode mode) {
  const std::string proc = keys.Processing(worker);
  const std::string hb = keys.Heartbeat(worker);
  ReapReport report;
  auto r = client::WatchRetry(conn, {hb, proc}, [&](Connection& c, Transaction& tx) -> Status {
    report = ReapReport{};
    if (mode == ReclaimMode::kIfDead) {
      // The heartbeat is watched: a worker that comes back to life (SET)
      // between this check and EXEC aborts the EXEC, and we look again.
      auto alive = AsInteger(c.Command({"EXISTS", hb}));
      if (!alive.ok()) return alive.error();
      if (*alive == 1) return {};
    }
    auto ids = AsStrings(c.Command({"LRANGE", proc, 0, -1}));
    if (!ids.ok()) return ids.error();
    Pipeline p(&c);
    for (const std::string& id : *ids) {
      p.Add(
          {"HMGET", keys.prefix + "job:" + id, "attempts", "max_attempts", "started_ms", "state"});
    }
    std::vector<Result<Value>> recs;
    if (p.size() > 0) {
      auto pr = p.Execute();
      if (!pr.ok()) return pr.error();
      recs = std::move(*pr);
    }
    int64_t now = WallMs();
    std::string why = mode == ReclaimMode::kIfDead ? "worker " + worker + " stopped heartbeating"
                                                   : "worker " + worker + " gave the job back";
    for (size_t i = 0; i < ids->size(); ++i) {
      const std::string& id_text = (*ids)[i];
      std::optional<int64_t> id = ParseId(id_text);
      if (!id || !recs[i].ok()) continue;
      const auto& f = recs[i]->elements();
      if (f.size() < 4) continue;
      int64_t attempts = ToInt(f[0].str()), max_attempts = ToInt(f[1].str());
      const std::string rec = keys.Job(*id);
      bool dead = max_attempts > 0 && attempts >= max_attempts;
      if (dead) {
        tx.Add({"LPUSH", keys.Dead(), *id});
        tx.Add({"HSET", rec, "state", "dead", "finished_ms", now, "last_error", why});
        ++report.dead;
      } else {
        // RPUSH: the right end is where workers take from, so a job that
        // was already running goes first, not behind everything queued since.
        tx.Add({"RPUSH", keys.Queue(), *id});
        tx.Add({"HSET", rec, "state", "queued", "enqueued_ms", now, "last_error", why});
        ++report.requeued;
      }
      if (f[3].str() == "running") {
        nlohmann::json entry = {
            {"attempt", attempts}, {"worker", worker},  {"started_ms", ToInt(f[2].str())},
            {"reclaimed_ms", now}, {"outcome", "lost"}, {"error", why}};
        tx.Add({"RPUSH", keys.History(*id), entry.dump()});
      }
      report.ids.push_back(*id);
    }
    tx.Add({"DEL", proc});
    if (mode != ReclaimMode::kSelf) tx.Add({"SREM", keys.Workers(), worker});
    if (mode == ReclaimMode::kLeaving) tx.Add({"DEL", hb});
    return {};
  });
  if (!r.ok()) return r.error();
  if (Status s = FirstError(r->replies); !s.ok()) return s.error();
  if (r->replies.empty()) return ReapReport{};  // alive: nothing was written
  if (mode == ReclaimMode::kIfDead) report.workers_reaped = 1;
  return report;
}

Status JobStore::Deregister(Connection& conn, const std::string& worker) const {
  auto r = ReclaimWorker(keys_, conn, worker, ReclaimMode::kLeaving);
  if (!r.ok()) return r.error();
  return {};
}

Result<ReapReport> JobStore::Reclaim(Connection& conn, const std::string& worker,
                                     bool only_if_dead) const {
  return ReclaimWorker(keys_, conn, worker,
                       only_if_dead ? ReclaimMode::kIfDead : ReclaimMode::kSelf);
}

Result<ReapReport> JobStore::Reap(Connection& conn) const {
  auto workers = AsStrings(conn.Command({"SMEMBERS", keys_.Workers()}));
  if (!workers.ok()) return workers.error();
  ReapReport total;
  for (const std::string& w : *workers) {
    // A cheap look first; the decision is re-made under WATCH.
    auto alive = AsInteger(conn.Command({"EXISTS", keys_.Heartbeat(w)}));
    if (!alive.ok()) return alive.error();
    if (*alive == 1) continue;
    auto r = ReclaimWorker(keys_, conn, w, ReclaimMode::kIfDead);
    if (!r.ok()) return r.error();
    total.workers_reaped += r->workers_reaped;
    total.requeued += r->requeued;
    total.dead += r->dead;
    total.ids.insert(total.ids.end(), r->ids.begin(), r->ids.end());
  }
  return total;
}

Result<int64_t> JobStore::PromoteDue(Connection& conn, int64_t now_ms, int64_t limit) const {
  int64_t moved = 0;
  // Read the due ids and move them in one EXEC, with the zset WATCHed: if
  // another promoter moved them first, the EXEC aborts and we read again, so
  // each due job enters the queue once. (ZREM first and LPUSH after, as two
  // commands, would also give one owner per job, but a crash between them
  // would lose the job: it would be in neither structure.)
  auto r =
      client::WatchRetry(conn, {keys_.Delayed()}, [&](Connection& c, Transaction& tx) -> Status {
        moved = 0;
        auto ids = AsStrings(
            c.Command({"ZRANGEBYSCORE", keys_.Delayed(), "-inf", now_ms, "LIMIT", 0, limit}));
        if (!ids.ok()) return ids.error();
        if (ids->empty()) return {};
        Args zrem = {"ZREM", keys_.Delayed()};
        Args push = {"LPUSH", keys_.Queue()};
        for (const std::string& id : *ids) {
          zrem.push_back(id);
          push.push_back(id);
          tx.Add({"HSET", keys_.prefix + "job:" + id, "state", "queued", "enqueued_ms", now_ms});
        }
        tx.Add(zrem);
        tx.Add(push);
        moved = static_cast<int64_t>(ids->size());
        return {};
      });
  if (!r.ok()) return r.error();
  if (Status s = FirstError(r->replies); !s.ok()) return s.error();
  return moved;
}

Result<std::vector<Job>> JobStore::ListDead(Connection& conn, int64_t limit) const {
  auto ids = AsStrings(conn.Command({"LRANGE", keys_.Dead(), 0, std::max<int64_t>(limit, 1) - 1}));
  if (!ids.ok()) return ids.error();
  std::vector<Job> out;
  for (const std::string& text : *ids) {
    std::optional<int64_t> id = ParseId(text);
    if (!id) continue;
    auto job = Get(conn, *id);
    if (!job.ok()) return job.error();
    if (*job) out.push_back(std::move(**job));
  }
  return out;
}

Result<bool> JobStore::RequeueDead(Connection& conn, int64_t id) const {
  bool found = false;
  auto r = client::WatchRetry(conn, {keys_.Dead()}, [&](Connection& c, Transaction& tx) -> Status {
    auto pos = c.Command({"LPOS", keys_.Dead(), id});
    if (!pos.ok()) return pos.error();
    found = !pos->IsNull();
    if (!found) return {};
    int64_t now = WallMs();
    tx.Add({"LREM", keys_.Dead(), 1, id});
    tx.Add(
        {"HSET", keys_.Job(id), "state", "queued", "attempts", 0, "enqueued_ms", now, "due_ms", 0});
    tx.Add({"HINCRBY", keys_.Job(id), "requeues", 1});
    tx.Add({"LPUSH", keys_.Queue(), id});
    return {};
  });
  if (!r.ok()) return r.error();
  if (Status s = FirstError(r->replies); !s.ok()) return s.error();
  return found;
}

Result<Depths> JobStore::ReadDepths(Connection& conn) const {
  Pipeline p(&conn);
  p.Add({"LLEN", keys_.Queue()})
      .Add({"ZCARD", keys_.Delayed()})
      .Add({"LLEN", keys_.Dead()})
      .Add({"SMEMBERS", keys_.Workers()});
  auto r = p.Execute();
  if (!r.ok()) return r.error();
  if (Status s = FirstError(*r); !s.ok()) return s.error();
  Depths d;
  d.queued = (*r)[0]->integer();
  d.scheduled = (*r)[1]->integer();
  d.dead = (*r)[2]->integer();
  const auto& workers = (*r)[3]->elements();
  d.workers = static_cast<int64_t>(workers.size());
  if (workers.empty()) return d;
  Pipeline q(&conn);
  for (const Value& w : workers) q.Add({"LLEN", keys_.Processing(w.str())});
  auto lens = q.Execute();
  if (!lens.ok()) return lens.error();
  for (const auto& l : *lens) {
    if (l.ok()) d.in_flight += l->integer();
  }
  return d;
}

}  // namespace ember::demos::jobs
