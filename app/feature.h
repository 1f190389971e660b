/*
 * feature: what one feature of the kiosk (the resident's data and checkups, shopping and
 * family requests, ...) tells the core. app.c loops over the table in features.c and never
 * names a feature: adding one means writing its own files (screens, state, its
 * struct app_feature) and one row in that table.
 *
 * Every hook may be NULL. They run on the UI thread, in table order.
 */
#ifndef FEATURE_H
#define FEATURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ui.h"

struct app;
struct app_event;
struct screen;

/* Why the core asks a feature to forget what it holds. */
enum feature_wipe {
    FEATURE_WIPE_SESSION, /* a card session ended (終わる, card pulled, public logout) */
    FEATURE_WIPE_IDLE,    /* a home or family tablet closed its screens after inactivity */
    FEATURE_WIPE_SAMPLE,  /* the screen catalogue starts a sample from a clean state */
};

/* One entry of the screen catalogue: a screen shown with sample state `variant`. */
struct feature_sample {
    const char *name;
    const struct screen *s;
    int variant;
};

struct app_feature {
    const char *name;
    /* With the app (its state allocated); false: out of memory. destroy accepts a partial
     * create. */
    bool (*create)(struct app *a);
    void (*destroy)(struct app *a);
    void (*wipe)(struct app *a, enum feature_wipe why);
    /* A port result: returns true when ev is this feature's own (the core then does
     * nothing more with it). */
    bool (*handle)(struct app *a, const struct app_event *ev);
    void (*tick)(struct app *a);
    /* The next time tick has something to do (monotonic ms), UINT64_MAX for never. */
    uint64_t (*next_deadline)(const struct app *a);
    /* A request of this feature is in flight (the scripts' `settle`). */
    bool (*busy)(const struct app *a);
    /* The resident touched the screen (any press). */
    void (*touch)(struct app *a);
    /* Before the screen builds a frame (per-frame collections reset). */
    void (*frame_begin)(struct app *a);
    /* The family tablet reloads its list: what this feature shows beside it. */
    void (*family_refresh)(struct app *a);
    /* A band above every screen's content (the notices): its height at width w on this
     * screen (0 = none) and drawing it into r. */
    int (*banner_height)(struct app *a, int w);
    void (*banner)(struct app *a, struct ui_rect r);
    /* Catalogue: after entry `name`'s screen made its sample state, the feature may add its
     * own (the notices over a core screen). */
    void (*sample)(struct app *a, const char *name);
    /* The top screen changed (what to say on it). */
    void (*screen_changed)(struct app *a);
    /* NULL-terminated: the feature's screens (reachable by name), and those of them that
     * show the resident's own data (they need a card session first). */
    const struct screen *const *screens;
    const struct screen *const *card_screens;
    /* Catalogue entries, ended by an entry with a NULL name. */
    const struct feature_sample *samples;
};

/* The table, NULL-terminated (features.c). */
extern const struct app_feature *const app_features[];

/* Which event kinds a feature's answers come as (its handle claims them; the platform's
 * parsers ask too, so no one depends on the order of enum app_event_kind). */
bool feature_priv_owns(int kind);
bool feature_shop_owns(int kind);
bool feature_notice_owns(int kind);
bool feature_famsafety_owns(int kind);
bool feature_stats_owns(int kind);

/* The top screen's event hook, for features whose screens react to their answers. */
void app_screen_event(struct app *a, const struct app_event *ev);

#endif
