/*
 * audit.c: hash-chained audit records and signed checkpoints (see audit.h).
 *
 * The hash covers a length-prefixed serialisation of every field plus the record's id and
 * the previous hash, so no two different records can serialise alike and records cannot
 * be reordered. The predecessor's hash is read inside the caller's transaction, which
 * holds SQLite's write lock, so hubd and hubctl can both append without forking the chain;
 * on PostgreSQL the head is one row locked until the appending transaction ends, so
 * several hubd processes keep one chain. Verification reads through db.h, the same on
 * both backends.
 */
#include "audit.h"
#include "db_sqlite.h"
#include "hubdb.h"
#include "hubkey.h"
#include "hubtoken.h"

#include <inttypes.h>
#include <stdio.h>
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

static int last_record(sqlite3 *db, long long *id, char hash[65])
{
    /* The outputs are defined on every path, errors included, so callers never read
     * garbage (and gcc -O3 can see it). */
    *id = 0;
    snprintf(hash, 65, "%s", ZERO_HASH);
    sqlite3_stmt *st = hubdb_stmt(db, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1");
    if (!st)
        return SQLITE_ERROR;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        snprintf(hash, 65, "%s", (const char *)sqlite3_column_text(st, 1));
        rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
        *id = 0;
        snprintf(hash, 65, "%s", ZERO_HASH);
        rc = SQLITE_OK;
    }
    hubdb_stmt_done(st);
    return rc;
}

