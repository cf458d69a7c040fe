// The hash function for every hash table in Ember.
//
// Keys come from clients, so a fixed, public hash function would let an
// attacker send many keys that land in one bucket and turn O(1) lookups into
// O(n) (hash flooding). Redis uses SipHash with a random key for this reason.
// Ember uses a cheaper multiply-mix hash seeded randomly at start-up: fast on
// short keys, and unpredictable without the seed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ember::storage {

// The process-wide seed; set once at start-up (tests may fix it).
void SetHashSeed(uint64_t seed);
uint64_t HashSeed();

uint64_t HashBytes(const void* data, size_t len, uint64_t seed);

inline uint64_t Hash(std::string_view s) { return HashBytes(s.data(), s.size(), HashSeed()); }

}  // namespace ember::storage
