/*
 * jmakana: the kana reading of a JMA 市町村等 (気象警報・注意報) area, so the home tablet can
 * say the place of a warning (its voice reads kana only: 横須賀市 alone is "し"). The table
 * (jmakana_table.c) is generated from JMA's code table AreaInformationCity by
 * tools/jmakana/jmakana.py; its source and date are in its header.
 */
#ifndef JMAKANA_H
#define JMAKANA_H

#include <stddef.h>

struct jma_kana {
    const char *code; /* 7 digits, "1420100" */
    const char *name; /* 横須賀市 */
    const char *kana; /* よこすかし */
};

extern const struct jma_kana jma_kana_table[]; /* sorted by code */
extern const size_t jma_kana_count;

/* The reading of area code when the table's name for it is name (a telegram's name that
 * differs, after JMA renamed or merged areas, gets none rather than a wrong one); NULL
 * when there is none. Static storage. */
const char *jma_area_kana(const char *code, const char *name);

#endif
