/*
 * checkins.c: the check-ins store (see checkins.h).
 *
 * checkins has no town column: the town is the resident's. A check-in is stored by one
 * INSERT ... SELECT that finds the resident and the device by primary key and compares
 * their town (the hot path pays two index probes, docs/benchmarks.md); reads join
 * residents. On PostgreSQL checkins has no foreign keys (docs/decisions.md): the INSERT
 * itself locks the resident and the device (FOR KEY SHARE) as the foreign keys' checks
 * did, so a check-in is stored only for rows that exist until its commit, and whoever
 * deletes them waits for it (and deletes its check-ins: store/townleave.c).
 */
#include "checkins.h"
#include "dbarray.h"
#include "rows.h"

static enum db_status add_many_pg(struct db *db, struct checkins_new *c, size_t n);

enum db_status checkins_add(struct db *db, const struct scope *sc, int64_t resident, int64_t device,
                            const char *answer, int64_t at, int64_t *id)
{
    if (db_dialect(db) == DB_POSTGRES) { /* the one statement that locks what it reads */
        struct checkins_new c = {sc, resident, device, answer, at, 0};
        enum db_status s = sc ? add_many_pg(db, &c, 1) : DB_ERR;
        *id = c.id;
        return s;
    }
    return rows_insert_sign(db,
                            "INSERT INTO checkins(resident_id, device_id, answer, at_unix)"
                            " SELECT r.id, d.id, ?, ? FROM residents r JOIN devices d ON d.id = ?"
                            " AND d.municipality_id = r.municipality_id"
                            " WHERE r.id = ? AND r.municipality_id = ? RETURNING id",
                            sc, resident, device, answer, at, id);
}

/* PostgreSQL: the batch as arrays in one statement. Each item's id is drawn from the
 * table's sequence in `u` before the INSERT, and the answer pairs every item (by its
 * place, ord) with its own id and whether it was stored: no reliance on the order in
 * which rows are inserted or returned. Each item's resident and device are looked up by
 * primary key in scalar subqueries, which the planner cannot turn into joins: joined, a
 * generic plan found the resident through residents_town by town alone (a walk through
 * the town's residents for every check-in) and read every device by a sequential scan
 * (docs/benchmarks.md). Each lookup locks its row FOR KEY SHARE: a row deleted by a
 * transaction that committed while this one waited is not found (the item is refused).
 * The arrays are read through a subquery that is never flattened (OFFSET 0), as in
 * auditrecs.c: with their lengths in sight the server planned the statement again at every
 * call, for about half as long as it ran. */
static enum db_status add_many_pg(struct db *db, struct checkins_new *c, size_t n)
{
    struct dbarray a[5];
    for (int i = 0; i < 5; i++)
        dbarray_init(&a[i]);
    for (size_t i = 0; i < n; i++) {
        dbarray_int64(&a[0], c[i].resident);
        dbarray_int64(&a[1], c[i].device);
        dbarray_int64(&a[2], scope_town(c[i].sc));
        dbarray_text(&a[3], c[i].answer);
        dbarray_int64(&a[4], c[i].at);
    }
    struct db_stmt *st =
        db_stmt(db, "WITH u AS (SELECT v.*, nextval(pg_get_serial_sequence('checkins', 'id')) AS id"
                    " FROM (SELECT ?::bigint[] a1, ?::bigint[] a2, ?::bigint[] a3, ?::text[] a4,"
                    " ?::bigint[] a5 OFFSET 0) p, unnest(p.a1, p.a2, p.a3, p.a4, p.a5)"
                    " WITH ORDINALITY AS v(resident, device, town, answer, at, ord)),"
                    " ins AS (INSERT INTO checkins(id, resident_id, device_id, answer, at_unix)"
                    " SELECT u.id, u.resident, u.device, u.answer, u.at FROM u"
                    " WHERE (SELECT r.municipality_id FROM residents r WHERE r.id = u.resident"
                    " FOR KEY SHARE) = u.town"
                    " AND (SELECT d.municipality_id FROM devices d WHERE d.id = u.device"
                    " FOR KEY SHARE) = u.town"
                    " ORDER BY u.ord RETURNING id)"
                    " SELECT u.ord, u.id, ins.id IS NOT NULL FROM u LEFT JOIN ins ON ins.id = u.id"
                    " ORDER BY u.ord");
    enum db_status s = st ? DB_OK : DB_ERR;
    for (int i = 0; i < 5 && s == DB_OK; i++)
        s = dbarray_bind(st, i + 1, &a[i]);
    size_t seen = 0;
    while (s == DB_OK && (s = db_step(st)) == DB_ROW) {
        int64_t ord = db_col_int64(st, 0);
        s = ord == (int64_t)seen + 1 && seen < n ? DB_OK : DB_ERR;
        if (s == DB_OK && !db_col_int64(st, 2))
            s = DB_ERR_CONSTRAINT; /* not of its town: refused as checkins_add() refuses */
        if (s == DB_OK)
            c[seen++].id = db_col_int64(st, 1);
    }
    if (s == DB_DONE)
        s = seen == n ? DB_OK : DB_ERR;
    if (st)
        db_stmt_done(st);
    for (int i = 0; i < 5; i++)
        dbarray_free(&a[i]);
    return s;
}

