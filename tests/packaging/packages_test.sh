#!/bin/sh
# packages_test.sh BUILD_DIR: builds the Debian packages from BUILD_DIR (cpack) and checks
# them without installing anything on this machine: lintian with no errors, the units pass
# `systemd-analyze verify`, and the files unpacked with `dpkg -x` into a temporary root
# run: hubd with the unit's own command line answers /v1/health and speaks systemd's
# notify protocol (READY=1; WATCHDOG=1 while its writer commits; none while it is stopped
# with SIGSTOP or cannot commit); the kiosk draws its first frame offscreen, and under
# cage's headless backend draws the home screen (captured with grim, checked non-blank).
# The restart-by-systemd checks run only where systemd is PID 1 (else: said, skipped).
set -eu
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/pkgtest.XXXXXX)
chmod 755 "$tmp"
pids=""
cleanup() {
    for p in $pids; do kill -CONT "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }
# shellcheck source=testlib.sh
. "$(dirname "$0")/testlib.sh"

echo "== cpack (packages into $tmp/debs)"
cpack -G DEB -B "$tmp/debs" --config "$build/CPackConfig.cmake" >"$tmp/cpack.log" 2>&1 ||
    { cat "$tmp/cpack.log"; fail "cpack"; }
set -- "$tmp"/debs/*.deb
[ $# -eq 3 ] || fail "expected 3 packages, got: $*"
for d in "$@"; do
    echo "package: $(basename "$d")"
    dpkg-deb -f "$d" Depends
done

echo "== lintian"
lintian --tag-display-limit 0 "$@" >"$tmp/lintian.log" 2>&1 || true
cat "$tmp/lintian.log"
if grep -q '^E:' "$tmp/lintian.log"; then fail "lintian reports errors"; fi

root=$tmp/root
mkdir -p "$root"
for d in "$@"; do dpkg -x "$d" "$root"; done
hubunit=$root/lib/systemd/system/linkage-hub.service
kioskunit=$root/lib/systemd/system/linkage-kiosk.service
[ -f "$hubunit" ] && [ -f "$kioskunit" ] || fail "units missing from the packages"

echo "== systemd-analyze verify"
# The units name /usr/bin/hubd etc., which are not installed here: verify copies that point
# at the unpacked files instead (everything else, cage included, as shipped).
mkdir -p "$tmp/units"
for u in "$hubunit" "$kioskunit"; do
    sed "s#/usr/bin/\(hubd\|hubctl\|kiosk\) #$root/usr/bin/\1 #g" "$u" >"$tmp/units/$(basename "$u")"
done
systemd-analyze verify "$tmp/units/linkage-hub.service" "$tmp/units/linkage-kiosk.service" ||
    fail "systemd-analyze verify"
echo "units verify"
# The system users the maintainer scripts create, as systemd-sysusers would (dry run).
systemd-sysusers --dry-run "$root"/usr/lib/sysusers.d/linkage-*.conf >"$tmp/sysusers.log" 2>&1 ||
    { cat "$tmp/sysusers.log"; fail "sysusers.d files"; }

echo "== hubd from the package, with the unit's command line"
state=$tmp/state
mkdir -p "$state"
unitcmd() { # the unit's KEY= line, with the package's paths and a private state folder
    sed -n "s/^$1=//p" "$hubunit" | sed "s#/usr/bin/#$root/usr/bin/#g; s#/var/lib/linkage-hub#$state#g"
}
# shellcheck disable=SC1090,SC1091
. "$root/etc/linkage-hub/hubd.conf"
pre=$(unitcmd ExecStartPre)
start=$(unitcmd ExecStart | sed "s#\$HUBD_OPTIONS#$HUBD_OPTIONS#")
echo "ExecStartPre: $pre"
echo "ExecStart:    $start --port 0"
$pre >/dev/null || fail "ExecStartPre"
python3 "$here/notify_listen.py" "$tmp/notify" "$tmp/notify.log" &
pids="$pids $!"
i=0
until grep -q BOUND "$tmp/notify.log" 2>/dev/null; do
    i=$((i + 1)); [ $i -lt 100 ] || fail "notify listener did not start"; sleep 0.05
done
# The test's own port (0 = any free one) after the unit's options: the last one counts.
# WATCHDOG_USEC=2 s: hubd feeds the watchdog at most every 0.5 s, an idle writer every 1 s.
t0=$(date +%s.%N)
NOTIFY_SOCKET=$tmp/notify WATCHDOG_USEC=2000000 $start --port 0 >"$tmp/hubd.out" 2>"$tmp/hubd.err" &
hubd=$!
pids="$pids $hubd"
port=$(hubd_port) || fail "hubd did not start: $port"
health=$(curl -sS --max-time 5 "http://127.0.0.1:$port/v1/health") || fail "no answer on /v1/health"
t1=$(date +%s.%N)
echo "health: $health"
echo "$health" | grep -q '"status":"ok"' || fail "health is not ok"
echo "hubd_start_to_healthy_ms=$(python3 -c "print(round(($t1 - $t0) * 1000))")"

echo "== notify protocol (systemd's messages on a socket this test opens)"
count() { # count MESSAGE FROM TO: messages between two monotonic times
    awk -v m="$1" -v a="$2" -v b="$3" '$2 == m && $1 >= a && $1 <= b' "$tmp/notify.log" | wc -l
}
mono() { python3 -c 'import time; print("%.3f" % time.monotonic())'; }
i=0
until grep -q ' READY=1' "$tmp/notify.log"; do
    i=$((i + 1)); [ $i -lt 100 ] || fail "no READY=1"; sleep 0.05
done
echo "READY=1 received"
a=$(mono); sleep 4; b=$(mono)
n=$(count WATCHDOG=1 "$a" "$b")
echo "WATCHDOG=1 while the writer commits (4 s): $n"
[ "$n" -ge 2 ] || fail "the writer did not feed the watchdog"

kill -STOP "$hubd"
sleep 0.3 # a datagram sent just before the stop may still be on its way
a=$(mono); sleep 3; b=$(mono)
kill -CONT "$hubd"
n=$(count WATCHDOG=1 "$a" "$b")
echo "WATCHDOG=1 while hubd is stopped with SIGSTOP (3 s): $n"
[ "$n" -eq 0 ] || fail "watchdog fed while stopped"

# Another process holds the write lock for 4 s: the writer cannot commit, so it must not
# feed. The locker notes when it held the lock (monotonic, the listener's clock).
python3 - "$state/hub.db" "$tmp/locked" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
db.execute("BEGIN IMMEDIATE")
held = time.monotonic()
time.sleep(4)
released = time.monotonic()
db.execute("ROLLBACK")
open(sys.argv[2], "w").write("%.3f %.3f\n" % (held + 0.2, released))
PY
read -r a b <"$tmp/locked"
n=$(count WATCHDOG=1 "$a" "$b")
echo "WATCHDOG=1 while the database is locked by another process (3.8 s): $n"
[ "$n" -eq 0 ] || fail "watchdog fed while the writer could not commit"
a=$(mono); sleep 4; b=$(mono)
n=$(count WATCHDOG=1 "$a" "$b")
echo "WATCHDOG=1 after the lock is released (4 s): $n"
[ "$n" -ge 2 ] || fail "the writer did not resume feeding"
kill -TERM "$hubd"
wait "$hubd" || fail "hubd did not stop cleanly"
grep -q ' STOPPING=1' "$tmp/notify.log" || fail "no STOPPING=1"
echo "STOPPING=1 received"

echo "== under systemd"
if [ "$(cat /proc/1/comm 2>/dev/null)" = systemd ] && [ -d /run/systemd/system ]; then
    sh "$here/systemd_restart.sh" "$root" "$state"
else
    echo "SKIPPED: systemd is not PID 1 on this machine (PID 1 is" \
        "\"$(cat /proc/1/comm 2>/dev/null)\"), so the restart after SIGKILL and the" \
        "watchdog restart after SIGSTOP cannot run; the notifications they rely on were" \
        "checked above"
fi

echo "== the kiosk from the package: first frame"
kiosk=$root/usr/bin/kiosk
data=$root/usr/share/kiosk
kset="--set font_dir=$data/fonts --set assets_dir=$data/assets"
# shellcheck disable=SC2086
SDL_VIDEODRIVER=dummy "$kiosk" --config "$root/etc/linkage-kiosk/kiosk.conf" $kset \
    --offscreen --first-frame-exit >"$tmp/kiosk.out" 2>"$tmp/kiosk.err" ||
    { cat "$tmp/kiosk.err"; fail "the installed kiosk did not draw"; }
cat "$tmp/kiosk.out"
grep -q first_frame_ms "$tmp/kiosk.out" || fail "no first frame"

echo "== the kiosk session: cage (headless) + the kiosk, captured with grim"
# cage refuses to run as root: the session runs as nobody, as the unit runs it as its own
# user, with the unit's environment and command line.
xdg=$tmp/xdg
mkdir -m 700 "$xdg"
chown nobody "$xdg" "$tmp"
chmod 777 "$tmp"
env=$(sed -n 's/^Environment=//p' "$kioskunit")
cmd=$(sed -n 's/^ExecStart=//p' "$kioskunit" | sed "s#/usr/bin/kiosk #$kiosk #; s#/etc/linkage-kiosk#$root/etc/linkage-kiosk#")
echo "session: $env $cmd $kset"
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups env XDG_RUNTIME_DIR="$xdg" "$@"; }
# shellcheck disable=SC2086
as_nobody $env WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1 \
    NOTIFY_SOCKET="$tmp/knotify" timeout 60 $cmd $kset >"$tmp/cage.log" 2>&1 &
cage=$!
pids="$pids $cage"
python3 "$here/notify_listen.py" "$tmp/knotify" "$tmp/knotify.log" &
pids="$pids $!"
chmod 777 "$tmp/knotify" 2>/dev/null || true
i=0
until [ -S "$xdg/wayland-0" ] && grep -q ' READY=1' "$tmp/knotify.log" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -ge 300 ] || ! kill -0 "$cage" 2>/dev/null; then
        cat "$tmp/cage.log"; fail "the kiosk session did not draw a frame"
    fi
    chmod 777 "$tmp/knotify" 2>/dev/null || true
    sleep 0.1
done
echo "kiosk under cage: READY=1"
sleep 1
as_nobody WAYLAND_DISPLAY=wayland-0 grim -t ppm "$tmp/home.ppm" || { cat "$tmp/cage.log"; fail "grim"; }
python3 - "$tmp/home.ppm" <<'PY' || fail "the captured screen is blank"
import sys
d = open(sys.argv[1], "rb").read()
magic, size, maxv, px = d.split(b"\n", 3)
colours = {px[i:i + 3] for i in range(0, len(px) - 2, 3 * 31)}
print("captured %s pixels, %d colours sampled" % (size.decode(), len(colours)))
sys.exit(0 if len(colours) >= 8 else 1)
PY
echo "packaging: all checks passed"
