#!/usr/bin/env bash
# Builds ferry twice (Release in build/, ASan+UBSan in build-asan/) and runs the whole test
# suite with ctest in both, then the multi-threaded tests under ThreadSanitizer (build-tsan/) and
# the fuzz targets for a short fixed number of runs (build-fuzz/). Installs the Debian packages that are missing first.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/packages.sh
scripts/install-deps.sh "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"

jobs=$(nproc)
# Each stage's time, so that the suite's cost stays visible (the brief: under 20 minutes).
stage() { echo "=== $1 (at $((SECONDS / 60))m$((SECONDS % 60))s)"; }
run_suite() {  # DIR CMAKE_ARGS...
  local dir=$1; shift
  stage "$dir: configure and build"
  cmake -S . -B "$dir" "$@" >/dev/null
  cmake --build "$dir" -j"$jobs"
  stage "$dir: ctest"
  (cd "$dir" && ctest -j"$jobs" --output-on-failure --timeout 600)
}

run_suite build -DCMAKE_BUILD_TYPE=Release -DFERRY_TESTS=ON
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_suite build-asan -DCMAKE_BUILD_TYPE=Debug -DFERRY_SANITIZE=ON -DFERRY_TESTS=ON
# The multi-threaded tests once more under ThreadSanitizer: a data race fails them.
stage "build-tsan: configure and build (ferry + the nbthread tests)"
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFERRY_TSAN=ON -DFERRY_TESTS=ON >/dev/null
cmake --build build-tsan -j"$jobs" --target ferry ferryctl integ_threads integ_queue_and_maxconn unit_core
stage "build-tsan: ctest"
(cd build-tsan && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
  ctest -j"$jobs" --output-on-failure --timeout 600 -R 'integration/(threads|queue_and_maxconn)/|unit/core/a byte counter')
# The libFuzzer targets of fuzz/ (clang++, ASan+UBSan): each over its committed corpus (every
# crash found so far is kept there), then a fixed number of runs from a fixed seed.
stage "build-fuzz: configure and build the fuzz targets"
cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DFERRY_FUZZ=ON -DFERRY_TESTS=OFF >/dev/null
cmake --build build-fuzz -j"$jobs" --target fuzz
stage "build-fuzz: ctest"
(cd build-fuzz && ctest -j"$jobs" --output-on-failure --timeout 600)
stage "all test suites passed"
