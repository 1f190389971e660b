/*
 * orders_bench: figures for docs/benchmarks.md (a program, not a test).
 *
 *   orders_bench [seconds] [deliveries]
 *
 * 1. Orders created durably per second: the hub's whole create path on one connection to
 *    a SQLite file in WAL mode with synchronous=FULL: idempotency claim (its own commit),
 *    then one transaction with the order, its items, the operator's pseudonymized view,
 *    the delivery and the stored answer (a second commit). Every order is on disk before
 *    the next starts.
 * 2. Webhook delivery latency on loopback against the real opreceiver (which verifies
 *    each signature and appends a log line): per delivery the HTTP part (sign, POST, 2xx)
 *    and the whole push (claim, HTTP, record, both durable), p50 and p99.
 */
#include "scope.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curl/curl.h>

#include "catalog.h"
#include "fixtures.h"
#include "hubtoken.h"
#include "idempotency.h"
#include "opush.h"
#include "oqueue.h"
#include "orders.h"
#include "otest.h"
#include "whsig.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double p)
{
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return v[i < n ? i : n - 1];
}

/* Claims key for who inside the caller's transaction: 0 when it may proceed. */
static int claim_key(struct db *db, const char *who, const char *key, const char *hash,
                     long long now, struct idempotency_claim *c)
{
    enum idempotency_result res;
    int status = 0;
    char *ans = NULL;
    enum db_status s =
        idempotency_claim(db, scope_of(1), who, key, hash, now, &res, c, &status, &ans);
    free(ans);
    return s == DB_OK && res == IDEMPOTENCY_PROCEED ? 0 : -1;
}

/* The order job: place it and store its answer for the claim. */
static int place_one(struct db *db, struct catalog *cat, long k, const struct idempotency_claim *c,
                     long long now)
{
    char err[128];
    struct orders_order o;
    int lost = 0, rc = -1;
    char *ans = NULL;
    if (orders_request_parse(FIX_ORDER, strlen(FIX_ORDER), cat, &o, err, sizeof(err)) != ORDERS_OK)
        return -1;
    o.resident_id = 7 + k % 100;
    o.operator_id = 3;
    snprintf(o.district, sizeof(o.district), "中央町");
    if (ordstore_place(db, scope_of(1), &o, 0, NULL, now, NULL) == ORDERS_OK &&
        (ans = orders_resident_json(&o)) != NULL &&
        idempotency_finish(db, scope_of(1), c, 201, ans, now, &lost) == DB_OK && !lost)
        rc = 0;
    free(ans);
    return rc;
}

/* One order the hub's way, one at a time: the claim commits, then the order commits. */
static int create(struct db *db, struct catalog *cat, long k, long long now)
{
    char key[32], hash[HUBTOKEN_HASH_HEX];
    struct idempotency_claim c;
    snprintf(key, sizeof(key), "bench-%ld", k);
    hubtoken_hash(FIX_ORDER, strlen(FIX_ORDER), hash);
    if (db_begin(db) != DB_OK)
        return -1;
    if (claim_key(db, "device:1", key, hash, now, &c) != 0 || db_commit(db) != DB_OK) {
        db_rollback(db);
        return -1;
    }
    if (db_begin(db) != DB_OK)
        return -1;
    if (place_one(db, cat, k, &c, now) != 0 || db_commit(db) != DB_OK) {
        db_rollback(db);
        return -1;
    }
    return 0;
}

/*
 * The hub's single writer with group commit: a batch of claims in one transaction, then a
 * batch of creates (each in a savepoint, as the writer runs jobs) in a second one.
 */
static int create_batch(struct db *db, struct catalog *cat, long k0, int batch, long long now)
{
    char key[32], hash[HUBTOKEN_HASH_HEX];
    struct idempotency_claim claims[64];
    int rc = -1;
    hubtoken_hash(FIX_ORDER, strlen(FIX_ORDER), hash);
    if (batch > 64 || db_begin(db) != DB_OK)
        return -1;
    for (int i = 0; i < batch; i++) {
        snprintf(key, sizeof(key), "batch-%ld", k0 + i);
        if (claim_key(db, "device:2", key, hash, now, &claims[i]) != 0)
            goto out;
    }
    if (db_commit(db) != DB_OK || db_begin(db) != DB_OK)
        goto out;
    for (int i = 0; i < batch; i++) {
        if (db_savepoint(db, "job") != DB_OK || place_one(db, cat, k0 + i, &claims[i], now) != 0 ||
            db_release(db, "job") != DB_OK)
            goto out;
    }
    rc = db_commit(db) == DB_OK ? 0 : -1;
out:
    if (rc != 0)
        db_rollback(db);
    return rc;
}

