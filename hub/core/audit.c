/*
 * audit.c: hash-chained audit records and signed checkpoints (see audit.h).
 *
 * The hash covers a length-prefixed serialisation of every field plus the record's id and
 * the previous hash, so no two different records can serialise alike and records cannot
 * be reordered. On SQLite the predecessor's hash is read inside the caller's transaction,
 * which holds SQLite's write lock, so hubd and hubctl can both append without forking the
 * chain. On PostgreSQL an append only stores the record, unchained, in the caller's
 * transaction; after commit a sequencer (whoever holds the audit_head row lock) gives
 * stored records their place, previous hash and hash in one short transaction, so
 * commits of several processes never wait for each other on the chain. Verification
 * reads through db.h, the same on both backends.
 */
#include "audit.h"
#include "auditkey.h"
#include "auditlog.h"
#include "dbarray.h"
#include "hubdb.h"
#include "hubkey.h"
#include "hubtoken.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

static void feed(EVP_MD_CTX *c, const char *s)
{
    char len[24];
    if (!s)
        s = "";
    size_t n = strlen(s);
    int k = snprintf(len, sizeof len, "%zu:", n);
    EVP_DigestUpdate(c, len, (size_t)k);
    EVP_DigestUpdate(c, s, n);
    EVP_DigestUpdate(c, ";", 1);
}

static void feed_int(EVP_MD_CTX *c, long long v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%lld", v);
    feed(c, buf);
}

/* Hash of record id with fields f[0..9) and the predecessor's hash. */
static void record_hash(long long id, long long at, const char *const f[9], long long subject,
                        const char *prev, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    if (!c || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1) {
        /* No hash means no record: an all-x hash never matches, so nothing verifies. */
        memset(out, 'x', 64);
        out[64] = '\0';
        EVP_MD_CTX_free(c);
        return;
    }
    feed(c, "hub-audit v1");
    feed_int(c, id);
    feed_int(c, at);
    feed_int(c, subject);
    for (int i = 0; i < 9; i++)
        feed(c, f[i]);
    feed(c, prev);
    EVP_DigestFinal_ex(c, md, &mdlen);
    EVP_MD_CTX_free(c);
    hubtoken_hex(md, mdlen, out);
}

/* The fields of r in hash order (NULL as ""), its subject (0 = none) and its hash as
 * record id following prev. */
static long long seal(const struct audit_rec *r, long long id, const char *prev, const char *f[9],
                      char hash[65])
{
    const char *v[9] = {r->actor, r->action, r->outcome,     r->data_kinds, r->purpose,
                        r->basis, r->source, r->destination, r->request_id};
    for (int i = 0; i < 9; i++)
        f[i] = v[i] ? v[i] : "";
    long long subject = r->subject > 0 ? r->subject : 0;
    record_hash(id, (long long)r->at, f, subject, prev, hash);
    return subject;
}

/* The record's leaf in the transparency log (auditlog.h): H(0x00 || the length-prefixed
 * serialisation of its place and every field). Unlike the chain hash it does not cover the
 * previous hash, so a tree head proves the records themselves, whatever the chain says. */
static void leaf_hash(long long seq, long long at, const char *const f[9], long long subject,
                      merkle_hash out)
{
    static const unsigned char leaf_prefix = 0x00;
    unsigned int n = 0;
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    if (!c || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1) {
        memset(out, 0xff, MERKLE_HASH_LEN); /* verifies against nothing */
        EVP_MD_CTX_free(c);
        return;
    }
    EVP_DigestUpdate(c, &leaf_prefix, 1);
    feed(c, "hub-audit-leaf v1");
    feed_int(c, seq);
    feed_int(c, at);
    feed_int(c, subject);
    for (int i = 0; i < 9; i++)
        feed(c, f[i]);
    EVP_DigestFinal_ex(c, out, &n);
    EVP_MD_CTX_free(c);
}

void audit_record_hash(const struct audit_rec *r, long long seq, const char *prev, char out[65])
{
    const char *f[9];
    seal(r, seq, prev, f, out);
}

void audit_leaf_hash(const struct audit_rec *r, long long seq, merkle_hash out)
{
    const char *f[9];
    char unused[65];
    long long subject = seal(r, seq, "", f, unused);
    leaf_hash(seq, (long long)r->at, f, subject, out);
}

