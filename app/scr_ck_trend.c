/*
 * scr_ck_trend: one item over the years. The line chart with the range where the value is
 * 基準内 as a band, the thresholds in words with their units, and the latest results as
 * sentences (year, value, judgement in words). Numbers of consented sources only (the hub
 * sends nothing else).
 */
#include <stdlib.h>
#include <string.h>

#include "appstate.h"

#define LIST_MAX 3

static void title(const struct app *a, char *buf, size_t size)
{
    if (a->pv.tr_ld.loaded && a->pv.trend.name[0])
        i18n_format(buf, size, app_s(a, "ck_trend_head"), a->pv.trend.name, NULL, NULL, NULL);
    else
        snprintf(buf, size, "%s", app_s(a, "title_ck_trend"));
}

static void num(const struct ck_trend *tr, double v, char *buf, size_t size)
{
    struct ck_item x = {0};
    x.has_value = true;
    x.value = v;
    snprintf(x.unit_display, sizeof x.unit_display, "%s", tr->unit_display);
    ck_value_text(&x, buf, size);
}

static void frame(struct app *a, struct ui_rect c)
{
    struct priv_state *p = &a->pv;
    const struct ck_trend *tr = &p->trend;
    struct ui *ui = a->ui;
    char msg[PRIV_SENTENCE], g[48], d[48], line[PRIV_SENTENCE];
    int gap = app_gap(a);
    const char *m = priv_load_words(a, &p->tr_ld, msg, sizeof msg);
    if (m) {
        priv_para(a, c, c.y, true, m);
        return;
    }
    if (tr->n == 0) {
        priv_para(a, c, c.y, false, app_s(a, "ck_trend_empty"));
        return;
    }
    int y = c.y;
    if (tr->has_threshold) {
        num(tr, tr->t_guidance, g, sizeof g);
        if (tr->has_see_doctor) {
            num(tr, tr->t_see_doctor, d, sizeof d);
            i18n_format(line, sizeof line, app_s(a, "ck_trend_thresholds"), g, d, NULL, NULL);
        } else {
            i18n_format(line, sizeof line, app_s(a, "ck_trend_threshold"), g, NULL, NULL, NULL);
        }
        y += priv_para(a, c, y, false, line);
    }
    /* the latest results in words, newest first */
    int lines_h = 0;
    char rows[LIST_MAX][PRIV_SENTENCE];
    int k = 0;
    for (int i = tr->n - 1; i >= 0 && k < LIST_MAX; i--, k++) {
        char date[64], v[48];
        ck_date_words(a, tr->points[i].date, date, sizeof date);
        num(tr, tr->points[i].value, v, sizeof v);
        i18n_format(rows[k], sizeof rows[k], app_s(a, "ck_trend_row"), date, v,
                    ck_judgement_words(a, tr->points[i].judgement), NULL);
        lines_h += wg_text_height(ui, UI_FONT_REGULAR, WG_BODY_MM, rows[k], c.w);
    }
    double lo = tr->points[0].value, hi = lo;
    for (int i = 0; i < tr->n; i++) {
        lo = tr->points[i].value < lo ? tr->points[i].value : lo;
        hi = tr->points[i].value > hi ? tr->points[i].value : hi;
    }
    double band_lo, band_hi;
    if (tr->has_threshold) {
        double t2 = tr->has_see_doctor ? tr->t_see_doctor : tr->t_guidance;
        lo = tr->t_guidance < lo ? tr->t_guidance : lo;
        hi = t2 > hi ? t2 : hi;
        hi = tr->t_guidance > hi ? tr->t_guidance : hi;
    }
    double pad = (hi - lo) * 0.15 + (hi == lo ? 1 : 0);
    lo -= pad;
    hi += pad;
    if (lo < 0 && tr->points[0].value >= 0)
        lo = 0;
    if (tr->has_threshold && tr->higher_is_worse) {
        band_lo = lo;
        band_hi = tr->t_guidance;
    } else if (tr->has_threshold) {
        band_lo = tr->t_guidance;
        band_hi = hi;
    } else {
        band_lo = band_hi = lo; /* no band */
    }
    double values[CK_POINTS_MAX];
    for (int i = 0; i < tr->n; i++)
        values[i] = tr->points[i].value;
    char top[48], bottom[48];
    num(tr, hi, top, sizeof top);
    num(tr, lo, bottom, sizeof bottom);
    /* the band's edge is the guidance threshold; the see-a-doctor one is a line of its own */
    struct wg_chart ch = {.values = values,
                          .n = tr->n,
                          .min = lo,
                          .max = hi,
                          .band_lo = band_lo,
                          .band_hi = band_hi,
                          .top_label = top,
                          .bottom_label = bottom,
                          .band_label = tr->has_threshold ? app_s(a, "ck_trend_band") : NULL,
                          .has_line = tr->has_threshold && tr->has_see_doctor,
                          .line = tr->t_see_doctor};
    int chart_h = c.y + c.h - y - lines_h - gap;
    if (chart_h > ui_mm(ui, 30))
        wg_chart(ui, (struct ui_rect){c.x, y, c.w, chart_h}, &ch);
    else
        chart_h = 0;
    y += chart_h + gap;
    for (int i = 0; i < k; i++)
        y += wg_paragraph(ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_REGULAR, WG_BODY_MM,
                          ui_theme(ui)->text, ui_theme(ui)->bg, rows[i], WG_LEFT);
}

void priv_sample_trend(struct app *a)
{
    struct ck_trend *tr = &a->pv.trend;
    static const double v[5] = {5.4, 5.5, 5.7, 5.6, 5.8};
    static const enum ck_judgement j[5] = {CK_J_NORMAL, CK_J_NORMAL, CK_J_GUIDANCE, CK_J_GUIDANCE,
                                           CK_J_GUIDANCE};
    memset(tr, 0, sizeof *tr);
    snprintf(tr->identity, sizeof tr->identity, "3D046");
    snprintf(tr->name, sizeof tr->name, "HbA1c");
    snprintf(tr->unit_display, sizeof tr->unit_display, "%%");
    tr->has_threshold = tr->has_see_doctor = tr->higher_is_worse = true;
    tr->t_guidance = 5.6;
    tr->t_see_doctor = 6.5;
    tr->n = 5;
    for (int i = 0; i < 5; i++) {
        tr->points[i].checkup_id = 6 + i;
        snprintf(tr->points[i].date, sizeof tr->points[i].date, "%d-06-10", 2022 + i);
        tr->points[i].year = 2022 + i;
        tr->points[i].value = v[i];
        tr->points[i].judgement = j[i];
    }
    a->pv.tr_ld.loaded = true;
}

static void sample(struct app *a, int variant)
{
    (void)variant;
    a->card.present = true;
    a->card.in_session = true;
    priv_sample_trend(a);
}

const struct screen scr_ck_trend = {.name = "ck_trend",
                                    .title_key = "title_ck_trend",
                                    .frame = frame,
                                    .sample = sample,
                                    .title = title};
