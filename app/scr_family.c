/*
 * scr_family: the family profile's first screen. The linked resident's recent check-ins
 * (date, time and answer in words), paged with ◀ ▶ (no scrolling), refreshed by a timer
 * and by the 更新 button. When the hub cannot be reached the screen says so and shows
 * the last list it had, with the time it was loaded.
 */
#include "appstate.h"
#include "famsafety.h"
#include "pageflow.h"

#define ROWS_MAX APP_MAX_CHECKINS

/* 元気がない stands out: its own words (ask how they are) and, where drawn, bold in the
 * warning colour. */
static bool unwell(const struct app *a, int i)
{
    return a->fam[i].answer == APP_ANSWER_GENKINAI;
}

static void row_text(const struct app *a, int i, char *buf, size_t size)
{
    char date[64], tm[16];
    app_fmt_date(a, a->fam[i].at_unix, date, sizeof date);
    app_fmt_time(a, a->fam[i].at_unix, tm, sizeof tm);
    i18n_format(buf, size, app_s(a, unwell(a, i) ? "family_row_unwell" : "family_row"), date, tm,
                app_answer_words(a, a->fam[i].answer), NULL);
}

/* The title says whose check-ins these are and when they were loaded. */
static void title(const struct app *a, char *buf, size_t size)
{
    char tm[16];
    app_fmt_time(a, a->fam_at, tm, sizeof tm);
    if (a->fam_loaded)
        i18n_format(buf, size, app_s(a, "family_head"), a->name, tm, NULL, NULL);
    else
        i18n_format(buf, size, app_s(a, "title_family"), NULL, NULL, NULL, NULL);
}

