/*
 * escalate.c: the missed check-in pass and help alerts (see escalate.h).
 */
#include "escalate.h"
#include "audit.h"
#include "dbarray.h"
#include "rows.h"

#include <stdio.h>
#include <stdlib.h>

time_t escalate_day_start(time_t now)
{
    long long local = (long long)now + ESCALATE_UTC_OFFSET;
    long long day = local - ((local % 86400) + 86400) % 86400;
    return (time_t)(day - ESCALATE_UTC_OFFSET);
}

/* The audit record of alert a (stored, not released); dest holds its destination. */
static struct audit_rec alert_record(const struct escalate_alert *a, char *dest, size_t cap)
{
    snprintf(dest, cap, "alerts:%s", a->level);
    return (struct audit_rec){.at = a->now,
                              .actor = a->actor,
                              .action = a->action,
                              .outcome = "ok",
                              .subject = a->resident,
                              .data_kinds = "safety",
                              .purpose = "watch_over",
                              .basis = "none:stored_not_released",
                              .source = "hub",
                              .destination = dest,
                              .request_id = a->request_id};
}

#define RAISE_ONE                                                                                  \
    "INSERT INTO alerts(resident_id, kind, level, day, raised_unix) VALUES(?, ?, ?, ?, ?)"         \
    " ON CONFLICT(resident_id, kind, level, day) DO NOTHING RETURNING id"

/* Inserts alert a unless it exists: DB_OK with *id the new alert's id, 0 when it existed. */
static enum db_status insert_one(struct db *db, const struct escalate_alert *a, long long *id)
{
    struct db_stmt *st = db_stmt(db, RAISE_ONE);
    enum db_status s = ROWS_BIND(st, 1, ROWS_INT(a->resident), ROWS_TEXT(a->kind),
                                 ROWS_TEXT(a->level), ROWS_TEXT(a->day), ROWS_INT(a->now));
    if (s == DB_OK)
        s = db_step(st);
    *id = s == DB_ROW ? db_col_int64(st, 0) : 0;
    if (st)
        db_stmt_done(st);
    return s == DB_ROW || s == DB_DONE ? DB_OK : s;
}

enum db_status escalate_raise(struct db *db, const struct escalate_alert *a, long long *id)
{
    enum db_status s = insert_one(db, a, id);
    if (s != DB_OK || *id == 0)
        return s; /* an error, or raised before */
    char dest[48];
    struct audit_rec r = alert_record(a, dest, sizeof dest);
    return audit_append_db(db, &r, NULL);
}

/* escalate_raise for this file's callers: the new alert's id, 0 when it existed, -1 on an
 * error. */
static long long raise_one(struct db *db, long long resident, const char *kind, const char *level,
                           const char *day, time_t now, const char *action, const char *actor,
                           const char *request_id)
{
    struct escalate_alert a = {resident, kind, level, day, action, actor, request_id, now};
    long long id = 0;
    return escalate_raise(db, &a, &id) == DB_OK ? id : -1;
}

/* The clock moved back by more than this (between passes) makes every resident due
 * again; less is taken as the skew between hubd processes' clocks. */
#define CLOCK_BACK_SLACK_S 600
/* The last pass time is written at most this often (one row all processes share). */
#define CLOCK_NOTE_EVERY_S 60

/* Runs an UPDATE (sql: a literal) with n integer parameters. */
static enum db_status update(struct db *db, const char *sql, int n, const int64_t *v)
{
    struct db_stmt *st = db_stmt(db, sql);
    if (!st)
        return DB_ERR;
    enum db_status s = rows_bind_int64s(st, n, v);
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    return s == DB_DONE ? DB_OK : s;
}

/* A clock moved back (a test's clock file, an operator's correction) would leave residents
 * looked at "tomorrow" for days that come again: then every resident is due again, once.
 * Otherwise notes the pass time, at most once a minute. */
static enum db_status check_clock(struct db *db, time_t now)
{
    int64_t last = 0, at = (int64_t)now;
    enum db_status s =
        db_get_int64(db, "SELECT last_unix FROM escalate_clock WHERE id = 1", 0, &last);
    if (s != DB_ROW)
        return s == DB_DONE ? DB_ERR : s; /* the row is made by the migration */
    if (at < last - CLOCK_BACK_SLACK_S)
        s = update(db, "UPDATE residents SET next_due = 0 WHERE next_due > ?", 1, &at);
    else if (at < last + CLOCK_NOTE_EVERY_S)
        return DB_OK;
    else
        s = DB_OK;
    if (s == DB_OK)
        s = update(db, "UPDATE escalate_clock SET last_unix = ? WHERE id = 1", 1, &at);
    return s;
}

