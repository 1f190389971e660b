/*
 * shop: cart arithmetic with caps, the order body, delivery slots, paging and the words of
 * the hub's status and request codes (see shop.h). No I/O.
 */
#include "shop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wareki.h"

const char *shop_status_str(enum shop_status s)
{
    switch (s) {
    case SHOP_ST_WAITING:
        return "waiting";
    case SHOP_ST_CREATED:
        return "created";
    case SHOP_ST_ACCEPTED:
        return "accepted";
    case SHOP_ST_OUT_FOR_DELIVERY:
        return "out_for_delivery";
    case SHOP_ST_DELIVERED:
        return "delivered";
    case SHOP_ST_CANCELLED:
        return "cancelled";
    case SHOP_ST_REFUSED:
        return "refused";
    }
    return "?";
}

int shop_status_parse(const char *s)
{
    /* only the hub's own words; "waiting" and "refused" are the kiosk's */
    static const enum shop_status hub[] = {SHOP_ST_CREATED, SHOP_ST_ACCEPTED,
                                           SHOP_ST_OUT_FOR_DELIVERY, SHOP_ST_DELIVERED,
                                           SHOP_ST_CANCELLED};
    if (!s)
        return -1;
    for (size_t i = 0; i < sizeof hub / sizeof hub[0]; i++)
        if (strcmp(s, shop_status_str(hub[i])) == 0)
            return (int)hub[i];
    return -1;
}

const char *shop_req_code_wire(enum shop_req_code c)
{
    switch (c) {
    case SHOP_REQ_CALL_ME:
        return "call_me";
    case SHOP_REQ_COME_OVER:
        return "come_over";
    case SHOP_REQ_SHOPPING_HELP:
        return "shopping_help";
    }
    return NULL;
}

int shop_req_code_parse(const char *s)
{
    if (!s)
        return -1;
    for (int i = 0; i < SHOP_REQ_CODES; i++)
        if (strcmp(s, shop_req_code_wire((enum shop_req_code)i)) == 0)
            return i;
    return -1;
}

int shop_req_answer_parse(const char *s)
{
    if (!s)
        return 0;
    return strcmp(s, "understood") == 0 ? 1 : -1;
}

bool shop_id_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 1 || n > 32)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* --- cart --- */

long shop_cart_total(const struct shop_cart *c, const struct shop_catalogue *cat)
{
    long t = 0;
    for (int i = 0; i < cat->nitems && i < SHOP_MAX_ITEMS; i++)
        t += (long)c->qty[i] * cat->items[i].price_yen;
    return t;
}

int shop_cart_lines(const struct shop_cart *c, const struct shop_catalogue *cat)
{
    int n = 0;
    for (int i = 0; i < cat->nitems && i < SHOP_MAX_ITEMS; i++)
        n += c->qty[i] > 0;
    return n;
}

int shop_cart_count(const struct shop_cart *c, const struct shop_catalogue *cat)
{
    int n = 0;
    for (int i = 0; i < cat->nitems && i < SHOP_MAX_ITEMS; i++)
        n += c->qty[i];
    return n;
}

void shop_cart_clear(struct shop_cart *c)
{
    memset(c, 0, sizeof *c);
}

bool shop_cart_can_add(const struct shop_cart *c, const struct shop_catalogue *cat, int i)
{
    if (i < 0 || i >= cat->nitems || i >= SHOP_MAX_ITEMS)
        return false;
    if (c->qty[i] >= SHOP_QTY_MAX)
        return false;
    if (c->qty[i] == 0 && shop_cart_lines(c, cat) >= SHOP_LINES_MAX)
        return false;
    return shop_cart_total(c, cat) + cat->items[i].price_yen <= SHOP_TOTAL_MAX;
}

bool shop_cart_add(struct shop_cart *c, const struct shop_catalogue *cat, int i, int delta)
{
    if (i < 0 || i >= cat->nitems || i >= SHOP_MAX_ITEMS || delta == 0)
        return false;
    if (delta > 0) {
        if (!shop_cart_can_add(c, cat, i))
            return false;
        c->qty[i]++;
        return true;
    }
    if (c->qty[i] == 0)
        return false;
    c->qty[i]--;
    return true;
}

int shop_cart_from_order(struct shop_cart *c, const struct shop_catalogue *cat,
                         const struct shop_order *o)
{
    int taken = 0;
    shop_cart_clear(c);
    for (int k = 0; k < o->nkept && k < SHOP_ORDER_LINES; k++) {
        int i = 0;
        while (i < cat->nitems && strcmp(cat->items[i].id, o->line[k].id) != 0)
            i++;
        bool added = false;
        for (int q = 0; q < o->line[k].qty; q++)
            added |= shop_cart_add(c, cat, i, +1); /* refuses what the catalogue lost */
        taken += added;
    }
    return taken;
}

