/*
 * test_hub_stats.c: the town's statistics through the real hubd and hubctl, on a synthetic
 * town of 10,000 residents (stats_town.c: three fiscal years of checkups, a year of
 * check-ins, alerts and orders, written through the hub's stores). Every table: every
 * published count >= 10; an attacker holding the request's tables (the LP of
 * stats_attack.c) cannot pin any suppressed entry, and none is alone in a line (recovered
 * by subtraction) even across the linked checkup tables; the same request twice gives the
 * same answer; every request is audited once with no resident as subject (so no
 * resident's access log lists it); only staff may ask; residents who opt out are counted
 * nowhere from the next day on; another town has no tables here.
 */
#include "hubdb.h"
#include "hubtest.h"
#include "stats_attack.h"
#include "stats_town.h"
#include "stattab.h"
#include "test.h"

#include <stdlib.h>
#include <string.h>

static struct hubtest T;
static char staff[128], home[128];

/* 2026-05-01 10:00 JST, a month after fiscal year 2025 ended */
#define START 1777597200

/* One published table as the answer gives it: the rows of one item (or all rows when the
 * set has one table), parsed back into the extended table's flat order. */
struct got {
    int ntables;
    int ndims, n[4], ht[4];
    long long *v[16]; /* per table: value or ATTACK_UNKNOWN */
    size_t count;
};

static void got_free(struct got *g)
{
    for (int i = 0; i < g->ntables; i++)
        free(g->v[i]);
}

/* Parses a JSON answer; the dimensions are known per table (stattab.h). */
static int parse(cJSON *j, int ndims, const int *n, const int *ht, struct got *g)
{
    memset(g, 0, sizeof *g);
    g->ndims = ndims;
    g->count = 1;
    for (int d = 0; d < ndims; d++) {
        g->n[d] = n[d];
        g->ht[d] = ht[d];
        g->count *= (size_t)(n[d] + ht[d]);
    }
    const cJSON *rows = cJSON_GetObjectItem(j, "rows");
    int nrows = cJSON_GetArraySize(rows);
    if (nrows <= 0 || nrows % (int)g->count != 0)
        return -1;
    g->ntables = nrows / (int)g->count;
    if (g->ntables > 16)
        return -1;
    int r = 0;
    for (int t = 0; t < g->ntables; t++) {
        g->v[t] = malloc(sizeof(long long) * g->count);
        for (size_t f = 0; f < g->count; f++, r++) {
            const cJSON *row = cJSON_GetArrayItem(rows, r);
            const cJSON *c = cJSON_GetArrayItem(row, cJSON_GetArraySize(row) - 1);
            g->v[t][f] = cJSON_IsNumber(c) ? (long long)c->valuedouble : ATTACK_UNKNOWN;
        }
    }
    return 0;
}

static int n_districts(void)
{
    return (int)ht_sql_int(&T, "SELECT COUNT(DISTINCT district) FROM residents");
}

/* GET a table as JSON; checks the answer, its audit record, and every published count. */
static cJSON *get_table(const char *name, int fy)
{
    char path[128];
    cJSON *j = NULL;
    long long before = ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE action = 'stats.read'");
    snprintf(path, sizeof path, "/v1/stats/%s?fy=%d", name, fy);
    long st = ht_json(&T, "GET", path, staff, NULL, NULL, &j);
    CHECK_INT_EQ(st, 200);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE action = 'stats.read'"),
                 before + 1);
    const cJSON *rows = cJSON_GetObjectItem(j, "rows");
    int published = 0, hidden = 0;
    const cJSON *row;
    cJSON_ArrayForEach(row, rows)
    {
        const cJSON *c = cJSON_GetArrayItem(row, cJSON_GetArraySize(row) - 1);
        if (cJSON_IsNumber(c)) {
            CHECK(c->valuedouble >= 10);
            published++;
        } else {
            CHECK(cJSON_IsString(c) && strcmp(c->valuestring, "X") == 0);
            hidden++;
        }
    }
    fprintf(stderr, "%s %d: %d published, %d suppressed\n", name, fy, published, hidden);
    CHECK(published > 0);
    return j;
}

