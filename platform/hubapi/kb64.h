/*
 * kb64: standard base64 (RFC 4648, padded), for the card login's challenge, certificate
 * and signature in the hub's JSON. The kiosk's own copy (the hub's b64.c belongs to the
 * hub and is not linked into the kiosk).
 */
#ifndef KB64_H
#define KB64_H

#include <stddef.h>

/* Encodes n bytes into out (needs 4 * ((n + 2) / 3) + 1 bytes). Returns the length, or
 * -1 when out is too small. */
int kb64_encode(const unsigned char *in, size_t n, char *out, size_t outsize);
/* Decodes a padded base64 string into out. Returns the byte count, or -1 on bad input or
 * when out is too small. */
int kb64_decode(const char *in, unsigned char *out, size_t outsize);

#endif
