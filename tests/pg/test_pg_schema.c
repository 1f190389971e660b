/*
 * test_pg_schema.c: the hub's migrations in the PostgreSQL dialect (hub/core/hubdb_pg.c)
 * apply on a fresh database, give the same schema as the SQLite migrations (every table,
 * every column in the same order with the matching type and NOT NULL, so an INSERT
 * without a column list means the same on both), declare no 32-bit integer (Unix times
 * and ids are bound as text and typed by their column), and keep the audit log
 * append-only (UPDATE, DELETE and TRUNCATE refused); a database of schema 26 (the audit
 * rule's plpgsql trigger, audit_seq over every record) with chained and unchained records
 * migrates and keeps its chain, its rule and its sequencer working.
 */
#include "audit.h"
#include "db.h"
#include "hubdb.h"
#include "hubdb_pg.h"
#include "pgserver.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct pgserver *server;
static char pg_url[512];
static char sq_dir[64], sq_path[128];

/* Tables that exist on one backend only, by design. */
static int backend_own(const char *t)
{
    return strcmp(t, "hub_schema_version") == 0 || strcmp(t, "audit_head") == 0 ||
           strncmp(t, "sqlite_", 7) == 0;
}

/* "name type notnull" lines of every column of every shared table, ordered, into out. */
static int describe(struct db *db, char *out, size_t cap)
{
    const char *sql =
        db_dialect(db) == DB_SQLITE
            ? "SELECT m.name, p.name, upper(p.type), p.\"notnull\" + p.pk FROM sqlite_master m,"
              " pragma_table_info(m.name) p WHERE m.type = 'table' ORDER BY m.name, p.cid"
            : "SELECT c.table_name, c.column_name, CASE c.data_type WHEN 'bigint' THEN"
              " 'INTEGER' WHEN 'double precision' THEN 'REAL' WHEN 'bytea' THEN 'BLOB' WHEN"
              " 'text' THEN 'TEXT' ELSE c.data_type END, CASE c.is_nullable WHEN 'NO' THEN 1"
              " ELSE 0 END FROM information_schema.columns c WHERE c.table_schema = 'public'"
              " ORDER BY c.table_name, c.ordinal_position";
    struct db_stmt *st = NULL;
    size_t o = 0;
    if (db_prepare(db, sql, &st) != DB_OK) {
        fprintf(stderr, "describe: %s\n", db_errmsg(db));
        return -1;
    }
    out[0] = '\0';
    while (db_step(st) == DB_ROW) {
        const char *t = db_col_text(st, 0);
        if (backend_own(t))
            continue;
        int n = snprintf(out + o, cap - o, "%s.%s %s %s\n", t, db_col_text(st, 1),
                         db_col_text(st, 2), db_col_int64(st, 3) ? "not-null" : "null");
        if (n < 0 || (size_t)n >= cap - o) {
            db_finalize(st);
            return -1;
        }
        o += (size_t)n;
    }
    db_finalize(st);
    return 0;
}

static struct db *open_pg_migrated(void)
{
    char err[256];
    struct db *db = NULL;
    if (db_open(pg_url, 0, &db, err, sizeof err) != DB_OK)
        return NULL;
    if (hubdb_migrate_db(db, err, sizeof err) != HUBDB_OK) {
        fprintf(stderr, "migrate: %s\n", err);
        db_close(db);
        return NULL;
    }
    return db;
}

