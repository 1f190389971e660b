#!/bin/sh
# Fails when a project C file differs from what clang-format makes of it. The files go to
# clang-format many at a time (xargs): a process a file was most of this test's time.
top=${1:-.}
cd "$top" || exit 2
command -v clang-format >/dev/null || { echo "clang-format missing"; exit 1; }
out=$(git ls-files -co --exclude-standard -z -- '*.c' '*.h' |
      xargs -0 -r sh -c 'for f; do [ -f "$f" ] && printf "%s\0" "$f"; done' sh |
      xargs -0 -r clang-format --dry-run -Werror 2>&1)
status=$?
# clang-format names each file at each place it would change: FILE:LINE:COL: error: ...
bad=$(printf '%s\n' "$out" |
      sed -n 's/^\([^ :][^:]*\):[0-9]*:[0-9]*: error: code should be clang-formatted.*/\1/p' |
      sort -u)
if [ -n "$bad" ]; then
    echo "not clang-formatted (run: clang-format -i FILE):"
    echo "$bad"
    exit 1
fi
if [ "$status" -ne 0 ]; then
    echo "clang-format failed:"
    printf '%s\n' "$out"
    exit 1
fi
echo "all C files formatted"
