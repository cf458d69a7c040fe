// Entry: one key of the keyspace and its value, in a single allocation.
//
// What a key costs. In Redis a small string key is a 24-byte dictEntry, an
// 8-byte bucket slot, an sds key (header + bytes + NUL) and a 16-byte robj
// header with the value embedded: about 113 bytes of RSS for "key:<i>" with a
// 16-byte value, plus a second dictEntry in the `expires` table when the key
// has a TTL. Ember packs all of that into one block:
//
//   offset  size  field
//   0       8     next          the bucket chain (see dict.h)
//   8       4     meta          24-bit LRU clock | type:3 | has_expire:1 | kind:2 |
//                               encoding:2
//   12      12    expiry        [only if has_expire] expire-at ms (8) and the
//                               key's slot in the database's volatile list (4)
//   ..      1+    key length    varint (one byte below 128)
//   ..      n     key bytes
//   ..      ..    value         by kind:
//                   kInline:    varint length + bytes (strings set by SET)
//                   kInt:       8-byte int64 (strings that are integers)
//                   kExternal:  8-byte pointer (grown strings, collections)
//
// "key:123456" with a 16-byte value is 8+4+1+10+1+16 = 40 bytes, one 48-byte
// malloc chunk, plus ~8-16 bytes of bucket array: about 60 bytes per key
// against Redis's 113. A TTL adds 12 bytes in place of Redis's 24-byte
// dictEntry in a second table (plus the volatile list's 8-byte slot).
//
// Entries are immutable in size: a change that needs more room builds a new
// entry and the database swaps it in (Database::ReplaceEntry).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace ember::storage {

// Redis's type codes (OBJ_STRING ...), which the RDB format also uses.
enum class ObjType : uint8_t { kString = 0, kList = 1, kSet = 2, kZSet = 3, kHash = 4 };

// How the value bytes are held.
enum class ValueKind : uint8_t { kInline = 0, kInt = 1, kExternal = 2 };

// How an external collection value is represented. Small collections use
// Redis's compact encodings (listpack, intset); large ones a hash table or
// a skiplist. Lists are always a quicklist (a list of listpacks), as in
// Redis 7.0.
enum class Encoding : uint8_t {
  kListpack = 0,
  kIntset = 1,
  kHashtable = 2,
  kSkiplist = 3,   // sorted sets
  kQuicklist = 3,  // lists (the type tells them apart)
};

// A string that outgrew its entry (APPEND, SETRANGE): length and capacity in
// front of the bytes, like an sds, so appends are amortised O(1).
struct RawString {
  uint32_t len;
  uint32_t cap;
  char data[];

  static RawString* Create(std::string_view init, size_t capacity);
  // Returns a string with room for `extra` more bytes (maybe a new one; the
  // old pointer is then invalid).
  static RawString* Reserve(RawString* s, size_t extra);
  std::string_view view() const { return {data, len}; }
};

class Entry {
 public:
  static constexpr uint32_t kLruBits = 24;
  static constexpr uint32_t kLruMax = (1u << kLruBits) - 1;

  // How the entry's value is given when creating one.
  struct ValueSpec {
    ValueKind kind;
    std::string_view bytes;  // kInline
    int64_t integer = 0;     // kInt
    void* pointer = nullptr;  // kExternal
    ObjType type = ObjType::kString;
    Encoding encoding = Encoding::kListpack;  // kExternal collections
  };

  static Entry* Create(std::string_view key, const ValueSpec& value, bool has_expire);
  // A copy of `e` with a new value (same key, same expiry presence), or with
  // has_expire changed.
  static Entry* CloneWith(const Entry* e, const ValueSpec& value, bool has_expire);
  // Frees the entry and whatever its value owns.
  static void Destroy(Entry* e);
  // Frees the entry only; the external value now belongs to the caller.
  static void DestroyShell(Entry* e);

  // The value as a spec that refers to (does not copy) this entry's storage.
  ValueSpec Spec() const;

  // Writes a new value over the old one in the same allocation if it fits
  // (a SET of a value no longer than the old one, an INCR). The old external
  // value, if any, is not freed. Returns false, changing nothing, if it does
  // not fit.
  bool TryRewriteValue(const ValueSpec& value);

  // Bytes `Create` would allocate for this shape.
  static size_t AllocSize(size_t key_len, const ValueSpec& value, bool has_expire);

  Entry* next() const { return next_; }
  void set_next(Entry* n) { next_ = n; }
  Entry** next_link() { return &next_; }

