/*
 * whsig: webhook signatures the Standard Webhooks way (https://www.standardwebhooks.com/).
 *
 * Headers of a delivery:
 *   webhook-id:        the message id (same on every retry of one message: receivers
 *                      dedupe on it)
 *   webhook-timestamp: Unix seconds of this attempt (decimal)
 *   webhook-signature: "v1," + base64(HMAC-SHA-256(key, id + "." + timestamp + "." + body))
 * The secret is "whsec_" + base64(key); the key is the decoded bytes (24..64 bytes; we
 * generate 32). A signature header may carry several space-separated signatures (key
 * rotation); verification accepts the message if any "v1," entry matches.
 * Checked against the spec's published vector (tests/orders/test_orders_whsig.c).
 */
#ifndef WHSIG_H
#define WHSIG_H

#include <stddef.h>

/* Status results must be looked at (STYLE.md 5). */
#ifndef ORDERS_MUST_USE
#define ORDERS_MUST_USE __attribute__((warn_unused_result))
#endif

#define WHSIG_SECRET_MAX  96 /* "whsec_" + base64 of up to 64 bytes + NUL */
#define WHSIG_SIG_MAX     52 /* "v1," + 44 base64 characters + NUL */
#define WHSIG_KEY_MIN     24
#define WHSIG_KEY_MAX     64
#define WHSIG_TOLERANCE_S 300 /* default: 5 minutes each way */
#define WHSIG_MSG_ID_MAX  64

enum whsig_result {
    WHSIG_OK = 0,
    WHSIG_BAD_SECRET, /* not "whsec_" + base64 of 24..64 bytes */
    WHSIG_BAD_HEADER, /* a header missing or malformed */
    WHSIG_TOO_OLD,    /* timestamp older than the tolerance (replay?) */
    WHSIG_TOO_NEW,    /* timestamp further in the future than the tolerance */
    WHSIG_MISMATCH,   /* no signature matches */
    WHSIG_CRYPTO,     /* OpenSSL failed */
};

/* "ok", "bad_secret", "bad_header", "too_old", "too_new", "mismatch", "crypto". */
const char *whsig_result_str(enum whsig_result r);

/* Writes a new random secret ("whsec_" + base64 of 32 bytes) into out (cap ≥ 51). */
enum whsig_result whsig_secret_generate(char *out, size_t cap) ORDERS_MUST_USE;

/* Writes a new message id "msg_" + 32 hex characters into out (cap ≥ 37). */
enum whsig_result whsig_msg_id_generate(char *out, size_t cap) ORDERS_MUST_USE;

/* Decodes a secret into key (room for WHSIG_KEY_MAX) and *keylen. */
enum whsig_result whsig_secret_decode(const char *secret, unsigned char *key,
                                      size_t *keylen) ORDERS_MUST_USE;

/* Computes the webhook-signature value ("v1,...") into out (cap ≥ WHSIG_SIG_MAX). */
enum whsig_result whsig_sign(const char *secret, const char *msg_id, long long timestamp,
                             const void *body, size_t body_len, char *out,
                             size_t cap) ORDERS_MUST_USE;

/*
 * Verifies a received message: the three header values as received (NULL if absent), the
 * raw body bytes, the receiver's clock now and the tolerance in seconds (≤ 0 → default).
 */
enum whsig_result whsig_verify(const char *secret, const char *msg_id, const char *timestamp,
                               const char *signature, const void *body, size_t body_len,
                               long long now, long long tolerance_s) ORDERS_MUST_USE;

#endif
