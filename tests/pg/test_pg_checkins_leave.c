/*
 * test_pg_checkins_leave.c: on PostgreSQL checkins has no foreign keys (docs/decisions.md);
 * a town leaving the hub (townleave_remove(), what `hubctl municipality-remove` runs) while
 * its devices' check-ins are being stored leaves no check-in without its resident or
 * device, whichever transaction comes first:
 *   - a batch of check-ins stored but not yet committed when the town leaves: the removal
 *     waits for it and deletes its check-ins too;
 *   - the town's removal under way when a check-in comes (through checkins_add_many(), a
 *     writer batch, and checkins_add(), a job alone): the check-in waits for it and is
 *     refused (DB_ERR_CONSTRAINT), as for a resident that does not exist.
 * Each time no check-in anywhere names a resident or device that is gone (and in the first
 * case town 1's check-in of the same batch is kept). Two connections on a private server, the
 * second transaction in a thread; a third connection sees when one waits for the other's lock.
 */
#include "checkins.h"
#include "db.h"
#include "devices.h"
#include "hubdb.h"
#include "pgserver.h"
#include "residents.h"
#include "scope.h"
#include "test.h"
#include "townleave.h"
#include "towns.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define T0 1764979200LL

static struct pgserver *server;
static char url[512];
static struct db *one, *two, *watch; /* the two writers and the watcher */
static int64_t res_home, dev_home;   /* a resident of town 1 and their device */

static struct db *open_db(void)
{
    char err[256];
    struct db *db = NULL;
    if (db_open(url, DB_OPEN_CREATE, &db, err, sizeof err) != DB_OK)
        fprintf(stderr, "open: %s\n", err);
    return db;
}

static int64_t count(const char *sql)
{
    int64_t n = -1;
    return db_get_int64(watch, sql, 0, &n) == DB_ROW ? n : -1;
}

/* Check-ins whose resident or device does not exist. */
static int64_t orphans(void)
{
    return count("SELECT COUNT(*) + 0 * ? FROM checkins c WHERE NOT EXISTS (SELECT 1 FROM"
                 " residents r WHERE r.id = c.resident_id) OR NOT EXISTS (SELECT 1 FROM"
                 " devices d WHERE d.id = c.device_id)");
}

/* Waits (up to 10 s) until some transaction of this database waits for a lock: the other
 * one's. 0 once it does, -1 when none did. */