enum db_status checkins_add_many(struct db *db, struct checkins_new *c, size_t n)
{
    enum db_status s = n >= 1 && n <= CHECKINS_MANY_MAX ? DB_OK : DB_ERR;
    for (size_t i = 0; i < n && s == DB_OK; i++)
        s = c[i].sc ? DB_OK : DB_ERR;
    if (s == DB_OK && db_dialect(db) == DB_POSTGRES)
        return add_many_pg(db, c, n);
    for (size_t i = 0; i < n && s == DB_OK; i++)
        s = checkins_add(db, c[i].sc, c[i].resident, c[i].device, c[i].answer, c[i].at, &c[i].id);
    return s;
}

struct walk {
    int (*row)(void *ctx, const struct checkins_row *c);
    void *ctx;
};

static int each(void *arg, struct db_stmt *st)
{
    const struct walk *w = arg;
    struct checkins_row c = {.id = db_col_int64(st, 0),
                             .answer = db_col_text(st, 1),
                             .at = db_col_int64(st, 2),
                             .resident = db_col_int64(st, 3),
                             .device = db_col_int64(st, 4)};
    return w->row(w->ctx, &c);
}

/* Walks st, whose parameters are (resident or 0, town, limit). */
static enum db_status walk(struct db_stmt *st, const struct scope *sc, int64_t resident,
                           int64_t limit, int (*row)(void *ctx, const struct checkins_row *c),
                           void *ctx)
{
    struct walk w = {row, ctx};
    enum db_status s = sc ? rows_bind_int64s(st, 1, &resident) : DB_ERR;
    if (s == DB_OK)
        s = rows_bind_town(st, 2, sc);
    if (s == DB_OK)
        s = db_bind_int64(st, 3, limit);
    return rows_walk(st, s, each, &w);
}

enum db_status checkins_newest(struct db *db, const struct scope *sc, int64_t resident,
                               int64_t limit, int (*row)(void *ctx, const struct checkins_row *c),
                               void *ctx)
{
    return walk(db_stmt(db, "SELECT c.id, c.answer, c.at_unix, c.resident_id, c.device_id"
                            " FROM checkins c JOIN residents r ON r.id = c.resident_id"
                            " WHERE c.resident_id = ? AND r.municipality_id = ?"
                            " ORDER BY c.id DESC LIMIT ?"),
                sc, resident, limit, row, ctx);
}

enum db_status checkins_list(struct db *db, const struct scope *sc, int64_t resident, int64_t limit,
                             int (*row)(void *ctx, const struct checkins_row *c), void *ctx)
{
    if (resident > 0)
        return checkins_newest(db, sc, resident, limit, row, ctx);
    return walk(db_stmt(db, "SELECT c.id, c.answer, c.at_unix, c.resident_id, c.device_id"
                            " FROM checkins c JOIN residents r ON r.id = c.resident_id"
                            " WHERE 0 = ? AND r.municipality_id = ? ORDER BY c.id DESC LIMIT ?"),
                sc, 0, limit, row, ctx);
}
