/*
 * retention.h: how long the hub keeps the rows that only serve a moment, and their purge.
 * Without it every card-login challenge, card session and Idempotency-Key stays forever
 * (one kiosk token asking for challenges as fast as it may fills the disk). The periods:
 *
 *   - a login challenge: RETENTION_CHALLENGE_S after it expired (it lives 60 s; a late
 *     answer within the hour is still told "expired", later "unknown": refused either way);
 *   - a card session: RETENTION_SESSION_S after its absolute limit (auth.h), whether it
 *     was ended by logout, idleness or that limit. A card login is a sign of life for the
 *     missed check-in pass, which looks back to the day's start, so a session must outlive
 *     its day by far: a week;
 *   - an Idempotency-Key, answered or claimed: RETENTION_IDEMPOTENCY_S after its first use.
 *     A retry with the key gets the first answer for 30 days; a home tablet that was cut
 *     off for longer and sends an item whose answer it never got may have it stored a
 *     second time (docs/api.md says so). A claim that old died with its request;
 *   - a summary of refused authorizations (refusals.h): RETENTION_REFUSALS_S after its
 *     minute, and never more than RETENTION_REFUSALS_MAX rows (the oldest go first), so a
 *     flood of guessed tokens from many addresses cannot fill the disk either. Each row
 *     is also an audit record, which stays.
 *
 * retention_step() deletes at most limit rows of each kind (the oldest first) in the
 * caller's transaction and says whether more may be left: hubd runs one step per writer
 * job with a pause between (like the missed check-in pass), so check-ins are committed
 * between the steps and a purge of a million rows never holds them back. On PostgreSQL
 * steps of several processes skip each other's rows. Rows of every town: the purge
 * releases nothing and writes no audit record.
 */
#ifndef HUB_STORE_RETENTION_H
#define HUB_STORE_RETENTION_H

#include "db.h"

#include <stdint.h>

#define RETENTION_CHALLENGE_S   3600LL
#define RETENTION_SESSION_S     (7 * 86400LL)
#define RETENTION_IDEMPOTENCY_S (30 * 86400LL)
#define RETENTION_REFUSALS_S    (90 * 86400LL)
#define RETENTION_REFUSALS_MAX  100000LL
/* hubd: rows of each kind per step (one writer job) and the pause between steps */
#define RETENTION_STEP_ROWS     500
#define RETENTION_STEP_PAUSE_MS 20
#define RETENTION_STEP_MAX      100000

/* Rows deleted, by kind (added to by each step). */
struct retention_counts {
    int64_t challenges;
    int64_t sessions;
    int64_t idempotency;
    int64_t refusals;
};

/* One bounded step at now: up to limit (1..RETENTION_STEP_MAX) rows of each kind past its
 * period deleted, added to *c; *more = 1 when a kind had limit rows to delete (call again).
 * DB_OK or the database's error (roll back). */
__attribute__((warn_unused_result)) enum db_status
retention_step(struct db *db, int64_t now, int64_t limit, struct retention_counts *c, int *more);

#endif
