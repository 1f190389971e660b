/*
 * test_hub_upgrade.c: a database made by the hub as it was at commit 67f3f1f (schema 5,
 * the orders tables created outside the migrations; made by upgrade/make-v5-db.sh) is
 * migrated by today's hubctl and hubd and keeps every record: every table of the old file
 * holds the same rows in its old columns afterwards (but the secrets, now sealed:
 * test_hub_sealed), the audit chain and its signed checkpoint still verify, the schema is at
 * today's version, and today's hubd serves the old rows (the resident's order, an Idempotency-Key
 * replayed from before the upgrade) and stores new ones in the same tables.
 */
#include "hubdb.h"
#include "hubtest.h"
#include "test.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct hubtest T;
static char home1[160];

#define MAX_TABLES 64

struct table_sum {
    char name[64];
    char cols[1024]; /* the old columns, comma-separated */
    long long rows;
    uint64_t digest;
};
static struct table_sum before[MAX_TABLES];
static int n_tables;

/* FNV-1a over every value's type and bytes, rows in a fixed order. */
static int digest_table(sqlite3 *db, struct table_sum *t, long long *rows, uint64_t *digest)
{
    char sql[2 * sizeof t->cols + sizeof t->name + 32];
    sqlite3_stmt *st = NULL;
    uint64_t h = 1469598103934665603ull;
    *rows = 0;
    snprintf(sql, sizeof sql, "SELECT %s FROM %s ORDER BY %s", t->cols, t->name, t->cols);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "digest %s: %s\n", t->name, sqlite3_errmsg(db));
        return -1;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        (*rows)++;
        for (int c = 0; c < sqlite3_column_count(st); c++) {
            int type = sqlite3_column_type(st, c);
            const unsigned char *p = sqlite3_column_blob(st, c);
            int n = sqlite3_column_bytes(st, c);
            h = (h ^ (uint64_t)type) * 1099511628211ull;
            for (int i = 0; i < n; i++)
                h = (h ^ p[i]) * 1099511628211ull;
        }
    }
    sqlite3_finalize(st);
    *digest = h;
    return 0;
}

static sqlite3 *open_ro(void)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(T.db, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

/* The secrets today's hub seals at the upgrade (test_hub_sealed checks them): their
 * values change, what they hold does not. */
static int sealed_column(const char *table, const char *col)
{
    return (strcmp(table, "ord_webhooks") == 0 && strcmp(col, "secret") == 0) ||
           (strcmp(table, "ord_pseudo_keys") == 0 && strcmp(col, "key") == 0);
}

/* Every table of the old file with its columns (but the sealed ones), row count and
 * digest. */
static int snapshot_before(void)
{
    sqlite3 *db = open_ro();
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (!db || sqlite3_prepare_v2(db,
                                  "SELECT name FROM sqlite_master WHERE type = 'table'"
                                  " AND name NOT LIKE 'sqlite_%' ORDER BY name",
                                  -1, &st, NULL) != SQLITE_OK)
        goto out;
    while (sqlite3_step(st) == SQLITE_ROW && n_tables < MAX_TABLES) {
        struct table_sum *t = &before[n_tables++];
        snprintf(t->name, sizeof t->name, "%.60s", (const char *)sqlite3_column_text(st, 0));
    }
    for (int i = 0; i < n_tables; i++) {
        char sql[sizeof before[i].name + 64];
        sqlite3_stmt *ci = NULL;
        snprintf(sql, sizeof sql, "SELECT name FROM pragma_table_info('%.63s') ORDER BY cid",
                 before[i].name);
        if (sqlite3_prepare_v2(db, sql, -1, &ci, NULL) != SQLITE_OK)
            goto out;
        size_t len = 0;
        while (sqlite3_step(ci) == SQLITE_ROW && len + 70 < sizeof before[i].cols) {
            const char *col = (const char *)sqlite3_column_text(ci, 0);
            if (sealed_column(before[i].name, col))
                continue;
            len += (size_t)snprintf(before[i].cols + len, sizeof before[i].cols - len,
                                    "%s\"%.60s\"", len ? "," : "", col);
        }
        sqlite3_finalize(ci);
        if (digest_table(db, &before[i], &before[i].rows, &before[i].digest) != 0)
            goto out;
    }
    rc = 0;
out:
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rc;
}

static void t_fixture_is_old(void)
{
    CHECK_INT_EQ(ht_sql_int(&T, "PRAGMA user_version"), 5);
    CHECK(n_tables >= 29);
    /* a row in every table the old hub's use wrote (enrolment, check-ins, help, orders,
     * deliveries, family requests, consents, alerts, audit) */
    static const char *const filled[] = {
        "residents",    "devices",         "checkins", "activity",          "idempotency",
        "consents",     "alerts",          "audit",    "audit_checkpoints", "operators",
        "ord_orders",   "ord_order_items", "ord_idem", "ord_deliveries",    "ord_famreq",
        "ord_webhooks", "ord_pseudo_keys"};
    for (size_t i = 0; i < sizeof filled / sizeof filled[0]; i++) {
        long long rows = -1;
        for (int k = 0; k < n_tables; k++)
            if (strcmp(before[k].name, filled[i]) == 0)
                rows = before[k].rows;
        if (rows <= 0)
            fprintf(stderr, "fixture table %s: %lld rows\n", filled[i], rows);
        CHECK(rows > 0);
    }
}

/* hubctl audit-verify with the fixture's key (which hubd also signs with: it is T.key). */
static int verify(void)
{
    char args[256];
    snprintf(args, sizeof args, "audit-verify --key %s", T.key);
    return ht_ctl(&T, NULL, NULL, 0, args);
}

static int verify_problem(char *problem, size_t cap)
{
    char args[256];
    snprintf(args, sizeof args, "audit-verify --key %s", T.key);
    return ht_ctl(&T, "problem", problem, cap, args);
}

static void t_migrates_keeping_every_record(void)
{
    /* any hubctl command migrates first; audit-verify then checks the old chain */
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "audit-verify"), 0);
    /* The old hub signed checkpoints, not tree heads: with the key, its records are not
     * covered until today's hub signs its first head (at its start, below). */
    char problem[64] = "";
    CHECK_INT_EQ(verify_problem(problem, sizeof problem), 1);
    CHECK_STR_EQ(problem, "records no signed tree head covers");
    CHECK_INT_EQ(ht_sql_int(&T, "PRAGMA user_version"), hubdb_schema_version());
    sqlite3 *db = open_ro();
    REQUIRE(db);
    for (int i = 0; i < n_tables; i++) {
        long long rows = -1;
        uint64_t digest = 0;
        CHECK_INT_EQ(digest_table(db, &before[i], &rows, &digest), 0);
        if (rows != before[i].rows || digest != before[i].digest)
            fprintf(stderr, "table %s changed: %lld rows before, %lld after\n", before[i].name,
                    before[i].rows, rows);
        CHECK_INT_EQ(rows, before[i].rows);
        CHECK(digest == before[i].digest);
    }
    sqlite3_close(db);
}

