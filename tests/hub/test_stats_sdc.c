/*
 * test_stats_sdc.c: the disclosure-control engine (hub/stats/sdc.c) against an attacker
 * who holds every published table of one request and solves their linear constraints
 * (stats_attack.c, a linear programme per suppressed entry). Tables of 2, 3 and 4
 * dimensions, with and without totals, linked tables, many random seeds.
 */
#include "sdc.h"
#include "stats_attack.h"
#include "test.h"

#include <stdint.h>
#include <stdlib.h>

/* Every build runs every seed, the sanitizer build too: the attacker's own dense simplex
 * once took 9.5 min there on a loaded 2-core machine, its GLPK one takes 6 s of CPU (14 s
 * at load average 8), well inside the 5 min limit. */

static uint64_t rng_state;

static uint32_t rnd(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(rng_state >> 33);
}

/* a count like a small town's: many small cells, some empty, some large */
static long long small_count(void)
{
    uint32_t r = rnd() % 100;
    if (r < 15)
        return 0;
    if (r < 55)
        return 1 + rnd() % 9;
    if (r < 85)
        return 10 + rnd() % 30;
    return 40 + rnd() % 200;
}

static struct sdc_table *random_table(int k, const int *n, const int *ht)
{
    struct sdc_table *t = sdc_table_create(k, n, ht);
    if (!t)
        return NULL;
    int idx[SDC_MAX_DIMS] = {0};
    for (;;) {
        sdc_table_add(t, idx, small_count());
        int d = k - 1;
        while (d >= 0 && ++idx[d] == n[d])
            idx[d--] = 0;
        if (d < 0)
            break;
    }
    return t;
}

/* what the hub would publish: the value or unknown */
static long long *published(const struct sdc_table *t)
{
    size_t n = sdc_entries(t);
    long long *v = malloc(sizeof(long long) * n);
    for (size_t f = 0; f < n; f++)
        v[f] = sdc_status_of(t, f) == SDC_PUBLISHED ? sdc_value(t, f) : ATTACK_UNKNOWN;
    return v;
}

static int add_to_attack(struct attack *a, const struct sdc_table *t)
{
    int n[SDC_MAX_DIMS], ht[SDC_MAX_DIMS];
    for (int d = 0; d < sdc_ndims(t); d++) {
        n[d] = sdc_size(t, d);
        ht[d] = sdc_has_total(t, d);
    }
    long long *v = published(t);
    int id = attack_add_table(a, sdc_ndims(t), n, ht, v);
    free(v);
    return id;
}

static int worst_width; /* the narrowest interval the attacker found for a sensitive entry */

/* Every published entry >= threshold; every suppressed entry unpinned, sensitive ones at
 * least min_width wide as the attacker computes it; the engine never claims more than the
 * attacker can prove. */
static void check_attack(struct attack *a, int id, const struct sdc_table *t,
                         const struct sdc_rule *r)
{
    size_t n = sdc_entries(t);
    long long *lo = malloc(sizeof(long long) * n), *hi = malloc(sizeof(long long) * n);
    int got = attack_bounds(a, id, lo, hi, (int)n);
    CHECK(got >= 0);
    int u = 0;
    for (size_t f = 0; f < n && got >= 0; f++) {
        long long v = sdc_value(t, f);
        if (sdc_status_of(t, f) == SDC_PUBLISHED) {
            CHECK(v >= r->threshold);
            continue;
        }
        long long w = hi[u] - lo[u];
        CHECK(lo[u] <= v && v <= hi[u]);
        CHECK(w >= 1);
        if (v < r->threshold) {
            if (w < r->min_width)
                fprintf(stderr, "entry %zu value %lld: attacker interval [%lld, %lld]\n", f, v,
                        lo[u], hi[u]);
            CHECK(w >= r->min_width);
            if (w < worst_width)
                worst_width = (int)w;
        }
        if (!(sdc_width(t, f) <= w || hi[u] == ATTACK_UNBOUNDED))
            fprintf(stderr, "entry %zu value %lld: engine claims %lld, attacker [%lld, %lld]\n", f,
                    v, sdc_width(t, f), lo[u], hi[u]);
        CHECK(sdc_width(t, f) <= w || hi[u] == ATTACK_UNBOUNDED);
        u++;
    }
    CHECK_INT_EQ(u, got);
    free(lo);
    free(hi);
}

