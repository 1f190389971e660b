/*
 * devices.c: the devices store (see devices.h).
 */
#include "devices.h"
#include "residents.h"
#include "rows.h"

enum db_status devices_add(struct db *db, const struct scope *sc, const char *kind,
                           int64_t resident, const char *label, const char *token_hash, int64_t now,
                           int64_t *id)
{
    int here = 1;
    if (!sc)
        return DB_ERR;
    if (resident > 0) {
        enum db_status s = residents_in_town(db, sc, resident, &here);
        if (s != DB_OK)
            return s;
        if (!here) /* as if there were no such resident: the foreign key's answer */
            return DB_ERR_CONSTRAINT;
    }
    struct db_stmt *st = db_stmt(db, "INSERT INTO devices(kind, resident_id, label, token_hash,"
                                     " created_unix, municipality_id) VALUES(?, ?, ?, ?, ?, ?)"
                                     " RETURNING id");
    enum db_status s = rows_bind_town(st, 6, sc);
    if (!st)
        return DB_ERR;
    if (s == DB_OK)
        s = db_bind_text(st, 1, kind, -1);
    if (s == DB_OK)
        s = resident > 0 ? db_bind_int64(st, 2, resident) : db_bind_null(st, 2);
    if (s == DB_OK)
        s = ROWS_BIND(st, 3, ROWS_TEXT(label ? label : ""), ROWS_TEXT(token_hash), ROWS_INT(now));
    return db_insert_id(st, s, id);
}
