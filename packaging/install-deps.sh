#!/bin/sh
# Installs every Debian 12 package that the build, the demo and the tests need,
# toolchain included, on a minimal Debian with nothing but apt. Idempotent: a second
# run installs nothing new. Runs as root (or through sudo when it is there).
set -eu

PKGS="
  build-essential dpkg-dev cmake pkg-config git ca-certificates
  clang libclang-rt-14-dev clang-format
  libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev libpng-dev libespeak-ng-dev espeak-ng-data
  libcurl4-openssl-dev libcjson-dev libssl-dev openssl
  libsqlite3-dev sqlite3 libpq-dev postgresql-15 libmicrohttpd-dev libunibreak-dev
  libglpk-dev
  libpcsclite-dev pcscd pcsc-tools vsmartcard-vpcd
  xvfb xauth x11-apps curl python3 python3-aiosmtpd procps util-linux iproute2 sox
  lintian systemd cage xwayland grim
"

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done

if [ -n "$missing" ]; then
    echo "install-deps: installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -q
    # shellcheck disable=SC2086
    as_root apt-get install -y -q --no-install-recommends $missing
else
    echo "install-deps: everything is already installed"
fi
