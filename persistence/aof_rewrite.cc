#include "persistence/aof_rewrite.h"

#include <string_view>
#include <vector>

#include "storage/hash_object.h"
#include "storage/listpack.h"
#include "storage/numbers.h"
#include "storage/quicklist.h"
#include "storage/set_object.h"
#include "storage/string_ops.h"
#include "storage/zset.h"
#include "storage/zset_ops.h"

namespace ember::persistence {

namespace {

// Long collections are written as several commands of this many elements,
// so that no single command gets huge (Redis's AOF_REWRITE_ITEMS_PER_CMD).
constexpr size_t kItemsPerCommand = 64;

class CommandWriter {
 public:
  explicit CommandWriter(Sink* sink) : sink_(sink) {}
  void Write(const std::vector<std::string>& argv) {
    std::string out = "*" + std::to_string(argv.size()) + "\r\n";
    for (const std::string& a : argv) {
      out += "$" + std::to_string(a.size()) + "\r\n";
      out += a;
      out += "\r\n";
    }
    if (ok_) ok_ = sink_->Write(out.data(), out.size());
  }
  bool ok() const { return ok_; }

 private:
  Sink* sink_;
  bool ok_ = true;
};

// Writes `cmd key` followed by the items, in batches.
void WriteBatched(CommandWriter& w, const char* cmd, std::string_view key,
                  const std::vector<std::string>& items, size_t per_item) {
  for (size_t i = 0; i < items.size();) {
    std::vector<std::string> argv = {cmd, std::string(key)};
    for (size_t n = 0; n < kItemsPerCommand * per_item && i < items.size(); ++n, ++i) {
      argv.push_back(items[i]);
    }
    w.Write(argv);
  }
}

void WriteKey(CommandWriter& w, const storage::Entry* e) {
  std::string key(e->key());
  switch (e->type()) {
    case storage::ObjType::kString:
      w.Write({"SET", key, storage::ReadString(e).ToString()});
      break;
    case storage::ObjType::kList: {
      std::vector<std::string> items;
      static_cast<const storage::Quicklist*>(e->external())
          ->ForEach([&](const storage::listpack::Value& v) { items.push_back(v.ToString()); });
      WriteBatched(w, "RPUSH", key, items, 1);
      break;
    }
    case storage::ObjType::kHash: {
      std::vector<std::string> items;
      storage::HashObject::Of(e).ForEach(
          [&](const storage::listpack::Value& f, const storage::listpack::Value& v) {
            items.push_back(f.ToString());
            items.push_back(v.ToString());
          });
      WriteBatched(w, "HMSET", key, items, 2);
      break;
    }
    case storage::ObjType::kSet: {
      std::vector<std::string> items;
      storage::SetObject::Of(e).ForEach(
          [&](const storage::listpack::Value& m) { items.push_back(m.ToString()); });
      WriteBatched(w, "SADD", key, items, 1);
      break;
    }
    case storage::ObjType::kZSet: {
      // Scores as "%.17g" (or inf, -inf): ZADD parses them back to the
      // same double.
      std::vector<std::string> items;
      storage::zset::ZValue z{e->encoding(), e->external()};
      storage::zset::ForEach(z, [&](std::string_view m, double score) {
        char buf[32];
        items.emplace_back(buf, storage::FormatScore(score, buf));
        items.emplace_back(m);
      });
      WriteBatched(w, "ZADD", key, items, 2);
      break;
    }
    default:
      break;
  }
  if (e->has_expire()) w.Write({"PEXPIREAT", key, storage::Int64ToString(e->expire_at())});
}

}  // namespace

bool WriteAofRewrite(const storage::Keyspace& keyspace, Sink* sink, std::string* error) {
  CommandWriter w(sink);
  for (int i = 0; i < keyspace.num_databases() && w.ok(); ++i) {
    const storage::Database& db = keyspace.db(i);
    if (db.size() == 0) continue;
    w.Write({"SELECT", std::to_string(i)});
    db.ForEach([&](const storage::Entry* e) {
      if (w.ok()) WriteKey(w, e);
    });
  }
  if (!w.ok()) *error = sink->error();
  return w.ok();
}

}  // namespace ember::persistence
