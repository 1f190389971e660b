/*
 * kb64: the kiosk's names for the hub's one base64 codec (hub/core/b64.c, compiled into
 * this library), with the output bounds the kiosk's callers pass (see kb64.h).
 */
#include "kb64.h"
#include "b64.h"

#include <string.h>

int kb64_encode(const unsigned char *in, size_t n, char *out, size_t outsize)
{
    size_t need = b64_encoded_len(n);
    if (outsize < need + 1)
        return -1;
    b64_encode(in, n, out);
    return (int)need;
}

int kb64_decode(const char *in, unsigned char *out, size_t outsize)
{
    long n = b64_decode(in, strlen(in), out, outsize);
    return n < 0 ? -1 : (int)n;
}
