/*
 * shopapp: the app's side of shopping and family requests: starting requests
 * through the ports, taking their answers into struct app_shop, the family member's
 * request inbox timer, and helpers the scr_shop_* / scr_req_* screens share (yen, status
 * words, pager). What a resident sees is decided here only from what the hub said: an
 * order is 送りました only after the hub's 201, 送信待ち while kept on the tablet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appstate.h"
#include "pageflow.h"
#include "wareki.h"

/* the family member's inbox is asked this often (and on 更新) */
#define INBOX_REFRESH_MS 30000

bool shopapp_create(struct app *a)
{
    a->shop = calloc(1, sizeof *a->shop);
    if (a->shop)
        a->shop->slot = -1;
    return a->shop != NULL;
}

void shopapp_destroy(struct app *a)
{
    if (!a || !a->shop)
        return;
    explicit_bzero(a->shop, sizeof *a->shop);
    free(a->shop);
    a->shop = NULL;
}

void shopapp_wipe(struct app *a)
{
    if (!a->shop)
        return;
    explicit_bzero(a->shop, sizeof *a->shop);
    a->shop->slot = -1;
}

static void new_key(struct app *a, char *key, size_t size, const char *what)
{
    snprintf(key, size, "%s-%s-%u", what, a->key_seed, ++a->key_counter);
}

static void load_start(struct shop_load *l, uint32_t req)
{
    l->req = req;
    l->loading = req != 0;
    l->failed = req == 0;
    l->refused = 0;
}

void shopapp_load_operators(struct app *a)
{
    struct app_shop *s = a->shop;
    if (s->ops_load.loading)
        return;
    load_start(&s->ops_load, a->ports.fetch_operators ? a->ports.fetch_operators(a->ports.ctx) : 0);
    a->dirty = true;
}

void shopapp_load_catalogue(struct app *a)
{
    struct app_shop *s = a->shop;
    if (s->op < 0 || s->op >= s->nops)
        return;
    if (s->cat_load.loaded && s->cat.operator_id == s->ops[s->op].id)
        return; /* already here */
    if (s->cat_load.loading && s->cat_want == s->ops[s->op].id)
        return; /* on its way */
    s->cat_want = s->ops[s->op].id;
    load_start(&s->cat_load, a->ports.fetch_catalogue
                                 ? a->ports.fetch_catalogue(a->ports.ctx, s->ops[s->op].id)
                                 : 0);
    a->dirty = true;
}

static void kept_add(struct app *a, uint32_t req)
{
    struct app_shop *s = a->shop;
    if (s->nkept == SHOP_KEPT_MAX) {
        memmove(&s->kept[0], &s->kept[1], (SHOP_KEPT_MAX - 1) * sizeof s->kept[0]);
        s->nkept--;
    }
    struct shop_kept *k = &s->kept[s->nkept++];
    memset(k, 0, sizeof *k);
    k->req = req;
    k->status = SHOP_ST_WAITING;
    k->total_yen = s->send.total_yen;
    k->at = a->wall_s;
    memcpy(k->slot, s->send.slot, sizeof k->slot); /* same size, NUL-terminated */
    k->slot[sizeof k->slot - 1] = '\0';
    k->nlines = shop_cart_lines(&s->cart, &s->cat);
    for (int i = 0; i < s->cat.nitems; i++)
        if (s->cart.qty[i] > 0) {
            memcpy(k->first_item, s->cat.items[i].name, sizeof k->first_item);
            k->first_item[sizeof k->first_item - 1] = '\0';
            break;
        }
}

static struct shop_kept *kept_find(struct app *a, uint32_t req)
{
    for (int i = 0; i < a->shop->nkept; i++)
        if (a->shop->kept[i].req == req)
            return &a->shop->kept[i];
    return NULL;
}

void shopapp_send_order(struct app *a)
{
    struct app_shop *s = a->shop;
    char body[4096], key[APP_KEY_MAX];
    if (s->send.state == SHOP_SEND_SENDING || s->slot < 0 || s->slot >= SHOP_SLOTS)
        return;
    memset(&s->send, 0, sizeof s->send);
    snprintf(s->send.slot, sizeof s->send.slot, "%s", s->slots[s->slot].wire);
    s->send.total_yen = shop_cart_total(&s->cart, &s->cat);
    s->send.at = a->wall_s;
    if (shop_order_body(&s->cart, &s->cat, s->send.slot, body, sizeof body) < 0) {
        s->send.state = SHOP_SEND_FAILED;
        s->send.fail = APP_NET_BAD_ANSWER;
        a->dirty = true;
        return;
    }
    new_key(a, key, sizeof key, "order");
    s->send.state = SHOP_SEND_SENDING;
    s->send.req =
        a->ports.send_order ? a->ports.send_order(a->ports.ctx, s->cat.operator_id, body, key) : 0;
    if (!s->send.req) {
        s->send.state = SHOP_SEND_FAILED;
        s->send.fail = APP_NET_UNREACHABLE;
    } else {
        kept_add(a, s->send.req);
    }
    a->dirty = true;
}

