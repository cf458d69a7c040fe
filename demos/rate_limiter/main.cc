// ember-rate-limiter: see demos/rate_limiter/service.h and docs/demos/rate-limiter.md.
#include "demos/rate_limiter/service.h"

int main(int argc, char** argv) { return ember::demos::ratelimit::RateLimiterMain(argc, argv); }
