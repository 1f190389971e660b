/*
 * orders.c: the order value, its storage and the kiosk's order request (see orders.h).
 * The schema lives here as one SQL text so the hub applies exactly what the library uses.
 */
#include "orders.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "catalog.h"
#include "hubreq.h"
#include "opseudo.h"
#include "oqueue.h"
#include "oview.h"

const char *orders_rc_str(enum orders_rc rc)
{
    switch (rc) {
    case ORDERS_OK:
        return "ok";
    case ORDERS_INVALID:
        return "invalid";
    case ORDERS_NOT_FOUND:
        return "not_found";
    case ORDERS_CONFLICT:
        return "conflict";
    case ORDERS_DB:
        return "database_error";
    case ORDERS_NOMEM:
        return "out_of_memory";
    case ORDERS_IO:
        return "io_error";
    case ORDERS_CRYPTO:
        return "crypto_error";
    }
    return "unknown";
}

const char orders_schema_ddl[] =
    "CREATE TABLE IF NOT EXISTS ord_orders(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  resident_id INTEGER NOT NULL,\n"
    "  operator_id INTEGER NOT NULL,\n"
    "  district TEXT NOT NULL,\n"
    "  slot TEXT NOT NULL,\n"
    "  payment TEXT NOT NULL,\n"
    "  total_yen INTEGER NOT NULL,\n"
    "  status TEXT NOT NULL DEFAULT 'created',\n"
    "  eta_unix INTEGER NOT NULL DEFAULT 0,\n"
    "  cancel_reason TEXT NOT NULL DEFAULT '',\n"
    "  created_unix INTEGER NOT NULL,\n"
    "  updated_unix INTEGER NOT NULL);\n"
    "CREATE INDEX IF NOT EXISTS ord_orders_resident ON ord_orders(resident_id, id);\n"
    "CREATE INDEX IF NOT EXISTS ord_orders_operator ON ord_orders(operator_id, id);\n"
    "CREATE TABLE IF NOT EXISTS ord_order_items(\n"
    "  order_id INTEGER NOT NULL REFERENCES ord_orders(id) ON DELETE CASCADE,\n"
    "  line INTEGER NOT NULL,\n"
    "  item_id TEXT NOT NULL,\n"
    "  name TEXT NOT NULL,\n"
    "  qty INTEGER NOT NULL CHECK(qty BETWEEN 1 AND 99),\n"
    "  unit_price_yen INTEGER NOT NULL,\n"
    "  PRIMARY KEY(order_id, line));\n"
    "CREATE TABLE IF NOT EXISTS ord_idem(\n"
    "  scope TEXT NOT NULL,\n"
    "  key TEXT NOT NULL,\n"
    "  body_hash TEXT NOT NULL,\n"
    "  done INTEGER NOT NULL DEFAULT 0,\n"
    "  attempt INTEGER NOT NULL DEFAULT 1,\n"
    "  claimed_unix INTEGER NOT NULL,\n"
    "  status INTEGER,\n"
    "  answer TEXT,\n"
    "  done_unix INTEGER,\n"
    "  PRIMARY KEY(scope, key));\n"
    "CREATE TABLE IF NOT EXISTS ord_pseudo_keys(\n"
    "  recipient TEXT PRIMARY KEY,\n"
    "  key BLOB NOT NULL CHECK(length(key) = 32));\n"
    "CREATE TABLE IF NOT EXISTS ord_webhooks(\n"
    "  recipient TEXT PRIMARY KEY,\n"
    "  url TEXT NOT NULL,\n"
    "  secret TEXT NOT NULL);\n"
    "CREATE TABLE IF NOT EXISTS ord_deliveries(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  recipient TEXT NOT NULL,\n"
    "  event TEXT NOT NULL,\n"
    "  subject_id INTEGER NOT NULL DEFAULT 0,\n"
    "  msg_id TEXT NOT NULL UNIQUE,\n"
    "  body TEXT NOT NULL,\n"
    "  created_unix INTEGER NOT NULL,\n"
    "  acked_unix INTEGER,\n"
    "  acked_via TEXT,\n"
    "  lease_until INTEGER NOT NULL DEFAULT 0,\n"
    "  offered INTEGER NOT NULL DEFAULT 0,\n"
    "  push_attempts INTEGER NOT NULL DEFAULT 0,\n"
    "  next_push_unix INTEGER,\n"
    "  push_gave_up INTEGER NOT NULL DEFAULT 0,\n"
    "  last_error TEXT);\n"
    "CREATE INDEX IF NOT EXISTS ord_deliveries_pull\n"
    "  ON ord_deliveries(recipient, lease_until) WHERE acked_unix IS NULL;\n"
    "CREATE INDEX IF NOT EXISTS ord_deliveries_push\n"
    "  ON ord_deliveries(next_push_unix) WHERE next_push_unix IS NOT NULL;\n"
    "CREATE TABLE IF NOT EXISTS ord_famreq(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  resident_id INTEGER NOT NULL,\n"
    "  family_id INTEGER NOT NULL,\n"
    "  code TEXT NOT NULL,\n"
    "  created_unix INTEGER NOT NULL,\n"
    "  answer TEXT,\n"
    "  answered_unix INTEGER);\n"
    "CREATE INDEX IF NOT EXISTS ord_famreq_resident ON ord_famreq(resident_id, id);\n"
    "CREATE INDEX IF NOT EXISTS ord_famreq_family ON ord_famreq(family_id, id);\n";

