/*
 * checkup_bench: import rate of the checkup core. Builds a set of realistic eCheckup
 * Bundles (bundle_builder), then for SECONDS (default 3) parses + validates + judges every
 * result + hashes them in turn, and prints Bundles/s and MB/s. Single thread.
 *
 *   checkup_bench [SECONDS]
 */
#include "bundle_builder.h"
#include "checkup_fhir.h"
#include "checkup_judge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NB 100

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    char *json[NB];
    size_t len[NB], total = 0, results = 0;
    double seconds = 3;
    long n = 0;
    int rc = 1;

    if (argc > 1) {
        char *end = NULL;
        seconds = strtod(argv[1], &end);
        if (!end || *end || seconds <= 0 || seconds > 600) {
            fprintf(stderr, "usage: checkup_bench [SECONDS]\n");
            return 2;
        }
    }
    for (int i = 0; i < NB; i++) {
        struct bb_spec s;
        bb_spec_default(&s, i / 10, 2016 + i % 10, i & 1);
        json[i] = bb_build_json(&s);
        len[i] = strlen(json[i]);
        total += len[i];
    }
    double t0 = now(), t = t0;
    while (t - t0 < seconds) {
        for (int i = 0; i < NB; i++) {
            struct checkup *c = NULL;
            struct checkup_error err;
            char hex[65];
            if (checkup_fhir_parse(json[i], len[i], &c, &err) != CHECKUP_OK) {
                fprintf(stderr, "bundle %d rejected: %s\n", i, err.message);
                goto out;
            }
            for (size_t k = 0; k < c->n_results; k++)
                (void)checkup_judge_result(&c->results[k], c->sex, NULL);
            results += c->n_results;
            if (checkup_hash_hex(c, hex) != CHECKUP_OK)
                goto out;
            checkup_free(c);
        }
        n += NB;
        t = now();
    }
    double el = t - t0;
    printf("checkup_bench: %ld Bundles in %.2f s: %.0f Bundles/s (parse+validate+judge+hash), "
           "%.1f MB/s, %.0f results/s, mean Bundle %zu bytes with %zu results\n",
           n, el, (double)n / el, (double)n * (double)total / NB / el / 1e6, (double)results / el,
           total / NB, results / (size_t)(n ? n : 1));
    rc = 0;
out:
    for (int i = 0; i < NB; i++)
        free(json[i]);
    return rc;
}
