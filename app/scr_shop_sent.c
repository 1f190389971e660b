/*
 * scr_shop_sent: what happened to the order, in words. 送っています… until the hub
 * answers; 注文しました only after the hub's 201 (with the total and the slot); when the
 * hub cannot be reached on a home tablet with an outbox: kept on the tablet, 送信待ち,
 * sent by itself later (もう一度 送る retries the kept one, never a second order); when the
 * hub refuses for good: that it was not ordered, the number, and whom to phone.
 */
#include "appstate.h"
#include "wareki.h"

static void frame(struct app *a, struct ui_rect c)
{
    struct app_shop *s = a->shop;
    struct ui *ui = a->ui;
    int gap = app_gap(a);
    char head[256], body[512], total[64], n[16], slot[200];
    struct shop_slot sl;
    shopapp_yen(a, s->send.total_yen, total, sizeof total);
    slot[0] = '\0';
    if (shop_slot_parse(s->send.slot, &sl)) {
        char date[64], h1[16], h2[16];
        wareki_date(date, sizeof date, sl.year, sl.month, sl.day, a->lang);
        wareki_time(h1, sizeof h1, sl.start_h, 0);
        wareki_time(h2, sizeof h2, sl.end_h, 0);
        i18n_format(slot, sizeof slot, app_s(a, "shop_slot_words"), date, h1, h2, NULL);
    }
    bool retry = false, bad = false;
    switch (s->send.state) {
    case SHOP_SEND_NONE:
    case SHOP_SEND_SENDING:
        i18n_format(head, sizeof head, app_s(a, "shop_sending"), NULL, NULL, NULL, NULL);
        body[0] = '\0';
        break;
    case SHOP_SEND_DONE:
        i18n_format(head, sizeof head, app_s(a, "shop_sent"), NULL, NULL, NULL, NULL);
        i18n_format(body, sizeof body, app_s(a, "shop_sent_body"), total, slot, NULL, NULL);
        break;
    case SHOP_SEND_KEPT:
        snprintf(n, sizeof n, "%d", a->waiting > 0 ? a->waiting : 1);
        i18n_format(head, sizeof head, app_s(a, "shop_kept"), NULL, NULL, NULL, NULL);
        i18n_format(body, sizeof body, app_s_fail(a, "shop_kept_body"), n, NULL, NULL, NULL);
        retry = true;
        bad = true;
        break;
    case SHOP_SEND_FAILED:
        bad = true;
        if (s->send.fail == APP_NET_REFUSED) {
            snprintf(n, sizeof n, "%ld", s->send.http_status);
            i18n_format(head, sizeof head, app_s(a, "shop_refused"), NULL, NULL, NULL, NULL);
            i18n_format(body, sizeof body,
                        app_s(a, s->send.http_status == 422 ? "shop_refused_district"
                                                            : "shop_refused_body"),
                        n, NULL, NULL, NULL);
        } else {
            i18n_format(head, sizeof head, app_s(a, "shop_failed"), NULL, NULL, NULL, NULL);
            i18n_format(body, sizeof body, app_s_fail(a, "shop_failed_body"), NULL, NULL, NULL,
                        NULL);
        }
        break;
    }
    struct wg_button list = {
        "shop_orders", app_s(a, "shop_orders"), ICON_STATUS, WG_PRIMARY, false, 0};
    struct wg_button again = {
        "retry", app_s(a, "shop_retry_send"), ICON_REFRESH, WG_SECONDARY, false, 0};
    bool done = s->send.state != SHOP_SEND_SENDING && s->send.state != SHOP_SEND_NONE;
    int bw = retry ? (c.w - gap) / 2 : c.w;
    int bh = done ? wg_button_height(ui, &list, bw) : 0;
    int h2 = retry ? wg_button_height(ui, &again, bw) : 0;
    bh = h2 > bh ? h2 : bh;
    int by = c.y + c.h - bh;
    /* the words above the buttons, paged by the room they get (a notice band at large text) */
    const struct shopapp_words words[2] = {{head, UI_FONT_BOLD, WG_TITLE_MM, bad, gap},
                                           {body, UI_FONT_REGULAR, WG_BODY_MM, false, 0}};
    s->sent_page =
        shopapp_words_paged(a, (struct ui_rect){c.x, c.y, c.w, (done ? by - gap : by) - c.y}, words,
                            body[0] ? 2 : 1, s->sent_page, &s->sent_pages);
    if (!done)
        return;
    if (retry && wg_button(ui, &again, (struct ui_rect){c.x + bw + gap, by, bw, bh})) {
        /* the order is kept on the tablet: send that one again now, never a second one */
        if (a->ports.retry_pending)
            a->ports.retry_pending(a->ports.ctx);
        s->send.state = SHOP_SEND_SENDING;
        app_mark_dirty(a);
    }
    if (wg_button(ui, &list, (struct ui_rect){c.x, by, bw, bh})) {
        s->orders_page = 0;
        app_nav_replace(a, &scr_shop_orders);
    }
}

static void enter(struct app *a)
{
    a->shop->sent_page = 0;
    a->shop->sent_pages = 1;
}

static void title(const struct app *a, char *buf, size_t size)
{
    app_title_page(a, "title_shop_sent", a->shop->sent_page, a->shop->sent_pages, buf, size);
}

static void sample(struct app *a, int variant)
{
    shopapp_sample(a);
    struct app_shop *s = a->shop;
    s->send.state = variant == 0   ? SHOP_SEND_SENDING
                    : variant == 1 ? SHOP_SEND_DONE
                    : variant == 2 ? SHOP_SEND_KEPT
                                   : SHOP_SEND_FAILED;
    s->send.total_yen = shop_cart_total(&s->cart, &s->cat);
    snprintf(s->send.slot, sizeof s->send.slot, "%s", s->slots[3].wire);
    s->send.order_id = 41;
    s->send.fail = variant == 3 ? APP_NET_REFUSED : APP_NET_UNREACHABLE;
    s->send.http_status = 422;
    if (variant == 2) {
        a->waiting = 1;
        a->net = NET_DOWN;
    }
}

const struct screen scr_shop_sent = {.name = "shop_sent",
                                     .title_key = "title_shop_sent",
                                     .enter = enter,
                                     .frame = frame,
                                     .sample = sample,
                                     .title = title};
