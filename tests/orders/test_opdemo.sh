#!/bin/sh
# The demo path end to end on the real clock: opdemo imports the demo operator's catalogue,
# places an order and pushes it, signed, to the real opreceiver, which prints what the
# operator received. Without address consent the operator sees no name and no address;
# with it, it does. A receiver that fails once gets the order on the retry.
set -u
rx=$1
demo=$2
catalogue=$3
dir=$(mktemp -d "${TMPDIR:-/tmp}/opdemo-test-XXXXXX")
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- receiver log:"; cat "$dir/log"; exit 1; }

secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
OPRECEIVER_SECRET=$secret "$rx" --fail-first 1 --log "$dir/log" >/dev/null 2>&1 &
pid=$!
port=
for i in $(seq 1 200); do
    port=$(sed -n 's/^listening 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$dir/log" 2>/dev/null)
    [ -n "$port" ] && break
    sleep 0.05
done
[ -n "$port" ] || fail "receiver did not print its port"
url="http://127.0.0.1:$port/orders"

# 1. Fails once (503), delivered on the retry 5-10 s later; no address consent.
"$demo" --catalogue "$catalogue" --url "$url" --secret "$secret" --db "$dir/a.db" --wait 20 \
    >"$dir/out1" 2>&1 || { cat "$dir/out1"; fail "first order not delivered"; }
[ "$(grep -c '^failing id=' "$dir/log")" = 1 ] || fail "the first attempt should have failed"
line=$(grep '^delivery id=' "$dir/log" | tail -n 1)
[ -n "$line" ] || fail "no delivery printed"
echo "$line" | grep -q '"pseudonym":"p_' || fail "no pseudonym"
echo "$line" | grep -q '"district":"中央町"' || fail "no district"
echo "$line" | grep -q '"address"' && fail "address sent without consent"
echo "$line" | grep -q '見本' && fail "name sent without consent"

# 2. With address consent: name and address are there.
"$demo" --catalogue "$catalogue" --url "$url" --secret "$secret" --db "$dir/a.db" \
    --address-consent --wait 5 >"$dir/out2" 2>&1 || { cat "$dir/out2"; fail "second order"; }
line=$(grep '^delivery id=' "$dir/log" | tail -n 1)
echo "$line" | grep -q '"address":"中央町1-2-3"' || fail "address missing with consent"

# 3. A wrong secret: the receiver refuses, nothing is printed as delivered.
wrong=whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=
"$demo" --catalogue "$catalogue" --url "$url" --secret "$wrong" --db "$dir/b.db" --wait 0 \
    >"$dir/out3" 2>&1 && fail "a wrongly signed order must not be acknowledged"
[ "$(grep -c '^delivery id=' "$dir/log")" = 2 ] || fail "a wrongly signed order was printed"
grep -q '^rejected: signature mismatch' "$dir/log" || fail "no rejection line"
echo "opdemo: all checks passed"
