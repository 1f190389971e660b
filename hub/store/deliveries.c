/*
 * deliveries.c: the delivery queue (see deliveries.h). Leases are plain timestamps
 * (lease_until for pull, next_push_unix for push): an expired lease needs no sweeper, the
 * next pull or push pass simply sees it. The row locks that keep two processes apart
 * (FOR UPDATE SKIP LOCKED) exist on PostgreSQL only; on SQLite the write transaction
 * already holds the whole database.
 */
#include "deliveries.h"
#include "rows.h"
#include "secrets.h"
#include "whsig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

/* The selections of a pull and of a push claim; on PostgreSQL each gets FOR UPDATE SKIP
 * LOCKED (rows another process is handing out right now are skipped, not waited for).
 * Both texts stay literals, as db_stmt() wants. */
#define PULL_SELECT                                                                                \
    "SELECT id, recipient, msg_id, event, subject_id, body, created_unix, offered,"                \
    " push_attempts FROM ord_deliveries WHERE recipient = ? AND acked_unix IS NULL AND"            \
    " lease_until <= ? AND municipality_id = ? ORDER BY id LIMIT ?"
#define PUSH_SELECT                                                                                \
    "SELECT d.id, d.recipient, d.msg_id, d.event, d.subject_id, d.body, d.created_unix,"           \
    " d.offered, d.push_attempts, d.next_push_unix, w.url, w.secret FROM ord_deliveries d"         \
    " LEFT JOIN ord_webhooks w ON w.recipient = d.recipient WHERE d.next_push_unix IS NOT NULL"    \
    " AND d.next_push_unix <= ? AND d.acked_unix IS NULL ORDER BY d.next_push_unix, d.id"          \
    " LIMIT ?"

static int event_valid(const char *e)
{
    size_t n = e ? strlen(e) : 0;
    if (n == 0 || n >= OQUEUE_EVENT_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((e[i] >= 'a' && e[i] <= 'z') || e[i] == '_' || e[i] == '.'))
            return 0;
    return 1;
}

static void copy_col(char *dst, size_t cap, struct db_stmt *st, int col)
{
    const char *s = db_col_text(st, col);
    snprintf(dst, cap, "%s", s ? s : "");
}

/* The endpoint's signing secret (sealed, secrets.h) of column col into it->secret; left
 * empty when it does not open (said on stderr; the push then fails and says so). */
static void open_secret(struct oqueue_item *it, struct db_stmt *st, int col)
{
    size_t len = 0;
    if (secrets_open("ord_webhooks.secret", it->recipient, db_col_text(st, col),
                     (unsigned char *)it->secret, sizeof it->secret - 1, &len) != DB_OK)
        len = 0;
    it->secret[len] = '\0';
}

/* Runs a change whose parameters are the n integers v; *changed (may be NULL) gets the
 * rows it changed. */
static enum orders_rc change(struct db *db, struct db_stmt *st, int n, const int64_t *v,
                             int64_t *changed)
{
    enum db_status s = rows_bind_int64s(st, n, v);
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    if (s == DB_DONE && changed)
        *changed = db_changes(db);
    return s == DB_DONE ? ORDERS_OK : ORDERS_DB;
}

/* Whether the delivery's subject (the order of "order.created", the family request of
 * "family.request") is about a resident of the scope's town: ORDERS_OK, ORDERS_NOT_FOUND
 * (another town's, or none), ORDERS_INVALID for another event, ORDERS_DB. */
static enum orders_rc subject_here(struct db *db, const struct scope *sc, const char *event,
                                   long long subject_id)
{
    char one[4];
    enum db_status s;
    if (strcmp(event, "order.created") == 0)
        s = rows_text_in_town(db,
                              "SELECT 'y' FROM ord_orders o JOIN residents r"
                              " ON r.id = o.resident_id WHERE o.id = ? AND r.municipality_id = ?",
                              sc, subject_id, one, sizeof one);
    else if (strcmp(event, "family.request") == 0)
        s = rows_text_in_town(db,
                              "SELECT 'y' FROM ord_famreq q JOIN residents r"
                              " ON r.id = q.resident_id WHERE q.id = ? AND r.municipality_id = ?",
                              sc, subject_id, one, sizeof one);
    else
        return ORDERS_INVALID;
    return s == DB_ROW ? ORDERS_OK : s == DB_DONE ? ORDERS_NOT_FOUND : ORDERS_DB;
}