/* The LP attacker on the tables of one request: no suppressed entry pinned, none
 * narrower than 10 unless the engine could not do better than fall back. */
static void attack_all(struct got *g, int link_base_dim)
{
    struct attack *a = attack_create();
    int ids[17];
    for (int t = 0; t < g->ntables; t++)
        ids[t] = attack_add_table(a, g->ndims, g->n, g->ht, g->v[t]);
    (void)link_base_dim;
    long long *lo = malloc(sizeof(long long) * g->count),
              *hi = malloc(sizeof(long long) * g->count);
    int narrow = 0, pinned = 0, unknowns = 0;
    for (int t = 0; t < g->ntables; t++) {
        int n = attack_bounds(a, ids[t], lo, hi, (int)g->count);
        CHECK(n >= 0);
        for (int u = 0; u < n; u++) {
            unknowns++;
            pinned += hi[u] - lo[u] < 1;
            narrow += hi[u] - lo[u] < 10;
        }
    }
    fprintf(stderr, "attacker: %d unknowns, %d pinned, %d narrower than 10\n", unknowns, pinned,
            narrow);
    CHECK_INT_EQ(pinned, 0);
    CHECK_INT_EQ(narrow, 0);
    free(lo);
    free(hi);
    attack_destroy(a);
}

/* No line of any table (along a dimension with a total) has exactly one unknown entry:
 * the cheapest attack, subtraction, on the full checkup-items request. Also the shared
 * slice: an item's judgement totals must have the participation table's pattern. */
static void no_lone_unknown(const struct got *g, const long long *base)
{
    int idx[4];
    for (int t = 0; t < g->ntables; t++) {
        for (int d = 0; d < g->ndims; d++) {
            if (!g->ht[d])
                continue;
            size_t stride = 1;
            for (int e = d + 1; e < g->ndims; e++)
                stride *= (size_t)(g->n[e] + g->ht[e]);
            for (size_t f = 0; f < g->count; f++) {
                size_t r = f;
                for (int e = 0; e < g->ndims; e++) {
                    size_t s = 1;
                    for (int k = e + 1; k < g->ndims; k++)
                        s *= (size_t)(g->n[k] + g->ht[k]);
                    idx[e] = (int)(r / s);
                    r %= s;
                }
                if (idx[d] != g->n[d])
                    continue;
                int unknown = 0;
                for (int i = 0; i <= g->n[d]; i++)
                    unknown += g->v[t][f - (size_t)(g->n[d] - i) * stride] == ATTACK_UNKNOWN;
                CHECK(unknown != 1);
            }
        }
        if (!base)
            continue;
        /* judgement totals (first dimension's total) against participation */
        size_t slice = g->count / (size_t)(g->n[0] + 1);
        for (size_t b = 0; b < slice; b++) {
            long long item_total = g->v[t][(size_t)g->n[0] * slice + b];
            CHECK_INT_EQ(item_total == ATTACK_UNKNOWN, base[b] == ATTACK_UNKNOWN);
            if (item_total != ATTACK_UNKNOWN && base[b] != ATTACK_UNKNOWN)
                CHECK_INT_EQ(item_total, base[b]);
        }
    }
}

/* The LP attacker on the linked checkup tables as hubd published them: participation and
 * the first ATTACKED_ITEMS item tables, every line sum of each, each item's judgement
 * totals equal to participation, every count >= 0. The whole request (13 items) takes the
 * attacker far longer than the suite allows, so it runs in the benchmark program
 * bench_stats_attack (docs/stats.md); fewer tables give the attacker fewer equations, so
 * this is weaker than the whole request and does not replace it. The true values are
 * computed here in-process (the same request, the same pattern as hubd's answer) to know
 * which entries are sensitive: none pinned, every sensitive one at least 10 wide. */
