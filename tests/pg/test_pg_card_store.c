/*
 * test_pg_card_store.c: the card-login stores (hub/store/challenges.c, sessions.c) on
 * both backends with the same assertions (storetest.h): a challenge works once, only on
 * its device and only in its lifetime, and of several processes spending one challenge at
 * once exactly one wins; sessions are found by token hash, read with their resident's
 * name, moved by use, ended once and only on their device; the card's holder is found by
 * the certificate's fingerprint.
 */
#include "challenges.h"
#include "scope.h"
#include "towns.h"
#include "sessions.h"
#include "storetest.h"
#include "test.h"

#include <stdio.h>
#include <string.h>

/* Everything here is the migrated hub's one municipality. */
#define TOWN scope_of(1)

#define NOW 1700000000

static void t_challenge_works_once(void)
{
    int64_t r = st_resident("花子", NULL, NULL);
    int64_t dev = st_device("home", r), other = st_device("public", 0);
    REQUIRE(r && dev && other);
    int64_t id = 0, id2 = 0;
    enum challenges_use use = CHALLENGES_OK;
    CHECK_INT_EQ(challenges_add(st_db, scope_of(1), dev, "aa01", NOW + 60, &id), DB_OK);
    CHECK(id > 0);
    CHECK_INT_EQ(challenges_add(st_db, scope_of(1), dev, "aa02", NOW + 60, &id2), DB_OK);
    CHECK(id2 > id);
    /* The same bytes twice is refused by the database. */
    CHECK_INT_EQ(challenges_add(st_db, scope_of(1), other, "aa01", NOW + 60, &id2),
                 DB_ERR_CONSTRAINT);

    CHECK_INT_EQ(challenges_use(st_db, scope_of(1), "ffff", dev, NOW, &use), DB_OK);
    CHECK_INT_EQ(use, CHALLENGES_UNKNOWN);
    /* Another device's attempt leaves it unspent for its own device. */
    CHECK_INT_EQ(challenges_use(st_db, scope_of(1), "aa01", other, NOW, &use), DB_OK);
    CHECK_INT_EQ(use, CHALLENGES_OTHER_DEVICE);
    CHECK_INT_EQ(challenges_use(st_db, scope_of(1), "aa01", dev, NOW + 60, &use), DB_OK);
    CHECK_INT_EQ(use, CHALLENGES_OK); /* the last second of its lifetime */
    CHECK_INT_EQ(challenges_use(st_db, scope_of(1), "aa01", dev, NOW + 61, &use), DB_OK);
    CHECK_INT_EQ(use, CHALLENGES_USED);
    CHECK_INT_EQ(st_int("SELECT used_unix FROM challenges WHERE id = ?", id), NOW + 60);
    /* Too late: spent anyway, so it cannot be tried again. */
    CHECK_INT_EQ(challenges_use(st_db, scope_of(1), "aa02", dev, NOW + 61, &use), DB_OK);
    CHECK_INT_EQ(use, CHALLENGES_EXPIRED);
    CHECK_INT_EQ(challenges_use(st_db, scope_of(1), "aa02", dev, NOW + 62, &use), DB_OK);
    CHECK_INT_EQ(use, CHALLENGES_USED);
}

enum { PROCS = 4, RACED = 40 };

/* One process spending every raced challenge once, each in its own transaction; the
 * number it won is its exit status (255: a failure). */
static int spend_all(int64_t dev)
{
    struct db *db = st_open();
    int won = 0;
    for (int i = 0; db && i < RACED; i++) {
        char hex[16];
        enum challenges_use use = CHALLENGES_UNKNOWN;
        enum db_status s = DB_ERR_BUSY;
        snprintf(hex, sizeof hex, "race%02d", i);
        for (int attempt = 0; attempt < 50 && db_status_retryable(s); attempt++) {
            s = db_begin(db);
            if (s == DB_OK)
                s = challenges_use(db, scope_of(1), hex, dev, NOW, &use);
            if (s == DB_OK)
                s = db_commit(db);
            else
                db_rollback(db);
        }
        if (s != DB_OK) {
            fprintf(stderr, "spend %s: %s\n", hex, db_errmsg(db));
            won = 255;
            break;
        }
        won += use == CHALLENGES_OK;
    }
    db_close(db);
    return db ? won : 255;
}

