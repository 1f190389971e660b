/*
 * hubtoken.h: bearer secrets (device tokens, family tokens, card sessions) and their
 * hashes. A token is 32 random bytes from OpenSSL's RAND_bytes, shown once as a prefix
 * that names its kind plus 64 hex digits; the database keeps only the SHA-256 of the whole
 * text (hex), so a copy of the database lets nobody in.
 */
#ifndef HUB_TOKEN_H
#define HUB_TOKEN_H

#include <stddef.h>

#define HUBTOKEN_MAX      80 /* longest token text we accept, NUL excluded */
#define HUBTOKEN_HASH_HEX 65 /* 64 hex digits + NUL */

/* Writes "<prefix>_<64 hex>" into out (room for HUBTOKEN_MAX + 1). Returns 0, -1 if the
 * random generator failed (never hand out a weak token). */
int hubtoken_new(const char *prefix, char *out, size_t cap);

/* SHA-256 of text[0..len) as 64 lowercase hex digits + NUL. */
void hubtoken_hash(const char *text, size_t len, char out[HUBTOKEN_HASH_HEX]);

/* Lowercase hex of len bytes into out (room for 2*len + 1). */
void hubtoken_hex(const unsigned char *bytes, size_t len, char *out);

/* Fills buf with len random bytes. Returns 0, -1 on failure. */
int hubtoken_random(unsigned char *buf, size_t len);

#endif
