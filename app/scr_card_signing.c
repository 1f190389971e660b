/*
 * scr_card_signing: the card is signing the hub's challenge and the hub is checking it.
 * Words only; the next screen comes with the login's answer (or the card's removal).
 */
#include "appstate.h"

static void frame(struct app *a, struct ui_rect c)
{
    const struct theme *t = ui_theme(a->ui);
    int y = c.y;
    y += wg_paragraph(a->ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_BOLD, WG_TITLE_MM, t->text,
                      t->bg, app_s(a, "card_signing"), WG_LEFT) +
         app_gap(a);
    wg_paragraph(a->ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_REGULAR, WG_BODY_MM, t->text,
                 t->bg, app_s(a, "card_signing_note"), WG_LEFT);
}

static void sample(struct app *a, int variant)
{
    (void)variant;
    a->card.present = true;
}

const struct screen scr_card_signing = {
    .name = "card_signing", .title_key = "title_card", .frame = frame, .sample = sample};