/* A resident the pass looks at. */
struct due {
    long long id;
    long long deadline_min;
    int alive;    /* a sign of life since the day's start */
    int64_t next; /* when to look at them again (the step's decision) */
};

/* Reads at most limit residents due by now, in order, each with whether they showed a sign
 * of life (a check-in, an activity report or a card login) since day_start. On PostgreSQL
 * rows another process's pass holds are skipped (it is looking at them); the row lock does
 * not stop a check-in (FOR NO KEY UPDATE). Returns the count or -1. */
static long read_due(struct db *db, time_t now, time_t day_start, long limit, struct due *due)
{
    /* The signs of life are looked up for the rows the LIMIT keeps only (an inner query:
     * PostgreSQL would otherwise compute them for every due row before sorting). */
    static const char sql_sqlite[] =
        "SELECT d.id, d.deadline_min,"
        " EXISTS(SELECT 1 FROM checkins WHERE resident_id = d.id AND at_unix >= ?)"
        " OR EXISTS(SELECT 1 FROM activity WHERE resident_id = d.id AND at_unix >= ?)"
        " OR EXISTS(SELECT 1 FROM sessions WHERE resident_id = d.id AND created_unix >= ?)"
        " FROM (SELECT id, deadline_min, next_due FROM residents WHERE next_due <= ?"
        " ORDER BY next_due LIMIT ?) d ORDER BY d.next_due";
    static const char sql_pg[] =
        "SELECT d.id, d.deadline_min,"
        " EXISTS(SELECT 1 FROM checkins WHERE resident_id = d.id AND at_unix >= ?)"
        " OR EXISTS(SELECT 1 FROM activity WHERE resident_id = d.id AND at_unix >= ?)"
        " OR EXISTS(SELECT 1 FROM sessions WHERE resident_id = d.id AND created_unix >= ?)"
        " FROM (SELECT id, deadline_min, next_due FROM residents WHERE next_due <= ?"
        " ORDER BY next_due LIMIT ? FOR NO KEY UPDATE SKIP LOCKED) d ORDER BY d.next_due";
    struct db_stmt *st = db_stmt(db, db_dialect(db) == DB_POSTGRES ? sql_pg : sql_sqlite);
    if (!st)
        return -1;
    long n = 0;
    enum db_status s = ROWS_BIND(st, 1, ROWS_INT(day_start), ROWS_INT(day_start),
                                 ROWS_INT(day_start), ROWS_INT(now), ROWS_INT(limit));
    while (s == DB_OK || s == DB_ROW) {
        s = db_step(st);
        if (s != DB_ROW)
            break;
        if (n >= limit) {
            s = DB_ERR; /* more rows than the LIMIT: cannot happen */
            break;
        }
        due[n].id = db_col_int64(st, 0);
        due[n].deadline_min = db_col_int64(st, 1);
        due[n].alive = db_col_int64(st, 2) != 0;
        n++;
    }
    db_stmt_done(st);
    return s == DB_DONE ? n : -1;
}

/* Moves each of the n residents' next_due to its decision: one statement on PostgreSQL,
 * one cached UPDATE each on SQLite (no round trips there). */
static enum db_status set_next_due(struct db *db, const struct due *due, long n)
{
    if (db_dialect(db) != DB_POSTGRES) {
        enum db_status s = DB_OK;
        for (long i = 0; i < n && s == DB_OK; i++) {
            int64_t v[2] = {due[i].next, due[i].id};
            s = update(db, "UPDATE residents SET next_due = ? WHERE id = ?", 2, v);
        }
        return s;
    }
    struct dbarray ids, next;
    dbarray_init(&ids);
    dbarray_init(&next);
    for (long i = 0; i < n; i++) {
        dbarray_int64(&ids, due[i].id);
        dbarray_int64(&next, due[i].next);
    }
    struct db_stmt *st = db_stmt(
        db, "UPDATE residents SET next_due = u.next"
            " FROM unnest(?::bigint[], ?::bigint[]) AS u(id, next) WHERE residents.id = u.id");
    enum db_status s = st ? dbarray_bind(st, 1, &ids) : DB_ERR;
    if (s == DB_OK)
        s = dbarray_bind(st, 2, &next);
    if (s == DB_OK)
        s = db_step(st);
    if (st)
        db_stmt_done(st);
    dbarray_free(&ids);
    dbarray_free(&next);
    return s == DB_DONE ? DB_OK : s;
}

