/*
 * scr_priv_log: 私の情報の記録, the resident's access log in words, newest first: when,
 * who, what, why and on what basis, one sentence a line, paged with ◀ ▶. The hub hands
 * out the log in chunks; ▶ on the last page that is here asks for the next chunk.
 */
#include <stdlib.h>
#include <string.h>

#include "appstate.h"

static void frame(struct app *a, struct ui_rect c)
{
    static char lines[PRIV_LOG_MAX][PRIV_SENTENCE]; /* UI thread only */
    static struct priv_item items[PRIV_LOG_MAX];
    struct priv_state *p = &a->pv;
    char msg[PRIV_SENTENCE];
    int gap = app_gap(a);
    const char *m = priv_load_words(a, &p->log_ld, msg, sizeof msg);
    if (m && p->log_n == 0) {
        priv_para(a, c, c.y, true, m);
        return;
    }
    if (p->log_n == 0) {
        priv_para(a, c, c.y, false, app_s(a, "priv_log_empty"));
        return;
    }
    /* one sentence an entry; a sentence longer than a page's room (a notice band at large
     * text) continues on the next page */
    for (int i = 0; i < p->log_n; i++) {
        priv_log_sentence(a, &p->log[i], lines[i], sizeof lines[i]);
        items[i] = (struct priv_item){lines[i], false, NULL};
    }
    int ph = priv_pager_height(a, c.w), tapped;
    int pages = priv_items_frame(a, c, ph + gap, items, p->log_n, 0, &p->log_page, &tapped);
    bool more = p->log_next != 0 && p->log_n < PRIV_LOG_MAX;
    int d = priv_pager(a, (struct ui_rect){c.x, c.y + c.h - ph, c.w, ph}, p->log_page,
                       pages + (more ? 1 : 0));
    if (d > 0 && p->log_page + 1 >= pages)
        priv_load_log(a, true); /* the next chunk; the page moves when it is here */
    else if (d)
        p->log_page += d;
    if (d)
        app_mark_dirty(a);
}

static void enter(struct app *a)
{
    priv_load_log(a, false);
}

static void event(struct app *a, const struct app_event *ev)
{
    /* a chunk asked for by ▶ arrived: show its first page */
    if (ev->kind == APP_EV_PRIV_LOG && ev->net == APP_NET_OK && ev->priv &&
        a->pv.log_n > ev->priv->n)
        a->pv.log_page++;
}

/* Sample: one family member, the city, the resident; page 2 or a refusal. */
void priv_sample_log(struct app *a, int n)
{
    static const struct {
        const char *kind, *action, *data, *purpose, *basis;
    } k[] = {
        {"family", "checkins.read", "safety", "watch_over", "consent:3"},
        {"staff", "alerts.read", "safety", "watch_over", "legal:watch_over_city"},
        {"device", "checkups.list", "checkups", "own_view", "self:card_session"},
        {"family", "alerts.read", "safety", "watch_over", "consent:3"},
        {"city_office", "family.link", "safety", "watch_over", "enrolment"},
    };
    a->pv.log_n = n;
    for (int i = 0; i < n; i++) {
        struct priv_log_entry *e = &a->pv.log[i];
        e->id = 500 - i;
        e->at_unix = a->wall_s - 600 - (int64_t)i * 5000;
        snprintf(e->actor_kind, sizeof e->actor_kind, "%s", k[i % 5].kind);
        snprintf(e->actor_name, sizeof e->actor_name, "%s",
                 strcmp(k[i % 5].kind, "family") == 0 ? app_s(a, "sample_family") : "");
        snprintf(e->action, sizeof e->action, "%s", k[i % 5].action);
        snprintf(e->outcome, sizeof e->outcome, "ok");
        snprintf(e->data_kinds, sizeof e->data_kinds, "%s", k[i % 5].data);
        snprintf(e->purpose, sizeof e->purpose, "%s", k[i % 5].purpose);
        snprintf(e->basis, sizeof e->basis, "%s", k[i % 5].basis);
    }
}

static void sample(struct app *a, int variant)
{
    a->card.present = true;
    a->card.in_session = true;
    if (variant == 2) {
        a->pv.log_ld.failed = true;
        a->pv.log_ld.status = 403;
        return;
    }
    a->pv.log_ld.loaded = true;
    priv_sample_log(a, 12);
    a->pv.log_next = 488;
    a->pv.log_page = variant == 1 ? 1 : 0;
}

const struct screen scr_priv_log = {.name = "priv_log",
                                    .title_key = "title_priv_log",
                                    .enter = enter,
                                    .event = event,
                                    .frame = frame,
                                    .sample = sample};
