// The RDB format's building blocks: length-encoded numbers, strings (raw,
// as small integers, or LZF-compressed), doubles, and the running CRC-64.
// RdbEncoder writes them to a sink; RdbDecoder reads them back from a
// buffer, checking every length against what is actually there, since the
// file may be truncated or corrupt.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ember::persistence {

// Where encoded bytes go: a file, or a string in tests and AOF rewrites.
class Sink {
 public:
  virtual ~Sink() = default;
  // False on failure (disk full...); `error()` says why.
  virtual bool Write(const void* data, size_t len) = 0;
  virtual const std::string& error() const = 0;
};

class StringSink final : public Sink {
 public:
  bool Write(const void* data, size_t len) override {
    out_.append(static_cast<const char*>(data), len);
    return true;
  }
  const std::string& error() const override { return error_; }
  std::string& str() { return out_; }

 private:
  std::string out_;
  std::string error_;
};

class RdbEncoder {
 public:
  // `compress`: LZF-compress strings longer than 20 bytes when it pays
  // (rdbcompression).
  RdbEncoder(Sink* sink, bool compress) : sink_(sink), compress_(compress) {}

  bool ok() const { return ok_; }
  uint64_t crc() const { return crc_; }

  void Raw(const void* data, size_t len);
  void Byte(uint8_t b) { Raw(&b, 1); }
  void Length(uint64_t len);
  // A string, as an integer encoding when it is a short canonical integer,
  // LZF-compressed when long and compressible, raw otherwise.
  void String(std::string_view s);
  void Integer(int64_t v);  // as a string
  // 8-byte little-endian IEEE double (ZSET2 scores).
  void BinaryDouble(double d);
  void Millis(int64_t ms);  // 8 bytes little-endian
  // The CRC-64 of everything written so far (the file trailer).
  void Checksum();

 private:
  Sink* sink_;
  bool compress_;
  bool ok_ = true;
  uint64_t crc_ = 0;
};

class RdbDecoder {
 public:
  RdbDecoder(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  size_t offset() const { return pos_; }
  size_t remaining() const { return size_ - pos_; }
  const std::string& error() const { return error_; }
  bool failed() const { return !error_.empty(); }

  bool Byte(uint8_t* b);
  bool Bytes(size_t n, const uint8_t** p);
  // A length; *special is set (and the value is the encoding) when the
  // byte says a special string encoding follows.
  bool Length(uint64_t* len, bool* special = nullptr);
  bool String(std::string* out);
  bool BinaryDouble(double* d);
  // An old-style text double (ZSET type 3): length byte, then text;
  // 253/254/255 mean NaN, +inf, -inf.
  bool TextDouble(double* d);
  bool Millis(int64_t* ms);
  bool Seconds(int64_t* ms);  // 4-byte seconds, returned as ms
  // Sets the error (with the current offset) and returns false.
  bool Fail(const std::string& what);

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  std::string error_;
};

}  // namespace ember::persistence
