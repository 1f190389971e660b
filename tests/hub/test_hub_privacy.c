/*
 * test_hub_privacy.c: black-box tests of the privacy core against the real hubd:
 * consent and its immediate revocation, the resident's access log and consent list in a
 * card session, missed check-in escalation with the test clock (no sleeping), help alerts
 * and acknowledgements, an authorization matrix over every endpoint x role, "every release
 * audited exactly once", and audit verification by hubctl (tampering, truncation).
 */
#include "hubtest.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Midnight (Japan time) of the day after the test starts: later than the test CA's
 * certificates (made "now"), so card logins are valid at every time the test sets. */
static time_t DAY0;

static struct hubtest T;
static char ca[96];
static char home1[128], home2[128], kiosk[128], fam1[128], fam2[128], staff[128];
static char operator1[128], source1[128];
static char session1[128];

/* Card login of resident n at the kiosk; writes the session into out. 0 = ok. */
static int card_login(int n, char *out, size_t cap)
{
    return ht_card_login(&T, ca, n, kiosk, out, cap);
}

static void at(long seconds_after_midnight_jst)
{
    ht_set_clock(&T, DAY0 + seconds_after_midnight_jst);
}

static int escalate(void)
{
    char raised[16] = "";
    if (ht_ctl(&T, "alerts_raised", raised, sizeof raised, "escalate --window 120") != 0)
        return -1;
    return (int)strtol(raised, NULL, 10);
}

static void t_checkin_before_deadline_no_alert(void)
{
    at(8 * 3600);
    CHECK_INT_EQ(escalate(), 0);
    at(8 * 3600 + 1800);
    CHECK_INT_EQ(
        ht_req(&T, "POST", "/v1/checkins", home1, NULL, NULL, "{\"answer\":\"genki\"}", 18, NULL),
        201);
    at(10 * 3600 + 60); /* past resident 1's 10:00 deadline, past resident 2's 09:00 */
    CHECK_INT_EQ(escalate(), 1);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM alerts WHERE resident_id = 1"), 0);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM alerts WHERE resident_id = 2 AND"
                                " level = 'family' AND kind = 'missed'"),
                 1);
}

static void t_escalation_family_then_city(void)
{
    cJSON *j = NULL;
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/residents/2/alerts", fam2, NULL, NULL, &j), 200);
    cJSON *arr = cJSON_GetObjectItem(j, "alerts");
    CHECK_INT_EQ(cJSON_GetArraySize(arr), 1);
    CHECK_STR_EQ(cJSON_GetObjectItem(cJSON_GetArrayItem(arr, 0), "level")->valuestring, "family");
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/alerts", staff, NULL, NULL, &j), 200);
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "alerts")), 0);
    cJSON_Delete(j);
    at(11 * 3600 - 60); /* 09:00 + 119 min */
    CHECK_INT_EQ(escalate(), 0);
    at(11 * 3600);
    CHECK_INT_EQ(escalate(), 1);
    CHECK_INT_EQ(escalate(), 0); /* once per day */
    long long before = ht_audit_count(&T);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/alerts", staff, NULL, NULL, &j), 200);
    arr = cJSON_GetObjectItem(j, "alerts");
    REQUIRE(cJSON_GetArraySize(arr) == 1);
    cJSON *a = cJSON_GetArrayItem(arr, 0);
    CHECK_STR_EQ(cJSON_GetObjectItem(a, "level")->valuestring, "city");
    CHECK_STR_EQ(
        cJSON_GetObjectItem(cJSON_GetObjectItem(a, "resident"), "display_name")->valuestring,
        "Ichiro");
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_audit_count(&T), before + 1);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE id = (SELECT MAX(id) FROM audit)"
                                " AND basis = 'legal:watch_over_city' AND subject_resident_id = 2"),
                 1);
    /* A check-in the next morning before the deadline: no new alert. */
    at(86400 + 8 * 3600);
    CHECK_INT_EQ(
        ht_req(&T, "POST", "/v1/checkins", home2, NULL, NULL, "{\"answer\":\"genki\"}", 18, NULL),
        201);
    at(86400 + 12 * 3600);
    CHECK_INT_EQ(escalate(), 2); /* resident 1 missed day 2 (family + city); resident 2 not */
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM alerts WHERE resident_id = 2"), 2);
}

