/*
 * test_pg_hubd.c: the real hubd and hubctl on a private PostgreSQL server (pgserver.h).
 *
 *   - hubctl init migrates the server's database; hubd --db postgresql://... starts,
 *     authenticates a home device, answers check-ins (201, replayed by Idempotency-Key,
 *     an unwell alert for 元気がない) and GET /v1/me from PostgreSQL;
 *   - the writer's connection is cut in the middle of its batch (its INSERT waiting on a
 *     lock): 503, nothing kept, the retry stored once;
 *   - the database connections are cut under hubd (pg_terminate_backend of every hubd
 *     backend): requests are answered 503 (never 500, never a false 201) until hubd has
 *     connected again, then the same request with its Idempotency-Key is stored once;
 *   - the server is stopped (crash) while hubd runs: 503 meanwhile, hubd stays up, and
 *     after the server is back the retry is stored once;
 *   - a tree head due while the chain is busy is signed once it is free, not a period later;
 *   - hubctl escalate, checkins and audit-verify (with the signed checkpoints hubd wrote)
 *     work on PostgreSQL; hubctl backup refuses in words, naming PostgreSQL's tools.
 * The residents and devices are enrolled with SQL here, so this test does not depend on
 * which enrolment commands of hubctl already speak PostgreSQL.
 */
#include "db.h"
#include "hubtest.h"
#include "hubtoken.h"
#include "pgserver.h"
#include "test.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define START   1795392000 /* 2026-11-23 09:00 JST, before the 10:00 deadline */
#define TOKEN   "dev_pghubdtesttoken0123456789abcdef"
#define CHECKIN "{\"answer\":\"genki\"}"

static struct pgserver *S;
static struct hubtest T;

/* A check-in with Idempotency-Key key; returns the status. */
static long checkin(const char *key, const char *body)
{
    return ht_req(&T, "POST", "/v1/checkins", TOKEN, NULL, key, body, strlen(body), NULL);
}

/* Retries the check-in with key until it is stored (at most ~10 s): every answer on the
 * way must be 201 or 503. Returns the number of 503 answers, or -1. */
static int retry_until_stored(const char *key)
{
    int unavailable = 0;
    for (int i = 0; i < 100; i++) {
        long st = checkin(key, CHECKIN);
        if (st == 201)
            return unavailable;
        if (st != 503) {
            fprintf(stderr, "check-in answered %ld while the database came back\n", st);
            return -1;
        }
        unavailable++;
        usleep(100 * 1000);
    }
    return -1;
}

static void t_hubd_on_postgres(void)
{
    char hash[HUBTOKEN_HASH_HEX], sql[512], *resp = NULL;
    hubtoken_hash(TOKEN, strlen(TOKEN), hash);
    REQUIRE(ht_on_postgres(&T));
    snprintf(sql, sizeof sql,
             "INSERT INTO residents(display_name, district, deadline_min, created_unix)"
             " VALUES('山田 花子', '北区', 600, 0);"
             "INSERT INTO devices(kind, resident_id, token_hash, created_unix)"
             " VALUES('home', 1, '%s', 0)",
             hash);
    REQUIRE(ht_sql_exec(&T, sql) == 0);
    REQUIRE(ht_start(&T, "") == 0);

    CHECK_INT_EQ(checkin("pg-1", CHECKIN), 201);
    CHECK_INT_EQ(checkin("pg-1", CHECKIN), 201); /* replay: the first answer, nothing new */
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM checkins"), 1);
    CHECK_INT_EQ(checkin("pg-2", "{\"answer\":\"genkinai\"}"), 201);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM alerts WHERE kind = 'unwell'"), 1);
    CHECK_INT_EQ(ht_req(&T, "GET", "/v1/me", TOKEN, NULL, NULL, NULL, 0, &resp), 200);
    CHECK(resp && strstr(resp, "山田 花子") && strstr(resp, "genkinai"));
    free(resp);
    CHECK_INT_EQ(ht_req(&T, "GET", "/v1/health", NULL, NULL, NULL, NULL, 0, NULL), 200);
}

/* Every face answers a device on PostgreSQL in words (no 5xx, no 501: every face is on the
 * stores) and hubd stays up. */
