#!/bin/sh
# Black-box test of tools/opreceiver: it verifies Standard Webhooks signatures (the spec's
# published vector, with a tolerance wide enough for its 2021 timestamp), refuses a
# tampered body, fails the first N deliveries on request, and answers a repeated message
# id with 2xx and no second effect. Needs curl(1).
set -u
rx=$1
dir=$(mktemp -d "${TMPDIR:-/tmp}/opreceiver-test-XXXXXX")
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- receiver log:"; cat "$dir/log"; exit 1; }

secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
OPRECEIVER_SECRET=$secret "$rx" --fail-first 1 --tolerance 9999999999 --log "$dir/log" \
    >"$dir/out" 2>"$dir/err" &
pid=$!
port=
for i in $(seq 1 200); do
    port=$(sed -n 's/^listening 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$dir/log" 2>/dev/null)
    [ -n "$port" ] && break
    sleep 0.05
done
[ -n "$port" ] || fail "receiver did not print its port"

post() { # body signature -> HTTP status
    curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/" \
        -H 'webhook-id: msg_p5jXN8AQM9LWM0D4loKWxJek' -H 'webhook-timestamp: 1614265330' \
        -H "webhook-signature: $2" --data-binary "$1"
}
sig='v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
body='{"test": 2432232314}'

[ "$(post "$body" "$sig")" = 503 ] || fail "first delivery should fail on purpose (503)"
[ "$(post "$body" "$sig")" = 200 ] || fail "second delivery should be accepted"
[ "$(post "$body" "$sig")" = 200 ] || fail "a duplicate should be answered 200"
[ "$(post '{"test": 2432232315}' "$sig")" = 401 ] || fail "a tampered body must be refused"
[ "$(post "$body" 'v1,AAAA')" = 401 ] || fail "a bad signature must be refused"

[ "$(grep -c '^failing id=msg_p5jXN8AQM9LWM0D4loKWxJek' "$dir/log")" = 1 ] || fail "failing line"
[ "$(grep -c '^delivery id=msg_p5jXN8AQM9LWM0D4loKWxJek body={"test": 2432232314}$' "$dir/log")" = 1 ] ||
    fail "delivery line"
[ "$(grep -c '^duplicate id=' "$dir/log")" = 1 ] || fail "duplicate line"
[ "$(grep -c '^rejected: signature mismatch' "$dir/log")" = 2 ] || fail "rejected lines"

# A body over the 64 KiB cap is refused without being printed.
head -c 70000 /dev/zero | tr '\0' 'x' >"$dir/big"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/" \
    -H 'webhook-id: msg_big' -H 'webhook-timestamp: 1614265330' -H "webhook-signature: $sig" \
    --data-binary @"$dir/big")
[ "$code" = 413 ] || fail "an oversized body should get 413, got $code"
grep -q '^delivery id=msg_big' "$dir/log" && fail "an oversized body must not be printed"

# Bad usage is refused in words.
"$rx" --secret nope >/dev/null 2>"$dir/usage" && fail "a bad secret must be refused"
grep -q 'whsec_' "$dir/usage" || fail "the usage error should explain the secret format"
echo "opreceiver: all checks passed"
