/*
 * whsig.c: Standard Webhooks signing and verification (see whsig.h). Base64 is the hub's
 * one strict codec (hub/core/b64.h). Comparison is constant-time (CRYPTO_memcmp).
 */
#include "whsig.h"
#include "b64.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rand.h>

const char *whsig_result_str(enum whsig_result r)
{
    switch (r) {
    case WHSIG_OK:
        return "ok";
    case WHSIG_BAD_SECRET:
        return "bad_secret";
    case WHSIG_BAD_HEADER:
        return "bad_header";
    case WHSIG_TOO_OLD:
        return "too_old";
    case WHSIG_TOO_NEW:
        return "too_new";
    case WHSIG_MISMATCH:
        return "mismatch";
    case WHSIG_CRYPTO:
        return "crypto";
    }
    return "unknown";
}

enum whsig_result whsig_secret_decode(const char *secret, unsigned char *key, size_t *keylen)
{
    if (!secret || strncmp(secret, "whsec_", 6) != 0) {
        return WHSIG_BAD_SECRET;
    }
    size_t len = strlen(secret + 6);
    if (len > WHSIG_SECRET_MAX) {
        return WHSIG_BAD_SECRET;
    }
    long n = b64_decode(secret + 6, len, key, WHSIG_KEY_MAX);
    if (n < WHSIG_KEY_MIN || n > WHSIG_KEY_MAX) {
        return WHSIG_BAD_SECRET;
    }
    *keylen = (size_t)n;
    return WHSIG_OK;
}

enum whsig_result whsig_secret_generate(char *out, size_t cap)
{
    unsigned char key[32];
    if (cap < 6 + 44 + 1) {
        return WHSIG_BAD_SECRET;
    }
    if (RAND_bytes(key, sizeof(key)) != 1) {
        return WHSIG_CRYPTO;
    }
    memcpy(out, "whsec_", 6);
    b64_encode(key, sizeof(key), out + 6);
    OPENSSL_cleanse(key, sizeof(key));
    return WHSIG_OK;
}

enum whsig_result whsig_msg_id_generate(char *out, size_t cap)
{
    static const char HEX[] = "0123456789abcdef";
    unsigned char r[16];
    if (cap < 4 + 32 + 1) {
        return WHSIG_BAD_HEADER;
    }
    if (RAND_bytes(r, sizeof(r)) != 1) {
        return WHSIG_CRYPTO;
    }
    memcpy(out, "msg_", 4);
    for (int i = 0; i < 16; i++) {
        out[4 + 2 * i] = HEX[r[i] >> 4];
        out[5 + 2 * i] = HEX[r[i] & 15];
    }
    out[36] = '\0';
    return WHSIG_OK;
}

/* HMAC over id "." ts "." body, without concatenating the body into a new buffer
 * (OpenSSL 3 EVP_MAC; HMAC_CTX is deprecated). */
static enum whsig_result mac(const unsigned char *key, size_t keylen, const char *msg_id,
                             const char *ts, const void *body, size_t body_len,
                             unsigned char out[32])
{
    enum whsig_result r = WHSIG_CRYPTO;
    size_t outlen = 0;
    EVP_MAC *m = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *c = m ? EVP_MAC_CTX_new(m) : NULL;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string("digest", (char *)"SHA256", 0),
        OSSL_PARAM_construct_end(),
    };
    if (!c || !EVP_MAC_init(c, key, keylen, params) ||
        !EVP_MAC_update(c, (const unsigned char *)msg_id, strlen(msg_id)) ||
        !EVP_MAC_update(c, (const unsigned char *)".", 1) ||
        !EVP_MAC_update(c, (const unsigned char *)ts, strlen(ts)) ||
        !EVP_MAC_update(c, (const unsigned char *)".", 1) ||
        (body_len && !EVP_MAC_update(c, body, body_len)) || !EVP_MAC_final(c, out, &outlen, 32) ||
        outlen != 32) {
        goto out;
    }
    r = WHSIG_OK;
