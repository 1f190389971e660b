/*
 * test_hub_checkup.c: black-box tests of checkups in the hub against the real
 * hubd and hubctl: source organisations import eCheckup Bundles and CSV over the API
 * (Idempotency-Key, 2 MiB cap on that endpoint only) and by hubctl; rejections name the
 * entry and the reason and leave nothing behind; re-import changes nothing; an unknown
 * patient is refused; the resident's card session sees only checkups of sources they
 * consented to, with our own judgement (the sender's flag ignored), per checkup and as a
 * trend over the years; every view is audited once.
 */
#include "bundle_builder.h"
#include "hubtest.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct hubtest T;
static char ca[96];
static char src1[128], src2[128], kiosk[128], session1[128], session2[128];

static long long count(const char *sql)
{
    return ht_sql_int(&T, sql);
}

static long long n_checkups(void)
{
    return count("SELECT COUNT(*) FROM checkups");
}
static long long n_results(void)
{
    return count("SELECT COUNT(*) FROM checkup_results");
}
/* POSTs text as a checkup import with token; returns the status, *j the answer. */
static long post_import(const char *token, const char *idem, const char *text, cJSON **j)
{
    char *resp = NULL;
    long st = ht_req(&T, "POST", "/v1/checkups", token, NULL, idem, text, strlen(text), &resp);
    *j = resp ? cJSON_Parse(resp) : NULL;
    free(resp);
    return st;
}

static long post_spec(const char *token, const struct bb_spec *s, cJSON **j)
{
    char *json = bb_build_json(s);
    long st = post_import(token, NULL, json, j);
    free(json);
    return st;
}

static const cJSON *err_field(const cJSON *j, const char *name)
{
    return cJSON_GetObjectItem(cJSON_GetObjectItem(j, "error"), name);
}

static void t_import_over_api(void)
{
    cJSON *j = NULL;
    for (int year = 2022; year <= 2024; year++) {
        struct bb_spec s;
        bb_spec_default(&s, 1, year, 0);
        if (year == 2024) {
            /* HbA1c 6.8 % flagged "N" (normal) by the sender: we judge it ourselves. */
            for (size_t i = 0; i < s.n_obs; i++)
                if (strncmp(s.obs[i].code, "3D046", 5) == 0) {
                    s.obs[i].value = 6.8;
                    s.obs[i].flag = "N";
                }
        }
        CHECK_INT_EQ(post_spec(src1, &s, &j), 201);
        CHECK_INT_EQ(cJSON_GetObjectItem(j, "created")->valueint, 1);
        cJSON *c0 = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "checkups"), 0);
        CHECK(cJSON_IsTrue(cJSON_GetObjectItem(c0, "created")));
        CHECK(strlen(cJSON_GetObjectItem(c0, "content_hash")->valuestring) == 64);
        /* The source learns nothing about the resident (no resident id in the answer). */
        char *text = cJSON_PrintUnformatted(j);
        CHECK(strstr(text, "resident") == NULL);
        free(text);
        cJSON_Delete(j);
    }
    struct bb_spec s;
    bb_spec_default(&s, 1, 2023, 1); /* the insurer's clinic */
    CHECK_INT_EQ(post_spec(src2, &s, &j), 201);
    cJSON_Delete(j);
    CHECK_INT_EQ(n_checkups(), 4);
    CHECK_INT_EQ(count("SELECT COUNT(*) FROM audit WHERE action = 'checkup.import' AND"
                       " actor = 'source:1' AND subject_resident_id = 1"),
                 3);
    /* CSV for resident 2, over the API with Content-Type text/csv. */
    const char *csv =
        "insurer_number,insured_symbol,insured_number,insured_branch,sex,source_org_id,date,"
        "item_code,value,unit\n"
        "00012345,あいう,1872,00,male,1310000001,2024-06-12,9A751000000000001,141,mm[Hg]\n"
        "00012345,あいう,1872,00,male,1310000001,2024-06-12,3D046000001906202,5.5,%\n"
        "00012345,あいう,1872,00,male,1310000001,2025-06-12,9A751000000000001,128,mm[Hg]\n";
    T.content_type = "text/csv";
    CHECK_INT_EQ(post_import(src1, NULL, csv, &j), 201);
    T.content_type = NULL;
    CHECK_INT_EQ(cJSON_GetObjectItem(j, "created")->valueint, 2);
    cJSON_Delete(j);
    CHECK_INT_EQ(count("SELECT COUNT(*) FROM checkups WHERE resident_id = 2"), 2);
}