static int someone_waits(void)
{
    for (int i = 0; i < 1000; i++) {
        if (count("SELECT COUNT(*) + 0 * ? FROM pg_stat_activity WHERE wait_event_type ="
                  " 'Lock' AND datname = current_database()") > 0)
            return 0;
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
    return -1;
}

/* A new town (by its code) with one resident and their home device. */
static void new_town(const char *code, int64_t *town, int64_t *res, int64_t *dev)
{
    struct towns_new t = {.code = code, .name = code, .service_hours = "", .contact = ""};
    struct residents_new r = {.display_name = "住民", .district = "中央", .deadline_min = 600};
    char hash[32];
    snprintf(hash, sizeof hash, "hash-%s", code);
    REQUIRE(db_begin(one) == DB_OK);
    REQUIRE(towns_add(one, &t, T0, town) == DB_OK);
    REQUIRE(residents_add(one, scope_of(*town), &r, T0, res) == DB_OK);
    REQUIRE(devices_add(one, scope_of(*town), "home", *res, NULL, hash, T0, dev) == DB_OK);
    REQUIRE(db_commit(one) == DB_OK);
}

/* The second transaction, run by a thread while the first holds its locks. */
struct second {
    pthread_t th;
    int64_t town, res, dev;
    int alone;           /* checkins_add() instead of a batch */
    enum db_status step; /* the store call's answer */
    enum db_status end;  /* the commit's (DB_OK), or DB_ERR when rolled back */
};

static void *leave(void *arg)
{
    struct second *x = arg;
    int64_t rows = 0;
    x->step = db_begin(one);
    if (x->step == DB_OK)
        x->step = townleave_remove(one, scope_of(x->town), &rows);
    x->end = x->step == DB_OK ? db_commit(one) : DB_ERR;
    if (x->end != DB_OK)
        db_rollback(one);
    return NULL;
}

/* The town's check-in with town 1's, in one batch or alone, in transaction db. */
static enum db_status store(struct db *db, const struct second *x, int64_t at)
{
    int64_t id = 0;
    if (x->alone)
        return checkins_add(db, scope_of(x->town), x->res, x->dev, "genki", at, &id);
    struct checkins_new c[2] = {{scope_of(1), res_home, dev_home, "genki", at, 0},
                                {scope_of(x->town), x->res, x->dev, "genki", at, 0}};
    return checkins_add_many(db, c, 2);
}

static void *check_in(void *arg)
{
    struct second *x = arg;
    x->step = db_begin(two);
    if (x->step == DB_OK)
        x->step = store(two, x, T0 + 200 + x->alone);
    x->end = x->step == DB_OK ? db_commit(two) : DB_ERR;
    if (x->end != DB_OK)
        db_rollback(two);
    return NULL;
}

/* A batch stored, not committed, when the town leaves: the removal waits for it, then
 * deletes its check-in with everything else of the town. */
static void t_checkin_then_leave(void)
{
    struct second x = {0};
    new_town("011002", &x.town, &x.res, &x.dev);
    REQUIRE(db_begin(two) == DB_OK);
    CHECK_INT_EQ(store(two, &x, T0 + 100), DB_OK);
    REQUIRE(pthread_create(&x.th, NULL, leave, &x) == 0);
    CHECK_INT_EQ(someone_waits(), 0); /* the removal waits for the check-ins' commit */
    CHECK_INT_EQ(db_commit(two), DB_OK);
    pthread_join(x.th, NULL);
    CHECK_INT_EQ(x.step, DB_OK);
    CHECK_INT_EQ(x.end, DB_OK);
    CHECK_INT_EQ(orphans(), 0);
    CHECK_INT_EQ(count("SELECT COUNT(*) + 0 * ? FROM checkins WHERE at_unix = 1764979300"), 1);
}

/* The town leaving, not committed, when its check-in comes (in a batch with town 1's, or
 * alone): the check-in waits, then is refused; nothing of it is stored. */
static void leave_then_checkin(const char *code, int alone)
{
    struct second x = {.alone = alone};
    int64_t rows = 0;
    new_town(code, &x.town, &x.res, &x.dev);
    REQUIRE(db_begin(one) == DB_OK);
    CHECK_INT_EQ(townleave_remove(one, scope_of(x.town), &rows), DB_OK);
    REQUIRE(pthread_create(&x.th, NULL, check_in, &x) == 0);
    CHECK_INT_EQ(someone_waits(), 0); /* the check-in waits for the removal's commit */
    CHECK_INT_EQ(db_commit(one), DB_OK);
    pthread_join(x.th, NULL);
    CHECK_INT_EQ(x.step, DB_ERR_CONSTRAINT);
    CHECK_INT_EQ(orphans(), 0);
    CHECK_INT_EQ(count("SELECT COUNT(*) + 0 * ? FROM checkins WHERE at_unix > 1764979300"), 0);
}

static void t_leave_then_batch(void)
{
    leave_then_checkin("131016", 0);
}

static void t_leave_then_checkin(void)
{
    leave_then_checkin("472018", 1);
}

/* The schema, and town 1's resident and device (the migrated hub's own town). */
static void t_setup(void)
{
    char err[256];
    struct residents_new r = {.display_name = "本町 一郎", .district = "北", .deadline_min = 600};
    REQUIRE(one && two && watch && hubdb_migrate_db(one, err, sizeof err) == HUBDB_OK);
    REQUIRE(db_begin(one) == DB_OK);
    REQUIRE(residents_add(one, scope_of(1), &r, T0, &res_home) == DB_OK);
    REQUIRE(devices_add(one, scope_of(1), "home", res_home, NULL, "hash-home", T0, &dev_home) ==
            DB_OK);
    REQUIRE(db_commit(one) == DB_OK);
}

int main(void)
{
    char err[256];
    server = pgserver_start(err, sizeof err);
    if (!server || pgserver_create_db(server, "hub", url, sizeof url) != 0) {
        fprintf(stderr, "test_pg_checkins_leave: %s\n", server ? "no database" : err);
        pgserver_destroy(server);
        return 1;
    }
    one = open_db();
    two = open_db();
    watch = open_db();
    TEST_RUN(t_setup);
    TEST_RUN(t_checkin_then_leave);
    TEST_RUN(t_leave_then_batch);
    TEST_RUN(t_leave_then_checkin);
    db_close(one);
    db_close(two);
    db_close(watch);
    pgserver_destroy(server);
    return test_summary();
}
