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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kiosktest.h"
#include "test.h"

static struct kiosktest kt;
static char crl[400], clockf[400];

/* The test CA publishes a CRL into crl: next update in hours, revoking names ("" = none). */
static int publish(int hours, const char *names)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "sh %s %s %s %d %s", MAKE_CRL_SCRIPT, kt.env.testca, crl, hours,
             names);
    return system(cmd) == 0 ? 0 : -1;
}

/* The usual hub with the card's certificate revoked, the CRL looked at on every login and
 * the hub's clock in a file. */
static int start_hub(struct kiosktest *k)
{
    snprintf(crl, sizeof crl, "%s/ca-crl.pem", k->workdir);
    snprintf(clockf, sizeof clockf, "%s/clock", k->workdir);
    kiosktest_set_clock(clockf, time(NULL) + 60);
    if (publish(1, "resident-1") != 0 || kiosktest_hub_enrol(k, NULL) != 0)
        return -1;
    const char *const extra[] = {"--crl", crl, "--crl-refresh", "0", "--clock-file", clockf, NULL};
    return kiosktest_hubd_start(k, extra);
}

static void t_revoked_card_words(void)
{
    char *j = kiosktest_pin_login(&kt, "revoked", "ja", "使えなくなっています");
    REQUIRE(j);
    CHECK(strstr(j, "このカードは 使えなくなっています。") != NULL);
    CHECK(strstr(j, "市役所の 窓口で ご相談ください。") != NULL);
    CHECK(strstr(j, "1234") == NULL); /* the digits are never on screen */
    free(j);
    j = kiosktest_pin_login(&kt, "revoked-en", "en", "can no longer be used");
    REQUIRE(j);
    CHECK(strstr(j, "This card can no longer be used.") != NULL);
    CHECK(strstr(j, "city office counter") != NULL);
    free(j);
    CHECK_INT_EQ(kiosktest_audited(&kt, "refused: certificate_revoked"), 2);
}

static void t_stale_crl_refuses(void)
{
    REQUIRE(publish(1, "") == 0); /* not revoked any more, but valid for 1 h only */
    kiosktest_set_clock(clockf, time(NULL) + 2 * 3600); /* and that hour has passed */
    char *j = kiosktest_pin_login(&kt, "stale", "ja", "今は カードで 入れません");
    REQUIRE(j);
    CHECK(strstr(j, "カードの 問題では ありません。") != NULL);
    CHECK(strstr(j, "窓口") != NULL);
    free(j);
    CHECK_INT_EQ(kiosktest_audited(&kt, "refused: revocation_unavailable"), 1);
}

static void t_fresh_crl_accepts(void)
{
    REQUIRE(publish(24, "") == 0);
    char *j = kiosktest_pin_login(&kt, "fresh", "ja", "@session");
    REQUIRE(j);
    CHECK(strstr(j, "山田 花子さん、ようこそ") != NULL);
    free(j);
}

int main(int argc, char **argv)
{
    int rc = kiosktest_begin(&kt, "card_revoke_e2e", argc, argv, NULL, start_hub);
    if (rc == 0) {
        TEST_RUN(t_revoked_card_words);
        TEST_RUN(t_stale_crl_refuses);
        TEST_RUN(t_fresh_crl_accepts);
        rc = test_summary();
    }
    return kiosktest_end(&kt, rc);
}
