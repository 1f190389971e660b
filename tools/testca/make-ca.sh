#!/bin/sh
# make-ca.sh: a JPKI-like TEST certificate authority for the virtual My Number card.
#
#   tools/testca/make-ca.sh OUTDIR [COUNT]
#
# Makes, in OUTDIR (created; left alone when already complete, so it is idempotent):
#   ca.pem / ca.key             root CA "OU=JPKI for user authentication, O=JPKI, C=JP"
#                               (plus CN=...TEST CA so nobody mistakes it for the real one)
#   resident-N.pem/.key/.der    user-auth certificates (RSA-2048, SHA-256) for N = 1..COUNT
#                               (default 3): subject CN is a serial-like string, no name
#   expired.pem/.key            issued by the CA, valid 2020-01-01 .. 2021-01-01
#   notyet.pem/.key             issued by the CA, valid 2099-01-01 .. 2100-01-01
#   unknown-ca.pem/.key         an unrelated CA
#   unknown.pem/.key            a user certificate issued by the unrelated CA
#   fingerprints.txt            "NAME SHA256-HEX-OF-DER" per user certificate (for enrolment)
# Everything is built in a temporary folder beside OUTDIR and moved into place at the end,
# so an interrupted run or two runs at once never leave a half-made CA behind.
# The keys are test keys without a passphrase: never use them for anything real.
set -eu

out=${1:?usage: make-ca.sh OUTDIR [COUNT]}
case $out in /*) ;; *) out=$PWD/$out ;; esac
count=${2:-3}
case $count in '' | *[!0-9]*) echo "make-ca.sh: COUNT must be a number" >&2; exit 2 ;; esac
if [ "$count" -lt 1 ] || [ "$count" -gt 100 ]; then
    echo "make-ca.sh: COUNT must be 1..100" >&2
    exit 2
fi
if [ -f "$out/.complete" ] && [ "$(cat "$out/.complete")" = "$count" ]; then
    exit 0
fi

parent=$(dirname "$out")
mkdir -p "$parent"
tmp=$(mktemp -d "$parent/.testca.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

cat >"$tmp/ca.cnf" <<'EOF'
[ ca ]
default_ca = testca
[ testca ]
dir = .
database = $dir/index.txt
new_certs_dir = $dir/newcerts
serial = $dir/serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
[ policy_any ]
countryName = optional
organizationName = optional
organizationalUnitName = optional
commonName = supplied
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ v3_ca ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ v3_user ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF

cd "$tmp"

# make_ca NAME SUBJECT: a self-signed root, plus the bookkeeping `openssl ca` needs.
make_ca() {
    mkdir -p "$1.db/newcerts"
    : >"$1.db/index.txt"
    echo 1000 >"$1.db/serial"
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" 2>/dev/null
    openssl req -new -x509 -config ca.cnf -key "$1.key" -subj "$2" -days 7300 -sha256 \
        -extensions v3_ca -out "$1.pem"
}

# issue CA NAME SERIAL-CN START END: a user-auth certificate for NAME signed by CA.
issue() {
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$2.key" 2>/dev/null
    openssl req -new -config ca.cnf -key "$2.key" -subj "/C=JP/CN=$3" -out "$2.csr"
    (cd "$1.db" && openssl ca -batch -config ../ca.cnf -cert "../$1.pem" -keyfile "../$1.key" \
        -startdate "$4" -enddate "$5" -extensions v3_user -notext \
        -in "../$2.csr" -out "../$2.pem" 2>/dev/null)
    openssl x509 -in "$2.pem" -outform DER -out "$2.der"
    rm -f "$2.csr"
    echo "$2 $(openssl dgst -sha256 -r "$2.der" | cut -d' ' -f1)" >>fingerprints.txt
}

now=$(date -u +%Y%m%d%H%M%SZ)
later=$(date -u -d '+10 years' +%Y%m%d%H%M%SZ)

make_ca ca "/C=JP/O=JPKI/OU=JPKI for user authentication/CN=Kiosk Linkage TEST CA"
make_ca unknown-ca "/C=JP/O=Unknown Test Authority/CN=Unknown TEST CA"
: >fingerprints.txt
i=1
while [ "$i" -le "$count" ]; do
    issue ca "resident-$i" "$(printf 'T%012d' "$i")" "$now" "$later"
    i=$((i + 1))
done
issue ca expired "T900000000001" 20200101000000Z 20210101000000Z
issue ca notyet "T900000000002" 20990101000000Z 21000101000000Z
issue unknown-ca unknown "T900000000003" "$now" "$later"
rm -rf ca.db unknown-ca.db ca.cnf
chmod 600 ./*.key
echo "$count" >.complete

cd /
if [ -f "$out/.complete" ] && [ "$(cat "$out/.complete")" = "$count" ]; then
    exit 0 # another run finished first: keep its result (ours is removed by the trap)
fi
rm -rf "$out" # incomplete, or made with another COUNT
chmod 755 "$tmp"
mv "$tmp" "$out"
trap - EXIT INT TERM
exit 0
