/*
 * scr_gallery: the widgets no v1 journey shows yet (numeric keypad, line chart with a
 * reference band, toggle), on one screen so the catalogue checks their sizes and
 * contrast before the card-login and checkup screens use them. Not reachable by
 * navigation; the catalogue and `--screen gallery` open it.
 */
#include "appstate.h"

static void frame(struct app *a, struct ui_rect c)
{
    char k = wg_keypad(a->ui, "key", c, app_s(a, "key_clear"), app_s(a, "key_del"));
    if (k)
        app_mark_dirty(a);
}

static void chart_frame(struct app *a, struct ui_rect c)
{
    struct ui *ui = a->ui;
    int gap = app_gap(a);
    static const double sbp[6] = {128, 134, 141, 138, 131, 126};
    const char *q = app_s(a, "q_sound");
    int th = wg_toggle_height(ui, c.w, q, app_s(a, "yes"), app_s(a, "no"));
    wg_toggle(ui, "sample", (struct ui_rect){c.x, c.y, c.w, th}, q, true, app_s(a, "yes"),
              app_s(a, "no"));
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
    wg_chart(ui, (struct ui_rect){c.x, c.y + th + gap, c.w, c.h - th - gap}, &ch);
}

const struct screen scr_gallery = {.name = "gallery", .title_key = "title_gallery", .frame = frame};
const struct screen scr_gallery_chart = {
    .name = "gallery_chart", .title_key = "title_gallery", .frame = chart_frame};
