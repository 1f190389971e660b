/*
 * bench_escalate: the missed check-in pass with many residents stored, at the store level
 * with hubd's own writer (writer.h), on SQLite or PostgreSQL.
 *
 *   bench_escalate TARGET [residents=1000000] [towns=10] [clients=16] [seconds=3]
 *   (TARGET: a new SQLite file, or @PGURL@ through build/tests/pg/pgrun)
 *
 * Stores `residents` residents spread over `towns` municipalities, deadline 10:00 on a
 * fixed day, and measures:
 *   1. the first look: every resident is new, so due at once; the pass looks at each once
 *      (in steps of 256, one transaction each) and sets them to the day's deadline;
 *   2. 99 % check in between 09:00 and 10:00 (one INSERT ... SELECT; the triggers move each
 *      on to the next day), 1 % do not;
 *   3. a tick with nothing due (09:59:59): one step, its own transaction, 20 times;
 *   4. check-ins through the writer by `clients` threads for `seconds` (check-in + audit
 *      record per job, as hubd's POST /v1/checkins without a key): check-ins/s, p50/p99,
 *      after a one-second warm-up, and again after 5.;
 *   5. the same while the pass at 10:30 raises the 1 %'s family alerts, in steps per writer
 *      job with pauses as hubd's ticker does (escalate.h): check-in p50/p99 during the pass, the
 * pass's length, and that it raised exactly one alert per resident who did not check in;
 *   6. the next day no one but the clients shows a sign of life: `hubctl escalate` at 12:00
 *      (escalate_run in one transaction, as the monthly pass of test_hub_stats) raises both
 *      levels for everyone else: its length, the commit, and on PostgreSQL the chaining of
 *      its audit records after it; and that it raised exactly two alerts per such resident.
 */
#include "audit.h"
#include "benchutil.h"
#include "checkins.h"
#include "db.h"
#include "escalate.h"
#include "hubdb.h"
#include "scope.h"
#include "writer.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CLIENTS_MAX 64
#define LAT_MAX     (1 << 20)
#define DAY         ((time_t)1795359600) /* 2026-11-23 00:00 JST */

struct run {
    struct writer *w;
    pthread_mutex_t mu;
    volatile int stop;
    double *lat; /* ms */
    long n_lat;
};

struct client {
    struct run *run;
    int64_t resident; /* also its home device's id */
    const struct scope *town;
    pthread_t th;
};

static int checkin_job(struct db *db, void *arg)
{
    const struct client *c = arg;
    char actor[32];
    int64_t id = 0;
    time_t now = time(NULL);
    snprintf(actor, sizeof actor, "device:%lld", (long long)c->resident);
    struct audit_rec r = {.at = now,
                          .actor = actor,
                          .action = "checkin.create",
                          .outcome = "ok",
                          .subject = c->resident,
                          .data_kinds = "safety",
                          .purpose = "watch_over",
                          .basis = "self:home_device",
                          .source = actor,
                          .destination = "hub",
                          .request_id = "bench"};
    if (checkins_add(db, c->town, c->resident, c->resident, "genki", now, &id) != DB_OK ||
        audit_append_db(db, &r, NULL) != DB_OK)
        return -1;
    return 0;
}

static void *client_main(void *arg)
{
    struct client *c = arg;
    struct run *run = c->run;
    while (!run->stop) {
        double t0 = benchutil_now();
        if (writer_run(run->w, checkin_job, c) != WRITER_OK) {
            fprintf(stderr, "bench: a check-in failed\n");
            break;
        }
        double ms = (benchutil_now() - t0) * 1000.0;
        pthread_mutex_lock(&run->mu);
        if (run->n_lat < LAT_MAX)
            run->lat[run->n_lat++] = ms;
        pthread_mutex_unlock(&run->mu);
    }
    return NULL;
}

struct pass_job {
    time_t now;
    int raised, more;
    double job_ms, job_max_ms; /* inside the writer's transaction, without the commit */
};

