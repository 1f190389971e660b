/*
 * sessions.c: the card sessions store (see sessions.h).
 */
#include "sessions.h"
#include "rows.h"

#include <stdio.h>

enum db_status sessions_add(struct db *db, const struct scope *sc, const char *token_hash,
                            int64_t device, int64_t resident, int64_t now, int64_t *id)
{
    struct db_stmt *st = db_stmt(db, "INSERT INTO sessions(token_hash, device_id, resident_id,"
                                     " created_unix, last_used_unix, municipality_id)"
                                     " VALUES(?, ?, ?, ?, ?, ?) RETURNING id");
    enum db_status s = rows_bind_town(st, 6, sc);
    if (!st)
        return DB_ERR;
    if (s == DB_OK)
        s = ROWS_BIND(st, 1, ROWS_TEXT(token_hash), ROWS_INT(device), ROWS_INT(resident),
                      ROWS_INT(now), ROWS_INT(now));
    return db_insert_id(st, s, id);
}

/* The columns every session read selects first, in struct sessions_row's order. */
#define SESSION_COLS                                                                               \
    "s.id, s.device_id, s.resident_id, s.created_unix, s.last_used_unix, s.ended_unix,"            \
    " s.municipality_id"

static void read_row(struct db_stmt *st, struct sessions_row *out)
{
    out->id = db_col_int64(st, 0);
    out->device = db_col_int64(st, 1);
    out->resident = db_col_int64(st, 2);
    out->created = db_col_int64(st, 3);
    out->last_used = db_col_int64(st, 4);
    out->ended = !db_col_is_null(st, 5);
    out->town = db_col_int64(st, 6);
}

/* Steps st (bound is the result of its binds) to its one row: DB_ROW with *out and, when
 * name is given, column 7 copied into it; DB_DONE; or the error. Gives st back. */
static enum db_status one_row(struct db_stmt *st, enum db_status bound, struct sessions_row *out,
                              char *name, size_t cap)
{
    enum db_status s = bound == DB_OK ? db_step(st) : bound;
    if (s == DB_ROW) {
        read_row(st, out);
        if (name) {
            const char *t = db_col_text(st, 7);
            snprintf(name, cap, "%s", t ? t : "");
        }
    }
    db_stmt_done(st);
    return s;
}

enum db_status sessions_find(struct db *db, const struct scope *sc, const char *token_hash,
                             struct sessions_row *out)
{
    struct db_stmt *st = db_stmt(db, "SELECT " SESSION_COLS " FROM sessions s"
                                     " WHERE s.token_hash = ? AND s.municipality_id = ?");
    enum db_status s = rows_bind_town(st, 2, sc);
    if (!st)
        return DB_ERR;
    return one_row(st, s == DB_OK ? db_bind_text(st, 1, token_hash, -1) : s, out, NULL, 0);
}

enum db_status sessions_read(struct db *db, const struct scope *sc, int64_t id,
                             struct sessions_row *out, char *name, size_t cap)
{
    struct db_stmt *st = db_stmt(db, "SELECT " SESSION_COLS ", r.display_name FROM sessions s"
                                     " JOIN residents r ON r.id = s.resident_id"
                                     " WHERE s.id = ? AND s.municipality_id = ?");
    enum db_status s = rows_bind_town(st, 2, sc);
    if (!st)
        return DB_ERR;
    return one_row(st, s == DB_OK ? db_bind_int64(st, 1, id) : s, out, name, cap);
}

enum db_status sessions_touch(struct db *db, const struct scope *sc, int64_t id, int64_t now)
{
    struct db_stmt *st = db_stmt(db, "UPDATE sessions SET last_used_unix = ?"
                                     " WHERE id = ? AND municipality_id = ?");
    enum db_status s = rows_bind_town(st, 3, sc);
    if (!st)
        return DB_ERR;
    if (s == DB_OK)
        s = ROWS_BIND(st, 1, ROWS_INT(now), ROWS_INT(id));
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    return s == DB_DONE ? DB_OK : s;
}

enum db_status sessions_end(struct db *db, const struct scope *sc, const char *token_hash,
                            int64_t device, int64_t now, int64_t *resident)
{
    struct db_stmt *st = db_stmt(db, "UPDATE sessions SET ended_unix = ? WHERE token_hash = ?"
                                     " AND device_id = ? AND ended_unix IS NULL"
                                     " AND municipality_id = ? RETURNING resident_id");
    enum db_status s = rows_bind_town(st, 4, sc);
    if (!st)
        return DB_ERR;
    if (s == DB_OK)
        s = ROWS_BIND(st, 1, ROWS_INT(now), ROWS_TEXT(token_hash), ROWS_INT(device));
    if (s == DB_OK)
        s = db_step(st);
    if (s == DB_ROW)
        *resident = db_col_int64(st, 0);
    db_stmt_done(st);
    return s;
}

enum db_status sessions_card_holder(struct db *db, const struct scope *sc, const char *cert_fp,
                                    int64_t *resident, char *name, size_t cap, int64_t *elsewhere)
{
    struct db_stmt *st = db_stmt(db, "SELECT id, display_name, municipality_id FROM residents"
                                     " WHERE cert_fp = ?");
    *resident = 0;
    *elsewhere = 0;
    if (!st || !sc) {
        db_stmt_done(st);
        return DB_ERR;
    }
    enum db_status s = db_bind_text(st, 1, cert_fp, -1);
    if (s == DB_OK)
        s = db_step(st);
    if (s == DB_ROW && db_col_int64(st, 2) != scope_town(sc)) {
        /* Enrolled in another town: nothing of that resident leaves this call. */
        *elsewhere = db_col_int64(st, 2);
        s = DB_DONE;
    } else if (s == DB_ROW) {
        const char *t = db_col_text(st, 1);
        *resident = db_col_int64(st, 0);
        snprintf(name, cap, "%s", t ? t : "");
    }
    db_stmt_done(st);
    return s;
}

enum db_status sessions_purge(struct db *db, int64_t before, int64_t limit, int64_t *deleted)
{
    return rows_delete_old(db,
                           "DELETE FROM sessions WHERE id IN (SELECT id FROM sessions"
                           " WHERE created_unix < ? ORDER BY created_unix LIMIT ?)",
                           "DELETE FROM sessions WHERE id IN (SELECT id FROM sessions"
                           " WHERE created_unix < ? ORDER BY created_unix LIMIT ?"
                           " FOR UPDATE SKIP LOCKED)",
                           before, limit, deleted);
}
