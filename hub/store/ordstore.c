/*
 * ordstore.c: the orders store (see ordstore.h).
 */
#include "ordstore.h"
#include "rows.h"
#include "deliveries.h"
#include "pseudokeys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

/* A column's text into dst (cut to cap - 1 bytes; NULL reads as ""). */
static void copy_col(char *dst, size_t cap, struct db_stmt *st, int col)
{
    const char *s = db_col_text(st, col);
    snprintf(dst, cap, "%s", s ? s : "");
}

static enum orders_rc insert_items(struct db *db, const struct orders_order *o)
{
    for (int i = 0; i < o->n_items; i++) {
        struct db_stmt *it =
            db_stmt(db, "INSERT INTO ord_order_items(order_id, line, item_id, name, qty,"
                        " unit_price_yen) VALUES(?, ?, ?, ?, ?, ?)");
        if (!it)
            return ORDERS_DB;
        enum db_status s = ROWS_BIND(it, 1, ROWS_INT(o->id), ROWS_INT(i), ROWS_TEXT(o->items[i].id),
                                     ROWS_TEXT(o->items[i].name), ROWS_INT(o->items[i].qty),
                                     ROWS_INT(o->items[i].unit_price_yen));
        if (s == DB_OK)
            s = db_step(it);
        db_stmt_done(it);
        if (s != DB_DONE)
            return ORDERS_DB;
    }
    return ORDERS_OK;
}

enum orders_rc ordstore_insert(struct db *db, const struct scope *sc, struct orders_order *o,
                               long long now)
{
    int64_t id = 0;
    if (o->n_items < 1 || o->n_items > ORDERS_MAX_ITEMS || o->district[0] == '\0')
        return ORDERS_INVALID;
    struct db_stmt *st =
        sc ? db_stmt(db, "INSERT INTO ord_orders(resident_id, operator_id, district, slot,"
                         " payment, total_yen, status, created_unix, updated_unix)"
                         " SELECT id, ?, ?, ?, ?, ?, 'created', ?, ? FROM residents"
                         " WHERE id = ? AND municipality_id = ? RETURNING id")
           : NULL;
    if (!st)
        return ORDERS_DB;
    enum db_status s = ROWS_BIND(st, 8, ROWS_INT(o->resident_id), ROWS_TOWN(sc));
    if (s == DB_OK)
        s = ROWS_BIND(st, 1, ROWS_INT(o->operator_id), ROWS_TEXT(o->district), ROWS_TEXT(o->slot),
                      ROWS_TEXT(o->payment), ROWS_INT(o->total_yen), ROWS_INT(now), ROWS_INT(now));
    s = rows_insert_here(st, s, &id);
    if (s != DB_OK)
        return s == DB_ERR_CONSTRAINT ? ORDERS_NOT_FOUND : ORDERS_DB;
    o->id = id;
    enum orders_rc rc = insert_items(db, o);
    if (rc != ORDERS_OK)
        return rc;
    o->status = OSTATUS_CREATED;
    o->created_unix = o->updated_unix = now;
    return ORDERS_OK;
}

enum orders_rc ordstore_place(struct db *db, const struct scope *sc, struct orders_order *o,
                              int address_consent, const struct oview_person *person, long long now,
                              char **operator_body)
{
    char recipient[ORDERS_RECIPIENT_MAX];
    char pseudonym[OPSEUDO_LEN + 1];
    char *body = NULL;
    if (operator_body)
        *operator_body = NULL;
    snprintf(recipient, sizeof recipient, "operator:%lld", o->operator_id);
    enum orders_rc rc = ordstore_insert(db, sc, o, now);
    if (rc != ORDERS_OK)
        goto out;
    rc = pseudokeys_pseudonym(db, sc, recipient, o->resident_id, pseudonym);
    if (rc != ORDERS_OK)
        goto out;
    cJSON *view = oview_operator_order(o, pseudonym, address_consent, person);
    body = view ? oview_event_body("order.created", now, view) : NULL;
    if (!body) {
        rc = address_consent && !person ? ORDERS_INVALID : ORDERS_NOMEM;
        goto out;
    }
    rc = deliveries_enqueue(db, sc, recipient, "order.created", o->id, body, strlen(body), now,
                            NULL, NULL);
    if (rc != ORDERS_OK)
        goto out;
    if (operator_body) {
        *operator_body = body;
        body = NULL;
    }
out:
    free(body);
    return rc;
}

