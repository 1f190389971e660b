/*
 * oqueue.c: the delivery queue in SQLite (see oqueue.h). Leases are plain timestamps
 * (lease_until): an expired lease needs no sweeper, the next pull simply sees it.
 */
#include "oqueue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include <openssl/crypto.h>

void oqueue_items_free(struct oqueue_item *items, size_t n)
{
    if (!items) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        free(items[i].body);
        OPENSSL_cleanse(items[i].secret, sizeof(items[i].secret));
    }
    free(items);
}

int oqueue_recipient_valid(const char *r)
{
    if (!r || strlen(r) >= ORDERS_RECIPIENT_MAX) {
        return 0;
    }
    const char *p = r;
    int kind = 0, digits = 0;
    while (*p >= 'a' && *p <= 'z') {
        p++;
        kind++;
    }
    if (kind == 0 || kind > 16 || *p != ':') {
        return 0;
    }
    for (p++; *p >= '0' && *p <= '9'; p++) {
        digits++;
    }
    return *p == '\0' && digits > 0 && digits <= 18;
}

static int event_valid(const char *e)
{
    size_t n = e ? strlen(e) : 0;
    if (n == 0 || n >= OQUEUE_EVENT_MAX) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (!((e[i] >= 'a' && e[i] <= 'z') || e[i] == '_' || e[i] == '.')) {
            return 0;
        }
    }
    return 1;
}

static void copy_text(char *dst, size_t cap, const unsigned char *src)
{
    size_t n = src ? strlen((const char *)src) : 0;
    if (n >= cap) {
        n = cap - 1;
    }
    if (n) {
        memcpy(dst, src, n);
    }
    dst[n] = '\0';
}

enum orders_rc oqueue_enqueue(sqlite3 *db, const char *recipient, const char *event,
                              long long subject_id, const char *body, size_t body_len,
                              long long now, long long *id, char *msg_id_out)
{
    enum orders_rc rc = ORDERS_DB;
    sqlite3_stmt *st = NULL;
    char msg_id[WHSIG_MSG_ID_MAX + 1];
    if (!oqueue_recipient_valid(recipient) || !event_valid(event) || !body ||
        body_len > OQUEUE_MAX_BODY) {
        return ORDERS_INVALID;
    }
    if (whsig_msg_id_generate(msg_id, sizeof(msg_id)) != WHSIG_OK) {
        return ORDERS_CRYPTO;
    }
    /* Due for push at once when the recipient has an endpoint. */
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO ord_deliveries(recipient, event, subject_id, msg_id, "
                           "body, created_unix, next_push_unix) VALUES(?1, ?2, ?3, ?4, ?5, ?6, "
                           "CASE WHEN EXISTS(SELECT 1 FROM ord_webhooks WHERE recipient = ?1) "
                           "THEN ?6 END)",
                           -1, &st, NULL) != SQLITE_OK) {
        goto out;
    }
    sqlite3_bind_text(st, 1, recipient, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, event, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, subject_id);
    sqlite3_bind_text(st, 4, msg_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, body, (int)body_len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, now);
    if (sqlite3_step(st) != SQLITE_DONE) {
        goto out;
    }
    if (id) {
        *id = sqlite3_last_insert_rowid(db);
    }
    if (msg_id_out) {
        memcpy(msg_id_out, msg_id, strlen(msg_id) + 1);
    }
    rc = ORDERS_OK;
out:
    sqlite3_finalize(st);
    return rc;
}

/* Reads the common columns id, recipient, msg_id, event, subject_id, body, created_unix,
 * offered, push_attempts (in this order) of a row into it. */
