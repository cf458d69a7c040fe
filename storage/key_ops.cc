#include "storage/key_ops.h"

#include <cstdint>

#include "storage/object.h"

namespace ember::storage {

OpStatus Rename(Database& db, std::string_view from, std::string_view to, bool nx) {
  KeyRef src = db.LookupWrite(from);
  if (!src) return OpStatus::kNotFound;
  if (from == to) return nx ? OpStatus::kSkipped : OpStatus::kOk;
  {
    KeyRef dst = db.LookupWrite(to);
    if (dst) {
      if (nx) return OpStatus::kSkipped;
      db.Delete(dst);
    }
  }
  // The key is part of the entry, so the value moves into a new entry;
  // an external value moves by pointer.
  Entry* old = db.Detach(db.LookupWrite(from));
  KeyRef dst = db.LookupWrite(to);
  db.Add(dst, to, old->Spec(), Database::ExpireAt(old));
  Entry::DestroyShell(old);
  return OpStatus::kOk;
}

OpStatus Copy(Database& src, std::string_view from, Database& dst, std::string_view to,
              bool replace) {
  Entry* e = src.LookupRead(from);
  if (e == nullptr) return OpStatus::kNotFound;
  int64_t deadline = Database::ExpireAt(e);
  Entry::ValueSpec spec = e->Spec();
  KeyRef target = dst.LookupWrite(to);
  if (target) {
    if (!replace) return OpStatus::kSkipped;
    dst.Delete(target);
    target = dst.LookupWrite(to);
  }
  // Inline bytes are copied by Add; `e` is unchanged by writes to `dst`
  // unless dst == src and `to` shared its chain, which Delete could not
  // touch since `to` != `from`.
  if (spec.kind == ValueKind::kExternal) spec.pointer = CopyObject(spec.type, spec.encoding, spec.pointer);
  dst.Add(target, to, spec, deadline);
  return OpStatus::kOk;
}

OpStatus Move(Database& src, std::string_view key, Database& dst) {
  KeyRef ref = src.LookupWrite(key);
  if (!ref) return OpStatus::kNotFound;
  if (dst.LookupWrite(key)) return OpStatus::kSkipped;
  dst.Attach(src.Detach(ref));
  return OpStatus::kOk;
}

ExpireOutcome Expire(Database& db, std::string_view key, int64_t when_ms, int conditions) {
  KeyRef ref = db.LookupWrite(key);
  if (!ref) return ExpireOutcome::kNoKey;
  int64_t current = Database::ExpireAt(ref.entry);
  if ((conditions & kExpireNx) && current != -1) return ExpireOutcome::kSkipped;
  if ((conditions & kExpireXx) && current == -1) return ExpireOutcome::kSkipped;
  if ((conditions & kExpireGt) && (current == -1 || when_ms <= current)) {
    return ExpireOutcome::kSkipped;
  }
  if ((conditions & kExpireLt) && current != -1 && when_ms >= current) {
    return ExpireOutcome::kSkipped;
  }
  if (when_ms <= db.now_ms()) {
    db.Delete(ref);
    return ExpireOutcome::kDeleted;
  }
  db.SetExpire(ref, when_ms);
  return ExpireOutcome::kSet;
}

bool ExpireArgToDeadline(int64_t value, bool in_seconds, bool relative, int64_t now_ms,
                         int64_t* deadline_ms) {
  if (value <= 0 || (in_seconds && value > INT64_MAX / 1000)) return false;
  int64_t ms = in_seconds ? value * 1000 : value;
  if (relative && __builtin_add_overflow(ms, now_ms, &ms)) return false;
  if (ms <= 0) return false;
  *deadline_ms = ms;
  return true;
}

int64_t TimeToLive(Database& db, std::string_view key, bool absolute) {
  Entry* e = db.LookupRead(key, Database::kNoTouch);
  if (e == nullptr) return -2;
  int64_t deadline = Database::ExpireAt(e);
  if (deadline == -1) return -1;
  int64_t ttl = absolute ? deadline : deadline - db.now_ms();
  return ttl < 0 ? 0 : ttl;
}

}  // namespace ember::storage
