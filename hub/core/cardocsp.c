/*
 * cardocsp.c: OCSP checks of card certificates (see cardocsp.h). The request and the
 * checks of the answer are OpenSSL's OCSP API; the POST is libcurl.
 */
#include "cardocsp.h"

#include <curl/curl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ANSWER_MAX (64 * 1024) /* an OCSP answer is a few KiB */
#define TIMEOUT_MS 5000
#define SKEW_S     300

struct cached {
    unsigned char fp[32]; /* SHA-256 of the certificate DER */
    enum cardverify_status status;
    time_t next_update; /* 0 = free slot */
};

struct cardocsp {
    char *url;
    X509_STORE *store;    /* the trusted CAs: issuers, and anchors of the responder */
    STACK_OF(X509) * cas; /* the same certificates, to find an issuer */
    pthread_mutex_t mu;
    struct cached cache[CARDOCSP_CACHE];
};

struct cardocsp *cardocsp_create(const char *url, const char *ca_file, char *err, size_t errcap)
{
    struct cardocsp *o = NULL;
    FILE *f = NULL;
    X509 *x = NULL;
    if (!url || (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)) {
        snprintf(err, errcap, "--ocsp must be an http:// or https:// URL");
        return NULL;
    }
    if (!ca_file) {
        snprintf(err, errcap, "--ocsp needs --trust-ca (the CA whose certificates it checks)");
        return NULL;
    }
    o = calloc(1, sizeof *o);
    if (!o || !(o->url = strdup(url)) || !(o->store = X509_STORE_new()) ||
        !(o->cas = sk_X509_new_null())) {
        snprintf(err, errcap, "out of memory");
        goto fail;
    }
    pthread_mutex_init(&o->mu, NULL);
    f = fopen(ca_file, "r");
    while (f && (x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) {
        if (!sk_X509_push(o->cas, x)) {
            X509_free(x);
            break;
        }
        X509_STORE_add_cert(o->store, x);
    }
    ERR_clear_error();
    if (f)
        fclose(f);
    if (sk_X509_num(o->cas) == 0) {
        snprintf(err, errcap, "no CA certificate in %s for the OCSP checks", ca_file);
        goto fail;
    }
    return o;
fail:
    cardocsp_destroy(o);
    return NULL;
}

void cardocsp_destroy(struct cardocsp *o)
{
    if (!o)
        return;
    if (o->cas) {
        sk_X509_pop_free(o->cas, X509_free);
        pthread_mutex_destroy(&o->mu);
    }
    X509_STORE_free(o->store);
    free(o->url);
    free(o);
}

/* The cached status of fp still good at now; 0 (with *st) when found, -1 else. */
static int cache_get(struct cardocsp *o, const unsigned char fp[32], time_t now,
                     enum cardverify_status *st)
{
    int found = -1;
    pthread_mutex_lock(&o->mu);
    for (size_t i = 0; i < CARDOCSP_CACHE && found < 0; i++) {
        struct cached *c = &o->cache[i];
        if (c->next_update > now && memcmp(c->fp, fp, 32) == 0) {
            *st = c->status;
            found = 0;
        }
    }
    pthread_mutex_unlock(&o->mu);
    return found;
}

/* Keeps an answer until next_update: in its certificate's slot, a free or outdated one, or
 * the one that runs out first. */
static void cache_put(struct cardocsp *o, const unsigned char fp[32], enum cardverify_status st,
                      time_t next_update, time_t now)
{
    pthread_mutex_lock(&o->mu);
    struct cached *slot = &o->cache[0];
    for (size_t i = 0; i < CARDOCSP_CACHE; i++) {
        struct cached *c = &o->cache[i];
        if (memcmp(c->fp, fp, 32) == 0 || c->next_update <= now) {
            slot = c;
            break;
        }
        if (c->next_update < slot->next_update)
            slot = c;
    }
    memcpy(slot->fp, fp, 32);
    slot->status = st;
    slot->next_update = next_update;
    pthread_mutex_unlock(&o->mu);
}

struct answer {
    unsigned char *p;
    size_t n;
    int too_big;
};

static size_t on_data(char *data, size_t size, size_t nmemb, void *arg)
{
    struct answer *a = arg;
    size_t len = size * nmemb;
    if (a->n + len > ANSWER_MAX) {
        a->too_big = 1;
        return 0;
    }
    unsigned char *p = realloc(a->p, a->n + len);
    if (!p)
        return 0;
    memcpy(p + a->n, data, len);
    a->p = p;
    a->n += len;
    return len;
}

/* POSTs the DER request to the responder; the DER answer into *a (owned). 0, or -1 with
 * why. */
static int post(const struct cardocsp *o, const unsigned char *req, size_t req_len,
                struct answer *a, char *why, size_t cap)
{
    long status = 0;
    int rc = -1;
    CURL *c = curl_easy_init();
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/ocsp-request");
    if (!c || !h) {
        snprintf(why, cap, "out of memory");
        goto out;
    }
    curl_easy_setopt(c, CURLOPT_URL, o->url);
    curl_easy_setopt(c, CURLOPT_PROXY, ""); /* no proxy, whatever the environment */
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, req);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req_len);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "kiosk-linkage-hub/ocsp");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
    CURLcode cr = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (cr != CURLE_OK)
        snprintf(why, cap, "the OCSP responder %s did not answer: %s", o->url,
                 a->too_big ? "answer over 64 KiB" : curl_easy_strerror(cr));
    else if (status != 200)
        snprintf(why, cap, "the OCSP responder %s answered HTTP %ld", o->url, status);
    else
        rc = 0;
out:
    curl_slist_free_all(h);
    if (c)
        curl_easy_cleanup(c);
    return rc;
}

