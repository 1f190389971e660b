/*
 * fake_text: text metrics for tests without fonts (a test double: the real metrics come
 * from SDL_ttf in platform/sdl/fonts.c). Every non-ASCII code point is `px` wide, ASCII
 * half that; a line is px * 13 / 10 high. Deterministic, so wrap results can be asserted.
 */
#ifndef FAKE_TEXT_H
#define FAKE_TEXT_H

#include <stddef.h>

#include "ui.h"

static inline int fake_width(void *ctx, enum ui_font font, int px, const char *s, size_t len)
{
    (void)ctx;
    (void)font;
    int w = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80)
            w += px / 2;
        else if (c >= 0xC0)
            w += px;
    }
    return w;
}

static inline int fake_line_height(void *ctx, enum ui_font font, int px)
{
    (void)ctx;
    (void)font;
    return px * 13 / 10;
}

static const struct ui_text_ops fake_text_ops = {NULL, fake_width, fake_line_height};

#endif
