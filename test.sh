#!/usr/bin/env bash
# Builds ferry and the test suite in Release (build/) and runs it all; builds ferry, ferryctl and
# the unit tests with ASan+UBSan (build-asan/), runs those unit tests and every integration and
# soak test again against that ferry; runs the multi-threaded tests against a ThreadSanitizer
# ferry (build-tsan/); runs the fuzz targets for a short fixed number of runs (build-fuzz/).
# Installs the Debian packages that are missing first.
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
# The sanitizer builds compile ferry, ferryctl and the unit tests; the integration and soak tests
# (which only drive the ferry binary) are the Release build's, run again against that ferry.
against() {  # BUILD_DIR CTEST_ARGS...: build/'s integration and soak tests, BUILD_DIR's ferry
  local dir=$PWD/$1; shift
  stage "build: ctest against $dir/ferry"
  (cd build && FERRY_TEST_BIN=$dir/ferry FERRYCTL_TEST_BIN=$dir/ferryctl \
    ctest -j"$jobs" --output-on-failure --timeout 600 "$@")
}
asan=detect_leaks=1:abort_on_error=1 ubsan=print_stacktrace=1:halt_on_error=1
ASAN_OPTIONS=$asan UBSAN_OPTIONS=$ubsan run_suite build-asan -DCMAKE_BUILD_TYPE=Debug \
  -DFERRY_SANITIZE=ON -DFERRY_TESTS=ON -DFERRY_INTEGRATION_TESTS=OFF
# install_package installs and packages the Release build: nothing of build-asan's to test.
ASAN_OPTIONS=$asan UBSAN_OPTIONS=$ubsan against build-asan -R '^(integration|soak)/' \
  -E '^integration/install_package/'
# The multi-threaded tests once more under ThreadSanitizer: a data race fails them.
stage "build-tsan: configure and build (ferry + unit_core)"
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFERRY_TSAN=ON -DFERRY_TESTS=ON \
  -DFERRY_INTEGRATION_TESTS=OFF >/dev/null
cmake --build build-tsan -j"$jobs" --target ferry ferryctl unit_core
stage "build-tsan: ctest"
tsan=halt_on_error=1:second_deadlock_stack=1
(cd build-tsan && TSAN_OPTIONS=$tsan ctest -j"$jobs" --output-on-failure --timeout 600 \
  -R 'unit/core/a byte counter')
TSAN_OPTIONS=$tsan against build-tsan -R 'integration/(threads|queue_and_maxconn)/'
# The libFuzzer targets of fuzz/ (clang++, ASan+UBSan): each over its committed corpus (every
# crash found so far is kept there), then a fixed number of runs from a fixed seed.
stage "build-fuzz: configure and build the fuzz targets"
cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DFERRY_FUZZ=ON -DFERRY_TESTS=OFF >/dev/null
cmake --build build-fuzz -j"$jobs" --target fuzz
stage "build-fuzz: ctest"
(cd build-fuzz && ctest -j"$jobs" --output-on-failure --timeout 600)
stage "all test suites passed"
