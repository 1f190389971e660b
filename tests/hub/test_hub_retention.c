/*
 * test_hub_retention.c: hubd purges what is past its retention (store/retention.h) on its
 * own schedule (--purge-every 1), on the hub clock, through the real hubd and hubctl on
 * either backend. Many rows of each kind are written as the hub writes them, the clock is
 * moved past each period in turn, and:
 *   - expired challenges go an hour after expiry, while a fresh challenge still logs in;
 *   - sessions go a week after their absolute limit, while a live session still works;
 *   - Idempotency-Keys go 30 days after first use; inside that, a retry still gets the
 *     stored answer (and stores nothing new);
 *   - check-ins are answered while a purge of many rows runs: it goes in bounded steps, so
 *     a check-in is answered while part of the rows is gone and part is left (one
 *     transaction would show all or none); how long a step holds the writer is a figure
 *     of bench_purge, not a bound here;
 *   - what is left is exactly what is inside its period (the counts are bounded);
 *   - `hubctl purge` does the same at once and says how many rows it deleted.
 */
#include "hubtest.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#define ROWS    20000 /* of each kind */
#define CHECKIN "{\"answer\":\"genki\"}"

static struct hubtest T;
static char ca[96], home[128], kiosk[128];
static time_t T0;

/* Writes ROWS rows of each kind as the hub writes them at T0 (SQL both backends take). */
static int fill(const char *tag)
{
    char sql[1024];
    char head[160];
    snprintf(head, sizeof head,
             "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) ", ROWS);
    snprintf(sql, sizeof sql,
             "%sINSERT INTO challenges(device_id, challenge, expires_unix, used_unix)"
             " SELECT 2, '%s' || i, %lld, NULL FROM n",
             head, tag, (long long)T0 + 60);
    int ok = ht_sql_exec(&T, sql) == 0;
    snprintf(sql, sizeof sql,
             "%sINSERT INTO sessions(token_hash, device_id, resident_id, created_unix,"
             " last_used_unix, ended_unix, municipality_id) SELECT '%s' || i, 2, 1, %lld, %lld,"
             " NULL, 1 FROM n",
             head, tag, (long long)T0, (long long)T0);
    ok = ok && ht_sql_exec(&T, sql) == 0;
    snprintf(sql, sizeof sql,
             "%sINSERT INTO idempotency_keys(principal, key, body_hash, status, answer,"
             " created_unix, done_unix) SELECT 'device:99', '%s' || i, 'h', 201, '{}', %lld, %lld"
             " FROM n",
             head, tag, (long long)T0, (long long)T0);
    return ok && ht_sql_exec(&T, sql) == 0 ? 0 : -1;
}

static long long count(const char *table, const char *tag)
{
    char sql[256];
    const char *col = strcmp(table, "challenges") == 0 ? "challenge"
                      : strcmp(table, "sessions") == 0 ? "token_hash"
                                                       : "key";
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s WHERE %s LIKE '%s%%'", table, col, tag);
    return ht_sql_int(&T, sql);
}

static double now_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return tv.tv_sec * 1000.0 + tv.tv_usec / 1000.0;
}

static char first_answer[4096];

static void t_challenges_purged_fresh_login_works(void)
{
    char *resp = NULL;
    /* a check-in with a key at T0, to be retried later */
    CHECK_INT_EQ(
        ht_req(&T, "POST", "/v1/checkins", home, NULL, "keep-me", CHECKIN, strlen(CHECKIN), &resp),
        201);
    snprintf(first_answer, sizeof first_answer, "%s", resp ? resp : "");
    free(resp);
    REQUIRE(fill("old") == 0);
    CHECK_INT_EQ(count("challenges", "old"), ROWS);
    /* 59 minutes after expiry: kept */
    ht_set_clock(&T, T0 + 60 + 3540);
    sleep(3);
    CHECK_INT_EQ(count("challenges", "old"), ROWS);
    /* past the hour: gone, while check-ins go on being answered (hubd purges every second,
     * ROWS / RETENTION_STEP_ROWS steps with a pause between: a second and more) */
    ht_set_clock(&T, T0 + 2 * 3600);
    double worst = 0, until = now_ms() + 120 * 1000.0;
    long long left = ROWS;
    int during = 0, answered = 0;
    while (left > 0 && now_ms() < until) {
        double t = now_ms();
        long st =
            ht_req(&T, "POST", "/v1/checkins", home, NULL, NULL, CHECKIN, strlen(CHECKIN), NULL);
        CHECK_INT_EQ(st, 201);
        double took = now_ms() - t;
        worst = took > worst ? took : worst;
        left = count("challenges", "old");
        answered++;
        during += st == 201 && left > 0 && left < ROWS;
        usleep(20 * 1000);
    }
    printf("check-ins during the purge: %d answered, %d of them with the purge part done;"
           " slowest %.1f ms\n",
           answered, during, worst);
    CHECK_INT_EQ(left, 0);
    CHECK(during > 0);
    /* the other kinds are inside their periods */
    CHECK_INT_EQ(count("sessions", "old"), ROWS);
    CHECK_INT_EQ(count("idempotency_keys", "old"), ROWS);
    /* a challenge issued now logs in */
    char session[128];
    CHECK(ht_card_login(&T, ca, 1, kiosk, session, sizeof session) == 0);
}