static void t_two_dims_by_hand(void)
{
    /* 3 districts x 2 sexes; one cell of 3 residents */
    int n[2] = {3, 2}, ht[2] = {1, 1};
    long long cells[3][2] = {{25, 30}, {3, 40}, {50, 60}};
    struct sdc_table *t = sdc_table_create(2, n, ht);
    REQUIRE(t);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 2; j++)
            sdc_table_add(t, (int[]){i, j}, cells[i][j]);
    struct sdc_rule r;
    sdc_rule_default(&r);
    CHECK_INT_EQ(sdc_protect(t, &r), SDC_OK);
    CHECK_INT_EQ(sdc_value(t, sdc_flat(t, (int[]){3, 2})), 208);
    CHECK_INT_EQ(sdc_value(t, sdc_flat(t, (int[]){1, 2})), 43);
    CHECK_INT_EQ(sdc_status_of(t, sdc_flat(t, (int[]){1, 0})), SDC_PRIMARY);
    /* the 3 cannot stand alone in its row and its column */
    CHECK(sdc_suppressed_count(t) >= 4);
    CHECK(sdc_status_of(t, sdc_flat(t, (int[]){1, 1})) != SDC_PUBLISHED ||
          sdc_status_of(t, sdc_flat(t, (int[]){1, 2})) != SDC_PUBLISHED);
    struct attack *a = attack_create();
    int id = add_to_attack(a, t);
    worst_width = 1 << 30;
    check_attack(a, id, t, &r);
    attack_destroy(a);
    sdc_table_destroy(t);
}

/* Without the secondary suppression the attacker recovers the cell: the test's attacker
 * is able to, so its silence above means something. */
static void t_attacker_recovers_naive_suppression(void)
{
    int n[2] = {3, 2}, ht[2] = {1, 1};
    long long v[12] = {25, 30, 55, ATTACK_UNKNOWN, 40, 43, 50, 60, 110, 78, 130, 208};
    struct attack *a = attack_create();
    int id = attack_add_table(a, 2, n, ht, v);
    long long lo[4], hi[4];
    CHECK_INT_EQ(attack_bounds(a, id, lo, hi, 4), 1);
    CHECK_INT_EQ(lo[0], 3);
    CHECK_INT_EQ(hi[0], 3);
    attack_destroy(a);
}

static void run_random(int k, const int *n, const int *ht, int seeds, const struct sdc_rule *r)
{
    for (int s = 1; s <= seeds; s++) {
        rng_state = (uint64_t)s * 7919u + (uint64_t)k;
        struct sdc_table *t = random_table(k, n, ht);
        REQUIRE(t);
        enum sdc_result res = sdc_protect(t, r);
        CHECK(res == SDC_OK || res == SDC_FALLBACK);
        struct attack *a = attack_create();
        int id = add_to_attack(a, t);
        check_attack(a, id, t, r);
        attack_destroy(a);
        /* the same data again: the same pattern */
        rng_state = (uint64_t)s * 7919u + (uint64_t)k;
        struct sdc_table *t2 = random_table(k, n, ht);
        sdc_protect(t2, r);
        for (size_t f = 0; f < sdc_entries(t); f++)
            CHECK_INT_EQ(sdc_status_of(t, f) == SDC_PUBLISHED,
                         sdc_status_of(t2, f) == SDC_PUBLISHED);
        sdc_table_destroy(t2);
        sdc_table_destroy(t);
    }
}

static void t_random_two_dims(void)
{
    struct sdc_rule r;
    sdc_rule_default(&r);
    worst_width = 1 << 30;
    run_random(2, (int[]){6, 5}, (int[]){1, 1}, 40, &r);
    fprintf(stderr, "2 dims: narrowest sensitive interval %d\n", worst_width);
}

static void t_random_three_and_four_dims(void)
{
    struct sdc_rule r;
    sdc_rule_default(&r);
    worst_width = 1 << 30;
    run_random(3, (int[]){4, 3, 3}, (int[]){1, 1, 1}, 25, &r);
    run_random(4, (int[]){3, 3, 2, 3}, (int[]){1, 1, 1, 1}, 10, &r);
    fprintf(stderr, "3-4 dims: narrowest sensitive interval %d\n", worst_width);
}

/* district x month: months have no total (a resident counts in several months) */
static void t_dimension_without_total(void)
{
    struct sdc_rule r;
    sdc_rule_default(&r);
    run_random(2, (int[]){7, 12}, (int[]){1, 0}, 20, &r);
}