#define ATTACKED_ITEMS 2
static void attack_linked(const struct got *gp, const struct got *gi)
{
    char err[512];
    struct db *db = NULL;
    struct stattab_set *p = NULL, *it = NULL;
    struct sdc_rule rule;
    sdc_rule_default(&rule);
    REQUIRE(hubdb_open_db(T.db, 0, &db, err, sizeof err) == HUBDB_OK);
    int64_t cutoff = stattab_cutoff(START);
    CHECK(stattab_compute(db, STATTAB_PARTICIPATION, scope_of(1), 2025, cutoff, &rule, &p, err,
                          sizeof err) == 0);
    CHECK(stattab_compute(db, STATTAB_ITEMS, scope_of(1), 2025, cutoff, &rule, &it, err,
                          sizeof err) == 0);
    hubdb_db_close(db);
    REQUIRE(p && it && it->ntables == gi->ntables && p->ntables == 1);
    struct attack *a = attack_create();
    const struct sdc_table *truth[1 + ATTACKED_ITEMS];
    const long long *pub[1 + ATTACKED_ITEMS];
    int ids[1 + ATTACKED_ITEMS];
    truth[0] = p->tables[0].t;
    pub[0] = gp->v[0];
    ids[0] = attack_add_table(a, gp->ndims, gp->n, gp->ht, gp->v[0]);
    for (int i = 0; i < ATTACKED_ITEMS; i++) {
        truth[1 + i] = it->tables[i].t;
        pub[1 + i] = gi->v[i];
        ids[1 + i] = attack_add_table(a, gi->ndims, gi->n, gi->ht, gi->v[i]);
        attack_link(a, ids[0], ids[1 + i], 0);
    }
    attack_want(a, 10);
    long long *lo = malloc(sizeof(long long) * gi->count),
              *hi = malloc(sizeof(long long) * gi->count);
    REQUIRE(lo && hi);
    int differ = 0, unknowns = 0, pinned = 0, sensitive = 0, narrow = 0, outside = 0;
    for (int t = 0; t < 1 + ATTACKED_ITEMS; t++) {
        int n = attack_bounds(a, ids[t], lo, hi, (int)gi->count);
        CHECK(n >= 0);
        for (size_t f = 0, u = 0; n >= 0 && f < sdc_entries(truth[t]); f++) {
            long long v = sdc_value(truth[t], f);
            if (sdc_status_of(truth[t], f) == SDC_PUBLISHED) {
                differ += pub[t][f] != v;
                continue;
            }
            differ += pub[t][f] != ATTACK_UNKNOWN;
            long long w = hi[u] - lo[u];
            unknowns++;
            pinned += w < 1;
            sensitive += v < 10;
            narrow += v < 10 && w < 10;
            /* an interval narrower than 10 is the exact one (attack_want) */
            outside += w < 10 && (v < lo[u] || v > hi[u]);
            u++;
        }
    }
    fprintf(stderr,
            "linked attacker (participation + %d items): %d unknowns, %d pinned, %d sensitive of "
            "which %d narrower than 10\n",
            ATTACKED_ITEMS, unknowns, pinned, sensitive, narrow);
    CHECK_INT_EQ(differ, 0);
    CHECK(unknowns > 1000);
    CHECK_INT_EQ(pinned, 0);
    CHECK_INT_EQ(narrow, 0);
    CHECK_INT_EQ(outside, 0);
    free(lo);
    free(hi);
    attack_destroy(a);
    stattab_free(p);
    stattab_free(it);
}

