/*
 * scr_notice: the whole notices, one a page, most urgent first (the banner on every screen
 * opens it): what, where, what to do, since when and until when, who says so; and, when
 * the hub cannot be reached, the time the information was received. ◀ ▶ between pages: a
 * notice too long for a page goes on on the next, headed by its title and （つづき）, and the
 * buttons say whether they turn to the rest of this notice (つづき / 前へ) or to another
 * notice (次の お知らせ / 前の お知らせ): a resident who reads "next notice" under the first
 * lines of a 避難指示 would think its words had ended before what to do came.
 */
#include <stdio.h>
#include <string.h>

#include "appstate.h"
#include "notice.h"

static int para(struct app *a, struct ui_rect c, int y, enum ui_font f, double mm,
                struct ui_color fg, const char *text)
{
    const struct theme *t = ui_theme(a->ui);
    if (!text[0])
        return 0;
    return wg_paragraph(a->ui, (struct ui_rect){c.x, y, c.w, 0}, f, mm, fg, t->bg, text, WG_LEFT) +
           app_gap(a);
}

static void when_words(const struct app *a, const struct notice *n, char *buf, size_t size)
{
    char d[64], tm[16], from[128], until[128] = "";
    app_fmt_date(a, n->starts_at, d, sizeof d);
    app_fmt_time(a, n->starts_at, tm, sizeof tm);
    i18n_format(from, sizeof from, app_s(a, "notice_from"), d, tm, NULL, NULL);
    if (n->ends_at) {
        app_fmt_date(a, n->ends_at, d, sizeof d);
        app_fmt_time(a, n->ends_at, tm, sizeof tm);
        i18n_format(until, sizeof until, app_s(a, "notice_until"), d, tm, NULL, NULL);
    }
    snprintf(buf, size, "%s%s%s\n%s", from, until[0] ? " " : "", until,
             app_s(a, n->from_jma ? "notice_src_jma" : "notice_src_town"));
}

#define BLOCKS 7
#define PAGES  (NOTICE_MAX * BLOCKS)

struct block {
    enum ui_font font;
    double mm;
    bool warn;
    char text[NOTICE_TEXT_MAX + 64];
};

/* The blocks of notice n, in reading order; returns how many. */
static int blocks_of(const struct app *a, const struct notice *n, struct block *b)
{
    int k = 0;
    b[k++] = (struct block){UI_FONT_BOLD, WG_TITLE_MM, notice_kind_urgent(n->kind), ""};
    snprintf(b[k - 1].text, sizeof b[0].text, "%s", notice_title(a, n));
    if (n->area_ja[0]) {
        b[k++] = (struct block){UI_FONT_REGULAR, WG_BODY_MM, false, ""};
        i18n_format(b[k - 1].text, sizeof b[0].text, app_s(a, "notice_where"), n->area_ja, NULL,
                    NULL, NULL);
    }
    if (notice_what(a, n)[0]) {
        b[k++] = (struct block){UI_FONT_REGULAR, WG_BODY_MM, false, ""};
        snprintf(b[k - 1].text, sizeof b[0].text, "%s", notice_what(a, n));
    }
    if (notice_todo(a, n)[0]) {
        b[k++] = (struct block){UI_FONT_BOLD, WG_BODY_MM, false, ""};
        i18n_format(b[k - 1].text, sizeof b[0].text, app_s(a, "notice_todo"), notice_todo(a, n),
                    NULL, NULL, NULL);
    }
    b[k++] = (struct block){UI_FONT_REGULAR, WG_BODY_MM, false, ""};
    when_words(a, n, b[k - 1].text, sizeof b[0].text);
    notice_stale_words(a, b[k].text, sizeof b[0].text);
    if (b[k].text[0]) {
        b[k].font = UI_FONT_BOLD;
        b[k].mm = WG_BODY_MM;
        b[k].warn = true;
        k++;
    }
    return k;
}

