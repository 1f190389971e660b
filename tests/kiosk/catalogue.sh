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
# Text that does not fit at 150 % is paged or the layout gives way; it is never dropped:
# the instructions of the session and consent screens are on their (first) page.
strings=$(dirname "$0")/../../assets/strings
python3 - "$dir" "$strings" <<'PY'
import json, sys
d, strings = sys.argv[1], sys.argv[2]
must = {"session": "session_body", "priv_consent": "priv_consent_body"}
bad = 0
for lang in ("ja", "en"):
    words = {}
    for line in open(f"{strings}/{lang}.txt", encoding="utf-8"):
        if " = " in line and not line.startswith("#"):
            k, v = line.rstrip("\n").split(" = ", 1)
            words[k] = v
    for screen, key in must.items():
        for scale in (100, 150):
            for theme in ("normal", "high_contrast"):
                p = f"{d}/{screen}-{lang}-{scale}-{theme}.json"
                texts = "".join(t["text"] for t in json.load(open(p, encoding="utf-8"))["texts"])
                if words[key].replace(" ", "") not in texts.replace(" ", ""):
                    print(f"{p}: the {key} words are not on the screen", file=sys.stderr)
                    bad += 1
                # the consents are not ordered by time: their pages are not "older"
                if screen == "priv_consent" and words["page_next"] in texts:
                    print(f"{p}: consent pages called {words['page_next']}", file=sys.stderr)
                    bad += 1
sys.exit(1 if bad else 0)
PY
