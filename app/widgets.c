/*
 * widgets: drawing and touch of the widget set (see widgets.h). Layout arithmetic is
 * shared between the *_height functions and the drawing functions, so what a screen plans
 * is what gets drawn.
 */
#include "widgets.h"

#include <stdio.h>
#include <string.h>

#include "textwrap.h"

#define WG_MAX_LINES 16
/* Lines a paragraph may have: a 4 KiB text (textwrap's cap) at a narrow width stays under
 * this; lines beyond it would not be drawn. */
#define WG_PARA_LINES 512

static const struct theme_swatch *swatch(const struct theme *t, enum wg_style s)
{
    switch (s) {
    case WG_PRIMARY:
        return &t->primary;
    case WG_SECONDARY:
        return &t->secondary;
    case WG_DANGER:
        return &t->danger;
    case WG_NAV:
        return &t->nav;
    case WG_SELECTED:
        return &t->selected;
    }
    return &t->secondary;
}

static int max_i(int a, int b)
{
    return a > b ? a : b;
}

/* Geometry of a button's content at width w. */
struct btn_geo {
    int pad, px, lh, icon, text_w, nlines, need_h;
};

static void btn_geo_as(struct ui *ui, const struct wg_button *b, int w, bool above,
                       struct btn_geo *g);

/* Icon beside the words, unless that would break the label into more lines than putting
 * the icon above would (a narrow button with a long word). */
static bool icon_above(struct ui *ui, const struct wg_button *b, int w)
{
    struct btn_geo side, top;
    if (b->icon_above || b->icon == ICON_NONE)
        return b->icon_above;
    btn_geo_as(ui, b, w, false, &side);
    if (side.nlines == 1)
        return false;
    btn_geo_as(ui, b, w, true, &top);
    return top.nlines < side.nlines;
}

static void btn_geo(struct ui *ui, const struct wg_button *b, int w, struct btn_geo *g)
{
    btn_geo_as(ui, b, w, icon_above(ui, b, w), g);
}

static void btn_geo_as(struct ui *ui, const struct wg_button *b, int w, bool above,
                       struct btn_geo *g)
{
    struct textwrap_line lines[WG_MAX_LINES];
    g->pad = ui_mm(ui, WG_PAD_MM);
    g->px = b->fixed_mm > 0 ? ui_mm(ui, b->fixed_mm) : ui_text_px(ui, WG_LABEL_MM);
    g->lh = ui_line_height(ui, UI_FONT_BOLD, g->px);
    g->icon = b->icon == ICON_NONE ? 0 : above ? g->lh * 6 / 5 : g->lh * 9 / 10;
    /* big tiles (icon above) keep 1.5 mm at the sides so a 5-character label fits */
    int side = above ? ui_mm(ui, 1.5) : g->pad;
    g->text_w = w - 2 * side;
    if (g->icon && !above)
        g->text_w -= g->icon + g->pad;
    if (g->text_w < g->px)
        g->text_w = g->px;
    size_t n = textwrap_lines(ui, UI_FONT_BOLD, g->px, b->label, g->text_w, lines, WG_MAX_LINES);
    g->nlines = (int)(n ? n : 1);
    int text_h = g->nlines * g->lh;
    int content = above && g->icon ? g->icon + g->pad / 2 + text_h : max_i(text_h, g->icon);
    double min_mm = b->style == WG_PRIMARY ? WG_PRIMARY_MIN_MM : WG_TARGET_MIN_MM;
    g->need_h = max_i(content + 2 * g->pad, ui_mm(ui, min_mm));
}

int wg_button_height(struct ui *ui, const struct wg_button *b, int w)
{
    struct btn_geo g;
    btn_geo(ui, b, w, &g);
    return g.need_h;
}

int wg_button_narrowest(struct ui *ui, const struct wg_button *b, int w)
{
    /* its height only falls as it widens */
    int low = wg_button_height(ui, b, w), lo = ui_mm(ui, WG_TARGET_MIN_MM), hi = w;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (wg_button_height(ui, b, mid) <= low)
            hi = mid;
        else
            lo = mid + 1;
    }
    return hi;
}

