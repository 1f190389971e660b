/*
 * realfonts: the kiosk's own fonts (BIZ UDPGothic from KIOSK_FONT_DIR, platform/sdl/fonts.c)
 * for tests whose outcome depends on the real text widths, not the fake metrics. Shared by
 * test_textwrap_fonts and test_shop_app.
 */
#ifndef REALFONTS_H
#define REALFONTS_H

#include <SDL_ttf.h>
#include <stdio.h>

#include "fonts.h"
#include "test.h"

/* SDL_ttf started and the fonts loaded, or NULL (the reason on stderr). Close with
 * realfonts_close. */
static inline struct fonts *realfonts_open(void)
{
    char err[256];
    if (TTF_Init() != 0) {
        fprintf(stderr, "TTF_Init: %s\n", TTF_GetError());
        return NULL;
    }
    struct fonts *f = fonts_create(KIOSK_FONT_DIR, err, sizeof err);
    if (!f) {
        fprintf(stderr, "fonts: %s\n", err);
        TTF_Quit();
    }
    return f;
}

static inline void realfonts_close(struct fonts *f)
{
    fonts_destroy(f);
    TTF_Quit();
}

/* The main of a test program whose tests measure with the kiosk's fonts: opens them, runs
 * `run` (the program's TEST_RUNs) with their measuring in *ops, closes them; returns
 * test_summary(). */
static inline int realfonts_main(struct ui_text_ops *ops, void (*run)(void))
{
    struct fonts *f = realfonts_open();
    CHECK(f != NULL);
    if (f) {
        *ops = fonts_text_ops(f);
        run();
        realfonts_close(f);
    }
    return test_summary();
}

#endif
