/*
 * orders.c: shopping orders and family requests, wired onto the orders
 * library (hub/orders, docs/orders.md).
 *
 * Kiosk side (a home device, or any device with the resident's card session): operators
 * and their catalogues with pictures, placing an order (Idempotency-Key required, claimed
 * in the database by the idempotency store: same key + same body -> same answer, other
 * body -> 422, in flight -> 409), the resident's order list with status in words, family
 * requests and their answers. Every statement is a store's (hub/store/: operators,
 * ordstore, deliveries, famreqs, residents, family, idempotency).
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
#include "deliveries.h"
#include "famreq.h"
#include "famreqs.h"
#include "family.h"
#include "gate.h"
#include "handlers.h"
#include "horders.h"
#include "hubclock.h"
#include "hubctx.h"
#include "hubdb.h"
#include "hubreq.h"
#include "hutil.h"
#include "operators.h"
#include "ordstore.h"
#include "orders.h"
#include "oview.h"
#include "pusher.h"
#include "residents.h"
#include "writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- GET /v1/operators ------------------------------------------------------------------ */

#define OPERATORS_LISTED 256 /* operators one town has is a handful; the list is capped */

static void h_operators_get(struct hreq *r)
{
    struct db *conn = hubdb_pool_get(r->hub->pool);
    struct db *h = conn;
    struct operators_row *rows = calloc(OPERATORS_LISTED, sizeof *rows);
    size_t n = 0;
    enum db_status s =
        h && rows ? operators_list(h, r->who.town, rows, OPERATORS_LISTED, &n) : DB_ERR;
    hubdb_pool_put(r->hub->pool, conn);
    if (s != DB_OK) {
        free(rows);
        hreq_error(r, 503, "unavailable", "The hub cannot read its database right now.");
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(o, "operators");
    for (size_t i = 0; i < n; i++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddNumberToObject(e, "id", (double)rows[i].id);
        cJSON_AddStringToObject(e, "display_name", rows[i].name);
        cJSON *d = cJSON_AddArrayToObject(e, "districts");
        for (const char *p = rows[i].districts; *p;) {
            const char *comma = strchr(p, ',');
            size_t len = comma ? (size_t)(comma - p) : strlen(p);
            char one[80];
            snprintf(one, sizeof one, "%.*s", (int)len, p);
            cJSON_AddItemToArray(d, cJSON_CreateString(one));
            p = comma ? comma + 1 : p + len;
        }
        cJSON_AddBoolToObject(e, "has_catalogue", rows[i].has_catalogue);
        cJSON_AddItemToArray(arr, e);
    }
    free(rows);
    hreq_json(r, 200, o);
}

/* ---- GET /v1/operators/{id}/catalogue ---------------------------------------------------- */

/* The stored catalogue JSON of operator id (owned) and its name, or NULL (none / error:
 * *err = 1). */
static char *load_catalogue(struct db *h, const struct scope *sc, long long id, char *name,
                            int *err)
{
    char *json = NULL;
    char dummy[OPERATORS_NAME_MAX];
    enum db_status s = h ? operators_catalogue_get(h, sc, id, &json, name ? name : dummy) : DB_ERR;
    *err = s != DB_ROW && s != DB_DONE;
    return s == DB_ROW ? json : NULL;
}

/* Adds one picture, base64, to the "pictures" object. */
static int add_picture(void *arg, const char *path, const char *mime, const void *data, size_t len)
{
    char *b = malloc(b64_encoded_len(len) + 1);
    if (!b)
        return -1;
    b64_encode(data, len, b);
    cJSON *p = cJSON_AddObjectToObject(arg, path);
    cJSON_AddStringToObject(p, "type", mime);
    cJSON_AddStringToObject(p, "data_base64", b);
    free(b);
    return 0;
}

static void h_catalogue_get(struct hreq *r)
{
    struct db *conn = hubdb_pool_get(r->hub->pool);
    struct db *h = conn;
    char name[OPERATORS_NAME_MAX];
    int err = 1;
    char *json = load_catalogue(h, r->who.town, r->path_id, name, &err);
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
    if (operators_pictures_each(h, r->path_id, add_picture, pics) != DB_OK) {
        hreq_error(r, 503, "unavailable", "The hub cannot read its database right now.");
        goto out;
    }
    hreq_json(r, 200, o);
    o = NULL;
out:
    cJSON_Delete(o);
    free(json);
    hubdb_pool_put(r->hub->pool, conn);
}

/* ---- POST /v1/operators/{id}/orders ------------------------------------------------------ */

struct order_job {
    struct hreq *r;
    long long now;
    const char *session;
    struct hutil_idem *idem;
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

static int order_job(struct db *db, void *arg)
{
    struct order_job *j = arg;
    struct hreq *r = j->r;
    const char *self_basis = NULL;
    long long resident = 0;
    char districts[OPERATORS_DISTRICTS_MAX] = "", name[HUTIL_NAME_MAX] = "", address[512] = "";
    char basis[GATE_BASIS_MAX], dest[48], kinds[32], fullbasis[GATE_BASIS_MAX + 40];
    char *body = NULL;
    int rc = -1;
    if (!db)
        return -1;
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
    } else if (operators_get(db, r->who.town, r->path_id, NULL, districts) != DB_ROW ||
               residents_district(db, r->who.town, resident, j->o.district, sizeof j->o.district) !=
                   DB_ROW) {
        goto out;
    } else if (!operators_serves(districts, j->o.district)) {
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
        if (consent &&
            (residents_name(db, r->who.town, resident, name, sizeof name) != DB_ROW ||
             residents_address(db, r->who.town, resident, address, sizeof address) != DB_ROW))
            goto out;
        if (ordstore_place(db, r->who.town, &j->o, consent, consent ? &person : NULL, j->now,
                           &body) != ORDERS_OK)
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
    if (hutil_idem_store(db, j->idem, j->status, j->answer, j->now) != 0)
        goto out;
    rc = 0;
out:
    free(body);
    return rc;
}

static void h_order_post(struct hreq *r)
{
    struct catalog *cat = NULL;
    struct hutil_idem idem;
    if (!hubreq_valid_idempotency_key(hreq_header(r, "Idempotency-Key"))) {
        hreq_error(r, 400, "bad_idempotency_key",
                   "Placing an order needs an Idempotency-Key header of 1 to 64 letters, digits, "
                   "_ and - (a new one per order; the same one when retrying).");
        return;
    }
    if (hutil_idem_begin(r, &idem))
        return; /* answered: replay, 409 or 422 */
    struct order_job j = {
        .r = r, .now = hubclock_now(), .session = hreq_header(r, "X-Card-Session"), .idem = &idem};
    struct db *conn = hubdb_pool_get(r->hub->pool);
    int err = 1;
    char *json = load_catalogue(conn, r->who.town, r->path_id, NULL, &err);
    hubdb_pool_put(r->hub->pool, conn);
    if (!json && err) {
        hreq_error(r, 503, "unavailable", "The hub cannot read its database right now.");
        goto out;
    }
    if (!json) {
        snprintf(j.parse_err, sizeof j.parse_err,
                 "There is no such operator, or it has no catalogue yet.");
    } else if (catalog_parse(json, strlen(json), &cat, j.parse_err, sizeof j.parse_err) !=
               ORDERS_OK) {
        snprintf(j.parse_err, sizeof j.parse_err, "The operator's catalogue cannot be read.");
    } else if (orders_request_parse(r->body, r->body_len, cat, &j.o, j.parse_err,
                                    sizeof j.parse_err) != ORDERS_OK) {
        /* parse_err says why */
    } else if (orders_slot_start(j.o.slot) <= (long long)j.now) {
        /* Measured by the hub's clock, so kiosks with a wrong clock are told too. */
        snprintf(j.parse_err, sizeof j.parse_err,
                 "The delivery slot %s has already begun or is over; choose a slot that starts "
                 "later than now.",
                 j.o.slot);
    } else {
        j.parse_ok = 1;
    }
    free(json);
    catalog_free(cat);
    enum writer_status ws = writer_run(r->hub->writer, order_job, &j);
    if (j.refused) {
        hutil_no_resident(r, j.ss);
    } else if (ws != WRITER_OK) {
        hutil_write_failed(r, ws);
    } else {
        hreq_raw(r, j.status, j.answer);
        j.answer = NULL;
        if (j.status == 201)
            pusher_kick(r->hub->pusher);
    }
    free(j.answer);
out:
    hutil_idem_end(r, &idem);
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
struct recipients {
    struct db *db;
    long long resident;
    cJSON *arr;
};

static int add_recipient(void *ctx, const struct family_row *f)
{
    struct recipients *c = ctx;
    char basis[GATE_BASIS_MAX];
    enum gate_decision d =
        gate_recipient(c->db, "family", f->id, c->resident, "safety", "watch_over", basis);
    if (d == GATE_ERROR)
        return -1;
    if (d == GATE_ALLOW) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddNumberToObject(e, "id", (double)f->id);
        cJSON_AddStringToObject(e, "display_name", f->display_name ? f->display_name : "");
        cJSON_AddItemToArray(c->arr, e);
    }
    return 0;
}

static int famreq_list(struct db *db, const struct scope *sc, long long resident, long limit,
                       char **out)
{
    struct famreqs_row *rows = calloc((size_t)limit, sizeof *rows);
    size_t n = 0;
    cJSON *o = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(o, "requests");
    int rc = -1;
    if (!db || !rows || famreqs_list_resident(db, sc, resident, (int)limit, rows, &n) != ORDERS_OK)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const struct famreq *q = &rows[i].q;
        cJSON *e = cJSON_CreateObject();
        cJSON_AddNumberToObject(e, "id", (double)q->id);
        cJSON *fam = cJSON_AddObjectToObject(e, "family");
        cJSON_AddNumberToObject(fam, "id", (double)q->family_id);
        cJSON_AddStringToObject(fam, "display_name", rows[i].family_name);
        cJSON_AddStringToObject(e, "code", famreq_code_str(q->code));
        cJSON_AddStringToObject(e, "phrase", famreq_phrase_ja(q->code));
        cJSON_AddNumberToObject(e, "at_unix", (double)q->created_unix);
        if (!q->answered) {
            cJSON_AddNullToObject(e, "answer");
            cJSON_AddNullToObject(e, "answer_ja");
            cJSON_AddNullToObject(e, "answered_at_unix");
        } else {
            cJSON_AddStringToObject(e, "answer", famreq_answer_str(q->answer));
            cJSON_AddStringToObject(e, "answer_ja", famreq_answer_ja(q->answer));
            cJSON_AddNumberToObject(e, "answered_at_unix", (double)q->answered_unix);
        }
        cJSON_AddItemToArray(arr, e);
    }
    struct recipients c = {db, resident, cJSON_AddArrayToObject(o, "family")};
    if (!c.arr || family_of_resident(db, sc, resident, add_recipient, &c) != DB_OK)
        goto out;
    *out = cJSON_PrintUnformatted(o);
    rc = *out ? 0 : -1;
out:
    free(rows);
    cJSON_Delete(o);
    return rc;
}

static int mine_job(struct db *db, void *arg)
{
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
    if (j->famreq ? famreq_list(db, j->r->who.town, resident, j->limit, &j->out) != 0
                  : ordstore_list_resident_json(db, j->r->who.town, resident, (int)j->limit,
                                                &j->out) != ORDERS_OK)
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

static void h_orders_get(struct hreq *r)
{
    run_mine(r, 0);
}

static void h_family_requests_get(struct hreq *r)
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
static int family_filter(struct db *db, const struct scope *sc, struct pull_job *j,
                         struct oqueue_item *items, size_t *n)
{
    size_t k = 0;
    for (size_t i = 0; i < *n; i++) {
        struct famreq q;
        char basis[GATE_BASIS_MAX];
        int keep = 0;
        if (famreqs_get(db, sc, items[i].subject_id, &q) == ORDERS_OK) {
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

/* Pulls up to max - *kept deliveries of town sc into out[*kept...] (a family member's
 * only those the gate still allows). 0, or -1. */
static int pull_town(struct db *db, const struct scope *sc, struct pull_job *j,
                     struct oqueue_item *out, size_t *kept)
{
    struct oqueue_item *items = NULL;
    size_t n = 0, all = 0;
    int rc = -1;
    if (deliveries_pull(db, sc, j->recipient, j->now, j->lease, (int)(j->max - (long)*kept), &items,
                        &n) != ORDERS_OK)
        goto out;
    all = n;
    if (j->r->who.role == AUTH_FAMILY && family_filter(db, sc, j, items, &n) != 0)
        goto out;
    memcpy(out + *kept, items, n * sizeof *items);
    *kept += n;
    /* The kept items' bodies belong to out now; the withheld ones are freed with the array. */
    memmove(items, items + n, (all - n) * sizeof *items);
    all -= n;
    rc = 0;
out:
    oqueue_items_free(items, all);
    return rc;
}

static int pull_job(struct db *db, void *arg)
{
    struct pull_job *j = arg;
    const struct scope **towns = NULL;
    struct oqueue_item *out = calloc((size_t)j->max, sizeof *out);
    size_t kept = 0;
    int rc = -1;
    /* Each town the caller serves (an operator under its contracts, a family member through
     * its links), in turn, until max. */
    int n = db && out ? gate_towns(db, &j->r->who, &towns) : -1;
    for (int t = 0; t < n && (long)kept < j->max; t++)
        if (pull_town(db, towns[t], j, out, &kept) != 0)
            goto out;
    if (n < 0)
        goto out;
    j->out = oqueue_items_json(out, kept);
    rc = j->out ? 0 : -1;
out:
    free(towns);
    oqueue_items_free(out, kept);
    return rc;
}

static void h_deliveries_pull(struct hreq *r)
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
    struct ack_job *j = arg;
    const struct scope **towns = NULL;
    int n = db ? gate_towns(db, &j->r->who, &towns) : -1;
    j->rc = n < 0 ? ORDERS_DB : ORDERS_NOT_FOUND;
    for (int t = 0; t < n && j->rc == ORDERS_NOT_FOUND; t++)
        j->rc = deliveries_ack(db, towns[t], j->r->who.actor, j->r->path_id, j->now);
    free(towns);
    return j->rc == ORDERS_OK || j->rc == ORDERS_NOT_FOUND ? 0 : -1;
}

static void h_delivery_ack(struct hreq *r)
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
    struct status_job *j = arg;
    /* The order is looked for in the towns the operator serves under a contract. */
    const struct scope **towns = NULL;
    int n = db ? gate_towns(db, &j->r->who, &towns) : -1;
    j->rc = n < 0 ? ORDERS_DB : ORDERS_NOT_FOUND;
    for (int t = 0; t < n && j->rc == ORDERS_NOT_FOUND; t++)
        j->rc = ordstore_set_status(db, towns[t], j->r->path_id, j->r->who.id, &j->u, j->now,
                                    &j->changed, j->err, sizeof j->err);
    free(towns);
    if (j->rc == ORDERS_NOT_FOUND || j->rc == ORDERS_CONFLICT || j->rc == ORDERS_INVALID)
        return 1;
    return j->rc == ORDERS_OK ? 0 : -1;
}

static void h_order_status(struct hreq *r)
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
    struct hutil_idem *idem;
    enum auth_session_status ss;
    int refused, denied;
    char *resp;
};

static int freq_job(struct db *db, void *arg)
{
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
    if (!db ||
        famreqs_insert(db, r->who.town, resident, j->family_id, j->code, j->now, &id) != ORDERS_OK)
        goto out;
    cJSON *view = oview_family_request(id, resident, famreq_code_str(j->code),
                                       famreq_phrase_ja(j->code), j->now);
    body = view ? oview_event_body("family.request", j->now, view) : NULL;
    snprintf(dest, sizeof dest, "family:%lld", j->family_id);
    if (!body || deliveries_enqueue(db, r->who.town, dest, "family.request", id, body, strlen(body),
                                    j->now, NULL, NULL) != ORDERS_OK)
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
    if (hutil_idem_answer(db, j->idem, 201, o, j->now, &j->resp) != 0)
        goto out;
    rc = 0;
out:
    free(body);
    return rc;
}

static void h_family_request_post(struct hreq *r)
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
    j.idem = &idem;
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
    struct answer_job *j = arg;
    struct famreq q;
    char basis[GATE_BASIS_MAX];
    const struct scope **towns = NULL, *town = NULL;
    int n = db ? gate_towns(db, &j->r->who, &towns) : -1;
    j->rc = n < 0 ? ORDERS_DB : ORDERS_NOT_FOUND;
    for (int t = 0; t < n && j->rc == ORDERS_NOT_FOUND; t++)
        j->rc = famreqs_get(db, town = towns[t], j->r->path_id, &q);
    free(towns); /* the scopes themselves live for the process (scope.h) */
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
    j->rc = famreqs_set_answer(db, town, j->r->path_id, j->r->who.id, j->a, j->now, &j->changed);
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

static void h_family_request_answer(struct hreq *r)
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

int horders_rebody_without_address(struct db *db, const struct scope *sc, long long resident,
                                   long long operator_id)
{
    return db && ordstore_rebody_without_address(db, sc, resident, operator_id, NULL) == ORDERS_OK
               ? 0
               : -1;
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
