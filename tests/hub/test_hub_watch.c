/*
 * test_hub_watch.c: the watch-over journey through the real hubd and hubctl, without a
 * card or a shopping operator, so that it runs on both backends (tests/pg runs it again on
 * a private PostgreSQL server): a 元気がない check-in alerts the family, a sign of life is
 * stored once per ten minutes, a help press alerts both levels and the tablet sees who has
 * acknowledged, the family reads and acknowledges its level only, city staff see the open
 * city alerts with the resident's name, the missed check-in pass raises each alert once,
 * and hubctl's listings show it all. Every release is checked for its audit record by
 * ht_req.
 */
#include "hubtest.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct hubtest T;
static char home[128], fam[128], staff[128];

#define DAY0 1795359600 /* 2026-11-23 00:00 JST */

static const char *str(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItem(o, name);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static double num(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItem(o, name);
    return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static void t_unwell_and_activity(void)
{
    cJSON *j = NULL;
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/checkins", home, NULL, "{\"answer\":\"genkinai\"}", &j),
                 201);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/me", home, NULL, NULL, &j), 200);
    CHECK_STR_EQ(str(cJSON_GetObjectItem(j, "last_checkin"), "answer"), "genkinai");
    CHECK_STR_EQ(str(cJSON_GetObjectItem(j, "resident"), "display_name"), "山田 花子");
    cJSON_Delete(j);
    /* One sign of life per ten minutes: the second is the first one again. */
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/activity", home, NULL, "{\"kind\":\"touch\"}", &j), 201);
    double first = num(cJSON_GetObjectItem(j, "activity"), "id");
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/activity", home, NULL, "{\"kind\":\"touch\"}", &j), 200);
    CHECK(num(cJSON_GetObjectItem(j, "activity"), "id") == first);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(j, "stored")));
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM activity"), 1);
}

static void t_help_and_acknowledgement(void)
{
    cJSON *j = NULL;
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/help", home, NULL, "{}", &j), 201);
    const cJSON *ids = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "help"), "alert_ids");
    REQUIRE(cJSON_GetArraySize(ids) == 2);
    int family_alert = (int)cJSON_GetArrayItem(ids, 0)->valuedouble;
    int city_alert = (int)cJSON_GetArrayItem(ids, 1)->valuedouble;
    cJSON_Delete(j);

    /* The family sees its level: the help press and the 元気がない, newest first. */
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/residents/1/alerts", fam, NULL, NULL, &j), 200);
    const cJSON *al = cJSON_GetObjectItem(j, "alerts");
    CHECK_INT_EQ(cJSON_GetArraySize(al), 2);
    CHECK_STR_EQ(str(cJSON_GetArrayItem(al, 0), "kind"), "help");
    CHECK_STR_EQ(str(cJSON_GetArrayItem(al, 1), "kind"), "unwell");
    CHECK_STR_EQ(str(cJSON_GetArrayItem(al, 1), "level"), "family");
    cJSON_Delete(j);

    /* The family acknowledges its level, once; the city's is not theirs to acknowledge. */
    char path[64];
    snprintf(path, sizeof path, "/v1/alerts/%d/ack", family_alert);
    CHECK_INT_EQ(ht_json(&T, "POST", path, fam, NULL, NULL, &j), 200);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(j, "changed")));
    const cJSON *by = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "alert"), "acknowledged_by");
    CHECK_STR_EQ(str(by, "kind"), "family");
    CHECK_STR_EQ(str(by, "display_name"), "山田 太郎");
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "POST", path, fam, NULL, NULL, &j), 200);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(j, "changed")));
    cJSON_Delete(j);
    snprintf(path, sizeof path, "/v1/alerts/%d/ack", city_alert);
    CHECK(ht_refused(&T, "POST", path, fam, NULL, NULL, NULL, 0, NULL, "family, city alert"));

    /* The tablet sees the press with both levels, the family's acknowledged. */
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/help", home, NULL, NULL, &j), 200);
    const cJSON *presses = cJSON_GetObjectItem(j, "presses");
    REQUIRE(cJSON_GetArraySize(presses) == 1);
    const cJSON *levels = cJSON_GetObjectItem(cJSON_GetArrayItem(presses, 0), "alerts");
    REQUIRE(cJSON_GetArraySize(levels) == 2);
    CHECK_STR_EQ(str(cJSON_GetArrayItem(levels, 0), "level"), "family");
    CHECK(cJSON_IsObject(cJSON_GetObjectItem(cJSON_GetArrayItem(levels, 0), "acknowledged_by")));
    CHECK_STR_EQ(str(cJSON_GetArrayItem(levels, 1), "level"), "city");
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(levels, 1), "acknowledged_by")));
    cJSON_Delete(j);

    /* Staff see the open city alert with the resident, and acknowledge it. */
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/alerts", staff, NULL, NULL, &j), 200);
    al = cJSON_GetObjectItem(j, "alerts");
    REQUIRE(cJSON_GetArraySize(al) == 1);
    CHECK(num(cJSON_GetArrayItem(al, 0), "id") == city_alert);
    CHECK_STR_EQ(str(cJSON_GetObjectItem(cJSON_GetArrayItem(al, 0), "resident"), "district"),
                 "north-3");
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "POST", path, staff, NULL, NULL, &j), 200);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(j, "changed")));
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/alerts", staff, NULL, NULL, &j), 200);
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "alerts")), 0);
    cJSON_Delete(j);
}

