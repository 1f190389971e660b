/*
 * scr_home: the home tablet's first screen. Three large check-in answers, the day's
 * check-in state in words, and three tiles: 助けて, くらし (安否, 買い物, 私の情報), 設定 (six
 * choices, the most the screen rules allow). A tap sends the check-in and opens the result screen.
 */
#include "appstate.h"
#include "wareki.h"

static bool same_day(int64_t a, int64_t b)
{
    struct wareki_tm x, y;
    wareki_jst(a, &x);
    wareki_jst(b, &y);
    return x.year == y.year && x.month == y.month && x.day == y.day;
}

/* The status line is the title: today's check-in, in words. */
static void title(const struct app *a, char *buf, size_t size)
{
    char tm[16];
    if (a->last_kept && same_day(a->last_kept_at, a->wall_s) &&
        (!a->have_last || a->last_kept_at > a->last_at)) {
        /* an earlier run kept it in the outbox and has not delivered it yet */
        app_fmt_time(a, a->last_kept_at, tm, sizeof tm);
        i18n_format(buf, size, app_s(a, "home_status_kept"), tm,
                    app_answer_words(a, a->last_kept_answer), NULL, NULL);
    } else if (a->have_last && same_day(a->last_at, a->wall_s)) {
        app_fmt_time(a, a->last_at, tm, sizeof tm);
        i18n_format(buf, size, app_s(a, "home_status_sent"), tm,
                    app_answer_words(a, a->last_answer), NULL, NULL);
    } else {
        i18n_format(buf, size, app_s(a, "home_status_none"), NULL, NULL, NULL, NULL);
    }
    /* paged under a notice band: where the resident is, as the other screens say it */
    app_title_words_page(a, buf, a->home_page, a->home_pages, buf, size);
}

/* What a tap on one of the six does. */
static void tapped(struct app *a, int i)
{
    if (i < 3) {
        app_send_checkin(a, (enum app_answer)i, false);
        app_nav_push(a, &scr_result);
        return;
    }
    const struct screen *to[3] = {&scr_help_confirm, &scr_menu, &scr_settings};
    app_nav_push(a, to[i - 3]);
}

/* Short of room under a long notice band at large text: two pages of a 2 × 2 grid, the
 * answers first (▶ in the fourth cell), the tiles next (◀ in the third cell, where the
 * pager's ◀ is on every screen); icons beside the words, which fit at half width. */
static void grid_pages(struct app *a, struct ui_rect c, struct wg_button *b, int rh, int cur)
{
    int gap = app_gap(a), cw = (c.w - gap) / 2;
    int d = app_pager(a, (struct ui_rect){c.x, c.y + rh + gap, c.w, rh}, cur, 2);
    if (d)
        a->home_page = cur + d;
    static const int cells[2][3] = {{0, 1, 2}, {0, 1, 3}};
    for (int k = 0; k < 3; k++) {
        int i = cur * 3 + k, cell = cells[cur][k];
        struct ui_rect r = {c.x + (cell % 2) * (cw + gap), c.y + (cell / 2) * (rh + gap),
                            cell % 2 ? c.w - cw - gap : cw, rh};
        if (wg_button(a->ui, &b[i], r))
            tapped(a, i);
    }
}

