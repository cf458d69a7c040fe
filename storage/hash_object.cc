#include "storage/hash_object.h"

#include <malloc.h>

namespace ember::storage {

HashObject HashObject::New() { return {Encoding::kListpack, listpack::New()}; }

Entry::ValueSpec HashObject::Spec() const {
  Entry::ValueSpec spec;
  spec.kind = ValueKind::kExternal;
  spec.type = ObjType::kHash;
  spec.encoding = encoding_;
  spec.pointer = ptr_;
  return spec;
}

void HashObject::Free() {
  if (encoding_ == Encoding::kListpack) {
    listpack::Free(lp());
  } else {
    delete map();
  }
  ptr_ = nullptr;
}

size_t HashObject::size() const {
  return encoding_ == Encoding::kListpack ? listpack::Length(lp()) / 2 : map()->size();
}

bool HashObject::Get(std::string_view field, Value* value) const {
  if (encoding_ == Encoding::kListpack) {
    const uint8_t* l = lp();
    const uint8_t* p = listpack::First(l);
    if (p != nullptr) p = listpack::Find(l, p, field, 1);
    if (p == nullptr) return false;
    *value = listpack::Get(listpack::Next(l, p));
    return true;
  }
  std::string_view v;
  if (!map()->Get(field, &v)) return false;
  *value = Value{.str = v};
  return true;
}

void HashObject::ConvertForArgs(std::span<const std::string_view> args,
                                const CollectionLimits& limits) {
  if (encoding_ != Encoding::kListpack) return;
  size_t sum = 0;
  for (std::string_view a : args) {
    if (static_cast<int64_t>(a.size()) > limits.hash_max_listpack_value) {
      ConvertToHashtable();
      return;
    }
    sum += a.size();
  }
  if (listpack::Bytes(lp()) + sum > kListpackMaxSafetySize) ConvertToHashtable();
}

bool HashObject::Set(std::string_view field, std::string_view value,
                     const CollectionLimits& limits) {
  if (encoding_ == Encoding::kListpack &&
      (static_cast<int64_t>(field.size()) > limits.hash_max_listpack_value ||
       static_cast<int64_t>(value.size()) > limits.hash_max_listpack_value)) {
    ConvertToHashtable();
  }
  if (encoding_ != Encoding::kListpack) return map()->Set(field, value);

  uint8_t* l = lp();
  const uint8_t* p = listpack::First(l);
  if (p != nullptr) p = listpack::Find(l, p, field, 1);
  bool added = p == nullptr;
  if (added) {
    l = listpack::Append(l, field);
    l = listpack::Append(l, value);
  } else {
    const uint8_t* vp = listpack::Next(l, p);
    l = listpack::Replace(l, &vp, value);
  }
  ptr_ = l;
  if (static_cast<int64_t>(size()) > limits.hash_max_listpack_entries) ConvertToHashtable();
  return added;
}

bool HashObject::Delete(std::string_view field) {
  if (encoding_ != Encoding::kListpack) return map()->Erase(field);
  uint8_t* l = lp();
  const uint8_t* p = listpack::First(l);
  if (p != nullptr) p = listpack::Find(l, p, field, 1);
  if (p == nullptr) return false;
  ptr_ = listpack::DeleteRange(l, &p, 2);
  return true;
}

void HashObject::ConvertToHashtable() {
  if (encoding_ != Encoding::kListpack) return;
  auto* m = new FieldMap();
  char fbuf[21], vbuf[21];
  ForEach([&](const Value& f, const Value& v) { m->AddNew(f.View(fbuf), v.View(vbuf)); });
  listpack::Free(lp());
  ptr_ = m;
  encoding_ = Encoding::kHashtable;
}

size_t HashObject::AllocatedBytes() const {
  if (encoding_ == Encoding::kListpack) return malloc_usable_size(ptr_);
  return map()->AllocatedBytes();
}

}  // namespace ember::storage