enum db_status audit_leaves_db(struct db *db, long long log, long long from, long long to,
                               merkle_hash *out)
{
    struct db_stmt *st = db_stmt(db, "SELECT seq, at_unix, actor, action, outcome,"
                                     " subject_resident_id, data_kinds, purpose, basis, source,"
                                     " destination, request_id FROM audit"
                                     " WHERE log_id = ? AND seq > ? AND seq <= ? ORDER BY seq");
    if (!st)
        return DB_ERR;
    long long want = from + 1;
    enum db_status rc = db_bind_int64(st, 1, log);
    if (rc == DB_OK)
        rc = db_bind_int64(st, 2, from);
    if (rc == DB_OK)
        rc = db_bind_int64(st, 3, to);
    while (rc == DB_OK && (rc = db_step(st)) == DB_ROW) {
        const char *f[9];
        for (int i = 0; i < 3; i++)
            f[i] = db_col_text(st, 2 + i) ? db_col_text(st, 2 + i) : "";
        for (int i = 3; i < 9; i++)
            f[i] = db_col_text(st, 3 + i) ? db_col_text(st, 3 + i) : "";
        long long seq = db_col_int64(st, 0);
        if (seq != want) {
            rc = DB_ERR_CONSTRAINT; /* a record is missing */
            break;
        }
        leaf_hash(seq, db_col_int64(st, 1), f, db_col_int64(st, 5), out[seq - from - 1]);
        want++;
        rc = DB_OK;
    }
    db_stmt_done(st);
    if (rc == DB_DONE)
        rc = want == to + 1 ? DB_OK : DB_ERR_CONSTRAINT;
    return rc;
}

/* The newest chained record of log through db.h. SQLite: the log's newest record, under the
 * write lock the caller's transaction holds. PostgreSQL: the log's audit_head row; with
 * `lock` it is taken FOR UPDATE SKIP LOCKED, which makes the caller the log's one sequencer
 * until its transaction ends (and sets that transaction's commit asynchronous,
 * audit_chain_db() says why), or answers DB_DONE at once when another transaction holds it.
 * DB_OK when read. */
static enum db_status head_db(struct db *db, long long log, int lock, long long *id, char hash[65])
{
    *id = 0;
    snprintf(hash, 65, "%s", ZERO_HASH);
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
        *id = db_col_int64(st, 0);
        snprintf(hash, 65, "%s", db_col_text(st, 1) ? db_col_text(st, 1) : "");
        rc = DB_OK;
    } else if (rc == DB_DONE && db_dialect(db) == DB_SQLITE) {
        rc = DB_OK; /* an empty log */
    }
    db_stmt_done(st);
    return rc;
}

/* Binds a record's time, fields f (hash order) and subject from parameter `at` on:
 * at_unix, actor, action, outcome, subject, then the other six fields. */
static enum db_status bind_record(struct db_stmt *st, int at, const struct audit_rec *r,
                                  const char *const f[9], long long subject)
{
    enum db_status rc = db_bind_int64(st, at, (long long)r->at);
    for (int i = 0; i < 9 && rc == DB_OK; i++)
        rc = db_bind_text(st, i < 3 ? at + 1 + i : at + 2 + i, f[i], -1);
    if (rc == DB_OK)
        rc = subject > 0 ? db_bind_int64(st, at + 4, subject) : db_bind_null(st, at + 4);
    return rc;
}

/* SQLite: the record is chained at once in its log (the transaction holds the one write
 * lock); its row id comes from the table. */
static enum db_status append_chained(struct db *db, long long log, const struct audit_rec *r,
                                     long long *id_out)
{
    long long prev_seq = 0;
    char prev[65] = "", hash[65];
    enum db_status rc = head_db(db, log, 0, &prev_seq, prev);
    if (rc != DB_OK)
        return rc;
    long long seq = prev_seq + 1;
    const char *f[9];
    long long subject = seal(r, seq, prev, f, hash);
    struct db_stmt *st = db_stmt(db, "INSERT INTO audit(at_unix, actor, action, outcome,"
                                     " subject_resident_id, data_kinds, purpose, basis, source,"
                                     " destination, request_id, prev_hash, hash, seq, log_id)"
                                     " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id");
    if (!st)
        return DB_ERR;
    rc = bind_record(st, 1, r, f, subject);
    if (rc == DB_OK)
        rc = db_bind_text(st, 12, prev, -1);
    if (rc == DB_OK)
        rc = db_bind_text(st, 13, hash, -1);
    if (rc == DB_OK)
        rc = db_bind_int64(st, 14, seq);
    if (rc == DB_OK)
        rc = db_bind_int64(st, 15, log);
    int64_t id = 0;
    rc = db_insert_id(st, rc, &id);
    if (rc == DB_OK && id_out)
        *id_out = id;
    return rc;
}