/* The head of a page that goes on with notice n: its title and （つづき）, so the page
 * says whose words these are. */
static void cont_head(const struct app *a, const struct notice *n, struct block *out)
{
    *out = (struct block){UI_FONT_BOLD, WG_BODY_MM, notice_kind_urgent(n->kind), ""};
    i18n_format(out->text, sizeof out->text, app_s(a, "notice_cont"), notice_title(a, n), NULL,
                NULL, NULL);
}

/* Pages over every notice in force: a notice starts a page; its blocks fill pages greedily
 * (a block is never split; one taller than a page gets a page of its own), a page that goes
 * on with a notice under its head (cont_head). */
struct page {
    int notice, first, end;
};

static int plan(struct app *a, int w, int h, struct page *pages)
{
    struct block b[BLOCKS], head;
    int np = 0, gap = app_gap(a);
    for (int i = 0; notice_nth(a, i) && np < PAGES; i++) {
        int nb = blocks_of(a, notice_nth(a, i), b), used = 0, start = 0;
        cont_head(a, notice_nth(a, i), &head);
        int hh = wg_text_height(a->ui, head.font, head.mm, head.text, w) + gap;
        pages[np] = (struct page){i, 0, 0};
        for (int k = 0; k < nb; k++) {
            int bh = wg_text_height(a->ui, b[k].font, b[k].mm, b[k].text, w) + gap;
            if (used > start && used + bh > h && np + 1 < PAGES) {
                pages[np].end = k;
                pages[++np] = (struct page){i, k, 0};
                used = start = hh;
            }
            used += bh;
        }
        pages[np++].end = nb;
    }
    return np;
}

/* The pager below the notices. In thirds (◀ page ▶) as on other screens while its words fit
 * a line there; when they do not (次の お知らせ at large text: its arrow above two lines of
 * words made the thirds 325 px tall at 150 %, more than half of the room, so a 避難指示 took
 * four pages), the page number goes on a line of its own and ◀ ▶ share the row in halves,
 * each label on one line: whichever is lower. The same for every pair of words, so the
 * pages never move under a tap. */
struct npager {
    bool halves;
    int h;  /* the whole pager */
    int th; /* halves: the page number's line */
};

static struct npager pager_plan(struct app *a, int w)
{
    struct ui *ui = a->ui;
    static const char *const keys[4] = {"notice_prev", "page_before", "notice_next",
                                        "notice_read_on"};
    int gap = app_gap(a), thirds = 0, bh = 0, bw = (w - gap) / 2;
    for (int k = 0; k < 4; k += 2) {
        int h = wg_pager_height(ui, w, "99 / 99", app_s(a, keys[k]), app_s(a, keys[k + 1]));
        thirds = h > thirds ? h : thirds;
    }
    for (int k = 0; k < 4; k++) {
        struct wg_button b = {
            "p", app_s(a, keys[k]), k < 2 ? ICON_PREV : ICON_NEXT, WG_SECONDARY, false, 0};
        int h = wg_button_height(ui, &b, bw);
        bh = h > bh ? h : bh;
    }
    char text[64];
    i18n_format(text, sizeof text, app_s(a, "page_of"), "99", "99", NULL, NULL);
    int th = wg_text_height(ui, UI_FONT_BOLD, WG_BODY_MM, text, w);
    if (th + gap + bh < thirds)
        return (struct npager){true, th + gap + bh, th};
    return (struct npager){false, thirds, 0};
}

