/*
 * idempotency.c: the Idempotency-Key store (see idempotency.h), table idempotency_keys.
 *
 * A claim is a row with status 0 and lease_until; an answer is the same row with the
 * answer's status (never 0) and body. Claiming inserts with ON CONFLICT DO NOTHING: of two
 * processes inserting the same key at once on PostgreSQL the second waits on the unique
 * index until the first commits, then inserts nothing and reads the committed claim
 * (409). A takeover is a conditional update on the attempt it read, so of two retries
 * taking over the same dead claim only one wins.
 *
 * Who holds a claim (see the header): on PostgreSQL the claim names the database session
 * that committed it, "pid:start" (the backend's pid and its start time in microseconds,
 * so a reused pid is not mistaken for the old one); the server itself knows which sessions
 * still exist (pg_stat_activity), so a claim whose session is gone — its process was
 * killed, or its connection lost with the transaction — is dead at once, without waiting
 * for the lease or trusting anybody's clock. SQLite has one hubd per file: it releases
 * every claim when it starts.
 */
#include "idempotency.h"
#include "rows.h"

#include <stdlib.h>
#include <string.h>

/* The committing session's name, and whether a claim's holder session still exists
 * (PostgreSQL; same-user sessions are fully visible in pg_stat_activity). */
#define PG_SELF                                                                                    \
    "(SELECT a.pid || ':' || CAST(EXTRACT(EPOCH FROM a.backend_start) * 1000000 AS BIGINT)"        \
    " FROM pg_stat_activity a WHERE a.pid = pg_backend_pid())"
#define PG_ALIVE                                                                                   \
    "EXISTS(SELECT 1 FROM pg_stat_activity a WHERE a.pid || ':' ||"                                \
    " CAST(EXTRACT(EPOCH FROM a.backend_start) * 1000000 AS BIGINT) = holder)"

/* The row of (principal, key): DB_ROW with its columns read, DB_DONE when none. *alive = 0
 * when its holder's session is known to be gone (PostgreSQL). */
static enum db_status find(struct db *db, const struct scope *sc, const char *principal,
                           const char *key, char *hash, int *status, char **answer,
                           int64_t *attempt, int64_t *lease_until, int *alive)
{
    struct db_stmt *st =
        db_dialect(db) == DB_POSTGRES
            ? db_stmt(db, "SELECT body_hash, status, answer, attempt, lease_until,"
                          " CASE WHEN status = 0 AND holder IS NOT NULL AND NOT " PG_ALIVE
                          " THEN 0 ELSE 1 END FROM idempotency_keys WHERE principal = ?"
                          " AND key = ? AND municipality_id = ?")
            : db_stmt(db, "SELECT body_hash, status, answer, attempt, lease_until, 1"
                          " FROM idempotency_keys WHERE principal = ? AND key = ?"
                          " AND municipality_id = ?");
    if (rows_bind_town(st, 3, sc) != DB_OK)
        return DB_ERR;
    enum db_status s = db_bind_text(st, 1, principal, -1);
    if (s == DB_OK)
        s = db_bind_text(st, 2, key, -1);
    if (s == DB_OK)
        s = db_step(st);
    if (s == DB_ROW) {
        const char *h = db_col_text(st, 0);
        memcpy(hash, h && strlen(h) == IDEMPOTENCY_HASH_LEN ? h : "", IDEMPOTENCY_HASH_LEN + 1);
        *status = (int)db_col_int64(st, 1);
        *attempt = db_col_int64(st, 3);
        *lease_until = db_col_int64(st, 4);
        *alive = db_col_int64(st, 5) != 0;
        if (*status != 0) {
            const char *a = db_col_text(st, 2);
            *answer = strdup(a ? a : "");
            if (!*answer)
                s = DB_ERR;
        }
    }
    db_stmt_done(st);
    return s;
}

