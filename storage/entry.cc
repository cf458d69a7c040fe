#include "storage/entry.h"

#include <malloc.h>

#include <cstdlib>

#include "storage/alloc.h"
#include "storage/object.h"

namespace ember::storage {

RawString* RawString::Create(std::string_view init, size_t capacity) {
  if (capacity < init.size()) capacity = init.size();
  auto* s = static_cast<RawString*>(CheckedMalloc(sizeof(RawString) + capacity));
  s->len = static_cast<uint32_t>(init.size());
  s->cap = static_cast<uint32_t>(capacity);
  if (!init.empty()) std::memcpy(s->data, init.data(), init.size());
  return s;
}

RawString* RawString::Reserve(RawString* s, size_t extra) {
  size_t need = static_cast<size_t>(s->len) + extra;
  if (need <= s->cap) return s;
  // Like sds: double while small, then grow by 1 MB steps.
  size_t cap = need < 1024 * 1024 ? need * 2 : need + 1024 * 1024;
  if (cap > UINT32_MAX) cap = UINT32_MAX;
  auto* grown = static_cast<RawString*>(CheckedRealloc(s, sizeof(RawString) + cap));
  grown->cap = static_cast<uint32_t>(cap);
  return grown;
}

namespace {

size_t ValueSize(const Entry::ValueSpec& v) {
  switch (v.kind) {
    case ValueKind::kInline:
      return Entry::VarintSize(static_cast<uint32_t>(v.bytes.size())) + v.bytes.size();
    case ValueKind::kInt:
      return 8;
    case ValueKind::kExternal:
      return sizeof(void*);
  }
  return 0;
}

}  // namespace

size_t Entry::AllocSize(size_t key_len, const ValueSpec& value, bool has_expire) {
  return kHeaderSize + (has_expire ? kExpirySize : 0) +
         VarintSize(static_cast<uint32_t>(key_len)) + key_len + ValueSize(value);
}

Entry* Entry::Create(std::string_view key, const ValueSpec& value, bool has_expire) {
  size_t size = AllocSize(key.size(), value, has_expire);
  void* mem = CheckedMalloc(size);
  auto* e = static_cast<Entry*>(mem);
  e->next_ = nullptr;
  uint32_t meta = (static_cast<uint32_t>(value.encoding) << 30) |
                  (static_cast<uint32_t>(value.kind) << 28) |
                  (static_cast<uint32_t>(has_expire) << 27) |
                  (static_cast<uint32_t>(value.type) << 24);
  e->set_meta(meta);
  unsigned char* p = e->Bytes() + kHeaderSize;
  if (has_expire) {
    std::memset(p, 0, kExpirySize);
    p += kExpirySize;
  }
  WriteVarint(&p, static_cast<uint32_t>(key.size()));
  std::memcpy(p, key.data(), key.size());
  p += key.size();
  switch (value.kind) {
    case ValueKind::kInline:
      WriteVarint(&p, static_cast<uint32_t>(value.bytes.size()));
      if (!value.bytes.empty()) std::memcpy(p, value.bytes.data(), value.bytes.size());
      break;
    case ValueKind::kInt:
      std::memcpy(p, &value.integer, 8);
      break;
    case ValueKind::kExternal:
      std::memcpy(p, &value.pointer, sizeof(void*));
      break;
  }
  return e;
}

Entry* Entry::CloneWith(const Entry* e, const ValueSpec& value, bool has_expire) {
  Entry* copy = Create(e->key(), value, has_expire);
  copy->set_lru(e->lru());
  if (has_expire && e->has_expire()) {
    copy->set_expire_at(e->expire_at());
    copy->set_volatile_index(e->volatile_index());
  }
  return copy;
}

Entry::ValueSpec Entry::Spec() const {
  ValueSpec spec;
  spec.type = type();
  spec.kind = kind();
  spec.encoding = encoding();
  switch (spec.kind) {
    case ValueKind::kInline: spec.bytes = inline_value(); break;
    case ValueKind::kInt: spec.integer = int_value(); break;
    case ValueKind::kExternal: spec.pointer = external(); break;
  }
  return spec;
}

bool Entry::TryRewriteValue(const ValueSpec& value) {
  size_t key_len = key().size();
  if (AllocSize(key_len, value, has_expire()) > AllocatedSize()) return false;
  uint32_t m = meta();
  m &= ~((3u << 30) | (3u << 28) | (7u << 24));
  m |= (static_cast<uint32_t>(value.encoding) << 30) | (static_cast<uint32_t>(value.kind) << 28) |
       (static_cast<uint32_t>(value.type) << 24);
  set_meta(m);
  unsigned char* p = ValueStart();
  switch (value.kind) {
    case ValueKind::kInline:
      WriteVarint(&p, static_cast<uint32_t>(value.bytes.size()));
      // REQUIRES: value.bytes does not point into this entry.
      if (!value.bytes.empty()) std::memmove(p, value.bytes.data(), value.bytes.size());
      break;
    case ValueKind::kInt:
      std::memcpy(p, &value.integer, 8);
      break;
    case ValueKind::kExternal:
      std::memcpy(p, &value.pointer, sizeof(void*));
      break;
  }
  return true;
}

void Entry::Destroy(Entry* e) {
  if (e->kind() == ValueKind::kExternal) FreeObject(e->type(), e->encoding(), e->external());
  std::free(e);
}

void Entry::DestroyShell(Entry* e) { std::free(e); }

size_t Entry::AllocatedSize() const { return malloc_usable_size(const_cast<Entry*>(this)); }

}  // namespace ember::storage
