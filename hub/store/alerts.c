/*
 * alerts.c: reading and acknowledging alerts (see alerts.h). alerts has no town column: every
 * statement restricts resident_id to the town's residents (a primary-key probe per alert).
 */
#include "alerts.h"
#include "rows.h"

#define ALERT_COLS "id, resident_id, kind, level, raised_unix, ack_by, ack_unix, day"
#define IN_TOWN    ROWS_RESIDENT_IN_TOWN

struct walk {
    alerts_row_fn row;
    void *ctx;
};

/* One row: columns as ALERT_COLS, then optionally the resident's name and district. */
static int each(void *arg, struct db_stmt *st)
{
    const struct walk *w = arg;
    int extra = db_col_count(st) > 8;
    struct alerts_row a = {.id = db_col_int64(st, 0),
                           .resident = db_col_int64(st, 1),
                           .kind = db_col_text(st, 2),
                           .level = db_col_text(st, 3),
                           .raised_at = db_col_int64(st, 4),
                           .ack_by = db_col_is_null(st, 5) ? NULL : db_col_text(st, 5),
                           .ack_at = db_col_int64(st, 6),
                           .group = db_col_text(st, 7),
                           .resident_name = extra ? db_col_text(st, 8) : NULL,
                           .district = extra ? db_col_text(st, 9) : NULL};
    return w->row(w->ctx, &a);
}

/* Walks st (bound: the result of its binds) calling row for each alert. */
static enum db_status walk(struct db_stmt *st, enum db_status bound, alerts_row_fn row, void *ctx)
{
    struct walk w = {row, ctx};
    return rows_walk(st, bound, each, &w);
}

enum db_status alerts_of_resident(struct db *db, const struct scope *sc, int64_t resident,
                                  const char *level, int64_t limit, alerts_row_fn row, void *ctx)
{
    struct db_stmt *st =
        db_stmt(db, "SELECT " ALERT_COLS " FROM alerts WHERE resident_id = ?"
                    " AND (? = 0 OR level = ?) AND" IN_TOWN " ORDER BY id DESC LIMIT ?");
    if (!st)
        return DB_ERR;
    enum db_status s = rows_bind_town(st, 4, sc);
    if (s == DB_OK)
        s = ROWS_BIND(st, 1, ROWS_INT(resident), ROWS_INT(level != NULL),
                      ROWS_TEXT(level ? level : ""));
    if (s == DB_OK)
        s = db_bind_int64(st, 5, limit);
    return walk(st, s, row, ctx);
}

enum db_status alerts_help_presses(struct db *db, const struct scope *sc, int64_t resident,
                                   int64_t presses, alerts_row_fn row, void *ctx)
{
    struct db_stmt *st =
        db_stmt(db, "SELECT " ALERT_COLS " FROM alerts WHERE resident_id = ?"
                    " AND kind = 'help' AND day IN (SELECT day FROM alerts"
                    " WHERE resident_id = ? AND kind = 'help' GROUP BY day"
                    " ORDER BY MAX(id) DESC LIMIT ?) AND" IN_TOWN " ORDER BY id DESC");
    enum db_status s = rows_bind_int64s(st, 3, (const int64_t[]){resident, resident, presses});
    return walk(st, s == DB_OK ? rows_bind_town(st, 4, sc) : s, row, ctx);
}

enum db_status alerts_open_city(struct db *db, const struct scope *sc, int64_t limit,
                                alerts_row_fn row, void *ctx)
{
    struct db_stmt *st =
        db_stmt(db, "SELECT a.id, a.resident_id, a.kind, a.level, a.raised_unix, a.ack_by,"
                    " a.ack_unix, a.day, r.display_name, r.district FROM alerts a"
                    " JOIN residents r ON r.id = a.resident_id AND r.municipality_id = ?"
                    " WHERE a.level = 'city' AND a.ack_by IS NULL ORDER BY a.id LIMIT ?");
    enum db_status s = rows_bind_town(st, 1, sc);
    return walk(st, s == DB_OK ? db_bind_int64(st, 2, limit) : s, row, ctx);
}

enum db_status alerts_list(struct db *db, const struct scope *sc, int open_only, int64_t limit,
                           alerts_row_fn row, void *ctx)
{
    struct db_stmt *st = db_stmt(db, "SELECT " ALERT_COLS " FROM alerts WHERE (? = 0"
                                     " OR ack_by IS NULL) AND" IN_TOWN " ORDER BY id DESC LIMIT ?");
    enum db_status s = ROWS_BIND(st, 1, ROWS_INT(open_only ? 1 : 0), ROWS_TOWN(sc));
    return walk(st, s == DB_OK ? db_bind_int64(st, 3, limit) : s, row, ctx);
}

enum db_status alerts_get(struct db *db, const struct scope *sc, int64_t id, alerts_row_fn row,
                          void *ctx)
{
    struct db_stmt *st = db_stmt(db, "SELECT " ALERT_COLS " FROM alerts WHERE id = ? AND" IN_TOWN);
    enum db_status s = rows_bind_int64s(st, 1, &id);
    return walk(st, s == DB_OK ? rows_bind_town(st, 2, sc) : s, row, ctx);
}

enum db_status alerts_ack(struct db *db, const struct scope *sc, int64_t id, const char *actor,
                          int64_t now, int *changed)
{
    *changed = 0;
    struct db_stmt *st = db_stmt(db, "UPDATE alerts SET ack_by = ?, ack_unix = ? WHERE id = ?"
                                     " AND ack_by IS NULL AND" IN_TOWN);
    enum db_status s = rows_bind_town(st, 4, sc);
    if (s == DB_OK)
        s = ROWS_BIND(st, 1, ROWS_TEXT(actor), ROWS_INT(now), ROWS_INT(id));
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    if (s == DB_DONE)
        *changed = db_changes(db) > 0;
    return s == DB_DONE ? DB_OK : s;
}
