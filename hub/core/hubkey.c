/*
 * hubkey.c: Ed25519 key file, signing and verifying through OpenSSL's EVP interface.
 */
#include "hubkey.h"
#include "hubtoken.h"
#include "filemode.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>

int hubkey_generate(const char *path, char *err, size_t errcap)
{
    EVP_PKEY *key = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    FILE *f = NULL;
    int rc = -1;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        snprintf(err, errcap, "cannot create key file %s: %s", path, strerror(errno));
        goto out;
    }
    f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        snprintf(err, errcap, "cannot write key file %s: %s", path, strerror(errno));
        goto out;
    }
    ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
    if (!ctx || EVP_PKEY_keygen_init(ctx) <= 0 || EVP_PKEY_keygen(ctx, &key) <= 0) {
        snprintf(err, errcap, "cannot generate an Ed25519 key");
        goto out;
    }
    if (PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) != 1 || fflush(f) != 0 ||
        fsync(fileno(f)) != 0) {
        snprintf(err, errcap, "cannot write key file %s", path);
        goto out;
    }
    rc = 0;
out:
    if (f)
        fclose(f);
    if (rc != 0 && fd >= 0)
        unlink(path);
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(key);
    return rc;
}

EVP_PKEY *hubkey_load(const char *path, char *err, size_t errcap)
{
    if (filemode_tighten(path, err, errcap) != 0)
        return NULL;
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errcap, "cannot open key file %s: %s", path, strerror(errno));
        return NULL;
    }
    EVP_PKEY *key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    if (!key || EVP_PKEY_id(key) != EVP_PKEY_ED25519) {
        snprintf(err, errcap, "key file %s does not hold an Ed25519 private key", path);
        EVP_PKEY_free(key);
        return NULL;
    }
    return key;
}

int hubkey_public_hex(EVP_PKEY *key, char out[65])
{
    unsigned char raw[32];
    size_t len = sizeof raw;
    if (EVP_PKEY_get_raw_public_key(key, raw, &len) != 1 || len != 32)
        return -1;
    hubtoken_hex(raw, len, out);
    return 0;
}

int hubkey_sign_hex(EVP_PKEY *key, const unsigned char *msg, size_t len, char out[129])
{
    unsigned char sig[64];
    size_t siglen = sizeof sig;
    int rc = -1;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (md && EVP_DigestSignInit(md, NULL, NULL, NULL, key) == 1 &&
        EVP_DigestSign(md, sig, &siglen, msg, len) == 1 && siglen == 64) {
        hubtoken_hex(sig, siglen, out);
        rc = 0;
    }
    EVP_MD_CTX_free(md);
    return rc;
}

static int unhex(const char *hex, unsigned char *out, size_t n)
{
    if (strlen(hex) != 2 * n)
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned v = 0;
        for (int k = 0; k < 2; k++) {
            char c = hex[2 * i + (size_t)k];
            unsigned d;
            if (c >= '0' && c <= '9')
                d = (unsigned)(c - '0');
            else if (c >= 'a' && c <= 'f')
                d = (unsigned)(c - 'a' + 10);
            else
                return -1;
            v = v * 16 + d;
        }
        out[i] = (unsigned char)v;
    }
    return 0;
}

int hubkey_verify_hex(EVP_PKEY *key, const unsigned char *msg, size_t len, const char *sig_hex)
{
    unsigned char sig[64];
    int ok = 0;
    if (unhex(sig_hex, sig, sizeof sig) != 0)
        return 0;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (md && EVP_DigestVerifyInit(md, NULL, NULL, NULL, key) == 1 &&
        EVP_DigestVerify(md, sig, sizeof sig, msg, len) == 1)
        ok = 1;
    EVP_MD_CTX_free(md);
    ERR_clear_error();
    return ok;
}
