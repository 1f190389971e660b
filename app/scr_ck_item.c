/*
 * scr_ck_item: one result of a checkup, opened from its row. Its name (whole), the result
 * (a number with its unit, a qualitative result in words, a text whole), the judgement word
 * beside its icon (never colour alone), a bar showing where the value sits against the
 * range, the thresholds and the lab's range in words, the hub's plain-language sentence;
 * then, for numbers, the trend over the years (ckchart: dates along the bottom, round axis
 * numbers, the thresholds labelled) and the results so far as a sentence. What does not fit
 * goes on the next page (ckpage), whose button says what it holds.
 */
#include <stdlib.h>
#include <string.h>

#include "appstate.h"
#include "ckchart.h"
#include "ckpage.h"

enum { BOX_BAR = 1, BOX_CHART = 2, BOX_CHART_SIDE = 3 };

static int chart_block = -1; /* the chart's block this frame (pager words), UI thread only */

static const struct ck_item *selected(const struct app *a)
{
    const struct priv_state *p = &a->pv;
    if (p->ck_sel < 0 || p->ck_sel >= p->ck.n)
        return NULL;
    return &p->ck.items[p->ck_sel];
}

static bool has_trend(const struct ck_item *it)
{
    return it->kind == CK_K_NUMBER && it->has_value && it->identity[0];
}

static const char *explain(const struct app *a, const struct ck_item *it)
{
    return strcmp(app_lang(a), "en") == 0 ? it->explain_en : it->explain_ja;
}

/* The MHLW thresholds in words (both when there are two). */
static void threshold_text(const struct app *a, const struct ck_item *it, char *buf, size_t size)
{
    char g[48], d[48];
    buf[0] = '\0';
    if (!it->has_threshold)
        return;
    ck_num_unit(it->t_guidance, it->unit_display, g, sizeof g);
    if (it->has_see_doctor) {
        ck_num_unit(it->t_see_doctor, it->unit_display, d, sizeof d);
        i18n_format(buf, size,
                    app_s(a, it->higher_is_worse ? "ck_thresholds_hi" : "ck_thresholds_lo"), g, d,
                    NULL, NULL);
    } else {
        i18n_format(buf, size,
                    app_s(a, it->higher_is_worse ? "ck_threshold_hi" : "ck_threshold_lo"), g, NULL,
                    NULL, NULL);
    }
}

/* The lab's reference range in words. */
static void range_text(const struct app *a, const struct ck_item *it, char *buf, size_t size)
{
    char lo[48], hi[48];
    buf[0] = '\0';
    if (it->has_low && it->has_high) {
        ck_num_unit(it->low, it->unit_display, lo, sizeof lo);
        ck_num_unit(it->high, it->unit_display, hi, sizeof hi);
        i18n_format(buf, size, app_s(a, "ck_range"), lo, hi, NULL, NULL);
    }
}

static void bar(struct app *a, const struct ck_item *it, struct ui_rect r)
{
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    double pos, lo, hi;
    if (!ck_bar(it, &pos, &lo, &hi))
        return;
    r = (struct ui_rect){r.x + ui_mm(ui, 2), r.y + ui_mm(ui, 1), r.w - ui_mm(ui, 4), ui_mm(ui, 5)};
    int th = ui_mm(ui, 3);
    struct ui_rect track = {r.x, r.y + (r.h - th) / 2, r.w, th};
    /* the range (or below/above the threshold) as a band inside the track */
    double a0 = it->has_low && it->has_high ? it->low : it->higher_is_worse ? lo : it->t_guidance;
    double a1 = it->has_low && it->has_high ? it->high : it->higher_is_worse ? it->t_guidance : hi;
    int x0 = r.x + (int)((a0 - lo) / (hi - lo) * r.w);
    int x1 = r.x + (int)((a1 - lo) / (hi - lo) * r.w);
    if (x0 < r.x)
        x0 = r.x;
    if (x1 > r.x + r.w)
        x1 = r.x + r.w;
    ui_rect(ui, (struct ui_rect){x0, r.y, x1 - x0 > 0 ? x1 - x0 : 1, r.h}, t->band);
    ui_frame(ui, track, t->text, 2);
    int mx = r.x + (int)(pos * r.w);
    ui_line(ui, mx, r.y, mx, r.y + r.h, ui_mm(ui, 1), t->accent);
    ui_circle(ui, mx, r.y + r.h / 2, ui_mm(ui, 1.6), 0, t->accent);
}

static void draw_box(struct app *a, const struct ckpage_block *b, struct ui_rect r)
{
    const struct ck_item *it = selected(a);
    if (!it)
        return;
    if (b->tag == BOX_BAR)
        bar(a, it, r);
    else if (b->tag == BOX_CHART)
        ck_chart(a, r, &a->pv.trend, true);
    else if (b->tag == BOX_CHART_SIDE)
        ck_chart(a, r, &a->pv.trend, false);
}