static void t_town(void)
{
    char err[512];
    struct db *db = NULL;
    REQUIRE(hubdb_open_db(T.db, 0, &db, err, sizeof err) == HUBDB_OK);
    struct stats_town town = {
        .residents = 10000, .first_fy = 2023, .last_fy = 2025, .seed = 17, .watch_percent = 30};
    int built = stats_town_build(db, &town);
    /* another town: the scope the tables take has no residents there */
    struct sdc_rule rule;
    sdc_rule_default(&rule);
    struct stattab_set *s = NULL;
    CHECK(stattab_compute(db, STATTAB_ORDERS, scope_of(2), 2025, stattab_cutoff(START), &rule, &s,
                          err, sizeof err) != 0);
    CHECK(s == NULL);
    CHECK(stattab_compute(db, STATTAB_ORDERS, scope_of(1), 2025, stattab_cutoff(START), &rule, &s,
                          err, sizeof err) == 0);
    stattab_free(s);
    hubdb_db_close(db);
    REQUIRE(built == 0);
    REQUIRE(ht_ctl(&T, "token", staff, sizeof staff, "staff-add --name 統計係") == 0);
    REQUIRE(ht_ctl(&T, "token", home, sizeof home, "device-add --kind home --resident 1") == 0);
    /* A day's first table request computes the day's tables of 10,000 residents inside
     * the request: seconds on a quiet machine, minutes in the sanitizer build on a busy
     * one. The test is about the tables, so a request may take that long here. */
    T.timeout_s = 600;
    REQUIRE(ht_start(&T, "") == 0);
}

static void t_tables_and_attacker(void)
{
    int D = n_districts();
    REQUIRE(D == 9);
    /* participation: age band x sex x district, all with totals */
    cJSON *p = get_table("checkup-participation", 2025);
    struct got gp;
    REQUIRE(parse(p, 3, (int[]){12, 2, D}, (int[]){1, 1, 1}, &gp) == 0);
    CHECK_INT_EQ(gp.ntables, 1);
    attack_all(&gp, -1);
    /* the items: judgement x the same, linked to participation */
    cJSON *it = get_table("checkup-items", 2025);
    struct got gi;
    REQUIRE(parse(it, 4, (int[]){4, 12, 2, D}, (int[]){1, 1, 1, 1}, &gi) == 0);
    CHECK_INT_EQ(gi.ntables, 13);
    no_lone_unknown(&gi, gp.v[0]);
    no_lone_unknown(&gp, NULL);
    attack_linked(&gp, &gi);
    /* the same request again: the same answer, to the byte */
    char *a = NULL, *b = NULL;
    CHECK_INT_EQ(
        ht_req(&T, "GET", "/v1/stats/checkup-items?fy=2025", staff, NULL, NULL, NULL, 0, &a), 200);
    CHECK_INT_EQ(
        ht_req(&T, "GET", "/v1/stats/checkup-items?fy=2025", staff, NULL, NULL, NULL, 0, &b), 200);
    CHECK(a && b && strcmp(a, b) == 0);
    free(a);
    free(b);
    /* watch: measure (no total) x district x month (no total); orders: district x month */
    cJSON *w = get_table("watch", 2025);
    struct got gw;
    REQUIRE(parse(w, 3, (int[]){4, D, 12}, (int[]){0, 1, 0}, &gw) == 0);
    attack_all(&gw, -1);
    cJSON *o = get_table("orders", 2025);
    struct got go;
    REQUIRE(parse(o, 2, (int[]){D, 12}, (int[]){1, 0}, &go) == 0);
    attack_all(&go, -1);
    got_free(&gp);
    got_free(&gi);
    got_free(&gw);
    got_free(&go);
    cJSON_Delete(p);
    cJSON_Delete(it);
    cJSON_Delete(w);
    cJSON_Delete(o);
    /* no resident is the subject of a statistics record: no access log lists them */
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE action = 'stats.read'"
                                " AND subject_resident_id IS NOT NULL"),
                 0);
}

