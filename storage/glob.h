// Glob-style matching with Redis's rules (KEYS, SCAN MATCH, CONFIG GET,
// PSUBSCRIBE): '*' any run, '?' one byte, '[abc]' '[^a]' '[a-z]' classes,
// '\x' a literal x. Patterns are bytes, not UTF-8 characters.
#pragma once

#include <string_view>

namespace ember::storage {

bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase = false);

}  // namespace ember::storage