static void t_activity_and_card_login_are_signs_of_life(void)
{
    cJSON *j = NULL;
    at(2 * 86400 + 7 * 3600); /* day 3, 07:00 */
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/activity", home1, NULL, "{\"kind\":\"touch\"}", &j), 201);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(j, "stored")));
    cJSON_Delete(j);
    at(2 * 86400 + 7 * 3600 + 300);
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/activity", home1, NULL, "{}", &j), 200);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(j, "stored")));
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/activity", kiosk, NULL, "{}", &j), 403);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/activity", home1, NULL, "{\"kind\":5}", &j), 400);
    cJSON_Delete(j);
    at(2 * 86400 + 8 * 3600);
    char s2[128];
    REQUIRE(card_login(2, s2, sizeof s2) == 0); /* resident 2 at the library */
    at(2 * 86400 + 13 * 3600);
    CHECK_INT_EQ(escalate(), 0);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE action = 'activity.report'"), 1);
}

static long long help_family_alert, help_city_alert;

static void t_help_alerts_at_once(void)
{
    cJSON *j = NULL;
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/help", home1, NULL, "{}", &j), 201);
    cJSON *ids = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "help"), "alert_ids");
    REQUIRE(cJSON_GetArraySize(ids) == 2);
    help_family_alert = (long long)cJSON_GetArrayItem(ids, 0)->valuedouble;
    help_city_alert = (long long)cJSON_GetArrayItem(ids, 1)->valuedouble;
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/residents/1/alerts", fam1, NULL, NULL, &j), 200);
    cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "alerts"), 0);
    CHECK_STR_EQ(cJSON_GetObjectItem(first, "kind")->valuestring, "help");
    CHECK_INT_EQ(cJSON_GetObjectItem(first, "id")->valuedouble, help_family_alert);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/alerts", staff, NULL, NULL, &j), 200);
    int found = 0;
    cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(j, "alerts"))
    {
        found += cJSON_GetObjectItem(e, "id")->valuedouble == help_city_alert;
    }
    CHECK_INT_EQ(found, 1);
    cJSON_Delete(j);
    /* A public kiosk has no resident to call help for. */
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/help", kiosk, NULL, "{}", &j), 403);
    cJSON_Delete(j);
}

static void t_acknowledgement_seen_by_resident(void)
{
    char path[64];
    cJSON *j = NULL;
    snprintf(path, sizeof path, "/v1/alerts/%lld/ack", help_family_alert);
    CHECK_INT_EQ(ht_json(&T, "POST", path, fam2, NULL, "{}", &j), 403); /* not theirs */
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "POST", path, staff, NULL, "{}", &j), 403); /* family level */
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "POST", path, fam1, NULL, "{}", &j), 200);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(j, "changed")));
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "POST", path, fam1, NULL, "{}", &j), 200);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(j, "changed")));
    cJSON_Delete(j);
    snprintf(path, sizeof path, "/v1/alerts/%lld/ack", help_city_alert);
    CHECK_INT_EQ(ht_json(&T, "POST", path, staff, NULL, "{}", &j), 200);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/alerts/99999/ack", staff, NULL, "{}", &j), 403);
    cJSON_Delete(j);
    REQUIRE(card_login(1, session1, sizeof session1) == 0);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/session/alerts", kiosk, session1, NULL, &j), 200);
    int by_family = 0, by_staff = 0;
    cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(j, "alerts"))
    {
        const cJSON *by = cJSON_GetObjectItem(e, "acknowledged_by");
        const cJSON *name = cJSON_GetObjectItem(by, "display_name");
        if (cJSON_IsString(name) && strcmp(name->valuestring, "Taro") == 0)
            by_family++;
        if (cJSON_IsString(name) && strcmp(name->valuestring, "Watch Staff") == 0)
            by_staff++;
    }
    CHECK_INT_EQ(by_family, 1);
    CHECK_INT_EQ(by_staff, 1);
    cJSON_Delete(j);
}