static void t_reimport_changes_nothing(void)
{
    cJSON *j = NULL;
    struct bb_spec s;
    bb_spec_default(&s, 1, 2022, 0);
    long long c = n_checkups(), r = n_results(), a = ht_audit_count(&T);
    CHECK_INT_EQ(post_spec(src1, &s, &j), 200);
    CHECK_INT_EQ(cJSON_GetObjectItem(j, "created")->valueint, 0);
    CHECK_INT_EQ(cJSON_GetObjectItem(j, "unchanged")->valueint, 1);
    cJSON_Delete(j);
    /* The same content re-sent with new UUIDs is the same checkup. */
    s.uuid_salt = "resent";
    CHECK_INT_EQ(post_spec(src1, &s, &j), 200);
    cJSON_Delete(j);
    CHECK_INT_EQ(n_checkups(), c);
    CHECK_INT_EQ(n_results(), r);
    CHECK_INT_EQ(ht_audit_count(&T), a);
    /* Idempotency-Key: same key + same body -> same answer; another body -> 422. */
    bb_spec_default(&s, 1, 2025, 0);
    char *b1 = bb_build_json(&s);
    bb_spec_default(&s, 1, 2021, 0);
    char *b2 = bb_build_json(&s);
    char *r1 = NULL, *r2 = NULL;
    CHECK_INT_EQ(ht_req(&T, "POST", "/v1/checkups", src1, NULL, "imp-1", b1, strlen(b1), &r1), 201);
    CHECK_INT_EQ(ht_req(&T, "POST", "/v1/checkups", src1, NULL, "imp-1", b1, strlen(b1), &r2), 201);
    CHECK_STR_EQ(r1, r2);
    free(r2);
    r2 = NULL;
    CHECK_INT_EQ(ht_req(&T, "POST", "/v1/checkups", src1, NULL, "imp-1", b2, strlen(b2), &r2), 422);
    CHECK(strstr(r2, "idempotency_key_reused") != NULL);
    CHECK_INT_EQ(n_checkups(), c + 1);
    free(r1);
    free(r2);
    free(b1);
    free(b2);
}

/* Posts a Bundle changed by fn; expects 422 (or want) with reason and entry; checks nothing
 * was stored. */
static void expect_reject(cJSON *bundle, long want, const char *reason, int entry)
{
    char *text = bb_print(bundle);
    cJSON *j = NULL;
    long long c = n_checkups(), r = n_results(), a = ht_audit_count(&T);
    long st = post_import(src1, NULL, text, &j);
    if (st != want || strcmp(cJSON_GetStringValue(err_field(j, "reason")), reason) != 0 ||
        (entry >= -1 && err_field(j, "entry")->valueint != entry)) {
        char *p = cJSON_PrintUnformatted(j);
        fprintf(stderr, "reject: want %ld %s entry %d, got %ld %s\n", want, reason, entry, st, p);
        free(p);
        CHECK(0);
    }
    CHECK(strlen(cJSON_GetStringValue(err_field(j, "message"))) > 20);
    CHECK_INT_EQ(n_checkups(), c);
    CHECK_INT_EQ(n_results(), r);
    CHECK_INT_EQ(ht_audit_count(&T), a);
    cJSON_Delete(j);
    free(text);
}

