/*
 * scr_shop_menu: the home tablet's くらしの 用事 menu: 買い物を する, 注文を 見る,
 * 家族に たのむ, 家族の 返事 — four choices, one tap from home. It also asks the hub which
 * operators deliver here and which family members may receive requests, so the next
 * screen has them.
 */
#include "appstate.h"

static void frame(struct app *a, struct ui_rect c)
{
    struct ui *ui = a->ui;
    int gap = app_gap(a);
    struct wg_button b[4] = {
        {"shop_start", app_s(a, "shop_start"), ICON_NONE, WG_PRIMARY, false, 0},
        {"shop_orders", app_s(a, "shop_orders"), ICON_STATUS, WG_SECONDARY, false, 0},
        {"req_start", app_s(a, "req_start"), ICON_HELP, WG_SECONDARY, false, 0},
        {"req_list", app_s(a, "req_list"), ICON_CHECK, WG_SECONDARY, false, 0},
    };
    int bw = (c.w - gap) / 2, rh[2] = {0, 0};
    for (int i = 0; i < 4; i++) {
        int h = wg_button_height(ui, &b[i], bw);
        rh[i / 2] = h > rh[i / 2] ? h : rh[i / 2];
    }
    /* the rows share the room that is left, up to 40 mm each: the bigger the easier */
    int spare = (c.h - rh[0] - rh[1] - gap) / 2;
    for (int k = 0; k < 2; k++) {
        int grow = spare < ui_mm(ui, 40) - rh[k] ? spare : ui_mm(ui, 40) - rh[k];
        rh[k] += grow > 0 ? grow : 0;
    }
    for (int i = 0; i < 4; i++) {
        int y = c.y + (i / 2) * (rh[0] + gap);
        if (!wg_button(ui, &b[i], (struct ui_rect){c.x + (i % 2) * (bw + gap), y, bw, rh[i / 2]}))
            continue;
        switch (i) {
        case 0:
            shopapp_start(a); /* one operator: straight to its categories */
            break;
        case 1:
            a->shop->orders_page = 0;
            app_nav_push(a, &scr_shop_orders);
            break;
        case 2:
            a->shop->req_code = -1;
            app_nav_push(a, &scr_req_send);
            break;
        default:
            a->shop->reqs_page = 0;
            app_nav_push(a, &scr_req_list);
            break;
        }
    }
}

static void enter(struct app *a)
{
    if (!a->shop->ops_load.loaded)
        shopapp_load_operators(a);
}

static void sample(struct app *a, int variant)
{
    (void)variant;
    a->shop->ops_load.loaded = true;
}

const struct screen scr_shop_menu = {.name = "shop_menu",
                                     .title_key = "title_shop_menu",
                                     .enter = enter,
                                     .frame = frame,
                                     .sample = sample};