void shopapp_load_orders(struct app *a)
{
    struct app_shop *s = a->shop;
    if (s->orders_load.loading)
        return;
    load_start(&s->orders_load,
               a->ports.fetch_orders ? a->ports.fetch_orders(a->ports.ctx, SHOP_MAX_ORDERS) : 0);
    a->dirty = true;
}

void shopapp_send_request(struct app *a, int fi)
{
    struct app_shop *s = a->shop;
    char key[APP_KEY_MAX];
    if (fi < 0 || fi >= s->nfamily || s->req_code < 0 || s->req_code >= SHOP_REQ_CODES ||
        s->rsend.state == SHOP_SEND_SENDING)
        return;
    memset(&s->rsend, 0, sizeof s->rsend);
    s->rsend.family_id = s->family[fi].id;
    s->rsend.code = s->req_code;
    snprintf(s->rsend.family_name, sizeof s->rsend.family_name, "%s", s->family[fi].name);
    new_key(a, key, sizeof key, "req");
    s->rsend.state = SHOP_SEND_SENDING;
    s->rsend.req =
        a->ports.send_family_request
            ? a->ports.send_family_request(a->ports.ctx, s->rsend.family_id,
                                           shop_req_code_wire((enum shop_req_code)s->req_code), key)
            : 0;
    if (!s->rsend.req) {
        s->rsend.state = SHOP_SEND_FAILED;
        s->rsend.fail = APP_NET_UNREACHABLE;
    }
    a->dirty = true;
}

void shopapp_load_requests(struct app *a)
{
    struct app_shop *s = a->shop;
    if (s->reqs_load.loading)
        return;
    load_start(&s->reqs_load,
               a->ports.fetch_requests ? a->ports.fetch_requests(a->ports.ctx, SHOP_MAX_REQS) : 0);
    a->dirty = true;
}

void shopapp_load_inbox(struct app *a)
{
    struct app_shop *s = a->shop;
    s->inbox_next_ms = a->now_ms + INBOX_REFRESH_MS;
    if (s->inbox_load.loading)
        return;
    load_start(&s->inbox_load, a->ports.fetch_inbox ? a->ports.fetch_inbox(a->ports.ctx) : 0);
    a->dirty = true;
}

void shopapp_answer(struct app *a, long request_id)
{
    struct app_shop *s = a->shop;
    long delivery = 0;
    for (int i = 0; i < s->inbox.n; i++)
        if (s->inbox.r[i].id == request_id)
            delivery = s->inbox.r[i].delivery_id;
    if (s->answer.state == SHOP_SEND_SENDING)
        return;
    s->answer.request_id = request_id;
    s->answer.http_status = 0;
    s->answer.state = SHOP_SEND_SENDING;
    s->answer.req =
        a->ports.answer_request ? a->ports.answer_request(a->ports.ctx, request_id, delivery) : 0;
    if (!s->answer.req)
        s->answer.state = SHOP_SEND_FAILED;
    a->dirty = true;
}

const struct shop_order *shopapp_last_order(const struct app *a)
{
    const struct app_shop *s = a->shop;
    if (!s->orders_load.loaded || s->orders.n == 0 || s->orders.o[0].nkept == 0)
        return NULL;
    for (int i = 0; i < s->nops; i++)
        if (s->ops[i].id == s->orders.o[0].operator_id)
            return &s->orders.o[0];
    return NULL;
}

void shopapp_start(struct app *a)
{
    if (a->shop->nops == 1) {
        a->shop->op = 0;
        shopapp_load_catalogue(a);
        app_nav_push(a, &scr_shop_categories);
    } else {
        app_nav_push(a, &scr_shop_operators);
    }
}

void shopapp_to_confirm(struct app *a)
{
    struct app_shop *s = a->shop;
    shop_slots(a->wall_s, s->slots);
    if (s->slot < 0 || s->slot >= SHOP_SLOTS)
        s->slot = 0; /* the earliest: one tap less; 日を かえる changes it */
    app_nav_push(a, &scr_shop_confirm);
}

void shopapp_order_again(struct app *a)
{
    struct app_shop *s = a->shop;
    const struct shop_order *o = shopapp_last_order(a);
    if (!o)
        return;
    s->again = *o;
    for (int i = 0; i < s->nops; i++)
        if (s->ops[i].id == o->operator_id)
            s->op = i;
    s->slot = -1;
    if (s->cat_load.loaded && s->cat.operator_id == o->operator_id) {
        shop_cart_from_order(&s->cart, &s->cat, &s->again);
        s->again_pending = false;
    } else {
        s->again_pending = true;
        shop_cart_clear(&s->cart);
        shopapp_load_catalogue(a);
    }
    shopapp_to_confirm(a);
}

void shopapp_day_words(const struct app *a, int year, int month, int day, char *buf, size_t size)
{
    char date[64], key[8];
    wareki_date(date, sizeof date, year, month, day, a->lang);
    snprintf(key, sizeof key, "wday_%d", shop_weekday(year, month, day));
    i18n_format(buf, size, app_s(a, "shop_day"), date, app_s(a, key), NULL, NULL);
}

/* --- answers --- */

