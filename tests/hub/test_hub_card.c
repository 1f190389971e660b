/*
 * test_hub_card.c: black-box tests of card login (challenge, signature, session) against the real
 * hubd, with certificates from the project's test CA (tools/testca/make-ca.sh) and
 * signatures made here with the certificates' keys exactly as the card makes them
 * (RSASSA-PKCS1-v1_5, SHA-256, over the challenge bytes). Every refusal the issue lists is
 * checked for its answer and its audit record; sessions are checked for device binding,
 * idle and absolute expiry (with the test clock, no sleeping) and logout; HTTPS is
 * checked with a server certificate made by the openssl CLI.
 */
#include "hubtest.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct hubtest T;
static time_t now0;
static char kioskA[128], kioskB[128], ca[96];
static char homeTablet[128]; /* a home tablet bound to resident 1 ("Card One") */

static void path_of(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", ca, name);
}

/* Asks device for a challenge; writes its base64 into out. Returns the status. */
static long challenge(const char *device, char *out, size_t cap)
{
    cJSON *j = NULL;
    long st = ht_json(&T, "POST", "/v1/auth/challenge", device, NULL, "{}", &j);
    const cJSON *c = cJSON_GetObjectItem(j, "challenge");
    snprintf(out, cap, "%s", cJSON_IsString(c) ? c->valuestring : "");
    cJSON_Delete(j);
    return st;
}

/*
 * Logs in on device with challenge (base64), presenting cert (name in the CA dir, DER
 * read from the .der or converted from .pem) and signing with key (name). Returns the
 * status; *json the owned answer.
 */
static long login(const char *device, const char *chal_b64, const char *cert, const char *key,
                  cJSON **json)
{
    char cpath[256], kpath[256];
    path_of(cpath, sizeof cpath, cert);
    path_of(kpath, sizeof kpath, key);
    return ht_card_answer(&T, device, chal_b64, cpath, kpath, json);
}

static char session1[128];

static void t_login_works(void)
{
    char ch[128];
    cJSON *j = NULL;
    REQUIRE(challenge(kioskA, ch, sizeof ch) == 201);
    CHECK_INT_EQ(strlen(ch), 44); /* 32 bytes */
    long st = login(kioskA, ch, "resident-1.pem", "resident-1.key", &j);
    CHECK_INT_EQ(st, 201);
    const cJSON *s = cJSON_GetObjectItem(j, "session");
    if (!cJSON_IsString(s)) {
        fprintf(stderr, "login refused: %s\n", ht_error_code(j));
        cJSON_Delete(j);
        REQUIRE(0);
    }
    snprintf(session1, sizeof session1, "%s", s->valuestring);
    CHECK(strncmp(session1, "ses_", 4) == 0);
    CHECK_STR_EQ(
        cJSON_GetObjectItem(cJSON_GetObjectItem(j, "resident"), "display_name")->valuestring,
        "Card One");
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/session", kioskA, session1, NULL, &j), 200);
    CHECK_INT_EQ(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "resident"), "id")->valueint, 1);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_card_audited(&T, "ok"), 1);
    /* Only the hash is stored. */
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM sessions WHERE token_hash = '%s'", session1);
    CHECK_INT_EQ(ht_sql_int(&T, sql), 0);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM sessions"), 1);
}

static void t_replayed_challenge(void)
{
    char ch[128];
    cJSON *j = NULL;
    REQUIRE(challenge(kioskA, ch, sizeof ch) == 201);
    CHECK_INT_EQ(login(kioskA, ch, "resident-2.pem", "resident-2.key", &j), 201);
    cJSON_Delete(j);
    CHECK_INT_EQ(login(kioskA, ch, "resident-2.pem", "resident-2.key", &j), 401);
    CHECK_STR_EQ(ht_error_code(j), "challenge_used");
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_card_audited(&T, "refused: challenge_used"), 1);
}

static void t_expired_challenge(void)
{
    char ch[128];
    cJSON *j = NULL;
    REQUIRE(challenge(kioskA, ch, sizeof ch) == 201);
    now0 += 61;
    ht_set_clock(&T, now0);
    CHECK_INT_EQ(login(kioskA, ch, "resident-1.pem", "resident-1.key", &j), 401);
    CHECK_STR_EQ(ht_error_code(j), "challenge_expired");
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_card_audited(&T, "refused: challenge_expired"), 1);
    /* At 60 s it still works. */
    REQUIRE(challenge(kioskA, ch, sizeof ch) == 201);
    now0 += 60;
    ht_set_clock(&T, now0);
    CHECK_INT_EQ(login(kioskA, ch, "resident-1.pem", "resident-1.key", &j), 201);
    cJSON_Delete(j);
}

