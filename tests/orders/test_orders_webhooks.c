/*
 * Webhook delivery over real HTTP on 127.0.0.1: the push worker (libcurl) against the real
 * opreceiver process, which verifies every signature with the documented scheme. Time for
 * the retry schedule comes from a manual clock, so the tests move through 72 hours without
 * sleeping; the receiver checks timestamps against the real time, which the manual clock
 * stays close to except in the give-up test (where nobody listens).
 */
#include "scope.h"
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>

#include "catalog.h"
#include "fixtures.h"
#include "opush.h"
#include "oqueue.h"
#include "orders.h"
#include "otest.h"
#include "test.h"
#include "whsig.h"

static struct catalog *cat;
static char secret[WHSIG_SECRET_MAX];

static long count(struct db *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    long n = -1;
    if (sqlite3_prepare_v2(db_sqlite_handle(db), sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        n = (long)sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return n;
}

/* Places the fixture order for operator 3 in its own transaction; returns the body. */
static char *place(struct db *db, long long now)
{
    struct orders_order o;
    char err[128];
    char *body = NULL;
    if (orders_request_parse(FIX_ORDER, strlen(FIX_ORDER), cat, &o, err, sizeof(err)) !=
        ORDERS_OK) {
        return NULL;
    }
    o.resident_id = 7;
    o.operator_id = 3;
    snprintf(o.district, sizeof(o.district), "中央町");
    sqlite3_exec(db_sqlite_handle(db), "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (ordstore_place(db, scope_of(1), &o, 0, NULL, now, &body) != ORDERS_OK) {
        sqlite3_exec(db_sqlite_handle(db), "ROLLBACK", NULL, NULL, NULL);
        return NULL;
    }
    sqlite3_exec(db_sqlite_handle(db), "COMMIT", NULL, NULL, NULL);
    return body;
}

static int set_endpoint(struct db *db, int port, const char *sec)
{
    char url[64], err[160];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/webhooks/orders", port);
    return webhooks_set(db, "operator:3", url, sec, err, sizeof(err)) == ORDERS_OK ? 0 : -1;
}

static void t_signed_delivery(void)
{
    struct otest_receiver r;
    struct otest_clock clk;
    otest_clock_init(&clk);
    struct db *db = otest_db("push1.db");
    REQUIRE(db != NULL);
    REQUIRE(otest_receiver_start(&r, secret, 0, 0) == 0);
    REQUIRE(set_endpoint(db, r.port, secret) == 0);
    char *body = place(db, clk.t);
    REQUIRE(body != NULL);
    struct opush *p = opush_create(db, &clk.clock, NULL);
    REQUIRE(p != NULL);
    struct opush_stats s;
    CHECK(opush_run_once(p, &s) == ORDERS_OK);
    CHECK_INT_EQ(s.attempted, 1);
    CHECK_INT_EQ(s.delivered, 1);
    /* The receiver verified the signature and saw exactly the stored body. */
    char want[70000];
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db_sqlite_handle(db), "SELECT msg_id, acked_via FROM ord_deliveries", -1,
                       &st, NULL);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    snprintf(want, sizeof(want), "delivery id=%s body=%s", sqlite3_column_text(st, 0), body);
    CHECK_STR_EQ((const char *)sqlite3_column_text(st, 1), "push");
    sqlite3_finalize(st);
    CHECK_INT_EQ(otest_receiver_count(&r, want), 1);
    CHECK_INT_EQ(otest_receiver_count(&r, "rejected"), 0);
    CHECK_INT_EQ(otest_pending(db, "operator:3"), 0);
    /* Nothing more to do. */
    CHECK(opush_run_once(p, &s) == ORDERS_OK);
    CHECK_INT_EQ(s.attempted, 0);

    /* Signed with a secret the operator does not have: the receiver refuses (401), the hub
     * counts it as a failure and will retry. */
    char wrong[WHSIG_SECRET_MAX];
    REQUIRE(whsig_secret_generate(wrong, sizeof(wrong)) == WHSIG_OK);
    REQUIRE(set_endpoint(db, r.port, wrong) == 0);
    free(body);
    body = place(db, clk.t);
    CHECK(opush_run_once(p, &s) == ORDERS_OK);
    CHECK_INT_EQ(s.failed, 1);
    CHECK_INT_EQ(otest_receiver_count(&r, "rejected: signature mismatch"), 1);
    CHECK_INT_EQ(otest_pending(db, "operator:3"), 1);
    CHECK_INT_EQ(count(db, "SELECT count(*) FROM ord_deliveries WHERE last_error = "
                           "'answered HTTP 401'"),
                 1);
    opush_destroy(p);
    free(body);
    otest_receiver_stop(&r);
    db_close(db);
}

static void t_failing_receiver_gets_retries(void)
{
    struct otest_receiver r;
    struct otest_clock clk;
    otest_clock_init(&clk);
    struct db *db = otest_db("push2.db");
    REQUIRE(db != NULL);
    REQUIRE(otest_receiver_start(&r, secret, 2, 0) == 0);
    REQUIRE(set_endpoint(db, r.port, secret) == 0);
    char *body = place(db, clk.t);
    REQUIRE(body != NULL);
    struct opush *p = opush_create(db, &clk.clock, NULL);
    REQUIRE(p != NULL);
    struct opush_stats s;
    CHECK(opush_run_once(p, &s) == ORDERS_OK);
    CHECK_INT_EQ(s.failed, 1);
    /* Not due again before the back-off. */
    clk.t += 4;
    CHECK(opush_run_once(p, &s) == ORDERS_OK);
    CHECK_INT_EQ(s.attempted, 0);
    long long when = 0;
    CHECK(deliveries_next_push(db, &when) == ORDERS_OK);
    CHECK(when >= clk.t - 4 + 5 && when <= clk.t - 4 + 10); /* [d/2, d] with d = 10 s */
    clk.t = when;
    CHECK(opush_run_once(p, &s) == ORDERS_OK);
    CHECK_INT_EQ(s.failed, 1);
    long long first = when;
    CHECK(deliveries_next_push(db, &when) == ORDERS_OK);
    CHECK(when >= first + 10 && when <= first + 20); /* d = 20 s */
    clk.t = when;
    CHECK(opush_run_once(p, &s) == ORDERS_OK);
    CHECK_INT_EQ(s.delivered, 1);
    CHECK_INT_EQ(otest_receiver_count(&r, "failing id="), 2);
    CHECK_INT_EQ(otest_receiver_count(&r, "delivery id="), 1);
    CHECK_INT_EQ(count(db, "SELECT push_attempts FROM ord_deliveries"), 3);
    CHECK_INT_EQ(otest_pending(db, NULL), 0);
    CHECK(deliveries_next_push(db, &when) == ORDERS_OK && when == 0);
    opush_destroy(p);
    free(body);
    otest_receiver_stop(&r);
    db_close(db);
}

static void t_receiver_down_gets_it_later(void)
{
    struct otest_receiver r;
    struct otest_clock clk;
    otest_clock_init(&clk);
    struct db *db = otest_db("push3.db");
    REQUIRE(db != NULL);
    int port = otest_free_port();
    REQUIRE(port > 0);
    REQUIRE(set_endpoint(db, port, secret) == 0);
    char *body = place(db, clk.t);
    REQUIRE(body != NULL);
    struct opush *p = opush_create(db, &clk.clock, NULL);
    REQUIRE(p != NULL);
    struct opush_stats s;
    CHECK(opush_run_once(p, &s) == ORDERS_OK);
    CHECK_INT_EQ(s.failed, 1); /* connection refused */
    CHECK_INT_EQ(count(db, "SELECT count(*) FROM ord_deliveries WHERE last_error LIKE "
                           "'%connect%'"),
                 1);
    /* The operator's system comes up on its port. */
    REQUIRE(otest_receiver_start(&r, secret, 0, port) == 0);
    long long when = 0;
    CHECK(deliveries_next_push(db, &when) == ORDERS_OK && when > 0);
    clk.t = when;
    CHECK(opush_run_once(p, &s) == ORDERS_OK);
    CHECK_INT_EQ(s.delivered, 1);
    CHECK_INT_EQ(otest_receiver_count(&r, "delivery id="), 1);
    opush_destroy(p);
    free(body);
    otest_receiver_stop(&r);
    db_close(db);
}

static void t_duplicate_has_no_effect(void)
{
    struct otest_receiver r;
    struct otest_clock clk;
    otest_clock_init(&clk);
    struct db *db = otest_db("push4.db");
    REQUIRE(db != NULL);
    REQUIRE(otest_receiver_start(&r, secret, 0, 0) == 0);
    REQUIRE(set_endpoint(db, r.port, secret) == 0);
    char *body = place(db, clk.t);
    REQUIRE(body != NULL);
    struct opush *p = opush_create(db, &clk.clock, NULL);
    REQUIRE(p != NULL);
    struct opush_stats s;
    CHECK(opush_run_once(p, &s) == ORDERS_OK && s.delivered == 1);
    /* The hub crashed after the 2xx but before recording it: the claim runs out and the
     * same message (same webhook-id) goes out again. */
    CHECK(sqlite3_exec(db_sqlite_handle(db),
                       "UPDATE ord_deliveries SET acked_unix = NULL, acked_via = NULL, "
                       "next_push_unix = 0",
                       NULL, NULL, NULL) == SQLITE_OK);
    clk.t += 1;
    CHECK(opush_run_once(p, &s) == ORDERS_OK);
    CHECK_INT_EQ(s.delivered, 1); /* answered 2xx: acknowledged again */
    CHECK_INT_EQ(otest_receiver_count(&r, "delivery id="), 1);
    CHECK_INT_EQ(otest_receiver_count(&r, "duplicate id="), 1);
    CHECK_INT_EQ(otest_pending(db, NULL), 0);
    opush_destroy(p);
    free(body);
    otest_receiver_stop(&r);
    db_close(db);
}

static void t_gives_up_after_72h_pull_still_works(void)
{
    struct otest_clock clk;
    otest_clock_init(&clk);
    struct db *db = otest_db("push5.db");
    REQUIRE(db != NULL);
    int port = otest_free_port();
    REQUIRE(port > 0);
    REQUIRE(set_endpoint(db, port, secret) == 0);
    long long start = clk.t;
    char *body = place(db, clk.t);
    REQUIRE(body != NULL);
    struct opush *p = opush_create(db, &clk.clock, NULL);
    REQUIRE(p != NULL);
    struct opush_stats s;
    int attempts = 0, gave_up = 0;
    long long last = 0, when = 0;
    for (int i = 0; i < 500; i++) {
        CHECK(opush_run_once(p, &s) == ORDERS_OK);
        attempts += s.attempted;
        gave_up += s.gave_up;
        if (s.attempted) {
            last = clk.t;
        }
        if (deliveries_next_push(db, &when) != ORDERS_OK || when == 0) {
            break;
        }
        CHECK(when > clk.t);
        clk.t = when;
    }
    CHECK_INT_EQ(gave_up, 1);
    CHECK(attempts > 70 && attempts < 200);
    CHECK(last - start <= 72 * 3600);
    CHECK(last - start > 71 * 3600);
    CHECK_INT_EQ(count(db, "SELECT push_gave_up FROM ord_deliveries"), 1);
    /* Push gave up, the order is not lost: the operator can still pull it. */
    struct oqueue_item *it = NULL;
    size_t n = 0;
    REQUIRE(deliveries_pull(db, scope_of(1), "operator:3", clk.t, 60, 10, &it, &n) == ORDERS_OK);
    CHECK_INT_EQ(n, 1);
    if (n == 1) {
        CHECK_STR_EQ(it[0].body, body);
    }
    oqueue_items_free(it, n);
    opush_destroy(p);
    free(body);
    db_close(db);
}

static void t_pull_ack_stops_push(void)
{
    struct otest_clock clk;
    otest_clock_init(&clk);
    struct db *db = otest_db("push6.db");
    REQUIRE(db != NULL);
    int port = otest_free_port();
    REQUIRE(set_endpoint(db, port, secret) == 0);
    char *body = place(db, clk.t);
    REQUIRE(body != NULL);
    struct opush *p = opush_create(db, &clk.clock, NULL);
    REQUIRE(p != NULL);
    struct opush_stats s;
    CHECK(opush_run_once(p, &s) == ORDERS_OK && s.failed == 1);
    struct oqueue_item *it = NULL;
    size_t n = 0;
    REQUIRE(deliveries_pull(db, scope_of(1), "operator:3", clk.t, 60, 10, &it, &n) == ORDERS_OK &&
            n == 1);
    CHECK(deliveries_ack(db, scope_of(1), "operator:3", it[0].id, clk.t) == ORDERS_OK);
    oqueue_items_free(it, n);
    clk.t += 3600;
    CHECK(opush_run_once(p, &s) == ORDERS_OK);
    CHECK_INT_EQ(s.attempted, 0);
    /* Removing the endpoint stops pushes of later deliveries too. */
    CHECK(webhooks_delete(db, "operator:3") == ORDERS_OK);
    free(body);
    body = place(db, clk.t);
    CHECK(opush_run_once(p, &s) == ORDERS_OK);
    CHECK_INT_EQ(s.attempted, 0);
    CHECK_INT_EQ(otest_pending(db, "operator:3"), 1);
    opush_destroy(p);
    free(body);
    db_close(db);
}

static void t_endpoint_validation(void)
{
    struct db *db = otest_db("ep.db");
    REQUIRE(db != NULL);
    char err[160];
    CHECK(webhooks_set(db, "operator:3", "ftp://x/", secret, err, sizeof(err)) == ORDERS_INVALID);
    CHECK(strstr(err, "http") != NULL);
    CHECK(webhooks_set(db, "operator:3", "http://x/ y", secret, err, sizeof(err)) ==
          ORDERS_INVALID);
    CHECK(webhooks_set(db, "operator:3", "https://x/", "whsec_abc", err, sizeof(err)) ==
          ORDERS_INVALID);
    CHECK(strstr(err, "whsec_") != NULL);
    CHECK(webhooks_set(db, "operator", "https://x/", secret, err, sizeof(err)) == ORDERS_INVALID);
    /* plain http only to this machine: the bodies carry names and addresses */
    static const char *const refused[] = {"http://op.example/wh",
                                          "http://127.0.0.1.op.example/wh",
                                          "http://localhost@op.example/wh",
                                          "http://127.0.0.1@op.example/wh",
                                          "http://[::2]/wh",
                                          "http://0x7f000001/wh",
                                          "http://10.0.0.1:8080/wh",
                                          "https://",
                                          NULL};
    for (int i = 0; refused[i]; i++) {
        CHECK(webhooks_set(db, "operator:3", refused[i], secret, err, sizeof(err)) ==
              ORDERS_INVALID);
        CHECK(strstr(err, "https://") != NULL);
    }
    static const char *const loopback[] = {"http://127.0.0.1:9/wh", "http://127.3.4.5/wh",
                                           "http://[::1]:9/wh", "http://localhost:9", NULL};
    for (int i = 0; loopback[i]; i++)
        CHECK(webhooks_set(db, "operator:3", loopback[i], secret, err, sizeof(err)) == ORDERS_OK);
    CHECK(webhooks_set(db, "operator:3", "https://op.example/wh", secret, err, sizeof(err)) ==
          ORDERS_OK);
    db_close(db);
}

int main(void)
{
    char err[256] = "";
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (catalog_parse(FIX_CATALOG, strlen(FIX_CATALOG), &cat, err, sizeof(err)) != ORDERS_OK ||
        whsig_secret_generate(secret, sizeof(secret)) != WHSIG_OK) {
        fprintf(stderr, "fixture: %s\n", err);
        return 1;
    }
    TEST_RUN(t_signed_delivery);
    TEST_RUN(t_failing_receiver_gets_retries);
    TEST_RUN(t_receiver_down_gets_it_later);
    TEST_RUN(t_duplicate_has_no_effect);
    TEST_RUN(t_gives_up_after_72h_pull_still_works);
    TEST_RUN(t_pull_ack_stops_push);
    TEST_RUN(t_endpoint_validation);
    catalog_free(cat);
    curl_global_cleanup();
    otest_tmp_cleanup();
    return test_summary();
}
