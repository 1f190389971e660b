/*
 * orders.c: the order value, the kiosk's order request and the resident's view of an order
 * (see orders.h). Storing orders is the hub's orders store (hub/store/ordstore.c).
 */
#include "orders.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "catalog.h"
#include "hubclock.h"
#include "hubreq.h"

const char *orders_rc_str(enum orders_rc rc)
{
    switch (rc) {
    case ORDERS_OK:
        return "ok";
    case ORDERS_INVALID:
        return "invalid";
    case ORDERS_NOT_FOUND:
        return "not_found";
    case ORDERS_CONFLICT:
        return "conflict";
    case ORDERS_DB:
        return "database_error";
    case ORDERS_NOMEM:
        return "out_of_memory";
    case ORDERS_IO:
        return "io_error";
    case ORDERS_CRYPTO:
        return "crypto_error";
    }
    return "unknown";
}

static int two(const char *s, int lo, int hi, int *v)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9') {
        return 0;
    }
    *v = (s[0] - '0') * 10 + (s[1] - '0');
    return *v >= lo && *v <= hi;
}

/* "YYYY-MM-DDTHH:MM/HH:MM", a real date (2020..2099), from < to. */
static int slot_ok(const char *s)
{
    int y1, y2, mo, d, h1, m1, h2, m2;
    static const int DAYS[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (strlen(s) != 22 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
        s[16] != '/' || s[19] != ':') {
        return 0;
    }
    if (!two(s, 20, 20, &y1) || !two(s + 2, 20, 99, &y2) || !two(s + 5, 1, 12, &mo) ||
        !two(s + 8, 1, 31, &d) || !two(s + 11, 0, 23, &h1) || !two(s + 14, 0, 59, &m1) ||
        !two(s + 17, 0, 24, &h2) || !two(s + 20, 0, 59, &m2)) {
        return 0;
    }
    int year = 2000 + y2;
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (d > DAYS[mo - 1] || (mo == 2 && d == 29 && !leap)) {
        return 0;
    }
    if (h2 == 24 && m2 != 0) {
        return 0;
    }
    return h1 * 60 + m1 < h2 * 60 + m2;
}

long long orders_slot_start(const char *slot)
{
    char at[32];
    long long t = -1;
    if (strlen(slot) < 16)
        return -1;
    snprintf(at, sizeof at, "%.16s:00+09:00", slot);
    return hubclock_parse_rfc3339(at, &t) == 0 ? t : -1;
}

static int payment_ok(const char *s)
{
    return strcmp(s, "cash_on_delivery") == 0 || strcmp(s, "invoice") == 0;
}

enum orders_rc orders_request_parse(const char *json, size_t len, const struct catalog *cat,
                                    struct orders_order *out, char *err, size_t errlen)
{
    enum orders_rc rc = ORDERS_INVALID;
    cJSON *root = NULL;
    memset(out, 0, sizeof(*out));
    if (!hubreq_json_object(json, len, ORDERS_MAX_BODY, NULL, NULL, &root, err, errlen) ||
        !hubreq_json_only_keys(root, (const char *const[]){"items", "slot", "payment_method", NULL},
                               err, errlen)) {
        goto out;
    }
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items");
    int n = cJSON_IsArray(items) ? cJSON_GetArraySize(items) : -1;
    if (n < 1 || n > ORDERS_MAX_ITEMS) {
        snprintf(err, errlen, "\"items\" must be a list of 1 to %d items", ORDERS_MAX_ITEMS);
        goto out;
    }
    const cJSON *e = NULL;
    int i = 0;
    long total = 0;
    cJSON_ArrayForEach(e, items)
    {
        char sub[120];
        long long qty = 0;
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(e, "id");
        if (!cJSON_IsObject(e) ||
            !hubreq_json_only_keys(e, (const char *const[]){"id", "qty", NULL}, sub, sizeof(sub))) {
            snprintf(err, errlen, "items[%d] must be {\"id\": ..., \"qty\": ...}", i);
            goto out;
        }
        const struct catalog_item *ci =
            cJSON_IsString(id) ? catalog_find(cat, id->valuestring) : NULL;
        if (!ci) {
            snprintf(err, errlen, "items[%d].id is not in this operator's catalogue", i);
            goto out;
        }
        if (!hubreq_json_int(cJSON_GetObjectItemCaseSensitive(e, "qty"), 1, ORDERS_MAX_QTY, &qty)) {
            snprintf(err, errlen, "items[%d].qty must be a whole number from 1 to %d", i,
                     ORDERS_MAX_QTY);
            goto out;
        }
        for (int k = 0; k < i; k++) {
            if (strcmp(out->items[k].id, ci->id) == 0) {
                snprintf(err, errlen, "items[%d] repeats items[%d]; send one line per item", i, k);
                goto out;
            }
        }
        struct orders_item *it = &out->items[i];
        memcpy(it->id, ci->id, sizeof(it->id));
        memcpy(it->name, ci->name, sizeof(it->name));
        it->qty = (int)qty;
        it->unit_price_yen = ci->price_yen;
        total += it->unit_price_yen * it->qty; /* ≤ 50 × 99 × 10^6: fits in long */
        i++;
    }
    out->n_items = i;
    if (total > ORDERS_MAX_TOTAL_YEN) {
        snprintf(err, errlen, "the order totals %ld yen; at most %ld yen per order", total,
                 ORDERS_MAX_TOTAL_YEN);
        goto out;
    }
    out->total_yen = total;
    const cJSON *slot = cJSON_GetObjectItemCaseSensitive(root, "slot");
    if (!cJSON_IsString(slot) || !slot_ok(slot->valuestring)) {
        snprintf(err, errlen,
                 "\"slot\" must look like 2026-11-24T15:00/17:00 (date, start and end time)");
        goto out;
    }
    memcpy(out->slot, slot->valuestring, strlen(slot->valuestring) + 1);
    const cJSON *pay = cJSON_GetObjectItemCaseSensitive(root, "payment_method");
    if (!cJSON_IsString(pay) || !payment_ok(pay->valuestring)) {
        snprintf(err, errlen, "\"payment_method\" must be cash_on_delivery or invoice");
        goto out;
    }
    memcpy(out->payment, pay->valuestring, strlen(pay->valuestring) + 1);
    out->status = OSTATUS_CREATED;
    rc = ORDERS_OK;
out:
    cJSON_Delete(root);
    return rc;
}

char *orders_resident_json(const struct orders_order *o)
{
    char *out = NULL;
    char words[128];
    cJSON *root = cJSON_CreateObject();
    cJSON *items = cJSON_AddArrayToObject(root, "items");
    if (!root || !items) {
        goto out;
    }
    for (int i = 0; i < o->n_items; i++) {
        cJSON *x = cJSON_CreateObject();
        if (!x || !cJSON_AddItemToArray(items, x) ||
            !cJSON_AddStringToObject(x, "id", o->items[i].id) ||
            !cJSON_AddStringToObject(x, "name", o->items[i].name) ||
            !cJSON_AddNumberToObject(x, "qty", o->items[i].qty) ||
            !cJSON_AddNumberToObject(x, "unit_price_yen", (double)o->items[i].unit_price_yen)) {
            goto out;
        }
    }
    ostatus_words_ja(o->status, o->eta_unix, 9 * 3600, words, sizeof(words));
    if (!cJSON_AddNumberToObject(root, "id", (double)o->id) ||
        !cJSON_AddNumberToObject(root, "operator_id", (double)o->operator_id) ||
        !cJSON_AddStringToObject(root, "slot", o->slot) ||
        !cJSON_AddStringToObject(root, "payment_method", o->payment) ||
        !cJSON_AddNumberToObject(root, "total_yen", (double)o->total_yen) ||
        !cJSON_AddStringToObject(root, "status", ostatus_str(o->status)) ||
        !cJSON_AddStringToObject(root, "status_words", words) ||
        !cJSON_AddNumberToObject(root, "eta_unix", (double)o->eta_unix) ||
        !cJSON_AddStringToObject(root, "cancel_reason", o->cancel_reason) ||
        !cJSON_AddNumberToObject(root, "created_unix", (double)o->created_unix) ||
        !cJSON_AddNumberToObject(root, "updated_unix", (double)o->updated_unix)) {
        goto out;
    }
    out = cJSON_PrintUnformatted(root);
out:
    cJSON_Delete(root);
    return out;
}
