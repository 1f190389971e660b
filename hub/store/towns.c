/*
 * towns.c: the municipalities store (see towns.h).
 */
#include "towns.h"
#include "rows.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum db_status towns_add(struct db *db, const struct towns_new *t, int64_t now, int64_t *id)
{
    struct db_stmt *st = db_stmt(db, "INSERT INTO municipalities(code, name, service_hours,"
                                     " contact, created_unix) VALUES(?, ?, ?, ?, ?) RETURNING id");
    enum db_status s = ROWS_BIND(st, 1, ROWS_TEXT(t->code), ROWS_TEXT(t->name),
                                 ROWS_TEXT(t->service_hours ? t->service_hours : ""),
                                 ROWS_TEXT(t->contact ? t->contact : ""), ROWS_INT(now));
    return db_insert_id(st, s, id);
}

enum db_status towns_set(struct db *db, const struct scope *sc, const struct towns_new *t,
                         int *changed)
{
    *changed = 0;
    if (!sc)
        return DB_ERR;
    struct db_stmt *st = db_stmt(db, "UPDATE municipalities SET code = COALESCE(?, code),"
                                     " name = COALESCE(?, name),"
                                     " service_hours = COALESCE(?, service_hours),"
                                     " contact = COALESCE(?, contact) WHERE id = ?");
    enum db_status s = ROWS_BIND(st, 1, ROWS_TEXT(t->code), ROWS_TEXT(t->name),
                                 ROWS_TEXT(t->service_hours), ROWS_TEXT(t->contact), ROWS_TOWN(sc));
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    if (s == DB_DONE)
        *changed = db_changes(db) > 0;
    return s == DB_DONE ? DB_OK : s;
}

static void read_row(struct db_stmt *st, struct towns_row *t)
{
    const char *code = db_col_text(st, 1), *name = db_col_text(st, 2);
    const char *hours = db_col_text(st, 3), *contact = db_col_text(st, 4);
    t->id = db_col_int64(st, 0);
    snprintf(t->code, sizeof t->code, "%s", code ? code : "");
    snprintf(t->name, sizeof t->name, "%s", name ? name : "");
    snprintf(t->service_hours, sizeof t->service_hours, "%s", hours ? hours : "");
    snprintf(t->contact, sizeof t->contact, "%s", contact ? contact : "");
}

enum db_status towns_get(struct db *db, const struct scope *sc, struct towns_row *out)
{
    if (!sc)
        return DB_ERR;
    struct db_stmt *st = db_stmt(db, "SELECT id, code, name, service_hours, contact"
                                     " FROM municipalities WHERE id = ?");
    if (!st)
        return DB_ERR;
    enum db_status s = db_bind_int64(st, 1, scope_town(sc));
    if (s == DB_OK)
        s = db_step(st);
    if (s == DB_ROW)
        read_row(st, out);
    db_stmt_done(st);
    return s;
}

enum db_status towns_find(struct db *db, const char *code_or_id, int64_t *id)
{
    size_t n = code_or_id ? strlen(code_or_id) : 0;
    if (n == 0 || strspn(code_or_id, "0123456789") != n)
        return DB_DONE;
    if (n == 6) {
        struct db_stmt *st = db_stmt(db, "SELECT id FROM municipalities WHERE code = ?");
        if (!st)
            return DB_ERR;
        enum db_status s = db_bind_text(st, 1, code_or_id, -1);
        if (s == DB_OK)
            s = db_step(st);
        if (s == DB_ROW)
            *id = db_col_int64(st, 0);
        db_stmt_done(st);
        return s;
    }
    if (n > 5)
        return DB_DONE;
    errno = 0;
    long long v = strtoll(code_or_id, NULL, 10);
    if (errno || v <= 0)
        return DB_DONE;
    return db_get_int64(db, "SELECT id FROM municipalities WHERE id = ?", v, id);
}

struct walk {
    int (*row)(void *ctx, const struct towns_row *t);
    void *ctx;
};

static int each(void *arg, struct db_stmt *st)
{
    const struct walk *w = arg;
    struct towns_row t;
    read_row(st, &t);
    return w->row(w->ctx, &t);
}

enum db_status towns_list(struct db *db, int (*row)(void *ctx, const struct towns_row *t),
                          void *ctx)
{
    struct walk w = {row, ctx};
    return rows_walk(db_stmt(db, "SELECT id, code, name, service_hours, contact"
                                 " FROM municipalities ORDER BY id"),
                     DB_OK, each, &w);
}

enum db_status towns_count(struct db *db, int64_t *n, int64_t *only)
{
    struct db_stmt *st = db_stmt(db, "SELECT COUNT(*), MIN(id) FROM municipalities");
    if (!st)
        return DB_ERR;
    enum db_status s = db_step(st);
    if (s == DB_ROW) {
        *n = db_col_int64(st, 0);
        *only = *n == 1 ? db_col_int64(st, 1) : 0;
        s = DB_OK;
    }
    db_stmt_done(st);
    return s;
}
