/*
 * test_checkup_csv: the CSV import groups rows into checkups, validates them exactly as
 * the FHIR path does, and rejects a whole file with the line number and reason.
 */
#include "bundle_builder.h"
#include "checkup_csv.h"
#include "checkup_fhir.h"
#include "checkup_judge.h"
#include "test.h"

#include <stdlib.h>
#include <string.h>

#define HEAD                                                                                       \
    "insurer_number,insured_symbol,insured_number,insured_branch,sex,birth_date,"                  \
    "source_org_id,source_org_name,date,item_code,value,unit,ref_low,ref_high\n"

static const char good[] =
    HEAD "00012345,あいう,1870,00,male,1950-04-01,1310000001,市保健センター,2024-06-10,"
         "9A751000000000001,135,mm[Hg],,\n"
         "00012345,あいう,1870,00,male,1950-04-01,1310000001,市保健センター,2024-06-10,"
         "3D046000001920402,5.7,%,4.6,5.5\n"
         "00012345,あいう,1871,00,female,1952-01-02,1311234567,\"みなと健診クリニック, 本院\","
         "2024-07-11,3D046000001927102,6.5,%,,\n"
         "\n"
         "00012345,あいう,1870,00,male,1950-04-01,1310000001,市保健センター,2024-06-10,"
         "3C015000002327101,1.2,mg/dl,0.65,1.07\n"
         "00012345,あいう,１８７０,00,male,1950-04-01,1310000001,市保健センター,2025-06-09,"
         "9N056000000000011,2,,,\n";

static void t_groups_rows(void)
{
    struct checkup_list *l = NULL;
    struct checkup_error err;
    char key[256];
    enum checkup_status st = checkup_csv_parse(good, sizeof good - 1, &l, &err);
    if (st != CHECKUP_OK)
        fprintf(stderr, "  %s\n", err.message);
    REQUIRE(st == CHECKUP_OK);
    REQUIRE(l->n == 3);
    struct checkup *a = l->v[0], *b = l->v[1], *c = l->v[2];
    CHECK_INT_EQ(a->n_results, 3);
    CHECK_STR_EQ(a->date, "2024-06-10");
    CHECK(a->sex == CHECKUP_SEX_MALE);
    CHECK_STR_EQ(a->source_org_system, CHECKUP_CSV_ORG_SYSTEM);
    CHECK(checkup_member_key(&a->member, key, sizeof key) == 0);
    CHECK_STR_EQ(key, "00012345:あいう:1870:00");
    CHECK_STR_EQ(a->results[1].identity, "3D046");
    CHECK(a->results[1].has_low && a->results[1].ref_high == 5.5);
    CHECK(checkup_judge_result(&a->results[0], a->sex, NULL) == CHECKUP_J_GUIDANCE);
    CHECK_STR_EQ(a->results[2].unit, "mg/dL");
    CHECK(checkup_judge_result(&a->results[2], a->sex, NULL) == CHECKUP_J_GUIDANCE);
    CHECK_STR_EQ(b->source_org_name, "みなと健診クリニック, 本院");
    CHECK(checkup_judge_result(&b->results[0], b->sex, NULL) == CHECKUP_J_SEE_DOCTOR);
    /* The full-width number is the same person; another date is another checkup. */
    CHECK(checkup_member_key(&c->member, key, sizeof key) == 0);
    CHECK_STR_EQ(key, "00012345:あいう:1870:00");
    CHECK(c->results[0].kind == CHECKUP_V_CODE);
    CHECK_STR_EQ(c->results[0].text, "2");
    checkup_list_free(l);
}

static int rejects(const char *csv, enum checkup_status want, long row, const char *text)
{
    struct checkup_list *l = (struct checkup_list *)1;
    struct checkup_error err;
    memset(&err, 0, sizeof err);
    enum checkup_status st = checkup_csv_parse(csv, strlen(csv), &l, &err);
    int ok = st == want && l == NULL && err.row == row && strstr(err.message, text) != NULL;
    if (!ok)
        fprintf(stderr, "  got %s row %ld: %s (want %s row %ld '%s')\n", checkup_status_str(st),
                err.row, err.message, checkup_status_str(want), row, text);
    if (l != (struct checkup_list *)1)
        checkup_list_free(l);
    return ok;
}

#define ROW(code, value, unit)                                                                     \
    "00012345,,1870,,male,,1310000001,,2024-06-10," code "," value "," unit ",,\n"