int main(int argc, char **argv)
{
    int rc = 1;
    double seconds = argc > 1 ? strtod(argv[1], NULL) : 3.0;
    long deliveries = argc > 2 ? strtol(argv[2], NULL, 10) : 300;
    struct catalog *cat = NULL;
    char err[256];
    char secret[WHSIG_SECRET_MAX];
    struct otest_receiver r = {0, 0, ""};
    struct db *db = NULL, *db2 = NULL;
    struct opush *p = NULL;
    double *http = NULL, *whole = NULL;
    if (seconds <= 0 || seconds > 60 || deliveries < 10 || deliveries > 100000) {
        fprintf(stderr, "usage: orders_bench [seconds 0..60] [deliveries 10..100000]\n");
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (catalog_parse(FIX_CATALOG, strlen(FIX_CATALOG), &cat, err, sizeof(err)) != ORDERS_OK) {
        goto out;
    }
    db = otest_db("bench.db");
    if (!db) {
        goto out;
    }
    /* Show that the figures are for the durable settings. */
    sqlite3_stmt *pst = NULL;
    if (sqlite3_prepare_v2(db_sqlite_handle(db),
                           "SELECT (SELECT journal_mode FROM pragma_journal_mode), "
                           "(SELECT synchronous FROM pragma_synchronous)",
                           -1, &pst, NULL) == SQLITE_OK &&
        sqlite3_step(pst) == SQLITE_ROW) {
        printf("database: journal_mode=%s synchronous=%d (2 = FULL)\n",
               (const char *)sqlite3_column_text(pst, 0), sqlite3_column_int(pst, 1));
    }
    sqlite3_finalize(pst);
    long long t0 = hubclock_real_ms(), now = t0 / 1000;
    long n = 0;
    while (hubclock_real_ms() - t0 < (long long)(seconds * 1000)) {
        if (create(db, cat, n, now) != 0) {
            fprintf(stderr, "create failed: %s\n", sqlite3_errmsg(db_sqlite_handle(db)));
            goto out;
        }
        n++;
    }
    double el = (double)(hubclock_real_ms() - t0) / 1000.0;
    printf("orders created durably (WAL, synchronous=FULL, 2 commits each): %ld in %.2f s = "
           "%.0f orders/s\n",
           n, el, (double)n / el);

    t0 = hubclock_real_ms();
    long nb = 0;
    while (hubclock_real_ms() - t0 < (long long)(seconds * 1000)) {
        if (create_batch(db, cat, nb, 32, now) != 0) {
            fprintf(stderr, "batch create failed: %s\n", sqlite3_errmsg(db_sqlite_handle(db)));
            goto out;
        }
        nb += 32;
    }
    el = (double)(hubclock_real_ms() - t0) / 1000.0;
    printf("orders created durably in group commits of 32 (the hub writer's way): %ld in %.2f s "
           "= %.0f orders/s\n",
           nb, el, (double)nb / el);

    /* Webhook latency. */
    if (whsig_secret_generate(secret, sizeof(secret)) != WHSIG_OK ||
        otest_receiver_start(&r, secret, 0, 0) != 0) {
        fprintf(stderr, "cannot start opreceiver\n");
        goto out;
    }
    db2 = otest_db("bench-push.db");
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/", r.port);
    if (!db2 || webhooks_set(db2, "operator:3", url, secret, err, sizeof(err)) != ORDERS_OK ||
        !(p = opush_create(db2, NULL, NULL))) {
        goto out;
    }
    http = calloc((size_t)deliveries, sizeof(double));
    whole = calloc((size_t)deliveries, sizeof(double));
    if (!http || !whole) {
        goto out;
    }
    for (long i = 0; i < deliveries; i++) {
        if (create(db2, cat, i, hubclock_real_ms() / 1000) != 0) {
            goto out;
        }
        struct opush_stats s;
        struct timespec ts0, ts1;
        clock_gettime(CLOCK_MONOTONIC, &ts0);
        if (opush_run_once(p, &s) != ORDERS_OK || s.delivered != 1) {
            sqlite3_stmt *st = NULL;
            sqlite3_prepare_v2(db_sqlite_handle(db2),
                               "SELECT last_error FROM ord_deliveries ORDER BY id DESC", -1, &st,
                               NULL);
            fprintf(stderr, "delivery %ld failed: attempted %d delivered %d failed %d: %s\n", i,
                    s.attempted, s.delivered, s.failed,
                    st && sqlite3_step(st) == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0)
                                                         : "?");
            sqlite3_finalize(st);
            goto out;
        }
        clock_gettime(CLOCK_MONOTONIC, &ts1);
        whole[i] =
            (double)(ts1.tv_sec - ts0.tv_sec) * 1e3 + (double)(ts1.tv_nsec - ts0.tv_nsec) / 1e6;
        http[i] = opush_last_latency_ms(p);
    }
    qsort(http, (size_t)deliveries, sizeof(double), cmp_double);
    qsort(whole, (size_t)deliveries, sizeof(double), cmp_double);
    printf("webhook HTTP (sign + POST + verify + 2xx, loopback, %ld deliveries): p50 %.2f ms, "
           "p99 %.2f ms\n",
           deliveries, pct(http, (size_t)deliveries, 0.50), pct(http, (size_t)deliveries, 0.99));
    printf("webhook push end to end (claim + HTTP + durable ack record): p50 %.2f ms, p99 %.2f "
           "ms\n",
           pct(whole, (size_t)deliveries, 0.50), pct(whole, (size_t)deliveries, 0.99));
    rc = 0;
out:
    opush_destroy(p);
    otest_receiver_stop(&r);
    free(http);
    free(whole);
    db_close(db);
    db_close(db2);
    catalog_free(cat);
    otest_tmp_cleanup();
    curl_global_cleanup();
    return rc;
}