#define APPEND_UNCHAINED_SQL                                                                       \
    "INSERT INTO audit(at_unix, actor, action, outcome,"                                           \
    " subject_resident_id, data_kinds, purpose, basis, source,"                                    \
    " destination, request_id, prev_hash, hash, log_id)"                                           \
    " VALUES(?,?,?,?,?,?,?,?,?,?,?,'','', " AUDITLOG_ROUTE_SQL ")"

/* PostgreSQL: the record is stored unchained in its log (seq NULL, empty hashes), its id
 * from the table's identity; audit_chain_db() chains it after commit. No lock is taken,
 * and the statement finds the record's log itself. Without id_out nothing is waited for:
 * inside a transaction the INSERT travels with the next statement or the COMMIT
 * (db_send()). */
static enum db_status append_unchained(struct db *db, const struct audit_rec *r, long long *id_out)
{
    const char *f[9];
    char unused[65];
    long long subject = seal(r, 0, "", f, unused);
    struct db_stmt *st = id_out ? db_stmt(db, APPEND_UNCHAINED_SQL " RETURNING id")
                                : db_stmt(db, APPEND_UNCHAINED_SQL);
    if (!st)
        return DB_ERR;
    int64_t id = 0;
    enum db_status rc = bind_record(st, 1, r, f, subject);
    if (rc == DB_OK)
        rc = auditlog_route_bind(db, st, 12, r->town, r->subject, r->actor);
    if (!id_out) {
        if (rc == DB_OK)
            rc = db_send(st);
        db_stmt_done(st);
        return rc;
    }
    rc = db_insert_id(st, rc, &id);
    if (rc == DB_OK)
        *id_out = id;
    return rc;
}

enum db_status audit_append_db(struct db *db, const struct audit_rec *r, long long *id_out)
{
    long long log = TREEHEAD_DEFAULT_LOG;
    if (db_dialect(db) == DB_POSTGRES)
        return append_unchained(db, r, id_out);
    /* SQLite: the log first, its newest record's hash is chained to */
    enum db_status rc = auditlog_route(db, r->town, r->subject, r->actor, &log);
    return rc == DB_OK ? append_chained(db, log, r, id_out) : rc;
}

#define APPEND_MANY_SQL                                                                            \
    "INSERT INTO audit(at_unix, actor, action, outcome, subject_resident_id, data_kinds,"          \
    " purpose, basis, source, destination, request_id, prev_hash, hash, log_id)"                   \
    " SELECT u.at, u.actor, u.action, u.outcome, u.subject, u.kinds, u.purpose, u.basis,"          \
    " u.source, u.dest, u.req, '', '', " AUDITLOG_ROUTE_OF(                                        \
        "u.rsubject", "u.rtown",                                                                   \
        "u.rlog") " FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::bigint[], "       \
                  "?::text[],"                                                                     \
                  " ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], "          \
                  "?::bigint[],"                                                                   \
                  " ?::bigint[]) WITH ORDINALITY AS u(at, actor, action, outcome, subject, "       \
                  "kinds, purpose,"                                                                \
                  " basis, source, dest, req, rsubject, rtown, rlog, ord) ORDER BY u.ord"

/* PostgreSQL: the records as arrays, one INSERT. The columns are those of
 * append_unchained(), the route's three values per record included; ORDER BY ord gives the
 * records ids in the order of r[] (the sequencer chains by id). It inserts one row per
 * record or fails, so nothing needs its answer: it is sent with what follows (db_send()). */
static enum db_status append_many_unchained(struct db *db, const struct audit_rec *r, size_t n)
{
    enum { COLS = 14 };
    struct dbarray a[COLS];
    enum db_status rc = DB_OK;
    for (int i = 0; i < COLS; i++)
        dbarray_init(&a[i]);
    for (size_t k = 0; k < n && rc == DB_OK; k++) {
        const char *f[9];
        char unused[65];
        long long route[3];
        long long subject = seal(&r[k], 0, "", f, unused);
        rc = auditlog_route_values(db, r[k].town, r[k].subject, r[k].actor, route);
        dbarray_int64(&a[0], (long long)r[k].at);
        for (int i = 0; i < 3; i++)
            dbarray_text(&a[1 + i], f[i]);
        dbarray_id(&a[4], subject);
        for (int i = 3; i < 9; i++)
            dbarray_text(&a[2 + i], f[i]);
        for (int i = 0; i < 3; i++)
            dbarray_id(&a[11 + i], route[i]);
    }
    struct db_stmt *st = rc == DB_OK ? db_stmt(db, APPEND_MANY_SQL) : NULL;
    if (rc == DB_OK && !st)
        rc = DB_ERR;
    for (int i = 0; i < COLS && rc == DB_OK; i++)
        rc = dbarray_bind(st, i + 1, &a[i]);
    if (rc == DB_OK)
        rc = db_send(st); /* with the RELEASE and COMMIT after it: no answer is needed */
    if (st)
        db_stmt_done(st);
    for (int i = 0; i < COLS; i++)
        dbarray_free(&a[i]);
    return rc;
}