static int pager(struct app *a, struct ui_rect r, struct npager pl, int page, int pages,
                 const char *text, const char *prev, const char *next)
{
    struct ui *ui = a->ui;
    if (!pl.halves)
        return wg_pager(ui, r, page, pages, text, prev, next);
    const struct theme *t = ui_theme(ui);
    int gap = app_gap(a), bw = (r.w - gap) / 2, by = r.y + pl.th + gap, out = 0;
    wg_paragraph(ui, (struct ui_rect){r.x, r.y, r.w, pl.th}, UI_FONT_BOLD, WG_BODY_MM, t->text,
                 t->bg, text, WG_CENTER);
    struct wg_button p = {"page_prev", prev, ICON_PREV, WG_SECONDARY, false, 0};
    struct wg_button n = {"page_next", next, ICON_NEXT, WG_SECONDARY, false, 0};
    /* at the ends the button is absent, as in wg_pager */
    if (page > 0 && wg_button(ui, &p, (struct ui_rect){r.x, by, bw, r.y + r.h - by}))
        out = -1;
    if (page + 1 < pages &&
        wg_button(ui, &n, (struct ui_rect){r.x + r.w - bw, by, bw, r.y + r.h - by}))
        out = 1;
    return out;
}

static void frame(struct app *a, struct ui_rect c)
{
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    int y = c.y, gap = app_gap(a);
    static struct page pages[PAGES]; /* UI thread only */
    struct block b[BLOCKS];

    if (notice_count_now(a) == 0) {
        char stale[256];
        notice_stale_words(a, stale, sizeof stale);
        y += para(a, c, y, UI_FONT_REGULAR, WG_BODY_MM, t->text, app_s(a, "notice_none"));
        para(a, c, y, UI_FONT_BOLD, WG_BODY_MM, t->warn_text, stale);
        return;
    }
    struct npager pl = pager_plan(a, c.w);
    int ph = pl.h;
    int np = plan(a, c.w, c.h, pages);
    if (np > 1)
        np = plan(a, c.w, c.h - ph - gap, pages);
    if (a->notices.page >= np)
        a->notices.page = np - 1;
    const struct page *pg = &pages[a->notices.page];
    const struct notice *n = notice_nth(a, pg->notice);
    blocks_of(a, n, b);
    if (pg->first > 0) {
        struct block head;
        cont_head(a, n, &head);
        y += para(a, c, y, head.font, head.mm, head.warn ? t->warn_text : t->text, head.text);
    }
    for (int k = pg->first; k < pg->end; k++)
        y += para(a, c, y, b[k].font, b[k].mm, b[k].warn ? t->warn_text : t->text, b[k].text);
    if (np > 1) {
        int p = a->notices.page;
        const char *prev =
            app_s(a, p > 0 && pages[p - 1].notice == pg->notice ? "page_before" : "notice_prev");
        const char *next = app_s(
            a, p + 1 < np && pages[p + 1].notice == pg->notice ? "notice_read_on" : "notice_next");
        char p1[16], p2[16], text[64];
        snprintf(p1, sizeof p1, "%d", a->notices.page + 1);
        snprintf(p2, sizeof p2, "%d", np);
        i18n_format(text, sizeof text, app_s(a, "page_of"), p1, p2, NULL, NULL);
        int d = pager(a, (struct ui_rect){c.x, c.y + c.h - ph, c.w, ph}, pl, a->notices.page, np,
                      text, prev, next);
        if (d) {
            a->notices.page += d;
            app_mark_dirty(a);
        }
    }
}

static void title(const struct app *a, char *buf, size_t size)
{
    int count = notice_count_now(a);
    char p1[16], p2[16];
    snprintf(p1, sizeof p1, "%d", count);
    snprintf(p2, sizeof p2, "%d", count);
    i18n_format(buf, size, app_s(a, count > 1 ? "title_notice_n" : "title_notice"), p1, NULL, NULL,
                NULL);
}

static void sample(struct app *a, int variant)
{
    notice_sample(a, variant == 3 || variant == 4 ? 0 : variant);
    a->notices.page = variant == 3 ? 1 : 0;
    if (variant == 4) /* every notice has ended */
        for (int i = 0; i < a->notices.list.n; i++)
            a->notices.list.items[i].ends_at = a->wall_s - 60;
}

const struct screen scr_notice = {.name = "notice",
                                  .title_key = "title_notice",
                                  .frame = frame,
                                  .sample = sample,
                                  .title = title};
