/*
 * auditrecs.c: the audit records store (see auditrecs.h).
 */
#include "auditrecs.h"
#include "auditlog.h"
#include "dbarray.h"
#include "rows.h"

#include <stdio.h>
#include <string.h>

#define COLS_READ                                                                                  \
    "at_unix, actor, action, outcome, subject_resident_id, data_kinds, purpose, basis, source,"    \
    " destination, request_id"

/* Binds a record's time, fields and subject from parameter `at` on: at_unix, actor, action,
 * outcome, subject, then the other six fields. */
static enum db_status bind_record(struct db_stmt *st, int at, const struct auditrecs_row *r)
{
    enum db_status rc = db_bind_int64(st, at, r->at);
    for (int i = 0; i < AUDITRECS_FIELDS && rc == DB_OK; i++)
        rc = db_bind_text(st, i < 3 ? at + 1 + i : at + 2 + i, r->f[i], -1);
    if (rc == DB_OK)
        rc = r->subject > 0 ? db_bind_int64(st, at + 4, r->subject) : db_bind_null(st, at + 4);
    return rc;
}

/* A row read as COLS_READ from column `c` on (at, then the fields with the subject at c+4). */
static void read_record(struct db_stmt *st, int c, struct auditrecs_row *r)
{
    r->at = db_col_int64(st, c);
    for (int i = 0; i < 3; i++)
        r->f[i] = db_col_text(st, c + 1 + i) ? db_col_text(st, c + 1 + i) : "";
    for (int i = 3; i < AUDITRECS_FIELDS; i++)
        r->f[i] = db_col_text(st, c + 2 + i) ? db_col_text(st, c + 2 + i) : "";
    r->subject = db_col_int64(st, c + 4);
}

enum db_status auditrecs_add_chained(struct db *db, int64_t log, const struct auditrecs_row *r,
                                     int64_t *id)
{
    struct db_stmt *st = db_stmt(db, "INSERT INTO audit(at_unix, actor, action, outcome,"
                                     " subject_resident_id, data_kinds, purpose, basis, source,"
                                     " destination, request_id, prev_hash, hash, seq, log_id)"
                                     " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id");
    if (!st)
        return DB_ERR;
    enum db_status rc = bind_record(st, 1, r);
    if (rc == DB_OK)
        rc = db_bind_text(st, 12, r->prev_hash, -1);
    if (rc == DB_OK)
        rc = db_bind_text(st, 13, r->hash, -1);
    if (rc == DB_OK)
        rc = db_bind_int64(st, 14, r->seq);
    if (rc == DB_OK)
        rc = db_bind_int64(st, 15, log);
    return db_insert_id(st, rc, id);
}

#define ADD_UNCHAINED_SQL                                                                          \
    "INSERT INTO audit(at_unix, actor, action, outcome,"                                           \
    " subject_resident_id, data_kinds, purpose, basis, source,"                                    \
    " destination, request_id, prev_hash, hash, log_id)"                                           \
    " VALUES(?,?,?,?,?,?,?,?,?,?,?,'','', " AUDITLOG_ROUTE_SQL ")"

enum db_status auditrecs_add_unchained(struct db *db, const struct auditrecs_row *r, int64_t *id)
{
    struct db_stmt *st =
        id ? db_stmt(db, ADD_UNCHAINED_SQL " RETURNING id") : db_stmt(db, ADD_UNCHAINED_SQL);
    if (!st)
        return DB_ERR;
    enum db_status rc = bind_record(st, 1, r);
    if (rc == DB_OK)
        rc = auditlog_route_bind(db, st, 12, r->town, r->subject, r->f[0]);
    if (id)
        return db_insert_id(st, rc, id);
    if (rc == DB_OK)
        rc = db_send(st);
    db_stmt_done(st);
    return rc;
}

/* The arrays are read through a subquery that is never flattened (OFFSET 0): a plan made
 * for their lengths was no cheaper than the generic one but looked so, and the server
 * planned this statement again at every call, for longer than it ran (docs/benchmarks.md).
 * Seen through the subquery the lengths are unknown, and the prepared statement keeps
 * its generic plan. */
