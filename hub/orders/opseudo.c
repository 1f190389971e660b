/*
 * opseudo.c: HMAC-SHA-256 pseudonyms with a key per recipient (see opseudo.h).
 */
#include "opseudo.h"

#include <stdio.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

enum orders_rc opseudo_key_generate(unsigned char key[OPSEUDO_KEY_LEN])
{
    return RAND_bytes(key, OPSEUDO_KEY_LEN) == 1 ? ORDERS_OK : ORDERS_CRYPTO;
}

static void base32(const unsigned char *in, size_t len, char *out)
{
    static const char ALPHA[] = "abcdefghijklmnopqrstuvwxyz234567";
    unsigned int acc = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        acc = (acc << 8) | in[i];
        bits += 8;
        while (bits >= 5) {
            out[o++] = ALPHA[(acc >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0) {
        out[o++] = ALPHA[(acc << (5 - bits)) & 31];
    }
    out[o] = '\0';
}

enum orders_rc opseudo_derive(const unsigned char key[OPSEUDO_KEY_LEN], long long resident_id,
                              char out[OPSEUDO_LEN + 1])
{
    char msg[48];
    int n = snprintf(msg, sizeof(msg), "resident:%lld", resident_id);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;
    if (!HMAC(EVP_sha256(), key, OPSEUDO_KEY_LEN, (const unsigned char *)msg, (size_t)n, mac,
              &maclen) ||
        maclen != 32) {
        return ORDERS_CRYPTO;
    }
    out[0] = 'p';
    out[1] = '_';
    base32(mac, 20, out + 2); /* 160 bits → 32 characters */
    OPENSSL_cleanse(mac, sizeof(mac));
    return ORDERS_OK;
}
