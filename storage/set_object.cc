#include "storage/set_object.h"

#include <malloc.h>

#include <algorithm>

#include "storage/hash_object.h"
#include "storage/numbers.h"

namespace ember::storage {

namespace {

// An intset's index is a u32 and Redis caps its length at 2^30.
int64_t IntsetMaxEntries(const CollectionLimits& limits) {
  return std::min<int64_t>(limits.set_max_intset_entries, int64_t{1} << 30);
}

size_t DecimalDigits(int64_t v) {
  char buf[21];
  return Int64ToChars(v, buf);  // the '-' of a negative number counts, as in Redis
}

// Bytes `n` listpack elements holding `v` would take.
size_t ListpackBytesForInts(int64_t v, size_t n) {
  char buf[21];
  return listpack::EncodedSize(std::string_view(buf, Int64ToChars(v, buf))) * n;
}

}  // namespace

SetObject SetObject::NewIntset() { return {Encoding::kIntset, intset::New()}; }

SetObject SetObject::NewFor(std::string_view first_member) {
  int64_t v;
  if (StringToInt64(first_member, &v)) return NewIntset();
  return {Encoding::kListpack, listpack::New()};
}

Entry::ValueSpec SetObject::Spec() const {
  Entry::ValueSpec spec;
  spec.kind = ValueKind::kExternal;
  spec.type = ObjType::kSet;
  spec.encoding = encoding_;
  spec.pointer = ptr_;
  return spec;
}

void SetObject::Free() {
  switch (encoding_) {
    case Encoding::kIntset:
      intset::Free(bytes());
      break;
    case Encoding::kListpack:
      listpack::Free(bytes());
      break;
    default:
      delete table();
      break;
  }
  ptr_ = nullptr;
}

size_t SetObject::size() const {
  switch (encoding_) {
    case Encoding::kIntset:
      return intset::Length(bytes());
    case Encoding::kListpack:
      return listpack::Length(bytes());
    default:
      return table()->size();
  }
}

bool SetObject::Contains(std::string_view member) const {
  switch (encoding_) {
    case Encoding::kIntset: {
      int64_t v;
      return StringToInt64(member, &v) && intset::Contains(bytes(), v);
    }
    case Encoding::kListpack: {
      const uint8_t* p = listpack::First(bytes());
      return p != nullptr && listpack::Find(bytes(), p, member, 0) != nullptr;
    }
    default:
      return table()->Contains(member);
  }
}

bool SetObject::Add(std::string_view member, const CollectionLimits& limits) {
  switch (encoding_) {
    case Encoding::kIntset: {
      int64_t v;
      if (StringToInt64(member, &v)) {
        bool added = false;
        ptr_ = intset::Add(bytes(), v, &added);
        if (added && intset::Length(bytes()) > IntsetMaxEntries(limits)) ConvertToHashtable();
        return added;
      }
      // Not an integer, so certainly not a member yet.
      ConvertIntsetForString(member, limits);
      if (encoding_ == Encoding::kListpack) {
        ptr_ = listpack::Append(bytes(), member);
      } else {
        table()->AddNew(member);
      }
      return true;
    }
    case Encoding::kListpack: {
      const uint8_t* p = listpack::First(bytes());
      if (p != nullptr && listpack::Find(bytes(), p, member, 0) != nullptr) return false;
      if (static_cast<int64_t>(listpack::Length(bytes())) < limits.set_max_listpack_entries &&
          static_cast<int64_t>(member.size()) <= limits.set_max_listpack_value &&
          listpack::Bytes(bytes()) + member.size() <= kListpackMaxSafetySize) {
        ptr_ = listpack::Append(bytes(), member);
      } else {
        ConvertToHashtable();
        table()->AddNew(member);
      }
      return true;
    }
    default:
      return table()->Add(member);
  }
}

void SetObject::ConvertIntsetForString(std::string_view member, const CollectionLimits& limits) {
  // The listpack would hold the intset's members as integers; the widest
  // of them (in text) and the largest encoded are at the two ends.
  uint32_t n = intset::Length(bytes());
  size_t max_len = 0, total = 0;
  if (n > 0) {
    int64_t lo = intset::Get(bytes(), 0), hi = intset::Get(bytes(), n - 1);
    max_len = std::max(DecimalDigits(lo), DecimalDigits(hi));
    total = std::max(ListpackBytesForInts(lo, n), ListpackBytesForInts(hi, n));
  }
  if (static_cast<int64_t>(n) < limits.set_max_listpack_entries &&
      static_cast<int64_t>(member.size()) <= limits.set_max_listpack_value &&
      static_cast<int64_t>(max_len) <= limits.set_max_listpack_value &&
      total + member.size() <= kListpackMaxSafetySize) {
    ConvertIntsetToListpack();
  } else {
    ConvertToHashtable();
  }
}

void SetObject::ConvertIntsetToListpack() {
  uint8_t* lp = listpack::New();
  uint32_t n = intset::Length(bytes());
  for (uint32_t i = 0; i < n; ++i) lp = listpack::AppendInt(lp, intset::Get(bytes(), i));
  intset::Free(bytes());
  ptr_ = lp;
  encoding_ = Encoding::kListpack;
}

bool SetObject::Remove(std::string_view member) {
  switch (encoding_) {
    case Encoding::kIntset: {
      int64_t v;
      if (!StringToInt64(member, &v)) return false;
      bool removed = false;
      ptr_ = intset::Remove(bytes(), v, &removed);
      return removed;
    }
    case Encoding::kListpack: {
      const uint8_t* p = listpack::First(bytes());
      if (p != nullptr) p = listpack::Find(bytes(), p, member, 0);
      if (p == nullptr) return false;
      ptr_ = listpack::Delete(bytes(), &p);
      return true;
    }
    default:
      return table()->Erase(member);
  }
}

void SetObject::ConvertToHashtable() {
  if (encoding_ == Encoding::kHashtable) return;
  auto* t = new MemberSet();
  char buf[21];
  ForEach([&](const Value& v) { t->AddNew(v.View(buf)); });
  Free();
  ptr_ = t;
  encoding_ = Encoding::kHashtable;
}

size_t SetObject::AllocatedBytes() const {
  if (encoding_ == Encoding::kHashtable) return table()->AllocatedBytes();
  return malloc_usable_size(ptr_);
}

}  // namespace ember::storage
