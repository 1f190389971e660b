/*
 * audit.c: hash-chained audit records and signed checkpoints (see audit.h).
 *
 * The hash covers a length-prefixed serialisation of every field plus the record's id and
 * the previous hash, so no two different records can serialise alike and records cannot
 * be reordered. The predecessor's hash is read inside the caller's transaction, which
 * holds SQLite's write lock, so hubd and hubctl can both append without forking the chain.
 */
#include "audit.h"
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
    const char *f[9] = {r->actor, r->action, r->outcome,     r->data_kinds, r->purpose,
                        r->basis, r->source, r->destination, r->request_id};
    for (int i = 0; i < 9; i++)
        if (!f[i])
            f[i] = "";
    long long subject = r->subject > 0 ? r->subject : 0;
    record_hash(id, (long long)r->at, f, subject, prev, hash);
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

static const char *col(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

static enum audit_verify_status verify_checkpoints(sqlite3 *db, EVP_PKEY *key, long long last_id,
                                                   long long *bad_id, char *msg, size_t msgcap)
{
    enum audit_verify_status vs = AUDIT_VERIFY_ERROR;
    sqlite3_stmt *st = NULL, *rec = NULL;
    char pub[65];
    if (hubkey_public_hex(key, pub) != 0) {
        snprintf(msg, msgcap, "the hub key has no usable public key");
        goto out;
    }
    if (sqlite3_prepare_v2(db,
                           "SELECT id, audit_id, audit_hash, at_unix, pubkey, signature"
                           " FROM audit_checkpoints ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT hash FROM audit WHERE id = ?", -1, &rec, NULL) !=
            SQLITE_OK) {
        snprintf(msg, msgcap, "cannot read the checkpoints: %s", sqlite3_errmsg(db));
        goto out;
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long long cp = sqlite3_column_int64(st, 0);
        long long aid = sqlite3_column_int64(st, 1);
        const char *ahash = col(st, 2);
        long long at = sqlite3_column_int64(st, 3);
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
        sqlite3_reset(rec);
        sqlite3_bind_int64(rec, 1, aid);
        if (sqlite3_step(rec) != SQLITE_ROW || strcmp(col(rec, 0), ahash) != 0) {
            snprintf(msg, msgcap, "record %lld does not match signed checkpoint %lld", aid, cp);
            vs = AUDIT_VERIFY_TRUNCATED;
            goto out;
        }
    }
    if (rc != SQLITE_DONE) {
        snprintf(msg, msgcap, "cannot read the checkpoints: %s", sqlite3_errmsg(db));
        goto out;
    }
    vs = AUDIT_VERIFY_OK;
out:
    sqlite3_finalize(st);
    sqlite3_finalize(rec);
    return vs;
}

enum audit_verify_status audit_verify(sqlite3 *db, EVP_PKEY *key, long long *bad_id,
                                      long long *n_records, char *msg, size_t msgcap)
{
    enum audit_verify_status vs = AUDIT_VERIFY_ERROR;
    sqlite3_stmt *st = NULL;
    char prev[65] = ZERO_HASH;
    long long expect_id = 1, n = 0;
    *bad_id = 0;
    msg[0] = '\0';
    if (sqlite3_prepare_v2(db,
                           "SELECT id, at_unix, actor, action, outcome, subject_resident_id,"
                           " data_kinds, purpose, basis, source, destination, request_id,"
                           " prev_hash, hash FROM audit ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK) {
        snprintf(msg, msgcap, "cannot read the audit log: %s", sqlite3_errmsg(db));
        goto out;
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long long id = sqlite3_column_int64(st, 0);
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
        record_hash(id, sqlite3_column_int64(st, 1), f, sqlite3_column_int64(st, 5), prev, h);
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
    if (rc != SQLITE_DONE) {
        snprintf(msg, msgcap, "cannot read the audit log: %s", sqlite3_errmsg(db));
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
    sqlite3_finalize(st);
    return vs;
}
