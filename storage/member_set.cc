#include "storage/member_set.h"

#include <malloc.h>

#include <cstdlib>
#include <cstring>

#include "storage/alloc.h"
#include "storage/entry.h"
#include "storage/hash.h"

namespace ember::storage {

MemberNode* MemberNode::Create(std::string_view member) {
  size_t size =
      sizeof(MemberNode) + Entry::VarintSize(static_cast<uint32_t>(member.size())) + member.size();
  auto* n = static_cast<MemberNode*>(CheckedMalloc(size));
  n->next_ = nullptr;
  unsigned char* p = n->Bytes();
  Entry::WriteVarint(&p, static_cast<uint32_t>(member.size()));
  if (!member.empty()) std::memcpy(p, member.data(), member.size());
  return n;
}

void MemberNode::Destroy(MemberNode* n) { std::free(n); }

std::string_view MemberNode::member() const {
  const unsigned char* p = Bytes();
  uint32_t len = Entry::ReadVarint(&p);
  return {reinterpret_cast<const char*>(p), len};
}

size_t MemberNode::AllocatedSize() const {
  return malloc_usable_size(const_cast<MemberNode*>(this));
}

MemberSet::~MemberSet() {
  dict_.Clear([](MemberNode* n) { MemberNode::Destroy(n); });
}

bool MemberSet::Contains(std::string_view member) { return dict_.Find(member) != nullptr; }

bool MemberSet::Add(std::string_view member) {
  uint64_t hash = Hash(member);
  if (dict_.FindLink(member, hash)) return false;
  dict_.InsertNew(MemberNode::Create(member), hash);
  return true;
}

void MemberSet::AddNew(std::string_view member) {
  dict_.InsertNew(MemberNode::Create(member), Hash(member));
}

bool MemberSet::Erase(std::string_view member) {
  MemberNode* n = dict_.Remove(member, Hash(member));
  if (n == nullptr) return false;
  MemberNode::Destroy(n);
  dict_.ShrinkIfSparse();
  return true;
}

MemberSet* MemberSet::Copy() const {
  auto* copy = new MemberSet();
  ForEach([copy](std::string_view m) { copy->AddNew(m); });
  return copy;
}

size_t MemberSet::AllocatedBytes() const {
  size_t total = malloc_usable_size(const_cast<MemberSet*>(this)) + dict_.BucketBytes();
  dict_.ForEach([&total](const MemberNode* n) { total += n->AllocatedSize(); });
  return total;
}

}  // namespace ember::storage
