#!/usr/bin/env bash
# Builds ember-server (Release) and starts it on 127.0.0.1:6379 with its data
# in ./data. Extra arguments are passed on as options (--port 6380 ...).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release \
  -DEMBER_BUILD_TESTS=OFF -DEMBER_BUILD_BENCH=OFF >/dev/null
cmake --build build-release -j2 --target ember-server
mkdir -p data
exec build-release/server/ember-server --bind 127.0.0.1 --port 6379 --dir ./data "$@"
