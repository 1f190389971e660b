/*
 * card_bench: how fast the card adapter is with the virtual card on loopback and no
 * artificial delay (real pcscd + vpcd, run through tests/card/netns-run.sh):
 *
 *   netns-run.sh card_bench [RUNS]      (default 15)
 *
 * For each run: the card is placed (vcard SIGUSR2) → CARD_EV_CARD_PRESENT with the
 * certificate and tries left = "ready for the PIN pad"; then card_login → LOGIN_RESULT
 * with the signature = "PIN → signature done"; then the card is removed and, after a
 * random 0..399 ms pause, placed again. Prints the median
 * (and min/max) of each, plus the adapter's own time for the card work (elapsed_ms), which
 * leaves out pcscd's 0.4 s presence polling of the vpcd reader.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "card.h"
#include "cardenv.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *what, double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    printf("%-44s median %7.1f ms   min %7.1f   max %7.1f   (n=%d)\n", what, v[n / 2], v[0],
           v[n - 1], n);
}

int main(int argc, char **argv)
{
    static const char *const removed[] = {"--removed", NULL};
    struct cardenv env;
    struct card *c = NULL;
    struct card_event *ev;
    double placed[100], ready[100], login[100], ready_card[100], login_card[100], gone[100];
    unsigned char chal[32];
    int runs = 15, i, rc = 1;
    unsigned int seed = 42;
    long v;
    char *end = NULL;

    if (argc > 1) {
        v = strtol(argv[1], &end, 10);
        if (!end || *end || v < 1 || v > 100) {
            fprintf(stderr, "card_bench: RUNS must be 1..100\n");
            return 2;
        }
        runs = (int)v;
    }
    memset(chal, 0x5A, sizeof(chal));
    if (cardenv_init(&env) != 0 || cardenv_pcscd_start(&env, 1) != 0 ||
        cardenv_vcard_start(&env, "resident-1", removed) != 0)
        goto out;
    c = card_create(cardenv_post, &env);
    if (!c || !(ev = cardenv_expect(&env, CARD_EV_READER_READY, 10000)))
        goto out;
    free(ev);
    for (i = 0; i < runs; i++) {
        double t0, t1, t2;
        uint32_t seq;
        /* residents place cards at random moments, not in step with pcscd's 0.4 s poll
         * of the vpcd reader that just saw the removal: wait 0..399 ms first */
        usleep((useconds_t)(rand_r(&seed) % 400) * 1000);
        t0 = cardenv_now_ms();
        cardenv_vcard_insert(&env);
        ev = cardenv_expect(&env, CARD_EV_CARD_INSERTED, 10000);
        if (!ev)
            goto out;
        placed[i] = cardenv_now_ms() - t0;
        free(ev);
        ev = cardenv_expect(&env, CARD_EV_CARD_PRESENT, 12000);
        if (!ev || ev->status != CARD_OK) {
            fprintf(stderr, "card_bench: read failed\n");
            free(ev);
            goto out;
        }
        t1 = cardenv_now_ms();
        ready[i] = t1 - t0;
        ready_card[i] = ev->elapsed_ms;
        seq = ev->card_seq;
        free(ev);
        if (card_login(c, seq, "1234", 4, chal, sizeof(chal), 2) != CARD_OK)
            goto out;
        ev = cardenv_expect(&env, CARD_EV_LOGIN_RESULT, 12000);
        if (!ev || ev->status != CARD_OK) {
            fprintf(stderr, "card_bench: login failed\n");
            free(ev);
            goto out;
        }
        t2 = cardenv_now_ms();
        login[i] = t2 - t1;
        login_card[i] = ev->elapsed_ms;
        free(ev);
        usleep((useconds_t)(rand_r(&seed) % 400) * 1000);
        t0 = cardenv_now_ms();
        cardenv_vcard_remove(&env);
        ev = cardenv_expect(&env, CARD_EV_CARD_REMOVED, 10000);
        if (!ev)
            goto out;
        gone[i] = cardenv_now_ms() - t0;
        free(ev);
    }
    report("card placed -> inserted event (pcscd poll)", placed, runs);
    report("card placed -> cert + tries read (PIN pad)", ready, runs);
    report("  of which adapter card work", ready_card, runs);
    report("PIN -> signature done", login, runs);
    report("  of which adapter card work", login_card, runs);
    report("card lifted -> removed event", gone, runs);
    rc = 0;
out:
    if (rc)
        fprintf(stderr, "card_bench: failed\n");
    card_destroy(c);
    cardenv_release(&env);
    return rc;
}
