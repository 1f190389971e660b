/*
 * auditlog.c: the audit transparency log for witnesses (docs/api.md "Audit log"): the
 * newest signed tree head and consistency proofs between two tree sizes. Devices (every
 * kiosk keeps the newest head it saw) and city staff (hubctl audit-witness) may ask. A
 * head holds no personal data (sizes, hashes, a time), so nothing is audited.
 *
 * Each town has its own log: a caller is answered about its own town's log (the default)
 * or the hub log (?log=1, records of no town); another town's log is not shown, not even
 * its size.
 */
#include "auditlog.h"
#include "handlers.h"
#include "hubctx.h"
#include "hubdb.h"
#include "hutil.h"

#include <cjson/cJSON.h>
#include <stdio.h>

#define MAX_SIZE (1L << 53)

static void unavailable(struct hreq *r)
{
    hreq_error(r, 503, "unavailable", "The hub cannot read its audit log right now; try again.");
}

/* The log asked for (?log=, default the caller's town's) on db: 0, or -1 answered. */
static int which_log(struct hreq *r, struct db *db, long *log)
{
    long long own = 0;
    enum db_status s = db ? auditlog_of_town(db, scope_town(r->who.town), &own) : DB_ERR;
    if (s != DB_ROW && s != DB_DONE) {
        unavailable(r);
        return -1;
    }
    if (hutil_query_long(r, "log", 1, MAX_SIZE, s == DB_ROW ? own : TREEHEAD_DEFAULT_LOG, log) != 0)
        return -1;
    if (*log != TREEHEAD_DEFAULT_LOG && (s != DB_ROW || *log != own)) {
        hreq_error(r, 404, "no_such_log",
                   "Log %ld is not your town's audit log; ask for yours (no log=) or the hub's "
                   "(log=1).",
                   *log);
        return -1;
    }
    return 0;
}

static void h_audit_head(struct hreq *r)
{
    long log = TREEHEAD_DEFAULT_LOG;
    struct treehead h;
    int found = 0;
    struct db *db = hubdb_pool_get(r->hub->pool);
    if (which_log(r, db, &log) != 0) {
        hubdb_pool_put(r->hub->pool, db);
        return;
    }
    enum db_status s = auditlog_newest(db, log, &h, &found);
    hubdb_pool_put(r->hub->pool, db);
    if (s != DB_OK) {
        unavailable(r);
        return;
    }
    if (!found) {
        hreq_error(r, 404, "no_head", "Log %ld has no signed tree head yet.", log);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    if (!o || treehead_to_json(&h, o) != 0) {
        cJSON_Delete(o);
        hreq_error(r, 500, "internal", "The hub ran out of memory; try again.");
        return;
    }
    hreq_json(r, 200, o);
}

static void h_audit_consistency(struct hreq *r)
{
    long log = TREEHEAD_DEFAULT_LOG, from = 0, to = 0;
    if (hutil_query_long(r, "from", 0, MAX_SIZE, -1, &from) != 0 ||
        hutil_query_long(r, "to", 0, MAX_SIZE, -1, &to) != 0)
        return;
    if (from < 0 || to < 0) {
        hreq_error(r, 400, "bad_request", "Give both from= and to=, tree sizes.");
        return;
    }
    merkle_hash proof[MERKLE_PROOF_MAX];
    size_t len = 0;
    struct db *db = hubdb_pool_get(r->hub->pool);
    if (which_log(r, db, &log) != 0) {
        hubdb_pool_put(r->hub->pool, db);
        return;
    }
    enum db_status s = auditlog_consistency(db, log, from, to, proof, &len);
    hubdb_pool_put(r->hub->pool, db);
    if (s == DB_ERR_CONSTRAINT) {
        hreq_error(r, 400, "out_of_range",
                   "from (%ld) must be at most to (%ld), and to at most the newest signed "
                   "head's tree size.",
                   from, to);
        return;
    }
    if (s != DB_OK) {
        unavailable(r);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON *arr = o ? cJSON_AddArrayToObject(o, "proof") : NULL;
    int ok = arr && cJSON_AddNumberToObject(o, "log", (double)log) &&
             cJSON_AddNumberToObject(o, "from", (double)from) &&
             cJSON_AddNumberToObject(o, "to", (double)to);
    for (size_t i = 0; ok && i < len; i++) {
        char hex[65];
        merkle_hex(proof[i], hex);
        ok = cJSON_AddItemToArray(arr, cJSON_CreateString(hex));
    }
    if (!ok) {
        cJSON_Delete(o);
        hreq_error(r, 500, "internal", "The hub ran out of memory; try again.");
        return;
    }
    hreq_json(r, 200, o);
}

const struct hroute auditlog_routes[] = {
    {"GET", "/v1/audit/head", AUTH_DEVICE | AUTH_STAFF, h_audit_head},
    {"GET", "/v1/audit/consistency", AUTH_DEVICE | AUTH_STAFF, h_audit_consistency},
    {NULL, NULL, 0, NULL},
};