static enum orders_rc read_item(sqlite3_stmt *st, struct oqueue_item *it)
{
    memset(it, 0, sizeof(*it));
    it->id = sqlite3_column_int64(st, 0);
    copy_text(it->recipient, sizeof(it->recipient), sqlite3_column_text(st, 1));
    copy_text(it->msg_id, sizeof(it->msg_id), sqlite3_column_text(st, 2));
    copy_text(it->event, sizeof(it->event), sqlite3_column_text(st, 3));
    it->subject_id = sqlite3_column_int64(st, 4);
    const unsigned char *b = sqlite3_column_text(st, 5);
    int blen = sqlite3_column_bytes(st, 5);
    it->body = malloc((size_t)blen + 1);
    if (!it->body) {
        return ORDERS_NOMEM;
    }
    if (blen) {
        memcpy(it->body, b, (size_t)blen);
    }
    it->body[blen] = '\0';
    it->body_len = (size_t)blen;
    it->created_unix = sqlite3_column_int64(st, 6);
    it->offered = sqlite3_column_int(st, 7);
    it->push_attempts = sqlite3_column_int(st, 8);
    return ORDERS_OK;
}

enum orders_rc oqueue_pull(sqlite3 *db, const char *recipient, long long now, long long lease_s,
                           int max, struct oqueue_item **items, size_t *n)
{
    enum orders_rc rc = ORDERS_DB;
    sqlite3_stmt *sel = NULL, *upd = NULL;
    struct oqueue_item *arr = NULL;
    size_t count = 0;
    *items = NULL;
    *n = 0;
    if (!oqueue_recipient_valid(recipient) || max < 1 || max > OQUEUE_MAX_PULL || lease_s < 1) {
        return ORDERS_INVALID;
    }
    arr = calloc((size_t)max, sizeof(*arr));
    if (!arr) {
        return ORDERS_NOMEM;
    }
    if (sqlite3_prepare_v2(db,
                           "SELECT id, recipient, msg_id, event, subject_id, body, created_unix, "
                           "offered, push_attempts FROM ord_deliveries WHERE recipient = ?1 AND "
                           "acked_unix IS NULL AND lease_until <= ?2 ORDER BY id LIMIT ?3",
                           -1, &sel, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "UPDATE ord_deliveries SET lease_until = ?1, offered = offered + 1 "
                           "WHERE id = ?2",
                           -1, &upd, NULL) != SQLITE_OK) {
        goto out;
    }
    sqlite3_bind_text(sel, 1, recipient, -1, SQLITE_STATIC);
    sqlite3_bind_int64(sel, 2, now);
    sqlite3_bind_int(sel, 3, max);
    int s;
    while ((s = sqlite3_step(sel)) == SQLITE_ROW) {
        enum orders_rc r = read_item(sel, &arr[count]);
        if (r != ORDERS_OK) {
            rc = r;
            goto out;
        }
        arr[count].offered++;
        count++;
    }
    if (s != SQLITE_DONE) {
        goto out;
    }
    for (size_t i = 0; i < count; i++) {
        sqlite3_reset(upd);
        sqlite3_bind_int64(upd, 1, now + lease_s);
        sqlite3_bind_int64(upd, 2, arr[i].id);
        if (sqlite3_step(upd) != SQLITE_DONE) {
            goto out;
        }
    }
    *items = arr;
    *n = count;
    arr = NULL;
    rc = ORDERS_OK;
out:
    sqlite3_finalize(sel);
    sqlite3_finalize(upd);
    oqueue_items_free(arr, count);
    return rc;
}

enum orders_rc oqueue_ack(sqlite3 *db, const char *recipient, long long id, long long now)
{
    enum orders_rc rc = ORDERS_DB;
    sqlite3_stmt *st = NULL;
    if (!oqueue_recipient_valid(recipient)) {
        return ORDERS_INVALID;
    }
    if (sqlite3_prepare_v2(db,
                           "UPDATE ord_deliveries SET acked_unix = COALESCE(acked_unix, ?1), "
                           "acked_via = COALESCE(acked_via, 'pull'), next_push_unix = NULL "
                           "WHERE id = ?2 AND recipient = ?3",
                           -1, &st, NULL) != SQLITE_OK) {
        goto out;
    }
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int64(st, 2, id);
    sqlite3_bind_text(st, 3, recipient, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
        goto out;
    }
    rc = sqlite3_changes(db) == 1 ? ORDERS_OK : ORDERS_NOT_FOUND;
out:
    sqlite3_finalize(st);
    return rc;
}

