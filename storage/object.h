// Values that live outside their entry (ValueKind::kExternal): strings that
// grew with APPEND/SETRANGE, and the collection types in each of their
// encodings. These helpers switch on type and encoding, so code that moves
// values around (DEL, COPY, FLUSHDB, RDB) does not need to know every
// representation.
#pragma once

#include <cstddef>
#include <string_view>

#include "storage/entry.h"

namespace ember::storage {

// Frees an external value.
void FreeObject(ObjType type, Encoding encoding, void* object);
// A deep copy of an external value (COPY).
void* CopyObject(ObjType type, Encoding encoding, const void* object);

// Redis's name for a type, as TYPE answers: "string", "list", ...
std::string_view TypeName(ObjType type);
// Redis's name for the encoding of an entry's value, as OBJECT ENCODING
// answers: "int", "embstr", "raw", "listpack", "quicklist", "intset",
// "hashtable", "skiplist".
std::string_view EncodingName(const Entry* e);

}  // namespace ember::storage
