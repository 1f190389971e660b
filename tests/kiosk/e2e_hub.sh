#!/bin/sh
# End to end on real parts: a real hub (hubd) on 127.0.0.1 with an ephemeral port and a
# fresh SQLite database made with hubctl; a headless home kiosk taps 元気です and must say
# 送りました; a headless family kiosk must then show the check-in in its layout dump; the
# help journey raises an alert and says so; a wrong token is told in words, never "sent".
#   e2e_hub.sh KIOSK HUBD HUBCTL WORKDIR
set -u
kiosk=$1 hubd=$2 hubctl=$3 dir=$4
rm -rf "$dir"
mkdir -p "$dir"
db=$dir/hub.db
fail=0
no() { echo "FAIL: $*"; fail=1; }
val() { sed -n "s/^$1=//p" "$2" | head -n1; }

"$hubctl" --db "$db" init >"$dir/init.out" 2>&1 || { echo "hubctl init failed"; cat "$dir/init.out"; exit 1; }
"$hubctl" --db "$db" resident-add --name "山田 花子" --district "中央" --deadline 10:00 >"$dir/res.out" 2>&1
rid=$(val resident_id "$dir/res.out")
"$hubctl" --db "$db" device-add --kind home --resident "$rid" >"$dir/dev.out" 2>&1
dev=$(val token "$dir/dev.out")
"$hubctl" --db "$db" family-add --name "山田 太郎" --resident "$rid" >"$dir/fam.out" 2>&1
fam=$(val token "$dir/fam.out")
[ -n "$rid" ] && [ -n "$dev" ] && [ -n "$fam" ] || { echo "enrolment failed"; cat "$dir"/*.out; exit 1; }

"$hubd" --db "$db" --listen 127.0.0.1 --port 0 >"$dir/hubd.out" 2>&1 &
hub_pid=$!
trap 'kill $hub_pid 2>/dev/null; wait $hub_pid 2>/dev/null' EXIT INT TERM
port=
for _ in $(seq 1 100); do
    port=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$dir/hubd.out" | head -n1)
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { echo "hubd did not start"; cat "$dir/hubd.out"; exit 1; }
url=http://127.0.0.1:$port

# 1. home: one tap on 元気です, headless
"$kiosk" --offscreen --set hub_url="$url" --set token="$dev" \
    --script "wait:home;settle;tap:checkin_genki;wait:result;settle;waittext:送りました;layout:$dir/home.json;shot:$dir/home.png" \
    >"$dir/home.out" 2>&1 || no "home kiosk: $(cat "$dir/home.out")"
grep -q 'ご家族に 届きます' "$dir/home.json" || no "home result does not say it reaches the family"
"$hubctl" --db "$db" checkins --resident "$rid" >"$dir/checkins.out" 2>&1
grep -q genki "$dir/checkins.out" || no "the hub has no check-in: $(cat "$dir/checkins.out")"

# 1b. the tablet restarts (no outbox): today's check-in is still known, from the hub
"$kiosk" --offscreen --set hub_url="$url" --set token="$dev" \
    --script "wait:home;settle;waittext:「元気です」を 送りました;layout:$dir/restart.json" \
    >"$dir/restart.out" 2>&1 || no "after a restart the home tablet forgot today's check-in: $(cat "$dir/restart.out")"
grep -q 'まだ 送っていません' "$dir/restart.json" && no "after a restart the home tablet says nothing was sent"

# 2. family: the new check-in is listed
"$kiosk" --offscreen --set hub_url="$url" --set token="$fam" --set profile=family \
    --script "wait:family;settle;waittext:元気です;layout:$dir/family.json;shot:$dir/family.png" \
    >"$dir/family.out" 2>&1 || no "family kiosk: $(cat "$dir/family.out")"
grep -q '「元気です」' "$dir/family.json" || no "family layout lacks the check-in"
grep -q '山田 花子さんの 元気' "$dir/family.json" || no "family title lacks the resident"

# 3. help: confirm, then the hub raises the alert
"$kiosk" --offscreen --set hub_url="$url" --set token="$dev" \
    --script "wait:home;tap:help;wait:help_confirm;tap:confirm_yes;wait:help_sent;settle;waittext:知らせました;layout:$dir/help.json" \
    >"$dir/help.out" 2>&1 || no "help journey: $(cat "$dir/help.out")"

# 3b. the son acknowledges the press at the hub; the tablet (started again) names him on 安否
python3 - "$url" "$fam" "$rid" <<'PY' >"$dir/ack.out" 2>&1 || no "family could not acknowledge: $(cat "$dir/ack.out")"
import json, sys, urllib.request
url, tok, rid = sys.argv[1:4]
def call(method, path, body=None):
    req = urllib.request.Request(url + path, method=method, data=body,
                                 headers={"Authorization": "Bearer " + tok,
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)
alerts = call("GET", "/v1/residents/%s/alerts" % rid)["alerts"]
help_alert = [a for a in alerts if a["kind"] == "help" and a["level"] == "family"][0]
call("POST", "/v1/alerts/%d/ack" % help_alert["id"], b"{}")
PY
"$kiosk" --offscreen --set hub_url="$url" --set token="$dev" \
    --script "wait:home;settle;goto:status;wait:status;settle;waittext:山田 太郎さんが 確かめました;layout:$dir/acked.json" \
    >"$dir/acked.out" 2>&1 || no "安否 does not say who acknowledged the help call: $(cat "$dir/acked.out")"
grep -q '連絡を 待っています' "$dir/acked.json" && no "安否 still says it is waiting"

# 4. a wrong token: refused, said so, never "sent"
"$kiosk" --offscreen --set hub_url="$url" --set token=wrong \
    --script "tap:checkin_itsumo;wait:result;settle;layout:$dir/wrong.json" \
    >"$dir/wrong.out" 2>&1 || no "wrong-token run: $(cat "$dir/wrong.out")"
grep -q '送れませんでした' "$dir/wrong.json" || no "a refused check-in is not reported as failed"
grep -q '401' "$dir/wrong.json" && no "a bare status number is shown to the resident"
grep -q '見守り係に 電話してください' "$dir/wrong.json" || no "the refusal does not say whom to phone"
grep -q 'answered 401' "$dir/wrong.out" || no "the refusal's status is not in the kiosk's log"
grep -q '送りました' "$dir/wrong.json" && no "claims 送りました with a wrong token"

# 4b. a family token that is not valid: said as a refusal, not as a network fault
"$kiosk" --offscreen --set hub_url="$url" --set token=wrong --set profile=family \
    --script "wait:family;settle;layout:$dir/famwrong.json" >"$dir/famwrong.out" 2>&1 ||
    no "family wrong-token run: $(cat "$dir/famwrong.out")"
grep -q '受け付けて もらえませんでした' "$dir/famwrong.json" || no "family refusal not said in words"
grep -q '401' "$dir/famwrong.json" && no "family refusal shows a bare status number"

# 5. offline then back: a check-in kept in the outbox while the hub is unreachable is
#    delivered by the next start of the kiosk (as after a power cut), exactly once
closed=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
"$kiosk" --offscreen --set hub_url="http://127.0.0.1:$closed" --set token="$dev" \
    --set outbox_path="$dir/outbox.db" \
    --script "tap:checkin_genkinai;wait:result;waittext:まだ 届いていません" \
    >"$dir/offline.out" 2>&1 || no "offline run: $(cat "$dir/offline.out")"
"$kiosk" --offscreen --set hub_url="$url" --set token="$dev" --set outbox_path="$dir/outbox.db" \
    --script "wait:home;waittext:「元気がない」を 送りました;waitgone:まだ 送っていない もの;layout:$dir/back.json" \
    >"$dir/back.out" 2>&1 || no "the kept check-in was not delivered: $(cat "$dir/back.out")"
"$hubctl" --db "$db" checkins --resident "$rid" >"$dir/checkins2.out" 2>&1
[ "$(grep -c genkinai "$dir/checkins2.out")" = 1 ] || no "the kept check-in is not in the hub exactly once: $(cat "$dir/checkins2.out")"

# 6. 元気がない alerted the family at once, and stands out in their list
"$kiosk" --offscreen --set hub_url="$url" --set token="$fam" --set profile=family \
    --script "wait:family;settle;waittext:ようすを 確かめてください;layout:$dir/unwell.json" \
    >"$dir/unwell.out" 2>&1 || no "元気がない is not highlighted for the family: $(cat "$dir/unwell.out")"
grep -q '見守りの お知らせ' "$dir/unwell.json" || no "元気がない raised no alert the family sees"

[ $fail = 0 ] && echo "kiosk end to end with the real hub: all passed"
exit $fail