static void t_other_threshold_and_zeros_published(void)
{
    struct sdc_rule r;
    sdc_rule_default(&r);
    r.threshold = 5;
    r.min_width = 5;
    run_random(2, (int[]){6, 5}, (int[]){1, 1}, 20, &r);
    r.zero_sensitive = 0;
    rng_state = 99;
    struct sdc_table *t = random_table(2, (int[]){6, 5}, (int[]){1, 1});
    REQUIRE(t);
    sdc_protect(t, &r);
    int zero_published = 0;
    for (size_t f = 0; f < sdc_entries(t); f++)
        if (sdc_value(t, f) == 0)
            zero_published += sdc_status_of(t, f) == SDC_PUBLISHED;
    CHECK(zero_published > 0);
    sdc_table_destroy(t);
}

/* participation (age x sex x district) and item tables (judgement x the same) whose total
 * over judgement is participation: all held at once */
static void t_linked_tables(void)
{
    struct sdc_rule r;
    sdc_rule_default(&r);
    worst_width = 1 << 30;
    for (int s = 1; s <= 12; s++) {
        rng_state = (uint64_t)s * 31u;
        int bn[3] = {4, 2, 3}, bht[3] = {1, 1, 1};
        int in[4] = {3, 4, 2, 3}, iht[4] = {1, 1, 1, 1};
        struct sdc_table *items[3];
        struct sdc_table *base = sdc_table_create(3, bn, bht);
        REQUIRE(base);
        for (int i = 0; i < 3; i++)
            items[i] = sdc_table_create(4, in, iht);
        /* residents: each falls in one base cell and one judgement per item */
        for (int p = 0; p < 260; p++) {
            int cell[3] = {(int)(rnd() % 4), (int)(rnd() % 2), (int)(rnd() % 3)};
            if (rnd() % 3 == 0)
                cell[0] = 0; /* a crowded age band */
            sdc_table_add(base, cell, 1);
            for (int i = 0; i < 3; i++) {
                int j = (int)(rnd() % 10);
                j = j < 6 ? 0 : j < 9 ? 1 : 2;
                sdc_table_add(items[i], (int[]){j, cell[0], cell[1], cell[2]}, 1);
            }
        }
        enum sdc_result res = sdc_protect_linked(base, items, 3, 0, &r);
        CHECK(res == SDC_OK || res == SDC_FALLBACK);
        struct attack *a = attack_create();
        int b = add_to_attack(a, base);
        int ids[3];
        for (int i = 0; i < 3; i++) {
            ids[i] = add_to_attack(a, items[i]);
            attack_link(a, b, ids[i], 0);
        }
        check_attack(a, b, base, &r);
        for (int i = 0; i < 3; i++)
            check_attack(a, ids[i], items[i], &r);
        /* the shared slice has base's pattern in every item */
        int idx[4];
        for (int i = 0; i < 3; i++)
            for (size_t f = 0; f < sdc_entries(items[i]); f++) {
                sdc_unflat(items[i], f, idx);
                if (idx[0] != 3)
                    continue;
                size_t bf = sdc_flat(base, idx + 1);
                CHECK_INT_EQ(sdc_status_of(items[i], f) == SDC_PUBLISHED,
                             sdc_status_of(base, bf) == SDC_PUBLISHED);
            }
        attack_destroy(a);
        for (int i = 0; i < 3; i++)
            sdc_table_destroy(items[i]);
        sdc_table_destroy(base);
    }
    fprintf(stderr, "linked: narrowest sensitive interval %d\n", worst_width);
}

static void t_bad_shapes(void)
{
    CHECK(sdc_table_create(0, (int[]){1}, (int[]){1}) == NULL);
    CHECK(sdc_table_create(2, (int[]){0, 3}, (int[]){1, 1}) == NULL);
    CHECK(sdc_table_create(5, (int[]){4096, 4096, 4096, 2, 2}, (int[]){1, 1, 1, 1, 1}) == NULL);
    struct sdc_table *b = sdc_table_create(2, (int[]){2, 2}, (int[]){1, 1});
    struct sdc_table *it = sdc_table_create(3, (int[]){3, 2, 3}, (int[]){1, 1, 1});
    struct sdc_rule r;
    sdc_rule_default(&r);
    CHECK_INT_EQ(sdc_protect_linked(b, &it, 1, 0, &r), SDC_ERR_ARG);
    sdc_table_destroy(b);
    sdc_table_destroy(it);
}

int main(void)
{
    TEST_RUN(t_two_dims_by_hand);
    TEST_RUN(t_attacker_recovers_naive_suppression);
    TEST_RUN(t_random_two_dims);
    TEST_RUN(t_random_three_and_four_dims);
    TEST_RUN(t_dimension_without_total);
    TEST_RUN(t_other_threshold_and_zeros_published);
    TEST_RUN(t_linked_tables);
    TEST_RUN(t_bad_shapes);
    return test_summary();
}