static void t_every_face_answers(void)
{
    static const char *const routes[][2] = {
        {"POST", "/v1/auth/challenge"},
        {"GET", "/v1/session"},
        {"GET", "/v1/operators"},
        {"GET", "/v1/operators/1/catalogue"},
        {"POST", "/v1/operators/1/orders"},
        {"GET", "/v1/orders"},
        {"POST", "/v1/family-requests"},
        {"GET", "/v1/family-requests"},
        {"GET", "/v1/session/checkups"},
        {"GET", "/v1/session/checkup-trend"},
        {"GET", "/v1/notices"},
        {"GET", "/v1/safety"},
    };
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        const char *body = strcmp(routes[i][0], "POST") == 0 ? "{}" : NULL;
        long st = ht_req(&T, routes[i][0], routes[i][1], TOKEN, NULL, NULL, body,
                         body ? strlen(body) : 0, NULL);
        if (!(st >= 200 && st < 500))
            fprintf(stderr, "%s %s answered %ld on PostgreSQL\n", routes[i][0], routes[i][1], st);
        CHECK(st >= 200 && st < 500);
    }
    CHECK_INT_EQ(ht_req(&T, "GET", "/v1/health", NULL, NULL, NULL, NULL, 0, NULL), 200);
}

struct background {
    long status;
};

static void *checkin_in_background(void *arg)
{
    ((struct background *)arg)->status = checkin("pg-mid", CHECKIN);
    return NULL;
}

/* The writer's connection dies in the middle of its batch (its INSERT waits on a lock
 * another connection holds, and that wait is cut): the request is answered 503 and
 * nothing of it is kept; the retry after the reconnect is stored once. */
static void t_lost_mid_transaction(void)
{
    char err[256];
    struct db *lock = NULL;
    long long before = ht_sql_int(&T, "SELECT COUNT(*) FROM checkins");
    REQUIRE(db_open(T.db, 0, &lock, err, sizeof err) == DB_OK);
    REQUIRE(db_exec(lock, "BEGIN; LOCK TABLE checkins IN EXCLUSIVE MODE") == DB_OK);
    struct background b = {0};
    pthread_t th;
    REQUIRE(pthread_create(&th, NULL, checkin_in_background, &b) == 0);
    long long cut = 0;
    for (int i = 0; i < 250 && cut < 1; i++) {
        cut = ht_sql_int(&T, "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity"
                             " WHERE application_name = 'hubd' AND wait_event_type = 'Lock'");
        if (cut < 1)
            usleep(20 * 1000);
    }
    db_rollback(lock);
    db_close(lock);
    pthread_join(th, NULL);
    CHECK_INT_EQ(cut, 1);
    CHECK_INT_EQ(b.status, 503);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM checkins"), before);
    CHECK(retry_until_stored("pg-mid") >= 0);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM checkins"), before + 1);
}

static void t_connections_cut(void)
{
    REQUIRE(T.pid > 0);
    /* Every connection of hubd (the writer's and the pool's), not this one. */
    REQUIRE(ht_sql_exec(&T, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                            " WHERE application_name = 'hubd' AND pid <> pg_backend_pid()") == 0);
    int unavailable = retry_until_stored("pg-3");
    CHECK(unavailable >= 1); /* the lost connections were noticed, not papered over */
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM checkins"), 4);
    /* The writer itself lost its connection too: its next batch runs after reconnecting. */
    CHECK_INT_EQ(checkin("pg-4", CHECKIN), 201);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM checkins"), 5);
}

static void t_server_restart(void)
{
    REQUIRE(T.pid > 0);
    REQUIRE(pgserver_halt(S, 1) == 0); /* a crash: -m immediate */
    CHECK_INT_EQ(checkin("pg-5", CHECKIN), 503);
    CHECK_INT_EQ(checkin("pg-5", CHECKIN), 503);
    CHECK_INT_EQ(ht_req(&T, "GET", "/v1/health", NULL, NULL, NULL, NULL, 0, NULL), 503);
    REQUIRE(pgserver_resume(S) == 0);
    CHECK(retry_until_stored("pg-5") >= 0);
    CHECK_INT_EQ(checkin("pg-5", CHECKIN), 201); /* a replay now */
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM checkins"), 6);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM idempotency_keys WHERE status <> 0"), 6);
}

