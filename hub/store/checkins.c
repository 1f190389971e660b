/*
 * checkins.c: the check-ins store (see checkins.h).
 */
#include "checkins.h"

enum db_status checkins_add(struct db *db, int64_t resident, int64_t device, const char *answer,
                            int64_t at, int64_t *id)
{
    struct db_stmt *st = db_stmt(db, "INSERT INTO checkins(resident_id, device_id, answer,"
                                     " at_unix) VALUES(?, ?, ?, ?) RETURNING id");
    if (!st)
        return DB_ERR;
    enum db_status s = db_bind_int64(st, 1, resident);
    if (s == DB_OK)
        s = db_bind_int64(st, 2, device);
    if (s == DB_OK)
        s = db_bind_text(st, 3, answer, -1);
    if (s == DB_OK)
        s = db_bind_int64(st, 4, at);
    return db_insert_id(st, s, id);
}

enum db_status checkins_newest(struct db *db, int64_t resident, int64_t limit,
                               int (*row)(void *ctx, const struct checkins_row *c), void *ctx)
{
    struct db_stmt *st = db_stmt(db, "SELECT id, answer, at_unix FROM checkins WHERE"
                                     " resident_id = ? ORDER BY id DESC LIMIT ?");
    if (!st)
        return DB_ERR;
    enum db_status s = db_bind_int64(st, 1, resident);
    if (s == DB_OK)
        s = db_bind_int64(st, 2, limit);
    while (s == DB_OK || s == DB_ROW) {
        s = db_step(st);
        if (s != DB_ROW)
            break;
        struct checkins_row c = {
            .id = db_col_int64(st, 0), .answer = db_col_text(st, 1), .at = db_col_int64(st, 2)};
        if (row(ctx, &c) != 0)
            s = DB_ERR;
    }
    db_stmt_done(st);
    return s == DB_DONE ? DB_OK : s;
}
