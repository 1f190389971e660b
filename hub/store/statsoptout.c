/*
 * statsoptout.c: a resident's refusal of statistical use (see statsoptout.h).
 */
#include "statsoptout.h"
#include "rows.h"

/* 1 when resident is one of sc's, 0 when not, or an error as -1. */
static int in_town(struct db *db, const struct scope *sc, int64_t resident)
{
    struct db_stmt *st =
        db_stmt(db, "SELECT 1 FROM residents WHERE id = ? AND municipality_id = ?");
    enum db_status s = rows_bind_int64s(st, 2, (const int64_t[]){resident, scope_town(sc)});
    if (s == DB_OK)
        s = db_step(st);
    if (st)
        db_stmt_done(st);
    return s == DB_ROW ? 1 : s == DB_DONE ? 0 : -1;
}

enum db_status statsoptout_set(struct db *db, const struct scope *sc, int64_t resident, int refuse,
                               int64_t now, const char *via, int *changed)
{
    *changed = 0;
    int was = 0;
    int64_t since = 0;
    if (!sc)
        return DB_ERR;
    int known = in_town(db, sc, resident);
    if (known <= 0)
        return known < 0 ? DB_ERR : DB_ERR_CONSTRAINT;
    enum db_status s = statsoptout_get(db, sc, resident, &was, &since);
    if (s != DB_OK || was == (refuse != 0))
        return s;
    struct db_stmt *st;
    if (refuse) {
        st = db_stmt(db, "INSERT INTO stats_optouts(resident_id, refused_unix, via)"
                         " VALUES(?, ?, ?)");
        if (!st)
            return DB_ERR;
        s = ROWS_BIND(st, 1, ROWS_INT(resident), ROWS_INT(now), ROWS_TEXT(via));
    } else {
        st = db_stmt(db, "DELETE FROM stats_optouts WHERE resident_id = ?");
        if (!st)
            return DB_ERR;
        s = db_bind_int64(st, 1, resident);
    }
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    if (s != DB_DONE)
        return s == DB_OK || s == DB_ROW ? DB_ERR : s;
    *changed = 1;
    return DB_OK;
}

enum db_status statsoptout_get(struct db *db, const struct scope *sc, int64_t resident,
                               int *refused, int64_t *since)
{
    *refused = 0;
    *since = 0;
    if (!sc)
        return DB_ERR;
    struct db_stmt *st = db_stmt(db, "SELECT o.refused_unix FROM stats_optouts o"
                                     " JOIN residents p ON p.id = o.resident_id"
                                     " WHERE o.resident_id = ? AND p.municipality_id = ?");
    enum db_status s = rows_bind_int64s(st, 2, (const int64_t[]){resident, scope_town(sc)});
    if (s == DB_OK)
        s = db_step(st);
    if (s == DB_ROW) {
        *refused = 1;
        *since = db_col_int64(st, 0);
    }
    if (st)
        db_stmt_done(st);
    return s == DB_ROW || s == DB_DONE ? DB_OK : s;
}
