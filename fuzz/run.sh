#!/usr/bin/env bash
# Runs one libFuzzer target of fuzz/ (see fuzz/CMakeLists.txt for what a target is).
#
#   fuzz/run.sh TARGET SECONDS [LIBFUZZER_ARGS...]
#       Fuzzes TARGET for SECONDS (one process). Configures and builds build-fuzz/ first (clang++,
#       ASan+UBSan). New inputs that reach new code are kept in build-fuzz/fuzz/found/TARGET, so
#       the next run carries on from them; a crash is saved as build-fuzz/fuzz/artifacts/TARGET/
#       crash-* and the run stops. Fix it, then commit the (minimized) input to
#       fuzz/corpus/TARGET/ as a regression.
#   fuzz/run.sh --runs N TARGET
#       The regression form ctest runs: every input of fuzz/corpus/TARGET, then N runs from a fixed
#       seed. Uses the build of $FERRY_FUZZ_BUILD (default build-fuzz/) as it is.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${FERRY_FUZZ_BUILD:-$src/build-fuzz}

runs=""
if [[ ${1:-} == --runs ]]; then
  runs=$2
  shift 2
fi
if [[ $# -lt 1 || ( -z $runs && $# -lt 2 ) ]]; then
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
target=$1
shift
if [[ ! -f $src/fuzz/$target.cpp ]]; then
  echo "fuzz/run.sh: no target '$target'; targets: $(cd "$src/fuzz" && ls *.cpp | sed 's/\.cpp$//' | xargs)" >&2
  exit 2
fi

if [[ -z $runs ]]; then
  cmake -S "$src" -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DFERRY_FUZZ=ON -DFERRY_TESTS=OFF >/dev/null
  cmake --build "$build" -j"$(nproc)" --target "fuzz_$target"
fi

args=(-artifact_prefix="$build/fuzz/artifacts/$target/" -print_final_stats=1)
[[ -f $src/fuzz/$target.dict ]] && args+=(-dict="$src/fuzz/$target.dict")
mkdir -p "$build/fuzz/artifacts/$target"
if [[ -n $runs ]]; then
  # New inputs go to a scratch directory: the committed corpus is only read.
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  "$build/fuzz/fuzz_$target" "${args[@]}" -runs="$runs" -seed=1 "$scratch" "$src/fuzz/corpus/$target"
else
  seconds=$1
  shift
  mkdir -p "$build/fuzz/found/$target"
  "$build/fuzz/fuzz_$target" "${args[@]}" -max_total_time="$seconds" "$@" \
    "$build/fuzz/found/$target" "$src/fuzz/corpus/$target"
fi
