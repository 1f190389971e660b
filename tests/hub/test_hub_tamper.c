/*
 * test_hub_tamper.c: tampering with the audit log of a real database made by a real hubd,
 * as whoever holds the database (and, last, also the hub's key) would, and where each
 * case is caught (docs/hub.md "Transparency log" and "Witnesses"): by hubctl audit-verify
 * --key alone, or only by a witness (hubctl audit-witness) that kept an earlier head.
 *
 * The hub writes check-ins' audit records (over 256, so stored tree nodes are used), a
 * witness keeps the head after the first part (`early`) and another the final head
 * (`late`); the hub stops. Each case then tampers with the stopped hub's database,
 * checks audit-verify, starts the hub on the tampered database where a witness is
 * asked, and puts every audit table back as the hub left it.
 */
#include "audit.h"
#include "db.h"
#include "hubdb.h"
#include "hubtest.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct hubtest T;
static char staff[128], home[128];
static long long A, N; /* the early witness's tree size, the final size */
static long long LOG;  /* the town's audit log, where every record of this test goes */
static time_t NOW;

static int verify(char *problem, size_t cap, char *first_bad, size_t fcap)
{
    char args[256];
    problem[0] = '\0';
    snprintf(args, sizeof args, "audit-verify --key %s", T.key);
    int rc = ht_ctl(&T, "problem", problem, cap, args);
    if (first_bad)
        ht_ctl(&T, "first_bad_record", first_bad, fcap, args);
    return rc;
}

/* hubctl audit-witness with the kept head of `name` (copied, so each case starts from
 * the head the witness kept before the tampering). Its exit status; the verdict line. */
static int witness(const char *name, int copy, char *verdict, size_t cap)
{
    char args[1024], cmd[512];
    verdict[0] = '\0';
    if (copy) {
        snprintf(cmd, sizeof cmd, "cp %s/%s.state %s/case.state", T.dir, name, T.dir);
        if (system(cmd) != 0)
            return -1;
    }
    snprintf(args, sizeof args,
             "audit-witness --url http://127.0.0.1:%u --token %s --state %s/%s.state", T.port,
             staff, T.dir, copy ? "case" : name);
    return ht_ctl(&T, copy ? "verdict" : "witness", verdict, cap, args);
}

static void checkins(int n)
{
    for (int i = 0; i < n; i++) {
        cJSON *j = NULL;
        CHECK_INT_EQ(ht_json(&T, "POST", "/v1/checkins", home, NULL, "{\"answer\":\"genki\"}", &j),
                     201);
        cJSON_Delete(j);
    }
}

static const char *const SAVE_PG = "CREATE TABLE s_head AS SELECT * FROM audit_head;";
static const char *const RESTORE =
    "DELETE FROM audit; INSERT INTO audit SELECT * FROM s_audit;"
    "DELETE FROM audit_heads; INSERT INTO audit_heads SELECT * FROM s_heads;"
    "DELETE FROM audit_tree_nodes; INSERT INTO audit_tree_nodes SELECT * FROM s_nodes;";
static const char *const RESTORE_PG =
    "UPDATE audit_head SET last_id = s.last_id, last_hash = s.last_hash FROM s_head s"
    " WHERE s.id = audit_head.id;";

static void restore(void)
{
    REQUIRE(ht_sql_exec(&T, RESTORE) == 0);
    if (ht_on_postgres(&T))
        REQUIRE(ht_sql_exec(&T, RESTORE_PG) == 0);
    ht_set_clock(&T, NOW);
    char p[128], b[32];
    REQUIRE(verify(p, sizeof p, b, sizeof b) == 0);
}

struct rec {
    long long at, subject;
    char *f[9];
};

static void rec_free(struct rec *r, int n)
{
    for (int i = 0; i < n; i++)
        for (int k = 0; k < 9; k++)
            free(r[i].f[k]);
    free(r);
}

enum edit { EDIT_ALTER, EDIT_DELETE, EDIT_SWAP };

