#!/bin/sh
# vcard-demo.sh: the virtual My Number card for the demo, on the pcscd that runs on this
# machine (Debian's vsmartcard-vpcd reader "Virtual PCD 00 00", port 35963).
#
#   tools/vcard/vcard-demo.sh start [N] [vcard options...]   place resident N's card (default 1)
#   tools/vcard/vcard-demo.sh remove | insert                 lift / place the card
#   tools/vcard/vcard-demo.sh stop                            end the virtual card
#   tools/vcard/vcard-demo.sh status
#
# The test CA and the card's state file (PIN tries) live in $VCARD_DEMO_DIR (default
# /tmp/vcard-demo); the PIN is 1234 unless --pin is given. VCARD names the program
# (default: build/tools/vcard/vcard of this checkout).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
dir=${VCARD_DEMO_DIR:-/tmp/vcard-demo}
vcard=${VCARD:-$top/build/tools/vcard/vcard}
pidf=$dir/vcard.pid

running() { [ -f "$pidf" ] && kill -0 "$(cat "$pidf")" 2>/dev/null; }

cmd=${1:-status}
[ $# -gt 0 ] && shift
case $cmd in
start)
    n=${1:-1}
    [ $# -gt 0 ] && shift
    case $n in '' | *[!0-9]*) echo "vcard-demo: N must be a number" >&2; exit 2 ;; esac
    if running; then
        echo "vcard-demo: already running (pid $(cat "$pidf")); stop it first" >&2
        exit 1
    fi
    [ -x "$vcard" ] || { echo "vcard-demo: no vcard program at $vcard (build first, or set VCARD)" >&2; exit 1; }
    mkdir -p "$dir"
    "$top/tools/testca/make-ca.sh" "$dir/testca" 3
    [ -f "$dir/testca/resident-$n.pem" ] || { echo "vcard-demo: no resident $n (1..3)" >&2; exit 2; }
    rm -f "$pidf"
    nohup "$vcard" --cert "$dir/testca/resident-$n.pem" --key "$dir/testca/resident-$n.key" \
        --ca-cert "$dir/testca/ca.pem" --state "$dir/resident-$n.state" --pid-file "$pidf" \
        "$@" >"$dir/vcard.log" 2>&1 &
    i=0
    while ! running && [ $i -lt 40 ]; do # the pid file appears once vcard takes signals
        sleep 0.05
        i=$((i + 1))
    done
    running || { echo "vcard-demo: vcard did not start:" >&2; cat "$dir/vcard.log" >&2; exit 1; }
    echo "vcard-demo: resident $n's card placed (pid $(cat "$pidf"), log $dir/vcard.log)"
    echo "  hub trust CA: $dir/testca/ca.pem   certificate: $dir/testca/resident-$n.pem"
    ;;
remove | insert)
    running || { echo "vcard-demo: not running (start it first)" >&2; exit 1; }
    if [ "$cmd" = remove ]; then sig=USR1; else sig=USR2; fi
    kill -"$sig" "$(cat "$pidf")"
    if [ "$cmd" = remove ]; then echo "vcard-demo: card lifted"; else echo "vcard-demo: card placed"; fi
    ;;
stop)
    if running; then kill "$(cat "$pidf")"; fi
    rm -f "$pidf"
    echo "vcard-demo: stopped"
    ;;
status)
    if running; then echo "running (pid $(cat "$pidf"))"; tail -n 3 "$dir/vcard.log"; else echo "not running"; fi
    ;;
*) echo "usage: vcard-demo.sh start [N] [options] | remove | insert | stop | status" >&2; exit 2 ;;
esac
