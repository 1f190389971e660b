/*
 * scr_ck_one: one checkup. Each item: its name, the value with its unit, the judgement in
 * words beside an icon of its own shape (基準内 ✓ / 保健指導 / 受診をおすすめ: never colour
 * alone), a bar showing where the value sits against the range, and for the core items one
 * plain-language sentence from the hub. Items with a number have 推移 (the trend over the
 * years). At most three items a page, ◀ ▶ between pages.
 */
#include <stdlib.h>
#include <string.h>

#include "appstate.h"

#define PER_PAGE  3
#define PAGES_MAX (CK_ITEMS_MAX / 1)

static const char *explain(const struct app *a, const struct ck_item *it)
{
    return strcmp(app_lang(a), "en") == 0 ? it->explain_en : it->explain_ja;
}

static void range_text(const struct app *a, const struct ck_item *it, char *buf, size_t size)
{
    char lo[32], hi[32];
    struct ck_item x = *it;
    buf[0] = '\0';
    if (it->has_low && it->has_high) {
        x.value = it->low;
        x.has_value = true;
        ck_value_text(&x, lo, sizeof lo);
        x.value = it->high;
        ck_value_text(&x, hi, sizeof hi);
        i18n_format(buf, size, app_s(a, "ck_range"), lo, hi, NULL, NULL);
    } else if (it->has_threshold) {
        x.value = it->t_guidance;
        x.has_value = true;
        ck_value_text(&x, lo, sizeof lo);
        i18n_format(buf, size,
                    app_s(a, it->higher_is_worse ? "ck_threshold_hi" : "ck_threshold_lo"), lo, NULL,
                    NULL, NULL);
    }
}

/* Height of an item's block: the name, value and judgement beside the 推移 button (w is
 * the room left of it), then the bar, the range and the sentence across the full width. */
static int block_h(struct app *a, const struct ck_item *it, int w, int full, int bh, bool compact)
{
    struct ui *ui = a->ui;
    char v[96], r[160];
    int gap = app_gap(a);
    ck_value_text(it, v, sizeof v);
    char head[PRIV_SENTENCE];
    snprintf(head, sizeof head, "%s  %s", it->name, v);
    int h = wg_text_height(ui, UI_FONT_BOLD, WG_BODY_MM, head, w);
    h += wg_text_height(ui, UI_FONT_BOLD, WG_BODY_MM, ck_judgement_words(a, it->judgement),
                        w - ui_mm(ui, 9));
    if (h < bh)
        h = bh;
    double pos, lo, hi;
    if (ck_bar(it, &pos, &lo, &hi))
        h += ui_mm(ui, 7);
    range_text(a, it, r, sizeof r);
    if (r[0] && !compact)
        h += wg_text_height(ui, UI_FONT_REGULAR, WG_BODY_MM, r, full);
    if (explain(a, it)[0])
        h += wg_text_height(ui, UI_FONT_REGULAR, WG_BODY_MM, explain(a, it), full);
    return h + gap;
}

