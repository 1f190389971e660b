/*
 * stats_town.c: the synthetic town (see stats_town.h).
 */
#include "stats_town.h"
#include "actors.h"
#include "checkins.h"
#include "ckstore.h"
#include "db.h"
#include "devices.h"
#include "escalate.h"
#include "ordstore.h"
#include "residents.h"
#include "scope.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define JST (9 * 3600)

/* the municipality being built (stats_town_build's) */
static const struct scope *town;

static uint64_t rng;

static uint32_t rnd(void)
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(rng >> 33);
}

static double unif(void)
{
    return (double)rnd() / 2147483648.0;
}

/* districts of very different sizes: per mille of the town */
static const struct {
    const char *name;
    int permille;
} districts[] = {{"北町", 250}, {"南町", 200}, {"東町", 180}, {"西町", 150}, {"中央", 120},
                 {"山手", 50},  {"浜辺", 30},  {"新田", 15},  {"小島", 5}};

static const char *pick_district(void)
{
    int r = (int)(rnd() % 1000), acc = 0;
    for (size_t i = 0; i < sizeof districts / sizeof districts[0]; i++) {
        acc += districts[i].permille;
        if (r < acc)
            return districts[i].name;
    }
    return districts[0].name;
}

static int64_t jst_time(int y, int mo, int d, int h, int mi)
{
    struct tm tm = {
        .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi};
    return (int64_t)timegm(&tm) - JST;
}

struct person {
    int64_t id, device;
    int by, bm, bd, female;
    const char *district;
};

static int fail(struct db *db, const char *what)
{
    fprintf(stderr, "stats_town: %s: %s\n", what, db_errmsg(db));
    db_rollback(db);
    return -1;
}

static int add_residents(struct db *db, const struct stats_town *c, struct person *p, int64_t now)
{
    for (int i = 0; i < c->residents;) {
        if (db_begin(db) != DB_OK)
            return fail(db, "begin");
        for (int k = 0; k < 1000 && i < c->residents; k++, i++) {
            char name[32], number[16], key[96], msg[64], hash[40];
            snprintf(name, sizeof name, "住民%d", i + 1);
            snprintf(number, sizeof number, "%d", 100000 + i);
            if (ckstore_member_key("00012345", NULL, number, NULL, key, sizeof key, msg,
                                   sizeof msg) != 0)
                return fail(db, msg);
            /* ages 20-99, more old than young, as in a small town */
            int age = 20 + (int)(80.0 * sqrt(unif()));
            p[i].by = c->last_fy - age;
            p[i].bm = 1 + (int)(rnd() % 12);
            p[i].bd = 1 + (int)(rnd() % 28);
            p[i].female = (int)(rnd() % 2);
            p[i].district = pick_district();
            struct residents_new r = {.display_name = name,
                                      .district = p[i].district,
                                      .deadline_min = 600,
                                      .member_key = key};
            char birth[16];
            int changed = 0;
            snprintf(birth, sizeof birth, "%04d-%02d-%02d", p[i].by, p[i].bm, p[i].bd);
            if (residents_add(db, town, &r, now, &p[i].id) != DB_OK ||
                residents_set_person(db, town, p[i].id, birth, p[i].female ? "female" : "male",
                                     &changed) != DB_OK)
                return fail(db, "resident");
            if ((int)(rnd() % 100) < c->watch_percent) {
                snprintf(hash, sizeof hash, "statstown-device-%d", i);
                if (devices_add(db, town, "home", p[i].id, NULL, hash, now, &p[i].device) != DB_OK)
                    return fail(db, "device");
            }
        }
        if (db_commit(db) != DB_OK)
            return fail(db, "commit");
    }
    return 0;
}

static const struct {
    const char *code, *unit;
    double lo, span;
} items[] = {
    {"9N011000000000001", "kg/m2", 17, 14},
    {"9N016160100000001", "cm", 68, 32},
    {"9A751000000000001", "mm[Hg]", 100, 60},
    {"9A761000000000001", "mm[Hg]", 58, 40},
    {"3D046000001906202", "%", 4.8, 2.4},
    {"3D010000001926101", "mg/dL", 78, 60},
    {"3F077000002327101", "mg/dL", 70, 100},
    {"3F070000002327101", "mg/dL", 32, 60},
    {"3F015000002327101", "mg/dL", 45, 280},
    {"3B035000002327201", "U/L", 12, 40},
    {"3B045000002327201", "U/L", 8, 50},
    {"3B090000002327101", "U/L", 10, 110},
    {"8A065000002391901", "ml/min/1.73m2", 35, 65},
};
#define N_ITEMS ((int)(sizeof items / sizeof items[0]))

