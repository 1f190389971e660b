/*
 * orders.c: shopping orders and family requests, wired onto the orders
 * library (hub/orders, docs/orders.md).
 *
 * Kiosk side (a home device, or any device with the resident's card session): operators
 * and their catalogues with pictures, placing an order (Idempotency-Key required, stored
 * durably by oidem: same key + same body -> same answer, other body -> 422, in flight ->
 * 409), the resident's order list with status in words, family requests and their answers.
 * Operator side (opk_ key): pull deliveries with a lease, acknowledge, report status.
 * Family side (fam_ token): pull requests, acknowledge, answer.
 *
 * What an operator receives is the library's minimal view; name and address are added only
 * while gate_recipient() finds the resident's consent "address -> operator:<id>" (purpose
 * "delivery"). The decision, the stored delivery body and the audit record of the release
 * are one writer job, so they commit together. Deliveries are pushed by the push thread
 * (pusher.c) or pulled by the operator; the body released is the one audited here.
 */
#include "audit.h"
#include "b64.h"
#include "catalog.h"
#include "famreq.h"
#include "gate.h"
#include "handlers.h"
#include "horders.h"
#include "hubclock.h"
#include "db_sqlite.h"
#include "hubctx.h"
#include "hubdb.h"
#include "hubreq.h"
#include "hutil.h"
#include "idem.h"
#include "oidem.h"
#include "opseudo.h"
#include "oqueue.h"
#include "orders.h"
#include "oview.h"
#include "pusher.h"
#include "writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- GET /v1/operators ------------------------------------------------------------------ */

void h_operators_get(struct hreq *r)
{
    struct db *db = hubdb_pool_get(r->hub->pool);
    sqlite3 *conn = db_sqlite_handle(db);
    sqlite3_stmt *st = NULL;
    cJSON *o = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(o, "operators");
    int s = SQLITE_ERROR;
    if (db && sqlite3_prepare_v2(conn,
                                 "SELECT o.id, o.display_name, o.districts, c.operator_id IS NOT"
                                 " NULL FROM operators o LEFT JOIN operator_catalogues c ON"
                                 " c.operator_id = o.id ORDER BY o.id",
                                 -1, &st, NULL) == SQLITE_OK) {
        while ((s = sqlite3_step(st)) == SQLITE_ROW) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddNumberToObject(e, "id", (double)sqlite3_column_int64(st, 0));
            cJSON_AddStringToObject(e, "display_name", (const char *)sqlite3_column_text(st, 1));
            cJSON *d = cJSON_AddArrayToObject(e, "districts");
            const char *p = (const char *)sqlite3_column_text(st, 2);
            while (p && *p) {
                const char *comma = strchr(p, ',');
                size_t n = comma ? (size_t)(comma - p) : strlen(p);
                char one[80];
                snprintf(one, sizeof one, "%.*s", (int)n, p);
                cJSON_AddItemToArray(d, cJSON_CreateString(one));
                p = comma ? comma + 1 : p + n;
            }
            cJSON_AddBoolToObject(e, "has_catalogue", sqlite3_column_int(st, 3));
            cJSON_AddItemToArray(arr, e);
        }
    }
    sqlite3_finalize(st);
    hubdb_pool_put(r->hub->pool, db);
    if (s != SQLITE_DONE) {
        cJSON_Delete(o);
        hreq_error(r, 503, "unavailable", "The hub cannot read its database right now.");
        return;
    }
    hreq_json(r, 200, o);
}

/* ---- GET /v1/operators/{id}/catalogue ---------------------------------------------------- */

/* The stored catalogue JSON of operator id (owned) and its name, or NULL (none / error:
 * *err = 1). */
