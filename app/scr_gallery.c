/*
 * scr_gallery: the widgets no v1 journey shows yet (numeric keypad, line chart with a
 * reference band, toggle), on one screen so the catalogue checks their sizes and
 * contrast before the card-login and checkup screens use them. Not reachable by
 * navigation; the catalogue and `--screen gallery` open it.
 */
#include "appstate.h"
#include "ckchart.h"
#include "ckpage.h"

static void frame(struct app *a, struct ui_rect c)
{
    char k = wg_keypad(a->ui, "key", c, app_s(a, "key_clear"), app_s(a, "key_del"));
    if (k)
        app_mark_dirty(a);
}

enum { BOX_TOGGLE = 1, BOX_CHART = 2 };

static int chart_page, chart_pages; /* UI thread only */

static struct wg_chart sample_chart(struct app *a)
{
    static const double sbp[6] = {128, 134, 141, 138, 131, 126};
    struct wg_chart ch = {.values = sbp,
                          .n = 6,
                          .min = 100,
                          .max = 160,
                          .band_lo = 100,
                          .band_hi = 129,
                          .top_label = app_s(a, "chart_top"),
                          .bottom_label = app_s(a, "chart_bottom"),
                          .band_label = app_s(a, "chart_band"),
                          .has_line = true,
                          .line = 140};
    return ch;
}

static void draw_box(struct app *a, const struct ckpage_block *b, struct ui_rect r)
{
    if (b->tag == BOX_TOGGLE)
        wg_toggle(a->ui, "sample", r, app_s(a, "q_sound"), true, app_s(a, "yes"), app_s(a, "no"));
    else if (r.h > 0) {
        struct wg_chart ch = sample_chart(a);
        wg_chart(a->ui, r, &ch);
    }
}

static const char *pager_words(struct app *a, const struct ckpage *pg, int first, bool next)
{
    (void)pg;
    (void)first;
    return app_s(a, next ? "shop_page_next" : "shop_page_prev");
}

/* The toggle above the chart; when the chart would get less than its least plot (large text
 * below a notice band) the chart goes on a page of its own, with ◀ ▶ stacked beside it where
 * below them it would still be short. */
static void chart_frame(struct app *a, struct ui_rect c)
{
    static struct ckpage pg;
    struct ui *ui = a->ui;
    struct wg_chart ch = sample_chart(a);
    int gap = app_gap(a);
    int least = wg_chart_text_height(ui, c.w, &ch) + ui_mm(ui, CK_PLOT_LEAST_MM);
    const char *q = app_s(a, "q_sound");
    int th = wg_toggle_height(ui, c.w, q, app_s(a, "yes"), app_s(a, "no"));
    const char *w[1] = {app_s(a, "shop_page_next")};
    int room = ckpage_room(a, c, w, 1);
    ckpage_begin(&pg);
    if (th <= room || ckpage_side_rect(a, c).w == 0)
        ckpage_box(&pg, th, BOX_TOGGLE);
    else
        ckpage_box_side(&pg, BOX_TOGGLE);
    if (c.h - th - gap >= least)
        ckpage_box(&pg, c.h - th - gap, BOX_CHART);
    else if (room >= least || ckpage_side_rect(a, c).w == 0)
        ckpage_box(&pg, room, BOX_CHART);
    else
        ckpage_box_side(&pg, BOX_CHART);
    static const struct ckpage_ops ops = {draw_box, pager_words, "row"};
    ckpage_frame(a, c, &pg, &chart_page, &chart_pages, &ops);
}

static void chart_enter(struct app *a)
{
    (void)a;
    chart_page = 0;
}

static void chart_title(const struct app *a, char *buf, size_t size)
{
    ckpage_title(a, "title_gallery", chart_page, chart_pages, buf, size);
}

const struct screen scr_gallery = {.name = "gallery", .title_key = "title_gallery", .frame = frame};
const struct screen scr_gallery_chart = {.name = "gallery_chart",
                                         .title_key = "title_gallery",
                                         .enter = chart_enter,
                                         .frame = chart_frame,
                                         .title = chart_title};
