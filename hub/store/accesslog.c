/*
 * accesslog.c: reading the audit log (see accesslog.h). The town of a record is the town of
 * its subject resident: one resident's records are read after rows_resident_here, the
 * town's through the residents of the town.
 */
#include "accesslog.h"
#include "rows.h"

#include <stdio.h>
#include <time.h>

#define RECORD_COLS                                                                                \
    "SELECT id, at_unix, actor, action, outcome, COALESCE(subject_resident_id, 0), data_kinds,"    \
    " purpose, basis, source, destination, request_id FROM audit"

struct walk_records {
    int (*row)(void *ctx, const struct accesslog_row *r);
    void *ctx;
};

static int each_record(void *arg, struct db_stmt *st)
{
    const struct walk_records *w = arg;
    struct accesslog_row r = {.id = db_col_int64(st, 0),
                              .at = db_col_int64(st, 1),
                              .actor = db_col_text(st, 2),
                              .action = db_col_text(st, 3),
                              .outcome = db_col_text(st, 4),
                              .subject = db_col_int64(st, 5),
                              .data_kinds = db_col_text(st, 6),
                              .purpose = db_col_text(st, 7),
                              .basis = db_col_text(st, 8),
                              .source = db_col_text(st, 9),
                              .destination = db_col_text(st, 10),
                              .request_id = db_col_text(st, 11)};
    return w->row(w->ctx, &r);
}

enum db_status accesslog_records(struct db *db, const struct scope *sc, int64_t resident,
                                 int64_t before, int64_t limit,
                                 int (*row)(void *ctx, const struct accesslog_row *r), void *ctx)
{
    enum db_status here = resident > 0 ? rows_resident_here(db, sc, resident) : DB_OK;
    if (here != DB_OK)
        return here == DB_DONE ? DB_OK : here;
    /* Two statements so that a resident's page is read through the subject index. The
     * whole town is its audit log (auditlog.h says which records go there), not the
     * records about its residents: a refused card login names no one. */
    struct db_stmt *st =
        resident > 0
            ? db_stmt(db, RECORD_COLS " WHERE subject_resident_id = ? AND id < ?"
                                      " ORDER BY id DESC LIMIT ?")
            : db_stmt(db, RECORD_COLS " WHERE 0 = ? AND id < ? AND log_id IN"
                                      " (SELECT id FROM audit_logs WHERE municipality_id = ?)"
                                      " ORDER BY id DESC LIMIT ?");
    enum db_status s =
        rows_bind_int64s(st, 2, (const int64_t[]){resident > 0 ? resident : 0, before});
    if (s == DB_OK && resident <= 0)
        s = rows_bind_town(st, 3, sc);
    if (s == DB_OK)
        s = db_bind_int64(st, resident > 0 ? 3 : 4, limit);
    struct walk_records w = {row, ctx};
    return rows_walk(st, s, each_record, &w);
}

/* The summary in both dialects; only the aggregate joining the data kinds differs. Days
 * are counted as whole Japan days since 1970 so that grouping needs no date function. */
#define SUMMARY(JOIN_KINDS)                                                                        \
    "SELECT CASE WHEN basis LIKE 'self:%' THEN 1 ELSE 0 END AS own, MIN(actor),"                   \
    " CASE WHEN action LIKE '%.read' THEN 'read' ELSE action END AS act, " JOIN_KINDS ","          \
    " MIN(purpose), MIN(basis), (at_unix + 32400) / 86400 AS day, COUNT(DISTINCT at_unix),"        \
    " MIN(at_unix), MAX(at_unix), MAX(id), MIN(outcome)"                                           \
    " FROM audit WHERE subject_resident_id = ?"                                                    \
    " GROUP BY own, CASE WHEN basis LIKE 'self:%' THEN '' ELSE actor END, act,"                    \
    " CASE WHEN action LIKE '%.read' THEN purpose ELSE data_kinds END, day"                        \
    " ORDER BY own, MAX(id) DESC LIMIT ? OFFSET ?"

struct walk_lines {
    int (*row)(void *ctx, const struct accesslog_line *l);
    void *ctx;
};

static int each_line(void *arg, struct db_stmt *st)
{
    const struct walk_lines *w = arg;
    struct accesslog_line l = {.own = db_col_int64(st, 0) != 0,
                               .actor = db_col_text(st, 1),
                               .action = db_col_text(st, 2),
                               .data_kinds = db_col_text(st, 3),
                               .purpose = db_col_text(st, 4),
                               .basis = db_col_text(st, 5),
                               .count = db_col_int64(st, 7),
                               .first_at = db_col_int64(st, 8),
                               .last_at = db_col_int64(st, 9),
                               .last_id = db_col_int64(st, 10),
                               .outcome = db_col_text(st, 11)};
    time_t day = (time_t)(db_col_int64(st, 6) * 86400);
    struct tm tm;
    gmtime_r(&day, &tm);
    strftime(l.day, sizeof l.day, "%Y-%m-%d", &tm);
    return w->row(w->ctx, &l);
}

enum db_status accesslog_summary(struct db *db, const struct scope *sc, int64_t resident,
                                 int64_t limit, int64_t offset,
                                 int (*row)(void *ctx, const struct accesslog_line *l), void *ctx)
{
    enum db_status here = rows_resident_here(db, sc, resident);
    if (here != DB_OK)
        return here == DB_DONE ? DB_OK : here;
    struct db_stmt *st = db_dialect(db) == DB_POSTGRES
                             ? db_stmt(db, SUMMARY("string_agg(DISTINCT data_kinds, ',')"))
                             : db_stmt(db, SUMMARY("group_concat(DISTINCT data_kinds)"));
    enum db_status s = rows_bind_int64s(st, 3, (const int64_t[]){resident, limit, offset});
    struct walk_lines w = {row, ctx};
    return rows_walk(st, s, each_line, &w);
}
