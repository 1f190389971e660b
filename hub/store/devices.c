/*
 * devices.c: the devices store (see devices.h).
 */
#include "devices.h"

enum db_status devices_add(struct db *db, const char *kind, int64_t resident, const char *label,
                           const char *token_hash, int64_t now, int64_t *id)
{
    struct db_stmt *st = db_stmt(db, "INSERT INTO devices(kind, resident_id, label, token_hash,"
                                     " created_unix) VALUES(?, ?, ?, ?, ?) RETURNING id");
    if (!st)
        return DB_ERR;
    enum db_status s = db_bind_text(st, 1, kind, -1);
    if (s == DB_OK)
        s = resident > 0 ? db_bind_int64(st, 2, resident) : db_bind_null(st, 2);
    if (s == DB_OK)
        s = db_bind_text(st, 3, label ? label : "", -1);
    if (s == DB_OK)
        s = db_bind_text(st, 4, token_hash, -1);
    if (s == DB_OK)
        s = db_bind_int64(st, 5, now);
    return db_insert_id(st, s, id);
}
