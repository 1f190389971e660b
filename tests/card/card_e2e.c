/*
 * card_e2e: black-box tests of the card adapter against a REAL pcscd with the vpcd driver
 * and the project's virtual card (run through tests/card/netns-run.sh, one scenario per
 * ctest test so they run in parallel):
 *
 *   card_e2e read | login | wrong_pin | blocked | pull | not_mynumber | no_reader |
 *            pcscd_restart | timeout
 *
 * Every wait is bounded; every scenario checks what the resident would see (events,
 * statuses, tries left) and what the card holds afterwards (its state file).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "card.h"
#include "cardenv.h"
#include "cardverify.h"
#include "test.h"

#define WAIT_MS 8000 /* pcscd polls vpcd every 0.4 s; the adapter backs off up to 2 s */

static struct cardenv env;
static struct card *adapter;

static int setup(const char *vcard_name, const char *const *extra)
{
    if (cardenv_init(&env) != 0)
        return -1;
    if (cardenv_pcscd_start(&env, 1) != 0)
        return -1;
    if (vcard_name && cardenv_vcard_start(&env, vcard_name, extra) != 0)
        return -1;
    adapter = card_create(cardenv_post, &env);
    return adapter ? 0 : -1;
}

static void teardown(void)
{
    card_destroy(adapter);
    adapter = NULL;
    cardenv_release(&env);
}

/* Waits for the card to be read; returns the PRESENT event (owned) or NULL. */
static struct card_event *wait_present(void)
{
    struct card_event *ev = cardenv_expect(&env, CARD_EV_CARD_INSERTED, WAIT_MS);
    if (!ev)
        return NULL;
    free(ev);
    return cardenv_expect(&env, CARD_EV_CARD_PRESENT, WAIT_MS + CARD_OP_TIMEOUT_MS);
}

/* Logs in and returns the LOGIN_RESULT event (owned) or NULL. */
static struct card_event *login(uint32_t seq, const char *pin, const unsigned char *chal,
                                size_t chal_len, int min_tries)
{
    if (card_login(adapter, seq, pin, 4, chal, chal_len, min_tries) != CARD_OK)
        return NULL;
    return cardenv_expect(&env, CARD_EV_LOGIN_RESULT, CARD_OP_TIMEOUT_MS + 2000);
}

/* The tries counter the virtual card keeps in its state file. */
static int card_file_tries(void)
{
    size_t n = 0;
    int t = -1;
    unsigned char *buf = cardenv_slurp(env.state, &n);
    if (buf && n > 6 && n < 16 && memcmp(buf, "tries=", 6) == 0 && buf[6] >= '0' && buf[6] <= '9')
        t = buf[6] - '0';
    free(buf);
    return t;
}

static int cert_equals(const struct card_event *ev, const char *name)
{
    char path[400];
    size_t n = 0;
    int same;
    unsigned char *der;
    snprintf(path, sizeof(path), "%s/%s.der", env.testca, name);
    der = cardenv_slurp(path, &n);
    same = der && n == ev->cert_len && memcmp(der, ev->cert, n) == 0;
    free(der);
    return same;
}

