// ember-cache-aside: see demos/cache_aside/app.h and docs/demos/cache-aside.md.
#include "demos/cache_aside/app.h"

int main(int argc, char** argv) { return ember::demos::CacheAsideMain(argc, argv); }
