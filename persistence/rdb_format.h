// The RDB file format's constants: every opcode and type, one line each.
// docs/rdb_format.md walks through a real file byte by byte.
//
// An RDB file is:
//
//   "REDIS" + 4-digit version       magic ("REDIS0010" for Redis 7.0)
//   AUX name value ...              metadata (redis-ver, ctime, ...)
//   SELECTDB n, RESIZEDB s e        per database: its number and sizes
//   [EXPIRETIME_MS t] type key value  per key (with an optional deadline)
//   EOF
//   8-byte CRC-64 of all of the above (little-endian; 0 = not computed)
//
// Numbers are "length-encoded" (see kLen* below); strings are a length and
// bytes, or a small integer, or an LZF-compressed run.
#pragma once

#include <cstdint>

namespace ember::persistence::rdb {

// Ember writes version 10, the one Redis 7.0 writes and reads. It reads
// every version up to 11 (Redis 7.2).
inline constexpr int kVersionWritten = 10;
inline constexpr int kMaxVersionRead = 11;

// Value types (the byte before a key).
inline constexpr uint8_t kTypeString = 0;
inline constexpr uint8_t kTypeList = 1;               // a plain list of strings (old)
inline constexpr uint8_t kTypeSet = 2;                // a plain list of members
inline constexpr uint8_t kTypeZSet = 3;               // members and scores as text (old)
inline constexpr uint8_t kTypeHash = 4;               // field, value, field, value...
inline constexpr uint8_t kTypeZSet2 = 5;              // members and binary double scores
inline constexpr uint8_t kTypeModule = 6;             // not supported
inline constexpr uint8_t kTypeModule2 = 7;            // not supported
inline constexpr uint8_t kTypeHashZipmap = 9;         // Redis 2.x compact hash
inline constexpr uint8_t kTypeListZiplist = 10;       // Redis 2.x-3.0 compact list
inline constexpr uint8_t kTypeSetIntset = 11;         // an intset blob
inline constexpr uint8_t kTypeZSetZiplist = 12;       // Redis < 7 compact sorted set
inline constexpr uint8_t kTypeHashZiplist = 13;       // Redis < 7 compact hash
inline constexpr uint8_t kTypeListQuicklist = 14;     // Redis 3.2-6.2: nodes are ziplists
inline constexpr uint8_t kTypeStreamListpacks = 15;   // not supported
inline constexpr uint8_t kTypeHashListpack = 16;      // Redis 7: a listpack blob
inline constexpr uint8_t kTypeZSetListpack = 17;      // Redis 7: a listpack blob
inline constexpr uint8_t kTypeListQuicklist2 = 18;    // Redis 7: nodes are listpacks
inline constexpr uint8_t kTypeStreamListpacks2 = 19;  // not supported
inline constexpr uint8_t kTypeSetListpack = 20;       // Redis 7.2: a listpack blob
inline constexpr uint8_t kTypeStreamListpacks3 = 21;  // not supported

// Opcodes (bytes that are not a value type).
inline constexpr uint8_t kOpFunction2 = 245;     // a function library (skipped)
inline constexpr uint8_t kOpFunction = 246;      // old function format (skipped)
inline constexpr uint8_t kOpModuleAux = 247;     // module data (not supported)
inline constexpr uint8_t kOpIdle = 248;          // LRU idle time of the next key
inline constexpr uint8_t kOpFreq = 249;          // LFU frequency of the next key
inline constexpr uint8_t kOpAux = 250;           // name, value metadata pair
inline constexpr uint8_t kOpResizeDb = 251;      // sizes of the next database
inline constexpr uint8_t kOpExpireTimeMs = 252;  // deadline of the next key, ms, 8 bytes LE
inline constexpr uint8_t kOpExpireTime = 253;    // deadline, seconds, 4 bytes LE (old)
inline constexpr uint8_t kOpSelectDb = 254;      // database number follows
inline constexpr uint8_t kOpEof = 255;           // end of the data; the checksum follows

// Length encoding: the two top bits of the first byte.
inline constexpr uint8_t kLen6Bit = 0;      // 00xxxxxx
inline constexpr uint8_t kLen14Bit = 1;     // 01xxxxxx xxxxxxxx (big-endian)
inline constexpr uint8_t kLen32Bit = 0x80;  // 10000000 + 4 bytes big-endian
inline constexpr uint8_t kLen64Bit = 0x81;  // 10000001 + 8 bytes big-endian
inline constexpr uint8_t kLenEncoded = 3;   // 11xxxxxx: a special string encoding follows

// Special string encodings (the low 6 bits after 11).
inline constexpr uint8_t kEncInt8 = 0;   // 1-byte signed integer
inline constexpr uint8_t kEncInt16 = 1;  // 2 bytes, little-endian
inline constexpr uint8_t kEncInt32 = 2;  // 4 bytes, little-endian
inline constexpr uint8_t kEncLzf = 3;    // compressed length, raw length, LZF data

// Quicklist 2 node containers.
inline constexpr uint64_t kQuicklistNodePlain = 1;   // one element, stored raw
inline constexpr uint64_t kQuicklistNodePacked = 2;  // a listpack

}  // namespace ember::persistence::rdb
