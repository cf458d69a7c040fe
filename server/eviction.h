// Evictor: keeps the dataset under `maxmemory`, as Redis's performEvictions.
//
// With maxmemory set, the dispatcher asks before every command whether the
// process is over the limit. If it is, keys are evicted right there, before
// the command runs, one at a time (each victim chosen by the policy, see
// storage/eviction.h) until the memory freed covers the excess. Each victim
// is deleted as a DEL would delete it: WATCHers see it change, the AOF gets
// a DEL, INFO counts it in evicted_keys.
//
// If nothing can be evicted (noeviction, or a volatile-* policy and no key
// with a TTL), commands that may grow memory (flag denyoom: SET, LPUSH...)
// are refused with -OOM; reads, deletes and everything else still run, so a
// full server can always be emptied. Inside MULTI every command but EXEC,
// DISCARD, QUIT and RESET is refused then, since queuing costs memory too;
// EXEC is refused if it holds a denyoom command, which discards the
// transaction ("EXECABORT Transaction discarded because of: OOM ...").
//
// Eviction has a time budget per command (maxmemory-eviction-tenacity: 500
// microseconds at the default 10). A sudden large excess (CONFIG SET of a
// lower maxmemory) is worked off across the following commands and the
// server cron instead of in one long stall; meanwhile commands are allowed.
//
// Under the limit the check is one counter read and a comparison: with
// maxmemory set, redis-benchmark SET and GET at -P 16 run as fast as
// without, within run-to-run noise.
//
// What counts: every byte malloc handed out (server/memory.h) minus the AOF
// buffer, which evicting would grow (each eviction appends a DEL) and which
// is written out shortly anyway.
#pragma once

#include <cstdint>
#include <string>

#include "server/command.h"
#include "storage/eviction.h"

namespace ember::server {

class Client;
class Server;

class Evictor {
 public:
  enum class Result {
    kOk,       // under the limit, or eviction not possible right now
    kRunning,  // still over, the time budget ran out: more at the next command
    kFail,     // over, and nothing left to evict
  };

  explicit Evictor(Server& server) : server_(server) {}

  // Copies maxmemory-policy and the LFU parameters into the keyspace (how
  // accesses are recorded) and here. Call after any of them changed.
  void ApplyConfig();

  // Evicts until under maxmemory or out of time or candidates.
  Result Perform();

  // The dispatcher's check, with maxmemory set: evicts as needed; true if
  // `cmd` must then be refused with -OOM.
  bool RejectsCommand(Client& client, const CommandSpec& cmd);

  // Memory counted against maxmemory.
  uint64_t CountedMemory() const;
  uint64_t NotCountedMemory() const;

  // An eviction ran out of time and the cron should continue it.
  bool running() const { return running_; }

 private:
  // Frees one key, adding the bytes that freed to `*freed`; false if there
  // is none to free.
  bool EvictOne(int64_t* freed);

  Server& server_;
  storage::EvictionPolicy policy_ = storage::EvictionPolicy::kNoEviction;
  storage::EvictionPool pool_;
  int next_db_ = 0;
  bool running_ = false;
  std::string victim_;
};

// Redis's tenacity-to-time-limit mapping: 0..10 gives 0..500 us linearly,
// then 15% more per step, 100 means no limit (UINT64_MAX).
uint64_t EvictionTimeLimitUs(int64_t tenacity);

}  // namespace ember::server
