/*
 * jsonnum.c: see jsonnum.h.
 */
#include "jsonnum.h"

#define JSONNUM_MAX 9007199254740992.0 /* 2^53 */

long long jsonnum_ll(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    /* the comparisons are false for NaN, so it falls to 0 too */
    if (!cJSON_IsNumber(v) || !(v->valuedouble > -JSONNUM_MAX && v->valuedouble < JSONNUM_MAX))
        return 0;
    return (long long)v->valuedouble;
}
