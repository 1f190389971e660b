#!/bin/sh
# Makes tests/hub/upgrade/hub-v18-logs.db: a database written by the hub as it was at commit
# 22749a5 (schema version 18: several towns, but one audit log for all of them), so
# test_hub_upgrade can prove that today's hub turns that log into the hub log, keeps every
# record and signed head verifying, and writes new records into each town's own log. Run
# it again only to remake the fixture:
#
#   tests/hub/upgrade/make-v18-logs-db.sh [OUT_DIR]      (default: tests/hub/upgrade)
#
# It builds hubctl of that commit in a temporary git worktree (or uses HUBV18_BUILD=DIR, a
# build folder of that commit), adds a second town to the default one, enrols a resident
# and a home tablet in each, and signs a tree head. Next to the database it writes
# hub-v18-logs.key, the fixture hub's signing key, which signs nothing but this fixture.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here}
. "$here/oldhub.sh"
oldhub_init hubv18logs
oldhub_build 22749a5 "${HUBV18_BUILD:-}" hubctl
db=$work/hub.db
ctl init --key "$work/hub.key" >/dev/null
ctl municipality-set --municipality 1 --code 142018 --name 横須賀市 >/dev/null
ctl municipality-add --code 131016 --name 千代田区 >/dev/null
ctl resident-add --municipality 142018 --name Hanako --district Kita --deadline 10:00 >/dev/null
ctl device-add --municipality 142018 --kind home --resident 1 >/dev/null
ctl resident-add --municipality 131016 --name Jiro --district Kita --deadline 09:00 >/dev/null
ctl device-add --municipality 131016 --kind home --resident 2 >/dev/null
ctl audit-checkpoint --key "$work/hub.key" >/dev/null
ctl audit-verify --key "$work/hub.key" | grep -q '^audit=OK'
cp "$db" "$out/hub-v18-logs.db"
cp "$work/hub.key" "$out/hub-v18-logs.key"
echo "made $out/hub-v18-logs.db (schema $(sqlite3 "$out/hub-v18-logs.db" 'PRAGMA user_version'))"