static void t_consent_list_and_revocation(void)
{
    cJSON *j = NULL;
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/session/consents", kiosk, session1, NULL, &j), 200);
    cJSON *c0 = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "consents"), 0);
    REQUIRE(c0 != NULL);
    CHECK_STR_EQ(
        cJSON_GetObjectItem(cJSON_GetObjectItem(c0, "recipient"), "display_name")->valuestring,
        "Taro");
    CHECK_STR_EQ(cJSON_GetObjectItem(c0, "data_kind")->valuestring, "safety");
    CHECK_STR_EQ(
        cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "legal_bases"), 0), "name")
            ->valuestring,
        "watch_over_city");
    cJSON_Delete(j);
    const char *revoke = "{\"recipient\":{\"kind\":\"family\",\"id\":1},\"data_kind\":\"safety\","
                         "\"purpose\":\"watch_over\",\"granted\":false}";
    const char *grant = "{\"recipient\":{\"kind\":\"family\",\"id\":1},\"data_kind\":\"safety\","
                        "\"purpose\":\"watch_over\",\"granted\":true}";
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/residents/1/checkins", fam1, NULL, NULL, &j), 200);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/session/consents", kiosk, session1, revoke, &j), 200);
    CHECK_INT_EQ(cJSON_GetObjectItem(j, "revoked")->valueint, 1);
    cJSON_Delete(j);
    /* Immediately: every later release is refused and nothing leaks. */
    char *text = NULL;
    CHECK_INT_EQ(ht_req(&T, "GET", "/v1/residents/1/checkins", fam1, NULL, NULL, NULL, 0, &text),
                 403);
    CHECK(strstr(text, "genki") == NULL);
    free(text);
    CHECK_INT_EQ(ht_req(&T, "GET", "/v1/residents/1/alerts", fam1, NULL, NULL, NULL, 0, &text),
                 403);
    CHECK(strstr(text, "help") == NULL);
    free(text);
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/session/consents", kiosk, NULL, grant, &j), 401);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/session/consents", kiosk, session1, grant, &j), 201);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/session/consents", kiosk, session1, grant, &j), 200);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(j, "changed")));
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/residents/1/checkins", fam1, NULL, NULL, &j), 200);
    cJSON_Delete(j);
    /* Family 2 is not linked to resident 1: no consent can be made for them. */
    const char *other = "{\"recipient\":{\"kind\":\"family\",\"id\":2},\"data_kind\":\"safety\","
                        "\"purpose\":\"watch_over\",\"granted\":true}";
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/session/consents", kiosk, session1, other, &j), 422);
    CHECK_STR_EQ(ht_error_code(j), "unknown_recipient");
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE action = 'consent.revoke'"), 1);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE action = 'consent.grant'"), 2);
}

static void t_access_log(void)
{
    cJSON *j = NULL;
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/session/access-log?limit=100", kiosk, session1, NULL, &j),
                 200);
    cJSON *arr = cJSON_GetObjectItem(j, "entries");
    int n = cJSON_GetArraySize(arr);
    CHECK(n > 5);
    int family_reads = 0, others = 0;
    double prev = 1e18;
    cJSON *e;
    cJSON_ArrayForEach(e, arr)
    {
        double id = cJSON_GetObjectItem(e, "id")->valuedouble;
        CHECK(id < prev); /* newest first */
        prev = id;
        const char *action = cJSON_GetObjectItem(e, "action")->valuestring;
        const cJSON *actor = cJSON_GetObjectItem(e, "actor");
        if (strcmp(action, "checkins.read") == 0 &&
            strcmp(cJSON_GetObjectItem(actor, "display_name")->valuestring, "Taro") == 0 &&
            strncmp(cJSON_GetObjectItem(e, "basis")->valuestring, "consent:", 8) == 0)
            family_reads++;
        if (strcmp(cJSON_GetObjectItem(actor, "display_name")->valuestring, "Jiro") == 0)
            others++;
    }
    CHECK(family_reads >= 2);
    CHECK_INT_EQ(others, 0); /* nothing about resident 2 */
    cJSON_Delete(j);
    /* Paging: two pages of 3 join up without overlap. */
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/session/access-log?limit=3", kiosk, session1, NULL, &j),
                 200);
    REQUIRE(cJSON_GetArraySize(cJSON_GetObjectItem(j, "entries")) == 3);
    double last =
        cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "entries"), 2), "id")
            ->valuedouble;
    double next = cJSON_GetObjectItem(j, "next_before")->valuedouble;
    CHECK_INT_EQ(next, last);
    cJSON_Delete(j);
    char path[96];
    snprintf(path, sizeof path, "/v1/session/access-log?limit=3&before=%.0f", next);
    CHECK_INT_EQ(ht_json(&T, "GET", path, kiosk, session1, NULL, &j), 200);
    CHECK(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "entries"), 0), "id")
              ->valuedouble < next);
    cJSON_Delete(j);
}