static enum ui_target_kind target_kind(enum wg_style s, const char *id)
{
    if (strcmp(id, "nav_back") == 0)
        return UI_T_NAV_BACK;
    if (strcmp(id, "nav_home") == 0)
        return UI_T_NAV_HOME;
    if (strcmp(id, "notice_banner") == 0 || strcmp(id, "nav_say") == 0)
        return UI_T_FRAME;
    if (s == WG_PRIMARY)
        return UI_T_PRIMARY;
    if (s == WG_DANGER)
        return UI_T_DANGER;
    return UI_T_NORMAL;
}

static bool button(struct ui *ui, const struct wg_button *b, struct ui_rect r,
                   enum ui_target_kind kind, bool left)
{
    const struct theme_swatch *sw = swatch(ui_theme(ui), b->style);
    bool pressed = false;
    bool fired = ui_target(ui, b->id, b->label, kind, r, sw->fg, sw->bg, &pressed);
    struct ui_color bg = pressed ? sw->pressed_bg : sw->bg;
    struct ui_color fg = pressed ? sw->pressed_fg : sw->fg;
    int border = ui_mm(ui, pressed ? 1.2 : 0.5);
    ui_rect(ui, r, bg);
    ui_frame(ui, r, sw->border, border);

    struct btn_geo g;
    struct textwrap_line lines[WG_MAX_LINES];
    bool above = icon_above(ui, b, r.w);
    btn_geo_as(ui, b, r.w, above, &g);
    size_t n = textwrap_lines(ui, UI_FONT_BOLD, g.px, b->label, g.text_w, lines, WG_MAX_LINES);
    if (n > WG_MAX_LINES)
        n = WG_MAX_LINES;
    int text_h = (int)n * g.lh;
    /* content block centred vertically */
    int content_h = above && g.icon ? g.icon + g.pad / 2 + text_h : max_i(text_h, g.icon);
    int top = r.y + (r.h - content_h) / 2;
    int text_x0, text_y = top;
    if (g.icon && above) {
        icon_draw(ui, b->icon, (struct ui_rect){r.x + (r.w - g.icon) / 2, top, g.icon, g.icon}, fg,
                  bg);
        text_y = top + g.icon + g.pad / 2;
        text_x0 = r.x + (r.w - g.text_w) / 2;
    } else if (g.icon) {
        int maxw = 0;
        for (size_t i = 0; i < n; i++)
            maxw = max_i(maxw, lines[i].width);
        int block = g.icon + g.pad + maxw;
        int x = left ? r.x + g.pad : r.x + (r.w - block) / 2;
        if (x < r.x + g.pad)
            x = r.x + g.pad;
        icon_draw(ui, b->icon, (struct ui_rect){x, r.y + (r.h - g.icon) / 2, g.icon, g.icon}, fg,
                  bg);
        text_x0 = x + g.icon + g.pad;
        text_y = r.y + (r.h - text_h) / 2;
        for (size_t i = 0; i < n; i++)
            ui_text(ui, text_x0, text_y + (int)i * g.lh, UI_FONT_BOLD, g.px, fg, bg, r,
                    b->label + lines[i].start, lines[i].len);
        return fired;
    } else {
        text_x0 = r.x + g.pad;
    }
    for (size_t i = 0; i < n; i++) {
        int x = left && !above ? text_x0 : text_x0 + (g.text_w - lines[i].width) / 2;
        ui_text(ui, x, text_y + (int)i * g.lh, UI_FONT_BOLD, g.px, fg, bg, r,
                b->label + lines[i].start, lines[i].len);
    }
    return fired;
}

bool wg_button(struct ui *ui, const struct wg_button *b, struct ui_rect r)
{
    return button(ui, b, r, target_kind(b->style, b->id), false);
}

bool wg_row(struct ui *ui, const struct wg_button *b, struct ui_rect r)
{
    return button(ui, b, r, target_kind(b->style, b->id), true);
}

int wg_text_height(struct ui *ui, enum ui_font font, double mm, const char *text, int w)
{
    int px = ui_text_px(ui, mm);
    size_t n = textwrap_lines(ui, font, px, text, w, NULL, 0);
    return (int)n * ui_line_height(ui, font, px);
}