static void t_read(void)
{
    struct card_event *ev;
    double t0;
    uint32_t seq;
    REQUIRE(setup("resident-1", NULL) == 0);
    ev = cardenv_expect(&env, CARD_EV_READER_READY, WAIT_MS);
    CHECK(ev != NULL);
    if (ev)
        CHECK(strncmp(ev->reader, "Virtual PCD", 11) == 0);
    free(ev);
    ev = wait_present();
    REQUIRE(ev != NULL);
    CHECK_INT_EQ(ev->status, CARD_OK);
    CHECK_INT_EQ(ev->is_mynumber, 1);
    CHECK_INT_EQ(ev->tries_left, 3);
    CHECK(cert_equals(ev, "resident-1"));
    seq = ev->card_seq;
    free(ev);
    /* reading must not use a try */
    CHECK_INT_EQ(card_file_tries(), 3);

    /* an explicit re-read of the same card */
    CHECK_INT_EQ(card_read(adapter, seq), CARD_OK);
    ev = cardenv_expect(&env, CARD_EV_READ_RESULT, WAIT_MS);
    REQUIRE(ev != NULL);
    CHECK_INT_EQ(ev->status, CARD_OK);
    CHECK_INT_EQ(ev->card_seq, seq);
    CHECK(cert_equals(ev, "resident-1"));
    free(ev);

    /* removal is seen, and a new placement gets a new card_seq */
    t0 = cardenv_now_ms();
    cardenv_vcard_remove(&env);
    ev = cardenv_expect(&env, CARD_EV_CARD_REMOVED, WAIT_MS);
    REQUIRE(ev != NULL);
    CHECK_INT_EQ(ev->card_seq, seq);
    free(ev);
    fprintf(stderr, "removal seen after %.0f ms\n", cardenv_now_ms() - t0);
    CHECK_INT_EQ(card_read(adapter, seq), CARD_OK);
    ev = cardenv_expect(&env, CARD_EV_READ_RESULT, WAIT_MS);
    REQUIRE(ev != NULL);
    CHECK_INT_EQ(ev->status, CARD_REMOVED);
    free(ev);
    cardenv_vcard_insert(&env);
    ev = wait_present();
    REQUIRE(ev != NULL);
    CHECK(ev->card_seq != seq);
    CHECK_INT_EQ(ev->status, CARD_OK);
    free(ev);
    /* nothing else is pending: no spurious remove/insert after our own card reset */
    ev = cardenv_next(&env, 1200);
    CHECK(ev == NULL);
    if (ev)
        fprintf(stderr, "unexpected event %s\n", card_event_kind_str(ev->kind));
    free(ev);
    teardown();
}

/* Runs a login with the adapter's APDU trace on and stderr captured: the trace must show
 * the VERIFY header and never the PIN digits. */
static void login_traced(uint32_t seq, const unsigned char *chal, size_t chal_len)
{
    char path[400], text[8192];
    struct card_event *ev;
    size_t n = 0;
    unsigned char *log;
    int saved, fd;
    snprintf(path, sizeof(path), "%s/trace.log", env.dir);
    fflush(stderr);
    saved = dup(2);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    REQUIRE(saved >= 0 && fd >= 0);
    dup2(fd, 2);
    close(fd);
    ev = login(seq, "5678", chal, chal_len, 2); /* a wrong PIN: its digits must not leak */
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    REQUIRE(ev != NULL);
    CHECK_INT_EQ(ev->status, CARD_WRONG_PIN);
    free(ev);
    log = cardenv_slurp(path, &n);
    REQUIRE(log != NULL);
    if (n >= sizeof(text))
        n = sizeof(text) - 1;
    memcpy(text, log, n);
    text[n] = '\0';
    free(log);
    CHECK(strstr(text, "card: > 00 20 00 80 04 **") != NULL);
    CHECK(strstr(text, "35 36 37 38") == NULL);
    CHECK(strstr(text, "5678") == NULL);
}

