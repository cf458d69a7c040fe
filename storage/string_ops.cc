#include "storage/string_ops.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "storage/key_ops.h"
#include "storage/keyspace.h"
#include "storage/numbers.h"

namespace ember::storage {

size_t StringValue::size() const {
  if (!is_int) return bytes.size();
  char scratch[21];
  return Int64ToChars(integer, scratch);
}

std::string_view StringValue::Bytes(char* scratch) const {
  if (!is_int) return bytes;
  return {scratch, Int64ToChars(integer, scratch)};
}

std::string StringValue::ToString() const {
  char scratch[21];
  return std::string(Bytes(scratch));
}

StringValue ReadString(const Entry* e) {
  StringValue v;
  switch (e->kind()) {
    case ValueKind::kInline:
      v.bytes = e->inline_value();
      break;
    case ValueKind::kInt:
      v.integer = e->int_value();
      v.is_int = true;
      break;
    case ValueKind::kExternal:
      v.bytes = static_cast<const RawString*>(e->external())->view();
      break;
  }
  return v;
}

Entry::ValueSpec StringSpec(std::string_view value) {
  Entry::ValueSpec spec;
  int64_t n;
  if (value.size() <= 20 && StringToInt64(value, &n)) {
    spec.kind = ValueKind::kInt;
    spec.integer = n;
  } else {
    spec.kind = ValueKind::kInline;
    spec.bytes = value;
  }
  return spec;
}

namespace {

Entry::ValueSpec IntSpec(int64_t n) {
  Entry::ValueSpec spec;
  spec.kind = ValueKind::kInt;
  spec.integer = n;
  return spec;
}

Entry::ValueSpec RawSpec(RawString* s) {
  Entry::ValueSpec spec;
  spec.kind = ValueKind::kExternal;
  spec.pointer = s;
  return spec;
}

// Redis's checkStringLength. The sum is checked for overflow first: SETRANGE
// takes any non-negative int64 offset, and offset + length must not wrap
// around to a small number that passes the limit. A RawString counts its
// bytes in 32 bits, so that is a limit too, whatever proto-max-bulk-len says.
bool CheckLength(int64_t size, int64_t extra, int64_t max_len) {
  int64_t total;
  return !__builtin_add_overflow(size, extra, &total) && total <= max_len &&
         total <= static_cast<int64_t>(UINT32_MAX);
}

// The entry's string in its own growable buffer ("unsharing" it, in Redis's
// terms), ready for an in-place edit. Returns the buffer; the entry now
// points at it.
RawString* MakeRaw(Database& db, std::string_view key, size_t extra) {
  KeyRef ref = db.LookupWrite(key);
  Entry* e = ref.entry;
  if (e->kind() == ValueKind::kExternal) {
    auto* s = static_cast<RawString*>(e->external());
    RawString* grown = RawString::Reserve(s, extra);
    if (grown != s) e->set_external(grown);
    return grown;
  }
  char scratch[21];
  StringValue old = ReadString(e);
  std::string_view bytes = old.Bytes(scratch);
  RawString* s = RawString::Create(bytes, bytes.size() + extra);
  db.Overwrite(ref, RawSpec(s), Database::kKeepTtl);
  return s;
}

}  // namespace

OpResult<SetOutcome> Set(Database& db, std::string_view key, std::string_view value,
                         const SetOptions& options) {
  KeyRef ref = db.LookupWrite(key);
  SetOutcome out;
  if (options.get && ref.entry != nullptr) {
    if (ref.entry->type() != ObjType::kString) return OpStatus::kWrongType;
    out.had_old = true;
    out.old_value = ReadString(ref.entry).ToString();
  }
  if ((options.condition == SetOptions::Condition::kIfAbsent && ref.entry != nullptr) ||
      (options.condition == SetOptions::Condition::kIfPresent && ref.entry == nullptr)) {
    return out;
  }
  int64_t expire_at = options.expire_at_ms >= 0 ? options.expire_at_ms
                     : options.keep_ttl        ? Database::kKeepTtl
                                               : Database::kNoExpire;
  db.Store(ref, key, StringSpec(value), expire_at);
  out.applied = true;
  return out;
}

OpResult<StringValue> Get(Database& db, std::string_view key) {
  Entry* e = db.LookupRead(key);
  if (e == nullptr) return OpStatus::kNotFound;
  if (e->type() != ObjType::kString) return OpStatus::kWrongType;
  return ReadString(e);
}

OpResult<std::string> GetDel(Database& db, std::string_view key) {
  Entry* e = db.LookupRead(key);
  if (e == nullptr) return OpStatus::kNotFound;
  if (e->type() != ObjType::kString) return OpStatus::kWrongType;
  std::string value = ReadString(e).ToString();
  db.Delete(key);
  return value;
}

OpResult<std::string> GetEx(Database& db, std::string_view key, const ExpireArg& expire,
                            bool persist) {
  Entry* e = db.LookupRead(key);
  if (e == nullptr) return OpStatus::kNotFound;
  if (e->type() != ObjType::kString) return OpStatus::kWrongType;
  int64_t deadline = -1;
  if (expire.present && !ExpireArgToDeadline(expire.value, expire.in_seconds, expire.relative,
                                             db.now_ms(), &deadline)) {
    return OpStatus::kInvalidExpire;
  }
  std::string value = ReadString(e).ToString();
  if (expire.present || persist) {
    KeyRef ref = db.LookupWrite(key);
    if (persist) {
      db.Persist(ref);
    } else if (deadline <= db.now_ms()) {
      db.Delete(ref);  // a deadline already past deletes the key now
    } else {
      db.SetExpire(ref, deadline);
    }
  }
  return value;
}

OpResult<int64_t> IncrBy(Database& db, std::string_view key, int64_t delta) {
  KeyRef ref = db.LookupWrite(key);
  int64_t old = 0;
  if (ref.entry != nullptr) {
    if (ref.entry->type() != ObjType::kString) return OpStatus::kWrongType;
    StringValue v = ReadString(ref.entry);
    if (v.is_int) {
      old = v.integer;
    } else if (v.bytes.size() > 20 || !StringToInt64(v.bytes, &old)) {
      return OpStatus::kNotInteger;
    }
  }
  int64_t result;
  if (__builtin_add_overflow(old, delta, &result)) return OpStatus::kOverflow;
  db.Store(ref, key, IntSpec(result), Database::kKeepTtl);
  return result;
}

OpResult<std::string> IncrByFloat(Database& db, std::string_view key, std::string_view delta_text) {
  KeyRef ref = db.LookupWrite(key);
  long double old = 0;
  if (ref.entry != nullptr) {
    if (ref.entry->type() != ObjType::kString) return OpStatus::kWrongType;
    char scratch[21];
    if (!StringToLongDouble(ReadString(ref.entry).Bytes(scratch), &old)) {
      return OpStatus::kNotFloat;
    }
  }
  long double delta;
  if (!StringToLongDouble(delta_text, &delta)) return OpStatus::kNotFloat;
  long double result = old + delta;
  if (std::isnan(result) || std::isinf(result)) return OpStatus::kNanOrInf;
  std::string text = LongDoubleToString(result);
  // Redis stores the formatted text as a plain string, not as an integer,
  // even when it looks like one ("3").
  Entry::ValueSpec spec;
  spec.kind = ValueKind::kInline;
  spec.bytes = text;
  db.Store(ref, key, spec, Database::kKeepTtl);
  return text;
}

OpResult<int64_t> Append(Database& db, std::string_view key, std::string_view suffix,
                         int64_t max_len) {
  KeyRef ref = db.LookupWrite(key);
  if (ref.entry == nullptr) {
    if (!CheckLength(0, static_cast<int64_t>(suffix.size()), max_len)) {
      return OpStatus::kStringTooLong;
    }
    db.Add(ref, key, StringSpec(suffix));
    return static_cast<int64_t>(suffix.size());
  }
  if (ref.entry->type() != ObjType::kString) return OpStatus::kWrongType;
  int64_t old_len = static_cast<int64_t>(ReadString(ref.entry).size());
  if (!CheckLength(old_len, static_cast<int64_t>(suffix.size()), max_len)) {
    return OpStatus::kStringTooLong;
  }
  RawString* s = MakeRaw(db, key, suffix.size());
  std::memcpy(s->data + s->len, suffix.data(), suffix.size());
  s->len += static_cast<uint32_t>(suffix.size());
  return static_cast<int64_t>(s->len);
}

OpResult<int64_t> SetRange(Database& db, std::string_view key, int64_t offset,
                           std::string_view bytes, int64_t max_len) {
  KeyRef ref = db.LookupWrite(key);
  int64_t old_len = 0;
  if (ref.entry != nullptr) {
    if (ref.entry->type() != ObjType::kString) return OpStatus::kWrongType;
    old_len = static_cast<int64_t>(ReadString(ref.entry).size());
  }
  if (bytes.empty()) return old_len;  // nothing to write, nothing created
  if (!CheckLength(offset, static_cast<int64_t>(bytes.size()), max_len)) {
    return OpStatus::kStringTooLong;
  }
  int64_t new_len = std::max<int64_t>(old_len, offset + static_cast<int64_t>(bytes.size()));
  RawString* s;
  if (ref.entry == nullptr) {
    s = RawString::Create({}, static_cast<size_t>(new_len));
    db.Add(ref, key, RawSpec(s));
  } else {
    s = MakeRaw(db, key, static_cast<size_t>(new_len - old_len));
  }
  if (offset > static_cast<int64_t>(s->len)) std::memset(s->data + s->len, 0, offset - s->len);
  std::memcpy(s->data + offset, bytes.data(), bytes.size());
  if (new_len > static_cast<int64_t>(s->len)) s->len = static_cast<uint32_t>(new_len);
  return new_len;
}

OpResult<std::string> GetRange(Database& db, std::string_view key, int64_t start,
                               int64_t end) {
  Entry* e = db.LookupRead(key);
  if (e == nullptr) return std::string();
  if (e->type() != ObjType::kString) return OpStatus::kWrongType;
  char scratch[21];
  std::string_view str = ReadString(e).Bytes(scratch);
  int64_t len = static_cast<int64_t>(str.size());
  if (start < 0 && end < 0 && start > end) return std::string();
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len == 0) return std::string();
  return std::string(str.substr(static_cast<size_t>(start), static_cast<size_t>(end - start + 1)));
}

OpResult<int64_t> StrLen(Database& db, std::string_view key) {
  Entry* e = db.LookupRead(key);
  if (e == nullptr) return int64_t{0};
  if (e->type() != ObjType::kString) return OpStatus::kWrongType;
  return static_cast<int64_t>(ReadString(e).size());
}

}  // namespace ember::storage