/* Rewrites history from record `from` on as someone holding the database would: those
 * records are removed and appended again through the hub's own code with one of them
 * altered, removed or swapped with the next, so the hash chain is whole again. */
static int rechain(long long from, enum edit e)
{
    struct db *db = NULL;
    struct db_stmt *st = NULL;
    struct rec *rows = calloc(2048, sizeof *rows);
    int n = 0, rc = -1;
    char err[256];
    if (!rows || hubdb_open_db(T.db, 0, &db, err, sizeof err) != HUBDB_OK)
        goto out;
    if (db_prepare(db,
                   "SELECT at_unix, subject_resident_id, actor, action, outcome, data_kinds,"
                   " purpose, basis, source, destination, request_id FROM audit"
                   " WHERE log_id = ? AND seq >= ? ORDER BY seq",
                   &st) != DB_OK ||
        db_bind_int64(st, 1, LOG) != DB_OK || db_bind_int64(st, 2, from) != DB_OK)
        goto out;
    while (n < 2048 && db_step(st) == DB_ROW) {
        rows[n].at = db_col_int64(st, 0);
        rows[n].subject = db_col_int64(st, 1);
        for (int k = 0; k < 9; k++)
            rows[n].f[k] = strdup(db_col_text(st, 2 + k) ? db_col_text(st, 2 + k) : "");
        n++;
    }
    db_finalize(st);
    st = NULL;
    char sql[256];
    snprintf(sql, sizeof sql, "DELETE FROM audit WHERE log_id = %lld AND seq >= %lld", LOG, from);
    if (db_exec(db, sql) != DB_OK)
        goto out;
    if (db_dialect(db) == DB_POSTGRES) {
        snprintf(sql, sizeof sql,
                 "UPDATE audit_head SET last_id = %lld, last_hash = (SELECT hash FROM audit"
                 " WHERE log_id = %lld AND seq = %lld) WHERE id = %lld",
                 from - 1, LOG, from - 1, LOG);
        if (db_exec(db, sql) != DB_OK)
            goto out;
    }
    if (e == EDIT_ALTER) {
        free(rows[0].f[4]);
        rows[0].f[4] = strdup("marketing"); /* purpose */
    }
    if (db_begin(db) != DB_OK)
        goto out;
    for (int i = e == EDIT_DELETE ? 1 : 0; i < n; i++) {
        int k = e == EDIT_SWAP && i < 2 ? 1 - i : i;
        const struct rec *r = &rows[k];
        struct audit_rec a = {.at = (time_t)r->at,
                              .subject = r->subject,
                              .actor = r->f[0],
                              .action = r->f[1],
                              .outcome = r->f[2],
                              .data_kinds = r->f[3],
                              .purpose = r->f[4],
                              .basis = r->f[5],
                              .source = r->f[6],
                              .destination = r->f[7],
                              .request_id = r->f[8]};
        if (audit_append_db(db, &a, NULL) != DB_OK) {
            db_rollback(db);
            goto out;
        }
    }
    long long chained = 0;
    if (db_commit(db) != DB_OK || audit_chain_all_db(db, &chained) != DB_OK)
        goto out;
    rc = 0;
out:
    db_finalize(st);
    hubdb_db_close(db);
    rec_free(rows, rows ? n : 0);
    return rc;
}

/* The records of the first part of the log, cut or altered and the chain recomputed:
 * audit-verify finds the first head over them no longer matches. */
static void t_rewritten_records_without_key(void)
{
    static const enum edit edits[] = {EDIT_ALTER, EDIT_DELETE, EDIT_SWAP};
    char p[128], b[32];
    /* unchained edit first: the chain itself says which record */
    REQUIRE(ht_sql_exec(&T, "UPDATE audit SET purpose = 'marketing' WHERE seq = 100") == 0);
    CHECK_INT_EQ(verify(p, sizeof p, b, sizeof b), 1);
    CHECK_STR_EQ(p, "chain broken");
    CHECK_STR_EQ(b, "100");
    restore();
    for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        REQUIRE(rechain(100, edits[i]) == 0);
        CHECK_INT_EQ(verify(p, sizeof p, NULL, 0), 1);
        CHECK_STR_EQ(p, "records differ from a signed tree head");
        restore();
    }
}