static int pass_job(struct db *db, void *arg)
{
    struct pass_job *p = arg;
    double t0 = benchutil_now();
    int rc = escalate_step(db, p->now, 120, "bench", ESCALATE_TICK_STEP, &p->raised, &p->more);
    double ms = (benchutil_now() - t0) * 1000.0;
    p->job_ms += ms;
    p->job_max_ms = ms > p->job_max_ms ? ms : p->job_max_ms;
    return rc;
}

/* Runs the clients while the pass at `pass_at` runs through the writer (0: no pass, for
 * `seconds`). Prints the figures under `label`. */
static int measure(struct run *run, int clients, int towns, double seconds, time_t pass_at,
                   const char *label, long *raised_out)
{
    struct client cl[CLIENTS_MAX];
    run->stop = 0;
    run->n_lat = 0;
    double t0 = benchutil_now();
    for (int i = 0; i < clients; i++) {
        /* Resident g is of town 1 + g % towns (store()). */
        cl[i] =
            (struct client){.run = run, .resident = 1 + i, .town = scope_of(1 + (1 + i) % towns)};
        pthread_create(&cl[i].th, NULL, client_main, &cl[i]);
    }
    long raised = 0, steps = 0;
    double worst = 0;
    int rc = 0;
    struct pass_job p = {.now = pass_at, .more = 1};
    if (pass_at) {
        struct timespec pause = {.tv_nsec = ESCALATE_TICK_PAUSE_MS * 1000000L};
        while (p.more && rc == 0) {
            if (steps > 0)
                nanosleep(&pause, NULL); /* as hubd's ticker */
            double s0 = benchutil_now();
            rc = writer_run(run->w, pass_job, &p) == WRITER_OK ? 0 : -1;
            double ms = (benchutil_now() - s0) * 1000.0;
            worst = ms > worst ? ms : worst;
            raised += p.raised;
            steps++;
        }
    } else {
        struct timespec tick = {.tv_nsec = 20 * 1000000};
        while (benchutil_now() - t0 < seconds)
            nanosleep(&tick, NULL);
    }
    run->stop = 1;
    for (int i = 0; i < clients; i++)
        pthread_join(cl[i].th, NULL);
    double elapsed = benchutil_now() - t0;
    benchutil_sort(run->lat, (size_t)run->n_lat);
    printf("%s: %.0f check-ins/s, p50 %.2f ms, p99 %.2f ms (%ld in %.2f s)", label,
           (double)run->n_lat / elapsed,
           run->n_lat ? benchutil_pct(run->lat, (size_t)run->n_lat, 50) : 0,
           run->n_lat ? benchutil_pct(run->lat, (size_t)run->n_lat, 99) : 0, run->n_lat, elapsed);
    if (pass_at)
        printf("; the pass: %ld alerts in %ld steps, %.2f s, slowest step %.1f ms (its work"
               " in the writer: %.1f ms in all, %.1f ms at most)",
               raised, steps, elapsed, worst, p.job_ms, p.job_max_ms);
    printf("\n");
    fflush(stdout);
    *raised_out = raised;
    return rc;
}

/* One transaction around sql; prints how long it took. */
static int timed_exec(struct db *db, const char *what, const char *sql)
{
    double t0 = benchutil_now();
    enum db_status s = db_begin(db);
    if (s == DB_OK)
        s = db_exec(db, sql);
    if (s == DB_OK)
        s = db_commit(db);
    if (s != DB_OK) {
        fprintf(stderr, "bench: %s: %s\n", what, db_errmsg(db));
        db_rollback(db);
        return -1;
    }
    printf("%s: %.1f s\n", what, benchutil_now() - t0);
    fflush(stdout);
    return 0;
}

/* The residents, their towns, a home device for each of the first CLIENTS_MAX (device id =
 * resident id, in the resident's town: the bench's clients check in with them). */
