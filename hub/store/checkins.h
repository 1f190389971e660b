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

/* One check-in of a batch: its town's scope (each item may be of another town), resident,
 * device, answer and time; id is written by checkins_add_many(). */
struct checkins_new {
    const struct scope *sc;
    int64_t resident, device;
    const char *answer;
    int64_t at;
    int64_t id; /* out */
};

/* Stores the n (1..CHECKINS_MANY_MAX) check-ins of a writer batch, each as checkins_add()
 * would, and writes each one's id into its own item. On PostgreSQL ONE statement stores
 * them all (one round trip, and one next_due update for the batch); on SQLite they are
 * stored one by one. DB_ERR_CONSTRAINT when any item's resident or device is not of its
 * scope's town (or a scope is NULL: DB_ERR): then the caller rolls back whatever of the
 * batch was stored and may store the items one by one to find which. */
#define CHECKINS_MANY_MAX 512
__attribute__((warn_unused_result)) enum db_status
checkins_add_many(struct db *db, struct checkins_new *c, size_t n);

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
