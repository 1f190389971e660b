/*
 * bench_pg_commit: durable check-ins per second on one PostgreSQL database written by 1, 2
 * or 4 processes, at the store level (no HTTP: hubd does not run on PostgreSQL yet).
 *
 *   bench_pg_commit URL [procs=1] [seconds=5] [clients=16] [stored=1000000] [chain=1]
 *   (on a private server: build/tests/pg/pgrun build/hub/bench_pg_commit @PGURL@ 4)
 *
 * Migrates a fresh database, stores `stored` check-ins first, then forks `procs`
 * processes. Each has `clients` threads and one writer thread with the hub's group commit
 * shape: the writer takes every waiting check-in, runs them in one transaction (check-in
 * row + idempotency row + audit record per check-in, the record stored unchained through
 * audit_append_db()), commits with synchronous_commit=on, wakes the clients, then runs
 * a sequencer pass if its last was 10 ms ago or more, as hubd's writer does
 * (audit_chain_db(): chains what is committed unless another process
 * is chaining). A check-in counts once its COMMIT returned. Prints check-ins/s and
 * p50/p99/max latency, then chains what the last passes left and checks that every
 * counted check-in is stored and that the audit chain verifies with exactly that many
 * records. chain=0 runs no pass while measuring (everything is chained at the end): the
 * rate of the stores alone, to set the sequencer's cost against.
 */
#include "audit.h"
#include "db.h"
#include "hubdb.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BATCH_MAX   512
#define CLIENTS_MAX 64
#define LAT_MAX     (1 << 20)

struct job {
    int resident;
    long long seq;
    int done, ok;
    struct job *next;
};

