#include "demos/notification_service/store.h"

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <tuple>

namespace ember::demos::notify {

namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Text(sqlite3_stmt* st, int col) {
  const unsigned char* p = sqlite3_column_text(st, col);
  return p ? reinterpret_cast<const char*>(p) : "";
}

// A prepared statement finalized when it goes out of scope.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &st_, nullptr); }
  ~Stmt() { sqlite3_finalize(st_); }
  sqlite3_stmt* get() const { return st_; }
  void Bind(int i, int64_t v) { sqlite3_bind_int64(st_, i, v); }
  void Bind(int i, const std::string& v) {
    sqlite3_bind_text(st_, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void BindNull(int i) { sqlite3_bind_null(st_, i); }

 private:
  sqlite3_stmt* st_ = nullptr;
};

// The demo's data, written once into an empty database.
constexpr const char* kSeed = R"sql(
INSERT INTO users (id, name, email, phone) VALUES
  (1, 'Ada Lovelace', 'ada@example.com', '+44 20 7946 0001'),
  (2, 'Grace Hopper', 'grace@example.com', '+1 202 555 0102'),
  (3, 'Alan Turing', 'alan@example.com', '+44 20 7946 0003'),
  (4, 'Katherine Johnson', 'katherine@example.com', '+1 757 555 0104');
INSERT INTO preferences (user_id, channel, quiet_start_min, quiet_end_min, opt_out, updated_at_ms)
VALUES
  (1, 'email', NULL, NULL, 0, 0),
  (2, 'sms', NULL, NULL, 0, 0),
  (3, 'email', NULL, NULL, 1, 0),
  (4, 'sms', 1320, 420, 0, 0);
INSERT INTO templates (name, subject, body) VALUES
  ('welcome', 'Welcome, {{name}}!', 'Hi {{name}}, thanks for joining {{product}}.'),
  ('password_reset', 'Your reset code', '{{name}}, your code is {{code}}. It expires in 10 minutes.'),
  ('order_shipped', 'Order {{order}} has shipped', 'Hi {{name}}, order {{order}} is on its way: {{carrier}}.');
)sql";

}  // namespace

bool Profile::InQuietHours(int minute) const {
  if (quiet_start_min < 0 || quiet_end_min < 0 || quiet_start_min == quiet_end_min) return false;
  if (quiet_start_min < quiet_end_min) return minute >= quiet_start_min && minute < quiet_end_min;
  return minute >= quiet_start_min || minute < quiet_end_min;  // wraps past midnight
}

bool ParseQuietHours(const std::string& text, int* start_min, int* end_min) {
  if (text.empty() || text == "none") {
    *start_min = *end_min = -1;
    return true;
  }
  int h1, m1, h2, m2;
  char tail;
  if (std::sscanf(text.c_str(), "%2d:%2d-%2d:%2d%c", &h1, &m1, &h2, &m2, &tail) != 4) return false;
  if (h1 < 0 || h1 > 23 || h2 < 0 || h2 > 23 || m1 < 0 || m1 > 59 || m2 < 0 || m2 > 59) {
    return false;
  }
  *start_min = h1 * 60 + m1;
  *end_min = h2 * 60 + m2;
  return true;
}

std::string FormatQuietHours(int start_min, int end_min) {
  if (start_min < 0 || end_min < 0) return "none";
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%02d:%02d-%02d:%02d", start_min / 60, start_min % 60,
                end_min / 60, end_min % 60);
  return buf;
}

nlohmann::json ProfileToJson(const Profile& p) {
  return {
      {"user_id", p.user_id}, {"name", p.name},
      {"email", p.email},     {"phone", p.phone},
      {"channel", p.channel}, {"quiet_hours", FormatQuietHours(p.quiet_start_min, p.quiet_end_min)},
      {"opt_out", p.opt_out}, {"updated_at_ms", p.updated_at_ms}};
}