static void bar(struct app *a, const struct ck_item *it, struct ui_rect r)
{
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    double pos, lo, hi;
    if (!ck_bar(it, &pos, &lo, &hi))
        return;
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

static int draw_block(struct app *a, const struct ck_item *it, struct ui_rect c, int y, int w,
                      int k, int bw, int bh, bool compact)
{
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    char v[96], head[PRIV_SENTENCE], r[160];
    int y0 = y;
    ck_value_text(it, v, sizeof v);
    snprintf(head, sizeof head, "%s  %s", it->name, v);
    y += wg_paragraph(ui, (struct ui_rect){c.x, y, w, 0}, UI_FONT_BOLD, WG_BODY_MM, t->text, t->bg,
                      head, WG_LEFT);
    int is = ui_mm(ui, 7);
    enum icon_id ic = ck_judgement_icon(it->judgement);
    if (ic != ICON_NONE)
        icon_draw(ui, ic, (struct ui_rect){c.x, y, is, is}, t->text, t->bg);
    y +=
        wg_paragraph(ui, (struct ui_rect){c.x + ui_mm(ui, 9), y, w - ui_mm(ui, 9), 0}, UI_FONT_BOLD,
                     WG_BODY_MM, it->judgement == CK_J_SEE_DOCTOR ? t->warn_text : t->text, t->bg,
                     ck_judgement_words(a, it->judgement), WG_LEFT);
    if (y < y0 + bh)
        y = y0 + bh;
    double pos, lo, hi;
    if (ck_bar(it, &pos, &lo, &hi)) {
        bar(a, it,
            (struct ui_rect){c.x + ui_mm(ui, 2), y + ui_mm(ui, 1), w - ui_mm(ui, 4), ui_mm(ui, 5)});
        y += ui_mm(ui, 7);
    }
    range_text(a, it, r, sizeof r);
    if (r[0] && !compact)
        y += wg_paragraph(ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_REGULAR, WG_BODY_MM,
                          t->text, t->bg, r, WG_LEFT);
    if (explain(a, it)[0])
        y += wg_paragraph(ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_REGULAR, WG_BODY_MM,
                          t->text, t->bg, explain(a, it), WG_LEFT);
    if (it->has_value && it->identity[0]) {
        char id[24];
        snprintf(id, sizeof id, "trend_%d", k);
        struct wg_button b = {id, app_s(a, "ck_trend"), ICON_STATUS, WG_SECONDARY, false, 0};
        if (wg_button(ui, &b, (struct ui_rect){c.x + c.w - bw, y0, bw, bh})) {
            priv_load_trend(a, it->identity);
            app_nav_push(a, &scr_ck_trend);
        }
    }
    return y - y0 + app_gap(a);
}

static void frame(struct app *a, struct ui_rect c)
{
    struct priv_state *p = &a->pv;
    struct ui *ui = a->ui;
    char msg[PRIV_SENTENCE];
    int gap = app_gap(a);
    const char *m = priv_load_words(a, &p->ck_ld, msg, sizeof msg);
    if (m) {
        priv_para(a, c, c.y, true, m);
        return;
    }
    if (p->ck.n == 0) {
        priv_para(a, c, c.y, false, app_s(a, "ck_one_empty"));
        return;
    }
    struct wg_button tb = {"trend_x", app_s(a, "ck_trend"), ICON_STATUS, WG_SECONDARY, false, 0};
    int bw = c.w / 4, bh = wg_button_height(ui, &tb, bw);
    int w = c.w - bw - gap;
    int ph = priv_pager_height(a, c.w);
    int heights[CK_ITEMS_MAX], starts[PAGES_MAX];
    bool compact[CK_ITEMS_MAX];
    for (int i = 0; i < p->ck.n; i++) {
        /* a block taller than a page (large text) leaves out the range line: the bar
         * still shows it */
        compact[i] = false;
        heights[i] = block_h(a, &p->ck.items[i], w, c.w, bh, false);
        if (heights[i] > c.h - ph - gap) {
            compact[i] = true;
            heights[i] = block_h(a, &p->ck.items[i], w, c.w, bh, true);
        }
    }
    /* the first page starts with the date and the place */
    char date[64], head[PRIV_SENTENCE];
    ck_date_words(a, p->ck.date, date, sizeof date);
    i18n_format(head, sizeof head, app_s(a, "ck_one_head"), date, p->ck.org, NULL, NULL);
    int head_h = wg_text_height(ui, UI_FONT_BOLD, WG_BODY_MM, head, c.w) + gap;
    /* pages: what fits, three items at most */
    int pages = 1, cnt = 0, used = head_h;
    starts[0] = 0;
    for (int i = 0; i < p->ck.n; i++) {
        if ((cnt > 0 || used > 0) && (cnt >= PER_PAGE || used + heights[i] > c.h - ph - gap)) {
            starts[pages++] = i;
            cnt = 0;
            used = 0;
        }
        cnt++;
        used += heights[i];
    }
    if (p->ck_page >= pages)
        p->ck_page = pages - 1;
    int end = p->ck_page + 1 < pages ? starts[p->ck_page + 1] : p->ck.n;
    int y = c.y;
    if (p->ck_page == 0)
        y += priv_para(a, c, y, true, head);
    for (int i = starts[p->ck_page]; i < end; i++)
        y += draw_block(a, &p->ck.items[i], c, y, w, i - starts[p->ck_page], bw, bh, compact[i]);
    if (pages > 1) {
        int d = priv_pager(a, (struct ui_rect){c.x, c.y + c.h - ph, c.w, ph}, p->ck_page, pages);
        if (d) {
            p->ck_page += d;
            app_mark_dirty(a);
        }
    }
}

static void item(struct ck_item *it, const char *id, const char *name, double v, const char *unit,
                 double lo, double hi, double g, double d, bool hiw, enum ck_judgement j,
                 const char *ex)
{
    memset(it, 0, sizeof *it);
    snprintf(it->identity, sizeof it->identity, "%s", id);
    snprintf(it->name, sizeof it->name, "%s", name);
    it->has_value = true;
    it->value = v;
    snprintf(it->unit_display, sizeof it->unit_display, "%s", unit);
    it->has_low = lo >= 0;
    it->low = lo;
    it->has_high = hi >= 0;
    it->high = hi;
    it->has_threshold = g > 0;
    it->t_guidance = g;
    it->has_see_doctor = d > 0;
    it->t_see_doctor = d;
    it->higher_is_worse = hiw;
    it->judgement = j;
    snprintf(it->explain_ja, sizeof it->explain_ja, "%s", ex);
    snprintf(it->explain_en, sizeof it->explain_en, "%s", ex);
}

void priv_sample_checkup(struct app *a)
{
    struct ck_detail *d = &a->pv.ck;
    memset(d, 0, sizeof *d);
    d->id = 10;
    snprintf(d->date, sizeof d->date, "2026-06-10");
    d->year = 2026;
    snprintf(d->org, sizeof d->org, "%s", app_s(a, "sample_org"));
    item(&d->items[0], "9A755", app_s(a, "sample_ck_sbp"), 142, "mmHg", -1, -1, 130, 140, true,
         CK_J_SEE_DOCTOR, app_s(a, "sample_ck_sbp_ex"));
    item(&d->items[1], "3D046", "HbA1c", 5.8, "%", 4.6, 5.5, 5.6, 6.5, true, CK_J_GUIDANCE,
         app_s(a, "sample_ck_a1c_ex"));
    item(&d->items[2], "3F070", app_s(a, "sample_ck_hdl"), 62, "mg/dL", 40, 86, 40, 0, false,
         CK_J_NORMAL, app_s(a, "sample_ck_hdl_ex"));
    item(&d->items[3], "9N001", app_s(a, "sample_ck_height"), 158.2, "cm", -1, -1, 0, 0, false,
         CK_J_NONE, "");
    item(&d->items[4], "3B035", "AST(GOT)", 24, "U/L", 0, 30, 31, 51, true, CK_J_NORMAL, "");
    d->n = 5;
    a->pv.ck_ld.loaded = true;
}

static void sample(struct app *a, int variant)
{
    a->card.present = true;
    a->card.in_session = true;
    priv_sample_checkup(a);
    a->pv.ck_page = variant;
}

const struct screen scr_ck_one = {
    .name = "ck_one", .title_key = "title_ck_one", .frame = frame, .sample = sample};
