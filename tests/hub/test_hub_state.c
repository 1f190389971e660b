/*
 * test_hub_state.c: black-box tests, against the real hubd, of what the resident's own
 * tablet remembers and hears back and what the family is told: the last check-in in the
 * home device's /v1/me (survives a kiosk restart), 元気がない raising an "unwell" alert at
 * once (per resident, off with hubctl), the home device's list of help presses with who
 * acknowledged each level, a family member linked to two residents, the access log told as
 * grouped lines (others first, repeated reads counted), and the consent choices that keep a
 * revoked consent grantable.
 */
#include "hubtest.h"
#include "test.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static time_t DAY0; /* midnight (Japan time) after the test CA's certificates were made */
static struct hubtest T;
static char ca[96];
static char home1[128], home2[128], kiosk[128], taro[128], ichiro[128];

static void at(long seconds_after_midnight_jst)
{
    ht_set_clock(&T, DAY0 + seconds_after_midnight_jst);
}

static const cJSON *get(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItem(o, k);
}

static const char *s_of(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItem(o, k);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static void t_me_tells_the_last_checkin(void)
{
    cJSON *j = NULL;
    at(7 * 3600);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/me", home1, NULL, NULL, &j), 200);
    CHECK(cJSON_IsNull(get(j, "last_checkin")));
    cJSON_Delete(j);
    at(8 * 3600 + 12 * 60);
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/checkins", home1, NULL, "{\"answer\":\"itsumo\"}", &j),
                 201);
    cJSON_Delete(j);
    at(8 * 3600 + 40 * 60); /* a restart later */
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/me", home1, NULL, NULL, &j), 200);
    const cJSON *c = get(j, "last_checkin");
    REQUIRE(cJSON_IsObject(c));
    CHECK_STR_EQ(s_of(c, "answer"), "itsumo");
    CHECK_INT_EQ((long long)get(c, "at_unix")->valuedouble, (long long)(DAY0 + 8 * 3600 + 12 * 60));
    cJSON_Delete(j);
    /* the other resident's tablet knows nothing of it; a public kiosk has no resident */
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/me", home2, NULL, NULL, &j), 200);
    CHECK(cJSON_IsNull(get(j, "last_checkin")));
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/me", kiosk, NULL, NULL, &j), 200);
    CHECK(get(j, "last_checkin") == NULL);
    cJSON_Delete(j);
}

static int count_kind(cJSON *alerts, const char *kind)
{
    int n = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, alerts)
    {
        n += strcmp(s_of(e, "kind"), kind) == 0;
    }
    return n;
}

static void t_unwell_alerts_the_family_at_once(void)
{
    cJSON *j = NULL;
    at(9 * 3600);
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/checkins", home1, NULL, "{\"answer\":\"genkinai\"}", &j),
                 201);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/residents/1/alerts", ichiro, NULL, NULL, &j), 200);
    cJSON *arr = cJSON_GetObjectItem(j, "alerts");
    CHECK_INT_EQ(count_kind(arr, "unwell"), 1);
    const cJSON *a = cJSON_GetArrayItem(arr, 0);
    CHECK_STR_EQ(s_of(a, "kind"), "unwell");
    CHECK_STR_EQ(s_of(a, "level"), "family");
    CHECK((long long)get(a, "raised_at_unix")->valuedouble == (long long)(DAY0 + 9 * 3600));
    cJSON_Delete(j);
    /* a second 元気がない is its own alert; 元気です raises none */
    at(9 * 3600 + 60);
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/checkins", home1, NULL, "{\"answer\":\"genkinai\"}", &j),
                 201);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/checkins", home1, NULL, "{\"answer\":\"genki\"}", &j),
                 201);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM alerts WHERE kind = 'unwell'"), 2);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE action = 'alert.unwell'"), 2);
    /* turned off for resident 2 on the enrolment form: no alert */
    char v[16] = "";
    CHECK_INT_EQ(
        ht_ctl(&T, "unwell_alert", v, sizeof v, "resident-set --resident 2 --unwell-alert off"), 0);
    CHECK_STR_EQ(v, "off");
    CHECK(ht_ctl(&T, NULL, NULL, 0, "resident-set --resident 2 --unwell-alert maybe") != 0);
    CHECK(ht_ctl(&T, NULL, NULL, 0, "resident-set --resident 99 --unwell-alert on") != 0);
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/checkins", home2, NULL, "{\"answer\":\"genkinai\"}", &j),
                 201);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM alerts WHERE resident_id = 2"), 0);
}