static void t_rejects_with_line(void)
{
    CHECK(rejects(HEAD ROW("9A751000000000001", "120", "mm[Hg]")
                      ROW("3D046000001906299", "5.4", "%"),
                  CHECKUP_ERR_UNKNOWN_ITEM, 3, "line 3: item_code \"3D046000001906299\""));
    CHECK(rejects(HEAD ROW("9A751000000000001", "120", "mm[Hg]") ROW(
                      "3D046000001906202", "5.4", "%") ROW("3D010000001926101", "5.5", "mmol/L"),
                  CHECKUP_ERR_UNIT, 4, "must be given in mg/dL"));
    CHECK(rejects(HEAD ROW("3D046000001906202", "-1", "%"), CHECKUP_ERR_VALUE, 2,
                  "cannot be negative"));
    CHECK(rejects(HEAD ROW("3D046000001906202", "5,4", "%"), CHECKUP_ERR_SYNTAX, 2,
                  "15 fields but the header has 14"));
    CHECK(rejects(HEAD ROW("3D046000001906202", "abc", "%"), CHECKUP_ERR_VALUE, 2, "not a number"));
    CHECK(rejects(HEAD ROW("9A751000000000001", "400", "mm[Hg]"), CHECKUP_ERR_VALUE, 2,
                  "outside the possible range"));
    CHECK(rejects(HEAD ROW("9A751000000000001", "120", "mm[Hg]")
                      ROW("9A751000000000001", "122", "mm[Hg]"),
                  CHECKUP_ERR_INVALID, 3, "appears twice"));
    CHECK(rejects(HEAD "00012345,,1870,,male,,1310000001,,2024-02-30,9A751000000000001,120,"
                       "mm[Hg],,\n",
                  CHECKUP_ERR_INVALID, 2, "date is not a date"));
    CHECK(rejects(HEAD "0001234,,1870,,male,,1310000001,,2024-02-03,9A751000000000001,120,"
                       "mm[Hg],,\n",
                  CHECKUP_ERR_INVALID, 2, "insurer_number"));
    CHECK(rejects(HEAD "00012345,,1870,,male,,1310000001,,2024-02-03,9A751000000000001,120,"
                       "mm[Hg],,\n"
                       "00012345,,1870,,female,,1310000001,,2024-02-03,3D046000001906202,5.1,"
                       "%,,\n",
                  CHECKUP_ERR_INVALID, 3, "differ from an earlier row"));
    CHECK(rejects(HEAD "00012345,,,,male,,1310000001,,2024-02-03,9A751000000000001,120,"
                       "mm[Hg],,\n",
                  CHECKUP_ERR_MISSING, 2, "insured_number is empty"));
    CHECK(rejects("insurer_number,insured_number,date,item_code,value\n", CHECKUP_ERR_MISSING, 1,
                  "lacks the required column source_org_id"));
    CHECK(rejects("insurer_number,insured_number,source_org_id,date,item_code,value,color\n",
                  CHECKUP_ERR_SYNTAX, 1, "unknown column \"color\""));
    CHECK(rejects(HEAD, CHECKUP_ERR_MISSING, 0, "no header or no result rows"));
    CHECK(rejects(HEAD "00012345,\"open", CHECKUP_ERR_SYNTAX, 2, "malformed CSV"));
}

static void t_same_hash_as_fhir(void)
{
    /* One checkup sent as a Bundle and as CSV is one checkup: the same content hash. */
    struct bb_spec s;
    memset(&s, 0, sizeof s);
    s.insurer = "00012345";
    s.symbol = "あいう";
    s.branch = "00";
    snprintf(s.number, sizeof s.number, "1870");
    s.gender = "male";
    s.birth_date = "1950-04-01";
    s.org_id = "1310000001";
    s.org_name = "市保健センター";
    snprintf(s.date, sizeof s.date, "2024-06-10");
    bb_spec_set(&s, "9A751000000000001", 135, "mm[Hg]");
    struct bb_obs *o = bb_spec_set(&s, "3D046000001920402", 5.7, "%");
    o->has_range = 1;
    o->low = 4.6;
    o->high = 5.5;
    o->flag = "H";
    char *json = bb_build_json(&s);
    struct checkup *f = NULL;
    struct checkup_list *l = NULL;
    struct checkup_error err;
    char h1[65], h2[65];
    REQUIRE(checkup_fhir_parse(json, strlen(json), &f, &err) == CHECKUP_OK);
    static const char csv[] =
        HEAD "00012345,あいう,1870,00,male,1950-04-01,1310000001,市保健センター,2024-06-10,"
             "3D046000001920402,5.7,%,4.6,5.5\n"
             "00012345,あいう,1870,00,male,1950-04-01,1310000001,市保健センター,2024-06-10,"
             "9A751000000000001,135,mm[Hg],,\n";
    REQUIRE(checkup_csv_parse(csv, sizeof csv - 1, &l, &err) == CHECKUP_OK);
    REQUIRE(l->n == 1);
    CHECK(checkup_hash_hex(f, h1) == CHECKUP_OK);
    CHECK(checkup_hash_hex(l->v[0], h2) == CHECKUP_OK);
    CHECK_STR_EQ(h1, h2);
    checkup_free(f);
    checkup_list_free(l);
    free(json);
}

static void t_caps(void)
{
    size_t n = CHECKUP_MAX_INPUT_BYTES + 1;
    char *big = malloc(n);
    struct checkup_list *l = NULL;
    struct checkup_error err;
    REQUIRE(big != NULL);
    memset(big, 'a', n);
    CHECK(checkup_csv_parse(big, n, &l, &err) == CHECKUP_ERR_TOO_LARGE);
    CHECK(l == NULL);
    /* One record longer than the record cap. */
    size_t m = strlen(HEAD);
    memcpy(big, HEAD, m);
    CHECK(checkup_csv_parse(big, 100000, &l, &err) == CHECKUP_ERR_TOO_LARGE);
    CHECK(err.row == 2 && l == NULL);
    free(big);
}

int main(void)
{
    TEST_RUN(t_groups_rows);
    TEST_RUN(t_rejects_with_line);
    TEST_RUN(t_same_hash_as_fhir);
    TEST_RUN(t_caps);
    return test_summary();
}
