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
#include "auditrecs.h"
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

/* The store's row of r (fields in hash order, subject 0 for none) at place seq after prev,
 * with its hash: what is stored of it. */
static struct auditrecs_row row_of(const struct audit_rec *r, long long seq, const char *prev,
                                   char hash[65])
{
    struct auditrecs_row row = {.seq = seq, .at = (int64_t)r->at, .town = r->town};
    row.subject = seal(r, seq, prev, row.f, hash);
    row.prev_hash = prev;
    row.hash = hash;
    return row;
}

/* A stored row as the record it holds. */
static struct audit_rec rec_of(const struct auditrecs_row *row)
{
    return (struct audit_rec){.at = (time_t)row->at,
                              .actor = row->f[0],
                              .action = row->f[1],
                              .outcome = row->f[2],
                              .subject = row->subject,
                              .data_kinds = row->f[3],
                              .purpose = row->f[4],
                              .basis = row->f[5],
                              .source = row->f[6],
                              .destination = row->f[7],
                              .request_id = row->f[8]};
}

struct leaves {
    long long from, want;
    merkle_hash *out;
    int missing;
};

/* One record of audit_leaves_db(): its leaf, or 1 (stop) when its place is not the next. */
static int leaf_of(void *arg, const struct auditrecs_row *r)
{
    struct leaves *l = arg;
    if (r->seq != l->want) {
        l->missing = 1;
        return 1;
    }
    leaf_hash(r->seq, r->at, r->f, r->subject, l->out[r->seq - l->from - 1]);
    l->want++;
    return 0;
}

enum db_status audit_leaves_db(struct db *db, long long log, long long from, long long to,
                               merkle_hash *out)
{
    struct leaves l = {from, from + 1, out, 0};
    enum db_status rc = auditrecs_range(db, log, from, to, leaf_of, &l);
    if (l.missing)
        return DB_ERR_CONSTRAINT;
    if (rc == DB_OK)
        rc = l.want == to + 1 ? DB_OK : DB_ERR_CONSTRAINT;
    return rc;
}

/* The newest chained record of log (auditrecs_head()), the zero hash at 0 when there is
 * none. SQLite: DB_OK also for an empty log. PostgreSQL: DB_DONE when another transaction
 * holds the head (lock). DB_OK when read. */
static enum db_status head_db(struct db *db, long long log, int lock, long long *id, char hash[65])
{
    int64_t seq = 0;
    snprintf(hash, 65, "%s", ZERO_HASH);
    enum db_status rc = auditrecs_head(db, log, lock, &seq, hash);
    *id = seq;
    if (rc == DB_ROW)
        rc = DB_OK;
    else if (rc == DB_DONE && db_dialect(db) == DB_SQLITE)
        rc = DB_OK; /* an empty log */
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
    struct auditrecs_row row = row_of(r, prev_seq + 1, prev, hash);
    int64_t id = 0;
    rc = auditrecs_add_chained(db, log, &row, &id);
    if (rc == DB_OK && id_out)
        *id_out = id;
    return rc;
}

/* PostgreSQL: the record is stored unchained in its log (seq NULL, empty hashes), its id
 * from the table's identity; audit_chain_db() chains it after commit. No lock is taken,
 * and the statement finds the record's log itself. Without id_out nothing is waited for:
 * inside a transaction the INSERT travels with the next statement or the COMMIT. */