static void t_rejections_name_entry_and_reason(void)
{
    struct bb_spec s;
    bb_spec_default(&s, 1, 2020, 0);
    cJSON *b = bb_build(&s);
    int obs = bb_find_obs(b, "9A751000000000001");
    cJSON_ReplaceItemInObject(bb_entry(b, obs), "resourceType", cJSON_CreateString("Medication"));
    expect_reject(b, 422, "wrong_resource_type", obs);
    cJSON_Delete(b);

    b = bb_build(&s);
    obs = bb_find_obs(b, "9A751000000000001");
    cJSON_DeleteItemFromObject(bb_entry(b, obs), "code");
    expect_reject(b, 422, "missing_code", obs);
    cJSON_Delete(b);

    bb_spec_default(&s, 1, 2020, 0);
    bb_spec_set(&s, "3D046000001906202", 48, "mmol/mol"); /* we never convert units */
    b = bb_build(&s);
    expect_reject(b, 422, "unit_mismatch", bb_find_obs(b, "3D046000001906202"));
    cJSON_Delete(b);

    bb_spec_default(&s, 1, 2020, 0);
    bb_spec_set(&s, "9A751000000000001", 400, "mm[Hg]");
    b = bb_build(&s);
    expect_reject(b, 422, "impossible_value", bb_find_obs(b, "9A751000000000001"));
    cJSON_Delete(b);

    bb_spec_default(&s, 1, 2020, 0);
    b = bb_build(&s);
    cJSON_ReplaceItemInObject(b, "type", cJSON_CreateString("collection"));
    expect_reject(b, 422, "not_a_document", -1);
    cJSON_Delete(b);

    /* Unknown patient: valid Bundle of someone not enrolled. */
    bb_spec_default(&s, 9, 2020, 0);
    b = bb_build(&s);
    int patient = bb_find_type(b, "Patient");
    expect_reject(b, 422, "unknown_patient", patient);
    cJSON_Delete(b);

    /* Not JSON at all. */
    cJSON *j = NULL;
    CHECK_INT_EQ(post_import(src1, NULL, "{\"resourceType\": ", &j), 400);
    CHECK_STR_EQ(cJSON_GetStringValue(err_field(j, "reason")), "syntax_error");
    cJSON_Delete(j);

    /* CSV: the bad line is named; the good rows before it are not stored. */
    const char *csv = "insurer_number,insured_number,source_org_id,date,item_code,value,unit\n"
                      "00012345,1871,1310000001,2019-06-12,9A751000000000001,120,mm[Hg]\n"
                      "00012345,1871,1310000001,2019-06-12,9A761000000000001,abc,mm[Hg]\n";
    long long c = n_checkups();
    T.content_type = "text/csv";
    CHECK_INT_EQ(post_import(src1, NULL, csv, &j), 422);
    T.content_type = NULL;
    CHECK_INT_EQ(err_field(j, "row")->valueint, 3);
    CHECK_STR_EQ(ht_error_code(j), "csv_rejected");
    cJSON_Delete(j);
    CHECK_INT_EQ(n_checkups(), c);
}

static void t_body_cap_only_for_imports(void)
{
    size_t big = 100 * 1024;
    char *body = malloc(3u << 20);
    REQUIRE(body != NULL);
    memset(body, ' ', 3u << 20);
    body[0] = '{';
    body[big - 1] = '}';
    char *resp = NULL;
    /* 100 KiB: over the 64 KiB of other endpoints, within the 2 MiB of imports. */
    CHECK_INT_EQ(ht_req(&T, "POST", "/v1/checkups", src1, NULL, NULL, body, big, &resp), 422);
    free(resp);
    CHECK_INT_EQ(ht_req(&T, "POST", "/v1/checkins", kiosk, NULL, NULL, body, big, &resp), 413);
    free(resp);
    body[big - 1] = ' ';
    body[(2u << 20) + 10] = '}';
    CHECK_INT_EQ(ht_req(&T, "POST", "/v1/checkups", src1, NULL, NULL, body, (2u << 20) + 11, &resp),
                 413);
    CHECK(strstr(resp, "body_too_large") != NULL);
    free(resp);
    free(body);
    /* Only a source organisation may import. */
    CHECK_INT_EQ(ht_req(&T, "POST", "/v1/checkups", kiosk, NULL, NULL, "{}", 2, &resp), 403);
    free(resp);
}

