/*
 * test_pg_hubd_sessions.c: card logins and consent changes across two hubd processes on
 * one private PostgreSQL server, through HTTP (as behind a load balancer that sends each
 * request wherever it likes):
 *   - a card login whose challenge is asked of process A and answered on process B; the
 *     session it gives works on both, and ends on both when logged out on either;
 *   - a consent revoked in a card session on B is refused on A at once (the family's next
 *     read answers 403 and leaks nothing); granted again on A, B releases at once;
 *   - a challenge is single-use across processes: answered once on A, the same answer on
 *     B is refused;
 *   - eight threads log the same two residents in at once, each asking one process and
 *     using the session on the other: every login gives its own session, every session
 *     works on both processes, and exactly one auth.card_login audit record per login.
 */
#include "hubtest.h"
#include "pgserver.h"
#include "test.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 8
#define LOGINS  6 /* per thread */

static struct pgserver *S;
static struct hubtest T, A, B;
static char ca[96], kiosk[128], fam1[128], home1[128];
static time_t START;

static long session_on(struct hubtest *h, const char *session)
{
    return ht_req(h, "GET", "/v1/session", kiosk, session, NULL, NULL, 0, NULL);
}

static long consent(struct hubtest *h, const char *session, int granted)
{
    char body[160];
    snprintf(body, sizeof body,
             "{\"recipient\":{\"kind\":\"family\",\"id\":1},\"data_kind\":\"safety\","
             "\"purpose\":\"watch_over\",\"granted\":%s}",
             granted ? "true" : "false");
    return ht_req(h, "POST", "/v1/session/consents", kiosk, session, NULL, body, strlen(body),
                  NULL);
}

/* The family member's read of resident 1's check-ins on h: its status; the body must not
 * carry a check-in when refused. */
static long family_reads(struct hubtest *h)
{
    char *text = NULL;
    long st = ht_req(h, "GET", "/v1/residents/1/checkins", fam1, NULL, NULL, NULL, 0, &text);
    if (st != 200 && text)
        CHECK(strstr(text, "genki") == NULL);
    free(text);
    return st;
}

static void t_login_on_one_used_on_other(void)
{
    char cpath[160], kpath[160], ch64[64], session[128];
    cJSON *j = NULL;
    snprintf(cpath, sizeof cpath, "%s/resident-1.pem", ca);
    snprintf(kpath, sizeof kpath, "%s/resident-1.key", ca);
    REQUIRE(ht_json(&A, "POST", "/v1/auth/challenge", kiosk, NULL, "{}", &j) == 201);
    snprintf(ch64, sizeof ch64, "%s", cJSON_GetObjectItem(j, "challenge")->valuestring);
    cJSON_Delete(j);
    j = NULL;
    CHECK_INT_EQ(ht_card_answer(&B, kiosk, ch64, cpath, kpath, &j), 201);
    REQUIRE(cJSON_IsString(cJSON_GetObjectItem(j, "session")));
    snprintf(session, sizeof session, "%s", cJSON_GetObjectItem(j, "session")->valuestring);
    cJSON_Delete(j);
    j = NULL;
    /* Single use across processes: the same answer again, on A, is refused. */
    long again = ht_card_answer(&A, kiosk, ch64, cpath, kpath, &j);
    CHECK(again == 401 || again == 403 || again == 409);
    cJSON_Delete(j);
    CHECK_INT_EQ(session_on(&A, session), 200);
    CHECK_INT_EQ(session_on(&B, session), 200);
    /* Logged out on A: gone on B at once. */
    CHECK_INT_EQ(ht_req(&A, "POST", "/v1/auth/logout", kiosk, session, NULL, "{}", 2, NULL), 200);
    CHECK_INT_EQ(session_on(&B, session), 401);
    CHECK_INT_EQ(session_on(&A, session), 401);
}

static void t_consent_changes_seen_at_once(void)
{
    char session[128];
    REQUIRE(ht_card_login(&A, ca, 1, kiosk, session, sizeof session) == 0);
    CHECK_INT_EQ(
        ht_req(&B, "POST", "/v1/checkins", home1, NULL, NULL, "{\"answer\":\"genki\"}", 18, NULL),
        201);
    CHECK_INT_EQ(family_reads(&A), 200);
    CHECK_INT_EQ(family_reads(&B), 200);
    for (int round = 0; round < 3; round++) {
        /* Revoked on B: refused on A at once, and on B. */
        CHECK_INT_EQ(consent(&B, session, 0), 200);
        CHECK_INT_EQ(family_reads(&A), 403);
        CHECK_INT_EQ(family_reads(&B), 403);
        /* Granted again on A: B releases at once. */
        CHECK_INT_EQ(consent(&A, session, 1), 201);
        CHECK_INT_EQ(family_reads(&B), 200);
        CHECK_INT_EQ(family_reads(&A), 200);
    }
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE action = 'consent.revoke'"), 3);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE action = 'consent.grant'"), 3);
}