static int store(struct db *db, long residents, int towns)
{
    char sql[1024];
    int pg = db_dialect(db) == DB_POSTGRES;
    snprintf(sql, sizeof sql,
             "INSERT INTO municipalities(id, name, created_unix) SELECT g, 'town ' || g, 0"
             " FROM %s WHERE g BETWEEN 2 AND %d",
             pg ? "generate_series(1, 1000) g"
                : "(WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s"
                  " WHERE g < 1000) SELECT g FROM s)",
             towns);
    if (timed_exec(db, "towns", sql) != 0)
        return -1;
    snprintf(sql, sizeof sql,
             "INSERT INTO residents(display_name, district, deadline_min, created_unix,"
             " municipality_id) SELECT 'r' || g, 'd', 600, 0, 1 + g %% %d FROM %s%ld%s;"
             "INSERT INTO devices(kind, resident_id, token_hash, created_unix, municipality_id)"
             " SELECT 'home', id, 'bench' || id, 0, municipality_id FROM residents"
             " WHERE id <= %d ORDER BY id",
             towns,
             pg ? "generate_series(1, "
                : "(WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < ",
             residents, pg ? ") g" : ") SELECT g FROM s)", CLIENTS_MAX);
    return timed_exec(db, "residents stored", sql);
}

/* The first look at every (new) resident, in steps of their own transactions. */
static int first_look(struct db *db)
{
    double t0 = benchutil_now();
    int more = 1, raised = 0;
    long steps = 0;
    while (more) {
        if (db_begin(db) != DB_OK ||
            escalate_step(db, DAY + 9 * 3600, 120, "bench", ESCALATE_STEP_MAX, &raised, &more) !=
                0 ||
            db_commit(db) != DB_OK) {
            fprintf(stderr, "bench: first look: %s\n", db_errmsg(db));
            return -1;
        }
        steps++;
    }
    printf("first look at every resident (09:00, each new): %.1f s in %ld steps\n",
           benchutil_now() - t0, steps);
    return 0;
}

/* A tick at 09:59:59 with nothing due, 20 times: median and worst. */
static int idle_ticks(struct db *db)
{
    double ms[20];
    for (int i = 0; i < 20; i++) {
        int more = 0, raised = 0;
        double t0 = benchutil_now();
        if (db_begin(db) != DB_OK ||
            escalate_step(db, DAY + 10 * 3600 - 1, 120, "bench", ESCALATE_TICK_STEP, &raised,
                          &more) != 0 ||
            db_commit(db) != DB_OK || raised != 0 || more) {
            fprintf(stderr, "bench: idle tick: %s\n", db_errmsg(db));
            return -1;
        }
        ms[i] = (benchutil_now() - t0) * 1000.0;
    }
    benchutil_sort(ms, 20);
    printf("tick with nothing due: median %.2f ms, worst %.2f ms (20 ticks)\n", ms[10], ms[19]);
    return 0;
}

/* 6.: the pass of the next day at 12:00 in one transaction, no one but the clients (who
 * check in at the wall clock's time, after that day) having shown a sign of life. */
