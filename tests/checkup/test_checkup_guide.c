/*
 * test_checkup_guide: the fixtures in tests/checkup/fixtures, written from the JP-CLINS
 * eCheckup guide's profiles and example instances (make_fixtures.py), one per structure
 * the guide allows: two Coverages, one Coverage, none (the numbers on Patient.identifier),
 * the doc-typecodes and the LOINC type, components and hasMember groups, coded, text and
 * numeric results. Each imports, and every item is judged by our table whatever the
 * sender's flag. The documents the guide forbids are refused whole, naming the entry.
 */
#include "checkup_codes.h"
#include "checkup_fhir.h"
#include "checkup_judge.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", CHECKUP_FIXTURES, name);
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    if (!f)
        return NULL;
    buf = malloc(CHECKUP_MAX_INPUT_BYTES + 1);
    if (buf) {
        *len = fread(buf, 1, CHECKUP_MAX_INPUT_BYTES, f);
        buf[*len] = '\0';
    }
    fclose(f);
    return buf;
}

static struct checkup *load(const char *name, struct checkup_error *e)
{
    size_t len = 0;
    struct checkup *c = NULL;
    char *buf = slurp(name, &len);
    memset(e, 0, sizeof *e);
    if (!buf)
        return NULL;
    if (checkup_fhir_parse(buf, len, &c, e) != CHECKUP_OK)
        fprintf(stderr, "  %s: %s\n", name, e->message);
    free(buf);
    return c;
}

static const struct checkup_result *by_code(const struct checkup *c, const char *code)
{
    for (size_t i = 0; c && i < c->n_results; i++)
        if (strcmp(c->results[i].code, code) == 0)
            return &c->results[i];
    return NULL;
}

struct want {
    const char *code;
    enum checkup_judgement j;
};

/* Every listed item is present and judged as wanted; returns the number of mismatches. */
static int judged(const struct checkup *c, const struct want *w, size_t n)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        const struct checkup_result *r = by_code(c, w[i].code);
        enum checkup_judgement j = r ? checkup_judge_result(r, c->sex, NULL) : CHECKUP_J_NONE;
        if (!r || j != w[i].j) {
            fprintf(stderr, "  %s: got %s want %s\n", w[i].code,
                    r ? checkup_judgement_str(j) : "(missing)", checkup_judgement_str(w[i].j));
            bad++;
        }
    }
    return bad;
}

#define N CHECKUP_J_NORMAL
#define G CHECKUP_J_GUIDANCE
#define D CHECKUP_J_SEE_DOCTOR

static void t_two_coverages_components(void)
{
    struct checkup_error e;
    struct checkup *c = load("two-coverages-components.json", &e);
    REQUIRE(c != NULL);
    /* The guide's examination date is Encounter.period.start, not Composition.date. */
    CHECK_STR_EQ(c->date, "2024-06-04");
    CHECK_STR_EQ(c->doc_date, "2024-06-18");
    CHECK_STR_EQ(c->category, "10");
    char key[256];
    REQUIRE(checkup_member_key(&c->member, key, sizeof key) == 0);
    CHECK_STR_EQ(key, "00012345:あいう:387476:01"); /* Patient.identifier wins */
    CHECK(c->has_alt_member);
    REQUIRE(checkup_member_key(&c->alt_member, key, sizeof key) == 0);
    CHECK_STR_EQ(key, "06123456:12345:67890:01"); /* the insurance Coverage */
    CHECK_STR_EQ(c->source_org_id, "1311234567");
    CHECK_STR_EQ(c->source_org_name, "みどり健診センター");
    static const struct want w[] = {
        {"9N011000000000001", N}, {"9N016160100000001", N}, {"9A751000000000001", N},
        {"9A761000000000001", N}, {"3F015000002327101", N}, {"3F070000002327101", N},
        {"3F077000002327101", N}, {"3B035000002327201", N}, {"3B045000002327201", N},
        {"3B090000002327101", N}, {"3D010000001926101", N}, {"3D046000001906202", N},
        {"8A065000002391901", N}, {"1A020000000191111", N}, {"1A010000000191111", G},
    };
    CHECK_INT_EQ(judged(c, w, sizeof w / sizeof w[0]), 0);
    const struct checkup_result *u = by_code(c, "1A010000000191111");
    REQUIRE(u != NULL);
    CHECK_STR_EQ(u->text, "2");
    CHECK_STR_EQ(u->system, "1.2.392.200119.6.2102");
    const struct checkup_code *words = checkup_codes_find(u->system, u->text);
    REQUIRE(words != NULL);
    CHECK_STR_EQ(words->ja, "プラスマイナス");
    /* Components are results of their own. */
    const struct checkup_result *ecg = by_code(c, "9A110160800000049");
    REQUIRE(ecg != NULL);
    CHECK_INT_EQ(ecg->kind, CHECKUP_V_TEXT);
    CHECK_STR_EQ(ecg->text, "2度房室ブロック、心室性期外収縮散発");
    CHECK(by_code(c, "9N056160400000049") != NULL);
    const struct checkup_result *sbp = by_code(c, "9A751000000000001");
    REQUIRE(sbp != NULL);
    CHECK_STR_EQ(sbp->sender_flag, "H");
    CHECK_INT_EQ((int)c->n_results, 24);
    checkup_free(c);
}

