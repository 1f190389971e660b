/*
 * test_hub_units.c: unit tests of hubcore's modules on real SQLite files in a temp dir:
 * base64, request parsing, tokens, the test clock, the periodic threads' ticker, the
 * writer's group commit under concurrent submitters and whom its batches wake, the authorization
 * gate, and the missed check-in pass. (The audit chain's verification is
 * tests/pg/test_pg_audit_verify.c, on both backends.)
 */
#include "auth.h"
#include "b64.h"
#include "escalate.h"
#include "gate.h"
#include "hubclock.h"
#include "hubdb.h"
#include "hubreq.h"
#include "hubtoken.h"
#include "scope.h"
#include "ticker.h"
#include "towncode.h"
#include "writer.h"
#include "test.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char dir[64];

/* A new hub database file in dir, migrated: owned (hubdb_db_close), or NULL. */
static struct db *fresh_db(const char *name)
{
    char path[128], err[256];
    struct db *db = NULL;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (hubdb_open_db(path, 1, &db, err, sizeof err) != HUBDB_OK ||
        hubdb_migrate_db(db, err, sizeof err) != HUBDB_OK) {
        fprintf(stderr, "fresh_db: %s\n", err);
        hubdb_db_close(db);
        return NULL;
    }
    return db;
}

static void t_b64(void)
{
    char enc[64];
    unsigned char dec[64];
    b64_encode((const unsigned char *)"foobar", 6, enc);
    CHECK_STR_EQ(enc, "Zm9vYmFy");
    b64_encode((const unsigned char *)"fo", 2, enc);
    CHECK_STR_EQ(enc, "Zm8=");
    b64_encode((const unsigned char *)"f", 1, enc);
    CHECK_STR_EQ(enc, "Zg==");
    CHECK_INT_EQ(b64_decode("Zm9vYmFy", 8, dec, sizeof dec), 6);
    CHECK(memcmp(dec, "foobar", 6) == 0);
    CHECK_INT_EQ(b64_decode("Zm8=", 4, dec, sizeof dec), 2);
    CHECK_INT_EQ(b64_decode("Zg==", 4, dec, sizeof dec), 1);
    CHECK_INT_EQ(b64_decode("Zg=", 3, dec, sizeof dec), -1);  /* length */
    CHECK_INT_EQ(b64_decode("Z===", 4, dec, sizeof dec), -1); /* too much padding */
    CHECK_INT_EQ(b64_decode("Zg=a", 4, dec, sizeof dec), -1); /* data after '=' */
    CHECK_INT_EQ(b64_decode("Zm 9", 4, dec, sizeof dec), -1); /* space */
    CHECK_INT_EQ(b64_decode("Zm9vYmFy", 8, dec, 5), -1);      /* does not fit */
    CHECK_INT_EQ(b64_decode("", 0, dec, sizeof dec), 0);
}

static void t_hubreq_checkin(void)
{
    char msg[512];
    const char *a = NULL;
    CHECK_INT_EQ(hubreq_parse_checkin("{\"answer\":\"genki\"}", 18, &a, msg, sizeof msg),
                 HUBREQ_OK);
    CHECK_STR_EQ(a, "genki");
    const char *spaced = " {\"answer\":\"genkinai\"} \n";
    CHECK_INT_EQ(hubreq_parse_checkin(spaced, strlen(spaced), &a, msg, sizeof msg), HUBREQ_OK);
    CHECK_STR_EQ(a, "genkinai");
    CHECK_INT_EQ(hubreq_parse_checkin("{\"answer\":\"genki\"}x", 19, &a, msg, sizeof msg),
                 HUBREQ_BAD_JSON);
    CHECK(strstr(msg, "extra bytes") != NULL);
    CHECK_INT_EQ(hubreq_parse_checkin("{\"answer\":1}", 12, &a, msg, sizeof msg), HUBREQ_BAD_FIELD);
    CHECK(strstr(msg, "must be a string") != NULL);
    CHECK_INT_EQ(hubreq_parse_checkin("{\"answer\":\"GENKI\"}", 18, &a, msg, sizeof msg),
                 HUBREQ_BAD_FIELD);
    /* The length is respected: a valid prefix with garbage cut off. */
    CHECK_INT_EQ(hubreq_parse_checkin("{\"answer\":\"genki\"}GARBAGE", 18, &a, msg, sizeof msg),
                 HUBREQ_OK);
    CHECK_INT_EQ(hubreq_parse_checkin("{\"answ", 6, &a, msg, sizeof msg), HUBREQ_BAD_JSON);
    CHECK(strstr(msg, "near byte") != NULL);
}

