/*
 * shoppics: picture bytes from the worker, textures on the UI thread (see shoppics.h).
 */
#include "shoppics.h"

#include <SDL.h>
#include <SDL_image.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shopstate.h"

struct pic {
    long op;
    char path[SHOP_PIC_MAX];
    unsigned char *bytes; /* owned; NULL once turned into a texture or for a sample */
    size_t n;
    SDL_Texture *tex;      /* UI thread */
    SDL_Renderer *tex_ren; /* the renderer tex belongs to */
    int w, h;
    int failed; /* could not be decoded: not tried again */
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct pic pics[SHOPPICS_MAX];
static int npics;
static char sample_dir[512];

static struct pic *find(long op, const char *path)
{
    for (int i = 0; i < npics; i++)
        if (pics[i].op == op && strcmp(pics[i].path, path) == 0)
            return &pics[i];
    return NULL;
}

static void drop(struct pic *p)
{
    free(p->bytes);
    if (p->tex)
        SDL_DestroyTexture(p->tex);
    memset(p, 0, sizeof *p);
}

void shoppics_put(long op, const char *path, const unsigned char *bytes, size_t n)
{
    if (!path || strlen(path) >= SHOP_PIC_MAX || n == 0 || n > SHOPPICS_BYTES_MAX)
        return;
    unsigned char *copy = malloc(n);
    if (!copy)
        return;
    memcpy(copy, bytes, n);
    pthread_mutex_lock(&mu);
    struct pic *p = find(op, path);
    if (p) {
        /* a texture can only be destroyed on the UI thread: keep it marked for renewal */
        free(p->bytes);
        p->failed = 0;
    } else {
        if (npics == SHOPPICS_MAX) {
            /* full: this picture is not kept (its box stays empty); textures can only
             * be freed on the UI thread, so nothing is evicted from here */
            pthread_mutex_unlock(&mu);
            free(copy);
            return;
        }
        p = &pics[npics++];
        memset(p, 0, sizeof *p);
        p->op = op;
        snprintf(p->path, sizeof p->path, "%s", path);
    }
    p->bytes = copy;
    p->n = n;
    pthread_mutex_unlock(&mu);
}

void shoppics_set_sample_dir(const char *dir)
{
    pthread_mutex_lock(&mu);
    snprintf(sample_dir, sizeof sample_dir, "%s", dir ? dir : "");
    pthread_mutex_unlock(&mu);
}

/* Turns p's bytes (or the sample file) into a texture; UI thread, mutex held. */
static void load(SDL_Renderer *r, struct pic *p)
{
    SDL_Surface *s = NULL;
    if (p->bytes) {
        SDL_RWops *rw = SDL_RWFromConstMem(p->bytes, (int)p->n);
        s = rw ? IMG_Load_RW(rw, 1) : NULL;
        free(p->bytes);
        p->bytes = NULL;
    } else if (sample_dir[0] && !strstr(p->path, "..")) {
        char file[1024];
        snprintf(file, sizeof file, "%s/%s", sample_dir, p->path);
        s = IMG_Load(file);
    }
    if (p->tex)
        SDL_DestroyTexture(p->tex);
    p->tex = NULL;
    if (!s) {
        p->failed = 1;
        return;
    }
    p->tex = SDL_CreateTextureFromSurface(r, s);
    p->tex_ren = r;
    p->w = s->w;
    p->h = s->h;
    SDL_FreeSurface(s);
    p->failed = p->tex == NULL;
}

void shoppics_draw(SDL_Renderer *r, const struct shop_pic_ref *refs, int n)
{
    pthread_mutex_lock(&mu);
    for (int i = 0; i < n; i++) {
        const struct shop_pic_ref *ref = &refs[i];
        struct pic *p = find(ref->operator_id, ref->path);
        if (!p && npics < SHOPPICS_MAX && sample_dir[0]) {
            p = &pics[npics++];
            memset(p, 0, sizeof *p);
            p->op = ref->operator_id;
            snprintf(p->path, sizeof p->path, "%s", ref->path);
        }
        if (!p)
            continue;
        if (p->bytes || (!p->tex && !p->failed) || (p->tex && p->tex_ren != r))
            load(r, p);
        if (!p->tex || p->w <= 0 || p->h <= 0)
            continue;
        /* fit, keep the aspect, centre */
        double sx = (double)ref->w / p->w, sy = (double)ref->h / p->h;
        double sc = sx < sy ? sx : sy;
        SDL_Rect d = {0, 0, (int)(p->w * sc), (int)(p->h * sc)};
        d.x = ref->x + (ref->w - d.w) / 2;
        d.y = ref->y + (ref->h - d.h) / 2;
        SDL_RenderCopy(r, p->tex, NULL, &d);
    }
    pthread_mutex_unlock(&mu);
}

void shoppics_clear(void)
{
    pthread_mutex_lock(&mu);
    for (int i = 0; i < npics; i++)
        drop(&pics[i]);
    npics = 0;
    pthread_mutex_unlock(&mu);
}

void shoppics_draw_frame(SDL_Renderer *r, const struct app *a)
{
    const struct shop_pic_ref *refs = NULL;
    int n = shopapp_pictures(a, &refs);
    if (n > 0)
        shoppics_draw(r, refs, n);
}