static void t_hubctl_import(void)
{
    struct bb_spec s;
    char path[160], args[256], created[16] = "", reason[64] = "";
    bb_spec_default(&s, 2, 2023, 1);
    char *json = bb_build_json(&s);
    snprintf(path, sizeof path, "%s/b.json", T.dir);
    FILE *f = fopen(path, "w");
    REQUIRE(f != NULL);
    fputs(json, f);
    fclose(f);
    free(json);
    snprintf(args, sizeof args, "checkup-import --source 2 --file %s", path);
    CHECK_INT_EQ(ht_ctl(&T, "created", created, sizeof created, args), 0);
    CHECK_STR_EQ(created, "1");
    CHECK_INT_EQ(ht_ctl(&T, "created", created, sizeof created, args), 0);
    CHECK_STR_EQ(created, "0");
    snprintf(args, sizeof args, "checkup-import --source 2 --file %s --format csv", path);
    CHECK_INT_EQ(ht_ctl(&T, "reason", reason, sizeof reason, args), 3);
    CHECK(strlen(reason) > 0);
    snprintf(args, sizeof args, "checkup-import --source 99 --file %s", path);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 1);
}

static const cJSON *find_item(const cJSON *items, const char *identity)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, items)
    {
        if (strcmp(cJSON_GetObjectItem(e, "identity")->valuestring, identity) == 0)
            return e;
    }
    return NULL;
}

static long long source2_checkup;

static void t_unconsented_source_is_invisible(void)
{
    cJSON *j = NULL;
    char *text = NULL;
    REQUIRE(ht_card_login(&T, ca, 1, kiosk, session1, sizeof session1) == 0);
    long long a = ht_audit_count(&T);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/session/checkups", kiosk, session1, NULL, &j), 200);
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "checkups")), 0);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_audit_count(&T), a); /* nothing released, nothing audited */
    long long one = count("SELECT MIN(id) FROM checkups WHERE resident_id = 1");
    source2_checkup = count("SELECT id FROM checkups WHERE resident_id = 1 AND source_id = 2");
    char path[64];
    snprintf(path, sizeof path, "/v1/session/checkups/%lld", one);
    CHECK_INT_EQ(ht_req(&T, "GET", path, kiosk, session1, NULL, NULL, 0, &text), 403);
    CHECK(strstr(text, "mm[Hg]") == NULL);
    free(text);
    CHECK_INT_EQ(ht_req(&T, "GET", "/v1/session/checkup-trend?identity=3D046", kiosk, session1,
                        NULL, NULL, 0, &text),
                 200);
    cJSON *tj = cJSON_Parse(text);
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(tj, "points")), 0);
    cJSON_Delete(tj);
    free(text);
    CHECK_INT_EQ(ht_audit_count(&T), a);
}

