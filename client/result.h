// Errors as values. Every call of the client library returns a Result<T> (or
// a Status), marked [[nodiscard]], so ignoring a failure is a compiler
// warning, and an -ERR reply cannot be mistaken for data.
//
// Two families of failure are kept apart on purpose, because a caller reacts
// to them differently:
//   - the server answered with an error reply (kServer): the connection is
//     fine, the command was wrong or refused ("WRONGTYPE ...", "NOAUTH ...");
//   - the conversation itself failed (kIo, kTimeout, kProtocol, kClosed): the
//     command may or may not have run, and the connection was dropped.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace ember::client {

enum class ErrorKind {
  kServer,    // an error reply; message() is its text, e.g. "WRONGTYPE Operation ..."
  kIo,        // connect/send/recv failed, or the peer closed the connection
  kTimeout,   // connect or read deadline passed; the connection was dropped
  kProtocol,  // the server sent bytes that are not RESP
  kAborted,   // an optimistic transaction gave up after its retries
  kPool,      // no pooled connection became free in time
  kUsage,     // the API was used in a way it does not allow (e.g. empty command)
};

std::string_view ErrorKindName(ErrorKind kind);

class Error {
 public:
  Error(ErrorKind kind, std::string message) : kind_(kind), message_(std::move(message)) {}

  ErrorKind kind() const { return kind_; }
  const std::string& message() const { return message_; }
  bool IsServer() const { return kind_ == ErrorKind::kServer; }
  // True when the connection failed, as opposed to the server saying no.
  bool IsConnection() const {
    return kind_ == ErrorKind::kIo || kind_ == ErrorKind::kTimeout || kind_ == ErrorKind::kProtocol;
  }
  // The first word of a server error ("WRONGTYPE", "ERR", "EXECABORT"); "" otherwise.
  std::string_view code() const;
  // "server: WRONGTYPE ..." / "io: connection refused".
  std::string ToString() const;

 private:
  ErrorKind kind_;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit on purpose
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // REQUIRES: ok().
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  // REQUIRES: !ok().
  const Error& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }

 private:
  std::variant<T, Error> v_;
};

// A Result with no value.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  // REQUIRES: !ok().
  const Error& error() const {
    assert(!ok_);
    return error_;
  }

 private:
  Error error_{ErrorKind::kUsage, ""};
  bool ok_ = true;
};

}  // namespace ember::client