static void load_done(struct app *a, struct shop_load *l, const struct app_event *ev)
{
    l->loading = false;
    if (ev->net == APP_NET_OK && ev->shop_data) {
        l->loaded = true;
        l->failed = false;
        l->refused = 0;
        l->at = a->wall_s;
    } else {
        l->failed = true;
        l->refused = ev->net == APP_NET_REFUSED ? ev->status : 0;
    }
    if (ev->net != APP_NET_UNREACHABLE && a->net != NET_OK)
        a->net = NET_OK;
    else if (ev->net == APP_NET_UNREACHABLE)
        a->net = NET_DOWN;
    a->dirty = true;
}

/* Merges the family member's pulled requests into the inbox (newest first, by id). */
static void inbox_merge(struct app_shop *s, const struct shop_requests *in)
{
    for (int i = 0; i < in->n; i++) {
        int k;
        for (k = 0; k < s->inbox.n; k++)
            if (s->inbox.r[k].id == in->r[i].id)
                break;
        if (k < s->inbox.n) {
            /* known: keep what we know about our answer */
            bool ans = s->inbox.r[k].answered || in->r[i].answered;
            s->inbox.r[k] = in->r[i];
            s->inbox.r[k].answered = ans;
            continue;
        }
        if (s->inbox.n == SHOP_MAX_REQS)
            s->inbox.n--; /* drop the oldest */
        memmove(&s->inbox.r[1], &s->inbox.r[0], (size_t)s->inbox.n * sizeof s->inbox.r[0]);
        s->inbox.r[0] = in->r[i];
        s->inbox.n++;
    }
    /* newest first */
    for (int i = 1; i < s->inbox.n; i++)
        for (int k = i; k > 0 && s->inbox.r[k].id > s->inbox.r[k - 1].id; k--) {
            struct shop_request t = s->inbox.r[k];
            s->inbox.r[k] = s->inbox.r[k - 1];
            s->inbox.r[k - 1] = t;
        }
}

static int inbox_unanswered(const struct app_shop *s)
{
    int n = 0;
    for (int i = 0; i < s->inbox.n; i++)
        n += !s->inbox.r[i].answered;
    return n;
}

