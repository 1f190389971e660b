/*
 * test_hub_matrix.c: the authorization matrix over the checkup, shopping and family-request
 * endpoints x every role, against the real hubd. Resident 1 has checkups
 * from a consented source, an order with address consent, and a pending family request;
 * every other role (anonymous, resident 2's home device, a public kiosk with and without
 * resident 2's session, family of resident 2, family of resident 1 after revoking consent,
 * city staff, a source organisation, another operator) asks for resident 1's data or acts
 * on it: each is refused (401/403, or 404 where an id of someone else's item must not be
 * confirmed), the body carries no personal data, and no audit record is written.
 */
#include "hubtest.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct hubtest T;
static char ca[96];
static char home1[128], home2[128], kiosk[128], fam1[128], fam2[128], staff[128];
static char src1[128], op1[128], op2[128], session1[128], session2[128];
static long long checkup1, order1, delivery1, famreq1, famdelivery1;

static const char ORDER[] = "{\"items\":[{\"id\":\"cabbage\",\"qty\":2}],"
                            "\"slot\":\"2099-11-24T15:00/17:00\","
                            "\"payment_method\":\"cash_on_delivery\"}";

static const char BUNDLE_CSV[] =
    "insurer_number,insured_symbol,insured_number,insured_branch,sex,source_org_id,"
    "source_org_name,date,item_code,value,unit\n"
    "00012345,,1871,,female,1310000001,City,2024-06-12,9A751000000000001,147,mm[Hg]\n"
    "00012345,,1871,,female,1310000001,City,2024-06-12,3D046000001906202,6.7,%\n";

enum role { ANON, HOME2, KIOSK, KIOSK_S2, FAM2, FAM1_REVOKED, STAFF, SOURCE, OP2, N_ROLES };
static const char *const role_names[] = {"anonymous",
                                         "home device of resident 2",
                                         "public kiosk without session",
                                         "public kiosk, session of resident 2",
                                         "family of resident 2",
                                         "family 1 after revocation",
                                         "city staff",
                                         "source organisation",
                                         "another operator"};

struct ep {
    const char *method;
    char path[96];
    const char *body;
    int session;      /* sends the card session (for KIOSK_S2) */
    unsigned own;     /* roles for which this is their own business (skipped) */
    int allow404;     /* someone else's item id: 404 is the refusal */
    const char *idem; /* Idempotency-Key */
};

static int setup_data(void)
{
    cJSON *j = NULL;
    char *text = NULL;
    int ok = 1;
    T.content_type = "text/csv";
    ok = ok && ht_req(&T, "POST", "/v1/checkups", src1, NULL, NULL, BUNDLE_CSV, strlen(BUNDLE_CSV),
                      &text) == 201;
    T.content_type = NULL;
    free(text);
    checkup1 = ht_sql_int(&T, "SELECT MAX(id) FROM checkups");
    const char *grant = "{\"recipient\":{\"kind\":\"source\",\"id\":1},\"data_kind\":"
                        "\"checkups:1\",\"purpose\":\"linkage\",\"granted\":true}";
    ok = ok && ht_json(&T, "POST", "/v1/session/consents", kiosk, session1, grant, &j) == 201;
    cJSON_Delete(j);
    const char *addr = "{\"recipient\":{\"kind\":\"operator\",\"id\":1},\"data_kind\":"
                       "\"address\",\"purpose\":\"delivery\",\"granted\":true}";
    ok = ok && ht_json(&T, "POST", "/v1/session/consents", kiosk, session1, addr, &j) == 201;
    cJSON_Delete(j);
    ok = ok && ht_req(&T, "POST", "/v1/operators/1/orders", home1, NULL, "m-1", ORDER,
                      strlen(ORDER), &text) == 201;
    free(text);
    order1 = ht_sql_int(&T, "SELECT MAX(id) FROM ord_orders");
    delivery1 = ht_sql_int(&T, "SELECT MAX(id) FROM ord_deliveries");
    const char *req = "{\"family_id\":1,\"code\":\"come_over\"}";
    ok = ok && ht_req(&T, "POST", "/v1/family-requests", home1, NULL, "m-2", req, strlen(req),
                      &text) == 201;
    free(text);
    famreq1 = ht_sql_int(&T, "SELECT MAX(id) FROM ord_famreq");
    famdelivery1 = ht_sql_int(&T, "SELECT MAX(id) FROM ord_deliveries");
    /* Resident 1 revokes family 1's watch-over consent. */
    const char *revoke = "{\"recipient\":{\"kind\":\"family\",\"id\":1},\"data_kind\":\"safety\","
                         "\"purpose\":\"watch_over\",\"granted\":false}";
    ok = ok && ht_json(&T, "POST", "/v1/session/consents", kiosk, session1, revoke, &j) == 200;
    cJSON_Delete(j);
    return ok ? 0 : -1;
}