#define ADD_MANY_SQL                                                                               \
    "INSERT INTO audit(at_unix, actor, action, outcome, subject_resident_id, data_kinds,"          \
    " purpose, basis, source, destination, request_id, prev_hash, hash, log_id)"                   \
    " SELECT u.at, u.actor, u.action, u.outcome, u.subject, u.kinds, u.purpose, u.basis,"          \
    " u.source, u.dest, u.req, '', '', " AUDITLOG_ROUTE_OF(                                        \
        "u.rsubject", "u.rtown",                                                                   \
        "u.rlog") " FROM (SELECT ?::bigint[] a1, ?::text[] a2, ?::text[] a3, ?::text[] a4,"        \
                  " ?::bigint[] a5, ?::text[] a6, ?::text[] a7, ?::text[] a8, ?::text[] a9,"       \
                  " ?::text[] a10, ?::text[] a11, ?::bigint[] a12, ?::bigint[] a13,"               \
                  " ?::bigint[] a14 OFFSET 0) p, unnest(p.a1, p.a2, p.a3, p.a4, p.a5, p.a6,"       \
                  " p.a7, p.a8, p.a9, p.a10, p.a11, p.a12, p.a13, p.a14)"                          \
                  " WITH ORDINALITY AS u(at, actor, action, outcome, subject, kinds, purpose,"     \
                  " basis, source, dest, req, rsubject, rtown, rlog, ord) ORDER BY u.ord"

/* The records as arrays, one INSERT. The columns are those of auditrecs_add_unchained(), the
 * route's three values per record included; ORDER BY ord gives the records ids in the order
 * of r[] (the sequencer chains by id). It inserts one row per record or fails, so nothing
 * needs its answer: it is sent with what follows (db_send()). */
enum db_status auditrecs_add_unchained_many(struct db *db, const struct auditrecs_row *r, size_t n)
{
    enum { COLS = 14 };
    struct dbarray a[COLS];
    enum db_status rc = DB_OK;
    for (int i = 0; i < COLS; i++)
        dbarray_init(&a[i]);
    for (size_t k = 0; k < n && rc == DB_OK; k++) {
        long long route[3];
        rc = auditlog_route_values(db, r[k].town, r[k].subject, r[k].f[0], route);
        dbarray_int64(&a[0], r[k].at);
        for (int i = 0; i < 3; i++)
            dbarray_text(&a[1 + i], r[k].f[i]);
        dbarray_id(&a[4], r[k].subject);
        for (int i = 3; i < AUDITRECS_FIELDS; i++)
            dbarray_text(&a[2 + i], r[k].f[i]);
        for (int i = 0; i < 3; i++)
            dbarray_id(&a[11 + i], route[i]);
    }
    struct db_stmt *st = rc == DB_OK ? db_stmt(db, ADD_MANY_SQL) : NULL;
    if (rc == DB_OK && !st)
        rc = DB_ERR;
    for (int i = 0; i < COLS && rc == DB_OK; i++)
        rc = dbarray_bind(st, i + 1, &a[i]);
    if (rc == DB_OK)
        rc = db_send(st);
    if (st)
        db_stmt_done(st);
    for (int i = 0; i < COLS; i++)
        dbarray_free(&a[i]);
    return rc;
}

enum db_status auditrecs_head(struct db *db, int64_t log, int lock, int64_t *seq, char hash[65])
{
    struct db_stmt *st = db_stmt(
        db, db_dialect(db) == DB_SQLITE
                ? "SELECT seq, hash FROM audit WHERE log_id = ? AND seq IS NOT NULL"
                  " ORDER BY seq DESC LIMIT 1"
            : lock ? "SELECT last_id, last_hash, set_config('synchronous_commit', 'off', true)"
                     " FROM audit_head WHERE id = ? FOR UPDATE SKIP LOCKED"
                   : "SELECT last_id, last_hash FROM audit_head WHERE id = ?");
    if (!st)
        return DB_ERR;
    enum db_status rc = db_bind_int64(st, 1, log);
    if (rc == DB_OK)
        rc = db_step(st);
    if (rc == DB_ROW) {
        *seq = db_col_int64(st, 0);
        snprintf(hash, 65, "%s", db_col_text(st, 1) ? db_col_text(st, 1) : "");
    }
    db_stmt_done(st);
    return rc;
}

struct walk {
    int (*row)(void *ctx, const struct auditrecs_row *r);
    void *ctx;
    int hashes; /* the two hash columns follow the record's */
};