int wg_paragraph(struct ui *ui, struct ui_rect r, enum ui_font font, double mm, struct ui_color fg,
                 struct ui_color bg, const char *text, enum wg_align align)
{
    static struct textwrap_line lines[WG_PARA_LINES]; /* UI thread only */
    int px = ui_text_px(ui, mm);
    int lh = ui_line_height(ui, font, px);
    size_t n = textwrap_lines(ui, font, px, text, r.w, lines, WG_PARA_LINES);
    if (n > WG_PARA_LINES)
        n = WG_PARA_LINES;
    struct ui_rect box = {r.x, r.y, r.w, (int)n * lh};
    for (size_t i = 0; i < n; i++) {
        int x = align == WG_CENTER ? r.x + (r.w - lines[i].width) / 2 : r.x;
        ui_text(ui, x, r.y + (int)i * lh, font, px, fg, bg, box, text + lines[i].start,
                lines[i].len);
    }
    return (int)n * lh;
}

int wg_text_lines(struct ui *ui, enum ui_font font, double mm, const char *text, int w)
{
    return (int)textwrap_lines(ui, font, ui_text_px(ui, mm), text, w, NULL, 0);
}

int wg_paragraph_part(struct ui *ui, struct ui_rect r, enum ui_font font, double mm,
                      struct ui_color fg, struct ui_color bg, const char *text, int first,
                      int count)
{
    static struct textwrap_line lines[WG_PARA_LINES]; /* UI thread only */
    int px = ui_text_px(ui, mm);
    int lh = ui_line_height(ui, font, px);
    int n = (int)textwrap_lines(ui, font, px, text, r.w, lines, WG_PARA_LINES);
    if (n > WG_PARA_LINES)
        n = WG_PARA_LINES;
    if (first < 0)
        first = 0;
    if (first + count > n)
        count = n - first;
    if (count <= 0)
        return 0;
    struct ui_rect box = {r.x, r.y, r.w, count * lh};
    for (int i = 0; i < count; i++)
        ui_text(ui, r.x, r.y + i * lh, font, px, fg, bg, box, text + lines[first + i].start,
                lines[first + i].len);
    return count * lh;
}

char wg_keypad(struct ui *ui, const char *prefix, struct ui_rect r, const char *clear,
               const char *del)
{
    static const char keys[12] = {'1', '2', '3', '4', '5', '6', '7', '8', '9', 'C', '0', 'D'};
    int gap = ui_mm(ui, WG_GAP_MM);
    int cw = (r.w - 2 * gap) / 3, ch = (r.h - 3 * gap) / 4;
    /* the bottom row's keys carry words ("1文字 消す"), which may need two lines: that row
     * takes the height its words need and the digit rows share the rest, never below the
     * target minimum */
    int last_h = ch;
    const char *words[2] = {clear, del};
    for (int k = 0; k < 2; k++) {
        struct wg_button w = {"k", words[k], ICON_NONE, WG_SECONDARY, false, WG_KEY_MM};
        last_h = max_i(last_h, wg_button_height(ui, &w, cw));
    }
    int digit_h = max_i((r.h - 3 * gap - last_h) / 3, ui_mm(ui, WG_TARGET_MIN_MM));
    if (last_h > r.h - 3 * gap - 3 * digit_h)
        last_h = max_i(r.h - 3 * gap - 3 * digit_h, ch);
    char out = 0;
    for (int i = 0; i < 12; i++) {
        char id[UI_ID_MAX], label[8];
        const char *text = label;
        if (keys[i] == 'C') {
            snprintf(id, sizeof id, "%s_clear", prefix);
            text = clear;
        } else if (keys[i] == 'D') {
            snprintf(id, sizeof id, "%s_del", prefix);
            text = del;
        } else {
            snprintf(id, sizeof id, "%s_%c", prefix, keys[i]);
            snprintf(label, sizeof label, "%c", keys[i]);
        }
        int row = i / 3;
        struct ui_rect k = {r.x + (i % 3) * (cw + gap), r.y + row * (digit_h + gap), cw,
                            row == 3 ? last_h : digit_h};
        /* 9 mm labels (above the 24 pt rule) at every text size: 4 rows of keys must fit */
        struct wg_button b = {id, text, ICON_NONE, WG_SECONDARY, false, WG_KEY_MM};
        /* a key, not a "choice": registered with its own kind for the 6-choices rule */
        if (button(ui, &b, k, UI_T_KEY, false))
            out = keys[i];
    }
    return out;
}

