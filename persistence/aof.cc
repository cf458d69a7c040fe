#include "persistence/aof.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include "persistence/file_sink.h"
#include "persistence/rdb.h"
#include "storage/numbers.h"

namespace ember::persistence {

namespace {

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool AofManifest::Parse(std::string_view text, AofManifest* out, std::string* error) {
  *out = AofManifest();
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? text.npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> words;
    if (!protocol::SplitArgs(line, &words) || words.size() % 2 != 0) {
      *error = "Invalid AOF manifest file format at line " + std::to_string(line_no);
      return false;
    }
    AofFileInfo info;
    bool have_name = false, have_seq = false, have_type = false;
    for (size_t i = 0; i < words.size(); i += 2) {
      const std::string& k = words[i];
      const std::string& v = words[i + 1];
      if (k == "file") {
        info.name = v;
        have_name = true;
      } else if (k == "seq") {
        if (!storage::StringToInt64(v, &info.seq)) break;
        have_seq = true;
      } else if (k == "type") {
        if (v.size() != 1 || (v[0] != 'b' && v[0] != 'i' && v[0] != 'h')) break;
        info.type = v[0];
        have_type = true;
      }
      // Unknown keys are for future versions: ignored, as Redis does.
    }
    if (!have_name || !have_seq || !have_type || info.name.find('/') != std::string::npos) {
      *error = "Invalid AOF manifest file format at line " + std::to_string(line_no);
      return false;
    }
    if (info.type == 'b') {
      if (out->has_base) {
        *error = "Found duplicate base file information";
        return false;
      }
      out->has_base = true;
      out->base = info;
    } else if (info.type == 'i') {
      if (!out->incrs.empty() && info.seq <= out->incrs.back().seq) {
        *error = "Found a non-monotonic sequence number";
        return false;
      }
      out->incrs.push_back(info);
    } else {
      out->history.push_back(info);
    }
  }
  return true;
}

std::string AofManifest::Serialize() const {
  std::ostringstream out;
  auto line = [&out](const AofFileInfo& f) {
    out << "file " << f.name << " seq " << f.seq << " type " << f.type << "\n";
  };
  if (has_base) line(base);
  for (const AofFileInfo& f : history) line(f);
  for (const AofFileInfo& f : incrs) line(f);
  return out.str();
}

int64_t AofManifest::max_incr_seq() const { return incrs.empty() ? 0 : incrs.back().seq; }

std::string AofBaseName(const std::string& prefix, int64_t seq, bool rdb_preamble) {
  return prefix + "." + std::to_string(seq) + ".base." + (rdb_preamble ? "rdb" : "aof");
}

std::string AofIncrName(const std::string& prefix, int64_t seq) {
  return prefix + "." + std::to_string(seq) + ".incr.aof";
}

std::string AofManifestName(const std::string& prefix) { return prefix + ".manifest"; }

bool WriteManifest(const std::string& dir, const std::string& name, const AofManifest& manifest,
                   std::string* error) {
  std::string path = dir + "/" + name;
  std::string temp = dir + "/temp-" + name;
  FileSink file;
  std::string text = manifest.Serialize();
  if (!file.Open(temp) || !file.Write(text.data(), text.size()) || !file.Sync() || !file.Close()) {
    *error = "Can't write the AOF manifest " + temp + ": " + file.error();
    unlink(temp.c_str());
    return false;
  }
  if (rename(temp.c_str(), path.c_str()) != 0) {
    *error = "Can't rename the AOF manifest: " + std::string(std::strerror(errno));
    unlink(temp.c_str());
    return false;
  }
  return SyncDirectoryOf(path, error);
}

AofReadResult ReadAofCommands(std::string_view data, const std::function<void(AofCommand)>& run) {
  AofReadResult result;
  protocol::RequestParser parser;
  protocol::RequestLimits limits;
  limits.max_bulk_len = INT64_MAX;  // the log holds whatever was accepted
  size_t pos = 0;
  bool in_multi = false;
  size_t multi_at = 0;
  std::vector<std::vector<std::string>> queued;
  while (pos < data.size()) {
    std::string_view rest = data.substr(pos);
    if (rest[0] != '*') {
      result.status = AofReadStatus::kCorrupt;
      result.error =
          "Bad file format reading the append only file at offset " + std::to_string(pos);
      return result;
    }
    auto r = parser.Parse(rest, limits);
    if (r == protocol::RequestParser::Result::kError) {
      result.status = AofReadStatus::kCorrupt;
      result.error = "Bad file format reading the append only file at offset " +
                     std::to_string(pos) + " (" + parser.error() + ")";
      return result;
    }
    if (r == protocol::RequestParser::Result::kNeedMore) {
      result.status = AofReadStatus::kTruncated;
      break;
    }
    std::span<const std::string_view> args = parser.args();
    if (!args.empty() && EqualsNoCase(args[0], "multi")) {
      in_multi = true;
      multi_at = pos;
      queued.clear();
    } else if (!args.empty() && EqualsNoCase(args[0], "exec") && in_multi) {
      for (const auto& cmd : queued) {
        std::vector<std::string_view> views(cmd.begin(), cmd.end());
        run(views);
        ++result.commands;
      }
      in_multi = false;
      queued.clear();
    } else if (in_multi) {
      queued.emplace_back(args.begin(), args.end());
    } else {
      run(args);
      ++result.commands;
    }
    pos += parser.consumed();
    if (!in_multi) result.valid_bytes = pos;
  }
  if (in_multi) {
    result.open_multi_at = static_cast<int64_t>(multi_at);
    result.valid_bytes = multi_at;
    if (result.status == AofReadStatus::kOk) result.status = AofReadStatus::kTruncated;
  }
  return result;
}

}  // namespace ember::persistence
