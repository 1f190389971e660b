/*
 * challenges.c: the card-login challenges store (see challenges.h).
 */
#include "challenges.h"

enum db_status challenges_add(struct db *db, int64_t device, const char *hex, int64_t expires,
                              int64_t *id)
{
    struct db_stmt *st = db_stmt(db, "INSERT INTO challenges(device_id, challenge, expires_unix)"
                                     " VALUES(?, ?, ?) RETURNING id");
    if (!st)
        return DB_ERR;
    enum db_status s = db_bind_int64(st, 1, device);
    if (s == DB_OK)
        s = db_bind_text(st, 2, hex, -1);
    if (s == DB_OK)
        s = db_bind_int64(st, 3, expires);
    return db_insert_id(st, s, id);
}

/* Why hex could not be spent for device: unknown, another device's, or spent before. */
static enum db_status why_not(struct db *db, const char *hex, int64_t device,
                              enum challenges_use *use)
{
    struct db_stmt *st = db_stmt(db, "SELECT device_id FROM challenges WHERE challenge = ?");
    if (!st)
        return DB_ERR;
    enum db_status s = db_bind_text(st, 1, hex, -1);
    if (s == DB_OK)
        s = db_step(st);
    if (s == DB_DONE)
        *use = CHALLENGES_UNKNOWN;
    else if (s == DB_ROW)
        *use = db_col_int64(st, 0) == device ? CHALLENGES_USED : CHALLENGES_OTHER_DEVICE;
    db_stmt_done(st);
    return s == DB_ROW || s == DB_DONE ? DB_OK : s;
}

enum db_status challenges_use(struct db *db, const char *hex, int64_t device, int64_t now,
                              enum challenges_use *use)
{
    /* The WHERE is the claim: a concurrent spender's UPDATE waits for this row's lock and
     * then finds used_unix set (PostgreSQL re-reads the row; SQLite writes one at a time). */
    struct db_stmt *st = db_stmt(db, "UPDATE challenges SET used_unix = ? WHERE challenge = ?"
                                     " AND device_id = ? AND used_unix IS NULL"
                                     " RETURNING expires_unix");
    if (!st)
        return DB_ERR;
    enum db_status s = db_bind_int64(st, 1, now);
    if (s == DB_OK)
        s = db_bind_text(st, 2, hex, -1);
    if (s == DB_OK)
        s = db_bind_int64(st, 3, device);
    if (s == DB_OK)
        s = db_step(st);
    if (s == DB_ROW)
        *use = now > db_col_int64(st, 0) ? CHALLENGES_EXPIRED : CHALLENGES_OK;
    db_stmt_done(st);
    if (s == DB_DONE)
        return why_not(db, hex, device, use);
    return s == DB_ROW ? DB_OK : s;
}