/* ---- authorization matrix ------------------------------------------------------------- */

struct ep {
    const char *method;
    const char *path;
    const char *body;
    int session; /* sends a card session */
};

enum role {
    ANON,
    HOME2,
    KIOSK,
    KIOSK_OTHER_SESSION,
    FAM2,
    FAM1_REVOKED,
    OPERATOR,
    SOURCE,
    N_ROLES
};
static const char *const role_names[] = {"anonymous",
                                         "home device of resident 2",
                                         "public kiosk without session",
                                         "public kiosk, session of resident 2",
                                         "family of resident 2",
                                         "family 1 after revocation",
                                         "shopping operator",
                                         "source organisation"};

static void t_authorization_matrix(void)
{
    char ack[64], session2[128];
    snprintf(ack, sizeof ack, "/v1/alerts/%lld/ack", help_family_alert);
    const struct ep eps[] = {
        {"GET", "/v1/residents/1/checkins", NULL, 0},
        {"GET", "/v1/residents/1/alerts", NULL, 0},
        {"POST", ack, "{}", 0},
        {"GET", "/v1/alerts", NULL, 0},
        {"POST", "/v1/checkins", "{\"answer\":\"genki\"}", 0},
        {"POST", "/v1/help", "{}", 0},
        {"POST", "/v1/activity", "{}", 0},
        {"GET", "/v1/session", NULL, 1},
        {"GET", "/v1/session/access-log", NULL, 1},
        {"GET", "/v1/session/consents", NULL, 1},
        {"GET", "/v1/session/alerts", NULL, 1},
        {"POST", "/v1/auth/logout", "{}", 1},
    };
    REQUIRE(card_login(2, session2, sizeof session2) == 0);
    const char *revoke = "{\"recipient\":{\"kind\":\"family\",\"id\":1},\"data_kind\":\"safety\","
                         "\"purpose\":\"watch_over\",\"granted\":false}";
    cJSON *j = NULL;
    REQUIRE(ht_json(&T, "POST", "/v1/session/consents", kiosk, session1, revoke, &j) == 200);
    cJSON_Delete(j);
    static const char *const leaks[] = {"Hanako", "\"checkins\"", "\"alerts\"", "\"entries\"",
                                        NULL};
    for (size_t e = 0; e < sizeof eps / sizeof eps[0]; e++) {
        for (int r = 0; r < N_ROLES; r++) {
            const char *tok = r == ANON           ? NULL
                              : r == HOME2        ? home2
                              : r == FAM2         ? fam2
                              : r == FAM1_REVOKED ? fam1
                              : r == OPERATOR     ? operator1
                              : r == SOURCE       ? source1
                                                  : kiosk;
            const char *ses = r == KIOSK_OTHER_SESSION && eps[e].session ? session2 : NULL;
            /* Endpoints about resident 1 only: the home device of resident 2 may post its
             * own check-in / help, and resident 2's session may read resident 2's views:
             * those are not refusals and are skipped here (tested elsewhere). */
            int own = (r == HOME2 && (strcmp(eps[e].path, "/v1/checkins") == 0 ||
                                      strcmp(eps[e].path, "/v1/help") == 0 ||
                                      strcmp(eps[e].path, "/v1/activity") == 0)) ||
                      (r == KIOSK_OTHER_SESSION && eps[e].session);
            if (own)
                continue;
            CHECK(ht_refused(&T, eps[e].method, eps[e].path, tok, ses, NULL, eps[e].body, 0, leaks,
                             role_names[r]));
        }
    }
    const char *grant = "{\"recipient\":{\"kind\":\"family\",\"id\":1},\"data_kind\":\"safety\","
                        "\"purpose\":\"watch_over\",\"granted\":true}";
    REQUIRE(ht_json(&T, "POST", "/v1/session/consents", kiosk, session1, grant, &j) == 201);
    cJSON_Delete(j);
}