static void t_matrix(void)
{
    REQUIRE(setup_data() == 0);
    const unsigned self2 = 1u << HOME2 | 1u << KIOSK_S2;
    struct ep eps[] = {
        {"GET", "/v1/session/checkups", NULL, 1, 1u << KIOSK_S2, 0, NULL},
        {"GET", "", NULL, 1, 0, 0, NULL},
        {"GET", "/v1/session/checkup-trend?identity=3D046", NULL, 1, 1u << KIOSK_S2, 0, NULL},
        {"GET", "/v1/orders", NULL, 1, self2, 0, NULL},
        {"GET", "/v1/family-requests", NULL, 1, self2, 0, NULL},
        {"POST", "/v1/operators/1/orders", ORDER, 1, self2, 0, "m-x"},
        {"POST", "/v1/family-requests", "{\"family_id\":1,\"code\":\"call_me\"}", 1, 0, 0, NULL},
        {"GET", "/v1/operators", NULL, 0, self2 | 1u << KIOSK, 0, NULL},
        {"GET", "/v1/operators/1/catalogue", NULL, 0, self2 | 1u << KIOSK, 0, NULL},
        {"GET", "/v1/operator/deliveries", NULL, 0, 1u << OP2, 0, NULL},
        {"POST", "", "{}", 0, 0, 1, NULL},
        {"POST", "", "{\"status\":\"accepted\"}", 0, 0, 1, NULL},
        {"GET", "/v1/family/requests", NULL, 0, 1u << FAM2 | 1u << FAM1_REVOKED, 0, NULL},
        {"POST", "", "{}", 0, 1u << FAM1_REVOKED, 1, NULL}, /* acking releases nothing */
        {"POST", "", "{\"answer\":\"understood\"}", 0, 0, 1, NULL},
        {"POST", "/v1/checkups", BUNDLE_CSV, 0, 1u << SOURCE, 0, NULL},
    };
    snprintf(eps[1].path, sizeof eps[1].path, "/v1/session/checkups/%lld", checkup1);
    snprintf(eps[10].path, sizeof eps[10].path, "/v1/operator/deliveries/%lld/ack", delivery1);
    snprintf(eps[11].path, sizeof eps[11].path, "/v1/operator/orders/%lld/status", order1);
    snprintf(eps[13].path, sizeof eps[13].path, "/v1/family/requests/%lld/ack", famdelivery1);
    snprintf(eps[14].path, sizeof eps[14].path, "/v1/family/requests/%lld/answer", famreq1);
    long long orders = ht_sql_int(&T, "SELECT COUNT(*) FROM ord_orders");
    long long famreqs = ht_sql_int(&T, "SELECT COUNT(*) FROM ord_famreq");
    static const char *const leaks[] = {"Hanako",       "1-2-3",          "p_",
                                        "147",          "\"deliveries\"", "\"orders\"",
                                        "\"requests\"", "\"checkups\"",   NULL};
    int checked = 0;
    for (size_t e = 0; e < sizeof eps / sizeof eps[0]; e++) {
        for (int r = 0; r < N_ROLES; r++) {
            if (eps[e].own & (1u << r))
                continue;
            const char *tok = r == ANON           ? NULL
                              : r == HOME2        ? home2
                              : r == FAM2         ? fam2
                              : r == FAM1_REVOKED ? fam1
                              : r == STAFF        ? staff
                              : r == SOURCE       ? src1
                              : r == OP2          ? op2
                                                  : kiosk;
            const char *ses = r == KIOSK_S2 && eps[e].session ? session2 : NULL;
            if (strcmp(eps[e].path, "/v1/checkups") == 0)
                T.content_type = "text/csv";
            CHECK(ht_refused(&T, eps[e].method, eps[e].path, tok, ses, eps[e].idem, eps[e].body,
                             eps[e].allow404, leaks, role_names[r]));
            T.content_type = NULL;
            checked++;
        }
    }
    CHECK(checked > 100);
    /* Nothing was created by any refused request. */
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM ord_orders"), orders);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM ord_famreq"), famreqs);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM ord_orders WHERE status = 'created'"),
                 orders);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM ord_famreq WHERE answer IS NULL"), famreqs);
}

