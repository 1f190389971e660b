/*
 * bench_audit.c: audit log rates through the stores, on SQLite or PostgreSQL (the figures
 * docs/benchmarks.md reports).
 *
 *   bench_audit TARGET [records=1000000] [batch=1000] [heads=1]
 *   (TARGET: a folder, for a new SQLite file in it, or a postgresql:// URL of an empty
 *   database, e.g. @PGURL@ through build/tests/pg/pgrun)
 *
 * Appends `records` audit records with audit_append_db() in transactions of `batch` records
 * (each commit durable: WAL + synchronous=FULL on SQLite, synchronous_commit=on on
 * PostgreSQL, as in hubd; on PostgreSQL the sequencer chains them after each commit, as
 * hubd's writer does) and, as hubd's writer does with its key, signs (heads=1; 0 leaves
 * them out, for comparison) a tree head of the transparency log after every 1000 records;
 * prints the append rate with the heads included and the time one head takes. Then the
 * consistency proofs between random sizes (elements, proofs/s made from the stored nodes,
 * proofs/s a witness verifies), and the whole chain and every head verified
 * (audit_verify_log_db() with the key, records/s). A SQLite file and the key are created
 * in the folder (which must exist) and removed afterwards.
 */
#include "audit.h"
#include "auditlog.h"
#include "db.h"
#include "hubdb.h"
#include "hubkey.h"

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

