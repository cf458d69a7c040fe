// Command-line flags for the demo programs: `--name value`, `--name=value`
// and bare `--switch`. Every flag a program accepts is declared with its
// default and help, so `--help` lists them and a misspelt flag is an error
// rather than silently ignored.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ember::demos {

class Flags {
 public:
  explicit Flags(std::string program, std::string summary)
      : program_(std::move(program)), summary_(std::move(summary)) {}

  // Declares a flag; `is_switch` flags take no value ("true" when present).
  void Define(const std::string& name, const std::string& default_value, const std::string& help,
              bool is_switch = false);
  // Returns "" on success, else the error to print. "--help" returns "help".
  std::string Parse(int argc, const char* const* argv);
  std::string Usage() const;

  const std::string& Get(const std::string& name) const;
  // REQUIRES: the value parses (checked with GetInt's `ok`).
  int64_t GetInt(const std::string& name, bool* ok = nullptr) const;
  double GetDouble(const std::string& name, bool* ok = nullptr) const;
  bool GetBool(const std::string& name) const;

 private:
  struct Flag {
    std::string value, help, default_value;
    bool is_switch = false;
  };
  std::string program_, summary_;
  std::map<std::string, Flag> flags_;
  std::vector<std::string> order_;
};

struct HostPort {
  std::string host;
  int port = 0;
};
// "host:port", "[::1]:port" or ":port" (host 127.0.0.1). False if malformed.
bool ParseHostPort(const std::string& text, HostPort* out);

}  // namespace ember::demos
