/*
 * textwrap: greedy line filling over phrase boundaries, with kinsoku enforced at each
 * (see textwrap.h); libunibreak supplies the mandatory breaks. Input is capped at TEXTWRAP_MAX_TEXT
 * bytes; longer text is wrapped up to the cap only, which no screen string comes near.
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

static bool is_space(unsigned long cp)
{
    return cp == ' ' || cp == 0x3000;
}

static bool is_digit(unsigned long cp)
{
    return (cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19);
}

/* Punctuation that ends a phrase: a line may break after it. */
static bool ends_phrase(unsigned long cp)
{
    return cp == 0x3001 || cp == 0x3002 || cp == 0xFF0C || cp == 0xFF0E || cp == 0xFF01 ||
           cp == 0xFF1F;
}

/* Start of the code point that ends just before byte position end. */
static size_t prev_start(const char *s, size_t end)
{
    size_t i = end;
    while (i > 0) {
        i--;
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            break;
    }
    return i;
}

/* A phrase boundary at pos: the first character after a run of spaces (unless the run
 * follows a number, which keeps its unit), or the first character after 、。，．！？. The
 * character at pos is not a space (a line breaks after the spaces, which it drops). */
static bool phrase_boundary(const char *s, size_t n, size_t pos)
{
    unsigned long after, before;
    if (pos == 0 || pos >= n)
        return false;
    decode(s, n, pos, &after);
    if (is_space(after) || after == '\n')
        return false;
    size_t i = pos;
    before = cp_before(s, i);
    if (ends_phrase(before))
        return kinsoku_ok(s, n, pos);
    if (!is_space(before))
        return false;
    while (i > 0 && is_space(cp_before(s, i)))
        i = prev_start(s, i);
    if (i == 0)
        return false;
    before = cp_before(s, i);
    if (is_digit(before) || before == '\n')
        return false;
    return !textwrap_no_end(before) && !textwrap_no_start(after);
}

static void add_line(const struct ui *ui, enum ui_font font, int px, const char *s, size_t a,
                     size_t b, struct textwrap_line *lines, size_t cap, size_t *count)
{
    /* spaces (ASCII and ideographic) and the newline at the end of a line draw nothing */
    while (b > a) {
        size_t p = prev_start(s, b);
        unsigned long cp = cp_before(s, b);
        if (!is_space(cp) && cp != '\n')
            break;
        b = p < a ? a : p;
    }
    if (*count < cap) {
        lines[*count].start = a;
        lines[*count].len = b - a;
        lines[*count].width = b > a ? ui_measure(ui, font, px, s + a, b - a) : 0;
    }
    (*count)++;
}

/* Width of s[a, b) without the spaces and newline at its end (they vanish at a line
 * break). */
static int measure_trimmed(const struct ui *ui, enum ui_font font, int px, const char *s, size_t a,
                           size_t b)
{
    while (b > a && (is_space(cp_before(s, b)) || s[b - 1] == '\n'))
        b = prev_start(s, b);
    return b > a ? ui_measure(ui, font, px, s + a, b - a) : 0;
}

/* The end of the longest piece of a too-wide word starting at `start` that fits max_w,
 * broken between characters where kinsoku allows; at least one character. */
static size_t split_word(const struct ui *ui, enum ui_font font, int px, const char *s, size_t n,
                         size_t start, int max_w)
{
    unsigned long cp;
    size_t first = start + decode(s, n, start, &cp);
    size_t fit = first, i = first;
    while (i < n) {
        size_t end = i + decode(s, n, i, &cp);
        if (ui_measure(ui, font, px, s + start, end - start) > max_w)
            break;
        fit = end;
        i = end;
    }
    size_t p = fit;
    while (p > first && !kinsoku_ok(s, n, p))
        p = prev_start(s, p);
    return p > start && kinsoku_ok(s, n, p) ? p : fit;
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
    /* libunibreak for the mandatory breaks ("\n" and the like): brks[i] is the opportunity
     * after byte i (its character's last byte); the phrase boundaries are ours */
    set_linebreaks_utf8((const utf8_t *)text, n, "ja", brks);
    size_t start = 0;
    while (start < n) {
        size_t best = 0; /* end of the last phrase that fits */
        size_t forced = 0;
        size_t i = start;
        while (i < n) {
            unsigned long cp;
            size_t end = i + decode(text, n, i, &cp);
            if (end >= n) {
                if (measure_trimmed(ui, font, px, text, start, n) <= max_w)
                    best = n;
                break;
            }
            if (brks[end - 1] == LINEBREAK_MUSTBREAK) {
                if (measure_trimmed(ui, font, px, text, start, end) <= max_w)
                    forced = end;
                break;
            }
            if (phrase_boundary(text, n, end)) {
                if (measure_trimmed(ui, font, px, text, start, end) > max_w)
                    break;
                best = end;
            }
            i = end;
        }
        if (forced) {
            add_line(ui, font, px, text, start, forced, lines, cap, &count);
            start = forced;
            continue;
        }
        if (best == 0) /* the first word alone is wider than the line */
            best = split_word(ui, font, px, text, n, start, max_w);
        add_line(ui, font, px, text, start, best, lines, cap, &count);
        start = best;
        /* a line never starts with the spaces it broke at (but does after a "\n") */
        while (start < n &&
               (text[start] == ' ' || (start + 3 <= n && !memcmp(text + start, "\xE3\x80\x80", 3))))
            start += text[start] == ' ' ? 1 : 3;
    }
    return count;
}
