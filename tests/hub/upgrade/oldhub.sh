# oldhub.sh: what the upgrade-fixture scripts (make-*-db.sh) share; sourced by them, not run.
# The hub of an old commit is built in a temporary git worktree (or taken from a build folder
# of that commit made earlier), its hubctl run on the fixture's database ($db) with a fixed
# clock ($clock, when set), its hubd started on 127.0.0.1 and called with curl. The script
# sets `here` (its folder) before sourcing this file.

# oldhub_init PREFIX: top (the repository) and work (a new temporary folder, removed at
# exit together with the worktree and a hubd still running); no clock until one is set.
oldhub_init() {
    top=$(cd "$here/../../.." && pwd)
    work=$(mktemp -d "/tmp/$1.XXXXXX")
    hubpid=
    clock=
    trap oldhub_cleanup EXIT
}

oldhub_cleanup() {
    [ -n "$hubpid" ] && kill "$hubpid" 2>/dev/null || true
    git -C "$top" worktree remove --force "$work/src" 2>/dev/null || true
    rm -rf "$work"
}

# oldhub_build COMMIT PREBUILT TARGET...: bin = PREBUILT when not empty (a build folder of
# COMMIT), else a new build of the TARGETs (hubd, hubctl) at COMMIT.
oldhub_build() {
    commit=$1
    bin=$2
    shift 2
    if [ -z "$bin" ]; then
        git -C "$top" worktree add --detach "$work/src" "$commit" >/dev/null
        cmake -S "$work/src" -B "$work/b" -DBUILD_KIOSK=OFF -DBUILD_CARD=OFF \
              -DPROJECT_SHARED_DIR="$top/../shared" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
        cmake --build "$work/b" -j2 --target "$@" >/dev/null
        bin=$work/b
    fi
}

# The old hubctl on $db (on the clock file $clock when set).
ctl() { "$bin/hub/hubctl" --db "$db" ${clock:+--clock-file "$clock"} "$@"; }
# The value of key=value in hubctl's output.
val() { sed -n "s/^$1=//p"; }

# oldhub_start ARG...: the old hubd on $db with the key $work/hub.key, the clock and ARGs;
# base = its URL once it listens.
oldhub_start() {
    "$bin/hub/hubd" --db "$db" --port 0 --key "$work/hub.key" --clock-file "$clock" "$@" \
        >"$work/hubd.out" 2>"$work/hubd.err" &
    hubpid=$!
    i=0
    until grep -q listening "$work/hubd.out" 2>/dev/null; do
        i=$((i + 1)); [ $i -lt 100 ] || { cat "$work/hubd.err"; exit 1; }; sleep 0.1
    done
    base=http://$(sed -n 's/^listening on //p' "$work/hubd.out")
}

# Stops that hubd cleanly (SIGTERM) and waits for it.
oldhub_stop() {
    kill -TERM "$hubpid"
    wait "$hubpid" || true
    hubpid=
}

# post TOKEN IDEMPOTENCY-KEY PATH BODY: a JSON POST to the running hubd; fails on an error.
post() {
    curl -fsS -o /dev/null -X POST -H "Authorization: Bearer $1" -H "Idempotency-Key: $2" \
         -H 'Content-Type: application/json' --data "$4" "$base$3"
}
