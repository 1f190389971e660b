/*
 * challenges.h: the card-login challenges store. A challenge is random bytes (kept as
 * lower-case hex) the hub hands one device for one card login; it works once and only
 * until it expires. Challenges live in the database, so a login may reach another hubd
 * process than the one that issued its challenge. A challenge belongs to its device's town:
 * every function takes the scope of a town (scope.h), and a challenge of another town's
 * device is as if it had never been issued. Every function runs inside the caller's
 * transaction on the caller's handle and writes no audit record: the caller audits.
 */
#ifndef HUB_STORE_CHALLENGES_H
#define HUB_STORE_CHALLENGES_H

#include "db.h"
#include "scope.h"

#include <stdint.h>

/* Stores a challenge (hex, borrowed) issued to device of the scope's town, good until expires
 * (Unix s); *id gets its id. A hex already stored, or a device not of that town, is
 * DB_ERR_CONSTRAINT. */
__attribute__((warn_unused_result)) enum db_status challenges_add(struct db *db,
                                                                  const struct scope *sc,
                                                                  int64_t device, const char *hex,
                                                                  int64_t expires, int64_t *id);

enum challenges_use {
    CHALLENGES_OK = 0,       /* spent by this call and within its lifetime */
    CHALLENGES_EXPIRED,      /* spent by this call, but its lifetime is over */
    CHALLENGES_UNKNOWN,      /* never issued (in this town) */
    CHALLENGES_OTHER_DEVICE, /* issued to another device: left unspent */
    CHALLENGES_USED,         /* spent before */
};

/*
 * Spends the challenge hex for device (of the scope's town) at now, in one statement: of several
 * logins with the same challenge at once (on any process), exactly one gets CHALLENGES_OK or
 * CHALLENGES_EXPIRED. *use says what happened. DB_OK or the database's error.
 */
__attribute__((warn_unused_result)) enum db_status
challenges_use(struct db *db, const struct scope *sc, const char *hex, int64_t device, int64_t now,
               enum challenges_use *use);

/* Housekeeping (retention.h): deletes up to limit challenges that expired before before (Unix
 * s), the oldest first, of every town (nothing is released); *deleted: how many. */
__attribute__((warn_unused_result)) enum db_status
challenges_purge(struct db *db, int64_t before, int64_t limit, int64_t *deleted);

#endif
