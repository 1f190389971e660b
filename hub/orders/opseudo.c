/*
 * opseudo.c: HMAC-SHA-256 pseudonyms with a key per recipient (see opseudo.h).
 */
#include "opseudo.h"

#include <stdio.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

enum orders_rc opseudo_key_generate(unsigned char key[OPSEUDO_KEY_LEN])
{
    return RAND_bytes(key, OPSEUDO_KEY_LEN) == 1 ? ORDERS_OK : ORDERS_CRYPTO;
}

static void base32(const unsigned char *in, size_t len, char *out)
{
    static const char ALPHA[] = "abcdefghijklmnopqrstuvwxyz234567";
    unsigned int acc = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        acc = (acc << 8) | in[i];
        bits += 8;
        while (bits >= 5) {
            out[o++] = ALPHA[(acc >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0) {
        out[o++] = ALPHA[(acc << (5 - bits)) & 31];
    }
    out[o] = '\0';
}

enum orders_rc opseudo_derive(const unsigned char key[OPSEUDO_KEY_LEN], long long resident_id,
                              char out[OPSEUDO_LEN + 1])
{
    char msg[48];
    int n = snprintf(msg, sizeof(msg), "resident:%lld", resident_id);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;
    if (!HMAC(EVP_sha256(), key, OPSEUDO_KEY_LEN, (const unsigned char *)msg, (size_t)n, mac,
              &maclen) ||
        maclen != 32) {
        return ORDERS_CRYPTO;
    }
    out[0] = 'p';
    out[1] = '_';
    base32(mac, 20, out + 2); /* 160 bits → 32 characters */
    OPENSSL_cleanse(mac, sizeof(mac));
    return ORDERS_OK;
}

enum orders_rc opseudo_key_load(sqlite3 *db, const char *recipient,
                                unsigned char key[OPSEUDO_KEY_LEN])
{
    enum orders_rc rc = ORDERS_DB;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT key FROM ord_pseudo_keys WHERE recipient = ?1", -1, &st,
                           NULL) != SQLITE_OK) {
        goto out;
    }
    sqlite3_bind_text(st, 1, recipient, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        if (sqlite3_column_bytes(st, 0) != OPSEUDO_KEY_LEN) {
            goto out; /* the CHECK constraint makes this impossible; refuse anyway */
        }
        memcpy(key, sqlite3_column_blob(st, 0), OPSEUDO_KEY_LEN);
        rc = ORDERS_OK;
        goto out;
    }
    if (s != SQLITE_DONE) {
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (opseudo_key_generate(key) != ORDERS_OK) {
        rc = ORDERS_CRYPTO;
        goto out;
    }
    if (sqlite3_prepare_v2(db, "INSERT INTO ord_pseudo_keys(recipient, key) VALUES(?1, ?2)", -1,
                           &st, NULL) != SQLITE_OK) {
        goto out;
    }
    sqlite3_bind_text(st, 1, recipient, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, key, OPSEUDO_KEY_LEN, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
        goto out;
    }
    rc = ORDERS_OK;
out:
    sqlite3_finalize(st);
    if (rc != ORDERS_OK) {
        OPENSSL_cleanse(key, OPSEUDO_KEY_LEN);
    }
    return rc;
}

enum orders_rc opseudo_for(sqlite3 *db, const char *recipient, long long resident_id,
                           char out[OPSEUDO_LEN + 1])
{
    unsigned char key[OPSEUDO_KEY_LEN];
    enum orders_rc rc = opseudo_key_load(db, recipient, key);
    if (rc == ORDERS_OK) {
        rc = opseudo_derive(key, resident_id, out);
    }
    OPENSSL_cleanse(key, sizeof(key));
    return rc;
}
