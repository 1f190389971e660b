/*
 * textwrap: wraps UTF-8 text into lines that fit a width, for Japanese and English.
 *
 * Lines break only at phrase boundaries, never inside a word: at the spaces our strings
 * put between phrases (文節: "あと 3 回 まちがえると、カードが …"; in English between words),
 * and after 、。，．！？. A space after a number is not a boundary, so a number stays
 * with its unit or counter ("3 回", "150 %", "9:12 に"). "\n" (libunibreak's mandatory
 * breaks) always breaks. Kinsoku holds at every break: a line never starts with
 * 。、，．」』）］｝〕〉》】ー・：；？！ゃゅょっぁぃぅぇぉ… and never ends with 「『（［｛〔〈《【
 * (UAX #14 leaves ー and small kana to tailoring, so the sets are ours).
 *
 * Only a word wider than the whole line is broken inside, by character, still honouring
 * kinsoku (and at least one character a line, so wrapping always progresses). Nothing is
 * ever dropped or cut with an ellipsis: the lines hold every character but the spaces
 * they break at.
 */
#ifndef TEXTWRAP_H
#define TEXTWRAP_H

#include <stdbool.h>
#include <stddef.h>

#include "ui.h"

struct textwrap_line {
    size_t start, len; /* byte range of the line in the text (trailing spaces excluded) */
    int width;         /* measured px */
};

/* Wraps `text` to `max_w` px. Fills up to `cap` lines and returns the number of lines the
 * text needs (which may be more than cap). A "\n" forces a break. */
size_t textwrap_lines(const struct ui *ui, enum ui_font font, int px, const char *text, int max_w,
                      struct textwrap_line *lines, size_t cap);

/* Kinsoku tests on one code point (exposed for tests). */
bool textwrap_no_start(unsigned long cp);
bool textwrap_no_end(unsigned long cp);

#endif
