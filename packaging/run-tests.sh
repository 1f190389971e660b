#!/bin/sh
# The whole test suite, from a fresh Debian 12 machine (as root) to a verdict:
#   1. installs every package it needs (packaging/install-deps.sh),
#   2. builds with gcc, warnings as errors, and runs every test (ctest),
#   3. builds an optimised Release with Debian's build flags (dpkg-buildflags) to prove it
#      builds as shipped, and builds and checks the Debian packages from it (ctest -L
#      packaging),
#   4. builds again with clang + AddressSanitizer + UndefinedBehaviorSanitizer (which also
#      builds the libFuzzer targets) and runs every test again, fuzzers briefly.
# Exit status is non-zero when any build or test fails. Build trees: build/, build-release/,
# build-asan/.
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

# The optimised variant with Debian's own build flags (-O2, fortify, stack protector,
# hardening): -O3 and fortify see warnings -O2 does not, and warnings are errors. Built,
# not run again: the two runs above test the code; this one proves it builds as shipped.
echo "=== configure build-release: Release with dpkg-buildflags"
if (eval "$(dpkg-buildflags --export=sh)" &&
    cmake -S "$top" -B "$top/build-release" -DCMAKE_BUILD_TYPE=Release >/dev/null &&
    cmake --build "$top/build-release" -j "$jobs" >"$top/build-release.log" 2>&1); then
    echo "=== build-release: built"
    # The Debian packages as shipped: built from this tree (Debian's flags) and checked.
    ctest --test-dir "$top/build-release" --output-on-failure -L packaging || status=1
else
    cat "$top/build-release.log"
    echo "=== build-release: FAILED"
    status=1
fi
CC=clang run_suite build-asan -DCMAKE_BUILD_TYPE=Debug -DSANITIZE=ON || status=1

if [ "$status" -eq 0 ]; then
    echo "run-tests: all suites passed"
else
    echo "run-tests: FAILED"
fi
exit "$status"