/* Imports the CSV in buf through the checkup store, in one transaction. */
static int import_csv(struct db *db, int64_t source, const char *buf, size_t len, int64_t now)
{
    struct checkup_list *list = NULL;
    struct ckstore_reject rej;
    struct ckstore_stored *stored = NULL;
    if (ckstore_parse(buf, len, CKSTORE_CSV, &list, &rej) != 0) {
        fprintf(stderr, "stats_town: the generated CSV was refused: %s\n", rej.message);
        return -1;
    }
    int rc = -1;
    if (db_begin(db) != DB_OK) {
        fail(db, "begin");
    } else if (ckstore_add(db, town, source, list, CKSTORE_CSV, NULL, 0, now, &stored, &rej) != 0) {
        fail(db, "checkups");
    } else if (db_commit(db) != DB_OK) {
        fail(db, "commit");
    } else {
        rc = 0;
    }
    free(stored);
    checkup_list_free(list);
    return rc;
}

static int add_checkups(struct db *db, const struct stats_town *c, const struct person *p,
                        int64_t source, int64_t now)
{
    for (int fy = c->first_fy; fy <= c->last_fy; fy++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = NULL;
        int in_file = 0;
        for (int i = 0; i <= c->residents; i++) {
            if (f && (in_file == 1000 || i == c->residents)) {
                fclose(f);
                int rc = import_csv(db, source, buf, len, now);
                free(buf);
                f = NULL;
                buf = NULL;
                if (rc != 0)
                    return -1;
            }
            if (i == c->residents)
                break;
            int age = fy - p[i].by;
            int chance = age < 40 ? 10 : age < 75 ? 45 : 30;
            if ((int)(rnd() % 100) >= chance)
                continue;
            if (!f) {
                f = open_memstream(&buf, &len);
                if (!f)
                    return -1;
                fputs("insurer_number,insured_number,sex,birth_date,source_org_id,date,item_code,"
                      "value,unit\n",
                      f);
                in_file = 0;
            }
            in_file++;
            int mo = 6 + (int)(rnd() % 8); /* June to January */
            int y = fy + (mo > 12);
            mo = (mo - 1) % 12 + 1;
            char head[160];
            snprintf(head, sizeof head, "00012345,%d,%s,%04d-%02d-%02d,1310000001,%04d-%02d-%02d,",
                     100000 + i, p[i].female ? "female" : "male", p[i].by, p[i].bm, p[i].bd, y, mo,
                     1 + (int)(rnd() % 28));
            for (int k = 0; k < N_ITEMS; k++) {
                if (rnd() % 20 == 0)
                    continue; /* not measured: 判定なし */
                /* older residents fare worse, a little */
                double u = unif() * 0.8 + (age > 60 ? 0.2 * unif() : 0);
                fprintf(f, "%s%s,%.1f,%s\n", head, items[k].code, items[k].lo + items[k].span * u,
                        items[k].unit);
            }
        }
    }
    return 0;
}

/* Check-ins waiting to be stored in one statement (checkins_add_many: one round trip on
 * PostgreSQL for the batch, where one per check-in made this most of the town's build). */
struct pending {
    struct checkins_new c[CHECKINS_MANY_MAX];
    size_t n;
};

/* Stores the pending check-ins; their ids stay in q->c[] until the next one is queued. */
static int store_checkins(struct db *db, struct pending *q)
{
    size_t n = q->n;
    q->n = 0;
    if (n > 0 && checkins_add_many(db, q->c, n) != DB_OK)
        return fail(db, "check-ins");
    return 0;
}

/* The pending check-ins are stored before any other write but an order's (orders share no
 * table with them): every row and id comes out as one write per check-in made them (a
 * 元気がない alert names its check-in's id; the missed check-in pass reads them). */
