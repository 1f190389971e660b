/*
 * ckchart: see ckchart.h. The axis follows Heckbert's "nice numbers" (Graphics Gems, 1990):
 * the step is 1, 2 or 5 times a power of ten and the ends are multiples of it, so the
 * numbers read as people would write them on paper.
 */
#include "ckchart.h"

#include <math.h>
#include <string.h>

#include "appstate.h"

static double nice_step(double raw)
{
    double e = floor(log10(raw));
    double f = raw / pow(10, e);
    double n = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    return n * pow(10, e);
}

int ck_axis_ticks(double lo, double hi, int want, double *ticks, int cap, double *step)
{
    if (want < 2)
        want = 2;
    if (!(hi > lo)) {
        double d = fabs(lo) > 0 ? fabs(lo) * 0.1 : 1;
        lo -= d;
        hi += d;
    }
    double st = nice_step((hi - lo) / (want - 1));
    double first = floor(lo / st + 1e-9) * st, last = ceil(hi / st - 1e-9) * st;
    /* too many for the room: the next nice step */
    while ((int)llround((last - first) / st) + 1 > cap) {
        st = nice_step(st * 1.5);
        first = floor(lo / st + 1e-9) * st;
        last = ceil(hi / st - 1e-9) * st;
    }
    int n = (int)llround((last - first) / st) + 1;
    for (int i = 0; i < n; i++) {
        ticks[i] = first + i * st;
        if (fabs(ticks[i]) < st * 1e-9)
            ticks[i] = 0; /* no "-0" */
    }
    *step = st;
    return n;
}

void ck_tick_text(double v, double step, char *buf, size_t size)
{
    int dec = 0;
    while (dec < 6 && step * pow(10, dec) < 1 - 1e-9)
        dec++;
    snprintf(buf, size, "%.*f", dec, v);
    /* a value that rounds to zero is "0", never "-0" */
    if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1))
        memmove(buf, buf + 1, strlen(buf));
}

void ck_axis_date(const char *date, char *buf, size_t size)
{
    int y, m, d;
    if (sscanf(date, "%4d-%2d-%2d", &y, &m, &d) == 3)
        snprintf(buf, size, "%d/%d/%d", y, m, d);
    else
        snprintf(buf, size, "%s", date);
}

/* Everything a chart of a trend is drawn from, with the buffers its words live in. */
struct parts {
    double values[CK_POINTS_MAX], xs[CK_POINTS_MAX], ticks[CK_TICKS_MAX];
    char xl[CK_POINTS_MAX][24], tl[CK_TICKS_MAX][24], ml[4][128], unit[64];
    const char *xlabels[CK_POINTS_MAX], *tick_labels[CK_TICKS_MAX];
    struct wg_chart_mark marks[4];
    struct wg_chart ch;
};

/* A marked line's label: "保健指導 5.6 %", or without the key (a short page: the words
 * before the chart name the thresholds and the range) the number alone, "5.6 %". */
static void mark_label(const struct app *a, const char *key_name, const char *num, bool key,
                       char *buf, size_t size)
{
    if (key)
        i18n_format(buf, size, app_s(a, key_name), num, NULL, NULL, NULL);
    else
        snprintf(buf, size, "%s", num);
}

