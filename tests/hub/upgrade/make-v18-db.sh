#!/bin/sh
# Makes tests/hub/upgrade/hub-v18.db: a database written by the hub as it was at commit
# 22749a5 (schema version 18), whose secrets are in the clear, so test_hub_sealed can prove
# that today's hub seals them and keeps every pseudonym and webhook signature:
#   - two towns (142018 and 142034); operator 1 of town 1 with a contract in town 2 and a
#     webhook (secret SECRET_OP below); a resident in each town who ordered from it, so
#     the operator has a pseudonym key (one key then, whatever the town);
#   - staff 1 of town 1 told of alerts by a messaging webhook (secret SECRET_NOTIFY below).
# Run it again only to remake the fixture:
#
#   tests/hub/upgrade/make-v18-db.sh [OUT_DIR]      (default: tests/hub/upgrade)
#
# HUBV18_BUILD=DIR: a build folder of that commit made earlier (saves the build).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here}
. "$here/oldhub.sh"
oldhub_init hubv18
oldhub_build 22749a5 "${HUBV18_BUILD:-}" hubd hubctl

SECRET_OP=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
SECRET_NOTIFY=whsec_c2VhbGVkLW5vdGlmeS1zZWNyZXQtMDEyMzQ1Njc=
db=$work/hub.db
clock=$work/clock
# A fixed day: 2026-11-24 09:00 JST.
now=1763942400
echo $now >"$clock"

ctl init --key "$work/hub.key" >/dev/null
ctl municipality-set --municipality 1 --code 142018 --name 横須賀市 >/dev/null
ctl municipality-add --code 142034 --name 平塚市 >/dev/null
ctl resident-add --municipality 142018 --name "山田 花子" --district Kita --deadline 10:00 \
    >/dev/null
ctl resident-add --municipality 142034 --name "佐藤 一郎" --district Kita --deadline 10:00 \
    >/dev/null
home1=$(ctl device-add --municipality 142018 --kind home --resident 1 | val token)
home2=$(ctl device-add --municipality 142034 --kind home --resident 2 | val token)
op1=$(ctl operator-add --municipality 142018 --name "まちかど買い物代行" --district Kita \
      --webhook http://127.0.0.1:9/orders --secret "$SECRET_OP" | val token)
ctl operator-contract --municipality 142034 --operator 1 >/dev/null
ctl catalogue-import --municipality 142018 --operator 1 \
    --file "$top/tools/opreceiver/demo-catalogue/catalogue.json" >/dev/null
staff=$(ctl staff-add --municipality 142018 --name "見守り係" | val token)
ctl notify-set --municipality 142018 --staff 1 --webhook http://127.0.0.1:9/notify \
    --secret "$SECRET_NOTIFY" >/dev/null

oldhub_start --push-poll-ms 100
order='{"items":[{"id":"cabbage","qty":2}],"slot":"2026-11-25T15:00/17:00","payment_method":"cash_on_delivery"}'
post "$home1" order-1 /v1/operators/1/orders "$order"
post "$home2" order-2 /v1/operators/1/orders "$order"
oldhub_stop

mkdir -p "$out"
cp "$db" "$out/hub-v18.db"
cp "$work/hub.key" "$out/hub-v18.key"
printf 'home1=%s\nhome2=%s\nop1=%s\nstaff=%s\nsecret_op=%s\nsecret_notify=%s\n' "$home1" \
    "$home2" "$op1" "$staff" "$SECRET_OP" "$SECRET_NOTIFY" >"$out/hub-v18.env"
echo "wrote $out/hub-v18.db"
