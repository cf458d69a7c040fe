#include "server/eviction.h"

#include <chrono>
#include <cmath>
#include <limits>

#include "server/keyspace_events.h"
#include "server/memory.h"
#include "server/server.h"

namespace ember::server {

namespace {

int64_t MonotonicUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

uint64_t EvictionTimeLimitUs(int64_t tenacity) {
  if (tenacity <= 10) return 50 * static_cast<uint64_t>(tenacity < 0 ? 0 : tenacity);
  if (tenacity < 100) return static_cast<uint64_t>(500.0 * std::pow(1.15, tenacity - 10.0));
  return std::numeric_limits<uint64_t>::max();
}

void Evictor::ApplyConfig() {
  const Config& config = server_.config();
  storage::EvictionPolicy policy;
  if (!storage::ParseEvictionPolicy(config.maxmemory_policy, &policy)) {
    policy = storage::EvictionPolicy::kNoEviction;
  }
  if (policy != policy_) pool_.Clear();  // scores of another kind
  policy_ = policy;
  server_.keyspace().set_access_tracking(storage::IsLfuPolicy(policy), config.lfu_log_factor,
                                         config.lfu_decay_time);
}

uint64_t Evictor::NotCountedMemory() const { return server_.aof().buffer_length(); }

uint64_t Evictor::CountedMemory() const {
  uint64_t used = UsedMemory();
  uint64_t not_counted = NotCountedMemory();
  return used > not_counted ? used - not_counted : 0;
}

bool Evictor::EvictOne(int64_t* freed) {
  storage::Keyspace& keyspace = server_.keyspace();
  int db = -1;
  if (storage::IsRandomPolicy(policy_)) {
    if (!storage::PickRandomVictim(keyspace, policy_, &next_db_, &db, &victim_)) return false;
  } else {
    const Config& config = server_.config();
    // Sample every database into the pool, then take the best candidate
    // still alive; if all were ghosts, sample again.
    for (;;) {
      size_t keys = 0;
      for (int i = 0; i < keyspace.num_databases(); ++i) {
        storage::Database& d = keyspace.db(i);
        size_t n = storage::IsAllKeysPolicy(policy_) ? d.size() : d.volatile_count();
        if (n == 0) continue;
        keys += n;
        pool_.Populate(d, policy_, config.maxmemory_samples, keyspace.lru_clock(),
                       keyspace.now_ms(), config.lfu_decay_time, keyspace.rng());
      }
      if (keys == 0) return false;
      if (pool_.PopBest(keyspace, policy_, &db, &victim_)) break;
    }
  }
  // Only the deletion is measured: the DEL appended to the AOF buffer is
  // not counted (NotCountedMemory), and must not look like memory taken.
  int64_t before = static_cast<int64_t>(UsedMemory());
  storage::Database& d = keyspace.db(db);
  storage::KeyRef ref = d.LookupWrite(victim_);
  if (!ref) {
    // It had expired: deleted as an expiry (and logged as such) instead.
    *freed = before - static_cast<int64_t>(UsedMemory());
    return true;
  }
  d.Delete(ref);
  *freed = before - static_cast<int64_t>(UsedMemory());
  server_.stats().evicted_keys++;
  // As a DEL: WATCHers of the key fail their EXEC, the AOF replays a DEL.
  // (Not counted as a change for save points: Redis does not either.)
  server_.watches().Touch(db, victim_, /*exists_now=*/false);
  std::string_view del[] = {"DEL", victim_};
  server_.Propagate(db, del);
  server_.Notify(kNotifyEvicted, "evicted", victim_, db);
  return true;
}

Evictor::Result Evictor::Perform() {
  const Config& config = server_.config();
  storage::Keyspace& keyspace = server_.keyspace();
  // No evictions while loading (the data set is being rebuilt as it was)
  // or while clients are paused (the data set must stand still).
  if (config.maxmemory <= 0 || keyspace.expiry_paused() ||
      server_.pause().Paused(keyspace.now_ms())) {
    running_ = false;
    return Result::kOk;
  }
  uint64_t used = CountedMemory();
  uint64_t limit = static_cast<uint64_t>(config.maxmemory);
  if (used <= limit) {
    running_ = false;
    return Result::kOk;
  }
  if (policy_ == storage::EvictionPolicy::kNoEviction) {
    running_ = false;
    return Result::kFail;
  }
  uint64_t to_free = used - limit;
  uint64_t time_limit = EvictionTimeLimitUs(config.maxmemory_eviction_tenacity);
  int64_t start = MonotonicUs();
  int64_t freed = 0;
  uint64_t keys_freed = 0;
  // Idle times are measured against the current clock.
  keyspace.RefreshTime();
  while (freed < static_cast<int64_t>(to_free)) {
    int64_t delta = 0;
    if (!EvictOne(&delta)) {
      running_ = false;
      return Result::kFail;
    }
    freed += delta;
    if (++keys_freed % 16 == 0 && static_cast<uint64_t>(MonotonicUs() - start) > time_limit) {
      running_ = true;
      return Result::kRunning;
    }
  }
  running_ = false;
  return Result::kOk;
}

bool Evictor::RejectsCommand(Client& client, const CommandSpec& cmd) {
  if (Perform() != Result::kFail) return false;
  if (cmd.has(kCmdDenyOom)) return true;
  if (cmd.full_name == "exec") {
    // EXEC is refused if what it would run may grow memory.
    for (const QueuedCommand& q : client.multi_queue()) {
      if (q.command->has(kCmdDenyOom)) return true;
    }
    return false;
  }
  // Queuing in MULTI takes memory: only ending the transaction (or the
  // connection) is allowed.
  if (client.has_flag(Client::kMulti)) {
    return cmd.full_name != "discard" && cmd.full_name != "quit" && cmd.full_name != "reset";
  }
  return false;
}

}  // namespace ember::server
