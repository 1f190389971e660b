/*
 * ostatus.c: the order state machine (see ostatus.h for the diagram). The allowed moves are
 * a table, so the rules are read in one place and tested as a whole.
 */
#include "ostatus.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cjson/cJSON.h>

#include "hubreq.h"

static const char *const NAMES[] = {
    [OSTATUS_CREATED] = "created",
    [OSTATUS_ACCEPTED] = "accepted",
    [OSTATUS_OUT_FOR_DELIVERY] = "out_for_delivery",
    [OSTATUS_DELIVERED] = "delivered",
    [OSTATUS_CANCELLED] = "cancelled",
};
#define N_STATUS ((int)(sizeof(NAMES) / sizeof(NAMES[0])))

/* ALLOWED[from][to]: 1 when an operator may move an order from `from` to `to`. */
static const unsigned char ALLOWED[5][5] = {
    /*                  created acc  ofd  deliv canc */
    [OSTATUS_CREATED] = {0, 1, 1, 1, 1},          [OSTATUS_ACCEPTED] = {0, 0, 1, 1, 1},
    [OSTATUS_OUT_FOR_DELIVERY] = {0, 0, 0, 1, 1}, [OSTATUS_DELIVERED] = {0, 0, 0, 0, 0},
    [OSTATUS_CANCELLED] = {0, 0, 0, 0, 0},
};

/* Earliest and latest eta we accept: 2020-01-01 and 2100-01-01 (catches ms and garbage). */
#define ETA_MIN 1577836800LL
#define ETA_MAX 4102444800LL

const char *ostatus_str(enum ostatus s)
{
    if ((int)s < 0 || (int)s >= N_STATUS) {
        return "unknown";
    }
    return NAMES[s];
}

int ostatus_from_str(const char *name, enum ostatus *s)
{
    for (int i = 0; i < N_STATUS; i++) {
        if (name && strcmp(name, NAMES[i]) == 0) {
            *s = (enum ostatus)i;
            return 0;
        }
    }
    return -1;
}

int ostatus_parse(const char *json, size_t len, struct ostatus_update *u, char *err, size_t errlen)
{
    int rc = -1;
    cJSON *root = NULL;
    memset(u, 0, sizeof(*u));
    if (!hubreq_json_object(json, len, 4096, NULL, NULL, &root, err, errlen)) {
        goto out;
    }
    if (!hubreq_json_only_keys(root, (const char *const[]){"status", "eta_unix", "reason", NULL},
                               err, errlen)) {
        goto out;
    }
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(root, "status");
    if (!cJSON_IsString(st) || ostatus_from_str(st->valuestring, &u->to) != 0 ||
        u->to == OSTATUS_CREATED) {
        snprintf(err, errlen,
                 "\"status\" must be one of accepted, out_for_delivery, delivered, cancelled");
        goto out;
    }
    const cJSON *eta = cJSON_GetObjectItemCaseSensitive(root, "eta_unix");
    const cJSON *reason = cJSON_GetObjectItemCaseSensitive(root, "reason");
    if (u->to == OSTATUS_OUT_FOR_DELIVERY) {
        long long v = 0;
        if (!hubreq_json_int(eta, ETA_MIN, ETA_MAX, &v)) {
            snprintf(err, errlen,
                     "out_for_delivery needs \"eta_unix\": the delivery time in Unix seconds");
            goto out;
        }
        u->eta_unix = v;
    } else if (eta) {
        snprintf(err, errlen, "\"eta_unix\" is only for out_for_delivery");
        goto out;
    }
    if (u->to == OSTATUS_CANCELLED) {
        if (!hubreq_json_text(reason, u->reason, sizeof(u->reason))) {
            snprintf(err, errlen, "cancelled needs a \"reason\" of 1 to 256 bytes of text");
            goto out;
        }
    } else if (reason) {
        snprintf(err, errlen, "\"reason\" is only for cancelled");
        goto out;
    }
    rc = 0;
out:
    cJSON_Delete(root);
    return rc;
}

enum ostatus_verdict ostatus_check(enum ostatus from, long long from_eta,
                                   const struct ostatus_update *u, char *err, size_t errlen)
{
    if ((int)from < 0 || (int)from >= N_STATUS || (int)u->to < 0 || (int)u->to >= N_STATUS) {
        snprintf(err, errlen, "unknown status");
        return OSTATUS_REJECT;
    }
    if (from == u->to) {
        if (from == OSTATUS_OUT_FOR_DELIVERY && u->eta_unix != from_eta) {
            return OSTATUS_APPLY; /* a new delivery time */
        }
        return OSTATUS_NOOP;
    }
    if (!ALLOWED[from][u->to]) {
        snprintf(err, errlen, "the order is %s and cannot become %s", ostatus_str(from),
                 ostatus_str(u->to));
        return OSTATUS_REJECT;
    }
    return OSTATUS_APPLY;
}

char *ostatus_words_ja(enum ostatus s, long long eta_unix, long utc_offset_s, char *out, size_t cap)
{
    if (cap == 0) {
        return out;
    }
    switch (s) {
    case OSTATUS_CREATED:
        snprintf(out, cap, "送信済み");
        break;
    case OSTATUS_ACCEPTED:
        snprintf(out, cap, "受付済み");
        break;
    case OSTATUS_OUT_FOR_DELIVERY: {
        time_t t = (time_t)(eta_unix + utc_offset_s);
        struct tm tm;
        if (eta_unix > 0 && gmtime_r(&t, &tm)) {
            snprintf(out, cap, "配達予定 %d:%02d", tm.tm_hour, tm.tm_min);
        } else {
            snprintf(out, cap, "配達中");
        }
        break;
    }
    case OSTATUS_DELIVERED:
        snprintf(out, cap, "配達済み");
        break;
    case OSTATUS_CANCELLED:
        snprintf(out, cap, "取り消し");
        break;
    default:
        snprintf(out, cap, "不明");
        break;
    }
    return out;
}
