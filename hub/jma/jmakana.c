/*
 * jmakana: lookup in the generated table (see jmakana.h).
 */
#include "jmakana.h"

#include <stdlib.h>
#include <string.h>

static int by_code(const void *key, const void *elem)
{
    return strcmp(key, ((const struct jma_kana *)elem)->code);
}

const char *jma_area_kana(const char *code, const char *name)
{
    if (!code || !name)
        return NULL;
    const struct jma_kana *k =
        bsearch(code, jma_kana_table, jma_kana_count, sizeof jma_kana_table[0], by_code);
    return k && !strcmp(k->name, name) ? k->kana : NULL;
}
