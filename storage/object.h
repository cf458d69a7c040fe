// Values that live outside their entry (ValueKind::kExternal): strings that
// grew with APPEND/SETRANGE, and the collection types. These helpers switch
// on the type code, so code that moves values around (DEL, COPY, FLUSHDB)
// does not need to know every representation.
#pragma once

#include <string_view>

#include "storage/entry.h"

namespace ember::storage {

// Frees an external value of `type`.
void FreeObject(ObjType type, void* object);
// A deep copy of an external value (COPY).
void* CopyObject(ObjType type, const void* object);

// Redis's name for a type, as TYPE answers: "string", "list", ...
std::string_view TypeName(ObjType type);
// Redis's name for the encoding of an entry's value, as OBJECT ENCODING
// answers: "int", "embstr", "raw", "listpack", ...
std::string_view EncodingName(const Entry* e);

}  // namespace ember::storage
