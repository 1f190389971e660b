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
#include "dbarray.h"
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
    enum db_status s = ROWS_BIND(st, 1, ROWS_TEXT(principal), ROWS_TEXT(key));
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
    enum db_status s = ROWS_BIND(st, 1, ROWS_TEXT(principal), ROWS_TEXT(key), ROWS_TEXT(body_hash),
                                 ROWS_INT(now + IDEMPOTENCY_LEASE_S), ROWS_INT(now));
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
    enum db_status s = ROWS_BIND(st, 1, ROWS_INT(now + IDEMPOTENCY_LEASE_S), ROWS_INT(now),
                                 ROWS_TEXT(principal), ROWS_TEXT(key), ROWS_INT(seen));
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
    enum db_status s = ROWS_BIND(
        st, 1, ROWS_INT(status > 0 ? status : 500), ROWS_TEXT(answer ? answer : ""), ROWS_INT(now),
        ROWS_TEXT(claim->principal), ROWS_TEXT(claim->key), ROWS_INT(claim->attempt));
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
    enum db_status s = ROWS_BIND(st, 1, ROWS_TEXT(claim->principal), ROWS_TEXT(claim->key),
                                 ROWS_INT(claim->attempt));
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

/* Indexes of the asks whose (principal, key) an earlier ask of the batch has: at most one
 * ask per key is claimed by the batch's INSERT, the rest go one by one (and find it held). */
static int repeated(const struct idempotency_ask *a, size_t i)
{
    for (size_t k = 0; k < i; k++)
        if (strcmp(a[k].principal, a[i].principal) == 0 && strcmp(a[k].key, a[i].key) == 0)
            return 1;
    return 0;
}

/* PostgreSQL: inserts the claims of every ask that is not a repeat in one statement; the
 * keys it inserted come back, and those asks are claimed (got[i] = 1). */
static enum db_status insert_claims(struct db *db, struct idempotency_ask *a, size_t n, int *got)
{
    struct dbarray v[6];
    size_t m = 0;
    for (int i = 0; i < 6; i++)
        dbarray_init(&v[i]);
    for (size_t i = 0; i < n; i++) {
        got[i] = 0;
        if (repeated(a, i))
            continue;
        dbarray_text(&v[0], a[i].principal);
        dbarray_text(&v[1], a[i].key);
        dbarray_text(&v[2], a[i].body_hash);
        dbarray_int64(&v[3], a[i].now + IDEMPOTENCY_LEASE_S);
        dbarray_int64(&v[4], a[i].now);
        dbarray_int64(&v[5], scope_town(a[i].sc));
        m++;
    }
    struct db_stmt *st =
        m ? db_stmt(db, "INSERT INTO idempotency_keys(principal, key, body_hash, status, answer,"
                        " attempt, lease_until, created_unix, holder, municipality_id)"
                        " SELECT u.principal, u.key, u.hash, 0, '', 1, u.lease, u.at, " PG_SELF
                        ", u.town FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[],"
                        " ?::bigint[], ?::bigint[]) WITH ORDINALITY"
                        " AS u(principal, key, hash, lease, at, town, ord) ORDER BY u.ord"
                        " ON CONFLICT(principal, key) DO NOTHING RETURNING principal, key")
          : NULL;
    enum db_status s = m && !st ? DB_ERR : DB_OK;
    for (int i = 0; i < 6 && st && s == DB_OK; i++)
        s = dbarray_bind(st, i + 1, &v[i]);
    while (st && s == DB_OK && (s = db_step(st)) == DB_ROW) {
        const char *p = db_col_text(st, 0), *k = db_col_text(st, 1);
        s = DB_OK;
        for (size_t i = 0; i < n && p && k; i++)
            if (!got[i] && !repeated(a, i) && strcmp(a[i].principal, p) == 0 &&
                strcmp(a[i].key, k) == 0) {
                got[i] = 1;
                break;
            }
    }
    if (st)
        db_stmt_done(st);
    for (int i = 0; i < 6; i++)
        dbarray_free(&v[i]);
    return s == DB_DONE || (s == DB_OK && !st) ? DB_OK : s;
}

