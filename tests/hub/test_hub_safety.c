/*
 * test_hub_safety.c: safety confirmation (安否確認) through the real hubd: staff start a
 * check for a district; the residents asked answer from their home devices exactly once
 * per Idempotency-Key (replays change nothing); staff see exact safe / need_help /
 * no_answer lists; need_help raises alerts at once and silence past the due time raises
 * them through the escalation pass (test clock); consented family see their resident's
 * answer and others nothing; closing stops the asking; 100 residents with answers, help
 * requests, replays and silence give exact counts; and who may do what.
 */
#include "hubtest.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0 1796536800 /* 2026-12-06T06:00:00Z = 15:00 in Japan, before every deadline */

static struct hubtest T;
static char home[9][128]; /* home[1..5]: 北町, home[6..8]: 南町 */
static char kiosk[128], staff[128], fam_a[128], fam_b[128];

static long answer(int device, long long check, const char *body, const char *key, cJSON **j)
{
    char path[64];
    snprintf(path, sizeof path, "/v1/safety/%lld/answer", check);
    char *resp = NULL;
    long st = ht_req(&T, "POST", path, home[device], NULL, key, body, strlen(body), &resp);
    if (j)
        *j = resp ? cJSON_Parse(resp) : NULL;
    free(resp);
    return st;
}

static cJSON *check_view(long long id)
{
    char path[64];
    cJSON *j = NULL;
    snprintf(path, sizeof path, "/v1/safety-checks/%lld", id);
    CHECK_INT_EQ(ht_json(&T, "GET", path, staff, NULL, NULL, &j), 200);
    return j;
}

static int count_of(const cJSON *view, const char *name)
{
    return (int)cJSON_GetObjectItem(
               cJSON_GetObjectItem(cJSON_GetObjectItem(view, "safety_check"), "counts"), name)
        ->valuedouble;
}

/* The resident ids of one list of the staff view, joined by ",". */
static void ids_of(const cJSON *view, const char *list, char *out, size_t cap)
{
    size_t len = 0;
    const cJSON *e;
    out[0] = '\0';
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(view, list))
    {
        int w = snprintf(out + len, cap - len, "%s%d", len ? "," : "",
                         (int)cJSON_GetObjectItem(e, "resident_id")->valuedouble);
        if (w > 0 && (size_t)w < cap - len)
            len += (size_t)w;
    }
}

static void t_start_check(void)
{
    static const char body[] = "{\"title_ja\":\"地震の あとの 安否確認\",\"districts\":[\"北町\"],"
                               "\"answer_within_min\":30}";
    char *first = NULL, *again = NULL;
    CHECK_INT_EQ(
        ht_req(&T, "POST", "/v1/safety-checks", staff, NULL, "start-1", body, strlen(body), &first),
        201);
    CHECK_INT_EQ(
        ht_req(&T, "POST", "/v1/safety-checks", staff, NULL, "start-1", body, strlen(body), &again),
        201);
    CHECK_STR_EQ(again, first); /* a replay: the same check, not a second one */
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM safety_checks"), 1);
    cJSON *j = cJSON_Parse(first ? first : "");
    cJSON *c = cJSON_GetObjectItem(j, "safety_check");
    CHECK_INT_EQ(cJSON_GetObjectItem(c, "id")->valuedouble, 1);
    CHECK_STR_EQ(cJSON_GetObjectItem(c, "area_ja")->valuestring, "北町");
    CHECK_INT_EQ(cJSON_GetObjectItem(c, "due_at_unix")->valuedouble, T0 + 30 * 60);
    CHECK_INT_EQ(cJSON_GetObjectItem(cJSON_GetObjectItem(c, "counts"), "asked")->valuedouble, 5);
    CHECK_INT_EQ(cJSON_GetObjectItem(cJSON_GetObjectItem(c, "counts"), "no_answer")->valuedouble,
                 5);
    cJSON_Delete(j);
    free(first);
    free(again);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE action = 'safety_check.start'"),
                 1);
}