static void t_same_schema_as_sqlite(void)
{
    int n = 0;
    hubdb_pg_steps(&n);
    CHECK_INT_EQ(n, hubdb_schema_version());

    char err[256];
    struct db *sq = NULL;
    REQUIRE(hubdb_open_db(sq_path, 1, &sq, err, sizeof err) == HUBDB_OK);
    CHECK(hubdb_migrate_db(sq, err, sizeof err) == HUBDB_OK);
    hubdb_db_close(sq);
    struct db *lite = NULL;
    REQUIRE(db_open(sq_path, 0, &lite, err, sizeof err) == DB_OK);
    struct db *pg = open_pg_migrated();
    REQUIRE(pg);
    CHECK_INT_EQ(db_schema_version(pg), hubdb_schema_version());

    static char a[64 * 1024], b[64 * 1024];
    CHECK(describe(lite, a, sizeof a) == 0);
    CHECK(describe(pg, b, sizeof b) == 0);
    CHECK(strlen(a) > 1000);
    if (strcmp(a, b) != 0) {
        /* Name the first line that differs. */
        const char *p = a, *q = b;
        while (*p && *p == *q)
            p++, q++;
        while (p > a && p[-1] != '\n')
            p--, q--;
        fprintf(stderr, "first difference:\n  sqlite:   %.*s\n  postgres: %.*s\n",
                (int)strcspn(p, "\n"), p, (int)strcspn(q, "\n"), q);
        CHECK(!"the two schemas differ");
    }
    /* Rows the migrations insert are the same too. */
    char v[256] = "", w[256] = "";
    CHECK_INT_EQ(db_get_text(lite, "SELECT name || purpose FROM legal_bases", 0, v, sizeof v),
                 DB_ROW);
    CHECK_INT_EQ(db_get_text(pg, "SELECT name || purpose FROM legal_bases", 0, w, sizeof w),
                 DB_ROW);
    CHECK_STR_EQ(v, w);
    int64_t narrow = -1;
    CHECK_INT_EQ(db_get_int64(pg,
                              "SELECT COUNT(*) FROM information_schema.columns WHERE"
                              " table_schema = 'public' AND data_type IN ('integer',"
                              " 'smallint', 'real') AND table_name <> 'hub_schema_version'",
                              0, &narrow),
                 DB_ROW);
    CHECK_INT_EQ(narrow, 0);
    db_close(lite);
    db_close(pg);
}

static void t_audit_is_append_only(void)
{
    struct db *db = open_pg_migrated();
    REQUIRE(db);
    CHECK_INT_EQ(db_exec(db, "INSERT INTO audit VALUES(1, 0, 'a', 'b', 'ok', NULL, '', '', '',"
                             " 'hub', 'x', 'r', 'p', 'h')"),
                 DB_OK);
    CHECK(db_exec(db, "UPDATE audit SET actor = 'someone else'") != DB_OK);
    CHECK(strstr(db_errmsg(db), "append-only") != NULL);
    CHECK(db_exec(db, "DELETE FROM audit") != DB_OK);
    CHECK(db_exec(db, "TRUNCATE audit") != DB_OK);
    int64_t n = -1;
    CHECK_INT_EQ(db_get_int64(db, "SELECT COUNT(*) FROM audit", 0, &n), DB_ROW);
    CHECK_INT_EQ(n, 1);
    char head[80] = "";
    CHECK_INT_EQ(
        db_get_text(db, "SELECT last_id || ':' || last_hash FROM audit_head", 0, head, sizeof head),
        DB_ROW);
    CHECK(strncmp(head, "0:0000000000", 12) == 0);
    db_close(db);
}

/* n records of the hub log appended (unchained) and committed, then chained if `chain`. */
static void append(struct db *db, int from, int n, int chain)
{
    REQUIRE(db_begin(db) == DB_OK);
    for (int i = from; i < from + n; i++) {
        char rid[32];
        snprintf(rid, sizeof rid, "before-%d", i);
        struct audit_rec r = {.at = 1700000000 + i,
                              .actor = "hubctl",
                              .action = "test.append",
                              .outcome = "ok",
                              .data_kinds = "safety",
                              .purpose = "test",
                              .basis = "none",
                              .source = "hub",
                              .destination = "hubctl",
                              .request_id = rid,
                              .town = -1};
        REQUIRE(audit_append_db(db, &r, NULL) == DB_OK);
    }
    REQUIRE(db_commit(db) == DB_OK);
    long long chained = 0;
    if (chain) {
        CHECK_INT_EQ(audit_chain_all_db(db, &chained), DB_OK);
        CHECK_INT_EQ(chained, n);
    }
}

