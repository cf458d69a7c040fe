// Quicklist: how Redis 7.0 stores every list.
//
// A list must be cheap at both ends (LPUSH, RPOP) and compact in memory.
// A linked list of elements is cheap at the ends but costs two pointers and
// an allocation per element; one big listpack is compact but every push at
// the head moves the whole buffer. The quicklist is the compromise: a doubly
// linked list of listpacks ("nodes"), each holding a handful of elements up
// to a size limit (list-max-listpack-size: -2 means 8 KB per node; a
// positive N means at most N elements). Pushing at an end touches only the
// end node; a new node is started when it is full. Popping the last element
// of a node frees the node.
//
// Finding element i walks nodes (skipping whole nodes by their counts), then
// elements within one node: O(n / elements-per-node), fine for the end-heavy
// access lists are made for.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "storage/listpack.h"

namespace ember::storage {

class Quicklist {
 public:
  struct Node {
    Node* prev;
    Node* next;
    uint8_t* lp;
    uint32_t count;
  };

  // A position: an element inside a node. Invalid after a change to the
  // list unless a function returns an updated one.
  struct Iter {
    Node* node = nullptr;
    const uint8_t* p = nullptr;
    explicit operator bool() const { return node != nullptr; }
  };

  // `fill` is list-max-listpack-size.
  explicit Quicklist(int fill);
  ~Quicklist();
  Quicklist(const Quicklist&) = delete;
  Quicklist& operator=(const Quicklist&) = delete;

  Quicklist* Copy() const;

  size_t size() const { return count_; }
  size_t node_count() const { return nodes_; }
  const Node* head() const { return head_; }
  void set_fill(int fill) { fill_ = fill; }

  void PushHead(std::string_view v) { Push(v, true); }
  void PushTail(std::string_view v) { Push(v, false); }
  void Push(std::string_view v, bool head);
  // Removes the first (head) or last element into *out. REQUIRES: !empty.
  void Pop(bool head, std::string* out);

  // The element at `index` (0-based from the head; negative from the
  // tail), or an empty Iter.
  Iter At(int64_t index) const;
  static listpack::Value Get(const Iter& it) { return listpack::Get(it.p); }
  // Moves to the following (or preceding) element; false at the end.
  bool Next(Iter* it) const;
  bool Prev(Iter* it) const;

  // Replaces the element at `it`.
  void Replace(Iter* it, std::string_view v);
  // Inserts before or after the element at `it`.
  void Insert(const Iter& it, std::string_view v, bool after);
  // Removes the element at *it; *it moves to the element that followed it
  // (towards the tail), or becomes empty.
  void Erase(Iter* it);
  // Removes `count` elements starting at index `start` (>= 0).
  void EraseRange(int64_t start, int64_t count);

  // Calls fn(listpack::Value) for each element from head to tail.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (Node* n = head_; n != nullptr; n = n->next) {
      for (const uint8_t* p = listpack::First(n->lp); p; p = listpack::Next(n->lp, p)) {
        fn(listpack::Get(p));
      }
    }
  }

  // Bytes allocated, for MEMORY USAGE-like accounting.
  size_t AllocatedBytes() const;

 private:
  bool AllowInsert(const Node* node, size_t element_bytes) const;
  Node* NewNode();
  void InsertNode(Node* where, Node* node, bool after);
  void RemoveNode(Node* node);

  Node* head_ = nullptr;
  Node* tail_ = nullptr;
  size_t count_ = 0;
  size_t nodes_ = 0;
  int fill_;
};

}  // namespace ember::storage
