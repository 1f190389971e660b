/*
 * oidem: Idempotency-Key handling for requests that create something (orders, family
 * requests), stored in SQLite (table ord_idem, orders_schema_sql) so it survives restarts
 * and is shared by several hub processes on one database.
 *
 * Semantics (docs/api.md): same key + same body → the first answer again; same key +
 * another body → 422; the first request still running → 409; no key → 400.
 * Keys are scoped by the caller ("device:3"), so two devices may use the same key.
 *
 * How the hub uses it (this split is the point of the module):
 *
 *   r = oidem_begin(db, scope, key, hash, now, &claim, &status, &answer);   (autocommit)
 *   OIDEM_PROCEED:  BEGIN IMMEDIATE;
 *                     create the order, enqueue deliveries, write the audit record;
 *                     oidem_finish(db, &claim, 201, answer);   (same transaction)
 *                   COMMIT;  on any failure: ROLLBACK; oidem_abandon(db, &claim);
 *   OIDEM_REPLAY:   send status/answer (free answer)
 *   otherwise:      send oidem_http_status(r) with oidem_result_str(r) as error code
 *
 * oidem_begin commits the in-flight claim on its own when called outside a transaction
 * (BEGIN IMMEDIATE ... COMMIT). Called inside one (the hub's single writer runs every job
 * in a group-commit transaction), it works in a SAVEPOINT and the claim becomes visible
 * when the caller commits: run it as its own job, before the job that creates the thing,
 * so a concurrent retry sees the claim and gets 409 instead of a second creation.
 * oidem_finish runs inside the caller's transaction, so the stored answer is
 * durable exactly when the created thing and its audit record are: a crash in between
 * leaves no order and an in-flight claim. A claim older than stale_s (a crashed hub) may be
 * taken over by a retry; oidem_finish then fails for the old holder (ORDERS_CONFLICT), whose
 * transaction must roll back, so a takeover can never create a second order.
 */
#ifndef OIDEM_H
#define OIDEM_H

#include <stddef.h>
#include <sqlite3.h>

#include "orders.h"

#define OIDEM_KEY_MAX   64 /* 1..64 characters of [A-Za-z0-9_-] */
#define OIDEM_SCOPE_MAX 64
#define OIDEM_HASH_LEN  64 /* hex SHA-256 */
#define OIDEM_STALE_S   60 /* default: a claim older than this is presumed dead */

enum oidem_result {
    OIDEM_PROCEED = 0, /* key claimed: do the work, then oidem_finish or oidem_abandon */
    OIDEM_REPLAY,      /* done before with the same body: *status and *answer hold it */
    OIDEM_MISMATCH,    /* same key, another body: 422 */
    OIDEM_IN_FLIGHT,   /* same key still being processed: 409 */
    OIDEM_BAD_KEY,     /* missing or malformed key: 400 */
    OIDEM_ERROR,       /* database error: 500 */
};

/* snake_case code for an error body: "proceed", "replay", "idempotency_key_reused",
 * "request_in_flight", "idempotency_key_invalid", "internal_error". */
const char *oidem_result_str(enum oidem_result r);

/* The HTTP status to answer with for r (200 for PROCEED/REPLAY: use the stored one). */
int oidem_http_status(enum oidem_result r);

/* Plain-English message for the error results (for the error body). */
const char *oidem_result_message(enum oidem_result r);

/* 1 if key is 1..64 characters of [A-Za-z0-9_-]. NULL → 0. */
int oidem_key_valid(const char *key);

/* Lower-case hex SHA-256 of the request body into out (65 bytes). */
void oidem_body_hash(const void *body, size_t len, char out[OIDEM_HASH_LEN + 1]);

/* A claim held between oidem_begin and oidem_finish/oidem_abandon (caller memory). */
struct oidem_claim {
    char scope[OIDEM_SCOPE_MAX + 1];
    char key[OIDEM_KEY_MAX + 1];
    long long attempt; /* bumps on takeover; finish checks it */
};

/*
 * Looks up or claims (scope, key) for a request whose body hash is body_hash.
 * stale_s: age after which an in-flight claim is taken over (0 → OIDEM_STALE_S).
 * On OIDEM_PROCEED *claim is filled. On OIDEM_REPLAY *status is set and *answer is owned
 * (free with free()). Outside a transaction it commits by itself; inside the caller's
 * transaction it joins it (savepoint), see above.
 */
enum oidem_result oidem_begin(sqlite3 *db, const char *scope, const char *key,
                              const char *body_hash, long long now, long long stale_s,
                              struct oidem_claim *claim, int *status,
                              char **answer) ORDERS_MUST_USE;

/* Stores the answer for a claim inside the caller's transaction. ORDERS_OK; ORDERS_CONFLICT
 * if the claim was taken over (roll back!); ORDERS_DB. */
enum orders_rc oidem_finish(sqlite3 *db, const struct oidem_claim *claim, int status,
                            const char *answer, long long now) ORDERS_MUST_USE;

/* Gives a claim up after a failure (autocommit, after the caller's ROLLBACK), so a retry
 * may proceed at once. Best effort: ORDERS_OK or ORDERS_DB. */
enum orders_rc oidem_abandon(sqlite3 *db, const struct oidem_claim *claim) ORDERS_MUST_USE;

/* Deletes finished keys older than before_unix (housekeeping). Returns rows deleted or -1. */
long oidem_prune(sqlite3 *db, long long before_unix);

#endif