static char *load_catalogue(struct db *db, long long id, char *name, size_t cap, int *err)
{
    sqlite3 *conn = db_sqlite_handle(db);
    sqlite3_stmt *st = NULL;
    char *json = NULL;
    *err = 1;
    if (sqlite3_prepare_v2(conn,
                           "SELECT c.json, o.display_name FROM operator_catalogues c JOIN"
                           " operators o ON o.id = c.operator_id WHERE c.operator_id = ?",
                           -1, &st, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_int64(st, 1, id);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        json = strdup((const char *)sqlite3_column_text(st, 0));
        if (name)
            snprintf(name, cap, "%s", (const char *)sqlite3_column_text(st, 1));
        *err = json == NULL;
    } else if (s == SQLITE_DONE) {
        *err = 0;
    }
out:
    sqlite3_finalize(st);
    return json;
}

void h_catalogue_get(struct hreq *r)
{
    struct db *db = hubdb_pool_get(r->hub->pool);
    sqlite3 *conn = db_sqlite_handle(db);
    sqlite3_stmt *st = NULL;
    char name[HUTIL_NAME_MAX];
    int err = 1;
    char *json = db ? load_catalogue(db, r->path_id, name, sizeof name, &err) : NULL;
    cJSON *o = NULL;
    if (!json) {
        if (err)
            hreq_error(r, 503, "unavailable", "The hub cannot read its database right now.");
        else
            hreq_error(r, 404, "not_found",
                       "There is no catalogue for this operator (no such operator, or none "
                       "imported yet).");
        goto out;
    }
    o = cJSON_CreateObject();
    cJSON *op = cJSON_AddObjectToObject(o, "operator");
    cJSON_AddNumberToObject(op, "id", (double)r->path_id);
    cJSON_AddStringToObject(op, "display_name", name);
    cJSON_AddItemToObject(o, "catalogue", cJSON_Parse(json));
    cJSON *pics = cJSON_AddObjectToObject(o, "pictures");
    if (sqlite3_prepare_v2(conn,
                           "SELECT path, mime, data FROM operator_pictures WHERE operator_id = ?"
                           " ORDER BY path",
                           -1, &st, NULL) != SQLITE_OK)
        goto fail;
    sqlite3_bind_int64(st, 1, r->path_id);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        size_t n = (size_t)sqlite3_column_bytes(st, 2);
        char *b = malloc(b64_encoded_len(n) + 1);
        if (!b)
            goto fail;
        b64_encode(sqlite3_column_blob(st, 2), n, b);
        cJSON *p = cJSON_AddObjectToObject(pics, (const char *)sqlite3_column_text(st, 0));
        cJSON_AddStringToObject(p, "type", (const char *)sqlite3_column_text(st, 1));
        cJSON_AddStringToObject(p, "data_base64", b);
        free(b);
    }
    if (s != SQLITE_DONE)
        goto fail;
    hreq_json(r, 200, o);
    o = NULL;
    goto out;
fail:
    hreq_error(r, 503, "unavailable", "The hub cannot read its database right now.");
out:
    cJSON_Delete(o);
    sqlite3_finalize(st);
    free(json);
    hubdb_pool_put(r->hub->pool, db);
}

/* ---- POST /v1/operators/{id}/orders ------------------------------------------------------ */

struct claim_job {
    const char *scope, *key, *hash;
    long long now;
    enum oidem_result res;
    struct oidem_claim claim;
    int status;
    char *answer;
};

static int claim_job(struct db *db, void *arg)
{
    sqlite3 *conn = db_sqlite_handle(db);
    struct claim_job *j = arg;
    j->res =
        oidem_begin(conn, j->scope, j->key, j->hash, j->now, 0, &j->claim, &j->status, &j->answer);
    return j->res == OIDEM_ERROR ? -1 : 0;
}

static int abandon_job(struct db *db, void *arg)
{
    sqlite3 *conn = db_sqlite_handle(db);
    return oidem_abandon(conn, arg) == ORDERS_OK ? 0 : -1;
}

struct order_job {
    struct hreq *r;
    long long now;
    const char *session;
    struct oidem_claim *claim;
    struct orders_order o;
    int parse_ok;
    char parse_err[512];
    enum auth_session_status ss;
    int refused; /* 401/403 of the caller: the claim is given up, nothing stored */
    int status;
    char *answer;
};

static char *error_body(const char *code, const char *msg)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *e = cJSON_AddObjectToObject(root, "error");
    cJSON_AddStringToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", msg);
    char *t = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return t;
}

/* 1 if district is one of the comma-separated districts. */
static int in_districts(const char *list, const char *district)
{
    size_t n = strlen(district);
    for (const char *p = list; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && memcmp(p, district, n) == 0)
            return 1;
        p = comma ? comma + 1 : p + len;
    }
    return 0;
}