/* The checked JSON readers the orders library's parsers are built on. */
static void t_hubreq_json_readers(void)
{
    char msg[512];
    cJSON *root = NULL;
    const char *body = "{\"qty\":2,\"name\":\"キャベツ\",\"x\":1.5}";
    /* Over its cap: refused before parsing, the sentence gives both sizes. */
    CHECK(
        !hubreq_json_object(body, strlen(body), 8, "catalogue file", NULL, &root, msg, sizeof msg));
    CHECK(root == NULL && strstr(msg, "catalogue file") && strstr(msg, "at most 8"));
    CHECK(!hubreq_json_object("[1]", 3, 100, NULL, NULL, &root, msg, sizeof msg));
    CHECK(strstr(msg, "must be a JSON object") != NULL);
    REQUIRE(hubreq_json_object(body, strlen(body), 100, NULL, NULL, &root, msg, sizeof msg));
    static const char *const two[] = {"qty", "name", NULL};
    CHECK(!hubreq_json_only_keys(root, two, msg, sizeof msg));
    CHECK(strstr(msg, "unknown field \"x\"") != NULL);
    long long v = 0;
    CHECK(hubreq_json_int(cJSON_GetObjectItemCaseSensitive(root, "qty"), 1, 99, &v) && v == 2);
    CHECK(!hubreq_json_int(cJSON_GetObjectItemCaseSensitive(root, "qty"), 3, 99, &v));
    CHECK(!hubreq_json_int(cJSON_GetObjectItemCaseSensitive(root, "x"), 0, 99, &v));
    char text[16];
    CHECK(hubreq_json_text(cJSON_GetObjectItemCaseSensitive(root, "name"), text, sizeof text));
    CHECK_STR_EQ(text, "キャベツ");
    CHECK(!hubreq_json_text(cJSON_GetObjectItemCaseSensitive(root, "name"), text, 12));
    cJSON_Delete(root);
    const char *twice = "{\"qty\":1,\"qty\":2}";
    CHECK(!hubreq_json_object(twice, strlen(twice), 100, NULL, NULL, &root, msg, sizeof msg));
    CHECK(root == NULL && strstr(msg, "\"qty\" twice"));
    /* anywhere in the document, also inside arrays */
    const char *deep = "{\"a\":[{\"b\":1},{\"c\":{\"d\":1,\"d\":1}}]}";
    CHECK(!hubreq_json_object(deep, strlen(deep), 100, NULL, NULL, &root, msg, sizeof msg));
    CHECK(strstr(msg, "\"d\" twice") != NULL);
    const char *same_in_two = "{\"a\":{\"x\":1},\"b\":{\"x\":2},\"x\":3}";
    CHECK(hubreq_json_object(same_in_two, strlen(same_in_two), 100, NULL, NULL, &root, msg,
                             sizeof msg));
    cJSON_Delete(root);
    const char *nul = "{\"a\":\"x\\u0000y\"}";
    CHECK(!hubreq_json_object(nul, strlen(nul), 100, NULL, NULL, &root, msg, sizeof msg));
    CHECK(strstr(msg, "NUL") != NULL);
    const char *escaped = "{\"a\":\"x\\\\u0000y\"}"; /* backslash, then u0000: text */
    CHECK(hubreq_json_object(escaped, strlen(escaped), 100, NULL, NULL, &root, msg, sizeof msg));
    cJSON_Delete(root);
    CHECK(!hubreq_json_object("{\"a\":\"\0\"}", 8, 100, NULL, NULL, &root, msg, sizeof msg));
    CHECK(hubreq_json_object("{\r\n\t\"a\": 1\n}", 12, 100, NULL, NULL, &root, msg, sizeof msg));
    cJSON_Delete(root);
    static const char *const js[] = {"application/json", NULL};
    CHECK(hubreq_media_type_ok("application/json", js));
    CHECK(hubreq_media_type_ok(" Application/Json ; CHARSET = \"utf-8\" ", js));
    CHECK(!hubreq_media_type_ok(NULL, js));
    CHECK(!hubreq_media_type_ok("", js));
    CHECK(!hubreq_media_type_ok("application/json;", js));
    CHECK(!hubreq_media_type_ok("application/json; charset=utf-16", js));
    CHECK(!hubreq_media_type_ok("application/json; charset=utf-8; x=1", js));
    CHECK(!hubreq_media_type_ok("application/json; charset=\"utf-8", js));
    CHECK(!hubreq_media_type_ok("text/json", js));
    CHECK(!hubreq_utf8_ok("\xc0\xaf", 2));     /* overlong '/' */
    CHECK(!hubreq_utf8_ok("\xed\xa0\x80", 3)); /* a surrogate */
    CHECK(!hubreq_utf8_ok("a\tb", 3));
    CHECK(hubreq_utf8_ok("\xe3\x81\x82", 3));
    CHECK(!hubreq_valid_idempotency_key(NULL));
}