static const char *pager_words(struct app *a, const struct ckpage *pg, int first, bool next)
{
    bool chart = first >= 0 && first < pg->n && first == chart_block;
    if (next)
        return app_s(a, chart ? "ck_item_chart" : "ck_item_more");
    return app_s(a, chart_block >= 0 && first >= chart_block ? "ck_item_chart" : "ck_item_back");
}

static bool trend_ready(const struct app *a, const struct ck_item *it)
{
    const struct priv_state *p = &a->pv;
    return p->tr_ld.loaded && p->trend.n > 0 && strcmp(p->trend.identity, it->identity) == 0;
}

static void frame(struct app *a, struct ui_rect c)
{
    static char value[CK_CODE_MAX + 128], thr[PRIV_SENTENCE], rng[PRIV_SENTENCE],
        points[PRIV_SENTENCE * 8], words[PRIV_SENTENCE], key[PRIV_SENTENCE];
    static struct ckpage pg;
    struct priv_state *p = &a->pv;
    const struct ck_item *it = selected(a);
    if (!it) {
        priv_para(a, c, c.y, false, app_s(a, "ck_one_empty"));
        return;
    }
    struct ui *ui = a->ui;
    char v[CK_CODE_MAX + 64];
    ckpage_begin(&pg);
    chart_block = -1;
    ckpage_para(&pg, it->name, UI_FONT_BOLD, ICON_NONE, false);
    if (it->kind == CK_K_TEXT || it->kind == CK_K_DATE) {
        const char *text = ck_item_text(&p->ck, it);
        ckpage_para(&pg, text[0] ? text : "—", UI_FONT_REGULAR, ICON_NONE, false);
        if (it->text_cut)
            ckpage_para(&pg, app_s(a, "ck_text_cut"), UI_FONT_REGULAR, ICON_NONE, false);
    } else {
        ck_value_text(a, &p->ck, it, v, sizeof v);
        i18n_format(value, sizeof value, app_s(a, "ck_item_value"), v, NULL, NULL, NULL);
        ckpage_para(&pg, value, UI_FONT_BOLD, ICON_NONE, false);
    }
    if (it->judgement != CK_J_NONE)
        ckpage_para(&pg, ck_judgement_words(a, it->judgement), UI_FONT_BOLD,
                    ck_judgement_icon(it->judgement), it->judgement == CK_J_SEE_DOCTOR);
    double pos, lo, hi;
    if (ck_bar(it, &pos, &lo, &hi))
        ckpage_box(&pg, ui_mm(ui, 7), BOX_BAR);
    threshold_text(a, it, thr, sizeof thr);
    ckpage_para(&pg, thr, UI_FONT_REGULAR, ICON_NONE, false);
    range_text(a, it, rng, sizeof rng);
    ckpage_para(&pg, rng, UI_FONT_REGULAR, ICON_NONE, false);
    ckpage_para(&pg, explain(a, it), UI_FONT_REGULAR, ICON_NONE, false);
    if (has_trend(it)) {
        const char *m = priv_load_words(a, &p->tr_ld, words, sizeof words);
        if (trend_ready(a, it)) {
            /* a page with the pager, less the first lines of the sentence below it; when
             * that leaves the plot less than its least height (large text), the whole page
             * (the sentence follows on the next) */
            const char *w[3] = {app_s(a, "ck_item_chart"), app_s(a, "ck_item_more"),
                                app_s(a, "ck_item_back")};
            ck_chart_sentence(a, &p->trend, points, sizeof points);
            int lh = ui_line_height(ui, UI_FONT_REGULAR, ui_text_px(ui, WG_BODY_MM));
            int sl = wg_text_lines(ui, UI_FONT_REGULAR, WG_BODY_MM, points, c.w);
            int room = ckpage_room(a, c, w, 3);
            int h = room - (sl < 3 ? sl : 3) * lh - 2 * app_gap(a);
            struct ui_rect side = ckpage_side_rect(a, c);
            chart_block = pg.n;
            if (room >= ck_chart_least_height(a, c.w, &p->trend, true) || side.w == 0) {
                if (h < ck_chart_least_height(a, c.w, &p->trend, true))
                    h = room;
                ckpage_box(&pg, h, BOX_CHART);
            } else {
                /* below a notice band at large text the pager below would leave the plot
                 * no height: the unit and the key in words first, then the chart on a page
                 * of its own with ◀ ▶ stacked beside it */
                ck_chart_key_words(a, &p->trend, key, sizeof key);
                ckpage_para(&pg, key, UI_FONT_REGULAR, ICON_NONE, false);
                ckpage_box_side(&pg, BOX_CHART_SIDE);
            }
            ckpage_para(&pg, points, UI_FONT_REGULAR, ICON_NONE, false);
        } else {
            ckpage_para(&pg, m ? m : app_s(a, "ck_trend_empty"), UI_FONT_REGULAR, ICON_NONE, false);
        }
    }
    /* a page of fewer than four lines (large text below a notice band): the words follow
     * on without space between them and start where they are, continued over pages (a
     * page held only the name and the value, and the item ran to 7 pages) */
    const char *w[3] = {app_s(a, "ck_item_chart"), app_s(a, "ck_item_more"),
                        app_s(a, "ck_item_back")};
    if (ckpage_room(a, c, w, 3) <
        4 * ui_line_height(ui, UI_FONT_REGULAR, ui_text_px(ui, WG_BODY_MM)))
        for (int i = 0; i < pg.n; i++)
            if (pg.b[i].kind == CKP_PARA) {
                pg.b[i].tight = true;
                pg.b[i].flow = true;
            }
    static const struct ckpage_ops ops = {draw_box, pager_words, "row"};
    ckpage_frame(a, c, &pg, &p->item_page, &p->item_pages, &ops);
}

