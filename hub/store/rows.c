/*
 * rows.c: the stores' row loop (see rows.h).
 */
#include "rows.h"

enum db_status rows_walk(struct db_stmt *st, enum db_status bound,
                         int (*each)(void *ctx, struct db_stmt *st), void *ctx)
{
    if (!st)
        return DB_ERR;
    enum db_status s = bound;
    while (s == DB_OK || s == DB_ROW) {
        s = db_step(st);
        if (s == DB_ROW && each(ctx, st) != 0)
            s = DB_ERR;
    }
    db_stmt_done(st);
    return s == DB_DONE ? DB_OK : s;
}

enum db_status rows_bind_int64s(struct db_stmt *st, int n, const int64_t *v)
{
    enum db_status s = st ? DB_OK : DB_ERR;
    for (int i = 0; i < n && s == DB_OK; i++)
        s = db_bind_int64(st, i + 1, v[i]);
    return s;
}
