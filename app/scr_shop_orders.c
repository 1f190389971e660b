/*
 * scr_shop_orders: the resident's orders, newest first, each with its date, what was
 * ordered, the total and the status in words (送信待ち, 送信済み, 受付済み, 配達予定 15:00,
 * 配達済み, 取り消し（理由）). Orders still kept on this tablet come first. Paged with ◀ ▶;
 * 更新する asks the hub again.
 */
#include <string.h>

#include "appstate.h"

#define ROWS_MAX (SHOP_MAX_ORDERS + SHOP_KEPT_MAX)

/* The list as shown: kept orders not yet at the hub, then the hub's. */
static int merged(const struct app *a, struct shop_order *out)
{
    const struct app_shop *s = a->shop;
    int n = 0;
    for (int i = s->nkept - 1; i >= 0; i--) {
        const struct shop_kept *k = &s->kept[i];
        if (k->status != SHOP_ST_WAITING && k->status != SHOP_ST_REFUSED)
            continue; /* delivered: the hub's list has it */
        struct shop_order *o = &out[n++];
        memset(o, 0, sizeof *o);
        o->status = k->status;
        o->total_yen = k->total_yen;
        o->created_unix = k->at;
        o->nlines = k->nlines;
        o->http_status = k->http_status;
        snprintf(o->first_item, sizeof o->first_item, "%s", k->first_item);
        snprintf(o->slot, sizeof o->slot, "%s", k->slot);
    }
    for (int i = 0; i < s->orders.n && n < ROWS_MAX; i++)
        out[n++] = s->orders.o[i];
    return n;
}

static void row_text(const struct app *a, const struct shop_order *o, char *buf, size_t size)
{
    char date[64], total[64], what[200], st[200], more[16];
    app_fmt_date(a, o->created_unix, date, sizeof date);
    shopapp_yen(a, o->total_yen, total, sizeof total);
    snprintf(more, sizeof more, "%d", o->nlines - 1);
    if (o->nlines > 1)
        i18n_format(what, sizeof what, app_s(a, "shop_what_more"), o->first_item, more, NULL, NULL);
    else
        snprintf(what, sizeof what, "%s", o->first_item);
    shopapp_status_words(a, o, st, sizeof st);
    i18n_format(buf, size, app_s(a, "shop_order_row"), date, what, total, st);
}

static void frame(struct app *a, struct ui_rect c)
{
    static struct shop_order rows[ROWS_MAX]; /* UI thread only */
    struct app_shop *s = a->shop;
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    int gap = app_gap(a), used;
    char text[600];
    int y = c.y;
    if (shopapp_load_note(a, &s->orders_load, c, &used))
        shopapp_load_orders(a);
    y += used;
    int n = merged(a, rows);
    struct wg_button refresh = {
        "refresh", app_s(a, "family_refresh"), ICON_REFRESH, WG_SECONDARY, false, 0};
    int bh = wg_button_height(ui, &refresh, c.w / 2);
    int ph = shopapp_pager_height(a, c.w);
    int list_h = c.y + c.h - y - ph - bh - 2 * gap;
    if (n == 0 && s->orders_load.loaded) {
        wg_paragraph(ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_REGULAR, WG_BODY_MM, t->text,
                     t->bg, app_s(a, "shop_orders_empty"), WG_LEFT);
    }
    /* pages: as many rows as fit */
    int starts[ROWS_MAX + 1], pages = 0, h = 0;
    starts[0] = 0;
    for (int i = 0; i < n; i++) {
        row_text(a, &rows[i], text, sizeof text);
        int rh = wg_text_height(ui, UI_FONT_REGULAR, WG_BODY_MM, text, c.w) + gap;
        if (i == starts[pages] || h + rh <= list_h) {
            h += rh;
            continue;
        }
        starts[++pages] = i;
        h = rh;
    }
    pages = n ? pages + 1 : 1;
    if (s->orders_page >= pages)
        s->orders_page = pages - 1;
    int end = s->orders_page + 1 < pages ? starts[s->orders_page + 1] : n;
    int ry = y;
    for (int i = n ? starts[s->orders_page] : 0; i < end; i++) {
        row_text(a, &rows[i], text, sizeof text);
        ry += wg_paragraph(ui, (struct ui_rect){c.x, ry, c.w, 0}, UI_FONT_REGULAR, WG_BODY_MM,
                           t->text, t->bg, text, WG_LEFT) +
              gap;
    }
    int py = c.y + c.h - bh - gap - ph;
    if (pages > 1)
        shopapp_pager(a, (struct ui_rect){c.x, py, c.w, ph}, &s->orders_page, pages);
    if (wg_button(ui, &refresh, (struct ui_rect){c.x, c.y + c.h - bh, c.w / 2, bh}))
        shopapp_load_orders(a);
}

static void enter(struct app *a)
{
    shopapp_load_orders(a);
}

static void sample(struct app *a, int variant)
{
    shopapp_sample(a);
    a->shop->orders_page = variant == 1 ? 1 : 0;
    if (variant == 2) {
        a->shop->orders.n = 0;
    }
}

const struct screen scr_shop_orders = {.name = "shop_orders",
                                       .title_key = "title_shop_orders",
                                       .enter = enter,
                                       .frame = frame,
                                       .sample = sample};
