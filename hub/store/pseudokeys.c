/*
 * pseudokeys.c: the pseudonym keys store (see pseudokeys.h).
 */
#include "pseudokeys.h"

#include <string.h>

#include <openssl/crypto.h>

/* The stored key: DB_ROW with key filled, DB_DONE when none. */
static enum db_status stored(struct db *db, const char *recipient,
                             unsigned char key[OPSEUDO_KEY_LEN])
{
    struct db_stmt *st = db_stmt(db, "SELECT key FROM ord_pseudo_keys WHERE recipient = ?");
    if (!st)
        return DB_ERR;
    enum db_status s = db_bind_text(st, 1, recipient, -1);
    if (s == DB_OK)
        s = db_step(st);
    if (s == DB_ROW) {
        /* The CHECK constraint makes another length impossible; refuse it anyway. */
        if (db_col_bytes(st, 0) == OPSEUDO_KEY_LEN)
            memcpy(key, db_col_blob(st, 0), OPSEUDO_KEY_LEN);
        else
            s = DB_ERR;
    }
    db_stmt_done(st);
    return s;
}

enum orders_rc pseudokeys_load(struct db *db, const char *recipient,
                               unsigned char key[OPSEUDO_KEY_LEN])
{
    enum orders_rc rc = ORDERS_DB;
    unsigned char fresh[OPSEUDO_KEY_LEN];
    enum db_status s = stored(db, recipient, key);
    if (s == DB_ROW) {
        rc = ORDERS_OK;
        goto out;
    }
    if (s != DB_DONE)
        goto out;
    if (opseudo_key_generate(fresh) != ORDERS_OK) {
        rc = ORDERS_CRYPTO;
        goto out;
    }
    /* First use. Another process may store one at the same moment: whichever commits
     * first wins, and everybody reads the winner back. */
    struct db_stmt *st = db_stmt(db, "INSERT INTO ord_pseudo_keys(recipient, key) VALUES(?, ?)"
                                     " ON CONFLICT(recipient) DO NOTHING");
    s = st ? db_bind_text(st, 1, recipient, -1) : DB_ERR;
    if (s == DB_OK)
        s = db_bind_blob(st, 2, fresh, OPSEUDO_KEY_LEN);
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    if (s == DB_DONE && stored(db, recipient, key) == DB_ROW)
        rc = ORDERS_OK;
out:
    OPENSSL_cleanse(fresh, sizeof fresh);
    if (rc != ORDERS_OK)
        OPENSSL_cleanse(key, OPSEUDO_KEY_LEN);
    return rc;
}

enum orders_rc pseudokeys_pseudonym(struct db *db, const char *recipient, long long resident_id,
                                    char out[OPSEUDO_LEN + 1])
{
    unsigned char key[OPSEUDO_KEY_LEN];
    enum orders_rc rc = pseudokeys_load(db, recipient, key);
    if (rc == ORDERS_OK)
        rc = opseudo_derive(key, resident_id, out);
    OPENSSL_cleanse(key, sizeof key);
    return rc;
}