const char *orders_schema_sql(void)
{
    return orders_schema_ddl;
}

enum orders_rc orders_schema_apply(sqlite3 *db)
{
    return sqlite3_exec(db, orders_schema_ddl, NULL, NULL, NULL) == SQLITE_OK ? ORDERS_OK
                                                                              : ORDERS_DB;
}

sqlite3 *orders_db_open(const char *path)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        goto fail;
    }
    sqlite3_busy_timeout(db, 5000);
    if (sqlite3_exec(db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
                     NULL, NULL, NULL) != SQLITE_OK ||
        orders_schema_apply(db) != ORDERS_OK) {
        goto fail;
    }
    return db;
fail:
    sqlite3_close(db);
    return NULL;
}

static int two(const char *s, int lo, int hi, int *v)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9') {
        return 0;
    }
    *v = (s[0] - '0') * 10 + (s[1] - '0');
    return *v >= lo && *v <= hi;
}

/* "YYYY-MM-DDTHH:MM/HH:MM", a real date (2020..2099), from < to. */
static int slot_ok(const char *s)
{
    int y1, y2, mo, d, h1, m1, h2, m2;
    static const int DAYS[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (strlen(s) != 22 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
        s[16] != '/' || s[19] != ':') {
        return 0;
    }
    if (!two(s, 20, 20, &y1) || !two(s + 2, 20, 99, &y2) || !two(s + 5, 1, 12, &mo) ||
        !two(s + 8, 1, 31, &d) || !two(s + 11, 0, 23, &h1) || !two(s + 14, 0, 59, &m1) ||
        !two(s + 17, 0, 24, &h2) || !two(s + 20, 0, 59, &m2)) {
        return 0;
    }
    int year = 2000 + y2;
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (d > DAYS[mo - 1] || (mo == 2 && d == 29 && !leap)) {
        return 0;
    }
    if (h2 == 24 && m2 != 0) {
        return 0;
    }
    return h1 * 60 + m1 < h2 * 60 + m2;
}

static int payment_ok(const char *s)
{
    return strcmp(s, "cash_on_delivery") == 0 || strcmp(s, "invoice") == 0;
}

enum orders_rc orders_request_parse(const char *json, size_t len, const struct catalog *cat,
                                    struct orders_order *out, char *err, size_t errlen)
{
    enum orders_rc rc = ORDERS_INVALID;
    cJSON *root = NULL;
    memset(out, 0, sizeof(*out));
    if (!hubreq_json_object(json, len, ORDERS_MAX_BODY, NULL, NULL, &root, err, errlen) ||
        !hubreq_json_only_keys(root, (const char *const[]){"items", "slot", "payment_method", NULL},
                               err, errlen)) {
        goto out;
    }
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items");
    int n = cJSON_IsArray(items) ? cJSON_GetArraySize(items) : -1;
    if (n < 1 || n > ORDERS_MAX_ITEMS) {
        snprintf(err, errlen, "\"items\" must be a list of 1 to %d items", ORDERS_MAX_ITEMS);
        goto out;
    }
    const cJSON *e = NULL;
    int i = 0;
    long total = 0;
    cJSON_ArrayForEach(e, items)
    {
        char sub[120];
        long long qty = 0;
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(e, "id");
        if (!cJSON_IsObject(e) ||
            !hubreq_json_only_keys(e, (const char *const[]){"id", "qty", NULL}, sub, sizeof(sub))) {
            snprintf(err, errlen, "items[%d] must be {\"id\": ..., \"qty\": ...}", i);
            goto out;
        }
        const struct catalog_item *ci =
            cJSON_IsString(id) ? catalog_find(cat, id->valuestring) : NULL;
        if (!ci) {
            snprintf(err, errlen, "items[%d].id is not in this operator's catalogue", i);
            goto out;
        }
        if (!hubreq_json_int(cJSON_GetObjectItemCaseSensitive(e, "qty"), 1, ORDERS_MAX_QTY, &qty)) {
            snprintf(err, errlen, "items[%d].qty must be a whole number from 1 to %d", i,
                     ORDERS_MAX_QTY);
            goto out;
        }
        for (int k = 0; k < i; k++) {
            if (strcmp(out->items[k].id, ci->id) == 0) {
                snprintf(err, errlen, "items[%d] repeats items[%d]; send one line per item", i, k);
                goto out;
            }
        }
        struct orders_item *it = &out->items[i];
        memcpy(it->id, ci->id, sizeof(it->id));
        memcpy(it->name, ci->name, sizeof(it->name));
        it->qty = (int)qty;
        it->unit_price_yen = ci->price_yen;
        total += it->unit_price_yen * it->qty; /* ≤ 50 × 99 × 10^6: fits in long */
        i++;
    }
    out->n_items = i;
    if (total > ORDERS_MAX_TOTAL_YEN) {
        snprintf(err, errlen, "the order totals %ld yen; at most %ld yen per order", total,
                 ORDERS_MAX_TOTAL_YEN);
        goto out;
    }
    out->total_yen = total;
    const cJSON *slot = cJSON_GetObjectItemCaseSensitive(root, "slot");
    if (!cJSON_IsString(slot) || !slot_ok(slot->valuestring)) {
        snprintf(err, errlen,
                 "\"slot\" must look like 2026-11-24T15:00/17:00 (date, start and end time)");
        goto out;
    }
    memcpy(out->slot, slot->valuestring, strlen(slot->valuestring) + 1);
    const cJSON *pay = cJSON_GetObjectItemCaseSensitive(root, "payment_method");
    if (!cJSON_IsString(pay) || !payment_ok(pay->valuestring)) {
        snprintf(err, errlen, "\"payment_method\" must be cash_on_delivery or invoice");
        goto out;
    }
    memcpy(out->payment, pay->valuestring, strlen(pay->valuestring) + 1);
    out->status = OSTATUS_CREATED;
    rc = ORDERS_OK;
out:
    cJSON_Delete(root);
    return rc;
}

enum orders_rc orders_insert(sqlite3 *db, struct orders_order *o, long long now)
{
    enum orders_rc rc = ORDERS_DB;
    sqlite3_stmt *st = NULL, *it = NULL;
    if (o->n_items < 1 || o->n_items > ORDERS_MAX_ITEMS || o->district[0] == '\0') {
        return ORDERS_INVALID;
    }
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO ord_orders(resident_id, operator_id, district, slot, "
                           "payment, total_yen, status, created_unix, updated_unix) "
                           "VALUES(?1, ?2, ?3, ?4, ?5, ?6, 'created', ?7, ?7)",
                           -1, &st, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "INSERT INTO ord_order_items(order_id, line, item_id, name, qty, "
                           "unit_price_yen) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
                           -1, &it, NULL) != SQLITE_OK) {
        goto out;
    }
    sqlite3_bind_int64(st, 1, o->resident_id);
    sqlite3_bind_int64(st, 2, o->operator_id);
    sqlite3_bind_text(st, 3, o->district, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, o->slot, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, o->payment, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, o->total_yen);
    sqlite3_bind_int64(st, 7, now);
    if (sqlite3_step(st) != SQLITE_DONE) {
        goto out;
    }
    long long id = sqlite3_last_insert_rowid(db);
    for (int i = 0; i < o->n_items; i++) {
        sqlite3_reset(it);
        sqlite3_bind_int64(it, 1, id);
        sqlite3_bind_int(it, 2, i);
        sqlite3_bind_text(it, 3, o->items[i].id, -1, SQLITE_STATIC);
        sqlite3_bind_text(it, 4, o->items[i].name, -1, SQLITE_STATIC);
        sqlite3_bind_int(it, 5, o->items[i].qty);
        sqlite3_bind_int64(it, 6, o->items[i].unit_price_yen);
        if (sqlite3_step(it) != SQLITE_DONE) {
            goto out;
        }
    }
    o->id = id;
    o->status = OSTATUS_CREATED;
    o->created_unix = o->updated_unix = now;
    rc = ORDERS_OK;
out:
    sqlite3_finalize(st);
    sqlite3_finalize(it);
    return rc;
}

