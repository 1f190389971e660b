/*
 * hubtoken.c: random secrets and their SHA-256 hashes (see hubtoken.h for why only
 * hashes are stored).
 */
#include "hubtoken.h"

#include <pthread.h>
#include <stdio.h>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

void hubtoken_hex(const unsigned char *bytes, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * len] = '\0';
}

int hubtoken_random(unsigned char *buf, size_t len)
{
    return RAND_bytes(buf, (int)len) == 1 ? 0 : -1;
}

int hubtoken_new(const char *prefix, char *out, size_t cap)
{
    unsigned char raw[32];
    char hex[65];
    if (hubtoken_random(raw, sizeof raw) != 0)
        return -1;
    hubtoken_hex(raw, sizeof raw, hex);
    int n = snprintf(out, cap, "%s_%s", prefix, hex);
    OPENSSL_cleanse(raw, sizeof raw);
    OPENSSL_cleanse(hex, sizeof hex);
    return n > 0 && (size_t)n < cap ? 0 : -1;
}

/* SHA-256 fetched once: SHA256() fetches the algorithm from the provider on every call,
 * half of its cost for a token (every request hashes its bearer token). */
static EVP_MD *sha256;
static void fetch_sha256(void)
{
    sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
}

void hubtoken_hash(const char *text, size_t len, char out[HUBTOKEN_HASH_HEX])
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    unsigned char md[SHA256_DIGEST_LENGTH];
    pthread_once(&once, fetch_sha256);
    if (!sha256 || !EVP_Digest(text, len, md, NULL, sha256, NULL))
        SHA256((const unsigned char *)text, len, md);
    hubtoken_hex(md, sizeof md, out);
}