/* Inserts a new claim; *inserted = 0 when the key exists (committed by someone else). */
static enum db_status insert_claim(struct db *db, const struct scope *sc, const char *principal,
                                   const char *key, const char *body_hash, int64_t now,
                                   int *inserted)
{
    struct db_stmt *st =
        db_dialect(db) == DB_POSTGRES
            ? db_stmt(db, "INSERT INTO idempotency_keys(principal, key, body_hash, status,"
                          " answer, attempt, lease_until, created_unix, holder, municipality_id)"
                          " VALUES(?, ?, ?, 0, '', 1, ?, ?, " PG_SELF ", ?)"
                          " ON CONFLICT(principal, key) DO NOTHING")
            : db_stmt(db, "INSERT INTO idempotency_keys(principal, key, body_hash, status,"
                          " answer, attempt, lease_until, created_unix, municipality_id)"
                          " VALUES(?, ?, ?, 0, '', 1, ?, ?, ?)"
                          " ON CONFLICT(principal, key) DO NOTHING");
    if (rows_bind_town(st, 6, sc) != DB_OK)
        return DB_ERR;
    enum db_status s = db_bind_text(st, 1, principal, -1);
    if (s == DB_OK)
        s = db_bind_text(st, 2, key, -1);
    if (s == DB_OK)
        s = db_bind_text(st, 3, body_hash, -1);
    if (s == DB_OK)
        s = db_bind_int64(st, 4, now + IDEMPOTENCY_LEASE_S);
    if (s == DB_OK)
        s = db_bind_int64(st, 5, now);
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    if (s == DB_DONE)
        *inserted = db_changes(db) == 1;
    return s == DB_DONE ? DB_OK : s;
}

/* Takes over a claim whose lease ran out, if it is still attempt `seen`; *won = 0 when
 * another retry took it first. */
static enum db_status take_over(struct db *db, const struct scope *sc, const char *principal,
                                const char *key, int64_t seen, int64_t now, int *won)
{
    struct db_stmt *st =
        db_dialect(db) == DB_POSTGRES
            ? db_stmt(db, "UPDATE idempotency_keys SET attempt = attempt + 1, lease_until = ?,"
                          " created_unix = ?, holder = " PG_SELF " WHERE principal = ?"
                          " AND key = ? AND attempt = ? AND status = 0 AND municipality_id = ?")
            : db_stmt(db, "UPDATE idempotency_keys SET attempt = attempt + 1, lease_until = ?,"
                          " created_unix = ? WHERE principal = ? AND key = ? AND attempt = ?"
                          " AND status = 0 AND municipality_id = ?");
    if (rows_bind_town(st, 6, sc) != DB_OK)
        return DB_ERR;
    enum db_status s = db_bind_int64(st, 1, now + IDEMPOTENCY_LEASE_S);
    if (s == DB_OK)
        s = db_bind_int64(st, 2, now);
    if (s == DB_OK)
        s = db_bind_text(st, 3, principal, -1);
    if (s == DB_OK)
        s = db_bind_text(st, 4, key, -1);
    if (s == DB_OK)
        s = db_bind_int64(st, 5, seen);
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    if (s == DB_DONE)
        *won = db_changes(db) == 1;
    return s == DB_DONE ? DB_OK : s;
}

enum db_status idempotency_claim(struct db *db, const struct scope *sc, const char *principal,
                                 const char *key, const char *body_hash, int64_t now,
                                 enum idempotency_result *res, struct idempotency_claim *claim,
                                 int *status, char **answer)
{
    char hash[IDEMPOTENCY_HASH_LEN + 1];
    int64_t attempt = 1, lease_until = 0;
    int got = 0, alive = 1;
    enum db_status s = DB_ERR;
    *answer = NULL;
    *res = IDEMPOTENCY_IN_FLIGHT;
    if (!principal || !key || !body_hash || strlen(principal) > IDEMPOTENCY_PRINCIPAL_MAX ||
        strlen(key) > IDEMPOTENCY_KEY_MAX || strlen(body_hash) != IDEMPOTENCY_HASH_LEN)
        goto out;
    s = insert_claim(db, sc, principal, key, body_hash, now, &got);
    if (s != DB_OK || got)
        goto out;
    *status = 0;
    s = find(db, sc, principal, key, hash, status, answer, &attempt, &lease_until, &alive);
    if (s == DB_DONE) {
        /* Given up between our insert and our read: claim it again next time. */
        s = DB_OK;
        goto out;
    }
    if (s != DB_ROW)
        goto out;
    s = DB_OK;
    if (strcmp(hash, body_hash) != 0) {
        *res = IDEMPOTENCY_MISMATCH;
    } else if (*status != 0) {
        *res = IDEMPOTENCY_REPLAY;
    } else if (lease_until <= now || !alive) {
        /* The holder is dead (its session is gone) or presumed dead (its lease ran out);
         * if it was only slow, its finish will fail. */
        s = take_over(db, sc, principal, key, attempt, now, &got);
        attempt++;
    }
out:
    if (s == DB_OK && got) {
        *res = IDEMPOTENCY_PROCEED;
        memset(claim, 0, sizeof *claim);
        memcpy(claim->principal, principal, strlen(principal) + 1);
        memcpy(claim->key, key, strlen(key) + 1);
        claim->attempt = attempt;
    }
    if (*res != IDEMPOTENCY_REPLAY || s != DB_OK) {
        free(*answer);
        *answer = NULL;
    }
    return s;
}

