/*
 * bench_checkins.c: check-in throughput and latency of a real hubd on loopback.
 *
 *   bench_checkins HUBD HUBCTL [seconds=5] [clients=16] [db=new SQLite file] [procs=1]
 *                  [stored=0] [towns=1] [residents=0] [keys=0] [workers=hubd's default]
 *   (PostgreSQL: build/tests/pg/pgrun build/hub/bench_checkins HUBD HUBCTL 5 16 @PGURL@ 4)
 *
 * Creates a fresh database (a SQLite file in a temp directory, or the empty database
 * given) with one resident and one home device per client (hubctl), with towns > 1 adds
 * the towns, `residents` more residents spread over them (each with a home device; with
 * towns = 1 all in town 1: a real town's size) and moves the clients' residents
 * and devices to town 1 + i % towns (SQL), stores `stored` check-ins first, starts `procs` hubd
 * processes on it on ephemeral ports, runs `clients` clients (client i talks to process i mod
 * procs) that each POST /v1/checkins over one keep-alive connection for `seconds`, one request
 * in flight each (with keys=1 each with an Idempotency-Key of its own, as the kiosk's outbox
 * sends them; the clients are one epoll thread with plain sockets, benchpost.h), and
 * prints durable check-ins per second with the p50 / p99 / max latency. Every 201 counted was
 * committed (SQLite synchronous=FULL, PostgreSQL synchronous_commit=on) before the hub answered.
 * Stops the hubd processes with SIGTERM and checks that the database holds every acknowledged
 * check-in.
 *
 * It also prints what the processes under test spent per check-in during the measured
 * window, figures that do not depend on what else the machine runs (benchproc.h): CPU ms and
 * context switches of the hubd processes (every thread), of the PostgreSQL server (the
 * postmaster and every process it started; the server must run on this machine) and of the
 * clients (this process), with the load average at the start and the end. The clients are
 * lean because they share the cores with what they measure (real kiosks are elsewhere).
 */
#include "benchpost.h"
#include "benchproc.h"
#include "benchutil.h"
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CLIENTS 64
#define MAX_PROCS   8
#define MAX_SAMPLES 400000

/* Stores n check-ins spread over the clients' residents and devices (ids 1..nc), then
 * analyzes that table alone: analyzing every table here, before any hubd ran, told
 * PostgreSQL's planner that every audit record is unchained (hubctl's are, until a hubd's
 * sequencer chains them), and the sequencer's queries then read the whole audit table on
 * each pass (docs/benchmarks.md). A running hub's table holds few unchained records. */
static int preload(const char *target, long n, long nc)
{
    char err[256], sql[512];
    struct db *db = NULL;
    if (db_open(target, 0, &db, err, sizeof err) != DB_OK) {
        fprintf(stderr, "bench: %s\n", err);
        return -1;
    }
    snprintf(sql, sizeof sql,
             "INSERT INTO checkins(resident_id, device_id, answer, at_unix)"
             " SELECT 1 + g %% %ld, 1 + g %% %ld, 'genki', g FROM %s%ld%s; ANALYZE checkins",
             nc, nc,
             db_dialect(db) == DB_POSTGRES
                 ? "generate_series(1, "
                 : "(WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < ",
             n, db_dialect(db) == DB_POSTGRES ? ") g" : ") SELECT g FROM s)");
    double t0 = benchutil_now();
    enum db_status st = db_exec(db, sql);
    if (st != DB_OK)
        fprintf(stderr, "bench: storing check-ins: %s\n", db_errmsg(db));
    else
        printf("stored %ld check-ins first (%.1f s)\n", n, benchutil_now() - t0);
    db_close(db);
    return st == DB_OK ? 0 : -1;
}

/* Towns 2..towns, `residents` residents spread over the towns, each with a home device of
 * its own as in a real town, and client i's resident and device (ids i + 1, from hubctl)
 * moved to town 1 + (i + 1) % towns. The stored residents and devices have ids below the
 * clients' (-1, -2, ...): in a real town most residents came before the one checking in,
 * so a lookup that walks the town's residents in id order reaches the clients' last. The stored
 * residents are not due for the missed check-in pass (next_due in 2100): a hub in its steady state
 * has looked at them already (bench_escalate measures the pass itself). */
