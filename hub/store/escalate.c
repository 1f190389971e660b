/*
 * escalate.c: the missed check-in pass and help alerts (see escalate.h).
 */
#include "escalate.h"
#include "audit.h"

#include <stdio.h>
#include <stdlib.h>

time_t escalate_day_start(time_t now)
{
    long long local = (long long)now + ESCALATE_UTC_OFFSET;
    long long day = local - ((local % 86400) + 86400) % 86400;
    return (time_t)(day - ESCALATE_UTC_OFFSET);
}

/* Inserts one alert unless it exists. Returns the new id, 0 if it existed, -1 on error. */
static long long raise_alert(struct db *db, long long resident, const char *kind, const char *level,
                             const char *day, time_t now)
{
    struct db_stmt *st =
        db_stmt(db, "INSERT INTO alerts(resident_id, kind, level, day, raised_unix)"
                    " VALUES(?, ?, ?, ?, ?)"
                    " ON CONFLICT(resident_id, kind, level, day) DO NOTHING RETURNING id");
    if (!st)
        return -1;
    long long id = -1;
    enum db_status s = db_bind_int64(st, 1, resident);
    if (s == DB_OK)
        s = db_bind_text(st, 2, kind, -1);
    if (s == DB_OK)
        s = db_bind_text(st, 3, level, -1);
    if (s == DB_OK)
        s = db_bind_text(st, 4, day, -1);
    if (s == DB_OK)
        s = db_bind_int64(st, 5, (int64_t)now);
    if (s == DB_OK)
        s = db_step(st);
    if (s == DB_ROW)
        id = db_col_int64(st, 0);
    else if (s == DB_DONE)
        id = 0;
    db_stmt_done(st);
    return id;
}

static int audit_raise(struct db *db, long long resident, const char *action, const char *level,
                       time_t now, const char *actor, const char *request_id)
{
    char dest[48];
    snprintf(dest, sizeof dest, "alerts:%s", level);
    struct audit_rec a = {.at = now,
                          .actor = actor,
                          .action = action,
                          .outcome = "ok",
                          .subject = resident,
                          .data_kinds = "safety",
                          .purpose = "watch_over",
                          .basis = "none:stored_not_released",
                          .source = "hub",
                          .destination = dest,
                          .request_id = request_id};
    return audit_append_db(db, &a, NULL) == DB_OK ? 0 : -1;
}

/* 1 when the resident showed a sign of life since `since` (a check-in, an activity report
 * or a card login), 0 when not, -1 on error. */
static int alive_since(struct db *db, long long resident, time_t since)
{
    struct db_stmt *st =
        db_stmt(db, "SELECT 1 FROM checkins WHERE resident_id = ? AND at_unix >= ?"
                    " UNION ALL SELECT 1 FROM activity WHERE resident_id = ? AND at_unix >= ?"
                    " UNION ALL SELECT 1 FROM sessions WHERE resident_id = ?"
                    " AND created_unix >= ? LIMIT 1");
    if (!st)
        return -1;
    enum db_status s = DB_OK;
    for (int i = 0; i < 3 && s == DB_OK; i++) {
        s = db_bind_int64(st, 2 * i + 1, resident);
        if (s == DB_OK)
            s = db_bind_int64(st, 2 * i + 2, (int64_t)since);
    }
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    return s == DB_ROW ? 1 : s == DB_DONE ? 0 : -1;
}

/* A resident the pass looks at. */
struct due {
    long long id;
    long long deadline_min;
};

int escalate_run(struct db *db, time_t now, long window_min, const char *actor, int *raised)
{
    struct due *due = NULL;
    size_t n = 0, cap = 0;
    int rc = -1;
    time_t day_start = escalate_day_start(now);
    char day[48];
    struct tm tm;
    time_t local = day_start + ESCALATE_UTC_OFFSET;
    gmtime_r(&local, &tm);
    snprintf(day, sizeof day, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    *raised = 0;
    /* The residents are read first, so that no statement is open while alerts are raised. */
    struct db_stmt *st = db_stmt(db, "SELECT id, deadline_min FROM residents ORDER BY id");
    if (!st)
        return -1;
    enum db_status s;
    while ((s = db_step(st)) == DB_ROW) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            struct due *nd = realloc(due, ncap * sizeof *nd);
            if (!nd)
                break;
            due = nd;
            cap = ncap;
        }
        due[n].id = db_col_int64(st, 0);
        due[n].deadline_min = db_col_int64(st, 1);
        n++;
    }
    db_stmt_done(st);
    if (s != DB_DONE)
        goto out;
    for (size_t i = 0; i < n; i++) {
        long long res = due[i].id;
        time_t deadline = day_start + (time_t)due[i].deadline_min * 60;
        if (now < deadline)
            continue;
        int alive = alive_since(db, res, day_start);
        if (alive < 0)
            goto out;
        if (alive)
            continue;
        long long id = raise_alert(db, res, "missed", "family", day, now);
        if (id < 0 || (id > 0 && audit_raise(db, res, "alert.missed_checkin", "family", now, actor,
                                             "escalation") != 0))
            goto out;
        *raised += id > 0;
        if (now >= deadline + (time_t)window_min * 60) {
            id = raise_alert(db, res, "missed", "city", day, now);
            if (id < 0 || (id > 0 && audit_raise(db, res, "alert.missed_checkin", "city", now,
                                                 actor, "escalation") != 0))
                goto out;
            *raised += id > 0;
        }
    }
    rc = 0;
out:
    free(due);
    return rc;
}

int escalate_help(struct db *db, long long resident, time_t now, const char *actor,
                  const char *request_id, long long ids[2])
{
    static const char *const levels[2] = {"family", "city"};
    char day[64];
    /* Every help press is its own alert: the request id makes the "day" key unique. */
    snprintf(day, sizeof day, "help:%s", request_id);
    for (int i = 0; i < 2; i++) {
        ids[i] = raise_alert(db, resident, "help", levels[i], day, now);
        if (ids[i] <= 0 ||
            audit_raise(db, resident, "alert.help", levels[i], now, actor, request_id) != 0)
            return -1;
    }
    return 0;
}

int escalate_unwell(struct db *db, long long resident, long long checkin_id, time_t now,
                    const char *actor, const char *request_id, long long *id)
{
    char day[48];
    int64_t on = 0;
    *id = 0;
    enum db_status s =
        db_get_int64(db, "SELECT unwell_alert FROM residents WHERE id = ?", resident, &on);
    if (s != DB_ROW)
        return -1; /* no such resident, or an error */
    if (!on)
        return 0; /* turned off */
    /* The check-in's id makes the key unique: every 元気がない is its own alert. */
    snprintf(day, sizeof day, "checkin:%lld", checkin_id);
    *id = raise_alert(db, resident, "unwell", "family", day, now);
    if (*id <= 0 ||
        audit_raise(db, resident, "alert.unwell", "family", now, actor, request_id) != 0)
        return -1;
    return 0;
}
