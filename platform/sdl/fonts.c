/*
 * fonts: font files in memory, TTF_Font cache, memoised measuring (see fonts.h).
 */
#include "fonts.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FONT_SLOTS    24
#define MEASURE_SLOTS 4096
#define MEASURE_MAX   4096
#define FONT_FILE_MAX (32 * 1024 * 1024)

struct font_slot {
    enum ui_font font;
    int px;
    TTF_Font *ttf;
    unsigned long used;
};

struct measure_slot {
    uint64_t hash;
    int font, px, width;
};

struct fonts {
    void *data[2];
    size_t size[2];
    struct font_slot slots[FONT_SLOTS];
    unsigned long tick;
    struct measure_slot memo[MEASURE_SLOTS];
};

static void *read_file(const char *path, size_t *size, char *err, size_t errsize)
{
    void *buf = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errsize, "cannot open font %s", path);
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) != 0)
        goto fail;
    long n = ftell(f);
    if (n <= 0 || n > FONT_FILE_MAX || fseek(f, 0, SEEK_SET) != 0)
        goto fail;
    buf = malloc((size_t)n);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
        goto fail;
    fclose(f);
    *size = (size_t)n;
    return buf;
fail:
    snprintf(err, errsize, "cannot read font %s (empty, unreadable or over 32 MiB)", path);
    free(buf);
    fclose(f);
    return NULL;
}

struct fonts *fonts_create(const char *dir, char *err, size_t errsize)
{
    static const char *names[2] = {"BIZUDPGothic-Regular.ttf", "BIZUDPGothic-Bold.ttf"};
    struct fonts *f = calloc(1, sizeof *f);
    if (!f) {
        snprintf(err, errsize, "out of memory");
        return NULL;
    }
    for (int i = 0; i < 2; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        f->data[i] = read_file(path, &f->size[i], err, errsize);
        if (!f->data[i]) {
            fonts_destroy(f);
            return NULL;
        }
    }
    return f;
}

void fonts_destroy(struct fonts *f)
{
    if (!f)
        return;
    for (int i = 0; i < FONT_SLOTS; i++)
        if (f->slots[i].ttf)
            TTF_CloseFont(f->slots[i].ttf);
    free(f->data[0]);
    free(f->data[1]);
    free(f);
}

TTF_Font *fonts_get(struct fonts *f, enum ui_font font, int px)
{
    struct font_slot *victim = &f->slots[0];
    f->tick++;
    for (int i = 0; i < FONT_SLOTS; i++) {
        struct font_slot *s = &f->slots[i];
        if (s->ttf && s->font == font && s->px == px) {
            s->used = f->tick;
            return s->ttf;
        }
        if (!s->ttf || (victim->ttf && s->used < victim->used))
            victim = s;
    }
    if (victim->ttf)
        TTF_CloseFont(victim->ttf);
    SDL_RWops *rw = SDL_RWFromConstMem(f->data[font], (int)f->size[font]);
    victim->ttf = rw ? TTF_OpenFontRW(rw, 1, px) : NULL;
    if (!victim->ttf) {
        fprintf(stderr, "kiosk: cannot open font at %d px: %s\n", px, TTF_GetError());
        return NULL;
    }
    victim->font = font;
    victim->px = px;
    victim->used = f->tick;
    return victim->ttf;
}

static uint64_t hash_text(int font, int px, const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)(font * 131 + px);
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h ? h : 1;
}

static int width(void *ctx, enum ui_font font, int px, const char *s, size_t len)
{
    struct fonts *f = ctx;
    char buf[MEASURE_MAX + 1];
    if (len > MEASURE_MAX)
        len = MEASURE_MAX;
    uint64_t h = hash_text(font, px, s, len);
    struct measure_slot *m = &f->memo[h % MEASURE_SLOTS];
    if (m->hash == h && m->font == (int)font && m->px == px)
        return m->width;
    TTF_Font *ttf = fonts_get(f, font, px);
    int w = 0, hh = 0;
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (!ttf || TTF_SizeUTF8(ttf, buf, &w, &hh) != 0)
        w = (int)len * px; /* never under-estimate: text must stay in its box */
    m->hash = h;
    m->font = (int)font;
    m->px = px;
    m->width = w;
    return w;
}

static int line_height(void *ctx, enum ui_font font, int px)
{
    /* CJK fonts' line skip is close to 1 em; seniors read better with ~1.3 em, and the
     * glyph box (TTF_FontHeight) must fit inside the line */
    TTF_Font *ttf = fonts_get(ctx, font, px);
    if (!ttf)
        return px * 3 / 2;
    int h = TTF_FontHeight(ttf), skip = TTF_FontLineSkip(ttf);
    int lh = (h > skip ? h : skip) + px / 5;
    return lh;
}

struct ui_text_ops fonts_text_ops(struct fonts *f)
{
    struct ui_text_ops ops = {f, width, line_height};
    return ops;
}