enum db_status idempotency_claim_many(struct db *db, struct idempotency_ask *a, size_t n)
{
    int got[IDEMPOTENCY_MANY_MAX];
    enum db_status s = n >= 1 && n <= IDEMPOTENCY_MANY_MAX ? DB_OK : DB_ERR;
    for (size_t i = 0; i < n && s == DB_OK; i++) {
        a[i].answer = NULL;
        a[i].res = IDEMPOTENCY_IN_FLIGHT;
        got[i] = 0;
        if (!a[i].sc || !a[i].principal || !a[i].key || !a[i].body_hash ||
            strlen(a[i].principal) > IDEMPOTENCY_PRINCIPAL_MAX ||
            strlen(a[i].key) > IDEMPOTENCY_KEY_MAX ||
            strlen(a[i].body_hash) != IDEMPOTENCY_HASH_LEN)
            s = DB_ERR;
    }
    if (s == DB_OK && db_dialect(db) == DB_POSTGRES)
        s = insert_claims(db, a, n, got);
    for (size_t i = 0; i < n && s == DB_OK; i++) {
        if (!got[i]) {
            s = idempotency_claim(db, a[i].sc, a[i].principal, a[i].key, a[i].body_hash, a[i].now,
                                  &a[i].res, &a[i].claim, &a[i].status, &a[i].answer);
            continue;
        }
        a[i].res = IDEMPOTENCY_PROCEED;
        memset(&a[i].claim, 0, sizeof a[i].claim);
        memcpy(a[i].claim.principal, a[i].principal, strlen(a[i].principal) + 1);
        memcpy(a[i].claim.key, a[i].key, strlen(a[i].key) + 1);
        a[i].claim.attempt = 1;
    }
    for (size_t i = 0; i < n && s != DB_OK; i++) {
        free(a[i].answer);
        a[i].answer = NULL;
    }
    return s;
}

enum db_status idempotency_finish_many(struct db *db, struct idempotency_done *d, size_t n)
{
    enum db_status s = n >= 1 && n <= IDEMPOTENCY_MANY_MAX ? DB_OK : DB_ERR;
    for (size_t i = 0; i < n && s == DB_OK; i++)
        s = d[i].sc && d[i].claim ? DB_OK : DB_ERR;
    if (s != DB_OK || db_dialect(db) != DB_POSTGRES) {
        for (size_t i = 0; i < n && s == DB_OK; i++)
            s = idempotency_finish(db, d[i].sc, d[i].claim, d[i].status, d[i].answer, d[i].now,
                                   &d[i].lost);
        return s;
    }
    struct dbarray v[7];
    for (int i = 0; i < 7; i++)
        dbarray_init(&v[i]);
    for (size_t i = 0; i < n; i++) {
        /* 0 marks a claim: an answer's status is an HTTP status, never 0. */
        dbarray_int64(&v[0], d[i].status > 0 ? d[i].status : 500);
        dbarray_text(&v[1], d[i].answer ? d[i].answer : "");
        dbarray_int64(&v[2], d[i].now);
        dbarray_text(&v[3], d[i].claim->principal);
        dbarray_text(&v[4], d[i].claim->key);
        dbarray_int64(&v[5], d[i].claim->attempt);
        dbarray_int64(&v[6], scope_town(d[i].sc));
        d[i].lost = 1;
    }
    struct db_stmt *st =
        db_stmt(db, "UPDATE idempotency_keys k SET status = u.status, answer = u.answer,"
                    " done_unix = u.at FROM unnest(?::bigint[], ?::text[], ?::bigint[], ?::text[],"
                    " ?::text[], ?::bigint[], ?::bigint[])"
                    " AS u(status, answer, at, principal, key, attempt, town)"
                    " WHERE k.principal = u.principal AND k.key = u.key AND k.attempt = u.attempt"
                    " AND k.status = 0 AND k.municipality_id = u.town"
                    " RETURNING k.principal, k.key");
    s = st ? DB_OK : DB_ERR;
    for (int i = 0; i < 7 && s == DB_OK; i++)
        s = dbarray_bind(st, i + 1, &v[i]);
    while (s == DB_OK && (s = db_step(st)) == DB_ROW) {
        const char *p = db_col_text(st, 0), *k = db_col_text(st, 1);
        s = DB_OK;
        for (size_t i = 0; i < n && p && k; i++)
            if (d[i].lost && strcmp(d[i].claim->principal, p) == 0 &&
                strcmp(d[i].claim->key, k) == 0)
                d[i].lost = 0;
    }
    if (st)
        db_stmt_done(st);
    for (int i = 0; i < 7; i++)
        dbarray_free(&v[i]);
    return s == DB_DONE ? DB_OK : s;
}
