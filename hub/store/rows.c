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

enum db_status rows_bind(struct db_stmt *st, int first, int n, const struct rows_val *v)
{
    enum db_status s = st ? DB_OK : DB_ERR;
    for (int i = 0; i < n && s == DB_OK; i++)
        s = v[i].kind == ROWS_V_INT     ? db_bind_int64(st, first + i, v[i].i)
            : v[i].kind == ROWS_V_TEXT  ? db_bind_text(st, first + i, v[i].t, -1)
            : v[i].kind == ROWS_V_TEXTN ? db_bind_text(st, first + i, v[i].t, (long)v[i].i)
            : v[i].kind == ROWS_V_TOWN  ? rows_bind_town(st, first + i, v[i].sc)
                                        : db_bind_null(st, first + i);
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

enum db_status rows_resident_here(struct db *db, const struct scope *sc, int64_t resident)
{
    char one[4];
    enum db_status s =
        rows_text_in_town(db, "SELECT 'y' FROM residents WHERE id = ? AND municipality_id = ?", sc,
                          resident, one, sizeof one);
    return s == DB_ROW ? DB_OK : s;
}

enum db_status rows_insert_here(struct db_stmt *st, enum db_status bound, int64_t *id)
{
    enum db_status s = !st ? DB_ERR : bound == DB_OK ? db_step(st) : bound;
    if (s == DB_ROW) {
        *id = db_col_int64(st, 0);
        s = db_step(st);
    } else if (s == DB_DONE) {
        s = DB_ERR_CONSTRAINT;
    }
    db_stmt_done(st);
    return s == DB_DONE ? DB_OK : s;
}

enum db_status rows_insert_sign(struct db *db, const char *sql, const struct scope *sc,
                                int64_t resident, int64_t device, const char *text, int64_t at,
                                int64_t *id)
{
    struct db_stmt *st = sc ? db_stmt(db, sql) : NULL;
    enum db_status s = st ? db_bind_text(st, 1, text, -1) : DB_ERR;
    if (s == DB_OK)
        s = db_bind_int64(st, 2, at);
    if (s == DB_OK)
        s = db_bind_int64(st, 3, device);
    if (s == DB_OK)
        s = db_bind_int64(st, 4, resident);
    if (s == DB_OK)
        s = rows_bind_town(st, 5, sc);
    return rows_insert_here(st, s, id);
}
enum db_status rows_delete_old(struct db *db, const char *sql, const char *pg_sql, int64_t before,
                               int64_t limit, int64_t *deleted)
{
    const int64_t v[2] = {before, limit};
    struct db_stmt *st = db_stmt(db, pg_sql && db_dialect(db) == DB_POSTGRES ? pg_sql : sql);
    enum db_status s = rows_bind_int64s(st, 2, v);
    if (s == DB_OK)
        s = db_step(st);
    if (st)
        db_stmt_done(st);
    *deleted = s == DB_DONE ? db_changes(db) : 0;
    return s == DB_DONE ? DB_OK : s;
}
