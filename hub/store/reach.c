/*
 * reach.c: the family links and operator contracts as the gate reads them (see reach.h).
 */
#include "reach.h"
#include "rows.h"

/* Steps a statement of two integer parameters (a, b) to its first row: DB_ROW with column
 * 0 into *out (may be NULL), DB_DONE, or an error. */
static enum db_status first_of(struct db *db, const char *sql, int64_t a, int64_t b, int64_t *out)
{
    struct db_stmt *st = db_stmt(db, sql);
    enum db_status s = ROWS_BIND(st, 1, ROWS_INT(a), ROWS_INT(b));
    if (s == DB_OK)
        s = db_step(st);
    if (s == DB_ROW && out)
        *out = db_col_int64(st, 0);
    db_stmt_done(st);
    return s;
}

enum db_status reach_link_town(struct db *db, int64_t family, int64_t resident, int64_t *town)
{
    return first_of(db,
                    "SELECT l.municipality_id FROM family_links l"
                    " JOIN residents r ON r.id = l.resident_id"
                    " AND r.municipality_id = l.municipality_id"
                    " WHERE l.family_id = ? AND l.resident_id = ?",
                    family, resident, town);
}

enum db_status reach_contracted(struct db *db, int64_t operator, int64_t resident, int64_t *town)
{
    return first_of(db,
                    "SELECT c.municipality_id FROM operator_contracts c JOIN residents r"
                    " ON r.municipality_id = c.municipality_id"
                    " WHERE c.operator_id = ? AND r.id = ?",
                    operator, resident, town);
}

struct each_town {
    int (*fn)(void *ctx, int64_t town);
    void *ctx;
};

static int each_town(void *arg, struct db_stmt *st)
{
    const struct each_town *w = arg;
    return w->fn(w->ctx, db_col_int64(st, 0));
}

enum db_status reach_link_towns(struct db *db, int64_t family, int (*fn)(void *ctx, int64_t town),
                                void *ctx)
{
    struct db_stmt *st = db_stmt(db, "SELECT DISTINCT municipality_id FROM family_links"
                                     " WHERE family_id = ? ORDER BY municipality_id");
    struct each_town w = {fn, ctx};
    return rows_walk(st, ROWS_BIND(st, 1, ROWS_INT(family)), each_town, &w);
}

enum db_status reach_contract_towns(struct db *db, int64_t operator,
                                    int (*fn)(void *ctx, int64_t town), void *ctx)
{
    struct db_stmt *st = db_stmt(db, "SELECT municipality_id FROM operator_contracts"
                                     " WHERE operator_id = ? ORDER BY municipality_id");
    struct each_town w = {fn, ctx};
    return rows_walk(st, ROWS_BIND(st, 1, ROWS_INT(operator)), each_town, &w);
}
