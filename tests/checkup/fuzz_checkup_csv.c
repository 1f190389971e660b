/*
 * fuzz_checkup_csv: libFuzzer target for the CSV checkup import (RFC 4180 reader, header
 * mapping, row validation, grouping).
 */
#include "checkup_csv.h"
#include "checkup_judge.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct checkup_list *l = NULL;
    struct checkup_error err;

    if (checkup_csv_parse((const char *)data, size, &l, &err) == CHECKUP_OK) {
        for (size_t k = 0; k < l->n; k++)
            for (size_t i = 0; i < l->v[k]->n_results; i++)
                (void)checkup_judge_result(&l->v[k]->results[i], l->v[k]->sex, NULL);
    } else if (l != NULL || err.message[0] == '\0') {
        __builtin_trap();
    }
    checkup_list_free(l);
    return 0;
}