static void t_formats(void)
{
    char *csv = NULL, *svg = NULL;
    CHECK_INT_EQ(
        ht_req(&T, "GET", "/v1/stats/orders?fy=2025&format=csv", staff, NULL, NULL, NULL, 0, &csv),
        200);
    CHECK(csv && strncmp(csv, "fiscal_year,district,month,count\n", 33) == 0);
    CHECK(csv && strstr(csv, ",計,04,"));
    CHECK_INT_EQ(
        ht_req(&T, "GET", "/v1/stats/watch?fy=2025&format=svg", staff, NULL, NULL, NULL, 0, &svg),
        200);
    CHECK(svg && strstr(svg, "<svg") && strstr(svg, "見守り回答"));
    free(csv);
    free(svg);
    /* hubctl prints the same CSV (and audits it) */
    char n[32] = "";
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "stats orders --fy 2025 > /dev/null"), 0);
    CHECK(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE action = 'stats.read'"
                         " AND actor = 'hubctl'") == 1);
    CHECK_INT_EQ(ht_ctl(&T, NULL, n, sizeof n, "stats nosuch --fy 2025"), 2);
}

static void t_only_staff(void)
{
    CHECK(ht_refused(&T, "GET", "/v1/stats/orders?fy=2025", home, NULL, NULL, NULL, 0, NULL,
                     "a home device"));
    char *body = NULL;
    CHECK_INT_EQ(ht_req(&T, "GET", "/v1/stats/orders", staff, NULL, NULL, NULL, 0, &body), 400);
    free(body);
    CHECK_INT_EQ(
        ht_req(&T, "GET", "/v1/stats/orders?fy=2025&format=pdf", staff, NULL, NULL, NULL, 0, &body),
        400);
    free(body);
}

/* Exact counts (no suppression) computed in-process as of the hub clock's day: what the
 * published tables are cut from. */
static long long exact_total(enum stattab_kind kind, time_t at)
{
    char err[512];
    struct db *db = NULL;
    struct stattab_set *s = NULL;
    struct sdc_rule none = {.threshold = 0, .zero_sensitive = 0, .min_width = 0};
    long long total = -1;
    if (hubdb_open_db(T.db, 0, &db, err, sizeof err) != HUBDB_OK)
        return -1;
    if (stattab_compute(db, kind, scope_of(1), 2025, stattab_cutoff(at), &none, &s, err,
                        sizeof err) == 0) {
        total = 0;
        for (int i = 0; i < s->ntables; i++) {
            const struct sdc_table *t = s->tables[i].t;
            int idx[SDC_MAX_DIMS];
            for (size_t f = 0; f < sdc_entries(t); f++) {
                sdc_unflat(t, f, idx);
                int cell = 1;
                for (int d = 0; d < sdc_ndims(t); d++)
                    cell &= idx[d] < sdc_size(t, d);
                if (cell)
                    total += sdc_value(t, f);
            }
        }
    }
    stattab_free(s);
    hubdb_db_close(db);
    return total;
}

/* Published in both answers: nothing outside the district `d` (and its totals) changes,
 * nothing grows, and something falls. */
static void compare_after_optout(cJSON *before, cJSON *after, int district_col)
{
    const cJSON *rb = cJSON_GetObjectItem(before, "rows"), *ra = cJSON_GetObjectItem(after, "rows");
    REQUIRE(cJSON_GetArraySize(rb) == cJSON_GetArraySize(ra));
    int fell = 0;
    for (int i = 0; i < cJSON_GetArraySize(rb); i++) {
        const cJSON *x = cJSON_GetArrayItem(rb, i), *y = cJSON_GetArrayItem(ra, i);
        int last = cJSON_GetArraySize(x) - 1;
        const cJSON *vx = cJSON_GetArrayItem(x, last), *vy = cJSON_GetArrayItem(y, last);
        if (!cJSON_IsNumber(vx) || !cJSON_IsNumber(vy))
            continue;
        const char *d = cJSON_GetArrayItem(x, district_col)->valuestring;
        CHECK(vy->valuedouble <= vx->valuedouble);
        if (strcmp(d, "北町") != 0 && strcmp(d, "計") != 0)
            CHECK(vy->valuedouble == vx->valuedouble);
        fell += vy->valuedouble < vx->valuedouble;
    }
    CHECK(fell > 0);
}

