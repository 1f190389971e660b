/*
 * test_hub_ocsp.c: card certificates checked with the issuing CA's OCSP responder
 * (hubd --ocsp URL), through the real hubd and a real responder (`openssl ocsp` on a free
 * port of this machine, tools/testca/ocsp-responder.sh) for the test CA (tools/testca):
 *   - the responder says resident 2's certificate is revoked: resident 2 is refused with
 *     the words of a revoked CRL entry (certificate_revoked, audited), 1 and 3 log in;
 *   - answers are kept until their nextUpdate: with the responder gone, the same logins
 *     give the same results;
 *   - past the nextUpdate with no responder, every card login is refused
 *     (revocation_unavailable, audited), as with a stale CRL;
 *   - a delegated responder (a certificate the CA issued for OCSP signing) is believed:
 *     its "good" lets resident 2 in again;
 *   - an answer signed by another CA is not: refused as revocation_unavailable;
 *   - hubd refuses --ocsp without --trust-ca, or with a URL that is not http(s).
 */
#include "hubtest.h"
#include "test.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static struct hubtest T;
static char ca[96], kiosk[128];
static time_t NOW;
static pid_t responder = -1;
static unsigned rport;

/* Starts the responder: nextUpdate in minutes, signed by signer, revoking the names. */
static int respond(int minutes, const char *signer, const char *names)
{
    char cmd[768], line[256];
    snprintf(cmd, sizeof cmd, "exec sh %s %s %s/ocsp %d %s %s", OCSP_SCRIPT, ca, T.dir, minutes,
             signer, names);
    responder = ht_spawn(cmd, line, sizeof line);
    const char *colon = strrchr(line, ':');
    rport = 0;
    if (responder < 0 || strncmp(line, "ACCEPT", 6) != 0 || !colon ||
        sscanf(colon + 1, "%u", &rport) != 1) {
        fprintf(stderr, "the OCSP responder did not start: %s\n", line);
        return -1;
    }
    return 0;
}

static void stop_responder(void)
{
    if (responder > 0) {
        kill(responder, SIGTERM);
        waitpid(responder, NULL, 0);
    }
    responder = -1;
}

/* Card login of resident n at the public kiosk: the status, *code the error code (or ""). */
static long login(int n, char *code, size_t cap)
{
    return ht_card_attempt(&T, ca, n, kiosk, code, cap);
}

static int start_hub(void)
{
    char args[512];
    snprintf(args, sizeof args, "--trust-ca %s/ca.pem --ocsp http://127.0.0.1:%u/", ca, rport);
    return ht_start(&T, args);
}

static void t_revoked_by_responder(void)
{
    char code[64];
    REQUIRE(respond(60, "ca", "resident-2") == 0);
    REQUIRE(start_hub() == 0);
    CHECK_INT_EQ(login(1, code, sizeof code), 201);
    CHECK_INT_EQ(login(2, code, sizeof code), 401);
    CHECK_STR_EQ(code, "certificate_revoked");
    CHECK_INT_EQ(ht_card_audited(&T, "refused: certificate_revoked"), 1);
    CHECK_INT_EQ(login(3, code, sizeof code), 201);
}

static void t_answers_kept_until_next_update(void)
{
    char code[64];
    stop_responder();
    CHECK_INT_EQ(login(1, code, sizeof code), 201);
    CHECK_INT_EQ(login(2, code, sizeof code), 401);
    CHECK_STR_EQ(code, "certificate_revoked");
    /* past the answers' nextUpdate (an hour), nobody to ask: refused, as a stale CRL */
    ht_set_clock(&T, NOW + 3660);
    CHECK_INT_EQ(login(1, code, sizeof code), 401);
    CHECK_STR_EQ(code, "revocation_unavailable");
    CHECK_INT_EQ(ht_card_audited(&T, "refused: revocation_unavailable"), 1);
}

static void t_delegated_responder(void)
{
    char code[64];
    /* the hub keeps its port; a new responder on another port needs a new hub */
    CHECK_INT_EQ(ht_stop(&T), 0);
    REQUIRE(respond(240, "delegated", "") == 0);
    REQUIRE(start_hub() == 0);
    CHECK_INT_EQ(login(2, code, sizeof code), 201);
    CHECK_INT_EQ(login(1, code, sizeof code), 201);
    stop_responder();
}

static void t_forged_answer_refused(void)
{
    char code[64];
    CHECK_INT_EQ(ht_stop(&T), 0);
    REQUIRE(respond(240, "other", "") == 0);
    REQUIRE(start_hub() == 0);
    CHECK_INT_EQ(login(3, code, sizeof code), 401);
    CHECK_STR_EQ(code, "revocation_unavailable");
    stop_responder();
}

static void t_bad_options_refused(void)
{
    char args[512];
    CHECK_INT_EQ(ht_stop(&T), 0);
    CHECK(ht_start(&T, "--ocsp http://127.0.0.1:9/") != 0);
    snprintf(args, sizeof args, "--trust-ca %s/ca.pem --ocsp ftp://127.0.0.1/", ca);
    CHECK(ht_start(&T, args) != 0);
}

int main(void)
{
    NOW = time(NULL);
    if (ht_init(&T, NOW) != 0)
        return 1;
    int ok = ht_make_ca(&T, 3, ca, sizeof ca) == 0;
    /* the CA's certificates start "now": keep the hub clock after that */
    NOW = time(NULL) + 60;
    ht_set_clock(&T, NOW);
    ok = ok && ht_card_enrol(&T, ca, 3, kiosk, sizeof kiosk) == 0;
    if (!ok) {
        fprintf(stderr, "cannot enrol the test hub\n");
        ht_cleanup(&T);
        return 1;
    }
    TEST_RUN(t_revoked_by_responder);
    TEST_RUN(t_answers_kept_until_next_update);
    TEST_RUN(t_delegated_responder);
    TEST_RUN(t_forged_answer_refused);
    TEST_RUN(t_bad_options_refused);
    stop_responder();
    ht_stop(&T);
    ht_cleanup(&T);
    return test_summary();
}
