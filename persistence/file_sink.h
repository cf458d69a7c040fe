// A Sink that writes a file through a buffer, reporting write errors (a full
// disk, a lost permission) instead of ignoring them.
#pragma once

#include <string>
#include <vector>

#include "persistence/rdb_codec.h"

namespace ember::persistence {

class FileSink final : public Sink {
 public:
  FileSink() = default;
  ~FileSink() override;
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;

  // Creates (or truncates, or with `append` extends) the file.
  bool Open(const std::string& path, bool append = false);
  bool Write(const void* data, size_t len) override;
  // Writes the buffer out.
  bool Flush();
  // Flush, then fsync: the data is on the disk when this returns true.
  bool Sync();
  // Flush and close; false if either failed.
  bool Close();
  const std::string& error() const override { return error_; }
  int fd() const { return fd_; }
  // Bytes written through this sink (buffered included).
  uint64_t written() const { return written_; }

 private:
  bool WriteOut(const char* data, size_t len);

  int fd_ = -1;
  std::vector<char> buffer_;
  std::string error_;
  uint64_t written_ = 0;
};

}  // namespace ember::persistence
