/*
 * scr_card_pin: the PIN pad. Tries left are said before entry; the digits show as big
 * dots, never as digits; 3×4 keys with 全部 消す (clear) and 1文字 消す (delete one: not
 * "もどす", which reads like もどる, the Back button beside it); 決定 sends
 * the 4 digits to the card port, which copies them, and they are wiped here at once.
 * Leaving the screen wipes them too. A public kiosk never shows this pad when only one
 * try is left (app.c routes to scr_card_message instead).
 */
#include <string.h>

#include "appstate.h"

/* The least share of the width (%) the keys keep: three keys a row stay well above the
 * 15 mm a target needs, with 1文字 消す's label inside at 150 %. */
#define PIN_KEYS_LEAST 45

static void frame(struct app *a, struct ui_rect c)
{
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    int gap = app_gap(a);
    char tries[16], line[256];
    /* left: what to do, the dots, 決定; right: the keys */
    int lw = (c.w - gap) * 45 / 100, kx = c.x + lw + gap, kw = c.w - lw - gap;
    if (a->card.tries == APP_TRIES_UNKNOWN)
        i18n_format(line, sizeof line, app_s(a, "pin_ask"), NULL, NULL, NULL, NULL);
    else {
        /* said as the number of wrong PINs that lock the card (the card's own count), and
         * at the last try as "the next wrong PIN locks it": never "N mistakes allowed",
         * which is one more than true */
        static const char *const keys[2][2] = {{"pin_tries", "pin_tries_last"},
                                               {"pin_wrong", "pin_wrong_last"}};
        snprintf(tries, sizeof tries, "%d", a->card.tries);
        i18n_format(line, sizeof line, app_s(a, keys[a->card.wrong_pin][a->card.tries <= 1]), tries,
                    NULL, NULL, NULL);
    }
    char n[8], rest[128];
    snprintf(n, sizeof n, "%u", (unsigned)(4 - a->card.pin_len));
    i18n_format(rest, sizeof rest, app_s(a, "pin_more"), n, NULL, NULL, NULL);
    struct wg_button ok = {"pin_ok", app_s(a, "pin_ok"), ICON_CHECK, WG_PRIMARY, false, 0};
    int dot = ui_mm(ui, 4.5);
    /* At large text the words can be taller than the screen's room: the left column widens
     * (the keys keep at least PIN_KEYS_LEAST of the width) until they fit. The words below
     * the dots and 決定 share one place, so the column is planned for the taller: nothing
     * moves while the resident types. */
    for (int share = 45; share <= 100 - PIN_KEYS_LEAST; share++) {
        lw = (c.w - gap) * share / 100;
        int below = wg_text_height(ui, UI_FONT_REGULAR, WG_BODY_MM, rest, lw);
        int oh = wg_button_height(ui, &ok, lw);
        int need = wg_text_height(ui, UI_FONT_BOLD, WG_BODY_MM, line, lw) + gap + 2 * dot + gap +
                   (below > oh ? below : oh);
        if (need <= c.h)
            break;
    }
    kx = c.x + lw + gap;
    kw = c.w - lw - gap;
    int y = c.y;
    y += wg_paragraph(ui, (struct ui_rect){c.x, y, lw, 0}, UI_FONT_BOLD, WG_BODY_MM,
                      a->card.wrong_pin ? t->warn_text : t->text, t->bg, line, WG_LEFT) +
         gap;
    int step = (lw - 2 * dot) / 3;
    for (int i = 0; i < 4; i++) {
        int cx = c.x + dot + i * step, cy = y + dot;
        /* entered digits as filled dots, the rest as rings: never the digits themselves */
        ui_circle(ui, cx, cy, dot, (size_t)i < a->card.pin_len ? 0 : ui_mm(ui, 0.8), t->text);
    }
    y += 2 * dot + gap;
    int oh = wg_button_height(ui, &ok, lw);
    int oy = c.y + c.h - oh > y ? c.y + c.h - oh : y;
    if (a->card.pin_len == 4) {
        if (wg_button(ui, &ok, (struct ui_rect){c.x, oy, lw, oh}))
            app_card_submit(a);
    } else {
        wg_paragraph(ui, (struct ui_rect){c.x, y, lw, 0}, UI_FONT_REGULAR, WG_BODY_MM, t->text,
                     t->bg, rest, WG_LEFT);
    }
    char k = wg_keypad(ui, "pin", (struct ui_rect){kx, c.y, kw, c.h}, app_s(a, "key_clear"),
                       app_s(a, "key_del"));
    if (k >= '0' && k <= '9' && a->card.pin_len < 4)
        a->card.pin[a->card.pin_len++] = k;
    else if (k == 'C')
        app_card_wipe_pin(a);
    else if (k == 'D' && a->card.pin_len > 0)
        a->card.pin[--a->card.pin_len] = '\0';
    if (k)
        app_mark_dirty(a);
}

static void leave(struct app *a)
{
    app_card_wipe_pin(a);
}

static void sample(struct app *a, int variant)
{
    a->card.present = true;
    a->card.tries = variant == 1 ? 2 : 3;
    a->card.wrong_pin = variant == 1;
    a->card.pin_len = variant == 1 ? 4 : 2;
    memset(a->card.pin, '0', a->card.pin_len);
}

const struct screen scr_card_pin = {
    .name = "card_pin", .title_key = "title_pin", .leave = leave, .frame = frame, .sample = sample};