  std::string_view key() const {
    const unsigned char* p = KeyStart();
    uint32_t len = ReadVarint(&p);
    return {reinterpret_cast<const char*>(p), len};
  }

  ObjType type() const { return static_cast<ObjType>((meta() >> 24) & 7); }
  ValueKind kind() const { return static_cast<ValueKind>((meta() >> 28) & 3); }
  bool has_expire() const { return (meta() >> 27) & 1; }
  Encoding encoding() const { return static_cast<Encoding>((meta() >> 30) & 3); }
  // A collection that converted to another representation keeps its entry.
  void set_external(void* p, Encoding enc) {
    set_external(p);
    set_meta((meta() & ~(3u << 30)) | (static_cast<uint32_t>(enc) << 30));
  }

  uint32_t lru() const { return meta() & kLruMax; }
  void set_lru(uint32_t lru) { set_meta((meta() & ~kLruMax) | (lru & kLruMax)); }

  int64_t expire_at() const {
    int64_t v;
    std::memcpy(&v, Bytes() + kHeaderSize, 8);
    return v;
  }
  void set_expire_at(int64_t ms) { std::memcpy(Bytes() + kHeaderSize, &ms, 8); }
  uint32_t volatile_index() const {
    uint32_t v;
    std::memcpy(&v, Bytes() + kHeaderSize + 8, 4);
    return v;
  }
  void set_volatile_index(uint32_t i) { std::memcpy(Bytes() + kHeaderSize + 8, &i, 4); }

  // kInline: the bytes.
  std::string_view inline_value() const {
    const unsigned char* p = ValueStart();
    uint32_t len = ReadVarint(&p);
    return {reinterpret_cast<const char*>(p), len};
  }
  // kInt.
  int64_t int_value() const {
    int64_t v;
    std::memcpy(&v, ValueStart(), 8);
    return v;
  }
  void set_int_value(int64_t v) { std::memcpy(ValueStart(), &v, 8); }
  // kExternal.
  void* external() const {
    void* p;
    std::memcpy(&p, ValueStart(), sizeof(p));
    return p;
  }
  void set_external(void* p) { std::memcpy(ValueStart(), &p, sizeof(p)); }

  // Rewrites an inline value of the same length in place (SET of an equally
  // long value, SETRANGE within bounds on an inline string).
  char* mutable_inline_data() {
    unsigned char* p = ValueStart();
    ReadVarint(const_cast<const unsigned char**>(&p));
    return reinterpret_cast<char*>(p);
  }

  // Allocated bytes, for MEMORY USAGE and the memory tests.
  size_t AllocatedSize() const;

  static void WriteVarint(unsigned char** p, uint32_t v) {
    while (v >= 0x80) {
      *(*p)++ = static_cast<unsigned char>(v | 0x80);
      v >>= 7;
    }
    *(*p)++ = static_cast<unsigned char>(v);
  }
  static uint32_t ReadVarint(const unsigned char** p) {
    uint32_t v = 0;
    int shift = 0;
    for (;;) {
      unsigned char b = *(*p)++;
      v |= static_cast<uint32_t>(b & 0x7f) << shift;
      if (b < 0x80) return v;
      shift += 7;
    }
  }
  static size_t VarintSize(uint32_t v) {
    size_t n = 1;
    while (v >= 0x80) {
      v >>= 7;
      ++n;
    }
    return n;
  }

 private:
  static constexpr size_t kHeaderSize = 12;
  static constexpr size_t kExpirySize = 12;

  Entry() = default;
  unsigned char* Bytes() { return reinterpret_cast<unsigned char*>(this); }
  const unsigned char* Bytes() const { return reinterpret_cast<const unsigned char*>(this); }
  const unsigned char* KeyStart() const {
    return Bytes() + kHeaderSize + (has_expire() ? kExpirySize : 0);
  }
  unsigned char* ValueStart() {
    return const_cast<unsigned char*>(static_cast<const Entry*>(this)->ValueStart());
  }
  const unsigned char* ValueStart() const {
    const unsigned char* p = KeyStart();
    uint32_t len = ReadVarint(&p);
    return p + len;
  }

  friend class EntryBuilder;
  uint32_t meta() const {
    uint32_t m;
    std::memcpy(&m, Bytes() + 8, 4);
    return m;
  }
  void set_meta(uint32_t m) { std::memcpy(Bytes() + 8, &m, 4); }

  // The only declared member; meta and everything after it are laid out by
  // hand (see the table above) so the header is 12 bytes, not a padded 16.
  Entry* next_;
};

static_assert(sizeof(Entry) == 8);

}  // namespace ember::storage
