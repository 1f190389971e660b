/*
 * checkins.h: the check-ins store. A check-in is a resident's answer on their home device
 * at a time. Check-ins belong to the resident's town: every function takes the scope of a
 * town (scope.h) and neither sees nor stores a check-in of another town's resident (as if
 * there were none). Every function runs inside the caller's transaction (or read snapshot)
 * on the caller's handle; the caller audits.
 */
#ifndef HUB_STORE_CHECKINS_H
#define HUB_STORE_CHECKINS_H

#include "db.h"
#include "scope.h"

#include <stdint.h>

/* Stores one check-in of resident from device, both of the scope's town; *id gets its id.
 * DB_ERR_CONSTRAINT when either is not of that town (or does not exist). */
__attribute__((warn_unused_result)) enum db_status
checkins_add(struct db *db, const struct scope *sc, int64_t resident, int64_t device,
             const char *answer, int64_t at, int64_t *id);

/* One check-in as read; answer is borrowed until the callback returns. */
struct checkins_row {
    int64_t id;
    const char *answer;
    int64_t at;
    int64_t resident;
    int64_t device;
};

/* Calls row(ctx, ...) for the resident's newest check-ins, newest first, at most limit;
 * a non-zero return from row stops the walk with DB_ERR. DB_OK or the database's error;
 * nothing for a resident of another town. */
__attribute__((warn_unused_result)) enum db_status
checkins_newest(struct db *db, const struct scope *sc, int64_t resident, int64_t limit,
                int (*row)(void *ctx, const struct checkins_row *c), void *ctx);

/* The same over every resident of the town (resident 0) or one resident's, newest first,
 * at most limit (the city office's listing). */
__attribute__((warn_unused_result)) enum db_status
checkins_list(struct db *db, const struct scope *sc, int64_t resident, int64_t limit,
              int (*row)(void *ctx, const struct checkins_row *c), void *ctx);

#endif