/* Fills p for tr (n > 0) but the axis numbers, which depend on the plot's height. */
static void build(struct app *a, const struct ck_trend *tr, struct parts *p, bool key)
{
    char num[64];
    int nm = 0, n = tr->n < CK_POINTS_MAX ? tr->n : CK_POINTS_MAX;
    /* the vertical extent: every value, and the lines that are drawn */
    double lo = tr->points[0].value, hi = lo;
    for (int i = 0; i < n; i++) {
        p->values[i] = tr->points[i].value;
        lo = fmin(lo, p->values[i]);
        hi = fmax(hi, p->values[i]);
    }
    bool range = !tr->has_threshold && (tr->has_low || tr->has_high);
    if (tr->has_threshold) {
        lo = fmin(lo, tr->t_guidance);
        hi = fmax(hi, tr->t_guidance);
        if (tr->has_see_doctor) {
            lo = fmin(lo, tr->t_see_doctor);
            hi = fmax(hi, tr->t_see_doctor);
        }
    } else if (range) {
        if (tr->has_low) {
            lo = fmin(lo, tr->low);
            hi = fmax(hi, tr->low);
        }
        if (tr->has_high) {
            lo = fmin(lo, tr->high);
            hi = fmax(hi, tr->high);
        }
    }
    double pad = (hi - lo) * 0.08;
    bool nonneg = lo >= 0;
    lo -= pad;
    hi += pad;
    if (nonneg && lo < 0)
        lo = 0;
    /* the extent until the axis is chosen (ticks() widens it to round numbers) */
    p->ch.min = lo;
    p->ch.max = hi;
    /* dates: spaced by time (checkups are not always a year apart) */
    int64_t t0 = ck_day_unix(tr->points[0].date), t1 = ck_day_unix(tr->points[n - 1].date);
    for (int i = 0; i < n; i++) {
        int64_t ti = ck_day_unix(tr->points[i].date);
        p->xs[i] = t1 > t0 && ti ? (double)(ti - t0) / (double)(t1 - t0)
                   : n > 1       ? (double)i / (n - 1)
                                 : 0.5;
        p->xs[i] = p->xs[i] < 0 ? 0 : p->xs[i] > 1 ? 1 : p->xs[i];
        ck_axis_date(tr->points[i].date, p->xl[i], sizeof p->xl[i]);
        p->xlabels[i] = p->xl[i];
    }
    const char *band_label = NULL;
    if (tr->has_threshold) {
        band_label = app_s(a, "ck_trend_band");
        ck_num_unit(tr->t_guidance, tr->unit_display, num, sizeof num);
        mark_label(a, "ck_chart_guidance", num, key, p->ml[nm], sizeof p->ml[nm]);
        p->marks[nm] = (struct wg_chart_mark){tr->t_guidance, p->ml[nm], false};
        nm++;
        if (tr->has_see_doctor) {
            ck_num_unit(tr->t_see_doctor, tr->unit_display, num, sizeof num);
            mark_label(a, "ck_chart_doctor", num, key, p->ml[nm], sizeof p->ml[nm]);
            p->marks[nm] = (struct wg_chart_mark){tr->t_see_doctor, p->ml[nm], true};
            nm++;
        }
    } else if (range) {
        band_label = app_s(a, "ck_trend_band");
        if (tr->has_high) {
            ck_num_unit(tr->high, tr->unit_display, num, sizeof num);
            mark_label(a, "ck_chart_high", num, key, p->ml[nm], sizeof p->ml[nm]);
            p->marks[nm] = (struct wg_chart_mark){tr->high, p->ml[nm], false};
            nm++;
        }
        if (tr->has_low) {
            ck_num_unit(tr->low, tr->unit_display, num, sizeof num);
            mark_label(a, "ck_chart_low", num, key, p->ml[nm], sizeof p->ml[nm]);
            p->marks[nm] = (struct wg_chart_mark){tr->low, p->ml[nm], false};
            nm++;
        }
    }
    /* marks from the top down, so their labels are pushed apart in order */
    for (int i = 0; i < nm; i++)
        for (int j = i + 1; j < nm; j++)
            if (p->marks[j].v > p->marks[i].v) {
                struct wg_chart_mark m = p->marks[i];
                p->marks[i] = p->marks[j];
                p->marks[j] = m;
            }
    p->unit[0] = '\0';
    if (tr->unit_display[0])
        i18n_format(p->unit, sizeof p->unit, app_s(a, "ck_chart_unit"), tr->unit_display, NULL,
                    NULL, NULL);
    p->ch.values = p->values;
    p->ch.n = n;
    p->ch.band_label = band_label;
    p->ch.xs = p->xs;
    p->ch.xlabels = p->xlabels;
    p->ch.unit_label = p->unit[0] ? p->unit : NULL;
    p->ch.nmarks = nm;
    p->ch.marks = p->marks;
}