static int add_watch_and_orders(struct db *db, const struct stats_town *c, const struct person *p,
                                struct pending *q)
{
    int fy = c->last_fy;
    for (int m = 0; m < 12; m++) {
        int y = fy + (m >= 9), mo = (m + 3) % 12 + 1;
        if (db_begin(db) != DB_OK)
            return fail(db, "begin");
        for (int i = 0; i < c->residents; i++) {
            if (p[i].device) {
                int days = (int)(rnd() % 6);
                for (int d = 0; d < days; d++) {
                    int64_t at = jst_time(y, mo, 1 + (int)(rnd() % 28), 8, (int)(rnd() % 60));
                    int unwell = rnd() % 25 == 0;
                    long long alert = 0;
                    size_t at_q = q->n;
                    q->c[q->n++] = (struct checkins_new){.sc = town,
                                                         .resident = p[i].id,
                                                         .device = p[i].device,
                                                         .answer = unwell ? "genkinai" : "genki",
                                                         .at = at};
                    if ((unwell || q->n == CHECKINS_MANY_MAX) && store_checkins(db, q) != 0)
                        return -1;
                    if (unwell && escalate_unwell(db, town, p[i].id, q->c[at_q].id, (time_t)at,
                                                  "device:0", "statstown", &alert) != 0)
                        return fail(db, "unwell alert");
                }
                if (rnd() % 60 == 0) {
                    long long ids[2];
                    char rid[48]; /* a press's request id keys its alert */
                    int64_t at = jst_time(y, mo, 1 + (int)(rnd() % 28), 14, 0);
                    snprintf(rid, sizeof rid, "statstown-%d-%d", i, m);
                    if (store_checkins(db, q) != 0 ||
                        escalate_help(db, town, p[i].id, (time_t)at, "device:0", rid, ids) != 0)
                        return fail(db, "help");
                }
            }
            int age = fy - p[i].by;
            if (age >= 65 && rnd() % 12 == 0) {
                struct orders_order o = {
                    .resident_id = p[i].id, .operator_id = 1, .n_items = 1, .total_yen = 2000};
                snprintf(o.district, sizeof o.district, "%s", p[i].district);
                char slot[64];
                snprintf(slot, sizeof slot, "%04d-%02d-15T15:00/17:00", y, mo);
                snprintf(o.slot, sizeof o.slot, "%.22s", slot);
                snprintf(o.payment, sizeof o.payment, "cash_on_delivery");
                snprintf(o.items[0].id, sizeof o.items[0].id, "rice");
                snprintf(o.items[0].name, sizeof o.items[0].name, "米");
                o.items[0].qty = 1;
                o.items[0].unit_price_yen = 2000;
                if (ordstore_insert(db, town, &o, jst_time(y, mo, 1 + (int)(rnd() % 28), 11, 0)) !=
                    ORDERS_OK)
                    return fail(db, "order");
            }
        }
        /* the missed check-in pass of one afternoon a month: everyone without a sign of
         * life that day */
        int raised = 0;
        if (store_checkins(db, q) != 0)
            return -1;
        if (escalate_run(db, (time_t)jst_time(y, mo, 15, 13, 0), 120, "hubctl", &raised) != 0)
            return fail(db, "escalation");
        if (db_commit(db) != DB_OK)
            return fail(db, "commit");
    }
    return 0;
}

int stats_town_build(struct db *db, const struct stats_town *c)
{
    rng = c->seed;
    town = scope_of(c->municipality > 0 ? c->municipality : 1);
    int64_t now = jst_time(c->first_fy, 4, 1, 9, 0);
    struct person *p = calloc((size_t)c->residents, sizeof *p);
    struct pending *q = calloc(1, sizeof *q);
    int64_t source = 0;
    int rc = -1;
    if (!p || !q)
        goto out;
    if (add_residents(db, c, p, now) != 0)
        goto out;
    if (db_begin(db) != DB_OK ||
        actors_add(db, town, ACTORS_SOURCE, "市保健センター", "statstown-source", now, &source) !=
            DB_OK ||
        db_commit(db) != DB_OK) {
        fail(db, "source");
        goto out;
    }
    fprintf(stderr, "stats_town: %d residents\n", c->residents);
    if (add_checkups(db, c, p, source, now) != 0)
        goto out;
    fprintf(stderr, "stats_town: checkups of fiscal years %d-%d\n", c->first_fy, c->last_fy);
    if (add_watch_and_orders(db, c, p, q) != 0)
        goto out;
    fprintf(stderr, "stats_town: check-ins, alerts and orders of fiscal year %d\n", c->last_fy);
    /* A bulk load leaves the planner's statistics behind (PostgreSQL's autovacuum would
     * catch up within minutes); a town that grew day by day has them. */
    if (db_exec(db, "ANALYZE") != DB_OK) {
        fprintf(stderr, "stats_town: ANALYZE: %s\n", db_errmsg(db));
        goto out;
    }
    rc = 0;
out:
    free(q);
    free(p);
    return rc;
}
