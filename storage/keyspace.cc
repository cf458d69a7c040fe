#include "storage/keyspace.h"

namespace ember::storage {

Keyspace::Keyspace(const Clock* clock, int num_databases)
    : clock_(clock), rng_(std::random_device{}()) {
  dbs_.reserve(num_databases);
  for (int i = 0; i < num_databases; ++i) dbs_.push_back(std::make_unique<Database>(this, i));
  RefreshTime();
}

size_t Keyspace::TotalKeys() const {
  size_t n = 0;
  for (const auto& db : dbs_) n += db->size();
  return n;
}

void Keyspace::FlushAll() {
  for (auto& db : dbs_) db->Clear();
}

void Keyspace::TouchLfu(Entry* e) {
  // 53 random bits make a double uniform in [0, 1).
  double r = static_cast<double>(rng_() >> 11) * 0x1.0p-53;
  e->set_lru(LfuTouch(e->lru(), now_ms_, lfu_log_factor_, lfu_decay_time_, r));
}

void Keyspace::SwapDatabases(int a, int b) {
  if (a != b) dbs_[a]->SwapContents(*dbs_[b]);
}

}  // namespace ember::storage