int wg_pager_height(struct ui *ui, int w, const char *page_text, const char *prev, const char *next)
{
    int gap = ui_mm(ui, WG_GAP_MM);
    int bw = (w - 2 * gap) / 3;
    struct wg_button p = {"page_prev", prev, ICON_PREV, WG_SECONDARY, false, 0};
    struct wg_button n = {"page_next", next, ICON_NEXT, WG_SECONDARY, false, 0};
    int h = max_i(wg_button_height(ui, &p, bw), wg_button_height(ui, &n, bw));
    return max_i(h, wg_text_height(ui, UI_FONT_BOLD, WG_BODY_MM, page_text, bw));
}

int wg_pager(struct ui *ui, struct ui_rect r, int page, int pages, const char *page_text,
             const char *prev, const char *next)
{
    const struct theme *t = ui_theme(ui);
    int gap = ui_mm(ui, WG_GAP_MM);
    int bw = (r.w - 2 * gap) / 3;
    struct wg_button p = {"page_prev", prev, ICON_PREV, WG_SECONDARY, false, 0};
    struct wg_button n = {"page_next", next, ICON_NEXT, WG_SECONDARY, false, 0};
    int out = 0;
    /* at the ends the button is absent (not greyed: grey text would fail 7:1) */
    if (page > 0 && wg_button(ui, &p, (struct ui_rect){r.x, r.y, bw, r.h}))
        out = -1;
    if (page + 1 < pages && wg_button(ui, &n, (struct ui_rect){r.x + 2 * (bw + gap), r.y, bw, r.h}))
        out = 1;
    int th = wg_text_height(ui, UI_FONT_BOLD, WG_BODY_MM, page_text, bw);
    wg_paragraph(ui, (struct ui_rect){r.x + bw + gap, r.y + (r.h - th) / 2, bw, th}, UI_FONT_BOLD,
                 WG_BODY_MM, t->text, t->bg, page_text, WG_CENTER);
    return out;
}

int wg_toggle_height(struct ui *ui, int w, const char *question, const char *yes, const char *no)
{
    int gap = ui_mm(ui, WG_GAP_MM);
    int bw = (w - gap) / 2;
    struct wg_button y = {"y", yes, ICON_CHECK, WG_SECONDARY, false, 0};
    struct wg_button n = {"n", no, ICON_CROSS, WG_SECONDARY, false, 0};
    int bh = max_i(wg_button_height(ui, &y, bw), wg_button_height(ui, &n, bw));
    return wg_text_height(ui, UI_FONT_REGULAR, WG_BODY_MM, question, w) + gap + bh;
}

int wg_toggle(struct ui *ui, const char *id, struct ui_rect r, const char *question, bool value,
              const char *yes, const char *no)
{
    const struct theme *t = ui_theme(ui);
    int gap = ui_mm(ui, WG_GAP_MM);
    int bw = (r.w - gap) / 2;
    char idy[UI_ID_MAX], idn[UI_ID_MAX];
    snprintf(idy, sizeof idy, "%s_yes", id);
    snprintf(idn, sizeof idn, "%s_no", id);
    int qh = wg_paragraph(ui, (struct ui_rect){r.x, r.y, r.w, 0}, UI_FONT_REGULAR, WG_BODY_MM,
                          t->text, t->bg, question, WG_LEFT);
    /* the current answer is marked by colour AND by a check icon, never by colour alone */
    struct wg_button y = {
        idy, yes, value ? ICON_CHECK : ICON_NONE, value ? WG_SELECTED : WG_SECONDARY, false, 0};
    struct wg_button n = {
        idn, no, value ? ICON_NONE : ICON_CHECK, value ? WG_SECONDARY : WG_SELECTED, false, 0};
    int by = r.y + qh + gap;
    int bh = r.y + r.h - by;
    int out = -1;
    if (wg_button(ui, &y, (struct ui_rect){r.x, by, bw, bh}))
        out = 1;
    if (wg_button(ui, &n, (struct ui_rect){r.x + bw + gap, by, bw, bh}))
        out = 0;
    return out;
}

