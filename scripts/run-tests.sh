#!/usr/bin/env bash
# Builds Ember and runs every test: unit, in-process command tests, socket
# tests, the compatibility suite against a real redis-server, and the tests
# that drive redis-cli and redis-benchmark (whose packages are installed
# here, so none of those tests is ever skipped).
#
# Environment: EMBER_BUILD_DIR (default build), EMBER_BUILD_TYPE
# (RelWithDebInfo), EMBER_WERROR (OFF), EMBER_SANITIZE (OFF).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test
build_dir=${EMBER_BUILD_DIR:-build}
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S . -B "$build_dir" "${launcher[@]}" \
  -DCMAKE_BUILD_TYPE="${EMBER_BUILD_TYPE:-RelWithDebInfo}" \
  -DEMBER_WERROR="${EMBER_WERROR:-OFF}" \
  -DEMBER_SANITIZE="${EMBER_SANITIZE:-OFF}" >/dev/null
cmake --build "$build_dir" -j2
cd "$build_dir"
ctest --output-on-failure -j2 --timeout 600