static void t_family_of_two_residents_sees_both(void)
{
    cJSON *j = NULL;
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/me", taro, NULL, NULL, &j), 200);
    cJSON *list = cJSON_GetObjectItem(j, "residents");
    REQUIRE(cJSON_GetArraySize(list) == 2);
    CHECK_STR_EQ(s_of(cJSON_GetArrayItem(list, 0), "display_name"), "Hanako");
    CHECK_STR_EQ(s_of(cJSON_GetArrayItem(list, 1), "display_name"), "Ichiro");
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/residents/1/checkins", taro, NULL, NULL, &j), 200);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/residents/2/checkins", taro, NULL, NULL, &j), 200);
    CHECK_STR_EQ(s_of(cJSON_GetArrayItem(get(j, "checkins"), 0), "answer"), "genkinai");
    cJSON_Delete(j);
}

static long long alert_id(const cJSON *press, int i)
{
    return (long long)get(cJSON_GetArrayItem(get(press, "alerts"), i), "id")->valuedouble;
}

static void t_help_presses_say_who_acknowledged(void)
{
    cJSON *j = NULL;
    long long before = ht_audit_count(&T);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/help", home1, NULL, NULL, &j), 200);
    CHECK_INT_EQ(cJSON_GetArraySize(get(j, "presses")), 0);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_audit_count(&T), before); /* nothing released, nothing audited */
    at(10 * 3600);
    CHECK_INT_EQ(ht_req(&T, "POST", "/v1/help", home1, NULL, "h-1", "{}", 2, NULL), 201);
    at(10 * 3600 + 120);
    CHECK_INT_EQ(ht_req(&T, "POST", "/v1/help", home1, NULL, "h-2", "{}", 2, NULL), 201);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/help?limit=5", home1, NULL, NULL, &j), 200);
    cJSON *presses = cJSON_GetObjectItem(j, "presses");
    REQUIRE(cJSON_GetArraySize(presses) == 2);
    const cJSON *p0 = cJSON_GetArrayItem(presses, 0), *p1 = cJSON_GetArrayItem(presses, 1);
    CHECK((long long)get(p0, "at_unix")->valuedouble == (long long)(DAY0 + 10 * 3600 + 120));
    CHECK((long long)get(p1, "at_unix")->valuedouble == (long long)(DAY0 + 10 * 3600));
    REQUIRE(cJSON_GetArraySize(get(p0, "alerts")) == 2);
    CHECK_STR_EQ(s_of(cJSON_GetArrayItem(get(p0, "alerts"), 0), "level"), "family");
    CHECK_STR_EQ(s_of(cJSON_GetArrayItem(get(p0, "alerts"), 1), "level"), "city");
    CHECK(cJSON_IsNull(get(cJSON_GetArrayItem(get(p0, "alerts"), 0), "acknowledged_by")));
    long long fam_alert = alert_id(p0, 0);
    cJSON_Delete(j);
    /* the son acknowledges the newest press: the tablet's next poll names him */
    char path[64];
    at(10 * 3600 + 180);
    snprintf(path, sizeof path, "/v1/alerts/%lld/ack", fam_alert);
    CHECK_INT_EQ(ht_json(&T, "POST", path, ichiro, NULL, "{}", &j), 200);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/help?limit=1", home1, NULL, NULL, &j), 200);
    presses = cJSON_GetObjectItem(j, "presses");
    REQUIRE(cJSON_GetArraySize(presses) == 1);
    const cJSON *fam = cJSON_GetArrayItem(get(cJSON_GetArrayItem(presses, 0), "alerts"), 0);
    CHECK_STR_EQ(s_of(get(fam, "acknowledged_by"), "display_name"), "Ichiro");
    CHECK_STR_EQ(s_of(get(fam, "acknowledged_by"), "kind"), "family");
    CHECK((long long)get(fam, "acknowledged_at_unix")->valuedouble ==
          (long long)(DAY0 + 10 * 3600 + 180));
    CHECK(cJSON_IsNull(get(cJSON_GetArrayItem(get(cJSON_GetArrayItem(presses, 0), "alerts"), 1),
                           "acknowledged_by")));
    cJSON_Delete(j);
    /* a public kiosk has no help calls of its own; family tokens are not devices */
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/help", kiosk, NULL, NULL, &j), 403);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/help", taro, NULL, NULL, &j), 403);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/help?limit=0", home1, NULL, NULL, &j), 400);
    cJSON_Delete(j);
}

