/*
 * rows.h: the one loop of the stores' listings (step a statement to its end, hand each
 * row to a reader, stop when the reader says so) and the binding of integer parameters.
 * Internal to hub/store/.
 */
#ifndef HUB_STORE_ROWS_H
#define HUB_STORE_ROWS_H

#include "db.h"
#include "scope.h"

#include <stddef.h>

#include <stdint.h>

/*
 * Steps st to its end when bound (the result of its binds) is DB_OK, calling each(ctx, st)
 * for every row (read the columns there; they are borrowed until it returns); a non-zero
 * return stops the walk with DB_ERR. Gives st back (db_stmt_done) in every case, also when
 * st is NULL (then DB_ERR). DB_OK or the first failure.
 */
enum db_status rows_walk(struct db_stmt *st, enum db_status bound,
                         int (*each)(void *ctx, struct db_stmt *st), void *ctx);

/* Binds v[0..n-1] to the parameters 1..n of st. DB_OK, or DB_ERR when st is NULL, or the
 * first failure. */
enum db_status rows_bind_int64s(struct db_stmt *st, int n, const int64_t *v);

/* One value to bind: an integer, a text (NULL binds SQL NULL; ROWS_TEXTN: its first len
 * bytes, NUL or not), SQL NULL, or the town of a scope (rows_bind_town(): DB_ERR for a
 * NULL scope). */
struct rows_val {
    enum { ROWS_V_INT, ROWS_V_TEXT, ROWS_V_TEXTN, ROWS_V_NULL, ROWS_V_TOWN } kind;
    int64_t i;
    const char *t;
    const struct scope *sc;
};
#define ROWS_INT(v)        ((struct rows_val){.kind = ROWS_V_INT, .i = (v)})
#define ROWS_TEXT(v)       ((struct rows_val){.kind = ROWS_V_TEXT, .t = (v)})
#define ROWS_TEXTN(v, len) ((struct rows_val){.kind = ROWS_V_TEXTN, .t = (v), .i = (int64_t)(len)})
#define ROWS_NULL          ((struct rows_val){.kind = ROWS_V_NULL})
#define ROWS_TOWN(scope)   ((struct rows_val){.kind = ROWS_V_TOWN, .sc = (scope)})
/* Binds v[0..n-1] to the parameters first..first+n-1 of st. DB_OK, or DB_ERR when st is
 * NULL, or the first failure. */
enum db_status rows_bind(struct db_stmt *st, int first, int n, const struct rows_val *v);
/* rows_bind() of the values listed: ROWS_BIND(st, 1, ROWS_TEXT(name), ROWS_INT(now)). */
#define ROWS_BIND(st, first, ...)                                                                  \
    rows_bind((st), (first),                                                                       \
              (int)(sizeof((struct rows_val[]){__VA_ARGS__}) / sizeof(struct rows_val)),           \
              (struct rows_val[]){__VA_ARGS__})

/* One text of the row with this id in the scope's town: sql is a literal with two
 * parameters, the id then the town. DB_ROW with the text copied into out (cap bytes, cut to
 * fit), DB_DONE when there is no such row in that town (NULL scope: DB_ERR), or an error. */
enum db_status rows_text_in_town(struct db *db, const char *sql, const struct scope *sc, int64_t id,
                                 char *out, size_t cap);

/* A condition restricting a table's resident_id to the residents of one town, whose id is
 * its one parameter: for the tables that have no town column of their own. */
#define ROWS_RESIDENT_IN_TOWN " resident_id IN (SELECT id FROM residents WHERE municipality_id = ?)"
/*
 * Housekeeping: runs a DELETE of at most limit old rows (sql: a literal with two
 * parameters, the cut-off time then the limit; pg_sql: the same for PostgreSQL, which
 * skips rows another transaction holds, or NULL when sql serves both). *deleted: how many.
 */
enum db_status rows_delete_old(struct db *db, const char *sql, const char *pg_sql, int64_t before,
                               int64_t limit, int64_t *deleted);

/* Binds the scope's town to parameter idx of st (DB_ERR for a NULL scope or statement). */
enum db_status rows_bind_town(struct db_stmt *st, int idx, const struct scope *sc);

/* Whether resident belongs to the scope's town, for a function keyed by a resident whose
 * table has no town of its own: DB_OK when it does, DB_DONE when not (or no such resident;
 * the caller answers as if there were nothing), DB_ERR for a NULL scope, or an error. One
 * primary-key lookup in the caller's transaction. */
enum db_status rows_resident_here(struct db *db, const struct scope *sc, int64_t resident);

/* db_insert_id() for an INSERT ... SELECT ... WHERE <in the scope's town> RETURNING id:
 * no row inserted (the thing it hangs on is not in the town) is DB_ERR_CONSTRAINT, the
 * foreign key's answer for a missing parent. */
enum db_status rows_insert_here(struct db_stmt *st, enum db_status bound, int64_t *id);

/* A sign of life (a check-in, an activity) of resident from device, both of the scope's
 * town: sql is an INSERT ... SELECT ... RETURNING id whose parameters are the text, the
 * time, the device, the resident and the town, in that order. As rows_insert_here. */
enum db_status rows_insert_sign(struct db *db, const char *sql, const struct scope *sc,
                                int64_t resident, int64_t device, const char *text, int64_t at,
                                int64_t *id);

#endif