/* One line of text of a chart, kept inside `box` (moved in rather than cut). */
static void chart_text(struct ui *ui, int x, int y, int px, struct ui_color bg, struct ui_rect box,
                       const char *s)
{
    const struct theme *t = ui_theme(ui);
    int w = ui_measure(ui, UI_FONT_REGULAR, px, s, strlen(s));
    int lh = ui_line_height(ui, UI_FONT_REGULAR, px);
    if (x + w > box.x + box.w)
        x = box.x + box.w - w;
    if (x < box.x)
        x = box.x;
    if (y + lh > box.y + box.h)
        y = box.y + box.h - lh;
    if (y < box.y)
        y = box.y;
    ui_text(ui, x, y, UI_FONT_REGULAR, px, t->text, bg, box, s, strlen(s));
}

/* The chart's key, above the plot: a swatch of the band's colour, then the band's words
 * (基準内). Beside the unit when both fit on one line, else on lines of its own below it;
 * always drawn (inside the band it was left out whenever the band was thin, which a short
 * chart's band mostly is). Offsets from the chart's corner. */
struct chart_key {
    int x, y, sw;   /* where the swatch starts, its side */
    int words_w, h; /* the words' width and the key's height */
};

/* Height of the rows above the plot (the unit, the key); fills *k. */
static int chart_top(struct ui *ui, int w, const struct wg_chart *c, struct chart_key *k)
{
    int px = ui_text_px(ui, WG_BODY_MM);
    int lh = ui_line_height(ui, UI_FONT_REGULAR, px);
    int gap = ui_mm(ui, 2);
    int unit_h = c->unit_label ? lh : 0;
    *k = (struct chart_key){0, 0, 0, 0, 0};
    if (!c->band_label)
        return unit_h;
    k->sw = lh * 3 / 4;
    int words = ui_measure(ui, UI_FONT_REGULAR, px, c->band_label, strlen(c->band_label));
    int unit_w = c->unit_label
                     ? ui_measure(ui, UI_FONT_REGULAR, px, c->unit_label, strlen(c->unit_label))
                     : 0;
    int key_w = k->sw + gap + words;
    if (key_w + (c->unit_label ? unit_w + 3 * gap : 0) <= w) {
        k->x = c->unit_label ? w - key_w : 0;
        k->words_w = words;
        k->h = lh;
        return lh;
    }
    k->y = unit_h;
    k->words_w = w - k->sw - gap;
    k->h = wg_text_height(ui, UI_FONT_REGULAR, WG_BODY_MM, c->band_label, k->words_w);
    return unit_h + k->h;
}

int wg_chart_text_height(struct ui *ui, int w, const struct wg_chart *c)
{
    struct chart_key k;
    int lh = ui_line_height(ui, UI_FONT_REGULAR, ui_text_px(ui, WG_BODY_MM));
    int below = c->xlabels ? lh + ui_mm(ui, 2) : lh - lh / 2;
    return chart_top(ui, w, c, &k) + lh / 2 + below;
}

/* The widths of the axis numbers (or top/bottom labels) and of the lines' labels. */
static void chart_columns(struct ui *ui, const struct wg_chart *c, int *label_w, int *mark_w)
{
    int px = ui_text_px(ui, WG_BODY_MM);
    const char *labels[2] = {c->top_label, c->bottom_label};
    *label_w = *mark_w = 0;
    if (c->nticks > 0) {
        for (int i = 0; i < c->nticks; i++)
            *label_w = max_i(*label_w, ui_measure(ui, UI_FONT_REGULAR, px, c->tick_labels[i],
                                                  strlen(c->tick_labels[i])));
    } else {
        for (int i = 0; i < 2; i++)
            if (labels[i])
                *label_w = max_i(*label_w,
                                 ui_measure(ui, UI_FONT_REGULAR, px, labels[i], strlen(labels[i])));
    }
    for (int i = 0; i < c->nmarks; i++)
        *mark_w = max_i(*mark_w, ui_measure(ui, UI_FONT_REGULAR, px, c->marks[i].label,
                                            strlen(c->marks[i].label)));
}

