#include "server/memory.h"

#include <errno.h>
#include <malloc.h>
#include <stdlib.h>

#include <atomic>
#include <cstddef>

// Under AddressSanitizer, malloc is the sanitizer's: defining it again would
// break the sanitizer, and it keeps its own count anyway.
#if defined(__SANITIZE_ADDRESS__)
#define EMBER_ASAN_ALLOCATOR 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define EMBER_ASAN_ALLOCATOR 1
#endif
#endif

#ifdef EMBER_ASAN_ALLOCATOR
extern "C" size_t __sanitizer_get_current_allocated_bytes();
#elif !defined(EMBER_MEMORY_NO_INTERPOSE)
// EMBER_MEMORY_NO_INTERPOSE leaves malloc alone (UsedMemory then walks
// glibc's arenas with mallinfo2, slowly): only for measuring what the
// counter costs.
#define EMBER_COUNT_MALLOC 1
#endif

#ifdef EMBER_COUNT_MALLOC

// glibc's implementation, under the names it exports for exactly this use.
extern "C" {
void* __libc_malloc(size_t size);
void __libc_free(void* ptr);
void* __libc_calloc(size_t count, size_t size);
void* __libc_realloc(void* ptr, size_t size);
void* __libc_memalign(size_t alignment, size_t size);
void* __libc_valloc(size_t size);
void* __libc_pvalloc(size_t size);
}

namespace {

// Signed: a block glibc handed out before the replacement was in place (none
// is expected) must not make the count wrap around when it is freed.
// Relaxed: the count orders nothing, it is only read.
constinit std::atomic<int64_t> g_used{0};

// glibc's per-chunk header: the size field in front of every block.
constexpr int64_t kChunkHeader = sizeof(size_t);

inline int64_t BlockSize(void* p) {
  return static_cast<int64_t>(malloc_usable_size(p)) + kChunkHeader;
}

inline void* Counted(void* p) {
  if (p != nullptr) g_used.fetch_add(BlockSize(p), std::memory_order_relaxed);
  return p;
}

}  // namespace

extern "C" {

void* malloc(size_t size) noexcept { return Counted(__libc_malloc(size)); }

void free(void* ptr) noexcept {
  if (ptr == nullptr) return;
  g_used.fetch_sub(BlockSize(ptr), std::memory_order_relaxed);
  __libc_free(ptr);
}

void* calloc(size_t count, size_t size) noexcept { return Counted(__libc_calloc(count, size)); }

void* realloc(void* ptr, size_t size) noexcept {
  if (ptr == nullptr) return malloc(size);
  int64_t before = BlockSize(ptr);
  void* p = __libc_realloc(ptr, size);
  if (p != nullptr) {
    g_used.fetch_add(BlockSize(p) - before, std::memory_order_relaxed);
  } else if (size == 0) {
    g_used.fetch_sub(before, std::memory_order_relaxed);  // realloc(p, 0) freed p
  }
  return p;
}

void* reallocarray(void* ptr, size_t count, size_t size) noexcept {
  size_t bytes;
  if (__builtin_mul_overflow(count, size, &bytes)) {
    errno = ENOMEM;
    return nullptr;
  }
  return realloc(ptr, bytes);
}

void* memalign(size_t alignment, size_t size) noexcept {
  return Counted(__libc_memalign(alignment, size));
}

void* aligned_alloc(size_t alignment, size_t size) noexcept {
  return Counted(__libc_memalign(alignment, size));
}

int posix_memalign(void** out, size_t alignment, size_t size) noexcept {
  if (alignment % sizeof(void*) != 0 || (alignment & (alignment - 1)) != 0) return EINVAL;
  void* p = Counted(__libc_memalign(alignment, size));
  if (p == nullptr) return ENOMEM;
  *out = p;
  return 0;
}

void* valloc(size_t size) noexcept { return Counted(__libc_valloc(size)); }

void* pvalloc(size_t size) noexcept { return Counted(__libc_pvalloc(size)); }

}  // extern "C"

#endif  // EMBER_COUNT_MALLOC

namespace ember::server {

uint64_t UsedMemory() {
#if defined(EMBER_COUNT_MALLOC)
  int64_t v = g_used.load(std::memory_order_relaxed);
  return v > 0 ? static_cast<uint64_t>(v) : 0;
#elif defined(EMBER_ASAN_ALLOCATOR)
  return __sanitizer_get_current_allocated_bytes();
#else
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
#endif
}

bool MemoryCounterIsExact() {
#ifdef EMBER_COUNT_MALLOC
  return true;
#else
  return false;
#endif
}

}  // namespace ember::server
