#include "storage/object.h"

#include <cstdlib>

#include "storage/hash_object.h"
#include "storage/listpack.h"
#include "storage/quicklist.h"
#include "storage/set_object.h"
#include "storage/zset.h"

namespace ember::storage {

namespace {

// Redis stores strings up to 44 bytes in the same allocation as their object
// header ("embstr"); longer ones separately ("raw"). Ember keeps every string
// set by SET inside its entry, but answers OBJECT ENCODING with Redis's names
// so that tools and tests that look at encodings see what Redis would say.
constexpr size_t kEmbstrMaxLen = 44;

}  // namespace

void FreeObject(ObjType type, Encoding encoding, void* object) {
  switch (type) {
    case ObjType::kString:
      std::free(object);
      return;
    case ObjType::kList:
      delete static_cast<Quicklist*>(object);
      return;
    case ObjType::kHash:
      HashObject(encoding, object).Free();
      return;
    case ObjType::kSet:
      SetObject(encoding, object).Free();
      return;
    case ObjType::kZSet:
      if (encoding == Encoding::kListpack) {
        listpack::Free(static_cast<uint8_t*>(object));
      } else {
        delete static_cast<ZSkiplist*>(object);
      }
      return;
    default:
      std::abort();  // each collection type adds its case
  }
}

void* CopyObject(ObjType type, Encoding encoding, const void* object) {
  switch (type) {
    case ObjType::kString: {
      const auto* s = static_cast<const RawString*>(object);
      return RawString::Create(s->view(), s->len);
    }
    case ObjType::kList:
      return static_cast<const Quicklist*>(object)->Copy();
    case ObjType::kHash: {
      const auto* bytes = static_cast<const uint8_t*>(object);
      if (encoding == Encoding::kListpack) return listpack::Copy(bytes);
      return static_cast<const FieldMap*>(object)->Copy();
    }
    case ObjType::kSet: {
      const auto* bytes = static_cast<const uint8_t*>(object);
      if (encoding == Encoding::kIntset) return intset::Copy(bytes);
      if (encoding == Encoding::kListpack) return listpack::Copy(bytes);
      return static_cast<const MemberSet*>(object)->Copy();
    }
    case ObjType::kZSet:
      if (encoding == Encoding::kListpack) return listpack::Copy(static_cast<const uint8_t*>(object));
      return static_cast<const ZSkiplist*>(object)->Copy();
    default:
      std::abort();  // each collection type adds its case
  }
}

std::string_view TypeName(ObjType type) {
  switch (type) {
    case ObjType::kString: return "string";
    case ObjType::kList: return "list";
    case ObjType::kSet: return "set";
    case ObjType::kZSet: return "zset";
    case ObjType::kHash: return "hash";
  }
  return "none";
}

std::string_view EncodingName(const Entry* e) {
  switch (e->type()) {
    case ObjType::kString:
      if (e->kind() == ValueKind::kInt) return "int";
      if (e->kind() == ValueKind::kInline && e->inline_value().size() <= kEmbstrMaxLen) {
        return "embstr";
      }
      return "raw";
    default:
      break;
  }
  switch (e->encoding()) {
    case Encoding::kListpack: return "listpack";
    case Encoding::kIntset: return "intset";
    case Encoding::kHashtable: return "hashtable";
    case Encoding::kSkiplist:
      return e->type() == ObjType::kList ? "quicklist" : "skiplist";
  }
  return "unknown";
}

}  // namespace ember::storage