void shopapp_handle(struct app *a, const struct app_event *ev)
{
    struct app_shop *s = a->shop;
    switch (ev->kind) {
    case APP_EV_SHOP_OPERATORS:
        if (ev->req != s->ops_load.req)
            break;
        load_done(a, &s->ops_load, ev);
        if (ev->net == APP_NET_OK && ev->shop_data) {
            const struct shop_ops_payload *p = ev->shop_data;
            s->nops = 0;
            for (int i = 0; i < p->n && i < SHOP_MAX_OPS; i++)
                if (p->ops[i].has_catalogue)
                    s->ops[s->nops++] = p->ops[i];
            if (s->op >= s->nops)
                s->op = 0;
        }
        break;
    case APP_EV_SHOP_CATALOGUE:
        if (ev->req != s->cat_load.req)
            break;
        load_done(a, &s->cat_load, ev);
        if (ev->net == APP_NET_OK && ev->shop_data) {
            const struct shop_catalogue *c = ev->shop_data;
            if (c->operator_id != s->cat.operator_id)
                shop_cart_clear(&s->cart); /* another operator's items */
            s->cat = *c;
            s->cat_idx = 0;
            s->item_page = 0;
            s->cat_page = 0;
            if (s->again_pending && s->again.operator_id == c->operator_id) {
                shop_cart_from_order(&s->cart, &s->cat, &s->again);
                s->again_pending = false;
            }
        }
        break;
    case APP_EV_SHOP_ORDER: {
        struct shop_kept *k = kept_find(a, ev->req);
        if (ev->waiting_known && ev->waiting != a->waiting)
            a->waiting = ev->waiting;
        if (ev->net == APP_NET_UNREACHABLE)
            a->net = NET_DOWN;
        else
            a->net = NET_OK;
        const struct shop_order *o = ev->shop_data;
        if (k) {
            if (ev->net == APP_NET_OK) {
                k->status = SHOP_ST_CREATED;
            } else if (!ev->kept) {
                k->status = SHOP_ST_REFUSED;
                k->http_status = ev->status;
            }
        }
        if (ev->net == APP_NET_OK && s->orders_load.loaded)
            shopapp_load_orders(a); /* a kept order arrived: the list shows the hub's view */
        if (ev->req != s->send.req ||
            (s->send.state != SHOP_SEND_SENDING && s->send.state != SHOP_SEND_KEPT))
            break;
        if (ev->net == APP_NET_OK) {
            s->send.state = SHOP_SEND_DONE;
            s->send.order_id = o ? o->id : 0;
            if (o && o->total_yen > 0)
                s->send.total_yen = o->total_yen;
            shop_cart_clear(&s->cart);
            app_tone(a, APP_TONE_SUCCESS);
        } else if (ev->kept) {
            if (s->send.state != SHOP_SEND_KEPT)
                app_tone(a, APP_TONE_FAILURE);
            s->send.state = SHOP_SEND_KEPT;
            s->send.fail = ev->net;
            shop_cart_clear(&s->cart); /* it is kept: the cart is the outbox's now */
        } else {
            s->send.state = SHOP_SEND_FAILED;
            s->send.fail = ev->net;
            s->send.http_status = ev->status;
            app_tone(a, APP_TONE_FAILURE);
        }
        break;
    }
    case APP_EV_SHOP_ORDERS:
        if (ev->req != s->orders_load.req)
            break;
        load_done(a, &s->orders_load, ev);
        if (ev->net == APP_NET_OK && ev->shop_data) {
            s->orders = *(const struct shop_orders *)ev->shop_data;
            if (s->orders.n > SHOP_MAX_ORDERS)
                s->orders.n = SHOP_MAX_ORDERS;
        }
        break;
    case APP_EV_REQ_SENT:
        if (ev->waiting_known && ev->waiting != a->waiting)
            a->waiting = ev->waiting;
        a->net = ev->net == APP_NET_UNREACHABLE ? NET_DOWN : NET_OK;
        if (ev->req != s->rsend.req ||
            (s->rsend.state != SHOP_SEND_SENDING && s->rsend.state != SHOP_SEND_KEPT))
            break;
        if (ev->net == APP_NET_OK) {
            s->rsend.state = SHOP_SEND_DONE;
            app_tone(a, APP_TONE_SUCCESS);
        } else if (ev->kept) {
            s->rsend.state = SHOP_SEND_KEPT;
            s->rsend.fail = ev->net;
        } else {
            s->rsend.state = SHOP_SEND_FAILED;
            s->rsend.fail = ev->net;
            s->rsend.http_status = ev->status;
            app_tone(a, APP_TONE_FAILURE);
        }
        break;
    case APP_EV_REQ_LIST: {
        struct shop_load *l = ev->is_inbox ? &s->inbox_load : &s->reqs_load;
        if (ev->req != l->req)
            break;
        int before = inbox_unanswered(s);
        load_done(a, l, ev);
        if (ev->net != APP_NET_OK || !ev->shop_data)
            break;
        const struct shop_reqs_payload *p = ev->shop_data;
        if (!ev->is_inbox) {
            s->reqs = p->reqs;
            if (s->reqs.n > SHOP_MAX_REQS)
                s->reqs.n = SHOP_MAX_REQS;
            s->nfamily = p->nfamily < 0                 ? 0
                         : p->nfamily > SHOP_MAX_FAMILY ? SHOP_MAX_FAMILY
                                                        : p->nfamily;
            memcpy(s->family, p->family, (size_t)s->nfamily * sizeof s->family[0]);
            break;
        }
        inbox_merge(s, &p->reqs);
        /* a new request is shown at once, over whatever the family member is looking at */
        if (inbox_unanswered(s) > before) {
            app_tone(a, APP_TONE_SUCCESS);
            if (a->stack[a->depth - 1] != &scr_req_inbox) {
                s->inbox_page = 0;
                app_nav_push(a, &scr_req_inbox);
            }
        }
        break;
    }
    case APP_EV_REQ_ANSWERED:
        if (ev->req != s->answer.req)
            break;
        a->net = ev->net == APP_NET_UNREACHABLE ? NET_DOWN : NET_OK;
        if (ev->net == APP_NET_OK) {
            s->answer.state = SHOP_SEND_DONE;
            for (int i = 0; i < s->inbox.n; i++)
                if (s->inbox.r[i].id == s->answer.request_id) {
                    s->inbox.r[i].answered = true;
                    s->inbox.r[i].answered_unix = a->wall_s;
                }
            app_tone(a, APP_TONE_SUCCESS);
        } else {
            s->answer.state = SHOP_SEND_FAILED;
            s->answer.http_status = ev->net == APP_NET_REFUSED ? ev->status : 0;
            app_tone(a, APP_TONE_FAILURE);
        }
        break;
    default:
        break;
    }
    a->dirty = true;
}

void shopapp_tick(struct app *a)
{
    if (a->cfg.profile == APP_PROFILE_FAMILY && a->ports.fetch_inbox &&
        a->now_ms >= a->shop->inbox_next_ms)
        shopapp_load_inbox(a);
}

uint64_t shopapp_next_deadline(const struct app *a)
{
    if (a->cfg.profile == APP_PROFILE_FAMILY && a->ports.fetch_inbox)
        return a->shop->inbox_next_ms;
    return UINT64_MAX;
}

bool shopapp_busy(const struct app *a)
{
    const struct app_shop *s = a->shop;
    return s->ops_load.loading || s->cat_load.loading || s->orders_load.loading ||
           s->reqs_load.loading || s->inbox_load.loading || s->send.state == SHOP_SEND_SENDING ||
           s->rsend.state == SHOP_SEND_SENDING || s->answer.state == SHOP_SEND_SENDING;
}

/* --- words --- */

void shopapp_yen(const struct app *a, long yen, char *buf, size_t size)
{
    char n[32], g[40];
    size_t len, k = 0;
    snprintf(n, sizeof n, "%ld", yen < 0 ? 0 : yen);
    len = strlen(n);
    /* thousands separators: 2,480 */
    for (size_t i = 0; i < len && k + 2 < sizeof g; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            g[k++] = ',';
        g[k++] = n[i];
    }
    g[k] = '\0';
    i18n_format(buf, size, app_s(a, "shop_yen"), g, NULL, NULL, NULL);
}