/*
 * PostgreSQL: inserts the n alerts of a[] (one kind, day and time; their residents and
 * levels vary) in ONE statement, each unless it exists; ids[i] gets a[i]'s new id or 0. The
 * new rows come back with their place in a[] (ord), so which were new does not depend on
 * the order the server returns them in.
 */
static enum db_status insert_many_pg(struct db *db, const struct escalate_alert *a, size_t n,
                                     long long *ids)
{
    struct dbarray res, lvl;
    dbarray_init(&res);
    dbarray_init(&lvl);
    for (size_t i = 0; i < n; i++) {
        dbarray_int64(&res, a[i].resident);
        dbarray_text(&lvl, a[i].level);
    }
    struct db_stmt *st =
        db_stmt(db, "WITH u AS (SELECT * FROM unnest(?::bigint[], ?::text[]) WITH ORDINALITY"
                    " AS u(resident, level, ord)),"
                    " ins AS (INSERT INTO alerts(resident_id, kind, level, day, raised_unix)"
                    " SELECT u.resident, ?::text, u.level, ?::text, ?::bigint FROM u ORDER BY u.ord"
                    " ON CONFLICT(resident_id, kind, level, day) DO NOTHING"
                    " RETURNING id, resident_id, level)"
                    " SELECT u.ord, ins.id FROM ins JOIN u ON u.resident = ins.resident_id"
                    " AND u.level = ins.level");
    enum db_status s = st ? dbarray_bind(st, 1, &res) : DB_ERR;
    if (s == DB_OK)
        s = dbarray_bind(st, 2, &lvl);
    if (s == DB_OK)
        s = ROWS_BIND(st, 3, ROWS_TEXT(a[0].kind), ROWS_TEXT(a[0].day), ROWS_INT(a[0].now));
    while (s == DB_OK && (s = db_step(st)) == DB_ROW) {
        int64_t ord = db_col_int64(st, 0);
        s = ord >= 1 && ord <= (int64_t)n && ids[ord - 1] == 0 ? DB_OK : DB_ERR;
        if (s == DB_OK)
            ids[ord - 1] = db_col_int64(st, 1);
    }
    if (st)
        db_stmt_done(st);
    dbarray_free(&res);
    dbarray_free(&lvl);
    return s == DB_DONE ? DB_OK : s;
}

/*
 * Raises the n alerts of a[] (at most ESCALATE_STEP_MAX * 2; one kind, day and time) as
 * escalate_raise() raises each, in a few statements: the alerts in one (PostgreSQL; one
 * cached INSERT each on SQLite), then the audit records of those that are new, in a[]'s
 * order, in one (audit_append_many_db). *raised gets how many were new.
 */
static enum db_status raise_many(struct db *db, const struct escalate_alert *a, size_t n,
                                 int *raised)
{
    long long *ids = calloc(n ? n : 1, sizeof *ids);
    struct audit_rec *rec = malloc(sizeof *rec * (n ? n : 1));
    char(*dest)[24] = malloc(sizeof *dest * (n ? n : 1));
    size_t k = 0;
    enum db_status s = ids && rec && dest ? DB_OK : DB_ERR;
    *raised = 0;
    if (s == DB_OK && n > 0 && db_dialect(db) == DB_POSTGRES)
        s = insert_many_pg(db, a, n, ids);
    else /* SQLite: the cached statement per alert, in process */
        for (size_t i = 0; i < n && s == DB_OK; i++)
            s = insert_one(db, &a[i], &ids[i]);
    for (size_t i = 0; i < n && s == DB_OK; i++)
        if (ids[i] > 0)
            rec[k++] = alert_record(&a[i], dest[i], sizeof dest[i]);
    for (size_t at = 0; at < k && s == DB_OK; at += AUDIT_APPEND_MANY_MAX)
        s = audit_append_many_db(db, rec + at,
                                 k - at < AUDIT_APPEND_MANY_MAX ? k - at : AUDIT_APPEND_MANY_MAX);
    if (s == DB_OK)
        *raised = (int)k;
    free(ids);
    free(rec);
    free(dest);
    return s;
}

