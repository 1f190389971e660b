/*
 * auditlog.c: the audit transparency log's tree, heads and proofs (see auditlog.h).
 *
 * The tree is never held whole. A subtree hash is read from audit_tree_nodes when the
 * subtree is perfect, aligned and at least a tile, and otherwise made from its halves, or
 * from the records themselves below a tile; signing a head stores the tiles and the
 * bigger nodes its new records completed. Stored nodes are a cache of what was signed:
 * a node that is missing is recomputed from below, and one altered in the database makes
 * the next head or proof disagree with the heads before it, which audit-verify and every
 * witness see.
 */
#include "auditlog.h"
#include "audit.h"
#include "hubkey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEAD_COLS                                                                                  \
    "log_id, head_seq, tree_size, root_hash, at_unix, prev_size, prev_root, pubkey, signature"

/* The log of the town a principal of one kind belongs to: one statement per kind. */
static const struct {
    const char *kind; /* the actor's prefix, with its colon */
    const char *sql;
} actor_logs[] = {
    {"device:", "SELECT l.id FROM devices x JOIN audit_logs l"
                " ON l.municipality_id = x.municipality_id WHERE x.id = ?"},
    {"family:", "SELECT l.id FROM family x JOIN audit_logs l"
                " ON l.municipality_id = x.municipality_id WHERE x.id = ?"},
    {"staff:", "SELECT l.id FROM staff x JOIN audit_logs l"
               " ON l.municipality_id = x.municipality_id WHERE x.id = ?"},
    {"source:", "SELECT l.id FROM sources x JOIN audit_logs l"
                " ON l.municipality_id = x.municipality_id WHERE x.id = ?"},
    {"operator:", "SELECT l.id FROM operators x JOIN audit_logs l"
                  " ON l.municipality_id = x.municipality_id WHERE x.id = ?"},
    {"resident:", "SELECT l.id FROM residents x JOIN audit_logs l"
                  " ON l.municipality_id = x.municipality_id WHERE x.id = ?"},
};

/* The id after prefix in actor ("device:12" -> 12), or 0. */
static long long actor_id(const char *actor, const char *prefix)
{
    size_t n = strlen(prefix);
    char *end = NULL;
    if (strncmp(actor, prefix, n) != 0)
        return 0;
    long long id = strtoll(actor + n, &end, 10);
    return end != actor + n && *end == '\0' && id > 0 ? id : 0;
}

static enum db_status found_log(enum db_status rc, int64_t v, long long *log)
{
    if (rc == DB_ROW)
        *log = (long long)v;
    return rc == DB_ROW || rc == DB_DONE ? DB_OK : rc;
}

/* The log of the actor's town (town 0: the caller named none), else the hub log. */
static enum db_status fallback_log(struct db *db, long long town, const char *actor, long long *log)
{
    int64_t v = 0;
    enum db_status rc = DB_DONE;
    *log = TREEHEAD_DEFAULT_LOG;
    for (size_t i = 0;
         town == 0 && rc == DB_DONE && actor && i < sizeof actor_logs / sizeof actor_logs[0]; i++) {
        long long id = actor_id(actor, actor_logs[i].kind);
        if (id > 0)
            rc = db_get_int64(db, actor_logs[i].sql, id, &v);
    }
    return found_log(rc, v, log);
}

enum db_status auditlog_route_values(struct db *db, long long town, long long subject,
                                     const char *actor, long long v[3])
{
    v[2] = TREEHEAD_DEFAULT_LOG;
    enum db_status rc = town < 0 ? DB_OK : fallback_log(db, town, actor, &v[2]);
    /* town < 0: the hub log, whatever the record names */
    v[0] = town >= 0 && subject > 0 ? subject : 0;
    v[1] = town > 0 ? town : 0;
    return rc;
}

enum db_status auditlog_route_bind(struct db *db, struct db_stmt *st, int idx, long long town,
                                   long long subject, const char *actor)
{
    long long v[3];
    enum db_status rc = auditlog_route_values(db, town, subject, actor, v);
    for (int i = 0; i < 2 && rc == DB_OK; i++)
        rc = v[i] > 0 ? db_bind_int64(st, idx + i, v[i]) : db_bind_null(st, idx + i);
    if (rc == DB_OK)
        rc = db_bind_int64(st, idx + 2, v[2]);
    return rc;
}