enum orders_rc oqueue_rebody(sqlite3 *db, const char *recipient, long long subject_id,
                             const char *body, size_t body_len, int *changed)
{
    enum orders_rc rc = ORDERS_DB;
    sqlite3_stmt *st = NULL;
    if (!oqueue_recipient_valid(recipient) || !body || body_len > OQUEUE_MAX_BODY) {
        return ORDERS_INVALID;
    }
    if (sqlite3_prepare_v2(db,
                           "UPDATE ord_deliveries SET body = ?1 WHERE recipient = ?2 AND "
                           "subject_id = ?3 AND acked_unix IS NULL",
                           -1, &st, NULL) != SQLITE_OK) {
        goto out;
    }
    sqlite3_bind_text(st, 1, body, (int)body_len, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, recipient, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, subject_id);
    if (sqlite3_step(st) != SQLITE_DONE) {
        goto out;
    }
    if (changed) {
        *changed = sqlite3_changes(db);
    }
    rc = ORDERS_OK;
out:
    sqlite3_finalize(st);
    return rc;
}

long oqueue_pending(sqlite3 *db, const char *recipient)
{
    long n = -1;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT count(*) FROM ord_deliveries WHERE acked_unix IS NULL AND "
                           "(?1 IS NULL OR recipient = ?1)",
                           -1, &st, NULL) != SQLITE_OK) {
        goto out;
    }
    if (recipient) {
        sqlite3_bind_text(st, 1, recipient, -1, SQLITE_STATIC);
    }
    if (sqlite3_step(st) == SQLITE_ROW) {
        n = (long)sqlite3_column_int64(st, 0);
    }
out:
    sqlite3_finalize(st);
    return n;
}

enum orders_rc oqueue_endpoint_set(sqlite3 *db, const char *recipient, const char *url,
                                   const char *secret, char *err, size_t errlen)
{
    enum orders_rc rc = ORDERS_DB;
    sqlite3_stmt *st = NULL;
    unsigned char key[WHSIG_KEY_MAX];
    size_t keylen = 0;
    if (!oqueue_recipient_valid(recipient)) {
        snprintf(err, errlen, "the recipient must look like operator:3");
        return ORDERS_INVALID;
    }
    size_t ulen = url ? strlen(url) : 0;
    if (ulen == 0 || ulen >= OQUEUE_URL_MAX ||
        (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)) {
        snprintf(err, errlen,
                 "the webhook URL must start with http:// or https:// and be at "
                 "most 511 bytes");
        return ORDERS_INVALID;
    }
    for (size_t i = 0; i < ulen; i++) {
        if ((unsigned char)url[i] <= 0x20 || url[i] == 0x7f) {
            snprintf(err, errlen,
                     "the webhook URL must not contain spaces or control "
                     "characters");
            return ORDERS_INVALID;
        }
    }
    if (whsig_secret_decode(secret, key, &keylen) != WHSIG_OK) {
        snprintf(err, errlen,
                 "the signing secret must be whsec_ followed by base64 of 24 to "
                 "64 bytes");
        return ORDERS_INVALID;
    }
    OPENSSL_cleanse(key, sizeof(key));
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO ord_webhooks(recipient, url, secret) VALUES(?1, ?2, ?3) "
                           "ON CONFLICT(recipient) DO UPDATE SET url = excluded.url, "
                           "secret = excluded.secret",
                           -1, &st, NULL) != SQLITE_OK) {
        goto out;
    }
    sqlite3_bind_text(st, 1, recipient, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, url, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, secret, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_DONE) {
        rc = ORDERS_OK;
    }
out:
    if (rc == ORDERS_DB) {
        snprintf(err, errlen, "the database refused the endpoint");
    }
    sqlite3_finalize(st);
    return rc;
}

