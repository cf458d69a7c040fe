#include "persistence/file_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ember::persistence {

namespace {

constexpr size_t kBufferSize = 64 * 1024;

}  // namespace

FileSink::~FileSink() {
  if (fd_ >= 0) close(fd_);
}

bool FileSink::Open(const std::string& path, bool append) {
  error_.clear();
  buffer_.clear();
  written_ = 0;
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC);
  fd_ = open(path.c_str(), flags, 0644);
  if (fd_ < 0) {
    error_ = std::strerror(errno);
    return false;
  }
  buffer_.reserve(kBufferSize);
  return true;
}

bool FileSink::WriteOut(const char* data, size_t len) {
  while (len > 0) {
    ssize_t n = ::write(fd_, data, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      error_ = std::strerror(errno);
      return false;
    }
    data += n;
    len -= static_cast<size_t>(n);
  }
  return true;
}

bool FileSink::Write(const void* data, size_t len) {
  if (fd_ < 0) {
    if (error_.empty()) error_ = "file not open";
    return false;
  }
  written_ += len;
  const char* p = static_cast<const char*>(data);
  if (buffer_.size() + len > kBufferSize) {
    if (!Flush()) return false;
    if (len >= kBufferSize) return WriteOut(p, len);
  }
  buffer_.insert(buffer_.end(), p, p + len);
  return true;
}

bool FileSink::Flush() {
  if (fd_ < 0) return false;
  if (buffer_.empty()) return true;
  bool ok = WriteOut(buffer_.data(), buffer_.size());
  buffer_.clear();
  return ok;
}

bool FileSink::Sync() {
  if (!Flush()) return false;
  if (fsync(fd_) != 0) {
    error_ = std::strerror(errno);
    return false;
  }
  return true;
}

bool FileSink::Close() {
  if (fd_ < 0) return error_.empty();
  bool ok = Flush();
  if (close(fd_) != 0 && ok) {
    error_ = std::strerror(errno);
    ok = false;
  }
  fd_ = -1;
  return ok;
}

}  // namespace ember::persistence
