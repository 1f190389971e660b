/*
 * cardverify: certificate, chain and signature checks of a JPKI card login (see the
 * header). The validity period is checked first and on its own so that an expired
 * certificate is reported as EXPIRED rather than as a generic chain failure; the chain is
 * then verified by OpenSSL at the caller's `now` (never the wall clock, so tests and
 * replays are deterministic).
 */
#include "cardverify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

struct cardverify_trust {
    X509_STORE *store;
};

const char *cardverify_status_str(enum cardverify_status st)
{
    switch (st) {
    case CARDVERIFY_OK:
        return "ok";
    case CARDVERIFY_BAD_CERT:
        return "bad_certificate";
    case CARDVERIFY_EXPIRED:
        return "certificate_expired";
    case CARDVERIFY_NOT_YET_VALID:
        return "certificate_not_yet_valid";
    case CARDVERIFY_UNTRUSTED:
        return "certificate_untrusted";
    case CARDVERIFY_BAD_SIGNATURE:
        return "bad_signature";
    case CARDVERIFY_INTERNAL:
        return "internal_error";
    }
    return "unknown_status";
}

/* Adds every certificate of a PEM file to the store; returns how many, or -1. */
static int add_pem_file(X509_STORE *store, const char *path)
{
    int n = 0;
    X509 *x = NULL;
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "cardverify: cannot open CA file %s: %m\n", path);
        return -1;
    }
    while ((x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) {
        if (X509_STORE_add_cert(store, x) != 1) {
            /* a duplicate is harmless; anything else is a failure */
            unsigned long e = ERR_peek_last_error();
            if (ERR_GET_REASON(e) != X509_R_CERT_ALREADY_IN_HASH_TABLE) {
                X509_free(x);
                n = -1;
                break;
            }
        }
        X509_free(x);
        n++;
    }
    ERR_clear_error(); /* the end of the file shows up as a "no start line" error */
    fclose(f);
    if (n == 0)
        fprintf(stderr, "cardverify: no certificate in CA file %s\n", path);
    return n > 0 ? n : -1;
}

struct cardverify_trust *cardverify_trust_load(const char *ca_pem_file)
{
    struct cardverify_trust *t = NULL;
    if (!ca_pem_file)
        return NULL;
    t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->store = X509_STORE_new();
    if (!t->store || add_pem_file(t->store, ca_pem_file) < 0) {
        cardverify_trust_free(t);
        return NULL;
    }
    return t;
}

int cardverify_trust_add(struct cardverify_trust *trust, const char *ca_pem_file)
{
    if (!trust || !ca_pem_file)
        return -1;
    return add_pem_file(trust->store, ca_pem_file) < 0 ? -1 : 0;
}

void cardverify_trust_free(struct cardverify_trust *trust)
{
    if (!trust)
        return;
    X509_STORE_free(trust->store);
    free(trust);
}

static enum cardverify_status check_period(X509 *cert, time_t now)
{
    time_t t = now;
    /* X509_cmp_time: -1 if the ASN1 time is before t, 1 if after, 0 on error */
    int nb = X509_cmp_time(X509_get0_notBefore(cert), &t);
    int na = X509_cmp_time(X509_get0_notAfter(cert), &t);
    if (nb == 0 || na == 0)
        return CARDVERIFY_BAD_CERT;
    if (nb > 0)
        return CARDVERIFY_NOT_YET_VALID;
    if (na < 0)
        return CARDVERIFY_EXPIRED;
    return CARDVERIFY_OK;
}

static enum cardverify_status check_chain(X509_STORE *store, X509 *cert, time_t now)
{
    enum cardverify_status st = CARDVERIFY_INTERNAL;
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    if (!ctx || X509_STORE_CTX_init(ctx, store, cert, NULL) != 1)
        goto out;
    X509_STORE_CTX_set_time(ctx, 0, now);
    if (X509_verify_cert(ctx) == 1) {
        st = CARDVERIFY_OK;
        goto out;
    }
    switch (X509_STORE_CTX_get_error(ctx)) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
        st = CARDVERIFY_EXPIRED;
        break;
    case X509_V_ERR_CERT_NOT_YET_VALID:
        st = CARDVERIFY_NOT_YET_VALID;
        break;
    default:
        st = CARDVERIFY_UNTRUSTED;
        break;
    }
out:
    X509_STORE_CTX_free(ctx);
    ERR_clear_error();
    return st;
}

static enum cardverify_status check_signature(X509 *cert, const unsigned char *challenge,
                                              size_t challenge_len, const unsigned char *sig,
                                              size_t sig_len)
{
    enum cardverify_status st = CARDVERIFY_INTERNAL;
    EVP_PKEY_CTX *pctx = NULL;
    EVP_MD_CTX *md = NULL;
    EVP_PKEY *key = X509_get0_pubkey(cert);
    if (!key || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
        st = CARDVERIFY_BAD_SIGNATURE;
        goto out;
    }
    md = EVP_MD_CTX_new();
    if (!md || EVP_DigestVerifyInit(md, &pctx, EVP_sha256(), NULL, key) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1)
        goto out;
    st = EVP_DigestVerify(md, sig, sig_len, challenge, challenge_len) == 1
             ? CARDVERIFY_OK
             : CARDVERIFY_BAD_SIGNATURE;
out:
    EVP_MD_CTX_free(md);
    ERR_clear_error();
    return st;
}

enum cardverify_status cardverify_check(const struct cardverify_trust *trust,
                                        const unsigned char *cert_der, size_t cert_len,
                                        const unsigned char *challenge, size_t challenge_len,
                                        const unsigned char *sig, size_t sig_len, time_t now,
                                        unsigned char fingerprint_out[32])
{
    enum cardverify_status st = CARDVERIFY_INTERNAL;
    X509 *cert = NULL;
    const unsigned char *p = cert_der;

    if (fingerprint_out)
        memset(fingerprint_out, 0, 32);
    if (!trust || !challenge || challenge_len == 0 || challenge_len > CARDVERIFY_CHALLENGE_MAX)
        goto out;
    if (!cert_der || cert_len == 0 || cert_len > CARDVERIFY_CERT_MAX) {
        st = CARDVERIFY_BAD_CERT;
        goto out;
    }
    cert = d2i_X509(NULL, &p, (long)cert_len);
    if (!cert || p != cert_der + cert_len) { /* trailing bytes would change the fingerprint */
        st = CARDVERIFY_BAD_CERT;
        goto out;
    }
    if (fingerprint_out) {
        unsigned int n = 0;
        if (EVP_Digest(cert_der, cert_len, fingerprint_out, &n, EVP_sha256(), NULL) != 1 ||
            n != 32) {
            memset(fingerprint_out, 0, 32);
            goto out;
        }
    }
    st = check_period(cert, now);
    if (st != CARDVERIFY_OK)
        goto out;
    st = check_chain(trust->store, cert, now);
    if (st != CARDVERIFY_OK)
        goto out;
    if (!sig || sig_len == 0 || sig_len > CARDVERIFY_SIG_MAX) {
        st = CARDVERIFY_BAD_SIGNATURE;
        goto out;
    }
    st = check_signature(cert, challenge, challenge_len, sig, sig_len);
out:
    X509_free(cert);
    ERR_clear_error();
    return st;
}