static void t_answers_exactly_once(void)
{
    cJSON *j = NULL;
    char *first = NULL, *again = NULL;
    static const char safe[] = "{\"answer\":\"safe\",\"at\":\"2026-12-06T06:01:00Z\"}";
    CHECK_INT_EQ(ht_req(&T, "POST", "/v1/safety/1/answer", home[1], NULL, "ans-1", safe,
                        strlen(safe), &first),
                 201);
    /* The outbox sends again after a lost answer: same key, same answer, nothing new. */
    CHECK_INT_EQ(ht_req(&T, "POST", "/v1/safety/1/answer", home[1], NULL, "ans-1", safe,
                        strlen(safe), &again),
                 201);
    CHECK_STR_EQ(again, first);
    free(first);
    free(again);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM safety_answers"), 1);
    CHECK_INT_EQ(answer(1, 1, "{\"answer\":\"need_help\"}", "ans-1", &j), 422);
    cJSON_Delete(j);
    /* need_help: alerts at both levels at once, on the normal alert path. */
    CHECK_INT_EQ(answer(2, 1, "{\"answer\":\"need_help\"}", "ans-2", &j), 201);
    CHECK_STR_EQ(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "answer"), "answer")->valuestring,
                 "need_help");
    cJSON_Delete(j);
    CHECK_INT_EQ(answer(2, 1, "{\"answer\":\"need_help\"}", "ans-2", NULL), 201);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM alerts WHERE resident_id = 2 AND"
                                " kind = 'safety_help' AND day = 'safety:1'"),
                 2);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/alerts", staff, NULL, NULL, &j), 200);
    cJSON *a = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "alerts"), 0);
    CHECK_STR_EQ(cJSON_GetObjectItem(a, "kind")->valuestring, "safety_help");
    CHECK_STR_EQ(cJSON_GetObjectItem(a, "group")->valuestring, "safety:1");
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/residents/2/alerts", fam_b, NULL, NULL, &j), 200);
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "alerts")), 1);
    cJSON_Delete(j);
    /* Refusals store nothing. */
    CHECK_INT_EQ(answer(6, 1, "{\"answer\":\"safe\"}", "ans-6", &j), 403); /* not asked */
    CHECK_STR_EQ(ht_error_code(j), "not_permitted");
    cJSON_Delete(j);
    CHECK_INT_EQ(answer(3, 99, "{\"answer\":\"safe\"}", "ans-x", NULL), 403);
    CHECK_INT_EQ(answer(3, 1, "{\"answer\":\"safe\",\"at\":\"2026-12-06T07:00:00Z\"}", NULL, NULL),
                 400); /* an hour ahead of the hub */
    CHECK_INT_EQ(answer(3, 1, "{\"answer\":\"safe\",\"at\":\"2026-12-06T05:00:00Z\"}", NULL, NULL),
                 400); /* before the check */
    CHECK_INT_EQ(answer(3, 1, "{\"answer\":\"fine\"}", NULL, NULL), 400);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM safety_answers"), 2);
}