enum db_status auditlog_route(struct db *db, long long town, long long subject, const char *actor,
                              long long *log)
{
    struct db_stmt *st = db_stmt(db, "SELECT " AUDITLOG_ROUTE_SQL);
    *log = TREEHEAD_DEFAULT_LOG;
    if (!st)
        return DB_ERR;
    enum db_status rc = auditlog_route_bind(db, st, 1, town, subject, actor);
    if (rc == DB_OK)
        rc = db_step(st);
    if (rc == DB_ROW) {
        *log = db_col_int64(st, 0);
        rc = DB_OK;
    }
    db_stmt_done(st);
    return rc;
}

enum db_status auditlog_of_town(struct db *db, long long town, long long *log)
{
    int64_t v = 0;
    enum db_status rc =
        db_get_int64(db, "SELECT id FROM audit_logs WHERE municipality_id = ?", town, &v);
    if (rc == DB_ROW)
        *log = (long long)v;
    return rc;
}

enum db_status auditlog_list(struct db *db, long long *ids, long long *towns, size_t cap, size_t *n)
{
    *n = 0;
    struct db_stmt *st =
        db_stmt(db, "SELECT id, COALESCE(municipality_id, 0) FROM audit_logs ORDER BY id");
    if (!st)
        return DB_ERR;
    enum db_status rc;
    while ((rc = db_step(st)) == DB_ROW && *n < cap) {
        ids[*n] = db_col_int64(st, 0);
        towns[*n] = db_col_int64(st, 1);
        (*n)++;
    }
    db_stmt_done(st);
    return rc == DB_ROW || rc == DB_DONE ? DB_OK : rc;
}

enum db_status auditlog_size(struct db *db, long long log, long long *n)
{
    int64_t v = 0;
    enum db_status rc = db_get_int64(
        db,
        db_dialect(db) == DB_POSTGRES
            ? "SELECT last_id FROM audit_head WHERE id = ?"
            : "SELECT COALESCE(MAX(seq), 0) FROM audit WHERE log_id = ? AND seq IS NOT NULL",
        log, &v);
    *n = rc == DB_ROW ? (long long)v : 0;
    return rc == DB_ROW || rc == DB_DONE ? DB_OK : rc;
}

/* A head row from column c0 on; 0, or -1 when its hashes are not hex (a forged row). */
static int read_head(struct db_stmt *st, struct treehead *h)
{
    memset(h, 0, sizeof *h);
    h->log_id = db_col_int64(st, 0);
    h->head_seq = db_col_int64(st, 1);
    h->tree_size = db_col_int64(st, 2);
    h->at = db_col_int64(st, 4);
    h->prev_size = db_col_int64(st, 5);
    const char *pub = db_col_text(st, 7), *sig = db_col_text(st, 8);
    snprintf(h->pubkey, sizeof h->pubkey, "%s", pub ? pub : "");
    snprintf(h->signature, sizeof h->signature, "%s", sig ? sig : "");
    return merkle_unhex(db_col_text(st, 3), h->root) == 0 &&
                   merkle_unhex(db_col_text(st, 6), h->prev_root) == 0
               ? 0
               : -1;
}

enum db_status auditlog_newest(struct db *db, long long log, struct treehead *h, int *found)
{
    *found = 0;
    struct db_stmt *st = db_stmt(db, "SELECT " HEAD_COLS " FROM audit_heads WHERE log_id = ?"
                                     " ORDER BY head_seq DESC LIMIT 1");
    if (!st)
        return DB_ERR;
    enum db_status rc = db_bind_int64(st, 1, log);
    if (rc == DB_OK)
        rc = db_step(st);
    if (rc == DB_ROW) {
        *found = 1;
        rc = read_head(st, h) == 0 ? DB_OK : DB_ERR_CONSTRAINT;
    } else if (rc == DB_DONE) {
        rc = DB_OK;
    }
    db_stmt_done(st);
    return rc;
}

