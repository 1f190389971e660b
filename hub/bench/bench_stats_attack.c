/*
 * bench_stats_attack.c: the LP attacker (tests/hub/stats_attack.c, GLPK) on the whole
 * linked checkup request of a synthetic town: the participation table and the 13 checkup
 * item tables, every published line sum of every table, each item's judgement total equal
 * to participation, every count >= 0. For each suppressed entry it solves the smallest and
 * largest value an attacker holding all of it can prove, and prints the figures
 * docs/stats.md reports.
 *
 *   bench_stats TARGET [residents=10000] [seed=1] --keep   (builds the town, keeps it)
 *   bench_stats_attack TARGET [items=13]
 *
 * TARGET is the town bench_stats kept (a SQLite file or a postgresql:// URL); the tables
 * are those of a request on 2026-05-01, as the statistics test asks. `items` attacks only
 * the first items (with participation): fewer equations, so weaker than the whole request.
 * BENCH_ATTACK_EXACT=1 solves every unknown's interval exactly instead of stopping at a
 * proof of width 10 (attack_want).
 */
#include "db.h"
#include "hubdb.h"
#include "stats_attack.h"
#include "stattab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* what the hub publishes: the value or unknown */
static int add_published(struct attack *a, const struct sdc_table *t)
{
    int n[SDC_MAX_DIMS], ht[SDC_MAX_DIMS];
    size_t count = sdc_entries(t);
    long long *v = malloc(sizeof(long long) * count);
    if (!v)
        return -1;
    for (int d = 0; d < sdc_ndims(t); d++) {
        n[d] = sdc_size(t, d);
        ht[d] = sdc_has_total(t, d);
    }
    for (size_t f = 0; f < count; f++)
        v[f] = sdc_status_of(t, f) == SDC_PUBLISHED ? sdc_value(t, f) : ATTACK_UNKNOWN;
    int id = attack_add_table(a, sdc_ndims(t), n, ht, v);
    free(v);
    return id;
}

static void want_widths(struct attack *a, int id, const struct sdc_table *t)
{
    size_t n = sdc_entries(t);
    long long *w = malloc(sizeof(long long) * n);
    if (!w)
        return;
    for (size_t f = 0; f < n; f++)
        w[f] = sdc_value(t, f) < 10 ? 10 : 1;
    attack_want_at(a, id, w);
    free(w);
}

struct tally {
    long unknowns, sensitive, pinned, narrow, over_claimed, outside;
    long long min_sensitive_width;
    long hist[4]; /* sensitive widths: 10-19, 20-49, 50-99, 100 or more */
};

