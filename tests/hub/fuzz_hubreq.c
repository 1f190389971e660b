/*
 * fuzz_hubreq.c: libFuzzer target for every parser of outside input in hubreq.h (request
 * bodies, the Idempotency-Key header, path ids) and the base64 decoder under it.
 */
#include "b64.h"
#include "hubreq.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char msg[512];
    const char *answer = NULL;
    static struct hubreq_card_login login;
    struct hubreq_consent consent;
    const char *body = (const char *)data;
    (void)hubreq_parse_checkin(body, size, &answer, msg, sizeof msg);
    (void)hubreq_parse_card_login(body, size, &login, msg, sizeof msg);
    (void)hubreq_parse_consent(body, size, &consent, msg, sizeof msg);
    char kind[HUBREQ_NAME_MAX];
    (void)hubreq_parse_activity(body, size, kind, msg, sizeof msg);
    (void)hubreq_parse_id(body, size);
    unsigned char out[256];
    (void)b64_decode(body, size, out, sizeof out);
    char *z = malloc(size + 1);
    if (z) {
        memcpy(z, data, size);
        z[size] = '\0';
        (void)hubreq_valid_idempotency_key(z);
        free(z);
    }
    return 0;
}