static void frame(struct app *a, struct ui_rect c)
{
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    int gap = app_gap(a);
    char head[256], tm[16], page_text[64], p1[16], p2[16], row[256];

    /* Banners head the first page, each a tap from its screen: the town's safety
     * confirmation (the answer, or that there is none yet), then the open alerts. They are
     * the first blocks of the list's pages, so at large text the check-ins that do not fit
     * below them go on the next pages instead of under the pager. */
    struct {
        struct wg_button b;
        int h;
        const struct screen *to;
    } bn[2];
    int nbn = 0;
    char sw_words[SAFETY_TITLE_MAX + 256], al_words[128];
    const struct famsafety_entry *fs = famsafety_newest(&a->famsafety.list, a->resident_id);
    if (fs) {
        static const enum wg_style style[] = {[FAMSAFETY_NO_ANSWER] = WG_PRIMARY,
                                              [FAMSAFETY_SAFE] = WG_SECONDARY,
                                              [FAMSAFETY_HELP] = WG_DANGER};
        static const enum icon_id icon[] = {[FAMSAFETY_NO_ANSWER] = ICON_STATUS,
                                            [FAMSAFETY_SAFE] = ICON_SMILE,
                                            [FAMSAFETY_HELP] = ICON_HELP};
        enum famsafety_state st = famsafety_state_of(fs);
        famsafety_banner_words(a, fs, true, sw_words, sizeof sw_words);
        bn[nbn].b = (struct wg_button){"fam_safety", sw_words, icon[st], style[st], false, 0};
        bn[nbn++].to = &scr_fam_safety;
    }
    /* --- privacy + checkups: open alerts first, prominently --- */
    int open = priv_open_alerts(a->pv.fam, a->pv.fam_n);
    if (open > 0) {
        char n[16];
        snprintf(n, sizeof n, "%d", open);
        i18n_format(al_words, sizeof al_words, app_s(a, "priv_fam_banner"), n, NULL, NULL, NULL);
        bn[nbn].b = (struct wg_button){"fam_alerts", al_words, ICON_HELP, WG_DANGER, false, 0};
        bn[nbn++].to = &scr_priv_fam_alerts;
    }
    /* --- end privacy + checkups --- */

    if (a->fam_loading && !a->fam_loaded) {
        i18n_format(head, sizeof head, app_s(a, "family_loading"), NULL, NULL, NULL, NULL);
    } else if (a->fam_failed && a->fam_refused) {
        /* the hub answered but refused (wrong token, consent revoked): not a network fault */
        snprintf(tm, sizeof tm, "%ld", a->fam_refused);
        i18n_format(head, sizeof head, app_s(a, "family_refused"), tm, NULL, NULL, NULL);
    } else if (a->fam_failed) {
        app_fmt_time(a, a->fam_at, tm, sizeof tm);
        i18n_format(head, sizeof head,
                    app_s_fail(a, a->fam_loaded ? "family_failed_old" : "family_failed"), tm, NULL,
                    NULL, NULL);
    } else if (a->fam_loaded) {
        head[0] = '\0'; /* all is said in the title */
    } else {
        i18n_format(head, sizeof head, app_s(a, "family_loading"), NULL, NULL, NULL, NULL);
    }
    struct wg_button refresh = {
        "refresh", app_s(a, "family_refresh"), ICON_REFRESH, WG_SECONDARY, false, 0};
    struct wg_button settings = {
        "settings", app_s(a, "tile_settings"), ICON_SETTINGS, WG_SECONDARY, false, 0};
    /* linked to several residents: a third button shows the next one */
    char other[160] = "";
    if (a->fam_nres > 1) {
        int next = 0;
        for (int i = 0; i < a->fam_nres; i++)
            if (a->fam_res[i].id == a->resident_id)
                next = (i + 1) % a->fam_nres;
        i18n_format(other, sizeof other, app_s(a, "family_switch"), a->fam_res[next].name, NULL,
                    NULL, NULL);
    }
    struct wg_button sw = {"family_switch", other, ICON_NEXT, WG_SECONDARY, false, 0};
    int bw = (c.w - gap) / 2;
    int bh = wg_button_height(ui, &refresh, bw);
    int h2 = wg_button_height(ui, &settings, bw);
    bh = h2 > bh ? h2 : bh;
    /* three buttons where they fit in the row's height; with large text the switch takes
     * 更新する's place (the list refreshes itself every family_refresh_s anyway) */
    int nb = 2;
    bool with_refresh = true;
    if (other[0]) {
        int bw3 = (c.w - 2 * gap) / 3;
        int h3 = wg_button_height(ui, &refresh, bw3);
        int hs = wg_button_height(ui, &settings, bw3), hw = wg_button_height(ui, &sw, bw3);
        h3 = hs > h3 ? hs : h3;
        h3 = hw > h3 ? hw : h3;
        if (h3 <= bh) {
            nb = 3;
            bw = bw3;
        } else {
            with_refresh = false;
            hw = wg_button_height(ui, &sw, bw);
            bh = hw > bh ? hw : bh;
        }
    }
    /* pages: fill each page with as many rows as fit */
    int hh = head[0] ? wg_text_height(ui, UI_FONT_BOLD, WG_BODY_MM, head, c.w) + gap : 0;
    int ph = wg_pager_height(ui, c.w, "99 / 99", app_s(a, "page_prev"), app_s(a, "page_next"));
    int list_h = c.h - hh - ph - bh - 2 * gap;
    for (int i = 0; i < nbn; i++)
        bn[i].h = wg_button_height(ui, &bn[i].b, c.w);
    /* large text: a banner taller than a page loses its icon, then the check's own title
     * (its page still says it) for 安否確認 */
    if (fs && bn[0].h + gap > list_h) {
        bn[0].b.icon = ICON_NONE;
        bn[0].h = wg_button_height(ui, &bn[0].b, c.w);
        if (bn[0].h + gap > list_h) {
            famsafety_banner_words(a, fs, false, sw_words, sizeof sw_words);
            bn[0].h = wg_button_height(ui, &bn[0].b, c.w);
        }
    }
    /* a check-in taller than what is left of a page (large text: 元気がない with its
     * ようすを 確かめてください。) continues on the next page between two of its lines
     * (pageflow), never below the pager */
    static struct pageflow_block m[ROWS_MAX + 2];
    static struct pageflow_cut starts[ROWS_MAX * 4];
    int off = nbn; /* the first blocks: the banners, one each (at large text both may not
                      fit above the pager: the second then heads the next page) */
    for (int k = 0; k < nbn; k++)
        m[k] = (struct pageflow_block){.h = bn[k].h + gap, .gap = gap, .targets = 1};
    for (int i = 0; i < a->fam_n; i++) {
        enum ui_font f = unwell(a, i) ? UI_FONT_BOLD : UI_FONT_REGULAR;
        int lh = ui_line_height(ui, f, ui_text_px(ui, WG_BODY_MM));
        row_text(a, i, row, sizeof row);
        int lines = wg_text_lines(ui, f, WG_BODY_MM, row, c.w);
        m[off + i] = (struct pageflow_block){.h = lines * lh, .lines = lines, .line_h = lh};
    }
    int pages = pageflow_plan(m, off + a->fam_n, list_h, list_h, 0, starts, ROWS_MAX * 4);
    if (a->fam_page >= pages)
        a->fam_page = pages - 1;
    int y = c.y;
    if (head[0])
        y += wg_paragraph(ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_BOLD, WG_BODY_MM,
                          a->fam_failed ? t->warn_text : t->text, t->bg, head, WG_LEFT) +
             gap;
    int ry = y;
    if (a->fam_n > 0 || off) {
        struct pageflow_page pg = pageflow_page(starts, pages, off + a->fam_n, a->fam_page);
        struct pageflow_part part;
        while (pageflow_page_next(m, off + a->fam_n, &pg, &part)) {
            int i = part.block - off;
            if (i < 0) {
                int k = part.block;
                if (wg_button(ui, &bn[k].b, (struct ui_rect){c.x, ry, c.w, bn[k].h}))
                    app_nav_push(a, bn[k].to);
                ry += bn[k].h + gap;
                continue;
            }
            row_text(a, i, row, sizeof row);
            ry += wg_paragraph_part(ui, (struct ui_rect){c.x, ry, c.w, 0},
                                    unwell(a, i) ? UI_FONT_BOLD : UI_FONT_REGULAR, WG_BODY_MM,
                                    unwell(a, i) ? t->warn_text : t->text, t->bg, row,
                                    part.first_line, part.lines);
        }
    }
    if (a->fam_n == 0 && a->fam_loaded)
        wg_paragraph(ui, (struct ui_rect){c.x, ry, c.w, 0}, UI_FONT_REGULAR, WG_BODY_MM, t->text,
                     t->bg, app_s(a, "family_empty"), WG_LEFT);
    y += list_h + gap;
    snprintf(p1, sizeof p1, "%d", a->fam_page + 1);
    snprintf(p2, sizeof p2, "%d", pages);
    i18n_format(page_text, sizeof page_text, app_s(a, "page_of"), p1, p2, NULL, NULL);
    int d = wg_pager(ui, (struct ui_rect){c.x, y, c.w, ph}, a->fam_page, pages, page_text,
                     app_s(a, "page_prev"), app_s(a, "page_next"));
    if (d) {
        a->fam_page += d;
        app_mark_dirty(a);
    }
    y += ph + gap;
    int bx = c.x;
    if (with_refresh) {
        if (wg_button(ui, &refresh, (struct ui_rect){bx, y, bw, bh}))
            app_family_refresh(a);
        bx += bw + gap;
    }
    if (other[0] && wg_button(ui, &sw, (struct ui_rect){bx, y, bw, bh}))
        app_family_switch(a);
    if (wg_button(ui, &settings, (struct ui_rect){c.x + (nb - 1) * (bw + gap), y, bw, bh}))
        app_nav_push(a, &scr_settings);
}

