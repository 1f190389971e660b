/*
 * scr_menu: くらし, the home tablet's second level. Home keeps six choices (three answers,
 * 助けて, くらし, 設定); everything else a resident does at home starts here, so each
 * function stays within three taps of home at every text size: 安否, 買い物・たのむ, and
 * 私の情報 (the resident's own data, behind the card).
 */
#include "appstate.h"

static void frame(struct app *a, struct ui_rect c)
{
    struct ui *ui = a->ui;
    int gap = app_gap(a);
    struct wg_button b[3] = {
        {"status", app_s(a, "tile_status"), ICON_STATUS, WG_SECONDARY, true, 0},
        {"shop_menu", app_s(a, "tile_shop"), ICON_NEXT, WG_SECONDARY, true, 0},
        {"priv_own", app_s(a, "tile_my_data"), ICON_CARD, WG_SECONDARY, true, 0}};
    const struct screen *to[3] = {&scr_status, &scr_shop_menu, &scr_priv_own};
    int bw = (c.w - 2 * gap) / 3, bh = 0;
    for (int i = 0; i < 3; i++) {
        int h = wg_button_height(ui, &b[i], bw);
        bh = h > bh ? h : bh;
    }
    /* big targets: up to 45 mm tall when the screen has room */
    int want = c.h < ui_mm(ui, 45) ? c.h : ui_mm(ui, 45);
    bh = want > bh ? want : bh;
    for (int i = 0; i < 3; i++)
        if (wg_button(ui, &b[i], (struct ui_rect){c.x + i * (bw + gap), c.y, bw, bh}))
            app_nav_push(a, to[i]);
}

const struct screen scr_menu = {.name = "menu", .title_key = "title_menu", .frame = frame};
