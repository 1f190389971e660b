/*
 * idempotency.h: the one Idempotency-Key store of the hub, used by every POST that takes
 * the header (check-ins, help, orders, family requests, checkups). Semantics (docs/api.md):
 * same key + same body -> the first answer again; same key + another body -> 422; the
 * first request still running -> 409. A key is scoped to the caller ("device:3") and kept in
 * the caller's town: claim, finish and abandon take its scope (scope.h) and never see or
 * touch another town's keys. Releasing dead claims and pruning are the hub's housekeeping,
 * for every town.
 *
 * A request with a key goes through two transactions (two writer jobs):
 *
 *   1. idempotency_claim(): commits an in-flight claim (or finds the stored answer). Once
 *      committed, every process on the database sees it: a duplicate gets 409.
 *   2. the job that creates the thing calls idempotency_finish() in its own transaction:
 *      the stored answer commits exactly when the thing and its audit record do. On a
 *      refusal or failure the request gives the claim up (idempotency_abandon, its own
 *      job) so a retry may proceed at once.
 *
 * A claim is leased for IDEMPOTENCY_LEASE_S seconds. A process that crashed between the
 * two steps leaves a claim nobody finishes; a retry after the lease takes it over (the
 * claim's attempt number goes up). Takeover is safe whatever the lease: finishing checks
 * the attempt inside the creating transaction, so a holder that was only slow, not dead,
 * finds its claim taken (*lost = 1), rolls its transaction back and creates nothing; only
 * one of them can ever store an answer. The lease is therefore short (a request normally
 * holds its claim for milliseconds), and a retry after a crash waits seconds, not a minute.
 *
 * A retry need not even wait that long. A hubd on SQLite (one process per file) releases
 * every claim when it starts: whoever held them died with the previous process. On
 * PostgreSQL a claim names the database session that committed it, and a claim whose
 * session no longer exists (pg_stat_activity: its process was killed, or its connection
 * was lost with the transaction) is taken over at once by a retry on any process, and
 * released by any hubd that starts. Sessions of other database users are not fully
 * visible to a hub that is not a superuser: every hubd of one database uses one user.
 *
 * Every function runs inside the caller's transaction on the caller's handle (SQLite or
 * PostgreSQL). Strings are borrowed; *answer of a replay is owned by the caller (free()).
 */
#ifndef HUB_STORE_IDEMPOTENCY_H
#define HUB_STORE_IDEMPOTENCY_H

#include "db.h"
#include "scope.h"

#include <stdint.h>

#define IDEMPOTENCY_KEY_MAX       64 /* 1..64 of [A-Za-z0-9_-] (hubreq_valid_idempotency_key) */
#define IDEMPOTENCY_PRINCIPAL_MAX 64 /* "device:3", "operator:12" */
#define IDEMPOTENCY_HASH_LEN      64 /* hex SHA-256 of the body */
#define IDEMPOTENCY_LEASE_S       5  /* a claim not finished by then may be taken over */

enum idempotency_result {
    IDEMPOTENCY_PROCEED = 0, /* claimed: do the work, then finish (or abandon) */
    IDEMPOTENCY_REPLAY,      /* answered before with the same body: *status, *answer */
    IDEMPOTENCY_MISMATCH,    /* the key was used with another body: 422 */
    IDEMPOTENCY_IN_FLIGHT,   /* another request holds the key right now: 409 */
};

/* A claim held between idempotency_claim and idempotency_finish / _abandon (caller memory,
 * a plain value). */
struct idempotency_claim {
    char principal[IDEMPOTENCY_PRINCIPAL_MAX + 1];
    char key[IDEMPOTENCY_KEY_MAX + 1];
    int64_t attempt; /* goes up on each takeover; finish and abandon check it */
};

/*
 * Looks (principal, key) up for a body whose hash is body_hash (hex) at now and claims it
 * when new, or when its claim's lease ran out. *res says which; on IDEMPOTENCY_PROCEED
 * *claim is filled, on IDEMPOTENCY_REPLAY *status and an owned *answer. DB_OK, DB_ERR for
 * an argument over its cap (a caller's bug: keys are checked before), or the database's
 * error (roll back).
 */
__attribute__((warn_unused_result)) enum db_status
idempotency_claim(struct db *db, const struct scope *sc, const char *principal, const char *key,
                  const char *body_hash, int64_t now, enum idempotency_result *res,
                  struct idempotency_claim *claim, int *status, char **answer);

/*
 * Stores the answer (status, body) of a claim, inside the transaction that created the
 * thing. *lost = 1 when the claim was taken over meanwhile: nothing is stored and the
 * caller must roll its transaction back.
 */
__attribute__((warn_unused_result)) enum db_status
idempotency_finish(struct db *db, const struct scope *sc, const struct idempotency_claim *claim,
                   int status, const char *answer, int64_t now, int *lost);

/* One claim of a writer batch: idempotency_claim()'s arguments and results. */
struct idempotency_ask {
    const struct scope *sc;
    const char *principal, *key, *body_hash;
    int64_t now;
    enum idempotency_result res;    /* out */
    struct idempotency_claim claim; /* out, on IDEMPOTENCY_PROCEED */
    int status;                     /* out, on IDEMPOTENCY_REPLAY */
    char *answer;                   /* out, owned, on IDEMPOTENCY_REPLAY */
};
#define IDEMPOTENCY_MANY_MAX 512

/* idempotency_claim() for each of a[0..n) (1..IDEMPOTENCY_MANY_MAX), as if one after the
 * other in that order. On PostgreSQL ONE statement claims every new key (the usual case);
 * only keys already there (replays, requests in flight, takeovers) take statements of
 * their own. DB_OK or the first failure (roll back; every *answer is then freed). */
__attribute__((warn_unused_result)) enum db_status
idempotency_claim_many(struct db *db, struct idempotency_ask *a, size_t n);

/* One answer of a writer batch: idempotency_finish()'s arguments; lost is written. */
struct idempotency_done {
    const struct scope *sc;
    const struct idempotency_claim *claim;
    int status;
    const char *answer;
    int64_t now;
    int lost; /* out */
};

/* idempotency_finish() for each of d[0..n) (1..IDEMPOTENCY_MANY_MAX), in ONE statement on
 * PostgreSQL. A lost one (taken over) means the caller must roll back as for one. */
__attribute__((warn_unused_result)) enum db_status
idempotency_finish_many(struct db *db, struct idempotency_done *d, size_t n);

/* Gives a claim up (after a refusal or failure) unless it was taken over meanwhile. */
__attribute__((warn_unused_result)) enum db_status
idempotency_abandon(struct db *db, const struct scope *sc, const struct idempotency_claim *claim);

/*
 * Releases the claims whose holder is dead, at a hubd's start: on SQLite every claim (the
 * caller is the only process on the file), on PostgreSQL those whose session is gone. A
 * released claim is taken over by the next retry at once. *released: how many.
 */
__attribute__((warn_unused_result)) enum db_status idempotency_release_dead(struct db *db,
                                                                            int64_t *released);

/* Deletes answered keys answered before before_unix (housekeeping); *deleted: how many. */
__attribute__((warn_unused_result)) enum db_status
idempotency_prune(struct db *db, int64_t before_unix, int64_t *deleted);

/* Housekeeping (retention.h): deletes up to limit keys first used before before (Unix s),
 * the oldest first: answers and claims alike (a claim that old died with its request).
 * *deleted: how many. */
__attribute__((warn_unused_result)) enum db_status
idempotency_purge(struct db *db, int64_t before, int64_t limit, int64_t *deleted);

#endif
