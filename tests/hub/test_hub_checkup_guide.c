/*
 * test_hub_checkup_guide: the guide-shaped eCheckup fixtures (tests/checkup/fixtures)
 * against the real hubd and hubctl: every structure imports through the source API and
 * `hubctl checkup-import`; the resident's views give coded results in words, the whole
 * doctor's comment, the examination date and the lab's range on the trend; a document
 * sent again with new content replaces the earlier one (kept, not shown); refused
 * documents name entry and reason and leave nothing; `hubctl checkup-show` prints every
 * item with our judgement.
 */
#include "hubtest.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct hubtest T;
static char ca[96];
static char src[128], kiosk[128], session[128];

static char *fixture(const char *name)
{
    return test_read_text(CHECKUP_FIXTURES, name, 1 << 21, NULL);
}

static long post(const char *text, cJSON **j)
{
    char *resp = NULL;
    long st = ht_req(&T, "POST", "/v1/checkups", src, NULL, NULL, text, strlen(text), &resp);
    *j = resp ? cJSON_Parse(resp) : NULL;
    free(resp);
    return st;
}

static long long count(const char *sql)
{
    return ht_sql_int(&T, sql);
}

static const cJSON *item(const cJSON *checkup, const char *code)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(checkup, "items"))
    {
        if (strcmp(cJSON_GetObjectItem(e, "code")->valuestring, code) == 0)
            return e;
    }
    return NULL;
}

static const char *str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItem(o, k);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static long long first_id;

static void t_every_structure_imports(void)
{
    static const char *const names[] = {"two-coverages-components.json",
                                        "patient-identifier-group.json", "one-coverage.json"};
    for (size_t i = 0; i < 3; i++) {
        cJSON *j = NULL;
        char *text = fixture(names[i]);
        REQUIRE(text != NULL);
        CHECK_INT_EQ(post(text, &j), 201);
        CHECK_INT_EQ((int)cJSON_GetObjectItem(j, "created")->valuedouble, 1);
        cJSON_Delete(j);
        free(text);
    }
    /* Each went to the resident its identifiers name (Patient.identifier first). */
    CHECK_INT_EQ(count("SELECT resident_id FROM checkups WHERE date = '2024-06-04'"), 1);
    CHECK_INT_EQ(count("SELECT resident_id FROM checkups WHERE date = '2023-10-12'"), 2);
    CHECK_INT_EQ(count("SELECT resident_id FROM checkups WHERE date = '2025-05-20'"), 3);
    first_id = count("SELECT id FROM checkups WHERE date = '2024-06-04'");
}

static void t_coverage_numbers_when_patient_unknown(void)
{
    cJSON *j = NULL;
    char *text = fixture("two-coverages-components.json");
    REQUIRE(text != NULL);
    /* Patient.identifier now names nobody; the insurance Coverage names resident 4. */
    REQUIRE(test_replace(text, "00012345:あいう:３８７４７６:01", "00012345:あいう:999:01") == 0);
    REQUIRE(test_replace(text, "1311234567^2024^two-coverages", "1311234567^2024^cov") == 0);
    CHECK_INT_EQ(post(text, &j), 201);
    cJSON_Delete(j);
    CHECK_INT_EQ(count("SELECT COUNT(*) FROM checkups WHERE resident_id = 4"), 1);
    /* Neither names anybody: refused at the Patient, nothing stored. */
    long long before = count("SELECT COUNT(*) FROM checkups");
    REQUIRE(test_replace(text, "６７８９０", "11111") == 0);
    REQUIRE(test_replace(text, "1311234567^2024^cov", "1311234567^2024^none") == 0);
    CHECK_INT_EQ(post(text, &j), 422);
    CHECK_STR_EQ(ht_error_code(j), "unknown_patient");
    CHECK_INT_EQ((int)cJSON_GetObjectItem(cJSON_GetObjectItem(j, "error"), "entry")->valuedouble,
                 1);
    cJSON_Delete(j);
    CHECK_INT_EQ(count("SELECT COUNT(*) FROM checkups"), before);
    free(text);
}

