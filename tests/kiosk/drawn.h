/*
 * drawn: reading what a frame drew, for tests that walk pages with the kiosk's own fonts
 * (test_msgpage, test_first_pages): words with their spaces folded, so lines joined over
 * pages compare with the words given; whether a rectangle lies inside another.
 */
#ifndef DRAWN_H
#define DRAWN_H

#include <stddef.h>

#include "ui.h"

/* The words as one line, spaces folded (the pages' lines joined). */
static inline void fold(const char *s, char *out, size_t size)
{
    size_t n = 0;
    for (; *s && n + 1 < size; s++)
        if (*s != ' ')
            out[n++] = *s;
    out[n] = '\0';
}

static inline bool inside(struct ui_rect r, struct ui_rect c)
{
    return r.x >= c.x && r.y >= c.y && r.x + r.w <= c.x + c.w && r.y + r.h <= c.y + c.h;
}

#endif