enum db_status audit_append_many_db(struct db *db, const struct audit_rec *r, size_t n)
{
    if (n < 1 || n > AUDIT_APPEND_MANY_MAX)
        return DB_ERR;
    if (db_dialect(db) == DB_POSTGRES)
        return append_many_unchained(db, r, n);
    enum db_status rc = DB_OK;
    for (size_t k = 0; k < n && rc == DB_OK; k++)
        rc = audit_append_db(db, &r[k], NULL);
    return rc;
}

/* PostgreSQL array literals ({a,b,...}) of the chained rows, filled as they are read. */
struct chain_arrays {
    char *ids, *seqs, *prevs, *hashes;
    size_t o_ids, o_seqs, o_prevs, o_hashes, cap_int, cap_hash;
};

static int arrays_init(struct chain_arrays *a, int max)
{
    memset(a, 0, sizeof *a);
    a->cap_int = (size_t)max * 21 + 3;
    a->cap_hash = (size_t)max * 65 + 3;
    a->ids = malloc(a->cap_int);
    a->seqs = malloc(a->cap_int);
    a->prevs = malloc(a->cap_hash);
    a->hashes = malloc(a->cap_hash);
    if (!a->ids || !a->seqs || !a->prevs || !a->hashes)
        return -1;
    a->o_ids = a->o_seqs = a->o_prevs = a->o_hashes = 1;
    a->ids[0] = a->seqs[0] = a->prevs[0] = a->hashes[0] = '{';
    return 0;
}

static void arrays_free(struct chain_arrays *a)
{
    free(a->ids);
    free(a->seqs);
    free(a->prevs);
    free(a->hashes);
}

/* Appends one element (sizes are reserved by arrays_init for `max` rows). */
static void put(char *buf, size_t *o, size_t cap, const char *v)
{
    int n = snprintf(buf + *o, cap - *o, "%s%s", *o > 1 ? "," : "", v);
    if (n > 0 && (size_t)n < cap - *o)
        *o += (size_t)n;
}

static void close_array(char *buf, size_t *o, size_t cap)
{
    snprintf(buf + *o, cap - *o, "}");
}

/* Reads up to max unchained records in id order and chains them after (last, prev):
 * their new seq, prev_hash and hash go into a. *n gets how many, *last / prev the new
 * head. */
static enum db_status chain_read(struct db *db, long long log, int max, struct chain_arrays *a,
                                 long *n, long long *last, char prev[65])
{
    struct db_stmt *st = db_stmt(db, "SELECT id, at_unix, actor, action, outcome,"
                                     " subject_resident_id, data_kinds, purpose, basis, source,"
                                     " destination, request_id FROM audit"
                                     " WHERE log_id = ? AND seq IS NULL ORDER BY id LIMIT ?");
    if (!st)
        return DB_ERR;
    enum db_status rc = db_bind_int64(st, 1, log);
    if (rc == DB_OK)
        rc = db_bind_int64(st, 2, max);
    while (rc == DB_OK && (rc = db_step(st)) == DB_ROW) {
        const char *v[9];
        for (int i = 0; i < 3; i++)
            v[i] = db_col_text(st, 2 + i);
        for (int i = 3; i < 9; i++)
            v[i] = db_col_text(st, 3 + i);
        struct audit_rec r = {.at = (time_t)db_col_int64(st, 1),
                              .actor = v[0],
                              .action = v[1],
                              .outcome = v[2],
                              .subject = db_col_int64(st, 5),
                              .data_kinds = v[3],
                              .purpose = v[4],
                              .basis = v[5],
                              .source = v[6],
                              .destination = v[7],
                              .request_id = v[8]};
        const char *f[9];
        char hash[65], num[24];
        long long seq = *last + 1;
        seal(&r, seq, prev, f, hash);
        snprintf(num, sizeof num, "%lld", (long long)db_col_int64(st, 0));
        put(a->ids, &a->o_ids, a->cap_int, num);
        snprintf(num, sizeof num, "%lld", seq);
        put(a->seqs, &a->o_seqs, a->cap_int, num);
        put(a->prevs, &a->o_prevs, a->cap_hash, prev);
        put(a->hashes, &a->o_hashes, a->cap_hash, hash);
        memcpy(prev, hash, 65);
        *last = seq;
        (*n)++;
        rc = DB_OK;
    }
    db_stmt_done(st);
    close_array(a->ids, &a->o_ids, a->cap_int);
    close_array(a->seqs, &a->o_seqs, a->cap_int);
    close_array(a->prevs, &a->o_prevs, a->cap_hash);
    close_array(a->hashes, &a->o_hashes, a->cap_hash);
    return rc == DB_DONE ? DB_OK : rc;
}