static void t_refused_documents_leave_nothing(void)
{
    static const struct {
        const char *file, *reason;
        int entry;
    } r[] = {
        {"reject-no-composition.json", "missing_part", -1},
        {"reject-collection.json", "not_a_document", -1},
        {"reject-item-system.json", "missing_code", 11},
        {"reject-urine-code.json", "impossible_value", 9},
        {"reject-value-system.json", "impossible_value", 9},
        {"reject-text-too-long.json", "too_large", 9},
        {"reject-deletion.json", "invalid_field", 0},
    };
    long long n = count("SELECT COUNT(*) FROM checkups"),
              m = count("SELECT COUNT(*) FROM checkup_results");
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++) {
        char args[512], reason[64] = "", entry[16] = "";
        snprintf(args, sizeof args, "checkup-import --source 1 --file %s/%s", CHECKUP_FIXTURES,
                 r[i].file);
        CHECK_INT_EQ(ht_ctl(&T, "reason", reason, sizeof reason, args), 3);
        if (strcmp(reason, r[i].reason) != 0)
            fprintf(stderr, "  %s: reason %s\n", r[i].file, reason);
        CHECK_STR_EQ(reason, r[i].reason);
        CHECK_INT_EQ(ht_ctl(&T, "entry", entry, sizeof entry, args), 3);
        CHECK_INT_EQ((int)strtol(entry, NULL, 10), r[i].entry);
    }
    CHECK_INT_EQ(count("SELECT COUNT(*) FROM checkups"), n);
    CHECK_INT_EQ(count("SELECT COUNT(*) FROM checkup_results"), m);
}

static void t_views_in_words(void)
{
    cJSON *j = NULL;
    char path[96];
    REQUIRE(ht_card_login(&T, ca, 2, kiosk, session, sizeof session) == 0);
    const char *grant = "{\"recipient\":{\"kind\":\"source\",\"id\":1},\"data_kind\":"
                        "\"checkups:1\",\"purpose\":\"linkage\",\"granted\":true}";
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/session/consents", kiosk, session, grant, &j), 201);
    cJSON_Delete(j);
    long long id = count("SELECT id FROM checkups WHERE resident_id = 2");
    snprintf(path, sizeof path, "/v1/session/checkups/%lld", id);
    CHECK_INT_EQ(ht_json(&T, "GET", path, kiosk, session, NULL, &j), 200);
    const cJSON *c = cJSON_GetObjectItem(j, "checkup");
    CHECK_STR_EQ(str(c, "date"), "2023-10-12"); /* Encounter.period.start */
    const cJSON *up = item(c, "1A010000000191111"), *us = item(c, "1A020000000191111");
    REQUIRE(up != NULL && us != NULL);
    CHECK_STR_EQ(str(up, "text"), "3");
    CHECK_STR_EQ(str(up, "text_ja"), "プラス");
    CHECK_STR_EQ(str(up, "text_en"), "positive (1+)");
    CHECK_STR_EQ(str(up, "judgement"), "see_doctor");
    CHECK_STR_EQ(str(us, "text_ja"), "プラスマイナス");
    CHECK_STR_EQ(str(us, "text_en"), "trace");
    CHECK_STR_EQ(str(us, "judgement"), "guidance");
    const cJSON *doc = item(c, "9N511000000000049");
    REQUIRE(doc != NULL);
    CHECK(strlen(str(doc, "text")) > 2000); /* the whole comment */
    CHECK(cJSON_GetObjectItem(doc, "text_ja") == NULL);
    const cJSON *who = item(c, "9A110161600000011");
    REQUIRE(who != NULL);
    CHECK_STR_EQ(str(who, "text_ja"), "脈の みだれで 心電図を しました");
    cJSON_Delete(j);
}

/* A coded result stored before the hub kept code systems (an upgraded database) still
 * reads in words: the item's own code system is assumed. */
