/*
 * fuzz_jmaxml.c: libFuzzer target for the JMA parsers (hub/jma/jmaxml.h): every input is
 * tried as a telegram (気象警報・注意報 or 土砂災害警戒情報) and as an Atom feed; what the
 * parser accepts must keep its invariants (codes of the right length, kinds within their
 * cap, one kind per landslide area, words for every kind in force). Seeds: the test
 * telegrams of tests/hub/jma.
 */
#include "jmakinds.h"
#include "jmaxml.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct jma_telegram t;
    char reason[256];
    if (jma_parse_telegram((const char *)data, size, &t, reason, sizeof reason) == JMA_OK) {
        if (t.n_areas < 0 || t.n_areas > JMA_AREAS_MAX)
            abort();
        for (int i = 0; i < t.n_areas; i++) {
            if (strlen(t.areas[i].code) != 7 || t.areas[i].n_kinds < 1 ||
                t.areas[i].n_kinds > JMA_KINDS_MAX)
                abort();
            if (t.series == JMA_SERIES_LANDSLIDE &&
                (t.areas[i].n_kinds != 1 || strlen(t.areas[i].kinds[0].code) != 1 ||
                 (t.areas[i].kinds[0].in_force && !jma_landslide_words(t.areas[i].kinds[0].name))))
                abort();
            for (int k = 0; k < t.areas[i].n_kinds; k++)
                (void)jma_kind_words(t.areas[i].kinds[k].code, t.areas[i].kinds[k].name);
        }
    } else if (reason[0] == '\0') {
        abort(); /* every refusal says why */
    }
    struct jma_feed_entry *entries = NULL;
    int n = 0;
    if (jma_parse_feed((const char *)data, size, &entries, &n, reason, sizeof reason) == JMA_OK &&
        (n < 0 || n > JMA_FEED_ENTRIES_MAX))
        abort();
    free(entries);
    return 0;
}
