/*
 * treehead.c: the signed message of a tree head and its check (see treehead.h), on
 * OpenSSL's raw Ed25519 public keys so that a verifier needs only the 32 bytes.
 */
#include "treehead.h"

#include <stdio.h>
#include <string.h>

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