/* A row (id, seq, COLS_READ[, prev_hash, hash]) to the walk's callback. */
static int each(void *arg, struct db_stmt *st)
{
    const struct walk *w = arg;
    struct auditrecs_row r = {.id = db_col_int64(st, 0), .seq = db_col_int64(st, 1)};
    read_record(st, 2, &r);
    r.prev_hash = w->hashes && db_col_text(st, 13) ? db_col_text(st, 13) : "";
    r.hash = w->hashes && db_col_text(st, 14) ? db_col_text(st, 14) : "";
    return w->row(w->ctx, &r);
}

/* The sequencer's reads of unchained records are ordered as audit_unchained (id, log_id)
 * WHERE seq IS NULL alone orders them, from a row id on, with a LIMIT: so they read that
 * index from there whatever the table's statistics say. Ordered by id only, with the
 * statistics of a table whose records were mostly unchained when analyzed (hubctl's, before
 * any hubd chained them), PostgreSQL read the primary key from that id on instead, through
 * every chained row and dead row version above it (4,000 rows, 20 ms a pass); without the
 * id, the whole table. A read of one log compares log_id + 0, so that the log's equality
 * does not make the order's second column redundant. */
#define UNCHAINED_ORDER "id, log_id"

enum db_status auditrecs_unchained(struct db *db, int64_t log, int64_t after, int max,
                                   int (*row)(void *ctx, const struct auditrecs_row *r), void *ctx)
{
    struct walk w = {row, ctx, 0};
    struct db_stmt *st = db_stmt(db, "SELECT id, 0, " COLS_READ " FROM audit"
                                     " WHERE seq IS NULL AND id > ? AND log_id + 0 = ?"
                                     " ORDER BY " UNCHAINED_ORDER " LIMIT ?");
    int64_t v[3] = {after, log, max};
    return rows_walk(st, rows_bind_int64s(st, 3, v), each, &w);
}

/* audit.id >= first bounds the read of the rows to update: by the unchained records' index
 * without it, the plan PostgreSQL picks read that whole index, every dead entry the UPDATEs
 * left since the last vacuum included (24,000 buffers a pass after 170,000 records). */
enum db_status auditrecs_chain(struct db *db, int64_t log, int64_t first, const char *ids,
                               const char *seqs, const char *prevs, const char *hashes, int64_t n,
                               int64_t last, const char *head)
{
    struct db_stmt *st = db_stmt(db, "WITH c AS (SELECT * FROM unnest(?::bigint[], ?::bigint[],"
                                     " ?::text[], ?::text[]) AS c(id, seq, prev, hash)),"
                                     " h AS (UPDATE audit_head SET last_id = ?, last_hash = ?"
                                     " WHERE id = ?)"
                                     " UPDATE audit SET seq = c.seq, prev_hash = c.prev,"
                                     " hash = c.hash FROM c"
                                     " WHERE audit.id = c.id AND audit.seq IS NULL"
                                     " AND audit.id >= ?");
    if (!st)
        return DB_ERR;
    enum db_status rc = db_bind_text(st, 1, ids, -1);
    if (rc == DB_OK)
        rc = db_bind_text(st, 2, seqs, -1);
    if (rc == DB_OK)
        rc = db_bind_text(st, 3, prevs, -1);
    if (rc == DB_OK)
        rc = db_bind_text(st, 4, hashes, -1);
    if (rc == DB_OK)
        rc = db_bind_int64(st, 5, last);
    if (rc == DB_OK)
        rc = db_bind_text(st, 6, head, -1);
    if (rc == DB_OK)
        rc = db_bind_int64(st, 7, log);
    if (rc == DB_OK)
        rc = db_bind_int64(st, 8, first);
    if (rc == DB_OK)
        rc = db_step(st);
    db_stmt_done(st);
    if (rc != DB_DONE)
        return rc;
    return db_changes(db) == n ? DB_OK : DB_ERR;
}

/* The first row (log 0) is the newest record's id, read in the same snapshot. */
enum db_status auditrecs_unchained_logs(struct db *db, int64_t after, int max,
                                        struct auditrecs_pending *logs, size_t cap, size_t *n,
                                        int64_t *top)
{
    *n = 0;
    *top = 0;
    struct db_stmt *st =
        db_stmt(db, "SELECT 0, MAX(id) FROM audit UNION ALL SELECT log_id, MIN(id) FROM"
                    " (SELECT log_id, id FROM audit WHERE seq IS NULL AND id > ?"
                    " ORDER BY " UNCHAINED_ORDER " LIMIT ?) u GROUP BY log_id");
    int64_t v[2] = {after, max};
    enum db_status rc = rows_bind_int64s(st, 2, v);
    while (rc == DB_OK && (rc = db_step(st)) == DB_ROW) {
        if (db_col_int64(st, 0) == 0)
            *top = db_col_int64(st, 1);
        else if (*n < cap)
            logs[(*n)++] = (struct auditrecs_pending){db_col_int64(st, 0), db_col_int64(st, 1)};
        rc = DB_OK;
    }
    if (st)
        db_stmt_done(st);
    return rc == DB_OK || rc == DB_DONE ? DB_OK : rc;
}