static int missed_by_all(struct db *db, long residents, int clients)
{
    int raised = 0;
    long long chained = 0;
    int64_t got = -1, want = 2 * (int64_t)(residents - clients);
    double t0 = benchutil_now();
    if (db_begin(db) != DB_OK ||
        escalate_run(db, DAY + 86400 + 12 * 3600, 120, "bench", &raised) != 0) {
        fprintf(stderr, "bench: the pass of the next day: %s\n", db_errmsg(db));
        return -1;
    }
    double t1 = benchutil_now();
    if (db_commit(db) != DB_OK) {
        fprintf(stderr, "bench: the pass of the next day: %s\n", db_errmsg(db));
        return -1;
    }
    double t2 = benchutil_now();
    enum db_status s = audit_chain_all_db(db, &chained);
    double t3 = benchutil_now();
    if (s != DB_OK) {
        fprintf(stderr, "bench: chaining: %s\n", db_errmsg(db));
        return -1;
    }
    struct db_stmt *st =
        db_stmt(db, "SELECT COUNT(*) FROM alerts WHERE kind = 'missed' AND day = '2026-11-24'");
    if (st && db_step(st) == DB_ROW)
        got = db_col_int64(st, 0);
    if (st)
        db_stmt_done(st);
    printf("the next day, no one checked in (hubctl escalate, one transaction): %d alerts in"
           " %.2f s, commit %.2f s, chaining %lld audit records %.2f s\n",
           raised, t1 - t0, t2 - t1, chained, t3 - t2);
    if (got != want || raised != want) {
        fprintf(stderr, "bench: %lld alerts stored that day, %d raised, want %lld\n",
                (long long)got, raised, (long long)want);
        return -1;
    }
    printf("check: exactly %lld alerts that day, both levels for each resident without a sign"
           " of life\n",
           (long long)want);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_escalate TARGET [residents] [towns] [clients] [seconds]\n");
        return 2;
    }
    const char *target = argv[1];
    long residents = argc > 2 ? strtol(argv[2], NULL, 10) : 1000000;
    int towns = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 10;
    int clients = argc > 4 ? (int)strtol(argv[4], NULL, 10) : 16;
    double seconds = argc > 5 ? strtod(argv[5], NULL) : 3;
    if (residents < 1000 || residents > 10000000 || towns < 1 || towns > 1000 || clients < 1 ||
        clients > CLIENTS_MAX || seconds <= 0 || seconds > 120)
        return 2;
    char err[256], sql[512];
    struct db *db = NULL, *wdb = NULL;
    struct run run = {.lat = malloc(sizeof(double) * LAT_MAX)};
    pthread_mutex_init(&run.mu, NULL);
    if (!run.lat || hubdb_open_db(target, 1, &db, err, sizeof err) != HUBDB_OK ||
        hubdb_migrate_db(db, err, sizeof err) != HUBDB_OK) {
        fprintf(stderr, "bench: %s\n", err);
        return 1;
    }
    printf("%ld residents in %d towns, %s\n", residents, towns,
           db_dialect(db) == DB_POSTGRES ? "PostgreSQL" : "SQLite");
    if (store(db, residents, towns) != 0 || first_look(db) != 0)
        return 1;
    /* 99 % check in between 09:00 and 10:00; every hundredth does not. */
    snprintf(sql, sizeof sql,
             "INSERT INTO checkins(resident_id, device_id, answer, at_unix)"
             " SELECT id, 1, 'genki', %lld + id %% 3600 FROM residents WHERE id %% 100 <> 0;"
             "ANALYZE",
             (long long)(DAY + 9 * 3600));
    if (timed_exec(db, "99 % check in (one statement, the triggers move each on)", sql) != 0 ||
        idle_ticks(db) != 0)
        return 1;
    if (hubdb_open_db(target, 0, &wdb, err, sizeof err) != HUBDB_OK ||
        !(run.w = writer_create(wdb, NULL, 0, 0))) {
        fprintf(stderr, "bench: writer: %s\n", err);
        return 1;
    }
    long raised = 0, none = 0;
    /* A warm-up first: the bulk load's WAL is still being checkpointed. */
    int rc = measure(&run, clients, towns, 1, 0, "warm-up", &none);
    if (rc == 0)
        rc = measure(&run, clients, towns, seconds, 0, "check-ins, no pass", &none);
    if (rc == 0)
        rc = measure(&run, clients, towns, seconds, DAY + 10 * 3600 + 1800,
                     "check-ins while the pass raises alerts", &raised);
    if (rc == 0)
        rc = measure(&run, clients, towns, seconds, 0, "check-ins, no pass again", &none);
    writer_destroy(run.w);
    int64_t want = residents / 100, got = -1;
    if (rc == 0 && (db_get_int64(db,
                                 "SELECT COUNT(*) FROM alerts WHERE kind = 'missed'"
                                 " AND level = 'family'",
                                 0, &got) != DB_ROW ||
                    got != want || raised != want)) {
        fprintf(stderr, "bench: %lld family alerts stored, %ld raised, want %lld\n", (long long)got,
                raised, (long long)want);
        rc = -1;
    }
    if (rc == 0)
        printf("check: exactly %lld family alerts, one per resident who did not check in\n",
               (long long)want);
    if (rc == 0)
        rc = missed_by_all(db, residents, clients);
    hubdb_db_close(db);
    free(run.lat);
    return rc == 0 ? 0 : 1;
}
