/*
 * activity.c: the activity store (see activity.h). activity has no town column: the town is
 * the device's (and its resident's).
 */
#include "activity.h"
#include "rows.h"

#include <stdio.h>

enum db_status activity_latest(struct db *db, const struct scope *sc, int64_t device,
                               struct activity_row *out)
{
    struct db_stmt *st =
        sc ? db_stmt(db, "SELECT a.id, a.kind, a.at_unix FROM activity a"
                         " JOIN devices d ON d.id = a.device_id WHERE a.device_id = ?"
                         " AND d.municipality_id = ? ORDER BY a.id DESC LIMIT 1")
           : NULL;
    if (!st)
        return DB_ERR;
    enum db_status s = ROWS_BIND(st, 1, ROWS_INT(device), ROWS_TOWN(sc));
    if (s == DB_OK)
        s = db_step(st);
    if (s == DB_ROW) {
        const char *k = db_col_text(st, 1);
        out->id = db_col_int64(st, 0);
        snprintf(out->kind, sizeof out->kind, "%s", k ? k : "");
        out->at = db_col_int64(st, 2);
    }
    db_stmt_done(st);
    return s;
}

enum db_status activity_add(struct db *db, const struct scope *sc, int64_t resident, int64_t device,
                            const char *kind, int64_t at, int64_t *id)
{
    return rows_insert_sign(db,
                            "INSERT INTO activity(resident_id, device_id, kind, at_unix)"
                            " SELECT r.id, d.id, ?, ? FROM residents r JOIN devices d ON d.id = ?"
                            " AND d.municipality_id = r.municipality_id"
                            " WHERE r.id = ? AND r.municipality_id = ? RETURNING id",
                            sc, resident, device, kind, at, id);
}