enum orders_rc deliveries_enqueue(struct db *db, const struct scope *sc, const char *recipient,
                                  const char *event, long long subject_id, const char *body,
                                  size_t body_len, long long now, long long *id, char *msg_id_out)
{
    char msg_id[WHSIG_MSG_ID_MAX + 1];
    int64_t new_id = 0;
    if (!oqueue_recipient_valid(recipient) || !event_valid(event) || !body ||
        body_len > OQUEUE_MAX_BODY)
        return ORDERS_INVALID;
    if (!sc)
        return ORDERS_DB;
    enum orders_rc here = subject_here(db, sc, event, subject_id);
    if (here != ORDERS_OK)
        return here;
    if (whsig_msg_id_generate(msg_id, sizeof msg_id) != WHSIG_OK)
        return ORDERS_CRYPTO;
    /* Due for push at once when the recipient has an endpoint (the subquery is NULL when
     * it has none). */
    struct db_stmt *st =
        db_stmt(db, "INSERT INTO ord_deliveries(recipient, event, subject_id, msg_id, body,"
                    " created_unix, next_push_unix, municipality_id) VALUES(?, ?, ?, ?, ?, ?,"
                    " (SELECT CAST(? AS BIGINT) FROM ord_webhooks WHERE recipient = ?), ?)"
                    " RETURNING id");
    enum db_status s =
        ROWS_BIND(st, 1, ROWS_TEXT(recipient), ROWS_TEXT(event), ROWS_INT(subject_id),
                  ROWS_TEXT(msg_id), ROWS_TEXTN(body, body_len), ROWS_INT(now), ROWS_INT(now),
                  ROWS_TEXT(recipient), ROWS_TOWN(sc));
    if (db_insert_id(st, s, &new_id) != DB_OK)
        return ORDERS_DB;
    if (id)
        *id = new_id;
    if (msg_id_out)
        memcpy(msg_id_out, msg_id, strlen(msg_id) + 1);
    return ORDERS_OK;
}

/* Reads the common columns id, recipient, msg_id, event, subject_id, body, created_unix,
 * offered, push_attempts (in this order) of a row into it. */
static enum orders_rc read_item(struct db_stmt *st, struct oqueue_item *it)
{
    memset(it, 0, sizeof *it);
    it->id = db_col_int64(st, 0);
    copy_col(it->recipient, sizeof it->recipient, st, 1);
    copy_col(it->msg_id, sizeof it->msg_id, st, 2);
    copy_col(it->event, sizeof it->event, st, 3);
    it->subject_id = db_col_int64(st, 4);
    const char *b = db_col_text(st, 5);
    size_t blen = b ? db_col_bytes(st, 5) : 0;
    it->body = malloc(blen + 1);
    if (!it->body)
        return ORDERS_NOMEM;
    if (blen)
        memcpy(it->body, b, blen);
    it->body[blen] = '\0';
    it->body_len = blen;
    it->created_unix = db_col_int64(st, 6);
    it->offered = (int)db_col_int64(st, 7);
    it->push_attempts = (int)db_col_int64(st, 8);
    return ORDERS_OK;
}

/* Steps a selection of item rows into arr (room for max). */
static enum orders_rc read_items(struct db_stmt *sel, enum db_status s, struct oqueue_item *arr,
                                 int max, size_t *count)
{
    while (s == DB_OK || s == DB_ROW) {
        s = db_step(sel);
        if (s != DB_ROW || *count >= (size_t)max)
            break;
        enum orders_rc r = read_item(sel, &arr[*count]);
        if (r != ORDERS_OK) {
            free(arr[*count].body);
            return r;
        }
        (*count)++;
    }
    return s == DB_DONE ? ORDERS_OK : ORDERS_DB;
}

