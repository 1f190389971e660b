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
#include <unistd.h>

#include "cardenv.h"
#include "hubtest.h"
#include "kiosktest.h"
#include "test.h"

static const char *kiosk, *hubd, *hubctl;
static struct cardenv env;
static pid_t hub_pid = -1, responder = -1;
static unsigned rport;
static char url[64], token[128], workdir[300], dbpath[400], clockf[400];

static void set_clock(time_t t)
{
    kiosktest_set_clock(clockf, t);
}

static void stop(pid_t *pid)
{
    if (*pid > 0) {
        kill(*pid, SIGTERM);
        waitpid(*pid, NULL, 0);
    }
    *pid = -1;
}

/* Starts the test CA's responder: answers say nextUpdate in 60 min, signed by the CA,
 * revoking names ("" = none). It prints "ACCEPT [::]:PORT PID=N" once it listens. */
static int respond(const char *names)
{
    char cmd[1200], line[256];
    snprintf(cmd, sizeof cmd, "exec sh %s %s %s/ocsp 60 ca %s", OCSP_SCRIPT, env.testca, workdir,
             names);
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
static int start_hub(void)
{
    char ca[400], ocsp[64];
    snprintf(ca, sizeof ca, "%s/ca.pem", env.testca);
    snprintf(ocsp, sizeof ocsp, "http://127.0.0.1:%u/", rport);
    const char *const extra[] = {"--ocsp", ocsp, "--clock-file", clockf, NULL};
    return kiosktest_hubd_start_with(hubd, dbpath, ca, extra, &hub_pid, url, sizeof url);
}

static int setup(void)
{
    char cert[400];
    snprintf(dbpath, sizeof dbpath, "%s/hub.db", workdir);
    snprintf(clockf, sizeof clockf, "%s/clock", workdir);
    snprintf(cert, sizeof cert, "%s/resident-1.pem", env.testca);
    set_clock(time(NULL) + 60);
    if (kiosktest_hub_enrol(hubctl, dbpath, cert, token, sizeof token) != 0 || respond("") != 0)
        return -1;
    return start_hub();
}

static char *login_and_dump(const char *name, const char *lang, const char *want)
{
    return kiosktest_pin_login(kiosk, url, token, workdir, name, lang, want);
}

static int audited(const char *outcome)
{
    return kiosktest_audited(hubctl, dbpath, outcome);
}

static void t_good_card_logs_in(void)
{
    char *j = login_and_dump("good", "ja", "@session");
    REQUIRE(j);
    CHECK(strstr(j, "山田 花子さん、ようこそ") != NULL);
    free(j);
    /* The responder down: the good answer is kept until its nextUpdate. */
    stop(&responder);
    j = login_and_dump("good-kept", "ja", "@session");
    REQUIRE(j);
    CHECK(strstr(j, "山田 花子さん、ようこそ") != NULL);
    free(j);
    CHECK_INT_EQ(audited("certificate_revoked"), 0);
}

static void t_revoked_card_words(void)
{
    stop(&hub_pid);
    REQUIRE(respond("resident-1") == 0);
    REQUIRE(start_hub() == 0);
    char *j = login_and_dump("revoked", "ja", "使えなくなっています");
    REQUIRE(j);
    CHECK(strstr(j, "このカードは 使えなくなっています。") != NULL);
    CHECK(strstr(j, "市役所の 窓口で ご相談ください。") != NULL);
    CHECK(strstr(j, "1234") == NULL);      /* the digits are never on screen */
    CHECK(strstr(j, "山田 花子") == NULL); /* not logged in */
    free(j);
    j = login_and_dump("revoked-en", "en", "can no longer be used");
    REQUIRE(j);
    CHECK(strstr(j, "This card can no longer be used.") != NULL);
    CHECK(strstr(j, "city office counter") != NULL);
    free(j);
    CHECK_INT_EQ(audited("refused: certificate_revoked"), 2);
}

static void t_responder_down_refuses(void)
{
    stop(&responder);
    set_clock(time(NULL) + 2 * 3600); /* past the answer's nextUpdate (60 min) */
    char *j = login_and_dump("down", "ja", "今は カードで 入れません");
    REQUIRE(j);
    CHECK(strstr(j, "カードの 問題では ありません。") != NULL);
    CHECK(strstr(j, "窓口") != NULL);
    CHECK(strstr(j, "山田 花子") == NULL); /* not logged in */
    free(j);
    CHECK_INT_EQ(audited("refused: revocation_unavailable"), 1);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: card_ocsp_e2e KIOSK HUBD HUBCTL\n");
        return 2;
    }
    kiosk = argv[1];
    hubd = argv[2];
    hubctl = argv[3];
    signal(SIGPIPE, SIG_IGN);
    if (kiosktest_card_start(&env, "card_ocsp_e2e", NULL) != 0) {
        cardenv_release(&env);
        return 1;
    }
    snprintf(workdir, sizeof workdir, "%s", env.dir);
    if (setup() != 0) {
        fprintf(stderr, "card_ocsp_e2e: cannot start the responder and the hub\n");
        stop(&hub_pid);
        stop(&responder);
        cardenv_release(&env);
        return 1;
    }
    TEST_RUN(t_good_card_logs_in);
    TEST_RUN(t_revoked_card_words);
    TEST_RUN(t_responder_down_refuses);
    stop(&hub_pid);
    stop(&responder);
    cardenv_release(&env);
    return test_summary();
}
