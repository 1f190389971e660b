/*
 * Storage tests of the orders library on real SQLite files (WAL, synchronous=FULL) in a
 * temp folder: idempotent order creation the way the hub does it (including a crash in the
 * middle and two connections racing), the pull queue with leases, acknowledgement and
 * redelivery, the order status state machine as stored, and family requests.
 */
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "catalog.h"
#include "famreq.h"
#include "fixtures.h"
#include "oidem.h"
#include "opseudo.h"
#include "oqueue.h"
#include "orders.h"
#include "otest.h"
#include "oview.h"
#include "test.h"

static struct catalog *cat;

static long count(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    long n = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
        n = (long)sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return n;
}

/* Gives a claim up; if even that fails the claim goes stale and is taken over later. */
static void abandon(sqlite3 *db, const struct oidem_claim *claim)
{
    if (oidem_abandon(db, claim) != ORDERS_OK) {
        fprintf(stderr, "abandon failed: %s\n", sqlite3_errmsg(db));
    }
}

/*
 * What the hub's POST /v1/orders handler does with the library: idempotency claim, then
 * one transaction with the order, its delivery and the stored answer. Returns the HTTP
 * status; *answer is owned. resident 7, operator 3, district 中央町.
 */
static int create_order(sqlite3 *db, const char *key, const char *body, long long now,
                        char **answer)
{
    char hash[OIDEM_HASH_LEN + 1];
    struct oidem_claim claim;
    int status = 0;
    *answer = NULL;
    oidem_body_hash(body, strlen(body), hash);
    enum oidem_result r = oidem_begin(db, "device:1", key, hash, now, 0, &claim, &status, answer);
    if (r == OIDEM_REPLAY) {
        return status;
    }
    if (r != OIDEM_PROCEED) {
        *answer = strdup(oidem_result_str(r));
        return oidem_http_status(r);
    }
    struct orders_order o;
    char err[256];
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        abandon(db, &claim);
        return 500;
    }
    if (orders_request_parse(body, strlen(body), cat, &o, err, sizeof(err)) != ORDERS_OK) {
        status = 400;
        *answer = strdup(err);
    } else {
        o.resident_id = 7;
        o.operator_id = 3;
        snprintf(o.district, sizeof(o.district), "中央町");
        if (orders_place(db, &o, 0, NULL, now, NULL) != ORDERS_OK) {
            goto fail;
        }
        *answer = orders_resident_json(&o);
        status = 201;
    }
    if (!*answer || oidem_finish(db, &claim, status, *answer, now) != ORDERS_OK ||
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        goto fail;
    }
    return status;
fail:
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    abandon(db, &claim);
    free(*answer);
    *answer = NULL;
    return 500;
}

static void t_idempotent_create(void)
{
    sqlite3 *db = otest_db("idem.db");
    REQUIRE(db != NULL);
    long long now = 1795392720;
    char *a1 = NULL, *a2 = NULL, *a3 = NULL, *a4 = NULL;
    CHECK_INT_EQ(create_order(db, "k-1", FIX_ORDER, now, &a1), 201);
    /* The same request again (the answer was lost on the way): the same answer, no new
     * order, no new delivery. */
    CHECK_INT_EQ(create_order(db, "k-1", FIX_ORDER, now + 5, &a2), 201);
    CHECK(a1 && a2 && strcmp(a1, a2) == 0);
    CHECK_INT_EQ(count(db, "SELECT count(*) FROM ord_orders"), 1);
    CHECK_INT_EQ(count(db, "SELECT count(*) FROM ord_deliveries"), 1);
    /* Same key, another body: 422, nothing created. */
    const char *other = "{\"items\":[{\"id\":\"tofu\",\"qty\":1}],"
                        "\"slot\":\"2026-11-24T15:00/17:00\",\"payment_method\":\"invoice\"}";
    CHECK_INT_EQ(create_order(db, "k-1", other, now + 6, &a3), 422);
    CHECK_STR_EQ(a3, "idempotency_key_reused");
    CHECK_INT_EQ(count(db, "SELECT count(*) FROM ord_orders"), 1);
    /* Missing or malformed key: 400. */
    free(a3);
    CHECK_INT_EQ(create_order(db, "", FIX_ORDER, now, &a3), 400);
    free(a3);
    CHECK_INT_EQ(create_order(db, "bad key!", FIX_ORDER, now, &a3), 400);
    free(a3);
    char long_key[80];
    memset(long_key, 'a', 65);
    long_key[65] = '\0';
    CHECK_INT_EQ(create_order(db, long_key, FIX_ORDER, now, &a3), 400);
    CHECK(oidem_key_valid(NULL) == 0);
    /* A new key is a new order. */
    CHECK_INT_EQ(create_order(db, "k-2", FIX_ORDER, now, &a4), 201);
    CHECK_INT_EQ(count(db, "SELECT count(*) FROM ord_orders"), 2);
    /* A rejected body is answered the same way on a retry, and creates nothing. */
    char *b1 = NULL, *b2 = NULL;
    const char *bad = "{\"items\":[{\"id\":\"beer\",\"qty\":1}],"
                      "\"slot\":\"2026-11-24T15:00/17:00\",\"payment_method\":\"invoice\"}";
    CHECK_INT_EQ(create_order(db, "k-3", bad, now, &b1), 400);
    CHECK_INT_EQ(create_order(db, "k-3", bad, now, &b2), 400);
    CHECK(b1 && b2 && strcmp(b1, b2) == 0 && strstr(b1, "catalogue"));
    CHECK_INT_EQ(count(db, "SELECT count(*) FROM ord_orders"), 2);
    free(a1);
    free(a2);
    free(a3);
    free(a4);
    free(b1);
    free(b2);
    sqlite3_close(db);
}

