/*
 * b64.h: standard base64 (RFC 4648 §4, with padding) for bodies that carry binary data
 * (card challenges, certificates, signatures). The decoder is strict: it rejects
 * characters outside the alphabet, wrong padding and lengths that are not a multiple of 4,
 * so a client error is reported instead of half-decoded bytes.
 */
#ifndef HUB_B64_H
#define HUB_B64_H

#include <stddef.h>

/* Encodes len bytes into out (room for b64_encoded_len(len) + 1 bytes, NUL-terminated). */
size_t b64_encoded_len(size_t len);
void b64_encode(const unsigned char *in, size_t len, char *out);

/*
 * Decodes the text in[0..len) into out (room for cap bytes). Returns the number of bytes
 * written, or -1 if the text is not valid base64 or does not fit.
 */
long b64_decode(const char *in, size_t len, unsigned char *out, size_t cap);

#endif
