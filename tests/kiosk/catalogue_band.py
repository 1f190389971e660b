#!/usr/bin/env python3
"""The notice band on every screen (docs/ui.md "Notices on every screen").

Reads the layout dumps the catalogue wrote: DIR/NAME-LANG-SCALE-normal.json (each entry as
it is, its first page) and DIR/band/NAME-LANG-SCALE-BAND-pN.json (the same entry with a
notice band over it, every page, BAND = several | long). Checks, for ja and en at 100, 125
and 150 %:
  - every screen but the whole notices and the PIN pad shows the band, on every page;
  - the band says all its words on every page: the notice's title, its whole area,
    "ほか N 件" when there are more, on the first screens (home, waiting) what to do, and
    the time of the information when the hub cannot be reached; on every other screen the
    band takes at most two lines and its area may end early, between two of its phrases,
    with "…" (the whole notice is one tap away, and first on home and waiting);
  - the screen's own words are all still there, over its pages: each word of the entry
    without the band is on one of the pages with it, as often as it was.
  catalogue_band.py DIR
"""
import glob
import json
import os
import re
import sys

# the notices themselves; the PIN pad's fixed keys and the widget samples' keypad (the same
# keys); the family tablet's list and its requests' inbox (family tablets do not ask for
# notices)
NO_BAND = {"notice", "card_pin", "gallery", "family", "req_inbox"}
# entries shown without a band: the town's safety question (its two answers come first)
NO_BAND_ENTRIES = {"safety_ask", "safety_ask_speech"}
FIRST = {"home", "card_idle"}  # the band takes the title's place and says what to do

# The catalogue's notice samples (app/notice.c notice_sample) as a resident must read them.
SAMPLES = {
    0: {"ja": (["避難指示", "中央地区 川ぞいの 地域", "ほか 1 件"],
               ["すぐに 中央小学校に 避難してください。"]),
        "en": (["Evacuation order", "中央地区 川ぞいの 地域", "and 1 more"],
               ["Go to Chuo Elementary School now."])},
    1: {"ja": (["雷注意報", "中央地区"], ["外に いる ときは 建物の 中に 入ってください。"]),
        "en": (["Thunderstorm advisory", "中央地区"], ["If you are outside, go into a building."])},
    5: {"ja": (["大雨特別警報", "中央地区 川ぞいの 地域と 北町 一丁目から 三丁目の 山ぞいの 地域"],
               ["いのちを まもる ことを すぐに して ください。", "町の 避難の 知らせに したがって ください。"]),
        "en": (["Heavy rain emergency warning",
                "中央地区 川ぞいの 地域と 北町 一丁目から 三丁目の 山ぞいの 地域"],
               ["Act now to save your life.", "Follow the town's evacuation notice."])},
}
STALE = {"ja": ("9:00 に 受け取った 情報です。いま 新しい 情報を 受け取れません。", "(9:00 の 情報)"),
         "en": ("Received at 9:00. New information cannot be received now.", "(as of 9:00)")}
BANDS = {"several": 0, "long": 5}
# entries that bring their own notices (app/feature_notice.c): sample, offline
OWN = {"home_notice": (0, False), "home_notice_advisory": (1, False),
       "home_notice_offline": (0, True), "card_idle_notice": (0, False),
       "help_confirm_notice": (0, False), "menu_notice": (0, False),
       "result_sent_notice": (0, False), "result_kept_notice": (0, False)}
# a page number, or a time of day (the catalogue's sample hours differ between its passes)
# Open (docs/ui.md, "notices"): entries that still lose some of their own words to the band
# with one of its layouts; reported, not failed. Everything else fails.
OPEN = {
    "menu",  # 同じものを もう一度 leads 買い物を する instead when five tiles do not fit
    "ck_item", "ck_item_range", "gallery_chart",  # a short chart drops its legend line
    # a short chart leaves out axis numbers that would touch (app/scr_ck_*: by design)
    "ck_item_trend", "ck_item_range_trend",
    # the failed load says what happened and the explanation only as far as it fits (not
    # paged; the privacy screens are being reworked separately)
    "stats_optout_failed",
}
# The first screens (no Back / Home): the band takes the title's place and the title follows
# below it; where not even one page of the screen's controls fits under both (150 %, the
# long band, English), the title is left out (app_first_screen_short): reported as open.
LEAD = {"home", "card_idle", "session"}
PAGE_NO = re.compile(r"^[(（]?\d+\s*/\s*\d+[)）]?$|\d+:\d\d")
# a pager's page words ("page 2 of 13", "2 / 13 ページ"): the count follows the room
PAGE_TEXT = re.compile(r"^(page\s+\d+\s+of\s+\d+|\d+\s*/\s*\d+\s*ページ)$")


def flat(s):
    return re.sub(r"\s+", "", s)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def banner(layout):
    for t in layout["targets"]:
        if t["id"] == "notice_banner":
            return t["rect"]
    return None


def in_rect(t, r):
    x = t["rect"]["x"] + t["rect"]["w"] / 2
    y = t["rect"]["y"] + t["rect"]["h"] / 2
    return r and r["x"] <= x <= r["x"] + r["w"] and r["y"] <= y <= r["y"] + r["h"]


