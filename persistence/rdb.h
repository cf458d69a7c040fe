// RDB snapshots: the whole keyspace in one compact file, in Redis's format,
// so that Redis and Ember can load each other's files.
//
// Writing is a walk over every database; each key is written with its type,
// its deadline (if any) and its value in the most compact form Redis 7.0
// understands (small collections as their listpack/intset bytes). Reading
// checks everything: the magic, every length against the bytes present,
// every embedded listpack/ziplist/intset, the CRC-64 trailer. A file that
// fails any check is rejected with the offset of the problem, before the
// keyspace is touched, so a corrupt file never leaves a half-loaded server.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "persistence/rdb_codec.h"
#include "storage/keyspace.h"

namespace ember::persistence {

struct RdbWriteOptions {
  bool compress = true;       // rdbcompression
  bool checksum = true;       // rdbchecksum (false writes a zero trailer)
  bool aof_preamble = false;  // written as the base of an AOF (aux "aof-base")
  int64_t now_ms = 0;         // ctime
  uint64_t used_memory = 0;   // aux "used-mem"
};

// Writes the keyspace as an RDB stream. Returns false if the sink failed
// (`error` says why).
bool WriteRdb(const storage::Keyspace& keyspace, const RdbWriteOptions& options, Sink* sink,
              std::string* error);

// Writes an RDB file safely: to "temp-<pid>.rdb" in the same directory,
// fsync, rename over `path`, fsync the directory. On failure the previous
// file is untouched and the temporary one removed.
bool SaveRdbFile(const storage::Keyspace& keyspace, const RdbWriteOptions& options,
                 const std::string& path, std::string* error);

struct RdbLoadOptions {
  // A key already present is replaced instead of being an error (DEBUG
  // RELOAD MERGE).
  bool allow_duplicates = false;
  // Keys whose deadline has passed are not loaded (as a master does). An
  // AOF's RDB preamble loads them all: the AOF that follows decides.
  bool skip_expired = true;
};

struct RdbLoadResult {
  uint64_t keys_loaded = 0;
  uint64_t keys_expired = 0;  // skipped: their deadline had passed
  int version = 0;
  size_t bytes = 0;  // bytes consumed (an AOF preamble is followed by RESP)
};

// Reads an RDB stream into `keyspace` (normally empty). On error the
// keyspace is emptied and `error` names the problem and its offset.
bool ReadRdb(const uint8_t* data, size_t size, storage::Keyspace* keyspace,
             const RdbLoadOptions& options, RdbLoadResult* result, std::string* error);

// Reads a file. A missing file is not an error: *exists is set to false.
bool LoadRdbFile(const std::string& path, storage::Keyspace* keyspace,
                 const RdbLoadOptions& options, RdbLoadResult* result, bool* exists,
                 std::string* error);

// The bytes of a whole file (for loaders that check before changing state).
bool ReadWholeFile(const std::string& path, std::string* out, bool* exists, std::string* error);

// fsyncs the directory holding `path`, so a rename in it is durable.
bool SyncDirectoryOf(const std::string& path, std::string* error);

}  // namespace ember::persistence
