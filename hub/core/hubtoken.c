/*
 * hubtoken.c: random secrets and their SHA-256 hashes (see hubtoken.h for why only
 * hashes are stored).
 */
#include "hubtoken.h"

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

void hubtoken_hash(const char *text, size_t len, char out[HUBTOKEN_HASH_HEX])
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)text, len, md);
    hubtoken_hex(md, sizeof md, out);
}
