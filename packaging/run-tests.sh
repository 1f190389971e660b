#!/bin/sh
# The whole test suite, from a fresh Debian 12 machine (as root) to a verdict:
#   1. installs every package it needs (packaging/install-deps.sh),
#   2. builds with gcc, warnings as errors, and runs every test (ctest),
#   3. builds again with clang + AddressSanitizer + UndefinedBehaviorSanitizer (which also
#      builds the libFuzzer targets) and runs every test again, fuzzers briefly.
# Exit status is non-zero when any build or test fails. Build trees: build/, build-asan/.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

jobs=${JOBS:-$(nproc)}

"$top/packaging/install-deps.sh"

status=0
run_suite() {
    dir=$1
    shift
    echo "=== configure $dir: $*"
    cmake -S "$top" -B "$top/$dir" "$@" >/dev/null || return 1
    echo "=== build $dir"
    cmake --build "$top/$dir" -j "$jobs" || return 1
    echo "=== test $dir"
    ctest --test-dir "$top/$dir" --output-on-failure -j "$jobs" --timeout 600
}

run_suite build -DCMAKE_BUILD_TYPE=RelWithDebInfo || status=1
CC=clang run_suite build-asan -DCMAKE_BUILD_TYPE=Debug -DSANITIZE=ON || status=1

if [ "$status" -eq 0 ]; then
    echo "run-tests: all suites passed"
else
    echo "run-tests: FAILED"
fi
exit "$status"
