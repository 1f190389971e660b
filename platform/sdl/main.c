/*
 * kiosk: the resident kiosk program. One SDL2 process, one UI thread: it reads the
 * configuration, opens a window (or, with --offscreen, a software renderer on a surface,
 * no display needed), binds app/ to the hub client, fonts, text cache and audio, and runs
 * a loop that sleeps in SDL_WaitEventTimeout until an event or the app's next timer and
 * draws only when the app says something changed.
 *
 * Test and tool modes: --script (scripted touches), --screenshot/--layout (PNG and layout
 * JSON of the final screen), --screen (open a catalogue screen with sample data),
 * --catalogue DIR (every screen × language × text size × theme, then with a notice band;
 * --catalogue-band DIR: only the band pass; --catalogue-lang ja|en: one language, so two
 * processes share the work; --band several|long: the band's notices over --screen),
 * --bench-render,
 * --bench-idle, --first-frame-exit (figures for the benchmark program).
 *
 *   kiosk [--config FILE] [--set key=value]... [--offscreen] [--screen NAME [--band B]]
 *         [--script STEPS | --script-file FILE] [--script-timeout MS]
 *         [--screenshot OUT.png] [--layout OUT.json]
 *         [--catalogue DIR | --catalogue-band DIR] [--catalogue-lang ja|en]
 *         [--bench-render N] [--bench-idle SECONDS] [--first-frame-exit]
 */
#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#ifdef KIOSK_HAVE_CARD
#include "card.h"
#include "cardport.h"
#endif
#include "fonts.h"
#include "hubport.h"
#include "kconfig.h"
#include "pngsave.h"
#include "render.h"
#include "shoppics.h" /* shopping and family requests */
#include "script.h"
#include "sdnotify.h"
#include "textcache.h"
#include "speaker.h"
#include "tones.h"

#define LAYOUT_MAX (512 * 1024)
/* 2026-11-23 09:12 JST: the catalogue's fixed wall clock, so its PNGs are reproducible */
#define CATALOGUE_WALL 1795392720

struct opts {
    const char *config;
    const char *sets[32];
    int nsets;
    bool offscreen;
    const char *screen;
    const char *script_text, *script_file;
    long script_timeout_ms;
    const char *screenshot, *layout;
    const char *catalogue;
    const char *band;           /* --band several|long: the catalogue's notice band over --screen */
    bool catalogue_band_only;   /* --catalogue-band: DIR holds the catalogue, add DIR/band */
    const char *catalogue_lang; /* --catalogue-lang ja|en: that language only (a process
                                   each, so the catalogue runs on two cores) */
    int bench_render;
    int bench_idle_s;
    bool first_frame_exit;
};

struct kiosk {
    struct opts o;
    struct kconfig cfg;
    SDL_Window *win;
    SDL_Surface *surface; /* offscreen target */
    SDL_Renderer *ren;
    struct fonts *fonts;
    struct textcache *tc;
    struct tones *tones;
    struct speaker *speaker; /* NULL: speech off or no engine */
    struct hubport *hub;
    struct app *app;
    uint32_t ev_type;   /* hub answers as app events */
    uint32_t card_type; /* card adapter events (public kiosk) */
    uint32_t raw_type;  /* raw hub answers of the card login steps */
#ifdef KIOSK_HAVE_CARD
    struct cardport *cards;
#endif
    unsigned long frames, wakeups, represents;
    long wd_ms;       /* systemd watchdog feeding interval (sdnotify.h), 0 = none */
    uint64_t wd_last; /* SDL ticks of the last feed */
    bool software;    /* the window uses SDL's software renderer */
    bool first_done;
};

static void usage(void)
{
    fprintf(stderr,
            "usage: kiosk [--config FILE] [--set key=value]... [--offscreen]\n"
            "             [--screen NAME [--band several|long]]\n"
            "             [--script STEPS | --script-file FILE] [--script-timeout MS]\n"
            "             [--screenshot OUT.png] [--layout OUT.json]\n"
            "             [--catalogue DIR | --catalogue-band DIR] [--catalogue-lang ja|en]\n"
            "             [--bench-render N] [--bench-idle SECONDS] [--first-frame-exit]\n");
}

static bool parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
    memset(o, 0, sizeof *o);
    o->script_timeout_ms = 10000;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        long n;