static int order_job(struct db *db, void *arg)
{
    sqlite3 *conn = db_sqlite_handle(db);
    struct order_job *j = arg;
    struct hreq *r = j->r;
    const char *self_basis = NULL;
    long long resident = 0;
    char districts[1024] = "", name[HUTIL_NAME_MAX] = "", address[512] = "";
    char basis[GATE_BASIS_MAX], dest[48], kinds[32], fullbasis[GATE_BASIS_MAX + 40];
    char *body = NULL;
    int rc = -1;
    int a = hutil_acting_resident(db, r, j->session, j->now, &resident, &self_basis, &j->ss);
    if (a < 0)
        return -1;
    if (a == 0) {
        j->refused = 1;
        return 1;
    }
    if (!j->parse_ok) {
        j->status = 400;
        j->answer = error_body("bad_request", j->parse_err);
    } else if (hutil_text1(db, "SELECT districts FROM operators WHERE id = ?", r->path_id,
                           districts, sizeof districts) != 1 ||
               hutil_text1(db, "SELECT district FROM residents WHERE id = ?", resident,
                           j->o.district, sizeof j->o.district) != 1) {
        goto out;
    } else if (!in_districts(districts, j->o.district)) {
        j->status = 422;
        j->answer = error_body("not_in_district",
                               "This operator does not deliver to the resident's district; "
                               "choose another operator.");
    } else {
        j->o.resident_id = resident;
        j->o.operator_id = r->path_id;
        enum gate_decision d =
            gate_recipient(db, "operator", r->path_id, resident, "address", "delivery", basis);
        if (d == GATE_ERROR)
            goto out;
        int consent = d == GATE_ALLOW;
        struct oview_person person = {.name = name, .address = address};
        if (consent && (hutil_resident_name(db, resident, name, sizeof name) != 1 ||
                        hutil_text1(db, "SELECT address FROM residents WHERE id = ?", resident,
                                    address, sizeof address) != 1))
            goto out;
        if (orders_place(conn, &j->o, consent, consent ? &person : NULL, j->now, &body) !=
            ORDERS_OK)
            goto out;
        snprintf(dest, sizeof dest, "operator:%lld", r->path_id);
        snprintf(kinds, sizeof kinds, "%s", consent ? "orders,address" : "orders");
        snprintf(fullbasis, sizeof fullbasis, "%s%s%s", self_basis, consent ? "," : "",
                 consent ? basis : "");
        if (hutil_audit(db, r,
                        (struct audit_rec){.at = (time_t)j->now,
                                           .action = "order.release",
                                           .subject = resident,
                                           .data_kinds = kinds,
                                           .purpose = "shopping",
                                           .basis = fullbasis,
                                           .destination = dest}) != 0)
            goto out;
        char *one = orders_resident_json(&j->o);
        cJSON *wrap = cJSON_CreateObject();
        cJSON_AddItemToObject(wrap, "order", one ? cJSON_Parse(one) : NULL);
        free(one);
        j->answer = cJSON_PrintUnformatted(wrap);
        cJSON_Delete(wrap);
        j->status = 201;
    }
    if (!j->answer)
        goto out;
    if (oidem_finish(conn, j->claim, j->status, j->answer, j->now) != ORDERS_OK)
        goto out;
    rc = 0;
out:
    free(body);
    return rc;
}

void h_order_post(struct hreq *r)
{
    const char *key = hreq_header(r, "Idempotency-Key");
    char hash[OIDEM_HASH_LEN + 1];
    struct catalog *cat = NULL;
    if (!oidem_key_valid(key)) {
        hreq_error(r, 400, "bad_idempotency_key",
                   "Placing an order needs an Idempotency-Key header of 1 to 64 letters, digits, "
                   "_ and - (a new one per order; the same one when retrying).");
        return;
    }
    oidem_body_hash(r->body, r->body_len, hash);
    struct claim_job c = {.scope = r->who.actor, .key = key, .hash = hash, .now = hubclock_now()};
    enum writer_status ws = writer_run(r->hub->writer, claim_job, &c);
    if (ws != WRITER_OK) {
        hutil_write_failed(r, ws);
        return;
    }
    switch (c.res) {
    case OIDEM_PROCEED:
        break;
    case OIDEM_REPLAY:
        hreq_raw(r, c.status, c.answer);
        return;
    case OIDEM_MISMATCH:
        hreq_error(r, 422, "idempotency_key_reused",
                   "This Idempotency-Key was already used with a different body; use a new key "
                   "for a new order.");
        return;
    case OIDEM_IN_FLIGHT:
        hreq_error(r, 409, "in_flight",
                   "An order with this Idempotency-Key is still being processed; wait for its "
                   "answer, then retry.");
        return;
    default:
        hreq_error(r, 400, "bad_idempotency_key", "%s", oidem_result_message(c.res));
        return;
    }
    struct order_job j = {
        .r = r, .now = c.now, .session = hreq_header(r, "X-Card-Session"), .claim = &c.claim};
    struct db *db = hubdb_pool_get(r->hub->pool);
    int err = 1;
    char *json = db ? load_catalogue(db, r->path_id, NULL, 0, &err) : NULL;
    hubdb_pool_put(r->hub->pool, db);
    if (!json && err) {
        hreq_error(r, 503, "unavailable", "The hub cannot read its database right now.");
        goto abandon;
    }
    if (!json) {
        snprintf(j.parse_err, sizeof j.parse_err,
                 "There is no such operator, or it has no catalogue yet.");
    } else if (catalog_parse(json, strlen(json), &cat, j.parse_err, sizeof j.parse_err) !=
               ORDERS_OK) {
        snprintf(j.parse_err, sizeof j.parse_err, "The operator's catalogue cannot be read.");
    } else if (orders_request_parse(r->body, r->body_len, cat, &j.o, j.parse_err,
                                    sizeof j.parse_err) == ORDERS_OK) {
        j.parse_ok = 1;
    }
    free(json);
    catalog_free(cat);
    ws = writer_run(r->hub->writer, order_job, &j);
    if (j.refused) {
        hutil_no_resident(r, j.ss);
        goto abandon;
    }
    if (ws != WRITER_OK) {
        free(j.answer);
        hutil_write_failed(r, ws);
        goto abandon;
    }
    hreq_raw(r, j.status, j.answer);
    if (j.status == 201)
        pusher_kick(r->hub->pusher);
    return;
abandon:
    if (writer_run(r->hub->writer, abandon_job, &c.claim) != WRITER_OK)
        fprintf(stderr, "hub: could not give up an idempotency claim; a retry waits %d s\n",
                OIDEM_STALE_S);
}

