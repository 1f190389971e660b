/*
 * legalbases.c: the legal bases store (see legalbases.h).
 */
#include "legalbases.h"
#include "rows.h"

#include <stdio.h>

enum db_status legalbases_add(struct db *db, const struct legalbases_row *b)
{
    struct db_stmt *st = db_stmt(db, "INSERT INTO legal_bases(name, recipient_kind, data_kind,"
                                     " purpose, description) VALUES(?, ?, ?, ?, ?)");
    if (!st)
        return DB_ERR;
    const char *v[] = {b->name, b->recipient_kind, b->data_kind, b->purpose, b->description};
    enum db_status s = DB_OK;
    for (int i = 0; i < 5 && s == DB_OK; i++)
        s = db_bind_text(st, i + 1, v[i], -1);
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    return s == DB_DONE ? DB_OK : s;
}

struct walk {
    int (*row)(void *ctx, const struct legalbases_row *b);
    void *ctx;
};

static int each(void *arg, struct db_stmt *st)
{
    const struct walk *w = arg;
    struct legalbases_row b = {.name = db_col_text(st, 0),
                               .recipient_kind = db_col_text(st, 1),
                               .data_kind = db_col_text(st, 2),
                               .purpose = db_col_text(st, 3),
                               .description = db_col_text(st, 4)};
    return w->row(w->ctx, &b);
}

enum db_status legalbases_list(struct db *db, int (*row)(void *ctx, const struct legalbases_row *b),
                               void *ctx)
{
    struct walk w = {row, ctx};
    return rows_walk(db_stmt(db, "SELECT name, recipient_kind, data_kind, purpose,"
                                 " description FROM legal_bases ORDER BY name"),
                     DB_OK, each, &w);
}

enum db_status legalbases_find(struct db *db, const char *recipient_kind, const char *data_kind,
                               const char *purpose, char *name, size_t cap)
{
    struct db_stmt *st = db_stmt(db, "SELECT name FROM legal_bases WHERE recipient_kind = ?"
                                     " AND data_kind = ? AND purpose = ? ORDER BY name LIMIT 1");
    enum db_status s =
        ROWS_BIND(st, 1, ROWS_TEXT(recipient_kind), ROWS_TEXT(data_kind), ROWS_TEXT(purpose));
    if (s == DB_OK)
        s = db_step(st);
    if (s == DB_ROW) {
        const char *t = db_col_text(st, 0);
        snprintf(name, cap, "%s", t ? t : "");
    }
    if (st)
        db_stmt_done(st);
    return s;
}
