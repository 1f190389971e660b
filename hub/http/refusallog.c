/*
 * refusallog.c: GET /v1/audit/refusals (docs/api.md): city staff read the summaries of
 * refused authorizations (store/refusals.h) of a time range: their town's callers and
 * those of no town (no token, an unknown one). A summary holds no personal data (a caller
 * reference, never a token; a client address; a route; counts and times), so reading it
 * releases nothing and is not audited, like the audit heads.
 */
#include "handlers.h"
#include "hubclock.h"
#include "hubctx.h"
#include "hubdb.h"
#include "hutil.h"
#include "refusals.h"

#include <cjson/cJSON.h>

#define LIST_MAX 1000 /* rows per answer; "truncated" says when there were more */
#define TIME_MAX (1L << 40)

struct list {
    cJSON *arr;
    int n;
    int full;
};

static int add_row(void *ctx, const struct refusals_row *row)
{
    struct list *l = ctx;
    if (l->n == LIST_MAX) {
        l->full = 1;
        return 1;
    }
    char at[21];
    cJSON *o = cJSON_CreateObject();
    hubclock_rfc3339((time_t)row->minute, at);
    int ok = o && cJSON_AddItemToArray(l->arr, o) && cJSON_AddStringToObject(o, "minute", at) &&
             cJSON_AddNumberToObject(o, "minute_unix", (double)row->minute) &&
             cJSON_AddStringToObject(o, "caller", row->caller) &&
             cJSON_AddStringToObject(o, "address", row->address) &&
             cJSON_AddStringToObject(o, "route", row->route) &&
             cJSON_AddNumberToObject(o, "count", (double)row->count) &&
             cJSON_AddNumberToObject(o, "first_at_unix", (double)row->first) &&
             cJSON_AddNumberToObject(o, "last_at_unix", (double)row->last);
    l->n++;
    return ok ? 0 : -1;
}

static void h_refusals_get(struct hreq *r)
{
    long now = (long)hubclock_now(), from = 0, to = 0;
    if (hutil_query_long(r, "from", 0, TIME_MAX, now - 86400, &from) != 0 ||
        hutil_query_long(r, "to", 0, TIME_MAX, now + 60, &to) != 0)
        return;
    if (from >= to) {
        hreq_error(r, 400, "bad_range", "from= (%ld) must be before to= (%ld), both Unix seconds.",
                   from, to);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    struct list l = {root ? cJSON_AddArrayToObject(root, "refusals") : NULL, 0, 0};
    if (!l.arr) {
        cJSON_Delete(root);
        hreq_error(r, 500, "internal", "The hub ran out of memory; try again.");
        return;
    }
    struct db *db = hubdb_pool_get(r->hub->pool);
    enum db_status s =
        db ? refusals_list(db, r->who.town, from, to, LIST_MAX + 1, add_row, &l) : DB_ERR;
    hubdb_pool_put(r->hub->pool, db);
    if (s != DB_OK && !l.full) {
        cJSON_Delete(root);
        hreq_error(r, 503, "unavailable",
                   "The hub cannot read the refusal summaries right now; try again.");
        return;
    }
    cJSON_AddNumberToObject(root, "from_unix", (double)from);
    cJSON_AddNumberToObject(root, "to_unix", (double)to);
    cJSON_AddBoolToObject(root, "truncated", l.full);
    hreq_json(r, 200, root);
}

const struct hroute refusallog_routes[] = {
    {"GET", "/v1/audit/refusals", AUTH_STAFF, h_refusals_get},
    {NULL, NULL, 0, NULL},
};
