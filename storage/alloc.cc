#include "storage/alloc.h"

#include <cstdio>
#include <cstdlib>

namespace ember::storage {

namespace {

[[noreturn]] void OutOfMemory(size_t size) {
  std::fprintf(stderr, "Out Of Memory allocating %zu bytes!\n", size);
  std::abort();
}

}  // namespace

void* CheckedMalloc(size_t size) {
  void* p = std::malloc(size);
  if (p == nullptr && size != 0) OutOfMemory(size);
  return p;
}

void* CheckedRealloc(void* ptr, size_t size) {
  void* p = std::realloc(ptr, size);
  if (p == nullptr && size != 0) OutOfMemory(size);
  return p;
}

void* CheckedCalloc(size_t count, size_t size) {
  void* p = std::calloc(count, size);
  if (p == nullptr && count != 0 && size != 0) OutOfMemory(count * size);
  return p;
}

}  // namespace ember::storage