static void t_cut_records_and_heads(void)
{
    char p[128], b[32], v[256], sql[256];
    /* the newest records cut: the last head covers more than there are */
    snprintf(sql, sizeof sql, "DELETE FROM audit WHERE seq > %lld", N - 5);
    REQUIRE(ht_sql_exec(&T, sql) == 0);
    CHECK_INT_EQ(verify(p, sizeof p, b, sizeof b), 1);
    CHECK_STR_EQ(p, "records removed after a signed head");
    char want[32];
    snprintf(want, sizeof want, "%lld", N);
    CHECK_STR_EQ(b, want);
    /* the hub refuses to sign a shorter log; its newest head cannot be proven from the
     * early witness's: that witness refuses too */
    REQUIRE(ht_start(&T, "") == 0);
    CHECK_INT_EQ(witness("early", 1, v, sizeof v), 1);
    CHECK_INT_EQ(ht_stop(&T), 0);
    restore();

    /* a head in the middle removed: a gap */
    REQUIRE(ht_sql_exec(&T, "DELETE FROM audit_heads WHERE head_seq = 2") == 0);
    CHECK_INT_EQ(verify(p, sizeof p, NULL, 0), 1);
    CHECK_STR_EQ(p, "bad signed tree head");
    restore();

    /* every head removed */
    REQUIRE(ht_sql_exec(&T, "DELETE FROM audit_heads") == 0);
    CHECK_INT_EQ(verify(p, sizeof p, NULL, 0), 1);
    CHECK_STR_EQ(p, "records no signed tree head covers");
    restore();

    /* the newest heads removed: within the bound nothing says so; past it, audit-verify */
    snprintf(sql, sizeof sql, "DELETE FROM audit_heads WHERE tree_size > %lld", A);
    REQUIRE(ht_sql_exec(&T, sql) == 0);
    CHECK_INT_EQ(verify(p, sizeof p, NULL, 0), 0);
    ht_set_clock(&T, NOW + 3600);
    CHECK_INT_EQ(verify(p, sizeof p, NULL, 0), 1);
    CHECK_STR_EQ(p, "records no signed tree head covers");
    restore();

    /* the newest records cut together with their heads: audit-verify cannot tell; the
     * witness that kept the final head can */
    snprintf(sql, sizeof sql, "DELETE FROM audit_heads WHERE tree_size > %lld", A);
    REQUIRE(ht_sql_exec(&T, sql) == 0);
    snprintf(sql, sizeof sql, "DELETE FROM audit WHERE seq > %lld", A);
    REQUIRE(ht_sql_exec(&T, sql) == 0);
    if (ht_on_postgres(&T)) {
        snprintf(sql, sizeof sql,
                 "UPDATE audit_head SET last_id = %lld, last_hash = (SELECT hash FROM audit"
                 " WHERE log_id = %lld AND seq = %lld) WHERE id = %lld",
                 A, LOG, A, LOG);
        REQUIRE(ht_sql_exec(&T, sql) == 0);
    }
    CHECK_INT_EQ(verify(p, sizeof p, NULL, 0), 0);
    REQUIRE(ht_start(&T, "") == 0);
    CHECK_INT_EQ(witness("early", 1, v, sizeof v), 0);
    CHECK_INT_EQ(witness("late", 1, v, sizeof v), 1);
    CHECK(strstr(v, "fewer records") != NULL);
    CHECK_INT_EQ(ht_stop(&T), 0);
    restore();
}

/* Whoever also holds the key rewrites a record, recomputes the chain, removes every head
 * and node and lets the hub sign it all again: audit-verify is satisfied, every witness
 * that kept a head from before is not. */
