#!/bin/sh
# The screen catalogue: renders every screen × {ja,en} × {100,125,150 %} × {normal, high
# contrast} offscreen (PNG + layout JSON into DIR), then every screen again under a notice
# band (DIR/band: every page, layouts; a PNG of the first page at 150 %), and checks the
# screen rules on each (with the band too). One kiosk process a language and the two checks
# side by side: the machine's cores share the work.
#   catalogue.sh KIOSK CATALOGUE_CHECK DIR
set -eu
kiosk=$1 check=$2 dir=$3
rm -rf "$dir"
mkdir -p "$dir"
start=$(date +%s)
"$kiosk" --catalogue "$dir" --catalogue-lang ja > "$dir/ja.log" 2>&1 &
ja=$!
"$kiosk" --catalogue "$dir" --catalogue-lang en > "$dir/en.log" 2>&1 &
en=$!
rc=0
wait $ja || rc=1
wait $en || rc=1
cat "$dir/ja.log" "$dir/en.log"
[ $rc -eq 0 ] || { echo "catalogue: the kiosk failed" >&2; exit 1; }
rendered=$(date +%s)
"$check" "$dir" > "$dir/check.log" 2>&1 &
plain=$!
"$check" --some-png --open "$(dirname "$0")/catalogue_band_open.txt" "$dir/band" \
    > "$dir/check-band.log" 2>&1 &
banded=$!
wait $plain || rc=1
wait $banded || rc=1
cat "$dir/check.log" "$dir/check-band.log"
echo "catalogue: written in $((rendered - start)) s, checked in $(($(date +%s) - rendered)) s"
[ $rc -eq 0 ] || exit 1
# Text that does not fit at 150 % is paged or the layout gives way; it is never dropped:
# the instructions of the session and consent screens are on their (first) page; 安否's
# words over its pages; every item of the shop's confirm screen over its pages (no "ほか n
# 品"); a paged checkup says its page in the title on every page.
strings=$(dirname "$0")/../../assets/strings
python3 - "$dir" "$strings" <<'PY'
import json, sys
d, strings = sys.argv[1], sys.argv[2]
must = {"session": "session_body", "priv_consent": "priv_consent_body",
        "stats_optout": "stats_body"}
bad = 0
strings_of = {}
for lang in ("ja", "en"):
    strings_of[lang] = {}
    for line in open(f"{strings}/{lang}.txt", encoding="utf-8"):
        if " = " in line and not line.startswith("#"):
            k, v = line.rstrip("\n").split(" = ", 1)
            strings_of[lang][k] = v
for lang in ("ja", "en"):
    words = strings_of[lang]
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
def texts_of(name, lang, scale, theme):
    p = f"{d}/{name}-{lang}-{scale}-{theme}.json"
    return "".join(t["text"] for t in json.load(open(p, encoding="utf-8"))["texts"]).replace(" ", "")

def title_of(name, lang, scale, theme):
    p = f"{d}/{name}-{lang}-{scale}-{theme}.json"
    # the title's lines follow Back and Home (a long title wraps to a second line)
    return " ".join(t["text"] for t in json.load(open(p, encoding="utf-8"))["texts"][2:4])

# the words that must be on some page of a paged screen (sample names of its pages)
paged = {
    ("status_acked", "status_acked_page2", "status_acked_page3"):
        ["status_family_unknown", "status_help_label", "status_today_label"],
    ("shop_confirm", "shop_confirm_page2", "shop_confirm_page3", "shop_confirm_page4",
     "shop_confirm_last"):
        ["shop_confirm_pay"],
}
items = {"ja": ["キャベツ", "牛乳1L", "お米5kg"], "en": ["Cabbage", "Milk1L", "Rice5kg"]}
for lang in ("ja", "en"):
    words = strings_of[lang]
    for scale in (100, 125, 150):
        for theme in ("normal", "high_contrast"):
            for names, keys in paged.items():
                union = "".join(texts_of(n, lang, scale, theme) for n in names)
                want = [words[k].replace(" ", "") for k in keys]
                if names[0] == "shop_confirm":
                    want += items[lang]
                for w in want:
                    if w not in union:
                        print(f"{names[0]}-{lang}-{scale}-{theme}: \"{w}\" on none of its pages",
                              file=sys.stderr)
                        bad += 1
            # a checkup's second page says where the resident is: "健診の結果 2/N"
            t = title_of("ck_one_page2", lang, scale, theme)
            if "2/" not in t:
                print(f"ck_one_page2-{lang}-{scale}-{theme}: title \"{t}\" without its page",
                      file=sys.stderr)
                bad += 1
sys.exit(1 if bad else 0)
PY
# The notice band over every screen (a long notice, several notices): its words are all
# said, and the screen's own words are all still on its pages.
python3 "$(dirname "$0")/catalogue_band.py" "$dir"