enum orders_rc orders_place(sqlite3 *db, struct orders_order *o, int address_consent,
                            const struct oview_person *person, long long now, char **operator_body)
{
    char recipient[ORDERS_RECIPIENT_MAX];
    char pseudonym[OPSEUDO_LEN + 1];
    char *body = NULL;
    if (operator_body) {
        *operator_body = NULL;
    }
    snprintf(recipient, sizeof(recipient), "operator:%lld", o->operator_id);
    enum orders_rc rc = orders_insert(db, o, now);
    if (rc != ORDERS_OK) {
        goto out;
    }
    rc = opseudo_for(db, recipient, o->resident_id, pseudonym);
    if (rc != ORDERS_OK) {
        goto out;
    }
    cJSON *view = oview_operator_order(o, pseudonym, address_consent, person);
    body = view ? oview_event_body("order.created", now, view) : NULL;
    if (!body) {
        rc = address_consent && !person ? ORDERS_INVALID : ORDERS_NOMEM;
        goto out;
    }
    rc = oqueue_enqueue(db, recipient, "order.created", o->id, body, strlen(body), now, NULL, NULL);
    if (rc != ORDERS_OK) {
        goto out;
    }
    if (operator_body) {
        *operator_body = body;
        body = NULL;
    }
out:
    free(body);
    return rc;
}

