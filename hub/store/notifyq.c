/*
 * notifyq.c: the alert notification queue (see notifyq.h). Leases are timestamps, as in
 * deliveries.c: a lease that ran out needs no sweeper. Row locks for several processes
 * (FOR UPDATE SKIP LOCKED) exist on PostgreSQL only; on SQLite the write transaction holds
 * the whole database.
 */
#include "notifyq.h"
#include "rows.h"

#include <stdio.h>
#include <string.h>

#include <openssl/rand.h>

enum db_status notifyq_incidents(struct db *db, int64_t since,
                                 int (*row)(void *ctx, const struct notifyq_incident *i), void *ctx)
{
    struct db_stmt *st = db_stmt(
        db, "SELECT resident_id, kind, day, MIN(raised_unix),"
            " COALESCE(MAX(CASE WHEN level = 'family' THEN id END), 0),"
            " COALESCE(MAX(CASE WHEN level = 'city' THEN id END), 0),"
            " COALESCE(MAX(CASE WHEN level = 'city' THEN raised_unix END), 0),"
            " MAX(CASE WHEN ack_by IS NULL THEN 0 ELSE 1 END) FROM alerts"
            " WHERE raised_unix >= ? GROUP BY resident_id, kind, day ORDER BY MIN(raised_unix)");
    enum db_status s = st ? db_bind_int64(st, 1, since) : DB_ERR;
    while (s == DB_OK || s == DB_ROW) {
        s = db_step(st);
        if (s != DB_ROW)
            break;
        struct notifyq_incident i = {.resident = db_col_int64(st, 0),
                                     .kind = db_col_text(st, 1),
                                     .group = db_col_text(st, 2),
                                     .first_raised = db_col_int64(st, 3),
                                     .family_alert = db_col_int64(st, 4),
                                     .city_alert = db_col_int64(st, 5),
                                     .city_raised = db_col_int64(st, 6),
                                     .acknowledged = db_col_int64(st, 7) != 0};
        if (row(ctx, &i) != 0)
            s = DB_ERR;
    }
    db_stmt_done(st);
    return s == DB_DONE ? DB_OK : s;
}

