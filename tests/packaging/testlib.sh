# testlib.sh: shared by the packaging tests (sourced). hubd_port needs $tmp and fail()
# (test_begin sets both up).

# hubd_port: waits (10 s at most) for hubd's "listening on ADDR:PORT" line in
# $tmp/hubd.out and prints the port; fails with hubd's stderr otherwise.
hubd_port() {
    i=0
    until grep -q '^listening on' "$tmp/hubd.out"; do
        i=$((i + 1))
        [ $i -lt 200 ] || { cat "$tmp/hubd.err"; fail "hubd did not start"; }
        sleep 0.05
    done
    sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$tmp/hubd.out"
}

# test_begin NAME: a new temporary directory $tmp, removed at exit after the processes whose
# ids are in $pids are stopped; and fail MESSAGE, which ends the test.
test_begin() {
    tmp=$(mktemp -d "/tmp/$1.XXXXXX")
    pids=""
    trap test_end EXIT INT TERM
}
test_end() {
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    for p in $pids; do wait "$p" 2>/dev/null || true; done
    rm -rf "$tmp"
}
fail() { echo "FAIL: $*"; exit 1; }
