/*
 * ckchart: the trend chart of one checkup item: dates along the horizontal axis (spaced by
 * time), round numbers up the vertical one (steps of 1, 2 or 5 × 10^k: never "151.85"),
 * the guidance and see-a-doctor thresholds as labelled lines, and where no MHLW threshold
 * exists the lab's reference range as a labelled band. Also the results as one sentence,
 * for those who read numbers better than lines.
 */
#ifndef CKCHART_H
#define CKCHART_H

#include <stdbool.h>
#include <stddef.h>

#include "ui.h"

struct app;
struct ck_trend;

#define CK_TICKS_MAX 12

/* Round axis numbers covering [lo, hi] with about `want` of them (≥ 2): fills ticks
 * (ascending, first ≤ lo, last ≥ hi), returns how many, and the step in *step. */
int ck_axis_ticks(double lo, double hi, int want, double *ticks, int cap, double *step);
/* A tick's number with as many decimals as the step has ("5.5", "6.0", "150"). */
void ck_tick_text(double v, double step, char *buf, size_t size);
/* "2025-06-12" → "2025/6/12" (as given when malformed). */
void ck_axis_date(const char *date, char *buf, size_t size);
/* The least height a plot is given (the chart's words come on top of it). */
#define CK_PLOT_LEAST_MM 25
/* ... and the least width (the lines' labels give way to their numbers to keep it). */
#define CK_PLOT_LEAST_W_MM 45
/* The height of the chart of tr at width w with a plot of CK_PLOT_LEAST_MM: its words (the
 * unit and the key when `key`, the dates) and the plot. */
int ck_chart_least_height(struct app *a, int w, const struct ck_trend *tr, bool key);
/* Draws the chart of tr into r (no targets); without `key` the unit and the key above the
 * plot are left out (said in words before it: ck_chart_key_words), for a short page. */
void ck_chart(struct app *a, struct ui_rect r, const struct ck_trend *tr, bool key);
/* The unit and the key in words: "単位: %。 色の ついた 帯: 基準内" (what the chart leaves out
 * without `key`); "" when the chart has neither. */
void ck_chart_key_words(const struct app *a, const struct ck_trend *tr, char *buf, size_t size);
/* "これまでの 結果: 2025/6/12 5.9 %（保健指導）、…", oldest first. */
void ck_chart_sentence(const struct app *a, const struct ck_trend *tr, char *buf, size_t size);

#endif