static void t_hubreq_login_and_consent(void)
{
    static struct hubreq_card_login l;
    char msg[512];
    const char *ok = "{\"challenge\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\","
                     "\"certificate\":\"MIIB\",\"signature\":\"AQID\"}";
    CHECK_INT_EQ(hubreq_parse_card_login(ok, strlen(ok), &l, msg, sizeof msg), HUBREQ_OK);
    CHECK_INT_EQ(l.cert_len, 3);
    CHECK_INT_EQ(l.sig_len, 3);
    const char *short_ch =
        "{\"challenge\":\"AAAA\",\"certificate\":\"MIIB\",\"signature\":\"AQID\"}";
    CHECK_INT_EQ(hubreq_parse_card_login(short_ch, strlen(short_ch), &l, msg, sizeof msg),
                 HUBREQ_BAD_FIELD);
    CHECK(strstr(msg, "32 bytes") != NULL);
    const char *bad64 = "{\"challenge\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\","
                        "\"certificate\":\"MI!B\",\"signature\":\"AQID\"}";
    CHECK_INT_EQ(hubreq_parse_card_login(bad64, strlen(bad64), &l, msg, sizeof msg),
                 HUBREQ_BAD_FIELD);
    CHECK(strstr(msg, "certificate") != NULL);

    struct hubreq_consent c;
    const char *cs = "{\"recipient\":{\"kind\":\"family\",\"id\":3},\"data_kind\":\"safety\","
                     "\"purpose\":\"watch_over\",\"granted\":false}";
    CHECK_INT_EQ(hubreq_parse_consent(cs, strlen(cs), &c, msg, sizeof msg), HUBREQ_OK);
    CHECK_STR_EQ(c.recipient_kind, "family");
    CHECK_INT_EQ(c.recipient_id, 3);
    CHECK_INT_EQ(c.granted, 0);
    const char *bad = "{\"recipient\":{\"kind\":\"family\",\"id\":1.5},\"data_kind\":\"safety\","
                      "\"purpose\":\"watch_over\",\"granted\":true}";
    CHECK_INT_EQ(hubreq_parse_consent(bad, strlen(bad), &c, msg, sizeof msg), HUBREQ_BAD_FIELD);
    const char *badkind = "{\"recipient\":{\"kind\":\"family\",\"id\":1},\"data_kind\":\"dna\","
                          "\"purpose\":\"watch_over\",\"granted\":true}";
    CHECK_INT_EQ(hubreq_parse_consent(badkind, strlen(badkind), &c, msg, sizeof msg),
                 HUBREQ_BAD_FIELD);
    CHECK(strstr(msg, "data kind") != NULL);
    const char *src = "{\"recipient\":{\"kind\":\"family\",\"id\":1},\"data_kind\":"
                      "\"checkups:12\",\"purpose\":\"health\",\"granted\":true}";
    CHECK_INT_EQ(hubreq_parse_consent(src, strlen(src), &c, msg, sizeof msg), HUBREQ_OK);
    CHECK_STR_EQ(c.data_kind, "checkups:12");
    const char *badsrc = "{\"recipient\":{\"kind\":\"family\",\"id\":1},\"data_kind\":"
                         "\"checkups:x\",\"purpose\":\"health\",\"granted\":true}";
    CHECK_INT_EQ(hubreq_parse_consent(badsrc, strlen(badsrc), &c, msg, sizeof msg),
                 HUBREQ_BAD_FIELD);

    char kind[HUBREQ_NAME_MAX];
    CHECK_INT_EQ(hubreq_parse_activity("{}", 2, kind, msg, sizeof msg), HUBREQ_OK);
    CHECK_STR_EQ(kind, "touch");
    CHECK_INT_EQ(hubreq_parse_activity("{\"kind\":\"screen_on\"}", 20, kind, msg, sizeof msg),
                 HUBREQ_OK);
    CHECK_STR_EQ(kind, "screen_on");
    CHECK_INT_EQ(hubreq_parse_activity("{\"kind\":\"A B\"}", 14, kind, msg, sizeof msg),
                 HUBREQ_BAD_FIELD);
    CHECK(hubreq_valid_idempotency_key("abc-DEF_123"));
    CHECK(!hubreq_valid_idempotency_key(""));
    CHECK(!hubreq_valid_idempotency_key("a b"));
    char k65[66];
    memset(k65, 'a', 65);
    k65[65] = '\0';
    CHECK(!hubreq_valid_idempotency_key(k65));
    CHECK_INT_EQ(hubreq_parse_id("42", 2), 42);
    CHECK_INT_EQ(hubreq_parse_id("0", 1), -1);
    CHECK_INT_EQ(hubreq_parse_id("4x", 2), -1);
    CHECK_INT_EQ(hubreq_parse_id("99999999999999999", 17), -1);
}