static void t_staff_view_exact(void)
{
    char ids[64];
    cJSON *v = check_view(1);
    CHECK_INT_EQ(count_of(v, "asked"), 5);
    CHECK_INT_EQ(count_of(v, "safe"), 1);
    CHECK_INT_EQ(count_of(v, "need_help"), 1);
    CHECK_INT_EQ(count_of(v, "no_answer"), 3);
    ids_of(v, "safe", ids, sizeof ids);
    CHECK_STR_EQ(ids, "1");
    ids_of(v, "need_help", ids, sizeof ids);
    CHECK_STR_EQ(ids, "2");
    ids_of(v, "no_answer", ids, sizeof ids);
    CHECK_STR_EQ(ids, "3,4,5");
    cJSON *p = cJSON_GetArrayItem(cJSON_GetObjectItem(v, "safe"), 0);
    CHECK_STR_EQ(cJSON_GetObjectItem(p, "display_name")->valuestring, "R1");
    CHECK_STR_EQ(cJSON_GetObjectItem(p, "district")->valuestring, "北町");
    CHECK_INT_EQ(cJSON_GetObjectItem(p, "answered_at_unix")->valuedouble, T0 + 60);
    p = cJSON_GetArrayItem(cJSON_GetObjectItem(v, "no_answer"), 0);
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(p, "answered_at")));
    cJSON_Delete(v);
    cJSON *j = NULL;
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/safety-checks", staff, NULL, NULL, &j), 200);
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "safety_checks")), 1);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/safety-checks/7", staff, NULL, NULL, &j), 404);
    cJSON_Delete(j);
}

static void t_device_and_family_views(void)
{
    cJSON *j = NULL;
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/safety", home[1], NULL, NULL, &j), 200);
    cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "checks"), 0);
    REQUIRE(c);
    CHECK_STR_EQ(cJSON_GetObjectItem(c, "title_ja")->valuestring, "地震の あとの 安否確認");
    CHECK_STR_EQ(cJSON_GetObjectItem(c, "answer")->valuestring, "safe");
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/safety", home[3], NULL, NULL, &j), 200);
    c = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "checks"), 0);
    CHECK(c && cJSON_IsNull(cJSON_GetObjectItem(c, "answer")));
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/safety", home[6], NULL, NULL, &j), 200);
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "checks")), 0);
    cJSON_Delete(j);
    /* Family A is linked to resident 1 with the watch-over consent. */
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/family/safety", fam_a, NULL, NULL, &j), 200);
    c = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "checks"), 0);
    REQUIRE(c);
    cJSON *rs = cJSON_GetObjectItem(c, "residents");
    CHECK_INT_EQ(cJSON_GetArraySize(rs), 1);
    CHECK_INT_EQ(cJSON_GetObjectItem(cJSON_GetArrayItem(rs, 0), "resident_id")->valuedouble, 1);
    CHECK_STR_EQ(cJSON_GetObjectItem(cJSON_GetArrayItem(rs, 0), "answer")->valuestring, "safe");
    cJSON_Delete(j);
    /* Family B's consent for resident 2 was revoked: linked, but sees nothing. */
    CHECK_INT_EQ(ht_sql_exec(&T, "UPDATE consents SET revoked_unix = 1 WHERE recipient_kind ="
                                 " 'family' AND recipient_id = 2"),
                 0);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/family/safety", fam_b, NULL, NULL, &j), 200);
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "checks")), 0);
    char *text = cJSON_PrintUnformatted(j);
    CHECK(text && !strstr(text, "R2"));
    free(text);
    cJSON_Delete(j);
}

static int escalate(void)
{
    char raised[16] = "";
    if (ht_ctl(&T, "alerts_raised", raised, sizeof raised, "escalate") != 0)
        return -1;
    return (int)strtol(raised, NULL, 10);
}

static void t_no_answer_raises_alerts(void)
{
    ht_set_clock(&T, T0 + 29 * 60);
    CHECK_INT_EQ(escalate(), 0);
    ht_set_clock(&T, T0 + 30 * 60);
    CHECK_INT_EQ(escalate(), 6); /* residents 3, 4, 5 at both levels */
    CHECK_INT_EQ(escalate(), 0); /* once per check */
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM alerts WHERE kind = 'safety_no_answer'"
                                " AND resident_id IN (3, 4, 5)"),
                 6);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE action ="
                                " 'alert.safety_no_answer'"),
                 6);
    /* A late answer (the outbox after a cut) is still counted. */
    CHECK_INT_EQ(
        answer(3, 1, "{\"answer\":\"safe\",\"at\":\"2026-12-06T06:10:00Z\"}", "ans-3", NULL), 201);
    /* Resident 2 is safe after all: the latest tap counts. */
    CHECK_INT_EQ(answer(2, 1, "{\"answer\":\"safe\"}", "ans-2b", NULL), 201);
    cJSON *v = check_view(1);
    CHECK_INT_EQ(count_of(v, "safe"), 3);
    CHECK_INT_EQ(count_of(v, "need_help"), 0);
    CHECK_INT_EQ(count_of(v, "no_answer"), 2);
    cJSON_Delete(v);
}

