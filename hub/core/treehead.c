/*
 * treehead.c: the signed message of a tree head and its check (see treehead.h), on
 * OpenSSL's raw Ed25519 public keys so that a verifier needs only the 32 bytes.
 */
#include "treehead.h"

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/err.h>
#include <openssl/evp.h>

int treehead_message(const struct treehead *h, char *out, size_t cap)
{
    char root[65], prev[65];
    merkle_hex(h->root, root);
    merkle_hex(h->prev_root, prev);
    int n = snprintf(out, cap, "hub-audit-head v1\n%lld\n%lld\n%lld\n%s\n%lld\n%lld\n%s\n",
                     h->log_id, h->head_seq, h->tree_size, root, h->at, h->prev_size, prev);
    return n > 0 && (size_t)n < cap ? n : -1;
}

int treehead_verify(const struct treehead *h, const char *pubkey_hex)
{
    unsigned char pub[32], sig[64];
    char msg[TREEHEAD_MESSAGE_MAX];
    int ok = 0, n = treehead_message(h, msg, sizeof msg);
    EVP_PKEY *key = NULL;
    EVP_MD_CTX *md = NULL;
    if (n < 0 || !pubkey_hex || strcmp(h->pubkey, pubkey_hex) != 0 ||
        merkle_unhex_bytes(pubkey_hex, pub, sizeof pub) != 0 ||
        merkle_unhex_bytes(h->signature, sig, sizeof sig) != 0)
        goto out;
    key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, sizeof pub);
    md = EVP_MD_CTX_new();
    ok = key && md && EVP_DigestVerifyInit(md, NULL, NULL, NULL, key) == 1 &&
         EVP_DigestVerify(md, sig, sizeof sig, (const unsigned char *)msg, (size_t)n) == 1;
out:
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(key);
    ERR_clear_error();
    return ok;
}

int treehead_to_json(const struct treehead *h, cJSON *o)
{
    char root[65], prev[65];
    merkle_hex(h->root, root);
    merkle_hex(h->prev_root, prev);
    int ok = cJSON_AddNumberToObject(o, "log", (double)h->log_id) &&
             cJSON_AddNumberToObject(o, "head", (double)h->head_seq) &&
             cJSON_AddNumberToObject(o, "tree_size", (double)h->tree_size) &&
             cJSON_AddStringToObject(o, "root", root) &&
             cJSON_AddNumberToObject(o, "at_unix", (double)h->at) &&
             cJSON_AddNumberToObject(o, "prev_size", (double)h->prev_size) &&
             cJSON_AddStringToObject(o, "prev_root", prev) &&
             cJSON_AddStringToObject(o, "pubkey", h->pubkey) &&
             cJSON_AddStringToObject(o, "signature", h->signature);
    return ok ? 0 : -1;
}

/* A whole number 0..2^53 (exact in a JSON number). */
static int count_field(const cJSON *o, const char *name, long long *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 9007199254740992.0 ||
        v->valuedouble != (double)(long long)v->valuedouble)
        return -1;
    *out = (long long)v->valuedouble;
    return 0;
}

static int hex_field(const cJSON *o, const char *name, char *out, size_t len)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    unsigned char raw[64];
    if (!cJSON_IsString(v) || len / 2 > sizeof raw ||
        merkle_unhex_bytes(v->valuestring, raw, len / 2) != 0)
        return -1;
    snprintf(out, len + 1, "%s", v->valuestring);
    return 0;
}

int treehead_from_json(const cJSON *o, struct treehead *h)
{
    char root[65], prev[65];
    memset(h, 0, sizeof *h);
    if (!cJSON_IsObject(o) || count_field(o, "log", &h->log_id) != 0 ||
        count_field(o, "head", &h->head_seq) != 0 ||
        count_field(o, "tree_size", &h->tree_size) != 0 || count_field(o, "at_unix", &h->at) != 0 ||
        count_field(o, "prev_size", &h->prev_size) != 0 || hex_field(o, "root", root, 64) != 0 ||
        hex_field(o, "prev_root", prev, 64) != 0 || hex_field(o, "pubkey", h->pubkey, 64) != 0 ||
        hex_field(o, "signature", h->signature, 128) != 0 || merkle_unhex(root, h->root) != 0 ||
        merkle_unhex(prev, h->prev_root) != 0)
        return -1;
    return 0;
}
