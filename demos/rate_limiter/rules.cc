#include "demos/rate_limiter/rules.h"

#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>

namespace ember::demos::ratelimit {

namespace {

// Matches one pattern element at p[*pi] against c and advances *pi past it.
bool MatchOne(std::string_view p, size_t* pi, char c) {
  size_t i = *pi;
  if (p[i] == '?') {
    *pi = i + 1;
    return true;
  }
  if (p[i] == '\\' && i + 1 < p.size()) {
    *pi = i + 2;
    return p[i + 1] == c;
  }
  if (p[i] == '[') {
    size_t j = i + 1;
    bool negate = j < p.size() && p[j] == '^';
    if (negate) ++j;
    bool hit = false;
    bool closed = false;
    for (; j < p.size(); ++j) {
      if (p[j] == ']') {
        closed = true;
        break;
      }
      char lo = p[j];
      if (lo == '\\' && j + 1 < p.size()) lo = p[++j];
      char hi = lo;
      if (j + 2 < p.size() && p[j + 1] == '-' && p[j + 2] != ']') {
        hi = p[j + 2];
        j += 2;
        if (hi == '\\' && j + 1 < p.size()) hi = p[++j];
        if (lo > hi) std::swap(lo, hi);
      }
      if (c >= lo && c <= hi) hit = true;
    }
    if (closed) {
      *pi = j + 1;
      return hit != negate;
    }
    // An unterminated class is a literal '['.
  }
  *pi = i + 1;
  return p[i] == c;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

bool IsMethod(const std::string& word) {
  if (word.empty()) return false;
  for (char c : word) {
    if (!std::isupper(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

bool GlobMatch(std::string_view p, std::string_view t) {
  size_t pi = 0, ti = 0;
  size_t star_p = std::string_view::npos, star_t = 0;
  while (ti < t.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star_p = pi++;
      star_t = ti;
      continue;
    }
    size_t next = pi;
    if (pi < p.size() && MatchOne(p, &next, t[ti])) {
      pi = next;
      ++ti;
      continue;
    }
    // Backtrack: let the last star swallow one more character.
    if (star_p == std::string_view::npos) return false;
    pi = star_p + 1;
    ti = ++star_t;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

bool ParseWindow(std::string_view text, int64_t* ms) {
  if (text == "second") text = "1s";
  if (text == "minute") text = "1m";
  if (text == "hour") text = "1h";
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || n <= 0) return false;
  std::string_view unit(end, static_cast<size_t>(text.data() + text.size() - end));
  int64_t scale = 0;
  if (unit == "ms") {
    scale = 1;
  } else if (unit == "s") {
    scale = 1000;
  } else if (unit == "m") {
    scale = 60'000;
  } else if (unit == "h") {
    scale = 3'600'000;
  } else {
    return false;
  }
  if (n > INT64_MAX / scale / 1'000'000) return false;  // keeps limit * window in range
  *ms = n * scale;
  return true;
}

bool RuleSet::Parse(std::string_view text, RuleSet* out, std::string* error) {
  RuleSet set;
  std::istringstream in{std::string(text)};
  std::string raw;
  int line_no = 0;
  while (std::getline(in, raw)) {
    ++line_no;
    if (size_t hash = raw.find('#'); hash != std::string::npos) raw.resize(hash);
    std::string line = Trim(raw);
    if (line.empty()) continue;
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string word; words >> word;) w.push_back(word);
    auto fail = [&](const std::string& why) {
      *error = "line " + std::to_string(line_no) + ": " + why;
      return false;
    };
    Rule rule;
    rule.line = line_no;
    size_t i = 0;
    if (IsMethod(w[i])) rule.method = w[i++];
    if (i >= w.size()) return fail("expected a path pattern after " + rule.method);
    rule.pattern = w[i++];
    if (i >= w.size()) return fail("expected 'LIMIT per WINDOW' or 'unlimited'");
    if (w[i] == "unlimited") {
      if (++i != w.size()) return fail("unexpected '" + w[i] + "' after unlimited");
      set.rules_.push_back(std::move(rule));
      continue;
    }
    Quota q;
    auto [end, ec] = std::from_chars(w[i].data(), w[i].data() + w[i].size(), q.limit);
    if (ec != std::errc() || end != w[i].data() + w[i].size() || q.limit < 1 ||
        q.limit > 1'000'000) {
      return fail("limit must be an integer from 1 to 1000000, got '" + w[i] + "'");
    }
    ++i;
    if (i >= w.size() || w[i] != "per") return fail("expected 'per' after the limit");
    if (++i >= w.size()) return fail("expected a window after 'per'");
    if (!ParseWindow(w[i], &q.window_ms)) {
      return fail("window must be like 500ms, 10s, 1m, 1h, minute; got '" + w[i] + "'");
    }
    rule.quota = q;
    if (++i < w.size()) {
      Algorithm a;
      if (!ParseAlgorithm(w[i], &a)) {
        return fail("unknown algorithm '" + w[i] +
                    "' (fixed-window, sliding-log, sliding-counter, token-bucket)");
      }
      rule.algorithm = a;
      if (++i < w.size()) return fail("unexpected '" + w[i] + "'");
    }
    set.rules_.push_back(std::move(rule));
  }
  *out = std::move(set);
  return true;
}

bool RuleSet::Load(const std::string& path, RuleSet* out, std::string* error) {
  std::ifstream f(path);
  if (!f) {
    *error = "cannot read " + path;
    return false;
  }
  std::stringstream buf;
  buf << f.rdbuf();
  if (!Parse(buf.str(), out, error)) {
    *error = path + ": " + *error;
    return false;
  }
  return true;
}

const Rule* RuleSet::Match(std::string_view method, std::string_view path) const {
  for (const Rule& r : rules_) {
    if (!r.method.empty() && r.method != method) continue;
    if (GlobMatch(r.pattern, path)) return &r;
  }
  return nullptr;
}

std::string_view DefaultRulesText() {
  return R"(# ember-rate-limiter default rules (see demos/rate_limiter/rules.conf)
/healthz             unlimited
/metrics             unlimited
POST /login          5 per 1m
/api/*               100 per 1m
*                    1000 per 1h
)";
}

}  // namespace ember::demos::ratelimit