bool ProfileFromJson(const nlohmann::json& j, Profile* p) {
  if (!j.is_object()) return false;
  try {
    p->user_id = j.at("user_id").get<int64_t>();
    p->name = j.at("name").get<std::string>();
    p->email = j.at("email").get<std::string>();
    p->phone = j.at("phone").get<std::string>();
    p->channel = j.at("channel").get<std::string>();
    p->opt_out = j.at("opt_out").get<bool>();
    p->updated_at_ms = j.at("updated_at_ms").get<int64_t>();
    return ParseQuietHours(j.at("quiet_hours").get<std::string>(), &p->quiet_start_min,
                           &p->quiet_end_min);
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

nlohmann::json TemplateToJson(const Template& t) {
  return {{"name", t.name}, {"subject", t.subject}, {"body", t.body}};
}

bool TemplateFromJson(const nlohmann::json& j, Template* t) {
  if (!j.is_object()) return false;
  try {
    t->name = j.at("name").get<std::string>();
    t->subject = j.at("subject").get<std::string>();
    t->body = j.at("body").get<std::string>();
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

std::unique_ptr<NotifyStore> NotifyStore::Open(const std::string& path, std::string* error) {
  std::unique_ptr<NotifyStore> s(new NotifyStore());
  int rc =
      sqlite3_open_v2(path.c_str(), &s->db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    *error = "open " + path + ": " + (s->db_ ? sqlite3_errmsg(s->db_) : sqlite3_errstr(rc));
    return nullptr;
  }
  sqlite3_busy_timeout(s->db_, 5000);
  const char* schema =
      "PRAGMA journal_mode=WAL;"
      "PRAGMA synchronous=NORMAL;"
      "CREATE TABLE IF NOT EXISTS users ("
      "  id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, phone TEXT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS preferences ("
      "  user_id INTEGER PRIMARY KEY REFERENCES users(id),"
      "  channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),"
      "  quiet_start_min INTEGER, quiet_end_min INTEGER,"
      "  opt_out INTEGER NOT NULL DEFAULT 0, updated_at_ms INTEGER NOT NULL);"
      "CREATE TABLE IF NOT EXISTS templates ("
      "  name TEXT PRIMARY KEY, subject TEXT NOT NULL, body TEXT NOT NULL);";
  char* msg = nullptr;
  if (sqlite3_exec(s->db_, schema, nullptr, nullptr, &msg) != SQLITE_OK) {
    *error = std::string("schema: ") + (msg ? msg : "?");
    sqlite3_free(msg);
    return nullptr;
  }
  *error = s->Seed();
  if (!error->empty()) return nullptr;
  return s;
}

NotifyStore::~NotifyStore() { sqlite3_close(db_); }

std::string NotifyStore::Seed() {
  Stmt count(db_, "SELECT COUNT(*) FROM users");
  if (sqlite3_step(count.get()) != SQLITE_ROW) return std::string("seed: ") + sqlite3_errmsg(db_);
  if (sqlite3_column_int64(count.get(), 0) > 0) return "";  // seeded on an earlier start
  char* msg = nullptr;
  std::string sql = std::string("BEGIN;") + kSeed + "COMMIT;";
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
    std::string e = msg ? msg : "?";
    sqlite3_free(msg);
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return "seed: " + e;
  }
  return "";
}

std::string NotifyStore::GetProfile(int64_t user_id, std::optional<Profile>* found) {
  reads_.fetch_add(1);
  std::lock_guard lock(mu_);
  return ReadProfileLocked(user_id, found);
}

std::string NotifyStore::ReadProfileLocked(int64_t user_id, std::optional<Profile>* found) {
  Stmt st(db_,
          "SELECT u.id, u.name, u.email, u.phone, p.channel, p.quiet_start_min, "
          "p.quiet_end_min, p.opt_out, p.updated_at_ms "
          "FROM users u LEFT JOIN preferences p ON p.user_id = u.id WHERE u.id = ?");
  st.Bind(1, user_id);
  int rc = sqlite3_step(st.get());
  if (rc == SQLITE_DONE) {
    found->reset();
    return "";
  }
  if (rc != SQLITE_ROW) return std::string("select user: ") + sqlite3_errmsg(db_);
  Profile p;
  p.user_id = sqlite3_column_int64(st.get(), 0);
  p.name = Text(st.get(), 1);
  p.email = Text(st.get(), 2);
  p.phone = Text(st.get(), 3);
  // A user without a preferences row gets the defaults.
  if (sqlite3_column_type(st.get(), 4) != SQLITE_NULL) p.channel = Text(st.get(), 4);
  if (sqlite3_column_type(st.get(), 5) != SQLITE_NULL &&
      sqlite3_column_type(st.get(), 6) != SQLITE_NULL) {
    p.quiet_start_min = sqlite3_column_int(st.get(), 5);
    p.quiet_end_min = sqlite3_column_int(st.get(), 6);
  }
  p.opt_out = sqlite3_column_int(st.get(), 7) != 0;
  p.updated_at_ms = sqlite3_column_int64(st.get(), 8);
  *found = std::move(p);
  return "";
}

std::string NotifyStore::GetTemplate(const std::string& name, std::optional<Template>* found) {
  reads_.fetch_add(1);
  std::lock_guard lock(mu_);
  Stmt st(db_, "SELECT name, subject, body FROM templates WHERE name = ?");
  st.Bind(1, name);
  int rc = sqlite3_step(st.get());
  if (rc == SQLITE_DONE) {
    found->reset();
    return "";
  }
  if (rc != SQLITE_ROW) return std::string("select template: ") + sqlite3_errmsg(db_);
  *found = Template{Text(st.get(), 0), Text(st.get(), 1), Text(st.get(), 2)};
  return "";
}

std::string NotifyStore::UpdatePreferences(int64_t user_id, const PreferencesUpdate& update,
                                           bool* found) {
  // Read-modify-write under one lock, so concurrent updates of different
  // fields do not undo each other.
  std::lock_guard lock(mu_);
  std::optional<Profile> current;
  std::string err = ReadProfileLocked(user_id, &current);
  if (!err.empty()) return err;
  *found = current.has_value();
  if (!current) return "";
  Profile p = *current;
  if (update.channel) p.channel = *update.channel;
  if (update.quiet) std::tie(p.quiet_start_min, p.quiet_end_min) = *update.quiet;
  if (update.opt_out) p.opt_out = *update.opt_out;
  writes_.fetch_add(1);
  Stmt st(db_,
          "INSERT INTO preferences (user_id, channel, quiet_start_min, quiet_end_min, opt_out, "
          "updated_at_ms) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(user_id) DO UPDATE SET "
          "channel = excluded.channel, quiet_start_min = excluded.quiet_start_min, "
          "quiet_end_min = excluded.quiet_end_min, opt_out = excluded.opt_out, "
          "updated_at_ms = excluded.updated_at_ms");
  st.Bind(1, user_id);
  st.Bind(2, p.channel);
  if (p.quiet_start_min < 0) {
    st.BindNull(3);
    st.BindNull(4);
  } else {
    st.Bind(3, p.quiet_start_min);
    st.Bind(4, p.quiet_end_min);
  }
  st.Bind(5, p.opt_out ? 1 : 0);
  st.Bind(6, NowMs());
  if (sqlite3_step(st.get()) != SQLITE_DONE) {
    return std::string("update preferences: ") + sqlite3_errmsg(db_);
  }
  return "";
}

bool Render(const std::string& text, const nlohmann::json& vars, std::string* out,
            std::string* missing) {
  out->clear();
  size_t i = 0;
  while (i < text.size()) {
    size_t open = text.find("{{", i);
    if (open == std::string::npos) break;
    size_t close = text.find("}}", open + 2);
    if (close == std::string::npos) break;
    out->append(text, i, open - i);
    std::string key = text.substr(open + 2, close - open - 2);
    auto it = vars.is_object() ? vars.find(key) : vars.end();
    if (it == vars.end() || it->is_null()) {
      *missing = key;
      return false;
    }
    *out += it->is_string() ? it->get<std::string>() : it->dump();
    i = close + 2;
  }
  out->append(text, i, std::string::npos);
  return true;
}

}  // namespace ember::demos::notify
