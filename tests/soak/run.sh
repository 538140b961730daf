#!/usr/bin/env bash
# The long form of the soak tests (the suite runs them for 3 seconds each).
#
#   tests/soak/run.sh [SECONDS] [BUILD_DIR]
#       Builds the soak program and ferry in BUILD_DIR (default build/, Release unless it is
#       configured otherwise), then runs each soak test for SECONDS (default 300) of traffic:
#       checksummed traffic through faults, then hostile clients. Each prints what it moved,
#       injected and measured; the exit status is non-zero if any check failed. With
#       FERRY_TEST_BIN set, the tests drive that ferry instead (a sanitizer build's, say).
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-300}
build=${2:-$src/build}

if [[ ! -f $build/CMakeCache.txt ]]; then
  cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DFERRY_TESTS=ON >/dev/null
fi
cmake --build "$build" -j"$(nproc)" --target ferry soak
FERRY_SOAK_SECONDS=$seconds "$build/tests/soak" --duration=true