static int judge(struct attack *a, int id, const struct sdc_table *t, struct tally *y)
{
    size_t n = sdc_entries(t);
    long long *lo = malloc(sizeof(long long) * n), *hi = malloc(sizeof(long long) * n);
    int got = lo && hi ? attack_bounds(a, id, lo, hi, (int)n) : -1;
    for (size_t f = 0, u = 0; got >= 0 && f < n; f++) {
        if (sdc_status_of(t, f) == SDC_PUBLISHED)
            continue;
        long long v = sdc_value(t, f), w = hi[u] - lo[u];
        y->unknowns++;
        y->outside += w < (v < 10 ? 10 : 1) && (v < lo[u] || v > hi[u]);
        y->pinned += w < 1;
        /* an interval narrower than wanted is exact (attack_want): the engine may not claim
         * more */
        long long want = v < 10 ? 10 : 1;
        y->over_claimed += sdc_width(t, f) > w && w < want;
        if (v < 10) {
            y->sensitive++;
            y->narrow += w < 10;
            if (w < y->min_sensitive_width)
                y->min_sensitive_width = w;
            y->hist[w < 20 ? 0 : w < 50 ? 1 : w < 100 ? 2 : 3] += w >= 10;
        }
        u++;
    }
    free(lo);
    free(hi);
    return got < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_stats_attack TARGET [items=13]\n");
        return 2;
    }
    long nitems = argc > 2 ? strtol(argv[2], NULL, 10) : 13;
    if (nitems < 1 || nitems > 13) {
        fprintf(stderr, "bench_stats_attack: items 1..13\n");
        return 2;
    }
    char err[512];
    struct db *db = NULL;
    if (hubdb_open_db(argv[1], 0, &db, err, sizeof err) != HUBDB_OK) {
        fprintf(stderr, "bench_stats_attack: %s\n", err);
        return 1;
    }
    struct sdc_rule rule;
    sdc_rule_default(&rule);
    /* 2026-05-01 10:00 JST, as the statistics test asks */
    int64_t cutoff = stattab_cutoff(1777597200);
    struct stattab_set *p = NULL, *it = NULL;
    double c0 = cpu_s();
    if (stattab_compute(db, STATTAB_PARTICIPATION, scope_of(1), 2025, cutoff, &rule, &p, err,
                        sizeof err) != 0 ||
        stattab_compute(db, STATTAB_ITEMS, scope_of(1), 2025, cutoff, &rule, &it, err,
                        sizeof err) != 0) {
        fprintf(stderr, "bench_stats_attack: %s\n", err);
        return 1;
    }
    double engine = cpu_s() - c0;
    hubdb_db_close(db);
    struct attack *a = attack_create();
    int ids[1 + STATTAB_MAX_TABLES];
    ids[0] = add_published(a, p->tables[0].t);
    size_t entries = sdc_entries(p->tables[0].t), hidden = sdc_suppressed_count(p->tables[0].t);
    for (int i = 0; i < nitems; i++) {
        ids[1 + i] = add_published(a, it->tables[i].t);
        attack_link(a, ids[0], ids[1 + i], 0);
        entries += sdc_entries(it->tables[i].t);
        hidden += sdc_suppressed_count(it->tables[i].t);
    }
    if (getenv("BENCH_ATTACK_EXACT") == NULL) {
        /* 10 for a sensitive entry, two values for any other */
        attack_want(a, 10);
        for (int i = 0; i <= nitems; i++)
            want_widths(a, ids[i], i == 0 ? p->tables[0].t : it->tables[i - 1].t);
    }
    c0 = cpu_s();
    struct tally y = {.min_sensitive_width = ATTACK_UNBOUNDED};
    int bad = judge(a, ids[0], p->tables[0].t, &y);
    for (int i = 0; i < nitems && !bad; i++)
        bad = judge(a, ids[1 + i], it->tables[i].t, &y);
    double solve = cpu_s() - c0;
    struct attack_info info;
    attack_info(a, &info);
    printf("engine: both requests in %.2f s cpu\n", engine);
    printf("linked set: participation + %ld items, %zu entries, %zu suppressed\n", nitems, entries,
           hidden);
    printf("attacker: %d unknowns, %d equations, %d components (largest %d unknowns, %d "
           "equations), %ld LP solves (%ld over a whole group) in %.2f s cpu\n",
           info.unknowns, info.equations, info.components, info.largest_unknowns,
           info.largest_equations, info.solves, info.whole_solves, solve);
    if (bad) {
        printf("attacker: GLPK failed\n");
        return 1;
    }
    printf("suppressed entries: %ld; pinned: %ld; true value outside an exact interval: %ld\n",
           y.unknowns, y.pinned, y.outside);
    printf("sensitive (below 10): %ld; narrower than 10: %ld; narrowest: %lld\n", y.sensitive,
           y.narrow, y.min_sensitive_width);
    printf("sensitive widths: 10-19 %ld, 20-49 %ld, 50-99 %ld, 100+ %ld\n", y.hist[0], y.hist[1],
           y.hist[2], y.hist[3]);
    printf("engine claims wider than the attacker proves: %ld\n", y.over_claimed);
    attack_destroy(a);
    stattab_free(p);
    stattab_free(it);
    return y.pinned || y.narrow || y.outside ? 3 : 0;
}