static enum orders_rc lease(struct db *db, long long id, long long until)
{
    const int64_t v[] = {until, id};
    return change(db,
                  db_stmt(db, "UPDATE ord_deliveries SET lease_until = ?, offered = offered + 1"
                              " WHERE id = ?"),
                  2, v, NULL);
}

enum orders_rc deliveries_pull(struct db *db, const struct scope *sc, const char *recipient,
                               long long now, long long lease_s, int max,
                               struct oqueue_item **items, size_t *n)
{
    enum orders_rc rc = ORDERS_NOMEM;
    struct oqueue_item *arr = NULL;
    size_t count = 0;
    *items = NULL;
    *n = 0;
    if (!oqueue_recipient_valid(recipient) || max < 1 || max > OQUEUE_MAX_PULL || lease_s < 1)
        return ORDERS_INVALID;
    arr = calloc((size_t)max, sizeof *arr);
    if (!arr)
        goto out;
    struct db_stmt *sel = db_dialect(db) == DB_POSTGRES
                              ? db_stmt(db, PULL_SELECT " FOR UPDATE SKIP LOCKED")
                              : db_stmt(db, PULL_SELECT);
    rc = ORDERS_DB;
    if (!sel)
        goto out;
    enum db_status s =
        ROWS_BIND(sel, 1, ROWS_TEXT(recipient), ROWS_INT(now), ROWS_TOWN(sc), ROWS_INT(max));
    rc = read_items(sel, s, arr, max, &count);
    db_stmt_done(sel);
    for (size_t i = 0; rc == ORDERS_OK && i < count; i++) {
        arr[i].offered++;
        rc = lease(db, arr[i].id, now + lease_s);
    }
    if (rc != ORDERS_OK)
        goto out;
    *items = arr;
    *n = count;
    arr = NULL;
out:
    oqueue_items_free(arr, count);
    return rc;
}

enum orders_rc deliveries_ack(struct db *db, const struct scope *sc, const char *recipient,
                              long long id, long long now)
{
    if (!oqueue_recipient_valid(recipient))
        return ORDERS_INVALID;
    struct db_stmt *st = db_stmt(db, "UPDATE ord_deliveries SET acked_unix = COALESCE(acked_unix,"
                                     " ?), acked_via = COALESCE(acked_via, 'pull'),"
                                     " next_push_unix = NULL WHERE id = ? AND recipient = ?"
                                     " AND municipality_id = ?");
    enum db_status s =
        ROWS_BIND(st, 1, ROWS_INT(now), ROWS_INT(id), ROWS_TEXT(recipient), ROWS_TOWN(sc));
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    if (s != DB_DONE)
        return ORDERS_DB;
    return db_changes(db) == 1 ? ORDERS_OK : ORDERS_NOT_FOUND;
}

enum orders_rc deliveries_rebody(struct db *db, const struct scope *sc, const char *recipient,
                                 long long subject_id, const char *body, size_t body_len,
                                 int *changed)
{
    if (!oqueue_recipient_valid(recipient) || !body || body_len > OQUEUE_MAX_BODY)
        return ORDERS_INVALID;
    struct db_stmt *st = db_stmt(db, "UPDATE ord_deliveries SET body = ? WHERE recipient = ? AND"
                                     " subject_id = ? AND acked_unix IS NULL"
                                     " AND municipality_id = ?");
    enum db_status s = ROWS_BIND(st, 1, ROWS_TEXTN(body, body_len), ROWS_TEXT(recipient),
                                 ROWS_INT(subject_id), ROWS_TOWN(sc));
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    if (s != DB_DONE)
        return ORDERS_DB;
    if (changed)
        *changed = (int)db_changes(db);
    return ORDERS_OK;
}

