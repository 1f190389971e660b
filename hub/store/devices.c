/*
 * devices.c: the devices store (see devices.h).
 */
#include "devices.h"
#include "dbarray.h"
#include "residents.h"
#include "rows.h"

#include <stdio.h>
#include <string.h>

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

#define BY_HASH                                                                                    \
    "SELECT id, kind, COALESCE(resident_id, 0), municipality_id FROM devices WHERE token_hash = ?"

/* out from a row (id, kind, resident, town) whose first column is col. */
static void holder(struct devices_holder *out, struct db_stmt *st, int col)
{
    const char *kind = db_col_text(st, col + 1);
    out->id = db_col_int64(st, col);
    snprintf(out->kind, sizeof out->kind, "%s", kind ? kind : "");
    out->resident = db_col_int64(st, col + 2);
    out->town = db_col_int64(st, col + 3);
}

enum db_status devices_by_token(struct db *db, const char *token_hash, struct devices_holder *out)
{
    memset(out, 0, sizeof *out);
    struct db_stmt *st = db_stmt(db, BY_HASH);
    enum db_status s = ROWS_BIND(st, 1, ROWS_TEXT(token_hash));
    if (s == DB_OK)
        s = db_step(st);
    if (s == DB_ROW)
        holder(out, st, 0);
    if (st)
        db_stmt_done(st);
    return s;
}

/* PostgreSQL: every hash in one statement; a row per hash found, by its place (ord). */
static enum db_status by_tokens_pg(struct db *db, const char *const *hashes, size_t n,
                                   struct devices_holder *out)
{
    struct dbarray a;
    dbarray_init(&a);
    for (size_t i = 0; i < n; i++)
        dbarray_text(&a, hashes[i]);
    struct db_stmt *st =
        db_stmt(db, "SELECT u.ord, d.id, d.kind, COALESCE(d.resident_id, 0), d.municipality_id"
                    " FROM unnest(?::text[]) WITH ORDINALITY AS u(h, ord)"
                    " JOIN devices d ON d.token_hash = u.h");
    enum db_status s = st ? dbarray_bind(st, 1, &a) : DB_ERR;
    while (s == DB_OK && (s = db_step(st)) == DB_ROW) {
        int64_t ord = db_col_int64(st, 0);
        s = ord >= 1 && ord <= (int64_t)n ? DB_OK : DB_ERR;
        if (s == DB_OK)
            holder(&out[ord - 1], st, 1);
    }
    if (st)
        db_stmt_done(st);
    dbarray_free(&a);
    return s == DB_DONE ? DB_OK : s;
}

enum db_status devices_by_tokens(struct db *db, const char *const *hashes, size_t n,
                                 struct devices_holder *out)
{
    memset(out, 0, sizeof *out * n);
    if (n == 0)
        return DB_OK;
    if (db_dialect(db) == DB_POSTGRES)
        return by_tokens_pg(db, hashes, n, out);
    enum db_status s = DB_OK;
    for (size_t i = 0; i < n && s == DB_OK; i++) {
        s = devices_by_token(db, hashes[i], &out[i]);
        if (s == DB_ROW || s == DB_DONE)
            s = DB_OK;
    }
    return s;
}