#define NEED_VALUE                                                                                 \
    do {                                                                                           \
        if (!v) {                                                                                  \
            fprintf(stderr, "kiosk: %s needs a value\n", a);                                       \
            return -1;                                                                             \
        }                                                                                          \
        i++;                                                                                       \
    } while (0)
        if (!strcmp(a, "--config")) {
            NEED_VALUE;
            o->config = v;
        } else if (!strcmp(a, "--set")) {
            NEED_VALUE;
            if (o->nsets >= 32) {
                fprintf(stderr, "kiosk: at most 32 --set options\n");
                return -1;
            }
            o->sets[o->nsets++] = v;
        } else if (!strcmp(a, "--offscreen")) {
            o->offscreen = true;
        } else if (!strcmp(a, "--screen")) {
            NEED_VALUE;
            o->screen = v;
        } else if (!strcmp(a, "--band")) {
            NEED_VALUE;
            if (strcmp(v, "several") && strcmp(v, "long")) {
                fprintf(stderr, "kiosk: --band is several or long, not \"%s\"\n", v);
                return -1;
            }
            o->band = v;
        } else if (!strcmp(a, "--script")) {
            NEED_VALUE;
            o->script_text = v;
        } else if (!strcmp(a, "--script-file")) {
            NEED_VALUE;
            o->script_file = v;
        } else if (!strcmp(a, "--script-timeout")) {
            NEED_VALUE;
            if (!parse_long(v, 100, 600000, &o->script_timeout_ms)) {
                fprintf(stderr, "kiosk: --script-timeout must be 100..600000 ms\n");
                return -1;
            }
        } else if (!strcmp(a, "--screenshot")) {
            NEED_VALUE;
            o->screenshot = v;
        } else if (!strcmp(a, "--layout")) {
            NEED_VALUE;
            o->layout = v;
        } else if (!strcmp(a, "--catalogue") || !strcmp(a, "--catalogue-band")) {
            NEED_VALUE;
            o->catalogue = v;
            o->catalogue_band_only = !strcmp(a, "--catalogue-band");
            o->offscreen = true;
        } else if (!strcmp(a, "--catalogue-lang")) {
            NEED_VALUE;
            if (strcmp(v, "ja") && strcmp(v, "en")) {
                fprintf(stderr, "kiosk: --catalogue-lang is ja or en, not \"%s\"\n", v);
                return -1;
            }
            o->catalogue_lang = v;
        } else if (!strcmp(a, "--bench-render")) {
            NEED_VALUE;
            if (!parse_long(v, 1, 100000, &n)) {
                fprintf(stderr, "kiosk: --bench-render needs a count 1..100000\n");
                return -1;
            }
            o->bench_render = (int)n;
            o->offscreen = true;
        } else if (!strcmp(a, "--bench-idle")) {
            NEED_VALUE;
            if (!parse_long(v, 1, 3600, &n)) {
                fprintf(stderr, "kiosk: --bench-idle needs seconds 1..3600\n");
                return -1;
            }
            o->bench_idle_s = (int)n;
        } else if (!strcmp(a, "--first-frame-exit")) {
            o->first_frame_exit = true;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage();
            exit(0);
        } else {
            fprintf(stderr, "kiosk: unknown option %s\n", a);
            usage();
            return -1;
        }
#undef NEED_VALUE
    }
    return 0;
}

static const char *pick_dir(const char *src, const char *installed)
{
    return access(src, R_OK) == 0 ? src : installed;
}

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* --- card: KIOSK_SCREEN_LOG=1 prints "screen NAME at MONO_MS" to stderr when a
 * frame showing another screen has been presented, and "tap ID at MONO_MS" when a script
 * tap is released (CLOCK_MONOTONIC; read by tests/kiosk/bench_card_kiosk.c) --- */
static bool screen_log_on(void)
{
    static int on = -1;
    if (on < 0) {
        const char *v = getenv("KIOSK_SCREEN_LOG");
        on = v && *v && strcmp(v, "0") != 0;
    }
    return on;
}

static void screen_log(const char *what, const char *name)
{
    fprintf(stderr, "%s %s at %.2f\n", what, name, (double)mono_ns() / 1e6);
}

static long rss_kb(void)
{
    char line[256];
    long kb = -1;
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "VmRSS:", 6)) {
            char *end;
            kb = strtol(line + 6, &end, 10);
        }
    fclose(f);
    return kb;
}

static int write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "kiosk: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t n = fwrite(data, 1, len, f);
    int rc = (n == len && fclose(f) == 0) ? 0 : -1;
    if (n != len)
        fclose(f);
    if (rc)
        fprintf(stderr, "kiosk: cannot write %s\n", path);
    return rc;
}

static int save_layout(struct kiosk *k, const char *path)
{
    char *buf = malloc(LAYOUT_MAX);
    int rc = -1;
    if (!buf)
        return -1;
    int n = app_layout_json(k->app, buf, LAYOUT_MAX);
    if (n < 0)
        fprintf(stderr, "kiosk: layout larger than %d bytes\n", LAYOUT_MAX);
    else
        rc = write_file(path, buf, (size_t)n);
    free(buf);
    return rc;
}

/* Draws the app's frame; saves a PNG of it when png is set. */
static int draw(struct kiosk *k, const char *png)
{
    int rc = 0;
    app_frame(k->app);
    render_draw(k->ren, k->tc, app_ui(k->app));
    shoppics_draw_frame(k->ren, k->app); /* shopping: catalogue pictures */
    if (png) {
        SDL_Surface *s = k->surface;
        SDL_Surface *tmp = NULL;
        if (!s) {
            int w, h;
            SDL_GetRendererOutputSize(k->ren, &w, &h);
            tmp = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
            if (tmp && SDL_RenderReadPixels(k->ren, NULL, SDL_PIXELFORMAT_ARGB8888, tmp->pixels,
                                            tmp->pitch) != 0) {
                SDL_FreeSurface(tmp);
                tmp = NULL;
            }
            s = tmp;
        }
        if (!s || pngsave(s, png) != 0) {
            fprintf(stderr, "kiosk: cannot write %s: %s\n", png, SDL_GetError());
            rc = -1;
        }
        SDL_FreeSurface(tmp);
    }
    SDL_RenderPresent(k->ren);
    k->frames++;
    static const char *logged; /* card: the screen last reported */
    if (screen_log_on() && logged != app_screen_name(k->app)) {
        logged = app_screen_name(k->app);
        screen_log("screen", logged);
    }
    return rc;
}

