/*
 * activity.h: the activity store: signs of life from a home device other than a check-in
 * (a touch on the tablet), which the missed check-in pass counts. A sign of life belongs to
 * the device's and resident's town: every function takes the scope of a town (scope.h) and
 * neither sees nor stores another town's. Runs inside the caller's transaction; the caller
 * audits.
 */
#ifndef HUB_STORE_ACTIVITY_H
#define HUB_STORE_ACTIVITY_H

#include "db.h"
#include "scope.h"

#include <stddef.h>
#include <stdint.h>

/* A stored sign of life. */
struct activity_row {
    int64_t id;
    char kind[32]; /* as long as the request parser allows (HUBREQ_NAME_MAX) */
    int64_t at;
};

/* The device's newest sign of life into *out: DB_ROW, DB_DONE when it has none (or is of
 * another town), or an error. */
__attribute__((warn_unused_result)) enum db_status
activity_latest(struct db *db, const struct scope *sc, int64_t device, struct activity_row *out);

/* Stores one sign of life of resident from device at `at`, both of the scope's town; *id
 * gets its id. DB_ERR_CONSTRAINT when either is not of that town (or does not exist). */
__attribute__((warn_unused_result)) enum db_status
activity_add(struct db *db, const struct scope *sc, int64_t resident, int64_t device,
             const char *kind, int64_t at, int64_t *id);

#endif
