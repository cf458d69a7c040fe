#include "demos/job_queue/handlers.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <thread>

namespace ember::demos::jobs {

std::unique_ptr<Outbox> Outbox::Open(const std::string& path, std::string* error) {
  std::unique_ptr<Outbox> box(new Outbox());
  box->path_ = path;
  {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (!j.is_discarded() && j.is_object() && j.contains("job") && j["job"].is_number_integer()) {
        box->ids_.insert(j["job"].get<int64_t>());
      }
    }
  }
  box->file_ = std::fopen(path.c_str(), "a");
  if (box->file_ == nullptr) {
    *error = "cannot open outbox " + path + ": " + std::strerror(errno);
    return nullptr;
  }
  return box;
}

Outbox::~Outbox() {
  if (file_ != nullptr) std::fclose(file_);
}

std::string Outbox::Send(int64_t job_id, nlohmann::json message) {
  message["job"] = job_id;
  std::string line = message.dump() + "\n";
  std::lock_guard lock(mu_);
  // Checking and appending under one lock makes "is it there? then add it"
  // a single step for the threads of this process.
  if (ids_.count(job_id)) {
    ++duplicates_;
    return "";
  }
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0) {
    return std::string("outbox write failed: ") + std::strerror(errno);
  }
  ids_.insert(job_id);
  ++sent_;
  return "";
}

namespace {

bool IsString(const nlohmann::json& p, const char* k) {
  return p.contains(k) && p[k].is_string() && !p[k].get<std::string>().empty();
}

// "level=error path=/api ms=12" -> {level: error, path: /api, ms: 12}.
std::map<std::string, std::string> ParseLogfmt(const std::string& line) {
  std::map<std::string, std::string> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    size_t eq = line.find('=', i);
    size_t sp = line.find(' ', i);
    if (eq == std::string::npos || (sp != std::string::npos && sp < eq)) {
      i = sp == std::string::npos ? line.size() : sp + 1;
      continue;
    }
    std::string key = line.substr(i, eq - i);
    std::string value;
    i = eq + 1;
    if (i < line.size() && line[i] == '"') {
      size_t close = line.find('"', i + 1);
      if (close == std::string::npos) close = line.size();
      value = line.substr(i + 1, close - i - 1);
      i = close + 1;
    } else {
      size_t end = line.find(' ', i);
      if (end == std::string::npos) end = line.size();
      value = line.substr(i, end - i);
      i = end;
    }
    if (!key.empty()) out[key] = value;
  }
  return out;
}

void SimulateWork(const nlohmann::json& p) {
  if (p.contains("work_ms") && p["work_ms"].is_number_integer()) {
    int64_t ms = p["work_ms"].get<int64_t>();
    if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  }
}

std::string HandleEmail(Outbox* outbox, const Job& job) {
  auto p = nlohmann::json::parse(job.payload, nullptr, false);
  if (p.is_discarded() || !p.is_object()) return "payload is not a JSON object";
  SimulateWork(p);
  nlohmann::json msg = {{"to", p.value("to", "")},
                        {"subject", p.value("subject", "")},
                        {"body", p.value("body", "")},
                        {"sent_ms", WallMs()}};
  return outbox->Send(job.id, std::move(msg));
}

std::string HandleLogLine(const Job& job, HandlerContext& ctx) {
  auto p = nlohmann::json::parse(job.payload, nullptr, false);
  if (p.is_discarded() || !p.is_object()) return "payload is not a JSON object";
  SimulateWork(p);
  auto fields = ParseLogfmt(p.value("line", ""));
  const std::string marker = ctx.keys.Effect(job.id);
  const std::string stats = LogStatsKey(ctx.keys);
  auto r =
      client::WatchRetry(ctx.conn, {marker}, [&](Connection& c, client::Transaction& tx) -> Status {
        auto seen = client::AsInteger(c.Command({"EXISTS", marker}));
        if (!seen.ok()) return seen.error();
        if (*seen == 1) return {};  // an earlier delivery already counted it
        tx.Add({"HINCRBY", stats, "lines", 1});
        tx.Add({"HINCRBY", stats, "level:" + fields["level"], 1});
        if (!fields["path"].empty()) tx.Add({"HINCRBY", stats, "path:" + fields["path"], 1});
        int64_t ms = 0;
        if (auto it = fields.find("ms"); it != fields.end()) {
          ms = std::strtoll(it->second.c_str(), nullptr, 10);
        }
        if (ms > 0) tx.Add({"HINCRBY", stats, "ms_total", ms});
        // The marker outlives any plausible redelivery.
        tx.Add({"SET", marker, job.attempts, "PX", int64_t{7} * 24 * 3600 * 1000});
        return {};
      });
  if (!r.ok()) return "log stats update failed: " + r.error().ToString();
  return "";
}

}  // namespace

std::string ValidatePayload(const std::string& kind, const nlohmann::json& payload) {
  if (!payload.is_object()) return "payload must be a JSON object";
  if (payload.contains("work_ms") &&
      (!payload["work_ms"].is_number_integer() || payload["work_ms"].get<int64_t>() < 0 ||
       payload["work_ms"].get<int64_t>() > 600000)) {
    return "work_ms must be an integer from 0 to 600000";
  }
  if (kind == "email") {
    if (!IsString(payload, "to") || !IsString(payload, "subject")) {
      return "an email needs string fields \"to\" and \"subject\"";
    }
    if (payload.contains("body") && !payload["body"].is_string()) return "body must be a string";
    return "";
  }
  if (kind == "log") {
    if (!IsString(payload, "line")) return "a log job needs a string field \"line\"";
    if (ParseLogfmt(payload["line"].get<std::string>())["level"].empty()) {
      return "the line needs a level=... field";
    }
    return "";
  }
  return "unknown kind \"" + kind + "\" (email or log)";
}

std::map<std::string, Handler> BuiltinHandlers(Outbox* outbox) {
  std::map<std::string, Handler> h;
  h["email"] = [outbox](const Job& job, HandlerContext&) { return HandleEmail(outbox, job); };
  h["log"] = [](const Job& job, HandlerContext& ctx) { return HandleLogLine(job, ctx); };
  return h;
}

}  // namespace ember::demos::jobs
