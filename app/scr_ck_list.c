/*
 * scr_ck_list: 健診の結果, the resident's checkups newest first, one button each with the
 * year (令和 and Western), the date, where it was done and how many results ask for a
 * doctor or for guidance; as many a page as fit (four at most with ◀ ▶: six choices), and
 * below a notice band at large text each in words beside a short 見る button (ckpage). Only
 * checkups of sources the resident consented to link are sent by the hub; when none are visible the
 * screen says how to give that consent.
 */
#include <stdlib.h>
#include <string.h>

#include "appstate.h"
#include "ckpage.h"

/* "2025-06-10" → Unix noon of that day (JST), for the date words; 0 when malformed. */
int64_t ck_day_unix(const char *d)
{
    char *end;
    long y = strtol(d, &end, 10);
    if (*end != '-')
        return 0;
    long m = strtol(end + 1, &end, 10);
    if (*end != '-')
        return 0;
    long day = strtol(end + 1, &end, 10);
    if (y < 1900 || y > 2200 || m < 1 || m > 12 || day < 1 || day > 31)
        return 0;
    /* days from civil (Howard Hinnant's algorithm) */
    long yy = y - (m <= 2);
    long era = (yy >= 0 ? yy : yy - 399) / 400;
    long yoe = yy - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return ((int64_t)era * 146097 + doe - 719468) * 86400 + 3 * 3600;
}

void ck_date_words(const struct app *a, const char *date, char *buf, size_t size)
{
    int64_t t = ck_day_unix(date);
    if (t)
        app_fmt_date(a, t, buf, size);
    else
        snprintf(buf, size, "%s", date);
}

static void label(struct app *a, const struct ck_summary *s, char *buf, size_t size)
{
    char date[64], n1[16], n2[16];
    ck_date_words(a, s->date, date, sizeof date);
    snprintf(n1, sizeof n1, "%d", s->see_doctor);
    snprintf(n2, sizeof n2, "%d", s->guidance);
    i18n_format(buf, size, app_s(a, "ck_list_row"), date, s->org[0] ? s->org : s->source, n1, n2);
}

static const char *pager_words(struct app *a, const struct ckpage *pg, int first, bool next)
{
    (void)pg;
    (void)first;
    return app_s(a, next ? "page_next" : "page_prev");
}

static void frame(struct app *a, struct ui_rect c)
{
    static char text[CK_LIST_MAX][PRIV_SENTENCE];
    static struct ckpage pg;
    struct priv_state *p = &a->pv;
    char msg[PRIV_SENTENCE];
    const char *m = priv_load_words(a, &p->ckl_ld, msg, sizeof msg);
    if (m && p->cks_n == 0) {
        priv_para(a, c, c.y, true, m);
        return;
    }
    if (p->cks_n == 0) {
        priv_para(a, c, c.y, false, app_s(a, "ck_none"));
        return;
    }
    /* one row a checkup (as words beside 見る when a row does not fit a page: ckpage), and
     * past the last page the hub's older ones */
    ckpage_begin(&pg);
    for (int i = 0; i < p->cks_n; i++) {
        label(a, &p->cks[i], text[i], sizeof text[i]);
        ckpage_row(&pg, text[i], ICON_STATUS, i);
    }
    pg.more = p->cks_next != 0 && p->cks_n < CK_LIST_MAX;
    static const struct ckpage_ops ops = {NULL, pager_words, "ck"};
    int tapped = ckpage_frame(a, c, &pg, &p->cks_page, &p->cks_pages, &ops);
    if (p->cks_page >= p->cks_pages) {
        p->cks_page = p->cks_pages - 1; /* until they come (the event turns the page) */
        priv_load_checkups(a, true);
        app_mark_dirty(a);
    }
    if (tapped >= 0) {
        priv_load_checkup(a, p->cks[tapped].id);
        app_nav_push(a, &scr_ck_one);
    }
}

static void enter(struct app *a)
{
    priv_load_checkups(a, false);
}

static void event(struct app *a, const struct app_event *ev)
{
    if (ev->kind == APP_EV_CK_LIST && ev->net == APP_NET_OK && ev->priv &&
        a->pv.cks_n > ev->priv->n)
        a->pv.cks_page++;
}

void priv_sample_checkups(struct app *a)
{
    static const char *dates[] = {"2026-06-10", "2025-06-12", "2024-06-05", "2023-06-08",
                                  "2022-06-15"};
    a->pv.cks_n = 5;
    for (int i = 0; i < 5; i++) {
        struct ck_summary *s = &a->pv.cks[i];
        memset(s, 0, sizeof *s);
        s->id = 10 - i;
        snprintf(s->date, sizeof s->date, "%s", dates[i]);
        s->year = 2026 - i;
        snprintf(s->org, sizeof s->org, "%s", app_s(a, "sample_org"));
        s->normal = 20 - i;
        s->guidance = i % 3;
        s->see_doctor = i == 0 ? 1 : 0;
    }
    a->pv.ckl_ld.loaded = true;
}

static void sample(struct app *a, int variant)
{
    a->card.present = true;
    a->card.in_session = true;
    a->pv.ckl_ld.loaded = true;
    if (variant == 0)
        priv_sample_checkups(a);
}

static void title(const struct app *a, char *buf, size_t size)
{
    ckpage_title(a, "title_ck_list", a->pv.cks_page, a->pv.cks_pages, buf, size);
}

const struct screen scr_ck_list = {.name = "ck_list",
                                   .title_key = "title_ck_list",
                                   .enter = enter,
                                   .event = event,
                                   .frame = frame,
                                   .sample = sample,
                                   .title = title};