static void t_idempotency_in_flight_and_takeover(void)
{
    sqlite3 *a = otest_db("race.db");
    REQUIRE(a != NULL);
    char path[512];
    snprintf(path, sizeof(path), "%s/race.db", otest_tmp_dir());
    sqlite3 *b = orders_db_open(path);
    REQUIRE(b != NULL);
    long long now = 1795392720;
    char hash[OIDEM_HASH_LEN + 1], other[OIDEM_HASH_LEN + 1];
    oidem_body_hash(FIX_ORDER, strlen(FIX_ORDER), hash);
    oidem_body_hash("{}", 2, other);
    struct oidem_claim ca, cb;
    int status = 0;
    char *ans = NULL;
    /* Hub process A claims the key and is still working. */
    REQUIRE(oidem_begin(a, "device:1", "k", hash, now, 0, &ca, &status, &ans) == OIDEM_PROCEED);
    /* Process B gets the retry meanwhile: 409; with another body: 422. */
    CHECK(oidem_begin(b, "device:1", "k", hash, now + 1, 0, &cb, &status, &ans) == OIDEM_IN_FLIGHT);
    CHECK(oidem_begin(b, "device:1", "k", other, now + 1, 0, &cb, &status, &ans) == OIDEM_MISMATCH);
    /* Another device may use the same key. */
    CHECK(oidem_begin(b, "device:2", "k", hash, now + 1, 0, &cb, &status, &ans) == OIDEM_PROCEED);
    /* A hangs past the stale limit; B takes over and finishes... */
    REQUIRE(oidem_begin(b, "device:1", "k", hash, now + 61, 0, &cb, &status, &ans) ==
            OIDEM_PROCEED);
    CHECK(cb.attempt == ca.attempt + 1);
    REQUIRE(sqlite3_exec(b, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK);
    struct orders_order o;
    char err[128];
    REQUIRE(orders_request_parse(FIX_ORDER, strlen(FIX_ORDER), cat, &o, err, sizeof(err)) ==
            ORDERS_OK);
    o.resident_id = 7;
    o.operator_id = 3;
    snprintf(o.district, sizeof(o.district), "中央町");
    CHECK(orders_place(b, &o, 0, NULL, now + 61, NULL) == ORDERS_OK);
    CHECK(oidem_finish(b, &cb, 201, "{\"from\":\"b\"}", now + 62) == ORDERS_OK);
    CHECK(sqlite3_exec(b, "COMMIT", NULL, NULL, NULL) == SQLITE_OK);
    /* ...and A, waking up, loses its claim: its transaction must roll back. */
    REQUIRE(sqlite3_exec(a, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK);
    CHECK(orders_place(a, &o, 0, NULL, now + 70, NULL) == ORDERS_OK);
    CHECK(oidem_finish(a, &ca, 201, "{\"from\":\"a\"}", now + 70) == ORDERS_CONFLICT);
    CHECK(sqlite3_exec(a, "ROLLBACK", NULL, NULL, NULL) == SQLITE_OK);
    CHECK_INT_EQ(count(a, "SELECT count(*) FROM ord_orders"), 1);
    CHECK(oidem_begin(a, "device:1", "k", hash, now + 80, 0, &ca, &status, &ans) == OIDEM_REPLAY);
    CHECK_INT_EQ(status, 201);
    CHECK_STR_EQ(ans, "{\"from\":\"b\"}");
    free(ans);
    sqlite3_close(a);
    sqlite3_close(b);
}

static void t_idempotency_inside_writer_job(void)
{
    /* The hub's writer runs each job inside its group-commit transaction: the claim joins
     * that transaction and is visible to others once it commits. */
    sqlite3 *a = otest_db("writer.db");
    REQUIRE(a != NULL);
    char path[512];
    snprintf(path, sizeof(path), "%s/writer.db", otest_tmp_dir());
    sqlite3 *b = orders_db_open(path);
    REQUIRE(b != NULL);
    long long now = 1795392720;
    char hash[OIDEM_HASH_LEN + 1];
    oidem_body_hash(FIX_ORDER, strlen(FIX_ORDER), hash);
    struct oidem_claim c;
    int status;
    char *ans = NULL;
    REQUIRE(sqlite3_exec(a, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK);
    REQUIRE(sqlite3_exec(a, "SAVEPOINT job", NULL, NULL, NULL) == SQLITE_OK);
    CHECK(oidem_begin(a, "device:1", "w", hash, now, 0, &c, &status, &ans) == OIDEM_PROCEED);
    CHECK(sqlite3_get_autocommit(a) == 0); /* still the caller's transaction */
    CHECK(sqlite3_exec(a, "RELEASE job", NULL, NULL, NULL) == SQLITE_OK);
    CHECK(sqlite3_exec(a, "COMMIT", NULL, NULL, NULL) == SQLITE_OK);
    CHECK(oidem_begin(b, "device:1", "w", hash, now + 1, 0, &c, &status, &ans) == OIDEM_IN_FLIGHT);
    /* A job that is rolled back leaves no claim behind. */
    REQUIRE(sqlite3_exec(a, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK);
    CHECK(oidem_begin(a, "device:1", "x", hash, now, 0, &c, &status, &ans) == OIDEM_PROCEED);
    CHECK(sqlite3_exec(a, "ROLLBACK", NULL, NULL, NULL) == SQLITE_OK);
    CHECK(oidem_begin(b, "device:1", "x", hash, now + 1, 0, &c, &status, &ans) == OIDEM_PROCEED);
    sqlite3_close(a);
    sqlite3_close(b);
}

static void t_crash_mid_create(void)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/crash.db", otest_tmp_dir());
    sqlite3 *db = otest_db("crash.db");
    REQUIRE(db != NULL);
    long long now = 1795392720;
    char hash[OIDEM_HASH_LEN + 1];
    oidem_body_hash(FIX_ORDER, strlen(FIX_ORDER), hash);
    struct oidem_claim c;
    int status;
    char *ans = NULL;
    /* The hub claims the key, inserts the order, and dies before COMMIT. */
    REQUIRE(oidem_begin(db, "device:1", "k", hash, now, 0, &c, &status, &ans) == OIDEM_PROCEED);
    REQUIRE(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK);
    struct orders_order o;
    char err[128];
    REQUIRE(orders_request_parse(FIX_ORDER, strlen(FIX_ORDER), cat, &o, err, sizeof(err)) ==
            ORDERS_OK);
    o.resident_id = 7;
    o.operator_id = 3;
    snprintf(o.district, sizeof(o.district), "中央町");
    CHECK(orders_place(db, &o, 0, NULL, now, NULL) == ORDERS_OK);
    sqlite3_close(db); /* closing with an open transaction rolls it back, like a crash */
    db = orders_db_open(path);
    REQUIRE(db != NULL);
    CHECK_INT_EQ(count(db, "SELECT count(*) FROM ord_orders"), 0);
    /* The kiosk retries at once: 409 (the claim might still be alive)... */
    char *a = NULL;
    CHECK_INT_EQ(create_order(db, "k", FIX_ORDER, now + 10, &a), 409);
    free(a);
    /* ...and after the stale limit the retry creates exactly one order. */
    CHECK_INT_EQ(create_order(db, "k", FIX_ORDER, now + 61, &a), 201);
    free(a);
    CHECK_INT_EQ(create_order(db, "k", FIX_ORDER, now + 62, &a), 201);
    free(a);
    CHECK_INT_EQ(count(db, "SELECT count(*) FROM ord_orders"), 1);
    CHECK_INT_EQ(count(db, "SELECT count(*) FROM ord_deliveries"), 1);
    CHECK(oidem_prune(db, now + 1000) == 1);
    sqlite3_close(db);
}

static void t_pull_lease_redelivery(void)
{
    sqlite3 *db = otest_db("pull.db");
    REQUIRE(db != NULL);
    long long now = 1795392720, id1 = 0, id2 = 0, idx = 0;
    char m1[WHSIG_MSG_ID_MAX + 1];
    CHECK(oqueue_enqueue(db, "operator:3", "order.created", 1, "{\"n\":1}", 7, now, &id1, m1) ==
          ORDERS_OK);
    CHECK(oqueue_enqueue(db, "operator:3", "order.created", 2, "{\"n\":2}", 7, now, &id2, NULL) ==
          ORDERS_OK);
    CHECK(oqueue_enqueue(db, "operator:4", "order.created", 3, "{\"n\":3}", 7, now, &idx, NULL) ==
          ORDERS_OK);
    struct oqueue_item *it = NULL;
    size_t n = 0;
    /* First pull: both of operator 3's, oldest first, nothing of operator 4's. */
    REQUIRE(oqueue_pull(db, "operator:3", now, 60, 10, &it, &n) == ORDERS_OK);
    REQUIRE(n == 2);
    CHECK(it[0].id == id1 && it[1].id == id2);
    CHECK_STR_EQ(it[0].body, "{\"n\":1}");
    CHECK_STR_EQ(it[0].msg_id, m1);
    CHECK_INT_EQ(it[0].offered, 1);
    char *pulled = oqueue_items_json(it, n);
    cJSON *jp = pulled ? cJSON_Parse(pulled) : NULL;
    const cJSON *dl = cJSON_GetObjectItem(jp, "deliveries");
    CHECK_INT_EQ(cJSON_GetArraySize(dl), 2);
    CHECK_INT_EQ(
        cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(dl, 1), "body"), "n")->valueint,
        2);
    cJSON_Delete(jp);
    free(pulled);
    oqueue_items_free(it, n);
    /* Within the lease: nothing offered again. */
    REQUIRE(oqueue_pull(db, "operator:3", now + 59, 60, 10, &it, &n) == ORDERS_OK);
    CHECK_INT_EQ(n, 0);
    oqueue_items_free(it, n);
    /* The operator acknowledges only the first. Another operator cannot ack it. */
    CHECK(oqueue_ack(db, "operator:4", id2, now + 10) == ORDERS_NOT_FOUND);
    CHECK(oqueue_ack(db, "operator:3", id1, now + 10) == ORDERS_OK);
    CHECK(oqueue_ack(db, "operator:3", id1, now + 11) == ORDERS_OK); /* twice: fine */
    CHECK(oqueue_ack(db, "operator:3", 99999, now + 11) == ORDERS_NOT_FOUND);
    /* Lease expired: the unacknowledged one is offered again, same message id. */
    REQUIRE(oqueue_pull(db, "operator:3", now + 60, 60, 10, &it, &n) == ORDERS_OK);
    REQUIRE(n == 1);
    CHECK(it[0].id == id2);
    CHECK_INT_EQ(it[0].offered, 2);
    oqueue_items_free(it, n);
    CHECK_INT_EQ(oqueue_pending(db, "operator:3"), 1);
    CHECK(oqueue_ack(db, "operator:3", id2, now + 61) == ORDERS_OK);
    REQUIRE(oqueue_pull(db, "operator:3", now + 1000, 60, 10, &it, &n) == ORDERS_OK);
    CHECK_INT_EQ(n, 0);
    oqueue_items_free(it, n);
    CHECK_INT_EQ(oqueue_pending(db, NULL), 1);
    /* max caps a pull; bad arguments are refused. */
    for (int i = 0; i < 5; i++) {
        CHECK(oqueue_enqueue(db, "operator:5", "order.created", i, "{}", 2, now, NULL, NULL) ==
              ORDERS_OK);
    }
    REQUIRE(oqueue_pull(db, "operator:5", now, 60, 2, &it, &n) == ORDERS_OK);
    CHECK_INT_EQ(n, 2);
    oqueue_items_free(it, n);
    CHECK(oqueue_pull(db, "operator:5", now, 60, 0, &it, &n) == ORDERS_INVALID);
    CHECK(oqueue_pull(db, "operator:5", now, 60, 101, &it, &n) == ORDERS_INVALID);
    CHECK(oqueue_pull(db, "op 5", now, 60, 1, &it, &n) == ORDERS_INVALID);
    CHECK(oqueue_enqueue(db, "operator:", "order.created", 1, "{}", 2, now, NULL, NULL) ==
          ORDERS_INVALID);
    CHECK(oqueue_enqueue(db, "operator:1", "Order Created", 1, "{}", 2, now, NULL, NULL) ==
          ORDERS_INVALID);
    sqlite3_close(db);
}

static void t_operator_sees_minimal_order(void)
{
    sqlite3 *db = otest_db("place.db");
    REQUIRE(db != NULL);
    long long now = 1795392720;
    struct orders_order o;
    char err[128];
    REQUIRE(orders_request_parse(FIX_ORDER, strlen(FIX_ORDER), cat, &o, err, sizeof(err)) ==
            ORDERS_OK);
    o.resident_id = 7;
    o.operator_id = 3;
    snprintf(o.district, sizeof(o.district), "中央町");
    struct orders_order o2 = o;
    o2.operator_id = 4;
    struct oview_person p = {"山田 花子", "中央町1-2-3"};
    char *released = NULL;
    REQUIRE(orders_place(db, &o, 0, NULL, now, &released) == ORDERS_OK);
    REQUIRE(orders_place(db, &o2, 1, &p, now, NULL) == ORDERS_OK);
    struct oqueue_item *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    REQUIRE(oqueue_pull(db, "operator:3", now, 60, 10, &a, &na) == ORDERS_OK && na == 1);
    REQUIRE(oqueue_pull(db, "operator:4", now, 60, 10, &b, &nb) == ORDERS_OK && nb == 1);
    CHECK_STR_EQ(a[0].body, released);
    cJSON *ja = cJSON_Parse(a[0].body), *jb = cJSON_Parse(b[0].body);
    REQUIRE(ja && jb);
    CHECK_STR_EQ(cJSON_GetObjectItem(ja, "type")->valuestring, "order.created");
    const cJSON *da = cJSON_GetObjectItem(ja, "data"), *db_ = cJSON_GetObjectItem(jb, "data");
    CHECK_INT_EQ(cJSON_GetArraySize(da), 6);
    CHECK(!cJSON_HasObjectItem(da, "address") && !cJSON_HasObjectItem(da, "name"));
    CHECK_INT_EQ(cJSON_GetArraySize(db_), 8);
    CHECK_STR_EQ(cJSON_GetObjectItem(db_, "address")->valuestring, "中央町1-2-3");
    /* The same resident has unrelated pseudonyms at the two operators, each the one the
     * operator's key gives. */
    char p3[OPSEUDO_LEN + 1], p4[OPSEUDO_LEN + 1];
    CHECK(opseudo_for(db, "operator:3", 7, p3) == ORDERS_OK);
    CHECK(opseudo_for(db, "operator:4", 7, p4) == ORDERS_OK);
    CHECK_STR_EQ(cJSON_GetObjectItem(da, "pseudonym")->valuestring, p3);
    CHECK_STR_EQ(cJSON_GetObjectItem(db_, "pseudonym")->valuestring, p4);
    CHECK(strcmp(p3, p4) != 0);
    /* Consent revoked while pending: the hub rebodies operator 4's delivery. */
    struct orders_order stored;
    REQUIRE(orders_get(db, o2.id, &stored) == ORDERS_OK);
    char *nobody =
        oview_event_body("order.created", now, oview_operator_order(&stored, p4, 0, NULL));
    int changed = 0;
    CHECK(oqueue_rebody(db, "operator:4", o2.id, nobody, strlen(nobody), &changed) == ORDERS_OK);
    CHECK_INT_EQ(changed, 1);
    oqueue_items_free(b, nb);
    REQUIRE(oqueue_pull(db, "operator:4", now + 60, 60, 10, &b, &nb) == ORDERS_OK && nb == 1);
    CHECK(strstr(b[0].body, "1-2-3") == NULL);
    free(nobody);
    cJSON_Delete(ja);
    cJSON_Delete(jb);
    oqueue_items_free(a, na);
    oqueue_items_free(b, nb);
    free(released);
    sqlite3_close(db);
}

static void t_status_flow(void)
{
    sqlite3 *db = otest_db("status.db");
    REQUIRE(db != NULL);
    long long now = 1795392720;
    struct orders_order o, got;
    char err[160];
    int changed = 0;
    REQUIRE(orders_request_parse(FIX_ORDER, strlen(FIX_ORDER), cat, &o, err, sizeof(err)) ==
            ORDERS_OK);
    o.resident_id = 7;
    o.operator_id = 3;
    snprintf(o.district, sizeof(o.district), "中央町");
    REQUIRE(orders_insert(db, &o, now) == ORDERS_OK);
    struct ostatus_update u = {OSTATUS_ACCEPTED, 0, ""};
    /* Another operator cannot touch it, and learns nothing. */
    CHECK(orders_set_status(db, o.id, 4, &u, now, &changed, err, sizeof(err)) == ORDERS_NOT_FOUND);
    CHECK(orders_set_status(db, o.id, 3, &u, now + 1, &changed, err, sizeof(err)) == ORDERS_OK);
    CHECK_INT_EQ(changed, 1);
    CHECK(orders_set_status(db, o.id, 3, &u, now + 2, &changed, err, sizeof(err)) == ORDERS_OK);
    CHECK_INT_EQ(changed, 0); /* repeated: no-op */
    u.to = OSTATUS_OUT_FOR_DELIVERY;
    u.eta_unix = 1795413600;
    CHECK(orders_set_status(db, o.id, 3, &u, now + 3, &changed, err, sizeof(err)) == ORDERS_OK);
    REQUIRE(orders_get(db, o.id, &got) == ORDERS_OK);
    CHECK(got.status == OSTATUS_OUT_FOR_DELIVERY && got.eta_unix == 1795413600);
    /* The kiosk's view: status in words. */
    char *js = orders_resident_json(&got);
    CHECK(js && strstr(js, "配達予定 15:00"));
    free(js);
    u.to = OSTATUS_ACCEPTED;
    CHECK(orders_set_status(db, o.id, 3, &u, now + 4, &changed, err, sizeof(err)) ==
          ORDERS_CONFLICT);
    CHECK(strstr(err, "out_for_delivery") != NULL);
    u.to = OSTATUS_DELIVERED;
    CHECK(orders_set_status(db, o.id, 3, &u, now + 5, &changed, err, sizeof(err)) == ORDERS_OK);
    u.to = OSTATUS_CANCELLED;
    snprintf(u.reason, sizeof(u.reason), "品切れ");
    CHECK(orders_set_status(db, o.id, 3, &u, now + 6, &changed, err, sizeof(err)) ==
          ORDERS_CONFLICT);
    REQUIRE(orders_get(db, o.id, &got) == ORDERS_OK);
    CHECK(got.status == OSTATUS_DELIVERED);
    CHECK_INT_EQ(got.n_items, 2);
    CHECK_INT_EQ(got.total_yen, 634);
    CHECK_STR_EQ(got.items[0].name, "キャベツ");
    /* A second order gets cancelled with its reason. */
    REQUIRE(orders_insert(db, &o, now) == ORDERS_OK);
    CHECK(orders_set_status(db, o.id, 3, &u, now + 7, &changed, err, sizeof(err)) == ORDERS_OK);
    REQUIRE(orders_get(db, o.id, &got) == ORDERS_OK);
    CHECK(got.status == OSTATUS_CANCELLED);
    CHECK_STR_EQ(got.cancel_reason, "品切れ");
    /* The kiosk's order list: newest first, status in words. */
    char *list = NULL;
    REQUIRE(orders_list_resident_json(db, 7, 20, &list) == ORDERS_OK);
    cJSON *jl = cJSON_Parse(list);
    const cJSON *orders = cJSON_GetObjectItem(jl, "orders");
    CHECK_INT_EQ(cJSON_GetArraySize(orders), 2);
    CHECK_STR_EQ(cJSON_GetObjectItem(cJSON_GetArrayItem(orders, 0), "status_words")->valuestring,
                 "取り消し");
    CHECK_STR_EQ(cJSON_GetObjectItem(cJSON_GetArrayItem(orders, 1), "status_words")->valuestring,
                 "配達済み");
    cJSON_Delete(jl);
    free(list);
    CHECK(orders_list_resident_json(db, 7, 0, &list) == ORDERS_INVALID);
    CHECK(orders_get(db, 999, &got) == ORDERS_NOT_FOUND);
    sqlite3_close(db);
}

static void t_family_requests(void)
{
    sqlite3 *db = otest_db("fam.db");
    REQUIRE(db != NULL);
    long long now = 1795392720, id = 0;
    int changed = 0;
    CHECK(famreq_insert(db, 7, 5, FAMREQ_SHOPPING_HELP, now, &id) == ORDERS_OK);
    struct famreq r;
    REQUIRE(famreq_get(db, id, &r) == ORDERS_OK);
    CHECK(r.code == FAMREQ_SHOPPING_HELP && !r.answered && r.family_id == 5);
    /* Delivered store-and-forward to the family member. */
    cJSON *v = oview_family_request(id, 7, famreq_code_str(r.code), famreq_phrase_ja(r.code), now);
    char *body = oview_event_body("family.request", now, v);
    REQUIRE(body != NULL);
    CHECK(oqueue_enqueue(db, "family:5", "family.request", id, body, strlen(body), now, NULL,
                         NULL) == ORDERS_OK);
    free(body);
    struct oqueue_item *it = NULL;
    size_t n = 0;
    REQUIRE(oqueue_pull(db, "family:5", now, 60, 10, &it, &n) == ORDERS_OK && n == 1);
    CHECK(strstr(it[0].body, "買い物を頼みたい") != NULL);
    oqueue_items_free(it, n);
    /* Another family member cannot answer; the right one can, twice without effect. */
    CHECK(famreq_set_answer(db, id, 6, FAMREQ_UNDERSTOOD, now + 1, &changed) == ORDERS_NOT_FOUND);
    CHECK(famreq_set_answer(db, id, 5, FAMREQ_UNDERSTOOD, now + 2, &changed) == ORDERS_OK);
    CHECK_INT_EQ(changed, 1);
    CHECK(famreq_set_answer(db, id, 5, FAMREQ_UNDERSTOOD, now + 3, &changed) == ORDERS_OK);
    CHECK_INT_EQ(changed, 0);
    REQUIRE(famreq_get(db, id, &r) == ORDERS_OK);
    CHECK(r.answered && r.answered_unix == now + 2);
    CHECK(famreq_get(db, 12345, &r) == ORDERS_NOT_FOUND);
    sqlite3_close(db);
}

static void t_schema_text(void)
{
    /* The SQL the hub applies is the SQL the library uses, and applying it twice is fine. */
    sqlite3 *db = NULL;
    REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
    CHECK(orders_schema_apply(db) == ORDERS_OK);
    CHECK(orders_schema_apply(db) == ORDERS_OK);
    CHECK(strstr(orders_schema_sql(), "CREATE TABLE IF NOT EXISTS ord_deliveries") != NULL);
    CHECK_INT_EQ(count(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name "
                           "LIKE 'ord_%'"),
                 7);
    sqlite3_close(db);
}

int main(void)
{
    char err[256] = "";
    if (catalog_parse(FIX_CATALOG, strlen(FIX_CATALOG), &cat, err, sizeof(err)) != ORDERS_OK) {
        fprintf(stderr, "fixture: %s\n", err);
        return 1;
    }
    TEST_RUN(t_idempotent_create);
    TEST_RUN(t_idempotency_in_flight_and_takeover);
    TEST_RUN(t_idempotency_inside_writer_job);
    TEST_RUN(t_crash_mid_create);
    TEST_RUN(t_pull_lease_redelivery);
    TEST_RUN(t_operator_sees_minimal_order);
    TEST_RUN(t_status_flow);
    TEST_RUN(t_family_requests);
    TEST_RUN(t_schema_text);
    catalog_free(cat);
    otest_tmp_cleanup();
    return test_summary();
}