static int spread(const char *target, long towns, long residents, long nc)
{
    char err[256], sql[1536];
    struct db *db = NULL;
    if (db_open(target, 0, &db, err, sizeof err) != DB_OK) {
        fprintf(stderr, "bench: %s\n", err);
        return -1;
    }
    int pg = db_dialect(db) == DB_POSTGRES;
    const char *from = pg ? "generate_series(1, "
                          : "(WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s"
                            " WHERE g < ",
               *to = pg ? ") g" : ") SELECT g FROM s)";
    snprintf(
        sql, sizeof sql,
        "INSERT INTO municipalities(id, name, created_unix) SELECT g, 'town ' || g, 0"
        " FROM %s%ld%s WHERE g >= 2;"
        "INSERT INTO residents(id, display_name, district, deadline_min, created_unix,"
        " municipality_id, next_due) SELECT -g, 'r' || g, 'bench', 600, 0, 1 + g %% %ld,"
        " 4102444800 FROM %s%ld%s;"
        "INSERT INTO devices(id, kind, resident_id, token_hash, created_unix, municipality_id)"
        " SELECT id, 'home', id, 'bench' || id, 0, municipality_id FROM residents WHERE id < 0;"
        "UPDATE residents SET municipality_id = 1 + id %% %ld WHERE id <= %ld;"
        "UPDATE devices SET municipality_id = 1 + resident_id %% %ld WHERE id <= %ld",
        from, towns, to, towns, from, residents, to, towns, nc, towns, nc);
    double t0 = benchutil_now();
    enum db_status st = db_exec(db, sql);
    if (st != DB_OK)
        fprintf(stderr, "bench: storing the towns: %s\n", db_errmsg(db));
    else
        printf("stored %ld towns, %ld residents more (%.1f s)\n", towns, residents,
               benchutil_now() - t0);
    db_close(db);
    return st == DB_OK ? 0 : -1;
}

/* The PostgreSQL server's postmaster: the parent of a backend of ours. -1 on SQLite or when
 * the server is not on this machine. */
static pid_t postmaster(const char *target)
{
    char err[256];
    struct db *db = NULL;
    int64_t backend = -1;
    pid_t pm = -1;
    if (db_open(target, 0, &db, err, sizeof err) == DB_OK && db_dialect(db) == DB_POSTGRES &&
        db_get_int64(db, "SELECT pg_backend_pid() + 0 * ?", 0, &backend) == DB_ROW)
        pm = benchproc_parent((pid_t)backend);
    db_close(db);
    return pm;
}

/* What the processes under test and the machine had spent by one moment. */
struct usage {
    struct benchproc_sample hubd, pg, client;
    double busy_ms, load1, t;
    long long csw;
};

static void sample(struct usage *u, const pid_t *pids, long procs, pid_t pm)
{
    memset(u, 0, sizeof *u);
    for (long k = 0; k < procs; k++)
        (void)benchproc_add(pids[k], 0, &u->hubd);
    if (pm > 0 && benchproc_add(pm, 1, &u->pg) == 0)
        benchproc_add_children(pm, &u->pg);
    benchproc_self(&u->client);
    benchproc_machine(&u->busy_ms, &u->csw, &u->load1);
    u->t = benchutil_now();
}

/* Per check-in between a and b: CPU ms and context switches of each group ("-" for the
 * server when it was not found). */
