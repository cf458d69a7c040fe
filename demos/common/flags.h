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
  // Parse for a program's main: false when the program should exit now,
  // with *exit_code 0 after printing the usage (and `help_extra`) for
  // --help, or 2 after printing the error and the usage.
  bool ParseOrExit(int argc, const char* const* argv, int* exit_code,
                   const std::string& help_extra = "");
  std::string Usage() const;

  const std::string& Get(const std::string& name) const;
  // REQUIRES: the value parses (checked with GetInt's `ok`).
  int64_t GetInt(const std::string& name, bool* ok = nullptr) const;
  double GetDouble(const std::string& name, bool* ok = nullptr) const;
  // A count or a duration: prints the error and clears *all_ok when the
  // value is not a non-negative integer.
  int64_t GetNonNegative(const std::string& name, bool* all_ok) const;
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
