/*
 * retention.c: the purge of expired challenges, sessions, Idempotency-Keys and refusal
 * summaries (see retention.h).
 */
#include "retention.h"
#include "auth.h"
#include "challenges.h"
#include "idempotency.h"
#include "refusals.h"
#include "sessions.h"

enum db_status retention_step(struct db *db, int64_t now, int64_t limit, struct retention_counts *c,
                              int *more)
{
    int64_t n[4] = {0, 0, 0, 0};
    enum db_status s = limit >= 1 && limit <= RETENTION_STEP_MAX ? DB_OK : DB_ERR;
    *more = 0;
    if (s == DB_OK)
        s = challenges_purge(db, now - RETENTION_CHALLENGE_S, limit, &n[0]);
    if (s == DB_OK)
        s = sessions_purge(db, now - AUTH_SESSION_ABSOLUTE - RETENTION_SESSION_S, limit, &n[1]);
    if (s == DB_OK)
        s = idempotency_purge(db, now - RETENTION_IDEMPOTENCY_S, limit, &n[2]);
    if (s == DB_OK)
        s = refusals_purge(db, now - RETENTION_REFUSALS_S, RETENTION_REFUSALS_MAX, limit, &n[3]);
    if (s != DB_OK)
        return s;
    c->challenges += n[0];
    c->sessions += n[1];
    c->idempotency += n[2];
    c->refusals += n[3];
    *more = n[0] == limit || n[1] == limit || n[2] == limit || n[3] >= limit;
    return DB_OK;
}
