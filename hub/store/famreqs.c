/*
 * famreqs.c: the family requests store (see famreqs.h). ord_famreq has no town column: every
 * statement restricts resident_id to the town's residents.
 */
#include "famreqs.h"
#include "rows.h"

#include <stdio.h>
#include <string.h>

enum orders_rc famreqs_insert(struct db *db, const struct scope *sc, long long resident_id,
                              long long family_id, enum famreq_code code, long long now,
                              long long *id)
{
    int64_t new_id = 0;
    if (famreq_code_from_str(famreq_code_str(code), &code) != 0)
        return ORDERS_INVALID;
    struct db_stmt *st = sc ? db_stmt(db, "INSERT INTO ord_famreq(resident_id, family_id, code,"
                                          " created_unix) SELECT id, ?, ?, ? FROM residents"
                                          " WHERE id = ? AND municipality_id = ? RETURNING id")
                            : NULL;
    if (!st)
        return ORDERS_DB;
    enum db_status s = ROWS_BIND(st, 1, ROWS_INT(family_id), ROWS_TEXT(famreq_code_str(code)),
                                 ROWS_INT(now), ROWS_INT(resident_id));
    if (s == DB_OK)
        s = rows_bind_town(st, 5, sc);
    s = rows_insert_here(st, s, &new_id);
    if (s != DB_OK)
        return s == DB_ERR_CONSTRAINT ? ORDERS_NOT_FOUND : ORDERS_DB;
    *id = new_id;
    return ORDERS_OK;
}

/* Columns id, resident_id, family_id, code, answer, created_unix, answered_unix from col 0. */
static enum orders_rc read_row(struct db_stmt *st, struct famreq *out)
{
    memset(out, 0, sizeof *out);
    out->id = db_col_int64(st, 0);
    out->resident_id = db_col_int64(st, 1);
    out->family_id = db_col_int64(st, 2);
    if (famreq_code_from_str(db_col_text(st, 3), &out->code) != 0)
        return ORDERS_DB;
    out->answered = !db_col_is_null(st, 4);
    out->answer = FAMREQ_UNDERSTOOD;
    out->created_unix = db_col_int64(st, 5);
    out->answered_unix = db_col_int64(st, 6);
    return ORDERS_OK;
}

enum orders_rc famreqs_get(struct db *db, const struct scope *sc, long long id, struct famreq *out)
{
    enum orders_rc rc = ORDERS_DB;
    memset(out, 0, sizeof *out);
    struct db_stmt *st = db_stmt(db, "SELECT id, resident_id, family_id, code, answer,"
                                     " created_unix, answered_unix FROM ord_famreq WHERE id = ?"
                                     " AND" ROWS_RESIDENT_IN_TOWN);
    if (!st)
        return ORDERS_DB;
    enum db_status s = ROWS_BIND(st, 1, ROWS_INT(id), ROWS_TOWN(sc));
    if (s == DB_OK)
        s = db_step(st);
    if (s == DB_ROW)
        rc = read_row(st, out);
    else if (s == DB_DONE)
        rc = ORDERS_NOT_FOUND;
    db_stmt_done(st);
    return rc;
}

enum orders_rc famreqs_set_answer(struct db *db, const struct scope *sc, long long id,
                                  long long family_id, enum famreq_answer a, long long now,
                                  int *changed)
{
    *changed = 0;
    struct db_stmt *st = db_stmt(db, "UPDATE ord_famreq SET answer = ?, answered_unix = ?"
                                     " WHERE id = ? AND family_id = ? AND answer IS NULL"
                                     " AND" ROWS_RESIDENT_IN_TOWN);
    enum db_status s = rows_bind_town(st, 5, sc);
    if (s != DB_OK)
        return ORDERS_DB;
    s = ROWS_BIND(st, 1, ROWS_TEXT(famreq_answer_str(a)), ROWS_INT(now), ROWS_INT(id),
                  ROWS_INT(family_id));
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    if (s != DB_DONE)
        return ORDERS_DB;
    if (db_changes(db) == 1) {
        *changed = 1;
        return ORDERS_OK;
    }
    /* Already answered (fine) or not this family's request (not found). */
    struct famreq r;
    enum orders_rc rc = famreqs_get(db, sc, id, &r);
    if (rc == ORDERS_OK && r.family_id != family_id)
        rc = ORDERS_NOT_FOUND;
    return rc;
}

enum orders_rc famreqs_list_resident(struct db *db, const struct scope *sc, long long resident_id,
                                     int limit, struct famreqs_row *rows, size_t *n)
{
    enum orders_rc rc = ORDERS_OK;
    *n = 0;
    if (limit < 1 || limit > 100)
        return ORDERS_INVALID;
    struct db_stmt *st = db_stmt(
        db, "SELECT q.id, q.resident_id, q.family_id, q.code, q.answer, q.created_unix,"
            " q.answered_unix, f.display_name FROM ord_famreq q JOIN family f ON f.id ="
            " q.family_id WHERE q.resident_id = ? AND q.resident_id IN (SELECT id FROM residents"
            " WHERE municipality_id = ?) ORDER BY q.id DESC LIMIT ?");
    if (!st)
        return ORDERS_DB;
    enum db_status s = ROWS_BIND(st, 1, ROWS_INT(resident_id), ROWS_TOWN(sc), ROWS_INT(limit));
    while (rc == ORDERS_OK && (s == DB_OK || s == DB_ROW) && *n < (size_t)limit) {
        s = db_step(st);
        if (s != DB_ROW)
            break;
        rc = read_row(st, &rows[*n].q);
        const char *name = db_col_text(st, 7);
        snprintf(rows[*n].family_name, sizeof rows[*n].family_name, "%s", name ? name : "");
        (*n)++;
    }
    db_stmt_done(st);
    if (rc == ORDERS_OK && s != DB_DONE && s != DB_ROW)
        rc = ORDERS_DB;
    return rc;
}