enum orders_rc oqueue_endpoint_delete(sqlite3 *db, const char *recipient)
{
    enum orders_rc rc = ORDERS_DB;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "DELETE FROM ord_webhooks WHERE recipient = ?1", -1, &st, NULL) !=
        SQLITE_OK) {
        goto out;
    }
    sqlite3_bind_text(st, 1, recipient, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_DONE) {
        rc = ORDERS_OK;
    }
out:
    sqlite3_finalize(st);
    return rc;
}

enum orders_rc oqueue_push_due(sqlite3 *db, long long now, long long claim_s, int max,
                               struct oqueue_item **items, size_t *n)
{
    enum orders_rc rc = ORDERS_DB;
    sqlite3_stmt *sel = NULL, *claim = NULL, *stop = NULL;
    struct oqueue_item *arr = NULL;
    size_t count = 0;
    *items = NULL;
    *n = 0;
    if (max < 1 || max > OQUEUE_MAX_PULL) {
        return ORDERS_INVALID;
    }
    arr = calloc((size_t)max, sizeof(*arr));
    if (!arr) {
        return ORDERS_NOMEM;
    }
    /* Read and claim in one write transaction taken up front: a read that later upgrades
     * to a write gets SQLITE_BUSY at once (no busy wait) when another connection (the
     * hub's writer) committed meanwhile. */
    int own_txn = sqlite3_get_autocommit(db) != 0;
    if (own_txn && sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        free(arr);
        return ORDERS_DB;
    }
    if (sqlite3_prepare_v2(db,
                           "SELECT d.id, d.recipient, d.msg_id, d.event, d.subject_id, d.body, "
                           "d.created_unix, d.offered, d.push_attempts, d.next_push_unix, "
                           "w.url, w.secret FROM ord_deliveries d LEFT JOIN ord_webhooks w ON "
                           "w.recipient = d.recipient WHERE d.next_push_unix IS NOT NULL AND "
                           "d.next_push_unix <= ?1 AND d.acked_unix IS NULL "
                           "ORDER BY d.next_push_unix, d.id LIMIT ?2",
                           -1, &sel, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "UPDATE ord_deliveries SET next_push_unix = ?1 WHERE id = ?2 AND "
                           "next_push_unix = ?3 AND acked_unix IS NULL",
                           -1, &claim, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "UPDATE ord_deliveries SET next_push_unix = NULL WHERE id = ?1", -1,
                           &stop, NULL) != SQLITE_OK) {
        goto out;
    }
    sqlite3_bind_int64(sel, 1, now);
    sqlite3_bind_int(sel, 2, max);
    int s;
    while ((s = sqlite3_step(sel)) == SQLITE_ROW) {
        struct oqueue_item *it = &arr[count];
        enum orders_rc r = read_item(sel, it);
        if (r != ORDERS_OK) {
            free(it->body);
            rc = r;
            goto out;
        }
        long long due = sqlite3_column_int64(sel, 9);
        if (sqlite3_column_type(sel, 10) == SQLITE_NULL) {
            /* The endpoint was removed: push stops, pull still has it. */
            free(it->body);
            memset(it, 0, sizeof(*it));
            sqlite3_reset(stop);
            sqlite3_bind_int64(stop, 1, sqlite3_column_int64(sel, 0));
            if (sqlite3_step(stop) != SQLITE_DONE) {
                goto out;
            }
            continue;
        }
        copy_text(it->url, sizeof(it->url), sqlite3_column_text(sel, 10));
        copy_text(it->secret, sizeof(it->secret), sqlite3_column_text(sel, 11));
        sqlite3_reset(claim);
        sqlite3_bind_int64(claim, 1, now + claim_s);
        sqlite3_bind_int64(claim, 2, it->id);
        sqlite3_bind_int64(claim, 3, due);
        if (sqlite3_step(claim) != SQLITE_DONE) {
            free(it->body);
            goto out;
        }
        if (sqlite3_changes(db) != 1) {
            /* Another worker claimed it first. */
            free(it->body);
            OPENSSL_cleanse(it->secret, sizeof(it->secret));
            memset(it, 0, sizeof(*it));
            continue;
        }
        count++;
    }
    if (s != SQLITE_DONE) {
        goto out;
    }
    sqlite3_finalize(sel);
    sel = NULL;
    if (own_txn && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        goto out;
    }
    own_txn = 0;
    *items = arr;
    *n = count;
    arr = NULL;
    rc = ORDERS_OK;
out:
    sqlite3_finalize(sel);
    sqlite3_finalize(claim);
    sqlite3_finalize(stop);
    if (own_txn) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
    oqueue_items_free(arr, count);
    return rc;
}

