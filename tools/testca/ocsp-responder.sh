#!/bin/sh
# ocsp-responder.sh: an OCSP responder (RFC 6960, `openssl ocsp`) for the TEST CA made by
# make-ca.sh, on a free port of this machine, for tests only.
#
#   tools/testca/ocsp-responder.sh CADIR WORKDIR MINUTES SIGNER [NAME ...]
#
# Writes WORKDIR/index.txt: every CADIR/resident-N.pem good, except the NAMEs given (revoked,
# keyCompromise: a card reported lost), then runs the responder in this process (exec), which
# prints "ACCEPT [::]:PORT PID=N" on stdout once it listens. Answers are signed by SIGNER:
#   ca         the CA's own key;
#   delegated  a responder certificate the CA issues for OCSP signing (made in WORKDIR);
#   other      the unrelated unknown-ca (a forged answer: verifiers must refuse it);
# and say nextUpdate MINUTES after they are made. Nothing in CADIR is changed.
set -eu

ca=${1:?usage: ocsp-responder.sh CADIR WORKDIR MINUTES SIGNER [NAME ...]}
dir=${2:?usage: ocsp-responder.sh CADIR WORKDIR MINUTES SIGNER [NAME ...]}
minutes=${3:?usage: ocsp-responder.sh CADIR WORKDIR MINUTES SIGNER [NAME ...]}
signer=${4:?usage: ocsp-responder.sh CADIR WORKDIR MINUTES SIGNER [NAME ...]}
shift 4
case $minutes in '' | *[!0-9]*) echo "ocsp-responder.sh: MINUTES must be a number" >&2; exit 2 ;; esac
mkdir -p "$dir"

# line STATE CERT [REVOKED-AT]: the index line of CERT (the `openssl ca` database format).
line() {
    serial=$(openssl x509 -in "$2" -noout -serial | cut -d= -f2)
    subject=$(openssl x509 -in "$2" -noout -subject -nameopt compat | sed 's/^subject=//')
    end=$(date -u -d "$(openssl x509 -in "$2" -noout -enddate | cut -d= -f2)" +%y%m%d%H%M%SZ)
    printf '%s\t%s\t%s\t%s\tunknown\t%s\n' "$1" "$end" "${3:-}" "$serial" "$subject"
}

now=$(date -u +%y%m%d%H%M%SZ)
: >"$dir/index.txt.part"
for cert in "$ca"/resident-*.pem; do
    name=$(basename "$cert" .pem)
    state=V
    for r in "$@"; do
        [ "$r" = "$name" ] && state=R
    done
    if [ $state = R ]; then
        line R "$cert" "$now,keyCompromise" >>"$dir/index.txt.part"
    else
        line V "$cert" >>"$dir/index.txt.part"
    fi
done
mv "$dir/index.txt.part" "$dir/index.txt"

case $signer in
ca) rsigner=$ca/ca.pem rkey=$ca/ca.key ;;
other) rsigner=$ca/unknown-ca.pem rkey=$ca/unknown-ca.key ;;
delegated)
    rsigner=$dir/responder.pem rkey=$dir/responder.key
    if [ ! -f "$rsigner" ]; then
        printf '[ocsp]\nbasicConstraints = critical, CA:false\nkeyUsage = critical, digitalSignature\nextendedKeyUsage = OCSPSigning\n' \
            >"$dir/responder.cnf"
        openssl req -new -newkey rsa:2048 -nodes -keyout "$rkey" -subj "/C=JP/CN=TEST OCSP responder" \
            -out "$dir/responder.csr" 2>/dev/null
        openssl x509 -req -in "$dir/responder.csr" -CA "$ca/ca.pem" -CAkey "$ca/ca.key" \
            -set_serial "0x$(openssl rand -hex 8)" -days 30 -extfile "$dir/responder.cnf" \
            -extensions ocsp -out "$rsigner" 2>/dev/null
    fi
    ;;
*) echo "ocsp-responder.sh: SIGNER is ca, delegated or other" >&2; exit 2 ;;
esac
exec openssl ocsp -index "$dir/index.txt" -port 0 -CA "$ca/ca.pem" -rsigner "$rsigner" \
    -rkey "$rkey" -nmin "$minutes" -ignore_err