static void enter(struct app *a)
{
    const struct ck_item *it = selected(a);
    a->pv.item_page = 0;
    if (it && has_trend(it))
        priv_load_trend(a, it->identity);
}

void priv_sample_trend(struct app *a)
{
    struct ck_trend *tr = &a->pv.trend;
    static const double v[5] = {5.4, 5.5, 5.7, 5.6, 5.8};
    static const char *dates[5] = {"2022-06-15", "2023-06-08", "2024-06-05", "2025-06-12",
                                   "2026-06-10"};
    static const enum ck_judgement j[5] = {CK_J_NORMAL, CK_J_NORMAL, CK_J_GUIDANCE, CK_J_GUIDANCE,
                                           CK_J_GUIDANCE};
    memset(tr, 0, sizeof *tr);
    snprintf(tr->identity, sizeof tr->identity, "3D046");
    snprintf(tr->name, sizeof tr->name, "HbA1c");
    snprintf(tr->unit_display, sizeof tr->unit_display, "%%");
    tr->has_threshold = tr->has_see_doctor = tr->higher_is_worse = true;
    tr->t_guidance = 5.6;
    tr->t_see_doctor = 6.5;
    tr->has_low = tr->has_high = true;
    tr->low = 4.6;
    tr->high = 5.5;
    tr->n = 5;
    for (int i = 0; i < 5; i++) {
        tr->points[i].checkup_id = 6 + i;
        snprintf(tr->points[i].date, sizeof tr->points[i].date, "%s", dates[i]);
        tr->points[i].year = 2022 + i;
        tr->points[i].value = v[i];
        tr->points[i].judgement = j[i];
    }
    a->pv.tr_ld.loaded = true;
}

/* A result judged by the lab's range only (no MHLW threshold) and its trend. */
static void sample_range_trend(struct app *a)
{
    struct ck_trend *tr = &a->pv.trend;
    static const double v[4] = {0.68, 0.71, 0.83, 0.72};
    static const char *dates[4] = {"2023-06-08", "2024-06-05", "2025-06-12", "2026-06-10"};
    static const enum ck_judgement j[4] = {CK_J_NORMAL, CK_J_NORMAL, CK_J_GUIDANCE, CK_J_NORMAL};
    memset(tr, 0, sizeof *tr);
    snprintf(tr->identity, sizeof tr->identity, "3C015");
    snprintf(tr->name, sizeof tr->name, "%s", app_s(a, "sample_ck_cre"));
    snprintf(tr->unit_display, sizeof tr->unit_display, "mg/dL");
    tr->has_low = tr->has_high = true;
    tr->low = 0.46;
    tr->high = 0.79;
    tr->n = 4;
    for (int i = 0; i < 4; i++) {
        snprintf(tr->points[i].date, sizeof tr->points[i].date, "%s", dates[i]);
        tr->points[i].year = 2023 + i;
        tr->points[i].value = v[i];
        tr->points[i].judgement = j[i];
    }
    a->pv.tr_ld.loaded = true;
}

static int find(const struct app *a, const char *identity)
{
    for (int i = 0; i < a->pv.ck.n; i++)
        if (strcmp(a->pv.ck.items[i].identity, identity) == 0)
            return i;
    return 0;
}

/* 0: HbA1c (guidance) with its trend; 1: its second page; 2: a qualitative result in words;
 * 3: a result with the lab's range only and its trend; 4: its second page */
static void sample(struct app *a, int variant)
{
    a->card.present = true;
    a->card.in_session = true;
    priv_sample_checkup(a);
    if (variant == 2) {
        a->pv.ck_sel = find(a, "1A020");
    } else if (variant >= 3) {
        a->pv.ck_sel = find(a, "3C015");
        sample_range_trend(a);
    } else {
        a->pv.ck_sel = find(a, "3D046");
        priv_sample_trend(a);
    }
    a->pv.item_page = variant == 1 || variant == 4 ? 1 : 0;
}

static void title(const struct app *a, char *buf, size_t size)
{
    ckpage_title(a, "title_ck_item", a->pv.item_page, a->pv.item_pages, buf, size);
}

const struct screen scr_ck_item = {.name = "ck_item",
                                   .title_key = "title_ck_item",
                                   .title = title,
                                   .enter = enter,
                                   .frame = frame,
                                   .sample = sample,
                                   .needs_card = true};