struct worker {
    struct hubtest a, b; /* own copies: ht_req keeps per-struct counters */
    int resident;
    int ok, failed;
    pthread_t th;
};

static void *login_worker(void *arg)
{
    struct worker *w = arg;
    char session[128];
    for (int i = 0; i < LOGINS; i++) {
        struct hubtest *ask = i % 2 ? &w->a : &w->b, *use = i % 2 ? &w->b : &w->a;
        if (ht_card_login(ask, ca, w->resident, kiosk, session, sizeof session) == 0 &&
            session_on(use, session) == 200 && session_on(ask, session) == 200)
            w->ok++;
        else
            w->failed++;
    }
    return NULL;
}

static void t_concurrent_logins(void)
{
    static struct worker w[THREADS];
    long long before = ht_sql_int(&T, "SELECT COUNT(*) FROM sessions");
    long long audited =
        ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE action = 'auth.card_login'");
    for (int i = 0; i < THREADS; i++) {
        w[i] = (struct worker){.a = A, .b = B, .resident = 1 + i % 2};
        REQUIRE(pthread_create(&w[i].th, NULL, login_worker, &w[i]) == 0);
    }
    int ok = 0, failed = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(w[i].th, NULL);
        ok += w[i].ok;
        failed += w[i].failed;
    }
    CHECK_INT_EQ(failed, 0);
    CHECK_INT_EQ(ok, THREADS * LOGINS);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM sessions") - before, THREADS * LOGINS);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(DISTINCT token_hash) FROM sessions"),
                 ht_sql_int(&T, "SELECT COUNT(*) FROM sessions"));
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE action = 'auth.card_login'") -
                     audited,
                 THREADS * LOGINS);
}

int main(void)
{
    char err[256], admin[512], args[512];
    time_t real = time(NULL) + 9 * 3600;
    START = real - real % 86400 + 86400 - 9 * 3600 + 8 * 3600; /* tomorrow 08:00 JST */
    S = pgserver_start(err, sizeof err);
    if (!S) {
        fprintf(stderr, "test_pg_hubd_sessions: %s\n", err);
        return 1;
    }
    snprintf(admin, sizeof admin, "postgresql:///postgres?host=%s&user=postgres", pgserver_dir(S));
    setenv("HUB_TEST_PG_ADMIN", admin, 1);
    int ok = ht_init(&T, START) == 0 && ht_make_ca(&T, 2, ca, sizeof ca) == 0;
    for (int n = 1; ok && n <= 2; n++) {
        snprintf(args, sizeof args,
                 "resident-add --name R%d --district Kita --deadline 10:00 --cert "
                 "%s/resident-%d.pem",
                 n, ca, n);
        ok = ht_ctl(&T, NULL, NULL, 0, args) == 0;
    }
    ok = ok && ht_ctl(&T, "token", kiosk, sizeof kiosk, "device-add --kind public") == 0;
    ok = ok && ht_ctl(&T, "token", home1, sizeof home1, "device-add --kind home --resident 1") == 0;
    ok = ok && ht_ctl(&T, "token", fam1, sizeof fam1, "family-add --name Taro --resident 1") == 0;
    /* every login here comes from one kiosk, far past the per-device login limit that
     * test_hub_limits checks: this test is about the processes, not the limit */
    snprintf(args, sizeof args, "--trust-ca %s/ca.pem --login-rate 100000", ca);
    A = T;
    B = T;
    if (!ok || ht_start(&A, args) != 0 || ht_start(&B, args) != 0) {
        fprintf(stderr, "test_pg_hubd_sessions: cannot enrol or start the hubs\n");
        ht_stop(&A);
        ht_cleanup(&T);
        pgserver_destroy(S);
        return 1;
    }
    TEST_RUN(t_login_on_one_used_on_other);
    TEST_RUN(t_consent_changes_seen_at_once);
    TEST_RUN(t_concurrent_logins);
    CHECK_INT_EQ(ht_stop(&A), 0);
    CHECK_INT_EQ(ht_stop(&B), 0);
    ht_cleanup(&T);
    pgserver_destroy(S);
    return test_summary();
}
