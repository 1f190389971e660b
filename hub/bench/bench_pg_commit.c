/*
 * bench_pg_commit: durable check-ins per second on one PostgreSQL database written by 1, 2
 * or 4 processes, at the store level (no HTTP; bench_checkins measures through hubd).
 *
 *   bench_pg_commit URL [procs=1] [seconds=5] [clients=16] [stored=1000000]
 *   (on a private server: build/tests/pg/pgrun build/hub/bench_pg_commit @PGURL@ 4)
 *
 * Migrates a fresh database, stores `stored` check-ins first, then forks `procs`
 * processes. Each runs hubd's own writer (writer.h: group commit, a savepoint per job)
 * and, as hubd does, the audit sequencer on its own thread and connection (chainer.h),
 * with `clients` threads handing the writer check-in jobs shaped like an Idempotency-Key check-in:
 * the check-in (checkins_add), its key claimed and answered (idempotency_claim +
 * idempotency_finish) and its audit record (audit_append_db). A check-in counts once writer_run()
 * said it is committed. Prints check-ins/s and p50/p99/max latency, then chains what the last
 * passes left and checks that every counted check-in is stored and that the audit chain verifies
 * with exactly that many records.
 */
#include "audit.h"
#include "checkins.h"
#include "db.h"
#include "hubdb.h"
#include "scope.h"
#include "idempotency.h"
#include "writer.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CLIENTS_MAX 64
#define LAT_MAX     (1 << 20)

struct proc {
    struct writer *w;
    pthread_mutex_t mu;
    int index;
    double until;
    double *lat; /* seconds, one per acknowledged check-in */
    long n_lat;
};

struct job {
    int resident;
    long long seq;
    int index;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One check-in with its key and audit record, in the writer's transaction. */
static int checkin_job(struct db *db, void *arg)
{
    const struct job *j = arg;
    char principal[32], key[64], rid[48];
    int64_t id = 0, now = (int64_t)time(NULL);
    enum idempotency_result res = IDEMPOTENCY_PROCEED;
    struct idempotency_claim claim;
    int status = 0, lost = 0;
    char *answer = NULL;
    snprintf(principal, sizeof principal, "device:%d", j->resident);
    snprintf(key, sizeof key, "p%d-%lld", j->index, j->seq);
    snprintf(rid, sizeof rid, "p%d-%lld", j->index, j->seq);
    /* The hex SHA-256 of the body in hubd; its shape is all the store checks. */
    static const char hash[] = "a591a6d40bf420404a011733cfb7b190d62c65bf0bcda32b57b277d9ad9f146e";
    if (idempotency_claim(db, scope_of(1), principal, key, hash, now, &res, &claim, &status,
                          &answer) != DB_OK ||
        res != IDEMPOTENCY_PROCEED)
        goto fail;
    if (checkins_add(db, scope_of(1), j->resident, j->resident, "genki", now, &id) != DB_OK)
        goto fail;
    struct audit_rec r = {.at = now,
                          .actor = principal,
                          .action = "checkin.create",
                          .outcome = "ok",
                          .subject = j->resident,
                          .data_kinds = "safety",
                          .purpose = "watch_over",
                          .basis = "self",
                          .source = principal,
                          .destination = "hub",
                          .request_id = rid};
    if (audit_append_db(db, &r, NULL) != DB_OK ||
        idempotency_finish(db, scope_of(1), &claim, 201, "{}", now, &lost) != DB_OK || lost)
        goto fail;
    return 0;
fail:
    free(answer);
    fprintf(stderr, "bench: check-in job failed: %s\n", db_errmsg(db));
    return -1;
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
        struct job j = {.resident = c->resident,
                        .seq = (long long)c->resident * 100000000LL + seq,
                        .index = p->index};
        double t0 = now_s();
        enum writer_status ws = writer_run(p->w, checkin_job, &j);
        double t1 = now_s();
        if (ws != WRITER_OK) {
            fprintf(stderr, "bench: %s\n", writer_status_str(ws));
            break;
        }
        pthread_mutex_lock(&p->mu);
        if (p->n_lat < LAT_MAX)
            p->lat[p->n_lat++] = t1 - t0;
        pthread_mutex_unlock(&p->mu);
    }
    return NULL;
}

/* One process: clients + hubd's writer; sends its latencies through fd. */
static int run_proc(const char *url, int index, int clients, double seconds, int fd)
{
    char err[256];
    struct db *db = NULL, *cdb = NULL;
    struct proc p = {.index = index};
    pthread_t cl[CLIENTS_MAX];
    struct client cs[CLIENTS_MAX];
    if (hubdb_open_db(url, 0, &db, err, sizeof err) != HUBDB_OK) {
        fprintf(stderr, "bench: %s\n", err);
        return 1;
    }
    p.lat = malloc(sizeof *p.lat * LAT_MAX);
    p.w = writer_create(db, NULL, 0, 0);
    if (!p.lat || !p.w)
        return 1;
    /* As hubd: the audit sequencer on a thread and connection of its own. */
    if (hubdb_open_db(url, 0, &cdb, err, sizeof err) != HUBDB_OK ||
        writer_chain_with(p.w, cdb) != 0) {
        fprintf(stderr, "bench: the audit sequencer: %s\n", err);
        return 1;
    }
    pthread_mutex_init(&p.mu, NULL);
    p.until = now_s() + seconds;
    for (int i = 0; i < clients; i++) {
        cs[i] = (struct client){.p = &p, .resident = 1 + index * clients + i};
        pthread_create(&cl[i], NULL, client_main, &cs[i]);
    }
    for (int i = 0; i < clients; i++)
        pthread_join(cl[i], NULL);
    unsigned long long batches = 0, jobs = 0;
    writer_stats(p.w, &batches, &jobs);
    fprintf(stderr, "process %d: %llu check-ins in %llu commits (%.1f per commit)\n", index, jobs,
            batches, batches ? (double)jobs / (double)batches : 0.0);
    writer_destroy(p.w);
    int rc = write(fd, &p.n_lat, sizeof p.n_lat) == (ssize_t)sizeof p.n_lat &&
                     write(fd, p.lat, sizeof *p.lat * (size_t)p.n_lat) ==
                         (ssize_t)(sizeof *p.lat * (size_t)p.n_lat)
                 ? 0
                 : 1;
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
        fprintf(stderr, "usage: bench_pg_commit URL [procs] [seconds] [clients] [stored]\n");
        return 2;
    }
    const char *url = argv[1];
    int procs = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 1;
    double seconds = argc > 3 ? strtod(argv[3], NULL) : 5;
    int clients = argc > 4 ? (int)strtol(argv[4], NULL, 10) : 16;
    long stored = argc > 5 ? strtol(argv[5], NULL, 10) : 1000000;
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
            _exit(run_proc(url, i, clients, seconds, pp[1]));
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
    printf("procs=%d clients/proc=%d: %.0f durable check-ins/s, p50 %.2f ms, p99 %.2f "
           "ms, max %.2f ms (%ld in %.0f s)\n",
           procs, clients, (double)n / seconds, all[n / 2] * 1e3, all[(long)(n * 0.99)] * 1e3,
           all[n - 1] * 1e3, n, seconds);
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
