/*
 * statsopt: the resident's refusal of statistical use, at the kiosk in a card session
 * (docs/stats.md, "Opt-out"; docs/ui.md, "Statistics"). The screen says in plain words
 * what the town's statistics are, that no one can be identified in them, and that the
 * resident may refuse; it shows the state the hub has, and changes it after one confirm
 * step. The hub counts a change from the next day's tables; the screens say from which day.
 *
 * The state is the resident's own: it lives in struct app and is wiped with the session.
 */
#ifndef STATSOPT_H
#define STATSOPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "priv.h" /* struct priv_load: how a load from the hub ended */

struct app;
struct app_event;

enum statsopt_ask { STATSOPT_ASK_NONE, STATSOPT_ASK_REFUSE, STATSOPT_ASK_ALLOW };

struct statsopt_state {
    struct priv_load ld;     /* GET: the state the hub has */
    struct priv_load set_ld; /* POST: the change being sent */
    bool refused;            /* with ld.loaded (or set_ld.loaded): the hub's state */
    bool changed;            /* the last change changed the state */
    int64_t since_unix;      /* refused since (0 unknown) */
    int64_t effective_unix;  /* the hub counts the state from this day's tables */
    enum statsopt_ask ask;   /* the confirm dialog is open for this change */
    bool set_refuse;         /* the change being sent */
};

/* Asks the hub for the state (a no-op while asking). */
void statsopt_load(struct app *a);
/* Sends the confirmed change: refuse (true) or allow again (false). */
void statsopt_set(struct app *a, bool refuse);
/* An APP_EV_STATS_OPTOUT answer. */
void statsopt_handle(struct app *a, const struct app_event *ev);
bool statsopt_busy(const struct app *a);
/* Forgets everything (the session ended). */
void statsopt_wipe(struct app *a);

/* The state in words ("いま: …"), with the day it counts from when the hub said it. */
void statsopt_state_words(const struct app *a, bool refused, int64_t since_unix, char *buf,
                          size_t size);
/* What a change did, in words, with the day of the tables it counts from. */
void statsopt_done_words(const struct app *a, bool refused, int64_t effective_unix, char *buf,
                         size_t size);

extern const struct screen scr_stats_optout;
extern const struct screen scr_stats_optout_done;

#endif
