// NotifyStore: the notification service's system of record, a SQLite file
// with three tables, seeded with a few users and templates on first start:
//
//   users(id INTEGER PRIMARY KEY, name, email, phone)
//   preferences(user_id INTEGER PRIMARY KEY, channel 'email'|'sms',
//               quiet_start_min, quiet_end_min (minutes after midnight UTC,
//               both NULL for no quiet hours), opt_out 0|1, updated_at_ms)
//   templates(name TEXT PRIMARY KEY, subject, body)   "{{param}}" placeholders
//
// Every read is counted, which is how the tests and /metrics show what the
// cache saves the database.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

struct sqlite3;

namespace ember::demos::notify {

// What a send needs to know about a user: contact details and preferences.
// Cached as one JSON document (ProfileToJson), since every send reads both.
struct Profile {
  int64_t user_id = 0;
  std::string name, email, phone;
  std::string channel = "email";  // email | sms
  // Quiet hours [start, end) in minutes after midnight UTC; may wrap past
  // midnight (22:00-07:00). -1 for none.
  int quiet_start_min = -1;
  int quiet_end_min = -1;
  bool opt_out = false;
  int64_t updated_at_ms = 0;

  bool InQuietHours(int minute_of_day) const;
  // The address for the chosen channel.
  const std::string& Address() const { return channel == "sms" ? phone : email; }
};

struct Template {
  std::string name, subject, body;
};

nlohmann::json ProfileToJson(const Profile& p);
bool ProfileFromJson(const nlohmann::json& j, Profile* p);
nlohmann::json TemplateToJson(const Template& t);
bool TemplateFromJson(const nlohmann::json& j, Template* t);

// "22:00-07:00" -> 1320, 420; "" or "none" -> -1, -1. False if malformed.
bool ParseQuietHours(const std::string& text, int* start_min, int* end_min);
std::string FormatQuietHours(int start_min, int end_min);

// A change to a user's preferences; unset fields are left as they are.
struct PreferencesUpdate {
  std::optional<std::string> channel;
  std::optional<std::pair<int, int>> quiet;  // {-1, -1}: none
  std::optional<bool> opt_out;
};

class NotifyStore {
 public:
  // Opens (creating and seeding if needed) the database at `path`.
  static std::unique_ptr<NotifyStore> Open(const std::string& path, std::string* error);
  ~NotifyStore();

  // Each returns "" or the SQLite error; *found is empty for no such row.
  std::string GetProfile(int64_t user_id, std::optional<Profile>* found);
  std::string GetTemplate(const std::string& name, std::optional<Template>* found);
  // Commits the update; *found is false (and nothing written) for no such
  // user.
  std::string UpdatePreferences(int64_t user_id, const PreferencesUpdate& update, bool* found);

  uint64_t reads() const { return reads_.load(); }
  uint64_t writes() const { return writes_.load(); }

 private:
  NotifyStore() = default;
  std::string Seed();
  std::string ReadProfileLocked(int64_t user_id, std::optional<Profile>* found);

  std::mutex mu_;  // one connection, one statement at a time
  sqlite3* db_ = nullptr;
  std::atomic<uint64_t> reads_{0};
  std::atomic<uint64_t> writes_{0};
};

// Replaces every "{{key}}" in `text` with vars[key] (strings as they are,
// numbers as JSON prints them). Returns false and sets *missing to the first
// placeholder `vars` lacks.
bool Render(const std::string& text, const nlohmann::json& vars, std::string* out,
            std::string* missing);

}  // namespace ember::demos::notify