enum db_status idempotency_finish(struct db *db, const struct scope *sc,
                                  const struct idempotency_claim *claim, int status,
                                  const char *answer, int64_t now, int *lost)
{
    *lost = 0;
    struct db_stmt *st = db_stmt(db, "UPDATE idempotency_keys SET status = ?, answer = ?,"
                                     " done_unix = ? WHERE principal = ? AND key = ?"
                                     " AND attempt = ? AND status = 0 AND municipality_id = ?");
    if (rows_bind_town(st, 7, sc) != DB_OK)
        return DB_ERR;
    /* 0 marks a claim: an answer's status is an HTTP status, never 0. */
    enum db_status s = db_bind_int64(st, 1, status > 0 ? status : 500);
    if (s == DB_OK)
        s = db_bind_text(st, 2, answer ? answer : "", -1);
    if (s == DB_OK)
        s = db_bind_int64(st, 3, now);
    if (s == DB_OK)
        s = db_bind_text(st, 4, claim->principal, -1);
    if (s == DB_OK)
        s = db_bind_text(st, 5, claim->key, -1);
    if (s == DB_OK)
        s = db_bind_int64(st, 6, claim->attempt);
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    if (s == DB_DONE)
        *lost = db_changes(db) != 1;
    return s == DB_DONE ? DB_OK : s;
}

enum db_status idempotency_abandon(struct db *db, const struct scope *sc,
                                   const struct idempotency_claim *claim)
{
    struct db_stmt *st = db_stmt(db, "DELETE FROM idempotency_keys WHERE principal = ? AND"
                                     " key = ? AND attempt = ? AND status = 0"
                                     " AND municipality_id = ?");
    if (rows_bind_town(st, 4, sc) != DB_OK)
        return DB_ERR;
    enum db_status s = db_bind_text(st, 1, claim->principal, -1);
    if (s == DB_OK)
        s = db_bind_text(st, 2, claim->key, -1);
    if (s == DB_OK)
        s = db_bind_int64(st, 3, claim->attempt);
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    return s == DB_DONE ? DB_OK : s;
}

enum db_status idempotency_prune(struct db *db, int64_t before_unix, int64_t *deleted)
{
    struct db_stmt *st =
        db_stmt(db, "DELETE FROM idempotency_keys WHERE status <> 0 AND done_unix < ?");
    if (!st)
        return DB_ERR;
    enum db_status s = db_bind_int64(st, 1, before_unix);
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    if (s == DB_DONE)
        *deleted = db_changes(db);
    return s == DB_DONE ? DB_OK : s;
}

enum db_status idempotency_release_dead(struct db *db, int64_t *released)
{
    /* Released, not deleted: the attempt goes up so that a finish of the dead attempt can
     * never match the retry's claim, and lease 0 lets the next retry take it over. */
    struct db_stmt *st =
        db_dialect(db) == DB_POSTGRES
            ? db_stmt(db, "UPDATE idempotency_keys SET attempt = attempt + 1, lease_until = 0,"
                          " holder = NULL WHERE status = 0 AND lease_until > 0 AND (holder IS"
                          " NULL OR NOT " PG_ALIVE ")")
            : db_stmt(db, "UPDATE idempotency_keys SET attempt = attempt + 1, lease_until = 0"
                          " WHERE status = 0 AND lease_until > 0");
    if (!st)
        return DB_ERR;
    enum db_status s = db_step(st);
    db_stmt_done(st);
    if (s == DB_DONE)
        *released = db_changes(db);
    return s == DB_DONE ? DB_OK : s;
}

enum db_status idempotency_purge(struct db *db, int64_t before, int64_t limit, int64_t *deleted)
{
    return rows_delete_old(db,
                           "DELETE FROM idempotency_keys WHERE (principal, key) IN (SELECT"
                           " principal, key FROM idempotency_keys WHERE created_unix < ?"
                           " ORDER BY created_unix LIMIT ?)",
                           "DELETE FROM idempotency_keys WHERE (principal, key) IN (SELECT"
                           " principal, key FROM idempotency_keys WHERE created_unix < ?"
                           " ORDER BY created_unix LIMIT ? FOR UPDATE SKIP LOCKED)",
                           before, limit, deleted);
}
