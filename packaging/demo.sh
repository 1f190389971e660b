#!/bin/sh
# The demo, on a fresh Debian 12 machine as root: installs what it needs, builds, makes a
# fresh demo database (residents, a home tablet, a family member, a public kiosk), starts
# the hub, a private pcscd with the virtual My Number card, and opens the kiosk windows:
# home profile (check-in), family profile (sees the check-ins), public kiosk (card login).
# The family member's alerts (a 助けて press) arrive as a mail in a local mailbox
# (demo-run/notify/mailbox, from a local SMTP server with STARTTLS) and as a messaging webhook
# whose signature a local receiver checks (demo-run/notify/webhook.log); packaging/demolib.sh.
# Closing every kiosk window (or Ctrl-C) stops everything.
#
# Without a display ($DISPLAY unset) it runs the same on a virtual X display for
# DEMO_SECONDS (default 15) and saves a screenshot of each window in demo-run/.
#
# The virtual card starts lifted. Place / lift it from another terminal with
#   kill -USR2 $(cat demo-run/vcard.pid)    # place the card   (PIN 1234)
#   kill -USR1 $(cat demo-run/vcard.pid)    # lift the card
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
work=$top/demo-run

if [ -z "${DEMO_IN_NAMESPACE:-}" ]; then
    "$top/packaging/install-deps.sh"
    cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build "$build" -j "$(nproc)" --target hubd hubctl kiosk vcard demodata opreceiver >/dev/null
    # A private mount namespace gives this demo its own /run/pcscd, so it never disturbs a
    # pcscd of the machine's (whose socket path is fixed at build time).
    exec unshare -m env DEMO_IN_NAMESPACE=1 "$0" "$@"
fi