static void t_session_alerts_carry_their_group(void)
{
    cJSON *j = NULL;
    char session[128];
    at(10 * 3600 + 300);
    REQUIRE(ht_card_login(&T, ca, 1, kiosk, session, sizeof session) == 0);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/session/alerts", kiosk, session, NULL, &j), 200);
    cJSON *arr = cJSON_GetObjectItem(j, "alerts");
    /* the newest press: city then family, both in one group; unwell alerts in their own */
    REQUIRE(cJSON_GetArraySize(arr) >= 4);
    CHECK_STR_EQ(s_of(cJSON_GetArrayItem(arr, 0), "group"),
                 s_of(cJSON_GetArrayItem(arr, 1), "group"));
    CHECK(strcmp(s_of(cJSON_GetArrayItem(arr, 1), "group"),
                 s_of(cJSON_GetArrayItem(arr, 2), "group")) != 0);
    CHECK(strncmp(s_of(cJSON_GetArrayItem(arr, 0), "group"), "help:", 5) == 0);
    cJSON_Delete(j);
}

static const cJSON *find_line(const cJSON *lines, const char *name, const char *action)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, lines)
    {
        if (strcmp(s_of(get(e, "actor"), "display_name"), name) == 0 &&
            strcmp(s_of(e, "action"), action) == 0)
            return e;
    }
    return NULL;
}

static void t_access_summary_puts_others_first(void)
{
    cJSON *j = NULL;
    char session[128];
    at(11 * 3600);
    REQUIRE(ht_card_login(&T, ca, 1, kiosk, session, sizeof session) == 0);
    /* the resident looks at the log a few times; then Taro's tablet reloads four times */
    for (int i = 0; i < 3; i++) {
        at(11 * 3600 + i);
        CHECK_INT_EQ(ht_json(&T, "GET", "/v1/session/access-log", kiosk, session, NULL, &j), 200);
        cJSON_Delete(j);
    }
    for (int i = 0; i < 4; i++) {
        at(11 * 3600 + 10 + i * 60);
        CHECK_INT_EQ(ht_json(&T, "GET", "/v1/residents/1/checkins", taro, NULL, NULL, &j), 200);
        cJSON_Delete(j);
        CHECK_INT_EQ(ht_json(&T, "GET", "/v1/residents/1/alerts", taro, NULL, NULL, &j), 200);
        cJSON_Delete(j);
    }
    at(11 * 3600 + 600);
    CHECK_INT_EQ(
        ht_json(&T, "GET", "/v1/session/access-summary?limit=100", kiosk, session, NULL, &j), 200);
    cJSON *lines = cJSON_GetObjectItem(j, "lines");
    int n = cJSON_GetArraySize(lines);
    REQUIRE(n > 3);
    /* others first: once an own line appears, no other's line follows */
    bool own_seen = false, order_ok = true;
    const cJSON *e;
    cJSON_ArrayForEach(e, lines)
    {
        bool own = cJSON_IsTrue(get(e, "own"));
        if (own_seen && !own)
            order_ok = false;
        own_seen = own_seen || own;
    }
    CHECK(order_ok);
    CHECK(!cJSON_IsTrue(get(cJSON_GetArrayItem(lines, 0), "own")));
    /* Taro's eight reads (four reloads) and his read this morning are one line counting
     * five looks */
    const cJSON *t = find_line(lines, "Taro", "read");
    REQUIRE(t != NULL);
    CHECK_INT_EQ((int)get(t, "count")->valuedouble, 5);
    CHECK_STR_EQ(s_of(t, "purpose"), "watch_over");
    CHECK(t == cJSON_GetArrayItem(lines, 0)); /* the newest other's access */
    /* the resident's own reads of the log are one line too (the summary itself adds one) */
    int own_reads = 0;
    cJSON_ArrayForEach(e, lines)
    {
        if (cJSON_IsTrue(get(e, "own")) && strcmp(s_of(e, "action"), "read") == 0 &&
            strstr(s_of(e, "data_kinds"), "audit"))
            own_reads++;
    }
    CHECK_INT_EQ(own_reads, 1);
    cJSON_Delete(j);
    /* paging over lines */
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/session/access-summary?limit=2", kiosk, session, NULL, &j),
                 200);
    CHECK_INT_EQ(cJSON_GetArraySize(get(j, "lines")), 2);
    CHECK_INT_EQ((int)get(j, "next_offset")->valuedouble, 2);
    cJSON_Delete(j);
    CHECK_INT_EQ(
        ht_json(&T, "GET", "/v1/session/access-summary?limit=2&offset=2", kiosk, session, NULL, &j),
        200);
    CHECK_INT_EQ(cJSON_GetArraySize(get(j, "lines")), 2);
    cJSON_Delete(j);
    CHECK_INT_EQ(
        ht_json(&T, "GET", "/v1/session/access-summary?offset=-1", kiosk, session, NULL, &j), 400);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/session/access-summary", kiosk, NULL, NULL, &j), 401);
    cJSON_Delete(j);
}