static void t_challenge_of_other_device(void)
{
    char ch[128];
    cJSON *j = NULL;
    REQUIRE(challenge(kioskA, ch, sizeof ch) == 201);
    CHECK_INT_EQ(login(kioskB, ch, "resident-1.pem", "resident-1.key", &j), 401);
    CHECK_STR_EQ(ht_error_code(j), "challenge_other_device");
    cJSON_Delete(j);
    /* The refusal did not spend it for its own device. */
    CHECK_INT_EQ(login(kioskA, ch, "resident-1.pem", "resident-1.key", &j), 201);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_card_audited(&T, "refused: challenge_other_device"), 1);
}

static void t_unknown_challenge(void)
{
    cJSON *j = NULL;
    CHECK_INT_EQ(login(kioskA, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "resident-1.pem",
                       "resident-1.key", &j),
                 401);
    CHECK_STR_EQ(ht_error_code(j), "challenge_unknown");
    cJSON_Delete(j);
}

static void refused_with(const char *cert, const char *key, const char *code)
{
    char ch[128], outcome[96];
    cJSON *j = NULL;
    REQUIRE(challenge(kioskA, ch, sizeof ch) == 201);
    CHECK_INT_EQ(login(kioskA, ch, cert, key, &j), 401);
    CHECK_STR_EQ(ht_error_code(j), code);
    const cJSON *m = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "error"), "message");
    CHECK(cJSON_IsString(m) && strlen(m->valuestring) > 20);
    CHECK(cJSON_GetObjectItem(j, "session") == NULL);
    cJSON_Delete(j);
    snprintf(outcome, sizeof outcome, "refused: %s", code);
    CHECK_INT_EQ(ht_card_audited(&T, outcome), 1);
    /* A refused login spends its challenge too. */
    CHECK_INT_EQ(login(kioskA, ch, "resident-1.pem", "resident-1.key", &j), 401);
    CHECK_STR_EQ(ht_error_code(j), "challenge_used");
    cJSON_Delete(j);
}

static void t_wrong_signature(void)
{
    refused_with("resident-1.pem", "resident-2.key", "signature_invalid");
}

static void t_unknown_ca(void)
{
    refused_with("unknown.pem", "unknown.key", "certificate_untrusted");
}

static void t_expired_certificate(void)
{
    refused_with("expired.pem", "expired.key", "certificate_expired");
}

static void t_unenrolled_certificate(void)
{
    refused_with("resident-3.pem", "resident-3.key", "certificate_not_enrolled");
}

/* A home tablet's step-up accepts only the card of the resident it is bound to. */
static void t_home_tablet_only_its_resident(void)
{
    char ch[128];
    cJSON *j = NULL;
    REQUIRE(challenge(homeTablet, ch, sizeof ch) == 201);
    CHECK_INT_EQ(login(homeTablet, ch, "resident-2.pem", "resident-2.key", &j), 403);
    CHECK_STR_EQ(ht_error_code(j), "card_not_for_this_device");
    CHECK(cJSON_GetObjectItem(j, "session") == NULL);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_card_audited(&T, "refused: card_not_for_this_device"), 1);
    REQUIRE(challenge(homeTablet, ch, sizeof ch) == 201);
    CHECK_INT_EQ(login(homeTablet, ch, "resident-1.pem", "resident-1.key", &j), 201);
    CHECK(cJSON_IsString(cJSON_GetObjectItem(j, "session")));
    cJSON_Delete(j);
}

static void t_bad_body(void)
{
    cJSON *j = NULL;
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/auth/card-login", kioskA, NULL, "{\"challenge\":1}", &j),
                 400);
    CHECK_STR_EQ(ht_error_code(j), "bad_request");
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/auth/challenge", NULL, NULL, "{}", &j), 401);
    cJSON_Delete(j);
}

static void t_session_bound_and_expiring(void)
{
    cJSON *j = NULL;
    /* Bound to kiosk A. */
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/session", kioskB, session1, NULL, &j), 401);
    CHECK_STR_EQ(ht_error_code(j), "card_session_invalid");
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/session", kioskA, NULL, NULL, &j), 401);
    CHECK_STR_EQ(ht_error_code(j), "card_session_required");
    cJSON_Delete(j);
    /* Idle: used every 14 minutes it lives, up to the absolute 60 minutes. */
    char ch[128], s[128];
    REQUIRE(challenge(kioskA, ch, sizeof ch) == 201);
    REQUIRE(login(kioskA, ch, "resident-2.pem", "resident-2.key", &j) == 201);
    snprintf(s, sizeof s, "%s", cJSON_GetObjectItem(j, "session")->valuestring);
    cJSON_Delete(j);
    time_t start = now0;
    for (int i = 1; i <= 4; i++) {
        now0 = start + i * 14 * 60;
        ht_set_clock(&T, now0);
        CHECK_INT_EQ(ht_json(&T, "GET", "/v1/session", kioskA, s, NULL, &j), 200);
        cJSON_Delete(j);
    }
    now0 = start + 60 * 60 + 1;
    ht_set_clock(&T, now0);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/session", kioskA, s, NULL, &j), 401);
    CHECK_STR_EQ(ht_error_code(j), "card_session_expired");
    cJSON_Delete(j);
    /* session1 has been idle for over 15 minutes by now. */
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/session", kioskA, session1, NULL, &j), 401);
    CHECK_STR_EQ(ht_error_code(j), "card_session_expired");
    cJSON_Delete(j);
}