/* Records not under the newest signed head of their log (or not chained yet). */
static long long uncovered(void)
{
    return ht_sql_int(&T, "SELECT COUNT(*) FROM audit a WHERE a.seq IS NULL OR a.seq >"
                          " (SELECT COALESCE(MAX(h.tree_size), 0) FROM audit_heads h"
                          " WHERE h.log_id = a.log_id)");
}

/* A tree head falls due while the chain is busy (its head rows held, as another process's
 * pass or this hub's own chaining thread holds them mid-pass): it is signed once the chain
 * is free, over the records that waited, not a whole period (10 s) later. */
static void t_head_waits_for_a_busy_chain(void)
{
    char err[256];
    struct db *lock = NULL;
    REQUIRE(db_open(T.db, 0, &lock, err, sizeof err) == DB_OK);
    REQUIRE(db_exec(lock, "BEGIN; SELECT 1 FROM audit_head FOR UPDATE") == DB_OK);
    /* The hub's clock a period on: a head is due after the next batch. */
    ht_set_clock(&T, START + 600);
    CHECK_INT_EQ(checkin(NULL, CHECKIN), 201);
    usleep(500 * 1000); /* the head fell due and met the busy chain */
    CHECK(uncovered() > 0);
    db_rollback(lock);
    db_close(lock);
    long long left = -1;
    for (int i = 0; i < 50 && left != 0; i++) {
        left = uncovered();
        if (left)
            usleep(100 * 1000);
    }
    CHECK_INT_EQ(left, 0);
}

static void t_hubctl_on_postgres(void)
{
    char out[64] = "", args[256];
    CHECK_INT_EQ(ht_stop(&T), 0); /* its last act: a signed tree head */
    CHECK(ht_sql_int(&T, "SELECT COUNT(*) FROM audit_heads") >= 1);
    snprintf(args, sizeof args, "audit-verify --key %s", T.key);
    CHECK_INT_EQ(ht_ctl(&T, "audit", out, sizeof out, args), 0);
    CHECK_STR_EQ(out, "OK");
    ht_set_clock(&T, START + 2 * 3600); /* 11:00 JST: the deadline passed, but checked in */
    CHECK_INT_EQ(ht_ctl(&T, "alerts_raised", out, sizeof out, "escalate"), 0);
    CHECK_STR_EQ(out, "0");
    CHECK_INT_EQ(ht_sql_exec(&T, "DELETE FROM checkins WHERE resident_id = 1"), 0);
    CHECK_INT_EQ(ht_ctl(&T, "alerts_raised", out, sizeof out, "escalate"), 0);
    CHECK_STR_EQ(out, "1"); /* the family level; the city's comes at 12:00 */
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "checkins"), 0);
    char cmd[1024], line[512] = "";
    snprintf(cmd, sizeof cmd, "%s --db '%s' backup --out %s/b.db 2>&1", HUBCTL_PATH, T.db, T.dir);
    FILE *p = popen(cmd, "r");
    REQUIRE(p != NULL);
    if (!fgets(line, sizeof line, p))
        line[0] = '\0';
    int st = pclose(p);
    CHECK(st != 0);
    CHECK(strstr(line, "pg_dump") != NULL);
    CHECK(access(T.dir, F_OK) == 0);
}

int main(void)
{
    char err[256], admin[512];
    S = pgserver_start(err, sizeof err);
    if (!S) {
        fprintf(stderr, "test_pg_hubd: %s\n", err);
        return 1;
    }
    snprintf(admin, sizeof admin, "postgresql:///postgres?host=%s&user=postgres", pgserver_dir(S));
    setenv("HUB_TEST_PG_ADMIN", admin, 1);
    if (ht_init(&T, START) != 0) {
        fprintf(stderr, "test_pg_hubd: cannot set up the hub on PostgreSQL\n");
        pgserver_destroy(S);
        return 1;
    }
    TEST_RUN(t_hubd_on_postgres);
    TEST_RUN(t_every_face_answers);
    TEST_RUN(t_lost_mid_transaction);
    TEST_RUN(t_connections_cut);
    TEST_RUN(t_server_restart);
    TEST_RUN(t_head_waits_for_a_busy_chain);
    TEST_RUN(t_hubctl_on_postgres);
    ht_cleanup(&T);
    pgserver_destroy(S);
    return test_summary();
}
