#!/bin/sh
# journey_shots.sh FROM TO: copies the chosen screenshots of the journey suite (FROM, e.g.
# build/journeys after `flock /work/pcscd.lock ctest --test-dir build -R kiosk_journeys`)
# to TO (docs/journeys), the set docs/ui.md shows. Fails when one is missing (a journey
# that did not get that far) or the set grows past 1.4 MB.
set -eu
from=$1 to=$2
shots="ja/checkin-3-restart ja/help-4-family-acked ja/help-5-status ja/unwell-2-family
ja/shop-4-confirm ja/tls-1-checkin ja/card-2-wrong ja/card-4-last-try ja/card-6-pulled
ja/ck-2-summary ja/ck-4-trend ja/consent-4-shown-revoked ja/log-1-first-page en/card-2-wrong"
mkdir -p "$to"
rm -f "$to"/*.png
for s in $shots; do
    [ -s "$from/$s.png" ] || { echo "missing: $from/$s.png"; exit 1; }
    cp "$from/$s.png" "$to/$(echo "$s" | tr / -).png"
done
size=$(du -cb "$to"/*.png | tail -n 1 | cut -f1)
echo "journey screenshots: $(echo "$shots" | wc -w) files, $size bytes in $to"
[ "$size" -le 1468006 ] || { echo "the screenshots are larger than 1.4 MB"; exit 1; }
