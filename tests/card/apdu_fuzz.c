/*
 * apdu_fuzz: libFuzzer target for everything the card adapter parses from a card and the
 * virtual card parses from a terminal: R-APDUs, DER length headers, short C-APDUs, and the
 * masking trace writer. The first input byte picks the DER cap so the cap logic is fuzzed.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "apdu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct apdu_resp r;
    struct apdu_cmd c;
    size_t total = 0, cap;
    char trace[64];
    volatile size_t sink = 0;

    if (apdu_parse_response(data, size, &r) == APDU_OK) {
        if (r.len)
            sink += r.data[r.len - 1]; /* the data must lie inside the input */
        sink += (size_t)apdu_sw_tries(r.sw);
    }
    cap = size ? (size_t)data[0] * 32 : 0;
    if (apdu_der_total_len(data, size, cap, &total) == APDU_OK && total > cap)
        __builtin_trap();
    if (apdu_parse_command(data, size, &c) == APDU_OK) {
        if (c.lc)
            sink += c.data[c.lc - 1];
        if (c.le > 256 || (c.lc && c.data + c.lc > data + size))
            __builtin_trap();
    }
    apdu_trace_command(trace, sizeof(trace), data, size);
    if (strlen(trace) >= sizeof(trace))
        __builtin_trap();
    (void)sink;
    return 0;
}
