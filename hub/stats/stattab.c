/*
 * stattab.c: computing the fixed tables (see stattab.h) from the statistics store.
 *
 * Each resident counts once per cell: in the checkup tables with their newest valid
 * checkup of the fiscal year (so the judgement totals are the participation table, which
 * lets the engine protect them as linked tables); in the monthly tables once per month in
 * which they had the event (months have no total: a resident counts in several).
 */
#include "stattab.h"
#include "checkup_judge.h"
#include "statsdata.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const kind_names[STATTAB_KINDS] = {"checkup-participation", "checkup-items",
                                                      "watch", "orders"};

static const char *const kind_data[STATTAB_KINDS] = {
    "stats:checkup-participation", "stats:checkup-items", "stats:watch", "stats:orders"};

struct audit_rec stattab_audit_rec(enum stattab_kind kind, const char *actor,
                                   const char *destination, const char *request_id, int64_t now)
{
    return (struct audit_rec){.at = (time_t)now,
                              .actor = actor,
                              .action = "stats.read",
                              .outcome = "ok",
                              .subject = 0,
                              .data_kinds = (int)kind >= 0 && kind < STATTAB_KINDS ? kind_data[kind]
                                                                                   : "stats",
                              .purpose = "statistics",
                              .basis = "aggregate:suppressed",
                              .source = "hub",
                              .destination = destination,
                              .request_id = request_id};
}

const char *stattab_name(enum stattab_kind k)
{
    return (int)k >= 0 && k < STATTAB_KINDS ? kind_names[k] : "";
}

int stattab_kind_of(const char *name)
{
    for (int k = 0; name && k < STATTAB_KINDS; k++)
        if (strcmp(name, kind_names[k]) == 0)
            return k;
    return -1;
}

#define N_AGES 12
static const char *const age_labels[N_AGES] = {"0-39",  "40-44", "45-49", "50-54", "55-59", "60-64",
                                               "65-69", "70-74", "75-79", "80-84", "85-89", "90-"};
static const char *const sex_labels[2] = {"男", "女"};
#define N_JUDGE 4
static const char *const judge_labels[N_JUDGE] = {"基準内", "保健指導", "受診をおすすめ",
                                                  "判定なし"};
static const char *const month_labels[12] = {"04", "05", "06", "07", "08", "09",
                                             "10", "11", "12", "01", "02", "03"};

/* The items judged by the MHLW table (checkup_judge.c), by identity code. */
static const struct {
    const char *identity;
    const char *title;
} items[] = {
    {"9N011", "BMI"},
    {"9N016", "腹囲"},
    {"9A750", "収縮期血圧"},
    {"9A760", "拡張期血圧"},
    {"3D046", "HbA1c"},
    {"3D010", "血糖"},
    {"3F077", "LDLコレステロール"},
    {"3F070", "HDLコレステロール"},
    {"3F015", "中性脂肪"},
    {"3B035", "AST"},
    {"3B045", "ALT"},
    {"3B090", "γ-GT"},
    {"8A065", "eGFR"},
};
#define N_ITEMS ((int)(sizeof items / sizeof items[0]))

#define N_MEASURES 4
static const char *const measure_labels[N_MEASURES] = {"見守り回答", "未回答アラート", "ヘルプ",
                                                       "元気がない"};
static const enum statsdata_event measure_events[N_MEASURES] = {STATSDATA_CHECKIN, STATSDATA_MISSED,
                                                                STATSDATA_HELP, STATSDATA_UNWELL};

#define JST (9 * 3600)

int64_t stattab_cutoff(int64_t t)
{
    int64_t local = t + JST;
    int64_t day = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    return day * 86400 - JST;
}

