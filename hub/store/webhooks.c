/*
 * webhooks.c: the webhook endpoints store (see webhooks.h).
 */
#include "webhooks.h"
#include "oqueue.h"
#include "rows.h"
#include "secrets.h"
#include "whsig.h"
#include "whurl.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

int webhooks_endpoint_ok(const char *url, const char *secret, char *err, size_t errlen)
{
    unsigned char key[WHSIG_KEY_MAX];
    size_t keylen = 0;
    if (whurl_check(url, OQUEUE_URL_MAX - 1, err, errlen) == WHURL_BAD)
        return 0;
    enum whsig_result w = whsig_secret_decode(secret, key, &keylen);
    OPENSSL_cleanse(key, sizeof key);
    if (w != WHSIG_OK) {
        snprintf(err, errlen,
                 "the signing secret must be whsec_ followed by base64 of 24 to 64 "
                 "bytes");
        return 0;
    }
    return 1;
}

enum orders_rc webhooks_set(struct db *db, const char *recipient, const char *url,
                            const char *secret, char *err, size_t errlen)
{
    if (!oqueue_recipient_valid(recipient)) {
        snprintf(err, errlen, "the recipient must look like operator:3");
        return ORDERS_INVALID;
    }
    if (!webhooks_endpoint_ok(url, secret, err, errlen))
        return ORDERS_INVALID;
    char sealed[SECRETBOX_SEALED_MAX];
    if (secrets_seal("ord_webhooks.secret", recipient, secret, strlen(secret), sealed) != DB_OK) {
        snprintf(err, errlen, "the secret cannot be sealed (no secrets key file?)");
        return ORDERS_DB;
    }
    struct db_stmt *st = db_stmt(db, "INSERT INTO ord_webhooks(recipient, url, secret)"
                                     " VALUES(?, ?, ?) ON CONFLICT(recipient) DO UPDATE SET"
                                     " url = excluded.url, secret = excluded.secret");
    enum db_status s = st ? db_bind_text(st, 1, recipient, -1) : DB_ERR;
    if (s == DB_OK)
        s = ROWS_BIND(st, 2, ROWS_TEXT(url), ROWS_TEXT(sealed));
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    if (s != DB_DONE) {
        snprintf(err, errlen, "the database refused the endpoint");
        return ORDERS_DB;
    }
    return ORDERS_OK;
}

enum orders_rc webhooks_operator_set(struct db *db, const struct scope *sc, long long operator_id,
                                     const char *url, const char *secret, char *err, size_t errlen)
{
    char recipient[48], one[4], stored[OQUEUE_URL_MAX];
    enum db_status s = rows_text_in_town(db,
                                         "SELECT 'y' FROM operators WHERE id = ?"
                                         " AND municipality_id = ?",
                                         sc, operator_id, one, sizeof one);
    if (s != DB_ROW) {
        snprintf(err, errlen, "there is no operator %lld registered in this municipality",
                 operator_id);
        return s == DB_DONE ? ORDERS_NOT_FOUND : ORDERS_DB;
    }
    snprintf(recipient, sizeof recipient, "operator:%lld", operator_id);
    if (!url) {
        struct db_stmt *st = db_stmt(db, "SELECT url FROM ord_webhooks WHERE recipient = ?");
        s = st ? db_bind_text(st, 1, recipient, -1) : DB_ERR;
        if (s == DB_OK)
            s = db_step(st);
        if (s == DB_ROW)
            snprintf(stored, sizeof stored, "%s", db_col_text(st, 0) ? db_col_text(st, 0) : "");
        db_stmt_done(st);
        if (s != DB_ROW) {
            snprintf(err, errlen, "operator %lld has no webhook yet: give its URL", operator_id);
            return s == DB_DONE ? ORDERS_NOT_FOUND : ORDERS_DB;
        }
        url = stored;
    }
    return webhooks_set(db, recipient, url, secret, err, errlen);
}

enum orders_rc webhooks_delete(struct db *db, const char *recipient)
{
    struct db_stmt *st = db_stmt(db, "DELETE FROM ord_webhooks WHERE recipient = ?");
    if (!st)
        return ORDERS_DB;
    enum db_status s = db_bind_text(st, 1, recipient, -1);
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    return s == DB_DONE ? ORDERS_OK : ORDERS_DB;
}
