/*
 * bench_audit.c: audit log rates on a real SQLite file (the figures docs/benchmarks.md reports).
 *
 *   bench_audit DIR [records=1000000] [batch=1000]
 *
 * Appends `records` audit records with audit_append() in transactions of `batch` records
 * (each COMMIT durable: WAL + synchronous=FULL, as in hubd) and prints the append rate,
 * then verifies the whole chain with audit_verify() and prints the verification rate.
 * The database is created in DIR (which must exist) and removed afterwards.
 */
#include "audit.h"
#include "hubdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_audit DIR [records=1000000] [batch=1000]\n");
        return 2;
    }
    long n = argc > 2 ? strtol(argv[2], NULL, 10) : 1000000;
    long batch = argc > 3 ? strtol(argv[3], NULL, 10) : 1000;
    if (n < 1 || n > 100000000 || batch < 1 || batch > 1000000) {
        fprintf(stderr, "bench_audit: records 1..1e8, batch 1..1e6\n");
        return 2;
    }
    char path[512], err[512], msg[512];
    snprintf(path, sizeof path, "%s/bench_audit.db", argv[1]);
    unlink(path);
    sqlite3 *db = NULL;
    if (hubdb_open(path, 1, &db, err, sizeof err) != HUBDB_OK ||
        hubdb_migrate(db, err, sizeof err) != HUBDB_OK) {
        fprintf(stderr, "bench_audit: %s\n", err);
        return 1;
    }
    double t0 = now_s();
    for (long done = 0; done < n;) {
        if (hubdb_exec(db, "BEGIN IMMEDIATE") != SQLITE_OK)
            return 1;
        for (long i = 0; i < batch && done < n; i++, done++) {
            struct audit_rec r = {.at = 1795392720 + done,
                                  .actor = "family:2",
                                  .action = "checkins.read",
                                  .outcome = "ok",
                                  .subject = 1 + done % 1000,
                                  .data_kinds = "safety",
                                  .purpose = "watch_over",
                                  .basis = "consent:7",
                                  .source = "hub",
                                  .destination = "family:2",
                                  .request_id = "0123456789abcdef0123456789abcdef"};
            if (audit_append(db, &r, NULL) != SQLITE_OK) {
                fprintf(stderr, "bench_audit: append failed: %s\n", sqlite3_errmsg(db));
                return 1;
            }
        }
        if (hubdb_exec(db, "COMMIT") != SQLITE_OK)
            return 1;
    }
    double t1 = now_s();
    long long bad = 0, checked = 0;
    enum audit_verify_status vs = audit_verify(db, NULL, &bad, &checked, msg, sizeof msg);
    double t2 = now_s();
    printf("records=%ld batch=%ld\n", n, batch);
    printf("append_records_per_s=%.0f (durable, %ld per commit)\n", (double)n / (t1 - t0), batch);
    printf("verify_records_per_s=%.0f (%s, %lld records)\n", (double)checked / (t2 - t1),
           audit_verify_status_str(vs), checked);
    hubdb_close(db);
    unlink(path);
    snprintf(path, sizeof path, "%s/bench_audit.db-wal", argv[1]);
    unlink(path);
    snprintf(path, sizeof path, "%s/bench_audit.db-shm", argv[1]);
    unlink(path);
    return vs == AUDIT_VERIFY_OK ? 0 : 1;
}