struct ui_rect wg_chart_plot(struct ui *ui, struct ui_rect r, const struct wg_chart *c)
{
    struct chart_key key;
    int lh = ui_line_height(ui, UI_FONT_REGULAR, ui_text_px(ui, WG_BODY_MM));
    int gap = ui_mm(ui, 2), label_w, mark_w;
    chart_columns(ui, c, &label_w, &mark_w);
    int top = r.y + chart_top(ui, r.w, c, &key) + lh / 2, bottom = r.y + r.h - (lh - lh / 2);
    if (c->xlabels)
        bottom = r.y + r.h - lh - gap;
    return (struct ui_rect){r.x + label_w + gap, top,
                            r.w - label_w - gap - (mark_w ? mark_w + gap : 0), bottom - top};
}

void wg_chart(struct ui *ui, struct ui_rect r, const struct wg_chart *c)
{
    const struct theme *t = ui_theme(ui);
    int px = ui_text_px(ui, WG_BODY_MM);
    int lh = ui_line_height(ui, UI_FONT_REGULAR, px);
    int gap = ui_mm(ui, 2), label_w, mark_w;
    chart_columns(ui, c, &label_w, &mark_w);
    struct chart_key key;
    int top_h = chart_top(ui, r.w, c, &key);
    struct ui_rect plot = wg_chart_plot(ui, r, c);
    /* the checks measure what the lines get, and read the chart's words for overlaps */
    ui_figure(ui, "chart", r);
    ui_figure(ui, "plot", plot);
    double span = c->max - c->min > 0 ? c->max - c->min : 1;
#define YOF(v) (plot.y + plot.h - (int)(((v)-c->min) / span * plot.h))
    double lo = c->band_lo < c->min ? c->min : c->band_lo;
    double hi = c->band_hi > c->max ? c->max : c->band_hi;
    int b_top = YOF(hi), b_bot = YOF(lo);
    struct ui_rect band = {plot.x, b_top, plot.w, b_bot - b_top};
    ui_rect(ui, band, t->band);
    if (c->band_label) {
        /* the key: the swatch framed (so it shows on any page colour), the words beside it */
        struct ui_rect sw = {r.x + key.x, r.y + key.y + (lh - key.sw) / 2, key.sw, key.sw};
        ui_rect(ui, sw, t->band);
        ui_frame(ui, sw, t->text, 2);
        wg_paragraph(ui, (struct ui_rect){sw.x + sw.w + gap, r.y + key.y, key.words_w, key.h},
                     UI_FONT_REGULAR, WG_BODY_MM, t->text, t->bg, c->band_label, WG_LEFT);
    }
    int thick = ui_mm(ui, 0.6);
    if (c->has_line && c->line >= c->min && c->line <= c->max)
        ui_line(ui, plot.x, YOF(c->line), plot.x + plot.w, YOF(c->line), thick, t->text);
    /* marked lines, their labels in the right column, pushed apart so none overlap */
    int last_y = r.y - lh;
    struct ui_rect right = {plot.x + plot.w + gap, r.y + top_h, mark_w, r.h - top_h};
    for (int i = 0; i < c->nmarks; i++) {
        const struct wg_chart_mark *m = &c->marks[i];
        if (m->v < c->min || m->v > c->max)
            continue;
        int y = YOF(m->v);
        ui_line(ui, plot.x, y, plot.x + plot.w + gap / 2, y, m->strong ? thick * 2 : thick,
                t->text);
        int ty = y - lh / 2;
        if (ty < last_y + lh && ty > last_y - lh)
            ty = ty < last_y ? last_y - lh : last_y + lh;
        chart_text(ui, right.x, ty, px, t->bg, right, m->label);
        last_y = ty;
    }
    ui_line(ui, plot.x, plot.y, plot.x, plot.y + plot.h, thick, t->text);
    ui_line(ui, plot.x, plot.y + plot.h, plot.x + plot.w, plot.y + plot.h, thick, t->text);
    struct ui_rect left = {r.x, r.y, label_w, r.h};
    if (c->nticks > 0) {
        /* from the bottom up; a number that would touch the one below it is left out (its
         * tick stays), so a short plot never piles them up */
        int last_ty = plot.y + plot.h + 2 * lh;
        for (int i = 0; i < c->nticks; i++) {
            if (c->ticks[i] < c->min - span * 1e-9 || c->ticks[i] > c->max + span * 1e-9)
                continue;
            int y = YOF(c->ticks[i]);
            ui_line(ui, plot.x - gap / 2, y, plot.x, y, thick, t->text);
            if (y - lh / 2 + lh > last_ty)
                continue;
            last_ty = y - lh / 2;
            int w =
                ui_measure(ui, UI_FONT_REGULAR, px, c->tick_labels[i], strlen(c->tick_labels[i]));
            chart_text(ui, r.x + label_w - w, y - lh / 2, px, t->bg, left, c->tick_labels[i]);
        }
    } else {
        if (c->top_label)
            ui_text(ui, r.x, plot.y - lh / 2, UI_FONT_REGULAR, px, t->text, t->bg, r, c->top_label,
                    strlen(c->top_label));
        if (c->bottom_label)
            ui_text(ui, r.x, plot.y + plot.h - lh / 2, UI_FONT_REGULAR, px, t->text, t->bg, r,
                    c->bottom_label, strlen(c->bottom_label));
    }
    if (c->unit_label)
        chart_text(ui, r.x, r.y, px, t->bg, (struct ui_rect){r.x, r.y, plot.x + plot.w - r.x, lh},
                   c->unit_label);
    int dot = ui_mm(ui, 1.5);
    int xs[64];
    int n = c->n < 64 ? c->n : 64;
    for (int i = 0; i < n; i++) {
        double f = c->xs ? c->xs[i] : n > 1 ? (double)i / (n - 1) : 0.5;
        xs[i] = plot.x + dot + (int)(f * (plot.w - 2 * dot));
    }
    for (int i = 0; i < n; i++) {
        int y = YOF(c->values[i]);
        if (i > 0)
            ui_line(ui, xs[i - 1], YOF(c->values[i - 1]), xs[i], y, ui_mm(ui, 0.8), t->accent);
        ui_circle(ui, xs[i], y, dot, 0, t->accent);
    }
    if (c->xlabels && n > 0) {
        /* under the plot (not under the axis numbers, whose lowest one sits on the bottom
         * edge): the last (newest) first, then from the oldest those that leave a gap to
         * their neighbours */
        /* (to the chart's right edge: the newest date may be wider than a narrow plot) */
        struct ui_rect under = {plot.x, plot.y + plot.h + gap, r.x + r.w - plot.x,
                                r.y + r.h - (plot.y + plot.h + gap)};
        int w_last =
            ui_measure(ui, UI_FONT_REGULAR, px, c->xlabels[n - 1], strlen(c->xlabels[n - 1]));
        int x_last = xs[n - 1] - w_last / 2;
        int edge = w_last <= plot.w ? plot.x + plot.w : under.x + under.w;
        if (x_last + w_last > edge)
            x_last = edge - w_last;
        chart_text(ui, x_last, under.y, px, t->bg, under, c->xlabels[n - 1]);
        int right_edge = under.x - gap;
        for (int i = 0; i + 1 < n; i++) {
            int w = ui_measure(ui, UI_FONT_REGULAR, px, c->xlabels[i], strlen(c->xlabels[i]));
            int x = xs[i] - w / 2;
            if (x < under.x)
                x = under.x;
            if (x < right_edge + gap || x + w + gap > x_last)
                continue;
            chart_text(ui, x, under.y, px, t->bg, under, c->xlabels[i]);
            right_edge = x + w;
        }
    }
#undef YOF
}

