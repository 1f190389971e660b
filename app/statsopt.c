/*
 * statsopt: the resident's refusal of statistical use (statsopt.h): the requests, the
 * hub's answers, and the state and result in words.
 */
#include "statsopt.h"

#include <string.h>

#include "appstate.h"
#include "wareki.h"

static void start(struct app *a, struct priv_load *ld, int set, bool again)
{
    if (ld->loading && !again)
        return;
    priv_load_sent(a, ld, a->ports.stats_optout ? a->ports.stats_optout(a->ports.ctx, set) : 0,
                   true);
}

void statsopt_load(struct app *a)
{
    start(a, &a->so.ld, -1, false);
}

void statsopt_set(struct app *a, bool refuse)
{
    struct statsopt_state *s = &a->so;
    s->set_refuse = refuse;
    s->set_ld.loaded = false;
    start(a, &s->set_ld, refuse ? 1 : 0, true);
}

void statsopt_handle(struct app *a, const struct app_event *ev)
{
    struct statsopt_state *s = &a->so;
    bool set = s->set_ld.loading && ev->req == s->set_ld.req;
    if (!priv_load_end(a, set ? &s->set_ld : &s->ld, ev, true)) {
        if (set)
            app_tone(a, APP_TONE_FAILURE);
        a->dirty = true;
        return;
    }
    /* a change answers with the new state too: the first screen shows it when it is back */
    s->refused = ev->optout.refused;
    s->since_unix = ev->optout.since_unix;
    s->effective_unix = ev->optout.effective_unix;
    s->ld.loaded = true;
    s->ld.failed = false;
    if (set) {
        s->changed = ev->optout.changed;
        app_tone(a, APP_TONE_SUCCESS);
    }
    a->dirty = true;
}

bool statsopt_busy(const struct app *a)
{
    return a->so.ld.loading || a->so.set_ld.loading;
}

void statsopt_wipe(struct app *a)
{
    explicit_bzero(&a->so, sizeof a->so);
}

/* The Japan day of t in words ("令和8年12月7日 (2026年)"); "" when t is unknown. */
static void day_words(const struct app *a, int64_t t, char *buf, size_t size)
{
    buf[0] = '\0';
    if (t <= 0)
        return;
    struct wareki_tm tm;
    wareki_jst(t, &tm);
    wareki_date(buf, size, tm.year, tm.month, tm.day, a->lang);
}

void statsopt_state_words(const struct app *a, bool refused, int64_t since_unix, char *buf,
                          size_t size)
{
    char day[96];
    day_words(a, since_unix, day, sizeof day);
    if (!refused)
        i18n_format(buf, size, app_s(a, "stats_state_in"), NULL, NULL, NULL, NULL);
    else if (day[0])
        i18n_format(buf, size, app_s(a, "stats_state_out_since"), day, NULL, NULL, NULL);
    else
        i18n_format(buf, size, app_s(a, "stats_state_out"), NULL, NULL, NULL, NULL);
}

void statsopt_done_words(const struct app *a, bool refused, int64_t effective_unix, char *buf,
                         size_t size)
{
    char day[96];
    day_words(a, effective_unix, day, sizeof day);
    if (!day[0])
        i18n_format(buf, size, app_s(a, refused ? "stats_done_out" : "stats_done_in"), NULL, NULL,
                    NULL, NULL);
    else
        i18n_format(buf, size, app_s(a, refused ? "stats_done_out_from" : "stats_done_in_from"),
                    day, NULL, NULL, NULL);
}