/* The certificate's issuer among the trusted CAs (a new reference), or NULL. */
static X509 *issuer_of(const struct cardocsp *o, X509 *cert)
{
    for (int i = 0; i < sk_X509_num(o->cas); i++) {
        X509 *ca = sk_X509_value(o->cas, i);
        if (X509_check_issued(ca, cert) == X509_V_OK)
            return X509_up_ref(ca) == 1 ? ca : NULL;
    }
    return NULL;
}

/* Checks the DER answer to req about id at now: the status, or REVOCATION_UNKNOWN with
 * why; *next gets the answer's nextUpdate (0 when it has none). */
static enum cardverify_status judge(const struct cardocsp *o, OCSP_REQUEST *req, OCSP_CERTID *id,
                                    X509 *issuer, const struct answer *a, time_t now, time_t *next,
                                    char *why, size_t cap)
{
    enum cardverify_status st = CARDVERIFY_REVOCATION_UNKNOWN;
    const unsigned char *p = a->p;
    OCSP_RESPONSE *resp = d2i_OCSP_RESPONSE(NULL, &p, (long)a->n);
    OCSP_BASICRESP *bs = NULL;
    STACK_OF(X509) *issuers = sk_X509_new_null();
    int status = -1, reason = 0;
    ASN1_GENERALIZEDTIME *rev = NULL, *this_upd = NULL, *next_upd = NULL;
    *next = 0;
    if (!resp || p != a->p + a->n) {
        snprintf(why, cap, "the OCSP answer is not an OCSP response");
        goto out;
    }
    if (OCSP_response_status(resp) != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
        snprintf(why, cap, "the OCSP responder refused the request (%s)",
                 OCSP_response_status_str(OCSP_response_status(resp)));
        goto out;
    }
    if (!(bs = OCSP_response_get1_basic(resp)) || !issuers || !sk_X509_push(issuers, issuer)) {
        snprintf(why, cap, "the OCSP answer is not a basic response");
        goto out;
    }
    /* Signed by the issuer, or by a responder certificate it issued for OCSP signing. */
    if (OCSP_basic_verify(bs, issuers, o->store, 0) != 1) {
        snprintf(why, cap, "the OCSP answer is not signed by the card's CA or its responder");
        goto out;
    }
    if (OCSP_check_nonce(req, bs) == 0) {
        snprintf(why, cap, "the OCSP answer carries another request's nonce (a replay)");
        goto out;
    }
    if (OCSP_resp_find_status(bs, id, &status, &reason, &rev, &this_upd, &next_upd) != 1) {
        snprintf(why, cap, "the OCSP answer says nothing of this certificate");
        goto out;
    }
    time_t skewed = now + SKEW_S;
    if (!this_upd || X509_cmp_time(this_upd, &skewed) > 0 ||
        (next_upd && X509_cmp_time(next_upd, &now) <= 0)) {
        snprintf(why, cap,
                 "the OCSP answer is not current (thisUpdate in the future or "
                 "nextUpdate passed)");
        goto out;
    }
    if (next_upd) {
        struct tm tm;
        if (ASN1_TIME_to_tm(next_upd, &tm) == 1)
            *next = timegm(&tm);
    }
    if (status == V_OCSP_CERTSTATUS_GOOD)
        st = CARDVERIFY_OK;
    else if (status == V_OCSP_CERTSTATUS_REVOKED)
        st = CARDVERIFY_REVOKED;
    else
        snprintf(why, cap, "the OCSP responder does not know the certificate");
out:
    sk_X509_free(issuers); /* issuer stays the caller's */
    OCSP_BASICRESP_free(bs);
    OCSP_RESPONSE_free(resp);
    ERR_clear_error();
    return st;
}

enum cardverify_status cardocsp_check(struct cardocsp *o, const unsigned char *cert_der,
                                      size_t cert_len, time_t now, char *why, size_t cap)
{
    enum cardverify_status st = CARDVERIFY_REVOCATION_UNKNOWN;
    const unsigned char *p = cert_der;
    unsigned char fp[32], *der = NULL;
    unsigned int fpn = 0;
    X509 *cert = NULL, *issuer = NULL;
    OCSP_REQUEST *req = NULL;
    OCSP_CERTID *id = NULL;
    struct answer a = {0};
    time_t next = 0;
    snprintf(why, cap, "the certificate could not be asked about");
    if (!o || !cert_der || cert_len == 0 || cert_len > CARDVERIFY_CERT_MAX ||
        EVP_Digest(cert_der, cert_len, fp, &fpn, EVP_sha256(), NULL) != 1)
        goto out;
    if (cache_get(o, fp, now, &st) == 0)
        goto out;
    st = CARDVERIFY_REVOCATION_UNKNOWN;
    cert = d2i_X509(NULL, &p, (long)cert_len);
    if (!cert || !(issuer = issuer_of(o, cert)))
        goto out;
    req = OCSP_REQUEST_new();
    id = OCSP_cert_to_id(EVP_sha1(), cert, issuer);
    if (!req || !id || !OCSP_request_add0_id(req, OCSP_CERTID_dup(id)) ||
        OCSP_request_add1_nonce(req, NULL, -1) != 1)
        goto out;
    int len = i2d_OCSP_REQUEST(req, &der);
    if (len <= 0 || post(o, der, (size_t)len, &a, why, cap) != 0)
        goto out;
    st = judge(o, req, id, issuer, &a, now, &next, why, cap);
    if (st != CARDVERIFY_REVOCATION_UNKNOWN && next > now)
        cache_put(o, fp, st, next, now);
out:
    OPENSSL_free(der);
    free(a.p);
    OCSP_CERTID_free(id);
    OCSP_REQUEST_free(req);
    X509_free(issuer);
    X509_free(cert);
    ERR_clear_error();
    return st;
}
