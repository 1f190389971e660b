/*
 * card_ocsp_e2e: card certificates checked with the CA's OCSP responder (hubd --ocsp URL)
 * on real parts: a private pcscd with the vpcd reader and the virtual card of resident 1,
 * a real `openssl ocsp` responder for the test CA (tools/testca/ocsp-responder.sh, on a
 * free port), the real hubd trusting the test CA with --ocsp, and the real kiosk,
 * headless, driven by a script:
 *   1. the responder says the card is good: the right PIN and the resident is greeted;
 *      with the responder down, the answer kept until its nextUpdate still lets the card
 *      in (docs/hub.md, OCSP);
 *   2. a responder (and a new hub, whose cache is empty) saying the card is revoked: the
 *      kiosk says in the resident's words that this card cannot be used and to go to the
 *      city office counter; the refusal is in the hub's audit log;
 *   3. the responder down and the hub clock past that answer's nextUpdate: every card is
 *      refused, and the kiosk says card login is not possible now (the card is fine).
 * Runs inside tests/card/netns-run.sh (private /run/pcscd and loopback).
 *   card_ocsp_e2e KIOSK HUBD HUBCTL      (env VCARD, TESTCA as for tests/card)
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "hubtest.h"
#include "kiosktest.h"
#include "test.h"

static struct kiosktest kt;
static pid_t responder = -1;
static unsigned rport;
static char clockf[400];

static void stop_responder(void)
{
    if (responder > 0) {
        kill(responder, SIGTERM);
        waitpid(responder, NULL, 0);
    }
    responder = -1;
}

/* Starts the test CA's responder: answers say nextUpdate in 60 min, signed by the CA,
 * revoking names ("" = none). It prints "ACCEPT [::]:PORT PID=N" once it listens. */
static int respond(const char *names)
{
    char cmd[1200], line[256];
    snprintf(cmd, sizeof cmd, "exec sh %s %s %s/ocsp 60 ca %s", OCSP_SCRIPT, kt.env.testca,
             kt.workdir, names);
    responder = ht_spawn(cmd, line, sizeof line);
    const char *colon = strrchr(line, ':');
    if (responder < 0 || strncmp(line, "ACCEPT", 6) != 0 || !colon ||
        sscanf(colon + 1, "%u", &rport) != 1) {
        fprintf(stderr, "card_ocsp_e2e: the OCSP responder did not start: %s\n", line);
        return -1;
    }
    return 0;
}

/* A hub (new process, empty answer cache) asking the responder now running. */
static int start_hub(struct kiosktest *k)
{
    char ocsp[64];
    snprintf(ocsp, sizeof ocsp, "http://127.0.0.1:%u/", rport);
    const char *const extra[] = {"--ocsp", ocsp, "--clock-file", clockf, NULL};
    return kiosktest_hubd_start(k, extra);
}

/* The usual hub's residents, the responder saying the card is good, and the hub. */
static int setup(struct kiosktest *k)
{
    snprintf(clockf, sizeof clockf, "%s/clock", k->workdir);
    kiosktest_set_clock(clockf, time(NULL) + 60);
    if (kiosktest_hub_enrol(k, NULL) != 0 || respond("") != 0)
        return -1;
    return start_hub(k);
}

static void t_good_card_logs_in(void)
{
    char *j = kiosktest_pin_login(&kt, "good", "ja", "@session");
    REQUIRE(j);
    CHECK(strstr(j, "山田 花子さん、ようこそ") != NULL);
    free(j);
    /* The responder down: the good answer is kept until its nextUpdate. */
    stop_responder();
    j = kiosktest_pin_login(&kt, "good-kept", "ja", "@session");
    REQUIRE(j);
    CHECK(strstr(j, "山田 花子さん、ようこそ") != NULL);
    free(j);
    CHECK_INT_EQ(kiosktest_audited(&kt, "certificate_revoked"), 0);
}

static void t_revoked_card_words(void)
{
    kiosktest_stop_hubd(&kt);
    REQUIRE(respond("resident-1") == 0);
    REQUIRE(start_hub(&kt) == 0);
    char *j = kiosktest_pin_login(&kt, "revoked", "ja", "使えなくなっています");
    REQUIRE(j);
    CHECK(strstr(j, "このカードは 使えなくなっています。") != NULL);
    CHECK(strstr(j, "市役所の 窓口で ご相談ください。") != NULL);
    CHECK(strstr(j, "1234") == NULL);      /* the digits are never on screen */
    CHECK(strstr(j, "山田 花子") == NULL); /* not logged in */
    free(j);
    j = kiosktest_pin_login(&kt, "revoked-en", "en", "can no longer be used");
    REQUIRE(j);
    CHECK(strstr(j, "This card can no longer be used.") != NULL);
    CHECK(strstr(j, "city office counter") != NULL);
    free(j);
    CHECK_INT_EQ(kiosktest_audited(&kt, "refused: certificate_revoked"), 2);
}

static void t_responder_down_refuses(void)
{
    stop_responder();
    kiosktest_set_clock(clockf, time(NULL) + 2 * 3600); /* past the answer's nextUpdate (60 min) */
    char *j = kiosktest_pin_login(&kt, "down", "ja", "今は カードで 入れません");
    REQUIRE(j);
    CHECK(strstr(j, "カードの 問題では ありません。") != NULL);
    CHECK(strstr(j, "窓口") != NULL);
    CHECK(strstr(j, "山田 花子") == NULL); /* not logged in */
    free(j);
    CHECK_INT_EQ(kiosktest_audited(&kt, "refused: revocation_unavailable"), 1);
}

int main(int argc, char **argv)
{
    int rc = kiosktest_begin(&kt, "card_ocsp_e2e", argc, argv, NULL, setup);
    if (rc == 0) {
        TEST_RUN(t_good_card_logs_in);
        TEST_RUN(t_revoked_card_words);
        TEST_RUN(t_responder_down_refuses);
        rc = test_summary();
    }
    stop_responder();
    return kiosktest_end(&kt, rc);
}
