# testlib.sh: shared by the packaging tests (sourced). Needs $tmp and fail().

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
