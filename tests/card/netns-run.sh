#!/bin/sh
# netns-run.sh PROGRAM [ARGS...]: runs PROGRAM in a private mount + network namespace with
# its own loopback and its own tmpfs on /run/pcscd, so the pcscd it starts (its socket
# path is fixed at build time) and the vpcd port (35963) never clash with a system pcscd
# or with other tests running in parallel (ctest -j). Needs root (CI and the dev box are).
set -eu
if [ "${CARD_NETNS_INNER:-}" != 1 ]; then
    mkdir -p /run/pcscd # the mount point must exist; the system's copy is left untouched
    CARD_NETNS_INNER=1 exec unshare -m -n "$0" "$@"
fi
ip link set lo up
mount -t tmpfs -o mode=0755 tmpfs /run/pcscd
exec "$@"