def split(layout):
    """(the band's words, the screen's own words) of one layout, each joined in draw order."""
    r = banner(layout)
    band = [t["text"] for t in layout["texts"] if in_rect(t, r)]
    own = [t["text"] for t in layout["texts"] if not in_rect(t, r)]
    return band, own


def words_of(layout):
    """(the screen's own words below the band outside its buttons, the rest: labels, title,
    status bar), each in draw order."""
    r = banner(layout)
    boxes = [t["rect"] for t in layout["targets"]]
    low = max((b["y"] + b["h"] for b in boxes), default=0)
    own = [t for t in layout["texts"] if not in_rect(t, r)]

    def body(t):
        b = t.get("box") or t["rect"]
        return (r is not None and b not in boxes and b["y"] >= r["y"] + r["h"]
                and b["y"] < low)
    return ([t["text"] for t in own if body(t)], [t["text"] for t in own if not body(t)])


def main():
    d = sys.argv[1]
    bad, open_ = [], []
    checked = 0
    for first in sorted(glob.glob(f"{d}/band/*-p1.json")):
        stem = os.path.basename(first)[: -len("-p1.json")]
        name, lang, scale, band = stem.rsplit("-", 3)
        pages = []
        n = 1
        while os.path.exists(f"{d}/band/{stem}-p{n}.json"):
            pages.append(load(f"{d}/band/{stem}-p{n}.json"))
            n += 1
        screen = pages[0]["screen"]
        variant, offline = OWN.get(name, (BANDS[band], False))
        words, todo = SAMPLES[variant][lang]
        want = list(words)
        if screen in FIRST:
            want += todo
        if offline:
            want.append(STALE[lang][0 if screen in FIRST else 1])
        checked += 1
        for i, p in enumerate(pages, 1):
            if screen in NO_BAND or name in NO_BAND_ENTRIES:
                if banner(p):
                    bad.append(f"{stem}-p{i}: a band over {screen}")
                continue
            if banner(p):
                said = flat("".join(split(p)[0]))
            elif any(t.get("dimmed") for t in p["texts"]):
                # a dialog over the screen: the band is under it, dimmed with the rest
                said = flat("".join(t["text"] for t in p["texts"] if t.get("dimmed")))
            else:
                bad.append(f"{stem}-p{i}: no notice band on {screen}")
                continue
            for k, w in enumerate(want):
                if flat(w) in said:
                    continue
                # the area (words[1]) on a screen other than the first ones: its first
                # phrases and "…"
                phrases = w.split()
                if (screen not in FIRST and k == 1 and len(words) > 1 and
                        any(flat(" ".join(phrases[:m])) + "…" in said
                            for m in range(1, len(phrases)))):
                    continue
                bad.append(f"{stem}-p{i}: the band drops \"{w}\" (it says \"{said}\")")
            lines = len(split(p)[0])
            if banner(p) and screen not in FIRST and lines > 2:
                bad.append(f"{stem}-p{i}: the band takes {lines} lines on {screen} (at most 2)")
        # the screen's own words: none lost to the band, over the pages
        nb = f"{d}/{name}-{lang}-{scale}-normal.json"
        if not os.path.exists(nb):
            bad.append(f"{stem}: no layout {nb} to compare with")
            continue
        base = load(nb)
        if any(t.get("dimmed") for p in pages for t in p["texts"]):
            # a dialog over the screen: its own words count (the screen under it is dimmed)
            # (its countdown's seconds follow the clock, not the band)
            own = [re.sub(r"\b\d+\b", "", t["text"]) for t in base["texts"] if not t.get("dimmed")]
        else:
            own = split(base)[1]
        title_words = set()
        if screen in LEAD and base["targets"]:
            top = min(t["rect"]["y"] for t in base["targets"])
            title_words = {w for t in base["texts"] if t["rect"]["y"] + t["rect"]["h"] <= top
                           for w in t["text"].split()}
        before = [w for t in own if not PAGE_TEXT.match(t.strip()) for w in t.split()
                  if not PAGE_NO.match(w)]
        # a paragraph continued on the next page: its lines are read in a row, the labels of
        # the buttons between them (drawn after the words of each page) after them
        after = flat("".join("".join(words_of(p)[0]) for p in pages) +
                     "".join("".join(words_of(p)[1]) for p in pages))
        need = {}
        for w in before:
            need[w] = need.get(w, 0) + 1
        for w, count in sorted(need.items()):
            have = after.count(flat(w))
            if have < count:
                (open_ if name in OPEN or w in title_words else bad).append(f"{stem}: \"{w}\" {count} time(s) on {name} without the band, "
                           f"{have} with it over {len(pages)} page(s)")
    for b in open_:
        print(f"open: {b}", file=sys.stderr)
    for b in bad:
        print(b, file=sys.stderr)
    if checked == 0:
        print(f"catalogue_band: no layouts with a band in {d}/band", file=sys.stderr)
        bad.append("none")
    print(f"catalogue_band: {checked} screens with a band checked, {len(bad)} problems, "
          f"{len(open_)} open")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