/* A cached statement on one node, its key bound as parameters 1..3. */
static enum db_status node_stmt(struct db *db, const char *sql, long long log, int level,
                                long long idx, struct db_stmt **out)
{
    struct db_stmt *st = db_stmt(db, sql);
    *out = st;
    if (!st)
        return DB_ERR;
    enum db_status rc = db_bind_int64(st, 1, log);
    if (rc == DB_OK)
        rc = db_bind_int64(st, 2, level);
    if (rc == DB_OK)
        rc = db_bind_int64(st, 3, idx);
    return rc;
}

static enum db_status node_get(struct db *db, long long log, int level, long long idx,
                               merkle_hash out, int *found)
{
    char hex[65] = "";
    struct db_stmt *st = NULL;
    *found = 0;
    enum db_status rc = node_stmt(db,
                                  "SELECT hash FROM audit_tree_nodes"
                                  " WHERE log_id = ? AND level = ? AND idx = ?",
                                  log, level, idx, &st);
    if (rc == DB_OK)
        rc = db_step(st);
    if (rc == DB_ROW)
        snprintf(hex, sizeof hex, "%s", db_col_text(st, 0) ? db_col_text(st, 0) : "");
    db_stmt_done(st);
    if (rc == DB_ROW) {
        *found = merkle_unhex(hex, out) == 0;
        rc = DB_OK;
    }
    return rc == DB_DONE ? DB_OK : rc;
}

static enum db_status node_put(struct db *db, long long log, int level, long long idx,
                               const merkle_hash h)
{
    char hex[65];
    struct db_stmt *st = NULL;
    merkle_hex(h, hex);
    /* A node already there stays: it is what an earlier head was signed over. */
    enum db_status rc = node_stmt(db,
                                  "INSERT INTO audit_tree_nodes(log_id, level, idx, hash)"
                                  " VALUES(?,?,?,?) ON CONFLICT DO NOTHING",
                                  log, level, idx, &st);
    if (rc == DB_OK)
        rc = db_bind_text(st, 4, hex, -1);
    if (rc == DB_OK)
        rc = db_step(st);
    db_stmt_done(st);
    return rc == DB_DONE ? DB_OK : rc;
}

struct range_ctx {
    struct db *db;
    long long log;
    enum db_status rc;
};

static int level_of(uint64_t n)
{
    int l = 0;
    while ((1ULL << l) < n)
        l++;
    return l;
}

/* merkle_range_fn over the stored nodes and the records. */
static int range(void *vctx, uint64_t lo, uint64_t hi, merkle_hash out)
{
    struct range_ctx *c = vctx;
    uint64_t n = hi - lo;
    if (n <= (uint64_t)AUDITLOG_TILE) {
        merkle_hash leaves[AUDITLOG_TILE];
        struct merkle_frontier f;
        c->rc = audit_leaves_db(c->db, c->log, (long long)lo, (long long)hi, leaves);
        if (c->rc != DB_OK)
            return -1;
        merkle_frontier_init(&f);
        for (uint64_t i = 0; i < n; i++)
            merkle_frontier_push(&f, leaves[i]);
        merkle_frontier_root(&f, out);
        return 0;
    }
    if ((n & (n - 1)) == 0 && lo % n == 0) {
        int found = 0;
        c->rc = node_get(c->db, c->log, level_of(n), (long long)(lo / n), out, &found);
        if (c->rc != DB_OK)
            return -1;
        if (found)
            return 0;
    }
    uint64_t k = 1;
    while (k << 1 < n)
        k <<= 1;
    merkle_hash l, r;
    if (range(c, lo, lo + k, l) != 0 || range(c, lo + k, hi, r) != 0)
        return -1;
    merkle_node_hash(l, r, out);
    return 0;
}

enum db_status auditlog_root(struct db *db, long long log, long long n, merkle_hash out)
{
    struct range_ctx c = {db, log, DB_OK};
    if (n <= 0) {
        merkle_empty_root(out);
        return n == 0 ? DB_OK : DB_ERR_CONSTRAINT;
    }
    if (range(&c, 0, (uint64_t)n, out) != 0)
        return c.rc != DB_OK ? c.rc : DB_ERR;
    return DB_OK;
}

