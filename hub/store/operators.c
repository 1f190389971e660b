/*
 * operators.c: the shopping operators store (see operators.h).
 */
#include "operators.h"
#include "rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void copy_col(char *dst, size_t cap, struct db_stmt *st, int col)
{
    const char *s = db_col_text(st, col);
    snprintf(dst, cap, "%s", s ? s : "");
}

enum db_status operators_add(struct db *db, const struct scope *sc, const char *name,
                             const char *districts, const char *token_hash, int64_t now,
                             int64_t *id)
{
    struct db_stmt *st = db_stmt(db, "INSERT INTO operators(display_name, districts, token_hash,"
                                     " created_unix, municipality_id) VALUES(?, ?, ?, ?, ?)"
                                     " RETURNING id");
    enum db_status s = rows_bind_town(st, 5, sc);
    if (!st)
        return DB_ERR;
    if (s == DB_OK)
        s = ROWS_BIND(st, 1, ROWS_TEXT(name), ROWS_TEXT(districts), ROWS_TEXT(token_hash),
                      ROWS_INT(now));
    s = db_insert_id(st, s, id);
    /* The town that registers an operator is its first contract. */
    return s == DB_OK ? operators_contract(db, sc, *id, now) : s;
}

enum db_status operators_contract(struct db *db, const struct scope *sc, int64_t id, int64_t now)
{
    struct db_stmt *st = db_stmt(db, "INSERT INTO operator_contracts(operator_id,"
                                     " municipality_id, created_unix) VALUES(?, ?, ?)"
                                     " ON CONFLICT(operator_id, municipality_id) DO NOTHING");
    enum db_status s = ROWS_BIND(st, 1, ROWS_INT(id), ROWS_TOWN(sc), ROWS_INT(now));
    if (!st)
        return DB_ERR;
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    return s == DB_DONE ? DB_OK : s;
}

enum db_status operators_get(struct db *db, const struct scope *sc, int64_t id,
                             char name[OPERATORS_NAME_MAX], char districts[OPERATORS_DISTRICTS_MAX])
{
    struct db_stmt *st = db_stmt(db, "SELECT o.display_name, o.districts FROM operators o"
                                     " JOIN operator_contracts k ON k.operator_id = o.id"
                                     " AND k.municipality_id = ? WHERE o.id = ?");
    enum db_status s = ROWS_BIND(st, 1, ROWS_TOWN(sc), ROWS_INT(id));
    if (!st)
        return DB_ERR;
    if (s == DB_OK)
        s = db_step(st);
    if (s == DB_ROW && name)
        copy_col(name, OPERATORS_NAME_MAX, st, 0);
    if (s == DB_ROW && districts)
        copy_col(districts, OPERATORS_DISTRICTS_MAX, st, 1);
    db_stmt_done(st);
    return s;
}

int operators_serves(const char *districts, const char *district)
{
    size_t n = strlen(district);
    for (const char *p = districts; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && memcmp(p, district, n) == 0)
            return 1;
        p = comma ? comma + 1 : p + len;
    }
    return 0;
}

enum db_status operators_list(struct db *db, const struct scope *sc, struct operators_row *rows,
                              size_t cap, size_t *n)
{
    *n = 0;
    struct db_stmt *st =
        db_stmt(db, "SELECT o.id, o.display_name, o.districts, CASE WHEN c.operator_id IS NULL"
                    " THEN 0 ELSE 1 END FROM operators o JOIN operator_contracts k ON"
                    " k.operator_id = o.id AND k.municipality_id = ? LEFT JOIN"
                    " operator_catalogues c ON c.operator_id = o.id ORDER BY o.id");
    enum db_status s = rows_bind_town(st, 1, sc);
    if (!st)
        return DB_ERR;
    while ((s == DB_OK || s == DB_ROW) && *n < cap) {
        s = db_step(st);
        if (s != DB_ROW)
            break;
        struct operators_row *r = &rows[(*n)++];
        r->id = db_col_int64(st, 0);
        copy_col(r->name, sizeof r->name, st, 1);
        copy_col(r->districts, sizeof r->districts, st, 2);
        r->has_catalogue = (int)db_col_int64(st, 3);
    }
    db_stmt_done(st);
    return s == DB_DONE || s == DB_ROW ? DB_OK : s;
}

