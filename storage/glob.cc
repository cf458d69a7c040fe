#include "storage/glob.h"

#include <cctype>
#include <utility>

namespace ember::storage {

namespace {

int Lower(char c) { return std::tolower(static_cast<unsigned char>(c)); }

bool SameChar(char a, char b, bool nocase) { return nocase ? Lower(a) == Lower(b) : a == b; }

// Matches pattern[p..] against str[s..]. `give_up` is set once a '*' failed
// to match the rest at every position: an earlier '*' trying longer runs
// cannot succeed either, which keeps patterns like "a*a*a*a*b" from taking
// exponential time. `depth` bounds recursion on abusive patterns.
bool Match(std::string_view pat, size_t p, std::string_view str, size_t s, bool nocase,
           bool* give_up, int depth) {
  if (depth > 1000) return false;
  while (p < pat.size() && s < str.size()) {
    switch (pat[p]) {
      case '*': {
        while (p + 1 < pat.size() && pat[p + 1] == '*') ++p;
        if (p + 1 == pat.size()) return true;
        for (; s < str.size(); ++s) {
          if (Match(pat, p + 1, str, s, nocase, give_up, depth + 1)) return true;
          if (*give_up) return false;
        }
        *give_up = true;
        return false;
      }
      case '?':
        ++s;
        break;
      case '[': {
        ++p;
        bool negate = p < pat.size() && pat[p] == '^';
        if (negate) ++p;
        bool matched = false;
        for (;;) {
          if (p < pat.size() && pat[p] == '\\' && pat.size() - p >= 2) {
            ++p;
            if (pat[p] == str[s]) matched = true;
          } else if (p < pat.size() && pat[p] == ']') {
            break;
          } else if (p >= pat.size()) {
            // Unterminated class: Redis steps back so the outer loop ends.
            --p;
            break;
          } else if (pat.size() - p >= 3 && pat[p + 1] == '-') {
            int lo = static_cast<signed char>(pat[p]);
            int hi = static_cast<signed char>(pat[p + 2]);
            int c = static_cast<signed char>(str[s]);
            if (lo > hi) std::swap(lo, hi);
            if (nocase) {
              lo = std::tolower(lo);
              hi = std::tolower(hi);
              c = std::tolower(c);
            }
            p += 2;
            if (c >= lo && c <= hi) matched = true;
          } else if (SameChar(pat[p], str[s], nocase)) {
            matched = true;
          }
          ++p;
        }
        if (negate) matched = !matched;
        if (!matched) return false;
        ++s;
        break;
      }
      case '\\':
        if (pat.size() - p >= 2) ++p;
        [[fallthrough]];
      default:
        if (!SameChar(pat[p], str[s], nocase)) return false;
        ++s;
        break;
    }
    ++p;
    if (s == str.size()) {
      while (p < pat.size() && pat[p] == '*') ++p;
      break;
    }
  }
  return p >= pat.size() && s == str.size();
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase) {
  bool give_up = false;
  return Match(pattern, 0, str, 0, nocase, &give_up, 0);
}

}  // namespace ember::storage
