#!/bin/sh
# The family tablet's view of a safety confirmation, end to end on real parts: a real hub
# (hubd on 127.0.0.1, ephemeral port, a fresh database made with hubctl), a headless family
# kiosk (--script, layout dumps) polling every 5 s (family_refresh_s), and the resident's
# headless home kiosk. Staff start a check (POST /v1/safety-checks); the family screen says
# まだ 答えていません; the resident taps ぶじです on the home tablet; the family screen, with
# no tap, says 「ぶじです」と 答えました within its poll (the script's step timeout is three
# periods); the resident then answers 助けが いる through the API as the device; the family
# screen says so with what to do, and one tap opens the check's page with 119.
#   e2e_famsafety.sh KIOSK HUBD HUBCTL WORKDIR
set -u
kiosk=$1 hubd=$2 hubctl=$3 dir=$4
rm -rf "$dir"
mkdir -p "$dir"
db=$dir/hub.db
. "$(dirname "$0")/e2elib.sh"

"$hubctl" --db "$db" init >"$dir/init.out" 2>&1 || { echo "hubctl init failed"; cat "$dir/init.out"; exit 1; }
"$hubctl" --db "$db" resident-add --name "山田 花子" --district 中央 --deadline 23:59 >"$dir/res.out" 2>&1
rid=$(val resident_id "$dir/res.out")
"$hubctl" --db "$db" device-add --kind home --resident "$rid" >"$dir/dev.out" 2>&1
dev=$(val token "$dir/dev.out")
"$hubctl" --db "$db" family-add --name "山田 太郎" --resident "$rid" >"$dir/fam.out" 2>&1
fam=$(val token "$dir/fam.out")
# two neighbours asked by the same check: one answers through the API, one never does
"$hubctl" --db "$db" resident-add --name "住民 二" --district 中央 --deadline 23:59 >"$dir/res2.out" 2>&1
"$hubctl" --db "$db" resident-add --name "住民 三" --district 東 --deadline 23:59 >"$dir/res3.out" 2>&1
rid2=$(val resident_id "$dir/res2.out") rid3=$(val resident_id "$dir/res3.out")
"$hubctl" --db "$db" device-add --kind home --resident "$rid2" >"$dir/dev2.out" 2>&1
dev2=$(val token "$dir/dev2.out")
"$hubctl" --db "$db" staff-add --name 防災係 >"$dir/staff.out" 2>&1
staff=$(val token "$dir/staff.out")
[ -n "$rid" ] && [ -n "$dev" ] && [ -n "$fam" ] && [ -n "$staff" ] && [ -n "$dev2" ] && [ -n "$rid3" ] ||
    { echo "enrolment failed"; cat "$dir"/*.out; exit 1; }

hub_pid= fam_pid=
trap 'for p in $fam_pid $hub_pid; do kill $p 2>/dev/null; done; wait 2>/dev/null' EXIT INT TERM
"$hubd" --db "$db" --listen 127.0.0.1 --port 0 >"$dir/hubd.out" 2>&1 &
hub_pid=$!
port=$(hub_port "$dir/hubd.out") || { echo "hubd did not start"; cat "$dir/hubd.out"; exit 1; }
url=http://127.0.0.1:$port

# 1. staff start the check
check=$(curl -s -H "Authorization: Bearer $staff" -H 'Content-Type: application/json' \
    -d '{"title_ja":"地震の あとの 安否確認","whole_town":true,"answer_within_min":30}' \
    "$url/v1/safety-checks" | python3 -c 'import json,sys; print(json.load(sys.stdin)["safety_check"]["id"])')
[ -n "$check" ] || { echo "FAIL: staff could not start the safety check"; exit 1; }

# 1b. the family's list answers 304 to its own ETag while nothing changed (what the kiosk
# sends with If-None-Match), and 200 with another ETag once it changed
etag() { curl -s -D - -o /dev/null -H "Authorization: Bearer $fam" "$@" "$url/v1/family/safety" | tr -d '\r' | sed -n 's/^[Ee][Tt][Aa][Gg]: *//p'; }
e1=$(etag)
[ -n "$e1" ] || no "GET /v1/family/safety sent no ETag"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $fam" -H "If-None-Match: $e1" "$url/v1/family/safety")
[ "$code" = 304 ] || no "an unchanged family safety list answered $code to its ETag, not 304"

# 2. the family kiosk: no answer yet, then (no tap) safe, then need help; one tap to the page
poll=5
script="wait:family;settle;waittext:まだ 答えていません;layout:$dir/1-none.json;shot:$dir/1-none.png"
script="$script;waittext:「ぶじです」と 答えました;layout:$dir/2-safe.json;shot:$dir/2-safe.png"
script="$script;waittext:「助けが いる」と 答えました;layout:$dir/3-help.json;shot:$dir/3-help.png"
script="$script;tap:fam_safety;wait:fam_safety;settle;layout:$dir/4-page.json;shot:$dir/4-page.png"
"$kiosk" --offscreen --set hub_url="$url" --set token="$fam" --set profile=family \
    --set family_refresh_s=$poll --script-timeout $((3 * poll * 1000)) --script "$script" \
    >"$dir/family.out" 2>&1 &
fam_pid=$!
wait_file "$dir/1-none.json" 300 || no "the family screen never said まだ 答えていません: $(tail -n 3 "$dir/family.out")"
has "$dir/1-none.json" "地震の あとの 安否確認：まだ 答えていません" ||
    no "the family screen lacks the check's title and まだ: $(texts "$dir/1-none.json")"

# 3. the resident taps ぶじです on the home tablet (its outbox)
"$kiosk" --offscreen --set hub_url="$url" --set token="$dev" --set outbox_path="$dir/outbox.db" \
    --set speech=no --script-timeout 15000 \
    --script "wait:safety;settle;tap:safety_safe;settle;waittext:町に 届きました;layout:$dir/home.json" \
    >"$dir/home.out" 2>&1 || no "home kiosk: $(tail -n 3 "$dir/home.out")"
answered=$(date +%s)
wait_file "$dir/2-safe.json" $((3 * poll * 10 + 50)) ||
    no "the family screen did not change to ぶじです by itself: $(tail -n 3 "$dir/family.out")"
seen=$(date +%s)
echo "safe answer on the family screen after $((seen - answered)) s (poll $poll s)"
has "$dir/2-safe.json" "まだ 答えていません" && no "まだ 答えていません stayed beside ぶじです"

# 4. the resident answers again through the API as the device: 助けが いる (the latest counts)
code=$(curl -s -o "$dir/answer.json" -w '%{http_code}' -H "Authorization: Bearer $dev" \
    -H 'Content-Type: application/json' -H "Idempotency-Key: e2e-famsafety-help" \
    -d '{"answer":"need_help"}' "$url/v1/safety/$check/answer")
[ "$code" = 201 ] || no "the device's answer was not taken ($code: $(cat "$dir/answer.json"))"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $fam" -H "If-None-Match: $e1" "$url/v1/family/safety")
[ "$code" = 200 ] || no "a changed family safety list answered $code to the old ETag, not 200"
wait "$fam_pid" || no "family kiosk: $(tail -n 3 "$dir/family.out")"
fam_pid=
has "$dir/3-help.json" "すぐに 電話を かけてください" || no "need help without what to do: $(texts "$dir/3-help.json")"
has "$dir/4-page.json" "119 に 電話してください" || no "the check's page lacks 119: $(texts "$dir/4-page.json")"
has "$dir/4-page.json" "山田 花子さんは" || no "the check's page does not name the resident"
grep -q '"id": *"fam_safety"' "$dir/2-safe.json" || no "the check is not a tap away"
# 5. staff: hubctl safety-show counts exactly and names the right residents, need help
# first; --watch shows a later answer in its next round and ends on Ctrl-C (SIGINT)
# lastblock FILE: the last round of a safety-show output
lastblock() { awk 'BEGIN{RS=""} {b=$0} END{print b}' "$1"; }
"$hubctl" --db "$db" safety-show --check "$check" >"$dir/show1.out" 2>&1 || no "safety-show: $(cat "$dir/show1.out")"
got=$(grep -E '^(asked|safe|need_help|no_answer)=' "$dir/show1.out" | tr '\n' ' ')
[ "$got" = "asked=3 safe=0 need_help=1 no_answer=2 " ] || no "safety-show counts: $got"
grep -q "^need_help	$rid	山田 花子	中央	" "$dir/show1.out" || no "safety-show does not list 山田 花子 as needing help"
[ "$(grep -c '^no_answer	' "$dir/show1.out")" = 2 ] || no "safety-show lists $(grep -c '^no_answer	' "$dir/show1.out") without an answer, not 2"
[ "$(grep -E '^(safe|need_help|no_answer)	' "$dir/show1.out" | head -n1 | cut -f1)" = need_help ] || no "safety-show does not list who needs help first"
"$hubctl" --db "$db" safety-show --check "$check" --watch 1 >"$dir/watch.out" 2>&1 &
watch_pid=$!
sleep 1.5
code=$(curl -s -o "$dir/answer2.json" -w '%{http_code}' -H "Authorization: Bearer $dev2" \
    -H 'Content-Type: application/json' -H "Idempotency-Key: e2e-famsafety-safe2" \
    -d '{"answer":"safe"}' "$url/v1/safety/$check/answer")
[ "$code" = 201 ] || no "the neighbour's answer was not taken ($code)"
for _ in $(seq 1 50); do
    lastblock "$dir/watch.out" | grep -q '^safe=1$' && break
    sleep 0.1
done
sleep 0.3
kill -INT "$watch_pid"
wait "$watch_pid" || no "safety-show --watch did not end cleanly on Ctrl-C: $(tail -n 3 "$dir/watch.out")"
[ "$(grep -c '^asked=' "$dir/watch.out")" -ge 2 ] || no "safety-show --watch showed one round"
got=$(lastblock "$dir/watch.out" | grep -E '^(asked|safe|need_help|no_answer)=' | tr '\n' ' ')
[ "$got" = "asked=3 safe=1 need_help=1 no_answer=1 " ] || no "safety-show --watch counts after the answer: $got"
lastblock "$dir/watch.out" | grep -q "^no_answer	$rid3	住民 三	東	" || no "safety-show --watch does not name the silent resident"
lastblock "$dir/watch.out" | grep -q "^safe	$rid2	住民 二	中央	20" || no "safety-show --watch does not name the neighbour as safe with the time"
exit $fail
