/*
 * scr_priv_own: on the home tablet, the resident's own data behind the card (step-up, in
 * app.c): お知らせ (alerts with who acknowledged them), 健診の結果, 私の情報. Reached from 安否;
 * each choice asks for the card first, then opens.
 */
#include "appstate.h"

static void frame(struct app *a, struct ui_rect c)
{
    struct ui *ui = a->ui;
    int gap = app_gap(a);
    const char *body = app_s(a, "priv_own_body");
    struct wg_button b[3] = {
        {"priv_alerts", app_s(a, "tile_priv_alerts"), ICON_HELP, WG_SECONDARY, true, 0},
        {"ck_list", app_s(a, "tile_ck"), ICON_STATUS, WG_SECONDARY, true, 0},
        {"priv_menu", app_s(a, "tile_priv_menu"), ICON_CARD, WG_SECONDARY, true, 0}};
    const struct screen *to[3] = {&scr_priv_alerts, &scr_ck_list, &scr_priv_menu};
    int bw = (c.w - 2 * gap) / 3, bh = 0;
    for (int i = 0; i < 3; i++) {
        int h = wg_button_height(ui, &b[i], bw);
        bh = h > bh ? h : bh;
    }
    int body_h = wg_text_height(ui, UI_FONT_REGULAR, WG_BODY_MM, body, c.w) + gap;
    int tapped = -1;
    if (body_h + bh > c.h) {
        /* a notice band at large text: one choice a row (the icon beside the words), over
         * pages */
        for (int i = 0; i < 3; i++)
            b[i].icon_above = false;
        tapped = priv_choices_paged(a, c, body, b, 3, &a->pv.own_page, &a->pv.own_pages);
    } else {
        a->pv.own_pages = 1;
        int y = c.y + priv_para(a, c, c.y, false, body);
        int room = c.y + c.h - y;
        int want = room < ui_mm(ui, 45) ? room : ui_mm(ui, 45);
        bh = want > bh ? want : bh;
        for (int i = 0; i < 3; i++)
            if (wg_button(ui, &b[i], (struct ui_rect){c.x + i * (bw + gap), y, bw, bh}))
                tapped = i;
    }
    if (tapped >= 0)
        app_nav_push(a, to[tapped]);
}

static void title(const struct app *a, char *buf, size_t size)
{
    app_title_page(a, "title_priv_own", a->pv.own_page, a->pv.own_pages, buf, size);
}

const struct screen scr_priv_own = {
    .name = "priv_own", .title_key = "title_priv_own", .title = title, .frame = frame};