static void copy_col(char *dst, size_t cap, sqlite3_stmt *st, int col)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    size_t n = s ? (size_t)sqlite3_column_bytes(st, col) : 0;
    if (n >= cap) {
        n = cap - 1;
    }
    if (n) {
        memcpy(dst, s, n);
    }
    dst[n] = '\0';
}

enum orders_rc orders_get(sqlite3 *db, long long id, struct orders_order *out)
{
    enum orders_rc rc = ORDERS_DB;
    sqlite3_stmt *st = NULL, *it = NULL;
    memset(out, 0, sizeof(*out));
    if (sqlite3_prepare_v2(db,
                           "SELECT id, resident_id, operator_id, district, slot, payment, "
                           "total_yen, status, eta_unix, cancel_reason, created_unix, "
                           "updated_unix FROM ord_orders WHERE id = ?1",
                           -1, &st, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "SELECT item_id, name, qty, unit_price_yen FROM ord_order_items "
                           "WHERE order_id = ?1 ORDER BY line LIMIT ?2",
                           -1, &it, NULL) != SQLITE_OK) {
        goto out;
    }
    sqlite3_bind_int64(st, 1, id);
    int s = sqlite3_step(st);
    if (s == SQLITE_DONE) {
        rc = ORDERS_NOT_FOUND;
        goto out;
    }
    if (s != SQLITE_ROW) {
        goto out;
    }
    out->id = sqlite3_column_int64(st, 0);
    out->resident_id = sqlite3_column_int64(st, 1);
    out->operator_id = sqlite3_column_int64(st, 2);
    copy_col(out->district, sizeof(out->district), st, 3);
    copy_col(out->slot, sizeof(out->slot), st, 4);
    copy_col(out->payment, sizeof(out->payment), st, 5);
    out->total_yen = (long)sqlite3_column_int64(st, 6);
    if (ostatus_from_str((const char *)sqlite3_column_text(st, 7), &out->status) != 0) {
        goto out;
    }
    out->eta_unix = sqlite3_column_int64(st, 8);
    copy_col(out->cancel_reason, sizeof(out->cancel_reason), st, 9);
    out->created_unix = sqlite3_column_int64(st, 10);
    out->updated_unix = sqlite3_column_int64(st, 11);
    sqlite3_bind_int64(it, 1, id);
    sqlite3_bind_int(it, 2, ORDERS_MAX_ITEMS);
    while ((s = sqlite3_step(it)) == SQLITE_ROW) {
        struct orders_item *x = &out->items[out->n_items++];
        copy_col(x->id, sizeof(x->id), it, 0);
        copy_col(x->name, sizeof(x->name), it, 1);
        x->qty = sqlite3_column_int(it, 2);
        x->unit_price_yen = (long)sqlite3_column_int64(it, 3);
    }
    if (s != SQLITE_DONE) {
        goto out;
    }
    rc = ORDERS_OK;
out:
    sqlite3_finalize(st);
    sqlite3_finalize(it);
    return rc;
}