static enum orders_rc exec_id(sqlite3 *db, const char *sql, long long a, long long b,
                              const char *text)
{
    enum orders_rc rc = ORDERS_DB;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        goto out;
    }
    sqlite3_bind_int64(st, 1, a);
    sqlite3_bind_int64(st, 2, b);
    if (sqlite3_bind_parameter_count(st) >= 3) {
        sqlite3_bind_text(st, 3, text ? text : "", -1, SQLITE_STATIC);
    }
    if (sqlite3_step(st) == SQLITE_DONE) {
        rc = ORDERS_OK;
    }
out:
    sqlite3_finalize(st);
    return rc;
}

enum orders_rc oqueue_push_done(sqlite3 *db, long long id, long long now)
{
    return exec_id(db,
                   "UPDATE ord_deliveries SET push_attempts = push_attempts + 1, "
                   "acked_unix = COALESCE(acked_unix, ?2), acked_via = COALESCE(acked_via, "
                   "'push'), next_push_unix = NULL, last_error = NULL WHERE id = ?1",
                   id, now, NULL);
}

enum orders_rc oqueue_push_failed(sqlite3 *db, long long id, long long next_unix, const char *error)
{
    /* ?2 = 0 gives up: no next push, flagged for the hub's operators. */
    return exec_id(db,
                   "UPDATE ord_deliveries SET push_attempts = push_attempts + 1, "
                   "next_push_unix = CASE WHEN ?2 > 0 AND acked_unix IS NULL THEN ?2 END, "
                   "push_gave_up = (?2 = 0), last_error = substr(?3, 1, 200) WHERE id = ?1",
                   id, next_unix, error);
}

enum orders_rc oqueue_next_push(sqlite3 *db, long long *when)
{
    enum orders_rc rc = ORDERS_DB;
    sqlite3_stmt *st = NULL;
    *when = 0;
    if (sqlite3_prepare_v2(db,
                           "SELECT min(next_push_unix) FROM ord_deliveries WHERE next_push_unix "
                           "IS NOT NULL AND acked_unix IS NULL",
                           -1, &st, NULL) != SQLITE_OK) {
        goto out;
    }
    if (sqlite3_step(st) == SQLITE_ROW) {
        *when = sqlite3_column_int64(st, 0);
        rc = ORDERS_OK;
    }
out:
    sqlite3_finalize(st);
    return rc;
}

char *oqueue_items_json(const struct oqueue_item *items, size_t n)
{
    char *out = NULL;
    cJSON *root = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(root, "deliveries");
    if (!root || !arr) {
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            goto out;
        }
        /* The body was built by the hub as JSON; embed it as it is (raw), not re-encoded. */
        if (!cJSON_AddNumberToObject(o, "id", (double)items[i].id) ||
            !cJSON_AddStringToObject(o, "msg_id", items[i].msg_id) ||
            !cJSON_AddStringToObject(o, "event", items[i].event) ||
            !cJSON_AddNumberToObject(o, "offered", items[i].offered) ||
            !cJSON_AddRawToObject(o, "body", items[i].body)) {
            goto out;
        }
    }
    out = cJSON_PrintUnformatted(root);
out:
    cJSON_Delete(root);
    return out;
}
