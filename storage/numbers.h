// Numbers in Redis's string formats. Redis stores numbers as strings and
// parses them strictly, so "01", "+1", " 1" and "1 " are not integers; these
// functions follow its util.c exactly, because the error a client gets (or
// doesn't) depends on it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ember::storage {

// string2ll: base 10, optional '-', no leading zeros, no "-0", fits int64.
bool StringToInt64(std::string_view s, int64_t* out);
// Integer to decimal text; returns the length written (buf >= 21 bytes).
size_t Int64ToChars(int64_t v, char* buf);
std::string Int64ToString(int64_t v);

// string2ld: strtold over the whole string, no leading space, not NaN.
bool StringToLongDouble(std::string_view s, long double* out);
// getDoubleFromObject: strtod over the whole string, no leading space, not
// NaN; "inf" and "-inf" are accepted.
bool StringToDouble(std::string_view s, double* out);

// ld2string in "human" mode (INCRBYFLOAT, HINCRBYFLOAT): 17 decimals with
// trailing zeros removed, "inf"/"-inf", and "-0" printed as "0".
std::string LongDoubleToString(long double v);

}  // namespace ember::storage
