#!/bin/sh
# Builds the Debian packages (linkage-hub, linkage-kiosk, linkage-testcard) as shipped:
# an optimised Release with Debian's build flags (dpkg-buildflags: hardening, fortify),
# packaged by CPack (packaging/packages.cmake). Output: build-release/packages/*.deb.
# Then: apt install ./build-release/packages/*.deb   (docs/operations.md)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/packaging/install-deps.sh"
eval "$(dpkg-buildflags --export=sh)"
cmake -S "$top" -B "$top/build-release" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$top/build-release" -j "${JOBS:-$(nproc)}"
(cd "$top/build-release" && cpack -G DEB -B "$top/build-release/packages")
ls "$top"/build-release/packages/*.deb