/* Stores the tiles and bigger nodes that records m+1..n complete. */
static enum db_status extend(struct db *db, long long log, long long m, long long n)
{
    struct range_ctx c = {db, log, DB_OK};
    enum db_status rc = DB_OK;
    for (int level = AUDITLOG_TILE_LEVEL; rc == DB_OK && level < 62 && (1LL << level) <= n;
         level++) {
        for (long long idx = m >> level; rc == DB_OK && (idx + 1) << level <= n; idx++) {
            merkle_hash h;
            if (range(&c, (uint64_t)idx << level, (uint64_t)(idx + 1) << level, h) != 0)
                rc = c.rc != DB_OK ? c.rc : DB_ERR;
            else
                rc = node_put(db, log, level, idx, h);
        }
    }
    return rc;
}

static enum db_status insert_head(struct db *db, const struct treehead *h)
{
    char root[65], prev[65];
    merkle_hex(h->root, root);
    merkle_hex(h->prev_root, prev);
    struct db_stmt *st = db_stmt(db, "INSERT INTO audit_heads(" HEAD_COLS ")"
                                     " VALUES(?,?,?,?,?,?,?,?,?)");
    if (!st)
        return DB_ERR;
    enum db_status rc = db_bind_int64(st, 1, h->log_id);
    if (rc == DB_OK)
        rc = db_bind_int64(st, 2, h->head_seq);
    if (rc == DB_OK)
        rc = db_bind_int64(st, 3, h->tree_size);
    if (rc == DB_OK)
        rc = db_bind_text(st, 4, root, -1);
    if (rc == DB_OK)
        rc = db_bind_int64(st, 5, h->at);
    if (rc == DB_OK)
        rc = db_bind_int64(st, 6, h->prev_size);
    if (rc == DB_OK)
        rc = db_bind_text(st, 7, prev, -1);
    if (rc == DB_OK)
        rc = db_bind_text(st, 8, h->pubkey, -1);
    if (rc == DB_OK)
        rc = db_bind_text(st, 9, h->signature, -1);
    if (rc == DB_OK)
        rc = db_step(st);
    db_stmt_done(st);
    return rc == DB_DONE ? DB_OK : rc;
}

enum db_status auditlog_sign(struct db *db, long long log, EVP_PKEY *key, time_t now,
                             struct treehead *out, int *made)
{
    struct treehead prev, h;
    int found = 0;
    long long n = 0;
    char msg[TREEHEAD_MESSAGE_MAX];
    enum db_status rc = DB_OK;
    *made = 0;
    if (db_dialect(db) == DB_POSTGRES) {
        /* One signer per log across processes; a busy one is not waited for. */
        int64_t v = 0;
        rc = db_get_int64(db, "SELECT id FROM audit_logs WHERE id = ? FOR UPDATE SKIP LOCKED", log,
                          &v);
        if (rc == DB_DONE)
            return DB_ERR_BUSY;
        if (rc != DB_ROW)
            return rc;
    }
    rc = auditlog_newest(db, log, &prev, &found);
    if (rc == DB_OK)
        rc = auditlog_size(db, log, &n);
    if (rc != DB_OK)
        return rc;
    long long m = found ? prev.tree_size : 0;
    if (n < m)
        return DB_ERR_CONSTRAINT;
    if (n == m)
        return DB_OK;
    rc = extend(db, log, m, n);
    memset(&h, 0, sizeof h);
    h.log_id = log;
    h.head_seq = found ? prev.head_seq + 1 : 1;
    h.tree_size = n;
    h.at = (long long)now;
    h.prev_size = m;
    if (found)
        memcpy(h.prev_root, prev.root, MERKLE_HASH_LEN);
    else
        merkle_empty_root(h.prev_root);
    if (rc == DB_OK)
        rc = auditlog_root(db, log, n, h.root);
    if (rc != DB_OK)
        return rc;
    int len = treehead_message(&h, msg, sizeof msg);
    if (len < 0 || hubkey_public_hex(key, h.pubkey) != 0 ||
        hubkey_sign_hex(key, (const unsigned char *)msg, (size_t)len, h.signature) != 0)
        return DB_ERR;
    rc = insert_head(db, &h);
    if (rc == DB_OK) {
        *made = 1;
        if (out)
            *out = h;
    }
    return rc;
}