static void t_words_for_rows_without_system(void)
{
    cJSON *j = NULL;
    char path[96];
    REQUIRE(ht_sql_exec(&T, "UPDATE checkup_results SET system = '', display = '' WHERE code"
                            " = '1A020000000191111' AND checkup_id IN (SELECT id FROM"
                            " checkups WHERE resident_id = 2)") == 0);
    snprintf(path, sizeof path, "/v1/session/checkups/%lld",
             count("SELECT id FROM checkups WHERE resident_id = 2"));
    CHECK_INT_EQ(ht_json(&T, "GET", path, kiosk, session, NULL, &j), 200);
    const cJSON *us = item(cJSON_GetObjectItem(j, "checkup"), "1A020000000191111");
    REQUIRE(us != NULL);
    CHECK_STR_EQ(str(us, "text_ja"), "プラスマイナス");
    CHECK_STR_EQ(str(us, "judgement"), "guidance");
    cJSON_Delete(j);
}

static void t_trend_carries_lab_range(void)
{
    cJSON *j = NULL;
    char s3[128];
    REQUIRE(ht_card_login(&T, ca, 3, kiosk, s3, sizeof s3) == 0);
    const char *grant = "{\"recipient\":{\"kind\":\"source\",\"id\":1},\"data_kind\":"
                        "\"checkups:1\",\"purpose\":\"linkage\",\"granted\":true}";
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/session/consents", kiosk, s3, grant, &j), 201);
    cJSON_Delete(j);
    CHECK_INT_EQ(
        ht_json(&T, "GET", "/v1/session/checkup-trend?identity=3C015", kiosk, s3, NULL, &j), 200);
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(j, "threshold")));
    const cJSON *range = cJSON_GetObjectItem(j, "range");
    REQUIRE(range != NULL);
    CHECK(cJSON_GetObjectItem(range, "low")->valuedouble == 0.65);
    CHECK(cJSON_GetObjectItem(range, "high")->valuedouble == 1.07);
    cJSON_Delete(j);
    CHECK_INT_EQ(
        ht_json(&T, "GET", "/v1/session/checkup-trend?identity=3D046", kiosk, s3, NULL, &j), 200);
    range = cJSON_GetObjectItem(j, "range");
    CHECK(range && cJSON_IsNull(cJSON_GetObjectItem(range, "low")));
    CHECK(!cJSON_IsNull(cJSON_GetObjectItem(j, "threshold")));
    cJSON_Delete(j);
}

static void t_correction_replaces(void)
{
    cJSON *j = NULL;
    char *text = fixture("two-coverages-components.json");
    REQUIRE(text != NULL);
    REQUIRE(test_replace(text, "\"value\": 5.5", "\"value\": 5.7") == 0);
    long long audits = count("SELECT COUNT(*) FROM audit WHERE action = 'checkup.correct'");
    CHECK_INT_EQ(post(text, &j), 201);
    const cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "checkups"), 0);
    REQUIRE(e != NULL);
    CHECK_INT_EQ((int)cJSON_GetObjectItem(e, "replaced")->valuedouble, 1);
    long long new_id = (long long)cJSON_GetObjectItem(e, "checkup_id")->valuedouble;
    cJSON_Delete(j);
    CHECK_INT_EQ(count("SELECT COUNT(*) FROM audit WHERE action = 'checkup.correct'"), audits + 1);
    /* The earlier version is kept for audit but replaced. */
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT superseded_by FROM checkups WHERE id = %lld", first_id);
    CHECK_INT_EQ(count(sql), new_id);
    CHECK_INT_EQ(count("SELECT COUNT(*) FROM checkups WHERE resident_id = 1 AND superseded_by"
                       " IS NULL"),
                 1);
    /* The same Bundle again changes nothing. */
    CHECK_INT_EQ(post(text, &j), 200);
    CHECK_INT_EQ((int)cJSON_GetObjectItem(j, "created")->valuedouble, 0);
    cJSON_Delete(j);
    CHECK_INT_EQ(count("SELECT COUNT(*) FROM checkups WHERE resident_id = 1"), 2);
    free(text);
}

