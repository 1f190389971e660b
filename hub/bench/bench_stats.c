/*
 * bench_stats.c: time to compute every statistical table of a town (the figures
 * docs/benchmarks.md reports).
 *
 *   bench_stats TARGET [residents=10000] [seed=1] [--keep]
 *
 * TARGET is a new SQLite file (removed afterwards unless --keep) or a postgresql:// URL of
 * an empty database. Builds the synthetic town of the statistics tests (tests/hub/
 * stats_town.c: checkups of fiscal years 2023-2025, check-ins, alerts and orders of 2025),
 * then computes and protects each table of fiscal year 2025 as hubd does for a request and
 * prints how long each took (wall and this process's CPU time), how many entries it has and
 * how many are suppressed.
 */
#include "db.h"
#include "hubdb.h"
#include "stats_town.h"
#include "stattab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this process: on a shared machine the wall time mostly measures the others */
static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_stats TARGET [residents=10000] [seed=1] [--keep]\n");
        return 2;
    }
    const char *target = argv[1];
    long n = argc > 2 ? strtol(argv[2], NULL, 10) : 10000;
    long seed = argc > 3 ? strtol(argv[3], NULL, 10) : 1;
    int keep = argc > 4 && strcmp(argv[4], "--keep") == 0;
    if (n < 100 || n > 1000000) {
        fprintf(stderr, "bench_stats: residents 100..1000000\n");
        return 2;
    }
    char err[512];
    struct db *db = NULL;
    int reuse = getenv("BENCH_STATS_REUSE") != NULL; /* a town kept by --keep */
    if (!db_target_is_postgres(target) && !reuse)
        unlink(target);
    if (hubdb_open_db(target, 1, &db, err, sizeof err) != HUBDB_OK ||
        hubdb_migrate_db(db, err, sizeof err) != HUBDB_OK) {
        fprintf(stderr, "bench_stats: %s\n", err);
        return 1;
    }
    struct stats_town town = {.residents = (int)n,
                              .first_fy = 2023,
                              .last_fy = 2025,
                              .seed = (uint64_t)seed,
                              .watch_percent = 30};
    double t0 = now_s();
    if (!reuse && stats_town_build(db, &town) != 0)
        return 1;
    printf("town: %ld residents built in %.1f s\n", n, now_s() - t0);
    struct sdc_rule rule;
    sdc_rule_default(&rule);
    /* 2026-05-01 00:00 JST: after the fiscal year */
    int64_t cutoff = stattab_cutoff(1777561200);
    double all = 0, all_cpu = 0;
    for (int k = 0; k < STATTAB_KINDS; k++) {
        struct stattab_set *s = NULL;
        double t = now_s(), c = cpu_s();
        if (stattab_compute(db, (enum stattab_kind)k, scope_of(1), 2025, cutoff, &rule, &s, err,
                            sizeof err) != 0) {
            fprintf(stderr, "bench_stats: %s: %s\n", stattab_name((enum stattab_kind)k), err);
            return 1;
        }
        double took = now_s() - t, cpu = cpu_s() - c;
        all += took;
        all_cpu += cpu;
        size_t entries = 0, hidden = 0;
        for (int i = 0; i < s->ntables; i++) {
            entries += sdc_entries(s->tables[i].t);
            hidden += sdc_suppressed_count(s->tables[i].t);
        }
        printf("%-22s %8.3f s (cpu %.3f s)  %6zu entries  %6zu suppressed (%.1f %%)%s\n",
               stattab_name((enum stattab_kind)k), took, cpu, entries, hidden,
               100.0 * (double)hidden / (double)entries,
               s->protection == SDC_FALLBACK ? "  (a table wholly suppressed)" : "");
        stattab_free(s);
    }
    printf("all tables: %.3f s (cpu %.3f s)\n", all, all_cpu);
    hubdb_db_close(db);
    if (!keep && !db_target_is_postgres(target)) {
        char p[600];
        unlink(target);
        snprintf(p, sizeof p, "%s-wal", target);
        unlink(p);
        snprintf(p, sizeof p, "%s-shm", target);
        unlink(p);
    }
    return 0;
}
