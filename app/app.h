/*
 * app: the kiosk application without a platform: profiles, screens and their state
 * machine, session state, timeouts and settings. The platform feeds it time, touches and
 * port results (app_event), asks whether something changed, and draws the draw list it
 * builds. Nothing here blocks or sleeps.
 *
 * Threading: everything on the UI thread.
 */
#ifndef APP_H
#define APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ports.h"
#include "theme.h"
#include "ui.h"

enum app_profile { APP_PROFILE_HOME, APP_PROFILE_FAMILY, APP_PROFILE_PUBLIC };
const char *app_profile_str(enum app_profile p);
/* Returns -1 for an unknown name. */
int app_profile_parse(const char *s);

struct app_config {
    enum app_profile profile;
    const char *strings_dir; /* folder with ja.txt and en.txt */
    const char *lang;        /* "ja" or "en" */
    int text_scale;          /* 100, 125, 150 */
    enum theme_kind theme;
    bool sound;
    double px_per_mm;
    int width, height;
    uint64_t idle_warn_ms;       /* public: warn (60 s) */
    uint64_t idle_logout_ms;     /* public: log out (90 s) */
    uint64_t sensitive_close_ms; /* home/family: close a non-home screen (3 min) */
    uint64_t family_refresh_ms;  /* family: refresh the list (60 s) */
    uint64_t notice_poll_ms;     /* home/public: ask for the notices (0: NOTICE_POLL_MS) */
    const char *key_seed;        /* random text making idempotency keys unique per run */
    /* card: public kiosk's service hours, minutes after midnight (Japan time);
     * both 0 = not configured (not shown) */
    int service_open_min, service_close_min;
    /* speech: the screens' main prompts and the notices read aloud (home tablets; off by
     * default on public kiosks); volume and rate in per cent of the engine's normal */
    bool speech;
    int speech_volume, speech_rate;
};

enum app_status {
    APP_OK = 0,
    APP_E_STRINGS, /* a strings file is missing or malformed */
    APP_E_CONFIG,  /* a value out of range */
    APP_E_NOMEM,
};
const char *app_status_str(enum app_status st);

struct app;

/* Creates the app and enters the profile's first screen. Strings in cfg are copied; ops
 * and ports are copied. On failure returns NULL, sets *st and writes a sentence into err. */
struct app *app_create(const struct app_config *cfg, const struct ui_text_ops *ops,
                       const struct app_ports *ports, uint64_t now_ms, int64_t wall_s,
                       enum app_status *st, char *err, size_t errsize);
void app_destroy(struct app *a);

/* The platform's clocks: monotonic ms and the wall clock (Unix seconds). Call before
 * feeding input or events. */
void app_set_clock(struct app *a, uint64_t now_ms, int64_t wall_s);

enum app_pointer { APP_POINTER_DOWN, APP_POINTER_MOVE, APP_POINTER_UP };
void app_pointer(struct app *a, enum app_pointer kind, int x, int y);
/* A result from a port. The event is read, not kept. */
void app_handle(struct app *a, const struct app_event *ev);
/* Runs timers (idle, refresh, clock minute); call after waking up. */
void app_tick(struct app *a);
/* Whether the screen must be redrawn. */
bool app_dirty(const struct app *a);
/* Builds the frame's draw list (and applies screen changes the frame asked for). */
void app_frame(struct app *a);
/* The next time app_tick has something to do (monotonic ms), UINT64_MAX for never. */
uint64_t app_next_deadline(const struct app *a);
/* True while a request to the hub is in flight (scripts wait for it to settle). */
bool app_busy(const struct app *a);
/* The window changed size or was exposed: lay out again and redraw. */
void app_resize(struct app *a, int width, int height);
void app_invalidate(struct app *a);
/* True when the app wants the process to end (never, today; kept for the platform). */
bool app_quit_requested(const struct app *a);

const struct ui *app_ui(const struct app *a);
struct ui *app_ui_mut(struct app *a);
const char *app_screen_name(const struct app *a);
/* Words on screen now contain `needle` (for scripted waits). */
bool app_screen_has_text(const struct app *a, const char *needle);

/* Settings (also changed by the settings screens). */
void app_set_lang(struct app *a, const char *lang);
void app_set_text_scale(struct app *a, int percent);
void app_set_theme(struct app *a, enum theme_kind t);
void app_set_sound(struct app *a, bool on);
/* Speech on/off, volume and rate (per cent; the nearest of the steps the settings offer). */
void app_set_speech(struct app *a, bool on, int volume_pct, int rate_pct);
const char *app_lang(const struct app *a);
int app_text_scale(const struct app *a);
enum theme_kind app_theme_kind(const struct app *a);

/* The screen catalogue: every screen, reachable by name, with sample state. */
size_t app_catalogue_count(void);
const char *app_catalogue_name(size_t i);
/* Shows catalogue entry `name` with its sample state (no ports called). Returns false for
 * an unknown name. */
bool app_catalogue_show(struct app *a, const char *name);
/* Catalogue: from now on puts notice sample `variant` (notice_sample) over every entry
 * that shows no notices of its own, so the band can be checked on every screen; -1: none. */
void app_catalogue_band(struct app *a, int variant);
/* Goes to a screen as navigation would; false when unknown. */
bool app_goto_name(struct app *a, const char *name);

/* Writes the layout of the last frame as JSON into buf (targets with px and mm rects,
 * labels, colours; texts with their boxes). Returns the length, or -1 when buf is too
 * small. */
int app_layout_json(const struct app *a, char *buf, size_t size);

#endif
