/*
 * fuzz_checkup_fhir: libFuzzer target for the eCheckup Bundle parser. Whatever the input,
 * the parser must return a status without crashing, leaking or reading out of bounds; an
 * accepted checkup is judged and hashed too, so those paths see fuzzed data.
 */
#include "checkup_fhir.h"
#include "checkup_judge.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct checkup *c = NULL;
    struct checkup_error err;
    char hex[65];

    if (checkup_fhir_parse((const char *)data, size, &c, &err) == CHECKUP_OK) {
        for (size_t i = 0; i < c->n_results; i++)
            (void)checkup_judge_result(&c->results[i], c->sex, NULL);
        if (checkup_hash_hex(c, hex) != CHECKUP_OK)
            __builtin_trap();
    } else if (c != NULL || err.message[0] == '\0') {
        __builtin_trap(); /* a rejection must leave no output and say why */
    }
    checkup_free(c);
    return 0;
}