static void t_login(void)
{
    struct card_event *ev;
    struct cardverify_trust *trust;
    unsigned char chal[32], fp[32], want[32];
    unsigned int fl = 0;
    char path[400];
    uint32_t seq;
    setenv("CARD_TRACE", "1", 1); /* read by card_create */
    REQUIRE(setup("resident-2", NULL) == 0);
    ev = wait_present();
    REQUIRE(ev != NULL);
    REQUIRE(ev->status == CARD_OK);
    seq = ev->card_seq;
    free(ev);
    REQUIRE(RAND_bytes(chal, sizeof(chal)) == 1);
    CHECK_INT_EQ(card_login(adapter, seq, "12a4", 4, chal, sizeof(chal), 2), CARD_BAD_INPUT);
    CHECK_INT_EQ(card_login(adapter, seq, "1234", 4, chal, 0, 2), CARD_BAD_INPUT);
    ev = login(seq, "1234", chal, sizeof(chal), 2);
    REQUIRE(ev != NULL);
    CHECK_INT_EQ(ev->status, CARD_OK);
    CHECK_INT_EQ(ev->sig_len, 256);
    CHECK_INT_EQ(ev->tries_left, 3);
    fprintf(stderr, "login took %u ms\n", ev->elapsed_ms);

    snprintf(path, sizeof(path), "%s/ca.pem", env.testca);
    trust = cardverify_trust_load(path);
    REQUIRE(trust != NULL);
    {
        struct card_event *pr;
        CHECK_INT_EQ(card_read(adapter, seq), CARD_OK);
        pr = cardenv_expect(&env, CARD_EV_READ_RESULT, WAIT_MS);
        REQUIRE(pr != NULL);
        CHECK_INT_EQ(cardverify_check(trust, pr->cert, pr->cert_len, chal, sizeof(chal), ev->sig,
                                      ev->sig_len, time(NULL), fp),
                     CARDVERIFY_OK);
        CHECK(EVP_Digest(pr->cert, pr->cert_len, want, &fl, EVP_sha256(), NULL) == 1);
        CHECK(memcmp(fp, want, 32) == 0);
        /* the signature is over this challenge only */
        chal[0] ^= 1;
        CHECK_INT_EQ(cardverify_check(trust, pr->cert, pr->cert_len, chal, sizeof(chal), ev->sig,
                                      ev->sig_len, time(NULL), fp),
                     CARDVERIFY_BAD_SIGNATURE);
        free(pr);
    }
    cardverify_trust_free(trust);
    free(ev);
    /* a second login on the same placement works too (the card was reset in between) */
    ev = login(seq, "1234", chal, sizeof(chal), 2);
    REQUIRE(ev != NULL);
    CHECK_INT_EQ(ev->status, CARD_OK);
    free(ev);
    /* the APDU trace masks the PIN; the wrong try costs one, the right PIN restores 3 */
    login_traced(seq, chal, sizeof(chal));
    CHECK_INT_EQ(card_file_tries(), 2);
    ev = login(seq, "1234", chal, sizeof(chal), 2);
    REQUIRE(ev != NULL);
    CHECK_INT_EQ(ev->status, CARD_OK);
    free(ev);
    CHECK_INT_EQ(card_file_tries(), 3);
    /* a queued operation makes the next one wait its turn */
    CHECK_INT_EQ(card_read(adapter, seq), CARD_OK);
    CHECK_INT_EQ(card_read(adapter, seq), CARD_BUSY);
    ev = cardenv_expect(&env, CARD_EV_READ_RESULT, WAIT_MS);
    CHECK(ev != NULL);
    free(ev);
    teardown();
}

