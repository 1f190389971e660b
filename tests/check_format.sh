#!/bin/sh
# Fails when a project C file differs from what clang-format makes of it.
top=${1:-.}
cd "$top" || exit 2
command -v clang-format >/dev/null || { echo "clang-format missing"; exit 1; }
bad=$(git ls-files -co --exclude-standard -- '*.c' '*.h' | while read -r f; do
          [ -f "$f" ] && ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1 && echo "$f"
      done)
if [ -n "$bad" ]; then
    echo "not clang-formatted (run: clang-format -i FILE):"
    echo "$bad"
    exit 1
fi
echo "all C files formatted"
