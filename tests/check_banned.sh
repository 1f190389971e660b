#!/bin/sh
# Fails when a project C file calls an unbounded or unchecked libc function.
# Use snprintf, strtol/strtoul with checks, memcpy with a known length instead.
top=${1:-.}
cd "$top" || exit 2
hits=$(git ls-files -co --exclude-standard -- '*.c' '*.h' 2>/dev/null |
       xargs -r grep -H -n -E '\b(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|atof|strtok)[[:space:]]*\(' |
       grep -v 'check_banned')
if [ -n "$hits" ]; then
    echo "banned calls:"
    echo "$hits"
    exit 1
fi
echo "no banned calls"