void shopapp_status_words(const struct app *a, const struct shop_order *o, char *buf, size_t size)
{
    char tm[16], n[16];
    switch (o->status) {
    case SHOP_ST_WAITING:
        i18n_format(buf, size, app_s(a, "shop_st_waiting"), NULL, NULL, NULL, NULL);
        break;
    case SHOP_ST_CREATED:
        i18n_format(buf, size, app_s(a, "shop_st_created"), NULL, NULL, NULL, NULL);
        break;
    case SHOP_ST_ACCEPTED:
        i18n_format(buf, size, app_s(a, "shop_st_accepted"), NULL, NULL, NULL, NULL);
        break;
    case SHOP_ST_OUT_FOR_DELIVERY:
        if (o->eta_unix > 0) {
            struct wareki_tm d;
            char day[96];
            wareki_jst(o->eta_unix, &d);
            shopapp_day_words(a, d.year, d.month, d.day, day, sizeof day);
            app_fmt_time(a, o->eta_unix, tm, sizeof tm);
            i18n_format(buf, size, app_s(a, "shop_st_eta"), day, tm, NULL, NULL);
        } else {
            i18n_format(buf, size, app_s(a, "shop_st_out"), NULL, NULL, NULL, NULL);
        }
        break;
    case SHOP_ST_DELIVERED:
        i18n_format(buf, size, app_s(a, "shop_st_delivered"), NULL, NULL, NULL, NULL);
        break;
    case SHOP_ST_CANCELLED:
        if (o->cancel_reason[0])
            i18n_format(buf, size, app_s(a, "shop_st_cancelled_why"), o->cancel_reason, NULL, NULL,
                        NULL);
        else
            i18n_format(buf, size, app_s(a, "shop_st_cancelled"), NULL, NULL, NULL, NULL);
        break;
    case SHOP_ST_REFUSED:
        snprintf(n, sizeof n, "%ld", o->http_status);
        i18n_format(buf, size, app_s(a, "shop_st_refused"), n, NULL, NULL, NULL);
        break;
    }
}

const char *shopapp_phrase(const struct app *a, int code)
{
    static const char *keys[SHOP_REQ_CODES] = {"req_call_me", "req_come_over", "req_shopping_help"};
    return app_s(a, code >= 0 && code < SHOP_REQ_CODES ? keys[code] : keys[0]);
}

int shopapp_pager_height(struct app *a, int w)
{
    char text[64];
    i18n_format(text, sizeof text, app_s(a, "page_of"), "99", "99", NULL, NULL);
    return wg_pager_height(a->ui, w, text, app_s(a, "page_prev"), app_s(a, "page_next"));
}

int shopapp_pager(struct app *a, struct ui_rect r, int *page, int pages)
{
    char p1[16], p2[16], text[64];
    if (*page >= pages)
        *page = pages - 1;
    if (*page < 0)
        *page = 0;
    snprintf(p1, sizeof p1, "%d", *page + 1);
    snprintf(p2, sizeof p2, "%d", pages);
    i18n_format(text, sizeof text, app_s(a, "page_of"), p1, p2, NULL, NULL);
    int ph = shopapp_pager_height(a, r.w);
    /* the lists this pages are newest first: 新しい / 古い, as on the family screen */
    int d = wg_pager(a->ui, (struct ui_rect){r.x, r.y, r.w, ph}, *page, pages, text,
                     app_s(a, "page_prev"), app_s(a, "page_next"));
    if (d) {
        *page += d;
        app_mark_dirty(a);
    }
    return ph;
}

/* --- words that page by the room they get --- */

/* The pager's ◀ and ▶; compact: their labels at the 24 pt of 100 % text (the screen rules'
 * minimum, as the PIN pad's keys) where a notice band leaves no room for larger ones. */
static void arrows(struct app *a, bool compact, struct wg_button *p, struct wg_button *n)
{
    double mm = compact ? WG_LABEL_MM : 0;
    *p = (struct wg_button){"page_prev", app_s(a, "shop_page_prev"), ICON_PREV, WG_SECONDARY, false,
                            mm};
    *n = (struct wg_button){"page_next", app_s(a, "shop_page_next"), ICON_NEXT, WG_SECONDARY, false,
                            mm};
}

int shopapp_arrow_width(struct app *a, bool compact, int maxw)
{
    struct ui *ui = a->ui;
    struct wg_button p, n;
    arrows(a, compact, &p, &n);
    int one = wg_button_height(ui, &p, ui_mm(ui, 200));
    int h2 = wg_button_height(ui, &n, ui_mm(ui, 200));
    one = h2 > one ? h2 : one;
    int w = ui_mm(ui, 24);
    while (w < maxw && (wg_button_height(ui, &p, w) > one || wg_button_height(ui, &n, w) > one))
        w += ui_mm(ui, 2);
    return w < maxw ? w : maxw;
}

int shopapp_arrow_height(struct app *a, bool compact, int w)
{
    struct wg_button p, n;
    arrows(a, compact, &p, &n);
    int hp = wg_button_height(a->ui, &p, w), hn = wg_button_height(a->ui, &n, w);
    return hp > hn ? hp : hn;
}

