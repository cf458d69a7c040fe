// The data logic of Redis's string commands (t_string.c), independent of
// the protocol: each function takes a database and arguments already parsed,
// changes the keyspace, and says what happened.
//
// How strings are stored. Redis keeps a string as an integer when its text is
// the canonical form of a 64-bit integer ("123", not "0123" or "+1"): 8 bytes
// instead of a buffer, and INCR is a machine add. Every other value set by
// SET lives inline in the key's entry. A string that is edited in place
// (APPEND, SETRANGE) moves to its own buffer with spare capacity, so that a
// loop of APPENDs is amortised O(1) per byte instead of copying the whole
// value each time. OBJECT ENCODING reports these as int, embstr (inline, up to
// 44 bytes) and raw.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/database.h"
#include "storage/op_result.h"

namespace ember::storage {

// A stored string: bytes, or an integer that prints as its decimal text.
struct StringValue {
  std::string_view bytes;
  int64_t integer = 0;
  bool is_int = false;

  size_t size() const;
  // The bytes; integers are formatted into `scratch` (at least 21 bytes).
  std::string_view Bytes(char* scratch) const;
  std::string ToString() const;
};

// The value of a string entry. REQUIRES: e->type() == ObjType::kString.
// The view is valid until the database changes.
StringValue ReadString(const Entry* e);
// How a value set by SET is stored: an integer if its text is canonical.
Entry::ValueSpec StringSpec(std::string_view value);

struct SetOptions {
  enum class Condition { kAlways, kIfAbsent, kIfPresent };  // -, NX, XX
  Condition condition = Condition::kAlways;
  bool get = false;       // GET: return the old value
  bool keep_ttl = false;  // KEEPTTL
  int64_t expire_at_ms = -1;  // EX/PX/EXAT/PXAT, made absolute by the caller
};

struct SetOutcome {
  bool applied = false;      // false when NX/XX said no
  bool had_old = false;      // for GET
  std::string old_value;     // for GET
};

// SET and its variants. With `get`, a non-string old value is WRONGTYPE and
// nothing is set.
OpResult<SetOutcome> Set(Database& db, std::string_view key, std::string_view value,
                         const SetOptions& options);

// GET: kNotFound, kWrongType, or the value (a view, valid until the next
// change to the database).
OpResult<StringValue> Get(Database& db, std::string_view key);

// GETDEL
OpResult<std::string> GetDel(Database& db, std::string_view key);

// An expire argument as given: EX/PX (relative) or EXAT/PXAT (absolute).
struct ExpireArg {
  bool present = false;
  int64_t value = 0;
  bool in_seconds = false;
  bool relative = false;
};

// GETEX: the value; then sets the deadline, or removes it with `persist`. The
// expire argument is validated after the key is found (kInvalidExpire), as
// in Redis; a deadline already past deletes the key.
OpResult<std::string> GetEx(Database& db, std::string_view key, const ExpireArg& expire,
                            bool persist);

// INCR, DECR, INCRBY, DECRBY. kNotInteger, kOverflow, kWrongType.
OpResult<int64_t> IncrBy(Database& db, std::string_view key, int64_t delta);

// INCRBYFLOAT: the new value as stored (Redis's human format). The
// increment is parsed after the key's type and value are checked, so the
// errors come in Redis's order.
OpResult<std::string> IncrByFloat(Database& db, std::string_view key, std::string_view delta);

// APPEND: the new length. kStringTooLong if it would exceed max_len.
OpResult<int64_t> Append(Database& db, std::string_view key, std::string_view suffix,
                         int64_t max_len);

// SETRANGE: the new length. An empty `bytes` on a missing key creates
// nothing and returns 0.
OpResult<int64_t> SetRange(Database& db, std::string_view key, int64_t offset,
                           std::string_view bytes, int64_t max_len);

// GETRANGE with Redis's negative-index rules.
OpResult<std::string> GetRange(Database& db, std::string_view key, int64_t start, int64_t end);

// STRLEN: 0 for a missing key.
OpResult<int64_t> StrLen(Database& db, std::string_view key);

}  // namespace ember::storage