static void t_audit_verify_tamper_and_truncation(void)
{
    char first_bad[32] = "", args[256];
    snprintf(args, sizeof args, "audit-verify --key %s", T.key);
    CHECK_INT_EQ(ht_ctl(&T, "audit", NULL, 0, args), 0);
    /* Stop the hub: it signs a final tree head over the newest record. */
    CHECK_INT_EQ(ht_stop(&T), 0);
    /* The town's own log (the hub log holds what names no town, such as refusals of
     * unknown tokens): records are numbered within their log. */
    long long log = ht_sql_int(&T, "SELECT log_id FROM audit WHERE id = 9");
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT MAX(seq) FROM audit WHERE log_id = %lld", log);
    long long last = ht_sql_int(&T, sql);
    snprintf(sql, sizeof sql, "SELECT MAX(tree_size) FROM audit_heads WHERE log_id = %lld", log);
    CHECK_INT_EQ(ht_sql_int(&T, sql), last);
    /* Whoever holds the database can drop the append-only triggers (each dialect's own). */
    REQUIRE(ht_sql_exec(
                &T, ht_on_postgres(&T)
                        ? "DROP TRIGGER audit_append_only_u ON audit;"
                          "DROP TRIGGER audit_append_only_d ON audit;"
                          "DROP TRIGGER audit_append_only_t ON audit;"
                        : "DROP TRIGGER audit_append_only_u; DROP TRIGGER audit_append_only_d;") ==
            0);
    REQUIRE(ht_sql_exec(&T, "CREATE TABLE saved AS SELECT * FROM audit;") == 0);
    REQUIRE(ht_sql_exec(&T, "UPDATE audit SET actor = 'family:2' WHERE id = 9") == 0);
    CHECK_INT_EQ(ht_ctl(&T, "first_bad_record", first_bad, sizeof first_bad, args), 1);
    CHECK_STR_EQ(first_bad, "9");
    REQUIRE(ht_sql_exec(&T, "DELETE FROM audit WHERE id = 9;"
                            "INSERT INTO audit SELECT * FROM saved WHERE id = 9;") == 0);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 0);
    snprintf(sql, sizeof sql, "DELETE FROM audit WHERE log_id = %lld AND seq > %lld", log,
             last - 3);
    REQUIRE(ht_sql_exec(&T, sql) == 0);
    CHECK_INT_EQ(ht_ctl(&T, "first_bad_record", first_bad, sizeof first_bad, args), 1);
    char want[32];
    snprintf(want, sizeof want, "%lld", last);
    CHECK_STR_EQ(first_bad, want);
}

int main(void)
{
    char args[512];
    time_t real = time(NULL) + 9 * 3600;
    DAY0 = real - real % 86400 + 86400 - 9 * 3600;
    if (ht_init(&T, DAY0 + 7 * 3600) != 0)
        return 1;
    int ok = ht_make_ca(&T, 2, ca, sizeof ca) == 0 &&
             ht_enrol_two(&T, ca, home1, home2, kiosk, sizeof kiosk) == 0;
    ok = ok && ht_ctl(&T, "token", fam1, sizeof fam1, "family-add --name Taro --resident 1") == 0;
    ok = ok && ht_ctl(&T, "token", fam2, sizeof fam2, "family-add --name Jiro --resident 2") == 0;
    ok = ok && ht_ctl(&T, "token", staff, sizeof staff, "staff-add --name 'Watch Staff'") == 0;
    ok = ok && ht_ctl(&T, "token", operator1, sizeof operator1,
                      "operator-add --name Shop --district Kita") == 0;
    ok = ok && ht_ctl(&T, "token", source1, sizeof source1, "source-add --name City") == 0;
    /* hundreds of refusals from one address on purpose: that limit is test_hub_limits' */
    snprintf(args, sizeof args, "--trust-ca %s/ca.pem --refusal-rate 1000000", ca);
    if (ht_start_enrolled(&T, ok, args) != 0)
        return 1;
    TEST_RUN(t_checkin_before_deadline_no_alert);
    TEST_RUN(t_escalation_family_then_city);
    TEST_RUN(t_activity_and_card_login_are_signs_of_life);
    TEST_RUN(t_help_alerts_at_once);
    TEST_RUN(t_acknowledgement_seen_by_resident);
    TEST_RUN(t_consent_list_and_revocation);
    TEST_RUN(t_access_log);
    TEST_RUN(t_authorization_matrix);
    TEST_RUN(t_audit_verify_tamper_and_truncation);
    ht_cleanup(&T);
    return test_summary();
}