int shopapp_side_arrows(struct app *a, bool compact, struct ui_rect r, int aw, int page, int pages)
{
    struct wg_button p, n;
    arrows(a, compact, &p, &n);
    int d = 0;
    if (page > 0 && wg_button(a->ui, &p, (struct ui_rect){r.x, r.y, aw, r.h}))
        d = -1;
    if (page + 1 < pages && wg_button(a->ui, &n, (struct ui_rect){r.x + r.w - aw, r.y, aw, r.h}))
        d = 1;
    if (d)
        app_mark_dirty(a);
    return d;
}

int shopapp_stacked_arrows(struct app *a, bool compact, struct ui_rect r, int page, int pages)
{
    struct wg_button p, n;
    arrows(a, compact, &p, &n);
    int d = 0;
    if (page > 0 && wg_button(a->ui, &p, r))
        d = -1;
    r.y += r.h + app_gap(a);
    if (page + 1 < pages && wg_button(a->ui, &n, r))
        d = 1;
    if (d)
        app_mark_dirty(a);
    return d;
}

/* The bottom row: ◀ at the left, the screen's button between, ▶ at the right (each arrow
 * only when there is a page that way, its place kept). */
static void bar_geo(struct app *a, int w, const struct wg_button *mid, bool compact, int *aw,
                    int *mw)
{
    int gap = app_gap(a);
    *aw = shopapp_arrow_width(a, compact, w / 3);
    *mw = mid ? w - 2 * (*aw + gap) : 0;
}

/* mid with its label at 24 pt when compact */
static struct wg_button bar_mid(const struct wg_button *mid, bool compact)
{
    struct wg_button m = *mid;
    if (compact)
        m.fixed_mm = WG_LABEL_MM;
    return m;
}

int shopapp_bar_height(struct app *a, int w, const struct wg_button *mid, bool compact)
{
    int aw, mw;
    bar_geo(a, w, mid, compact, &aw, &mw);
    int h = shopapp_arrow_height(a, compact, aw);
    struct wg_button m = mid ? bar_mid(mid, compact) : (struct wg_button){0};
    int hm = mid ? wg_button_height(a->ui, &m, mw) : 0;
    return hm > h ? hm : h;
}

bool shopapp_bar_compact(struct app *a, int w, const struct wg_button *mid, int room)
{
    struct ui *ui = a->ui;
    int aw, mw;
    bar_geo(a, w, mid, false, &aw, &mw);
    int lh = ui_line_height(ui, UI_FONT_REGULAR, ui_text_px(ui, WG_BODY_MM));
    bool wraps = false;
    if (mid) {
        struct wg_button one = *mid;
        one.style = WG_SECONDARY; /* a primary is taller than one line anyway */
        wraps = wg_button_height(ui, &one, mw) > wg_button_height(ui, &one, ui_mm(ui, 400));
    }
    return wraps || room - shopapp_bar_height(a, w, mid, false) - app_gap(a) < 2 * lh;
}

int shopapp_bar(struct app *a, struct ui_rect r, const struct wg_button *mid, bool compact,
                int page, int pages, bool *hit)
{
    int aw, mw, gap = app_gap(a);
    bar_geo(a, r.w, mid, compact, &aw, &mw);
    struct wg_button m = mid ? bar_mid(mid, compact) : (struct wg_button){0};
    *hit = mid && wg_button(a->ui, &m, (struct ui_rect){r.x + aw + gap, r.y, mw, r.h});
    return pages > 1 ? shopapp_side_arrows(a, compact, r, aw, page, pages) : 0;
}

#define WORDS_MAX 48
#define PAGES_MAX 64

