/*
 * consents.c: the consents store (see consents.h). consents has no town column: the town is
 * the resident's, checked first by primary key (rows_resident_here) where a function names
 * one resident, joined where it lists the town's.
 */
#include "consents.h"
#include "rows.h"

/* Binds the five columns that name a consent, from index first. */
static enum db_status bind_key(struct db_stmt *st, int first, const struct consents_key *k)
{
    enum db_status s = db_bind_int64(st, first, k->resident);
    if (s == DB_OK)
        s = db_bind_text(st, first + 1, k->recipient_kind, -1);
    if (s == DB_OK)
        s = db_bind_int64(st, first + 2, k->recipient_id);
    if (s == DB_OK)
        s = db_bind_text(st, first + 3, k->data_kind, -1);
    if (s == DB_OK)
        s = db_bind_text(st, first + 4, k->purpose, -1);
    return s;
}

/* The id of the consent in force for k: DB_ROW with *id, DB_DONE when none. */
static enum db_status in_force(struct db *db, const struct consents_key *k, int64_t *id)
{
    struct db_stmt *st = db_stmt(db, "SELECT id FROM consents WHERE resident_id = ? AND"
                                     " recipient_kind = ? AND recipient_id = ? AND data_kind = ?"
                                     " AND purpose = ? AND revoked_unix IS NULL");
    if (!st)
        return DB_ERR;
    enum db_status s = bind_key(st, 1, k);
    if (s == DB_OK)
        s = db_step(st);
    if (s == DB_ROW)
        *id = db_col_int64(st, 0);
    db_stmt_done(st);
    return s;
}

enum db_status consents_grant(struct db *db, const struct scope *sc, const struct consents_key *k,
                              int64_t now, const char *via, int64_t *id, int *created)
{
    /* Insert first: the unique index of consents in force makes a second grant (also one
     * committed by another process meanwhile) a conflict, and then the one in force is
     * read. */
    *created = 0;
    enum db_status here = rows_resident_here(db, sc, k->resident);
    if (here != DB_OK)
        return here == DB_DONE ? DB_ERR_CONSTRAINT : here;
    struct db_stmt *st = db_stmt(db, "INSERT INTO consents(resident_id, recipient_kind,"
                                     " recipient_id, data_kind, purpose, granted_unix,"
                                     " granted_via) VALUES(?, ?, ?, ?, ?, ?, ?)"
                                     " ON CONFLICT(resident_id, recipient_kind, recipient_id,"
                                     " data_kind, purpose) WHERE revoked_unix IS NULL"
                                     " DO NOTHING RETURNING id");
    if (!st)
        return DB_ERR;
    enum db_status s = bind_key(st, 1, k);
    if (s == DB_OK)
        s = ROWS_BIND(st, 6, ROWS_INT(now), ROWS_TEXT(via));
    if (s == DB_OK)
        s = db_step(st);
    if (s == DB_ROW)
        *id = db_col_int64(st, 0);
    db_stmt_done(st);
    if (s == DB_ROW) {
        *created = 1;
        return DB_OK;
    }
    if (s != DB_DONE)
        return s;
    s = in_force(db, k, id);
    return s == DB_ROW ? DB_OK : s == DB_DONE ? DB_ERR : s;
}

enum db_status consents_revoke(struct db *db, const struct scope *sc, const struct consents_key *k,
                               int64_t now, int64_t *revoked)
{
    *revoked = 0;
    enum db_status here = rows_resident_here(db, sc, k->resident);
    if (here != DB_OK)
        return here == DB_DONE ? DB_OK : here;
    struct db_stmt *st = db_stmt(db, "UPDATE consents SET revoked_unix = ? WHERE resident_id = ?"
                                     " AND recipient_kind = ? AND recipient_id = ? AND"
                                     " data_kind = ? AND purpose = ? AND revoked_unix IS NULL");
    if (!st)
        return DB_ERR;
    enum db_status s = db_bind_int64(st, 1, now);
    if (s == DB_OK)
        s = bind_key(st, 2, k);
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    if (s == DB_DONE)
        *revoked = db_changes(db);
    return s == DB_DONE ? DB_OK : s;
}

enum db_status consents_in_force(struct db *db, const struct scope *sc,
                                 const struct consents_key *k, int64_t *id)
{
    *id = 0;
    struct db_stmt *st =
        db_stmt(db, "SELECT id FROM consents WHERE recipient_kind = ? AND recipient_id = ?"
                    " AND (data_kind = ? OR (? LIKE 'checkups:%' AND data_kind = 'checkups'))"
                    " AND purpose = ? AND resident_id = ? AND revoked_unix IS NULL"
                    " AND" ROWS_RESIDENT_IN_TOWN " ORDER BY id DESC LIMIT 1");
    enum db_status s = ROWS_BIND(st, 1, ROWS_TEXT(k->recipient_kind), ROWS_INT(k->recipient_id),
                                 ROWS_TEXT(k->data_kind), ROWS_TEXT(k->data_kind),
                                 ROWS_TEXT(k->purpose), ROWS_INT(k->resident), ROWS_TOWN(sc));
    if (s == DB_OK)
        s = db_step(st);
    if (s == DB_ROW)
        *id = db_col_int64(st, 0);
    if (st)
        db_stmt_done(st);
    return s;
}

struct walk_rows {
    int (*row)(void *ctx, const struct consents_row *c);
    void *ctx;
};

