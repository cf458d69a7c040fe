// How each type's values are written to and read from RDB files.
//
// Ember writes what Redis 7.0 reads: strings, lists as quicklist 2 (each
// node's listpack bytes as they are), and each collection in its compact
// form when it is compact (a listpack or intset blob) or element by element
// otherwise (a large sorted set as members with binary scores, highest
// first, as Redis writes it). (A listpack set goes element by element too:
// its blob type is Redis 7.2's.) It reads everything Redis 7.0 (and 7.2)
// writes, plus the encodings of older versions (ziplist, zipmap, the first
// quicklist, sorted sets with text scores), converting them to its own
// representations.
#pragma once

#include <cstdint>
#include <string>

#include "persistence/rdb_codec.h"
#include "storage/database.h"
#include "storage/entry.h"

namespace ember::persistence {

enum class LoadOutcome {
  kLoaded,
  kSkipped,  // an empty collection, or `db` was null (an expired key)
};

// Writes the type byte, the key and the value.
void WriteKeyValue(RdbEncoder& enc, const storage::Entry* e);

// Reads a value of `type` for `key` and adds it to `db` with `expire_at`
// (-1: none). With `db` null the value is read and dropped. Returns false
// (with the decoder's error set) on malformed data or an unsupported type.
bool ReadValue(RdbDecoder& dec, uint8_t type, const std::string& key, storage::Database* db,
               int64_t expire_at, LoadOutcome* outcome);

// The value of `e` as RDB bytes (type byte excluded): DEBUG OBJECT's
// serializedlength and DUMP.
std::string SerializeValue(const storage::Entry* e, bool compress);

}  // namespace ember::persistence