/* Writes the chain fields of a's rows (each still unchained: a row chained meanwhile
 * would make the count differ and the pass fail) and the new head. */
static enum db_status chain_write(struct db *db, long long log, const struct chain_arrays *a,
                                  long n, long long last, const char *head)
{
    struct db_stmt *st = db_stmt(db, "WITH c AS (SELECT * FROM unnest(?::bigint[], ?::bigint[],"
                                     " ?::text[], ?::text[]) AS c(id, seq, prev, hash)),"
                                     " h AS (UPDATE audit_head SET last_id = ?, last_hash = ?"
                                     " WHERE id = ?)"
                                     " UPDATE audit SET seq = c.seq, prev_hash = c.prev,"
                                     " hash = c.hash FROM c"
                                     " WHERE audit.id = c.id AND audit.seq IS NULL");
    if (!st)
        return DB_ERR;
    enum db_status rc = db_bind_text(st, 1, a->ids, -1);
    if (rc == DB_OK)
        rc = db_bind_text(st, 2, a->seqs, -1);
    if (rc == DB_OK)
        rc = db_bind_text(st, 3, a->prevs, -1);
    if (rc == DB_OK)
        rc = db_bind_text(st, 4, a->hashes, -1);
    if (rc == DB_OK)
        rc = db_bind_int64(st, 5, last);
    if (rc == DB_OK)
        rc = db_bind_text(st, 6, head, -1);
    if (rc == DB_OK)
        rc = db_bind_int64(st, 7, log);
    if (rc == DB_OK)
        rc = db_step(st);
    db_stmt_done(st);
    if (rc != DB_DONE)
        return rc;
    return db_changes(db) == n ? DB_OK : DB_ERR;
}

/* One pass over one log (see audit_chain_db()). */
static enum db_status chain_log(struct db *db, long long log, int max, long *chained)
{
    struct chain_arrays a;
    long n = 0;
    long long last = 0;
    char head[65];
    enum db_status rc = DB_OK;
    *chained = 0;
    if (arrays_init(&a, max) != 0) {
        rc = DB_ERR;
        goto out;
    }
    /* Asynchronous commit is safe here and keeps the pass off the WAL flush: the records
     * themselves are durable already; a pass lost in a server crash is lost with every
     * later pass (WAL is replayed in order) and its records are simply chained again,
     * while anything durable that depends on it (a signed checkpoint, committed
     * synchronously) flushes the WAL through it first. */
    rc = db_begin(db);
    if (rc != DB_OK)
        goto out;
    rc = head_db(db, log, 1, &last, head);
    if (rc == DB_DONE)
        rc = DB_ERR_BUSY; /* another process is chaining this log now */
    if (rc == DB_OK)
        rc = chain_read(db, log, max, &a, &n, &last, head);
    if (rc == DB_OK && n > 0)
        rc = chain_write(db, log, &a, n, last, head);
    if (rc == DB_OK && n > 0)
        rc = db_commit(db);
    else
        db_rollback(db);
    if (rc == DB_OK)
        *chained = n;
out:
    arrays_free(&a);
    return rc;
}

/* The logs that hold unchained records (at most cap) into logs; *n how many. */
static enum db_status unchained_logs(struct db *db, long long *logs, size_t cap, size_t *n)
{
    *n = 0;
    struct db_stmt *st = db_stmt(db, "SELECT DISTINCT log_id FROM audit WHERE seq IS NULL");
    if (!st)
        return DB_ERR;
    enum db_status rc;
    while ((rc = db_step(st)) == DB_ROW && *n < cap)
        logs[(*n)++] = db_col_int64(st, 0);
    db_stmt_done(st);
    return rc == DB_ROW || rc == DB_DONE ? DB_OK : rc;
}

