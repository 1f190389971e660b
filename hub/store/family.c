/*
 * family.c: the family store (see family.h).
 */
#include "family.h"
#include "residents.h"
#include "rows.h"

enum db_status family_link(struct db *db, const struct scope *sc, int64_t family, int64_t resident,
                           const char *relation)
{
    int here = 0;
    enum db_status s = residents_in_town(db, sc, resident, &here);
    if (s != DB_OK || !sc)
        return s == DB_OK ? DB_ERR : s;
    if (!here) /* as if there were no such resident: the foreign key's answer */
        return DB_ERR_CONSTRAINT;
    struct db_stmt *st = db_stmt(db, "INSERT INTO family_links(family_id, resident_id, relation,"
                                     " municipality_id) VALUES(?, ?, ?, ?)");
    s = rows_bind_town(st, 4, sc);
    if (!st)
        return DB_ERR;
    if (s == DB_OK)
        s = ROWS_BIND(st, 1, ROWS_INT(family), ROWS_INT(resident),
                      ROWS_TEXT(relation ? relation : ""));
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    return s == DB_DONE ? DB_OK : s;
}

struct walk {
    int (*row)(void *ctx, const struct family_row *f);
    void *ctx;
};

static int each(void *arg, struct db_stmt *st)
{
    const struct walk *w = arg;
    struct family_row f = {.id = db_col_int64(st, 0),
                           .display_name = db_col_text(st, 1),
                           .relation = db_col_text(st, 2)};
    return w->row(w->ctx, &f);
}

/* Walks st (parameters: id, town) calling row for each (id, name, relation). */
static enum db_status walk(struct db_stmt *st, const struct scope *sc, int64_t id,
                           int (*row)(void *ctx, const struct family_row *f), void *ctx)
{
    struct walk w = {row, ctx};
    enum db_status s = rows_bind_int64s(st, 1, &id);
    return rows_walk(st, s == DB_OK ? rows_bind_town(st, 2, sc) : s, each, &w);
}

enum db_status family_of_resident(struct db *db, const struct scope *sc, int64_t resident,
                                  int (*row)(void *ctx, const struct family_row *f), void *ctx)
{
    return walk(db_stmt(db, "SELECT f.id, f.display_name, l.relation FROM family_links l"
                            " JOIN family f ON f.id = l.family_id WHERE l.resident_id = ?"
                            " AND l.municipality_id = ? ORDER BY f.id"),
                sc, resident, row, ctx);
}

enum db_status family_residents(struct db *db, const struct scope *sc, int64_t family,
                                int (*row)(void *ctx, const struct family_row *f), void *ctx)
{
    return walk(db_stmt(db, "SELECT r.id, r.display_name, l.relation FROM family_links l"
                            " JOIN residents r ON r.id = l.resident_id"
                            " AND r.municipality_id = l.municipality_id"
                            " JOIN family f ON f.id = l.family_id"
                            " WHERE l.family_id = ? AND f.municipality_id = ? ORDER BY r.id"),
                sc, family, row, ctx);
}
