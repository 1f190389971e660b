/*
 * scr_shop_orders: the resident's orders, newest first, each with its date, what was
 * ordered, the total and the status in words (送信待ち, 送信済み, 受付済み, 配達予定 15:00,
 * 配達済み, 取り消し（理由）). Orders still kept on this tablet come first. Paged with ◀ ▶;
 * 更新する asks the hub again.
 */
#include <string.h>

#include "appstate.h"
#include "pageflow.h"

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
    if (n == 0 && s->orders_load.loaded)
        wg_paragraph(ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_REGULAR, WG_BODY_MM, t->text,
                     t->bg, app_s(a, "shop_orders_empty"), WG_LEFT);
    /* ◀ [更新する] ▶ at the bottom (the page is in the title); the orders above, as many a
     * page as the room holds (a notice band at large text leaves little: a long one is
     * continued on the next page) */
    struct wg_button refresh = {
        "refresh", app_s(a, "family_refresh"), ICON_REFRESH, WG_SECONDARY, false, 0};
    bool compact = shopapp_bar_compact(a, c.w, &refresh, c.y + c.h - y);
    int bh = shopapp_bar_height(a, c.w, &refresh, compact);
    int room = c.y + c.h - bh - gap - y;
    struct pageflow_block b[ROWS_MAX];
    struct pageflow_cut starts[ROWS_MAX + 1];
    for (int i = 0; i < n; i++) {
        row_text(a, &rows[i], text, sizeof text);
        int px = ui_text_px(ui, WG_BODY_MM);
        b[i] = (struct pageflow_block){0};
        b[i].line_h = ui_line_height(ui, UI_FONT_REGULAR, px);
        b[i].lines = wg_text_lines(ui, UI_FONT_REGULAR, WG_BODY_MM, text, c.w);
        b[i].gap = gap;
        b[i].h = b[i].lines * b[i].line_h + gap;
    }
    int pages = n ? pageflow_plan(b, n, room, room, 0, starts, ROWS_MAX + 1) : 1;
    s->orders_pages = pages;
    if (s->orders_page >= pages)
        s->orders_page = pages - 1;
    struct pageflow_cut to =
        s->orders_page + 1 < pages ? starts[s->orders_page + 1] : (struct pageflow_cut){n, 0};
    for (int i = 0; i < n; i++) {
        int first, count;
        if (!pageflow_part(b, n, starts[s->orders_page], to, i, &first, &count))
            continue;
        row_text(a, &rows[i], text, sizeof text);
        y += wg_paragraph_part(ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_REGULAR, WG_BODY_MM,
                               t->text, t->bg, text, first, count);
        if (first + count >= b[i].lines)
            y += gap;
    }
    bool hit;
    int d = shopapp_bar(a, (struct ui_rect){c.x, c.y + c.h - bh, c.w, bh}, &refresh, compact,
                        s->orders_page, pages, &hit);
    if (d)
        s->orders_page += d;
    if (hit)
        shopapp_load_orders(a);
}

static void title(const struct app *a, char *buf, size_t size)
{
    app_title_page(a, "title_shop_orders", a->shop->orders_page, a->shop->orders_pages, buf, size);
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
                                       .sample = sample,
                                       .title = title};