int shop_weekday(int year, int month, int day)
{
    /* Sakamoto's method, valid for the Gregorian calendar */
    static const int t[12] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
    if (month < 1 || month > 12)
        return 0;
    if (month < 3)
        year -= 1;
    return (year + year / 4 - year / 100 + year / 400 + t[month - 1] + day) % 7;
}

int shop_order_body(const struct shop_cart *c, const struct shop_catalogue *cat, const char *slot,
                    char *buf, size_t size)
{
    size_t len = 0;
    int n;
    bool first = true;
    if (shop_cart_lines(c, cat) == 0 || !slot || !*slot || strchr(slot, '"') || strchr(slot, '\\'))
        return -1;
    n = snprintf(buf, size, "{\"items\":[");
    if (n < 0 || (size_t)n >= size)
        return -1;
    len = (size_t)n;
    for (int i = 0; i < cat->nitems && i < SHOP_MAX_ITEMS; i++) {
        if (c->qty[i] <= 0)
            continue;
        if (!shop_id_ok(cat->items[i].id)) /* never put an unchecked id into JSON */
            return -1;
        n = snprintf(buf + len, size - len, "%s{\"id\":\"%s\",\"qty\":%d}", first ? "" : ",",
                     cat->items[i].id, c->qty[i]);
        if (n < 0 || (size_t)n >= size - len)
            return -1;
        len += (size_t)n;
        first = false;
    }
    n = snprintf(buf + len, size - len,
                 "],\"slot\":\"%s\",\"payment_method\":\"cash_on_delivery\"}", slot);
    if (n < 0 || (size_t)n >= size - len)
        return -1;
    return (int)(len + (size_t)n);
}

/* --- slots --- */

void shop_slots(int64_t now_unix, struct shop_slot out[SHOP_SLOTS])
{
    static const int win[2][2] = {{10, 12}, {15, 17}};
    for (int i = 0; i < SHOP_SLOTS; i++) {
        struct wareki_tm tm;
        /* tomorrow and the day after, two windows each */
        wareki_jst(now_unix + (int64_t)(1 + i / 2) * 86400, &tm);
        struct shop_slot *s = &out[i];
        s->year = tm.year;
        s->month = tm.month;
        s->day = tm.day;
        s->start_h = win[i % 2][0];
        s->end_h = win[i % 2][1];
        snprintf(s->wire, sizeof s->wire, "%04d-%02d-%02dT%02d:00/%02d:00", s->year, s->month,
                 s->day, s->start_h, s->end_h);
    }
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool shop_slot_parse(const char *w, struct shop_slot *out)
{
    int sm, em;
    /* YYYY-MM-DDTHH:MM/HH:MM = 22 characters */
    if (!w || strlen(w) != 22 || w[4] != '-' || w[7] != '-' || w[10] != 'T' || w[13] != ':' ||
        w[16] != '/' || w[19] != ':')
        return false;
    if (!digits(w, 4, &out->year) || !digits(w + 5, 2, &out->month) ||
        !digits(w + 8, 2, &out->day) || !digits(w + 11, 2, &out->start_h) ||
        !digits(w + 14, 2, &sm) || !digits(w + 17, 2, &out->end_h) || !digits(w + 20, 2, &em))
        return false;
    if (out->month < 1 || out->month > 12 || out->day < 1 || out->day > 31 || out->start_h > 23 ||
        out->end_h > 24 || sm > 59 || em > 59 || out->start_h * 60 + sm >= out->end_h * 60 + em)
        return false;
    snprintf(out->wire, sizeof out->wire, "%s", w);
    return true;
}

/* --- paging --- */

int shop_pages(int n, int per_page)
{
    if (per_page < 1)
        per_page = 1;
    return n <= 0 ? 1 : (n + per_page - 1) / per_page;
}

int shop_page_first(int n, int per_page, int page)
{
    int pages = shop_pages(n, per_page);
    if (per_page < 1)
        per_page = 1;
    if (page < 0)
        page = 0;
    if (page >= pages)
        page = pages - 1;
    return page * per_page;
}

int shop_items_of(const struct shop_catalogue *cat, int cat_idx, int *idx, int cap)
{
    int n = 0;
    for (int i = 0; i < cat->nitems && n < cap; i++)
        if (cat->items[i].cat == cat_idx)
            idx[n++] = i;
    return n;
}
