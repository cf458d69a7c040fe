// Allocation that cannot fail quietly. Like Redis's zmalloc, running out of
// memory is fatal: the process logs the size it wanted and aborts, rather
// than limping on with a half-applied write. (maxmemory, not malloc failure,
// is how a server is meant to bound its memory.)
#pragma once

#include <cstddef>

namespace ember::storage {

void* CheckedMalloc(size_t size);
void* CheckedRealloc(void* ptr, size_t size);
void* CheckedCalloc(size_t count, size_t size);

}  // namespace ember::storage
