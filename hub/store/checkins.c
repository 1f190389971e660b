/*
 * checkins.c: the check-ins store (see checkins.h).
 *
 * checkins has no town column: the town is the resident's. A check-in is stored by one
 * INSERT ... SELECT from the resident and the device, both looked up by primary key with
 * the town (the hot path pays two index probes, docs/benchmarks.md); reads join residents.
 */
#include "checkins.h"
#include "rows.h"

enum db_status checkins_add(struct db *db, const struct scope *sc, int64_t resident, int64_t device,
                            const char *answer, int64_t at, int64_t *id)
{
    return rows_insert_sign(db,
                            "INSERT INTO checkins(resident_id, device_id, answer, at_unix)"
                            " SELECT r.id, d.id, ?, ? FROM residents r JOIN devices d ON d.id = ?"
                            " AND d.municipality_id = r.municipality_id"
                            " WHERE r.id = ? AND r.municipality_id = ? RETURNING id",
                            sc, resident, device, answer, at, id);
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
