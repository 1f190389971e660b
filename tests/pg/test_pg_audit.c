/*
 * test_pg_audit.c: one audit chain with several processes appending at once, on both
 * backends (a SQLite file and a private PostgreSQL server).
 *
 * Four processes append records in transactions of one to five records through
 * audit_append_db() and run a sequencer pass (audit_chain_db()) after each commit; at the
 * end the chain verifies and holds every record exactly once at consecutive places, with
 * nothing left unchained. On PostgreSQL, before that:
 *   - a process holds the chain head (as a sequencer does mid-pass) with a record of its
 *     own in its open transaction: the appenders' commits do not wait for it (they all
 *     finish while it holds the head), their passes skip, verification counts the
 *     records as awaiting chaining; then it is killed with SIGKILL, and its record is gone;
 *   - a process that committed records is killed before it chains them: a later pass of
 *     another process (as at start) chains them;
 * and afterwards a chained record can be neither changed nor re-chained, and a pass from a
 * row id on (as hubd's sequencer runs them) chains only what is above it, while a record
 * committed after a pass went past its id is chained by a pass from the start.
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

/* One transaction of n records by process p in round `round`; retried while the database
 * says busy. */
static enum db_status append_tx(struct db *db, int round, int p, int tx, int n)
{
    enum db_status s;
    for (int attempt = 0; attempt < 50; attempt++) {
        s = db_begin(db);
        for (int i = 0; i < n && s == DB_OK; i++) {
            char actor[32], rid[48];
            snprintf(actor, sizeof actor, "proc:%d", p);
            snprintf(rid, sizeof rid, "r%d-p%d-t%d-r%d", round, p, tx, i);
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

static int records_of(int p)
{
    int n = 0;
    for (int tx = 0; tx < TXS; tx++)
        n += 1 + (tx + p) % 5;
    return n;
}

/* Child: TXS transactions of 1..5 records, a sequencer pass after each commit. With
 * expect_busy, every pass must find the head held by another process. */
static void appender(const char *target, int round, int p, int expect_busy)
{
    struct db *db = open_db(target);
    int bad = !db;
    for (int tx = 0; tx < TXS && !bad; tx++) {
        bad = append_tx(db, round, p, tx, 1 + (tx + p) % 5) != DB_OK;
        long n = 0;
        enum db_status s = bad ? DB_ERR : audit_chain_db(db, AUDIT_CHAIN_MAX, &n);
        bad = bad || (expect_busy ? s != DB_ERR_BUSY : s != DB_OK && s != DB_ERR_BUSY);
    }
    if (bad)
        fprintf(stderr, "appender %d: %s\n", p, db ? db_errmsg(db) : "no database");
    db_close(db);
    _exit(bad ? 1 : 0);
}

/* Runs PROCS appenders and waits for them, at most 60 s. 0 when all succeeded. */
static int run_appenders(const char *target, int round, int expect_busy)
{
    pid_t pids[PROCS];
    int failed = 0;
    for (int p = 0; p < PROCS; p++) {
        pids[p] = fork();
        if (pids[p] < 0)
            return -1;
        if (pids[p] == 0)
            appender(target, round, p, expect_busy);
    }
    for (int p = 0; p < PROCS; p++) {
        int st = 0;
        pid_t w = 0;
        for (int i = 0; i < 6000 && (w = waitpid(pids[p], &st, WNOHANG)) == 0; i++) {
            struct timespec ts = {0, 10 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
        if (w == 0) {
            fprintf(stderr, "appender %d did not finish (waiting on the chain?)\n", p);
            kill(pids[p], SIGKILL);
            waitpid(pids[p], &st, 0);
        }
        failed |= w != pids[p] || !WIFEXITED(st) || WEXITSTATUS(st) != 0;
    }
    return failed ? -1 : 0;
}

/* Forks a process that runs `what` and then waits (pause) until killed, and returns its
 * pid once `what` succeeded (-1 otherwise). */
static pid_t stopped_after(const char *target, int (*what)(struct db *))
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        struct db *db = open_db(target);
        if (!db || what(db) != 0 || write(fds[1], "x", 1) != 1)
            _exit(1);
        for (;;)
            pause();
    }
    close(fds[1]);
    char c;
    ssize_t n = pid > 0 ? read(fds[0], &c, 1) : -1;
    close(fds[0]);
    if (n != 1 && pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
    return n == 1 ? pid : -1;
}

/* A sequencer stopped mid-pass: an open transaction holding the head row, with a record
 * of its own appended in it. */
static int hold_head(struct db *db)
{
    struct audit_rec r = {.at = 1,
                          .actor = "killed",
                          .action = "test.append",
                          .outcome = "ok",
                          .request_id = "killed"};
    int64_t last = -1;
    return db_begin(db) == DB_OK && audit_append_db(db, &r, NULL) == DB_OK &&
                   db_get_int64(db, "SELECT last_id FROM audit_head WHERE id = 1 FOR UPDATE", 0,
                                &last) == DB_ROW
               ? 0
               : -1;
}

/* A process that committed 3 records and stopped before its sequencer pass. */
static int commit_unchained(struct db *db)
{
    for (int i = 0; i < 3; i++) {
        char rid[32];
        snprintf(rid, sizeof rid, "unchained-%d", i);
        struct audit_rec r = {
            .at = 2, .actor = "late", .action = "test.append", .outcome = "ok", .request_id = rid};
        if (db_begin(db) != DB_OK || audit_append_db(db, &r, NULL) != DB_OK ||
            db_commit(db) != DB_OK)
            return -1;
    }
    return 0;
}

static void kill_and_reap(pid_t pid)
{
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

static long long verify(struct db *db, char *msg, size_t cap)
{
    long long bad = 0, n = -1;
    enum audit_verify_status vs = audit_verify_db(db, NULL, &bad, &n, msg, cap);
    if (vs != AUDIT_VERIFY_OK)
        fprintf(stderr, "verify: %s\n", msg);
    CHECK_INT_EQ(vs, AUDIT_VERIFY_OK);
    return n;
}

static int64_t count(struct db *db, const char *sql)
{
    int64_t v = -1;
    CHECK_INT_EQ(db_get_int64(db, sql, 0, &v), DB_ROW);
    return v;
}

/* PostgreSQL: commits do not wait for a sequencer holding the head; a killed one leaves
 * nothing; records committed by a process killed before chaining are chained later. */
static void held_and_killed(const char *target, struct db *db, long long *added)
{
    char msg[256];
    pid_t holder = stopped_after(target, hold_head);
    REQUIRE(holder > 0);
    CHECK(run_appenders(target, 1, 1) == 0);
    long long round1 = 0;
    for (int p = 0; p < PROCS; p++)
        round1 += records_of(p);
    int64_t waiting = -1;
    CHECK_INT_EQ(audit_unchained_db(db, &waiting), DB_OK);
    CHECK_INT_EQ(waiting, round1);
    CHECK_INT_EQ(verify(db, msg, sizeof msg), 0);
    CHECK(strstr(msg, "await chaining") != NULL);
    kill_and_reap(holder);

    pid_t late = stopped_after(target, commit_unchained);
    REQUIRE(late > 0);
    kill_and_reap(late);
    CHECK_INT_EQ(audit_unchained_db(db, &waiting), DB_OK);
    CHECK_INT_EQ(waiting, round1 + 3);
    *added = round1 + 3;
}

/* One record of actor "from" in its own transaction on db, committed unless `open`. */
static int append_one(struct db *db, const char *rid, int open)
{
    struct audit_rec r = {
        .at = 3, .actor = "from", .action = "test.append", .outcome = "ok", .request_id = rid};
    if (db_begin(db) != DB_OK || audit_append_db(db, &r, NULL) != DB_OK)
        return -1;
    return open || db_commit(db) == DB_OK ? 0 : -1;
}

/* PostgreSQL: a pass from a row id on chains only the records above it and says the newest
 * id stored and the lowest it left unchained; a record committed after a pass went past its
 * id is chained by a pass from the start. */
static void passes_from_an_id(const char *target, struct db *db, long long records)
{
    char msg[256];
    long n = -1;
    struct audit_chain_pass p = {0};
    CHECK_INT_EQ(audit_chain_pass_db(db, AUDIT_CHAIN_MAX, &p, &n), DB_OK);
    CHECK_INT_EQ(n, 0);
    CHECK_INT_EQ(p.top, count(db, "SELECT MAX(id) FROM audit"));
    CHECK_INT_EQ(p.low, 0);
    long long top = p.top;

    /* one record in a transaction still open, then two committed after it */
    struct db *slow = open_db(target);
    REQUIRE(slow);
    REQUIRE(append_one(slow, "from-slow", 1) == 0);
    long long slow_id = count(slow, "SELECT id FROM audit WHERE request_id = 'from-slow'");
    REQUIRE(append_one(db, "from-1", 0) == 0);
    REQUIRE(append_one(db, "from-2", 0) == 0);
    long long id2 = count(db, "SELECT id FROM audit WHERE request_id = 'from-2'");
    CHECK(top < slow_id && slow_id < id2);
    p = (struct audit_chain_pass){.after = top};
    CHECK_INT_EQ(audit_chain_pass_db(db, AUDIT_CHAIN_MAX, &p, &n), DB_OK);
    CHECK_INT_EQ(n, 2);
    CHECK_INT_EQ(p.top, id2);
    CHECK_INT_EQ(p.low, 0);
    REQUIRE(db_commit(slow) == DB_OK);
    p = (struct audit_chain_pass){.after = id2};
    CHECK_INT_EQ(audit_chain_pass_db(db, AUDIT_CHAIN_MAX, &p, &n), DB_OK);
    CHECK_INT_EQ(n, 0);
    CHECK_INT_EQ(count(db, "SELECT COUNT(*) FROM audit WHERE seq IS NULL"), 1);
    p = (struct audit_chain_pass){.after = 0};
    CHECK_INT_EQ(audit_chain_pass_db(db, AUDIT_CHAIN_MAX, &p, &n), DB_OK);
    CHECK_INT_EQ(n, 1);
    CHECK_INT_EQ(count(db, "SELECT seq FROM audit WHERE request_id = 'from-slow'"), records + 3);

    /* a log another process is chaining: its lowest unchained id is the pass's low */
    int64_t last = -1;
    REQUIRE(db_begin(slow) == DB_OK);
    REQUIRE(db_get_int64(slow, "SELECT last_id FROM audit_head WHERE id = 1 FOR UPDATE", 0,
                         &last) == DB_ROW);
    REQUIRE(append_one(db, "from-3", 0) == 0);
    REQUIRE(append_one(db, "from-4", 0) == 0);
    long long id3 = count(db, "SELECT id FROM audit WHERE request_id = 'from-3'");
    p = (struct audit_chain_pass){.after = id2};
    CHECK_INT_EQ(audit_chain_pass_db(db, AUDIT_CHAIN_MAX, &p, &n), DB_ERR_BUSY);
    CHECK_INT_EQ(n, 0);
    CHECK_INT_EQ(p.low, id3);
    CHECK_INT_EQ(p.top, count(db, "SELECT id FROM audit WHERE request_id = 'from-4'"));
    db_rollback(slow);
    db_close(slow);
    p = (struct audit_chain_pass){.after = id3 - 1};
    CHECK_INT_EQ(audit_chain_pass_db(db, AUDIT_CHAIN_MAX, &p, &n), DB_OK);
    CHECK_INT_EQ(n, 2);
    CHECK_INT_EQ(verify(db, msg, sizeof msg), records + 5);
    CHECK_STR_EQ(msg, "");
}

static void run_on(const char *target, int postgres)
{
    REQUIRE(migrate(target) == 0);
    struct db *db = open_db(target);
    REQUIRE(db);
    long long before = 0;
    if (postgres)
        held_and_killed(target, db, &before);
    CHECK(run_appenders(target, 2, 0) == 0);
    /* Whatever the appenders' passes left (a pass skips while another runs) is chained by
     * the next pass, as a process does at start and periodically. */
    long long chained = 0;
    CHECK_INT_EQ(audit_chain_all_db(db, &chained), DB_OK);
    long long want = before;
    for (int p = 0; p < PROCS; p++)
        want += records_of(p);
    char msg[256];
    CHECK_INT_EQ(verify(db, msg, sizeof msg), want);
    CHECK_STR_EQ(msg, "");
    int64_t waiting = -1;
    CHECK_INT_EQ(audit_unchained_db(db, &waiting), DB_OK);
    CHECK_INT_EQ(waiting, 0);
    CHECK_INT_EQ(count(db, "SELECT COUNT(DISTINCT request_id) FROM audit"), want);
    CHECK_INT_EQ(count(db, "SELECT COUNT(*) FROM audit"), want);
    CHECK_INT_EQ(count(db, "SELECT MAX(seq) FROM audit"), want);
    CHECK_INT_EQ(count(db, "SELECT COUNT(*) FROM audit WHERE request_id = 'killed'"), 0);
    CHECK_INT_EQ(count(db, "SELECT COUNT(*) FROM audit WHERE actor = 'late'"), postgres ? 3 : 0);
    /* The processes' records interleave in the chain: it really was shared. */
    CHECK(!postgres || count(db, "SELECT COUNT(*) FROM audit a JOIN audit b ON b.seq = a.seq + 1"
                                 " WHERE a.actor <> b.actor") > PROCS);
    if (postgres) {
        /* A chained record stays where it is and as it is. */
        CHECK(db_exec(db, "UPDATE audit SET seq = seq + 100000 WHERE seq = 5") != DB_OK);
        CHECK(db_exec(db, "UPDATE audit SET hash = prev_hash WHERE seq = 5") != DB_OK);
        CHECK(db_exec(db, "UPDATE audit SET seq = NULL, prev_hash = '', hash = ''"
                          " WHERE seq = 5") != DB_OK);
        CHECK(strstr(db_errmsg(db), "append-only") != NULL);
        CHECK_INT_EQ(verify(db, msg, sizeof msg), want);
        passes_from_an_id(target, db, want);
    }
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