static void print_usage(const struct usage *a, const struct usage *b, long ok, int pg)
{
    double n = ok > 0 ? (double)ok : 1, secs = b->t - a->t;
    double h = b->hubd.cpu_ms - a->hubd.cpu_ms, p = b->pg.cpu_ms - a->pg.cpu_ms,
           c = b->client.cpu_ms - a->client.cpu_ms, m = b->busy_ms - a->busy_ms;
    char pcpu[32] = "-", pcsw[32] = "-", pcores[32] = "-";
    if (pg) {
        snprintf(pcpu, sizeof pcpu, "%.3f", p / n);
        snprintf(pcsw, sizeof pcsw, "%.1f", (double)(b->pg.csw - a->pg.csw) / n);
        snprintf(pcores, sizeof pcores, "%.2f", p / 1000 / secs);
    }
    printf("load_1min start=%.2f end=%.2f\n", a->load1, b->load1);
    printf("cpu_ms_per_checkin hubd=%.3f postgres=%s client=%.3f sum=%.3f machine=%.3f\n", h / n,
           pcpu, c / n, (h + (pg ? p : 0) + c) / n, m / n);
    printf("csw_per_checkin hubd=%.1f postgres=%s client=%.1f machine=%.1f\n",
           (double)(b->hubd.csw - a->hubd.csw) / n, pcsw,
           (double)(b->client.csw - a->client.csw) / n, (double)(b->csw - a->csw) / n);
    printf("cores_busy hubd=%.2f postgres=%s client=%.2f machine=%.2f\n", h / 1000 / secs, pcores,
           c / 1000 / secs, m / 1000 / secs);
    /* hubd by thread name (the names of the end; a name new since the start counts from 0) */
    printf("hubd_threads");
    for (int i = 0; i < b->hubd.n_names; i++) {
        double cpu0 = 0;
        long long csw0 = 0;
        for (int k = 0; k < a->hubd.n_names; k++)
            if (strcmp(a->hubd.name[k], b->hubd.name[i]) == 0) {
                cpu0 = a->hubd.name_cpu_ms[k];
                csw0 = a->hubd.name_csw[k];
            }
        printf(" %s=%.3fms/%.1fcsw", b->hubd.name[i], (b->hubd.name_cpu_ms[i] - cpu0) / n,
               (double)(b->hubd.name_csw[i] - csw0) / n);
    }
    printf(" (per check-in)\n");
}