static void t_wrong_pin(void)
{
    struct card_event *ev;
    unsigned char chal[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    uint32_t seq;
    REQUIRE(setup("resident-1", NULL) == 0);
    ev = wait_present();
    REQUIRE(ev != NULL);
    seq = ev->card_seq;
    free(ev);
    ev = login(seq, "9999", chal, sizeof(chal), 2);
    REQUIRE(ev != NULL);
    CHECK_INT_EQ(ev->status, CARD_WRONG_PIN);
    CHECK_INT_EQ(ev->tries_left, 2);
    CHECK_INT_EQ(ev->sig_len, 0);
    free(ev);
    CHECK_INT_EQ(card_file_tries(), 2);

    /* the count survives a restart of the card */
    cardenv_vcard_stop(&env);
    ev = cardenv_expect(&env, CARD_EV_CARD_REMOVED, WAIT_MS);
    CHECK(ev != NULL);
    free(ev);
    REQUIRE(cardenv_vcard_start(&env, "resident-1", NULL) == 0);
    ev = wait_present();
    REQUIRE(ev != NULL);
    CHECK_INT_EQ(ev->tries_left, 2);
    seq = ev->card_seq;
    free(ev);

    ev = login(seq, "0000", chal, sizeof(chal), 2);
    REQUIRE(ev != NULL);
    CHECK_INT_EQ(ev->status, CARD_WRONG_PIN);
    CHECK_INT_EQ(ev->tries_left, 1);
    free(ev);
    /* the public kiosk's guard: 1 try left → refused before VERIFY, no try used */
    ev = login(seq, "1234", chal, sizeof(chal), 2);
    REQUIRE(ev != NULL);
    CHECK_INT_EQ(ev->status, CARD_TRIES_LOW);
    CHECK_INT_EQ(ev->tries_left, 1);
    free(ev);
    CHECK_INT_EQ(card_file_tries(), 1);
    /* at home (min 1) the right PIN works and resets the counter */
    ev = login(seq, "1234", chal, sizeof(chal), 1);
    REQUIRE(ev != NULL);
    CHECK_INT_EQ(ev->status, CARD_OK);
    CHECK_INT_EQ(ev->tries_left, 3);
    free(ev);
    CHECK_INT_EQ(card_file_tries(), 3);
    teardown();
}

static void t_blocked(void)
{
    static const char *const one_try[] = {"--tries", "1", NULL};
    struct card_event *ev;
    unsigned char chal[8] = {0};
    uint32_t seq;
    REQUIRE(setup("resident-3", one_try) == 0);
    ev = wait_present();
    REQUIRE(ev != NULL);
    CHECK_INT_EQ(ev->tries_left, 1);
    seq = ev->card_seq;
    free(ev);
    ev = login(seq, "4321", chal, sizeof(chal), 1);
    REQUIRE(ev != NULL);
    CHECK_INT_EQ(ev->status, CARD_BLOCKED); /* 63 C0: this try blocked it */
    CHECK_INT_EQ(ev->tries_left, 0);
    free(ev);
    CHECK_INT_EQ(card_file_tries(), 0);
    /* blocked: even the right PIN is never sent */
    ev = login(seq, "1234", chal, sizeof(chal), 1);
    REQUIRE(ev != NULL);
    CHECK_INT_EQ(ev->status, CARD_BLOCKED);
    free(ev);
    /* and the card reads as blocked after re-placing it */
    cardenv_vcard_remove(&env);
    ev = cardenv_expect(&env, CARD_EV_CARD_REMOVED, WAIT_MS);
    CHECK(ev != NULL);
    free(ev);
    cardenv_vcard_insert(&env);
    ev = wait_present();
    REQUIRE(ev != NULL);
    CHECK_INT_EQ(ev->status, CARD_OK);
    CHECK_INT_EQ(ev->tries_left, 0);
    free(ev);
    CHECK_INT_EQ(card_file_tries(), 0);
    teardown();
}

static void t_pull(void)
{
    static const char *const pull_at_sign[] = {"--pull-on-ins", "2A", NULL};
    struct card_event *ev;
    unsigned char chal[32] = {7};
    uint32_t seq;
    REQUIRE(setup("resident-1", pull_at_sign) == 0);
    ev = wait_present();
    REQUIRE(ev != NULL);
    seq = ev->card_seq;
    free(ev);
    /* VERIFY succeeds, then the card leaves as SIGN reaches it */
    ev = login(seq, "1234", chal, sizeof(chal), 2);
    REQUIRE(ev != NULL);
    CHECK_INT_EQ(ev->status, CARD_REMOVED);
    CHECK_INT_EQ(ev->sig_len, 0);
    free(ev);
    ev = cardenv_expect(&env, CARD_EV_CARD_REMOVED, WAIT_MS);
    REQUIRE(ev != NULL);
    CHECK_INT_EQ(ev->card_seq, seq);
    free(ev);
    /* the PIN was right, so the counter is full */
    CHECK_INT_EQ(card_file_tries(), 3);
    /* the old placement is gone for good: a PIN for it is never sent to a new card.
     * The card stays away a moment, as a hand does: pcscd polls vpcd every 0.4 s and only
     * counts a new placement when one poll saw the reader empty. */
    usleep(1000 * 1000);
    cardenv_vcard_insert(&env);
    ev = wait_present();
    REQUIRE(ev != NULL);
    CHECK(ev->card_seq != seq);
    free(ev);
    ev = login(seq, "9999", chal, sizeof(chal), 2);
    REQUIRE(ev != NULL);
    CHECK_INT_EQ(ev->status, CARD_REMOVED);
    free(ev);
    CHECK_INT_EQ(card_file_tries(), 3);
    teardown();
}

static void t_not_mynumber(void)
{
    static const char *const other[] = {"--not-mynumber", "--removed", NULL};
    struct card_event *ev;
    unsigned char chal[4] = {1, 2, 3, 4};
    uint32_t seq;
    REQUIRE(setup("resident-1", other) == 0);
    /* placed while the adapter watches (a card already lying there at start that is not
     * a My Number card is taken for a SAM and ignored: see t_sam) */
    ev = cardenv_expect(&env, CARD_EV_READER_READY, WAIT_MS);
    REQUIRE(ev != NULL);
    free(ev);
    cardenv_vcard_insert(&env);
    ev = wait_present();
    REQUIRE(ev != NULL);
    CHECK_INT_EQ(ev->status, CARD_NOT_MYNUMBER);
    CHECK_INT_EQ(ev->is_mynumber, 0);
    CHECK_INT_EQ(ev->cert_len, 0);
    seq = ev->card_seq;
    free(ev);
    ev = login(seq, "1234", chal, sizeof(chal), 2);
    REQUIRE(ev != NULL);
    CHECK_INT_EQ(ev->status, CARD_NOT_MYNUMBER);
    free(ev);
    CHECK_INT_EQ(card_file_tries(), 3);
    teardown();
}

/* A dual reader's SAM slot: a non-JPKI card already in the second reader at start is
 * ignored (no events); the My Number card in the first reader works; a non-JPKI card
 * placed in the second reader later is reported. */
static void t_sam(void)
{
    static const char *const sam[] = {"--not-mynumber", NULL};
    static const char *const removed[] = {"--removed", NULL};
    struct card_event *ev;
    unsigned char chal[32] = {3};
    uint32_t seq;
    REQUIRE(cardenv_init(&env) == 0);
    REQUIRE(cardenv_pcscd_start(&env, 1) == 0);
    REQUIRE(cardenv_vcard2_start(&env, sam) == 0);
    REQUIRE(cardenv_wait_reader("Virtual PCD 00 01", 1, WAIT_MS) == 0);
    REQUIRE(cardenv_vcard_start(&env, "resident-1", removed) == 0);
    adapter = card_create(cardenv_post, &env);
    REQUIRE(adapter != NULL);
    ev = cardenv_expect(&env, CARD_EV_READER_READY, WAIT_MS);
    REQUIRE(ev != NULL);
    free(ev);
    ev = cardenv_next(&env, 1500); /* the SAM gets no event */
    CHECK(ev == NULL);
    if (ev)
        fprintf(stderr, "unexpected %s from %s\n", card_event_kind_str(ev->kind), ev->reader);
    free(ev);
    cardenv_vcard_insert(&env);
    ev = wait_present();
    REQUIRE(ev != NULL);
    CHECK_INT_EQ(ev->status, CARD_OK);
    CHECK_STR_EQ(ev->reader, "Virtual PCD 00 00");
    seq = ev->card_seq;
    free(ev);
    ev = login(seq, "1234", chal, sizeof(chal), 2);
    REQUIRE(ev != NULL);
    CHECK_INT_EQ(ev->status, CARD_OK);
    CHECK_STR_EQ(ev->reader, "Virtual PCD 00 00");
    free(ev);
    /* the SAM leaves silently; a non-JPKI card placed there later is reported */
    cardenv_vcard2_signal(&env, SIGUSR1);
    REQUIRE(cardenv_wait_reader("Virtual PCD 00 01", 0, WAIT_MS) == 0);
    cardenv_vcard2_signal(&env, SIGUSR2);
    ev = wait_present();
    REQUIRE(ev != NULL);
    CHECK_INT_EQ(ev->status, CARD_NOT_MYNUMBER);
    CHECK_STR_EQ(ev->reader, "Virtual PCD 00 01");
    free(ev);
    teardown();
}

static void t_no_reader(void)
{
    struct card_event *ev;
    unsigned char chal[4] = {1, 2, 3, 4};
    REQUIRE(cardenv_init(&env) == 0);
    /* no pcscd at all */
    adapter = card_create(cardenv_post, &env);
    REQUIRE(adapter != NULL);
    ev = cardenv_expect(&env, CARD_EV_NO_READER, WAIT_MS);
    REQUIRE(ev != NULL);
    CHECK_INT_EQ(ev->no_service, 1);
    free(ev);
    ev = login(1, "1234", chal, sizeof(chal), 2);
    REQUIRE(ev != NULL);
    CHECK_INT_EQ(ev->status, CARD_NO_SERVICE);
    free(ev);
    /* pcscd without any reader */
    REQUIRE(cardenv_pcscd_start(&env, 0) == 0);
    ev = cardenv_expect(&env, CARD_EV_NO_READER, WAIT_MS);
    REQUIRE(ev != NULL);
    CHECK_INT_EQ(ev->no_service, 0);
    free(ev);
    ev = login(1, "1234", chal, sizeof(chal), 2);
    REQUIRE(ev != NULL);
    CHECK_INT_EQ(ev->status, CARD_NO_CARD);
    free(ev);
    /* a reader comes (pcscd restarted with the vpcd reader), then a card */
    cardenv_pcscd_stop(&env);
    REQUIRE(cardenv_pcscd_start(&env, 1) == 0);
    ev = cardenv_expect(&env, CARD_EV_READER_READY, WAIT_MS);
    CHECK(ev != NULL);
    free(ev);
    REQUIRE(cardenv_vcard_start(&env, "resident-1", NULL) == 0);
    ev = wait_present();
    REQUIRE(ev != NULL);
    CHECK_INT_EQ(ev->status, CARD_OK);
    free(ev);
    teardown();
}

static void t_pcscd_restart(void)
{
    struct card_event *ev;
    unsigned char chal[16] = {9};
    uint32_t seq;
    REQUIRE(setup("resident-2", NULL) == 0);
    ev = wait_present();
    REQUIRE(ev != NULL);
    seq = ev->card_seq;
    free(ev);
    cardenv_pcscd_stop(&env);
    ev = cardenv_expect(&env, CARD_EV_CARD_REMOVED, WAIT_MS);
    CHECK(ev != NULL);
    if (ev)
        CHECK_INT_EQ(ev->card_seq, seq);
    free(ev);
    ev = cardenv_expect(&env, CARD_EV_NO_READER, WAIT_MS);
    REQUIRE(ev != NULL);
    CHECK_INT_EQ(ev->no_service, 1);
    free(ev);
    REQUIRE(cardenv_pcscd_start(&env, 1) == 0);
    ev = cardenv_expect(&env, CARD_EV_READER_READY, WAIT_MS);
    CHECK(ev != NULL);
    free(ev);
    ev = wait_present(); /* the virtual card reconnects to the new vpcd by itself */
    REQUIRE(ev != NULL);
    CHECK_INT_EQ(ev->status, CARD_OK);
    seq = ev->card_seq;
    free(ev);
    ev = login(seq, "1234", chal, sizeof(chal), 2);
    REQUIRE(ev != NULL);
    CHECK_INT_EQ(ev->status, CARD_OK);
    free(ev);
    teardown();
}

static void t_timeout(void)
{
    /* 9 APDUs for a read; at 1.5 s each the 10 s budget runs out at the 8th */
    static const char *const slow[] = {"--apdu-delay-ms", "1500", NULL};
    struct card_event *ev;
    REQUIRE(setup("resident-1", slow) == 0);
    ev = wait_present();
    REQUIRE(ev != NULL);
    CHECK_INT_EQ(ev->status, CARD_TIMEOUT);
    CHECK(ev->elapsed_ms >= CARD_OP_TIMEOUT_MS);
    CHECK(ev->elapsed_ms < CARD_OP_TIMEOUT_MS + 2000);
    CHECK_INT_EQ(ev->cert_len, 0);
    free(ev);
    teardown();
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        void (*fn)(void);
    } all[] = {
        {"read", t_read},       {"login", t_login},         {"wrong_pin", t_wrong_pin},
        {"blocked", t_blocked}, {"pull", t_pull},           {"not_mynumber", t_not_mynumber},
        {"sam", t_sam},         {"no_reader", t_no_reader}, {"pcscd_restart", t_pcscd_restart},
        {"timeout", t_timeout},
    };
    size_t i;
    int ran = 0;
    for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        if (argc < 2 || strcmp(argv[1], all[i].name) == 0) {
            test_run_(all[i].name, all[i].fn);
            teardown(); /* also after a REQUIRE left the test early: no process survives */
            ran++;
        }
    }
    if (!ran) {
        fprintf(stderr, "card_e2e: unknown scenario %s\n", argv[1]);
        return 2;
    }
    return test_summary();
}
