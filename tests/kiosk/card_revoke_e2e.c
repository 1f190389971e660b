/*
 * card_revoke_e2e: card certificate revocation on real parts: a private pcscd with the
 * vpcd reader and the virtual card of resident 1, the real hubd trusting the test CA with
 * its CRL (--crl, looked at again at every login), and the real kiosk, headless, driven by
 * a script. The test CA (tools/testca/make-crl.sh) publishes:
 *   1. a CRL revoking the card's certificate: the right PIN, and the kiosk says in the
 *      resident's words that this card cannot be used and to go to the city office counter;
 *      the refusal is in the hub's audit log;
 *   2. a CRL without it whose next update has passed (the hub clock moved on): every card
 *      is refused, and the kiosk says card login is not possible now (the card is fine);
 *   3. a fresh CRL without it: the same card logs in and the resident is greeted.
 * Runs inside tests/card/netns-run.sh (private /run/pcscd and port).
 *   card_revoke_e2e KIOSK HUBD HUBCTL      (env VCARD, TESTCA as for tests/card)
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cardenv.h"
#include "kiosktest.h"
#include "test.h"

static const char *kiosk, *hubd, *hubctl;
static struct cardenv env;
static pid_t hub_pid;
static char url[64], token[128], workdir[300], dbpath[400], crl[400], clockf[400];

static void set_clock(time_t t)
{
    kiosktest_set_clock(clockf, t);
}

/* The test CA publishes a CRL into crl: next update in hours, revoking names ("" = none). */
static int publish(int hours, const char *names)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "sh %s %s %s %d %s", MAKE_CRL_SCRIPT, env.testca, crl, hours, names);
    return system(cmd) == 0 ? 0 : -1;
}

static int start_hub(void)
{
    char cert[400], ca[400];
    snprintf(dbpath, sizeof dbpath, "%s/hub.db", workdir);
    snprintf(crl, sizeof crl, "%s/ca-crl.pem", workdir);
    snprintf(clockf, sizeof clockf, "%s/clock", workdir);
    snprintf(cert, sizeof cert, "%s/resident-1.pem", env.testca);
    snprintf(ca, sizeof ca, "%s/ca.pem", env.testca);
    set_clock(time(NULL) + 60);
    if (publish(1, "resident-1") != 0 ||
        kiosktest_hub_enrol(hubctl, dbpath, cert, token, sizeof token) != 0)
        return -1;
    const char *const extra[] = {"--crl", crl, "--crl-refresh", "0", "--clock-file", clockf, NULL};
    return kiosktest_hubd_start_with(hubd, dbpath, ca, extra, &hub_pid, url, sizeof url);
}

static char *login_and_dump(const char *name, const char *lang, const char *want)
{
    return kiosktest_pin_login(kiosk, url, token, workdir, name, lang, want);
}

static int audited(const char *outcome)
{
    return kiosktest_audited(hubctl, dbpath, outcome);
}

static void t_revoked_card_words(void)
{
    char *j = login_and_dump("revoked", "ja", "使えなくなっています");
    REQUIRE(j);
    CHECK(strstr(j, "このカードは 使えなくなっています。") != NULL);
    CHECK(strstr(j, "市役所の 窓口で ご相談ください。") != NULL);
    CHECK(strstr(j, "1234") == NULL); /* the digits are never on screen */
    free(j);
    j = login_and_dump("revoked-en", "en", "can no longer be used");
    REQUIRE(j);
    CHECK(strstr(j, "This card can no longer be used.") != NULL);
    CHECK(strstr(j, "city office counter") != NULL);
    free(j);
    CHECK_INT_EQ(audited("refused: certificate_revoked"), 2);
}

static void t_stale_crl_refuses(void)
{
    REQUIRE(publish(1, "") == 0);     /* not revoked any more, but valid for 1 h only */
    set_clock(time(NULL) + 2 * 3600); /* and that hour has passed */
    char *j = login_and_dump("stale", "ja", "今は カードで 入れません");
    REQUIRE(j);
    CHECK(strstr(j, "カードの 問題では ありません。") != NULL);
    CHECK(strstr(j, "窓口") != NULL);
    free(j);
    CHECK_INT_EQ(audited("refused: revocation_unavailable"), 1);
}

static void t_fresh_crl_accepts(void)
{
    REQUIRE(publish(24, "") == 0);
    char *j = login_and_dump("fresh", "ja", "@session");
    REQUIRE(j);
    CHECK(strstr(j, "山田 花子さん、ようこそ") != NULL);
    free(j);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: card_revoke_e2e KIOSK HUBD HUBCTL\n");
        return 2;
    }
    kiosk = argv[1];
    hubd = argv[2];
    hubctl = argv[3];
    signal(SIGPIPE, SIG_IGN);
    if (kiosktest_card_start(&env, "card_revoke_e2e", NULL) != 0) {
        cardenv_release(&env);
        return 1;
    }
    snprintf(workdir, sizeof workdir, "%s", env.dir);
    if (start_hub() != 0) {
        fprintf(stderr, "card_revoke_e2e: cannot start the hub\n");
        if (hub_pid > 0)
            kill(hub_pid, SIGTERM);
        cardenv_release(&env);
        return 1;
    }
    TEST_RUN(t_revoked_card_words);
    TEST_RUN(t_stale_crl_refuses);
    TEST_RUN(t_fresh_crl_accepts);
    kill(hub_pid, SIGTERM);
    waitpid(hub_pid, NULL, 0);
    cardenv_release(&env);
    return test_summary();
}