static void t_close_stops_asking(void)
{
    cJSON *j = NULL;
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/safety-checks/1/close", staff, NULL, "{}", &j), 200);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(j, "changed")));
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/safety-checks/1/close", staff, NULL, "{}", &j), 200);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(j, "changed")));
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/safety", home[4], NULL, NULL, &j), 200);
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "checks")), 0);
    cJSON_Delete(j);
    CHECK_INT_EQ(answer(4, 1, "{\"answer\":\"safe\"}", "ans-4", NULL), 201);
    cJSON *v = check_view(1);
    CHECK_INT_EQ(count_of(v, "no_answer"), 1);
    CHECK(
        cJSON_GetObjectItem(cJSON_GetObjectItem(v, "safety_check"), "closed_at_unix")->valuedouble >
        0);
    cJSON_Delete(v);
}

static void t_hundred_residents_exact(void)
{
    /* 100 residents in 東町: 50 safe (every third sent twice, as an outbox retry would), 20
     * need help, 30 silent. */
    char args[160], tok[100][128];
    for (int i = 0; i < 100; i++) {
        snprintf(args, sizeof args, "resident-add --name E%d --district 東町 --deadline 23:59", i);
        REQUIRE(ht_ctl(&T, NULL, NULL, 0, args) == 0);
        snprintf(args, sizeof args, "device-add --kind home --resident %d", 9 + i);
        REQUIRE(ht_ctl(&T, "token", tok[i], sizeof tok[i], args) == 0);
    }
    static const char body[] = "{\"title_ja\":\"台風の あとの 安否確認\",\"districts\":[\"東町\"],"
                               "\"answer_within_min\":60}";
    cJSON *j = NULL;
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/safety-checks", staff, NULL, body, &j), 201);
    long long id =
        (long long)cJSON_GetObjectItem(cJSON_GetObjectItem(j, "safety_check"), "id")->valuedouble;
    cJSON_Delete(j);
    char path[64];
    snprintf(path, sizeof path, "/v1/safety/%lld/answer", id);
    for (int i = 0; i < 70; i++) {
        const char *b = i < 50 ? "{\"answer\":\"safe\"}" : "{\"answer\":\"need_help\"}";
        char key[32];
        snprintf(key, sizeof key, "k-%d", i);
        CHECK_INT_EQ(ht_req(&T, "POST", path, tok[i], NULL, key, b, strlen(b), NULL), 201);
        if (i % 3 == 0)
            CHECK_INT_EQ(ht_req(&T, "POST", path, tok[i], NULL, key, b, strlen(b), NULL), 201);
    }
    cJSON *v = check_view(id);
    CHECK_INT_EQ(count_of(v, "asked"), 100);
    CHECK_INT_EQ(count_of(v, "safe"), 50);
    CHECK_INT_EQ(count_of(v, "need_help"), 20);
    CHECK_INT_EQ(count_of(v, "no_answer"), 30);
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(v, "no_answer")), 30);
    cJSON_Delete(v);
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM safety_answers WHERE check_id = %lld", id);
    CHECK_INT_EQ(ht_sql_int(&T, sql), 70);
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM alerts WHERE day = 'safety:%lld'", id);
    CHECK_INT_EQ(ht_sql_int(&T, sql), 40);
    ht_set_clock(&T, T0 + 30 * 60 + 61 * 60);
    CHECK_INT_EQ(escalate(), 60);
    CHECK_INT_EQ(ht_sql_int(&T, sql), 100);
}

