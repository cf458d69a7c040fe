#include "storage/field_map.h"

#include <malloc.h>

#include <cstdlib>
#include <cstring>

#include "storage/alloc.h"
#include "storage/entry.h"
#include "storage/hash.h"

namespace ember::storage {

size_t FieldNode::AllocSize(size_t field_len, size_t value_len) {
  return sizeof(FieldNode) + Entry::VarintSize(static_cast<uint32_t>(field_len)) + field_len +
         Entry::VarintSize(static_cast<uint32_t>(value_len)) + value_len;
}

FieldNode* FieldNode::Create(std::string_view field, std::string_view value) {
  void* mem = CheckedMalloc(AllocSize(field.size(), value.size()));
  auto* n = static_cast<FieldNode*>(mem);
  n->next_ = nullptr;
  unsigned char* p = n->Bytes();
  Entry::WriteVarint(&p, static_cast<uint32_t>(field.size()));
  if (!field.empty()) std::memcpy(p, field.data(), field.size());
  p += field.size();
  Entry::WriteVarint(&p, static_cast<uint32_t>(value.size()));
  if (!value.empty()) std::memcpy(p, value.data(), value.size());
  return n;
}

void FieldNode::Destroy(FieldNode* n) { std::free(n); }

std::string_view FieldNode::field() const {
  const unsigned char* p = Bytes();
  uint32_t len = Entry::ReadVarint(&p);
  return {reinterpret_cast<const char*>(p), len};
}

std::string_view FieldNode::value() const {
  const unsigned char* p = Bytes();
  uint32_t flen = Entry::ReadVarint(&p);
  p += flen;
  uint32_t len = Entry::ReadVarint(&p);
  return {reinterpret_cast<const char*>(p), len};
}

bool FieldNode::TryRewriteValue(std::string_view value) {
  size_t field_len = field().size();
  if (AllocSize(field_len, value.size()) > AllocatedSize()) return false;
  unsigned char* p = Bytes();
  uint32_t flen = Entry::ReadVarint(const_cast<const unsigned char**>(&p));
  p += flen;
  Entry::WriteVarint(&p, static_cast<uint32_t>(value.size()));
  // REQUIRES: value does not point into this node.
  if (!value.empty()) std::memmove(p, value.data(), value.size());
  return true;
}

size_t FieldNode::AllocatedSize() const { return malloc_usable_size(const_cast<FieldNode*>(this)); }

FieldMap::~FieldMap() {
  dict_.Clear([](FieldNode* n) { FieldNode::Destroy(n); });
}

bool FieldMap::Get(std::string_view field, std::string_view* value) {
  FieldNode* n = dict_.Find(field);
  if (n == nullptr) return false;
  *value = n->value();
  return true;
}

bool FieldMap::Set(std::string_view field, std::string_view value) {
  uint64_t hash = Hash(field);
  auto link = dict_.FindLink(field, hash);
  if (link) {
    FieldNode* old = link.node();
    if (!old->TryRewriteValue(value)) {
      dict_.Replace(link, FieldNode::Create(field, value));
      FieldNode::Destroy(old);
    }
    return false;
  }
  dict_.InsertNew(FieldNode::Create(field, value), hash);
  return true;
}

void FieldMap::AddNew(std::string_view field, std::string_view value) {
  dict_.InsertNew(FieldNode::Create(field, value), Hash(field));
}

bool FieldMap::Erase(std::string_view field) {
  FieldNode* n = dict_.Remove(field, Hash(field));
  if (n == nullptr) return false;
  FieldNode::Destroy(n);
  dict_.ShrinkIfSparse();
  return true;
}

FieldMap* FieldMap::Copy() const {
  auto* copy = new FieldMap();
  ForEach([copy](std::string_view f, std::string_view v) { copy->AddNew(f, v); });
  return copy;
}

size_t FieldMap::AllocatedBytes() const {
  size_t total = malloc_usable_size(const_cast<FieldMap*>(this)) + dict_.BucketBytes();
  dict_.ForEach([&total](const FieldNode* n) { total += n->AllocatedSize(); });
  return total;
}

}  // namespace ember::storage
