/*
 * vcardapp_test: unit tests of the virtual card's JPKI application (tools/vcard/vcardapp.c)
 * without pcscd: status words, READ BINARY chunking and its end, the tries query, VERIFY,
 * SIGN (checked with the public key), volatile state cleared by power events, and the
 * retry counter's state file (persisted, corrupt file refused).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "apdu.h"
#include "test.h"
#include "vcardapp.h"

static const char *testca;
static char state_path[256];
static unsigned char der[4096];
static size_t der_len;
static EVP_PKEY *key;

static struct vcardapp *make(int tries, int not_mynumber)
{
    struct vcardapp_config cfg;
    char err[256];
    struct vcardapp *app;
    memset(&cfg, 0, sizeof(cfg));
    cfg.cert = der;
    cfg.cert_len = der_len;
    cfg.key = key;
    memcpy(cfg.pin, "2580", 4);
    cfg.initial_tries = tries;
    cfg.state_path = state_path;
    cfg.not_mynumber = not_mynumber;
    app = vcardapp_create(&cfg, err, sizeof(err));
    if (!app)
        fprintf(stderr, "vcardapp_create: %s\n", err);
    return app;
}

/* Sends a command; returns the SW and copies data into out (when not NULL). */
static uint16_t tx(struct vcardapp *app, const unsigned char *cmd, size_t len, unsigned char *out,
                   size_t *out_len)
{
    unsigned char resp[APDU_RESP_MAX];
    size_t n = vcardapp_handle(app, cmd, len, resp);
    if (out && out_len) {
        memcpy(out, resp, n - 2);
        *out_len = n - 2;
    }
    return (uint16_t)((resp[n - 2] << 8) | resp[n - 1]);
}

static uint16_t sel_ef(struct vcardapp *app, uint16_t fid)
{
    unsigned char c[APDU_CMD_MAX];
    return tx(app, c, apdu_build_select_ef(c, fid), NULL, NULL);
}

static uint16_t sel_ap(struct vcardapp *app)
{
    unsigned char c[APDU_CMD_MAX];
    return tx(app, c, apdu_build_select_aid(c, apdu_jpki_aid, APDU_JPKI_AID_LEN), NULL, NULL);
}

static uint16_t verify(struct vcardapp *app, const char *pin)
{
    unsigned char c[APDU_CMD_MAX];
    size_t n = pin ? apdu_build_verify(c, pin, 4) : apdu_build_tries_query(c);
    return tx(app, c, n, NULL, NULL);
}

static void t_select(void)
{
    static const unsigned char text_ap[] = {0xD3, 0x92, 0x10, 0x00, 0x31,
                                            0x00, 0x01, 0x01, 0x04, 0x08};
    unsigned char c[APDU_CMD_MAX];
    struct vcardapp *app;
    unlink(state_path);
    app = make(3, 0);
    REQUIRE(app != NULL);
    CHECK_INT_EQ(sel_ef(app, APDU_EF_AUTH_CERT), 0x6A82); /* no AP selected yet */
    CHECK_INT_EQ(tx(app, c, apdu_build_select_aid(c, text_ap, sizeof(text_ap)), NULL, NULL),
                 0x6A82); /* the text AP does not exist here */
    CHECK_INT_EQ(sel_ap(app), 0x9000);
    CHECK_INT_EQ(sel_ef(app, APDU_EF_AUTH_CERT), 0x9000);
    CHECK_INT_EQ(sel_ef(app, 0x0001), 0x6A82);          /* signing certificate: never emulated */
    CHECK_INT_EQ(sel_ef(app, APDU_EF_AUTH_CA), 0x6A82); /* no CA certificate given */
    c[0] = 0x00, c[1] = 0xCA, c[2] = 0, c[3] = 0;
    CHECK_INT_EQ(tx(app, c, 4, NULL, NULL), 0x6D00);
    vcardapp_destroy(app);
    unlink(state_path);
    app = make(3, 1);
    REQUIRE(app != NULL);
    CHECK_INT_EQ(sel_ap(app), 0x6A82);
    vcardapp_destroy(app);
}