/*
 * One step of the pass. Reads the residents due, decides for each in C (which missed
 * alerts are due, when to look again), then writes the decisions as a batch: the new
 * alerts, their audit records and the residents' next_due, a few statements per step
 * whatever the number of residents (PostgreSQL; each statement was a round trip per
 * resident before). All of it in the caller's transaction: a step commits whole or not at
 * all, so a crash mid-pass leaves its residents due and the next pass raises what it did
 * not, once (the unique key of an alert says once).
 */
int escalate_step(struct db *db, time_t now, long window_min, const char *actor, long limit,
                  int *raised, int *more)
{
    struct due *due = NULL;
    struct escalate_alert *al = NULL;
    int rc = -1;
    time_t day_start = escalate_day_start(now);
    char day[48];
    struct tm tm;
    time_t local = day_start + ESCALATE_UTC_OFFSET;
    gmtime_r(&local, &tm);
    snprintf(day, sizeof day, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    *more = 0;
    *raised = 0;
    if (limit < 1 || limit > ESCALATE_STEP_MAX)
        limit = ESCALATE_STEP_MAX;
    due = malloc(sizeof *due * (size_t)limit);
    al = malloc(sizeof *al * 2 * (size_t)limit);
    if (!due || !al || check_clock(db, now) != DB_OK)
        goto out;
    /* Read first, so that no statement is open while alerts are raised. */
    long n = read_due(db, now, day_start, limit, due);
    if (n < 0)
        goto out;
    size_t na = 0;
    for (long i = 0; i < n; i++) {
        time_t deadline = day_start + (time_t)due[i].deadline_min * 60;
        time_t city = deadline + (time_t)window_min * 60;
        time_t next = deadline + 86400; /* the next day's deadline (Japan has no DST) */
        struct escalate_alert a = {.resident = due[i].id,
                                   .kind = "missed",
                                   .level = "family",
                                   .day = day,
                                   .action = "alert.missed_checkin",
                                   .actor = actor,
                                   .request_id = "escalation",
                                   .now = now};
        if (now < deadline) {
            next = deadline; /* new today, or the clock moved: look again at the deadline */
        } else if (!due[i].alive) {
            al[na++] = a;
            a.level = "city";
            if (now >= city)
                al[na++] = a;
            else
                next = city;
        }
        due[i].next = (int64_t)next;
    }
    if (raise_many(db, al, na, raised) != DB_OK || set_next_due(db, due, n) != DB_OK)
        goto out;
    *more = n == limit;
    rc = 0;
out:
    free(due);
    free(al);
    return rc;
}

int escalate_run(struct db *db, time_t now, long window_min, const char *actor, int *raised)
{
    int more = 1, n = 0;
    *raised = 0;
    while (more) {
        if (escalate_step(db, now, window_min, actor, ESCALATE_STEP_MAX, &n, &more) != 0)
            return -1;
        *raised += n;
    }
    return 0;
}

int escalate_help(struct db *db, const struct scope *sc, long long resident, time_t now,
                  const char *actor, const char *request_id, long long ids[2])
{
    static const char *const levels[2] = {"family", "city"};
    char day[64];
    ids[0] = ids[1] = 0;
    if (rows_resident_here(db, sc, resident) != DB_OK)
        return -1; /* another town's resident, none, or an error */
    /* Every help press is its own alert: the request id makes the "day" key unique. */
    snprintf(day, sizeof day, "help:%s", request_id);
    for (int i = 0; i < 2; i++) {
        ids[i] =
            raise_one(db, resident, "help", levels[i], day, now, "alert.help", actor, request_id);
        if (ids[i] <= 0)
            return -1;
    }
    return 0;
}

int escalate_unwell(struct db *db, const struct scope *sc, long long resident, long long checkin_id,
                    time_t now, const char *actor, const char *request_id, long long *id)
{
    char day[48], on[4];
    *id = 0;
    enum db_status s = rows_text_in_town(db,
                                         "SELECT CASE WHEN unwell_alert <> 0 THEN 'y' ELSE 'n' END"
                                         " FROM residents WHERE id = ? AND municipality_id = ?",
                                         sc, resident, on, sizeof on);
    if (s != DB_ROW)
        return -1; /* another town's resident, none, or an error */
    if (on[0] != 'y')
        return 0; /* turned off */
    /* The check-in's id makes the key unique: every 元気がない is its own alert. */
    snprintf(day, sizeof day, "checkin:%lld", checkin_id);
    *id = raise_one(db, resident, "unwell", "family", day, now, "alert.unwell", actor, request_id);
    if (*id <= 0)
        return -1;
    return 0;
}
