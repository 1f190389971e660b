/*
 * escalate.c: the missed check-in pass and help alerts (see escalate.h).
 */
#include "escalate.h"
#include "audit.h"

#include <stdio.h>

time_t escalate_day_start(time_t now)
{
    long long local = (long long)now + ESCALATE_UTC_OFFSET;
    long long day = local - ((local % 86400) + 86400) % 86400;
    return (time_t)(day - ESCALATE_UTC_OFFSET);
}

/* Inserts one alert unless it exists. Returns the new id, 0 if it existed, -1 on error. */
static long long raise_alert(sqlite3 *db, long long resident, const char *kind, const char *level,
                             const char *day, time_t now)
{
    sqlite3_stmt *st = NULL;
    long long id = -1;
    if (sqlite3_prepare_v2(
            db,
            "INSERT OR IGNORE INTO alerts(resident_id, kind, level, day, raised_unix)"
            " VALUES(?,?,?,?,?)",
            -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, resident);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, level, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, day, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, (long long)now);
    if (sqlite3_step(st) == SQLITE_DONE)
        id = sqlite3_changes(db) ? sqlite3_last_insert_rowid(db) : 0;
    sqlite3_finalize(st);
    return id;
}

static int audit_raise(sqlite3 *db, long long resident, const char *action, const char *level,
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
    return audit_append(db, &a, NULL) == SQLITE_OK ? 0 : -1;
}

int escalate_run(sqlite3 *db, time_t now, long window_min, const char *actor, int *raised)
{
    sqlite3_stmt *st = NULL, *chk = NULL;
    int rc = -1;
    time_t day_start = escalate_day_start(now);
    char day[48];
    struct tm tm;
    time_t local = day_start + ESCALATE_UTC_OFFSET;
    gmtime_r(&local, &tm);
    snprintf(day, sizeof day, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    *raised = 0;
    if (sqlite3_prepare_v2(db, "SELECT id, deadline_min FROM residents ORDER BY id", -1, &st,
                           NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "SELECT 1 FROM checkins WHERE resident_id = ?1 AND at_unix >= ?2"
                           " UNION ALL SELECT 1 FROM activity WHERE resident_id = ?1"
                           " AND at_unix >= ?2"
                           " UNION ALL SELECT 1 FROM sessions WHERE resident_id = ?1"
                           " AND created_unix >= ?2 LIMIT 1",
                           -1, &chk, NULL) != SQLITE_OK)
        goto out;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        long long res = sqlite3_column_int64(st, 0);
        time_t deadline = day_start + (time_t)sqlite3_column_int64(st, 1) * 60;
        if (now < deadline)
            continue;
        sqlite3_reset(chk);
        sqlite3_bind_int64(chk, 1, res);
        sqlite3_bind_int64(chk, 2, (long long)day_start);
        int c = sqlite3_step(chk);
        if (c == SQLITE_ROW)
            continue;
        if (c != SQLITE_DONE)
            goto out;
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
    if (s != SQLITE_DONE)
        goto out;
    rc = 0;
out:
    sqlite3_finalize(st);
    sqlite3_finalize(chk);
    return rc;
}

int escalate_help(sqlite3 *db, long long resident, time_t now, const char *actor,
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

int escalate_unwell(sqlite3 *db, long long resident, long long checkin_id, time_t now,
                    const char *actor, const char *request_id, long long *id)
{
    sqlite3_stmt *st = NULL;
    char day[48];
    int on = -1;
    *id = 0;
    if (sqlite3_prepare_v2(db, "SELECT unwell_alert FROM residents WHERE id = ?", -1, &st, NULL) !=
        SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, resident);
    if (sqlite3_step(st) == SQLITE_ROW)
        on = sqlite3_column_int(st, 0) != 0;
    sqlite3_finalize(st);
    if (on <= 0)
        return on; /* turned off (0), or no such resident (-1) */
    /* The check-in's id makes the key unique: every 元気がない is its own alert. */
    snprintf(day, sizeof day, "checkin:%lld", checkin_id);
    *id = raise_alert(db, resident, "unwell", "family", day, now);
    if (*id <= 0 ||
        audit_raise(db, resident, "alert.unwell", "family", now, actor, request_id) != 0)
        return -1;
    return 0;
}