enum db_status auditlog_consistency(struct db *db, long long log, long long from, long long to,
                                    merkle_hash proof[MERKLE_PROOF_MAX], size_t *len)
{
    struct treehead newest;
    int found = 0;
    *len = 0;
    enum db_status rc = auditlog_newest(db, log, &newest, &found);
    if (rc != DB_OK)
        return rc;
    if (!found || from < 0 || from > to || to > newest.tree_size)
        return DB_ERR_CONSTRAINT;
    struct range_ctx c = {db, log, DB_OK};
    /* A record missing under a signed head is no client error: the proof cannot be made. */
    if (merkle_consistency_proof((uint64_t)from, (uint64_t)to, range, &c, proof, len) != 0)
        return c.rc != DB_OK && c.rc != DB_ERR_CONSTRAINT ? c.rc : DB_ERR;
    return DB_OK;
}

/* ---- verification ---- */

struct auditlog_check {
    char pub[65];
    struct db_stmt *heads;
    int (*next_fn)(void *ctx, struct treehead *h); /* heads not in a database */
    void *next_ctx;
    int have_next, next_bad;
    struct treehead next;
    long long expect_seq, prev_size, newest_size, n_heads, uncovered_at;
    merkle_hash prev_root;
    struct merkle_frontier f;
};

static void advance(struct auditlog_check *c)
{
    if (c->next_fn) {
        int got = c->next_fn(c->next_ctx, &c->next);
        c->have_next = got != 0;
        c->next_bad = got < 0;
        return;
    }
    enum db_status rc = db_step(c->heads);
    c->have_next = rc == DB_ROW;
    if (c->have_next)
        c->next_bad = read_head(c->heads, &c->next) != 0;
}

static struct auditlog_check *check_alloc(void)
{
    struct auditlog_check *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->expect_seq = 1;
    c->uncovered_at = -1;
    merkle_empty_root(c->prev_root);
    merkle_frontier_init(&c->f);
    return c;
}

struct auditlog_check *auditlog_check_new(const char *pub_hex, long long newest_size,
                                          int (*next)(void *ctx, struct treehead *h), void *ctx)
{
    struct auditlog_check *c = check_alloc();
    if (!c)
        return NULL;
    snprintf(c->pub, sizeof c->pub, "%s", pub_hex);
    c->newest_size = newest_size;
    c->next_fn = next;
    c->next_ctx = ctx;
    advance(c);
    return c;
}

enum db_status auditlog_check_begin(struct db *db, long long log, EVP_PKEY *key,
                                    struct auditlog_check **out)
{
    struct auditlog_check *c = check_alloc();
    int64_t newest = 0;
    enum db_status rc = DB_ERR;
    *out = NULL;
    if (!c || hubkey_public_hex(key, c->pub) != 0)
        goto out;
    rc = db_get_int64(db, "SELECT COALESCE(MAX(tree_size), 0) FROM audit_heads WHERE log_id = ?",
                      log, &newest);
    if (rc != DB_ROW)
        goto out;
    c->newest_size = newest;
    rc = db_prepare(db, "SELECT " HEAD_COLS " FROM audit_heads WHERE log_id = ? ORDER BY head_seq",
                    &c->heads);
    if (rc == DB_OK)
        rc = db_bind_int64(c->heads, 1, log);
    if (rc != DB_OK)
        goto out;
    advance(c);
    *out = c;
    c = NULL;
out:
    auditlog_check_free(c);
    return rc;
}

/* The next head, whose tree size is the number of leaves seen so far or less: signed by
 * the key, in sequence, naming the head before it, and over the records' root. */