enum orders_rc deliveries_pending_orders(struct db *db, const struct scope *sc,
                                         const char *recipient, long long resident_id,
                                         long long after_id,
                                         struct deliveries_subject out[DELIVERIES_PAGE], size_t *n)
{
    *n = 0;
    struct db_stmt *st =
        db_stmt(db, "SELECT d.subject_id, d.created_unix FROM ord_deliveries d JOIN ord_orders o"
                    " ON o.id = d.subject_id WHERE d.recipient = ? AND d.event = 'order.created'"
                    " AND d.acked_unix IS NULL AND o.resident_id = ? AND d.subject_id > ?"
                    " AND d.municipality_id = ? ORDER BY d.subject_id LIMIT 64");
    enum db_status s = ROWS_BIND(st, 1, ROWS_TEXT(recipient), ROWS_INT(resident_id),
                                 ROWS_INT(after_id), ROWS_TOWN(sc));
    while ((s == DB_OK || s == DB_ROW) && *n < DELIVERIES_PAGE) {
        s = db_step(st);
        if (s == DB_ROW) {
            out[*n].subject_id = db_col_int64(st, 0);
            out[*n].created_unix = db_col_int64(st, 1);
            (*n)++;
        }
    }
    db_stmt_done(st);
    return s == DB_DONE || s == DB_ROW ? ORDERS_OK : ORDERS_DB;
}

enum orders_rc deliveries_count_pending(struct db *db, const struct scope *sc,
                                        const char *recipient, long long *n)
{
    struct db_stmt *st = db_stmt(db, "SELECT count(*) FROM ord_deliveries WHERE acked_unix IS NULL"
                                     " AND municipality_id = ? AND (? = 0 OR recipient = ?)");
    enum db_status s = ROWS_BIND(st, 1, ROWS_TOWN(sc), ROWS_INT(recipient != NULL),
                                 ROWS_TEXT(recipient ? recipient : ""));
    if (s == DB_OK)
        s = db_step(st);
    if (s == DB_ROW)
        *n = db_col_int64(st, 0);
    db_stmt_done(st);
    return s == DB_ROW ? ORDERS_OK : ORDERS_DB;
}

/* Push: stop pushing delivery id (its endpoint is gone), or move its next push time from
 * due to until (the push lease); *won = 0 when someone else moved it first. */
static enum orders_rc push_stop(struct db *db, long long id)
{
    const int64_t v[] = {id};
    return change(db, db_stmt(db, "UPDATE ord_deliveries SET next_push_unix = NULL WHERE id = ?"),
                  1, v, NULL);
}

static enum orders_rc push_lease(struct db *db, long long id, long long due, long long until,
                                 int *won)
{
    const int64_t v[] = {until, id, due};
    int64_t n = 0;
    enum orders_rc rc = change(db,
                               db_stmt(db, "UPDATE ord_deliveries SET next_push_unix = ? WHERE id"
                                           " = ? AND next_push_unix = ? AND acked_unix IS NULL"),
                               3, v, &n);
    *won = n == 1;
    return rc;
}

/* One due row as read by push_due: the item, its due time and its endpoint. */
struct due {
    struct oqueue_item it;
    long long due;
    int has_endpoint;
};

