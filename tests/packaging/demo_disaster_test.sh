#!/bin/sh
# demo_disaster_test.sh TOP HUBD HUBCTL: the disaster commands the demo prints
# (packaging/demolib.sh, docs/disaster.md "Demo"), run as printed against a real hubd on a hub
# set up as packaging/demo.sh sets it up (横須賀市 following JMA area 1310100, a second town,
# so every town command needs its --municipality): the weather warning reaches the home
# tablet's notices, the town's 避難指示 comes above it, the safety confirmation starts (the
# tablet is asked) and the staff view names who has not answered, and the clearing commands
# leave no notice. Each command must work as a resident's helper would paste it.
set -eu
top=$1
hubd=$2
hubctl=$3
# shellcheck source=testlib.sh
. "$(dirname "$0")/testlib.sh"
test_begin demodisaster
# shellcheck source=../../packaging/demolib.sh
. "$top/packaging/demolib.sh"
ctl="$hubctl --db $tmp/hub.db"

$ctl init --key "$tmp/hub.key" >/dev/null 2>&1
$ctl municipality-set --code 142018 --name 横須賀市 >/dev/null
$ctl resident-add --name "山田 花子" --district north-3 --deadline 10:00 >/dev/null
home=$($ctl device-add --kind home --resident 1 | field token)
$ctl jma-area-add --code 1310100 --name 千代田区 >/dev/null
staff=$($ctl staff-add --name "防災係 田中" | field token)
$ctl municipality-add --code 142034 --name 平塚市 >/dev/null
"$hubd" --db "$tmp/hub.db" --key "$tmp/hub.key" --listen 127.0.0.1 --port 0 --tick 0 \
    >"$tmp/hubd.out" 2>"$tmp/hubd.err" &
pids="$pids $!"
port=$(hubd_port) || fail "hubd did not start: $port"
url="http://127.0.0.1:$port"
titles() {
    curl -s -H "Authorization: Bearer $home" "$url/v1/notices" |
        python3 -c 'import json,sys; print(" ".join(n["title_ja"] for n in json.load(sys.stdin)["notices"]))'
}

out=$(eval "$(demo_warning_command "$ctl" 142018 "$top")" 2>&1) || fail "the warning: $out"
[ "$(titles)" = "大雨警報 雷注意報" ] || fail "after the warning the tablet is told: $(titles)"
out=$(eval "$(demo_evacuation_command "$ctl" 142018)" 2>&1) || fail "the evacuation order: $out"
notice=$(echo "$out" | field notice_id)
[ "$(titles)" = "避難指示 大雨警報 雷注意報" ] || fail "after the evacuation order: $(titles)"

out=$(eval "$(demo_safety_command "$url" "$staff")")
echo "$out" | grep -q '"safety_check":{"id":1,' || fail "the safety confirmation did not start: $out"
curl -s -H "Authorization: Bearer $home" "$url/v1/safety" | grep -q '"checks":\[{"id":1,' ||
    fail "the home tablet is not asked"
out=$(eval "$(demo_safety_view_command "$url" "$staff")")
echo "$out" | grep -q '"no_answer":\[{"resident_id":1,"display_name":"山田 花子"' ||
    fail "the staff view: $out"

out=$(eval "$(demo_clear_command "$ctl" 142018 "$top" "$notice")" 2>&1) || fail "clearing: $out"
[ -z "$(titles)" ] || fail "after clearing the tablet is still told: $(titles)"
echo "PASS: warning, evacuation order, safety confirmation and clearing as the demo prints them"
