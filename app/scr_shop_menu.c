/*
 * scr_shop_menu: the home tablet's くらしの 用事 menu: 買い物を する, 注文を 見る,
 * 家族に たのむ, 家族の 返事 — four choices, one tap from home. It also asks the hub which
 * operators deliver here and which family members may receive requests, so the next
 * screen has them.
 */
#include "appstate.h"

static void frame(struct app *a, struct ui_rect c)
{
    struct app_shop *s = a->shop;
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
    /* both rows when they fit; else (a notice band at large text) one row a page, ◀ ▶ below
     * and the page in the title */
    int rows = 2, first = 0, bar = 0;
    bool compact = false;
    if (rh[0] + gap + rh[1] > c.h) {
        /* the words without icons (as くらし under a band): a label beside its icon took two
         * lines */
        rows = 1;
        rh[0] = rh[1] = 0;
        for (int i = 0; i < 4; i++) {
            b[i].icon = ICON_NONE;
            int h = wg_button_height(ui, &b[i], bw);
            rh[i / 2] = h > rh[i / 2] ? h : rh[i / 2];
        }
        compact = shopapp_bar_compact(a, c.w, NULL, c.h - (rh[0] > rh[1] ? rh[0] : rh[1]));
        bar = shopapp_bar_height(a, c.w, NULL, compact);
        s->menu_page = s->menu_page > 1 ? 1 : s->menu_page;
        first = s->menu_page;
    }
    s->menu_pages = rows == 1 ? 2 : 1;
    /* one row a page: each tile as wide as its words need on one line, where both fit so,
     * the rest shared */
    int tw[4] = {bw, bw, bw, bw};
    if (rows == 1) {
        int need[2];
        for (int k = 0; k < 2; k++) {
            struct wg_button one = b[2 * first + k];
            one.style = WG_SECONDARY; /* one line of its words (a primary is taller anyway) */
            int h1 = wg_button_height(ui, &one, c.w);
            need[k] = ui_mm(ui, 16);
            while (need[k] < c.w && wg_button_height(ui, &one, need[k]) > h1)
                need[k] += ui_mm(ui, 2);
        }
        int spare = c.w - gap - need[0] - need[1];
        if (spare >= 0) {
            tw[2 * first] = need[0] + spare / 2;
            tw[2 * first + 1] = c.w - gap - tw[2 * first];
            rh[first] = 0;
            for (int k = 0; k < 2; k++) {
                int h = wg_button_height(ui, &b[2 * first + k], tw[2 * first + k]);
                rh[first] = h > rh[first] ? h : rh[first];
            }
        }
    }
    /* the rows share the room that is left, up to 40 mm each: the bigger the easier */
    int left = c.h - (bar ? bar + gap : 0) - (rows - 1) * gap;
    for (int k = first; k < first + rows; k++)
        left -= rh[k];
    int spare = left / rows;
    for (int k = first; k < first + rows; k++) {
        int grow = spare < ui_mm(ui, 40) - rh[k] ? spare : ui_mm(ui, 40) - rh[k];
        rh[k] += grow > 0 ? grow : 0;
    }
    for (int i = 2 * first; i < 2 * (first + rows); i++) {
        int y = c.y + (i / 2 - first) * (rh[first] + gap);
        int x = c.x + (i % 2 ? tw[i - 1] + gap : 0);
        if (!wg_button(ui, &b[i], (struct ui_rect){x, y, tw[i], rh[i / 2]}))
            continue;
        switch (i) {
        case 0:
            shopapp_start(a); /* one operator: straight to its categories */
            break;
        case 1:
            s->orders_page = 0;
            app_nav_push(a, &scr_shop_orders);
            break;
        case 2:
            s->req_code = -1;
            app_nav_push(a, &scr_req_send);
            break;
        default:
            s->reqs_page = 0;
            app_nav_push(a, &scr_req_list);
            break;
        }
    }
    if (rows == 1) {
        bool hit;
        int d = shopapp_bar(a, (struct ui_rect){c.x, c.y + c.h - bar, c.w, bar}, NULL, compact,
                            s->menu_page, 2, &hit);
        if (d)
            s->menu_page += d;
    }
}

static void title(const struct app *a, char *buf, size_t size)
{
    app_title_page(a, "title_shop_menu", a->shop->menu_page, a->shop->menu_pages, buf, size);
}

static void enter(struct app *a)
{
    a->shop->menu_page = 0;
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
                                     .sample = sample,
                                     .title = title};
