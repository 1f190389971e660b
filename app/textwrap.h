/*
 * textwrap: wraps UTF-8 text into lines that fit a width, for Japanese and English.
 *
 * Break opportunities come from libunibreak (UAX #14, language "ja"), which is
 * platform-free. On top of it we enforce the Japanese kinsoku rules ourselves, because
 * UAX #14 leaves some of them to tailoring (ー and small kana are "conditional Japanese
 * starters"): a line never starts with 。、，．」』）］｝〕〉》】ー・：；？！ゃゅょっぁぃぅぇぉ…
 * and never ends with 「『（［｛〔〈《【. When a single unbreakable run is wider than the line it
 * is split between characters (still honouring kinsoku), never cut with an ellipsis.
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