static void t_history_rewritten_with_key(void)
{
    char p[128], v[256];
    REQUIRE(rechain(100, EDIT_ALTER) == 0);
    REQUIRE(ht_sql_exec(&T, "DELETE FROM audit_heads; DELETE FROM audit_tree_nodes;") == 0);
    REQUIRE(ht_start(&T, "") == 0); /* signs a head over every record at its start */
    CHECK_INT_EQ(ht_wait_sql(&T, "SELECT COUNT(*) FROM audit_heads", 1, 10000), 1);
    CHECK_INT_EQ(verify(p, sizeof p, NULL, 0), 0);
    CHECK_INT_EQ(witness("early", 1, v, sizeof v), 1);
    CHECK(strstr(v, "rewritten") != NULL);
    CHECK_INT_EQ(witness("late", 1, v, sizeof v), 1);
    CHECK(strstr(v, "other root") != NULL);
    CHECK_INT_EQ(ht_stop(&T), 0);
    restore();
}

int main(void)
{
    char v[256];
    NOW = time(NULL);
    if (ht_init(&T, NOW) != 0)
        return 1;
    int ok = ht_ctl(&T, NULL, NULL, 0,
                    "resident-add --name Hanako --district Kita --deadline 10:00") == 0 &&
             ht_ctl(&T, "token", home, sizeof home, "device-add --kind home --resident 1") == 0 &&
             ht_ctl(&T, "token", staff, sizeof staff, "staff-add --name 'Audit Staff'") == 0;
    if (ht_start_enrolled(&T, ok, "") != 0)
        return 1;
    /* Part one, a head over it (the hub's next one may take 10 s) kept by `early`. */
    checkins(150);
    char args[256];
    snprintf(args, sizeof args, "audit-checkpoint --key %s", T.key);
    ok = ht_ctl(&T, NULL, NULL, 0, args) == 0 && witness("early", 0, v, sizeof v) == 0;
    A = ht_sql_int(&T, "SELECT MAX(tree_size) FROM audit_heads");
    checkins(200);
    ok = ok && ht_stop(&T) == 0; /* signs the final head */
    N = ht_sql_int(&T, "SELECT MAX(tree_size) FROM audit_heads");
    ok = ok && ht_start(&T, "") == 0 && witness("late", 0, v, sizeof v) == 0 && ht_stop(&T) == 0;
    ok = ok && A > 100 && N > 256 && ht_sql_int(&T, "SELECT COUNT(*) FROM audit_tree_nodes") > 0;
    LOG = ht_sql_int(&T, "SELECT id FROM audit_logs WHERE municipality_id = 1");
    /* every record is the town's: its log is the one tampered with, the hub log is empty */
    ok = ok && LOG > 1 && ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE log_id = 1") == 0;
    /* Whoever holds the database can drop the append-only triggers (each dialect's own). */
    ok = ok && ht_sql_exec(&T, ht_on_postgres(&T) ? "DROP TRIGGER audit_append_only_u ON audit;"
                                                    "DROP TRIGGER audit_append_only_d ON audit;"
                                                    "DROP TRIGGER audit_append_only_t ON audit;"
                                                  : "DROP TRIGGER audit_append_only_u;"
                                                    " DROP TRIGGER audit_append_only_d;") == 0;
    ok = ok && ht_sql_exec(&T, "CREATE TABLE s_audit AS SELECT * FROM audit;"
                               "CREATE TABLE s_heads AS SELECT * FROM audit_heads;"
                               "CREATE TABLE s_nodes AS SELECT * FROM audit_tree_nodes;") == 0;
    ok = ok && (!ht_on_postgres(&T) || ht_sql_exec(&T, SAVE_PG) == 0);
    if (!ok) {
        fprintf(stderr, "cannot make the log to tamper with (A=%lld N=%lld)\n", A, N);
        ht_cleanup(&T);
        return 1;
    }
    TEST_RUN(t_rewritten_records_without_key);
    TEST_RUN(t_cut_records_and_heads);
    TEST_RUN(t_history_rewritten_with_key);
    ht_cleanup(&T);
    return test_summary();
}
