/*
 * fuzz_priv_answer: libFuzzer on the parser of the hub's answers for the resident's own
 * data (platform/hubapi/privport.c): any bytes, as every kind of answer; and as the answer
 * of the refusal of statistical use (statsport.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hubclient.h"
#include "privport.h"
#include "statsport.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    for (int k = APP_EV_PRIV_LOG; k <= APP_EV_CK_TREND; k++)
        free(privport_parse((enum app_event_kind)k, s));
    struct app_event ev = {.kind = APP_EV_STATS_OPTOUT};
    statsport_parse(&ev, HUBC_OK, 200, s);
    free(s);
    return 0;
}