static void now_clock(struct kiosk *k, int64_t fixed_wall)
{
    app_set_clock(k->app, SDL_GetTicks64(), fixed_wall ? fixed_wall : (int64_t)time(NULL));
}

/* --- catalogue and benchmarks (offscreen) --- */

/* Lays out the current screen from its first page on and every page after it (tapping ◀,
 * then ▶, as a resident would) into STEM-pN.json (and STEM-p1.png when big); stops at the
 * last page, after CATALOGUE_PAGES, or when ▶ leaves the screen. */
#define CATALOGUE_PAGES 12

/* Taps target id of the last frame as a resident would (a second after the last tap, so it
 * is not taken for a double tap) and draws the frame it leads to; false when there is none. */
static bool catalogue_tap(struct kiosk *k, const char *id, uint64_t *ms)
{
    const struct ui_target *t = ui_find_target(app_ui(k->app), id);
    if (!t)
        return false;
    int x = t->r.x + t->r.w / 2, y = t->r.y + t->r.h / 2;
    *ms += 1000;
    app_set_clock(k->app, *ms, CATALOGUE_WALL);
    app_pointer(k->app, APP_POINTER_DOWN, x, y);
    app_frame(k->app);
    *ms += 200;
    app_set_clock(k->app, *ms, CATALOGUE_WALL);
    app_pointer(k->app, APP_POINTER_UP, x, y);
    app_frame(k->app);
    app_frame(k->app);
    return true;
}
static int catalogue_pages(struct kiosk *k, const char *stem, uint64_t *ms, bool big)
{
    char png[1280], json[1280];
    const char *screen = app_screen_name(k->app);
    int rc = 0;
    /* a sample that opens on a later page: back to the first, so every page is written */
    app_frame(k->app);
    for (int p = 1; p < CATALOGUE_PAGES && catalogue_tap(k, "page_prev", ms); p++)
        ;
    for (int p = 1; p <= CATALOGUE_PAGES && rc == 0; p++) {
        snprintf(png, sizeof png, "%s-p%d.png", stem, p);
        snprintf(json, sizeof json, "%s-p%d.json", stem, p);
        /* the layouts (what the check reads; the frame alone makes them, no rendering); a
         * picture of the first page at the largest text */
        if ((p == 1 && big ? draw(k, png) : (app_frame(k->app), 0)) != 0 ||
            save_layout(k, json) != 0) {
            rc = 1;
            break;
        }
        if (!catalogue_tap(k, "page_next", ms) || strcmp(app_screen_name(k->app), screen) != 0)
            break;
    }
    return rc;
}

/* --catalogue-lang: is lang one this process writes? */
static bool catalogue_lang_on(const struct kiosk *k, const char *lang)
{
    return !k->o.catalogue_lang || strcmp(k->o.catalogue_lang, lang) == 0;
}

/* The catalogue's notice bands: several notices (an evacuation order and a warning) and one
 * long notice (notice_sample variants). */
static const struct {
    const char *name;
    int variant;
} bands[2] = {{"several", 0}, {"long", 5}};

static int band_variant(const char *name)
{
    return strcmp(name, bands[0].name) == 0 ? bands[0].variant : bands[1].variant;
}

/* The notice band over every entry: a long notice and several notices, ja/en, at every
 * text size, every page, into DIR/band/NAME-LANG-SCALE-BAND-pN (the normal theme: the band's
 * room does not depend on the colours). catalogue.sh checks the band's words are all on
 * each screen and the screen's own words are still on its pages. */
static int run_catalogue_band(struct kiosk *k)
{
    static const char *langs[2] = {"ja", "en"};
    static const int scales[3] = {100, 125, 150};
    char dir[1024], stem[1200];
    int rc = 0, count = 0;
    uint64_t ms = SDL_GetTicks64();
    snprintf(dir, sizeof dir, "%s/band", k->o.catalogue);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "kiosk: cannot create %s: %s\n", dir, strerror(errno));
        return 1;
    }
    app_set_theme(k->app, THEME_NORMAL);
    for (int b = 0; b < 2; b++) {
        app_catalogue_band(k->app, bands[b].variant);
        for (int l = 0; l < 2; l++)
            for (int s = 0; s < 3 && catalogue_lang_on(k, langs[l]); s++) {
                app_set_lang(k->app, langs[l]);
                app_set_text_scale(k->app, scales[s]);
                for (size_t i = 0; i < app_catalogue_count() && rc == 0; i++) {
                    const char *name = app_catalogue_name(i);
                    snprintf(stem, sizeof stem, "%s/%s-%s-%d-%s", dir, name, langs[l], scales[s],
                             bands[b].name);
                    ms += 1000;
                    app_set_clock(k->app, ms, CATALOGUE_WALL);
                    app_catalogue_show(k->app, name);
                    rc = catalogue_pages(k, stem, &ms, scales[s] == 150);
                    count++;
                }
            }
    }
    app_catalogue_band(k->app, -1);
    printf("catalogue: %d screens with a notice band written to %s\n", count, dir);
    return rc;
}