static void t_consented_source_shown_and_judged(void)
{
    cJSON *j = NULL;
    const char *grant = "{\"recipient\":{\"kind\":\"source\",\"id\":1},\"data_kind\":"
                        "\"checkups:1\",\"purpose\":\"linkage\",\"granted\":true}";
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/session/consents", kiosk, session1, grant, &j), 201);
    cJSON_Delete(j);
    long long a = ht_audit_count(&T);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/session/checkups?limit=2", kiosk, session1, NULL, &j),
                 200);
    cJSON *arr = cJSON_GetObjectItem(j, "checkups");
    REQUIRE(cJSON_GetArraySize(arr) == 2);
    CHECK_STR_EQ(cJSON_GetObjectItem(cJSON_GetArrayItem(arr, 0), "date")->valuestring,
                 "2025-06-11");
    double next = cJSON_GetObjectItem(j, "next_before")->valuedouble;
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_audit_count(&T), a + 1);
    CHECK_INT_EQ(count("SELECT COUNT(*) FROM audit WHERE id = (SELECT MAX(id) FROM audit) AND"
                       " action = 'checkups.list' AND data_kinds = 'checkups:1' AND basis LIKE"
                       " 'self:card_session+consent:%'"),
                 1);
    char path[96];
    snprintf(path, sizeof path, "/v1/session/checkups?before=%.0f", next);
    CHECK_INT_EQ(ht_json(&T, "GET", path, kiosk, session1, NULL, &j), 200);
    arr = cJSON_GetObjectItem(j, "checkups");
    CHECK_INT_EQ(cJSON_GetArraySize(arr), 2); /* 2023, 2022: the insurer's 2023 is hidden */
    const cJSON *e;
    cJSON_ArrayForEach(e, arr)
    {
        CHECK_INT_EQ(cJSON_GetObjectItem(cJSON_GetObjectItem(e, "source"), "id")->valueint, 1);
    }
    cJSON_Delete(j);
    /* By year: the years of consented checkups, and one year's checkups. */
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/session/checkups?year=2023", kiosk, session1, NULL, &j),
                 200);
    const cJSON *years = cJSON_GetObjectItem(j, "years");
    CHECK_INT_EQ(cJSON_GetArraySize(years), 4);
    CHECK_INT_EQ(cJSON_GetArrayItem(years, 0)->valueint, 2025);
    CHECK_INT_EQ(cJSON_GetArrayItem(years, 3)->valueint, 2022);
    arr = cJSON_GetObjectItem(j, "checkups");
    CHECK_INT_EQ(cJSON_GetArraySize(arr), 1);
    CHECK_STR_EQ(cJSON_GetObjectItem(cJSON_GetArrayItem(arr, 0), "date")->valuestring,
                 "2023-06-11");
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/session/checkups?year=1800", kiosk, session1, NULL, &j),
                 400);
    cJSON_Delete(j);
    /* One checkup: 2024 with the HbA1c 6.8 % the sender flagged "N". */
    long long id = count("SELECT id FROM checkups WHERE resident_id = 1 AND date LIKE '2024%'");
    snprintf(path, sizeof path, "/v1/session/checkups/%lld", id);
    CHECK_INT_EQ(ht_json(&T, "GET", path, kiosk, session1, NULL, &j), 200);
    const cJSON *items = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "checkup"), "items");
    const cJSON *a1c = find_item(items, "3D046");
    REQUIRE(a1c != NULL);
    CHECK_STR_EQ(cJSON_GetObjectItem(a1c, "judgement")->valuestring, "see_doctor");
    CHECK_STR_EQ(cJSON_GetObjectItem(a1c, "judgement_ja")->valuestring, "受診をおすすめ");
    CHECK(cJSON_GetObjectItem(a1c, "value")->valuedouble == 6.8);
    CHECK_STR_EQ(cJSON_GetObjectItem(a1c, "unit")->valuestring, "%");
    CHECK(cJSON_GetObjectItem(cJSON_GetObjectItem(a1c, "threshold"), "see_doctor")->valuedouble ==
          6.5);
    CHECK(cJSON_IsString(cJSON_GetObjectItem(a1c, "explain_ja")));
    CHECK(cJSON_GetObjectItem(cJSON_GetObjectItem(a1c, "range"), "high")->valuedouble == 5.5);
    const cJSON *hdl = find_item(items, "3F070");
    CHECK_STR_EQ(cJSON_GetObjectItem(hdl, "judgement")->valuestring, "normal");
    cJSON_Delete(j);
    /* The insurer's checkup: no consent for source 2. */
    snprintf(path, sizeof path, "/v1/session/checkups/%lld", source2_checkup);
    CHECK_INT_EQ(ht_json(&T, "GET", path, kiosk, session1, NULL, &j), 403);
    CHECK_STR_EQ(ht_error_code(j), "not_permitted");
    cJSON_Delete(j);
    /* Trend of HbA1c over the years: several lab-method codes, one analyte. */
    CHECK_INT_EQ(
        ht_json(&T, "GET", "/v1/session/checkup-trend?identity=3D046", kiosk, session1, NULL, &j),
        200);
    const cJSON *pts = cJSON_GetObjectItem(j, "points");
    CHECK_INT_EQ(cJSON_GetArraySize(pts), 4); /* 2022, 2023, 2024, 2025 of source 1 */
    CHECK(strcmp(cJSON_GetObjectItem(cJSON_GetArrayItem(pts, 0), "code")->valuestring,
                 cJSON_GetObjectItem(cJSON_GetArrayItem(pts, 1), "code")->valuestring) != 0);
    CHECK(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "threshold"), "guidance")->valuedouble == 5.6);
    cJSON_Delete(j);
    /* Resident 2 cannot read resident 1's checkup, even with their own consent. */
    REQUIRE(ht_card_login(&T, ca, 2, kiosk, session2, sizeof session2) == 0);
    const char *grant2 = "{\"recipient\":{\"kind\":\"source\",\"id\":1},\"data_kind\":"
                         "\"checkups\",\"purpose\":\"linkage\",\"granted\":true}";
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/session/consents", kiosk, session2, grant2, &j), 201);
    cJSON_Delete(j);
    snprintf(path, sizeof path, "/v1/session/checkups/%lld", id);
    CHECK_INT_EQ(ht_json(&T, "GET", path, kiosk, session2, NULL, &j), 403);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/session/checkups", kiosk, session2, NULL, &j), 200);
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "checkups")), 2);
    cJSON_Delete(j);
    /* A consent for an unknown source is refused. */
    const char *bad = "{\"recipient\":{\"kind\":\"source\",\"id\":77},\"data_kind\":"
                      "\"checkups:77\",\"purpose\":\"linkage\",\"granted\":true}";
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/session/consents", kiosk, session1, bad, &j), 422);
    cJSON_Delete(j);
}

