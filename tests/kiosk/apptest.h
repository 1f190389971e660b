/*
 * apptest: helpers for tests that drive the whole app without a window: create it with
 * fake metrics and fake ports, tap targets by id, let time pass.
 */
#ifndef APPTEST_H
#define APPTEST_H

#include "app.h"
#include "fake_ports.h"
#include "fake_text.h"
#include "test.h"

#define T_WALL 1795392720 /* 2026-11-23 09:12 JST */

struct apptest {
    struct app *app;
    struct fake_ports fp;
    uint64_t now;
    int64_t wall;
};

/* The notice poll of the next app opened here; 0: the app's own default, 30 s. */
static uint64_t at_notice_poll_ms;

/* Opens the app with the given ports (t->fp bound by the caller) and text measuring (the
 * fake metrics, or the kiosk's own fonts: realfonts.h) in lang, speech on or off. */
static inline bool at_open_text(struct apptest *t, enum app_profile profile,
                                const struct app_ports *given, const struct ui_text_ops *text,
                                const char *lang, bool speech)
{
    struct app_ports ports = *given;
    struct app_config cfg = {
        .profile = profile,
        .strings_dir = KIOSK_STRINGS_DIR,
        .lang = lang,
        .speech = speech,
        .text_scale = 100,
        .theme = THEME_NORMAL,
        .sound = true,
        .px_per_mm = 5.9,
        .width = 1280,
        .height = 800,
        .idle_warn_ms = 60000,
        .idle_logout_ms = 90000,
        .sensitive_close_ms = 180000,
        .family_refresh_ms = 60000,
        .notice_poll_ms = at_notice_poll_ms,
        .key_seed = "test",
    };
    char err[256];
    enum app_status st;
    t->now = 1000000;
    t->wall = T_WALL;
    t->app = app_create(&cfg, text, &ports, t->now, t->wall, &st, err, sizeof err);
    if (!t->app)
        fprintf(stderr, "app_create: %s\n", err);
    else
        app_frame(t->app);
    return t->app != NULL;
}

/* Opens the app with the given ports (t->fp bound by the caller) in lang, speech on or off. */
static inline bool at_open_ports(struct apptest *t, enum app_profile profile,
                                 const struct app_ports *given, const char *lang, bool speech)
{
    return at_open_text(t, profile, given, &fake_text_ops, lang, speech);
}

static inline bool at_open(struct apptest *t, enum app_profile profile)
{
    struct app_ports ports = fake_ports_bind(&t->fp);
    return at_open_ports(t, profile, &ports, "ja", false);
}

static inline void at_close(struct apptest *t)
{
    app_destroy(t->app);
    t->app = NULL;
}

/* Lets ms pass: clock, timers, and a frame when something changed. */
static inline void at_pass(struct apptest *t, uint64_t ms)
{
    t->now += ms;
    t->wall += (int64_t)(ms / 1000);
    app_set_clock(t->app, t->now, t->wall);
    app_tick(t->app);
    if (app_dirty(t->app))
        app_frame(t->app);
}

/* Taps the target `id` (press, 80 ms, release) and draws the result. */
static inline bool at_tap(struct apptest *t, const char *id)
{
    const struct ui_target *tg = ui_find_target(app_ui(t->app), id);
    if (!tg) {
        fprintf(stderr, "no target %s on screen %s\n", id, app_screen_name(t->app));
        return false;
    }
    int x = tg->r.x + tg->r.w / 2, y = tg->r.y + tg->r.h / 2;
    app_set_clock(t->app, t->now, t->wall);
    app_pointer(t->app, APP_POINTER_DOWN, x, y);
    app_frame(t->app);
    t->now += 80;
    app_set_clock(t->app, t->now, t->wall);
    app_pointer(t->app, APP_POINTER_UP, x, y);
    app_frame(t->app);
    at_pass(t, 500); /* beyond the repeat guard */
    return true;
}

static inline void at_event(struct apptest *t, const struct app_event *ev)
{
    app_handle(t->app, ev);
    if (app_dirty(t->app))
        app_frame(t->app);
}

#endif
