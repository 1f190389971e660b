/*
 * test_hub_revoke.c: card certificates checked against the issuing CA's CRL, through the
 * real hubd and hubctl (the card's signature made with the test CA's keys, as in
 * test_hub_card; tests/kiosk/card_revoke_e2e.c does it with the real pcscd and virtual
 * card). The test CA (tools/testca) revokes resident 2's certificate and publishes a CRL
 * (tools/testca/make-crl.sh):
 *   - resident 2 is refused (certificate_revoked, words that send them to the city office),
 *     resident 1 logs in; each refusal is audited;
 *   - once the hub clock passes the CRL's next update, every card login is refused
 *     (revocation_unavailable) — a stale CRL is not trusted;
 *   - a fresh CRL replacing the file (revoking nothing) is picked up without a restart:
 *     both log in again; a file that is not a CRL of the CA leaves the old one in force;
 *   - hubd refuses to start with a CRL of another CA.
 */
#include "hubtest.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct hubtest T;
static char ca[96], kiosk[128], crl[256];
static time_t NOW;

/* Publishes a CRL of the test CA into crl: next update in hours, revoking the names. */
static int publish(int hours, const char *names)
{
    char cmd[768];
    snprintf(cmd, sizeof cmd, "sh %s %s %s %d %s", MAKE_CRL_SCRIPT, ca, crl, hours, names);
    return system(cmd) == 0 ? 0 : -1;
}

/* Card login of resident n at the public kiosk: the status, *code the error code (or ""). */
static long login(int n, char *code, size_t cap)
{
    long st = ht_card_attempt(&T, ca, n, kiosk, code, cap);
    if (st != 201)
        printf("resident %d refused: %s\n", n, code);
    return st;
}

static void t_revoked_card_refused(void)
{
    char code[64];
    CHECK_INT_EQ(login(1, code, sizeof code), 201);
    CHECK_INT_EQ(login(2, code, sizeof code), 401);
    CHECK_STR_EQ(code, "certificate_revoked");
    CHECK_INT_EQ(ht_card_audited(&T, "refused: certificate_revoked"), 1);
    CHECK_INT_EQ(login(3, code, sizeof code), 201);
}

static void t_stale_crl_refuses_all(void)
{
    char code[64];
    ht_set_clock(&T, NOW + 2 * 3600); /* past the CRL's next update (1 h) */
    for (int n = 1; n <= 3; n++) {
        CHECK_INT_EQ(login(n, code, sizeof code), 401);
        CHECK_STR_EQ(code, "revocation_unavailable");
    }
    CHECK_INT_EQ(ht_card_audited(&T, "refused: revocation_unavailable"), 3);
}

static void t_fresh_crl_picked_up(void)
{
    char code[64];
    /* not a CRL: the one in force stays (still stale here) */
    FILE *f = fopen(crl, "w");
    REQUIRE(f);
    fputs("not a CRL\n", f);
    fclose(f);
    CHECK_INT_EQ(login(1, code, sizeof code), 401);
    CHECK_STR_EQ(code, "revocation_unavailable");
    /* the CA publishes a fresh list without resident 2 (say the card was found again) */
    REQUIRE(publish(24, "") == 0);
    CHECK_INT_EQ(login(1, code, sizeof code), 201);
    CHECK_INT_EQ(login(2, code, sizeof code), 201);
    /* and revokes it again */
    REQUIRE(publish(24, "resident-2") == 0);
    CHECK_INT_EQ(login(2, code, sizeof code), 401);
    CHECK_STR_EQ(code, "certificate_revoked");
    ht_set_clock(&T, NOW);
}

static void t_crl_of_another_ca_refused_at_start(void)
{
    char extra[768], other[300];
    REQUIRE(ht_stop(&T) == 0);
    snprintf(other, sizeof other, "%s/other-crl.pem", T.dir);
    char cmd[900];
    /* the unrelated CA of the test CA folder issues a CRL: hubd must not take it */
    snprintf(cmd, sizeof cmd,
             "d=$(mktemp -d) && cp %s/unknown-ca.pem $d/ca.pem && cp %s/unknown-ca.key $d/ca.key"
             " && sh %s $d %s 24 && rm -rf $d",
             ca, ca, MAKE_CRL_SCRIPT, other);
    REQUIRE(system(cmd) == 0);
    snprintf(extra, sizeof extra, "--trust-ca %s/ca.pem --crl %s", ca, other);
    CHECK(ht_start(&T, extra) != 0);
    snprintf(extra, sizeof extra, "--trust-ca %s/ca.pem --crl %s --crl-refresh 0", ca, crl);
    CHECK(ht_start(&T, extra) == 0);
}

int main(void)
{
    char args[768];
    NOW = time(NULL);
    if (ht_init(&T, NOW) != 0)
        return 1;
    int ok = ht_make_ca(&T, 3, ca, sizeof ca) == 0;
    snprintf(crl, sizeof crl, "%s/ca-crl.pem", T.dir);
    ok = ok && publish(1, "resident-2") == 0;
    /* the CA's certificates and CRL start "now": keep the hub clock after that */
    NOW = time(NULL) + 60;
    ht_set_clock(&T, NOW);
    ok = ok && ht_card_enrol(&T, ca, 3, kiosk, sizeof kiosk) == 0;
    snprintf(args, sizeof args, "--trust-ca %s/ca.pem --crl %s --crl-refresh 0", ca, crl);
    if (ht_start_enrolled(&T, ok, args) != 0)
        return 1;
    TEST_RUN(t_revoked_card_refused);
    TEST_RUN(t_stale_crl_refuses_all);
    TEST_RUN(t_fresh_crl_picked_up);
    TEST_RUN(t_crl_of_another_ca_refused_at_start);
    ht_cleanup(&T);
    return test_summary();
}