/* Background scrim and a centred dialog panel tall enough for `content_h`. */
static struct ui_rect dialog_panel(struct ui *ui, int content_h)
{
    const struct theme *t = ui_theme(ui);
    const struct ui_metrics *m = ui_metrics(ui);
    ui_rect(ui, (struct ui_rect){0, 0, m->width, m->height}, t->scrim);
    int margin = ui_mm(ui, 10);
    int w = m->width - 2 * margin;
    int h = content_h + 2 * ui_mm(ui, WG_GAP_MM);
    if (h > m->height - ui_mm(ui, 4))
        h = m->height - ui_mm(ui, 4);
    struct ui_rect p = {margin, (m->height - h) / 2, w, h};
    ui_rect(ui, p, t->dialog.bg);
    ui_frame(ui, p, t->dialog.border, ui_mm(ui, 1));
    return p;
}

int wg_confirm(struct ui *ui, const char *message, const char *yes, const char *no,
               enum wg_style yes_style)
{
    const struct theme *t = ui_theme(ui);
    const struct ui_metrics *m = ui_metrics(ui);
    int gap = ui_mm(ui, WG_GAP_MM);
    int w = m->width - 2 * ui_mm(ui, 10) - 2 * gap;
    int bw = (w - gap) / 2;
    struct wg_button y = {"confirm_yes", yes, ICON_CHECK, yes_style, false, 0};
    struct wg_button n = {"confirm_no", no, ICON_CROSS, WG_SECONDARY, false, 0};
    int bh = max_i(wg_button_height(ui, &y, bw), wg_button_height(ui, &n, bw));
    int mh = wg_text_height(ui, UI_FONT_BOLD, WG_TITLE_MM, message, w);
    ui_modal(ui);
    struct ui_rect p = dialog_panel(ui, mh + gap + bh);
    int x = p.x + gap, yy = p.y + gap;
    wg_paragraph(ui, (struct ui_rect){x, yy, w, mh}, UI_FONT_BOLD, WG_TITLE_MM, t->dialog.fg,
                 t->dialog.bg, message, WG_LEFT);
    int out = -1;
    if (wg_button(ui, &y, (struct ui_rect){x, yy + mh + gap, bw, bh}))
        out = 1;
    if (wg_button(ui, &n, (struct ui_rect){x + bw + gap, yy + mh + gap, bw, bh}))
        out = 0;
    return out;
}

