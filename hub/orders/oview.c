/*
 * oview.c: recipient views built from a field table (see oview.h). Each table row names a
 * key; a switch maps the key to the value. A key without a value writer is a bug caught by
 * the tests (the builder returns NULL), never a silent extra field.
 */
#include "oview.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct oview_field OPERATOR_ORDER[] = {
    {"order_id", OVIEW_ALWAYS},
    {"pseudonym", OVIEW_ALWAYS},
    {"district", OVIEW_ALWAYS},
    {"items", OVIEW_ALWAYS},
    {"slot", OVIEW_ALWAYS},
    {"payment_method", OVIEW_ALWAYS},
    {"name", OVIEW_IF_ADDRESS_CONSENT},
    {"address", OVIEW_IF_ADDRESS_CONSENT},
};

static const struct oview_field OPERATOR_ITEM[] = {
    {"id", OVIEW_ALWAYS},
    {"name", OVIEW_ALWAYS},
    {"qty", OVIEW_ALWAYS},
    {"unit_price_yen", OVIEW_ALWAYS},
};

static const struct oview_field FAMILY_REQUEST[] = {
    {"request_id", OVIEW_ALWAYS}, {"resident_id", OVIEW_ALWAYS}, {"code", OVIEW_ALWAYS},
    {"phrase", OVIEW_ALWAYS},     {"at_unix", OVIEW_ALWAYS},
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

const struct oview_field *oview_fields(enum oview_kind kind, size_t *n)
{
    switch (kind) {
    case OVIEW_OPERATOR_ORDER:
        *n = N_OF(OPERATOR_ORDER);
        return OPERATOR_ORDER;
    case OVIEW_OPERATOR_ITEM:
        *n = N_OF(OPERATOR_ITEM);
        return OPERATOR_ITEM;
    case OVIEW_FAMILY_REQUEST:
        *n = N_OF(FAMILY_REQUEST);
        return FAMILY_REQUEST;
    }
    *n = 0;
    return NULL;
}

static cJSON *item_value(const struct orders_item *it, const char *key)
{
    if (strcmp(key, "id") == 0) {
        return cJSON_CreateString(it->id);
    }
    if (strcmp(key, "name") == 0) {
        return cJSON_CreateString(it->name);
    }
    if (strcmp(key, "qty") == 0) {
        return cJSON_CreateNumber(it->qty);
    }
    if (strcmp(key, "unit_price_yen") == 0) {
        return cJSON_CreateNumber((double)it->unit_price_yen);
    }
    return NULL;
}

static cJSON *item_view(const struct orders_item *it)
{
    size_t n = 0;
    const struct oview_field *f = oview_fields(OVIEW_OPERATOR_ITEM, &n);
    cJSON *obj = cJSON_CreateObject();
    for (size_t i = 0; obj && i < n; i++) {
        cJSON *v = item_value(it, f[i].key);
        if (!v || !cJSON_AddItemToObject(obj, f[i].key, v)) {
            cJSON_Delete(v);
            cJSON_Delete(obj);
            obj = NULL;
        }
    }
    return obj;
}

static cJSON *order_value(const struct orders_order *o, const char *pseudonym,
                          const struct oview_person *person, const char *key)
{
    if (strcmp(key, "order_id") == 0) {
        return cJSON_CreateNumber((double)o->id);
    }
    if (strcmp(key, "pseudonym") == 0) {
        return cJSON_CreateString(pseudonym);
    }
    if (strcmp(key, "district") == 0) {
        return cJSON_CreateString(o->district);
    }
    if (strcmp(key, "slot") == 0) {
        return cJSON_CreateString(o->slot);
    }
    if (strcmp(key, "payment_method") == 0) {
        return cJSON_CreateString(o->payment);
    }
    if (strcmp(key, "items") == 0) {
        cJSON *arr = cJSON_CreateArray();
        for (int i = 0; arr && i < o->n_items; i++) {
            cJSON *it = item_view(&o->items[i]);
            if (!it || !cJSON_AddItemToArray(arr, it)) {
                cJSON_Delete(it);
                cJSON_Delete(arr);
                arr = NULL;
            }
        }
        return arr;
    }
    if (strcmp(key, "name") == 0 && person) {
        return cJSON_CreateString(person->name);
    }
    if (strcmp(key, "address") == 0 && person) {
        return cJSON_CreateString(person->address);
    }
    return NULL;
}

cJSON *oview_operator_order(const struct orders_order *o, const char *pseudonym,
                            int address_consent, const struct oview_person *person)
{
    if (!o || !pseudonym || o->n_items < 0 || o->n_items > ORDERS_MAX_ITEMS) {
        return NULL;
    }
    if (address_consent && (!person || !person->name || !person->address)) {
        return NULL;
    }
    size_t n = 0;
    const struct oview_field *f = oview_fields(OVIEW_OPERATOR_ORDER, &n);
    cJSON *obj = cJSON_CreateObject();
    for (size_t i = 0; obj && i < n; i++) {
        if (f[i].when == OVIEW_IF_ADDRESS_CONSENT && !address_consent) {
            continue;
        }
        cJSON *v = order_value(o, pseudonym, address_consent ? person : NULL, f[i].key);
        if (!v || !cJSON_AddItemToObject(obj, f[i].key, v)) {
            cJSON_Delete(v);
            cJSON_Delete(obj);
            obj = NULL;
        }
    }
    return obj;
}

cJSON *oview_family_request(long long request_id, long long resident_id, const char *code,
                            const char *phrase, long long at_unix)
{
    if (!code || !phrase) {
        return NULL;
    }
    size_t n = 0;
    const struct oview_field *f = oview_fields(OVIEW_FAMILY_REQUEST, &n);
    cJSON *obj = cJSON_CreateObject();
    for (size_t i = 0; obj && i < n; i++) {
        cJSON *v = NULL;
        if (strcmp(f[i].key, "request_id") == 0) {
            v = cJSON_CreateNumber((double)request_id);
        } else if (strcmp(f[i].key, "resident_id") == 0) {
            v = cJSON_CreateNumber((double)resident_id);
        } else if (strcmp(f[i].key, "code") == 0) {
            v = cJSON_CreateString(code);
        } else if (strcmp(f[i].key, "phrase") == 0) {
            v = cJSON_CreateString(phrase);
        } else if (strcmp(f[i].key, "at_unix") == 0) {
            v = cJSON_CreateNumber((double)at_unix);
        }
        if (!v || !cJSON_AddItemToObject(obj, f[i].key, v)) {
            cJSON_Delete(v);
            cJSON_Delete(obj);
            obj = NULL;
        }
    }
    return obj;
}

char *oview_event_body(const char *type, long long at_unix, cJSON *data)
{
    char *out = NULL;
    cJSON *root = NULL;
    char ts[32];
    time_t t = (time_t)at_unix;
    struct tm tm;
    if (!data || !type || !gmtime_r(&t, &tm) ||
        strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
        goto out;
    }
    root = cJSON_CreateObject();
    if (!root || !cJSON_AddStringToObject(root, "type", type) ||
        !cJSON_AddStringToObject(root, "timestamp", ts)) {
        goto out;
    }
    if (!cJSON_AddItemToObject(root, "data", data)) {
        goto out;
    }
    data = NULL; /* owned by root now */
    out = cJSON_PrintUnformatted(root);
out:
    cJSON_Delete(data);
    cJSON_Delete(root);
    return out;
}
