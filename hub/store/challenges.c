/*
 * challenges.c: the card-login challenges store (see challenges.h). challenges has no town
 * column: the town is the device's, joined by primary key.
 */
#include "challenges.h"
#include "rows.h"

enum db_status challenges_add(struct db *db, const struct scope *sc, int64_t device,
                              const char *hex, int64_t expires, int64_t *id)
{
    struct db_stmt *st = sc ? db_stmt(db, "INSERT INTO challenges(device_id, challenge,"
                                          " expires_unix) SELECT id, ?, ? FROM devices"
                                          " WHERE id = ? AND municipality_id = ? RETURNING id")
                            : NULL;
    enum db_status s = st ? db_bind_text(st, 1, hex, -1) : DB_ERR;
    if (s == DB_OK)
        s = ROWS_BIND(st, 2, ROWS_INT(expires), ROWS_INT(device));
    if (s == DB_OK)
        s = rows_bind_town(st, 4, sc);
    return rows_insert_here(st, s, id);
}

/* Why hex could not be spent for device: unknown (also: another town's), another device's,
 * or spent before. */
static enum db_status why_not(struct db *db, const struct scope *sc, const char *hex,
                              int64_t device, enum challenges_use *use)
{
    struct db_stmt *st = db_stmt(db, "SELECT c.device_id FROM challenges c"
                                     " JOIN devices d ON d.id = c.device_id"
                                     " WHERE c.challenge = ? AND d.municipality_id = ?");
    if (!st)
        return DB_ERR;
    enum db_status s = ROWS_BIND(st, 1, ROWS_TEXT(hex), ROWS_TOWN(sc));
    if (s == DB_OK)
        s = db_step(st);
    if (s == DB_DONE)
        *use = CHALLENGES_UNKNOWN;
    else if (s == DB_ROW)
        *use = db_col_int64(st, 0) == device ? CHALLENGES_USED : CHALLENGES_OTHER_DEVICE;
    db_stmt_done(st);
    return s == DB_ROW || s == DB_DONE ? DB_OK : s;
}

enum db_status challenges_use(struct db *db, const struct scope *sc, const char *hex,
                              int64_t device, int64_t now, enum challenges_use *use)
{
    /* The WHERE is the claim: a concurrent spender's UPDATE waits for this row's lock and
     * then finds used_unix set (PostgreSQL re-reads the row; SQLite writes one at a time). */
    struct db_stmt *st =
        sc ? db_stmt(db, "UPDATE challenges SET used_unix = ? WHERE challenge = ?"
                         " AND device_id = ? AND used_unix IS NULL AND EXISTS(SELECT 1"
                         " FROM devices d WHERE d.id = ? AND d.municipality_id = ?)"
                         " RETURNING expires_unix")
           : NULL;
    if (!st)
        return DB_ERR;
    enum db_status s =
        ROWS_BIND(st, 1, ROWS_INT(now), ROWS_TEXT(hex), ROWS_INT(device), ROWS_INT(device));
    if (s == DB_OK)
        s = rows_bind_town(st, 5, sc);
    if (s == DB_OK)
        s = db_step(st);
    if (s == DB_ROW)
        *use = now > db_col_int64(st, 0) ? CHALLENGES_EXPIRED : CHALLENGES_OK;
    db_stmt_done(st);
    if (s == DB_DONE)
        return why_not(db, sc, hex, device, use);
    return s == DB_ROW ? DB_OK : s;
}

enum db_status challenges_purge(struct db *db, int64_t before, int64_t limit, int64_t *deleted)
{
    return rows_delete_old(db,
                           "DELETE FROM challenges WHERE id IN (SELECT id FROM challenges"
                           " WHERE expires_unix < ? ORDER BY expires_unix LIMIT ?)",
                           "DELETE FROM challenges WHERE id IN (SELECT id FROM challenges"
                           " WHERE expires_unix < ? ORDER BY expires_unix LIMIT ?"
                           " FOR UPDATE SKIP LOCKED)",
                           before, limit, deleted);
}
