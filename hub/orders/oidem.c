/*
 * oidem.c: Idempotency keys in SQLite (see oidem.h for the protocol).
 *
 * oidem_begin is one short write transaction: INSERT the claim if the key is new, otherwise
 * read what is there. BEGIN IMMEDIATE takes the write lock first, so two hub processes
 * racing on the same key serialise here and exactly one gets OIDEM_PROCEED.
 */
#include "oidem.h"

#include <stdlib.h>
#include <string.h>
#include <openssl/sha.h>

const char *oidem_result_str(enum oidem_result r)
{
    switch (r) {
    case OIDEM_PROCEED:
        return "proceed";
    case OIDEM_REPLAY:
        return "replay";
    case OIDEM_MISMATCH:
        return "idempotency_key_reused";
    case OIDEM_IN_FLIGHT:
        return "request_in_flight";
    case OIDEM_BAD_KEY:
        return "idempotency_key_invalid";
    case OIDEM_ERROR:
        return "internal_error";
    }
    return "unknown";
}

int oidem_http_status(enum oidem_result r)
{
    switch (r) {
    case OIDEM_PROCEED:
    case OIDEM_REPLAY:
        return 200;
    case OIDEM_MISMATCH:
        return 422;
    case OIDEM_IN_FLIGHT:
        return 409;
    case OIDEM_BAD_KEY:
        return 400;
    case OIDEM_ERROR:
        return 500;
    }
    return 500;
}

const char *oidem_result_message(enum oidem_result r)
{
    switch (r) {
    case OIDEM_MISMATCH:
        return "this Idempotency-Key was already used with a different body; use a new key "
               "for a new request";
    case OIDEM_IN_FLIGHT:
        return "a request with this Idempotency-Key is still being processed; retry in a "
               "moment";
    case OIDEM_BAD_KEY:
        return "send an Idempotency-Key header of 1 to 64 characters (letters, digits, _ "
               "and -)";
    case OIDEM_ERROR:
        return "the hub could not process the request; retry later";
    default:
        return "";
    }
}

int oidem_key_valid(const char *key)
{
    if (!key) {
        return 0;
    }
    size_t n = 0;
    for (const char *p = key; *p; p++, n++) {
        char c = *p;
        if (n >= OIDEM_KEY_MAX || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                                    (c >= '0' && c <= '9') || c == '_' || c == '-')) {
            return 0;
        }
    }
    return n > 0;
}

void oidem_body_hash(const void *body, size_t len, char out[OIDEM_HASH_LEN + 1])
{
    static const char HEX[] = "0123456789abcdef";
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(body ? body : (const void *)"", body ? len : 0, md);
    for (int i = 0; i < SHA256_DIGEST_LENGTH; i++) {
        out[2 * i] = HEX[md[i] >> 4];
        out[2 * i + 1] = HEX[md[i] & 15];
    }
    out[OIDEM_HASH_LEN] = '\0';
}

static int exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

