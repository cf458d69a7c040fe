// Ember's version, and the Redis version whose behaviour it implements (what
// INFO's redis_version and HELLO's version report, so that client libraries
// enable the features Ember has).
#pragma once

#include <string_view>

namespace ember::server {

inline constexpr std::string_view kEmberVersion = EMBER_VERSION;
inline constexpr std::string_view kRedisCompatVersion = "7.0.15";

}  // namespace ember::server
