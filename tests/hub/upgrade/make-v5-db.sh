#!/bin/sh
# Makes tests/hub/upgrade/hub-v5.db: a database written by the hub as it was at commit
# 67f3f1f (schema version 5, the orders tables created outside the migrations), holding a
# row in every table that hub wrote, so test_hub_upgrade can prove that today's hub
# migrates it and keeps every record. Run it again only to remake the fixture:
#
#   tests/hub/upgrade/make-v5-db.sh [OUT_DIR]      (default: tests/hub/upgrade)
#
# It builds hubd and hubctl of that commit in a temporary git worktree, enrols people with
# hubctl, starts that hubd on 127.0.0.1 and uses it the way the kiosk and an operator do
# (check-ins with Idempotency-Keys, help, activity, an order, a family request, a delivery
# pull and acknowledgement), runs a missed check-in pass, and stops it cleanly. Next to the
# database it writes hub-v5.key (the fixture hub's signing key, which signs nothing but
# this fixture) and hub-v5.env (the tokens the test uses again).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here}
. "$here/oldhub.sh"
oldhub_init hubv5
# HUBV5_BUILD=DIR: a build folder of that commit made earlier (saves the build).
oldhub_build 67f3f1f "${HUBV5_BUILD:-}" hubd hubctl

db=$work/hub.db
clock=$work/clock
# A fixed day so the fixture is the same every time it is made: 2026-11-24 09:00 JST.
now=1763942400
echo $now >"$clock"

ctl init --key "$work/hub.key" >/dev/null
ctl resident-add --name "山田 花子" --district Kita --deadline 10:00 --address "北町3-1-2" \
    --insurer 00012345 --symbol あいう --insured 1871 --branch 00 >/dev/null
ctl resident-add --name "佐藤 一郎" --district Kita --deadline 08:00 >/dev/null
home1=$(ctl device-add --kind home --resident 1 | val token)
home2=$(ctl device-add --kind home --resident 2 | val token)
ctl device-add --kind public >/dev/null
fam1=$(ctl family-add --name "山田 太郎" --resident 1 --relation 長男 | val token)
staff=$(ctl staff-add --name "見守り係" | val token)
ctl source-add --name "市保健センター" >/dev/null
ctl consent-grant --resident 1 --recipient family:1 --data-kind safety --purpose watch_over \
    >/dev/null
# The webhook points at a closed port: its delivery stays pending with one failed push.
op1=$(ctl operator-add --name "まちかど買い物代行" --district Kita \
      --webhook http://127.0.0.1:9/orders --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw | val token)
ctl catalogue-import --operator 1 --file "$top/tools/opreceiver/demo-catalogue/catalogue.json" \
    >/dev/null

oldhub_start --push-poll-ms 100
post "$home1" ci-1 /v1/checkins '{"answer":"genki"}'
post "$home2" ci-2 /v1/checkins '{"answer":"itsumo"}'
post "$home1" act-1 /v1/activity '{"kind":"touch"}'
post "$home2" help-1 /v1/help '{}'
post "$home1" order-1 /v1/operators/1/orders \
    '{"items":[{"id":"cabbage","qty":2},{"id":"milk","qty":1}],"slot":"2026-11-25T15:00/17:00","payment_method":"cash_on_delivery"}'
post "$home1" fr-1 /v1/family-requests '{"family_id":1,"code":"call_me"}'
curl -fsS -o /dev/null -H "Authorization: Bearer $staff" "$base/v1/alerts"
# The operator pulls its delivery and acknowledges it.
msg=$(curl -fsS -H "Authorization: Bearer $op1" "$base/v1/operator/deliveries" |
      sed -n 's/^.*"deliveries":\[{"id":\([0-9]*\).*$/\1/p')
[ -n "$msg" ] && curl -fsS -o /dev/null -X POST -H "Authorization: Bearer $op1" \
    "$base/v1/operator/deliveries/$msg/ack"
sleep 0.5 # one push attempt to the closed port
oldhub_stop
# The next day at 12:00 JST nobody has checked in: the pass raises missed alerts.
echo $((now + 86400 + 3 * 3600)) >"$clock"
ctl escalate >/dev/null
ctl audit-verify --key "$work/hub.key" >/dev/null

mkdir -p "$out"
cp "$db" "$out/hub-v5.db"
cp "$work/hub.key" "$out/hub-v5.key"
printf 'home1=%s\nfam1=%s\nop1=%s\n' "$home1" "$fam1" "$op1" >"$out/hub-v5.env"
echo "wrote $out/hub-v5.db"
