/*
 * checkup_bench: import rate of the checkup core. Builds a set of realistic eCheckup
 * Bundles (bundle_builder), then for SECONDS (default 3) parses + validates + judges every
 * result + hashes them in turn, and prints Bundles/s and MB/s. Single thread. Files named
 * after SECONDS (the guide-shaped fixtures of tests/checkup/fixtures, or real documents)
 * are measured the same way, as a second set.
 *
 *   checkup_bench [SECONDS [BUNDLE.json ...]]
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

/* Imports every Bundle of the set in turn for seconds and prints the rates. 0, or -1 when
 * a Bundle is refused. */
static int bench(const char *label, char **json, const size_t *len, int nb, double seconds)
{
    size_t total = 0, results = 0;
    long n = 0;
    for (int i = 0; i < nb; i++)
        total += len[i];
    double t0 = now(), t = t0;
    while (t - t0 < seconds) {
        for (int i = 0; i < nb; i++) {
            struct checkup *c = NULL;
            struct checkup_error err;
            char hex[65];
            if (checkup_fhir_parse(json[i], len[i], &c, &err) != CHECKUP_OK) {
                fprintf(stderr, "bundle %d rejected: %s\n", i, err.message);
                return -1;
            }
            for (size_t k = 0; k < c->n_results; k++)
                (void)checkup_judge_result(&c->results[k], c->sex, NULL);
            results += c->n_results;
            int hashed = checkup_hash_hex(c, hex) == CHECKUP_OK;
            checkup_free(c);
            if (!hashed)
                return -1;
        }
        n += nb;
        t = now();
    }
    double el = t - t0;
    printf("checkup_bench %s: %ld Bundles in %.2f s: %.0f Bundles/s "
           "(parse+validate+judge+hash), %.1f MB/s, %.0f results/s, mean Bundle %zu bytes with "
           "%zu results\n",
           label, n, el, (double)n / el, (double)n * (double)total / nb / el / 1e6,
           (double)results / el, total / (size_t)nb, results / (size_t)(n ? n : 1));
    return 0;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    if (!f) {
        fprintf(stderr, "checkup_bench: cannot open %s\n", path);
        return NULL;
    }
    buf = malloc(CHECKUP_MAX_INPUT_BYTES + 1);
    if (buf)
        *len = fread(buf, 1, CHECKUP_MAX_INPUT_BYTES, f);
    fclose(f);
    return buf;
}

int main(int argc, char **argv)
{
    char *json[NB] = {NULL}, **files = NULL;
    size_t len[NB], *flen = NULL;
    double seconds = 3;
    int rc = 1, nf = argc > 2 ? argc - 2 : 0;

    if (argc > 1) {
        char *end = NULL;
        seconds = strtod(argv[1], &end);
        if (!end || *end || seconds <= 0 || seconds > 600) {
            fprintf(stderr, "usage: checkup_bench [SECONDS [BUNDLE.json ...]]\n");
            return 2;
        }
    }
    for (int i = 0; i < NB; i++) {
        struct bb_spec s;
        bb_spec_default(&s, i / 10, 2016 + i % 10, i & 1);
        json[i] = bb_build_json(&s);
        len[i] = strlen(json[i]);
    }
    files = calloc((size_t)nf + 1, sizeof *files);
    flen = calloc((size_t)nf + 1, sizeof *flen);
    if (!files || !flen)
        goto out;
    for (int i = 0; i < nf; i++)
        if (!(files[i] = slurp(argv[i + 2], &flen[i])))
            goto out;
    if (bench("built", json, len, NB, seconds) != 0)
        goto out;
    if (nf && bench("files", files, flen, nf, seconds) != 0)
        goto out;
    rc = 0;
out:
    for (int i = 0; i < NB; i++)
        free(json[i]);
    for (int i = 0; files && i < nf; i++)
        free(files[i]);
    free(files);
    free(flen);
    return rc;
}
