/*
 * auditkey.c: per-log signing keys derived from the hub key (see auditkey.h).
 *
 * seed = HKDF-SHA256(ikm = the hub key's 32-byte Ed25519 seed, salt = "hub-audit-log-key
 * v1", info = "log:<id>"), and the log's key is the Ed25519 key with that seed. HKDF is
 * one-way: a town's key says nothing of the hub key or of another town's.
 */
#include "auditkey.h"
#include "hubkey.h"
#include "treehead.h"

#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/kdf.h>

#define SALT "hub-audit-log-key v1"

static int derive(EVP_PKEY *hub, long long log, unsigned char seed[32])
{
    unsigned char ikm[32];
    size_t ikm_len = sizeof ikm;
    char info[32];
    int rc = -1;
    EVP_KDF *kdf = NULL;
    EVP_KDF_CTX *ctx = NULL;
    int n = snprintf(info, sizeof info, "log:%lld", log);
    if (EVP_PKEY_get_raw_private_key(hub, ikm, &ikm_len) != 1 || ikm_len != sizeof ikm)
        goto out;
    kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    if (!ctx)
        goto out;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, ikm, sizeof ikm),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (char *)SALT, strlen(SALT)),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, (size_t)n),
        OSSL_PARAM_construct_end()};
    if (EVP_KDF_derive(ctx, seed, 32, params) == 1)
        rc = 0;
out:
    OPENSSL_cleanse(ikm, sizeof ikm);
    EVP_KDF_CTX_free(ctx);
    EVP_KDF_free(kdf);
    return rc;
}

EVP_PKEY *auditkey_for_log(EVP_PKEY *hub, long long log)
{
    unsigned char seed[32];
    EVP_PKEY *key = NULL;
    if (!hub)
        return NULL;
    if (log == TREEHEAD_DEFAULT_LOG)
        return EVP_PKEY_up_ref(hub) == 1 ? hub : NULL;
    if (derive(hub, log, seed) == 0)
        key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, sizeof seed);
    OPENSSL_cleanse(seed, sizeof seed);
    return key;
}

int auditkey_public_hex(EVP_PKEY *hub, long long log, char out[65])
{
    EVP_PKEY *key = auditkey_for_log(hub, log);
    int rc = key ? hubkey_public_hex(key, out) : -1;
    EVP_PKEY_free(key);
    return rc;
}