static enum db_status append_unchained(struct db *db, const struct audit_rec *r, long long *id_out)
{
    char unused[65];
    struct auditrecs_row row = row_of(r, 0, "", unused);
    int64_t id = 0;
    enum db_status rc = auditrecs_add_unchained(db, &row, id_out ? &id : NULL);
    if (rc == DB_OK && id_out)
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

/* PostgreSQL: every record unchained in one INSERT (auditrecs_add_unchained_many()). */
static enum db_status append_many_unchained(struct db *db, const struct audit_rec *r, size_t n)
{
    struct auditrecs_row *rows = calloc(n, sizeof *rows);
    char unused[65];
    enum db_status rc = rows ? DB_OK : DB_ERR;
    for (size_t k = 0; k < n && rows; k++)
        rows[k] = row_of(&r[k], 0, "", unused);
    if (rc == DB_OK)
        rc = auditrecs_add_unchained_many(db, rows, n);
    free(rows);
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

/* PostgreSQL array literals ({a,b,...}) of the chained rows, filled as they are read, and
 * the first (lowest) id. */
struct chain_arrays {
    long long first;
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

struct chaining {
    struct chain_arrays *a;
    long *n;
    long long *last;
    char *prev; /* 65 */
};

/* One unchained record: its place, previous hash and hash after the last one chained. */
static int chain_one(void *arg, const struct auditrecs_row *row)
{
    struct chaining *c = arg;
    struct audit_rec r = rec_of(row);
    const char *f[9];
    char hash[65], num[24];
    long long seq = *c->last + 1;
    seal(&r, seq, c->prev, f, hash);
    snprintf(num, sizeof num, "%lld", (long long)row->id);
    if (*c->n == 0)
        c->a->first = (long long)row->id;
    put(c->a->ids, &c->a->o_ids, c->a->cap_int, num);
    snprintf(num, sizeof num, "%lld", seq);
    put(c->a->seqs, &c->a->o_seqs, c->a->cap_int, num);
    put(c->a->prevs, &c->a->o_prevs, c->a->cap_hash, c->prev);
    put(c->a->hashes, &c->a->o_hashes, c->a->cap_hash, hash);
    memcpy(c->prev, hash, 65);
    *c->last = seq;
    (*c->n)++;
    return 0;
}

/* Reads up to max unchained records in id order and chains them after (last, prev):
 * their new seq, prev_hash and hash go into a. *n gets how many, *last / prev the new
 * head. */
static enum db_status chain_read(struct db *db, long long log, long long after, int max,
                                 struct chain_arrays *a, long *n, long long *last, char prev[65])
{
    struct chaining c = {a, n, last, prev};
    enum db_status rc = auditrecs_unchained(db, log, after, max, chain_one, &c);
    close_array(a->ids, &a->o_ids, a->cap_int);
    close_array(a->seqs, &a->o_seqs, a->cap_int);
    close_array(a->prevs, &a->o_prevs, a->cap_hash);
    close_array(a->hashes, &a->o_hashes, a->cap_hash);
    return rc;
}

/* Writes the chain fields of a's rows (each still unchained: a row chained meanwhile
 * would make the count differ and the pass fail) and the new head. */
static enum db_status chain_write(struct db *db, long long log, const struct chain_arrays *a,
                                  long n, long long last, const char *head)
{
    return auditrecs_chain(db, log, a->first, a->ids, a->seqs, a->prevs, a->hashes, n, last, head);
}

/* One pass over one log's records above after (see audit_chain_db()). */
static enum db_status chain_log(struct db *db, long long log, long long after, int max,
                                long *chained)
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
        rc = chain_read(db, log, after, max, &a, &n, &last, head);
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

/* The lower of two lows, 0 standing for none. */
static long long lower(long long a, long long b)
{
    return a == 0 || (b != 0 && b < a) ? b : a;
}

enum db_status audit_chain_pass_db(struct db *db, int max, struct audit_chain_pass *p,
                                   long *chained)
{
    struct auditrecs_pending *logs = NULL;
    size_t n_logs = 0;
    int busy = 0;
    int64_t top = 0;
    *chained = 0;
    p->top = p->low = 0;
    if (db_dialect(db) != DB_POSTGRES)
        return DB_OK;
    if (max < 1 || max > AUDIT_CHAIN_MAX)
        max = AUDIT_CHAIN_MAX;
    logs = calloc(AUDITLOG_MAX, sizeof *logs);
    /* One pass per log: each log has its own head row, so the sequencers of different
     * logs (in one process or several) never wait for each other. */
    enum db_status rc = logs ? auditrecs_unchained_logs(db, p->after, AUDIT_CHAIN_MAX, logs,
                                                        AUDITLOG_MAX, &n_logs, &top)
                             : DB_ERR;
    p->top = top;
    for (size_t i = 0; rc == DB_OK && i < n_logs; i++) {
        long n = 0;
        rc = chain_log(db, logs[i].log, p->after, max, &n);
        if (rc == DB_ERR_BUSY) {
            busy = 1;
            rc = DB_OK;
        }
        if (rc == DB_OK && (n == 0 || n == max))
            p->low = lower(p->low, logs[i].low);
        *chained += n;
    }
    free(logs);
    return rc == DB_OK && busy ? DB_ERR_BUSY : rc;
}

enum db_status audit_chain_db(struct db *db, int max, long *chained)
{
    struct audit_chain_pass p = {0};
    return audit_chain_pass_db(db, max, &p, chained);
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
    return auditrecs_unchained_count(db, -1, n);
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

/* What a walk of verification found: vs set (not OK) stops it, msg and *bad_id say why. */
struct verifying {
    EVP_PKEY *key;
    const char *pub;
    long long last_id, expect_id, n;
    long long *bad_id;
    char *msg;
    size_t msgcap;
    char prev[65];
    struct auditlog_check *heads;
    struct db *db;
    enum audit_verify_status vs;
};

/* One signed checkpoint of a hub before the transparency log. */
static int check_checkpoint(void *arg, const struct auditrecs_checkpoint *c)
{
    struct verifying *v = arg;
    char m[256], h[65];
    int n = checkpoint_message(c->audit_id, c->audit_hash, c->at, m, sizeof m);
    *v->bad_id = c->audit_id;
    if (strcmp(c->pubkey, v->pub) != 0 ||
        !hubkey_verify_hex(v->key, (const unsigned char *)m, (size_t)n, c->signature)) {
        snprintf(v->msg, v->msgcap,
                 "checkpoint %lld (over record %lld) is not signed by this hub key",
                 (long long)c->id, (long long)c->audit_id);
        v->vs = AUDIT_VERIFY_BAD_CHECKPOINT;
        return 1;
    }
    if (c->audit_id > v->last_id) {
        snprintf(v->msg, v->msgcap,
                 "the log ends at record %lld but signed checkpoint %lld covers record "
                 "%lld: records %lld..%lld were removed",
                 v->last_id, (long long)c->id, (long long)c->audit_id, v->last_id + 1,
                 (long long)c->audit_id);
        v->vs = AUDIT_VERIFY_TRUNCATED;
        return 1;
    }
    if (auditrecs_hash_at(v->db, c->audit_id, h) != DB_ROW || strcmp(h, c->audit_hash) != 0) {
        snprintf(v->msg, v->msgcap, "record %lld does not match signed checkpoint %lld",
                 (long long)c->audit_id, (long long)c->id);
        v->vs = AUDIT_VERIFY_TRUNCATED;
        return 1;
    }
    return 0;
}

static enum audit_verify_status verify_checkpoints(struct db *db, EVP_PKEY *key, long long last_id,
                                                   long long *bad_id, char *msg, size_t msgcap)
{
    char pub[65];
    struct verifying v = {.key = key,
                          .pub = pub,
                          .last_id = last_id,
                          .bad_id = bad_id,
                          .msg = msg,
                          .msgcap = msgcap,
                          .db = db,
                          .vs = AUDIT_VERIFY_OK};
    if (hubkey_public_hex(key, pub) != 0) {
        snprintf(msg, msgcap, "the hub key has no usable public key");
        return AUDIT_VERIFY_ERROR;
    }
    enum db_status rc = auditrecs_checkpoints(db, check_checkpoint, &v);
    if (v.vs != AUDIT_VERIFY_OK)
        return v.vs;
    if (rc != DB_OK) {
        snprintf(msg, msgcap, "cannot read the checkpoints: %s", db_errmsg(db));
        return AUDIT_VERIFY_ERROR;
    }
    return AUDIT_VERIFY_OK;
}

/* One chained record of the walk: in its place, following the one before, its hash its
 * own, and (with heads) its leaf where the signed heads say. */
static int check_record(void *arg, const struct auditrecs_row *r)
{
    struct verifying *v = arg;
    long long id = r->seq;
    char h[65];
    *v->bad_id = id;
    if (id != v->expect_id) {
        snprintf(v->msg, v->msgcap, "record %lld is missing (the next record is %lld)",
                 v->expect_id, id);
        *v->bad_id = v->expect_id;
        v->vs = AUDIT_VERIFY_BROKEN;
        return 1;
    }
    if (strcmp(r->prev_hash, v->prev) != 0) {
        snprintf(v->msg, v->msgcap,
                 "record %lld does not follow record %lld (its previous-hash differs)", id, id - 1);
        v->vs = AUDIT_VERIFY_BROKEN;
        return 1;
    }
    record_hash(id, r->at, r->f, r->subject, v->prev, h);
    if (strcmp(h, r->hash) != 0) {
        snprintf(v->msg, v->msgcap, "record %lld was altered (its content does not match its hash)",
                 id);
        v->vs = AUDIT_VERIFY_BROKEN;
        return 1;
    }
    if (v->heads) {
        merkle_hash leaf;
        leaf_hash(id, r->at, r->f, r->subject, leaf);
        int hv = auditlog_check_leaf(v->heads, id, r->at, leaf, v->bad_id, v->msg, v->msgcap);
        if (hv != AUDIT_VERIFY_OK) {
            v->vs = (enum audit_verify_status)hv;
            return 1;
        }
    }
    memcpy(v->prev, h, sizeof v->prev);
    v->expect_id = id + 1;
    v->n++;
    return 0;
}

enum audit_verify_status audit_verify_one_db(struct db *db, long long log, EVP_PKEY *hub,
                                             time_t now, long bound, long long *bad_id,
                                             long long *n_records, char *msg, size_t msgcap)
{
    enum audit_verify_status vs = AUDIT_VERIFY_ERROR;
    EVP_PKEY *key = hub ? auditkey_for_log(hub, log) : NULL;
    struct verifying v = {.expect_id = 1,
                          .bad_id = bad_id,
                          .msg = msg,
                          .msgcap = msgcap,
                          .prev = ZERO_HASH,
                          .db = db,
                          .vs = AUDIT_VERIFY_OK};
    *bad_id = 0;
    msg[0] = '\0';
    if (hub && !key) {
        snprintf(msg, msgcap, "cannot make the key of log %lld from the hub key", log);
        goto out;
    }
    if (key && auditlog_check_begin(db, log, key, &v.heads) != DB_OK) {
        snprintf(msg, msgcap, "cannot read the signed tree heads: %s", db_errmsg(db));
        goto out;
    }
    enum db_status rc = auditrecs_chained(db, log, check_record, &v);
    if (v.vs != AUDIT_VERIFY_OK) {
        vs = v.vs;
        goto out;
    }
    if (rc != DB_OK) {
        snprintf(msg, msgcap, "cannot read the audit log: %s", db_errmsg(db));
        goto out;
    }
    *n_records = v.n;
    *bad_id = 0;
    if (v.heads) {
        int hv = auditlog_check_end(v.heads, v.n, now, bound, bad_id, msg, msgcap);
        if (hv != AUDIT_VERIFY_OK) {
            vs = (enum audit_verify_status)hv;
            goto out;
        }
    }
    if (key && log == TREEHEAD_DEFAULT_LOG) {
        /* The checkpoints of hubs before the transparency log: over the hub log. */
        vs = verify_checkpoints(db, key, v.expect_id - 1, bad_id, msg, msgcap);
        if (vs != AUDIT_VERIFY_OK)
            goto out;
    }
    int64_t waiting = 0;
    if (auditrecs_unchained_count(db, log, &waiting) != DB_OK) {
        snprintf(msg, msgcap, "cannot count the records awaiting chaining: %s", db_errmsg(db));
        vs = AUDIT_VERIFY_ERROR;
        goto out;
    }
    if (waiting > 0)
        snprintf(msg, msgcap, "%lld records stored after record %lld await chaining",
                 (long long)waiting, v.expect_id - 1);
    vs = AUDIT_VERIFY_OK;
out:
    if (n_records)
        *n_records = v.n;
    auditlog_check_free(v.heads);
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