static int each_row(void *arg, struct db_stmt *st)
{
    const struct walk_rows *w = arg;
    struct consents_row c = {.id = db_col_int64(st, 0),
                             .resident = db_col_int64(st, 1),
                             .recipient_kind = db_col_text(st, 2),
                             .recipient_id = db_col_int64(st, 3),
                             .data_kind = db_col_text(st, 4),
                             .purpose = db_col_text(st, 5),
                             .granted_at = db_col_int64(st, 6),
                             .granted_via = db_col_text(st, 7),
                             .revoked_at = db_col_int64(st, 8)};
    return w->row(w->ctx, &c);
}

enum db_status consents_list(struct db *db, const struct scope *sc, int64_t resident,
                             int in_force_only, int (*row)(void *ctx, const struct consents_row *c),
                             void *ctx)
{
    struct db_stmt *st = db_stmt(db, "SELECT c.id, c.resident_id, c.recipient_kind,"
                                     " c.recipient_id, c.data_kind, c.purpose, c.granted_unix,"
                                     " c.granted_via, c.revoked_unix FROM consents c"
                                     " JOIN residents r ON r.id = c.resident_id"
                                     " WHERE (? = 0 OR c.resident_id = ?)"
                                     " AND (? = 0 OR c.revoked_unix IS NULL)"
                                     " AND r.municipality_id = ? ORDER BY c.id");
    enum db_status s =
        rows_bind_int64s(st, 3, (const int64_t[]){resident, resident, in_force_only ? 1 : 0});
    if (s == DB_OK)
        s = rows_bind_town(st, 4, sc);
    struct walk_rows w = {row, ctx};
    return rows_walk(st, s, each_row, &w);
}

/* The choices in both dialects; only the test "the operator's districts hold the
 * resident's" differs (instr on SQLite, strpos on PostgreSQL). Every `?` is the resident. */
#define CHOICES(FIND)                                                                              \
    "SELECT k.kind, k.rid, k.data_kind, k.purpose,"                                                \
    " (SELECT c.id FROM consents c WHERE c.resident_id = ? AND c.recipient_kind = k.kind"          \
    "  AND c.recipient_id = k.rid AND c.data_kind = k.data_kind AND c.purpose = k.purpose"         \
    "  AND c.revoked_unix IS NULL ORDER BY c.id DESC LIMIT 1),"                                    \
    " (SELECT c.granted_unix FROM consents c WHERE c.resident_id = ?"                              \
    "  AND c.recipient_kind = k.kind AND c.recipient_id = k.rid"                                   \
    "  AND c.data_kind = k.data_kind AND c.purpose = k.purpose"                                    \
    "  AND c.revoked_unix IS NULL ORDER BY c.id DESC LIMIT 1),"                                    \
    " (SELECT MAX(c.revoked_unix) FROM consents c WHERE c.resident_id = ?"                         \
    "  AND c.recipient_kind = k.kind AND c.recipient_id = k.rid"                                   \
    "  AND c.data_kind = k.data_kind AND c.purpose = k.purpose)"                                   \
    " FROM (SELECT 'family' AS kind, family_id AS rid, 'safety' AS data_kind,"                     \
    "  'watch_over' AS purpose, 0 AS o FROM family_links WHERE resident_id = ?"                    \
    " UNION SELECT 'source', source_id, 'checkups:' || source_id, 'linkage', 1"                    \
    "  FROM checkups WHERE resident_id = ?"                                                        \
    " UNION SELECT 'operator', p.id, 'address', 'delivery', 2 FROM operators p"                    \
    "  JOIN residents r ON r.id = ? WHERE " FIND " > 0"                                            \
    " UNION SELECT recipient_kind, recipient_id, data_kind, purpose, 3 FROM consents"              \
    "  WHERE resident_id = ?) k"                                                                   \
    " GROUP BY k.kind, k.rid, k.data_kind, k.purpose"                                              \
    " ORDER BY MIN(k.o), k.kind, k.rid, k.data_kind LIMIT 200"

struct walk_choices {
    int (*row)(void *ctx, const struct consents_choice *c);
    void *ctx;
};

static int each_choice(void *arg, struct db_stmt *st)
{
    const struct walk_choices *w = arg;
    struct consents_choice c = {.recipient_kind = db_col_text(st, 0),
                                .recipient_id = db_col_int64(st, 1),
                                .data_kind = db_col_text(st, 2),
                                .purpose = db_col_text(st, 3),
                                .consent_id = db_col_int64(st, 4),
                                .granted_at = db_col_int64(st, 5),
                                .revoked_at = db_col_int64(st, 6)};
    return w->row(w->ctx, &c);
}

enum db_status consents_choices(struct db *db, const struct scope *sc, int64_t resident,
                                int (*row)(void *ctx, const struct consents_choice *c), void *ctx)
{
    enum db_status here = rows_resident_here(db, sc, resident);
    if (here != DB_OK)
        return here == DB_DONE ? DB_OK : here;
    struct db_stmt *st =
        db_dialect(db) == DB_POSTGRES
            ? db_stmt(db, CHOICES("strpos(',' || p.districts || ',', ',' || r.district || ',')"))
            : db_stmt(db, CHOICES("instr(',' || p.districts || ',', ',' || r.district || ',')"));
    enum db_status s = rows_bind_int64s(
        st, 7,
        (const int64_t[]){resident, resident, resident, resident, resident, resident, resident});
    struct walk_choices w = {row, ctx};
    return rows_walk(st, s, each_choice, &w);
}