enum db_status audit_chain_db(struct db *db, int max, long *chained)
{
    long long logs[AUDITLOG_MAX];
    size_t n_logs = 0;
    int busy = 0;
    *chained = 0;
    if (db_dialect(db) != DB_POSTGRES)
        return DB_OK;
    if (max < 1 || max > AUDIT_CHAIN_MAX)
        max = AUDIT_CHAIN_MAX;
    /* One pass per log: each log has its own head row, so the sequencers of different
     * logs (in one process or several) never wait for each other. */
    enum db_status rc = unchained_logs(db, logs, AUDITLOG_MAX, &n_logs);
    for (size_t i = 0; rc == DB_OK && i < n_logs; i++) {
        long n = 0;
        rc = chain_log(db, logs[i], max, &n);
        if (rc == DB_ERR_BUSY) {
            busy = 1;
            rc = DB_OK;
        }
        *chained += n;
    }
    return rc == DB_OK && busy ? DB_ERR_BUSY : rc;
}

enum db_status audit_chain_all_db(struct db *db, long long *chained)
{
    long n = 0;
    enum db_status rc;
    *chained = 0;
    do {
        rc = audit_chain_db(db, AUDIT_CHAIN_MAX, &n);
        if (rc == DB_OK)
            *chained += n;
    } while (rc == DB_OK && n >= AUDIT_CHAIN_MAX);
    return rc;
}

enum db_status audit_unchained_db(struct db *db, int64_t *n)
{
    *n = 0;
    enum db_status rc = db_get_int64(db, "SELECT COUNT(*) FROM audit WHERE seq IS NULL", 0, n);
    return rc == DB_ROW ? DB_OK : rc;
}

static int checkpoint_message(long long audit_id, const char *hash, long long at, char *out,
                              size_t cap)
{
    return snprintf(out, cap, "hub-audit-checkpoint v1|%lld|%s|%lld", audit_id, hash, at);
}

enum db_status audit_sign_log_db(struct db *db, long long log, EVP_PKEY *hub, time_t now)
{
    int made = 0;
    EVP_PKEY *key = auditkey_for_log(hub, log);
    enum db_status rc = key ? auditlog_sign(db, log, key, now, NULL, &made) : DB_ERR;
    EVP_PKEY_free(key);
    return rc;
}

enum db_status audit_checkpoint_db(struct db *db, EVP_PKEY *key, time_t now)
{
    long long ids[AUDITLOG_MAX], towns[AUDITLOG_MAX];
    size_t n = 0;
    enum db_status skipped = DB_OK;
    enum db_status rc = auditlog_list(db, ids, towns, AUDITLOG_MAX, &n);
    /* Each log with its own key. A log another process is signing (PostgreSQL) is left to
     * it, and one that cannot be signed (records missing under its newest head: nothing
     * was written for it) to audit-verify; the others are signed all the same. */
    for (size_t i = 0; rc == DB_OK && i < n; i++) {
        rc = audit_sign_log_db(db, ids[i], key, now);
        if (rc == DB_ERR_BUSY || rc == DB_ERR_CONSTRAINT) {
            if (skipped != DB_ERR_CONSTRAINT)
                skipped = rc;
            rc = DB_OK;
        }
    }
    return rc == DB_OK ? skipped : rc;
}

const char *audit_verify_status_str(enum audit_verify_status s)
{
    switch (s) {
    case AUDIT_VERIFY_OK:
        return "ok";
    case AUDIT_VERIFY_BROKEN:
        return "chain broken";
    case AUDIT_VERIFY_TRUNCATED:
        return "records removed after a signed head";
    case AUDIT_VERIFY_BAD_CHECKPOINT:
        return "bad checkpoint";
    case AUDIT_VERIFY_ERROR:
        return "cannot read the audit log";
    case AUDIT_VERIFY_BAD_HEAD:
        return "bad signed tree head";
    case AUDIT_VERIFY_ALTERED:
        return "records differ from a signed tree head";
    case AUDIT_VERIFY_UNCOVERED:
        return "records no signed tree head covers";
    }
    return "unknown";
}

static const char *col(struct db_stmt *st, int i)
{
    const char *t = db_col_text(st, i);
    return t ? t : "";
}

