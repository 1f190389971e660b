/*
 * scr_card_idle: the public kiosk's waiting screen: place the My Number card on the
 * reader. After a session that ended with the card still in the reader it reminds the
 * resident to take it. One choice: the other language (each language names itself).
 */
#include "appstate.h"

static void frame(struct app *a, struct ui_rect c)
{
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    int gap = app_gap(a);
    bool ja = a->lang[0] == 'j';
    /* a card lying here outside a login (cancelled, timed out, ended): take it */
    bool remind = a->card.present;
    const char *head = app_s(a, remind ? "card_take" : "card_place");
    const char *note = app_s(a, remind              ? "card_take_note"
                                : a->card.reader_ok ? "card_place_note"
                                                    : "card_no_reader");
    struct wg_button b = {
        "lang_switch", ja ? "English" : "日本語", ICON_LANGUAGE, WG_SECONDARY, false, 0};
    int bw = c.w / 2;
    int bh = wg_button_height(ui, &b, bw);
    /* the picture takes what the words and the button leave, at most 30 mm */
    int words = wg_text_height(ui, UI_FONT_BOLD, WG_TITLE_MM, head, c.w) +
                wg_text_height(ui, UI_FONT_REGULAR, WG_BODY_MM, note, c.w);
    int icon = c.h - words - bh - 3 * gap;
    if (icon > ui_mm(ui, 30))
        icon = ui_mm(ui, 30);
    int y = c.y;
    if (icon > ui_mm(ui, 8)) {
        icon_draw(ui, ICON_CARD, (struct ui_rect){c.x + (c.w - icon) / 2, c.y, icon, icon}, t->text,
                  t->bg);
        y += icon + gap;
    }
    y += wg_paragraph(ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_BOLD, WG_TITLE_MM,
                      remind ? t->warn_text : t->text, t->bg, head, WG_CENTER) +
         gap;
    y += wg_paragraph(ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_REGULAR, WG_BODY_MM, t->text,
                      t->bg, note, WG_CENTER) +
         gap;
    int by = c.y + c.h - bh > y ? c.y + c.h - bh : y;
    if (wg_button(ui, &b, (struct ui_rect){c.x + (c.w - bw) / 2, by, bw, bh}))
        app_set_lang(a, ja ? "en" : "ja");
}

static void sample(struct app *a, int variant)
{
    a->card.reader_ok = true;
    a->card.present = variant == 1;
    a->card.remind_remove = variant == 1;
}

const struct screen scr_card_idle = {
    .name = "card_idle", .title_key = "title_card", .frame = frame, .sample = sample};
