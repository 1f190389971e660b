/*
 * textcache: a small LRU of text textures (see textcache.h). Lookups compare a 64-bit hash
 * before the string, over a few hundred entries; that costs microseconds per frame and
 * needs no second structure to keep in step.
 */
#include "textcache.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <stdlib.h>
#include <string.h>

struct entry {
    uint64_t hash;
    int font, px;
    struct ui_color c, bg;
    char *s;
    size_t len;
    SDL_Texture *tex;
    int w, h;
    unsigned long used;
};

struct textcache {
    SDL_Renderer *r;
    struct fonts *f;
    struct entry *e;
    size_t cap, n, max_pixels, pixels;
    unsigned long tick, hits, misses, evictions;
};

struct textcache *textcache_create(struct SDL_Renderer *r, struct fonts *f, size_t max_entries,
                                   size_t max_pixels)
{
    struct textcache *tc = calloc(1, sizeof *tc);
    if (!tc)
        return NULL;
    tc->e = calloc(max_entries, sizeof *tc->e);
    if (!tc->e) {
        free(tc);
        return NULL;
    }
    tc->r = r;
    tc->f = f;
    tc->cap = max_entries;
    tc->max_pixels = max_pixels;
    return tc;
}

static void drop(struct textcache *tc, size_t i)
{
    struct entry *e = &tc->e[i];
    tc->pixels -= (size_t)e->w * (size_t)e->h;
    SDL_DestroyTexture(e->tex);
    free(e->s);
    tc->e[i] = tc->e[--tc->n];
    tc->evictions++;
}

void textcache_destroy(struct textcache *tc)
{
    if (!tc)
        return;
    while (tc->n)
        drop(tc, 0);
    free(tc->e);
    free(tc);
}

static uint64_t hash(int font, int px, struct ui_color c, struct ui_color bg, const char *s,
                     size_t len)
{
    uint64_t h = 1469598103934665603ULL;
    uint32_t k[4] = {(uint32_t)font, (uint32_t)px,
                     (uint32_t)c.r << 24 | (uint32_t)c.g << 16 | (uint32_t)c.b << 8 | c.a,
                     (uint32_t)bg.r << 24 | (uint32_t)bg.g << 16 | (uint32_t)bg.b << 8 | bg.a};
    for (size_t i = 0; i < sizeof k; i++)
        h = (h ^ ((const unsigned char *)k)[i]) * 1099511628211ULL;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

static void evict_lru(struct textcache *tc)
{
    size_t v = 0;
    for (size_t i = 1; i < tc->n; i++)
        if (tc->e[i].used < tc->e[v].used)
            v = i;
    drop(tc, v);
}

struct SDL_Texture *textcache_get(struct textcache *tc, enum ui_font font, int px,
                                  struct ui_color c, struct ui_color bg, const char *s, size_t len,
                                  int *w, int *h)
{
    uint64_t hs = hash(font, px, c, bg, s, len);
    tc->tick++;
    for (size_t i = 0; i < tc->n; i++) {
        struct entry *e = &tc->e[i];
        if (e->hash == hs && e->font == (int)font && e->px == px && e->len == len &&
            !memcmp(&e->c, &c, sizeof c) && !memcmp(&e->bg, &bg, sizeof bg) &&
            !memcmp(e->s, s, len)) {
            e->used = tc->tick;
            tc->hits++;
            *w = e->w;
            *h = e->h;
            return e->tex;
        }
    }
    tc->misses++;
    TTF_Font *ttf = fonts_get(tc->f, font, px);
    char *copy = malloc(len + 1);
    SDL_Surface *surf = NULL;
    SDL_Texture *tex = NULL;
    if (!ttf || !copy)
        goto fail;
    memcpy(copy, s, len);
    copy[len] = '\0';
    SDL_Color col = {c.r, c.g, c.b, 255}, back = {bg.r, bg.g, bg.b, 255};
    surf = TTF_RenderUTF8_Shaded(ttf, copy, col, back);
    if (!surf)
        goto fail;
    tex = SDL_CreateTextureFromSurface(tc->r, surf);
    if (!tex)
        goto fail;
    SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_NONE);
    size_t px_count = (size_t)surf->w * (size_t)surf->h;
    while (tc->n && (tc->n >= tc->cap || tc->pixels + px_count > tc->max_pixels))
        evict_lru(tc);
    struct entry *e = &tc->e[tc->n++];
    *e = (struct entry){hs, (int)font, px, c, bg, copy, len, tex, surf->w, surf->h, tc->tick};
    tc->pixels += px_count;
    *w = surf->w;
    *h = surf->h;
    SDL_FreeSurface(surf);
    return tex;
fail:
    SDL_FreeSurface(surf);
    free(copy);
    return NULL;
}

void textcache_stats(const struct textcache *tc, struct textcache_stats *out)
{
    out->hits = tc->hits;
    out->misses = tc->misses;
    out->evictions = tc->evictions;
    out->entries = tc->n;
    out->pixels = tc->pixels;
}

void textcache_reset_stats(struct textcache *tc)
{
    tc->hits = tc->misses = tc->evictions = 0;
}
