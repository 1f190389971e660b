/*
 * widgets: the senior-friendly widget set built on the ui core. Each widget is a function
 * called every frame; those that can be tapped return what the resident did.
 *
 * Size tokens (millimetres, at 100 % text size) follow PRODUCT.md: body text 6 mm (≈17 pt),
 * button labels 8.5 mm (24 pt), targets ≥ 16 mm (rule: 15), primary actions ≥ 26 mm tall
 * (rule: 25), gaps 4 mm (rule: 3). Text never gets an ellipsis: widgets wrap it, and the
 * *_height functions tell the screen how much room the wrapped text needs, so layouts grow.
 */
#ifndef WIDGETS_H
#define WIDGETS_H

#include "icon.h"
#include "ui.h"

#define WG_BODY_MM        6.0
#define WG_LABEL_MM       8.5
#define WG_TITLE_MM       7.0
#define WG_GAP_MM         3.5
#define WG_PAD_MM         2.5
#define WG_TARGET_MIN_MM  16.0
#define WG_PRIMARY_MIN_MM 26.0
#define WG_KEY_MM         9.0 /* keypad labels, not scaled: 4 rows of keys must fit */

enum wg_style { WG_PRIMARY, WG_SECONDARY, WG_DANGER, WG_NAV, WG_SELECTED };
enum wg_align { WG_LEFT, WG_CENTER };

struct wg_button {
    const char *id;    /* stable id: scripts and the layout dump use it */
    const char *label; /* words, always */
    enum icon_id icon;
    enum wg_style style;
    bool icon_above; /* icon above the words (big tiles) instead of beside them */
    double fixed_mm; /* label size not scaled by the text size setting (keypad keys, which
                        must fit 4 rows on any screen); 0 = the usual scaled label */
};

/* Height the button needs at width w (never below the target minimum for its style). */
int wg_button_height(struct ui *ui, const struct wg_button *b, int w);
/* The narrowest width up to w at which the button is as low as at w (its words on as few
 * lines, its icon beside them): for a button beside others that need the room. */
int wg_button_narrowest(struct ui *ui, const struct wg_button *b, int w);
/* Draws the button in r; true once when it was activated. */
bool wg_button(struct ui *ui, const struct wg_button *b, struct ui_rect r);

/* A row of a list: a button with its icon and words from the left edge, not centred (same
 * height as wg_button_height). True once when it was activated. */
bool wg_row(struct ui *ui, const struct wg_button *b, struct ui_rect r);

/* Height of text wrapped to w. */
int wg_text_height(struct ui *ui, enum ui_font font, double mm, const char *text, int w);
/* Draws text wrapped into r.w starting at r.y; returns the height used. */
int wg_paragraph(struct ui *ui, struct ui_rect r, enum ui_font font, double mm, struct ui_color fg,
                 struct ui_color bg, const char *text, enum wg_align align);

/* Lines [first, first + count) of text wrapped to r.w, drawn from r.y (a paragraph continued
 * over pages); returns the height used. wg_text_lines() is the number of lines. */
int wg_text_lines(struct ui *ui, enum ui_font font, double mm, const char *text, int w);
int wg_paragraph_part(struct ui *ui, struct ui_rect r, enum ui_font font, double mm,
                      struct ui_color fg, struct ui_color bg, const char *text, int first,
                      int count);

/* A 3×4 PIN/number pad: 1-9, then `clear`, 0, `del`. Returns '0'..'9', 'C' (clear),
 * 'D' (delete) or 0. Key ids are "<prefix>_0".."<prefix>_9", "<prefix>_clear", "<prefix>_del". */
char wg_keypad(struct ui *ui, const char *prefix, struct ui_rect r, const char *clear,
               const char *del);

/* ◀ page x/y ▶. Returns -1 or +1 when a page button was activated, 0 otherwise. The page
 * text comes formatted from the caller (e.g. "2 / 3 ページ"). */
int wg_pager_height(struct ui *ui, int w, const char *page_text, const char *prev,
                    const char *next);
int wg_pager(struct ui *ui, struct ui_rect r, int page, int pages, const char *page_text,
             const char *prev, const char *next);

/* A question answered with words: [はい] [いいえ]. Returns 1 (yes), 0 (no) or -1 (untouched).
 * Ids are "<id>_yes" and "<id>_no". */
int wg_toggle_height(struct ui *ui, int w, const char *question, const char *yes, const char *no);
int wg_toggle(struct ui *ui, const char *id, struct ui_rect r, const char *question, bool value,
              const char *yes, const char *no);

/* Line chart of n values with a reference band [band_lo, band_hi] on a [min, max] axis,
 * and, when has_line, a second threshold drawn as a horizontal line at `line` (e.g. the
 * see-a-doctor value beyond the band's guidance edge); axis texts (with units) come from
 * the caller. No targets. */
struct wg_chart_mark {
    double v;          /* a labelled horizontal line (a threshold, a range's edge) */
    const char *label; /* drawn right of the plot, beside the line */
    bool strong;       /* thicker (the see-a-doctor threshold) */
};
struct wg_chart {
    const double *values;
    int n;
    double min, max, band_lo, band_hi;
    /* band_label: the band's words, drawn as the chart's key above the plot (a swatch of
     * the band's colour beside them), never inside the band */
    const char *top_label, *bottom_label, *band_label;
    bool has_line;
    double line;
    /* optional: x positions 0..1 (NULL: evenly spread), a label under each point (NULL:
     * none; labels that would overlap are left out, the first and last kept), numbers on
     * the vertical axis at `ticks` (replacing top/bottom labels), the unit above them, and
     * labelled lines */
    const double *xs;
    const char *const *xlabels;
    int nticks;
    const double *ticks;
    const char *const *tick_labels;
    const char *unit_label;
    int nmarks;
    const struct wg_chart_mark *marks;
};
void wg_chart(struct ui *ui, struct ui_rect r, const struct wg_chart *c);
/* Height of everything of c but its plot at width w (the unit and the key above it, the
 * dates below), so a caller can size the chart for a plot of a given height. */
int wg_chart_text_height(struct ui *ui, int w, const struct wg_chart *c);
/* Where the plot of c goes when the chart is drawn into r (what its words leave of r). */
struct ui_rect wg_chart_plot(struct ui *ui, struct ui_rect r, const struct wg_chart *c);

/* A modal question over the whole screen. Returns 1 (yes), 0 (no) or -1. Ids "confirm_yes",
 * "confirm_no". */
int wg_confirm(struct ui *ui, const char *message, const char *yes, const char *no,
               enum wg_style yes_style);

/* The status line: time, network state and items waiting to be sent (already in words). */
int wg_statusbar_height(struct ui *ui, int w, const char *text);
void wg_statusbar(struct ui *ui, struct ui_rect r, const char *text);

/* The idle warning: one message and one big 続ける button (id "idle_continue"). Returns
 * true when the resident tapped it. */
bool wg_idle_overlay(struct ui *ui, const char *message, const char *cont);

#endif