/* 00:00 Japan time of the first day of month mo (1-12) of year y. */
static int64_t month_start(int y, int mo)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = 1};
    return (int64_t)timegm(&tm) - JST;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_district(void *ctx, const char *d)
{
    struct stattab_set *s = ctx;
    if (s->ndistricts == STATTAB_MAX_DISTRICTS)
        return 1;
    s->districts[s->ndistricts] = strdup(d ? d : "");
    return s->districts[s->ndistricts++] ? 0 : 1;
}

static int district_index(const struct stattab_set *s, const char *d)
{
    char *const key = (char *)d;
    char *const *hit = bsearch(&key, s->districts, (size_t)s->ndistricts, sizeof(char *), cmp_str);
    return hit ? (int)(hit - s->districts) : -1;
}

void stattab_free(struct stattab_set *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->ntables; i++)
        sdc_table_destroy(s->tables[i].t);
    for (int i = 0; i < s->ndistricts; i++)
        free(s->districts[i]);
    free(s);
}

/* Age in whole years on date (both YYYY-MM-DD), or -1. */
static int age_on(const char *birth, const char *date)
{
    int by, bm, bd, y, m, d;
    if (!birth || !date || sscanf(birth, "%4d-%2d-%2d", &by, &bm, &bd) != 3 ||
        sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3)
        return -1;
    int age = y - by - ((m < bm || (m == bm && d < bd)) ? 1 : 0);
    return age >= 0 && age < 150 ? age : -1;
}

static int age_band(int age)
{
    if (age < 40)
        return 0;
    int b = (age - 40) / 5 + 1;
    return b >= N_AGES ? N_AGES - 1 : b;
}

static int sex_index(const char *checkup_sex, const char *resident_sex)
{
    const char *s = checkup_sex && (!strcmp(checkup_sex, "male") || !strcmp(checkup_sex, "female"))
                        ? checkup_sex
                        : resident_sex;
    return s && !strcmp(s, "male") ? 0 : s && !strcmp(s, "female") ? 1 : -1;
}

/* ---- checkup tables ---- */

/* The newest checkup seen so far of the resident being read (rows come ordered by
 * resident, date, id). */
struct ck_walk {
    struct stattab_set *s;
    struct sdc_table *base;
    struct sdc_table **item;
    int64_t resident, checkup;
    int cell[3]; /* age band, sex, district; cell[0] < 0: not countable */
    int judge[N_ITEMS];
    int rows;
};

static int judge_rank(enum checkup_judgement j)
{
    return j == CHECKUP_J_SEE_DOCTOR ? 3
           : j == CHECKUP_J_GUIDANCE ? 2
           : j == CHECKUP_J_NORMAL   ? 1
                                     : 0;
}

static void ck_flush(struct ck_walk *w)
{
    if (w->resident == 0 || w->cell[0] < 0)
        return;
    sdc_table_add(w->base, w->cell, 1);
    for (int i = 0; w->item && i < N_ITEMS; i++) {
        /* rank 0 (no judged result) is 判定なし, the last category */
        int j = w->judge[i] == 0 ? 3 : w->judge[i] - 1;
        sdc_table_add(w->item[i], (int[]){j, w->cell[0], w->cell[1], w->cell[2]}, 1);
    }
}

static int ck_row(void *ctx, const struct statsdata_checkup *c)
{
    struct ck_walk *w = ctx;
    w->rows++;
    if (c->resident != w->resident || c->checkup != w->checkup) {
        if (c->resident != w->resident)
            ck_flush(w);
        /* a newer checkup of the same resident replaces what was read of the older */
        w->resident = c->resident;
        w->checkup = c->checkup;
        memset(w->judge, 0, sizeof w->judge);
        int age = age_on(c->birth_date, c->date);
        int sex = sex_index(c->checkup_sex, c->resident_sex);
        int d = district_index(w->s, c->district);
        w->cell[0] = age < 0 || sex < 0 || d < 0 ? -1 : age_band(age);
        w->cell[1] = sex;
        w->cell[2] = d;
    }
    if (!c->result)
        return 0;
    for (int i = 0; i < N_ITEMS; i++) {
        if (strcmp(c->result->identity, items[i].identity) != 0)
            continue;
        enum checkup_sex sx = w->cell[1] == 0 ? CHECKUP_SEX_MALE : CHECKUP_SEX_FEMALE;
        int r = judge_rank(checkup_judge_result(c->result, sx, NULL));
        /* several results of one item (two methods, fasting and casual): the worst */
        if (r > w->judge[i])
            w->judge[i] = r;
    }
    return 0;
}

