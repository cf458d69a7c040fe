// Pool: a fixed number of connections shared by threads.
//
// A Connection is not thread-safe; a Pool hands one to a thread at a time.
//   Pool pool(options, 8);
//   auto lease = pool.Acquire();            // Result<Pool::Lease>
//   if (!lease.ok()) return lease.error();  // kPool: none free in time
//   auto v = (*lease)->Command({"GET", "k"});
// The lease gives the connection back when it goes out of scope.
// Connections are opened lazily, on first use. A connection returned in the
// middle of WATCH or MULTI is closed rather than handed to the next thread
// with someone else's transaction state.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "client/connection.h"

namespace ember::client {

class Pool {
 public:
  // REQUIRES: size > 0. The pool must outlive its leases.
  Pool(Options options, size_t size);
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    ~Lease();
    Connection* operator->() const { return conn_.get(); }
    Connection& operator*() const { return *conn_; }

   private:
    friend class Pool;
    Lease(Pool* pool, std::unique_ptr<Connection> conn) : pool_(pool), conn_(std::move(conn)) {}
    void Release();
    Pool* pool_;
    std::unique_ptr<Connection> conn_;
  };

  // Waits up to `wait` for a free connection.
  Result<Lease> Acquire(Millis wait = Millis(2000));

  size_t size() const { return size_; }
  size_t idle() const;

 private:
  void Return(std::unique_ptr<Connection> conn);

  Options options_;
  size_t size_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  size_t created_ = 0;
};

}  // namespace ember::client