static void t_sessions_purged_live_session_works(void)
{
    /* a week and an hour after T0's sessions reached their absolute limit, less a minute */
    time_t over = T0 + 3600 + 7 * 86400;
    ht_set_clock(&T, over - 60);
    char session[128];
    REQUIRE(ht_card_login(&T, ca, 1, kiosk, session, sizeof session) == 0);
    sleep(3);
    CHECK_INT_EQ(count("sessions", "old"), ROWS);
    ht_set_clock(&T, over + 60);
    CHECK_INT_EQ(
        ht_wait_sql(&T, "SELECT COUNT(*) FROM sessions WHERE token_hash LIKE 'old%'", 0, 30000), 0);
    /* the session opened two minutes ago still works */
    CHECK_INT_EQ(ht_req(&T, "GET", "/v1/session", kiosk, session, NULL, NULL, 0, NULL), 200);
    /* and the one opened at T0 + 2 h, whose week after its limit is not over */
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM sessions"), 2);
    /* every challenge is past its hour but the one from the last login, spent a minute ago */
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM challenges"), 1);
    /* inside 30 days the key's retry gets the stored answer and stores nothing */
    long long checkins = ht_sql_int(&T, "SELECT COUNT(*) FROM checkins");
    char *resp = NULL;
    CHECK_INT_EQ(
        ht_req(&T, "POST", "/v1/checkins", home, NULL, "keep-me", CHECKIN, strlen(CHECKIN), &resp),
        201);
    CHECK_STR_EQ(resp ? resp : "", first_answer);
    free(resp);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM checkins"), checkins);
    CHECK_INT_EQ(count("idempotency_keys", "old"), ROWS);
}

static void t_idempotency_purged_after_30_days(void)
{
    time_t over = T0 + 30 * 86400;
    /* a key used a day before the others' period ends */
    ht_set_clock(&T, over - 86400);
    CHECK_INT_EQ(
        ht_req(&T, "POST", "/v1/checkins", home, NULL, "newer", CHECKIN, strlen(CHECKIN), NULL),
        201);
    ht_set_clock(&T, over + 60);
    CHECK_INT_EQ(
        ht_wait_sql(&T, "SELECT COUNT(*) FROM idempotency_keys WHERE key LIKE 'old%'", 0, 30000),
        0);
    CHECK_INT_EQ(
        ht_wait_sql(&T, "SELECT COUNT(*) FROM idempotency_keys WHERE key = 'keep-me'", 0, 10000),
        0);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM idempotency_keys WHERE key = 'newer'"), 1);
    /* after 30 days the key is new again: the retry is stored as a new check-in */
    long long checkins = ht_sql_int(&T, "SELECT COUNT(*) FROM checkins");
    CHECK_INT_EQ(
        ht_req(&T, "POST", "/v1/checkins", home, NULL, "keep-me", CHECKIN, strlen(CHECKIN), NULL),
        201);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM checkins"), checkins + 1);
    /* and inside them the newer key still replays */
    CHECK_INT_EQ(
        ht_req(&T, "POST", "/v1/checkins", home, NULL, "newer", CHECKIN, strlen(CHECKIN), NULL),
        201);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM checkins"), checkins + 1);
}

static void t_hubctl_purge(void)
{
    char out[64];
    CHECK_INT_EQ(ht_stop(&T), 0);
    T0 = T0 + 40 * 86400;
    ht_set_clock(&T, T0);
    REQUIRE(fill("cli") == 0);
    ht_set_clock(&T, T0 + 31 * 86400);
    CHECK_INT_EQ(ht_ctl(&T, "idempotency_keys", out, sizeof out, "purge"), 0);
    /* and the two keys the previous test used a month ago */
    CHECK_INT_EQ(atoll(out), ROWS + 2);
    CHECK_INT_EQ(count("challenges", "cli"), 0);
    CHECK_INT_EQ(count("sessions", "cli"), 0);
    CHECK_INT_EQ(count("idempotency_keys", "cli"), 0);
    CHECK_INT_EQ(ht_ctl(&T, "challenges", out, sizeof out, "purge"), 0);
    CHECK_STR_EQ(out, "0");
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "purge --now"), 2);
}

int main(void)
{
    char args[256];
    T0 = time(NULL);
    if (ht_init(&T, T0) != 0)
        return 1;
    int ok = ht_make_ca(&T, 1, ca, sizeof ca) == 0;
    /* the CA's certificates start "now": keep the hub clock after that */
    T0 = time(NULL) + 60;
    ht_set_clock(&T, T0);
    snprintf(args, sizeof args,
             "resident-add --name R1 --district Kita --deadline 10:00 --cert %s/resident-1.pem",
             ca);
    ok = ok && ht_ctl(&T, NULL, NULL, 0, args) == 0;
    ok = ok && ht_ctl(&T, "token", home, sizeof home, "device-add --kind home --resident 1") == 0;
    ok = ok && ht_ctl(&T, "token", kiosk, sizeof kiosk, "device-add --kind public") == 0;
    snprintf(args, sizeof args, "--trust-ca %s/ca.pem --purge-every 1 --tick 0", ca);
    if (ht_start_enrolled(&T, ok, args) != 0)
        return 1;
    TEST_RUN(t_challenges_purged_fresh_login_works);
    TEST_RUN(t_sessions_purged_live_session_works);
    TEST_RUN(t_idempotency_purged_after_30_days);
    TEST_RUN(t_hubctl_purge);
    ht_stop(&T);
    ht_cleanup(&T);
    return test_summary();
}
