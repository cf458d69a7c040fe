// LZF, the compression Redis uses for strings in RDB files.
//
// An LZF stream is a sequence of runs, each starting with a control byte:
//   000LLLLL            a literal run: the next L+1 bytes are copied as is;
//   LLLooooo oooooooo   a back reference of L+2 bytes (L < 7) starting
//                       (o + 1) bytes back in the output;
//   111ooooo LLLLLLLL oooooooo
//                       the same with a length byte: L+9 bytes.
// It is fast rather than small: Redis compresses strings longer than 20
// bytes when that saves at least 4 bytes.
#pragma once

#include <cstddef>

namespace ember::persistence {

// Compresses `in` into `out` (capacity `out_cap`). Returns the compressed
// size, or 0 if it does not fit in `out_cap` (the data does not compress
// well enough: store it raw).
size_t LzfCompress(const void* in, size_t in_len, void* out, size_t out_cap);

// Decompresses exactly `out_len` bytes. Returns false on malformed input
// (a reference before the start, a run past either end, a size mismatch).
bool LzfDecompress(const void* in, size_t in_len, void* out, size_t out_len);

}  // namespace ember::persistence