static enum orders_rc read_items(struct db *db, struct orders_order *out)
{
    struct db_stmt *it = db_stmt(db, "SELECT item_id, name, qty, unit_price_yen FROM"
                                     " ord_order_items WHERE order_id = ? ORDER BY line LIMIT ?");
    if (!it)
        return ORDERS_DB;
    enum db_status s = ROWS_BIND(it, 1, ROWS_INT(out->id), ROWS_INT(ORDERS_MAX_ITEMS));
    while (s == DB_OK || s == DB_ROW) {
        s = db_step(it);
        if (s != DB_ROW)
            break;
        struct orders_item *x = &out->items[out->n_items++];
        copy_col(x->id, sizeof x->id, it, 0);
        copy_col(x->name, sizeof x->name, it, 1);
        x->qty = (int)db_col_int64(it, 2);
        x->unit_price_yen = (long)db_col_int64(it, 3);
    }
    db_stmt_done(it);
    return s == DB_DONE ? ORDERS_OK : ORDERS_DB;
}

enum orders_rc ordstore_get(struct db *db, const struct scope *sc, long long id,
                            struct orders_order *out)
{
    enum orders_rc rc = ORDERS_DB;
    memset(out, 0, sizeof *out);
    struct db_stmt *st =
        db_stmt(db, "SELECT id, resident_id, operator_id, district, slot, payment, total_yen,"
                    " status, eta_unix, cancel_reason, created_unix, updated_unix"
                    " FROM ord_orders WHERE id = ? AND" ROWS_RESIDENT_IN_TOWN);
    if (!st)
        return ORDERS_DB;
    enum db_status s = ROWS_BIND(st, 1, ROWS_INT(id), ROWS_TOWN(sc));
    if (s == DB_OK)
        s = db_step(st);
    if (s == DB_DONE)
        rc = ORDERS_NOT_FOUND;
    if (s != DB_ROW)
        goto out;
    out->id = db_col_int64(st, 0);
    out->resident_id = db_col_int64(st, 1);
    out->operator_id = db_col_int64(st, 2);
    copy_col(out->district, sizeof out->district, st, 3);
    copy_col(out->slot, sizeof out->slot, st, 4);
    copy_col(out->payment, sizeof out->payment, st, 5);
    out->total_yen = (long)db_col_int64(st, 6);
    if (ostatus_from_str(db_col_text(st, 7), &out->status) != 0)
        goto out;
    out->eta_unix = db_col_int64(st, 8);
    copy_col(out->cancel_reason, sizeof out->cancel_reason, st, 9);
    out->created_unix = db_col_int64(st, 10);
    out->updated_unix = db_col_int64(st, 11);
    rc = ORDERS_OK;
out:
    db_stmt_done(st);
    return rc == ORDERS_OK ? read_items(db, out) : rc;
}

enum orders_rc ordstore_set_status(struct db *db, const struct scope *sc, long long id,
                                   long long operator_id, const struct ostatus_update *u,
                                   long long now, int *changed, char *err, size_t errlen)
{
    struct orders_order o;
    *changed = 0;
    enum orders_rc rc = ordstore_get(db, sc, id, &o);
    if (rc == ORDERS_OK && o.operator_id != operator_id)
        rc = ORDERS_NOT_FOUND;
    if (rc != ORDERS_OK) {
        if (rc == ORDERS_NOT_FOUND)
            snprintf(err, errlen, "no order %lld for this operator", id);
        return rc;
    }
    switch (ostatus_check(o.status, o.eta_unix, u, err, errlen)) {
    case OSTATUS_NOOP:
        return ORDERS_OK;
    case OSTATUS_REJECT:
        return ORDERS_CONFLICT;
    case OSTATUS_APPLY:
        break;
    }
    /* The WHERE on the old status makes a concurrent update lose cleanly (0 rows). */
    struct db_stmt *st = db_stmt(db, "UPDATE ord_orders SET status = ?, eta_unix = ?,"
                                     " cancel_reason = ?, updated_unix = ? WHERE id = ?"
                                     " AND status = ?");
    if (!st)
        return ORDERS_DB;
    enum db_status s =
        ROWS_BIND(st, 1, ROWS_TEXT(ostatus_str(u->to)),
                  ROWS_INT(u->to == OSTATUS_OUT_FOR_DELIVERY ? u->eta_unix : o.eta_unix),
                  ROWS_TEXT(u->to == OSTATUS_CANCELLED ? u->reason : ""), ROWS_INT(now),
                  ROWS_INT(id), ROWS_TEXT(ostatus_str(o.status)));
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    if (s != DB_DONE)
        return ORDERS_DB;
    if (db_changes(db) != 1) {
        snprintf(err, errlen, "the order changed meanwhile; read it again");
        return ORDERS_CONFLICT;
    }
    *changed = 1;
    return ORDERS_OK;
}

