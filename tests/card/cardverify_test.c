/*
 * cardverify_test: unit tests of hub/core/cardverify.c with the certificates of the test CA
 * (TESTCA folder made by tools/testca/make-ca.sh): good login, wrong signature, other
 * key, unknown CA, expired, not yet valid, malformed certificate, trust loading.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "cardverify.h"
#include "test.h"

static const char *testca;
static const unsigned char chal[32] = "0123456789abcdef0123456789abcde";

static void path_of(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", testca, name);
}

static unsigned char *slurp(const char *name, size_t *len)
{
    char p[512];
    unsigned char *buf = malloc(65536);
    FILE *f;
    path_of(p, sizeof(p), name);
    f = fopen(p, "rb");
    if (!f || !buf) {
        if (f)
            fclose(f);
        free(buf);
        return NULL;
    }
    *len = fread(buf, 1, 65536, f);
    fclose(f);
    return buf;
}

/* RSASSA-PKCS1-v1_5 SHA-256 of msg with the key NAME.key; returns the length or 0. */
static size_t sign_with(const char *name, const unsigned char *msg, size_t len, unsigned char *sig,
                        size_t cap)
{
    char p[512];
    EVP_PKEY *k = NULL;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    size_t sl = cap;
    FILE *f;
    path_of(p, sizeof(p), name);
    f = fopen(p, "r");
    if (f) {
        k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
        fclose(f);
    }
    if (!k || !md || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k) != 1 ||
        EVP_DigestSign(md, sig, &sl, msg, len) != 1)
        sl = 0;
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(k);
    return sl;
}

static struct cardverify_trust *load_ca(void)
{
    char p[512];
    path_of(p, sizeof(p), "ca.pem");
    return cardverify_trust_load(p);
}

/* Checks cert NAME.der signed with KEY.key over chal at `now`. */
static enum cardverify_status check_one(const struct cardverify_trust *t, const char *cert,
                                        const char *key, time_t now, unsigned char fp[32])
{
    char n[128];
    unsigned char sig[512];
    size_t cl = 0, sl;
    unsigned char *der;
    enum cardverify_status st;
    snprintf(n, sizeof(n), "%s.der", cert);
    der = slurp(n, &cl);
    snprintf(n, sizeof(n), "%s.key", key);
    sl = sign_with(n, chal, sizeof(chal), sig, sizeof(sig));
    if (!der || sl == 0) {
        free(der);
        return CARDVERIFY_INTERNAL;
    }
    st = cardverify_check(t, der, cl, chal, sizeof(chal), sig, sl, now, fp);
    free(der);
    return st;
}

static void t_good(void)
{
    struct cardverify_trust *t = load_ca();
    unsigned char fp[32], want[32];
    unsigned int wl = 0;
    size_t cl = 0;
    unsigned char *der = slurp("resident-1.der", &cl);
    REQUIRE(t != NULL);
    REQUIRE(der != NULL);
    CHECK_INT_EQ(check_one(t, "resident-1", "resident-1", time(NULL), fp), CARDVERIFY_OK);
    CHECK(EVP_Digest(der, cl, want, &wl, EVP_sha256(), NULL) == 1);
    CHECK(memcmp(fp, want, 32) == 0);
    free(der);
    cardverify_trust_free(t);
}

static void t_wrong_signature(void)
{
    struct cardverify_trust *t = load_ca();
    unsigned char fp[32], sig[512], other[32];
    size_t cl = 0, sl;
    unsigned char *der = slurp("resident-1.der", &cl);
    REQUIRE(t != NULL);
    REQUIRE(der != NULL);
    /* signed by another resident's key */
    CHECK_INT_EQ(check_one(t, "resident-1", "resident-2", time(NULL), fp),
                 CARDVERIFY_BAD_SIGNATURE);
    CHECK(fp[0] || fp[1] || fp[31]); /* the fingerprint is still given, for the audit */
    /* right key, other challenge */
    memcpy(other, chal, sizeof(other));
    other[5] ^= 0x40;
    sl = sign_with("resident-1.key", other, sizeof(other), sig, sizeof(sig));
    REQUIRE(sl == 256);
    CHECK_INT_EQ(cardverify_check(t, der, cl, chal, sizeof(chal), sig, sl, time(NULL), fp),
                 CARDVERIFY_BAD_SIGNATURE);
    /* a flipped bit, a truncated signature, an empty one */
    sl = sign_with("resident-1.key", chal, sizeof(chal), sig, sizeof(sig));
    REQUIRE(sl == 256);
    sig[100] ^= 1;
    CHECK_INT_EQ(cardverify_check(t, der, cl, chal, sizeof(chal), sig, sl, time(NULL), fp),
                 CARDVERIFY_BAD_SIGNATURE);
    sig[100] ^= 1;
    CHECK_INT_EQ(cardverify_check(t, der, cl, chal, sizeof(chal), sig, sl, time(NULL), fp),
                 CARDVERIFY_OK);
    CHECK_INT_EQ(cardverify_check(t, der, cl, chal, sizeof(chal), sig, sl - 1, time(NULL), fp),
                 CARDVERIFY_BAD_SIGNATURE);
    CHECK_INT_EQ(cardverify_check(t, der, cl, chal, sizeof(chal), sig, 0, time(NULL), fp),
                 CARDVERIFY_BAD_SIGNATURE);
    free(der);
    cardverify_trust_free(t);
}

