#include "demos/cache_aside/item_store.h"

#include <sqlite3.h>

#include <thread>

namespace ember::demos {

nlohmann::json ItemToJson(const Item& item) {
  return {{"id", item.id},
          {"name", item.name},
          {"price_cents", item.price_cents},
          {"updated_at_ms", item.updated_at_ms}};
}

bool ItemFromJson(const nlohmann::json& j, Item* item) {
  if (!j.is_object()) return false;
  auto id = j.find("id");
  auto name = j.find("name");
  auto price = j.find("price_cents");
  auto updated = j.find("updated_at_ms");
  if (id == j.end() || !id->is_number_integer() || name == j.end() || !name->is_string() ||
      price == j.end() || !price->is_number_integer() || updated == j.end() ||
      !updated->is_number_integer()) {
    return false;
  }
  item->id = id->get<int64_t>();
  item->name = name->get<std::string>();
  item->price_cents = price->get<int64_t>();
  item->updated_at_ms = updated->get<int64_t>();
  return true;
}

namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::unique_ptr<ItemStore> ItemStore::Open(const std::string& path,
                                           std::chrono::microseconds latency, std::string* error) {
  std::unique_ptr<ItemStore> s(new ItemStore());
  s->latency_ = latency;
  int rc =
      sqlite3_open_v2(path.c_str(), &s->db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    *error = "open " + path + ": " + (s->db_ ? sqlite3_errmsg(s->db_) : sqlite3_errstr(rc));
    return nullptr;
  }
  sqlite3_busy_timeout(s->db_, 5000);
  const char* setup =
      // WAL: readers do not block the writer; NORMAL: fsync at checkpoints,
      // enough for a demo and much faster than FULL.
      "PRAGMA journal_mode=WAL;"
      "PRAGMA synchronous=NORMAL;"
      "CREATE TABLE IF NOT EXISTS items ("
      "  id INTEGER PRIMARY KEY,"
      "  name TEXT NOT NULL,"
      "  price_cents INTEGER NOT NULL,"
      "  updated_at_ms INTEGER NOT NULL);";
  char* msg = nullptr;
  if (sqlite3_exec(s->db_, setup, nullptr, nullptr, &msg) != SQLITE_OK) {
    *error = std::string("schema: ") + (msg ? msg : "?");
    sqlite3_free(msg);
    return nullptr;
  }
  if (sqlite3_prepare_v2(s->db_,
                         "SELECT id, name, price_cents, updated_at_ms FROM items WHERE id = ?", -1,
                         &s->get_, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(s->db_,
                         "INSERT INTO items (id, name, price_cents, updated_at_ms) "
                         "VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                         "name = excluded.name, price_cents = excluded.price_cents, "
                         "updated_at_ms = excluded.updated_at_ms",
                         -1, &s->put_, nullptr) != SQLITE_OK) {
    *error = std::string("prepare: ") + sqlite3_errmsg(s->db_);
    return nullptr;
  }
  return s;
}

ItemStore::~ItemStore() {
  sqlite3_finalize(get_);
  sqlite3_finalize(put_);
  sqlite3_close(db_);
}

void ItemStore::Delay() const {
  if (latency_.count() > 0) std::this_thread::sleep_for(latency_);
}

std::string ItemStore::Get(int64_t id, std::optional<Item>* found) {
  reads_.fetch_add(1);
  Delay();
  std::lock_guard lock(mu_);
  sqlite3_reset(get_);
  sqlite3_bind_int64(get_, 1, id);
  int rc = sqlite3_step(get_);
  if (rc == SQLITE_DONE) {
    found->reset();
    return "";
  }
  if (rc != SQLITE_ROW) return std::string("select: ") + sqlite3_errmsg(db_);
  Item item;
  item.id = sqlite3_column_int64(get_, 0);
  const unsigned char* name = sqlite3_column_text(get_, 1);
  item.name = name ? reinterpret_cast<const char*>(name) : "";
  item.price_cents = sqlite3_column_int64(get_, 2);
  item.updated_at_ms = sqlite3_column_int64(get_, 3);
  *found = std::move(item);
  sqlite3_reset(get_);
  return "";
}

std::string ItemStore::Put(Item* item) {
  writes_.fetch_add(1);
  Delay();
  std::lock_guard lock(mu_);
  item->updated_at_ms = NowMs();
  sqlite3_reset(put_);
  sqlite3_bind_int64(put_, 1, item->id);
  sqlite3_bind_text(put_, 2, item->name.c_str(), static_cast<int>(item->name.size()),
                    SQLITE_TRANSIENT);
  sqlite3_bind_int64(put_, 3, item->price_cents);
  sqlite3_bind_int64(put_, 4, item->updated_at_ms);
  int rc = sqlite3_step(put_);
  sqlite3_reset(put_);
  if (rc != SQLITE_DONE) return std::string("upsert: ") + sqlite3_errmsg(db_);
  return "";
}

std::string ItemStore::Seed(int64_t n) {
  std::lock_guard lock(mu_);
  char* msg = nullptr;
  if (sqlite3_exec(db_, "BEGIN", nullptr, nullptr, &msg) != SQLITE_OK) {
    std::string e = msg ? msg : "?";
    sqlite3_free(msg);
    return "begin: " + e;
  }
  sqlite3_stmt* ins = nullptr;
  sqlite3_prepare_v2(db_,
                     "INSERT OR IGNORE INTO items (id, name, price_cents, updated_at_ms) "
                     "VALUES (?, ?, ?, ?)",
                     -1, &ins, nullptr);
  int64_t now = NowMs();
  std::string err;
  for (int64_t id = 1; id <= n && err.empty(); ++id) {
    std::string name = "item " + std::to_string(id);
    sqlite3_reset(ins);
    sqlite3_bind_int64(ins, 1, id);
    sqlite3_bind_text(ins, 2, name.c_str(), static_cast<int>(name.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(ins, 3, 100 + (id * 37) % 10000);
    sqlite3_bind_int64(ins, 4, now);
    if (sqlite3_step(ins) != SQLITE_DONE) err = std::string("seed: ") + sqlite3_errmsg(db_);
  }
  sqlite3_finalize(ins);
  sqlite3_exec(db_, err.empty() ? "COMMIT" : "ROLLBACK", nullptr, nullptr, nullptr);
  return err;
}

}  // namespace ember::demos
