// Memory accounting: how many bytes the process holds from malloc, cheaply
// enough to ask before every command.
//
// Redis counts its memory in zmalloc, a wrapper every allocation of its own
// goes through: it adds the allocator's size of each block on malloc and
// subtracts it on free, in one atomic counter. `used_memory` in INFO and the
// maxmemory check read that counter. Ember allocates through plain malloc
// and operator new (the standard containers, Asio, fmt), so a wrapper could
// not see most of it. Instead the ember-server executable *replaces* malloc
// (glibc supports this: every malloc, free, calloc, realloc and the aligned
// variants of the process, libstdc++'s operator new included, resolve to the
// definitions in memory.cc), and each replacement calls glibc's own
// implementation (__libc_malloc ...) and updates the counter.
//
// What a block counts: malloc_usable_size plus glibc's 8-byte chunk header,
// that is the chunk size, which is what the block really takes from the
// heap (48 bytes for a 40-byte entry). Pages malloc keeps free for reuse,
// the code, the stacks and the kernel's socket buffers are not counted: they
// are what separates used_memory from used_memory_rss.
//
// The counter is a relaxed atomic, as Redis's is: a thread other than the
// command thread (the AOF's fsync) may allocate or free too, and an
// uncontended atomic add costs a few nanoseconds beside a malloc's dozens.
//
// Under AddressSanitizer the sanitizer replaces malloc itself; its own
// counter (__sanitizer_get_current_allocated_bytes) is read instead.
#pragma once

#include <cstdint>

namespace ember::server {

// Bytes currently allocated by the process (see above).
uint64_t UsedMemory();

// True when UsedMemory() is the replacement-malloc counter (not the
// sanitizer's, nor glibc's slow mallinfo2 walk).
bool MemoryCounterIsExact();

}  // namespace ember::server
