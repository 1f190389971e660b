/*
 * feature_watch: the home tablet's follow-up of what the resident did (watch.h): who has
 * acknowledged a help press, asked of the hub until every level has (or for three hours),
 * and the hourly sign of life on a tap. Personal data here (names of those who
 * acknowledged) is shown on the resident's own tablet only and never logged.
 */
#include <string.h>

#include "appstate.h"
#include "feature.h"
#include "watch.h"

static bool settled(const struct app_help_press *p)
{
    for (int i = 0; i < p->nlev; i++)
        if (!p->lev[i].acked)
            return false;
    return true;
}

bool watch_press_family_acked(const struct app_help_press *p)
{
    for (int i = 0; i < p->nlev; i++)
        if (strcmp(p->lev[i].level, "family") == 0 && p->lev[i].acked)
            return true;
    return false;
}

const struct app_help_press *watch_press_since(const struct app *a, int64_t since)
{
    const struct watch_state *w = &a->watch;
    return w->help_n > 0 && w->help[0].at_unix >= since ? &w->help[0] : NULL;
}

void watch_press_words(const struct app *a, const struct app_help_press *p, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < p->nlev && used < size; i++) {
        char state[PRIV_SENTENCE], line[PRIV_SENTENCE];
        if (p->lev[i].acked) {
            char who[160], tm[16];
            priv_recipient_words(a, p->lev[i].by_kind, p->lev[i].by, NULL, who, sizeof who);
            app_fmt_time(a, p->lev[i].at_unix, tm, sizeof tm);
            i18n_format(state, sizeof state, app_s(a, "help_level_acked"), tm, who, NULL, NULL);
        } else {
            i18n_format(state, sizeof state, app_s(a, "help_level_open"), NULL, NULL, NULL, NULL);
        }
        i18n_format(line, sizeof line, app_s(a, "priv_alert_level"),
                    priv_level_words(a, p->lev[i].level), state, NULL, NULL);
        used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? "\n" : "", line);
    }
    /* Who has been told by mail or messaging, and who of them has seen it. */
    for (int i = 0; i < p->ntold && used < size; i++) {
        char who[160], line[PRIV_SENTENCE];
        priv_recipient_words(a, p->told[i].by_kind, p->told[i].by, NULL, who, sizeof who);
        const char *key = p->told[i].seen   ? "help_told_seen"
                          : p->told[i].sent ? "help_told_sent"
                                            : "help_told_wait";
        i18n_format(line, sizeof line, app_s(a, key), who, NULL, NULL, NULL);
        used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? "\n" : "", line);
    }
}

void watch_sample_press(struct app *a, int64_t at)
{
    struct app_help_press *p = &a->watch.help[0];
    memset(p, 0, sizeof *p);
    p->at_unix = at;
    p->nlev = 2;
    snprintf(p->lev[0].level, sizeof p->lev[0].level, "family");
    snprintf(p->lev[1].level, sizeof p->lev[1].level, "city");
    p->lev[0].acked = true;
    snprintf(p->lev[0].by_kind, sizeof p->lev[0].by_kind, "family");
    snprintf(p->lev[0].by, sizeof p->lev[0].by, "%s", app_s(a, "sample_family"));
    p->lev[0].at_unix = at + 120;
    a->watch.help_n = 1;
    a->watch.help_known = true;
}

/* The help and 安否 screens show the presses: ask often there, seldom elsewhere. */
static uint64_t interval(const struct app *a)
{
    const struct screen *top = a->stack[a->depth - 1];
    return top == &scr_help_sent || top == &scr_status ? WATCH_FAST_MS : WATCH_SLOW_MS;
}

static void ask(struct app *a)
{
    struct watch_state *w = &a->watch;
    if (w->help_loading || !a->ports.fetch_help)
        return;
    w->help_req = a->ports.fetch_help(a->ports.ctx);
    w->help_loading = w->help_req != 0;
    w->help_at_ms = a->now_ms;
}

static bool handle(struct app *a, const struct app_event *ev)
{
    struct watch_state *w = &a->watch;
    if (a->cfg.profile != APP_PROFILE_HOME)
        return false;
    switch (ev->kind) {
    case APP_EV_HELP_LIST:
        if (ev->req != w->help_req)
            return true;
        w->help_loading = false;
        if (ev->net == APP_NET_OK) {
            int n = ev->count < 0 ? 0 : ev->count > APP_HELP_MAX ? APP_HELP_MAX : ev->count;
            memcpy(w->help, ev->help, (size_t)n * sizeof w->help[0]);
            w->help_n = n;
            w->help_known = true;
            /* follow the newest press until every level has acknowledged it */
            w->help_follow =
                n > 0 && !settled(&w->help[0]) && a->wall_s - w->help[0].at_unix < WATCH_FOR_S;
            a->dirty = true;
        }
        return true;
    case APP_EV_ACTIVITY:
        if (ev->waiting_known && ev->waiting != a->waiting) {
            a->waiting = ev->waiting;
            a->dirty = true;
        }
        return true;
    case APP_EV_HELP_DONE:
        /* the press is at the hub: learn who acknowledges it */
        if (ev->net == APP_NET_OK && ev->req == a->help.req) {
            w->help_follow = true;
            w->help_at_ms = a->now_ms - interval(a) + 1000;
        }
        return false;
    case APP_EV_ME:
        /* after a start: today's presses, so 安否 can tell them */
        if (ev->net == APP_NET_OK && !w->help_known)
            ask(a);
        return false;
    default:
        return false;
    }
}

static uint64_t help_due(const struct app *a)
{
    const struct watch_state *w = &a->watch;
    if (a->cfg.profile != APP_PROFILE_HOME || !w->help_follow || w->help_loading)
        return UINT64_MAX;
    return w->help_at_ms + interval(a);
}

static uint64_t next_deadline(const struct app *a)
{
    uint64_t d = help_due(a);
    uint64_t act = a->watch.activity_due_ms;
    return act && act < d ? act : d;
}

static void send_activity(struct app *a)
{
    struct watch_state *w = &a->watch;
    w->activity_due_ms = 0;
    w->activity_sent = true;
    w->activity_ms = a->now_ms;
    /* a check-in in the last hour already told the hub the resident is about */
    if (a->have_last && a->wall_s - a->last_at < 3600)
        return;
    /* kept in the outbox: a sign of life made offline still reaches the hub */
    if (!a->ports.send_activity(a->ports.ctx))
        w->activity_sent = false;
}

static void tick(struct app *a)
{
    if (a->now_ms >= help_due(a))
        ask(a);
    if (a->watch.activity_due_ms && a->now_ms >= a->watch.activity_due_ms)
        send_activity(a);
}

static bool busy(const struct app *a)
{
    return a->watch.help_loading;
}

void watch_touch(struct app *a)
{
    struct watch_state *w = &a->watch;
    if (a->cfg.profile != APP_PROFILE_HOME || !a->ports.send_activity)
        return;
    if (w->activity_due_ms || (w->activity_sent && a->now_ms - w->activity_ms < WATCH_ACTIVITY_MS))
        return;
    w->activity_due_ms = a->now_ms + WATCH_ACTIVITY_DELAY_MS;
}

const struct app_feature feature_watch = {
    .name = "watch",
    .handle = handle,
    .tick = tick,
    .next_deadline = next_deadline,
    .busy = busy,
    .touch = watch_touch,
};
