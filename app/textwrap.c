/*
 * textwrap: greedy line filling over libunibreak's break opportunities, with kinsoku
 * enforced on top (see textwrap.h). Input is capped at TEXTWRAP_MAX_TEXT bytes; longer text is
 * wrapped up to the cap only, which no screen string comes near.
 */
#include "textwrap.h"

#include <linebreak.h>
#include <pthread.h>
#include <string.h>

#define TEXTWRAP_MAX_TEXT 4096

static pthread_once_t textwrap_once = PTHREAD_ONCE_INIT;

static void textwrap_init(void)
{
    init_linebreak();
}

bool textwrap_no_start(unsigned long cp)
{
    static const unsigned long set[] = {
        0x3002, 0x3001, 0xFF0C, 0xFF0E, 0x300D, 0x300F, 0xFF09, 0xFF3D, 0xFF5D, 0x3015,
        0x3009, 0x300B, 0x3011, 0x30FC, 0x30FB, 0xFF1A, 0xFF1B, 0xFF1F, 0xFF01, 0x3063,
        0x3083, 0x3085, 0x3087, 0x3041, 0x3043, 0x3045, 0x3047, 0x3049, 0x30C3, 0x30E3,
        0x30E5, 0x30E7, 0x30A1, 0x30A3, 0x30A5, 0x30A7, 0x30A9, 0x3005, 0x309D, 0x309E,
        0x30FD, 0x30FE, 0x2026, 0x2025, 0x301C, 0xFF5E, '.',    ',',    ')',    ']',
        '}',    '!',    '?',    ':',    ';',    0x00BB,
    };
    for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
        if (set[i] == cp)
            return true;
    return false;
}

bool textwrap_no_end(unsigned long cp)
{
    static const unsigned long set[] = {0x300C, 0x300E, 0xFF08, 0xFF3B, 0xFF5B, 0x3014, 0x3008,
                                        0x300A, 0x3010, '(',    '[',    '{',    0x00AB};
    for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
        if (set[i] == cp)
            return true;
    return false;
}

/* Decodes the code point starting at s[i]; returns its byte length (1 on bad input). */
static size_t decode(const char *s, size_t n, size_t i, unsigned long *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len = 1;
    unsigned long c = u[i];
    if (c >= 0xF0) {
        len = 4;
        c &= 0x07;
    } else if (c >= 0xE0) {
        len = 3;
        c &= 0x0F;
    } else if (c >= 0xC0) {
        len = 2;
        c &= 0x1F;
    }
    if (i + len > n) {
        *cp = u[i];
        return 1;
    }
    for (size_t k = 1; k < len; k++)
        c = (c << 6) | (u[i + k] & 0x3F);
    *cp = c;
    return len;
}

/* Code point ending just before byte position `end`. */
static unsigned long cp_before(const char *s, size_t end)
{
    size_t i = end;
    while (i > 0) {
        i--;
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            break;
    }
    unsigned long cp;
    decode(s, end, i, &cp);
    return cp;
}

/* Whether a break may be made at byte position pos (between two characters). */
static bool kinsoku_ok(const char *s, size_t n, size_t pos)
{
    if (pos == 0 || pos >= n)
        return true;
    unsigned long before = cp_before(s, pos), after;
    decode(s, n, pos, &after);
    return !textwrap_no_end(before) && !textwrap_no_start(after);
}

static void add_line(const struct ui *ui, enum ui_font font, int px, const char *s, size_t a,
                     size_t b, struct textwrap_line *lines, size_t cap, size_t *count)
{
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\n'))
        b--;
    if (*count < cap) {
        lines[*count].start = a;
        lines[*count].len = b - a;
        lines[*count].width = b > a ? ui_measure(ui, font, px, s + a, b - a) : 0;
    }
    (*count)++;
}

size_t textwrap_lines(const struct ui *ui, enum ui_font font, int px, const char *text, int max_w,
                      struct textwrap_line *lines, size_t cap)
{
    char brks[TEXTWRAP_MAX_TEXT];
    size_t n = strnlen(text, TEXTWRAP_MAX_TEXT);
    size_t count = 0;
    pthread_once(&textwrap_once, textwrap_init);
    if (n == 0)
        return 0;
    set_linebreaks_utf8((const utf8_t *)text, n, "ja", brks);
    /* brks[i] is the opportunity after the byte i (its character's last byte). */
    size_t start = 0;
    while (start < n) {
        size_t best = 0; /* best break position (exclusive end) found so far */
        size_t forced = 0;
        size_t i = start;
        while (i < n) {
            unsigned long cp;
            size_t len = decode(text, n, i, &cp);
            size_t end = i + len;
            int w = ui_measure(ui, font, px, text + start, end - start);
            /* trailing spaces do not count against the width */
            if (w > max_w && cp != ' ')
                break;
            if (end >= n) {
                best = n;
                break;
            }
            char b = brks[end - 1];
            if (b == LINEBREAK_MUSTBREAK) {
                forced = end;
                break;
            }
            if (b == LINEBREAK_ALLOWBREAK && kinsoku_ok(text, n, end))
                best = end;
            i = end;
        }
        if (forced) {
            add_line(ui, font, px, text, start, forced, lines, cap, &count);
            start = forced;
            continue;
        }
        if (best == 0) {
            /* no opportunity fits: split between characters, still honouring kinsoku;
             * at least one character per line so we always progress */
            unsigned long first;
            size_t pos = i > start ? i : start + decode(text, n, start, &first);
            size_t p = pos;
            while (p > start && !kinsoku_ok(text, n, p)) {
                p--;
                while (p > start && ((unsigned char)text[p] & 0xC0) == 0x80)
                    p--;
            }
            best = p > start ? p : pos;
        }
        add_line(ui, font, px, text, start, best, lines, cap, &count);
        start = best;
        while (start < n && text[start] == ' ')
            start++;
    }
    return count;
}
