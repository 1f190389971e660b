#!/bin/sh
# The screen catalogue: renders every screen × {ja,en} × {100,150 %} × {normal, high
# contrast} offscreen (PNG + layout JSON into DIR) and checks the screen rules on each.
#   catalogue.sh KIOSK CATALOGUE_CHECK DIR
set -eu
kiosk=$1 check=$2 dir=$3
rm -rf "$dir"
mkdir -p "$dir"
"$kiosk" --catalogue "$dir"
"$check" "$dir"
