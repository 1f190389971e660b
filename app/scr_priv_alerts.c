/*
 * scr_priv_alerts: alerts in words. In a card session (安否): the resident's own alerts
 * (missed check-in, help) and who acknowledged each, from GET /v1/session/alerts. In the
 * family profile: the linked resident's alerts, open ones first, each open one with a
 * 確かめました button that acknowledges it (POST /v1/alerts/{id}/ack); the family's first
 * screen shows the number of open alerts on top and leads here.
 */
#include <stdlib.h>
#include <string.h>

#include "appstate.h"

/* Lists the alerts paged; with `ack`, an open alert gets a button below its words (two
 * a page at most, so a page never offers more than six choices). A sentence longer than a
 * page's room (a notice band at large text) continues on the next page. */
static void list(struct app *a, struct ui_rect c, const struct priv_load *ld,
                 const struct priv_alert *al, int n, int *page, bool ack)
{
    static char lines[PRIV_ALERTS_MAX][PRIV_SENTENCE * 2]; /* UI thread only */
    static char ids[PRIV_ALERTS_MAX][32];
    static struct wg_button btn[PRIV_ALERTS_MAX];
    static struct priv_item items[PRIV_ALERTS_MAX];
    char msg[PRIV_SENTENCE];
    int gap = app_gap(a);
    const char *m = priv_load_words(a, ld, msg, sizeof msg);
    if (m && n == 0) {
        priv_para(a, c, c.y, true, m);
        return;
    }
    if (n == 0) {
        priv_para(a, c, c.y, false, app_s(a, "priv_alerts_none"));
        return;
    }
    n = n < PRIV_ALERTS_MAX ? n : PRIV_ALERTS_MAX;
    for (int i = 0; i < n; i++) {
        priv_alert_sentence(a, &al[i], lines[i], sizeof lines[i]);
        snprintf(ids[i], sizeof ids[i], "ack_%d", i);
        btn[i] = (struct wg_button){ids[i], app_s(a, "priv_ack"), ICON_CHECK, WG_PRIMARY, false, 0};
        items[i] = (struct priv_item){lines[i], !al[i].acked, ack && !al[i].acked ? &btn[i] : NULL};
    }
    int ph = priv_pager_height(a, c.w), tapped;
    int pages = priv_items_frame(a, c, ph + gap, items, n, ack ? 2 : 0, page, &tapped);
    if (tapped >= 0 && !a->pv.ack_ld.loading)
        priv_ack(a, al[tapped].id);
    if (pages > 1) {
        int d = priv_pager(a, (struct ui_rect){c.x, c.y + c.h - ph, c.w, ph}, *page, pages);
        if (d) {
            *page += d;
            app_mark_dirty(a);
        }
    }
}

static void frame(struct app *a, struct ui_rect c)
{
    list(a, c, &a->pv.al_ld, a->pv.alerts, a->pv.alerts_n, &a->pv.alerts_page, false);
}

static void enter(struct app *a)
{
    priv_load_alerts(a);
}

void priv_sample_alerts(struct app *a, struct priv_alert *al, int *n, bool open_only)
{
    *n = open_only ? 2 : 3;
    for (int i = 0; i < *n; i++) {
        memset(&al[i], 0, sizeof al[i]);
        al[i].id = 30 - i;
        snprintf(al[i].kind, sizeof al[i].kind, "%s", i == 0 ? "help" : "missed");
        snprintf(al[i].level, sizeof al[i].level, "family");
        al[i].raised_unix = a->wall_s - 1800 - (int64_t)i * 86400;
        if (!open_only && i == 2) {
            al[i].acked = true;
            snprintf(al[i].acked_kind, sizeof al[i].acked_kind, "family");
            snprintf(al[i].acked_name, sizeof al[i].acked_name, "%s", app_s(a, "sample_family"));
            al[i].acked_unix = al[i].raised_unix + 900;
        }
    }
}

static void sample(struct app *a, int variant)
{
    a->card.present = true;
    a->card.in_session = true;
    a->pv.al_ld.loaded = true;
    if (variant == 0)
        priv_sample_alerts(a, a->pv.alerts, &a->pv.alerts_n, false);
}

const struct screen scr_priv_alerts = {.name = "priv_alerts",
                                       .title_key = "title_priv_alerts",
                                       .enter = enter,
                                       .frame = frame,
                                       .sample = sample};

/* --- family profile --- */

static void fam_frame(struct app *a, struct ui_rect c)
{
    list(a, c, &a->pv.fam_ld, a->pv.fam, a->pv.fam_n, &a->pv.fam_page, true);
}

static void fam_enter(struct app *a)
{
    priv_load_fam_alerts(a);
}

static void fam_sample(struct app *a, int variant)
{
    (void)variant;
    a->pv.fam_ld.loaded = true;
    priv_sample_alerts(a, a->pv.fam, &a->pv.fam_n, true);
    snprintf(a->name, sizeof a->name, "%s", app_s(a, "sample_name"));
}

const struct screen scr_priv_fam_alerts = {.name = "priv_fam_alerts",
                                           .title_key = "title_priv_fam_alerts",
                                           .enter = fam_enter,
                                           .frame = fam_frame,
                                           .sample = fam_sample};
