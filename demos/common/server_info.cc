#include "demos/common/server_info.h"

#include <cstdlib>
#include <sstream>

namespace ember::demos {

client::Result<std::map<std::string, std::string>> ReadInfo(client::Connection& conn,
                                                            const std::string& section) {
  auto text = client::AsOptionalString(conn.Command({"INFO", section}));
  if (!text.ok()) return text.error();
  std::map<std::string, std::string> out;
  std::istringstream in(text->value_or(""));
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    out[line.substr(0, colon)] = line.substr(colon + 1);
  }
  return out;
}

double InfoNumber(const std::map<std::string, std::string>& info, const std::string& field,
                  double fallback) {
  auto it = info.find(field);
  if (it == info.end()) return fallback;
  char* end = nullptr;
  double v = std::strtod(it->second.c_str(), &end);
  return end == it->second.c_str() ? fallback : v;
}

}  // namespace ember::demos