enum oidem_result oidem_begin(sqlite3 *db, const char *scope, const char *key,
                              const char *body_hash, long long now, long long stale_s,
                              struct oidem_claim *claim, int *status, char **answer)
{
    enum oidem_result r = OIDEM_ERROR;
    sqlite3_stmt *st = NULL;
    int in_txn = 0;
    /* Alone: our own write transaction. Inside the caller's (a writer job of the hub's
     * group commit): a savepoint, and the claim becomes visible when the caller commits. */
    int own = sqlite3_get_autocommit(db) != 0;
    *answer = NULL;
    if (!oidem_key_valid(key)) {
        return OIDEM_BAD_KEY;
    }
    if (!scope || strlen(scope) > OIDEM_SCOPE_MAX || !body_hash ||
        strlen(body_hash) != OIDEM_HASH_LEN) {
        return OIDEM_ERROR;
    }
    if (stale_s <= 0) {
        stale_s = OIDEM_STALE_S;
    }
    if (exec(db, own ? "BEGIN IMMEDIATE" : "SAVEPOINT oidem_begin") != SQLITE_OK) {
        goto out;
    }
    in_txn = 1;
    if (sqlite3_prepare_v2(db,
                           "SELECT body_hash, done, status, answer, attempt, claimed_unix "
                           "FROM ord_idem WHERE scope = ?1 AND key = ?2",
                           -1, &st, NULL) != SQLITE_OK) {
        goto out;
    }
    sqlite3_bind_text(st, 1, scope, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    long long attempt = 1;
    if (s == SQLITE_ROW) {
        const char *h = (const char *)sqlite3_column_text(st, 0);
        int done = sqlite3_column_int(st, 1);
        if (!h || strcmp(h, body_hash) != 0) {
            r = OIDEM_MISMATCH;
            goto out;
        }
        if (done) {
            const char *a = (const char *)sqlite3_column_text(st, 3);
            *status = sqlite3_column_int(st, 2);
            *answer = strdup(a ? a : "");
            r = *answer ? OIDEM_REPLAY : OIDEM_ERROR;
            goto out;
        }
        if (now - sqlite3_column_int64(st, 5) < stale_s) {
            r = OIDEM_IN_FLIGHT;
            goto out;
        }
        attempt = sqlite3_column_int64(st, 4) + 1; /* the holder is presumed dead */
    } else if (s != SQLITE_DONE) {
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO ord_idem(scope, key, body_hash, done, attempt, "
                           "claimed_unix) VALUES(?1, ?2, ?3, 0, ?4, ?5) "
                           "ON CONFLICT(scope, key) DO UPDATE SET attempt = excluded.attempt, "
                           "claimed_unix = excluded.claimed_unix",
                           -1, &st, NULL) != SQLITE_OK) {
        goto out;
    }
    sqlite3_bind_text(st, 1, scope, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, body_hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, attempt);
    sqlite3_bind_int64(st, 5, now);
    if (sqlite3_step(st) != SQLITE_DONE) {
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (exec(db, own ? "COMMIT" : "RELEASE oidem_begin") != SQLITE_OK) {
        goto out;
    }
    in_txn = 0;
    memset(claim, 0, sizeof(*claim));
    memcpy(claim->scope, scope, strlen(scope) + 1);
    memcpy(claim->key, key, strlen(key) + 1);
    claim->attempt = attempt;
    r = OIDEM_PROCEED;
out:
    sqlite3_finalize(st);
    if (in_txn) {
        /* Nothing was written on the paths that get here with the transaction open,
         * except on a failed COMMIT/INSERT: roll back either way. */
        if (own) {
            exec(db, r == OIDEM_ERROR ? "ROLLBACK" : "COMMIT");
        } else {
            if (r == OIDEM_ERROR) {
                exec(db, "ROLLBACK TO oidem_begin");
            }
            exec(db, "RELEASE oidem_begin");
        }
    }
    if (r != OIDEM_REPLAY && *answer) {
        free(*answer);
        *answer = NULL;
    }
    return r;
}

enum orders_rc oidem_finish(sqlite3 *db, const struct oidem_claim *claim, int status,
                            const char *answer, long long now)
{
    enum orders_rc rc = ORDERS_DB;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "UPDATE ord_idem SET done = 1, status = ?1, answer = ?2, "
                           "done_unix = ?3 WHERE scope = ?4 AND key = ?5 AND attempt = ?6 "
                           "AND done = 0",
                           -1, &st, NULL) != SQLITE_OK) {
        goto out;
    }
    sqlite3_bind_int(st, 1, status);
    sqlite3_bind_text(st, 2, answer ? answer : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_text(st, 4, claim->scope, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, claim->key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, claim->attempt);
    if (sqlite3_step(st) != SQLITE_DONE) {
        goto out;
    }
    rc = sqlite3_changes(db) == 1 ? ORDERS_OK : ORDERS_CONFLICT;
out:
    sqlite3_finalize(st);
    return rc;
}

enum orders_rc oidem_abandon(sqlite3 *db, const struct oidem_claim *claim)
{
    enum orders_rc rc = ORDERS_DB;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "DELETE FROM ord_idem WHERE scope = ?1 AND key = ?2 AND attempt = ?3 "
                           "AND done = 0",
                           -1, &st, NULL) != SQLITE_OK) {
        goto out;
    }
    sqlite3_bind_text(st, 1, claim->scope, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, claim->key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, claim->attempt);
    if (sqlite3_step(st) == SQLITE_DONE) {
        rc = ORDERS_OK;
    }
out:
    sqlite3_finalize(st);
    return rc;
}

long oidem_prune(sqlite3 *db, long long before_unix)
{
    long n = -1;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "DELETE FROM ord_idem WHERE done = 1 AND done_unix < ?1", -1, &st,
                           NULL) != SQLITE_OK) {
        goto out;
    }
    sqlite3_bind_int64(st, 1, before_unix);
    if (sqlite3_step(st) == SQLITE_DONE) {
        n = sqlite3_changes(db);
    }
out:
    sqlite3_finalize(st);
    return n;
}
