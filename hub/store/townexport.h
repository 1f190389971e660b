/*
 * townexport.h: everything one municipality holds, table by table, for `hubctl
 * municipality-export` (docs/hub.md "Export of a town"): the town, its residents and their
 * records, its devices, family members (and the links recorded in the town), staff, source
 * organisations, operators and contracts, notices, safety checks, and the town's own
 * audit log (its signed tree heads and its records up to the newest head). Secrets stay behind:
 * token hashes and session tokens are never read. Nothing of another town is selected: every
 * statement filters by the scope's town.
 */
#ifndef HUB_STORE_TOWNEXPORT_H
#define HUB_STORE_TOWNEXPORT_H

#include "db.h"
#include "scope.h"

/* One row: the table's name, n columns with their names and values (text, NULL for SQL
 * NULL); everything borrowed until the callback returns. */
struct townexport_row {
    const char *table;
    int n;
    const char *const *names;
    const char *const *values;
};

/* Calls row(ctx, r) for every row of the scope's town, table by table in a fixed order
 * (parents first), each table by its key; a non-zero return stops with DB_ERR. Runs in the
 * caller's transaction (a read snapshot: the export is of one moment). */
__attribute__((warn_unused_result)) enum db_status
townexport_walk(struct db *db, const struct scope *sc,
                int (*row)(void *ctx, const struct townexport_row *r), void *ctx);

#endif
