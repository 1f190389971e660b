/*
 * test_pg_audit.c: one audit chain with several processes appending at once, on both
 * backends (a SQLite file and a private PostgreSQL server). Four processes append records
 * in transactions of one to five records through audit_append_db(); the chain then
 * verifies, holds every record exactly once, in consecutive ids. On PostgreSQL a fifth
 * process is killed with SIGKILL while it holds the chain head inside an open
 * transaction: the others go on, nothing of the killed one is kept, the chain verifies.
 */
#include "audit.h"
#include "db.h"
#include "hubdb.h"
#include "pgserver.h"
#include "test.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { PROCS = 4, TXS = 60 };

static struct db *open_db(const char *target)
{
    char err[256];
    struct db *db = NULL;
    if (db_open(target, DB_OPEN_CREATE, &db, err, sizeof err) != DB_OK)
        fprintf(stderr, "open %s\n", err);
    return db;
}

static int migrate(const char *target)
{
    char err[256];
    struct db *db = open_db(target);
    int ok = db && hubdb_migrate_db(db, err, sizeof err) == HUBDB_OK;
    if (db && !ok)
        fprintf(stderr, "migrate: %s\n", err);
    db_close(db);
    return ok ? 0 : -1;
}

/* One transaction of n records by process p; retried while the database says busy. */
static enum db_status append_tx(struct db *db, int p, int tx, int n)
{
    enum db_status s;
    for (int attempt = 0; attempt < 50; attempt++) {
        s = db_begin(db);
        for (int i = 0; i < n && s == DB_OK; i++) {
            char actor[32], rid[48];
            snprintf(actor, sizeof actor, "proc:%d", p);
            snprintf(rid, sizeof rid, "p%d-t%d-r%d", p, tx, i);
            struct audit_rec r = {.at = 1700000000 + tx,
                                  .actor = actor,
                                  .action = "test.append",
                                  .outcome = "ok",
                                  .subject = p + 1,
                                  .data_kinds = "safety",
                                  .purpose = "test",
                                  .basis = "none",
                                  .source = "hub",
                                  .destination = actor,
                                  .request_id = rid};
            s = audit_append_db(db, &r, NULL);
        }
        if (s == DB_OK)
            s = db_commit(db);
        else
            db_rollback(db);
        if (s != DB_ERR_BUSY)
            return s;
    }
    return s;
}

/* Child: TXS transactions of 1..5 records; exit status = records committed (mod 256 is
 * not enough), so the count is checked through the database instead. */
static void appender(const char *target, int p)
{
    struct db *db = open_db(target);
    int bad = !db;
    for (int tx = 0; tx < TXS && !bad; tx++)
        bad = append_tx(db, p, tx, 1 + (tx + p) % 5) != DB_OK;
    if (bad)
        fprintf(stderr, "appender %d: %s\n", p, db ? db_errmsg(db) : "no database");
    db_close(db);
    _exit(bad ? 1 : 0);
}

static long long expected_records(int procs)
{
    long long n = 0;
    for (int p = 0; p < procs; p++)
        for (int tx = 0; tx < TXS; tx++)
            n += 1 + (tx + p) % 5;
    return n;
}

/* Starts a process that appends one record in a transaction and then waits, holding the
 * chain head, until it is killed. Returns its pid once it holds the head. */
static pid_t holder(const char *target)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        struct db *db = open_db(target);
        struct audit_rec r = {.at = 1,
                              .actor = "killed",
                              .action = "test.append",
                              .outcome = "ok",
                              .request_id = "killed"};
        if (!db || db_begin(db) != DB_OK || audit_append_db(db, &r, NULL) != DB_OK)
            _exit(1);
        if (write(fds[1], "x", 1) != 1)
            _exit(1);
        for (;;)
            pause();
    }
    close(fds[1]);
    char c;
    ssize_t n = pid > 0 ? read(fds[0], &c, 1) : -1;
    close(fds[0]);
    return n == 1 ? pid : -1;
}

static void run_on(const char *target, int kill_a_holder)
{
    REQUIRE(migrate(target) == 0);
    pid_t held = kill_a_holder ? holder(target) : 0;
    REQUIRE(held >= 0);
    pid_t pids[PROCS];
    for (int p = 0; p < PROCS; p++) {
        pids[p] = fork();
        REQUIRE(pids[p] >= 0);
        if (pids[p] == 0)
            appender(target, p);
    }
    if (held > 0) {
        /* The appenders are queued behind the held head: kill its owner mid-transaction. */
        struct timespec ts = {0, 300 * 1000 * 1000};
        nanosleep(&ts, NULL);
        kill(held, SIGKILL);
        waitpid(held, NULL, 0);
    }
    for (int p = 0; p < PROCS; p++) {
        int st = 0;
        waitpid(pids[p], &st, 0);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    struct db *db = open_db(target);
    REQUIRE(db);
    long long bad = 0, n = 0;
    char msg[256];
    enum audit_verify_status vs = audit_verify_db(db, NULL, &bad, &n, msg, sizeof msg);
    if (vs != AUDIT_VERIFY_OK)
        fprintf(stderr, "verify: %s\n", msg);
    CHECK_INT_EQ(vs, AUDIT_VERIFY_OK);
    CHECK_INT_EQ(n, expected_records(PROCS));
    int64_t distinct = -1, top = -1, killed = -1;
    CHECK_INT_EQ(db_get_int64(db, "SELECT COUNT(DISTINCT request_id) FROM audit", 0, &distinct),
                 DB_ROW);
    CHECK_INT_EQ(distinct, expected_records(PROCS));
    CHECK_INT_EQ(db_get_int64(db, "SELECT MAX(id) FROM audit", 0, &top), DB_ROW);
    CHECK_INT_EQ(top, expected_records(PROCS));
    CHECK_INT_EQ(
        db_get_int64(db, "SELECT COUNT(*) FROM audit WHERE request_id = 'killed'", 0, &killed),
        DB_ROW);
    CHECK_INT_EQ(killed, 0);
    /* On PostgreSQL the records of the processes interleave: the chain really was shared
     * (SQLite's busy waits may let them run one after the other). */
    int64_t switches = -1;
    CHECK_INT_EQ(db_get_int64(db,
                              "SELECT COUNT(*) FROM audit a JOIN audit b ON b.id = a.id + 1"
                              " WHERE a.actor <> b.actor",
                              0, &switches),
                 DB_ROW);
    CHECK(!kill_a_holder || switches > PROCS);
    db_close(db);
}

static void t_sqlite_file(void)
{
    char dir[64] = "/tmp/pgaudit.XXXXXX", target[128], cmd[128];
    REQUIRE(mkdtemp(dir) != NULL);
    snprintf(target, sizeof target, "%s/hub.db", dir);
    run_on(target, 0);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

static void t_postgres(void)
{
    char err[256], url[512];
    struct pgserver *s = pgserver_start(err, sizeof err);
    if (!s)
        fprintf(stderr, "%s\n", err);
    REQUIRE(s);
    if (pgserver_create_db(s, "hub", url, sizeof url) == 0)
        run_on(url, 1);
    else
        CHECK(!"cannot create the database");
    pgserver_destroy(s);
}

int main(void)
{
    TEST_RUN(t_sqlite_file);
    TEST_RUN(t_postgres);
    return test_summary();
}