/* The ids of the resident's newest orders (at most 100) into ids; *n how many. */
static enum orders_rc newest_ids(struct db *db, const struct scope *sc, long long resident_id,
                                 int limit, long long *ids, int *n)
{
    struct db_stmt *st = db_stmt(db, "SELECT id FROM ord_orders WHERE resident_id = ?"
                                     " AND" ROWS_RESIDENT_IN_TOWN " ORDER BY id DESC LIMIT ?");
    *n = 0;
    if (!st)
        return ORDERS_DB;
    enum db_status s = ROWS_BIND(st, 1, ROWS_INT(resident_id), ROWS_TOWN(sc), ROWS_INT(limit));
    while ((s == DB_OK || s == DB_ROW) && *n < limit) {
        s = db_step(st);
        if (s == DB_ROW)
            ids[(*n)++] = db_col_int64(st, 0);
    }
    db_stmt_done(st);
    return s == DB_DONE || (s == DB_ROW && *n == limit) ? ORDERS_OK : ORDERS_DB;
}

enum orders_rc ordstore_list_resident_json(struct db *db, const struct scope *sc,
                                           long long resident_id, int limit, char **out)
{
    long long ids[100];
    int n = 0;
    cJSON *root = NULL;
    *out = NULL;
    if (limit < 1 || limit > 100)
        return ORDERS_INVALID;
    enum orders_rc rc = newest_ids(db, sc, resident_id, limit, ids, &n);
    if (rc != ORDERS_OK)
        return rc;
    rc = ORDERS_NOMEM;
    root = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(root, "orders");
    if (!arr)
        goto out;
    for (int i = 0; i < n; i++) {
        struct orders_order o;
        enum orders_rc r = ordstore_get(db, sc, ids[i], &o);
        if (r != ORDERS_OK) {
            rc = r;
            goto out;
        }
        char *js = orders_resident_json(&o);
        cJSON *item = js ? cJSON_Parse(js) : NULL;
        free(js);
        if (!item || !cJSON_AddItemToArray(arr, item)) {
            cJSON_Delete(item);
            goto out;
        }
    }
    *out = cJSON_PrintUnformatted(root);
    rc = *out ? ORDERS_OK : ORDERS_NOMEM;
out:
    cJSON_Delete(root);
    return rc;
}

enum orders_rc ordstore_rebody_without_address(struct db *db, const struct scope *sc,
                                               long long resident_id, long long operator_id,
                                               int *changed)
{
    char recipient[ORDERS_RECIPIENT_MAX];
    struct deliveries_subject pending[DELIVERIES_PAGE];
    size_t n = DELIVERIES_PAGE;
    long long after = 0;
    enum orders_rc rc = ORDERS_OK;
    if (changed)
        *changed = 0;
    snprintf(recipient, sizeof recipient, "operator:%lld", operator_id);
    /* Page by order id: a rewritten delivery stays pending, so the next page starts after
     * the last order seen. */
    while (rc == ORDERS_OK && n == DELIVERIES_PAGE) {
        rc = deliveries_pending_orders(db, sc, recipient, resident_id, after, pending, &n);
        for (size_t i = 0; rc == ORDERS_OK && i < n; i++) {
            struct orders_order o;
            char pseudonym[OPSEUDO_LEN + 1];
            int c = 0;
            after = pending[i].subject_id;
            rc = ordstore_get(db, sc, pending[i].subject_id, &o);
            if (rc == ORDERS_OK)
                rc = pseudokeys_pseudonym(db, sc, recipient, resident_id, pseudonym);
            if (rc != ORDERS_OK)
                break;
            cJSON *view = oview_operator_order(&o, pseudonym, 0, NULL);
            char *body =
                view ? oview_event_body("order.created", pending[i].created_unix, view) : NULL;
            rc = body ? deliveries_rebody(db, sc, recipient, o.id, body, strlen(body), &c)
                      : ORDERS_NOMEM;
            free(body);
            if (changed)
                *changed += c;
        }
    }
    return rc;
}
