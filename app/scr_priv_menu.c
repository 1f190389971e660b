/*
 * scr_priv_menu: 私の情報 in a card session: two big choices, the access log (who saw what)
 * and the consent settings (who may see what). One tap from the session's home, so both
 * are two taps away.
 */
#include "appstate.h"

static void frame(struct app *a, struct ui_rect c)
{
    struct ui *ui = a->ui;
    int gap = app_gap(a);
    int y = c.y + priv_para(a, c, c.y, false, app_s(a, "priv_menu_body"));
    struct wg_button b[2] = {
        {"priv_log", app_s(a, "priv_menu_log"), ICON_STATUS, WG_SECONDARY, true, 0},
        {"priv_consent", app_s(a, "priv_menu_consent"), ICON_CHECK, WG_SECONDARY, true, 0}};
    int bw = (c.w - gap) / 2, bh = 0;
    for (int i = 0; i < 2; i++) {
        int h = wg_button_height(ui, &b[i], bw);
        bh = h > bh ? h : bh;
    }
    int room = c.y + c.h - y;
    int want = room < ui_mm(ui, 45) ? room : ui_mm(ui, 45);
    bh = want > bh ? want : bh; /* grow to the room left, never below what the words need */
    if (wg_button(ui, &b[0], (struct ui_rect){c.x, y, bw, bh}))
        app_nav_push(a, &scr_priv_log);
    if (wg_button(ui, &b[1], (struct ui_rect){c.x + bw + gap, y, bw, bh}))
        app_nav_push(a, &scr_priv_consent);
}

static void sample(struct app *a, int variant)
{
    (void)variant;
    a->card.present = true;
    a->card.in_session = true;
}

const struct screen scr_priv_menu = {
    .name = "priv_menu", .title_key = "title_priv_menu", .frame = frame, .sample = sample};