static void t_missed_checkin_pass(void)
{
    char n[16] = "", cmd[1024], out[4096];
    /* Day 2, 12:30 JST: no sign of life since midnight; both levels, once. */
    ht_set_clock(&T, DAY0 + 86400 + 12 * 3600 + 1800);
    CHECK_INT_EQ(ht_ctl(&T, "alerts_raised", n, sizeof n, "escalate"), 0);
    CHECK_STR_EQ(n, "2");
    CHECK_INT_EQ(ht_ctl(&T, "alerts_raised", n, sizeof n, "escalate"), 0);
    CHECK_STR_EQ(n, "0");
    snprintf(cmd, sizeof cmd, "%s --db '%s' --clock-file %s alerts --open 2>&1", HUBCTL_PATH, T.db,
             T.clock);
    FILE *p = popen(cmd, "r");
    REQUIRE(p != NULL);
    size_t len = fread(out, 1, sizeof out - 1, p);
    out[len] = '\0';
    CHECK_INT_EQ(pclose(p), 0);
    CHECK(strstr(out, "\t1\tmissed\tcity\t2026-11-24 03:30:00Z\t-\t-\n") != NULL);
    CHECK(strstr(out, "\t1\tmissed\tfamily\t2026-11-24 03:30:00Z\t-\t-\n") != NULL);
    CHECK(strstr(out, "\thelp\t") == NULL); /* both help levels acknowledged */
    cJSON *j = NULL;
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/me", fam, NULL, NULL, &j), 200);
    const cJSON *res = cJSON_GetObjectItem(j, "residents");
    CHECK_INT_EQ(cJSON_GetArraySize(res), 1);
    CHECK_STR_EQ(str(cJSON_GetArrayItem(res, 0), "display_name"), "山田 花子");
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/residents/1/checkins", fam, NULL, NULL, &j), 200);
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "checkins")), 1);
    cJSON_Delete(j);
}

int main(void)
{
    if (ht_init(&T, DAY0 + 8 * 3600) != 0)
        return 1;
    int ok = ht_ctl(&T, NULL, NULL, 0,
                    "resident-add --name '山田 花子' --district north-3 --deadline 10:00") == 0;
    ok = ok && ht_ctl(&T, "token", home, sizeof home, "device-add --kind home --resident 1") == 0;
    ok = ok &&
         ht_ctl(&T, "token", fam, sizeof fam, "family-add --name '山田 太郎' --resident 1") == 0;
    ok = ok && ht_ctl(&T, "token", staff, sizeof staff, "staff-add --name 見守り係") == 0;
    if (ht_start_enrolled(&T, ok, "") != 0)
        return 1;
    TEST_RUN(t_unwell_and_activity);
    TEST_RUN(t_help_and_acknowledgement);
    TEST_RUN(t_missed_checkin_pass);
    CHECK_INT_EQ(ht_stop(&T), 0);
    ht_cleanup(&T);
    return test_summary();
}
