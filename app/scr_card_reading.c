/*
 * scr_card_reading: a card was placed and is being read (certificate, tries left; no PIN
 * try is used). After 1 s a progress line appears and counts the seconds, so a slow card
 * never looks like a frozen screen.
 */
#include "appstate.h"

static void frame(struct app *a, struct ui_rect c)
{
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    int gap = app_gap(a);
    int y = c.y;
    y += wg_paragraph(ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_BOLD, WG_TITLE_MM, t->text,
                      t->bg, app_s(a, "card_reading"), WG_LEFT) +
         gap;
    uint64_t ms = a->now_ms - a->card.inserted_ms;
    if (ms >= 1000) {
        char secs[16], line[160];
        snprintf(secs, sizeof secs, "%u", (unsigned)(ms / 1000));
        i18n_format(line, sizeof line, app_s(a, "card_reading_progress"), secs, NULL, NULL, NULL);
        y += wg_paragraph(ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_REGULAR, WG_BODY_MM,
                          t->text, t->bg, line, WG_LEFT) +
             gap;
        /* a bar that fills over the first 5 s, then stays full */
        int bw = c.w, bh = ui_mm(ui, 4);
        int fill = (int)((uint64_t)bw * (ms > 5000 ? 5000 : ms) / 5000);
        ui_frame(ui, (struct ui_rect){c.x, y, bw, bh}, t->text, ui_mm(ui, 0.5));
        ui_rect(ui, (struct ui_rect){c.x, y, fill, bh}, t->accent);
    }
}

static void sample(struct app *a, int variant)
{
    (void)variant;
    a->card.present = true;
    a->card.inserted_ms = a->now_ms > 2000 ? a->now_ms - 2000 : 0;
}

const struct screen scr_card_reading = {
    .name = "card_reading", .title_key = "title_card", .frame = frame, .sample = sample};
