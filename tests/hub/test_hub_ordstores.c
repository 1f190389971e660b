/*
 * test_hub_ordstores.c: conformance of the shopping stores (hub/store/: idempotency keys,
 * orders, deliveries and webhooks, family requests, pseudonym keys, operators and
 * catalogues) against a real database with the hub's own migrations: by default a new
 * SQLite file in a temp folder; with a target argument (`test_hub_ordstores
 * postgresql://...`, an empty database; ctest runs it through tests/pg's pgrun) the same
 * checks run on PostgreSQL. Two handles on one database stand for two hubd processes.
 */
#include "catalog.h"
#include "db.h"
#include "deliveries.h"
#include "famreqs.h"
#include "fixtures.h"
#include "hubdb.h"
#include "hubreq.h"
#include "hubtoken.h"
#include "idempotency.h"
#include "operators.h"
#include "scope.h"
#include "ordstore.h"
#include "pseudokeys.h"
#include "storetarget.h"
#include "test.h"
#include "webhooks.h"

#include <cjson/cJSON.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct storetarget ST;
static struct catalog *cat;

#define NOW 1795392720LL

static const char HASH_A[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
static const char HASH_B[] = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

/* One claim in its own transaction, as the hub's claim job commits it. */
static enum idempotency_result claim(struct db *db, const char *who, const char *key,
                                     const char *hash, long long now, struct idempotency_claim *c,
                                     int *status, char **answer)
{
    enum idempotency_result res = IDEMPOTENCY_IN_FLIGHT;
    CHECK_INT_EQ(db_begin(db), DB_OK);
    enum db_status s =
        idempotency_claim(db, scope_of(1), who, key, hash, now, &res, c, status, answer);
    CHECK_INT_EQ(s, DB_OK);
    CHECK_INT_EQ(db_commit(db), DB_OK);
    return res;
}

/* The create transaction: finish the claim; *lost when it was taken over (rolled back). */
static void finish(struct db *db, const struct idempotency_claim *c, int status, const char *ans,
                   long long now, int *lost)
{
    REQUIRE(db_begin(db) == DB_OK);
    CHECK_INT_EQ(idempotency_finish(db, scope_of(1), c, status, ans, now, lost), DB_OK);
    if (*lost)
        db_rollback(db);
    else
        CHECK_INT_EQ(db_commit(db), DB_OK);
}

static void t_idempotency_replay_mismatch_in_flight(void)
{
    struct db *a = storetarget_open(&ST), *b = storetarget_open(&ST);
    REQUIRE(a && b);
    struct idempotency_claim ca, cb;
    int status = 0, lost = 0;
    char *ans = NULL;
    CHECK_INT_EQ(claim(a, "device:1", "k1", HASH_A, NOW, &ca, &status, &ans), IDEMPOTENCY_PROCEED);
    /* the other process meanwhile: in flight; another body: reused key */
    CHECK_INT_EQ(claim(b, "device:1", "k1", HASH_A, NOW + 1, &cb, &status, &ans),
                 IDEMPOTENCY_IN_FLIGHT);
    CHECK_INT_EQ(claim(b, "device:1", "k1", HASH_B, NOW + 1, &cb, &status, &ans),
                 IDEMPOTENCY_MISMATCH);
    /* keys are per caller */
    CHECK_INT_EQ(claim(b, "device:2", "k1", HASH_B, NOW + 1, &cb, &status, &ans),
                 IDEMPOTENCY_PROCEED);
    finish(a, &ca, 201, "{\"id\":1}", NOW + 1, &lost);
    CHECK(!lost);
    CHECK_INT_EQ(claim(b, "device:1", "k1", HASH_A, NOW + 2, &cb, &status, &ans),
                 IDEMPOTENCY_REPLAY);
    CHECK_INT_EQ(status, 201);
    CHECK_STR_EQ(ans, "{\"id\":1}");
    free(ans);
    ans = NULL;
    /* a stored 400 is an answer too */
    CHECK_INT_EQ(claim(a, "device:1", "k2", HASH_A, NOW, &ca, &status, &ans), IDEMPOTENCY_PROCEED);
    finish(a, &ca, 400, "{\"error\":{}}", NOW, &lost);
    CHECK_INT_EQ(claim(b, "device:1", "k2", HASH_A, NOW, &cb, &status, &ans), IDEMPOTENCY_REPLAY);
    CHECK_INT_EQ(status, 400);
    free(ans);
    db_close(a);
    db_close(b);
}

/* A holder that crashed: a retry takes over once the lease ran out; if the holder was
 * only slow, its finish finds the claim lost and nothing of it is stored. */
static void t_idempotency_takeover(void)
{
    struct db *a = storetarget_open(&ST), *b = storetarget_open(&ST);
    REQUIRE(a && b);
    struct idempotency_claim ca, cb, cc;
    int status = 0, lost = 0;
    char *ans = NULL;
    CHECK_INT_EQ(claim(a, "device:1", "t1", HASH_A, NOW, &ca, &status, &ans), IDEMPOTENCY_PROCEED);
    CHECK_INT_EQ(
        claim(b, "device:1", "t1", HASH_A, NOW + IDEMPOTENCY_LEASE_S - 1, &cb, &status, &ans),
        IDEMPOTENCY_IN_FLIGHT);
    CHECK_INT_EQ(claim(b, "device:1", "t1", HASH_A, NOW + IDEMPOTENCY_LEASE_S, &cb, &status, &ans),
                 IDEMPOTENCY_PROCEED);
    CHECK(cb.attempt == ca.attempt + 1);
    /* the new holder's lease is fresh: a third attempt waits */
    CHECK_INT_EQ(
        claim(a, "device:1", "t1", HASH_A, NOW + IDEMPOTENCY_LEASE_S + 1, &cc, &status, &ans),
        IDEMPOTENCY_IN_FLIGHT);
    finish(a, &ca, 201, "{\"who\":\"slow\"}", NOW + 20, &lost);
    CHECK(lost);
    /* the slow holder giving up does not free the new holder's claim */
    REQUIRE(db_begin(a) == DB_OK);
    CHECK_INT_EQ(idempotency_abandon(a, scope_of(1), &ca), DB_OK);
    CHECK_INT_EQ(db_commit(a), DB_OK);
    finish(b, &cb, 201, "{\"who\":\"retry\"}", NOW + 20, &lost);
    CHECK(!lost);
    CHECK_INT_EQ(claim(a, "device:1", "t1", HASH_A, NOW + 30, &cc, &status, &ans),
                 IDEMPOTENCY_REPLAY);
    CHECK_STR_EQ(ans, "{\"who\":\"retry\"}");
    free(ans);
    db_close(a);
    db_close(b);
}

static void t_idempotency_abandon_and_prune(void)
{
    struct db *a = storetarget_open(&ST);
    REQUIRE(a);
    struct idempotency_claim c;
    int status = 0, lost = 0;
    char *ans = NULL;
    CHECK_INT_EQ(claim(a, "device:3", "a1", HASH_A, NOW, &c, &status, &ans), IDEMPOTENCY_PROCEED);
    REQUIRE(db_begin(a) == DB_OK);
    CHECK_INT_EQ(idempotency_abandon(a, scope_of(1), &c), DB_OK);
    CHECK_INT_EQ(db_commit(a), DB_OK);
    /* given up: a retry proceeds at once, even with another body */
    CHECK_INT_EQ(claim(a, "device:3", "a1", HASH_B, NOW, &c, &status, &ans), IDEMPOTENCY_PROCEED);
    finish(a, &c, 201, "{}", NOW, &lost);
    int64_t n = -1;
    REQUIRE(db_begin(a) == DB_OK);
    CHECK_INT_EQ(idempotency_prune(a, NOW, &n), DB_OK);
    CHECK_INT_EQ(n, 0);
    CHECK_INT_EQ(idempotency_prune(a, NOW + 1, &n), DB_OK);
    CHECK(n >= 1);
    CHECK_INT_EQ(db_commit(a), DB_OK);
    CHECK_INT_EQ(claim(a, "device:3", "a1", HASH_A, NOW + 2, &c, &status, &ans),
                 IDEMPOTENCY_PROCEED);
    db_close(a);
}

/* Two processes claiming one new key at once: the second waits for the first's commit
 * (PostgreSQL: the unique index; SQLite: the write lock) and then sees it in flight. */
struct racer {
    struct db *db;
    enum idempotency_result res;
    enum db_status s;
};

static void *race_claim(void *arg)
{
    struct racer *r = arg;
    struct idempotency_claim c;
    int status = 0;
    char *ans = NULL;
    r->s = db_begin(r->db);
    if (r->s == DB_OK)
        r->s = idempotency_claim(r->db, scope_of(1), "device:4", "race", HASH_A, NOW, &r->res, &c,
                                 &status, &ans);
    if (r->s == DB_OK)
        r->s = db_commit(r->db);
    free(ans);
    return NULL;
}

static void t_idempotency_concurrent_claims(void)
{
    struct db *a = storetarget_open(&ST);
    struct racer b = {.db = storetarget_open(&ST)};
    REQUIRE(a && b.db);
    struct idempotency_claim c;
    int status = 0;
    char *ans = NULL;
    enum idempotency_result res;
    REQUIRE(db_begin(a) == DB_OK);
    CHECK_INT_EQ(
        idempotency_claim(a, scope_of(1), "device:4", "race", HASH_A, NOW, &res, &c, &status, &ans),
        DB_OK);
    CHECK_INT_EQ(res, IDEMPOTENCY_PROCEED);
    pthread_t th;
    REQUIRE(pthread_create(&th, NULL, race_claim, &b) == 0);
    usleep(200 * 1000); /* b is waiting for a's transaction now */
    CHECK_INT_EQ(db_commit(a), DB_OK);
    pthread_join(th, NULL);
    CHECK_INT_EQ(b.s, DB_OK);
    CHECK_INT_EQ(b.res, IDEMPOTENCY_IN_FLIGHT);
    db_close(a);
    db_close(b.db);
}

/* ---- orders, deliveries, family requests, pseudonym keys, operators ---------------------- */

/* One integer from sql (a literal with one integer parameter). */
static long long count(struct db *db, const char *sql, long long arg)
{
    int64_t n = -1;
    if (db_get_int64(db, sql, arg, &n) != DB_ROW)
        return -1;
    return n;
}

static void fill_order(struct orders_order *o, long long resident, long long op)
{
    char err[256];
    if (orders_request_parse(FIX_ORDER, strlen(FIX_ORDER), cat, o, err, sizeof err) != ORDERS_OK)
        fprintf(stderr, "fixture order: %s\n", err);
    o->resident_id = resident;
    o->operator_id = op;
    snprintf(o->district, sizeof o->district, "中央町");
}

/*
 * What the hub's POST /v1/operators/{id}/orders does with the stores: the key's claim in
 * a transaction of its own, then one transaction with the order, its delivery and the
 * stored answer (or a stored 400). Returns the HTTP status; *answer owned. Operator op,
 * resident op * 10.
 */
static int create_order(struct db *db, long long op, const char *key, const char *body,
                        long long now, char **answer)
{
    char hash[HUBTOKEN_HASH_HEX];
    struct idempotency_claim c;
    enum idempotency_result res;
    int status = 0, lost = 0;
    *answer = NULL;
    if (!hubreq_valid_idempotency_key(key)) {
        *answer = strdup("bad_idempotency_key");
        return 400;
    }
    hubtoken_hash(body, strlen(body), hash);
    if (db_begin(db) != DB_OK)
        return 500;
    if (idempotency_claim(db, scope_of(1), "device:1", key, hash, now, &res, &c, &status, answer) !=
            DB_OK ||
        db_commit(db) != DB_OK) {
        db_rollback(db);
        return 500;
    }
    if (res == IDEMPOTENCY_REPLAY)
        return status;
    if (res != IDEMPOTENCY_PROCEED) {
        *answer = strdup(res == IDEMPOTENCY_MISMATCH ? "idempotency_key_reused" : "in_flight");
        return res == IDEMPOTENCY_MISMATCH ? 422 : 409;
    }
    struct orders_order o;
    char err[256];
    if (db_begin(db) != DB_OK)
        return 500;
    if (orders_request_parse(body, strlen(body), cat, &o, err, sizeof err) != ORDERS_OK) {
        status = 400;
        *answer = strdup(err);
    } else {
        o.resident_id = op * 10;
        o.operator_id = op;
        snprintf(o.district, sizeof o.district, "中央町");
        if (ordstore_place(db, scope_of(1), &o, 0, NULL, now, NULL) != ORDERS_OK)
            goto fail;
        *answer = orders_resident_json(&o);
        status = 201;
    }
    if (!*answer || idempotency_finish(db, scope_of(1), &c, status, *answer, now, &lost) != DB_OK ||
        lost || db_commit(db) != DB_OK)
        goto fail;
    return status;
fail:
    db_rollback(db);
    if (db_begin(db) == DB_OK &&
        (idempotency_abandon(db, scope_of(1), &c) != DB_OK || db_commit(db) != DB_OK))
        db_rollback(db);
    free(*answer);
    *answer = NULL;
    return 500;
}

static void t_orders_idempotent_create(void)
{
    struct db *db = storetarget_open(&ST);
    REQUIRE(db);
    long long now = NOW;
    char *a1 = NULL, *a2 = NULL, *a3 = NULL;
    CHECK_INT_EQ(create_order(db, 1, "o-1", FIX_ORDER, now, &a1), 201);
    /* The same request again (the answer was lost on the way): the same answer, no new
     * order, no new delivery. */
    CHECK_INT_EQ(create_order(db, 1, "o-1", FIX_ORDER, now + 5, &a2), 201);
    CHECK(a1 && a2 && strcmp(a1, a2) == 0);
    CHECK_INT_EQ(count(db, "SELECT count(*) FROM ord_orders WHERE operator_id = ?", 1), 1);
    CHECK_INT_EQ(count(db,
                       "SELECT count(*) FROM ord_deliveries WHERE subject_id IN (SELECT id"
                       " FROM ord_orders WHERE operator_id = ?)",
                       1),
                 1);
    /* Same key, another body: 422, nothing created. */
    const char *other = "{\"items\":[{\"id\":\"tofu\",\"qty\":1}],"
                        "\"slot\":\"2026-11-24T15:00/17:00\",\"payment_method\":\"invoice\"}";
    free(a2);
    CHECK_INT_EQ(create_order(db, 1, "o-1", other, now + 6, &a2), 422);
    CHECK_STR_EQ(a2, "idempotency_key_reused");
    CHECK_INT_EQ(count(db, "SELECT count(*) FROM ord_orders WHERE operator_id = ?", 1), 1);
    /* A rejected body is answered the same way on a retry, and creates nothing. */
    const char *bad = "{\"items\":[{\"id\":\"beer\",\"qty\":1}],"
                      "\"slot\":\"2026-11-24T15:00/17:00\",\"payment_method\":\"invoice\"}";
    char *b1 = NULL, *b2 = NULL;
    CHECK_INT_EQ(create_order(db, 1, "o-3", bad, now, &b1), 400);
    CHECK_INT_EQ(create_order(db, 1, "o-3", bad, now, &b2), 400);
    CHECK(b1 && b2 && strcmp(b1, b2) == 0 && strstr(b1, "catalogue"));
    /* A new key is a new order. */
    CHECK_INT_EQ(create_order(db, 1, "o-2", FIX_ORDER, now, &a3), 201);
    CHECK_INT_EQ(count(db, "SELECT count(*) FROM ord_orders WHERE operator_id = ?", 1), 2);
    free(a1);
    free(a2);
    free(a3);
    free(b1);
    free(b2);
    db_close(db);
}

/* Waits (up to 30 s) until the server has ended the session of backend pid, whose client
 * has gone: closing a connection only tells the server, which ends the session (rolls
 * back, leaves pg_stat_activity) in its own time, later on a loaded machine. 0 once gone. */
static int wait_session_gone(struct db *db, long long pid)
{
    for (int i = 0; i < 3000; i++) {
        long long n = count(db, "SELECT count(*) FROM pg_stat_activity WHERE pid = ?", pid);
        if (n == 0)
            return 0;
        if (n < 0)
            return -1;
        usleep(10 * 1000);
    }
    return -1;
}

/* A hub that dies between placing an order and COMMIT: nothing of it exists, and the
 * kiosk's retry creates exactly one order: at once on PostgreSQL (the claim's session is
 * gone), once the claim's lease has run out on SQLite. */
static void t_orders_crash_mid_create(void)
{
    struct db *db = storetarget_open(&ST);
    REQUIRE(db);
    char hash[HUBTOKEN_HASH_HEX], *a = NULL;
    struct idempotency_claim c;
    enum idempotency_result res;
    int status = 0;
    hubtoken_hash(FIX_ORDER, strlen(FIX_ORDER), hash);
    REQUIRE(db_begin(db) == DB_OK);
    CHECK_INT_EQ(
        idempotency_claim(db, scope_of(1), "device:1", "crash", hash, NOW, &res, &c, &status, &a),
        DB_OK);
    CHECK_INT_EQ(db_commit(db), DB_OK);
    REQUIRE(res == IDEMPOTENCY_PROCEED);
    long long pid = db_dialect(db) == DB_POSTGRES ? count(db, "SELECT pg_backend_pid() + ?", 0) : 0;
    struct orders_order o;
    fill_order(&o, 20, 2);
    REQUIRE(db_begin(db) == DB_OK);
    CHECK(ordstore_place(db, scope_of(1), &o, 0, NULL, NOW, NULL) == ORDERS_OK);
    db_close(db); /* closing with the transaction open rolls it back, like a crash */
    db = storetarget_open(&ST);
    REQUIRE(db);
    CHECK_INT_EQ(count(db, "SELECT count(*) FROM ord_orders WHERE operator_id = ?", 2), 0);
    if (db_dialect(db) == DB_POSTGRES) {
        /* The claim's database session is gone: the retry takes it over at once. */
        REQUIRE(pid > 0 && wait_session_gone(db, pid) == 0);
        CHECK_INT_EQ(create_order(db, 2, "crash", FIX_ORDER, NOW + 1, &a), 201);
        free(a);
    } else {
        /* One process per SQLite file (claims of a dead one are released when the next
         * starts): the retry within the lease is 409 (the holder might still be alive)... */
        CHECK_INT_EQ(create_order(db, 2, "crash", FIX_ORDER, NOW + 1, &a), 409);
        free(a);
        /* ...and after it, exactly one order. */
        CHECK_INT_EQ(create_order(db, 2, "crash", FIX_ORDER, NOW + IDEMPOTENCY_LEASE_S, &a), 201);
        free(a);
    }
    CHECK_INT_EQ(create_order(db, 2, "crash", FIX_ORDER, NOW + 60, &a), 201);
    free(a);
    CHECK_INT_EQ(count(db, "SELECT count(*) FROM ord_orders WHERE operator_id = ?", 2), 1);
    db_close(db);
}

static void t_deliveries_pull_lease_redelivery(void)
{
    struct db *db = storetarget_open(&ST);
    REQUIRE(db);
    long long now = NOW, id1 = 0, id2 = 0, idx = 0, pending = -1;
    char m1[WHSIG_MSG_ID_MAX + 1];
    struct oqueue_item *it = NULL;
    size_t n = 0;
    REQUIRE(db_begin(db) == DB_OK);
    CHECK(deliveries_enqueue(db, scope_of(1), "operator:33", "order.created", 1, "{\"n\":1}", 7,
                             now, &id1, m1) == ORDERS_OK);
    CHECK(deliveries_enqueue(db, scope_of(1), "operator:33", "order.created", 2, "{\"n\":2}", 7,
                             now, &id2, NULL) == ORDERS_OK);
    CHECK(deliveries_enqueue(db, scope_of(1), "operator:34", "order.created", 3, "{\"n\":3}", 7,
                             now, &idx, NULL) == ORDERS_OK);
    /* First pull: both of operator 33's, oldest first, nothing of operator 34's. */
    REQUIRE(deliveries_pull(db, scope_of(1), "operator:33", now, 60, 10, &it, &n) == ORDERS_OK);
    REQUIRE(n == 2);
    CHECK(it[0].id == id1 && it[1].id == id2);
    CHECK_STR_EQ(it[0].body, "{\"n\":1}");
    CHECK_STR_EQ(it[0].msg_id, m1);
    CHECK_INT_EQ(it[0].offered, 1);
    oqueue_items_free(it, n);
    /* Within the lease: nothing offered again. */
    REQUIRE(deliveries_pull(db, scope_of(1), "operator:33", now + 59, 60, 10, &it, &n) ==
            ORDERS_OK);
    CHECK_INT_EQ(n, 0);
    oqueue_items_free(it, n);
    /* Only the first is acknowledged; another operator cannot ack it. */
    CHECK(deliveries_ack(db, scope_of(1), "operator:34", id2, now + 10) == ORDERS_NOT_FOUND);
    CHECK(deliveries_ack(db, scope_of(1), "operator:33", id1, now + 10) == ORDERS_OK);
    CHECK(deliveries_ack(db, scope_of(1), "operator:33", id1, now + 11) ==
          ORDERS_OK); /* twice: fine */
    CHECK(deliveries_ack(db, scope_of(1), "operator:33", 999999, now + 11) == ORDERS_NOT_FOUND);
    /* Lease over: the unacknowledged one is offered again, same message id. */
    REQUIRE(deliveries_pull(db, scope_of(1), "operator:33", now + 60, 60, 10, &it, &n) ==
            ORDERS_OK);
    REQUIRE(n == 1);
    CHECK(it[0].id == id2);
    CHECK_INT_EQ(it[0].offered, 2);
    oqueue_items_free(it, n);
    CHECK(deliveries_count_pending(db, scope_of(1), "operator:33", &pending) == ORDERS_OK);
    CHECK_INT_EQ(pending, 1);
    CHECK(deliveries_ack(db, scope_of(1), "operator:33", id2, now + 61) == ORDERS_OK);
    REQUIRE(deliveries_pull(db, scope_of(1), "operator:33", now + 1000, 60, 10, &it, &n) ==
            ORDERS_OK);
    CHECK_INT_EQ(n, 0);
    oqueue_items_free(it, n);
    CHECK(deliveries_count_pending(db, scope_of(1), NULL, &pending) == ORDERS_OK && pending >= 1);
    /* max caps a pull; bad arguments are refused. */
    for (int i = 1; i <= 5; i++)
        CHECK(deliveries_enqueue(db, scope_of(1), "operator:35", "order.created", i, "{}", 2, now,
                                 NULL, NULL) == ORDERS_OK);
    REQUIRE(deliveries_pull(db, scope_of(1), "operator:35", now, 60, 2, &it, &n) == ORDERS_OK);
    CHECK_INT_EQ(n, 2);
    oqueue_items_free(it, n);
    CHECK(deliveries_pull(db, scope_of(1), "operator:35", now, 60, 0, &it, &n) == ORDERS_INVALID);
    CHECK(deliveries_pull(db, scope_of(1), "operator:35", now, 60, 101, &it, &n) == ORDERS_INVALID);
    CHECK(deliveries_pull(db, scope_of(1), "op 5", now, 60, 1, &it, &n) == ORDERS_INVALID);
    CHECK(deliveries_enqueue(db, scope_of(1), "operator:", "order.created", 1, "{}", 2, now, NULL,
                             NULL) == ORDERS_INVALID);
    CHECK(deliveries_enqueue(db, scope_of(1), "operator:1", "Order Created", 1, "{}", 2, now, NULL,
                             NULL) == ORDERS_INVALID);
    /* only about an order (or family request) that exists, and only those two events */
    CHECK(deliveries_enqueue(db, scope_of(1), "operator:1", "order.created", 999999, "{}", 2, now,
                             NULL, NULL) == ORDERS_NOT_FOUND);
    CHECK(deliveries_enqueue(db, scope_of(1), "operator:1", "order.paid", 1, "{}", 2, now, NULL,
                             NULL) == ORDERS_INVALID);
    CHECK_INT_EQ(db_commit(db), DB_OK);
    db_close(db);
}

/* Two processes pulling the same recipient at once never get the same delivery: the
 * second skips what the first has leased and not yet committed (PostgreSQL) or waits for
 * its commit (SQLite). */
struct puller {
    struct db *db;
    size_t n;
    long long ids[8];
    enum orders_rc rc;
};

static void *pull_in_thread(void *arg)
{
    struct puller *p = arg;
    struct oqueue_item *it = NULL;
    p->rc = db_begin(p->db) == DB_OK ? ORDERS_OK : ORDERS_DB;
    if (p->rc == ORDERS_OK)
        p->rc = deliveries_pull(p->db, scope_of(1), "operator:36", NOW, 60, 8, &it, &p->n);
    for (size_t i = 0; p->rc == ORDERS_OK && i < p->n; i++)
        p->ids[i] = it[i].id;
    oqueue_items_free(it, p->n);
    if (p->rc == ORDERS_OK && db_commit(p->db) != DB_OK)
        p->rc = ORDERS_DB;
    return NULL;
}

static void t_deliveries_two_pullers(void)
{
    struct db *a = storetarget_open(&ST);
    struct puller b = {.db = storetarget_open(&ST)};
    REQUIRE(a && b.db);
    struct oqueue_item *it = NULL;
    size_t n = 0;
    REQUIRE(db_begin(a) == DB_OK);
    for (int i = 1; i <= 4; i++)
        CHECK(deliveries_enqueue(a, scope_of(1), "operator:36", "order.created", i, "{}", 2,
                                 NOW - 10, NULL, NULL) == ORDERS_OK);
    CHECK_INT_EQ(db_commit(a), DB_OK);
    REQUIRE(db_begin(a) == DB_OK);
    REQUIRE(deliveries_pull(a, scope_of(1), "operator:36", NOW, 60, 2, &it, &n) == ORDERS_OK);
    CHECK_INT_EQ(n, 2);
    pthread_t th;
    REQUIRE(pthread_create(&th, NULL, pull_in_thread, &b) == 0);
    usleep(200 * 1000);
    CHECK_INT_EQ(db_commit(a), DB_OK);
    pthread_join(th, NULL);
    CHECK_INT_EQ(b.rc, ORDERS_OK);
    CHECK_INT_EQ(b.n, 2);
    for (size_t i = 0; i < b.n; i++)
        for (size_t k = 0; k < n; k++)
            CHECK(b.ids[i] != it[k].id);
    oqueue_items_free(it, n);
    db_close(a);
    db_close(b.db);
}

/* Push: only recipients with an endpoint are due; a claim is a lease another worker does
 * not take; outcomes are recorded; a removed endpoint stops the push. */
static void t_deliveries_push(void)
{
    struct db *db = storetarget_open(&ST);
    REQUIRE(db);
    char err[160];
    long long id = 0, nopush = 0, when = -1;
    struct oqueue_item *it = NULL;
    size_t n = 0;
    REQUIRE(db_begin(db) == DB_OK);
    CHECK(webhooks_set(db, "operator:37", "ftp://x", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", err,
                       sizeof err) == ORDERS_INVALID);
    CHECK(strstr(err, "http") != NULL);
    CHECK(webhooks_set(db, "operator:37", "http://127.0.0.1:9/hook", "whsec_short", err,
                       sizeof err) == ORDERS_INVALID);
    CHECK(webhooks_set(db, "operator:37", "http://127.0.0.1:9/hook",
                       "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", err, sizeof err) == ORDERS_OK);
    /* set again: replaced, not duplicated */
    CHECK(webhooks_set(db, "operator:37", "http://127.0.0.1:9/hook2",
                       "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", err, sizeof err) == ORDERS_OK);
    CHECK(deliveries_enqueue(db, scope_of(1), "operator:37", "order.created", 1, "{\"p\":1}", 7,
                             NOW, &id, NULL) == ORDERS_OK);
    CHECK(deliveries_enqueue(db, scope_of(1), "operator:38", "order.created", 1, "{}", 2, NOW,
                             &nopush, NULL) == ORDERS_OK);
    CHECK_INT_EQ(db_commit(db), DB_OK);
    REQUIRE(db_begin(db) == DB_OK);
    CHECK(deliveries_next_push(db, &when) == ORDERS_OK && when > 0 && when <= NOW);
    REQUIRE(deliveries_push_due(db, NOW, 40, 10, &it, &n) == ORDERS_OK);
    CHECK_INT_EQ(db_commit(db), DB_OK);
    REQUIRE(n >= 1);
    size_t mine = n;
    for (size_t i = 0; i < n; i++) {
        CHECK(it[i].id != nopush);
        if (it[i].id == id) {
            mine = i;
            CHECK_STR_EQ(it[i].url, "http://127.0.0.1:9/hook2");
            CHECK_STR_EQ(it[i].secret, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        }
    }
    CHECK(mine < n);
    oqueue_items_free(it, n);
    /* leased: not due again within the lease */
    REQUIRE(db_begin(db) == DB_OK);
    REQUIRE(deliveries_push_due(db, NOW + 39, 40, 10, &it, &n) == ORDERS_OK);
    for (size_t i = 0; i < n; i++)
        CHECK(it[i].id != id);
    oqueue_items_free(it, n);
    CHECK(deliveries_push_failed(db, id, NOW + 100, "HTTP 503") == ORDERS_OK);
    CHECK_INT_EQ(count(db, "SELECT push_attempts FROM ord_deliveries WHERE id = ?", id), 1);
    CHECK_INT_EQ(count(db, "SELECT next_push_unix FROM ord_deliveries WHERE id = ?", id),
                 NOW + 100);
    CHECK(deliveries_push_failed(db, id, 0, "gave up") == ORDERS_OK);
    CHECK_INT_EQ(count(db, "SELECT push_gave_up FROM ord_deliveries WHERE id = ?", id), 1);
    CHECK_INT_EQ(count(db,
                       "SELECT count(*) FROM ord_deliveries WHERE id = ? AND next_push_unix"
                       " IS NULL",
                       id),
                 1);
    CHECK(deliveries_push_done(db, id, NOW + 200) == ORDERS_OK);
    CHECK_INT_EQ(count(db, "SELECT acked_unix FROM ord_deliveries WHERE id = ?", id), NOW + 200);
    /* endpoint removed: a due delivery stops being pushed but stays for pull */
    CHECK(deliveries_enqueue(db, scope_of(1), "operator:37", "order.created", 2, "{}", 2, NOW, &id,
                             NULL) == ORDERS_OK);
    CHECK(webhooks_delete(db, "operator:37") == ORDERS_OK);
    REQUIRE(deliveries_push_due(db, NOW + 1000, 40, 10, &it, &n) == ORDERS_OK);
    for (size_t i = 0; i < n; i++)
        CHECK(it[i].id != id);
    oqueue_items_free(it, n);
    CHECK_INT_EQ(count(db,
                       "SELECT count(*) FROM ord_deliveries WHERE id = ? AND next_push_unix"
                       " IS NULL AND acked_unix IS NULL",
                       id),
                 1);
    CHECK_INT_EQ(db_commit(db), DB_OK);
    db_close(db);
}

static void t_orders_minimal_view_and_rebody(void)
{
    struct db *db = storetarget_open(&ST);
    REQUIRE(db);
    struct orders_order o, o2;
    fill_order(&o, 70, 43);
    fill_order(&o2, 70, 44);
    struct oview_person p = {"山田 花子", "中央町1-2-3"};
    char *released = NULL;
    struct oqueue_item *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    REQUIRE(db_begin(db) == DB_OK);
    REQUIRE(ordstore_place(db, scope_of(1), &o, 0, NULL, NOW, &released) == ORDERS_OK);
    REQUIRE(ordstore_place(db, scope_of(1), &o2, 1, &p, NOW, NULL) == ORDERS_OK);
    REQUIRE(deliveries_pull(db, scope_of(1), "operator:43", NOW, 60, 10, &a, &na) == ORDERS_OK &&
            na == 1);
    REQUIRE(deliveries_pull(db, scope_of(1), "operator:44", NOW, 60, 10, &b, &nb) == ORDERS_OK &&
            nb == 1);
    CHECK_STR_EQ(a[0].body, released);
    cJSON *ja = cJSON_Parse(a[0].body), *jb = cJSON_Parse(b[0].body);
    REQUIRE(ja && jb);
    const cJSON *da = cJSON_GetObjectItem(ja, "data"), *db_ = cJSON_GetObjectItem(jb, "data");
    CHECK_INT_EQ(cJSON_GetArraySize(da), 6);
    CHECK(!cJSON_HasObjectItem(da, "address") && !cJSON_HasObjectItem(da, "name"));
    CHECK_INT_EQ(cJSON_GetArraySize(db_), 8);
    /* unrelated pseudonyms at the two operators, each the one its stored key gives */
    char p3[OPSEUDO_LEN + 1], p4[OPSEUDO_LEN + 1];
    CHECK(pseudokeys_pseudonym(db, scope_of(1), "operator:43", 70, p3) == ORDERS_OK);
    CHECK(pseudokeys_pseudonym(db, scope_of(1), "operator:44", 70, p4) == ORDERS_OK);
    CHECK_STR_EQ(cJSON_GetObjectItem(da, "pseudonym")->valuestring, p3);
    CHECK_STR_EQ(cJSON_GetObjectItem(db_, "pseudonym")->valuestring, p4);
    CHECK(strcmp(p3, p4) != 0);
    CHECK_INT_EQ(count(db,
                       "SELECT count(*) FROM ord_pseudo_keys WHERE recipient = 'operator:43'"
                       " AND municipality_id = ? AND key LIKE 's1:%'",
                       1),
                 1);
    /* Consent revoked while pending: the address leaves the pending body. */
    int changed = 0;
    CHECK(ordstore_rebody_without_address(db, scope_of(1), 70, 44, &changed) == ORDERS_OK);
    CHECK_INT_EQ(changed, 1);
    oqueue_items_free(b, nb);
    REQUIRE(deliveries_pull(db, scope_of(1), "operator:44", NOW + 60, 60, 10, &b, &nb) ==
                ORDERS_OK &&
            nb == 1);
    CHECK(strstr(b[0].body, "1-2-3") == NULL && strstr(b[0].body, p4) != NULL);
    CHECK_INT_EQ(db_commit(db), DB_OK);
    cJSON_Delete(ja);
    cJSON_Delete(jb);
    oqueue_items_free(a, na);
    oqueue_items_free(b, nb);
    free(released);
    db_close(db);
}

static void t_orders_status_flow(void)
{
    struct db *db = storetarget_open(&ST);
    REQUIRE(db);
    struct orders_order o, got;
    char err[160];
    int changed = 0;
    fill_order(&o, 50, 5);
    REQUIRE(db_begin(db) == DB_OK);
    REQUIRE(ordstore_insert(db, scope_of(1), &o, NOW) == ORDERS_OK);
    struct ostatus_update u = {OSTATUS_ACCEPTED, 0, ""};
    /* Another operator cannot touch it, and learns nothing. */
    CHECK(ordstore_set_status(db, scope_of(1), o.id, 6, &u, NOW, &changed, err, sizeof err) ==
          ORDERS_NOT_FOUND);
    CHECK(ordstore_set_status(db, scope_of(1), o.id, 5, &u, NOW + 1, &changed, err, sizeof err) ==
          ORDERS_OK);
    CHECK_INT_EQ(changed, 1);
    CHECK(ordstore_set_status(db, scope_of(1), o.id, 5, &u, NOW + 2, &changed, err, sizeof err) ==
          ORDERS_OK);
    CHECK_INT_EQ(changed, 0); /* repeated: no-op */
    u.to = OSTATUS_OUT_FOR_DELIVERY;
    u.eta_unix = 1795413600;
    CHECK(ordstore_set_status(db, scope_of(1), o.id, 5, &u, NOW + 3, &changed, err, sizeof err) ==
          ORDERS_OK);
    REQUIRE(ordstore_get(db, scope_of(1), o.id, &got) == ORDERS_OK);
    CHECK(got.status == OSTATUS_OUT_FOR_DELIVERY && got.eta_unix == 1795413600);
    u.to = OSTATUS_ACCEPTED;
    CHECK(ordstore_set_status(db, scope_of(1), o.id, 5, &u, NOW + 4, &changed, err, sizeof err) ==
          ORDERS_CONFLICT);
    CHECK(strstr(err, "out_for_delivery") != NULL);
    u.to = OSTATUS_DELIVERED;
    CHECK(ordstore_set_status(db, scope_of(1), o.id, 5, &u, NOW + 5, &changed, err, sizeof err) ==
          ORDERS_OK);
    REQUIRE(ordstore_get(db, scope_of(1), o.id, &got) == ORDERS_OK);
    CHECK(got.status == OSTATUS_DELIVERED);
    CHECK_INT_EQ(got.n_items, 2);
    CHECK_INT_EQ(got.total_yen, 634);
    CHECK_STR_EQ(got.items[0].name, "キャベツ");
    /* A second order gets cancelled with its reason. */
    REQUIRE(ordstore_insert(db, scope_of(1), &o, NOW) == ORDERS_OK);
    u.to = OSTATUS_CANCELLED;
    snprintf(u.reason, sizeof u.reason, "品切れ");
    CHECK(ordstore_set_status(db, scope_of(1), o.id, 5, &u, NOW + 7, &changed, err, sizeof err) ==
          ORDERS_OK);
    REQUIRE(ordstore_get(db, scope_of(1), o.id, &got) == ORDERS_OK);
    CHECK_STR_EQ(got.cancel_reason, "品切れ");
    /* The kiosk's list: newest first, status in words. */
    char *list = NULL;
    REQUIRE(ordstore_list_resident_json(db, scope_of(1), 50, 20, &list) == ORDERS_OK);
    cJSON *jl = cJSON_Parse(list);
    const cJSON *orders = cJSON_GetObjectItem(jl, "orders");
    CHECK_INT_EQ(cJSON_GetArraySize(orders), 2);
    CHECK_STR_EQ(cJSON_GetObjectItem(cJSON_GetArrayItem(orders, 0), "status_words")->valuestring,
                 "取り消し");
    CHECK_STR_EQ(cJSON_GetObjectItem(cJSON_GetArrayItem(orders, 1), "status_words")->valuestring,
                 "配達済み");
    cJSON_Delete(jl);
    free(list);
    CHECK(ordstore_list_resident_json(db, scope_of(1), 50, 0, &list) == ORDERS_INVALID);
    CHECK(ordstore_get(db, scope_of(1), 99999999, &got) == ORDERS_NOT_FOUND);
    CHECK_INT_EQ(db_commit(db), DB_OK);
    db_close(db);
}

static void t_family_requests(void)
{
    struct db *db = storetarget_open(&ST);
    REQUIRE(db);
    long long id = 0;
    int64_t fam = 0, res = 0;
    int changed = 0;
    struct famreq r;
    REQUIRE(db_begin(db) == DB_OK);
    /* the list joins the family member's name */
    REQUIRE(db_get_int64(db,
                         "INSERT INTO residents(display_name, district, deadline_min,"
                         " created_unix) VALUES('山田 花子', '中央町', 600, ?) RETURNING id",
                         NOW, &res) == DB_ROW);
    REQUIRE(db_get_int64(db,
                         "INSERT INTO family(display_name, token_hash, created_unix)"
                         " VALUES('山田 太郎', 'famhash-stores', ?) RETURNING id",
                         NOW, &fam) == DB_ROW);
    CHECK(famreqs_insert(db, scope_of(1), res, fam, FAMREQ_SHOPPING_HELP, NOW, &id) == ORDERS_OK);
    REQUIRE(famreqs_get(db, scope_of(1), id, &r) == ORDERS_OK);
    CHECK(r.code == FAMREQ_SHOPPING_HELP && !r.answered && r.family_id == fam);
    /* Another family member cannot answer; the right one can, twice without effect. */
    CHECK(famreqs_set_answer(db, scope_of(1), id, fam + 1, FAMREQ_UNDERSTOOD, NOW + 1, &changed) ==
          ORDERS_NOT_FOUND);
    CHECK(famreqs_set_answer(db, scope_of(1), id, fam, FAMREQ_UNDERSTOOD, NOW + 2, &changed) ==
          ORDERS_OK);
    CHECK_INT_EQ(changed, 1);
    CHECK(famreqs_set_answer(db, scope_of(1), id, fam, FAMREQ_UNDERSTOOD, NOW + 3, &changed) ==
          ORDERS_OK);
    CHECK_INT_EQ(changed, 0);
    REQUIRE(famreqs_get(db, scope_of(1), id, &r) == ORDERS_OK);
    CHECK(r.answered && r.answered_unix == NOW + 2);
    CHECK(famreqs_get(db, scope_of(1), 99999999, &r) == ORDERS_NOT_FOUND);
    struct famreqs_row rows[4];
    size_t n = 0;
    CHECK(famreqs_list_resident(db, scope_of(1), res, 4, rows, &n) == ORDERS_OK);
    CHECK_INT_EQ(n, 1);
    CHECK_STR_EQ(rows[0].family_name, "山田 太郎");
    CHECK(rows[0].q.answered);
    CHECK_INT_EQ(db_commit(db), DB_OK);
    db_close(db);
}

static int count_picture(void *arg, const char *path, const char *mime, const void *data,
                         size_t len)
{
    (void)data;
    int *n = arg;
    if (strcmp(path, "pictures/a.png") == 0 && strcmp(mime, "image/png") == 0 && len == 4)
        (*n)++;
    return 0;
}

static void t_operators_and_catalogue(void)
{
    struct db *db = storetarget_open(&ST);
    REQUIRE(db);
    int64_t id = 0;
    char name[OPERATORS_NAME_MAX], districts[OPERATORS_DISTRICTS_MAX];
    char *json = NULL;
    REQUIRE(db_begin(db) == DB_OK);
    CHECK_INT_EQ(operators_add(db, scope_of(1), "まちかど買い物代行", "north-3,中央町",
                               "opkhash-stores", NOW, &id),
                 DB_OK);
    CHECK_INT_EQ(operators_get(db, scope_of(1), id, name, districts), DB_ROW);
    CHECK_STR_EQ(name, "まちかど買い物代行");
    CHECK(operators_serves(districts, "中央町") && !operators_serves(districts, "north"));
    CHECK_INT_EQ(operators_catalogue_get(db, scope_of(1), id, &json, name), DB_DONE);
    CHECK_INT_EQ(operators_catalogue_put(db, id, "{\"v\":1}", NOW), DB_OK);
    CHECK_INT_EQ(operators_catalogue_put(db, id, "{\"v\":2}", NOW + 1), DB_OK);
    CHECK_INT_EQ(operators_catalogue_get(db, scope_of(1), id, &json, name), DB_ROW);
    CHECK_STR_EQ(json, "{\"v\":2}");
    free(json);
    CHECK_INT_EQ(operators_picture_put(db, id, "pictures/a.png", "image/png", "\x89PNG", 4), DB_OK);
    CHECK_INT_EQ(operators_picture_put(db, id, "pictures/a.png", "image/png", "\x89PNG", 4), DB_OK);
    int pics = 0;
    CHECK_INT_EQ(operators_pictures_each(db, id, count_picture, &pics), DB_OK);
    CHECK_INT_EQ(pics, 1);
    CHECK_INT_EQ(operators_pictures_clear(db, id), DB_OK);
    pics = 0;
    CHECK_INT_EQ(operators_pictures_each(db, id, count_picture, &pics), DB_OK);
    CHECK_INT_EQ(pics, 0);
    struct operators_row rows[16];
    size_t n = 0;
    CHECK_INT_EQ(operators_list(db, scope_of(1), rows, 16, &n), DB_OK);
    int seen = 0;
    for (size_t i = 0; i < n; i++)
        if (rows[i].id == id)
            seen = rows[i].has_catalogue;
    CHECK(seen);
    CHECK_INT_EQ(operators_get(db, scope_of(1), id + 1000, name, districts), DB_DONE);
    CHECK_INT_EQ(db_commit(db), DB_OK);
    db_close(db);
}

int main(int argc, char **argv)
{
    char err[256];
    if (storetarget_init(&ST, argc, argv, "hub.db") != 0)
        return 2;
    struct db *db = storetarget_open_hub(&ST);
    /* The residents the orders are placed for (ids 1..100, town 1): an order is stored only
     * for a resident of its town. The pseudonym keys and webhook secrets are sealed under a
     * key file. */
    if (!db ||
        db_exec(db, "INSERT INTO residents(display_name, district, deadline_min, created_unix)"
                    " SELECT 'fixture', '中央町', 600, 0 FROM (WITH RECURSIVE s(g) AS (SELECT 1"
                    " UNION ALL SELECT g + 1 FROM s WHERE g < 100) SELECT g FROM s) t") != DB_OK ||
        /* The orders the queue tests deliver (ids 1..8, resident 1, operator 99): a
         * delivery is queued only about an order of its town. */
        db_exec(db, "INSERT INTO ord_orders(resident_id, operator_id, district, slot, payment,"
                    " total_yen, created_unix, updated_unix) SELECT 1, 99, '中央町', 's', 'cash',"
                    " 0, 0, 0 FROM (WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1"
                    " FROM s WHERE g < 8) SELECT g FROM s) t") != DB_OK ||
        storetarget_secrets(&ST, db) != 0) {
        fprintf(stderr, "cannot prepare the database: %s\n", db ? db_errmsg(db) : "no handle");
        return 2;
    }
    db_close(db);
    if (catalog_parse(FIX_CATALOG, strlen(FIX_CATALOG), &cat, err, sizeof err) != ORDERS_OK) {
        fprintf(stderr, "fixture: %s\n", err);
        return 2;
    }
    TEST_RUN(t_idempotency_replay_mismatch_in_flight);
    TEST_RUN(t_idempotency_takeover);
    TEST_RUN(t_idempotency_abandon_and_prune);
    TEST_RUN(t_idempotency_concurrent_claims);
    TEST_RUN(t_orders_idempotent_create);
    TEST_RUN(t_orders_crash_mid_create);
    TEST_RUN(t_deliveries_pull_lease_redelivery);
    TEST_RUN(t_deliveries_two_pullers);
    TEST_RUN(t_deliveries_push);
    TEST_RUN(t_orders_minimal_view_and_rebody);
    TEST_RUN(t_orders_status_flow);
    TEST_RUN(t_family_requests);
    TEST_RUN(t_operators_and_catalogue);
    catalog_free(cat);
    storetarget_cleanup(&ST);
    return test_summary();
}
