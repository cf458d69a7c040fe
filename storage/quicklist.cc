#include "storage/quicklist.h"

#include "storage/alloc.h"

namespace ember::storage {

namespace {

// Byte limits of a node for fill -1 .. -5, as Redis.
constexpr size_t kSizeLimits[] = {4096, 8192, 16384, 32768, 65536};
// With a positive fill (a count limit), a node still stays under this.
constexpr size_t kSafetyLimit = 8192;
// Redis over-estimates what an element adds to a node by this much.
constexpr size_t kOverhead = 8;

}  // namespace

Quicklist::Quicklist(int fill) : fill_(fill) {}

Quicklist::~Quicklist() {
  Node* n = head_;
  while (n != nullptr) {
    Node* next = n->next;
    listpack::Free(n->lp);
    std::free(n);
    n = next;
  }
}

Quicklist* Quicklist::Copy() const {
  auto* copy = new Quicklist(fill_);
  for (Node* n = head_; n != nullptr; n = n->next) {
    Node* c = copy->NewNode();
    listpack::Free(c->lp);
    c->lp = listpack::Copy(n->lp);
    c->count = n->count;
    copy->InsertNode(copy->tail_, c, true);
  }
  copy->count_ = count_;
  return copy;
}

bool Quicklist::AllowInsert(const Node* node, size_t element_bytes) const {
  if (node == nullptr) return false;
  size_t new_size = listpack::Bytes(node->lp) + element_bytes + kOverhead;
  if (fill_ >= 0) {
    if (node->count + 1 > static_cast<uint32_t>(fill_ == 0 ? 1 : fill_)) return false;
    return new_size <= kSafetyLimit;
  }
  int level = -fill_ - 1;
  if (level > 4) level = 4;
  return new_size <= kSizeLimits[level];
}

Quicklist::Node* Quicklist::NewNode() {
  auto* n = static_cast<Node*>(CheckedMalloc(sizeof(Node)));
  n->prev = n->next = nullptr;
  n->lp = listpack::New();
  n->count = 0;
  return n;
}

void Quicklist::InsertNode(Node* where, Node* node, bool after) {
  if (where == nullptr) {
    head_ = tail_ = node;
  } else if (after) {
    node->prev = where;
    node->next = where->next;
    if (where->next) where->next->prev = node;
    where->next = node;
    if (tail_ == where) tail_ = node;
  } else {
    node->next = where;
    node->prev = where->prev;
    if (where->prev) where->prev->next = node;
    where->prev = node;
    if (head_ == where) head_ = node;
  }
  ++nodes_;
}

void Quicklist::RemoveNode(Node* node) {
  if (node->prev) node->prev->next = node->next;
  if (node->next) node->next->prev = node->prev;
  if (head_ == node) head_ = node->next;
  if (tail_ == node) tail_ = node->prev;
  listpack::Free(node->lp);
  std::free(node);
  --nodes_;
}

void Quicklist::Push(std::string_view v, bool head) {
  Node* end = head ? head_ : tail_;
  if (!AllowInsert(end, v.size())) {
    Node* n = NewNode();
    InsertNode(end, n, !head);
    end = n;
  }
  end->lp = head ? listpack::Prepend(end->lp, v) : listpack::Append(end->lp, v);
  end->count++;
  count_++;
}

void Quicklist::Pop(bool head, std::string* out) {
  Node* n = head ? head_ : tail_;
  const uint8_t* p = head ? listpack::First(n->lp) : listpack::Last(n->lp);
  *out = listpack::Get(p).ToString();
  n->lp = listpack::Delete(n->lp, &p);
  n->count--;
  count_--;
  if (n->count == 0) RemoveNode(n);
}

Quicklist::Iter Quicklist::At(int64_t index) const {
  int64_t n = static_cast<int64_t>(count_);
  if (index < 0) index += n;
  if (index < 0 || index >= n) return {};
  Iter it;
  if (index < n / 2) {
    Node* node = head_;
    while (index >= node->count) {
      index -= node->count;
      node = node->next;
    }
    it.node = node;
    it.p = listpack::Seek(node->lp, index);
  } else {
    int64_t from_tail = n - 1 - index;
    Node* node = tail_;
    while (from_tail >= node->count) {
      from_tail -= node->count;
      node = node->prev;
    }
    it.node = node;
    it.p = listpack::Seek(node->lp, -1 - from_tail);
  }
  return it;
}

bool Quicklist::Next(Iter* it) const {
  const uint8_t* p = listpack::Next(it->node->lp, it->p);
  if (p != nullptr) {
    it->p = p;
    return true;
  }
  it->node = it->node->next;
  if (it->node == nullptr) {
    *it = {};
    return false;
  }
  it->p = listpack::First(it->node->lp);
  return true;
}

bool Quicklist::Prev(Iter* it) const {
  const uint8_t* p = listpack::Prev(it->node->lp, it->p);
  if (p != nullptr) {
    it->p = p;
    return true;
  }
  it->node = it->node->prev;
  if (it->node == nullptr) {
    *it = {};
    return false;
  }
  it->p = listpack::Last(it->node->lp);
  return true;
}

void Quicklist::Replace(Iter* it, std::string_view v) {
  it->node->lp = listpack::Replace(it->node->lp, &it->p, v);
}

void Quicklist::Insert(const Iter& it, std::string_view v, bool after) {
  Node* node = it.node;
  if (AllowInsert(node, v.size())) {
    const uint8_t* p = it.p;
    node->lp = listpack::Insert(node->lp, &p, v, after);
    node->count++;
    count_++;
    return;
  }
  // The node is full. At its edge, the neighbour may have room; otherwise
  // split the node at the insertion point.
  bool at_tail = after && listpack::Next(node->lp, it.p) == nullptr;
  bool at_head = !after && listpack::Prev(node->lp, it.p) == nullptr;
  if (at_tail && AllowInsert(node->next, v.size())) {
    node->next->lp = listpack::Prepend(node->next->lp, v);
    node->next->count++;
    count_++;
    return;
  }
  if (at_head && AllowInsert(node->prev, v.size())) {
    node->prev->lp = listpack::Append(node->prev->lp, v);
    node->prev->count++;
    count_++;
    return;
  }
  if (at_tail || at_head) {
    Node* n = NewNode();
    n->lp = listpack::Append(n->lp, v);
    n->count = 1;
    InsertNode(node, n, at_tail);
    count_++;
    return;
  }
  // Split: elements after the insertion point move to a new node.
  uint32_t offset = 0;
  for (const uint8_t* q = listpack::First(node->lp); q != it.p; q = listpack::Next(node->lp, q)) {
    ++offset;
  }
  uint32_t keep = offset + (after ? 1 : 0);
  Node* tail_part = NewNode();
  for (const uint8_t* q = listpack::Seek(node->lp, keep); q; q = listpack::Next(node->lp, q)) {
    tail_part->lp = listpack::Append(tail_part->lp, listpack::Get(q).ToString());
    tail_part->count++;
  }
  node->lp = listpack::DeleteRangeAt(node->lp, keep, node->count - keep);
  node->count = keep;
  node->lp = listpack::Append(node->lp, v);
  node->count++;
  count_++;
  InsertNode(node, tail_part, true);
}

void Quicklist::Erase(Iter* it) {
  Node* node = it->node;
  node->lp = listpack::Delete(node->lp, &it->p);
  node->count--;
  count_--;
  if (node->count == 0) {
    Node* next = node->next;
    RemoveNode(node);
    it->node = next;
    it->p = next ? listpack::First(next->lp) : nullptr;
  } else if (it->p == nullptr) {
    it->node = node->next;
    it->p = it->node ? listpack::First(it->node->lp) : nullptr;
  }
  if (it->node == nullptr) *it = {};
}

void Quicklist::EraseRange(int64_t start, int64_t count) {
  if (count <= 0) return;
  Iter it = At(start);
  while (it && count > 0) {
    Node* node = it.node;
    // Whole node from its first element: drop the node.
    if (it.p == listpack::First(node->lp) && node->count <= count) {
      count -= node->count;
      count_ -= node->count;
      Node* next = node->next;
      RemoveNode(node);
      it.node = next;
      it.p = next ? listpack::First(next->lp) : nullptr;
      continue;
    }
    // Part of a node.
    uint32_t in_node = 0;
    for (const uint8_t* q = it.p; q && in_node < count; q = listpack::Next(node->lp, q)) ++in_node;
    const uint8_t* p = it.p;
    node->lp = listpack::DeleteRange(node->lp, &p, in_node);
    node->count -= in_node;
    count_ -= in_node;
    count -= in_node;
    Node* next = node->next;
    if (node->count == 0) RemoveNode(node);
    it.node = next;
    it.p = next ? listpack::First(next->lp) : nullptr;
  }
}

size_t Quicklist::AllocatedBytes() const {
  size_t total = sizeof(Quicklist);
  for (Node* n = head_; n != nullptr; n = n->next) total += sizeof(Node) + listpack::Bytes(n->lp);
  return total;
}

}  // namespace ember::storage
