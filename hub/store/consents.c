/*
 * consents.c: the consents store (see consents.h).
 */
#include "consents.h"

/* Binds the five columns that name a consent, from index first. */
static enum db_status bind_key(struct db_stmt *st, int first, const struct consents_key *k)
{
    enum db_status s = db_bind_int64(st, first, k->resident);
    if (s == DB_OK)
        s = db_bind_text(st, first + 1, k->recipient_kind, -1);
    if (s == DB_OK)
        s = db_bind_int64(st, first + 2, k->recipient_id);
    if (s == DB_OK)
        s = db_bind_text(st, first + 3, k->data_kind, -1);
    if (s == DB_OK)
        s = db_bind_text(st, first + 4, k->purpose, -1);
    return s;
}

/* The id of the consent in force for k: DB_ROW with *id, DB_DONE when none. */
static enum db_status in_force(struct db *db, const struct consents_key *k, int64_t *id)
{
    struct db_stmt *st = db_stmt(db, "SELECT id FROM consents WHERE resident_id = ? AND"
                                     " recipient_kind = ? AND recipient_id = ? AND data_kind = ?"
                                     " AND purpose = ? AND revoked_unix IS NULL");
    if (!st)
        return DB_ERR;
    enum db_status s = bind_key(st, 1, k);
    if (s == DB_OK)
        s = db_step(st);
    if (s == DB_ROW)
        *id = db_col_int64(st, 0);
    db_stmt_done(st);
    return s;
}

enum db_status consents_grant(struct db *db, const struct consents_key *k, int64_t now,
                              const char *via, int64_t *id, int *created)
{
    *created = 0;
    enum db_status s = in_force(db, k, id);
    if (s != DB_DONE)
        return s == DB_ROW ? DB_OK : s;
    struct db_stmt *st = db_stmt(db, "INSERT INTO consents(resident_id, recipient_kind,"
                                     " recipient_id, data_kind, purpose, granted_unix,"
                                     " granted_via) VALUES(?, ?, ?, ?, ?, ?, ?) RETURNING id");
    if (!st)
        return DB_ERR;
    s = bind_key(st, 1, k);
    if (s == DB_OK)
        s = db_bind_int64(st, 6, now);
    if (s == DB_OK)
        s = db_bind_text(st, 7, via, -1);
    s = db_insert_id(st, s, id);
    *created = s == DB_OK;
    return s;
}

enum db_status consents_revoke(struct db *db, const struct consents_key *k, int64_t now,
                               int64_t *revoked)
{
    struct db_stmt *st = db_stmt(db, "UPDATE consents SET revoked_unix = ? WHERE resident_id = ?"
                                     " AND recipient_kind = ? AND recipient_id = ? AND"
                                     " data_kind = ? AND purpose = ? AND revoked_unix IS NULL");
    if (!st)
        return DB_ERR;
    enum db_status s = db_bind_int64(st, 1, now);
    if (s == DB_OK)
        s = bind_key(st, 2, k);
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    if (s == DB_DONE)
        *revoked = db_changes(db);
    return s == DB_DONE ? DB_OK : s;
}
