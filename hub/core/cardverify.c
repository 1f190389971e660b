/*
 * cardverify: certificate, chain and signature checks of a JPKI card login (see the
 * header). The validity period is checked first and on its own so that an expired
 * certificate is reported as EXPIRED rather than as a generic chain failure; the chain is
 * then verified by OpenSSL at the caller's `now` (never the wall clock, so tests and
 * replays are deterministic).
 */
#include "cardverify.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

struct cardverify_trust {
    X509_STORE *store;
    atomic_int refs;
    int n_crls;
    time_t crl_next_update; /* earliest nextUpdate; 0 = none known */
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
    case CARDVERIFY_REVOKED:
        return "certificate_revoked";
    case CARDVERIFY_REVOCATION_UNKNOWN:
        return "revocation_unknown";
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
    atomic_init(&t->refs, 1);
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

/* The issuer of crl among the store's trusted certificates, or NULL (borrowed). */
static X509 *crl_issuer(X509_STORE *store, X509_CRL *crl)
{
    X509 *found = NULL;
    STACK_OF(X509_OBJECT) *objs = X509_STORE_get0_objects(store);
    for (int i = 0; i < sk_X509_OBJECT_num(objs) && !found; i++) {
        X509 *c = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objs, i));
        if (c && X509_NAME_cmp(X509_get_subject_name(c), X509_CRL_get_issuer(crl)) == 0)
            found = c;
    }
    return found;
}

/* Checks crl against its issuer in the store and adds it. 0, or -1 with err. */
static int add_crl(struct cardverify_trust *t, X509_CRL *crl, const char *path, char *err,
                   size_t errcap)
{
    X509 *issuer = crl_issuer(t->store, crl);
    EVP_PKEY *key = issuer ? X509_get0_pubkey(issuer) : NULL;
    if (!key) {
        snprintf(err, errcap, "the CRL in %s was not issued by a CA trusted for card login", path);
        return -1;
    }
    if (X509_CRL_verify(crl, key) != 1) {
        snprintf(err, errcap, "the CRL in %s is not correctly signed by its CA", path);
        return -1;
    }
    if (X509_STORE_add_crl(t->store, crl) != 1) {
        snprintf(err, errcap, "cannot use the CRL in %s", path);
        return -1;
    }
    const ASN1_TIME *next = X509_CRL_get0_nextUpdate(crl);
    struct tm tm;
    time_t nu = 0;
    if (next && ASN1_TIME_to_tm(next, &tm) == 1)
        nu = timegm(&tm);
    if (t->n_crls == 0 || (t->crl_next_update != 0 && (nu == 0 || nu < t->crl_next_update)))
        t->crl_next_update = nu;
    t->n_crls++;
    return 0;
}

int cardverify_trust_add_crl(struct cardverify_trust *trust, const char *crl_file, char *err,
                             size_t errcap)
{
    int n = 0;
    X509_CRL *crl = NULL;
    FILE *f = NULL;
    if (!trust || !crl_file) {
        snprintf(err, errcap, "no CRL file given");
        return -1;
    }
    f = fopen(crl_file, "rb");
    if (!f) {
        snprintf(err, errcap, "cannot open CRL file %s: %s", crl_file, strerror(errno));
        return -1;
    }
    while ((crl = PEM_read_X509_CRL(f, NULL, NULL, NULL)) != NULL) {
        int rc = add_crl(trust, crl, crl_file, err, errcap);
        X509_CRL_free(crl);
        if (rc != 0) {
            n = -1;
            goto out;
        }
        n++;
    }
    if (n == 0) { /* not PEM: one DER CRL, as CAs publish them */
        rewind(f);
        crl = d2i_X509_CRL_fp(f, NULL);
        if (!crl) {
            snprintf(err, errcap, "%s holds no CRL (PEM or DER)", crl_file);
            n = -1;
            goto out;
        }
        n = add_crl(trust, crl, crl_file, err, errcap) == 0 ? 1 : -1;
        X509_CRL_free(crl);
    }
out:
    ERR_clear_error();
    fclose(f);
    if (n > 0)
        X509_STORE_set_flags(trust->store, X509_V_FLAG_CRL_CHECK);
    return n;
}

time_t cardverify_trust_crl_next_update(const struct cardverify_trust *trust)
{
    return trust ? trust->crl_next_update : 0;
}

struct cardverify_trust *cardverify_trust_ref(struct cardverify_trust *trust)
{
    if (trust)
        atomic_fetch_add(&trust->refs, 1);
    return trust;
}

void cardverify_trust_free(struct cardverify_trust *trust)
{
    if (!trust || atomic_fetch_sub(&trust->refs, 1) != 1)
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
    case X509_V_ERR_CERT_REVOKED:
        st = CARDVERIFY_REVOKED;
        break;
    case X509_V_ERR_UNABLE_TO_GET_CRL:
    case X509_V_ERR_CRL_HAS_EXPIRED:
    case X509_V_ERR_CRL_NOT_YET_VALID:
    case X509_V_ERR_CRL_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
    case X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD:
    case X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD:
    case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
    case X509_V_ERR_DIFFERENT_CRL_SCOPE:
    case X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION:
        /* a stale or missing CRL is refused, never taken as "not revoked" */
        st = CARDVERIFY_REVOCATION_UNKNOWN;
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
