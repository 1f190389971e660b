/*
 * fonts: BIZ UDPGothic (regular and bold) at any pixel size through SDL_ttf, and the text
 * measuring functions app/ uses (ui_text_ops). The font files are read into memory once;
 * a TTF_Font per (weight, size) is opened from that memory on first use and kept in a
 * small cache. Widths are memoised, because line breaking measures the same prefixes
 * often.
 *
 * Threading: UI thread only.
 */
#ifndef FONTS_H
#define FONTS_H

#include <stddef.h>

#include "ui.h"

typedef struct _TTF_Font TTF_Font;
struct fonts;

/* Loads dir/BIZUDPGothic-Regular.ttf and -Bold.ttf. TTF_Init must have been called. On
 * failure returns NULL with the reason in err. Free with fonts_destroy. */
struct fonts *fonts_create(const char *dir, char *err, size_t errsize);
void fonts_destroy(struct fonts *f);

/* The font of that weight and pixel size (borrowed; valid until fonts_destroy). NULL when
 * it cannot be opened. */
TTF_Font *fonts_get(struct fonts *f, enum ui_font font, int px);

/* ui_text_ops bound to f. */
struct ui_text_ops fonts_text_ops(struct fonts *f);

#endif