static void t_one_winner_among_processes(void)
{
    int64_t dev = st_device("public", 0), id = 0;
    REQUIRE(dev);
    for (int i = 0; i < RACED; i++) {
        char hex[16];
        snprintf(hex, sizeof hex, "race%02d", i);
        REQUIRE(challenges_add(st_db, scope_of(1), dev, hex, NOW + 60, &id) == DB_OK);
    }
    int total = st_processes(PROCS, spend_all, dev);
    CHECK_INT_EQ(total, RACED);
    CHECK_INT_EQ(st_int("SELECT COUNT(*) FROM challenges WHERE used_unix IS NULL", 0), 0);
}

static void t_sessions(void)
{
    int64_t r = st_resident("山田 花子", "fp01", NULL), dev = st_device("public", 0);
    int64_t other = st_device("public", 0);
    REQUIRE(r && dev && other);
    int64_t id = 0, id2 = 0, who = 0;
    struct sessions_row row;
    char name[64] = "";
    CHECK_INT_EQ(sessions_add(st_db, TOWN, "h1", dev, r, NOW, &id), DB_OK);
    CHECK(id > 0);
    CHECK_INT_EQ(sessions_add(st_db, TOWN, "h1", dev, r, NOW, &id2), DB_ERR_CONSTRAINT);
    CHECK_INT_EQ(sessions_add(st_db, TOWN, "h2", dev, r, NOW + 5, &id2), DB_OK);
    CHECK(id2 > id);

    memset(&row, 0, sizeof row);
    CHECK_INT_EQ(sessions_find(st_db, TOWN, "h1", &row), DB_ROW);
    CHECK_INT_EQ(row.id, id);
    CHECK_INT_EQ(row.device, dev);
    CHECK_INT_EQ(row.resident, r);
    CHECK_INT_EQ(row.created, NOW);
    CHECK_INT_EQ(row.last_used, NOW);
    CHECK_INT_EQ(row.ended, 0);
    CHECK_INT_EQ(sessions_find(st_db, TOWN, "nope", &row), DB_DONE);

    CHECK_INT_EQ(sessions_touch(st_db, TOWN, id, NOW + 100), DB_OK);
    memset(&row, 0, sizeof row);
    CHECK_INT_EQ(sessions_read(st_db, TOWN, id, &row, name, sizeof name), DB_ROW);
    CHECK_INT_EQ(row.last_used, NOW + 100);
    CHECK_INT_EQ(row.created, NOW);
    CHECK_STR_EQ(name, "山田 花子");
    CHECK_INT_EQ(sessions_read(st_db, TOWN, id + 100, &row, name, sizeof name), DB_DONE);

    /* Only the device it was opened on ends it, and only once. */
    CHECK_INT_EQ(sessions_end(st_db, TOWN, "h1", other, NOW + 200, &who), DB_DONE);
    CHECK_INT_EQ(sessions_end(st_db, TOWN, "h1", dev, NOW + 200, &who), DB_ROW);
    CHECK_INT_EQ(who, r);
    CHECK_INT_EQ(sessions_end(st_db, TOWN, "h1", dev, NOW + 201, &who), DB_DONE);
    CHECK_INT_EQ(sessions_find(st_db, TOWN, "h1", &row), DB_ROW);
    CHECK_INT_EQ(row.ended, 1);
    CHECK_INT_EQ(st_int("SELECT ended_unix FROM sessions WHERE id = ?", id), NOW + 200);
    CHECK_INT_EQ(sessions_find(st_db, TOWN, "h2", &row), DB_ROW);
    CHECK_INT_EQ(row.ended, 0);
}

static void t_card_holder(void)
{
    int64_t r = st_resident("佐藤 一郎", "c0ffee", NULL), who = 0, elsewhere = -1;
    char name[8] = "";
    REQUIRE(r);
    REQUIRE(st_resident("other", "beef", NULL));
    CHECK_INT_EQ(sessions_card_holder(st_db, TOWN, "c0ffee", &who, name, sizeof name, &elsewhere),
                 DB_ROW);
    CHECK_INT_EQ(who, r);
    CHECK_STR_EQ(name, "佐藤 "); /* cut to the caller's room */
    CHECK_INT_EQ(sessions_card_holder(st_db, TOWN, "dead", &who, name, sizeof name, &elsewhere),
                 DB_DONE);
}

int main(void)
{
    static const struct storetest tests[] = {
        STORETEST(t_challenge_works_once),
        STORETEST(t_one_winner_among_processes),
        STORETEST(t_sessions),
        STORETEST(t_card_holder),
    };
    return storetest_main(tests, (int)(sizeof tests / sizeof tests[0]));
}