/* `hubctl stats-optout` (or with --withdraw) for the residents ids[0..n), OPTOUT_RUN paper
 * forms a run (a run a form made this test hundreds of processes): every run succeeds, and
 * each form is audited with its resident as subject. */
#define OPTOUT_RUN 40
static void optout_runs(const long long *ids, int n, int withdraw)
{
    const char *action = withdraw ? "stats.optin" : "stats.optout";
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM audit WHERE action = '%s' AND subject_resident_id IS NOT NULL",
             action);
    long long audited = ht_sql_int(&T, sql);
    for (int i = 0; i < n; i += OPTOUT_RUN) {
        char args[1024];
        size_t len =
            (size_t)snprintf(args, sizeof args, "stats-optout%s", withdraw ? " --withdraw" : "");
        for (int k = i; k < n && k < i + OPTOUT_RUN; k++)
            len += (size_t)snprintf(args + len, sizeof args - len, " --resident %lld", ids[k]);
        REQUIRE(len < sizeof args);
        CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 0);
    }
    CHECK_INT_EQ(ht_sql_int(&T, sql), audited + n);
}

static long long opted_out(long long id)
{
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM stats_optouts WHERE resident_id = %lld", id);
    return ht_sql_int(&T, sql);
}

/* Older residents of 北町 with a checkup refuse: from the next day on they are counted
 * nowhere; withdrawing counts them again. */
static void t_opt_out(void)
{
    cJSON *p0 = get_table("checkup-participation", 2025);
    cJSON *o0 = get_table("orders", 2025);
    cJSON *w0 = get_table("watch", 2025);
    long long exact0 = exact_total(STATTAB_PARTICIPATION, START);
    REQUIRE(exact0 > 0);
    long long ids[300];
    /* the residents to opt out, in one query (one connection, not one per id) */
    int n = ht_sql_ints(&T,
                        "SELECT r.id FROM residents r WHERE r.id BETWEEN 1 AND 3000"
                        " AND r.district = '北町' AND r.birth_date < '1960-01-01' AND EXISTS"
                        " (SELECT 1 FROM checkups c WHERE c.resident_id = r.id"
                        " AND c.date >= '2025-04-01' AND c.date < '2026-04-01') ORDER BY r.id",
                        ids, 300);
    fprintf(stderr, "opting out %d residents\n", n);
    REQUIRE(n > 20);
    optout_runs(ids, n, 0);
    /* the same day: today's tables stand (no differencing within a day) */
    char *a = cJSON_PrintUnformatted(p0), *b = NULL;
    cJSON *p1 = get_table("checkup-participation", 2025);
    b = cJSON_PrintUnformatted(p1);
    CHECK(a && b && strcmp(a, b) == 0);
    free(a);
    free(b);
    /* the next day: gone from every table */
    ht_set_clock(&T, START + 86400);
    CHECK_INT_EQ(exact_total(STATTAB_PARTICIPATION, START + 86400), exact0 - n);
    cJSON *p2 = get_table("checkup-participation", 2025);
    cJSON *o2 = get_table("orders", 2025);
    cJSON *w2 = get_table("watch", 2025);
    compare_after_optout(p0, p2, 2);
    compare_after_optout(o0, o2, 0);
    compare_after_optout(w0, w2, 1);
    /* withdrawn: counted again from the next day */
    optout_runs(ids, n, 1);
    ht_set_clock(&T, START + 2 * 86400);
    CHECK_INT_EQ(exact_total(STATTAB_PARTICIPATION, START + 2 * 86400), exact0);
    cJSON *p3 = get_table("checkup-participation", 2025);
    a = cJSON_PrintUnformatted(cJSON_GetObjectItem(p0, "rows"));
    b = cJSON_PrintUnformatted(cJSON_GetObjectItem(p3, "rows"));
    CHECK(a && b && strcmp(a, b) == 0);
    free(a);
    free(b);
    /* a run of several forms: a wrong id changes nothing; an unknown resident stops the run
     * there, the forms before it done, those after it not */
    char args[160];
    snprintf(args, sizeof args, "stats-optout --resident %lld --resident 12x", ids[0]);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 2);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "stats-optout --withdraw"), 2);
    CHECK_INT_EQ(opted_out(ids[0]), 0);
    snprintf(args, sizeof args, "stats-optout --resident %lld --resident 99999 --resident %lld",
             ids[0], ids[1]);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 1);
    CHECK_INT_EQ(opted_out(ids[0]), 1);
    CHECK_INT_EQ(opted_out(ids[1]), 0);
    optout_runs(ids, 1, 1);
    cJSON_Delete(p0);
    cJSON_Delete(o0);
    cJSON_Delete(w0);
    cJSON_Delete(p1);
    cJSON_Delete(p2);
    cJSON_Delete(o2);
    cJSON_Delete(w2);
    cJSON_Delete(p3);
}