/* Runs hubctl checkup-show and returns its whole output (owned). */
static char *show(long long resident)
{
    char cmd[768];
    snprintf(cmd, sizeof cmd, "%s --db '%s' --clock-file %s checkup-show --resident %lld",
             HUBCTL_PATH, T.db, T.clock, resident);
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    char *out = calloc(1, 1 << 20);
    if (out)
        out[fread(out, 1, (1 << 20) - 1, p)] = '\0';
    pclose(p);
    return out;
}

static void t_checkup_show(void)
{
    char *out = show(1);
    REQUIRE(out != NULL);
    /* One checkup (the correction), every item on one line with our judgement. */
    CHECK(strstr(out, "checkup\t") == out);
    CHECK(strstr(strstr(out, "\n") + 1, "checkup\t") == NULL);
    CHECK(strstr(out, "\t2024-06-04\t1\tGuide clinic\t1311234567\tみどり健診センター\n") != NULL);
    CHECK(strstr(out, "item\t3D046000001906202\tHbA1c(NGSP値)\t5.7\t%\tguidance\n") != NULL);
    CHECK(strstr(out, "item\t1A010000000191111\t尿蛋白\t2 プラスマイナス\t-\tguidance\n") != NULL);
    CHECK(strstr(out, "item\t9A751000000000001\t収縮期血圧(1回目)\t129\tmmHg\tnormal\n") != NULL);
    int lines = 0;
    for (const char *p = out; *p; p++)
        lines += *p == '\n';
    CHECK_INT_EQ(lines, 1 + 24);
    free(out);
    out = show(3);
    REQUIRE(out != NULL);
    CHECK(strstr(out, "item\t3C015000002327101\t血清クレアチニン\t1.21\tmg/dl\tguidance\n") !=
          NULL);
    CHECK(strstr(out, "item\t1A020000000191111\t尿糖\t4 2プラス\t-\tsee_doctor\n") != NULL);
    free(out);
}

int main(void)
{
    char args[512];
    /* The insured-person numbers of the fixtures (full-width as a clerk may type them). */
    static const char *const members[] = {
        "--insurer 00012345 --symbol あいう --insured ３８７４７６ --branch 01",
        "--insurer 06123456 --symbol ７０ --insured １２３４",
        "--insurer 138057 --insured 55512",
        "--insurer 06123456 --symbol 12345 --insured 67890 --branch 01",
    };
    if (ht_init(&T, time(NULL)) != 0)
        return 1;
    int ok = ht_make_ca(&T, 4, ca, sizeof ca) == 0;
    ht_set_clock(&T, time(NULL) + 120);
    for (int i = 0; i < 4 && ok; i++) {
        snprintf(args, sizeof args,
                 "resident-add --name R%d --district Kita --deadline 10:00 --cert "
                 "%s/resident-%d.pem %s",
                 i + 1, ca, i + 1, members[i]);
        ok = ht_ctl(&T, NULL, NULL, 0, args) == 0;
    }
    ok = ok && ht_ctl(&T, "token", src, sizeof src, "source-add --name 'Guide clinic'") == 0;
    ok = ok && ht_ctl(&T, "token", kiosk, sizeof kiosk, "device-add --kind public") == 0;
    snprintf(args, sizeof args, "--trust-ca %s/ca.pem", ca);
    if (ht_start_enrolled(&T, ok, args) != 0)
        return 1;
    TEST_RUN(t_every_structure_imports);
    TEST_RUN(t_coverage_numbers_when_patient_unknown);
    TEST_RUN(t_refused_documents_leave_nothing);
    TEST_RUN(t_views_in_words);
    TEST_RUN(t_words_for_rows_without_system);
    TEST_RUN(t_trend_carries_lab_range);
    TEST_RUN(t_correction_replaces);
    TEST_RUN(t_checkup_show);
    ht_cleanup(&T);
    return test_summary();
}