/* ---- GET /v1/orders ---------------------------------------------------------------------- */

struct mine_job {
    struct hreq *r;
    long long now;
    long limit;
    const char *session;
    enum auth_session_status ss;
    int refused;
    int famreq; /* list family requests instead of orders */
    char *out;
};

/* Adds "family": the linked family members a request may be sent to now, that is whom the
 * gate lets receive the resident's requests (consent or legal basis), so the kiosk offers
 * only recipients the hub would accept. Their names are the resident's own contacts. */
static int famreq_recipients(struct db *db, long long resident, cJSON *o)
{
    sqlite3 *conn = db_sqlite_handle(db);
    sqlite3_stmt *st = NULL;
    cJSON *arr = cJSON_AddArrayToObject(o, "family");
    int rc = -1, s;
    if (!arr || sqlite3_prepare_v2(conn,
                                   "SELECT f.id, f.display_name FROM family_links l JOIN family f"
                                   " ON f.id = l.family_id WHERE l.resident_id = ? ORDER BY f.id",
                                   -1, &st, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_int64(st, 1, resident);
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        char basis[GATE_BASIS_MAX];
        long long fid = sqlite3_column_int64(st, 0);
        enum gate_decision d =
            gate_recipient(db, "family", fid, resident, "safety", "watch_over", basis);
        if (d == GATE_ERROR)
            goto out;
        if (d != GATE_ALLOW)
            continue;
        cJSON *e = cJSON_CreateObject();
        cJSON_AddNumberToObject(e, "id", (double)fid);
        cJSON_AddStringToObject(e, "display_name", (const char *)sqlite3_column_text(st, 1));
        cJSON_AddItemToArray(arr, e);
    }
    rc = s == SQLITE_DONE ? 0 : -1;
out:
    sqlite3_finalize(st);
    return rc;
}

static int famreq_list(struct db *db, long long resident, long limit, char **out)
{
    sqlite3 *conn = db_sqlite_handle(db);
    sqlite3_stmt *st = NULL;
    cJSON *o = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(o, "requests");
    int rc = -1;
    if (sqlite3_prepare_v2(conn,
                           "SELECT q.id, q.family_id, f.display_name, q.code, q.created_unix,"
                           " q.answer, q.answered_unix FROM ord_famreq q JOIN family f ON f.id ="
                           " q.family_id WHERE q.resident_id = ? ORDER BY q.id DESC LIMIT ?",
                           -1, &st, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_int64(st, 1, resident);
    sqlite3_bind_int64(st, 2, limit);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        cJSON *e = cJSON_CreateObject();
        enum famreq_code code = FAMREQ_CALL_ME;
        const char *cs = (const char *)sqlite3_column_text(st, 3);
        if (famreq_code_from_str(cs, &code) != 0)
            code = FAMREQ_CALL_ME;
        cJSON_AddNumberToObject(e, "id", (double)sqlite3_column_int64(st, 0));
        cJSON *fam = cJSON_AddObjectToObject(e, "family");
        cJSON_AddNumberToObject(fam, "id", (double)sqlite3_column_int64(st, 1));
        cJSON_AddStringToObject(fam, "display_name", (const char *)sqlite3_column_text(st, 2));
        cJSON_AddStringToObject(e, "code", cs);
        cJSON_AddStringToObject(e, "phrase", famreq_phrase_ja(code));
        cJSON_AddNumberToObject(e, "at_unix", (double)sqlite3_column_int64(st, 4));
        if (sqlite3_column_type(st, 5) == SQLITE_NULL) {
            cJSON_AddNullToObject(e, "answer");
            cJSON_AddNullToObject(e, "answer_ja");
            cJSON_AddNullToObject(e, "answered_at_unix");
        } else {
            cJSON_AddStringToObject(e, "answer", (const char *)sqlite3_column_text(st, 5));
            cJSON_AddStringToObject(e, "answer_ja", famreq_answer_ja(FAMREQ_UNDERSTOOD));
            cJSON_AddNumberToObject(e, "answered_at_unix", (double)sqlite3_column_int64(st, 6));
        }
        cJSON_AddItemToArray(arr, e);
    }
    if (s != SQLITE_DONE || famreq_recipients(db, resident, o) != 0)
        goto out;
    *out = cJSON_PrintUnformatted(o);
    rc = *out ? 0 : -1;
out:
    sqlite3_finalize(st);
    cJSON_Delete(o);
    return rc;
}

static int mine_job(struct db *db, void *arg)
{
    sqlite3 *conn = db_sqlite_handle(db);
    struct mine_job *j = arg;
    const char *basis = NULL;
    long long resident = 0;
    int a = hutil_acting_resident(db, j->r, j->session, j->now, &resident, &basis, &j->ss);
    if (a < 0)
        return -1;
    if (a == 0) {
        j->refused = 1;
        return 0;
    }
    if (j->famreq ? famreq_list(db, resident, j->limit, &j->out) != 0
                  : orders_list_resident_json(conn, resident, (int)j->limit, &j->out) != ORDERS_OK)
        return -1;
    return hutil_audit(
        db, j->r,
        (struct audit_rec){.at = (time_t)j->now,
                           .action = j->famreq ? "family_requests.read" : "orders.read",
                           .subject = resident,
                           .data_kinds = j->famreq ? "family_requests" : "orders",
                           .purpose = "own_view",
                           .basis = basis});
}

static void run_mine(struct hreq *r, int famreq)
{
    struct mine_job j = {.r = r,
                         .now = hubclock_now(),
                         .session = hreq_header(r, "X-Card-Session"),
                         .famreq = famreq};
    if (hutil_limit(r, &j.limit) != 0)
        return;
    enum writer_status ws = writer_run(r->hub->writer, mine_job, &j);
    if (ws != WRITER_OK) {
        free(j.out);
        hutil_write_failed(r, ws);
        return;
    }
    if (j.refused) {
        hutil_no_resident(r, j.ss);
        return;
    }
    hreq_raw(r, 200, j.out);
}

void h_orders_get(struct hreq *r)
{
    run_mine(r, 0);
}

void h_family_requests_get(struct hreq *r)
{
    run_mine(r, 1);
}

/* ---- operator and family: pull, ack ------------------------------------------------------- */

struct pull_job {
    struct hreq *r;
    long long now;
    long max, lease;
    char recipient[48];
    char *out;
};

/* Family: a pending request is handed out only while the gate still allows it (a consent
 * revoked after sending stops it), and each hand-out is audited. */
static int family_filter(struct db *db, struct pull_job *j, struct oqueue_item *items, size_t *n)
{
    sqlite3 *conn = db_sqlite_handle(db);
    size_t k = 0;
    for (size_t i = 0; i < *n; i++) {
        struct famreq q;
        char basis[GATE_BASIS_MAX];
        int keep = 0;
        if (famreq_get(conn, items[i].subject_id, &q) == ORDERS_OK) {
            enum gate_decision d = gate_recipient(db, "family", j->r->who.id, q.resident_id,
                                                  "safety", "watch_over", basis);
            if (d == GATE_ERROR)
                return -1;
            keep = d == GATE_ALLOW;
            if (keep && hutil_audit(db, j->r,
                                    (struct audit_rec){.at = (time_t)j->now,
                                                       .action = "family_request.deliver",
                                                       .subject = q.resident_id,
                                                       .data_kinds = "family_requests",
                                                       .purpose = "watch_over",
                                                       .basis = basis}) != 0)
                return -1;
        }
        if (keep) {
            struct oqueue_item t = items[k];
            items[k] = items[i];
            items[i] = t;
            k++;
        }
    }
    /* Withheld items keep their lease and are offered again later, and handed out only if
     * the consent is granted again by then. */
    *n = k;
    return 0;
}

static int pull_job(struct db *db, void *arg)
{
    sqlite3 *conn = db_sqlite_handle(db);
    struct pull_job *j = arg;
    struct oqueue_item *items = NULL;
    size_t n = 0, all = 0;
    int rc = -1;
    if (oqueue_pull(conn, j->recipient, j->now, j->lease, (int)j->max, &items, &n) != ORDERS_OK)
        goto out;
    all = n;
    if (j->r->who.role == AUTH_FAMILY && family_filter(db, j, items, &n) != 0)
        goto out;
    j->out = oqueue_items_json(items, n);
    rc = j->out ? 0 : -1;
out:
    oqueue_items_free(items, all);
    return rc;
}

void h_deliveries_pull(struct hreq *r)
{
    struct pull_job j = {.r = r, .now = hubclock_now()};
    if (hutil_query_long(r, "max", 1, OQUEUE_MAX_PULL, 20, &j.max) != 0 ||
        hutil_query_long(r, "lease", 5, 3600, OQUEUE_LEASE_DEFAULT, &j.lease) != 0)
        return;
    snprintf(j.recipient, sizeof j.recipient, "%s", r->who.actor);
    enum writer_status ws = writer_run(r->hub->writer, pull_job, &j);
    if (ws != WRITER_OK) {
        free(j.out);
        hutil_write_failed(r, ws);
        return;
    }
    hreq_raw(r, 200, j.out);
}

struct ack_job {
    struct hreq *r;
    long long now;
    enum orders_rc rc;
};

static int ack_job(struct db *db, void *arg)
{
    sqlite3 *conn = db_sqlite_handle(db);
    struct ack_job *j = arg;
    j->rc = oqueue_ack(conn, j->r->who.actor, j->r->path_id, j->now);
    return j->rc == ORDERS_OK || j->rc == ORDERS_NOT_FOUND ? 0 : -1;
}

void h_delivery_ack(struct hreq *r)
{
    struct ack_job j = {.r = r, .now = hubclock_now()};
    enum writer_status ws = writer_run(r->hub->writer, ack_job, &j);
    if (ws != WRITER_OK) {
        hutil_write_failed(r, ws);
        return;
    }
    if (j.rc == ORDERS_NOT_FOUND) {
        hreq_error(r, 404, "not_found", "There is no delivery %lld for you.", r->path_id);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "delivery_id", (double)r->path_id);
    cJSON_AddBoolToObject(o, "acked", 1);
    hreq_json(r, 200, o);
}

/* ---- POST /v1/operator/orders/{id}/status -------------------------------------------------- */

struct status_job {
    struct hreq *r;
    long long now;
    struct ostatus_update u;
    enum orders_rc rc;
    int changed;
    char err[256];
};

static int status_job(struct db *db, void *arg)
{
    sqlite3 *conn = db_sqlite_handle(db);
    struct status_job *j = arg;
    j->rc = orders_set_status(conn, j->r->path_id, j->r->who.id, &j->u, j->now, &j->changed, j->err,
                              sizeof j->err);
    if (j->rc == ORDERS_NOT_FOUND || j->rc == ORDERS_CONFLICT || j->rc == ORDERS_INVALID)
        return 1;
    return j->rc == ORDERS_OK ? 0 : -1;
}

void h_order_status(struct hreq *r)
{
    struct status_job j = {.r = r, .now = hubclock_now()};
    if (ostatus_parse(r->body, r->body_len, &j.u, j.err, sizeof j.err) != 0) {
        hreq_error(r, 400, "bad_request", "%s", j.err);
        return;
    }
    enum writer_status ws = writer_run(r->hub->writer, status_job, &j);
    if (j.rc == ORDERS_NOT_FOUND) {
        hreq_error(r, 404, "not_found", "There is no order %lld of yours.", r->path_id);
        return;
    }
    if (j.rc == ORDERS_CONFLICT || j.rc == ORDERS_INVALID) {
        hreq_error(r, j.rc == ORDERS_CONFLICT ? 409 : 400,
                   j.rc == ORDERS_CONFLICT ? "status_conflict" : "bad_request", "%s", j.err);
        return;
    }
    if (ws != WRITER_OK) {
        hutil_write_failed(r, ws);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "order_id", (double)r->path_id);
    cJSON_AddStringToObject(o, "status", ostatus_str(j.u.to));
    cJSON_AddBoolToObject(o, "changed", j.changed);
    hreq_json(r, 200, o);
}

/* ---- POST /v1/family-requests ---------------------------------------------------------- */

struct freq_job {
    struct hreq *r;
    long long now;
    const char *session;
    long long family_id;
    enum famreq_code code;
    const char *idem_key, *body_hash;
    enum auth_session_status ss;
    int refused, denied;
    char *resp;
};

static int freq_job(struct db *db, void *arg)
{
    sqlite3 *conn = db_sqlite_handle(db);
    struct freq_job *j = arg;
    struct hreq *r = j->r;
    const char *self_basis = NULL;
    long long resident = 0, id = 0;
    char basis[GATE_BASIS_MAX], dest[48], fullbasis[2 * GATE_BASIS_MAX];
    char *body = NULL;
    int rc = -1;
    int a = hutil_acting_resident(db, r, j->session, j->now, &resident, &self_basis, &j->ss);
    if (a <= 0) {
        j->refused = a == 0;
        return a == 0 ? 0 : -1;
    }
    enum gate_decision d =
        gate_recipient(db, "family", j->family_id, resident, "safety", "watch_over", basis);
    if (d == GATE_ERROR)
        return -1;
    if (d != GATE_ALLOW) {
        j->denied = 1;
        return 0;
    }
    if (famreq_insert(conn, resident, j->family_id, j->code, j->now, &id) != ORDERS_OK)
        goto out;
    cJSON *view = oview_family_request(id, resident, famreq_code_str(j->code),
                                       famreq_phrase_ja(j->code), j->now);
    body = view ? oview_event_body("family.request", j->now, view) : NULL;
    snprintf(dest, sizeof dest, "family:%lld", j->family_id);
    if (!body || oqueue_enqueue(conn, dest, "family.request", id, body, strlen(body), j->now, NULL,
                                NULL) != ORDERS_OK)
        goto out;
    snprintf(fullbasis, sizeof fullbasis, "%s,%s", self_basis, basis);
    if (hutil_audit(db, r,
                    (struct audit_rec){.at = (time_t)j->now,
                                       .action = "family_request.send",
                                       .subject = resident,
                                       .data_kinds = "family_requests",
                                       .purpose = "watch_over",
                                       .basis = fullbasis,
                                       .source = "resident",
                                       .destination = dest}) != 0)
        goto out;
    cJSON *o = cJSON_CreateObject();
    cJSON *q = cJSON_AddObjectToObject(o, "request");
    cJSON_AddNumberToObject(q, "id", (double)id);
    cJSON_AddNumberToObject(q, "family_id", (double)j->family_id);
    cJSON_AddStringToObject(q, "code", famreq_code_str(j->code));
    cJSON_AddStringToObject(q, "phrase", famreq_phrase_ja(j->code));
    cJSON_AddNumberToObject(q, "at_unix", (double)j->now);
    cJSON_AddNullToObject(q, "answer");
    j->resp = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!j->resp)
        goto out;
    if (j->idem_key && idem_store(db, r->who.actor, j->idem_key, j->body_hash, 201, j->resp,
                                  (time_t)j->now) != SQLITE_OK)
        goto out;
    rc = 0;
out:
    free(body);
    return rc;
}

void h_family_request_post(struct hreq *r)
{
    char err[256];
    struct hutil_idem idem;
    struct freq_job j = {
        .r = r, .now = hubclock_now(), .session = hreq_header(r, "X-Card-Session")};
    if (famreq_parse_request(r->body, r->body_len, &j.family_id, &j.code, err, sizeof err) != 0) {
        hreq_error(r, 400, "bad_request", "%s", err);
        return;
    }
    if (hutil_idem_begin(r, &idem))
        return;
    j.idem_key = idem.key;
    j.body_hash = idem.body_hash;
    enum writer_status ws = writer_run(r->hub->writer, freq_job, &j);
    if (ws != WRITER_OK) {
        hutil_write_failed(r, ws);
    } else if (j.refused) {
        hutil_no_resident(r, j.ss);
    } else if (j.denied) {
        hreq_error(r, 403, "not_permitted",
                   "This family member cannot receive requests: they are not linked to you, or "
                   "you have not consented to share watch-over messages with them.");
    } else {
        hreq_raw(r, 201, j.resp);
        j.resp = NULL;
        pusher_kick(r->hub->pusher);
    }
    free(j.resp);
    hutil_idem_end(r, &idem);
}

/* ---- POST /v1/family/requests/{id}/answer ------------------------------------------------- */

struct answer_job {
    struct hreq *r;
    long long now;
    enum famreq_answer a;
    enum orders_rc rc;
    int changed;
    int denied;
};

static int answer_job(struct db *db, void *arg)
{
    sqlite3 *conn = db_sqlite_handle(db);
    struct answer_job *j = arg;
    struct famreq q;
    char basis[GATE_BASIS_MAX];
    j->rc = famreq_get(conn, j->r->path_id, &q);
    if (j->rc == ORDERS_OK && q.family_id != j->r->who.id)
        j->rc = ORDERS_NOT_FOUND; /* someone else's request: not confirmed */
    if (j->rc == ORDERS_NOT_FOUND)
        return 0;
    if (j->rc != ORDERS_OK)
        return -1;
    /* Answering is part of the watch-over exchange: only while the consent holds. */
    enum gate_decision d =
        gate_recipient(db, "family", j->r->who.id, q.resident_id, "safety", "watch_over", basis);
    if (d == GATE_ERROR)
        return -1;
    if (d != GATE_ALLOW) {
        j->denied = 1;
        return 0;
    }
    j->rc = famreq_set_answer(conn, j->r->path_id, j->r->who.id, j->a, j->now, &j->changed);
    if (j->rc != ORDERS_OK)
        return -1;
    if (!j->changed)
        return 0;
    char dest[48];
    snprintf(dest, sizeof dest, "resident:%lld", q.resident_id);
    return hutil_audit(db, j->r,
                       (struct audit_rec){.at = (time_t)j->now,
                                          .action = "family_request.answer",
                                          .subject = q.resident_id,
                                          .data_kinds = "family_requests",
                                          .purpose = "watch_over",
                                          .basis = basis,
                                          .source = j->r->who.actor,
                                          .destination = dest});
}

void h_family_request_answer(struct hreq *r)
{
    char err[256];
    struct answer_job j = {.r = r, .now = hubclock_now()};
    if (famreq_parse_answer(r->body, r->body_len, &j.a, err, sizeof err) != 0) {
        hreq_error(r, 400, "bad_request", "%s", err);
        return;
    }
    enum writer_status ws = writer_run(r->hub->writer, answer_job, &j);
    if (ws != WRITER_OK) {
        hutil_write_failed(r, ws);
        return;
    }
    if (j.rc == ORDERS_NOT_FOUND) {
        hreq_error(r, 404, "not_found", "There is no request %lld addressed to you.", r->path_id);
        return;
    }
    if (j.denied) {
        hutil_not_permitted(r);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "request_id", (double)r->path_id);
    cJSON_AddStringToObject(o, "answer", famreq_answer_str(j.a));
    cJSON_AddStringToObject(o, "answer_ja", famreq_answer_ja(j.a));
    cJSON_AddBoolToObject(o, "changed", j.changed);
    hreq_json(r, 200, o);
}

/* ---- consent revoked: rebuild pending bodies ---------------------------------------------- */

int horders_rebody_without_address(struct db *db, long long resident, long long operator_id)
{
    sqlite3 *conn = db_sqlite_handle(db);
    sqlite3_stmt *st = NULL;
    char recipient[48];
    int rc = -1;
    snprintf(recipient, sizeof recipient, "operator:%lld", operator_id);
    if (sqlite3_prepare_v2(conn,
                           "SELECT d.subject_id, d.created_unix FROM ord_deliveries d JOIN"
                           " ord_orders o ON o.id = d.subject_id WHERE d.recipient = ? AND"
                           " d.event = 'order.created' AND d.acked_unix IS NULL AND"
                           " o.resident_id = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, recipient, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, resident);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        struct orders_order o;
        char pseudonym[OPSEUDO_LEN + 1];
        int changed = 0;
        long long id = sqlite3_column_int64(st, 0);
        if (orders_get(conn, id, &o) != ORDERS_OK ||
            opseudo_for(conn, recipient, resident, pseudonym) != ORDERS_OK)
            goto out;
        cJSON *view = oview_operator_order(&o, pseudonym, 0, NULL);
        char *body =
            view ? oview_event_body("order.created", sqlite3_column_int64(st, 1), view) : NULL;
        enum orders_rc r =
            body ? oqueue_rebody(conn, recipient, id, body, strlen(body), &changed) : ORDERS_NOMEM;
        free(body);
        if (r != ORDERS_OK)
            goto out;
    }
    rc = s == SQLITE_DONE ? 0 : -1;
out:
    sqlite3_finalize(st);
    return rc;
}

/* This face's routes (server.c asks every face's rows in turn). */
const struct hroute orders_routes[] = {
    {"GET", "/v1/operators", AUTH_DEVICE, h_operators_get},
    {"GET", "/v1/operators/{id}/catalogue", AUTH_DEVICE, h_catalogue_get},
    {"POST", "/v1/operators/{id}/orders", AUTH_DEVICE, h_order_post},
    {"GET", "/v1/orders", AUTH_DEVICE, h_orders_get},
    {"GET", "/v1/operator/deliveries", AUTH_OPERATOR, h_deliveries_pull},
    {"POST", "/v1/operator/deliveries/{id}/ack", AUTH_OPERATOR, h_delivery_ack},
    {"POST", "/v1/operator/orders/{id}/status", AUTH_OPERATOR, h_order_status},
    {"POST", "/v1/family-requests", AUTH_DEVICE, h_family_request_post},
    {"GET", "/v1/family-requests", AUTH_DEVICE, h_family_requests_get},
    {"GET", "/v1/family/requests", AUTH_FAMILY, h_deliveries_pull},
    {"POST", "/v1/family/requests/{id}/ack", AUTH_FAMILY, h_delivery_ack},
    {"POST", "/v1/family/requests/{id}/answer", AUTH_FAMILY, h_family_request_answer},
    {NULL, NULL, 0, NULL},
};