static void frame(struct app *a, struct ui_rect c)
{
    struct ui *ui = a->ui;
    int gap = app_gap(a);

    static const struct {
        const char *id, *key;
        enum icon_id icon;
        enum wg_style style;
    } six[6] = {{"checkin_genki", "answer_genki", ICON_SMILE, WG_SECONDARY},
                {"checkin_itsumo", "answer_itsumo", ICON_NEUTRAL, WG_SECONDARY},
                {"checkin_genkinai", "answer_genkinai", ICON_SAD, WG_SECONDARY},
                {"help", "tile_help", ICON_HELP, WG_DANGER},
                {"menu", "tile_menu", ICON_NEXT, WG_SECONDARY},
                {"settings", "tile_settings", ICON_SETTINGS, WG_SECONDARY}};
    struct wg_button b[6];
    int bw = (c.w - 2 * gap) / 3, cw = (c.w - gap) / 2;
    int ah = 0, th = 0, gh = 0;
    for (int i = 0; i < 6; i++) {
        /* the answers as big tiles, icon above; the three others with the icon beside */
        b[i] = (struct wg_button){six[i].id, app_s(a, six[i].key), six[i].icon, six[i].style, i < 3,
                                  0};
        int h = wg_button_height(ui, &b[i], bw);
        if (i < 3)
            ah = h > ah ? h : ah;
        else
            th = h > th ? h : th;
    }
    if (ah + th + gap > c.h) {
        /* short of room (a notice above, large text): the icons beside the words */
        ah = 0;
        for (int i = 0; i < 3; i++) {
            b[i].icon_above = false;
            int h = wg_button_height(ui, &b[i], bw);
            ah = h > ah ? h : ah;
        }
    }
    int ph = app_pager_height(a, c.w);
    for (int i = 0; i < 6; i++) {
        struct wg_button g = b[i];
        g.icon_above = false;
        int h = wg_button_height(ui, &g, cw);
        gh = h > gh ? h : gh;
    }
    /* still short (a long notice band above at large text): pages, ◀ ▶ and the page in the
     * title as the other screens page; the answers always on the first page */
    /* (pages are groups, so a page keeps its first choice when the room changes: offline
     * the band grows, and page 2 still starts with 助けて) */
    int pages = ah + th + gap > c.h ? 2 : 1;
    int cur = a->home_page < pages ? a->home_page : pages - 1;
    a->home_pages = pages;
    if (pages > 1 && (ah > th ? ah : th) + gap + ph > c.h && 2 * gh + gap < ah + gap + ph) {
        for (int i = 0; i < 6; i++)
            b[i].icon_above = false;
        if (2 * gh + gap > c.h)
            app_first_screen_short(a);
        grid_pages(a, c, b, gh, cur);
        return;
    }
    if (pages > 1) {
        /* a row a page: the answers, then the tiles, the pager below */
        int d = app_pager(a, (struct ui_rect){c.x, c.y + c.h - ph, c.w, ph}, cur, pages);
        if (d)
            a->home_page = cur + d;
        c.h -= ph + gap;
        th = cur == 1 ? th : 0;
        ah = cur == 0 ? ah : 0;
    }
    /* the answers get the room that is left, up to 45 mm: the bigger the easier */
    int spare = c.h - ah - th - (ah && th ? gap : 0);
    if (spare > 0 && ah) {
        int grow = spare < ui_mm(ui, 45) - ah ? spare : ui_mm(ui, 45) - ah;
        ah += grow > 0 ? grow : 0;
    }
    int y = c.y;
    for (int i = 0; i < 6; i++) {
        int h = i < 3 ? ah : th;
        if (!h)
            continue;
        if (wg_button(ui, &b[i], (struct ui_rect){c.x + (i % 3) * (bw + gap), y, bw, h}))
            tapped(a, i);
        if (i % 3 == 2)
            y += h + gap;
    }
}

static void enter(struct app *a)
{
    a->home_page = 0; /* home starts at the check-in answers */
    /* learn who this tablet is for, and whether the hub answers at all */
    if (!a->me_known && !a->me_pending && a->ports.fetch_me) {
        a->me_req = a->ports.fetch_me(a->ports.ctx);
        a->me_pending = a->me_req != 0;
    }
}

static void sample(struct app *a, int variant)
{
    a->home_page = 0;
    a->home_pages = 1;
    a->have_last = variant == 1;
    a->last_answer = APP_ANSWER_GENKI;
    a->last_at = a->wall_s - 600;
}

const struct screen scr_home = {.name = "home",
                                .title_key = "title_home",
                                .enter = enter,
                                .frame = frame,
                                .sample = sample,
                                .title = title};