static void t_upgrade_from_26(void)
{
    char url[512], err[256], msg[256], def[256] = "";
    struct db *db = NULL;
    REQUIRE(pgserver_create_db(server, "hub26", url, sizeof url) == 0);
    REQUIRE(db_open(url, 0, &db, err, sizeof err) == DB_OK);
    int n = 0;
    const char *const *pg = hubdb_pg_steps(&n);
    REQUIRE(n >= 27);
    struct db_migration steps[26];
    for (int i = 0; i < 26; i++)
        steps[i] = (struct db_migration){.postgres = pg[i]};
    REQUIRE(db_migrate(db, steps, 26, err, sizeof err) == DB_OK);
    append(db, 1, 3, 1);
    append(db, 4, 2, 0);

    REQUIRE(hubdb_migrate_db(db, err, sizeof err) == HUBDB_OK);
    CHECK_INT_EQ(db_schema_version(db), hubdb_schema_version());
    CHECK_INT_EQ(db_get_text(db, "SELECT indexdef FROM pg_indexes WHERE indexname = 'audit_seq'", 0,
                             def, sizeof def),
                 DB_ROW);
    CHECK(strstr(def, "UNIQUE") != NULL && strstr(def, "WHERE (seq IS NOT NULL)") != NULL);
    /* The records stored unchained before the upgrade are chained after it. */
    long long chained = 0, bad = 0, records = 0;
    CHECK_INT_EQ(audit_chain_all_db(db, &chained), DB_OK);
    CHECK_INT_EQ(chained, 2);
    append(db, 6, 2, 1);
    CHECK_INT_EQ(audit_verify_db(db, NULL, &bad, &records, msg, sizeof msg), AUDIT_VERIFY_OK);
    CHECK_INT_EQ(records, 7);
    CHECK_STR_EQ(msg, "");
    /* The rule holds as before: a record is neither changed, moved, unchained nor
     * deleted; one place is never given twice. */
    CHECK(db_exec(db, "UPDATE audit SET actor = 'someone else' WHERE seq = 2") != DB_OK);
    CHECK(strstr(db_errmsg(db), "append-only") != NULL);
    CHECK(db_exec(db, "UPDATE audit SET seq = 100 WHERE seq = 2") != DB_OK);
    CHECK(db_exec(db, "UPDATE audit SET seq = NULL, prev_hash = '', hash = ''"
                      " WHERE seq = 7") != DB_OK);
    CHECK(db_exec(db, "DELETE FROM audit WHERE seq = 1") != DB_OK);
    CHECK(strstr(db_errmsg(db), "append-only") != NULL);
    CHECK(db_exec(db, "ALTER TABLE audit DISABLE TRIGGER audit_append_only_u;"
                      "UPDATE audit SET seq = 3 WHERE seq = 2") != DB_OK);
    CHECK(strstr(db_errmsg(db), "audit_seq") != NULL);
    CHECK_INT_EQ(audit_verify_db(db, NULL, &bad, &records, msg, sizeof msg), AUDIT_VERIFY_OK);
    CHECK_INT_EQ(records, 7);
    db_close(db);
}

int main(void)
{
    char err[256];
    server = pgserver_start(err, sizeof err);
    if (!server || pgserver_create_db(server, "hub", pg_url, sizeof pg_url) != 0) {
        fprintf(stderr, "test_pg_schema: %s\n", server ? "cannot create the database" : err);
        pgserver_destroy(server);
        return 1;
    }
    snprintf(sq_dir, sizeof sq_dir, "/tmp/pgschema.XXXXXX");
    if (!mkdtemp(sq_dir)) {
        pgserver_destroy(server);
        return 1;
    }
    snprintf(sq_path, sizeof sq_path, "%s/hub.db", sq_dir);
    TEST_RUN(t_same_schema_as_sqlite);
    TEST_RUN(t_audit_is_append_only);
    TEST_RUN(t_upgrade_from_26);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", sq_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", sq_dir);
    pgserver_destroy(server);
    return test_summary();
}
