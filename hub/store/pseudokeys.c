/*
 * pseudokeys.c: the pseudonym keys store (see pseudokeys.h).
 */
#include "pseudokeys.h"
#include "rows.h"
#include "secrets.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#define COLUMN "ord_pseudo_keys.key"

/* The stored key: DB_ROW with key filled, DB_DONE when none, DB_ERR when it does not open
 * (moved from another row, altered, no key file). */
static enum db_status stored(struct db *db, int64_t town, const char *row, const char *recipient,
                             unsigned char key[OPSEUDO_KEY_LEN])
{
    struct db_stmt *st = db_stmt(db, "SELECT key FROM ord_pseudo_keys"
                                     " WHERE municipality_id = ? AND recipient = ?");
    if (!st)
        return DB_ERR;
    enum db_status s = ROWS_BIND(st, 1, ROWS_INT(town), ROWS_TEXT(recipient));
    if (s == DB_OK)
        s = db_step(st);
    if (s == DB_ROW) {
        size_t len = 0;
        if (secrets_open(COLUMN, row, db_col_text(st, 0), key, OPSEUDO_KEY_LEN, &len) != DB_OK ||
            len != OPSEUDO_KEY_LEN)
            s = DB_ERR;
    }
    db_stmt_done(st);
    return s;
}

enum orders_rc pseudokeys_load(struct db *db, const struct scope *sc, const char *recipient,
                               unsigned char key[OPSEUDO_KEY_LEN])
{
    enum orders_rc rc = ORDERS_DB;
    unsigned char fresh[OPSEUDO_KEY_LEN];
    char row[96], sealed[SECRETBOX_SEALED_MAX];
    int64_t town = scope_town(sc);
    snprintf(row, sizeof row, "%lld:%s", (long long)town, recipient);
    enum db_status s = town > 0 ? stored(db, town, row, recipient, key) : DB_ERR;
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
    if (secrets_seal(COLUMN, row, fresh, sizeof fresh, sealed) != DB_OK)
        goto out;
    /* First use. Another process may store one at the same moment: whichever commits
     * first wins, and everybody reads the winner back. */
    struct db_stmt *st =
        db_stmt(db, "INSERT INTO ord_pseudo_keys(recipient, municipality_id, key)"
                    " VALUES(?, ?, ?) ON CONFLICT(municipality_id, recipient) DO NOTHING");
    s = st ? db_bind_text(st, 1, recipient, -1) : DB_ERR;
    if (s == DB_OK)
        s = ROWS_BIND(st, 2, ROWS_INT(town), ROWS_TEXT(sealed));
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    if (s == DB_DONE && stored(db, town, row, recipient, key) == DB_ROW)
        rc = ORDERS_OK;
out:
    OPENSSL_cleanse(fresh, sizeof fresh);
    if (rc != ORDERS_OK)
        OPENSSL_cleanse(key, OPSEUDO_KEY_LEN);
    return rc;
}

enum orders_rc pseudokeys_pseudonym(struct db *db, const struct scope *sc, const char *recipient,
                                    long long resident_id, char out[OPSEUDO_LEN + 1])
{
    unsigned char key[OPSEUDO_KEY_LEN];
    enum orders_rc rc = pseudokeys_load(db, sc, recipient, key);
    if (rc == ORDERS_OK)
        rc = opseudo_derive(key, resident_id, out);
    OPENSSL_cleanse(key, sizeof key);
    return rc;
}