/* The axis numbers for a plot plot_h tall, and the band between them. */
static void ticks(struct app *a, const struct ck_trend *tr, int plot_h, struct parts *p)
{
    struct ui *ui = a->ui;
    int lh = ui_line_height(ui, UI_FONT_REGULAR, ui_text_px(ui, WG_BODY_MM));
    int want = plot_h / (2 * lh);
    want = want < 3 ? 3 : want > 6 ? 6 : want;
    double step;
    int nt = ck_axis_ticks(p->ch.min, p->ch.max, want, p->ticks, CK_TICKS_MAX, &step);
    for (int i = 0; i < nt; i++) {
        ck_tick_text(p->ticks[i], step, p->tl[i], sizeof p->tl[i]);
        p->tick_labels[i] = p->tl[i];
    }
    double min = p->ticks[0], max = p->ticks[nt - 1];
    p->ch.min = min;
    p->ch.max = max;
    p->ch.band_lo = p->ch.band_hi = min;
    if (tr->has_threshold) {
        p->ch.band_lo = tr->higher_is_worse ? min : tr->t_guidance;
        p->ch.band_hi = tr->higher_is_worse ? tr->t_guidance : max;
    } else if (p->ch.band_label) {
        p->ch.band_lo = tr->has_low ? tr->low : min;
        p->ch.band_hi = tr->has_high ? tr->high : max;
    }
    p->ch.nticks = nt;
    p->ch.ticks = p->ticks;
    p->ch.tick_labels = p->tick_labels;
}

static struct parts chart_parts; /* UI thread only (too big for the stack of a frame) */

/* The chart's words above the plot left out (said before it in words). */
static void without_key(struct parts *p)
{
    p->ch.unit_label = NULL;
    p->ch.band_label = NULL;
}

int ck_chart_least_height(struct app *a, int w, const struct ck_trend *tr, bool key)
{
    struct ui *ui = a->ui;
    if (tr->n <= 0)
        return 0;
    memset(&chart_parts, 0, sizeof chart_parts);
    build(a, tr, &chart_parts, key);
    if (!key)
        without_key(&chart_parts);
    return wg_chart_text_height(ui, w, &chart_parts.ch) + ui_mm(ui, CK_PLOT_LEAST_MM);
}

void ck_chart(struct app *a, struct ui_rect r, const struct ck_trend *tr, bool key)
{
    struct parts *p = &chart_parts;
    if (tr->n <= 0)
        return;
    memset(p, 0, sizeof *p);
    /* without the key the lines keep their names while the plot keeps its least width,
     * else they are labelled with their numbers alone (named in the words before) */
    for (int named = key ? 1 : 2; named > 0; named--) {
        memset(p, 0, sizeof *p);
        build(a, tr, p, named == 2 || key);
        struct wg_chart bare = p->ch;
        if (!key)
            bare.unit_label = bare.band_label = NULL;
        /* ticks() reads the key's words for the band's ends: they go after it */
        ticks(a, tr, r.h - wg_chart_text_height(a->ui, r.w, &bare), p);
        if (!key)
            without_key(p);
        if (named == 1 || wg_chart_plot(a->ui, r, &p->ch).w >= ui_mm(a->ui, CK_PLOT_LEAST_W_MM))
            break;
    }
    wg_chart(a->ui, r, &p->ch);
}

void ck_chart_key_words(const struct app *a, const struct ck_trend *tr, char *buf, size_t size)
{
    char unit[64] = "";
    bool band = tr->has_threshold || tr->has_low || tr->has_high;
    if (tr->unit_display[0])
        i18n_format(unit, sizeof unit, app_s(a, "ck_chart_unit"), tr->unit_display, NULL, NULL,
                    NULL);
    if (band)
        i18n_format(buf, size, app_s(a, unit[0] ? "ck_chart_key_unit" : "ck_chart_key"), unit,
                    app_s(a, "ck_trend_band"), NULL, NULL);
    else
        snprintf(buf, size, "%s", unit);
}

void ck_chart_sentence(const struct app *a, const struct ck_trend *tr, char *buf, size_t size)
{
    char list[2048] = "", one[256], date[24], v[64], joined[2048];
    for (int i = 0; i < tr->n; i++) {
        ck_axis_date(tr->points[i].date, date, sizeof date);
        ck_num_unit(tr->points[i].value, tr->unit_display, v, sizeof v);
        i18n_format(one, sizeof one, app_s(a, "ck_chart_point"), date, v,
                    ck_judgement_words(a, tr->points[i].judgement), NULL);
        if (i == 0)
            snprintf(list, sizeof list, "%s", one);
        else {
            i18n_format(joined, sizeof joined, app_s(a, "ck_sum_join"), list, one, NULL, NULL);
            snprintf(list, sizeof list, "%s", joined);
        }
    }
    i18n_format(buf, size, app_s(a, "ck_chart_points"), list, NULL, NULL, NULL);
}
