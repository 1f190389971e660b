/*
 * activity.c: the activity store (see activity.h).
 */
#include "activity.h"

#include <stdio.h>

enum db_status activity_latest(struct db *db, int64_t device, struct activity_row *out)
{
    struct db_stmt *st = db_stmt(db, "SELECT id, kind, at_unix FROM activity WHERE device_id = ?"
                                     " ORDER BY id DESC LIMIT 1");
    if (!st)
        return DB_ERR;
    enum db_status s = db_bind_int64(st, 1, device);
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

enum db_status activity_add(struct db *db, int64_t resident, int64_t device, const char *kind,
                            int64_t at, int64_t *id)
{
    struct db_stmt *st = db_stmt(db, "INSERT INTO activity(resident_id, device_id, kind, at_unix)"
                                     " VALUES(?, ?, ?, ?) RETURNING id");
    if (!st)
        return DB_ERR;
    enum db_status s = db_bind_int64(st, 1, resident);
    if (s == DB_OK)
        s = db_bind_int64(st, 2, device);
    if (s == DB_OK)
        s = db_bind_text(st, 3, kind, -1);
    if (s == DB_OK)
        s = db_bind_int64(st, 4, at);
    return db_insert_id(st, s, id);
}