static void t_logout(void)
{
    char ch[128], s[128];
    cJSON *j = NULL;
    REQUIRE(challenge(kioskA, ch, sizeof ch) == 201);
    REQUIRE(login(kioskA, ch, "resident-1.pem", "resident-1.key", &j) == 201);
    snprintf(s, sizeof s, "%s", cJSON_GetObjectItem(j, "session")->valuestring);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/auth/logout", kioskA, s, "{}", &j), 200);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(j, "was_active")));
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/session", kioskA, s, NULL, &j), 401);
    CHECK_STR_EQ(ht_error_code(j), "card_session_invalid");
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/auth/logout", kioskA, s, "{}", &j), 200);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(j, "was_active")));
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE action = 'auth.logout'"), 1);
}

static void t_https(void)
{
    char crt[256], key[256];
    REQUIRE(ht_make_tls_cert(&T, crt, sizeof crt, key, sizeof key) == 0);
    REQUIRE(ht_stop(&T) == 0);
    char extra[600];
    /* many logins from one kiosk on purpose: the login limit is test_hub_limits' */
    snprintf(extra, sizeof extra, "--tls-cert %s --tls-key %s --login-rate 100000", crt, key);
    REQUIRE(ht_start(&T, extra) == 0);
    T.tls = 1;
    snprintf(T.ca_file, sizeof T.ca_file, "%s", crt);
    cJSON *j = NULL;
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/health", NULL, NULL, NULL, &j), 200);
    cJSON_Delete(j);
    /* A client that trusts another CA refuses the hub. */
    path_of(T.ca_file, sizeof T.ca_file, "ca.pem");
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/health", NULL, NULL, NULL, &j), 0);
    cJSON_Delete(j);
    /* Plain HTTP to the TLS port gets no JSON answer. */
    T.tls = 0;
    char *text = NULL;
    long st = ht_req(&T, "GET", "/v1/health", NULL, NULL, NULL, NULL, 0, &text);
    CHECK(st != 200);
    free(text);
    CHECK_INT_EQ(ht_stop(&T), 0);
}

int main(void)
{
    char args[600], p[320];
    now0 = time(NULL);
    if (ht_init(&T, now0) != 0)
        return 1;
    if (ht_make_ca(&T, 3, ca, sizeof ca) != 0) {
        fprintf(stderr, "the test CA could not be made\n");
        ht_cleanup(&T);
        return 1;
    }
    /* The certificates are valid from the second they were made. */
    now0 = time(NULL) + 2;
    ht_set_clock(&T, now0);
    static const char *const certs[] = {"resident-1.pem", "resident-2.pem", "expired.pem",
                                        "unknown.pem"};
    static const char *const names[] = {"Card One", "Card Two", "Card Expired", "Card Unknown CA"};
    int ok = 1;
    for (int i = 0; i < 4; i++) {
        path_of(p, sizeof p, certs[i]);
        snprintf(args, sizeof args,
                 "resident-add --name '%s' --district Kita --deadline 10:00 --cert %s", names[i],
                 p);
        ok = ok && ht_ctl(&T, NULL, NULL, 0, args) == 0;
    }
    ok = ok && ht_ctl(&T, "token", kioskA, sizeof kioskA, "device-add --kind public") == 0;
    ok = ok && ht_ctl(&T, "token", kioskB, sizeof kioskB, "device-add --kind public") == 0;
    ok = ok && ht_ctl(&T, "token", homeTablet, sizeof homeTablet,
                      "device-add --kind home --resident 1") == 0;
    path_of(p, sizeof p, "ca.pem");
    /* many logins from one kiosk on purpose: the login limit is test_hub_limits' */
    snprintf(args, sizeof args, "--trust-ca %s --login-rate 100000", p);
    if (ht_start_enrolled(&T, ok, args) != 0)
        return 1;
    TEST_RUN(t_login_works);
    TEST_RUN(t_replayed_challenge);
    TEST_RUN(t_expired_challenge);
    TEST_RUN(t_challenge_of_other_device);
    TEST_RUN(t_unknown_challenge);
    TEST_RUN(t_wrong_signature);
    TEST_RUN(t_unknown_ca);
    TEST_RUN(t_expired_certificate);
    TEST_RUN(t_unenrolled_certificate);
    TEST_RUN(t_home_tablet_only_its_resident);
    TEST_RUN(t_bad_body);
    TEST_RUN(t_session_bound_and_expiring);
    TEST_RUN(t_logout);
    TEST_RUN(t_https);
    ht_cleanup(&T);
    return test_summary();
}