static void t_own_queues_hold_nothing_of_resident_1(void)
{
    /* The "own" cells skipped above: they answer, but with nothing of resident 1. */
    cJSON *j = NULL;
    long long before = ht_audit_count(&T);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/operator/deliveries", op2, NULL, NULL, &j), 200);
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "deliveries")), 0);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/family/requests", fam2, NULL, NULL, &j), 200);
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "deliveries")), 0);
    cJSON_Delete(j);
    /* Family 1's consent was revoked after the request was sent: it is withheld. */
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/family/requests", fam1, NULL, NULL, &j), 200);
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "deliveries")), 0);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_audit_count(&T), before);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/session/checkups", kiosk, session2, NULL, &j), 200);
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "checkups")), 0);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/orders", home2, NULL, NULL, &j), 200);
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "orders")), 0);
    cJSON_Delete(j);
    /* Operator 1 itself does get resident 1's order (with the consented address). */
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/operator/deliveries", op1, NULL, NULL, &j), 200);
    char *text = cJSON_PrintUnformatted(j);
    CHECK(strstr(text, "1-2-3") != NULL);
    free(text);
    cJSON_Delete(j);
}

int main(void)
{
    char args[512];
    if (ht_init(&T, time(NULL)) != 0)
        return 1;
    int ok = ht_make_ca(&T, 2, ca, sizeof ca) == 0;
    /* The test CA's certificates start "now": keep the hub clock after that. */
    ht_set_clock(&T, time(NULL) + 120);
    for (int i = 1; i <= 2 && ok; i++) {
        snprintf(args, sizeof args,
                 "resident-add --name %s --district Kita --deadline 10:00 --cert "
                 "%s/resident-%d.pem --insurer 00012345 --insured %d --address 'Kita %s'",
                 i == 1 ? "Hanako" : "Ichiro", ca, i, 1870 + i, i == 1 ? "1-2-3" : "9-9");
        ok = ht_ctl(&T, NULL, NULL, 0, args) == 0;
    }
    ok = ok && ht_ctl(&T, "token", home1, sizeof home1, "device-add --kind home --resident 1") == 0;
    ok = ok && ht_ctl(&T, "token", home2, sizeof home2, "device-add --kind home --resident 2") == 0;
    ok = ok && ht_ctl(&T, "token", kiosk, sizeof kiosk, "device-add --kind public") == 0;
    ok = ok && ht_ctl(&T, "token", fam1, sizeof fam1, "family-add --name Taro --resident 1") == 0;
    ok = ok && ht_ctl(&T, "token", fam2, sizeof fam2, "family-add --name Jiro --resident 2") == 0;
    ok = ok && ht_ctl(&T, "token", staff, sizeof staff, "staff-add --name Staff") == 0;
    ok = ok && ht_ctl(&T, "token", src1, sizeof src1, "source-add --name City") == 0;
    ok = ok && ht_ctl(&T, "token", op1, sizeof op1, "operator-add --name A --district Kita") == 0;
    ok = ok && ht_ctl(&T, "token", op2, sizeof op2, "operator-add --name B --district Kita") == 0;
    for (int i = 1; i <= 2 && ok; i++) {
        snprintf(args, sizeof args, "catalogue-import --operator %d --file %s", i, DEMO_CATALOGUE);
        ok = ht_ctl(&T, NULL, NULL, 0, args) == 0;
    }
    /* hundreds of refusals from one address on purpose: that limit is test_hub_limits' */
    snprintf(args, sizeof args, "--trust-ca %s/ca.pem --refusal-rate 1000000", ca);
    if (!ok || ht_start(&T, args) != 0 ||
        ht_card_login(&T, ca, 1, kiosk, session1, sizeof session1) != 0 ||
        ht_card_login(&T, ca, 2, kiosk, session2, sizeof session2) != 0) {
        fprintf(stderr, "cannot enrol or start the test hub\n");
        ht_cleanup(&T);
        return 1;
    }
    TEST_RUN(t_matrix);
    TEST_RUN(t_own_queues_hold_nothing_of_resident_1);
    ht_cleanup(&T);
    return test_summary();
}