pids=""
cleanup() {
    trap - EXIT INT TERM
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    for p in $pids; do wait "$p" 2>/dev/null || true; done
    echo "demo: stopped"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# field, wait_port and the alert notifications' receivers (demo_notify_start)
. "$top/packaging/demolib.sh"

rm -rf "$work" && mkdir -p "$work"
hubctl="$build/hub/hubctl --db $work/hub.db"

echo "demo: test CA and card certificates"
"$top/tools/testca/make-ca.sh" "$work/testca" 4

echo "demo: a fresh hub database with demo residents"
$hubctl init --key "$work/hub.key" >/dev/null
# Two towns share the hub (docs/hub.md "Several municipalities"): the first is the hub's
# town 1, named here; the second, 平塚市, is added after the first town's seeding.
$hubctl municipality-set --code 142018 --name 横須賀市 --hours "8:30〜17:15（土日祝は休み）" \
    --contact "福祉課 046-822-4000" >/dev/null
ids="--insurer 00012345 --symbol あいう --branch 00"
r1=$($hubctl resident-add --name "山田 花子" --district "north-3" --deadline 10:00 \
    --cert "$work/testca/resident-1.pem" $ids --insured 1871 --address "北町3-1-2" |
    field resident_id)
$hubctl resident-add --name "佐藤 正男" --district "north-3" --deadline 09:30 \
    --cert "$work/testca/resident-2.pem" $ids --insured 1872 --address "北町3-5-8" >/dev/null
$hubctl resident-add --name "鈴木 トメ" --district "south-1" --deadline 11:00 \
    --cert "$work/testca/resident-3.pem" $ids --insured 1873 --address "南町1-9" >/dev/null
home_token=$($hubctl device-add --kind home --resident "$r1" --label "山田さんの見守り端末" |
    field token)
family_out=$($hubctl family-add --name "山田 一郎" --resident "$r1" --relation "長男")
family_token=$(echo "$family_out" | field token)
family_id=$(echo "$family_out" | field family_id)
public_token=$($hubctl device-add --kind public --label "中央図書館 1" | field token)
# disaster notices and safety confirmation: the town's JMA area (the test telegrams' 千代田区,
# the whole town) and a member of the city's staff who starts confirmations
$hubctl jma-area-add --code 1310100 --name 千代田区 >/dev/null
staff_token=$($hubctl staff-add --name "防災係 田中" | field token)

echo "demo: a shopping operator's receiver (prints what the operator receives)"
secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw # demo only
OPRECEIVER_SECRET=$secret "$build/tools/opreceiver/opreceiver" --log "$work/operator.log" \
    >"$work/opreceiver.out" 2>&1 &
pids="$pids $!"
op_port=$(wait_port "$work/opreceiver.out" "listening ") ||
    { echo "demo: the operator's receiver did not start"; exit 1; }

echo "demo: several years of checkups from two sources, consents, an operator with a catalogue"
"$top/tools/demodata/seed-demo.sh" "$build" "$work/hub.db" "$work/seed" \
    "http://127.0.0.1:$op_port/orders" "$secret" >"$work/seed.txt"

echo "demo: a second town on the same hub: 平塚市, its resident and its library kiosk"
$hubctl municipality-add --code 142034 --name 平塚市 --hours "9:00〜17:00" \
    --contact "高齢福祉課 0463-21-8777" >/dev/null
town2="--municipality 142034"
$hubctl resident-add $town2 --name "高橋 ハル" --district "north-3" --deadline 10:00 \
    --cert "$work/testca/resident-4.pem" $ids --insured 1874 --address "平塚 1-1" >/dev/null
public2_token=$($hubctl device-add $town2 --kind public --label "平塚市中央図書館" | field token)

echo "demo: 山田 一郎's alerts by mail and messaging webhook, received on this machine"
demo_notify_start "$top" "$build" "$work/notify" "$hubctl" 142018 "$family_id" \
    ichiro@example.jp || exit 1

echo "demo: starting the hub"
# shellcheck disable=SC2086 # notify_hubd_args is a list of options
"$build/hub/hubd" --db "$work/hub.db" --listen 127.0.0.1 --port 0 --key "$work/hub.key" \
    --trust-ca "$work/testca/ca.pem" $notify_hubd_args >"$work/hubd.out" 2>"$work/hubd.log" &
pids="$pids $!"
port=$(wait_port "$work/hubd.out" "listening on ") ||
    { echo "demo: the hub did not start:"; cat "$work/hubd.log"; exit 1; }
url=http://127.0.0.1:$port
echo "demo: hub at $url (log: $work/hubd.log)"

echo "demo: a private pcscd with a virtual reader, and the virtual card (lifted)"
mkdir -p /run/pcscd "$work/reader.conf.d"
mount -t tmpfs tmpfs /run/pcscd
vpcd_port=35990
cat >"$work/reader.conf.d/vpcd" <<CONF
FRIENDLYNAME "Virtual PCD"
DEVICENAME /dev/null:0x$(printf '%X' $vpcd_port)
LIBPATH /usr/lib/pcsc/drivers/serial/libifdvpcd.so
CHANNELID 0x$(printf '%X' $vpcd_port)
CONF
pcscd -f -c "$work/reader.conf.d" >"$work/pcscd.log" 2>&1 &
pids="$pids $!"
"$build/tools/vcard/vcard" --cert "$work/testca/resident-1.pem" \
    --key "$work/testca/resident-1.key" --ca-cert "$work/testca/ca.pem" \
    --state "$work/card.state" --port "$vpcd_port" --removed \
    --pid-file "$work/vcard.pid" >"$work/vcard.log" 2>&1 &
pids="$pids $!"

headless=
if [ -z "${DISPLAY:-}" ]; then
    headless=1
    Xvfb :77 -screen 0 1920x1080x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
    pids="$pids $!"
    export DISPLAY=:77
    sleep 1
    echo "demo: no display; running on a virtual display for ${DEMO_SECONDS:-15} s"
fi

kiosks=""
start_kiosk() { # NAME PROFILE TOKEN [kiosk options...]
    name=$1 profile=$2 token=$3
    shift 3
    script=""
    if [ -n "$headless" ]; then
        script="sleep:$((${DEMO_SECONDS:-15} * 1000));shot:$work/$name.png;quit"
    fi
    "$build/platform/sdl/kiosk" --set "profile=$profile" --set "hub_url=$url" \
        --set "token=$token" "$@" ${script:+--script "$script" --script-timeout 600000} \
        >"$work/kiosk-$name.log" 2>&1 &
    kiosks="$kiosks $!"
}
start_kiosk home home "$home_token" --set "outbox_path=$work/outbox.db"
start_kiosk family family "$family_token"
start_kiosk public public "$public_token"
start_kiosk public2 public "$public2_token"
echo "demo: kiosk windows open: home (山田 花子's tablet), family (山田 一郎), public kiosk"
echo "demo: of 横須賀市, and 平塚市's public kiosk (山田 花子's card there: another town's card)"
echo "demo: what the operator receives is printed to $work/operator.log"
echo "demo: place the card: kill -USR2 \$(cat $work/vcard.pid)   lift: kill -USR1 ...  (PIN 1234)"
echo "demo: a weather warning (JMA telegram) on every screen: $(demo_warning_command "$hubctl" 142018 "$top")"
echo "demo: the town's evacuation order above it: $(demo_evacuation_command "$hubctl" 142018)"
echo "demo: cleared: $(demo_clear_command "$hubctl" 142018 "$top" N)  (N: the notice_id notice-add printed)"
echo "demo: a safety confirmation (ぶじですか on the home tablet within 30 s): $(demo_safety_command "$url" "$staff_token")"
echo "demo: who answered: $(demo_safety_view_command "$url" "$staff_token")"
echo "demo: 助けて: press it in the home window, or: $(demo_help_command "$url" "$home_token")"
echo "demo: 山田 一郎 is told at once: the mail lands in $work/notify/mailbox (read it decoded: /usr/bin/python3 $top/tools/demomail/demomail.py --show $work/notify/mailbox),"
echo "demo: the messaging webhook (signature checked) in $work/notify/webhook.log"
for k in $kiosks; do wait "$k" || true; done
[ -n "$headless" ] && ls "$work"/*.png 2>/dev/null | sed 's/^/demo: screenshot /'
exit 0