/* A new acknowledgement code: 16 symbols of an alphabet without 0/O and 1/I, in fours. */
static int new_code(char out[NOTIFYQ_CODE_LEN + 1])
{
    static const char abc[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    unsigned char r[16];
    if (RAND_bytes(r, sizeof r) != 1)
        return -1;
    size_t k = 0;
    for (int i = 0; i < 16; i++) {
        if (i && i % 4 == 0)
            out[k++] = '-';
        out[k++] = abc[r[i] & 31];
    }
    out[k] = '\0';
    return 0;
}

enum db_status notifyq_add(struct db *db, int64_t alert, int64_t recipient, const char *channel,
                           int64_t resident, int64_t step, int64_t due, int64_t now, int *created)
{
    char code[NOTIFYQ_CODE_LEN + 1];
    *created = 0;
    if (new_code(code) != 0)
        return DB_ERR;
    struct db_stmt *st =
        db_stmt(db, "INSERT INTO notify_msgs(alert_id, recipient_id, channel, resident_id, step,"
                    " due_unix, created_unix, ack_code) VALUES(?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT(alert_id, recipient_id, channel) DO NOTHING");
    enum db_status s = st ? db_bind_int64(st, 1, alert) : DB_ERR;
    if (s == DB_OK)
        s = ROWS_BIND(st, 2, ROWS_INT(recipient), ROWS_TEXT(channel));
    for (int i = 0; i < 4 && s == DB_OK; i++)
        s = db_bind_int64(st, 4 + i, (const int64_t[]){resident, step, due, now}[i]);
    if (s == DB_OK)
        s = db_bind_text(st, 8, code, -1);
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    if (s == DB_DONE)
        *created = db_changes(db) > 0;
    return s == DB_DONE ? DB_OK : s;
}

enum db_status notifyq_cancel_acked(struct db *db, int64_t now, int *n)
{
    (void)now;
    *n = 0;
    struct db_stmt *st =
        db_stmt(db, "UPDATE notify_msgs SET state = 'cancelled', last_error = 'acknowledged'"
                    " WHERE state = 'pending' AND EXISTS(SELECT 1 FROM alerts a JOIN alerts b"
                    " ON b.resident_id = a.resident_id AND b.kind = a.kind AND b.day = a.day"
                    " WHERE a.id = notify_msgs.alert_id AND b.ack_by IS NOT NULL)");
    enum db_status s = st ? db_step(st) : DB_ERR;
    db_stmt_done(st);
    if (s == DB_DONE)
        *n = (int)db_changes(db);
    return s == DB_DONE ? DB_OK : s;
}

#define ROW_COLS                                                                                   \
    "m.id, m.alert_id, m.recipient_id, m.resident_id, m.step, m.channel, m.state, m.attempts,"     \
    " m.due_unix, m.created_unix, COALESCE(m.sent_unix, 0), m.ack_code,"                           \
    " COALESCE(m.last_error, ''), r.actor_kind, r.actor_id FROM notify_msgs m"                     \
    " JOIN notify_recipients r ON r.id = m.recipient_id"

static void read_row(struct db_stmt *st, struct notifyq_row *r)
{
    memset(r, 0, sizeof *r);
    r->id = db_col_int64(st, 0);
    r->alert = db_col_int64(st, 1);
    r->recipient = db_col_int64(st, 2);
    r->resident = db_col_int64(st, 3);
    r->step = db_col_int64(st, 4);
    snprintf(r->channel, sizeof r->channel, "%s", db_col_text(st, 5));
    snprintf(r->state, sizeof r->state, "%s", db_col_text(st, 6));
    r->attempts = db_col_int64(st, 7);
    r->due = db_col_int64(st, 8);
    r->created = db_col_int64(st, 9);
    r->sent = db_col_int64(st, 10);
    snprintf(r->ack_code, sizeof r->ack_code, "%s", db_col_text(st, 11));
    snprintf(r->last_error, sizeof r->last_error, "%s", db_col_text(st, 12));
    snprintf(r->actor, sizeof r->actor, "%s:%lld", db_col_text(st, 13),
             (long long)db_col_int64(st, 14));
}

struct walk {
    int (*row)(void *ctx, const struct notifyq_row *r);
    void *ctx;
};

static int each(void *arg, struct db_stmt *st)
{
    const struct walk *w = arg;
    struct notifyq_row r;
    read_row(st, &r);
    return w->row(w->ctx, &r);
}

#define CLAIM_SELECT                                                                               \
    "SELECT " ROW_COLS " WHERE m.state = 'pending' AND m.due_unix <= ? AND m.lease_until <= ?"     \
    " ORDER BY m.due_unix, m.id LIMIT ?"

enum db_status notifyq_claim(struct db *db, int64_t now, int64_t lease_s, int max,
                             struct notifyq_row *out, size_t *n)
{
    *n = 0;
    if (max < 1 || max > NOTIFYQ_MAX_CLAIM)
        return DB_ERR;
    struct db_stmt *st = db_dialect(db) == DB_POSTGRES
                             ? db_stmt(db, CLAIM_SELECT " FOR UPDATE OF m SKIP LOCKED")
                             : db_stmt(db, CLAIM_SELECT);
    enum db_status s = rows_bind_int64s(st, 3, (const int64_t[]){now, now, max});
    while (s == DB_OK || s == DB_ROW) {
        s = db_step(st);
        if (s != DB_ROW || *n >= (size_t)max)
            break;
        read_row(st, &out[(*n)++]);
    }
    db_stmt_done(st);
    if (s == DB_ROW)
        s = DB_DONE;
    for (size_t i = 0; i < *n && s == DB_DONE; i++) {
        st = db_stmt(db, "UPDATE notify_msgs SET lease_until = ? WHERE id = ?");
        s = rows_bind_int64s(st, 2, (const int64_t[]){now + lease_s, out[i].id});
        s = s == DB_OK ? db_step(st) : s;
        db_stmt_done(st);
    }
    return s == DB_DONE ? DB_OK : s;
}

/* Runs a one-row UPDATE (bound: the result of its binds). */
static enum db_status update(struct db_stmt *st, enum db_status bound)
{
    enum db_status s = bound == DB_OK ? db_step(st) : bound;
    db_stmt_done(st);
    return s == DB_DONE ? DB_OK : s;
}

enum db_status notifyq_sent(struct db *db, int64_t id, int64_t now)
{
    struct db_stmt *st = db_stmt(db, "UPDATE notify_msgs SET state = 'sent', sent_unix = ?,"
                                     " attempts = attempts + 1, lease_until = 0, last_error = NULL"
                                     " WHERE id = ? AND state = 'pending'");
    return update(st, rows_bind_int64s(st, 2, (const int64_t[]){now, id}));
}

enum db_status notifyq_failed(struct db *db, int64_t id, int64_t next, const char *error)
{
    struct db_stmt *st = db_stmt(db, "UPDATE notify_msgs SET attempts = attempts + 1,"
                                     " lease_until = 0, due_unix = CASE WHEN ? > 0 THEN ? ELSE"
                                     " due_unix END, state = CASE WHEN ? > 0 THEN 'pending' ELSE"
                                     " 'failed' END, last_error = ? WHERE id = ?"
                                     " AND state = 'pending'");
    enum db_status s = rows_bind_int64s(st, 3, (const int64_t[]){next, next, next});
    if (s == DB_OK)
        s = ROWS_BIND(st, 4, ROWS_TEXT(error), ROWS_INT(id));
    return update(st, s);
}

enum db_status notifyq_release(struct db *db, int64_t id)
{
    struct db_stmt *st =
        db_stmt(db, "UPDATE notify_msgs SET lease_until = 0 WHERE id = ? AND state = 'pending'");
    return update(st, st ? db_bind_int64(st, 1, id) : DB_ERR);
}

enum db_status notifyq_cancel(struct db *db, int64_t id, const char *why)
{
    struct db_stmt *st = db_stmt(db, "UPDATE notify_msgs SET state = 'cancelled', lease_until = 0,"
                                     " last_error = ? WHERE id = ? AND state = 'pending'");
    enum db_status s = st ? db_bind_text(st, 1, why, -1) : DB_ERR;
    if (s == DB_OK)
        s = db_bind_int64(st, 2, id);
    return update(st, s);
}

enum db_status notifyq_by_code(struct db *db, const char *code,
                               int (*row)(void *ctx, const struct notifyq_row *r), void *ctx)
{
    struct walk w = {row, ctx};
    struct db_stmt *st = db_stmt(db, "SELECT " ROW_COLS " WHERE m.ack_code = ?");
    return rows_walk(st, st ? db_bind_text(st, 1, code, -1) : DB_ERR, each, &w);
}

enum db_status notifyq_list(struct db *db, const struct scope *sc, int undelivered_only,
                            int64_t limit, int (*row)(void *ctx, const struct notifyq_row *r),
                            void *ctx)
{
    struct walk w = {row, ctx};
    struct db_stmt *st = db_stmt(db, "SELECT " ROW_COLS " WHERE (? = 0 OR m.state IN ('pending',"
                                     " 'failed')) AND m.resident_id IN (SELECT id FROM residents"
                                     " WHERE municipality_id = ?)"
                                     " ORDER BY m.id DESC LIMIT ?");
    enum db_status s =
        ROWS_BIND(st, 1, ROWS_INT(undelivered_only != 0), ROWS_TOWN(sc), ROWS_INT(limit));
    return rows_walk(st, s, each, &w);
}

enum db_status notifyq_of_group(struct db *db, const struct scope *sc, int64_t resident,
                                const char *group,
                                int (*row)(void *ctx, const struct notifyq_row *r), void *ctx)
{
    struct walk w = {row, ctx};
    struct db_stmt *st = db_stmt(db, "SELECT " ROW_COLS " JOIN alerts a ON a.id = m.alert_id"
                                     " WHERE a.resident_id = ? AND a.day = ? AND a.resident_id IN"
                                     " (SELECT id FROM residents WHERE municipality_id = ?)"
                                     " ORDER BY m.id");
    enum db_status s = rows_bind_town(st, 3, sc);
    if (s == DB_OK)
        s = ROWS_BIND(st, 1, ROWS_INT(resident), ROWS_TEXT(group));
    return rows_walk(st, s, each, &w);
}

enum db_status notifyq_next_due(struct db *db, int64_t *when)
{
    *when = 0;
    enum db_status s = db_get_int64(
        db, "SELECT COALESCE(MIN(due_unix), 0) FROM notify_msgs WHERE state = 'pending'", 0, when);
    return s == DB_ROW || s == DB_DONE ? DB_OK : s;
}
