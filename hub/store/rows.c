/*
 * rows.c: the stores' row loop (see rows.h).
 */
#include "rows.h"

#include <stdio.h>

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

enum db_status rows_bind_town(struct db_stmt *st, int idx, const struct scope *sc)
{
    return st && sc ? db_bind_int64(st, idx, scope_town(sc)) : DB_ERR;
}

enum db_status rows_text_in_town(struct db *db, const char *sql, const struct scope *sc, int64_t id,
                                 char *out, size_t cap)
{
    struct db_stmt *st = sc ? db_stmt(db, sql) : NULL;
    if (!st)
        return DB_ERR;
    enum db_status s = db_bind_int64(st, 1, id);
    if (s == DB_OK)
        s = rows_bind_town(st, 2, sc);
    if (s == DB_OK)
        s = db_step(st);
    if (s == DB_ROW) {
        const char *t = db_col_text(st, 0);
        snprintf(out, cap, "%s", t ? t : "");
    }
    db_stmt_done(st);
    return s;
}