static void set_dim(struct stattab_set *s, int d, const char *name, int n, int total,
                    const char *const *labels)
{
    s->dims[d] = (struct stattab_dim){name, n, total, (const char **)labels};
}

static int compute_checkups(struct db *db, struct stattab_set *s, int with_items, char *err,
                            size_t errcap)
{
    int bn[3] = {N_AGES, 2, s->ndistricts}, bt[3] = {1, 1, 1};
    int in[4] = {N_JUDGE, N_AGES, 2, s->ndistricts}, it[4] = {1, 1, 1, 1};
    struct sdc_table *base = sdc_table_create(3, bn, bt);
    struct sdc_table *item[N_ITEMS] = {0};
    int rc = -1;
    if (!base)
        goto oom;
    /* the items are computed for participation alone too: the participation pattern is
     * the one protected together with them, the same in both requests */
    for (int i = 0; i < N_ITEMS; i++)
        if (!(item[i] = sdc_table_create(4, in, it)))
            goto oom;
    char from[24], to[24];
    snprintf(from, sizeof from, "%04d-04-01", s->fiscal_year);
    snprintf(to, sizeof to, "%04d-04-01", s->fiscal_year + 1);
    struct ck_walk w = {.s = s, .base = base, .item = item};
    if (statsdata_checkups(db, s->town, from, to, s->cutoff, ck_row, &w) != DB_OK) {
        snprintf(err, errcap, "the checkups could not be read: %s", db_errmsg(db));
        goto out;
    }
    ck_flush(&w);
    s->protection = sdc_protect_linked(base, item, N_ITEMS, 0, &s->rule);
    if (s->protection == SDC_ERR_ARG) {
        snprintf(err, errcap, "the checkup tables do not add up (a bug)");
        goto out;
    }
    if (with_items) {
        set_dim(s, 0, "judgement", N_JUDGE, 1, judge_labels);
        set_dim(s, 1, "age_band", N_AGES, 1, age_labels);
        set_dim(s, 2, "sex", 2, 1, sex_labels);
        set_dim(s, 3, "district", s->ndistricts, 1, (const char *const *)s->districts);
        s->ndims = 4;
        for (int i = 0; i < N_ITEMS; i++) {
            s->tables[s->ntables++] = (struct stattab_table){items[i].title, item[i]};
            item[i] = NULL;
        }
    } else {
        set_dim(s, 0, "age_band", N_AGES, 1, age_labels);
        set_dim(s, 1, "sex", 2, 1, sex_labels);
        set_dim(s, 2, "district", s->ndistricts, 1, (const char *const *)s->districts);
        s->ndims = 3;
        s->tables[s->ntables++] = (struct stattab_table){"", base};
        base = NULL;
    }
    rc = 0;
    goto out;
oom:
    snprintf(err, errcap, "out of memory");
out:
    sdc_table_destroy(base);
    for (int i = 0; i < N_ITEMS; i++)
        sdc_table_destroy(item[i]);
    return rc;
}

/* ---- monthly tables ---- */

struct ev_walk {
    struct stattab_set *s;
    struct sdc_table *t;
    int measure; /* -1: the table has no measure dimension */
};

static int ev_row(void *ctx, const char *district, int month, int64_t n)
{
    struct ev_walk *w = ctx;
    int d = district_index(w->s, district);
    if (d < 0 || month < 0 || month >= 12)
        return 0;
    if (w->measure >= 0)
        sdc_table_add(w->t, (int[]){w->measure, d, month}, n);
    else
        sdc_table_add(w->t, (int[]){d, month}, n);
    return 0;
}