static void t_read_chunks(void)
{
    unsigned char c[APDU_CMD_MAX], got[4096], buf[APDU_RESP_MAX];
    size_t total = 0, off, n = 0;
    struct vcardapp *app;
    unlink(state_path);
    app = make(3, 0);
    REQUIRE(app != NULL);
    CHECK_INT_EQ(tx(app, c, apdu_build_read_binary(c, 0, 7), buf, &n), 0x6986); /* no EF */
    REQUIRE(sel_ap(app) == 0x9000);
    REQUIRE(sel_ef(app, APDU_EF_AUTH_CERT) == 0x9000);
    CHECK_INT_EQ(tx(app, c, apdu_build_read_binary(c, 0, 7), buf, &n), 0x9000);
    REQUIRE(n == 7);
    REQUIRE(apdu_der_total_len(buf, n, sizeof(got), &total) == APDU_OK);
    CHECK_INT_EQ(total, der_len);
    memcpy(got, buf, 7);
    for (off = 7; off < total; off += n) {
        size_t want = total - off > 256 ? 256 : total - off;
        CHECK_INT_EQ(tx(app, c, apdu_build_read_binary(c, (uint16_t)off, want), buf, &n), 0x9000);
        REQUIRE(n == want);
        memcpy(got + off, buf, n);
    }
    CHECK(memcmp(got, der, der_len) == 0);
    /* past the end, and asking for more than is left */
    CHECK_INT_EQ(tx(app, c, apdu_build_read_binary(c, (uint16_t)der_len, 1), buf, &n), 0x6B00);
    CHECK_INT_EQ(tx(app, c, apdu_build_read_binary(c, (uint16_t)(der_len - 3), 10), buf, &n),
                 0x6282);
    CHECK_INT_EQ(n, 3);
    /* the token */
    REQUIRE(sel_ef(app, APDU_EF_TOKEN) == 0x9000);
    CHECK_INT_EQ(tx(app, c, apdu_build_read_binary(c, 0, 0x20), buf, &n), 0x9000);
    CHECK(n == 32 && memcmp(buf, "JPKIAPICCTOKEN", 14) == 0);
    vcardapp_destroy(app);
}

static int file_tries(void)
{
    char buf[32] = {0};
    FILE *f = fopen(state_path, "r");
    size_t n;
    if (!f)
        return -1;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    if (n < 7 || strncmp(buf, "tries=", 6) != 0)
        return -2;
    return buf[6] - '0';
}

static void t_verify_counter(void)
{
    struct vcardapp *app;
    unlink(state_path);
    app = make(3, 0);
    REQUIRE(app != NULL);
    CHECK_INT_EQ(file_tries(), 3);
    REQUIRE(sel_ap(app) == 0x9000);
    CHECK_INT_EQ(verify(app, "2580"), 0x6986); /* PIN EF not selected */
    REQUIRE(sel_ef(app, APDU_EF_AUTH_PIN) == 0x9000);
    CHECK_INT_EQ(verify(app, NULL), 0x63C3);
    CHECK_INT_EQ(verify(app, NULL), 0x63C3); /* the query never uses a try */
    CHECK_INT_EQ(verify(app, "1111"), 0x63C2);
    CHECK_INT_EQ(file_tries(), 2);
    vcardapp_destroy(app);
    /* kept across a restart: initial_tries only counts without a state file */
    app = make(3, 0);
    REQUIRE(app != NULL);
    CHECK_INT_EQ(vcardapp_tries(app), 2);
    REQUIRE(sel_ap(app) == 0x9000);
    REQUIRE(sel_ef(app, APDU_EF_AUTH_PIN) == 0x9000);
    CHECK_INT_EQ(verify(app, "2580"), 0x9000);
    CHECK_INT_EQ(file_tries(), 3);
    CHECK_INT_EQ(verify(app, NULL), 0x9000); /* verified */
    vcardapp_power(app);                     /* power cycle clears it */
    REQUIRE(sel_ap(app) == 0x9000);
    REQUIRE(sel_ef(app, APDU_EF_AUTH_PIN) == 0x9000);
    CHECK_INT_EQ(verify(app, NULL), 0x63C3);
    CHECK_INT_EQ(verify(app, "0000"), 0x63C2);
    CHECK_INT_EQ(verify(app, "0000"), 0x63C1);
    CHECK_INT_EQ(verify(app, "0000"), 0x63C0);
    CHECK_INT_EQ(verify(app, "2580"), 0x6984); /* blocked: the right PIN does not help */
    CHECK_INT_EQ(verify(app, NULL), 0x63C0);
    CHECK_INT_EQ(file_tries(), 0);
    vcardapp_destroy(app);
}