enum orders_rc deliveries_push_due(struct db *db, long long now, long long claim_s, int max,
                                   struct oqueue_item **items, size_t *n)
{
    enum orders_rc rc = ORDERS_NOMEM;
    struct due *rows = NULL;
    struct oqueue_item *arr = NULL;
    size_t nrows = 0, count = 0;
    *items = NULL;
    *n = 0;
    if (max < 1 || max > OQUEUE_MAX_PULL)
        return ORDERS_INVALID;
    rows = calloc((size_t)max, sizeof *rows);
    arr = calloc((size_t)max, sizeof *arr);
    if (!rows || !arr)
        goto out;
    struct db_stmt *sel = db_dialect(db) == DB_POSTGRES
                              ? db_stmt(db, PUSH_SELECT " FOR UPDATE OF d SKIP LOCKED")
                              : db_stmt(db, PUSH_SELECT);
    rc = ORDERS_DB;
    if (!sel)
        goto out;
    enum db_status s = ROWS_BIND(sel, 1, ROWS_INT(now), ROWS_INT(max));
    rc = ORDERS_OK;
    while (rc == ORDERS_OK && (s == DB_OK || s == DB_ROW) && nrows < (size_t)max) {
        s = db_step(sel);
        if (s != DB_ROW)
            break;
        struct due *d = &rows[nrows];
        rc = read_item(sel, &d->it);
        if (rc != ORDERS_OK) {
            free(d->it.body);
            break;
        }
        nrows++;
        d->due = db_col_int64(sel, 9);
        d->has_endpoint = !db_col_is_null(sel, 10);
        copy_col(d->it.url, sizeof d->it.url, sel, 10);
        if (d->has_endpoint)
            open_secret(&d->it, sel, 11);
    }
    db_stmt_done(sel);
    if (rc == ORDERS_OK && s != DB_DONE && s != DB_ROW)
        rc = ORDERS_DB;
    for (size_t i = 0; rc == ORDERS_OK && i < nrows; i++) {
        int won = 0;
        if (!rows[i].has_endpoint) {
            /* The endpoint was removed: push stops, pull still has it. */
            rc = push_stop(db, rows[i].it.id);
            continue;
        }
        rc = push_lease(db, rows[i].it.id, rows[i].due, now + claim_s, &won);
        if (rc == ORDERS_OK && won) {
            arr[count++] = rows[i].it; /* the body and secret move to arr */
            memset(&rows[i].it, 0, sizeof rows[i].it);
        }
    }
    if (rc != ORDERS_OK)
        goto out;
    *items = arr;
    *n = count;
    arr = NULL;
out:
    for (size_t i = 0; rows && i < nrows; i++) {
        free(rows[i].it.body);
        OPENSSL_cleanse(rows[i].it.secret, sizeof rows[i].it.secret);
    }
    free(rows);
    oqueue_items_free(arr, count);
    return rc;
}

enum orders_rc deliveries_push_done(struct db *db, long long id, long long now)
{
    const int64_t v[] = {now, id};
    return change(db,
                  db_stmt(db, "UPDATE ord_deliveries SET push_attempts = push_attempts + 1,"
                              " acked_unix = COALESCE(acked_unix, ?), acked_via ="
                              " COALESCE(acked_via, 'push'), next_push_unix = NULL,"
                              " last_error = NULL WHERE id = ?"),
                  2, v, NULL);
}

enum orders_rc deliveries_push_failed(struct db *db, long long id, long long next_unix,
                                      const char *error)
{
    /* next_unix = 0 gives up: no next push, flagged for the hub's operators. The CASTs
     * give PostgreSQL the parameters' type (a bare `? > 0` would be a 32-bit integer). */
    struct db_stmt *st = db_stmt(
        db, "UPDATE ord_deliveries SET push_attempts = push_attempts + 1, next_push_unix ="
            " CASE WHEN CAST(? AS BIGINT) > 0 AND acked_unix IS NULL THEN CAST(? AS BIGINT) END,"
            " push_gave_up = CASE WHEN CAST(? AS BIGINT) = 0 THEN 1 ELSE 0 END,"
            " last_error = substr(?, 1, 200) WHERE id = ?");
    enum db_status s = ROWS_BIND(st, 1, ROWS_INT(next_unix), ROWS_INT(next_unix),
                                 ROWS_INT(next_unix), ROWS_TEXT(error ? error : ""), ROWS_INT(id));
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    return s == DB_DONE ? ORDERS_OK : ORDERS_DB;
}

enum orders_rc deliveries_next_push(struct db *db, long long *when)
{
    *when = 0;
    struct db_stmt *st = db_stmt(db, "SELECT min(next_push_unix) FROM ord_deliveries WHERE"
                                     " next_push_unix IS NOT NULL AND acked_unix IS NULL");
    if (!st)
        return ORDERS_DB;
    enum db_status s = db_step(st);
    if (s == DB_ROW)
        *when = db_col_int64(st, 0);
    db_stmt_done(st);
    return s == DB_ROW ? ORDERS_OK : ORDERS_DB;
}