struct proc {
    struct db *db;
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    struct job *head, *tail;
    int stop;
    int index;
    double until;
    double *lat; /* seconds, one per acknowledged check-in */
    long n_lat;
    long passes, chained; /* sequencer passes that chained something, records chained */
    int chain;            /* 0: no passes while measuring (the store-only ceiling) */
    double chain_last;    /* when the writer last ran a pass */
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static enum db_status step_done(struct db_stmt *st)
{
    enum db_status s = db_step(st);
    while (s == DB_ROW)
        s = db_step(st);
    db_stmt_done(st);
    return s == DB_DONE ? DB_OK : s;
}

/* The check-in and its idempotency answer (run_batch appends its audit record). */
static enum db_status run_job(struct proc *p, const struct job *j)
{
    struct db_stmt *st = db_stmt(p->db, "INSERT INTO checkins(resident_id, device_id, answer,"
                                        " at_unix) VALUES(?, ?, 'ok', ?) RETURNING id");
    if (!st)
        return DB_ERR;
    enum db_status s = db_bind_int64(st, 1, j->resident);
    if (s == DB_OK)
        s = db_bind_int64(st, 2, j->resident);
    if (s == DB_OK)
        s = db_bind_int64(st, 3, (int64_t)time(NULL));
    if (s == DB_OK)
        s = step_done(st);
    else
        db_stmt_done(st);
    if (s != DB_OK)
        return s;
    char key[64];
    snprintf(key, sizeof key, "p%d-%lld", p->index, j->seq);
    st = db_stmt(p->db, "INSERT INTO idempotency(principal, key, body_hash, status, response,"
                        " created_unix) VALUES(?, ?, 'h', 201, '{}', ?)");
    if (!st)
        return DB_ERR;
    s = db_bind_text(st, 1, "device", -1);
    if (s == DB_OK)
        s = db_bind_text(st, 2, key, -1);
    if (s == DB_OK)
        s = db_bind_int64(st, 3, (int64_t)time(NULL));
    if (s != DB_OK) {
        db_stmt_done(st);
        return s;
    }
    return step_done(st);
}

static void run_batch(struct proc *p, struct job *batch)
{
    int ok = db_begin(p->db) == DB_OK;
    for (struct job *j = batch; j && ok; j = j->next) {
        ok = run_job(p, j) == DB_OK;
        char actor[32], rid[48];
        snprintf(actor, sizeof actor, "device:%d", j->resident);
        snprintf(rid, sizeof rid, "p%d-%lld", p->index, j->seq);
        struct audit_rec r = {.at = time(NULL),
                              .actor = actor,
                              .action = "checkin.create",
                              .outcome = "ok",
                              .subject = j->resident,
                              .data_kinds = "safety",
                              .purpose = "watch_over",
                              .basis = "self",
                              .source = actor,
                              .destination = "hub",
                              .request_id = rid};
        ok = ok && audit_append_db(p->db, &r, NULL) == DB_OK;
    }
    if (ok)
        ok = db_commit(p->db) == DB_OK;
    else
        db_rollback(p->db);
    if (!ok)
        fprintf(stderr, "bench: batch failed: %s\n", db_errmsg(p->db));
    for (struct job *j = batch; j; j = j->next)
        j->ok = ok;
}

static void *writer_main(void *arg)
{
    struct proc *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->head && !p->stop)
            pthread_cond_wait(&p->work, &p->mu);
        if (!p->head)
            break;
        struct job *batch = p->head, *last = p->head;
        for (int n = 1; last->next && n < BATCH_MAX; n++)
            last = last->next;
        p->head = last->next;
        if (!p->head)
            p->tail = NULL;
        last->next = NULL;
        pthread_mutex_unlock(&p->mu);
        run_batch(p, batch);
        pthread_mutex_lock(&p->mu);
        for (struct job *j = batch; j; j = j->next)
            j->done = 1;
        pthread_cond_broadcast(&p->done);
        pthread_mutex_unlock(&p->mu);
        /* After the answers, as hubd's writer does: one sequencer pass (skipped at once
         * when another process is chaining). */
        long chained = 0;
        enum db_status cs = DB_OK;
        if (p->chain && now_s() - p->chain_last >= 0.010) {
            p->chain_last = now_s();
            cs = audit_chain_db(p->db, AUDIT_CHAIN_MAX, &chained);
        }
        if (cs != DB_OK && cs != DB_ERR_BUSY)
            fprintf(stderr, "bench: chaining failed: %s\n", db_errmsg(p->db));
        pthread_mutex_lock(&p->mu);
        p->passes += cs == DB_OK && chained > 0;
        p->chained += chained;
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

struct client {
    struct proc *p;
    int resident;
};

static void *client_main(void *arg)
{
    struct client *c = arg;
    struct proc *p = c->p;
    for (long long seq = 0; now_s() < p->until; seq++) {
        struct job j = {.resident = c->resident, .seq = (long long)c->resident * 100000000LL + seq};
        double t0 = now_s();
        pthread_mutex_lock(&p->mu);
        if (p->tail)
            p->tail->next = &j;
        else
            p->head = &j;
        p->tail = &j;
        pthread_cond_signal(&p->work);
        while (!j.done)
            pthread_cond_wait(&p->done, &p->mu);
        if (j.ok && p->n_lat < LAT_MAX)
            p->lat[p->n_lat++] = now_s() - t0;
        pthread_mutex_unlock(&p->mu);
        if (!j.ok)
            break;
    }
    return NULL;
}

/* One process: clients + writer; sends its latencies through fd. */
static int run_proc(const char *url, int index, int clients, double seconds, int chain, int fd)
{
    char err[256];
    struct proc p = {.index = index, .chain = chain};
    pthread_t w, cl[CLIENTS_MAX];
    struct client cs[CLIENTS_MAX];
    if (db_open(url, 0, &p.db, err, sizeof err) != DB_OK) {
        fprintf(stderr, "bench: %s\n", err);
        return 1;
    }
    p.lat = malloc(sizeof *p.lat * LAT_MAX);
    if (!p.lat)
        return 1;
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.work, NULL);
    pthread_cond_init(&p.done, NULL);
    p.until = now_s() + seconds;
    pthread_create(&w, NULL, writer_main, &p);
    for (int i = 0; i < clients; i++) {
        cs[i] = (struct client){.p = &p, .resident = 1 + index * clients + i};
        pthread_create(&cl[i], NULL, client_main, &cs[i]);
    }
    for (int i = 0; i < clients; i++)
        pthread_join(cl[i], NULL);
    pthread_mutex_lock(&p.mu);
    p.stop = 1;
    pthread_cond_signal(&p.work);
    pthread_mutex_unlock(&p.mu);
    pthread_join(w, NULL);
    if (p.passes > 0)
        fprintf(stderr, "process %d: %ld sequencer passes chained %ld records (%.0f per pass)\n",
                index, p.passes, p.chained, (double)p.chained / (double)p.passes);
    int rc = write(fd, &p.n_lat, sizeof p.n_lat) == (ssize_t)sizeof p.n_lat &&
                     write(fd, p.lat, sizeof *p.lat * (size_t)p.n_lat) ==
                         (ssize_t)(sizeof *p.lat * (size_t)p.n_lat)
                 ? 0
                 : 1;
    db_close(p.db);
    free(p.lat);
    return rc;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int read_all(int fd, void *buf, size_t n)
{
    char *b = buf;
    while (n > 0) {
        ssize_t k = read(fd, b, n);
        if (k <= 0)
            return -1;
        b += k;
        n -= (size_t)k;
    }
    return 0;
}

static int prepare(struct db *db, int residents, long stored)
{
    char err[256], sql[512];
    if (hubdb_migrate_db(db, err, sizeof err) != HUBDB_OK) {
        fprintf(stderr, "bench: %s\n", err);
        return -1;
    }
    snprintf(sql, sizeof sql,
             "INSERT INTO residents(id, display_name, district, deadline_min, created_unix)"
             " SELECT g, 'r' || g, 'north', 600, 0 FROM generate_series(1, %d) g;"
             "INSERT INTO devices(id, kind, resident_id, token_hash, created_unix)"
             " SELECT g, 'home', g, 'tok' || g, 0 FROM generate_series(1, %d) g;"
             "INSERT INTO checkins(resident_id, device_id, answer, at_unix) SELECT"
             " 1 + g %% %d, 1 + g %% %d, 'ok', g FROM generate_series(1, %ld) g;"
             "ANALYZE",
             residents, residents, residents, residents, stored);
    if (db_exec(db, sql) != DB_OK) {
        fprintf(stderr, "bench: preload: %s\n", db_errmsg(db));
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr,
                "usage: bench_pg_commit URL [procs] [seconds] [clients] [stored] [chain]\n");
        return 2;
    }
    const char *url = argv[1];
    int procs = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 1;
    double seconds = argc > 3 ? strtod(argv[3], NULL) : 5;
    int clients = argc > 4 ? (int)strtol(argv[4], NULL, 10) : 16;
    long stored = argc > 5 ? strtol(argv[5], NULL, 10) : 1000000;
    int chain = argc > 6 ? (int)strtol(argv[6], NULL, 10) : 1;
    if (procs < 1 || procs > 16 || clients < 1 || clients > CLIENTS_MAX || seconds <= 0 ||
        stored < 0)
        return 2;
    char err[256];
    struct db *db = NULL;
    if (db_open(url, 0, &db, err, sizeof err) != DB_OK) {
        fprintf(stderr, "bench: %s\n", err);
        return 1;
    }
    double t0 = now_s();
    if (prepare(db, procs * clients, stored) != 0)
        return 1;
    printf("stored %ld check-ins in %.1f s\n", stored, now_s() - t0);
    fflush(stdout);
    int fds[16];
    pid_t pids[16];
    for (int i = 0; i < procs; i++) {
        int pp[2];
        if (pipe(pp) != 0)
            return 1;
        pids[i] = fork();
        if (pids[i] == 0) {
            close(pp[0]);
            _exit(run_proc(url, i, clients, seconds, chain, pp[1]));
        }
        close(pp[1]);
        fds[i] = pp[0];
    }
    double *all = malloc(sizeof *all * (size_t)LAT_MAX * (size_t)procs);
    long n = 0;
    int failed = !all;
    for (int i = 0; i < procs && !failed; i++) {
        long k = 0;
        failed = read_all(fds[i], &k, sizeof k) != 0 || k < 0 || k > LAT_MAX ||
                 read_all(fds[i], all + n, sizeof *all * (size_t)k) != 0;
        n += failed ? 0 : k;
    }
    for (int i = 0; i < procs; i++) {
        int st = 0;
        waitpid(pids[i], &st, 0);
        failed |= !WIFEXITED(st) || WEXITSTATUS(st) != 0;
        close(fds[i]);
    }
    if (failed || n == 0) {
        fprintf(stderr, "bench: a process failed\n");
        return 1;
    }
    qsort(all, (size_t)n, sizeof *all, cmp_d);
    printf("procs=%d clients/proc=%d chain=%d: %.0f durable check-ins/s, p50 %.2f ms, p99 %.2f "
           "ms, max %.2f ms (%ld in %.0f s)\n",
           procs, clients, chain, (double)n / seconds, all[n / 2] * 1e3,
           all[(long)(n * 0.99)] * 1e3, all[n - 1] * 1e3, n, seconds);
    int64_t rows = -1, waiting = -1;
    long long bad = 0, records = 0, late = 0;
    /* What the processes' last passes left; a hubd chains it at its next start or tick. */
    if (audit_unchained_db(db, &waiting) != DB_OK || audit_chain_all_db(db, &late) != DB_OK) {
        fprintf(stderr, "bench: final chaining failed: %s\n", db_errmsg(db));
        return 1;
    }
    printf("unchained when the processes stopped: %lld (chained now)\n", (long long)waiting);
    char msg[256];
    enum audit_verify_status vs = audit_verify_db(db, NULL, &bad, &records, msg, sizeof msg);
    if (db_get_int64(db, "SELECT COUNT(*) FROM checkins", 0, &rows) != DB_ROW ||
        rows != stored + n || vs != AUDIT_VERIFY_OK || records != n) {
        fprintf(stderr, "bench: check failed: %lld check-ins stored (want %ld), chain %s (%lld)\n",
                (long long)rows, stored + n, vs == AUDIT_VERIFY_OK ? "ok" : msg, records);
        return 1;
    }
    printf("check: %lld check-ins stored, audit chain of %lld records verifies\n", (long long)rows,
           records);
    free(all);
    db_close(db);
    return 0;
}
