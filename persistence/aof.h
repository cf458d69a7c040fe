// The append-only file, in Redis 7's multi-part layout.
//
// An AOF is the log of every write, as the RESP commands that made it, so
// that replaying it rebuilds the dataset. Redis 7 keeps it as a folder
// (appenddirname) of parts, listed by a manifest:
//
//   appendonlydir/
//     appendonly.aof.1.base.rdb    a snapshot (RDB, or RESP without the
//                                  RDB preamble) of the dataset at some point
//     appendonly.aof.1.incr.aof    the writes since then, as RESP commands
//     appendonly.aof.manifest      "file <name> seq <n> type <b|i|h>" lines
//
// Rewriting (BGREWRITEAOF) makes the log short again without ever leaving
// it incomplete: first a new incr file is opened and added to the manifest,
// so that writes from now on land there; a forked child writes the dataset
// as of the fork into a new base; when it is done, the manifest is replaced
// by {new base, new incr} and the old parts are deleted. A crash at any
// moment leaves a manifest that lists files holding every write.
//
// Relative expiries are never logged: EXPIRE k 10 becomes PEXPIREAT k <ms>,
// so that replaying the log later does not move deadlines.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/request_parser.h"

namespace ember::persistence {

struct AofFileInfo {
  std::string name;
  int64_t seq = 0;
  char type = 'i';  // 'b' base, 'i' incr, 'h' history (to delete)
};

struct AofManifest {
  bool has_base = false;
  AofFileInfo base;
  std::vector<AofFileInfo> incrs;    // in replay order
  std::vector<AofFileInfo> history;  // parts no longer needed

  // Redis's manifest syntax; unknown keys are ignored, a malformed line is
  // an error naming it.
  static bool Parse(std::string_view text, AofManifest* out, std::string* error);
  std::string Serialize() const;

  int64_t max_incr_seq() const;
};

// File names as Redis 7 makes them from appendfilename ("appendonly.aof").
std::string AofBaseName(const std::string& prefix, int64_t seq, bool rdb_preamble);
std::string AofIncrName(const std::string& prefix, int64_t seq);
std::string AofManifestName(const std::string& prefix);

// Writes the manifest to dir/name safely (temp file, fsync, rename, fsync
// the folder).
bool WriteManifest(const std::string& dir, const std::string& name, const AofManifest& manifest,
                   std::string* error);

// Replays an AOF part made of RESP commands: calls run(args) for each one.
// Returns kOk, kTruncated (the last command is incomplete: `valid_bytes`
// says where the last complete one ends) or kCorrupt (`error` says where).
enum class AofReadStatus { kOk, kTruncated, kCorrupt };

struct AofReadResult {
  AofReadStatus status = AofReadStatus::kOk;
  size_t valid_bytes = 0;
  // The offset of an unterminated MULTI (a transaction cut by a crash), or
  // -1: replay stops there so that a half transaction is never applied.
  int64_t open_multi_at = -1;
  uint64_t commands = 0;
  std::string error;
};

using AofCommand = std::span<const std::string_view>;

// Commands between MULTI and EXEC are handed over only once EXEC is read
// (without the MULTI and EXEC themselves): replay is single-threaded, so
// running them in a row is the transaction.
AofReadResult ReadAofCommands(std::string_view data, const std::function<void(AofCommand)>& run);

}  // namespace ember::persistence