static void t_revocation_hides_again(void)
{
    cJSON *j = NULL;
    const char *revoke = "{\"recipient\":{\"kind\":\"source\",\"id\":1},\"data_kind\":"
                         "\"checkups:1\",\"purpose\":\"linkage\",\"granted\":false}";
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/session/consents", kiosk, session1, revoke, &j), 200);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/session/checkups", kiosk, session1, NULL, &j), 200);
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "checkups")), 0);
    cJSON_Delete(j);
    /* No card session: 401; a source organisation's key: 403. */
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/session/checkups", kiosk, NULL, NULL, &j), 401);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/session/checkups", src1, session1, NULL, &j), 403);
    cJSON_Delete(j);
    char args[160];
    snprintf(args, sizeof args, "audit-verify --key %s", T.key);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 0);
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
        /* Full-width digits at enrolment: normalised like the Bundle's identifiers. */
        snprintf(args, sizeof args,
                 "resident-add --name R%d --district Kita --deadline 10:00 --cert "
                 "%s/resident-%d.pem --insurer 00012345 --symbol あいう --insured %s --branch 00",
                 i, ca, i, i == 1 ? "１８７１" : "1872");
        ok = ht_ctl(&T, NULL, NULL, 0, args) == 0;
    }
    ok = ok && ht_ctl(&T, "token", src1, sizeof src1, "source-add --name 'City health'") == 0;
    ok = ok && ht_ctl(&T, "token", src2, sizeof src2, "source-add --name 'Insurer'") == 0;
    ok = ok && ht_ctl(&T, "token", kiosk, sizeof kiosk, "device-add --kind public") == 0;
    snprintf(args, sizeof args, "--trust-ca %s/ca.pem", ca);
    if (ht_start_enrolled(&T, ok, args) != 0)
        return 1;
    TEST_RUN(t_import_over_api);
    TEST_RUN(t_reimport_changes_nothing);
    TEST_RUN(t_rejections_name_entry_and_reason);
    TEST_RUN(t_body_cap_only_for_imports);
    TEST_RUN(t_hubctl_import);
    TEST_RUN(t_unconsented_source_is_invisible);
    TEST_RUN(t_consented_source_shown_and_judged);
    TEST_RUN(t_revocation_hides_again);
    ht_cleanup(&T);
    return test_summary();
}
