/*
 * oqueue.c: delivery items, their names and the pull answer (see oqueue.h).
 */
#include "oqueue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include <openssl/crypto.h>

void oqueue_items_free(struct oqueue_item *items, size_t n)
{
    if (!items) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        free(items[i].body);
        OPENSSL_cleanse(items[i].secret, sizeof(items[i].secret));
    }
    free(items);
}

int oqueue_recipient_valid(const char *r)
{
    if (!r || strlen(r) >= ORDERS_RECIPIENT_MAX) {
        return 0;
    }
    const char *p = r;
    int kind = 0, digits = 0;
    while (*p >= 'a' && *p <= 'z') {
        p++;
        kind++;
    }
    if (kind == 0 || kind > 16 || *p != ':') {
        return 0;
    }
    for (p++; *p >= '0' && *p <= '9'; p++) {
        digits++;
    }
    return *p == '\0' && digits > 0 && digits <= 18;
}

char *oqueue_items_json(const struct oqueue_item *items, size_t n)
{
    char *out = NULL;
    cJSON *root = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(root, "deliveries");
    if (!root || !arr) {
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            goto out;
        }
        /* The body was built by the hub as JSON; embed it as it is (raw), not re-encoded. */
        if (!cJSON_AddNumberToObject(o, "id", (double)items[i].id) ||
            !cJSON_AddStringToObject(o, "msg_id", items[i].msg_id) ||
            !cJSON_AddStringToObject(o, "event", items[i].event) ||
            !cJSON_AddNumberToObject(o, "offered", items[i].offered) ||
            !cJSON_AddRawToObject(o, "body", items[i].body)) {
            goto out;
        }
    }
    out = cJSON_PrintUnformatted(root);
out:
    cJSON_Delete(root);
    return out;
}
