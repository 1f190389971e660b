/*
 * bench_purge: the retention purge (store/retention.h) of many expired rows, at the store
 * level, on SQLite or PostgreSQL.
 *
 *   bench_purge TARGET [rows=1000000]
 *   (TARGET: a new SQLite file, or @PGURL@ through build/tests/pg/pgrun)
 *
 * Stores `rows` expired login challenges, `rows` Idempotency-Keys past their 30 days and
 * rows/10 card sessions past their week, then purges them as hubd's housekeeping thread
 * does: steps of RETENTION_STEP_ROWS rows of each kind, one transaction each (without
 * hubd's pause between steps). Prints the rows deleted per second and the length of a
 * step (p50, p99, max): a check-in waiting for the writer waits at most about one step.
 */
#include "benchutil.h"
#include "db.h"
#include "hubdb.h"
#include "retention.h"

#include <stdio.h>
#include <stdlib.h>

#define NOW ((int64_t)1795359600) /* 2026-11-23 00:00 JST */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int fill(struct db *db, long rows)
{
    char sql[1024];
    double t = benchutil_now();
    snprintf(sql, sizeof sql,
             "INSERT INTO residents(id, display_name, district, deadline_min, created_unix)"
             " VALUES(1, 'R', 'Kita', 600, 0);"
             "INSERT INTO devices(id, kind, resident_id, token_hash, created_unix)"
             " VALUES(1, 'home', 1, 'h', 0);"
             "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %ld)"
             " INSERT INTO challenges(device_id, challenge, expires_unix) SELECT 1, 'c' || i,"
             " %lld - i %% 86400 FROM n;"
             "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %ld)"
             " INSERT INTO idempotency_keys(principal, key, body_hash, status, answer,"
             " created_unix, done_unix) SELECT 'device:1', 'k' || i, 'h', 201, '{}',"
             " %lld - i %% 86400, %lld FROM n;"
             "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %ld)"
             " INSERT INTO sessions(token_hash, device_id, resident_id, created_unix,"
             " last_used_unix) SELECT 's' || i, 1, 1, %lld - i %% 86400, 0 FROM n;",
             rows, (long long)(NOW - 2 * 3600), rows, (long long)(NOW - 31 * 86400),
             (long long)(NOW - 31 * 86400), rows / 10, (long long)(NOW - 9 * 86400));
    enum db_status s = db_begin(db);
    if (s == DB_OK)
        s = db_exec(db, sql);
    if (s == DB_OK)
        s = db_commit(db);
    if (s != DB_OK) {
        fprintf(stderr, "bench: cannot store the rows: %s\n", db_errmsg(db));
        return -1;
    }
    printf("stored %ld challenges, %ld idempotency keys, %ld sessions in %.1f s\n", rows, rows,
           rows / 10, benchutil_now() - t);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_purge TARGET [rows]\n");
        return 2;
    }
    long rows = argc > 2 ? strtol(argv[2], NULL, 10) : 1000000;
    if (rows < 1000 || rows > 10000000)
        return 2;
    char err[256];
    struct db *db = NULL;
    if (hubdb_open_db(argv[1], 1, &db, err, sizeof err) != HUBDB_OK ||
        hubdb_migrate_db(db, err, sizeof err) != HUBDB_OK) {
        fprintf(stderr, "bench: %s\n", err);
        return 1;
    }
    printf("%s\n", db_dialect(db) == DB_POSTGRES ? "PostgreSQL" : "SQLite");
    if (fill(db, rows) != 0)
        return 1;
    long cap = 2 * rows / RETENTION_STEP_ROWS + 16, n = 0;
    double *ms = malloc(sizeof(double) * (size_t)cap), t0 = benchutil_now();
    struct retention_counts c = {0};
    int more = 1;
    enum db_status s = ms ? DB_OK : DB_ERR;
    while (more && s == DB_OK && n < cap) {
        double t = benchutil_now();
        s = db_begin(db);
        if (s == DB_OK)
            s = retention_step(db, NOW, RETENTION_STEP_ROWS, &c, &more);
        if (s == DB_OK)
            s = db_commit(db);
        else
            db_rollback(db);
        ms[n++] = (benchutil_now() - t) * 1000;
    }
    double took = benchutil_now() - t0;
    int64_t total = c.challenges + c.idempotency + c.sessions;
    if (s != DB_OK || total != rows * 2 + rows / 10) {
        fprintf(stderr, "bench: purge failed or incomplete: %lld rows deleted (%s)\n",
                (long long)total, db_errmsg(db));
        return 1;
    }
    qsort(ms, (size_t)n, sizeof ms[0], cmp_double);
    printf("purged %lld rows in %.1f s (%.0f rows/s), %ld steps of up to %d rows of each kind:"
           " step p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
           (long long)total, took, (double)total / took, n, RETENTION_STEP_ROWS, ms[n / 2],
           ms[(n * 99) / 100], ms[n - 1]);
    free(ms);
    hubdb_db_close(db);
    return 0;
}
