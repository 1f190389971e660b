/*
 * textcache: rendered strings kept as textures, keyed by (font, size, colours, string), in
 * a bounded LRU (entry count and pixel budget), so an unchanged frame renders no text and
 * memory stays capped however many strings pass through.
 *
 * Text is rendered antialiased onto its known background colour (TTF_RenderUTF8_Shaded),
 * so drawing it is an opaque copy, not an alpha blend: the software renderer's blend is
 * what made text-heavy screens slow.
 *
 * Threading: UI thread only (it owns SDL textures).
 */
#ifndef TEXTCACHE_H
#define TEXTCACHE_H

#include <stddef.h>

#include "fonts.h"
#include "theme.h"

struct SDL_Renderer;
struct SDL_Texture;
struct textcache;

struct textcache_stats {
    unsigned long hits, misses, evictions;
    size_t entries, pixels;
};

/* max_entries strings, max_pixels texels in total. Free with textcache_destroy. */
struct textcache *textcache_create(struct SDL_Renderer *r, struct fonts *f, size_t max_entries,
                                   size_t max_pixels);
void textcache_destroy(struct textcache *tc);

/* The texture of the string (borrowed until the next textcache_get), with its size, or NULL
 * when it cannot be rendered. */
struct SDL_Texture *textcache_get(struct textcache *tc, enum ui_font font, int px,
                                  struct ui_color c, struct ui_color bg, const char *s, size_t len,
                                  int *w, int *h);
void textcache_stats(const struct textcache *tc, struct textcache_stats *out);
void textcache_reset_stats(struct textcache *tc);

#endif