static void t_unknown_ca(void)
{
    struct cardverify_trust *t = load_ca();
    unsigned char fp[32];
    char p[512];
    REQUIRE(t != NULL);
    CHECK_INT_EQ(check_one(t, "unknown", "unknown", time(NULL), fp), CARDVERIFY_UNTRUSTED);
    /* once that CA is trusted as well, the same certificate passes */
    path_of(p, sizeof(p), "unknown-ca.pem");
    CHECK_INT_EQ(cardverify_trust_add(t, p), 0);
    CHECK_INT_EQ(check_one(t, "unknown", "unknown", time(NULL), fp), CARDVERIFY_OK);
    cardverify_trust_free(t);
    /* trusting only the unknown CA rejects our residents */
    t = cardverify_trust_load(p);
    REQUIRE(t != NULL);
    CHECK_INT_EQ(check_one(t, "resident-1", "resident-1", time(NULL), fp), CARDVERIFY_UNTRUSTED);
    cardverify_trust_free(t);
}

static void t_expired(void)
{
    struct cardverify_trust *t = load_ca();
    unsigned char fp[32];
    REQUIRE(t != NULL);
    CHECK_INT_EQ(check_one(t, "expired", "expired", time(NULL), fp), CARDVERIFY_EXPIRED);
    /* a good certificate, checked 30 years from now */
    CHECK_INT_EQ(check_one(t, "resident-1", "resident-1", time(NULL) + 30L * 365 * 86400, fp),
                 CARDVERIFY_EXPIRED);
    cardverify_trust_free(t);
}

static void t_not_yet_valid(void)
{
    struct cardverify_trust *t = load_ca();
    unsigned char fp[32];
    REQUIRE(t != NULL);
    CHECK_INT_EQ(check_one(t, "notyet", "notyet", time(NULL), fp), CARDVERIFY_NOT_YET_VALID);
    /* a good certificate, checked a day before it was issued */
    CHECK_INT_EQ(check_one(t, "resident-1", "resident-1", time(NULL) - 86400 * 2, fp),
                 CARDVERIFY_NOT_YET_VALID);
    cardverify_trust_free(t);
}

static void t_bad_input(void)
{
    struct cardverify_trust *t = load_ca();
    unsigned char fp[32], sig[256] = {0}, junk[64];
    size_t cl = 0;
    unsigned char *der = slurp("resident-1.der", &cl);
    REQUIRE(t != NULL);
    REQUIRE(der != NULL);
    memset(junk, 0x30, sizeof(junk));
    memset(fp, 0xEE, sizeof(fp));
    CHECK_INT_EQ(cardverify_check(t, junk, sizeof(junk), chal, sizeof(chal), sig, sizeof(sig),
                                  time(NULL), fp),
                 CARDVERIFY_BAD_CERT);
    CHECK(fp[0] == 0 && fp[31] == 0);
    CHECK_INT_EQ(
        cardverify_check(t, der, cl - 1, chal, sizeof(chal), sig, sizeof(sig), time(NULL), fp),
        CARDVERIFY_BAD_CERT);
    der[cl] = 0; /* trailing byte after the certificate: refused */
    CHECK_INT_EQ(
        cardverify_check(t, der, cl + 1, chal, sizeof(chal), sig, sizeof(sig), time(NULL), fp),
        CARDVERIFY_BAD_CERT);
    CHECK_INT_EQ(cardverify_check(t, NULL, 0, chal, sizeof(chal), sig, sizeof(sig), time(NULL), fp),
                 CARDVERIFY_BAD_CERT);
    CHECK_INT_EQ(cardverify_check(t, der, cl, chal, 0, sig, sizeof(sig), time(NULL), fp),
                 CARDVERIFY_INTERNAL);
    CHECK_INT_EQ(
        cardverify_check(NULL, der, cl, chal, sizeof(chal), sig, sizeof(sig), time(NULL), fp),
        CARDVERIFY_INTERNAL);
    free(der);
    cardverify_trust_free(t);
}

static void t_trust_load(void)
{
    char p[512];
    CHECK(cardverify_trust_load("/nonexistent/ca.pem") == NULL);
    path_of(p, sizeof(p), "fingerprints.txt"); /* a file without any certificate */
    CHECK(cardverify_trust_load(p) == NULL);
    CHECK(cardverify_trust_load(NULL) == NULL);
    cardverify_trust_free(NULL);
    CHECK_STR_EQ(cardverify_status_str(CARDVERIFY_OK), "ok");
    CHECK_STR_EQ(cardverify_status_str(CARDVERIFY_UNTRUSTED), "certificate_untrusted");
    CHECK_STR_EQ(cardverify_status_str(CARDVERIFY_EXPIRED), "certificate_expired");
}

int main(void)
{
    testca = getenv("TESTCA");
    if (!testca) {
        fprintf(stderr, "cardverify_test: set TESTCA to the test CA folder\n");
        return 2;
    }
    TEST_RUN(t_good);
    TEST_RUN(t_wrong_signature);
    TEST_RUN(t_unknown_ca);
    TEST_RUN(t_expired);
    TEST_RUN(t_not_yet_valid);
    TEST_RUN(t_bad_input);
    TEST_RUN(t_trust_load);
    return test_summary();
}