/* batch records from number done on, in one durable transaction, then chained. */
static int append_batch(struct db *d, long done, long batch, long n)
{
    enum db_status rc = db_begin(d);
    for (long i = 0; i < batch && done < n && rc == DB_OK; i++, done++) {
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
        rc = audit_append_db(d, &r, NULL);
    }
    rc = rc == DB_OK ? db_commit(d) : (db_rollback(d), rc);
    long long chained = 0;
    if (rc == DB_OK)
        rc = audit_chain_all_db(d, &chained);
    if (rc != DB_OK)
        fprintf(stderr, "bench_audit: append failed: %s\n", db_errmsg(d));
    return rc == DB_OK ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_audit TARGET [records=1000000] [batch=1000] [heads=1]\n");
        return 2;
    }
    long n = argc > 2 ? strtol(argv[2], NULL, 10) : 1000000;
    long batch = argc > 3 ? strtol(argv[3], NULL, 10) : 1000;
    int with_heads = argc > 4 ? strtol(argv[4], NULL, 10) != 0 : 1;
    if (n < 1 || n > 100000000 || batch < 1 || batch > 1000000) {
        fprintf(stderr, "bench_audit: records 1..1e8, batch 1..1e6\n");
        return 2;
    }
    char path[512], err[512], msg[512], keypath[512];
    int on_pg = db_target_is_postgres(argv[1]);
    if (on_pg)
        snprintf(path, sizeof path, "%s", argv[1]);
    else
        snprintf(path, sizeof path, "%s/bench_audit.db", argv[1]);
    snprintf(keypath, sizeof keypath, "%s/bench_audit.key", on_pg ? "/tmp" : argv[1]);
    if (!on_pg)
        unlink(path);
    struct db *d = NULL;
    if (hubdb_open_db(path, 1, &d, err, sizeof err) != HUBDB_OK ||
        hubdb_migrate_db(d, err, sizeof err) != HUBDB_OK) {
        fprintf(stderr, "bench_audit: %s\n", err);
        return 1;
    }
    unlink(keypath);
    EVP_PKEY *key = NULL;
    if (hubkey_generate(keypath, err, sizeof err) != 0 ||
        !(key = hubkey_load(keypath, err, sizeof err))) {
        fprintf(stderr, "bench_audit: %s\n", err);
        return 1;
    }
    unlink(keypath);
    double t0 = now_s(), head_s = 0;
    long heads = 0, since_head = 0;
    for (long done = 0; done < n;) {
        if (append_batch(d, done, batch, n) != 0)
            return 1;
        done = done + batch < n ? done + batch : n;
        since_head += batch;
        if (with_heads && (since_head >= 1000 || done == n)) {
            /* as hubd's writer: a head in a transaction of its own, durable */
            int made = 0;
            double h0 = now_s();
            if (db_begin(d) != DB_OK ||
                auditlog_sign(d, TREEHEAD_DEFAULT_LOG, key, 1795392720 + done, NULL, &made) !=
                    DB_OK ||
                db_commit(d) != DB_OK) {
                fprintf(stderr, "bench_audit: signing a head failed: %s\n", db_errmsg(d));
                return 1;
            }
            head_s += now_s() - h0;
            heads += made;
            since_head = 0;
        }
    }
    double t1 = now_s();
    long long bad = 0, checked = 0;
    enum audit_verify_status vs = AUDIT_VERIFY_OK;
    if (!with_heads) {
        vs = audit_verify_log_db(d, NULL, 0, -1, &bad, &checked, msg, sizeof msg);
        double tc = now_s();
        printf("records=%ld batch=%ld heads=0\n", n, batch);
        printf("append_records_per_s=%.0f (durable, %ld per commit, no heads)\n",
               (double)n / (t1 - t0), batch);
        printf("verify_records_per_s=%.0f (%s, %lld records, chain only)\n",
               (double)checked / (tc - t1), audit_verify_status_str(vs), checked);
        goto done;
    }
    /* Consistency proofs between random sizes, as witnesses ask for them. */
    long proofs = 2000, elements = 0, good = 0;
    unsigned seed = 12345;
    double p0 = now_s(), verify_s = 0;
    for (long i = 0; i < proofs; i++) {
        seed = seed * 1103515245u + 12345u;
        long long to = 1 + (long long)(seed % (unsigned)n);
        seed = seed * 1103515245u + 12345u;
        long long from = 1 + (long long)(seed % (unsigned)to);
        merkle_hash proof[MERKLE_PROOF_MAX], r1, r2;
        size_t len = 0;
        if (auditlog_consistency(d, TREEHEAD_DEFAULT_LOG, from, to, proof, &len) != DB_OK ||
            auditlog_root(d, TREEHEAD_DEFAULT_LOG, from, r1) != DB_OK ||
            auditlog_root(d, TREEHEAD_DEFAULT_LOG, to, r2) != DB_OK) {
            fprintf(stderr, "bench_audit: proof %lld..%lld failed\n", from, to);
            return 1;
        }
        elements += (long)len;
        double v0 = now_s();
        for (int k = 0; k < 100; k++)
            good += merkle_verify_consistency((uint64_t)from, (uint64_t)to, r1, r2,
                                              (const merkle_hash *)proof, len) &&
                    k == 0;
        verify_s += (now_s() - v0) / 100;
    }
    double p1 = now_s() - verify_s * 100;
    double v0 = now_s();
    vs = audit_verify_log_db(d, key, 1795392720 + n, -1, &bad, &checked, msg, sizeof msg);
    double t2 = now_s();
    printf("records=%ld batch=%ld heads=%ld (one per 1000 records)\n", n, batch, heads);
    printf("append_records_per_s=%.0f (durable, %ld per commit, heads included)\n",
           (double)n / (t1 - t0), batch);
    printf("head_ms=%.2f (average to sign one head over 1000 new records, durable)\n",
           heads ? head_s * 1000 / (double)heads : 0.0);
    printf("proof_elements=%.1f (average, %ld proofs between random sizes)\n",
           (double)elements / (double)proofs, proofs);
    printf("proofs_per_s=%.0f (made from the stored nodes; roots of both sizes included)\n",
           (double)proofs / (p1 - p0 - 0.0));
    printf("witness_verify_per_s=%.0f (%ld of %ld good)\n", (double)proofs / verify_s, good,
           proofs);
    printf("verify_records_per_s=%.0f (%s, %lld records, chain and every head)\n",
           (double)checked / (t2 - v0), audit_verify_status_str(vs), checked);
done:
    if (vs != AUDIT_VERIFY_OK)
        printf("reason=%s\n", msg);
    EVP_PKEY_free(key);
    hubdb_db_close(d);
    if (!on_pg) {
        static const char *const tails[] = {"", "-wal", "-shm"};
        for (int i = 0; i < 3; i++) {
            snprintf(path, sizeof path, "%s/bench_audit.db%s", argv[1], tails[i]);
            unlink(path);
        }
    }
    return vs == AUDIT_VERIFY_OK ? 0 : 1;
}