static void t_sign(void)
{
    unsigned char c[APDU_CMD_MAX], sig[512], di[APDU_DIGESTINFO_LEN], hash[32];
    unsigned char msg[] = "challenge";
    unsigned int hl = 0;
    size_t n = 0;
    struct vcardapp *app;
    EVP_MD_CTX *md;
    unlink(state_path);
    app = make(3, 0);
    REQUIRE(app != NULL);
    REQUIRE(EVP_Digest(msg, sizeof(msg), hash, &hl, EVP_sha256(), NULL) == 1);
    apdu_digestinfo_sha256(di, hash);
    REQUIRE(sel_ap(app) == 0x9000);
    REQUIRE(sel_ef(app, APDU_EF_AUTH_KEY) == 0x9000);
    CHECK_INT_EQ(tx(app, c, apdu_build_sign(c, di, sizeof(di)), sig, &n), 0x6982); /* no PIN */
    REQUIRE(sel_ef(app, APDU_EF_AUTH_PIN) == 0x9000);
    REQUIRE(verify(app, "2580") == 0x9000);
    CHECK_INT_EQ(tx(app, c, apdu_build_sign(c, di, sizeof(di)), sig, &n), 0x6986); /* wrong EF */
    REQUIRE(sel_ef(app, APDU_EF_AUTH_KEY) == 0x9000);
    CHECK_INT_EQ(tx(app, c, apdu_build_sign(c, di, sizeof(di)), sig, &n), 0x9000);
    REQUIRE(n == 256);
    md = EVP_MD_CTX_new();
    REQUIRE(md != NULL);
    CHECK(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
          EVP_DigestVerify(md, sig, n, msg, sizeof(msg)) == 1);
    EVP_MD_CTX_free(md);
    /* reset: the verified state is gone */
    vcardapp_power(app);
    REQUIRE(sel_ap(app) == 0x9000);
    REQUIRE(sel_ef(app, APDU_EF_AUTH_KEY) == 0x9000);
    CHECK_INT_EQ(tx(app, c, apdu_build_sign(c, di, sizeof(di)), sig, &n), 0x6982);
    vcardapp_destroy(app);
}

static void t_state_file(void)
{
    FILE *f;
    struct vcardapp *app;
    unlink(state_path);
    app = make(1, 0);
    REQUIRE(app != NULL);
    CHECK_INT_EQ(vcardapp_tries(app), 1);
    vcardapp_destroy(app);
    f = fopen(state_path, "w");
    REQUIRE(f != NULL);
    fputs("tries=7\n", f);
    fclose(f);
    CHECK(make(3, 0) == NULL); /* corrupt: refused, never silently reset to 3 */
    f = fopen(state_path, "w");
    REQUIRE(f != NULL);
    fputs("garbage", f);
    fclose(f);
    CHECK(make(3, 0) == NULL);
    unlink(state_path);
    CHECK(make(4, 0) == NULL);
}

int main(void)
{
    char p[512];
    FILE *f;
    X509 *x = NULL;
    unsigned char *q = der;
    int rc;
    testca = getenv("TESTCA");
    if (!testca) {
        fprintf(stderr, "vcardapp_test: set TESTCA\n");
        return 2;
    }
    snprintf(p, sizeof(p), "%s/resident-1.pem", testca);
    f = fopen(p, "r");
    if (f) {
        x = PEM_read_X509(f, NULL, NULL, NULL);
        fclose(f);
    }
    snprintf(p, sizeof(p), "%s/resident-1.key", testca);
    f = fopen(p, "r");
    if (f) {
        key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
        fclose(f);
    }
    if (!x || !key || i2d_X509(x, NULL) > (int)sizeof(der)) {
        fprintf(stderr, "vcardapp_test: cannot load resident-1 from %s\n", testca);
        return 2;
    }
    der_len = (size_t)i2d_X509(x, &q);
    X509_free(x);
    snprintf(state_path, sizeof(state_path), "/tmp/vcardapp_test.%ld.state", (long)getpid());
    TEST_RUN(t_select);
    TEST_RUN(t_read_chunks);
    TEST_RUN(t_verify_counter);
    TEST_RUN(t_sign);
    TEST_RUN(t_state_file);
    unlink(state_path);
    EVP_PKEY_free(key);
    rc = test_summary();
    return rc;
}
