/*
 * refusals.c: the store of refused authorizations, summarised (see refusals.h).
 */
#include "refusals.h"
#include "rows.h"

#include <stdio.h>

enum db_status refusals_add(struct db *db, const struct refusals_row *row, int64_t *id)
{
    /* A key written twice (a minute flushed by two processes, or put back after a failed
     * flush) is one row: counts add up, the times widen. */
    struct db_stmt *st = db_stmt(
        db, "INSERT INTO auth_refusals(minute_unix, caller, address, route, municipality_id,"
            " count, first_unix, last_unix) VALUES(?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(minute_unix, caller, address, route) DO UPDATE SET"
            " count = auth_refusals.count + excluded.count,"
            " first_unix = CASE WHEN excluded.first_unix < auth_refusals.first_unix"
            " THEN excluded.first_unix ELSE auth_refusals.first_unix END,"
            " last_unix = CASE WHEN excluded.last_unix > auth_refusals.last_unix"
            " THEN excluded.last_unix ELSE auth_refusals.last_unix END RETURNING id");
    if (!st)
        return DB_ERR;
    enum db_status s = ROWS_BIND(st, 1, ROWS_INT(row->minute), ROWS_TEXT(row->caller),
                                 ROWS_TEXT(row->address), ROWS_TEXT(row->route));
    if (s == DB_OK)
        s = row->town > 0 ? db_bind_int64(st, 5, row->town) : db_bind_null(st, 5);
    if (s == DB_OK)
        s = ROWS_BIND(st, 6, ROWS_INT(row->count), ROWS_INT(row->first), ROWS_INT(row->last));
    return db_insert_id(st, s, id);
}

struct walk {
    int (*each)(void *ctx, const struct refusals_row *row);
    void *ctx;
};

static void copy(char *out, size_t cap, const char *text)
{
    snprintf(out, cap, "%s", text ? text : "");
}

static int read_row(void *ctx, struct db_stmt *st)
{
    const struct walk *w = ctx;
    struct refusals_row row = {.id = db_col_int64(st, 0),
                               .minute = db_col_int64(st, 1),
                               .town = db_col_is_null(st, 5) ? 0 : db_col_int64(st, 5),
                               .count = db_col_int64(st, 6),
                               .first = db_col_int64(st, 7),
                               .last = db_col_int64(st, 8)};
    copy(row.caller, sizeof row.caller, db_col_text(st, 2));
    copy(row.address, sizeof row.address, db_col_text(st, 3));
    copy(row.route, sizeof row.route, db_col_text(st, 4));
    return w->each(w->ctx, &row);
}

#define REFUSAL_COLS                                                                               \
    "SELECT id, minute_unix, caller, address, route, municipality_id, count, first_unix,"          \
    " last_unix FROM auth_refusals WHERE minute_unix >= ? AND minute_unix < ?"

enum db_status refusals_list(struct db *db, const struct scope *sc, int64_t from, int64_t to,
                             int64_t limit, int (*each)(void *ctx, const struct refusals_row *row),
                             void *ctx)
{
    struct walk w = {each, ctx};
    struct db_stmt *st =
        sc ? db_stmt(db, REFUSAL_COLS " AND (municipality_id IS NULL OR municipality_id = ?)"
                                      " ORDER BY minute_unix, id LIMIT ?")
           : db_stmt(db, REFUSAL_COLS " ORDER BY minute_unix, id LIMIT ?");
    const int64_t v[2] = {from, to};
    enum db_status s = rows_bind_int64s(st, 2, v);
    if (s == DB_OK && sc)
        s = rows_bind_town(st, 3, sc);
    if (s == DB_OK)
        s = db_bind_int64(st, sc ? 4 : 3, limit);
    return rows_walk(st, s, read_row, &w);
}

enum db_status refusals_purge(struct db *db, int64_t before, int64_t cap, int64_t limit,
                              int64_t *deleted)
{
    int64_t old = 0, over = 0;
    enum db_status s = rows_delete_old(
        db,
        "DELETE FROM auth_refusals WHERE id IN (SELECT id FROM auth_refusals"
        " WHERE minute_unix < ? ORDER BY minute_unix LIMIT ?)",
        "DELETE FROM auth_refusals WHERE id IN (SELECT id FROM auth_refusals"
        " WHERE minute_unix < ? ORDER BY minute_unix LIMIT ? FOR UPDATE SKIP LOCKED)",
        before, limit, &old);
    /* The cap: ids only grow, so the rows with an id more than cap below the newest are
     * the oldest (on PostgreSQL an id may be skipped: then fewer than cap are kept). */
    int64_t newest = 0;
    if (s == DB_OK)
        s = db_get_int64(db, "SELECT COALESCE(MAX(id), 0) FROM auth_refusals", 0, &newest);
    if (s == DB_ROW)
        s = DB_OK;
    if (s == DB_OK && newest > cap)
        s = rows_delete_old(db,
                            "DELETE FROM auth_refusals WHERE id IN (SELECT id FROM auth_refusals"
                            " WHERE id <= ? ORDER BY id LIMIT ?)",
                            "DELETE FROM auth_refusals WHERE id IN (SELECT id FROM auth_refusals"
                            " WHERE id <= ? ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED)",
                            newest - cap, limit, &over);
    *deleted = old + over;
    return s;
}