enum db_status operators_catalogue_put(struct db *db, int64_t id, const char *json, int64_t now)
{
    struct db_stmt *st =
        db_stmt(db, "INSERT INTO operator_catalogues(operator_id, json, imported_unix)"
                    " VALUES(?, ?, ?) ON CONFLICT(operator_id) DO UPDATE SET json ="
                    " excluded.json, imported_unix = excluded.imported_unix");
    if (!st)
        return DB_ERR;
    enum db_status s = ROWS_BIND(st, 1, ROWS_INT(id), ROWS_TEXT(json), ROWS_INT(now));
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    return s == DB_DONE ? DB_OK : s;
}

enum db_status operators_catalogue_get(struct db *db, const struct scope *sc, int64_t id,
                                       char **json, char name[OPERATORS_NAME_MAX])
{
    *json = NULL;
    struct db_stmt *st =
        db_stmt(db, "SELECT c.json, o.display_name FROM operator_catalogues c JOIN operators o"
                    " ON o.id = c.operator_id JOIN operator_contracts k ON k.operator_id = o.id"
                    " AND k.municipality_id = ? WHERE c.operator_id = ?");
    enum db_status s = ROWS_BIND(st, 1, ROWS_TOWN(sc), ROWS_INT(id));
    if (!st)
        return DB_ERR;
    if (s == DB_OK)
        s = db_step(st);
    if (s == DB_ROW) {
        const char *j = db_col_text(st, 0);
        *json = strdup(j ? j : "");
        if (!*json)
            s = DB_ERR;
        if (name)
            copy_col(name, OPERATORS_NAME_MAX, st, 1);
    }
    db_stmt_done(st);
    return s;
}

enum db_status operators_pictures_clear(struct db *db, int64_t id)
{
    struct db_stmt *st = db_stmt(db, "DELETE FROM operator_pictures WHERE operator_id = ?");
    if (!st)
        return DB_ERR;
    enum db_status s = db_bind_int64(st, 1, id);
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    return s == DB_DONE ? DB_OK : s;
}

enum db_status operators_picture_put(struct db *db, int64_t id, const char *path, const char *mime,
                                     const void *data, size_t len)
{
    struct db_stmt *st =
        db_stmt(db, "INSERT INTO operator_pictures(operator_id, path, mime, data)"
                    " VALUES(?, ?, ?, ?) ON CONFLICT(operator_id, path) DO UPDATE SET"
                    " mime = excluded.mime, data = excluded.data");
    if (!st)
        return DB_ERR;
    enum db_status s = ROWS_BIND(st, 1, ROWS_INT(id), ROWS_TEXT(path), ROWS_TEXT(mime));
    if (s == DB_OK)
        s = db_bind_blob(st, 4, data, len);
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    return s == DB_DONE ? DB_OK : s;
}

enum db_status operators_pictures_each(struct db *db, int64_t id, operators_picture_fn fn,
                                       void *arg)
{
    struct db_stmt *st = db_stmt(db, "SELECT path, mime, data FROM operator_pictures WHERE"
                                     " operator_id = ? ORDER BY path");
    if (!st)
        return DB_ERR;
    enum db_status s = db_bind_int64(st, 1, id);
    while (s == DB_OK || s == DB_ROW) {
        s = db_step(st);
        if (s != DB_ROW)
            break;
        if (fn(arg, db_col_text(st, 0), db_col_text(st, 1), db_col_blob(st, 2),
               db_col_bytes(st, 2)) != 0) {
            s = DB_ERR;
            break;
        }
    }
    db_stmt_done(st);
    return s == DB_DONE ? DB_OK : s;
}