int audit_append(sqlite3 *db, const struct audit_rec *r, long long *id_out)
{
    long long prev_id;
    char prev[65], hash[65];
    sqlite3_stmt *st = NULL;
    int rc = last_record(db, &prev_id, prev);
    if (rc != SQLITE_OK)
        return rc;
    long long id = prev_id + 1;
    const char *f[9];
    long long subject = seal(r, id, prev, f, hash);
    st = hubdb_stmt(db, "INSERT INTO audit(id, at_unix, actor, action, outcome,"
                        " subject_resident_id, data_kinds, purpose, basis, source,"
                        " destination, request_id, prev_hash, hash)"
                        " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!st)
        return SQLITE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, (long long)r->at);
    sqlite3_bind_text(st, 3, f[0], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, f[1], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, f[2], -1, SQLITE_STATIC);
    if (subject > 0)
        sqlite3_bind_int64(st, 6, subject);
    else
        sqlite3_bind_null(st, 6);
    for (int i = 3; i < 9; i++)
        sqlite3_bind_text(st, 4 + i, f[i], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 13, prev, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 14, hash, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    if (rc == SQLITE_OK && id_out)
        *id_out = id;
    hubdb_stmt_done(st);
    return rc;
}

/* The chain's head through db.h. PostgreSQL: the one audit_head row, locked FOR UPDATE
 * until the caller's transaction ends, so a batch of another process appends after this
 * one has committed and reads the head as committed (docs/hub.md). SQLite: the newest
 * record, under the write lock the caller's transaction holds. */
static enum db_status head_db(struct db *db, long long *id, char hash[65])
{
    struct db_stmt *st =
        db_stmt(db, db_dialect(db) == DB_POSTGRES
                        ? "SELECT last_id, last_hash FROM audit_head WHERE id = 1 FOR UPDATE"
                        : "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1");
    if (!st)
        return DB_ERR;
    enum db_status rc = db_step(st);
    if (rc == DB_ROW) {
        *id = db_col_int64(st, 0);
        snprintf(hash, 65, "%s", db_col_text(st, 1) ? db_col_text(st, 1) : "");
        rc = DB_OK;
    } else if (rc == DB_DONE) {
        *id = 0;
        snprintf(hash, 65, "%s", ZERO_HASH);
        rc = DB_OK;
    }
    db_stmt_done(st);
    return rc;
}

/* Runs a cached statement with an int64 and a text parameter to its end. */
static enum db_status run_id_text(struct db *db, const char *sql, long long v, const char *t)
{
    struct db_stmt *st = db_stmt(db, sql);
    if (!st)
        return DB_ERR;
    enum db_status rc = db_bind_int64(st, 1, v);
    if (rc == DB_OK)
        rc = db_bind_text(st, 2, t, -1);
    if (rc == DB_OK)
        rc = db_step(st);
    db_stmt_done(st);
    return rc == DB_DONE ? DB_OK : rc;
}

enum db_status audit_append_db(struct db *db, const struct audit_rec *r, long long *id_out)
{
    long long prev_id = 0;
    char prev[65] = "", hash[65];
    enum db_status rc = head_db(db, &prev_id, prev);
    if (rc != DB_OK)
        return rc;
    long long id = prev_id + 1;
    const char *f[9];
    long long subject = seal(r, id, prev, f, hash);
    struct db_stmt *st = db_stmt(db, "INSERT INTO audit(id, at_unix, actor, action, outcome,"
                                     " subject_resident_id, data_kinds, purpose, basis, source,"
                                     " destination, request_id, prev_hash, hash)"
                                     " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!st)
        return DB_ERR;
    rc = db_bind_int64(st, 1, id);
    if (rc == DB_OK)
        rc = db_bind_int64(st, 2, (long long)r->at);
    for (int i = 0; i < 9 && rc == DB_OK; i++)
        rc = db_bind_text(st, i < 3 ? 3 + i : 4 + i, f[i], -1);
    if (rc == DB_OK)
        rc = subject > 0 ? db_bind_int64(st, 6, subject) : db_bind_null(st, 6);
    if (rc == DB_OK)
        rc = db_bind_text(st, 13, prev, -1);
    if (rc == DB_OK)
        rc = db_bind_text(st, 14, hash, -1);
    if (rc == DB_OK)
        rc = db_step(st);
    db_stmt_done(st);
    if (rc != DB_DONE)
        return rc;
    if (db_dialect(db) == DB_POSTGRES) {
        rc = run_id_text(db, "UPDATE audit_head SET last_id = ?, last_hash = ? WHERE id = 1", id,
                         hash);
        if (rc != DB_OK)
            return rc;
    }
    if (id_out)
        *id_out = id;
    return DB_OK;
}

static int checkpoint_message(long long audit_id, const char *hash, long long at, char *out,
                              size_t cap)
{
    return snprintf(out, cap, "hub-audit-checkpoint v1|%lld|%s|%lld", audit_id, hash, at);
}

int audit_checkpoint(sqlite3 *db, EVP_PKEY *key, time_t now)
{
    long long id;
    char hash[65], pub[65], sig[129], msg[256];
    sqlite3_stmt *st = NULL;
    int rc = last_record(db, &id, hash);
    if (rc != SQLITE_OK || id == 0)
        return rc;
    int n = checkpoint_message(id, hash, (long long)now, msg, sizeof msg);
    if (hubkey_public_hex(key, pub) != 0 ||
        hubkey_sign_hex(key, (const unsigned char *)msg, (size_t)n, sig) != 0)
        return SQLITE_ERROR;
    rc = sqlite3_prepare_v2(db,
                            "INSERT INTO audit_checkpoints(audit_id, audit_hash, at_unix,"
                            " pubkey, signature) VALUES(?,?,?,?,?)",
                            -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (long long)now);
    sqlite3_bind_text(st, 4, pub, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, sig, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

const char *audit_verify_status_str(enum audit_verify_status s)
{
    switch (s) {
    case AUDIT_VERIFY_OK:
        return "ok";
    case AUDIT_VERIFY_BROKEN:
        return "chain broken";
    case AUDIT_VERIFY_TRUNCATED:
        return "records removed after a checkpoint";
    case AUDIT_VERIFY_BAD_CHECKPOINT:
        return "bad checkpoint";
    case AUDIT_VERIFY_ERROR:
        return "cannot read the audit log";
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
        db_prepare(db, "SELECT hash FROM audit WHERE id = ?", &rec) != DB_OK) {
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

enum audit_verify_status audit_verify_db(struct db *db, EVP_PKEY *key, long long *bad_id,
                                         long long *n_records, char *msg, size_t msgcap)
{
    enum audit_verify_status vs = AUDIT_VERIFY_ERROR;
    struct db_stmt *st = NULL;
    char prev[65] = ZERO_HASH;
    long long expect_id = 1, n = 0;
    *bad_id = 0;
    msg[0] = '\0';
    if (db_prepare(db,
                   "SELECT id, at_unix, actor, action, outcome, subject_resident_id,"
                   " data_kinds, purpose, basis, source, destination, request_id,"
                   " prev_hash, hash FROM audit ORDER BY id",
                   &st) != DB_OK) {
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
    if (key) {
        vs = verify_checkpoints(db, key, expect_id - 1, bad_id, msg, msgcap);
        if (vs != AUDIT_VERIFY_OK)
            goto out;
    }
    vs = AUDIT_VERIFY_OK;
out:
    if (n_records)
        *n_records = n;
    db_finalize(st);
    return vs;
}

enum audit_verify_status audit_verify(sqlite3 *db, EVP_PKEY *key, long long *bad_id,
                                      long long *n_records, char *msg, size_t msgcap)
{
    struct db *d = db_sqlite_wrap(db);
    if (!d) {
        *bad_id = 0;
        snprintf(msg, msgcap, "out of memory");
        return AUDIT_VERIFY_ERROR;
    }
    enum audit_verify_status vs = audit_verify_db(d, key, bad_id, n_records, msg, msgcap);
    db_close(d);
    return vs;
}
