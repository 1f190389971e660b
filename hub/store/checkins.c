/*
 * checkins.c: the check-ins store (see checkins.h).
 */
#include "checkins.h"
#include "rows.h"

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

struct walk {
    int (*row)(void *ctx, const struct checkins_row *c);
    void *ctx;
};

static int each(void *arg, struct db_stmt *st)
{
    const struct walk *w = arg;
    struct checkins_row c = {.id = db_col_int64(st, 0),
                             .answer = db_col_text(st, 1),
                             .at = db_col_int64(st, 2),
                             .resident = db_col_int64(st, 3),
                             .device = db_col_int64(st, 4)};
    return w->row(w->ctx, &c);
}

enum db_status checkins_newest(struct db *db, int64_t resident, int64_t limit,
                               int (*row)(void *ctx, const struct checkins_row *c), void *ctx)
{
    struct db_stmt *st = db_stmt(db, "SELECT id, answer, at_unix, resident_id, device_id"
                                     " FROM checkins WHERE resident_id = ? ORDER BY id DESC"
                                     " LIMIT ?");
    struct walk w = {row, ctx};
    return rows_walk(st, rows_bind_int64s(st, 2, (const int64_t[]){resident, limit}), each, &w);
}

enum db_status checkins_list(struct db *db, int64_t resident, int64_t limit,
                             int (*row)(void *ctx, const struct checkins_row *c), void *ctx)
{
    if (resident > 0)
        return checkins_newest(db, resident, limit, row, ctx);
    struct db_stmt *st = db_stmt(db, "SELECT id, answer, at_unix, resident_id, device_id"
                                     " FROM checkins WHERE 0 = ? ORDER BY id DESC LIMIT ?");
    struct walk w = {row, ctx};
    return rows_walk(st, rows_bind_int64s(st, 2, (const int64_t[]){0, limit}), each, &w);
}