static const cJSON *find_choice(const cJSON *choices, const char *name, const char *data_kind)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, choices)
    {
        if (strcmp(s_of(get(e, "recipient"), "display_name"), name) == 0 &&
            strcmp(s_of(e, "data_kind"), data_kind) == 0)
            return e;
    }
    return NULL;
}

static void t_consent_choices_keep_revoked(void)
{
    cJSON *j = NULL;
    char session[128];
    static const char revoke[] = "{\"recipient\":{\"kind\":\"family\",\"id\":1},\"data_kind\":"
                                 "\"safety\",\"purpose\":\"watch_over\",\"granted\":false}";
    static const char grant[] = "{\"recipient\":{\"kind\":\"family\",\"id\":1},\"data_kind\":"
                                "\"safety\",\"purpose\":\"watch_over\",\"granted\":true}";
    at(12 * 3600);
    REQUIRE(ht_card_login(&T, ca, 1, kiosk, session, sizeof session) == 0);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/session/consents", kiosk, session, NULL, &j), 200);
    cJSON *ch = cJSON_GetObjectItem(j, "choices");
    const cJSON *c = find_choice(ch, "Taro", "safety");
    REQUIRE(c != NULL);
    CHECK(cJSON_IsTrue(get(c, "granted")));
    CHECK(find_choice(ch, "Ichiro", "safety") != NULL);
    c = find_choice(ch, "Shop", "address"); /* serves the resident's district, never granted */
    REQUIRE(c != NULL);
    CHECK(cJSON_IsFalse(get(c, "granted")));
    CHECK_STR_EQ(s_of(c, "purpose"), "delivery");
    CHECK(find_choice(ch, "Far Shop", "address") == NULL); /* another district */
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/session/consents", kiosk, session, revoke, &j), 200);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/session/consents", kiosk, session, NULL, &j), 200);
    c = find_choice(get(j, "choices"), "Taro", "safety");
    REQUIRE(c != NULL); /* revoked, still listed */
    CHECK(cJSON_IsFalse(get(c, "granted")));
    CHECK((long long)get(c, "revoked_at_unix")->valuedouble == (long long)(DAY0 + 12 * 3600));
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/session/consents", kiosk, session, grant, &j), 201);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/session/consents", kiosk, session, NULL, &j), 200);
    c = find_choice(get(j, "choices"), "Taro", "safety");
    REQUIRE(c != NULL);
    CHECK(cJSON_IsTrue(get(c, "granted")));
    cJSON_Delete(j);
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
    ok = ok && ht_ctl(&T, "token", taro, sizeof taro,
                      "family-add --name Taro --resident 1 --resident 2") == 0;
    ok = ok && ht_ctl(&T, "token", ichiro, sizeof ichiro,
                      "family-add --name Ichiro --resident 1 --relation son") == 0;
    ok = ok && ht_ctl(&T, NULL, NULL, 0, "operator-add --name Shop --district Kita") == 0;
    ok = ok && ht_ctl(&T, NULL, NULL, 0, "operator-add --name 'Far Shop' --district Higashi") == 0;
    snprintf(args, sizeof args, "--trust-ca %s/ca.pem", ca);
    if (ht_start_enrolled(&T, ok, args) != 0)
        return 1;
    TEST_RUN(t_me_tells_the_last_checkin);
    TEST_RUN(t_unwell_alerts_the_family_at_once);
    TEST_RUN(t_family_of_two_residents_sees_both);
    TEST_RUN(t_help_presses_say_who_acknowledged);
    TEST_RUN(t_session_alerts_carry_their_group);
    TEST_RUN(t_access_summary_puts_others_first);
    TEST_RUN(t_consent_choices_keep_revoked);
    ht_stop(&T);
    ht_cleanup(&T);
    return test_summary();
}