/* The newest check-in's id, read from the database (every town's). */
static long long last_checkin(const char *target)
{
    char err[256];
    struct db *db = NULL;
    int64_t id = -1;
    if (db_open(target, 0, &db, err, sizeof err) != DB_OK ||
        db_get_int64(db, "SELECT COALESCE(MAX(id), 0) + 0 * ? FROM checkins", 0, &id) != DB_ROW)
        id = -1;
    db_close(db);
    return (long long)id;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_checkins HUBD HUBCTL [seconds=5] [clients=16] [db] [procs=1]"
                        " [stored=0] [towns=1] [residents=0] [keys=0] [workers]\n");
        return 2;
    }
    const char *hubd = argv[1], *hubctl = argv[2];
    double seconds = argc > 3 ? strtod(argv[3], NULL) : 5.0;
    long nc = argc > 4 ? strtol(argv[4], NULL, 10) : 16;
    const char *target = argc > 5 && argv[5][0] ? argv[5] : NULL;
    long procs = argc > 6 ? strtol(argv[6], NULL, 10) : 1;
    long stored = argc > 7 ? strtol(argv[7], NULL, 10) : 0;
    long towns = argc > 8 ? strtol(argv[8], NULL, 10) : 1;
    long residents = argc > 9 ? strtol(argv[9], NULL, 10) : 0;
    int keys = argc > 10 && strcmp(argv[10], "1") == 0;
    const char *workers = argc > 11 ? argv[11] : NULL; /* hubd --workers */
    const char *const extra[] = {"--workers", workers, NULL};
    if (seconds <= 0 || seconds > 120 || nc < 1 || nc > MAX_CLIENTS || procs < 1 ||
        procs > MAX_PROCS || stored < 0 || stored > 100000000 || towns < 1 || towns > 1000 ||
        residents < 0 || residents > 10000000) {
        fprintf(stderr, "bench: seconds must be 0..120, clients 1..%d, procs 1..%d\n", MAX_CLIENTS,
                MAX_PROCS);
        return 2;
    }
    char dir[] = "/tmp/hubbench.XXXXXX";
    char db[512], cmd[1024], val[256];
    if (target) {
        snprintf(db, sizeof db, "%s", target);
        snprintf(cmd, sizeof cmd, "%s --db '%s' init >/dev/null", hubctl, db);
        if (system(cmd) != 0) {
            fprintf(stderr, "bench: hubctl init failed\n");
            return 1;
        }
        dir[0] = '\0';
    } else if (benchutil_make_db(hubctl, dir, db, sizeof db) != 0) {
        return 1;
    }
    static struct benchpost_client cl[MAX_CLIENTS];
    static char tokens[MAX_CLIENTS][128];
    for (long i = 0; i < nc; i++) {
        snprintf(cmd, sizeof cmd,
                 "%s --db '%s' resident-add --name bench%ld --district bench --deadline 10:00",
                 hubctl, db, i);
        if (benchutil_capture(cmd, "resident_id", val, sizeof val) != 0)
            return 1;
        snprintf(cmd, sizeof cmd, "%s --db '%s' device-add --kind home --resident %s", hubctl, db,
                 val);
        if (benchutil_capture(cmd, "token", tokens[i], sizeof tokens[i]) != 0)
            return 1;
    }
    if ((towns > 1 || residents > 0) && spread(db, towns, residents, nc) != 0)
        return 1;
    if (stored > 0 && preload(db, stored, nc) != 0)
        return 1;
    unsigned ports[MAX_PROCS];
    pid_t pids[MAX_PROCS];
    FILE *outs[MAX_PROCS];
    for (long k = 0; k < procs; k++) {
        pids[k] = benchutil_start_hubd(hubd, db, workers ? extra : NULL, &ports[k], &outs[k]);
        if (pids[k] < 0)
            return 1;
    }
    pid_t pm = postmaster(db);
    struct usage u0, u1;
    for (long i = 0; i < nc; i++) {
        cl[i].port = ports[i % procs];
        cl[i].token = tokens[i];
        cl[i].cap = MAX_SAMPLES;
        cl[i].lat = malloc(sizeof(double) * MAX_SAMPLES);
        if (!cl[i].lat)
            return 1;
    }
    sample(&u0, pids, procs, pm);
    double t0 = u0.t;
    if (benchpost_run(cl, (int)nc, "/v1/checkins", "{\"answer\":\"genki\"}", keys, seconds, 201,
                      "{\"checkin\":") != 0)
        return 1;
    long ok = 0, failed = 0, n = 0;
    for (long i = 0; i < nc; i++) {
        ok += cl[i].ok;
        failed += cl[i].failed;
    }
    sample(&u1, pids, procs, pm);
    double elapsed = u1.t - t0;
    double *all = malloc(sizeof(double) * (size_t)(ok ? ok : 1));
    for (long i = 0; i < nc; i++) {
        memcpy(all + n, cl[i].lat, sizeof(double) * (size_t)cl[i].n_lat);
        n += cl[i].n_lat;
        free(cl[i].lat);
    }
    benchutil_sort(all, (size_t)n);
    int stopped = 0;
    for (long k = 0; k < procs; k++)
        stopped |= benchutil_stop_hubd(pids[k], outs[k]);
    printf("procs=%ld clients=%ld seconds=%.1f keys=%d workers=%s\n", procs, nc, elapsed, keys,
           workers ? workers : "default");
    printf("checkins_ok=%ld failed=%ld\n", ok, failed);
    printf("checkins_per_s=%.0f\n", (double)ok / elapsed);
    if (n > 0)
        printf("p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n", benchutil_pct(all, (size_t)n, 50),
               benchutil_pct(all, (size_t)n, 99), benchutil_pct(all, (size_t)n, 100));
    print_usage(&u0, &u1, ok, pm > 0);
    printf("stored_last_id=%lld (want %ld)\n", last_checkin(db), stored + ok);
    free(all);
    if (dir[0])
        benchutil_remove(dir);
    return failed == 0 && stopped == 0 ? 0 : 1;
}
