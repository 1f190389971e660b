#!/bin/sh
# make-crl.sh: a certificate revocation list of the TEST CA made by make-ca.sh.
#
#   tools/testca/make-crl.sh CADIR OUT HOURS [NAME ...]
#
# Writes OUT (PEM, written beside it and renamed into place, as a CA publishes): a CRL
# signed by CADIR/ca.key, issued now, next update in HOURS hours, listing the certificates
# CADIR/NAME.pem as revoked (reason keyCompromise: a card reported lost). No NAME: a CRL
# that revokes nothing. Nothing in CADIR is changed, so tests that share a CA folder can
# each publish their own lists at once.
set -eu

ca=${1:?usage: make-crl.sh CADIR OUT HOURS [NAME ...]}
out=${2:?usage: make-crl.sh CADIR OUT HOURS [NAME ...]}
hours=${3:?usage: make-crl.sh CADIR OUT HOURS [NAME ...]}
shift 3
case $hours in '' | *[!0-9]*) echo "make-crl.sh: HOURS must be a number" >&2; exit 2 ;; esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cat >"$tmp/ca.cnf" <<CNF
[ ca ]
default_ca = testca
[ testca ]
database = $tmp/index.txt
crlnumber = $tmp/crlnumber
default_md = sha256
[ crl_ext ]
authorityKeyIdentifier = keyid
CNF
: >"$tmp/index.txt"
date -u +%s >"$tmp/crlnumber.dec"
printf '%X\n' "$(cat "$tmp/crlnumber.dec")" | sed 's/^\(.\(..\)*\)$/0\1/' >"$tmp/crlnumber"
now=$(date -u +%y%m%d%H%M%SZ)
for name in "$@"; do
    cert="$ca/$name.pem"
    serial=$(openssl x509 -in "$cert" -noout -serial | cut -d= -f2)
    subject=$(openssl x509 -in "$cert" -noout -subject -nameopt compat | sed 's/^subject=//')
    end=$(date -u -d "$(openssl x509 -in "$cert" -noout -enddate | cut -d= -f2)" +%y%m%d%H%M%SZ)
    printf 'R\t%s\t%s,keyCompromise\t%s\tunknown\t%s\n' "$end" "$now" "$serial" "$subject" \
        >>"$tmp/index.txt"
done
openssl ca -gencrl -batch -config "$tmp/ca.cnf" -keyfile "$ca/ca.key" -cert "$ca/ca.pem" \
    -crlhours "$hours" -crlexts crl_ext -out "$tmp/crl.pem" 2>"$tmp/err" || {
    cat "$tmp/err" >&2
    exit 1
}
cp "$tmp/crl.pem" "$out.part"
mv "$out.part" "$out"