static int compute_months(struct db *db, struct stattab_set *s, char *err, size_t errcap)
{
    int watch = s->kind == STATTAB_WATCH;
    int wn[3] = {N_MEASURES, s->ndistricts, 12}, wt[3] = {0, 1, 0};
    int on[2] = {s->ndistricts, 12}, ot[2] = {1, 0};
    struct sdc_table *t = watch ? sdc_table_create(3, wn, wt) : sdc_table_create(2, on, ot);
    if (!t) {
        snprintf(err, errcap, "out of memory");
        return -1;
    }
    /* the months' starts, none past the cutoff (a month after it is empty) */
    int64_t bounds[STATSDATA_MONTHS + 1];
    for (int m = 0; m <= STATSDATA_MONTHS; m++) {
        int y = s->fiscal_year + (m >= 9), mo = (m + 3) % 12 + 1;
        bounds[m] = month_start(y, mo);
        if (bounds[m] > s->cutoff)
            bounds[m] = s->cutoff;
    }
    for (int k = 0; k < (watch ? N_MEASURES : 1); k++) {
        struct ev_walk w = {s, t, watch ? k : -1};
        enum statsdata_event ev = watch ? measure_events[k] : STATSDATA_ORDER;
        if (statsdata_event_months(db, s->town, ev, bounds, s->cutoff, ev_row, &w) != DB_OK) {
            snprintf(err, errcap, "the %s could not be read: %s",
                     watch ? "check-ins and alerts" : "orders", db_errmsg(db));
            sdc_table_destroy(t);
            return -1;
        }
    }
    s->protection = sdc_protect(t, &s->rule);
    int d = 0;
    if (watch)
        set_dim(s, d++, "measure", N_MEASURES, 0, measure_labels);
    set_dim(s, d++, "district", s->ndistricts, 1, (const char *const *)s->districts);
    set_dim(s, d++, "month", 12, 0, month_labels);
    s->ndims = d;
    s->tables[s->ntables++] = (struct stattab_table){"", t};
    return 0;
}

int stattab_compute(struct db *db, enum stattab_kind kind, const struct scope *town, int fy,
                    int64_t cutoff, const struct sdc_rule *rule, struct stattab_set **out,
                    char *err, size_t errcap)
{
    struct stattab_set *s = calloc(1, sizeof *s);
    int rc = -1;
    *out = NULL;
    if (!s) {
        snprintf(err, errcap, "out of memory");
        return -1;
    }
    s->kind = kind;
    s->town = town;
    s->fiscal_year = fy;
    s->cutoff = cutoff;
    s->rule = *rule;
    if (statsdata_districts(db, town, add_district, s) != DB_OK) {
        snprintf(err, errcap, "the districts could not be read: %s",
                 s->ndistricts == STATTAB_MAX_DISTRICTS ? "more than 200 districts"
                                                        : db_errmsg(db));
        goto out;
    }
    if (s->ndistricts == 0) {
        snprintf(err, errcap, "municipality %lld has no residents", (long long)scope_town(town));
        rc = 1;
        goto out;
    }
    /* the same order on every backend and every day */
    qsort(s->districts, (size_t)s->ndistricts, sizeof(char *), cmp_str);
    switch (kind) {
    case STATTAB_PARTICIPATION:
    case STATTAB_ITEMS:
        rc = compute_checkups(db, s, kind == STATTAB_ITEMS, err, errcap);
        break;
    case STATTAB_WATCH:
    case STATTAB_ORDERS:
        rc = compute_months(db, s, err, errcap);
        break;
    default:
        snprintf(err, errcap, "no such table");
        break;
    }
out:
    if (rc == 0)
        *out = s;
    else
        stattab_free(s);
    return rc;
}