enum db_status auditrecs_unchained_count(struct db *db, int64_t log, int64_t *n)
{
    *n = 0;
    enum db_status rc =
        log < 0 ? db_get_int64(db, "SELECT COUNT(*) FROM audit WHERE seq IS NULL", 0, n)
                : db_get_int64(db, "SELECT COUNT(*) FROM audit WHERE log_id = ? AND seq IS NULL",
                               log, n);
    return rc == DB_ROW ? DB_OK : rc;
}

enum db_status auditrecs_range(struct db *db, int64_t log, int64_t from, int64_t to,
                               int (*row)(void *ctx, const struct auditrecs_row *r), void *ctx)
{
    struct walk w = {row, ctx, 0};
    struct db_stmt *st = db_stmt(db, "SELECT id, seq, " COLS_READ " FROM audit"
                                     " WHERE log_id = ? AND seq > ? AND seq <= ? ORDER BY seq");
    int64_t v[3] = {log, from, to};
    return rows_walk(st, rows_bind_int64s(st, 3, v), each, &w);
}

enum db_status auditrecs_chained(struct db *db, int64_t log,
                                 int (*row)(void *ctx, const struct auditrecs_row *r), void *ctx)
{
    struct walk w = {row, ctx, 1};
    struct db_stmt *st = NULL;
    enum db_status rc = db_prepare(db,
                                   "SELECT id, seq, " COLS_READ ", prev_hash, hash FROM audit"
                                   " WHERE log_id = ? AND seq IS NOT NULL ORDER BY seq",
                                   &st);
    if (rc == DB_OK)
        rc = db_bind_int64(st, 1, log);
    while (rc == DB_OK || rc == DB_ROW) {
        rc = db_step(st);
        if (rc == DB_ROW && each(&w, st) != 0)
            rc = DB_ERR;
    }
    db_finalize(st);
    return rc == DB_DONE ? DB_OK : rc;
}

enum db_status auditrecs_checkpoints(struct db *db,
                                     int (*cp)(void *ctx, const struct auditrecs_checkpoint *c),
                                     void *ctx)
{
    struct db_stmt *st = NULL;
    enum db_status rc = db_prepare(db,
                                   "SELECT id, audit_id, audit_hash, at_unix, pubkey, signature"
                                   " FROM audit_checkpoints ORDER BY id",
                                   &st);
    while (rc == DB_OK || rc == DB_ROW) {
        rc = db_step(st);
        if (rc != DB_ROW)
            break;
        const char *t[3];
        for (int i = 0; i < 3; i++)
            t[i] = db_col_text(st, i == 0 ? 2 : 3 + i) ? db_col_text(st, i == 0 ? 2 : 3 + i) : "";
        struct auditrecs_checkpoint c = {.id = db_col_int64(st, 0),
                                         .audit_id = db_col_int64(st, 1),
                                         .at = db_col_int64(st, 3),
                                         .audit_hash = t[0],
                                         .pubkey = t[1],
                                         .signature = t[2]};
        if (cp(ctx, &c) != 0)
            rc = DB_ERR;
    }
    db_finalize(st);
    return rc == DB_DONE ? DB_OK : rc;
}

enum db_status auditrecs_hash_at(struct db *db, int64_t seq, char hash[65])
{
    struct db_stmt *st = db_stmt(db, "SELECT hash FROM audit WHERE seq = ?");
    enum db_status rc = st ? db_bind_int64(st, 1, seq) : DB_ERR;
    if (rc == DB_OK)
        rc = db_step(st);
    const char *h = rc == DB_ROW && db_col_text(st, 0) ? db_col_text(st, 0) : "";
    /* A longer text is no hash: it must not match one by its first 64 digits. */
    if (rc == DB_ROW)
        snprintf(hash, 65, "%s", strlen(h) < 65 ? h : "-");
    if (st)
        db_stmt_done(st);
    return rc;
}