int shopapp_words_paged(struct app *a, struct ui_rect r, const struct shopapp_words *words, int n,
                        int page, int *pages)
{
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    struct pageflow_block b[WORDS_MAX];
    struct pageflow_cut starts[PAGES_MAX];
    int gap = app_gap(a), need = 0, tallest = 0, d = 0;
    n = n < WORDS_MAX ? n : WORDS_MAX;
    for (int i = 0; i < n; i++) {
        int h = wg_text_height(ui, words[i].font, words[i].mm, words[i].text, r.w);
        need += h + words[i].after;
        tallest = h > tallest ? h : tallest;
    }
    /* all of it at the full width; else pages with ◀ ▶ below the words; else, when not even
     * the longest paragraph has room above that row (a notice band at large text), ◀ and ▶
     * at the sides of the words, which then share the height with nothing */
    int x = r.x, w = r.w, avail = r.h, ph = 0, aw = 0;
    bool paged = need > r.h, side = false, compact = false;
    if (paged) {
        ph = app_pager_height(a, r.w);
        if (tallest <= r.h - ph - gap) {
            avail = r.h - ph - gap;
        } else {
            side = true;
            aw = shopapp_arrow_width(a, false, r.w / 3);
            compact = aw > r.w / 4 || shopapp_arrow_height(a, false, aw) > r.h;
            if (compact)
                aw = shopapp_arrow_width(a, true, r.w / 3);
            x = r.x + aw + gap;
            w = r.w - 2 * (aw + gap);
        }
    }
    for (int i = 0; i < n; i++) {
        int px = ui_text_px(ui, words[i].mm);
        b[i] = (struct pageflow_block){0};
        b[i].line_h = ui_line_height(ui, words[i].font, px);
        b[i].lines = wg_text_lines(ui, words[i].font, words[i].mm, words[i].text, w);
        b[i].gap = words[i].after;
        b[i].h = b[i].lines * b[i].line_h + b[i].gap;
    }
    int np = paged ? pageflow_plan(b, n, avail, avail, 0, starts, PAGES_MAX) : 1;
    if (!paged)
        starts[0] = (struct pageflow_cut){0, 0};
    int cur = page < np ? (page < 0 ? 0 : page) : np - 1;
    struct pageflow_cut to = cur + 1 < np ? starts[cur + 1] : (struct pageflow_cut){n, 0};
    int y = r.y;
    for (int i = 0; i < n; i++) {
        int first, count;
        if (!pageflow_part(b, n, starts[cur], to, i, &first, &count))
            continue;
        y += wg_paragraph_part(ui, (struct ui_rect){x, y, w, 0}, words[i].font, words[i].mm,
                               words[i].warn ? t->warn_text : t->text, t->bg, words[i].text, first,
                               count);
        if (first + count >= b[i].lines)
            y += b[i].gap;
    }
    if (side) {
        int ah = shopapp_arrow_height(a, compact, aw);
        ah = r.h > ah ? (r.h < ui_mm(ui, 40) ? r.h : ui_mm(ui, 40)) : ah;
        d = shopapp_side_arrows(a, compact, (struct ui_rect){r.x, r.y, r.w, ah}, aw, cur, np);
    } else if (paged) {
        d = app_pager(a, (struct ui_rect){r.x, r.y + r.h - ph, r.w, ph}, cur, np);
    }
    *pages = np;
    return d ? cur + d : page;
}

/* --- pictures --- */

void shopapp_frame_begin(struct app *a)
{
    if (a->shop)
        a->shop->npics = 0;
}

void shopapp_add_picture(struct app *a, struct ui_rect r, const char *path)
{
    struct app_shop *s = a->shop;
    if (!path || !*path || s->npics >= SHOP_PICS_MAX)
        return;
    struct shop_pic_ref *p = &s->pics[s->npics++];
    p->x = r.x;
    p->y = r.y;
    p->w = r.w;
    p->h = r.h;
    p->operator_id = s->cat.operator_id;
    snprintf(p->path, sizeof p->path, "%s", path);
}

int shopapp_pictures(const struct app *a, const struct shop_pic_ref **out)
{
    *out = a->shop ? a->shop->pics : NULL;
    if (!a->shop || a->idle_warning || ui_modal_cmd(a->ui) > 0)
        return 0;
    return a->shop->npics;
}

/* --- loading notes --- */

bool shopapp_load_note(struct app *a, const struct shop_load *l, struct ui_rect c, int *used)
{
    const struct theme *t = ui_theme(a->ui);
    char msg[320], n[16];
    bool retry = false;
    *used = 0;
    if (l->loading && !l->loaded) {
        i18n_format(msg, sizeof msg, app_s(a, "shop_loading"), NULL, NULL, NULL, NULL);
    } else if (l->failed && l->refused) {
        snprintf(n, sizeof n, "%ld", l->refused);
        i18n_format(msg, sizeof msg, app_s(a, "shop_load_refused"), n, NULL, NULL, NULL);
    } else if (l->failed) {
        char tm[16];
        app_fmt_time(a, l->at, tm, sizeof tm);
        i18n_format(msg, sizeof msg,
                    app_s_fail(a, l->loaded ? "shop_load_failed_old" : "shop_load_failed"), tm,
                    NULL, NULL, NULL);
    } else {
        return false;
    }
    int gap = app_gap(a);
    int h = wg_paragraph(a->ui, (struct ui_rect){c.x, c.y, c.w, 0}, UI_FONT_BOLD, WG_BODY_MM,
                         l->failed ? t->warn_text : t->text, t->bg, msg, WG_LEFT) +
            gap;
    if (l->failed && !l->loaded) {
        struct wg_button b = {"retry", app_s(a, "shop_retry"), ICON_REFRESH, WG_SECONDARY, false,
                              0};
        int bw = c.w / 2;
        int bh = wg_button_height(a->ui, &b, bw);
        retry = wg_button(a->ui, &b, (struct ui_rect){c.x, c.y + h, bw, bh});
        h += bh + gap;
    }
    *used = h;
    return retry;
}

/* --- catalogue samples --- */

