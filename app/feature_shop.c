/*
 * feature_shop: shopping and family requests (shopstate.h, shopapp.c) as a feature of the
 * kiosk. The cart and lists stay on a home tablet across card sessions (they are the
 * tablet's own resident's); a public kiosk forgets them when a session ends.
 */
#include "appstate.h"
#include "feature.h"

static void wipe(struct app *a, enum feature_wipe why)
{
    if (why == FEATURE_WIPE_SAMPLE ||
        (why == FEATURE_WIPE_SESSION && a->cfg.profile == APP_PROFILE_PUBLIC))
        shopapp_wipe(a);
}

bool feature_shop_owns(int kind)
{
    switch (kind) {
    case APP_EV_SHOP_OPERATORS:
    case APP_EV_SHOP_CATALOGUE:
    case APP_EV_SHOP_ORDER:
    case APP_EV_SHOP_ORDERS:
    case APP_EV_REQ_SENT:
    case APP_EV_REQ_LIST:
    case APP_EV_REQ_ANSWERED:
        return true;
    default:
        return false;
    }
}

static bool handle(struct app *a, const struct app_event *ev)
{
    if (!feature_shop_owns(ev->kind))
        return false;
    shopapp_handle(a, ev);
    app_screen_event(a, ev);
    return true;
}

static const struct screen *const screens[] = {
    &scr_shop_menu,       &scr_shop_operators,
    &scr_shop_categories, &scr_shop_items,
    &scr_shop_cart,       &scr_shop_slot,
    &scr_shop_confirm,    &scr_shop_sent,
    &scr_shop_orders,     &scr_req_send,
    &scr_req_sent,        &scr_req_list,
    &scr_req_inbox,       NULL,
};

static const struct feature_sample samples[] = {
    {"shop_menu", &scr_shop_menu, 0},
    {"shop_operators", &scr_shop_operators, 0},
    {"shop_operators_failed", &scr_shop_operators, 1},
    {"shop_categories", &scr_shop_categories, 0},
    {"shop_categories_empty_cart", &scr_shop_categories, 1},
    {"shop_items", &scr_shop_items, 0},
    {"shop_items_staples", &scr_shop_items, 1},
    {"shop_items_page2", &scr_shop_items, 2},
    {"shop_items_max", &scr_shop_items, 3},
    {"shop_cart", &scr_shop_cart, 0},
    {"shop_cart_empty", &scr_shop_cart, 1},
    {"shop_slot", &scr_shop_slot, 0},
    {"shop_confirm", &scr_shop_confirm, 0},
    {"shop_confirm_page2", &scr_shop_confirm, 1},
    {"shop_confirm_page3", &scr_shop_confirm, 2},
    {"shop_confirm_page4", &scr_shop_confirm, 3},
    {"shop_confirm_last", &scr_shop_confirm, 99},
    {"shop_sending", &scr_shop_sent, 0},
    {"shop_sent", &scr_shop_sent, 1},
    {"shop_kept", &scr_shop_sent, 2},
    {"shop_refused", &scr_shop_sent, 3},
    {"shop_orders", &scr_shop_orders, 0},
    {"shop_orders_page2", &scr_shop_orders, 1},
    {"shop_orders_empty", &scr_shop_orders, 2},
    {"req_send", &scr_req_send, 0},
    {"req_send_whom", &scr_req_send, 1},
    {"req_send_no_family", &scr_req_send, 2},
    {"req_sent", &scr_req_sent, 0},
    {"req_kept", &scr_req_sent, 1},
    {"req_refused", &scr_req_sent, 2},
    {"req_list", &scr_req_list, 0},
    {"req_list_empty", &scr_req_list, 1},
    {"req_inbox", &scr_req_inbox, 0},
    {"req_inbox_empty", &scr_req_inbox, 1},
    {NULL, NULL, 0},
};

const struct app_feature feature_shop = {
    .name = "shop",
    .create = shopapp_create,
    .destroy = shopapp_destroy,
    .wipe = wipe,
    .handle = handle,
    .tick = shopapp_tick,
    .next_deadline = shopapp_next_deadline,
    .busy = shopapp_busy,
    .frame_begin = shopapp_frame_begin,
    .screens = screens,
    .samples = samples,
};