static void t_new_hub_serves_old_rows(void)
{
    cJSON *j = NULL;
    REQUIRE(ht_start(&T, "") == 0);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/orders", home1, NULL, NULL, &j), 200);
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "orders")), 1);
    cJSON_Delete(j);
    static const char order[] =
        "{\"items\":[{\"id\":\"cabbage\",\"qty\":2},{\"id\":\"milk\",\"qty\":1}],"
        "\"slot\":\"2026-11-25T15:00/17:00\",\"payment_method\":\"cash_on_delivery\"}";
    /* the key used before the upgrade: a replay, no second order (and, like every replay,
     * no new audit record: tell the harness the key was answered before) */
    snprintf(T.idem[T.n_idem++], sizeof T.idem[0], "%s order-1", home1);
    CHECK_INT_EQ(ht_req(&T, "POST", "/v1/operators/1/orders", home1, NULL, "order-1", order,
                        strlen(order), NULL),
                 201);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM ord_orders"), 1);
    static const char order2[] = "{\"items\":[{\"id\":\"milk\",\"qty\":1}],"
                                 "\"slot\":\"2026-11-27T10:00/12:00\",\"payment_method\":"
                                 "\"cash_on_delivery\"}";
    CHECK_INT_EQ(ht_req(&T, "POST", "/v1/operators/1/orders", home1, NULL, "order-2", order2,
                        strlen(order2), NULL),
                 201);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM ord_orders"), 2);
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/checkins", home1, NULL, "{\"answer\":\"genki\"}", &j),
                 201);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_stop(&T), 0);
    CHECK_INT_EQ(verify(), 0); /* the old chain and checkpoint, continued by today's hub */
}

static int copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    char buf[65536];
    size_t n;
    int rc = in && out ? 0 : -1;
    while (rc == 0 && (n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            rc = -1;
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        rc = -1;
    return rc;
}

/* The value of NAME=... in the fixture's env file. */
static int env_value(const char *path, const char *name, char *out, size_t cap)
{
    FILE *f = fopen(path, "r");
    char line[256];
    size_t n = strlen(name);
    int rc = -1;
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, name, n) == 0 && line[n] == '=') {
            line[strcspn(line, "\n")] = '\0';
            snprintf(out, cap, "%.*s", (int)(cap - 1), line + n + 1);
            rc = 0;
        }
    }
    if (f)
        fclose(f);
    return rc;
}

int main(void)
{
    char wal[300];
    /* the fixture's clock: the day after it was made, 13:00 JST */
    time_t start = 1763942400 + 86400 + 4 * 3600;
    ht_init(&T, start);
    snprintf(wal, sizeof wal, "%s-wal", T.db);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", T.db);
    unlink(wal);
    int ok = copy_file(FIXTURE_DIR "/hub-v5.db", T.db) == 0 &&
             copy_file(FIXTURE_DIR "/hub-v5.key", T.key) == 0 &&
             env_value(FIXTURE_DIR "/hub-v5.env", "home1", home1, sizeof home1) == 0 &&
             snapshot_before() == 0;
    if (!ok) {
        fprintf(stderr, "cannot set up the old database from %s\n", FIXTURE_DIR);
        ht_cleanup(&T);
        return 1;
    }
    TEST_RUN(t_fixture_is_old);
    TEST_RUN(t_migrates_keeping_every_record);
    TEST_RUN(t_new_hub_serves_old_rows);
    ht_cleanup(&T);
    return test_summary();
}
