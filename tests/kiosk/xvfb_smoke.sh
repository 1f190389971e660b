#!/bin/sh
# Smoke test in a real X window: the kiosk opens a window under Xvfb; a screenshot of the
# X root (xwd) and the kiosk's own window capture must both show more than a blank screen.
#   xvfb_smoke.sh KIOSK WORKDIR
set -u
kiosk=$1 dir=$2
rm -rf "$dir"
mkdir -p "$dir"
command -v xvfb-run >/dev/null || { echo "xvfb-run missing (package xvfb)"; exit 1; }
command -v xwd >/dev/null || { echo "xwd missing (package x11-apps)"; exit 1; }
export SDL_AUDIODRIVER=dummy
# In a sanitizer build, LeakSanitizer reports what libdbus and the X/GL drivers SDL loads
# keep at exit (not the kiosk's memory: the offscreen tests run with leak checks on).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
xvfb-run -a -s "-screen 0 1280x800x24" sh -c '
    "$1" --set profile=public --script "sleep:2500;shot:$2/window.png" >"$2/kiosk.out" 2>&1 &
    pid=$!
    sleep 1.5
    xwd -root -silent >"$2/root.xwd"
    wait $pid
' sh "$kiosk" "$dir"
rc=$?
[ $rc = 0 ] || { echo "FAIL: kiosk under Xvfb exited $rc: $(cat "$dir/kiosk.out")"; exit 1; }
python3 - "$dir/root.xwd" "$dir/window.png" <<'PY' || exit 1
import struct, sys
data = open(sys.argv[1], 'rb').read()
hdr = struct.unpack('>25I', data[:100])
header_size, ncolors, width, height = hdr[0], hdr[19], hdr[4], hdr[5]
pix = data[header_size + ncolors * 12:]
colours = set(pix[i:i + 4] for i in range(0, len(pix) - 4, 4 * 97))
print("xwd root %dx%d: %d distinct pixel values sampled" % (width, height, len(colours)))
if len(colours) < 3:
    print("FAIL: the X screen is blank")
    sys.exit(1)
png = open(sys.argv[2], 'rb').read()
if png[:8] != b'\x89PNG\r\n\x1a\n' or len(png) < 2000:
    print("FAIL: the window capture is missing or blank (%d bytes)" % len(png))
    sys.exit(1)
print("window capture: %d bytes" % len(png))
PY
echo "xvfb smoke: passed"
