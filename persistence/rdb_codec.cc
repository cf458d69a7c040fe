#include "persistence/rdb_codec.h"

#include <cmath>
#include <cstring>
#include <vector>

#include "persistence/crc64.h"
#include "persistence/lzf.h"
#include "persistence/rdb_format.h"
#include "storage/numbers.h"

namespace ember::persistence {

void RdbEncoder::Raw(const void* data, size_t len) {
  if (!ok_ || len == 0) return;
  crc_ = Crc64(crc_, data, len);
  ok_ = sink_->Write(data, len);
}

void RdbEncoder::Length(uint64_t len) {
  uint8_t buf[9];
  if (len < (1 << 6)) {
    buf[0] = static_cast<uint8_t>(len);
    Raw(buf, 1);
  } else if (len < (1 << 14)) {
    buf[0] = static_cast<uint8_t>((len >> 8) | (rdb::kLen14Bit << 6));
    buf[1] = static_cast<uint8_t>(len & 0xff);
    Raw(buf, 2);
  } else if (len <= UINT32_MAX) {
    buf[0] = rdb::kLen32Bit;
    for (int i = 0; i < 4; ++i) buf[1 + i] = static_cast<uint8_t>(len >> (24 - 8 * i));
    Raw(buf, 5);
  } else {
    buf[0] = rdb::kLen64Bit;
    for (int i = 0; i < 8; ++i) buf[1 + i] = static_cast<uint8_t>(len >> (56 - 8 * i));
    Raw(buf, 9);
  }
}

void RdbEncoder::Integer(int64_t v) {
  uint8_t buf[5];
  size_t n;
  if (v >= INT8_MIN && v <= INT8_MAX) {
    buf[0] = (rdb::kLenEncoded << 6) | rdb::kEncInt8;
    buf[1] = static_cast<uint8_t>(v);
    n = 2;
  } else if (v >= INT16_MIN && v <= INT16_MAX) {
    buf[0] = (rdb::kLenEncoded << 6) | rdb::kEncInt16;
    buf[1] = static_cast<uint8_t>(v);
    buf[2] = static_cast<uint8_t>(v >> 8);
    n = 3;
  } else if (v >= INT32_MIN && v <= INT32_MAX) {
    buf[0] = (rdb::kLenEncoded << 6) | rdb::kEncInt32;
    for (int i = 0; i < 4; ++i) buf[1 + i] = static_cast<uint8_t>(v >> (8 * i));
    n = 5;
  } else {
    // Too big for an integer encoding: written as text.
    char text[21];
    size_t len = storage::Int64ToChars(v, text);
    Length(len);
    Raw(text, len);
    return;
  }
  Raw(buf, n);
}

void RdbEncoder::String(std::string_view s) {
  // Short canonical integers take at most 5 bytes as integers.
  if (s.size() <= 11) {
    int64_t v;
    if (storage::StringToInt64(s, &v) && v >= INT32_MIN && v <= INT32_MAX) {
      Integer(v);
      return;
    }
  }
  if (compress_ && s.size() > 20) {
    // Worth it only if it saves at least 4 bytes.
    std::vector<uint8_t> out(s.size() - 4);
    size_t n = LzfCompress(s.data(), s.size(), out.data(), out.size());
    if (n > 0) {
      Byte((rdb::kLenEncoded << 6) | rdb::kEncLzf);
      Length(n);
      Length(s.size());
      Raw(out.data(), n);
      return;
    }
  }
  Length(s.size());
  Raw(s.data(), s.size());
}

void RdbEncoder::BinaryDouble(double d) {
  uint8_t buf[8];
  std::memcpy(buf, &d, 8);  // little-endian hosts only, as Redis on x86
  Raw(buf, 8);
}

void RdbEncoder::Millis(int64_t ms) {
  uint8_t buf[8];
  for (int i = 0; i < 8; ++i) buf[i] = static_cast<uint8_t>(static_cast<uint64_t>(ms) >> (8 * i));
  Raw(buf, 8);
}

void RdbEncoder::Checksum() {
  uint64_t crc = crc_;
  uint8_t buf[8];
  for (int i = 0; i < 8; ++i) buf[i] = static_cast<uint8_t>(crc >> (8 * i));
  if (ok_) ok_ = sink_->Write(buf, 8);
}

bool RdbDecoder::Fail(const std::string& what) {
  if (error_.empty()) error_ = what + " at offset " + std::to_string(pos_);
  return false;
}

bool RdbDecoder::Byte(uint8_t* b) {
  if (pos_ >= size_) return Fail("unexpected end of file");
  *b = data_[pos_++];
  return true;
}

bool RdbDecoder::Bytes(size_t n, const uint8_t** p) {
  if (n > size_ - pos_) return Fail("unexpected end of file");
  *p = data_ + pos_;
  pos_ += n;
  return true;
}

bool RdbDecoder::Length(uint64_t* len, bool* special) {
  if (special != nullptr) *special = false;
  uint8_t b;
  if (!Byte(&b)) return false;
  uint8_t kind = b >> 6;
  if (kind == rdb::kLen6Bit) {
    *len = b & 0x3f;
  } else if (kind == rdb::kLen14Bit) {
    uint8_t b2;
    if (!Byte(&b2)) return false;
    *len = (static_cast<uint64_t>(b & 0x3f) << 8) | b2;
  } else if (b == rdb::kLen32Bit || b == rdb::kLen64Bit) {
    size_t n = b == rdb::kLen32Bit ? 4 : 8;
    const uint8_t* p;
    if (!Bytes(n, &p)) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | p[i];
    *len = v;
  } else if (kind == rdb::kLenEncoded) {
    if (special == nullptr) return Fail("unexpected string encoding where a length was due");
    *special = true;
    *len = b & 0x3f;
  } else {
    return Fail("invalid length encoding");
  }
  return true;
}

bool RdbDecoder::String(std::string* out) {
  bool special;
  uint64_t len;
  if (!Length(&len, &special)) return false;
  if (!special) {
    const uint8_t* p;
    if (!Bytes(len, &p)) return false;
    out->assign(reinterpret_cast<const char*>(p), len);
    return true;
  }
  const uint8_t* p;
  switch (len) {
    case rdb::kEncInt8:
      if (!Bytes(1, &p)) return false;
      *out = storage::Int64ToString(static_cast<int8_t>(p[0]));
      return true;
    case rdb::kEncInt16:
      if (!Bytes(2, &p)) return false;
      *out = storage::Int64ToString(static_cast<int16_t>(p[0] | p[1] << 8));
      return true;
    case rdb::kEncInt32: {
      if (!Bytes(4, &p)) return false;
      uint32_t v = static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
                   static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
      *out = storage::Int64ToString(static_cast<int32_t>(v));
      return true;
    }
    case rdb::kEncLzf: {
      uint64_t clen, ulen;
      if (!Length(&clen) || !Length(&ulen)) return false;
      if (!Bytes(clen, &p)) return false;
      // A corrupt length must not make us allocate without bound: the
      // decompressed size is at most what LZF can expand to.
      if (ulen > clen * 264 + 32) return Fail("invalid LZF lengths");
      out->resize(ulen);
      if (!LzfDecompress(p, clen, out->data(), ulen)) return Fail("invalid LZF data");
      return true;
    }
    default:
      return Fail("unknown string encoding");
  }
}

bool RdbDecoder::BinaryDouble(double* d) {
  const uint8_t* p;
  if (!Bytes(8, &p)) return false;
  std::memcpy(d, p, 8);
  return true;
}

bool RdbDecoder::TextDouble(double* d) {
  uint8_t len;
  if (!Byte(&len)) return false;
  switch (len) {
    case 253:
      *d = NAN;
      return true;
    case 254:
      *d = INFINITY;
      return true;
    case 255:
      *d = -INFINITY;
      return true;
    default:
      break;
  }
  const uint8_t* p;
  if (!Bytes(len, &p)) return false;
  std::string text(reinterpret_cast<const char*>(p), len);
  char* end = nullptr;
  *d = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return Fail("invalid double value");
  return true;
}

bool RdbDecoder::Millis(int64_t* ms) {
  const uint8_t* p;
  if (!Bytes(8, &p)) return false;
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  *ms = static_cast<int64_t>(v);
  return true;
}

bool RdbDecoder::Seconds(int64_t* ms) {
  const uint8_t* p;
  if (!Bytes(4, &p)) return false;
  uint32_t v = static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
               static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
  *ms = static_cast<int64_t>(v) * 1000;
  return true;
}

}  // namespace ember::persistence
