/*
 * residents.c: the residents store (see residents.h).
 */
#include "residents.h"
#include "rows.h"

enum db_status residents_add(struct db *db, const struct scope *sc, const struct residents_new *r,
                             int64_t now, int64_t *id)
{
    struct db_stmt *st = db_stmt(db, "INSERT INTO residents(display_name, district, deadline_min,"
                                     " cert_fp, created_unix, member_key, address,"
                                     " municipality_id) VALUES(?, ?, ?, ?, ?, ?, ?, ?)"
                                     " RETURNING id");
    enum db_status s = rows_bind_town(st, 8, sc);
    if (s == DB_OK)
        s = ROWS_BIND(st, 1, ROWS_TEXT(r->display_name), ROWS_TEXT(r->district),
                      ROWS_INT(r->deadline_min), ROWS_TEXT(r->cert_fp), ROWS_INT(now),
                      ROWS_TEXT(r->member_key), ROWS_TEXT(r->address ? r->address : ""));
    if (!st)
        return DB_ERR;
    return db_insert_id(st, s, id);
}

/* Runs a cached UPDATE of one resident whose first parameter is already bound (bound is
 * the result), whose second is the id and third the town; *changed 1 when a row changed. */
static enum db_status update_one(struct db *db, struct db_stmt *st, enum db_status bound,
                                 const struct scope *sc, int64_t id, int *changed)
{
    enum db_status s = bound;
    *changed = 0;
    if (s == DB_OK)
        s = ROWS_BIND(st, 2, ROWS_INT(id), ROWS_TOWN(sc));
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    if (s == DB_DONE)
        *changed = db_changes(db) > 0;
    return s == DB_DONE ? DB_OK : s;
}

enum db_status residents_set_cert(struct db *db, const struct scope *sc, int64_t id,
                                  const char *cert_fp, int *changed)
{
    struct db_stmt *st = db_stmt(db, "UPDATE residents SET cert_fp = ?"
                                     " WHERE id = ? AND municipality_id = ?");
    if (!st)
        return DB_ERR;
    return update_one(db, st, db_bind_text(st, 1, cert_fp, -1), sc, id, changed);
}

enum db_status residents_set_unwell_alert(struct db *db, const struct scope *sc, int64_t id, int on,
                                          int *changed)
{
    struct db_stmt *st = db_stmt(db, "UPDATE residents SET unwell_alert = ?"
                                     " WHERE id = ? AND municipality_id = ?");
    if (!st)
        return DB_ERR;
    return update_one(db, st, db_bind_int64(st, 1, on ? 1 : 0), sc, id, changed);
}

enum db_status residents_name(struct db *db, const struct scope *sc, int64_t id, char *out,
                              size_t cap)
{
    return rows_text_in_town(
        db, "SELECT display_name FROM residents WHERE id = ? AND municipality_id = ?", sc, id, out,
        cap);
}

enum db_status residents_district(struct db *db, const struct scope *sc, int64_t id, char *out,
                                  size_t cap)
{
    return rows_text_in_town(db,
                             "SELECT district FROM residents WHERE id = ? AND municipality_id = ?",
                             sc, id, out, cap);
}

enum db_status residents_address(struct db *db, const struct scope *sc, int64_t id, char *out,
                                 size_t cap)
{
    return rows_text_in_town(
        db, "SELECT address FROM residents WHERE id = ? AND municipality_id = ?", sc, id, out, cap);
}

enum db_status residents_in_town(struct db *db, const struct scope *sc, int64_t id, int *yes)
{
    char one[4];
    *yes = 0;
    enum db_status s =
        rows_text_in_town(db, "SELECT 'y' FROM residents WHERE id = ? AND municipality_id = ?", sc,
                          id, one, sizeof one);
    *yes = s == DB_ROW;
    return s == DB_ROW || s == DB_DONE ? DB_OK : s;
}

enum db_status residents_town(struct db *db, int64_t id, int64_t *town)
{
    return db_get_int64(db, "SELECT municipality_id FROM residents WHERE id = ?", id, town);
}

const struct scope *residents_scope(struct db *db, int64_t id)
{
    int64_t town = 0;
    return residents_town(db, id, &town) == DB_ROW ? scope_of(town) : NULL;
}

enum db_status residents_set_person(struct db *db, const struct scope *sc, int64_t id,
                                    const char *birth_date, const char *sex, int *changed)
{
    *changed = 0;
    struct db_stmt *st = sc ? db_stmt(db, "UPDATE residents SET birth_date = ?, sex = ?"
                                          " WHERE id = ? AND municipality_id = ? RETURNING id")
                            : NULL;
    if (!st)
        return DB_ERR;
    enum db_status s = ROWS_BIND(st, 1, ROWS_TEXT(birth_date), ROWS_TEXT(sex), ROWS_INT(id),
                                 ROWS_INT(scope_town(sc)));
    if (s == DB_OK)
        s = db_step(st);
    *changed = s == DB_ROW;
    db_stmt_done(st);
    return s == DB_ROW || s == DB_DONE ? DB_OK : s;
}