static void t_token(void)
{
    char a[HUBTOKEN_MAX + 1], b[HUBTOKEN_MAX + 1], h[HUBTOKEN_HASH_HEX];
    CHECK_INT_EQ(hubtoken_new("dev", a, sizeof a), 0);
    CHECK_INT_EQ(hubtoken_new("dev", b, sizeof b), 0);
    CHECK_INT_EQ(strlen(a), 68);
    CHECK(strncmp(a, "dev_", 4) == 0);
    CHECK(strcmp(a, b) != 0);
    hubtoken_hash("abc", 3, h);
    CHECK_STR_EQ(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void t_clock_file(void)
{
    char path[128];
    snprintf(path, sizeof path, "%s/clock", dir);
    FILE *f = fopen(path, "w");
    REQUIRE(f != NULL);
    fputs("1795392720\n", f);
    fclose(f);
    hubclock_use_file(path);
    CHECK_INT_EQ(hubclock_now(), 1795392720);
    char s[21];
    hubclock_rfc3339(1795392720, s);
    CHECK_STR_EQ(s, "2026-11-23T00:12:00Z");
    hubclock_use_file(NULL);
    CHECK(hubclock_now() > 1700000000);
}

/* ---- ticker: periodic runs, kicks, and a stop that does not wait for the period ------- */

struct runs {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int n;
    int long_run; /* the run lasts until the ticker stops */
    long next_ms; /* > 0: each run asks for the next after this (ticker_next_in) */
};

static void count_run(struct ticker *t, void *arg)
{
    struct runs *r = arg;
    pthread_mutex_lock(&r->mu);
    r->n++;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
    if (r->next_ms > 0)
        ticker_next_in(t, r->next_ms);
    struct timespec ms = {0, 1000000L};
    while (r->long_run && !ticker_stopping(t))
        nanosleep(&ms, NULL);
}

/* Waits (at most 20 s) until r has seen at least n runs; their count. */
static int runs_reach(struct runs *r, int n)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 20;
    pthread_mutex_lock(&r->mu);
    while (r->n < n && pthread_cond_timedwait(&r->cv, &r->mu, &until) == 0)
        ;
    int got = r->n;
    pthread_mutex_unlock(&r->mu);
    return got;
}

static double mono_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void t_ticker(void)
{
    char err[128];
    const long HOUR_MS = 3600L * 1000;
    struct runs r = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
    /* At once, then again only when kicked within the hour; the stop wakes the sleeper
     * (without that it would wait out the hour and the test its time limit). */
    struct ticker *t =
        ticker_start("a test", HOUR_MS, TICKER_RUN_FIRST, count_run, &r, err, sizeof err);
    REQUIRE(t != NULL);
    CHECK_INT_EQ(runs_reach(&r, 1), 1);
    ticker_kick(t);
    CHECK_INT_EQ(runs_reach(&r, 2), 2);
    double t0 = mono_s();
    ticker_stop(t);
    CHECK(mono_s() - t0 < 60);
    CHECK_INT_EQ(r.n, 2);

    /* Waiting first: no run before the period, none at the stop. */
    r.n = 0;
    t = ticker_start("a test", HOUR_MS, TICKER_WAIT_FIRST, count_run, &r, err, sizeof err);
    REQUIRE(t != NULL);
    struct timespec ms200 = {0, 200000000L};
    nanosleep(&ms200, NULL);
    ticker_stop(t);
    CHECK_INT_EQ(r.n, 0);

    /* A short period runs again and again. */
    t = ticker_start("a test", 10, TICKER_WAIT_FIRST, count_run, &r, err, sizeof err);
    REQUIRE(t != NULL);
    CHECK(runs_reach(&r, 3) >= 3);
    ticker_stop(t);

    /* A long run sees the stop and ends early. */
    r.n = 0;
    r.long_run = 1;
    t = ticker_start("a test", HOUR_MS, TICKER_RUN_FIRST, count_run, &r, err, sizeof err);
    REQUIRE(t != NULL);
    CHECK_INT_EQ(runs_reach(&r, 1), 1);
    ticker_stop(t);
    CHECK_INT_EQ(r.n, 1);

    /* A run that asks for the next one soon gets it within the hour's period. */
    r.n = 0;
    r.long_run = 0;
    r.next_ms = 10;
    t = ticker_start("a test", HOUR_MS, TICKER_RUN_FIRST, count_run, &r, err, sizeof err);
    REQUIRE(t != NULL);
    CHECK(runs_reach(&r, 3) >= 3);
    ticker_stop(t);

    /* With a gap, a burst of kicks costs one run per gap: 300 ms of kicks every 1 ms with a
     * 100 ms gap are at most 5 runs (the first, then one per gap), and the stop does not
     * wait out a gap (an hour's). */
    r.n = 0;
    r.next_ms = 0;
    t = ticker_start("a test", HOUR_MS, TICKER_RUN_FIRST, count_run, &r, err, sizeof err);
    REQUIRE(t != NULL);
    ticker_set_gap(t, 100);
    CHECK_INT_EQ(runs_reach(&r, 1), 1);
    double k0 = mono_s();
    struct timespec ms1 = {0, 1000000L};
    while (mono_s() - k0 < 0.3) {
        ticker_kick(t);
        nanosleep(&ms1, NULL);
    }
    int burst = runs_reach(&r, 2);
    CHECK(burst >= 2);
    CHECK(burst <= 5);
    ticker_set_gap(t, HOUR_MS);
    ticker_kick(t);
    t0 = mono_s();
    ticker_stop(t);
    CHECK(mono_s() - t0 < 60);
}

/* ---- writer: group commit with concurrent submitters ---------------------------------- */

static int insert_job(struct db *db, void *arg)
{
    int *v = arg;
    char sql[128];
    snprintf(sql, sizeof sql, "INSERT INTO meta(key, value) VALUES('k%d', 'v')", *v);
    /* A failing job must not undo the others of its batch, nor keep what it wrote (first
     * in its batch or not: the writer takes no savepoint for a batch's first job). */
    if (*v < 0)
        return db_exec(db, sql) == DB_OK ? -1 : -2;
    return db_exec(db, sql) == DB_OK ? 0 : -1;
}

static struct writer *W;

static void *submitter(void *arg)
{
    int base = *(int *)arg;
    for (int i = 0; i < 200; i++) {
        int v = base * 1000 + i;
        if (writer_run(W, insert_job, &v) != WRITER_OK)
            return (void *)1;
        int bad = -1;
        if (i % 50 == 0 && writer_run(W, insert_job, &bad) != WRITER_JOB_FAILED)
            return (void *)1;
    }
    return NULL;
}

/* Runs 8 threads of fn on W (thread i gets i + first), then reads W's counts. How many
 * threads failed. */
static int run_submitters(void *(*fn)(void *), int first, unsigned long long *batches,
                          unsigned long long *jobs)
{
    pthread_t th[8];
    int ids[8], failures = 0;
    for (int i = 0; i < 8; i++) {
        ids[i] = i + first;
        pthread_create(&th[i], NULL, fn, &ids[i]);
    }
    for (int i = 0; i < 8; i++) {
        void *r = NULL;
        pthread_join(th[i], &r);
        failures += r != NULL;
    }
    writer_stats(W, batches, jobs);
    return failures;
}

static void t_writer_group_commit(void)
{
    struct db *db = fresh_db("writer.db");
    REQUIRE(db != NULL);
    W = writer_create(db, NULL, 0, 0); /* the writer owns db */
    REQUIRE(W != NULL);
    unsigned long long batches = 0, jobs = 0;
    CHECK_INT_EQ(run_submitters(submitter, 1, &batches, &jobs), 0);
    CHECK_INT_EQ(jobs, 1600);
    CHECK(batches <= jobs);
    writer_destroy(W);
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/writer.db", dir);
    struct db *rd = NULL;
    int64_t n = -1;
    REQUIRE(hubdb_open_db(path, 0, &rd, err, sizeof err) == HUBDB_OK);
    CHECK_INT_EQ(db_get_int64(rd, "SELECT COUNT(*) FROM meta WHERE ? = 0", 0, &n), DB_ROW);
    CHECK_INT_EQ(n, 1600);
    hubdb_db_close(rd);
}

/* A gathering batch: jobs that arrive 2 ms apart while the writer waits in steps of 20 ms
 * all go into one batch (or two, when a submitter thread started late); a lone job still
 * commits within the wait. */
static void *late_submitter(void *arg)
{
    int v = *(int *)arg;
    struct timespec ms = {0, 2000000L * v};
    nanosleep(&ms, NULL);
    return writer_run(W, insert_job, &v) == WRITER_OK ? NULL : (void *)1;
}

static void t_writer_gathers(void)
{
    struct db *db = fresh_db("gather.db");
    REQUIRE(db != NULL);
    W = writer_create(db, NULL, 0, 0);
    REQUIRE(W != NULL);
    writer_set_gather(W, 200000); /* 200 ms, steps of 20 ms */
    unsigned long long batches = 0, jobs = 0;
    CHECK_INT_EQ(run_submitters(late_submitter, 0, &batches, &jobs), 0);
    CHECK_INT_EQ(jobs, 8);
    CHECK(batches <= 2);
    int v = 100;
    double t0 = mono_s();
    CHECK_INT_EQ(writer_run(W, insert_job, &v), WRITER_OK);
    CHECK(mono_s() - t0 < 20);
    writer_destroy(W);
}

/* A batch wakes its own jobs' threads and no other: while job A's batch runs, job B waits
 * for the next one; A's batch ending must not wake B's thread (a broadcast to every waiting
 * thread did, each to go back to sleep: on PostgreSQL, with 32 request threads and small
 * batches, most of hubd's CPU). Counted by B's thread's voluntary context switches
 * (/proc), not timed: B's thread sleeps before A's batch ends and after B's starts. */
struct hold {
    sem_t running, release;
};

static int held_job(struct db *db, void *arg)
{
    struct hold *h = arg;
    sem_post(&h->running);
    while (sem_wait(&h->release) != 0) {
    }
    return db_exec(db, "INSERT INTO meta(key, value) VALUES('held' || random(), 'v')") == DB_OK
               ? 0
               : -1;
}

struct held_submitter {
    struct hold *h;
    pid_t tid;
    sem_t started;
    enum writer_status st;
};

static void *submit_held(void *arg)
{
    struct held_submitter *s = arg;
    s->tid = gettid();
    sem_post(&s->started);
    s->st = writer_run(W, held_job, s->h);
    return NULL;
}

/* Waits until thread tid sleeps (State S), then its voluntary context switches; -1 when it
 * never did within a minute. */
static long long asleep_switches(pid_t tid)
{
    char path[64], line[128];
    snprintf(path, sizeof path, "/proc/self/task/%d/status", (int)tid);
    for (int tries = 0; tries < 60000; tries++) {
        FILE *f = fopen(path, "r");
        int sleeping = 0;
        long long v = -1;
        while (f && fgets(line, sizeof line, f)) {
            char st = 0;
            if (sscanf(line, "State: %c", &st) == 1)
                sleeping = st == 'S';
            (void)sscanf(line, "voluntary_ctxt_switches: %lld", &v);
        }
        if (f)
            fclose(f);
        if (sleeping && v >= 0)
            return v;
        struct timespec ms = {0, 1000000L};
        nanosleep(&ms, NULL);
    }
    return -1;
}

static void t_writer_wakes_its_own(void)
{
    struct db *db = fresh_db("wakes.db");
    REQUIRE(db != NULL);
    W = writer_create(db, NULL, 0, 0);
    REQUIRE(W != NULL);
    struct hold a, b;
    struct held_submitter sa = {.h = &a}, sb = {.h = &b};
    sem_init(&a.running, 0, 0);
    sem_init(&a.release, 0, 0);
    sem_init(&b.running, 0, 0);
    sem_init(&b.release, 0, 0);
    sem_init(&sa.started, 0, 0);
    sem_init(&sb.started, 0, 0);
    pthread_t ta, tb;
    pthread_create(&ta, NULL, submit_held, &sa);
    sem_wait(&a.running); /* A's batch is running, and holds the writer */
    pthread_create(&tb, NULL, submit_held, &sb);
    sem_wait(&sb.started);
    long long before = asleep_switches(sb.tid); /* B queued, its thread waiting */
    CHECK(before >= 0);
    sem_post(&a.release);
    sem_wait(&b.running); /* A's batch committed and woke its threads; B's batch runs */
    pthread_join(ta, NULL);
    long long after = asleep_switches(sb.tid);
    CHECK_INT_EQ(after - before, 0);
    sem_post(&b.release);
    pthread_join(tb, NULL);
    CHECK_INT_EQ(sa.st, WRITER_OK);
    CHECK_INT_EQ(sb.st, WRITER_OK);
    unsigned long long batches = 0, jobs = 0;
    writer_stats(W, &batches, &jobs);
    CHECK_INT_EQ(jobs, 2);
    CHECK_INT_EQ(batches, 2);
    writer_destroy(W);
}

/* writer_submit_kind: the submitter does not wait; each job's completion is called once,
 * on the writer's thread, after its batch committed (its row is there) or with the job's
 * failure. */
struct later {
    int v;
    enum writer_status st;
    int calls;
    pthread_t on;
};

static sem_t later_done;

static void later_then(void *arg, enum writer_status st)
{
    struct later *l = arg;
    l->st = st;
    l->calls++;
    l->on = pthread_self();
    sem_post(&later_done);
}

static int later_job(struct db *db, void *arg)
{
    return insert_job(db, &((struct later *)arg)->v);
}

static void t_writer_submit(void)
{
    static const struct writer_kind kind = {later_job, NULL};
    struct db *db = fresh_db("later.db");
    REQUIRE(db != NULL);
    W = writer_create(db, NULL, 0, 0);
    REQUIRE(W != NULL);
    sem_init(&later_done, 0, 0);
    struct later l[9];
    for (int i = 0; i < 9; i++) {
        l[i] = (struct later){.v = i < 8 ? 500 + i : -1}; /* the last one fails */
        writer_submit_kind(W, &kind, &l[i], later_then);
    }
    for (int i = 0; i < 9; i++)
        while (sem_wait(&later_done) != 0) {
        }
    for (int i = 0; i < 9; i++) {
        CHECK_INT_EQ(l[i].calls, 1);
        CHECK_INT_EQ(l[i].st, i < 8 ? WRITER_OK : WRITER_JOB_FAILED);
        CHECK(!pthread_equal(l[i].on, pthread_self()));
    }
    writer_destroy(W);
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/later.db", dir);
    struct db *rd = NULL;
    int64_t n = -1;
    REQUIRE(hubdb_open_db(path, 0, &rd, err, sizeof err) == HUBDB_OK);
    CHECK_INT_EQ(
        db_get_int64(rd, "SELECT COUNT(*) FROM meta WHERE key LIKE 'k5__' AND ? = 0", 0, &n),
        DB_ROW);
    CHECK_INT_EQ(n, 8);
    hubdb_db_close(rd);
    sem_destroy(&later_done);
}

static void t_gate(void)
{
    struct db *db = fresh_db("gate.db"), *h = db;
    REQUIRE(h != NULL);
    REQUIRE(db_exec(db, "INSERT INTO residents(id, display_name, district, deadline_min, cert_fp, "
                        "created_unix) VALUES(1,'A','d',600,NULL,0),(2,'B','d',600,NULL,0);"
                        "INSERT INTO family VALUES(1,'F','h1',0,1),(2,'G','h2',0,1);"
                        "INSERT INTO family_links VALUES(1,1,'',1),(2,2,'',1);"
                        "INSERT INTO consents(id,resident_id,recipient_kind,recipient_id,"
                        "data_kind,purpose,granted_unix,granted_via) VALUES"
                        "(7,1,'family',1,'safety','watch_over',0,'t');"
                        "INSERT INTO staff VALUES(1,'S','h3',0,1);") == DB_OK);
    char basis[GATE_BASIS_MAX];
    struct auth_principal fam = {.role = AUTH_FAMILY, .id = 1};
    struct auth_principal fam2 = {.role = AUTH_FAMILY, .id = 2};
    struct auth_principal staff = {.role = AUTH_STAFF, .id = 1, .town = scope_of(1)};
    struct auth_principal home = {
        .role = AUTH_DEVICE, .id = 1, .resident_id = 1, .town = scope_of(1)};
    snprintf(home.device_kind, sizeof home.device_kind, "home");
    /* Staff of another town: no legal basis reaches across, whatever the id. */
    struct auth_principal stranger = {.role = AUTH_STAFF, .id = 1, .town = scope_of(2)};
    CHECK_INT_EQ(gate_check(h, &stranger, 0, 2, "safety", "watch_over", basis), GATE_DENY);
    struct auth_principal no_town = {.role = AUTH_STAFF, .id = 1};
    CHECK_INT_EQ(gate_check(h, &no_town, 0, 2, "safety", "watch_over", basis), GATE_DENY);
    CHECK_INT_EQ(gate_check(h, &fam, 0, 1, "safety", "watch_over", basis), GATE_ALLOW);
    CHECK_STR_EQ(basis, "consent:7");
    CHECK_INT_EQ(gate_check(h, &fam, 0, 1, "checkups", "watch_over", basis), GATE_DENY);
    CHECK_INT_EQ(gate_check(h, &fam, 0, 1, "safety", "marketing", basis), GATE_DENY);
    CHECK_INT_EQ(gate_check(h, &fam, 0, 2, "safety", "watch_over", basis), GATE_DENY);
    /* Linked but no consent: default deny. */
    CHECK_INT_EQ(gate_check(h, &fam2, 0, 2, "safety", "watch_over", basis), GATE_DENY);
    CHECK_INT_EQ(gate_check(h, &staff, 0, 2, "safety", "watch_over", basis), GATE_ALLOW);
    CHECK_STR_EQ(basis, "legal:watch_over_city");
    CHECK_INT_EQ(gate_check(h, &staff, 0, 2, "checkups", "watch_over", basis), GATE_DENY);
    CHECK_INT_EQ(gate_check(h, &home, 0, 1, "safety", "watch_over", basis), GATE_ALLOW);
    CHECK_INT_EQ(gate_check(h, &home, 0, 2, "safety", "watch_over", basis), GATE_DENY);
    CHECK_INT_EQ(gate_check(h, &home, 0, 1, "checkups", "watch_over", basis), GATE_DENY);
    CHECK_INT_EQ(gate_check(h, &home, 2, 2, "checkups", "own_view", basis), GATE_ALLOW);
    CHECK_STR_EQ(basis, "self:card_session");
    CHECK_INT_EQ(gate_check(h, &home, 2, 1, "safety", "own_view", basis), GATE_DENY);
    /* Checkups per source: a consent for one source covers only it; "checkups" covers all. */
    REQUIRE(db_exec(db, "INSERT INTO consents(id,resident_id,recipient_kind,recipient_id,"
                        "data_kind,purpose,granted_unix,granted_via) VALUES"
                        "(8,1,'family',1,'checkups:12','health',0,'t')") == DB_OK);
    CHECK_INT_EQ(gate_check(h, &fam, 0, 1, "checkups:12", "health", basis), GATE_ALLOW);
    CHECK_STR_EQ(basis, "consent:8");
    CHECK_INT_EQ(gate_check(h, &fam, 0, 1, "checkups:13", "health", basis), GATE_DENY);
    CHECK_INT_EQ(gate_check(h, &fam, 0, 1, "checkups", "health", basis), GATE_DENY);
    REQUIRE(db_exec(db, "INSERT INTO consents(id,resident_id,recipient_kind,recipient_id,"
                        "data_kind,purpose,granted_unix,granted_via) VALUES"
                        "(9,1,'family',1,'checkups','health',0,'t')") == DB_OK);
    CHECK_INT_EQ(gate_check(h, &fam, 0, 1, "checkups:13", "health", basis), GATE_ALLOW);
    CHECK_STR_EQ(basis, "consent:9");
    /* Revocation takes effect at once. */
    REQUIRE(db_exec(db, "UPDATE consents SET revoked_unix = 1 WHERE id = 7") == DB_OK);
    CHECK_INT_EQ(gate_check(h, &fam, 0, 1, "safety", "watch_over", basis), GATE_DENY);
    hubdb_db_close(db);
}

static void t_escalate(void)
{
    struct db *db = fresh_db("esc.db");
    REQUIRE(db != NULL);
    /* Resident 1 deadline 10:00 JST, resident 2 deadline 09:00 JST. */
    REQUIRE(db_exec(db,
                    "INSERT INTO residents(id, display_name, district, deadline_min, "
                    "cert_fp, created_unix) VALUES(1,'A','d',600,NULL,0),"
                    "(2,'B','d',540,NULL,0);"
                    "INSERT INTO devices(id, kind, resident_id, label, token_hash, created_unix)"
                    " VALUES(1,'home',1,'','h',0);") == DB_OK);
    time_t day = 1795359600; /* 2026-11-23 00:00 JST */
    CHECK_INT_EQ(escalate_day_start(day + 3600), day);
    CHECK_INT_EQ(escalate_day_start(day - 1), day - 86400);
    int raised = -1;
    struct db *h = db;
    REQUIRE(db_begin(db) == DB_OK);
    CHECK_INT_EQ(escalate_run(h, day + 8 * 3600, 120, "t", &raised), 0);
    CHECK_INT_EQ(raised, 0); /* 08:00: before both deadlines */
    /* Resident 1 checks in at 08:30. */
    CHECK_INT_EQ(db_exec(db, "INSERT INTO checkins VALUES(1,1,1,'genki',1795390200)"), DB_OK);
    CHECK_INT_EQ(escalate_run(h, day + 9 * 3600 + 60, 120, "t", &raised), 0);
    CHECK_INT_EQ(raised, 1); /* resident 2 missed 09:00 */
    CHECK_INT_EQ(escalate_run(h, day + 10 * 3600, 120, "t", &raised), 0);
    CHECK_INT_EQ(raised, 0); /* idempotent; resident 1 checked in */
    CHECK_INT_EQ(escalate_run(h, day + 11 * 3600, 120, "t", &raised), 0);
    CHECK_INT_EQ(raised, 1); /* 11:00 = 09:00 + 120 min: city */
    /* Day 2: an activity report (touch) of resident 2 and nothing from resident 1. */
    CHECK_INT_EQ(db_exec(db, "INSERT INTO devices(id, kind, resident_id, label, token_hash,"
                             " created_unix) VALUES(2,'home',2,'','h2',0);"
                             "INSERT INTO activity VALUES(1,2,2,'touch',1795449600)"),
                 DB_OK); /* day 2 08:00 */
    CHECK_INT_EQ(escalate_run(h, day + 86400 + 9 * 3600 + 60, 120, "t", &raised), 0);
    CHECK_INT_EQ(raised, 0); /* 09:01: resident 2 was active, resident 1's deadline is 10:00 */
    CHECK_INT_EQ(escalate_run(h, day + 86400 + 10 * 3600 + 60, 120, "t", &raised), 0);
    CHECK_INT_EQ(raised, 1); /* resident 1 */
    REQUIRE(db_commit(db) == DB_OK);
    struct db_stmt *st = db_stmt(db, "SELECT group_concat(x, ',') FROM (SELECT resident_id ||"
                                     " level AS x FROM alerts ORDER BY id)");
    REQUIRE(st != NULL);
    CHECK_INT_EQ(db_step(st), DB_ROW);
    CHECK_STR_EQ(db_col_text(st, 0), "2family,2city,1family");
    db_stmt_done(st);
    hubdb_db_close(db);
}

/* The 全国地方公共団体コード check digit (総務省, modulus 11) on real codes, and the
 * refusals in words. */
static void t_towncode(void)
{
    char why[160];
    static const char *const real[] = {"131016" /* 千代田区 */, "011002" /* 札幌市 */,
                                       "472018" /* 那覇市 */,   "141003" /* 横浜市 */,
                                       "142018" /* 横須賀市 */, "142034" /* 平塚市 */};
    for (size_t i = 0; i < sizeof real / sizeof real[0]; i++)
        CHECK_INT_EQ(towncode_valid(real[i], why, sizeof why), 0);
    CHECK_INT_EQ(towncode_check_digit("13101"), 6);
    CHECK_INT_EQ(towncode_check_digit("01100"), 2);
    CHECK_INT_EQ(towncode_valid("131017", why, sizeof why), -1);
    CHECK(strstr(why, "check digit should be 6") != NULL);
    CHECK_INT_EQ(towncode_valid("13101", why, sizeof why), -1);
    CHECK(strstr(why, "six digits") != NULL);
    CHECK_INT_EQ(towncode_valid("13101x", why, sizeof why), -1);
    CHECK_INT_EQ(towncode_valid(NULL, why, sizeof why), -1);
    CHECK_INT_EQ(towncode_valid("481009", why, sizeof why), -1);
    CHECK(strstr(why, "prefecture") != NULL);
    /* Remainders 0 and 1 give 1 and 0: 10003 sums to 6+0+0+0+6 = 12, remainder 1. */
    CHECK_INT_EQ(towncode_check_digit("10003"), 0);
    CHECK_INT_EQ(towncode_check_digit("11000"), 1); /* 6+5 = 11, remainder 0 */
    /* Scopes are interned: one object per town, none for no town. */
    CHECK(scope_of(7) == scope_of(7));
    CHECK(scope_of(7) != scope_of(8));
    CHECK(scope_of(0) == NULL);
    CHECK_INT_EQ(scope_town(scope_of(7)), 7);
    CHECK_INT_EQ(scope_town(NULL), 0);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/hubunit.XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    TEST_RUN(t_b64);
    TEST_RUN(t_towncode);
    TEST_RUN(t_hubreq_checkin);
    TEST_RUN(t_hubreq_json_readers);
    TEST_RUN(t_hubreq_login_and_consent);
    TEST_RUN(t_token);
    TEST_RUN(t_clock_file);
    TEST_RUN(t_ticker);
    TEST_RUN(t_writer_group_commit);
    TEST_RUN(t_writer_gathers);
    TEST_RUN(t_writer_wakes_its_own);
    TEST_RUN(t_writer_submit);
    TEST_RUN(t_gate);
    TEST_RUN(t_escalate);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return test_summary();
}
