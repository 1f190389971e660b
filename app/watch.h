/*
 * watch: what the home tablet keeps hearing from the hub after the resident acted — who
 * acknowledged each help press (GET /v1/help, polled every few seconds while the help or
 * 安否 screen shows a press nobody has settled, once a minute elsewhere, for three hours)
 * — and the passive sign of life it reports when the resident uses it (any tap, at most
 * once an hour, POST /v1/activity through the outbox). The feature itself is
 * feature_watch.c; the help and 安否 screens word its presses with watch_press_words().
 *
 * Threading: UI thread only.
 */
#ifndef WATCH_H
#define WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ports.h"

struct app;

#define WATCH_FAST_MS     5000                   /* on the help / 安否 screens */
#define WATCH_SLOW_MS     60000                  /* elsewhere */
#define WATCH_FOR_S       (3 * 3600)             /* a press is followed this long */
#define WATCH_ACTIVITY_MS (60ULL * 60ULL * 1000) /* one sign of life an hour at most */
/* sent this long after the tap, so what the tap did (a check-in) goes first; a check-in
 * within the hour is itself a sign of life and none is sent */
#define WATCH_ACTIVITY_DELAY_MS 30000

struct watch_state {
    uint32_t help_req;
    bool help_loading;
    bool help_known;     /* the hub answered at least once */
    bool help_follow;    /* a press is being followed (polls due) */
    uint64_t help_at_ms; /* when the last poll was asked */
    int help_n;
    struct app_help_press help[APP_HELP_MAX]; /* newest first */
    bool activity_sent;
    uint64_t activity_ms;     /* when the last sign of life was handed to the outbox */
    uint64_t activity_due_ms; /* a tap asked for one at this time, 0 = none asked */
};

/* The resident touched the screen (home tablet): a sign of life goes to the outbox
 * WATCH_ACTIVITY_DELAY_MS later when the last one is an hour old or there was none this
 * run. */
void watch_touch(struct app *a);

/* The newest press at or after `since` (Unix s), or NULL. */
const struct app_help_press *watch_press_since(const struct app *a, int64_t since);

/* Each level's state of a press, one line each: "ご家族: 9:14 一郎さんが 確かめました。". */
void watch_press_words(const struct app *a, const struct app_help_press *p, char *buf, size_t size);

/* Catalogue sample: a press at `at`, the family's level acknowledged 2 minutes later by
 * the sample family member, the city's not yet. */
void watch_sample_press(struct app *a, int64_t at);

/* True when someone at the family level acknowledged the press. */
bool watch_press_family_acked(const struct app_help_press *p);

#endif
