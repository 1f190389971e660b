#!/bin/sh
# vcard_cli.sh VCARD TESTCA: the virtual card refuses bad options and bad files with a clear
# message in words and a non-zero exit, and never touches a state file it cannot trust.
set -u
vcard=$1
ca=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# expect_error WORDS ARGS...: vcard must exit non-zero and say WORDS on stderr
expect_error() {
    words=$1
    shift
    if timeout 5 "$vcard" "$@" >"$tmp/out" 2>&1; then
        echo "FAIL: vcard $* succeeded"
        fail=1
    elif ! grep -q -- "$words" "$tmp/out"; then
        echo "FAIL: vcard $*: expected \"$words\", got:"
        cat "$tmp/out"
        fail=1
    fi
}

good="--cert $ca/resident-1.pem --key $ca/resident-1.key --state $tmp/s"
# shellcheck disable=SC2086
{
    expect_error "--pin must be 4 digits" $good --pin 12345
    expect_error "--pin must be 4 digits" $good --pin 12a4
    expect_error "--tries must be 0..3" $good --tries 4
    expect_error "--port must be" $good --port 0
    expect_error "--apdu-delay-ms must be" $good --apdu-delay-ms -1
    expect_error "--pull-on-ins takes a hex" $good --pull-on-ins zz
    expect_error "cannot load certificate" --cert "$tmp/none.pem" --key "$ca/resident-1.key" --state "$tmp/s"
    expect_error "cannot load private key" --cert "$ca/resident-1.pem" --key "$ca/ca.pem" --state "$tmp/s"
    expect_error "usage" --cert "$ca/resident-1.pem"
    printf 'tries=9\n' >"$tmp/bad"
    expect_error "unreadable or corrupt" --cert "$ca/resident-1.pem" --key "$ca/resident-1.key" --state "$tmp/bad"
}
if [ "$(cat "$tmp/bad")" != "tries=9" ]; then
    echo "FAIL: a corrupt state file was overwritten"
    fail=1
fi
[ "$fail" = 0 ] && echo "vcard_cli: all passed"
exit "$fail"