int wg_statusbar_height(struct ui *ui, int w, const char *text)
{
    int pad = ui_mm(ui, 1.5);
    return wg_text_height(ui, UI_FONT_REGULAR, WG_BODY_MM, text, w - 2 * pad) + 2 * pad;
}

void wg_statusbar(struct ui *ui, struct ui_rect r, const char *text)
{
    const struct theme *t = ui_theme(ui);
    int pad = ui_mm(ui, 1.5);
    ui_rect(ui, r, t->bar_bg);
    wg_paragraph(ui, (struct ui_rect){r.x + pad, r.y + pad, r.w - 2 * pad, 0}, UI_FONT_REGULAR,
                 WG_BODY_MM, t->bar_fg, t->bar_bg, text, WG_LEFT);
}

bool wg_idle_overlay(struct ui *ui, const char *message, const char *cont)
{
    const struct theme *t = ui_theme(ui);
    const struct ui_metrics *m = ui_metrics(ui);
    int gap = ui_mm(ui, WG_GAP_MM);
    int w = m->width - 2 * ui_mm(ui, 10) - 2 * gap;
    struct wg_button b = {"idle_continue", cont, ICON_CHECK, WG_PRIMARY, false, 0};
    int bh = wg_button_height(ui, &b, w);
    int mh = wg_text_height(ui, UI_FONT_BOLD, WG_TITLE_MM, message, w);
    ui_modal(ui);
    struct ui_rect p = dialog_panel(ui, mh + gap + bh);
    wg_paragraph(ui, (struct ui_rect){p.x + gap, p.y + gap, w, mh}, UI_FONT_BOLD, WG_TITLE_MM,
                 t->dialog.fg, t->dialog.bg, message, WG_LEFT);
    return wg_button(ui, &b, (struct ui_rect){p.x + gap, p.y + gap + mh + gap, w, bh});
}