static int run_catalogue(struct kiosk *k)
{
    static const char *langs[2] = {"ja", "en"};
    static const int scales[3] = {100, 125, 150};
    static const enum theme_kind themes[2] = {THEME_NORMAL, THEME_HIGH_CONTRAST};
    char png[1024], json[1024];
    int rc = 0, count = 0;
    if (k->o.catalogue_band_only)
        return run_catalogue_band(k);
    for (int l = 0; l < 2; l++)
        for (int s = 0; s < 3 && catalogue_lang_on(k, langs[l]); s++)
            for (int t = 0; t < 2; t++) {
                app_set_lang(k->app, langs[l]);
                app_set_text_scale(k->app, scales[s]);
                app_set_theme(k->app, themes[t]);
                for (size_t i = 0; i < app_catalogue_count(); i++) {
                    const char *name = app_catalogue_name(i);
                    snprintf(png, sizeof png, "%s/%s-%s-%d-%s.png", k->o.catalogue, name, langs[l],
                             scales[s], theme_kind_str(themes[t]));
                    snprintf(json, sizeof json, "%s/%s-%s-%d-%s.json", k->o.catalogue, name,
                             langs[l], scales[s], theme_kind_str(themes[t]));
                    now_clock(k, CATALOGUE_WALL);
                    app_catalogue_show(k->app, name);
                    if (draw(k, png) != 0 || save_layout(k, json) != 0)
                        rc = 1;
                    count++;
                }
            }
    printf("catalogue: %d screens written to %s\n", count, k->o.catalogue);
    return rc == 0 ? run_catalogue_band(k) : rc;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int run_bench_render(struct kiosk *k)
{
    int n = k->o.bench_render;
    uint64_t *t = calloc((size_t)n, sizeof *t);
    uint64_t *all = calloc((size_t)n * app_catalogue_count(), sizeof *all);
    size_t nall = 0;
    if (!t || !all) {
        free(t);
        free(all);
        return 1;
    }
    printf("render time per screen, software renderer %dx%d, %d frames each (ms):\n", k->cfg.width,
           k->cfg.height, n);
    for (size_t i = 0; i < app_catalogue_count(); i++) {
        const char *name = app_catalogue_name(i);
        now_clock(k, CATALOGUE_WALL);
        app_catalogue_show(k->app, name);
        draw(k, NULL); /* first frame fills the text cache */
        for (int j = 0; j < n; j++) {
            app_invalidate(k->app);
            uint64_t t0 = mono_ns();
            app_frame(k->app);
            render_draw(k->ren, k->tc, app_ui(k->app));
            shoppics_draw_frame(k->ren, k->app); /* shopping */
            SDL_RenderPresent(k->ren);
            t[j] = mono_ns() - t0;
            all[nall++] = t[j];
        }
        qsort(t, (size_t)n, sizeof *t, cmp_u64);
        printf("  %-20s median %6.3f  p95 %6.3f\n", name, t[n / 2] / 1e6,
               t[(size_t)(n * 95) / 100 < (size_t)n ? (size_t)(n * 95) / 100 : (size_t)n - 1] /
                   1e6);
    }
    qsort(all, nall, sizeof *all, cmp_u64);
    printf("  %-20s median %6.3f  p95 %6.3f\n", "ALL", all[nall / 2] / 1e6,
           all[nall * 95 / 100] / 1e6);

    /* a session from a cold cache: every screen in turn, three rounds, two frames each (the
     * second frame of a screen is what an unchanged redraw costs) */
    textcache_destroy(k->tc);
    k->tc = textcache_create(k->ren, k->fonts, 512, 24u * 1024 * 1024 / 4);
    if (!k->tc) {
        free(t);
        free(all);
        return 1;
    }
    for (int round = 0; round < 3; round++)
        for (size_t i = 0; i < app_catalogue_count(); i++) {
            now_clock(k, CATALOGUE_WALL);
            app_catalogue_show(k->app, app_catalogue_name(i));
            draw(k, NULL);
            draw(k, NULL); /* an unchanged frame: must be all hits */
        }
    struct textcache_stats st;
    textcache_stats(k->tc, &st);
    printf("text cache over a session of %zu screens x 3 rounds x 2 frames: %lu hits, %lu "
           "misses, hit rate %.1f %%, %zu entries, %.1f MB of texels\n",
           app_catalogue_count(), st.hits, st.misses,
           100.0 * (double)st.hits / (double)(st.hits + st.misses ? st.hits + st.misses : 1),
           st.entries, (double)st.pixels * 4 / 1e6);
    printf("RSS after visiting every screen: %.1f MB\n", rss_kb() / 1024.0);
    free(t);
    free(all);
    return 0;
}

/* --- scripted input --- */

struct runner {
    struct script sc;
    int i;
    uint64_t step_start;
    int phase;
    int px, py; /* where the finger is */
    bool failed;
};

/* Runs the current step; returns 1 when it completed, 0 to wait, -1 on failure. */
static int step(struct kiosk *k, struct runner *r)
{
    struct script_step *s = &r->sc.steps[r->i];
    uint64_t now = SDL_GetTicks64();
    bool late = now - r->step_start > (uint64_t)k->o.script_timeout_ms;
    const struct ui_target *t;
    switch (s->op) {
    case SC_TAP:
    case SC_PRESS:
        if (r->phase == 0) {
            t = ui_find_target(app_ui(k->app), s->arg);
            if (!t)
                return late ? -1 : 0;
            r->px = t->r.x + t->r.w / 2;
            r->py = t->r.y + t->r.h / 2;
            app_pointer(k->app, APP_POINTER_DOWN, r->px, r->py);
            r->phase = 1;
            return s->op == SC_PRESS ? 1 : 0; /* the pressed frame is drawn first */
        }
        app_pointer(k->app, APP_POINTER_UP, r->px, r->py);
        if (screen_log_on()) /* card */
            screen_log("tap", s->arg);
        return 1;
    case SC_RELEASE:
        app_pointer(k->app, APP_POINTER_UP, r->px, r->py);
        return 1;
    case SC_SLIDE:
        r->px = (int)s->n1;
        r->py = (int)s->n2;
        app_pointer(k->app, APP_POINTER_MOVE, r->px, r->py);
        return 1;
    case SC_WAIT:
        return !strcmp(app_screen_name(k->app), s->arg) ? 1 : late ? -1 : 0;
    case SC_WAITTEXT:
        return app_screen_has_text(k->app, s->arg) ? 1 : late ? -1 : 0;
    case SC_WAITGONE:
        return !app_screen_has_text(k->app, s->arg) ? 1 : late ? -1 : 0;
    case SC_SETTLE:
        return !app_busy(k->app) ? 1 : late ? -1 : 0;
    case SC_SLEEP:
        return now - r->step_start >= (uint64_t)s->n1 ? 1 : 0;
    case SC_GOTO:
        return app_goto_name(k->app, s->arg) ? 1 : -1;
    case SC_SHOT:
        now_clock(k, 0);
        return draw(k, s->arg) == 0 ? 1 : -1;
    case SC_LAYOUT:
        return save_layout(k, s->arg) == 0 ? 1 : -1;
    case SC_QUIT:
        r->i = r->sc.n;
        return 1;
    }
    return -1;
}

/* --- the hub's answers to the UI thread (struct hubport_sink) --- */

/* Called on the hub client's worker: SDL_PushEvent is safe from any thread. */
static bool push_user(uint32_t type, void *data)
{
    SDL_Event e;
    SDL_zero(e);
    e.type = type;
    e.user.data1 = data;
    return SDL_PushEvent(&e) == 1;
}

static void sink_post(void *ctx, struct app_event *ev)
{
    struct kiosk *k = ctx;
    if (!push_user(k->ev_type, ev)) {
        fprintf(stderr, "kiosk: cannot post a hub answer: %s\n", SDL_GetError());
        hubport_event_free(ev);
    }
}

static void sink_post_raw(void *ctx, struct hubc_result *res)
{
    struct kiosk *k = ctx;
    if (!push_user(k->raw_type, res))
        hubc_result_free(res);
}

static void sink_tone(void *ctx, enum app_tone t)
{
    struct kiosk *k = ctx;
    tones_play(k->tones, t);
}

static void sink_speak(void *ctx, const char *text, const char *lang, int volume_pct, int rate_pct)
{
    struct kiosk *k = ctx;
    speaker_speak(k->speaker, text, lang, volume_pct, rate_pct);
}

/* --- main loop --- */

static void handle_event(struct kiosk *k, const SDL_Event *e, bool *quit)
{
    if (e->type == k->ev_type) {
        app_handle(k->app, e->user.data1);
        hubport_event_free(e->user.data1);
        return;
    }
    if (e->type == k->card_type) {
#ifdef KIOSK_HAVE_CARD
        if (k->cards)
            cardport_on_card_event(k->cards, e->user.data1, k->app);
#endif
        free(e->user.data1);
        return;
    }
    if (e->type == k->raw_type) {
#ifdef KIOSK_HAVE_CARD
        if (k->cards)
            cardport_on_hub_result(k->cards, e->user.data1, k->app);
#endif
        hubc_result_free(e->user.data1);
        return;
    }
    switch (e->type) {
    case SDL_QUIT:
        *quit = true;
        break;
    case SDL_MOUSEBUTTONDOWN:
        if (e->button.button == SDL_BUTTON_LEFT)
            app_pointer(k->app, APP_POINTER_DOWN, e->button.x, e->button.y);
        break;
    case SDL_MOUSEMOTION:
        if (e->motion.state & SDL_BUTTON_LMASK)
            app_pointer(k->app, APP_POINTER_MOVE, e->motion.x, e->motion.y);
        break;
    case SDL_MOUSEBUTTONUP:
        if (e->button.button == SDL_BUTTON_LEFT)
            app_pointer(k->app, APP_POINTER_UP, e->button.x, e->button.y);
        break;
    case SDL_KEYDOWN:
        if (e->key.keysym.sym == SDLK_ESCAPE && !k->cfg.fullscreen)
            *quit = true;
        break;
    case SDL_WINDOWEVENT:
        if (e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
            int w, h;
            SDL_GetRendererOutputSize(k->ren, &w, &h);
            app_resize(k->app, w, h);
        } else if (e->window.event == SDL_WINDOWEVENT_EXPOSED) {
            /* the software renderer draws into the window's own surface, which still holds
             * the last frame: showing it again is a blit, not a new frame */
            if (k->software && k->frames > 0) {
                SDL_RenderPresent(k->ren);
                k->represents++;
            } else {
                app_invalidate(k->app);
            }
        }
        break;
    default:
        break;
    }
}

static int run_loop(struct kiosk *k, struct runner *r)
{
    bool quit = false;
    int rc = 0;
    uint64_t idle_from = 0;
    unsigned long idle_frames0 = 0, idle_wakeups0 = 0;
    while (!quit) {
        now_clock(k, 0);
        app_tick(k->app);
        if (app_dirty(k->app)) {
            draw(k, NULL);
            if (!k->first_done) {
                k->first_done = true;
                k->wd_ms = sdnotify_watchdog_interval_ms();
                sdnotify_send("READY=1");
                const char *t0 = getenv("KIOSK_T0_NS");
                if (k->o.first_frame_exit) {
                    uint64_t now = mono_ns();
                    char *end;
                    unsigned long long t0v = t0 ? strtoull(t0, &end, 10) : 0;
                    printf("first_frame_ms=%.2f rss_kb=%ld\n",
                           t0v ? (double)(now - t0v) / 1e6 : -1.0, rss_kb());
                    fflush(stdout);
                    break;
                }
                if (k->o.bench_idle_s) {
                    idle_from = SDL_GetTicks64();
                    idle_frames0 = k->frames;
                    idle_wakeups0 = k->wakeups;
                }
            }
        }
        if (idle_from && SDL_GetTicks64() - idle_from >= (uint64_t)k->o.bench_idle_s * 1000) {
            double secs = (double)(SDL_GetTicks64() - idle_from) / 1000.0;
            printf("idle for %.1f s: %lu frames (%.2f/s), %lu wake-ups (%.2f/s), %lu re-presents "
                   "of the last frame (window exposed)\n",
                   secs, k->frames - idle_frames0, (double)(k->frames - idle_frames0) / secs,
                   k->wakeups - idle_wakeups0, (double)(k->wakeups - idle_wakeups0) / secs,
                   k->represents);
            break;
        }
        if (r && r->i < r->sc.n) {
            int s = step(k, r);
            if (s < 0) {
                fprintf(stderr, "kiosk: script step %d failed (screen %s)\n", r->i + 1,
                        app_screen_name(k->app));
                r->failed = true;
                rc = 1;
                break;
            }
            if (s > 0) {
                r->i++;
                r->phase = 0;
                r->step_start = SDL_GetTicks64();
                continue;
            }
        } else if (r) {
            break; /* script done */
        }
        uint64_t now = SDL_GetTicks64();
        uint64_t dl = app_next_deadline(k->app);
        uint64_t wait = dl > now ? dl - now : 0;
        if (r)
            wait = wait > 10 ? 10 : wait; /* scripts poll their conditions */
        if (idle_from) {
            uint64_t end = idle_from + (uint64_t)k->o.bench_idle_s * 1000;
            uint64_t left = end > now ? end - now : 0;
            wait = wait > left ? left : wait;
        }
        if (wait > 60000)
            wait = 60000;
        /* The kiosk session's watchdog is fed from this loop only: a UI thread that stops
         * coming round here gets the session restarted. */
        if (k->wd_ms > 0 && wait > (uint64_t)k->wd_ms)
            wait = (uint64_t)k->wd_ms;
        if (k->wd_ms > 0 && now - k->wd_last >= (uint64_t)k->wd_ms / 2) {
            k->wd_last = now;
            sdnotify_send("WATCHDOG=1");
        }
        SDL_Event e;
        int got = SDL_WaitEventTimeout(&e, (int)wait);
        k->wakeups++;
        if (got) {
            now_clock(k, 0);
            handle_event(k, &e, &quit);
            while (!quit && SDL_PollEvent(&e))
                handle_event(k, &e, &quit);
        }
    }
    return rc;
}

static void drain_events(struct kiosk *k)
{
    SDL_Event e;
    while (SDL_PollEvent(&e)) {
        if (e.type == k->ev_type)
            hubport_event_free(e.user.data1);
        else if (e.type == k->card_type)
            free(e.user.data1);
        else if (e.type == k->raw_type)
            hubc_result_free(e.user.data1);
    }
}

int main(int argc, char **argv)
{
    struct kiosk k;
    struct runner runner, *r = NULL;
    char err[512];
    int rc = 1;

    memset(&k, 0, sizeof k);
    if (parse_args(argc, argv, &k.o) != 0)
        return 2;
    kconfig_defaults(&k.cfg, pick_dir(KIOSK_SRC_FONT_DIR, KIOSK_INSTALL_FONT_DIR),
                     pick_dir(KIOSK_SRC_ASSETS_DIR, KIOSK_INSTALL_ASSETS_DIR));
    if (k.o.config && kconfig_load(&k.cfg, k.o.config, err, sizeof err) != KCONFIG_OK) {
        fprintf(stderr, "kiosk: %s\n", err);
        return 2;
    }
    for (int i = 0; i < k.o.nsets; i++) {
        char key[64];
        const char *eq = strchr(k.o.sets[i], '=');
        size_t kl = eq ? (size_t)(eq - k.o.sets[i]) : 0;
        if (!eq || kl == 0 || kl >= sizeof key) {
            fprintf(stderr, "kiosk: --set wants key=value, got \"%s\"\n", k.o.sets[i]);
            return 2;
        }
        memcpy(key, k.o.sets[i], kl);
        key[kl] = '\0';
        if (kconfig_set(&k.cfg, key, eq + 1, err, sizeof err) != KCONFIG_OK) {
            fprintf(stderr, "kiosk: --set %s\n", err);
            return 2;
        }
    }
    if (k.o.script_text || k.o.script_file) {
        memset(&runner, 0, sizeof runner);
        int prc = k.o.script_text ? script_parse(&runner.sc, k.o.script_text, err, sizeof err)
                                  : script_load(&runner.sc, k.o.script_file, err, sizeof err);
        if (prc != 0) {
            fprintf(stderr, "kiosk: %s\n", err);
            return 2;
        }
        r = &runner;
    }

    if (SDL_Init(k.o.offscreen ? SDL_INIT_EVENTS | SDL_INIT_TIMER
                               : SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0) {
        fprintf(stderr, "kiosk: cannot start SDL: %s\n", SDL_GetError());
        return 1;
    }
    if (TTF_Init() != 0) {
        fprintf(stderr, "kiosk: cannot start SDL_ttf: %s\n", TTF_GetError());
        goto out;
    }
    k.fonts = fonts_create(k.cfg.font_dir, err, sizeof err);
    if (!k.fonts) {
        fprintf(stderr, "kiosk: %s (set font_dir in the configuration)\n", err);
        goto out;
    }
    if (k.o.offscreen) {
        k.surface = SDL_CreateRGBSurfaceWithFormat(0, k.cfg.width, k.cfg.height, 32,
                                                   SDL_PIXELFORMAT_ARGB8888);
        k.ren = k.surface ? SDL_CreateSoftwareRenderer(k.surface) : NULL;
    } else {
        /* software by default: the screens are static and redrawn only on change (under
         * 2 ms a frame); without the GL texture framebuffer SDL would otherwise put behind a
         * software renderer, start-up is faster and RSS drops from ~130 MB to ~35 MB */
        bool sw = strcmp(k.cfg.renderer, "software") == 0;
        k.software = sw;
        if (sw)
            SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
        k.win =
            SDL_CreateWindow("kiosk", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, k.cfg.width,
                             k.cfg.height, k.cfg.fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
        k.ren = k.win ? SDL_CreateRenderer(k.win, -1, sw ? SDL_RENDERER_SOFTWARE : 0) : NULL;
        if (k.win && !k.ren)
            k.ren = SDL_CreateRenderer(k.win, -1, SDL_RENDERER_SOFTWARE);
        if (k.ren) {
            int w, h;
            SDL_GetRendererOutputSize(k.ren, &w, &h);
            k.cfg.width = w;
            k.cfg.height = h;
        }
    }
    if (!k.ren) {
        fprintf(stderr, "kiosk: cannot create the %s: %s\n",
                k.o.offscreen ? "offscreen renderer" : "window", SDL_GetError());
        goto out;
    }
    k.tc = textcache_create(k.ren, k.fonts, 512, 24u * 1024 * 1024 / 4);
    k.tones = tones_create();
    k.ev_type = SDL_RegisterEvents(3);
    k.card_type = k.ev_type + 1;
    k.raw_type = k.ev_type + 2;
    if (!k.tc || !k.tones || k.ev_type == (uint32_t)-1) {
        fprintf(stderr, "kiosk: out of memory or SDL events\n");
        goto out;
    }
    struct app_ports ports = {0};
    bool need_hub = !k.o.catalogue && !k.o.bench_render;
    if (need_hub) {
        /* only a home tablet keeps check-ins on disk (a public kiosk keeps nothing) */
        const char *outbox = strcmp(k.cfg.profile, "home") == 0 ? k.cfg.outbox_path : "";
        struct hubport_sink sink = {&k, sink_post, sink_post_raw, sink_tone, sink_speak};
        shopport_set_picture_sink(shoppics_put);
        k.hub = hubport_create(k.cfg.hub_url, k.cfg.token, k.cfg.ca_file, outbox, &sink, err,
                               sizeof err);
        if (!k.hub) {
            fprintf(stderr, "kiosk: %s\n", err);
            goto out;
        }
        ports = hubport_ports(k.hub);
    }
#ifdef KIOSK_HAVE_CARD
    /* card: a home tablet uses a reader (step-up) only when told to */
    bool want_card =
        strcmp(k.cfg.profile, "public") == 0
            ? k.cfg.card_reader
            : strcmp(k.cfg.profile, "home") == 0 && k.cfg.card_reader_set && k.cfg.card_reader;
    if (need_hub && want_card) {
        k.cards = cardport_create(k.hub, k.card_type, err, sizeof err);
        if (!k.cards) {
            fprintf(stderr, "kiosk: %s\n", err);
            goto out;
        }
        cardport_bind(k.cards, k.hub);
    }
#endif
    /* speech: a home tablet reads its screens aloud unless told not to; a public kiosk only
     * when told to. Offscreen (tests, catalogue) there is nobody to hear it, unless a test
     * asks for what would be said (KIOSK_SPEECH_DUMP, speaker.c). */
    bool speech = k.cfg.speech_set ? k.cfg.speech : strcmp(k.cfg.profile, "home") == 0;
    if (need_hub && speech && (!k.o.offscreen || getenv("KIOSK_SPEECH_DUMP"))) {
        k.speaker = speaker_create(k.cfg.speech_engine, k.cfg.assets_dir, err, sizeof err);
        if (!k.speaker) /* the kiosk works without its voice; the log says why */
            fprintf(stderr, "kiosk: speech off: %s\n", err);
    }
    unsigned char rnd[8];
    char seed[20];
    if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
        memset(rnd, 0, sizeof rnd);
    for (int i = 0; i < 8; i++)
        snprintf(seed + 2 * i, 3, "%02x", rnd[i]);
    struct app_config ac = {
        .profile = (enum app_profile)app_profile_parse(k.cfg.profile),
        .strings_dir = NULL,
        .lang = k.cfg.language,
        .text_scale = k.cfg.text_scale,
        .theme = strcmp(k.cfg.theme, "high_contrast") == 0 ? THEME_HIGH_CONTRAST : THEME_NORMAL,
        .sound = k.cfg.sound && !k.o.offscreen,
        .speech = k.speaker != NULL,
        .speech_volume = k.cfg.speech_volume,
        .speech_rate = k.cfg.speech_rate,
        .px_per_mm = k.cfg.px_per_mm,
        .width = k.cfg.width,
        .height = k.cfg.height,
        .idle_warn_ms = (uint64_t)k.cfg.idle_warn_s * 1000,
        .idle_logout_ms = (uint64_t)k.cfg.idle_logout_s * 1000,
        .sensitive_close_ms = (uint64_t)k.cfg.sensitive_close_s * 1000,
        .family_refresh_ms = (uint64_t)k.cfg.family_refresh_s * 1000,
        .notice_poll_ms = (uint64_t)k.cfg.notice_poll_s * 1000,
        .key_seed = seed,
        /* card: not configured = -1 in kconfig, 0/0 here */
        .service_open_min = k.cfg.service_open_min < 0 ? 0 : k.cfg.service_open_min,
        .service_close_min = k.cfg.service_close_min < 0 ? 0 : k.cfg.service_close_min,
    };
    char strings_dir[600];
    snprintf(strings_dir, sizeof strings_dir, "%s/strings", k.cfg.assets_dir);
    ac.strings_dir = strings_dir;
    enum app_status ast;
    struct ui_text_ops ops = fonts_text_ops(k.fonts);
    k.app = app_create(&ac, &ops, &ports, SDL_GetTicks64(), time(NULL), &ast, err, sizeof err);
    if (!k.app) {
        fprintf(stderr, "kiosk: %s: %s\n", app_status_str(ast), err);
        goto out;
    }
    /* shopping: catalogue samples show the demo pictures */
    if (k.o.catalogue || k.o.bench_render || k.o.screen) {
        char pics[700];
        snprintf(pics, sizeof pics, "%s/shop-sample", k.cfg.assets_dir);
        shoppics_set_sample_dir(pics);
    }
    if (k.o.catalogue) {
        rc = run_catalogue(&k);
        goto out;
    }
    if (k.o.bench_render) {
        rc = run_bench_render(&k);
        goto out;
    }
    if (k.o.screen && k.o.band)
        app_catalogue_band(k.app, band_variant(k.o.band));
    if (k.o.screen && !app_catalogue_show(k.app, k.o.screen)) {
        fprintf(stderr, "kiosk: unknown screen \"%s\"; screens:", k.o.screen);
        for (size_t i = 0; i < app_catalogue_count(); i++)
            fprintf(stderr, " %s", app_catalogue_name(i));
        fprintf(stderr, "\n");
        goto out;
    }
    if (r)
        r->step_start = SDL_GetTicks64();
    /* offscreen without a script: draw once and write the outputs */
    if (k.o.offscreen && !r) {
        static struct runner once;
        r = &once;
    }
    rc = run_loop(&k, r);
    if (k.o.screenshot && draw(&k, k.o.screenshot) != 0)
        rc = 1;
    if (k.o.layout && save_layout(&k, k.o.layout) != 0)
        rc = 1;
out:
#ifdef KIOSK_HAVE_CARD
    cardport_finish(k.cards, k.raw_type, 1000); /* card: logouts reach the hub */
    cardport_destroy(k.cards);
#endif
    hubport_destroy(k.hub);
    drain_events(&k);
    app_destroy(k.app);
    tones_destroy(k.tones);
    speaker_destroy(k.speaker);
    textcache_destroy(k.tc);
    shoppics_clear(); /* shopping: textures before their renderer */
    if (k.ren)
        SDL_DestroyRenderer(k.ren);
    SDL_FreeSurface(k.surface);
    if (k.win)
        SDL_DestroyWindow(k.win);
    fonts_destroy(k.fonts);
    if (TTF_WasInit())
        TTF_Quit();
    SDL_Quit();
    return rc;
}
