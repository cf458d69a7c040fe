#!/usr/bin/env bash
# Installs the Debian packages Ember needs, and only those missing, so that a
# second run is quick. Usage: scripts/install-deps.sh build|test
set -euo pipefail

build_pkgs=(g++ cmake make libasio-dev libfmt-dev
  pkg-config libcpp-httplib-dev libsqlite3-dev nlohmann-json3-dev)  # the last four: demos/
test_pkgs=(googletest libgtest-dev libgmock-dev libbenchmark-dev redis-server redis-tools)

wanted=("${build_pkgs[@]}")
if [[ "${1:-build}" == "test" ]]; then
  wanted+=("${test_pkgs[@]}")
fi

missing=()
for p in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [[ ${#missing[@]} -gt 0 ]]; then
  echo "Installing: ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -qq
  # The tests start their own redis-server on free ports; the package's
  # service is not needed, so do not let the install start it.
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi
