/*
 * wrapcheck: what the line-breaking tests check on wrapped text, written without
 * textwrap's own rules so it can judge them: a break is at a phrase boundary when the
 * lines are separated by spaces or a newline, or the line ends with 、。，．！？; any other
 * break must belong to a word wider than the line (the piece from the line's start to the
 * word's end does not fit); the lines hold every character of the text but spaces and
 * newlines (nothing dropped). Shared by test_textwrap (fake metrics) and
 * test_textwrap_fonts (the kiosk's fonts).
 */
#ifndef WRAPCHECK_H
#define WRAPCHECK_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "textwrap.h"

static inline unsigned long first_cp(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] < 0x80)
        return u[0];
    if (u[0] >= 0xF0)
        return (u[0] & 7ul) << 18 | (u[1] & 63ul) << 12 | (u[2] & 63ul) << 6 | (u[3] & 63ul);
    if (u[0] >= 0xE0)
        return (u[0] & 15ul) << 12 | (u[1] & 63ul) << 6 | (u[2] & 63ul);
    return (u[0] & 31ul) << 6 | (u[1] & 63ul);
}

static inline unsigned long last_cp(const char *s, size_t len)
{
    size_t i = len;
    while (i > 0 && ((unsigned char)s[--i] & 0xC0) == 0x80)
        ;
    return first_cp(s + i);
}

/* Whether the break between line i and i + 1 is at a phrase boundary: the lines are
 * separated by spaces or a newline, or line i ends with 、。，．！？. */
static inline bool at_boundary(const char *text, const struct textwrap_line *a,
                               const struct textwrap_line *b)
{
    size_t end = a->start + a->len;
    for (size_t k = end; k < b->start; k++)
        if (text[k] == ' ' || text[k] == '\n' || !strncmp(text + k, "\u3000", 3))
            return true;
    unsigned long z = last_cp(text + a->start, a->len);
    return a->len > 0 &&
           (z == 0x3001 || z == 0x3002 || z == 0xFF0C || z == 0xFF0E || z == 0xFF01 || z == 0xFF1F);
}

/* End of the word that contains byte p: the next space not after a digit (a number keeps
 * its unit), newline or ideographic space, or the end of a 、。 */
static inline size_t wrapcheck_word_end(const char *text, size_t p)
{
    size_t n = strlen(text);
    while (p < n) {
        if (text[p] == '\n' || !strncmp(text + p, "\u3000", 3))
            return p;
        if (text[p] == ' ' && (p == 0 || text[p - 1] < '0' || text[p - 1] > '9'))
            return p;
        if (!strncmp(text + p, "、", 3) || !strncmp(text + p, "。", 3))
            return p + 3;
        p++;
    }
    return n;
}

/* Wraps text to w and returns the number of faults found (each said on stderr): breaks
 * inside a word that fits the line, and characters lost. */
static inline int wrapcheck_words(const struct ui *ui, enum ui_font font, int px, const char *text,
                                  int w)
{
    enum { CAP = 128 };
    struct textwrap_line l[CAP];
    int faults = 0;
    size_t n = textwrap_lines(ui, font, px, text, w, l, CAP);
    if (n > CAP) {
        fprintf(stderr, "width %d: more than %d lines: %s\n", w, CAP, text);
        return 1;
    }
    for (size_t i = 0; i + 1 < n; i++) {
        if (at_boundary(text, &l[i], &l[i + 1]))
            continue;
        const char *a = text + l[i].start;
        size_t we = wrapcheck_word_end(text, l[i + 1].start);
        if (ui_measure(ui, font, px, a, we - l[i].start) <= w) {
            fprintf(stderr, "width %d px %d: broken inside a word: \"%.*s\" / \"%.*s\"\n", w, px,
                    (int)l[i].len, a, (int)l[i + 1].len, text + l[i + 1].start);
            faults++;
        }
    }
    /* nothing lost: the lines' characters are the text's, minus spaces and newlines */
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < l[i].len; j++) {
            char c = text[l[i].start + j];
            if (c == ' ')
                continue;
            if (!strncmp(text + l[i].start + j, "\u3000", 3)) {
                j += 2;
                continue;
            }
            while (text[k] == ' ' || text[k] == '\n' || !strncmp(text + k, "\u3000", 3))
                k += text[k] == ' ' || text[k] == '\n' ? 1 : 3;
            if (text[k] != c) {
                fprintf(stderr, "width %d px %d: text lost or changed at byte %zu: %s\n", w, px, k,
                        text);
                return faults + 1;
            }
            k++;
        }
    while (text[k] == ' ' || text[k] == '\n' || !strncmp(text + k, "\u3000", 3))
        k += text[k] == ' ' || text[k] == '\n' ? 1 : 3;
    if (text[k] != '\0') {
        fprintf(stderr, "width %d px %d: text dropped from byte %zu: %s\n", w, px, k, text);
        faults++;
    }
    return faults;
}

#endif