enum orders_rc orders_set_status(sqlite3 *db, long long id, long long operator_id,
                                 const struct ostatus_update *u, long long now, int *changed,
                                 char *err, size_t errlen)
{
    enum orders_rc rc;
    sqlite3_stmt *st = NULL;
    struct orders_order o;
    *changed = 0;
    rc = orders_get(db, id, &o);
    if (rc == ORDERS_OK && o.operator_id != operator_id) {
        rc = ORDERS_NOT_FOUND;
    }
    if (rc != ORDERS_OK) {
        if (rc == ORDERS_NOT_FOUND) {
            snprintf(err, errlen, "no order %lld for this operator", id);
        }
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
    rc = ORDERS_DB;
    /* The WHERE on the old status makes a concurrent update lose cleanly (0 rows). */
    if (sqlite3_prepare_v2(db,
                           "UPDATE ord_orders SET status = ?1, eta_unix = ?2, cancel_reason = ?3, "
                           "updated_unix = ?4 WHERE id = ?5 AND status = ?6",
                           -1, &st, NULL) != SQLITE_OK) {
        goto out;
    }
    sqlite3_bind_text(st, 1, ostatus_str(u->to), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, u->to == OSTATUS_OUT_FOR_DELIVERY ? u->eta_unix : o.eta_unix);
    sqlite3_bind_text(st, 3, u->to == OSTATUS_CANCELLED ? u->reason : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now);
    sqlite3_bind_int64(st, 5, id);
    sqlite3_bind_text(st, 6, ostatus_str(o.status), -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
        goto out;
    }
    if (sqlite3_changes(db) != 1) {
        snprintf(err, errlen, "the order changed meanwhile; read it again");
        rc = ORDERS_CONFLICT;
        goto out;
    }
    *changed = 1;
    rc = ORDERS_OK;
out:
    sqlite3_finalize(st);
    return rc;
}

char *orders_resident_json(const struct orders_order *o)
{
    char *out = NULL;
    char words[128];
    cJSON *root = cJSON_CreateObject();
    cJSON *items = cJSON_AddArrayToObject(root, "items");
    if (!root || !items) {
        goto out;
    }
    for (int i = 0; i < o->n_items; i++) {
        cJSON *x = cJSON_CreateObject();
        if (!x || !cJSON_AddItemToArray(items, x) ||
            !cJSON_AddStringToObject(x, "id", o->items[i].id) ||
            !cJSON_AddStringToObject(x, "name", o->items[i].name) ||
            !cJSON_AddNumberToObject(x, "qty", o->items[i].qty) ||
            !cJSON_AddNumberToObject(x, "unit_price_yen", (double)o->items[i].unit_price_yen)) {
            goto out;
        }
    }
    ostatus_words_ja(o->status, o->eta_unix, 9 * 3600, words, sizeof(words));
    if (!cJSON_AddNumberToObject(root, "id", (double)o->id) ||
        !cJSON_AddNumberToObject(root, "operator_id", (double)o->operator_id) ||
        !cJSON_AddStringToObject(root, "slot", o->slot) ||
        !cJSON_AddStringToObject(root, "payment_method", o->payment) ||
        !cJSON_AddNumberToObject(root, "total_yen", (double)o->total_yen) ||
        !cJSON_AddStringToObject(root, "status", ostatus_str(o->status)) ||
        !cJSON_AddStringToObject(root, "status_words", words) ||
        !cJSON_AddNumberToObject(root, "eta_unix", (double)o->eta_unix) ||
        !cJSON_AddStringToObject(root, "cancel_reason", o->cancel_reason) ||
        !cJSON_AddNumberToObject(root, "created_unix", (double)o->created_unix) ||
        !cJSON_AddNumberToObject(root, "updated_unix", (double)o->updated_unix)) {
        goto out;
    }
    out = cJSON_PrintUnformatted(root);
out:
    cJSON_Delete(root);
    return out;
}

enum orders_rc orders_list_resident_json(sqlite3 *db, long long resident_id, int limit, char **out)
{
    enum orders_rc rc = ORDERS_DB;
    sqlite3_stmt *st = NULL;
    cJSON *root = NULL;
    cJSON *arr = NULL;
    *out = NULL;
    if (limit < 1 || limit > 100) {
        return ORDERS_INVALID;
    }
    root = cJSON_CreateObject();
    arr = cJSON_AddArrayToObject(root, "orders");
    if (!root || !arr) {
        rc = ORDERS_NOMEM;
        goto out;
    }
    if (sqlite3_prepare_v2(db,
                           "SELECT id FROM ord_orders WHERE resident_id = ?1 ORDER BY id DESC "
                           "LIMIT ?2",
                           -1, &st, NULL) != SQLITE_OK) {
        goto out;
    }
    sqlite3_bind_int64(st, 1, resident_id);
    sqlite3_bind_int(st, 2, limit);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        struct orders_order o;
        enum orders_rc r = orders_get(db, sqlite3_column_int64(st, 0), &o);
        if (r != ORDERS_OK) {
            rc = r;
            goto out;
        }
        char *js = orders_resident_json(&o);
        cJSON *item = js ? cJSON_Parse(js) : NULL;
        free(js);
        if (!item || !cJSON_AddItemToArray(arr, item)) {
            cJSON_Delete(item);
            rc = ORDERS_NOMEM;
            goto out;
        }
    }
    if (s != SQLITE_DONE) {
        goto out;
    }
    *out = cJSON_PrintUnformatted(root);
    rc = *out ? ORDERS_OK : ORDERS_NOMEM;
out:
    sqlite3_finalize(st);
    cJSON_Delete(root);
    return rc;
}