static int check_head(struct auditlog_check *c, long long *bad, char *msg, size_t cap)
{
    const struct treehead *h = &c->next;
    merkle_hash root;
    *bad = c->prev_size + 1;
    if (h->head_seq != c->expect_seq) {
        if (h->head_seq > c->expect_seq)
            snprintf(msg, cap,
                     "signed tree head %lld is missing (the heads go from %lld to %lld): heads "
                     "were removed",
                     c->expect_seq, c->expect_seq - 1, h->head_seq);
        else
            snprintf(msg, cap, "signed tree head %lld appears twice or out of order", h->head_seq);
        return AUDIT_VERIFY_BAD_HEAD;
    }
    if (c->next_bad || !treehead_verify(h, c->pub)) {
        snprintf(msg, cap, "signed tree head %lld is not signed by this log's key", h->head_seq);
        return AUDIT_VERIFY_BAD_HEAD;
    }
    if (h->prev_size != c->prev_size || memcmp(h->prev_root, c->prev_root, MERKLE_HASH_LEN) != 0 ||
        h->tree_size < h->prev_size) {
        snprintf(msg, cap,
                 "signed tree head %lld does not extend head %lld before it (heads were "
                 "removed or replaced)",
                 h->head_seq, h->head_seq - 1);
        return AUDIT_VERIFY_BAD_HEAD;
    }
    merkle_frontier_root(&c->f, root);
    if (h->tree_size != (long long)c->f.size || memcmp(root, h->root, MERKLE_HASH_LEN) != 0) {
        snprintf(msg, cap,
                 "signed tree head %lld (records 1..%lld) does not match the records: one of "
                 "records %lld..%lld was altered, removed, inserted or reordered",
                 h->head_seq, h->tree_size, c->prev_size + 1, h->tree_size);
        return AUDIT_VERIFY_ALTERED;
    }
    c->expect_seq++;
    c->n_heads++;
    c->prev_size = h->tree_size;
    memcpy(c->prev_root, h->root, MERKLE_HASH_LEN);
    advance(c);
    return AUDIT_VERIFY_OK;
}

/* Every head due at the current size. */
static int heads_due(struct auditlog_check *c, long long *bad, char *msg, size_t cap)
{
    while (c->have_next && c->next.tree_size <= (long long)c->f.size) {
        int vs = check_head(c, bad, msg, cap);
        if (vs != AUDIT_VERIFY_OK)
            return vs;
    }
    return AUDIT_VERIFY_OK;
}

int auditlog_check_leaf(struct auditlog_check *c, long long seq, long long at,
                        const merkle_hash leaf, long long *bad, char *msg, size_t cap)
{
    int vs = c->f.size == 0 ? heads_due(c, bad, msg, cap) : AUDIT_VERIFY_OK;
    if (vs != AUDIT_VERIFY_OK)
        return vs;
    merkle_frontier_push(&c->f, leaf);
    if (seq == c->newest_size + 1)
        c->uncovered_at = at;
    return heads_due(c, bad, msg, cap);
}

int auditlog_check_end(struct auditlog_check *c, long long n, time_t now, long bound,
                       long long *bad, char *msg, size_t cap)
{
    int vs = heads_due(c, bad, msg, cap);
    if (vs != AUDIT_VERIFY_OK)
        return vs;
    if (c->have_next) {
        /* Whatever else is wrong with it, a head past the end says records were cut. */
        *bad = c->next.tree_size;
        snprintf(msg, cap,
                 "the log ends at record %lld but signed tree head %lld covers records up to "
                 "%lld: records %lld..%lld were removed",
                 n, c->next.head_seq, c->next.tree_size, n + 1, c->next.tree_size);
        return AUDIT_VERIFY_TRUNCATED;
    }
    if (n > 0 && c->n_heads == 0) {
        *bad = 1;
        snprintf(msg, cap,
                 "%lld records but no signed tree head: the heads were removed, or the hub "
                 "never signed (no --key)",
                 n);
        return AUDIT_VERIFY_UNCOVERED;
    }
    if (bound >= 0 && n > c->prev_size && c->uncovered_at >= 0 &&
        c->uncovered_at < (long long)now - bound) {
        *bad = c->prev_size + 1;
        snprintf(msg, cap,
                 "records %lld..%lld are covered by no signed tree head, the oldest from %lld s "
                 "ago (more than %ld s): signed heads were removed, or the hub could not sign",
                 c->prev_size + 1, n, (long long)now - c->uncovered_at, bound);
        return AUDIT_VERIFY_UNCOVERED;
    }
    return AUDIT_VERIFY_OK;
}

void auditlog_check_free(struct auditlog_check *c)
{
    if (!c)
        return;
    db_finalize(c->heads);
    free(c);
}