static void enter(struct app *a)
{
    if (!a->fam_loaded && !a->fam_loading)
        app_family_refresh(a);
}

static void sample(struct app *a, int variant)
{
    static const enum app_answer ans[3] = {APP_ANSWER_GENKI, APP_ANSWER_ITSUMO,
                                           APP_ANSWER_GENKINAI};
    a->fam_n = variant == 3 ? 0 : 14;
    if (variant == 4) { /* linked to two residents */
        a->fam_nres = 2;
        a->fam_res[0].id = 1;
        snprintf(a->fam_res[0].name, sizeof a->fam_res[0].name, "%s", app_s(a, "sample_name"));
        a->fam_res[1].id = 2;
        snprintf(a->fam_res[1].name, sizeof a->fam_res[1].name, "%s", app_s(a, "sample_family"));
        a->resident_id = 1;
    }
    for (int i = 0; i < a->fam_n; i++) {
        a->fam[i].id = 100 - i;
        a->fam[i].answer = ans[i % 3];
        a->fam[i].at_unix = a->wall_s - 3600 - (int64_t)i * 86400;
    }
    a->fam_loaded = variant != 3;
    a->fam_loading = variant == 3;
    a->fam_failed = variant == 2;
    a->fam_at = a->wall_s - (variant == 2 ? 1800 : 60);
    a->fam_page = variant == 1 ? 1 : 0;
    a->net = variant == 2 ? NET_DOWN : NET_OK;
    snprintf(a->name, sizeof a->name, "%s", app_s(a, "sample_name"));
    /* privacy + checkups: the open alerts banner */
    if (variant == 0)
        priv_sample_alerts(a, a->pv.fam, &a->pv.fam_n, true);
}

const struct screen scr_family = {.name = "family",
                                  .title_key = "title_family",
                                  .enter = enter,
                                  .frame = frame,
                                  .sample = sample,
                                  .title = title};
