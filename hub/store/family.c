/*
 * family.c: the family store (see family.h).
 */
#include "family.h"
#include "rows.h"

enum db_status family_link(struct db *db, int64_t family, int64_t resident, const char *relation)
{
    struct db_stmt *st = db_stmt(db, "INSERT INTO family_links(family_id, resident_id, relation)"
                                     " VALUES(?, ?, ?)");
    if (!st)
        return DB_ERR;
    enum db_status s = db_bind_int64(st, 1, family);
    if (s == DB_OK)
        s = db_bind_int64(st, 2, resident);
    if (s == DB_OK)
        s = db_bind_text(st, 3, relation ? relation : "", -1);
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

/* Walks st (one int64 parameter: id) calling row for each (id, name, relation). */
static enum db_status walk(struct db_stmt *st, int64_t id,
                           int (*row)(void *ctx, const struct family_row *f), void *ctx)
{
    struct walk w = {row, ctx};
    return rows_walk(st, rows_bind_int64s(st, 1, &id), each, &w);
}

enum db_status family_of_resident(struct db *db, int64_t resident,
                                  int (*row)(void *ctx, const struct family_row *f), void *ctx)
{
    return walk(db_stmt(db, "SELECT f.id, f.display_name, l.relation FROM family_links l"
                            " JOIN family f ON f.id = l.family_id WHERE l.resident_id = ?"
                            " ORDER BY f.id"),
                resident, row, ctx);
}

enum db_status family_residents(struct db *db, int64_t family,
                                int (*row)(void *ctx, const struct family_row *f), void *ctx)
{
    return walk(db_stmt(db, "SELECT r.id, r.display_name, l.relation FROM family_links l"
                            " JOIN residents r ON r.id = l.resident_id WHERE l.family_id = ?"
                            " ORDER BY r.id"),
                family, row, ctx);
}