void shopapp_sample(struct app *a)
{
    struct app_shop *s = a->shop;
    static const struct {
        const char *id, *ja, *en;
    } cats[3] = {{"vegetables", "野菜", "Vegetables"},
                 {"dairy", "乳製品・たまご・豆腐", "Dairy, eggs, tofu"},
                 {"staples", "お米・パン", "Rice and bread"}};
    static const struct {
        const char *id, *ja, *en, *unit;
        int cat;
        long price;
    } items[8] = {{"cabbage", "キャベツ", "Cabbage", "1玉", 0, 198},
                  {"daikon", "大根", "Daikon radish", "1本", 0, 158},
                  {"carrot", "にんじん", "Carrots", "3本", 0, 178},
                  {"milk", "牛乳 1L", "Milk 1 L", "1本", 1, 238},
                  {"tofu", "絹ごし豆腐", "Silken tofu", "1丁", 1, 98},
                  {"eggs", "たまご", "Eggs", "10個", 1, 268},
                  {"rice", "お米 5kg", "Rice 5 kg", "1袋", 2, 2480},
                  {"bread", "食パン", "Sliced bread", "6枚切", 2, 178}};
    bool en = strcmp(a->lang, "en") == 0;
    shopapp_wipe(a);
    s->nops = 2;
    s->ops[0] = (struct shop_operator){1, "", true};
    s->ops[1] = (struct shop_operator){2, "", true};
    snprintf(s->ops[0].name, sizeof s->ops[0].name, "%s", app_s(a, "shop_sample_op1"));
    snprintf(s->ops[1].name, sizeof s->ops[1].name, "%s", app_s(a, "shop_sample_op2"));
    s->ops_load.loaded = true;
    s->cat.operator_id = 1;
    snprintf(s->cat.operator_name, sizeof s->cat.operator_name, "%s", s->ops[0].name);
    s->cat.ncat = 3;
    for (int i = 0; i < 3; i++) {
        snprintf(s->cat.cats[i].id, sizeof s->cat.cats[i].id, "%s", cats[i].id);
        snprintf(s->cat.cats[i].name, sizeof s->cat.cats[i].name, "%s",
                 en ? cats[i].en : cats[i].ja);
    }
    s->cat.nitems = 8;
    for (int i = 0; i < 8; i++) {
        struct shop_item *it = &s->cat.items[i];
        snprintf(it->id, sizeof it->id, "%s", items[i].id);
        snprintf(it->name, sizeof it->name, "%s", en ? items[i].en : items[i].ja);
        snprintf(it->unit, sizeof it->unit, "%s", items[i].unit);
        snprintf(it->picture, sizeof it->picture, "pictures/%s.png", items[i].id);
        it->cat = items[i].cat;
        it->price_yen = items[i].price;
    }
    s->cat_load.loaded = true;
    s->cart.qty[0] = 2;
    s->cart.qty[3] = 1;
    s->cart.qty[6] = 1;
    shop_slots(a->wall_s, s->slots);
    s->slot = 3;
    /* orders in every status */
    static const enum shop_status st[6] = {SHOP_ST_WAITING,   SHOP_ST_OUT_FOR_DELIVERY,
                                           SHOP_ST_ACCEPTED,  SHOP_ST_CREATED,
                                           SHOP_ST_DELIVERED, SHOP_ST_CANCELLED};
    s->orders.n = 6;
    for (int i = 0; i < 6; i++) {
        struct shop_order *o = &s->orders.o[i];
        memset(o, 0, sizeof *o);
        o->id = 40 - i;
        o->operator_id = 1;
        o->status = st[i];
        o->total_yen = 634 + 100L * i;
        o->created_unix = a->wall_s - 3600 - (int64_t)i * 86400;
        o->eta_unix = st[i] == SHOP_ST_OUT_FOR_DELIVERY ? a->wall_s + 6 * 3600 - 720 : 0;
        snprintf(o->slot, sizeof o->slot, "%s", s->slots[i % SHOP_SLOTS].wire);
        snprintf(o->first_item, sizeof o->first_item, "%s", s->cat.items[i].name);
        o->nlines = 1 + i % 3;
        o->nkept = o->nlines;
        for (int l = 0; l < o->nlines; l++) {
            snprintf(o->line[l].id, sizeof o->line[l].id, "%s", s->cat.items[(i + l) % 8].id);
            o->line[l].qty = 1 + l % 2;
        }
        if (st[i] == SHOP_ST_CANCELLED)
            snprintf(o->cancel_reason, sizeof o->cancel_reason, "%s",
                     app_s(a, "shop_sample_reason"));
    }
    s->orders_load.loaded = true;
    s->orders_load.at = a->wall_s - 60;
    /* family */
    s->nfamily = 2;
    s->family[0] = (struct shop_family){7, ""};
    s->family[1] = (struct shop_family){8, ""};
    snprintf(s->family[0].name, sizeof s->family[0].name, "%s", app_s(a, "shop_sample_family1"));
    snprintf(s->family[1].name, sizeof s->family[1].name, "%s", app_s(a, "shop_sample_family2"));
    s->reqs.n = 3;
    for (int i = 0; i < 3; i++) {
        struct shop_request *r = &s->reqs.r[i];
        memset(r, 0, sizeof *r);
        r->id = 12 - i;
        r->family_id = s->family[i % 2].id;
        snprintf(r->family_name, sizeof r->family_name, "%s", s->family[i % 2].name);
        r->code = (enum shop_req_code)i;
        r->at_unix = a->wall_s - 1800 - (int64_t)i * 86400;
        r->answered = i > 0;
        r->answered_unix = r->at_unix + 600;
    }
    s->reqs_load.loaded = true;
    s->inbox = s->reqs;
    for (int i = 0; i < s->inbox.n; i++)
        s->inbox.r[i].answered = i == 2;
    s->inbox_load.loaded = true;
}
