/*
 * scr_card_stepup: the home tablet asks for the My Number card before a screen with the
 * resident's own data (a step-up: the same card login as the public kiosk, then on to the
 * screen asked for; app.c, "needs_card"). Words only; Back cancels and returns to where
 * the resident was. Placing the card moves on by itself.
 */
#include "appstate.h"

static void frame(struct app *a, struct ui_rect c)
{
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    int gap = app_gap(a);
    int y = c.y;
    int icon = ui_mm(ui, 25);
    if (c.h > icon * 3) {
        icon_draw(ui, ICON_CARD, (struct ui_rect){c.x + (c.w - icon) / 2, y, icon, icon}, t->text,
                  t->bg);
        y += icon + gap;
    }
    y += wg_paragraph(ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_BOLD, WG_TITLE_MM, t->text,
                      t->bg, app_s(a, "card_stepup"), WG_CENTER) +
         gap;
    wg_paragraph(ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_REGULAR, WG_BODY_MM, t->text, t->bg,
                 app_s(a, a->card.reader_ok ? "card_stepup_note" : "card_no_reader"), WG_CENTER);
}

static void sample(struct app *a, int variant)
{
    (void)variant;
    a->card.reader_ok = true;
}

const struct screen scr_card_stepup = {
    .name = "card_stepup", .title_key = "title_stepup", .frame = frame, .sample = sample};
