/*
 * actors.c: the actors store (see actors.h).
 */
#include "actors.h"
#include "rows.h"

#include <string.h>

enum db_status actors_add(struct db *db, const struct scope *sc, enum actors_kind kind,
                          const char *display_name, const char *token_hash, int64_t now,
                          int64_t *id)
{
    /* Three literal statements: the statement cache is keyed by the literal. */
    struct db_stmt *st =
        kind == ACTORS_FAMILY
            ? db_stmt(db, "INSERT INTO family(display_name, token_hash, created_unix,"
                          " municipality_id) VALUES(?, ?, ?, ?) RETURNING id")
        : kind == ACTORS_STAFF
            ? db_stmt(db, "INSERT INTO staff(display_name, token_hash, created_unix,"
                          " municipality_id) VALUES(?, ?, ?, ?) RETURNING id")
            : db_stmt(db, "INSERT INTO sources(display_name, token_hash, created_unix,"
                          " municipality_id) VALUES(?, ?, ?, ?) RETURNING id");
    enum db_status s = rows_bind_town(st, 4, sc);
    if (!st)
        return DB_ERR;
    if (s == DB_OK)
        s = ROWS_BIND(st, 1, ROWS_TEXT(display_name), ROWS_TEXT(token_hash), ROWS_INT(now));
    return db_insert_id(st, s, id);
}

enum db_status actors_name(struct db *db, const char *kind, int64_t id, char *out, size_t cap)
{
    const char *sql = NULL;
    if (strcmp(kind, "family") == 0)
        sql = "SELECT display_name FROM family WHERE id = ?";
    else if (strcmp(kind, "staff") == 0)
        sql = "SELECT display_name FROM staff WHERE id = ?";
    else if (strcmp(kind, "operator") == 0)
        sql = "SELECT display_name FROM operators WHERE id = ?";
    else if (strcmp(kind, "source") == 0)
        sql = "SELECT display_name FROM sources WHERE id = ?";
    else if (strcmp(kind, "device") == 0)
        sql = "SELECT CASE kind WHEN 'home' THEN 'home device' ELSE 'public kiosk' END"
              " || CASE label WHEN '' THEN '' ELSE ' (' || label || ')' END"
              " FROM devices WHERE id = ?";
    if (!sql)
        return DB_DONE;
    return db_get_text(db, sql, id, out, cap);
}

enum db_status actors_is_recipient(struct db *db, int64_t resident, const char *kind, int64_t id,
                                   int *known)
{
    int64_t one = 0;
    enum db_status s = DB_DONE;
    *known = 0;
    if (strcmp(kind, "family") == 0) {
        struct db_stmt *st =
            db_stmt(db, "SELECT 1 FROM family_links WHERE family_id = ? AND resident_id = ?");
        if (!st)
            return DB_ERR;
        s = ROWS_BIND(st, 1, ROWS_INT(id), ROWS_INT(resident));
        if (s == DB_OK)
            s = db_step(st);
        db_stmt_done(st);
    } else if (strcmp(kind, "staff") == 0) {
        s = db_get_int64(db, "SELECT 1 FROM staff WHERE id = ?", id, &one);
    } else if (strcmp(kind, "operator") == 0) {
        s = db_get_int64(db, "SELECT 1 FROM operators WHERE id = ?", id, &one);
    } else if (strcmp(kind, "source") == 0) {
        s = db_get_int64(db, "SELECT 1 FROM sources WHERE id = ?", id, &one);
    }
    *known = s == DB_ROW;
    return s == DB_ROW || s == DB_DONE ? DB_OK : s;
}

enum db_status actors_by_token(struct db *db, const char *kind, const char *token_hash, int64_t *id,
                               int64_t *town)
{
    static const char *const kinds[] = {"family", "staff", "source", "operator"};
    static const char *const sql[] = {
        "SELECT id, municipality_id FROM family WHERE token_hash = ?",
        "SELECT id, municipality_id FROM staff WHERE token_hash = ?",
        "SELECT id, municipality_id FROM sources WHERE token_hash = ?",
        "SELECT id, municipality_id FROM operators WHERE token_hash = ?",
    };
    *id = *town = 0;
    int k = -1;
    for (int i = 0; i < (int)(sizeof kinds / sizeof kinds[0]); i++)
        if (strcmp(kind, kinds[i]) == 0)
            k = i;
    if (k < 0)
        return DB_DONE;
    struct db_stmt *st = db_stmt(db, sql[k]);
    enum db_status s = ROWS_BIND(st, 1, ROWS_TEXT(token_hash));
    if (s == DB_OK)
        s = db_step(st);
    if (s == DB_ROW) {
        *id = db_col_int64(st, 0);
        *town = db_col_int64(st, 1);
    }
    if (st)
        db_stmt_done(st);
    return s;
}
