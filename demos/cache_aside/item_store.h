// ItemStore: the system of record for the cache demos, a SQLite table
//   items(id INTEGER PRIMARY KEY, name TEXT NOT NULL, price_cents INTEGER NOT NULL,
//         updated_at_ms INTEGER NOT NULL)
// It counts every query it runs, which is how the tests see what the cache
// saved the database (and that a stampede reached it once).
//
// A real database is usually across a network, a millisecond or more away;
// a local SQLite file answers in microseconds, faster than any cache round
// trip. `latency` adds that network delay to every query (outside the lock,
// as concurrent queries to a remote database overlap) so the demo measures
// the situation a cache exists for. It is zero unless asked for.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

struct sqlite3;
struct sqlite3_stmt;

namespace ember::demos {

struct Item {
  int64_t id = 0;
  std::string name;
  int64_t price_cents = 0;
  int64_t updated_at_ms = 0;

  friend bool operator==(const Item&, const Item&) = default;
};

nlohmann::json ItemToJson(const Item& item);
// Fills *item from JSON written by ItemToJson; false if a field is missing
// or of the wrong type.
bool ItemFromJson(const nlohmann::json& j, Item* item);

class ItemStore {
 public:
  // Opens (creating if needed) the database at `path` (":memory:" works).
  // Returns nullptr and sets *error on failure.
  static std::unique_ptr<ItemStore> Open(const std::string& path, std::chrono::microseconds latency,
                                         std::string* error);
  ~ItemStore();

  // Reads one item. Returns "" and sets *found, or the SQLite error.
  std::string Get(int64_t id, std::optional<Item>* found);
  // Inserts or replaces; stamps updated_at_ms. Returns "" or the error.
  std::string Put(Item* item);
  // Inserts items 1..n that do not exist yet, in one transaction.
  std::string Seed(int64_t n);

  uint64_t reads() const { return reads_.load(); }
  uint64_t writes() const { return writes_.load(); }
  void set_latency(std::chrono::microseconds l) { latency_ = l; }

 private:
  ItemStore() = default;
  void Delay() const;

  std::mutex mu_;  // one connection, one statement at a time
  sqlite3* db_ = nullptr;
  sqlite3_stmt* get_ = nullptr;
  sqlite3_stmt* put_ = nullptr;
  std::chrono::microseconds latency_{0};
  std::atomic<uint64_t> reads_{0};
  std::atomic<uint64_t> writes_{0};
};

}  // namespace ember::demos
