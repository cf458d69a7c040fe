// Per-route limits, read from a small config file. One rule a line:
//
//   # [METHOD] PATTERN   LIMIT per WINDOW   [ALGORITHM]
//   POST /login          5 per 1m
//   /api/*               100 per 1m         sliding-log
//   /healthz             unlimited
//   *                    1000 per 1h
//
// PATTERN is a glob over the request path, as Redis's KEYS/SCAN MATCH reads
// them: `*` any run of characters (slashes included), `?` one character,
// `[abc]`, `[a-z]`, `[^abc]` a character class, `\x` a literal x. METHOD, if
// given, is an HTTP method (GET, POST ...) the rule is restricted to.
// WINDOW is a number with a unit (ms, s, m, h), or one of second, minute,
// hour. ALGORITHM (fixed-window, sliding-log, sliding-counter, token-bucket)
// overrides the service's default for this rule. `unlimited` exempts the
// matching requests.
//
// The first rule that matches a request decides, as in a firewall: put
// specific rules before general ones. A request no rule matches is not
// limited. Each client (IP address) has its own quota per rule, so
// /api/items and /api/items/7 share the /api/* quota.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "demos/rate_limiter/rate_limiter.h"

namespace ember::demos::ratelimit {

struct Rule {
  std::string method;          // "" for any method
  std::string pattern;         // glob over the path
  std::optional<Quota> quota;  // nullopt: unlimited
  std::optional<Algorithm> algorithm;
  int line = 0;
  // How the rule is named in keys and metrics: "[METHOD ]PATTERN".
  std::string name() const { return method.empty() ? pattern : method + " " + pattern; }
};

class RuleSet {
 public:
  // Parses the config text; on error returns false and sets *error to
  // "line N: ...".
  static bool Parse(std::string_view text, RuleSet* out, std::string* error);
  static bool Load(const std::string& path, RuleSet* out, std::string* error);

  // The first rule matching the request, or nullptr.
  const Rule* Match(std::string_view method, std::string_view path) const;
  const std::vector<Rule>& rules() const { return rules_; }

 private:
  std::vector<Rule> rules_;
};

// Glob matching as described above.
bool GlobMatch(std::string_view pattern, std::string_view text);

// "5m" -> 300000 and so on; false if malformed or not positive.
bool ParseWindow(std::string_view text, int64_t* ms);

// The rules the service uses without --config.
std::string_view DefaultRulesText();

}  // namespace ember::demos::ratelimit