static void t_patient_identifier_group(void)
{
    struct checkup_error e;
    struct checkup *c = load("patient-identifier-group.json", &e);
    REQUIRE(c != NULL);
    CHECK_STR_EQ(c->date, "2023-10-12");
    CHECK_STR_EQ(c->category, "42");
    CHECK_INT_EQ(c->sex, CHECKUP_SEX_FEMALE);
    CHECK(!c->has_alt_member);
    char key[256];
    REQUIRE(checkup_member_key(&c->member, key, sizeof key) == 0);
    CHECK_STR_EQ(key, "06123456:70:1234:");
    static const struct want w[] = {
        {"9N011000000000001", G}, {"9N016160100000001", G}, {"9A751000000000001", G},
        {"9A761000000000001", G}, {"3F015129902327101", G}, {"3F070000002327101", G},
        {"3F077000002327101", G}, {"3B035000002327201", G}, {"3B045000002327201", G},
        {"3B090000002327101", G}, {"3D010129901926101", G}, {"3D046000001906202", G},
        {"8A065000002391901", G}, {"1A020000000191111", G}, {"1A010000000191111", D},
    };
    CHECK_INT_EQ(judged(c, w, sizeof w / sizeof w[0]), 0);
    /* The hasMember group's members are read; the group holds no value. */
    CHECK(by_code(c, "9A110160700000011") != NULL);
    CHECK(by_code(c, "9A110160800000049") != NULL);
    const struct checkup_result *who = by_code(c, "9A110161600000011");
    REQUIRE(who != NULL);
    CHECK_STR_EQ(who->text, "2");
    const struct checkup_result *doc = by_code(c, "9N511000000000049");
    REQUIRE(doc != NULL);
    CHECK(strlen(doc->text) > 2000); /* the whole comment, never cut */
    CHECK(strcmp(doc->text + strlen(doc->text) - strlen("ください。"), "ください。") == 0);
    checkup_free(c);
}

static void t_one_coverage(void)
{
    struct checkup_error e;
    struct checkup *c = load("one-coverage.json", &e);
    REQUIRE(c != NULL);
    CHECK_STR_EQ(c->date, "2025-05-20");
    char key[256];
    REQUIRE(checkup_member_key(&c->member, key, sizeof key) == 0);
    CHECK_STR_EQ(key, "138057::55512:");
    static const struct want w[] = {
        {"9A751000000000001", D}, {"9A761000000000001", D}, {"3F015000002327101", D},
        {"3F070000002327101", G}, {"3F077000002327101", D}, {"3B035000002327201", D},
        {"3B045000002327201", D}, {"3B090000002327101", D}, {"3D010000001926101", D},
        {"3D046000001906202", D}, {"8A065000002391901", D}, {"1A020000000191111", D},
        {"1A010000000191111", N}, {"3C015000002327101", G}, /* no MHLW line: outside the lab's range
                                                             */
    };
    CHECK_INT_EQ(judged(c, w, sizeof w / sizeof w[0]), 0);
    checkup_free(c);
}

/* A refused document: the status, the entry and words of the reason. */
static int refused(const char *name, enum checkup_status st, int entry, const char *words)
{
    struct checkup_error e;
    struct checkup *c = load(name, &e);
    int ok = c == NULL && e.status == st && e.entry == entry && strstr(e.message, words);
    if (!ok)
        fprintf(stderr, "  %s: got %s entry %d '%s'\n", name, checkup_status_str(e.status), e.entry,
                e.message);
    checkup_free(c);
    return ok;
}

static void t_refusals(void)
{
    CHECK(refused("reject-no-composition.json", CHECKUP_ERR_MISSING, -1, "no Composition"));
    CHECK(refused("reject-collection.json", CHECKUP_ERR_NOT_DOCUMENT, -1, "\"collection\""));
    CHECK(refused("reject-item-system.json", CHECKUP_ERR_MISSING_CODE, 11,
                  "\"http://loinc.org\" is not an item code system"));
    CHECK(refused("reject-urine-code.json", CHECKUP_ERR_VALUE, 9,
                  "\"9\" is not a code of urn:oid:1.2.392.200119.6.2102"));
    CHECK(refused("reject-value-system.json", CHECKUP_ERR_VALUE, 9,
                  "takes codes of urn:oid:1.2.392.200119.6.2102"));
    CHECK(refused("reject-text-too-long.json", CHECKUP_ERR_TOO_LARGE, 9,
                  "longer than 4000 characters"));
    CHECK(refused("reject-deletion.json", CHECKUP_ERR_INVALID, 0, "request to delete"));
}

int main(void)
{
    TEST_RUN(t_two_coverages_components);
    TEST_RUN(t_patient_identifier_group);
    TEST_RUN(t_one_coverage);
    TEST_RUN(t_refusals);
    return test_summary();
}