static enum audit_verify_status verify_checkpoints(struct db *db, EVP_PKEY *key, long long last_id,
                                                   long long *bad_id, char *msg, size_t msgcap)
{
    enum audit_verify_status vs = AUDIT_VERIFY_ERROR;
    struct db_stmt *st = NULL, *rec = NULL;
    char pub[65];
    if (hubkey_public_hex(key, pub) != 0) {
        snprintf(msg, msgcap, "the hub key has no usable public key");
        goto out;
    }
    if (db_prepare(db,
                   "SELECT id, audit_id, audit_hash, at_unix, pubkey, signature"
                   " FROM audit_checkpoints ORDER BY id",
                   &st) != DB_OK ||
        db_prepare(db, "SELECT hash FROM audit WHERE seq = ?", &rec) != DB_OK) {
        snprintf(msg, msgcap, "cannot read the checkpoints: %s", db_errmsg(db));
        goto out;
    }
    enum db_status rc;
    while ((rc = db_step(st)) == DB_ROW) {
        long long cp = db_col_int64(st, 0);
        long long aid = db_col_int64(st, 1);
        const char *ahash = col(st, 2);
        long long at = db_col_int64(st, 3);
        char m[256];
        int n = checkpoint_message(aid, ahash, at, m, sizeof m);
        *bad_id = aid;
        if (strcmp(col(st, 4), pub) != 0 ||
            !hubkey_verify_hex(key, (const unsigned char *)m, (size_t)n, col(st, 5))) {
            snprintf(msg, msgcap,
                     "checkpoint %lld (over record %lld) is not signed by this hub key", cp, aid);
            vs = AUDIT_VERIFY_BAD_CHECKPOINT;
            goto out;
        }
        if (aid > last_id) {
            snprintf(msg, msgcap,
                     "the log ends at record %lld but signed checkpoint %lld covers record "
                     "%lld: records %lld..%lld were removed",
                     last_id, cp, aid, last_id + 1, aid);
            vs = AUDIT_VERIFY_TRUNCATED;
            goto out;
        }
        db_reset(rec);
        if (db_bind_int64(rec, 1, aid) != DB_OK || db_step(rec) != DB_ROW ||
            strcmp(col(rec, 0), ahash) != 0) {
            snprintf(msg, msgcap, "record %lld does not match signed checkpoint %lld", aid, cp);
            vs = AUDIT_VERIFY_TRUNCATED;
            goto out;
        }
    }
    if (rc != DB_DONE) {
        snprintf(msg, msgcap, "cannot read the checkpoints: %s", db_errmsg(db));
        goto out;
    }
    vs = AUDIT_VERIFY_OK;
out:
    db_finalize(st);
    db_finalize(rec);
    return vs;
}

