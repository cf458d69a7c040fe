#include "demos/common/flags.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>

namespace ember::demos {

void Flags::Define(const std::string& name, const std::string& default_value,
                   const std::string& help, bool is_switch) {
  flags_[name] = Flag{is_switch ? "false" : default_value, help, default_value, is_switch};
  order_.push_back(name);
}

std::string Flags::Parse(int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") return "help";
    if (arg.rfind("--", 0) != 0) return "unexpected argument '" + arg + "'";
    std::string name = arg.substr(2);
    std::string value;
    bool has_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    auto it = flags_.find(name);
    if (it == flags_.end()) return "unknown flag --" + name;
    if (it->second.is_switch) {
      it->second.value = has_value ? value : "true";
      continue;
    }
    if (!has_value) {
      if (i + 1 >= argc) return "flag --" + name + " needs a value";
      value = argv[++i];
    }
    it->second.value = value;
  }
  return "";
}

std::string Flags::Usage() const {
  std::string out = "usage: " + program_ + " [flags]\n" + summary_ + "\n\nflags:\n";
  for (const std::string& name : order_) {
    const Flag& f = flags_.at(name);
    out += "  --" + name + (f.is_switch ? "" : " VALUE") + "\n      " + f.help;
    if (!f.is_switch && !f.default_value.empty()) out += " (default " + f.default_value + ")";
    out += "\n";
  }
  return out;
}

const std::string& Flags::Get(const std::string& name) const { return flags_.at(name).value; }

bool Flags::ParseOrExit(int argc, const char* const* argv, int* exit_code,
                        const std::string& help_extra) {
  std::string error = Parse(argc, argv);
  if (error == "help") {
    std::fputs(Usage().c_str(), stdout);
    std::fputs(help_extra.c_str(), stdout);
    *exit_code = 0;
    return false;
  }
  if (!error.empty()) {
    std::fprintf(stderr, "%s\n\n%s", error.c_str(), Usage().c_str());
    *exit_code = 2;
    return false;
  }
  return true;
}

int64_t Flags::GetNonNegative(const std::string& name, bool* all_ok) const {
  bool good = false;
  int64_t v = GetInt(name, &good);
  if (!good || v < 0) {
    std::fprintf(stderr, "--%s: not a non-negative integer: %s\n", name.c_str(), Get(name).c_str());
    *all_ok = false;
  }
  return v;
}

int64_t Flags::GetInt(const std::string& name, bool* ok) const {
  const std::string& v = Get(name);
  int64_t out = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  bool good = ec == std::errc() && end == v.data() + v.size();
  if (ok != nullptr) *ok = good;
  return good ? out : 0;
}

double Flags::GetDouble(const std::string& name, bool* ok) const {
  const std::string& v = Get(name);
  char* end = nullptr;
  double out = std::strtod(v.c_str(), &end);
  bool good = !v.empty() && end == v.c_str() + v.size();
  if (ok != nullptr) *ok = good;
  return good ? out : 0;
}

bool Flags::GetBool(const std::string& name) const {
  const std::string& v = Get(name);
  return v == "true" || v == "1" || v == "yes";
}

bool ParseHostPort(const std::string& text, HostPort* out) {
  std::string host;
  std::string port;
  if (!text.empty() && text[0] == '[') {
    size_t close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return false;
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string::npos) return false;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  int p = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (ec != std::errc() || end != port.data() + port.size() || p <= 0 || p > 65535) return false;
  out->host = host.empty() ? "127.0.0.1" : host;
  out->port = p;
  return true;
}

}  // namespace ember::demos
