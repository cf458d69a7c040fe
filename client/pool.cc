#include "client/pool.h"

#include <utility>

namespace ember::client {

Pool::Pool(Options options, size_t size) : options_(std::move(options)), size_(size) {}

Result<Pool::Lease> Pool::Acquire(Millis wait) {
  std::unique_lock lock(mu_);
  bool ready = cv_.wait_for(lock, wait, [&] { return !idle_.empty() || created_ < size_; });
  if (!ready) {
    return Error(ErrorKind::kPool, "no connection free after " + std::to_string(wait.count()) +
                                       " ms (pool of " + std::to_string(size_) + ")");
  }
  if (!idle_.empty()) {
    std::unique_ptr<Connection> c = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(c));
  }
  ++created_;
  return Lease(this, std::make_unique<Connection>(options_));
}

size_t Pool::idle() const {
  std::lock_guard lock(mu_);
  return idle_.size();
}

void Pool::Return(std::unique_ptr<Connection> conn) {
  if (conn->in_transaction()) conn->Close();
  {
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(conn));
  }
  cv_.notify_one();
}

Pool::Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)), conn_(std::move(other.conn_)) {}

Pool::Lease& Pool::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    Release();
    pool_ = std::exchange(other.pool_, nullptr);
    conn_ = std::move(other.conn_);
  }
  return *this;
}

Pool::Lease::~Lease() { Release(); }

void Pool::Lease::Release() {
  if (pool_ != nullptr && conn_ != nullptr) pool_->Return(std::move(conn_));
  pool_ = nullptr;
}

}  // namespace ember::client