out:
    EVP_MAC_CTX_free(c);
    EVP_MAC_free(m);
    return r;
}

static int msg_id_ok(const char *id)
{
    size_t n = id ? strlen(id) : 0;
    if (n == 0 || n > WHSIG_MSG_ID_MAX) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        /* The id goes into the signed string and a header: printable ASCII, no '.'-tricks
         * matter (the timestamp is digits only), but no spaces or controls. */
        if (id[i] <= 0x20 || id[i] >= 0x7f) {
            return 0;
        }
    }
    return 1;
}

enum whsig_result whsig_sign(const char *secret, const char *msg_id, long long timestamp,
                             const void *body, size_t body_len, char *out, size_t cap)
{
    unsigned char key[WHSIG_KEY_MAX];
    size_t keylen = 0;
    unsigned char sig[32];
    char ts[24];
    enum whsig_result r = whsig_secret_decode(secret, key, &keylen);
    if (r != WHSIG_OK) {
        goto out;
    }
    if (!msg_id_ok(msg_id) || timestamp < 0 || cap < WHSIG_SIG_MAX) {
        r = WHSIG_BAD_HEADER;
        goto out;
    }
    snprintf(ts, sizeof(ts), "%lld", timestamp);
    r = mac(key, keylen, msg_id, ts, body, body_len, sig);
    if (r != WHSIG_OK) {
        goto out;
    }
    memcpy(out, "v1,", 3);
    b64_encode(sig, sizeof(sig), out + 3);
out:
    OPENSSL_cleanse(key, sizeof(key));
    return r;
}

static int parse_ts(const char *s, long long *out)
{
    /* At most 12 digits (year 33658): the value then cannot overflow. */
    if (!s || !*s || strlen(s) > 12) {
        return 0;
    }
    long long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') {
            return 0;
        }
        v = v * 10 + (*p - '0');
    }
    *out = v;
    return 1;
}

enum whsig_result whsig_verify(const char *secret, const char *msg_id, const char *timestamp,
                               const char *signature, const void *body, size_t body_len,
                               long long now, long long tolerance_s)
{
    unsigned char key[WHSIG_KEY_MAX];
    size_t keylen = 0;
    unsigned char want[32];
    long long ts = 0;
    enum whsig_result r = whsig_secret_decode(secret, key, &keylen);
    if (r != WHSIG_OK) {
        goto out;
    }
    if (!msg_id_ok(msg_id) || !parse_ts(timestamp, &ts) || !signature || strlen(signature) > 1024) {
        r = WHSIG_BAD_HEADER;
        goto out;
    }
    if (tolerance_s <= 0) {
        tolerance_s = WHSIG_TOLERANCE_S;
    }
    if (ts < now - tolerance_s) {
        r = WHSIG_TOO_OLD;
        goto out;
    }
    if (ts > now + tolerance_s) {
        r = WHSIG_TOO_NEW;
        goto out;
    }
    r = mac(key, keylen, msg_id, timestamp, body, body_len, want);
    if (r != WHSIG_OK) {
        goto out;
    }
    /* Space-separated entries "v1,<base64>"; other versions (v1a: asymmetric) are skipped. */
    r = WHSIG_MISMATCH;
    const char *p = signature;
    while (*p) {
        while (*p == ' ') {
            p++;
        }
        const char *e = p;
        while (*e && *e != ' ') {
            e++;
        }
        if (e - p > 3 && strncmp(p, "v1,", 3) == 0) {
            unsigned char got[34];
            long n = b64_decode(p + 3, (size_t)(e - p - 3), got, sizeof(got));
            if (n == 32 && CRYPTO_memcmp(got, want, 32) == 0) {
                r = WHSIG_OK;
                break;
            }
        }
        p = e;
    }
out:
    OPENSSL_cleanse(key, sizeof(key));
    return r;
}