/* A second town on the same hub: its staff see its tables only (a few residents: every
 * count suppressed, none of the first town's), and the first town's tables do not change. */
static void t_other_town(void)
{
    char staff2[128], id[32];
    char *before = NULL, *after = NULL, *body = NULL;
    CHECK_INT_EQ(ht_req(&T, "GET", "/v1/stats/orders?fy=2025", staff, NULL, NULL, NULL, 0, &before),
                 200);
    REQUIRE(ht_ctl(&T, NULL, NULL, 0, "municipality-add --code 131016 --name 千代田区") == 0);
    REQUIRE(ht_ctl(&T, "token", staff2, sizeof staff2,
                   "staff-add --municipality 131016 --name 統計係") == 0);
    /* no residents yet: nothing to show, and nothing of the first town */
    CHECK_INT_EQ(ht_req(&T, "GET", "/v1/stats/orders?fy=2025", staff2, NULL, NULL, NULL, 0, &body),
                 404);
    free(body);
    body = NULL;
    for (int i = 0; i < 3; i++) {
        char args[160];
        snprintf(args, sizeof args,
                 "resident-add --municipality 131016 --name 住民 --district 番町 --deadline 10:00");
        REQUIRE(ht_ctl(&T, "resident_id", id, sizeof id, args) == 0);
    }
    cJSON *j = NULL;
    CHECK_INT_EQ(
        ht_json(&T, "GET", "/v1/stats/checkup-participation?fy=2025", staff2, NULL, NULL, &j), 200);
    char *text = j ? cJSON_PrintUnformatted(j) : NULL;
    CHECK(text && strstr(text, "番町") && !strstr(text, "北町"));
    const cJSON *row;
    cJSON_ArrayForEach(row, cJSON_GetObjectItem(j, "rows"))
    {
        const cJSON *c = cJSON_GetArrayItem(row, cJSON_GetArraySize(row) - 1);
        CHECK(cJSON_IsString(c));
    }
    free(text);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_req(&T, "GET", "/v1/stats/orders?fy=2025", staff, NULL, NULL, NULL, 0, &after),
                 200);
    CHECK(before && after && strcmp(before, after) == 0);
    free(before);
    free(after);
}

int main(void)
{
    if (ht_init(&T, START) != 0) {
        fprintf(stderr, "cannot set up the hub\n");
        return 1;
    }
    TEST_RUN(t_town);
    TEST_RUN(t_tables_and_attacker);
    TEST_RUN(t_formats);
    TEST_RUN(t_only_staff);
    TEST_RUN(t_opt_out);
    TEST_RUN(t_other_town);
    ht_cleanup(&T);
    return test_summary();
}
