/*
 * statsdata.c: the reads behind the statistical tables (see statsdata.h).
 */
#include "statsdata.h"
#include "ckstore.h"
#include "rows.h"

#include <stdlib.h>

/* The town's residents (p: residents). */
#define IN_TOWN "p.municipality_id = ?"
/* Not refused before the cutoff (parameter: the cutoff). */
#define COUNTED(resident)                                                                          \
    " NOT EXISTS (SELECT 1 FROM stats_optouts o WHERE o.resident_id = " resident                   \
    " AND o.refused_unix < ?)"

struct walk {
    union {
        int (*district)(void *ctx, const char *district);
        int (*checkup)(void *ctx, const struct statsdata_checkup *c);
        int (*count)(void *ctx, const char *district, int month, int64_t residents);
    } fn;
    void *ctx;
    struct checkup_result *res;
};

static int each_district(void *arg, struct db_stmt *st)
{
    struct walk *w = arg;
    return w->fn.district(w->ctx, db_col_text(st, 0));
}

enum db_status statsdata_districts(struct db *db, const struct scope *sc,
                                   int (*row)(void *ctx, const char *district), void *ctx)
{
    struct walk w = {.fn.district = row, .ctx = ctx};
    struct db_stmt *st = db_stmt(db, "SELECT DISTINCT district FROM residents p WHERE " IN_TOWN);
    int64_t town = scope_town(sc);
    if (!sc)
        return DB_ERR;
    return rows_walk(st, rows_bind_int64s(st, 1, &town), each_district, &w);
}

static int each_checkup(void *arg, struct db_stmt *st)
{
    struct walk *w = arg;
    struct statsdata_checkup c = {.resident = db_col_int64(st, 0),
                                  .checkup = db_col_int64(st, 1),
                                  .date = db_col_text(st, 2),
                                  .checkup_sex = db_col_text(st, 3),
                                  .birth_date = db_col_text(st, 4),
                                  .resident_sex = db_col_text(st, 5),
                                  .district = db_col_text(st, 6)};
    if (!db_col_is_null(st, 7) && ckstore_read_result(st, 7, w->res) == 0)
        c.result = w->res;
    else if (!db_col_is_null(st, 7))
        return 0; /* an item this build's dictionary lacks: not counted as a result */
    return w->fn.checkup(w->ctx, &c);
}

enum db_status statsdata_checkups(struct db *db, const struct scope *sc, const char *from,
                                  const char *to, int64_t cutoff,
                                  int (*row)(void *ctx, const struct statsdata_checkup *c),
                                  void *ctx)
{
    struct walk w = {.fn.checkup = row, .ctx = ctx, .res = malloc(sizeof(struct checkup_result))};
    struct db_stmt *st =
        w.res ? db_stmt(db, "SELECT c.resident_id, c.id, c.date, c.sex, p.birth_date, p.sex,"
                            " p.district, " CKSTORE_RESULT_COLS
                            " FROM checkups c JOIN residents p ON p.id = c.resident_id"
                            " LEFT JOIN checkup_results r ON r.checkup_id = c.id"
                            " WHERE " IN_TOWN " AND c.date >= ? AND c.date < ?"
                            " AND c.imported_unix < ? AND (c.superseded_by IS NULL OR EXISTS"
                            " (SELECT 1 FROM checkups n WHERE n.id = c.superseded_by"
                            " AND n.imported_unix >= ?)) AND" COUNTED(
                                "c.resident_id") " ORDER BY c.resident_id, c.date, c.id")
              : NULL;
    enum db_status s = ROWS_BIND(st, 1, ROWS_TOWN(sc), ROWS_TEXT(from), ROWS_TEXT(to),
                                 ROWS_INT(cutoff), ROWS_INT(cutoff), ROWS_INT(cutoff));
    s = rows_walk(st, s, each_checkup, &w);
    free(w.res);
    return s;
}

static int each_count(void *arg, struct db_stmt *st)
{
    struct walk *w = arg;
    return w->fn.count(w->ctx, db_col_text(st, 0), (int)db_col_int64(st, 1), db_col_int64(st, 2));
}

/* The month (0-11) of an event time between the 13 bounds: bounds 1..11 are parameters. */
#define MONTH_OF(at)                                                                               \
    "CASE WHEN " at " < ? THEN 0 WHEN " at " < ? THEN 1 WHEN " at " < ? THEN 2 WHEN " at           \
    " < ? THEN 3 WHEN " at " < ? THEN 4 WHEN " at " < ? THEN 5 WHEN " at " < ? THEN 6 WHEN " at    \
    " < ? THEN 7 WHEN " at " < ? THEN 8 WHEN " at " < ? THEN 9 WHEN " at " < ? THEN 10 ELSE 11"    \
    " END"

/* One statement per event for the whole period: the distinct (resident, month) pairs first
 * (a covering index gives them without reading the rows), then each pair's district,
 * residents who refused left out. Parameters: bounds 1..11, bounds 0 and 12, the town, the
 * cutoff. */
#define EVENT_SQL(table, resident, at, extra)                                                      \
    "SELECT p.district, x.m, COUNT(*) FROM (SELECT DISTINCT e." resident                           \
    " AS r, " MONTH_OF("e." at) " AS m FROM " table " e WHERE e." at " >= ? AND e." at             \
                                " < ?" extra ") x"                                                 \
                                " JOIN residents p ON p.id = x.r WHERE " IN_TOWN                   \
                                " AND" COUNTED("x.r") " GROUP BY p.district, x.m"

static const char *const event_sql[STATSDATA_EVENTS] = {
    EVENT_SQL("checkins", "resident_id", "at_unix", ""),
    EVENT_SQL("alerts", "resident_id", "raised_unix", " AND e.kind = 'missed'"),
    EVENT_SQL("alerts", "resident_id", "raised_unix", " AND e.kind = 'help'"),
    EVENT_SQL("alerts", "resident_id", "raised_unix", " AND e.kind = 'unwell'"),
    EVENT_SQL("ord_orders", "resident_id", "created_unix", ""),
};

enum db_status
statsdata_event_months(struct db *db, const struct scope *sc, enum statsdata_event ev,
                       const int64_t bounds[STATSDATA_MONTHS + 1], int64_t cutoff,
                       int (*row)(void *ctx, const char *district, int month, int64_t residents),
                       void *ctx)
{
    if ((int)ev < 0 || ev >= STATSDATA_EVENTS || !sc)
        return DB_ERR;
    int64_t p[STATSDATA_MONTHS + 3];
    for (int i = 1; i < STATSDATA_MONTHS; i++)
        p[i - 1] = bounds[i];
    p[STATSDATA_MONTHS - 1] = bounds[0];
    p[STATSDATA_MONTHS] = bounds[STATSDATA_MONTHS];
    p[STATSDATA_MONTHS + 1] = scope_town(sc);
    p[STATSDATA_MONTHS + 2] = cutoff;
    struct walk w = {.fn.count = row, .ctx = ctx};
    struct db_stmt *st = db_stmt(db, event_sql[ev]);
    return rows_walk(st, rows_bind_int64s(st, STATSDATA_MONTHS + 3, p), each_count, &w);
}