enum audit_verify_status audit_verify_one_db(struct db *db, long long log, EVP_PKEY *hub,
                                             time_t now, long bound, long long *bad_id,
                                             long long *n_records, char *msg, size_t msgcap)
{
    enum audit_verify_status vs = AUDIT_VERIFY_ERROR;
    struct db_stmt *st = NULL;
    struct auditlog_check *heads = NULL;
    EVP_PKEY *key = hub ? auditkey_for_log(hub, log) : NULL;
    char prev[65] = ZERO_HASH;
    long long expect_id = 1, n = 0;
    *bad_id = 0;
    msg[0] = '\0';
    if (hub && !key) {
        snprintf(msg, msgcap, "cannot make the key of log %lld from the hub key", log);
        goto out;
    }
    if (key && auditlog_check_begin(db, log, key, &heads) != DB_OK) {
        snprintf(msg, msgcap, "cannot read the signed tree heads: %s", db_errmsg(db));
        goto out;
    }
    if (db_prepare(db,
                   "SELECT seq, at_unix, actor, action, outcome, subject_resident_id,"
                   " data_kinds, purpose, basis, source, destination, request_id,"
                   " prev_hash, hash FROM audit WHERE log_id = ? AND seq IS NOT NULL"
                   " ORDER BY seq",
                   &st) != DB_OK ||
        db_bind_int64(st, 1, log) != DB_OK) {
        snprintf(msg, msgcap, "cannot read the audit log: %s", db_errmsg(db));
        goto out;
    }
    enum db_status rc;
    while ((rc = db_step(st)) == DB_ROW) {
        long long id = db_col_int64(st, 0);
        const char *f[9];
        for (int i = 0; i < 3; i++)
            f[i] = col(st, 2 + i);
        for (int i = 3; i < 9; i++)
            f[i] = col(st, 3 + i);
        char h[65];
        *bad_id = id;
        if (id != expect_id) {
            snprintf(msg, msgcap, "record %lld is missing (the next record is %lld)", expect_id,
                     id);
            *bad_id = expect_id;
            vs = AUDIT_VERIFY_BROKEN;
            goto out;
        }
        if (strcmp(col(st, 12), prev) != 0) {
            snprintf(msg, msgcap,
                     "record %lld does not follow record %lld (its previous-hash differs)", id,
                     id - 1);
            vs = AUDIT_VERIFY_BROKEN;
            goto out;
        }
        record_hash(id, db_col_int64(st, 1), f, db_col_int64(st, 5), prev, h);
        if (strcmp(h, col(st, 13)) != 0) {
            snprintf(msg, msgcap, "record %lld was altered (its content does not match its hash)",
                     id);
            vs = AUDIT_VERIFY_BROKEN;
            goto out;
        }
        if (heads) {
            merkle_hash leaf;
            leaf_hash(id, db_col_int64(st, 1), f, db_col_int64(st, 5), leaf);
            int hv = auditlog_check_leaf(heads, id, db_col_int64(st, 1), leaf, bad_id, msg, msgcap);
            if (hv != AUDIT_VERIFY_OK) {
                vs = (enum audit_verify_status)hv;
                goto out;
            }
        }
        memcpy(prev, h, sizeof prev);
        expect_id = id + 1;
        n++;
    }
    if (rc != DB_DONE) {
        snprintf(msg, msgcap, "cannot read the audit log: %s", db_errmsg(db));
        goto out;
    }
    *n_records = n;
    *bad_id = 0;
    if (heads) {
        int hv = auditlog_check_end(heads, n, now, bound, bad_id, msg, msgcap);
        if (hv != AUDIT_VERIFY_OK) {
            vs = (enum audit_verify_status)hv;
            goto out;
        }
    }
    if (key && log == TREEHEAD_DEFAULT_LOG) {
        /* The checkpoints of hubs before the transparency log: over the hub log. */
        vs = verify_checkpoints(db, key, expect_id - 1, bad_id, msg, msgcap);
        if (vs != AUDIT_VERIFY_OK)
            goto out;
    }
    int64_t waiting = 0;
    if (db_get_int64(db, "SELECT COUNT(*) FROM audit WHERE log_id = ? AND seq IS NULL", log,
                     &waiting) != DB_ROW) {
        snprintf(msg, msgcap, "cannot count the records awaiting chaining: %s", db_errmsg(db));
        goto out;
    }
    if (waiting > 0)
        snprintf(msg, msgcap, "%lld records stored after record %lld await chaining",
                 (long long)waiting, expect_id - 1);
    vs = AUDIT_VERIFY_OK;
out:
    if (n_records)
        *n_records = n;
    db_finalize(st);
    auditlog_check_free(heads);
    EVP_PKEY_free(key);
    return vs;
}

enum audit_verify_status audit_verify_log_db(struct db *db, EVP_PKEY *key, time_t now, long bound,
                                             long long *bad_id, long long *n_records, char *msg,
                                             size_t msgcap)
{
    long long ids[AUDITLOG_MAX], towns[AUDITLOG_MAX], total = 0;
    size_t n = 0;
    enum audit_verify_status vs = AUDIT_VERIFY_OK;
    *bad_id = 0;
    msg[0] = '\0';
    if (auditlog_list(db, ids, towns, AUDITLOG_MAX, &n) != DB_OK) {
        snprintf(msg, msgcap, "cannot read the audit logs: %s", db_errmsg(db));
        vs = AUDIT_VERIFY_ERROR;
    }
    for (size_t i = 0; vs == AUDIT_VERIFY_OK && i < n; i++) {
        long long k = 0;
        char m[384];
        vs = audit_verify_one_db(db, ids[i], key, now, bound, bad_id, &k, m, sizeof m);
        total += k;
        /* Which log, when more than the hub log exists. */
        if (m[0] && n > 1)
            snprintf(msg, msgcap, "log %lld: %s", ids[i], m);
        else if (m[0])
            snprintf(msg, msgcap, "%s", m);
    }
    if (n_records)
        *n_records = total;
    return vs;
}

enum audit_verify_status audit_verify_db(struct db *db, EVP_PKEY *key, long long *bad_id,
                                         long long *n_records, char *msg, size_t msgcap)
{
    return audit_verify_log_db(db, key, 0, -1, bad_id, n_records, msg, msgcap);
}
