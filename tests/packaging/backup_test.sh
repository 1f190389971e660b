#!/bin/sh
# backup_test.sh HUBD HUBCTL: `hubctl backup` while hubd takes check-ins from 4 clients,
# then `hubctl restore` of that backup: the restore verifies the audit chain and every
# check-in acknowledged (201) before the backup began is in the restored database; a
# backup that was tampered with is refused and changes nothing. Real hubd, real files.
set -eu
hubd=$1
hubctl=$2
tmp=$(mktemp -d /tmp/backuptest.XXXXXX)
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }
# shellcheck source=testlib.sh
. "$(dirname "$0")/testlib.sh"
db=$tmp/hub.db
ctl() { "$hubctl" --db "$db" "$@"; }

ctl init --key "$tmp/hub.key" >/dev/null
ctl resident-add --name "Test Resident" --district D1 --deadline 10:00 >/dev/null
token=$(ctl device-add --kind home --resident 1 | sed -n 's/^token=//p')
"$hubd" --db "$db" --key "$tmp/hub.key" --port 0 --tick 0 >"$tmp/hubd.out" 2>"$tmp/hubd.err" &
hub=$!
pids="$pids $hub"
port=$(hubd_port) || fail "hubd did not start: $port"

# Each client appends the id of every acknowledged check-in to its own file.
client() {
    while [ ! -f "$tmp/stop" ]; do
        curl -s -w '\n' --max-time 10 -H "Authorization: Bearer $token" \
            -H 'Content-Type: application/json' -d '{"answer":"genki"}' \
            "http://127.0.0.1:$port/v1/checkins" |
            sed -n 's/.*"checkin":{"id":\([0-9]*\).*/\1/p' >>"$tmp/ack.$1"
    done
}
for c in 1 2 3 4; do client $c & pids="$pids $!"; done
acked() { cat "$tmp"/ack.* 2>/dev/null | grep -c . || true; }
i=0
until [ "$(acked)" -ge 20 ]; do
    i=$((i + 1)); [ $i -lt 600 ] || fail "no load: $(acked) check-ins in 30 s"; sleep 0.05
done
cat "$tmp"/ack.* | grep . | sort -n >"$tmp/before"
ctl backup --out "$tmp/backup.db" >"$tmp/backup.out" || fail "backup while hubd runs"
cat "$tmp/backup.out"
nbefore=$(wc -l <"$tmp/before")
i=0
until [ "$(acked)" -ge $((nbefore + 20)) ]; do
    i=$((i + 1)); [ $i -lt 600 ] || fail "no load after the backup"; sleep 0.05
done
touch "$tmp/stop"
for p in $pids; do [ "$p" = "$hub" ] || wait "$p" 2>/dev/null || true; done
kill -TERM "$hub"
wait "$hub" || fail "hubd did not stop cleanly"
pids=""
nall=$(acked)
echo "acknowledged before the backup: $nbefore, in all: $nall"
[ "$nbefore" -ge 10 ] || fail "too little load before the backup ($nbefore)"
[ "$nall" -gt "$nbefore" ] || fail "no load after the backup began"
grep -q '^audit=OK' "$tmp/backup.out" || fail "backup not verified"

# A tampered backup is refused and leaves the database alone.
cp "$tmp/backup.db" "$tmp/tampered.db"
# (as someone with the file would: the append-only triggers dropped first)
for t in $(sqlite3 "$tmp/tampered.db" "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit'"); do
    sqlite3 "$tmp/tampered.db" "DROP TRIGGER $t"
done
sqlite3 "$tmp/tampered.db" "UPDATE audit SET outcome = 'denied' WHERE id = 2"
n0=$(sqlite3 "$db" "SELECT count(*) FROM checkins")
if ctl restore --from "$tmp/tampered.db" >"$tmp/tampered.out" 2>&1; then
    cat "$tmp/tampered.out"; fail "a tampered backup was restored"
fi
cat "$tmp/tampered.out"
grep -q "audit chain" "$tmp/tampered.out" || fail "the refusal does not say why"
[ "$(sqlite3 "$db" "SELECT count(*) FROM checkins")" = "$n0" ] || fail "refused restore changed data"

ctl restore --from "$tmp/backup.db" >"$tmp/restore.out" || { cat "$tmp/restore.out"; fail "restore"; }
cat "$tmp/restore.out"
grep -q '^audit=OK' "$tmp/restore.out" || fail "restore not verified"
ctl audit-verify --key "$tmp/hub.key" | grep -q '^audit=OK' || fail "audit-verify after restore"
sqlite3 "$db" "SELECT id FROM checkins ORDER BY id" >"$tmp/restored"
missing=$(comm -23 "$tmp/before" "$tmp/restored" | wc -l)
echo "acknowledged before the backup and missing after the restore: $missing"
[ "$missing" -eq 0 ] || fail "acknowledged check-ins lost"
ls "$db".before-restore-* >/dev/null || fail "the replaced database was not kept"
echo "backup and restore: all checks passed"