static void t_who_may_do_what(void)
{
    static const char start[] = "{\"title_ja\":\"x\",\"whole_town\":true}";
    static const char ans[] = "{\"answer\":\"safe\"}";
    const char *const leaks[] = {"R1", "R2", NULL};
    for (int w = 0; w < 3; w++) {
        const char *tok = w == 0 ? home[1] : w == 1 ? fam_a : kiosk;
        CHECK(ht_refused(&T, "POST", "/v1/safety-checks", tok, NULL, NULL, start, 0, leaks, tok));
        CHECK(ht_refused(&T, "GET", "/v1/safety-checks", tok, NULL, NULL, NULL, 0, leaks, tok));
        CHECK(ht_refused(&T, "GET", "/v1/safety-checks/1", tok, NULL, NULL, NULL, 0, leaks, tok));
        CHECK(ht_refused(&T, "POST", "/v1/safety-checks/1/close", tok, NULL, NULL, "{}", 0, leaks,
                         tok));
    }
    CHECK(ht_refused(&T, "GET", "/v1/safety", staff, NULL, NULL, NULL, 0, leaks, "staff"));
    CHECK(ht_refused(&T, "GET", "/v1/safety", fam_a, NULL, NULL, NULL, 0, leaks, "family"));
    CHECK(ht_refused(&T, "GET", "/v1/safety", kiosk, NULL, NULL, NULL, 0, leaks, "kiosk"));
    CHECK(ht_refused(&T, "POST", "/v1/safety/1/answer", kiosk, NULL, NULL, ans, 0, leaks, "kiosk"));
    CHECK(ht_refused(&T, "POST", "/v1/safety/1/answer", staff, NULL, NULL, ans, 0, leaks, "staff"));
    CHECK(
        ht_refused(&T, "GET", "/v1/family/safety", home[1], NULL, NULL, NULL, 0, leaks, "device"));
    CHECK(ht_refused(&T, "GET", "/v1/family/safety", staff, NULL, NULL, NULL, 0, leaks, "staff"));
    CHECK(
        ht_refused(&T, "GET", "/v1/safety-checks/1", NULL, NULL, NULL, NULL, 0, leaks, "no token"));
}

int main(void)
{
    char args[160];
    if (ht_init(&T, T0) != 0)
        return 1;
    for (int i = 1; i <= 8; i++) {
        snprintf(args, sizeof args, "resident-add --name R%d --district %s --deadline 23:59", i,
                 i <= 5 ? "北町" : "南町");
        if (ht_ctl(&T, NULL, NULL, 0, args) != 0)
            return 1;
        snprintf(args, sizeof args, "device-add --kind home --resident %d", i);
        if (ht_ctl(&T, "token", home[i], sizeof home[i], args) != 0)
            return 1;
    }
    if (ht_ctl(&T, "token", kiosk, sizeof kiosk, "device-add --kind public") ||
        ht_ctl(&T, "token", staff, sizeof staff, "staff-add --name 防災係") ||
        ht_ctl(&T, "token", fam_a, sizeof fam_a, "family-add --name FA --resident 1") ||
        ht_ctl(&T, "token", fam_b, sizeof fam_b, "family-add --name FB --resident 2") ||
        ht_start(&T, "--tick 0") != 0)
        return 1;
    TEST_RUN(t_start_check);
    TEST_RUN(t_answers_exactly_once);
    TEST_RUN(t_staff_view_exact);
    TEST_RUN(t_device_and_family_views);
    TEST_RUN(t_no_answer_raises_alerts);
    TEST_RUN(t_close_stops_asking);
    TEST_RUN(t_hundred_residents_exact);
    TEST_RUN(t_who_may_do_what);
    ht_cleanup(&T);
    return test_summary();
}
